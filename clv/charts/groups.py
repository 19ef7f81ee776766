"""Charts of value by group (acquisition channel, first product, plan, country): LTV:CAC against the 3:1
rule of thumb, and the models' mean predicted CLV per group with its interval.

Each builder takes a table from ``clv.groups`` and returns a plotly Figure; titles, axes and labels come
from the catalogue (``groups.charts.*``); money through ``clv.fmt``.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from .. import fmt, i18n
from ..core import RULE_OF_THUMB_LTV_TO_CAC
from .base import BAD, GOOD, NEUTRAL, PRIMARY, category_labels, figure, finish, reference_line


def _ratio(value: float) -> str:
    return f"{fmt.number(value, 1)}:1"


def ltv_to_cac_bars(table: pd.DataFrame, lang: str = "en") -> go.Figure:
    """LTV:CAC per group as bars (green at or above the 3:1 rule of thumb, red below) with the 3:1 line.

    ``table``: ``clv.groups.compare`` (columns ``group`` and ``ltv_to_cac``). Groups without a ratio (no CAC
    entered, or an unlimited LTV) are left out of the bars: the table beside the chart names them.

    >>> t = pd.DataFrame({"group": ["web", "ads", "app"], "ltv_to_cac": [4.2, 1.5, None]})
    >>> fig = ltv_to_cac_bars(t)
    >>> fig.data[0].x, fig.data[0].text, fig.layout.shapes[0].y0
    (('web', 'ads'), ('4.2:1', '1.5:1'), 3.0)
    >>> fig.data[0].marker.color == (GOOD, BAD)
    True
    """
    shown = table[[_finite(v) for v in table["ltv_to_cac"]]]
    labels = [str(g) for g in shown["group"]]
    ratios = [float(v) for v in shown["ltv_to_cac"]]
    fig = figure("groups.charts.ratio.title", lang, None, "groups.charts.ratio.axis")
    fig.add_bar(
        x=labels,
        y=ratios,
        marker_color=[GOOD if r >= RULE_OF_THUMB_LTV_TO_CAC else BAD for r in ratios],
        text=[_ratio(r) for r in ratios],
        textposition="outside",
        name=i18n.text("groups.charts.ratio.bars", lang),
        showlegend=False,
        hovertemplate="%{x}: %{text}<extra></extra>",
    )
    reference_line(fig, RULE_OF_THUMB_LTV_TO_CAC, i18n.text("groups.charts.ratio.rule", lang), NEUTRAL)
    category_labels(fig, labels)
    top = max([RULE_OF_THUMB_LTV_TO_CAC, *ratios])
    fig.update_yaxes(range=[0, top * 1.18])  # room for the bars' labels above the tallest
    return finish(fig)


def clv_by_group(table: pd.DataFrame, lang: str = "en", currency: str = "$") -> go.Figure:
    """The models' mean predicted CLV per customer of each group, with its interval as error bars.

    ``table``: one row per group with ``group``, ``mean_clv``, ``mean_clv_low``, ``mean_clv_high`` (currency
    per customer; ``clv.groups`` per-group fits). Pooled groups (too small to fit alone) are drawn grey.

    >>> t = pd.DataFrame({"group": ["web", "app"], "mean_clv": [100.0, 150.0], "mean_clv_low": [90.0, 120.0],
    ...                   "mean_clv_high": [111.0, 185.0], "pooled": [False, True]})
    >>> bars = clv_by_group(t).data[0]
    >>> bars.y, bars.error_y.array, bars.error_y.arrayminus, bars.text
    ((100.0, 150.0), (11.0, 35.0), (10.0, 30.0), ('$100', '$150'))
    """
    labels = [str(g) for g in table["group"]]
    mean = [float(v) for v in table["mean_clv"]]
    high = [float(v) - m for v, m in zip(table["mean_clv_high"], mean)]
    low = [m - float(v) for v, m in zip(table["mean_clv_low"], mean)]
    pooled = table["pooled"] if "pooled" in table else [False] * len(labels)
    fig = figure("groups.charts.clv.title", lang, None, "groups.charts.clv.axis", currency=currency)
    fig.add_bar(
        x=labels,
        y=mean,
        error_y={"type": "data", "array": high, "arrayminus": low, "color": "#374151", "thickness": 2, "width": 8},
        marker_color=[NEUTRAL if p else PRIMARY for p in pooled],
        text=[fmt.money(v, currency, 0) for v in mean],
        textposition="inside",
        insidetextanchor="start",  # at the bar's foot: the interval's whisker stands at its top
        name=i18n.text("groups.charts.clv.bars", lang),
        showlegend=False,
    )
    category_labels(fig, labels)
    return finish(fig)


def _finite(value) -> bool:
    try:
        return value is not None and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False
