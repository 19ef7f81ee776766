"""The Learn page's charts: the geometric series, discounting, the mixture effect, simulated customer
timelines, the share still alive, and model estimates against the known truth."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import i18n
from ..learn import MixtureEffect
from .base import ACCENT, BAD, GOOD, NEUTRAL, PRIMARY, category_labels, figure, finish

TIMELINE_CUSTOMERS = 12  # customers drawn in the timeline chart


def geometric_series(terms: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Bars: the chance of still paying in month t, (1 - c)^t; line: the running sum; dashed: its limit 1 / c.

    ``clv.learn.geometric_lifetime_terms`` in. Running sum after month n: sum_{t<=n} (1 - c)^t
    = (1 - (1 - c)^(n+1)) / c, the expected months paid so far; its limit 1 / c is the expected lifetime
    in months (no line when c = 0). x in months, y in months (a probability for the bars).

    >>> from clv.learn import geometric_lifetime_terms
    >>> fig = geometric_series(geometric_lifetime_terms(0.05, 12))
    >>> fig.data[0].y[:3].tolist(), fig.data[1].y[:3].tolist(), fig.layout.shapes[0].y0     # limit 1 / 0.05
    ([1.0, 0.95, 0.9025], [1.0, 1.95, 2.8525], 20.0)
    """
    fig = figure("learn.charts.geometric.title", lang, "learn.charts.axis.month", "learn.charts.axis.months")
    fig.add_bar(
        x=terms["month"], y=terms["term"], marker_color=PRIMARY, name=i18n.text("learn.charts.geometric.term", lang)
    )
    fig.add_scatter(
        x=terms["month"],
        y=terms["partial_sum"],
        mode="lines+markers",
        line={"color": ACCENT, "width": 3},
        name=i18n.text("learn.charts.geometric.sum", lang),
    )
    limit = terms.attrs.get("limit", math.inf)
    if math.isfinite(limit):
        fig.add_hline(
            y=limit,
            line={"color": GOOD, "dash": "dash"},
            annotation_text=i18n.text("learn.charts.geometric.limit", lang, value=f"{limit:,.1f}"),
        )
    return finish(fig)


def discounting(table: pd.DataFrame, horizon_months: int | None, lang: str = "en", currency: str = "$") -> go.Figure:
    """Cumulative expected margin of one customer, undiscounted and discounted, the horizon marked.

    ``clv.learn.discounting_table`` in. After x months (payments at the start of each month):
    g (1 - (1 - c)^x) / c undiscounted and g (1 - q^x) / (1 - q) discounted, q = (1 - c) / (1 + d),
    g = ARPU x m, d the monthly rate of the annual one. x in months, y in currency per customer; a
    dashed line at ``horizon_months`` when given.

    >>> from clv.learn import discounting_table
    >>> fig = discounting(discounting_table(50, 0.8, 0.05, 0.10, 36), 36)
    >>> int(fig.data[0].x[35]), round(float(fig.data[0].y[35]), 2), round(float(fig.data[1].y[35]), 2)
    (36, 673.78, 613.02)

    (40 (1 - 0.95^36) / 0.05 = 673.78; with q = 0.95 / 1.1^(1/12), 40 (1 - q^36) / (1 - q) = 613.02.)
    """
    fig = figure(
        "learn.charts.discounting.title",
        lang,
        "learn.charts.axis.month",
        "learn.charts.axis.cumulative",
        currency=currency,
    )
    fig.add_scatter(
        x=table["month"] + 1,
        y=table["cumulative"],
        mode="lines",
        line={"color": NEUTRAL, "dash": "dot"},
        name=i18n.text("learn.charts.discounting.plain", lang),
    )
    fig.add_scatter(
        x=table["month"] + 1,
        y=table["cumulative_discounted"],
        mode="lines",
        line={"color": PRIMARY, "width": 3},
        name=i18n.text("learn.charts.discounting.discounted", lang),
    )
    if horizon_months:
        fig.add_vline(
            x=horizon_months,
            line={"color": BAD, "dash": "dash"},
            annotation_text=i18n.text("learn.charts.discounting.horizon", lang, months=horizon_months),
        )
    return finish(fig)


