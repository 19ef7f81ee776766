"""One customer's chart on the Predictions page: P(alive) over time with each purchase marked.

``customer_history`` takes a ``clv.predict.CustomerStory`` (read by its attributes: the charts never
import ``clv.predict``) and draws what lifetimes' ``plot_history_alive`` draws, in the house style:
titles and axes from the catalogue (``story.chart``), dates written as numbers (2024-03) in the chosen
digits, right-to-left titles and legend for Arabic.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import fmt, i18n
from .base import ACCENT, NEUTRAL, PRIMARY, figure, finish

MAX_DATE_TICKS = 6  # at most this many dates on the x axis (seven-character labels; plotly turns them if crowded)
MONTH_TICK_STEPS = (1, 2, 3, 6, 12, 24, 60)  # months between date ticks
DAY_TICK_STEPS = (1, 2, 7, 14)  # days between date ticks, when the story spans under two months
X_PAD_SHARE = 0.02  # room left and right of the history, as a share of its span (at least a day)
Y_TOP = 105.0  # percent: room above 100% for the label of the last P(alive)


def _date(stamp: pd.Timestamp, digits: str, pattern: str = "%Y-%m-%d") -> str:
    text = pd.Timestamp(stamp).strftime(pattern)
    return text.translate(fmt.ARABIC_INDIC) if digits == "arabic" else text


def date_ticks(start: pd.Timestamp, end: pd.Timestamp, digits: str = "western") -> tuple[list, list[str]]:
    """Tick dates for an axis from ``start`` to ``end`` and their labels: month starts every 1, 2, 3, 6,
    12, 24 or 60 months ("2024-03"), the smallest step with at most ``MAX_DATE_TICKS`` of them; under two
    month starts in the span, days every 1, 2, 7 or 14 days ("2024-03-05"). Labels in ``digits``.

    >>> vals, text = date_ticks(pd.Timestamp("1997-01-07"), pd.Timestamp("1998-06-30"))
    >>> text                                                        # 17 months: every 3 months
    ['1997-04', '1997-07', '1997-10', '1998-01', '1998-04']
    >>> date_ticks(pd.Timestamp("2024-03-05"), pd.Timestamp("2024-03-19"), "arabic")[1][:2]
    ['٢٠٢٤-٠٣-٠٥', '٢٠٢٤-٠٣-١٢']
    """
    start, end = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    months = pd.date_range(start, end, freq="MS")
    if len(months) >= 2:
        for step in MONTH_TICK_STEPS:
            ticks = [m for m in months if (m.year * 12 + m.month - 1) % step == 0]
            if len(ticks) <= MAX_DATE_TICKS:
                break
        return ticks, [_date(t, digits, "%Y-%m") for t in ticks]
    span = (end - start).days
    step = next((s for s in DAY_TICK_STEPS if span // s + 1 <= MAX_DATE_TICKS), DAY_TICK_STEPS[-1])
    ticks = list(pd.date_range(start, end, freq=f"{step}D"))
    return ticks, [_date(t, digits) for t in ticks]


def customer_history(story, lang: str = "en", digits: str = "western", currency: str = "$") -> go.Figure:
    """P(alive) of one customer on each day from their first purchase to the end of the data (trace 0),
    each purchase marked by a dashed vertical line (trace 1) and a point on the curve whose hover gives
    the date and amount (trace 2), the end of the data by a dotted vertical line (trace 3) and the last
    P(alive) written beside it (trace 4).

    y = 100 x P(alive | the purchases up to that day) (percent; ``clv.predict.alive_path``, as lifetimes'
    ``plot_history_alive``); x = dates. ``story``: ``clv.predict.customer_story`` (its alive_dates,
    alive.p_alive, purchase_dates, purchase_amounts, observation_end, p_alive, customer_id). Amounts in
    ``currency``; dates and numbers in ``digits``.

    >>> from types import SimpleNamespace
    >>> days = pd.date_range("2024-01-01", periods=4)
    >>> story = SimpleNamespace(customer_id="C7", alive_dates=days, alive=SimpleNamespace(
    ...     p_alive=np.array([1.0, 1.0, 0.75, 0.72])), purchase_dates=days[[0, 2]],
    ...     purchase_amounts=np.array([20.0, 35.5]), observation_end=days[-1], p_alive=0.72)
    >>> fig = customer_history(story)
    >>> fig.data[0].y.tolist(), fig.data[2].y.tolist(), fig.data[2].hovertext[1], fig.data[4].text
    ([100.0, 100.0, 75.0, 72.0], [100.0, 75.0], '2024-01-03: bought for $35.50', ('72%',))
    """
    fig = figure("story.chart.title", lang, "story.chart.x", "story.chart.y", customer=str(story.customer_id))
    dates = pd.DatetimeIndex(story.alive_dates)
    alive = 100.0 * np.asarray(story.alive.p_alive, dtype=float)
    fig.add_trace(
        go.Scatter(
            x=dates,
            y=alive,
            mode="lines",
            line={"color": PRIMARY, "width": 3},
            name=i18n.text("story.chart.alive", lang),
            hovertext=[
                i18n.text("story.chart.hover_alive", lang, date=_date(d, digits), p=fmt.percent(p / 100, 0, digits))
                for d, p in zip(dates, alive)
            ],
            hoverinfo="text",
        )
    )
    bought = pd.DatetimeIndex(story.purchase_dates)
    at = np.clip(dates.searchsorted(bought), 0, max(len(dates) - 1, 0))
    fig.add_trace(
        go.Scatter(
            x=[v for d in bought for v in (d, d, None)],
            y=[v for _ in bought for v in (0.0, 100.0, None)],
            mode="lines",
            line={"color": ACCENT, "dash": "dash", "width": 1.5},
            name=i18n.text("story.chart.purchases", lang),
            legendgroup="purchases",
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=bought,
            y=alive[at] if len(dates) else [],
            mode="markers",
            marker={"color": ACCENT, "size": 11, "line": {"color": "white", "width": 1}},
            name=i18n.text("story.chart.purchases", lang),
            legendgroup="purchases",
            showlegend=False,
            hovertext=[
                i18n.text(
                    "story.chart.hover_purchase",
                    lang,
                    date=_date(d, digits),
                    amount=fmt.money(float(a), currency, 2, digits),
                )
                for d, a in zip(bought, story.purchase_amounts)
            ],
            hoverinfo="text",
        )
    )
    end = pd.Timestamp(story.observation_end)
    fig.add_trace(
        go.Scatter(
            x=[end, end],
            y=[0.0, 100.0],
            mode="lines",
            line={"color": NEUTRAL, "dash": "dot", "width": 2},
            name=i18n.text("story.chart.end", lang, date=_date(end, digits)),
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[end],
            y=[100.0 * story.p_alive],
            mode="markers+text",
            marker={"color": PRIMARY, "size": 11},
            text=[fmt.percent(story.p_alive, 0, digits)],
            textposition="top left",
            textfont={"size": 16, "color": PRIMARY},
            showlegend=False,
            hoverinfo="skip",
        )
    )
    first = dates[0] if len(dates) else end
    pad = pd.Timedelta(days=max(1.0, math.ceil(X_PAD_SHARE * (end - first).days)))
    ticks, labels = date_ticks(first, end, digits)
    fig.update_xaxes(type="date", range=[first - pad, end + pad], tickmode="array", tickvals=ticks, ticktext=labels)
    fig.update_yaxes(range=[0.0, Y_TOP], tickmode="array", tickvals=[0, 20, 40, 60, 80, 100])
    fig.update_yaxes(ticktext=[fmt.number(v, 0, digits) for v in (0, 20, 40, 60, 80, 100)])
    return finish(fig)