def mixture_bars(effect: MixtureEffect, lang: str = "en", currency: str = "$") -> go.Figure:
    """The two segments' LTVs, the right LTV of the mix (average of LTVs) and the wrong one (LTV of the
    average churn).

    ``clv.learn.mixture_effect`` in: LTV_i = g / c_i; right: s LTV_A + (1 - s) LTV_B; wrong:
    g / (s c_A + (1 - s) c_B), g = ARPU x m, s the share of segment A. y in currency per customer.

    >>> from clv.learn import mixture_effect
    >>> mixture_bars(mixture_effect(50, 0.8, 0.02, 0.2, 0.5)).data[0].text     # 40/0.02, 40/0.2, 40/0.11
    ('2,000.00', '200.00', '1,100.00', '363.64')
    """
    fig = figure("learn.charts.mixture.title", lang, None, "learn.charts.axis.ltv", currency=currency)
    keys = ("segment_a", "segment_b", "average_ltv", "ltv_of_average")
    values = (effect.ltv_a, effect.ltv_b, effect.average_ltv, effect.ltv_of_average_churn)
    fig.add_bar(
        x=[i18n.text(f"learn.charts.mixture.{k}", lang) for k in keys],
        y=list(values),
        marker_color=[NEUTRAL, NEUTRAL, GOOD, BAD],
        text=[f"{v:,.2f}" for v in values],
        textposition="outside",
        name=i18n.text("learn.charts.axis.ltv", lang, currency=currency),
    )
    fig.update_yaxes(range=[0, max(values) * 1.15 if max(values) > 0 else 1])
    category_labels(fig, fig.data[0].x)
    fig.update_layout(showlegend=False)
    return finish(fig)


def mixture_churn(table: pd.DataFrame, lang: str = "en") -> go.Figure:
    """The mix's observed monthly churn by tenure: falling, though no customer changes.

    ``clv.learn.mixture_churn_by_month`` in: churn at tenure t = (s (1-c_A)^t c_A + (1-s) (1-c_B)^t c_B)
    / (s (1-c_A)^t + (1-s) (1-c_B)^t), the share of those still active who leave; x in months, y in
    percent a month.

    >>> from clv.learn import mixture_churn_by_month
    >>> fig = mixture_churn(mixture_churn_by_month(0.02, 0.2, 0.5, 60))
    >>> fig.data[0].y[:2].round(4).tolist()            # 11%; (0.49 x 2% + 0.40 x 20%) / 0.89
    [11.0, 10.0899]
    """
    fig = figure("learn.charts.mixture_churn.title", lang, "learn.charts.axis.month", "learn.charts.axis.churn_pct")
    fig.add_scatter(
        x=table["month"],
        y=table["churn"] * 100,
        mode="lines",
        line={"color": PRIMARY, "width": 3},
        name=i18n.text("learn.charts.mixture_churn.curve", lang),
    )
    fig.update_yaxes(rangemode="tozero")
    return finish(fig)


def timelines(simulated: pd.DataFrame, lang: str = "en", n_show: int = TIMELINE_CUSTOMERS) -> go.Figure:
    """One row per simulated customer: observed span, purchase dots, and the (unseen) dropout point.

    ``clv.learn.simulate_bgnbd`` in (columns customer, T, purchase_times, alive, dropout_time; the
    time unit in ``attrs["time_unit"]``, weeks by default); the first ``n_show`` customers. Trace 0: the
    span 0..T; trace 1: the first purchase at 0 and each repeat purchase; trace 2: when a customer who
    is no longer alive dropped out. x in the simulation's time unit.

    >>> sim = pd.DataFrame({"customer": [0, 1], "T": [52.0, 52.0], "purchase_times": [[3.0, 10.0], [5.0]],
    ...                     "alive": [True, False], "dropout_time": [math.inf, 20.0]})
    >>> span, buys, drops = timelines(sim).data
    >>> buys.x, drops.x, drops.y
    ((0.0, 3.0, 10.0, 0.0, 5.0), (20.0,), ('Customer 2',))
    """
    unit = simulated.attrs.get("time_unit", "weeks")
    fig = figure("learn.charts.timelines.title", lang, f"learn.charts.axis.{unit}", None)
    shown = simulated.head(n_show)
    labels = [i18n.text("learn.charts.timelines.customer", lang, n=int(c) + 1) for c in shown["customer"]]
    span_x, span_y, buy_x, buy_y, drop_x, drop_y = [], [], [], [], [], []
    for label, (_, row) in zip(labels, shown.iterrows()):
        span_x += [0.0, float(row["T"]), None]
        span_y += [label, label, None]
        buy_x += [0.0, *row["purchase_times"]]
        buy_y += [label] * (1 + len(row["purchase_times"]))
        if not row["alive"]:
            drop_x.append(float(row["dropout_time"]))
            drop_y.append(label)
    fig.add_scatter(
        x=span_x,
        y=span_y,
        mode="lines",
        line={"color": NEUTRAL, "width": 1},
        hoverinfo="skip",
        name=i18n.text("learn.charts.timelines.observed", lang),
    )
    fig.add_scatter(
        x=buy_x,
        y=buy_y,
        mode="markers",
        marker={"color": PRIMARY, "size": 9},
        name=i18n.text("learn.charts.timelines.purchase", lang),
    )
    fig.add_scatter(
        x=drop_x,
        y=drop_y,
        mode="markers",
        marker={"color": BAD, "size": 14, "symbol": "x"},
        name=i18n.text("learn.charts.timelines.dropout", lang),
    )
    fig.update_yaxes(categoryorder="array", categoryarray=labels[::-1], type="category")
    return finish(fig)


def alive_share(
    t: np.ndarray, simulated_share: np.ndarray, expected_share: np.ndarray, lang: str = "en", time_unit: str = "weeks"
) -> go.Figure:
    """The share of customers still alive over time: the simulation and the model's formula.

    Both shares are fractions (``clv.learn.alive_share`` and ``expected_alive_share``), drawn in
    percent; x in ``time_unit``.

    >>> fig = alive_share(np.array([0.0, 26.0]), np.array([1.0, 0.6]), np.array([1.0, 0.58]))
    >>> fig.data[0].y.round(9).tolist(), fig.data[1].y.round(9).tolist()
    ([100.0, 60.0], [100.0, 58.0])
    """
    fig = figure("learn.charts.alive.title", lang, f"learn.charts.axis.{time_unit}", "learn.charts.axis.alive_pct")
    fig.add_scatter(
        x=t,
        y=np.asarray(simulated_share) * 100,
        mode="lines",
        line={"color": PRIMARY, "width": 3},
        name=i18n.text("learn.charts.alive.simulated", lang),
    )
    fig.add_scatter(
        x=t,
        y=np.asarray(expected_share) * 100,
        mode="lines",
        line={"color": ACCENT, "dash": "dash"},
        name=i18n.text("learn.charts.alive.expected", lang),
    )
    fig.update_yaxes(range=[0, 105])
    return finish(fig)


def truth_vs_estimate(comparison: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Each parameter's estimate and 95% interval divided by its true value: 1 is a perfect estimate.

    ``clv.learn.KnownTruth.comparison`` in. y = estimate / truth, error bars from lower_95 / truth to
    upper_95 / truth (no unit); green when the interval holds the truth (``inside``), red otherwise.

    >>> cmp = pd.DataFrame({"model": ["bgnbd"], "param": ["r"], "truth": [0.25], "estimate": [0.3],
    ...                     "lower_95": [0.2], "upper_95": [0.45], "inside": [True]})
    >>> point = truth_vs_estimate(cmp).data[0]
    >>> bars = point.error_y                                 # 0.3 / 0.25; down to 0.2 / 0.25, up to 0.45 / 0.25
    >>> point.x, point.y.round(6).tolist(), bars.arrayminus.round(6).tolist(), bars.array.round(6).tolist()
    (('r (BG/NBD)',), [1.2], [0.4], [0.6])
    """
    fig = figure("learn.charts.truth.title", lang, None, "learn.charts.axis.ratio_to_truth")
    ratio = comparison["estimate"] / comparison["truth"]
    labels = [
        i18n.text("learn.charts.truth.param", lang, model=i18n.text(f"models.names.{m}", lang), param=p)
        for m, p in zip(comparison["model"], comparison["param"])
    ]
    fig.add_scatter(
        x=labels,
        y=ratio,
        mode="markers",
        marker={"size": 12, "color": [GOOD if ok else BAD for ok in comparison["inside"]]},
        error_y={
            "type": "data",
            "symmetric": False,
            "array": comparison["upper_95"] / comparison["truth"] - ratio,
            "arrayminus": ratio - comparison["lower_95"] / comparison["truth"],
        },
        name=i18n.text("learn.charts.truth.estimate", lang),
    )
    fig.add_hline(
        y=1.0, line={"color": NEUTRAL, "dash": "dash"}, annotation_text=i18n.text("learn.charts.truth.truth", lang)
    )
    category_labels(fig, labels)
    fig.update_layout(showlegend=False)
    return finish(fig)
