"""Charts for "Bring your own data": RFM segments, cohorts, order trends and subscriptions.

Each builder takes the DataFrame or result from ``clv.rfm`` / ``clv.cohorts`` and returns a plotly
Figure; titles and axes come from the catalogue (``rfm.charts.*``, ``cohorts.charts.*``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from .. import fmt, i18n
from ..cohorts import CohortTables, SubscriptionMetrics
from ..rfm import SEGMENTS, segment_name
from .base import ACCENT, BAD, CELL_TEXT_SIZE, PALETTE, PRIMARY, SEQUENTIAL, figure, finish

# Eleven segments, best to worst, on one colour-blind-safe sequential scale (cividis): neighbours in value
# are neighbours in colour and no two segments share one (an 8-colour palette would have to repeat).
SEGMENT_COLOURS = dict(zip(SEGMENTS, sample_colorscale("Cividis_r", len(SEGMENTS))))
MAX_SURVIVAL_CURVES = 12      # most recent cohorts drawn; older ones are summarised by the others
# Cohort heatmaps grow a row of this height per cohort (room for CELL_TEXT_SIZE labels) instead of
# squeezing many cohorts into a fixed height, where plotly would shrink the cell labels to fit.
COHORT_ROW_PX, HEATMAP_FRAME_PX, HEATMAP_MIN_PX = 24, 200, 450
# Their colour bar lies under the plot (the width goes to the age columns, which a phone has few of).
COLORBAR_BELOW = {"orientation": "h", "yref": "container", "y": 0.0, "yanchor": "bottom", "x": 0.5,
                  "xanchor": "center", "len": 0.6, "thickness": 14}


def _labels(index) -> list[str]:
    return [str(v) for v in index]


def rfm_treemap(segments: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Treemap of segments sized by customers (``clv.rfm.segment_table`` in); hover gives shares.

    Tile labels are the translated names; ``customdata`` carries the segment codes.
    """
    fig = figure("rfm.charts.treemap_title", lang)
    names = [segment_name(s, lang) for s in segments.index]
    hover = [i18n.text("rfm.charts.treemap_hover", lang, name=n, customers=fmt.number(c),
                       share=fmt.percent(s), revenue_share=fmt.percent(r))
             for n, c, s, r in zip(names, segments["customers"], segments["share"], segments["revenue_share"])]
    fig.add_trace(go.Treemap(labels=names, parents=[""] * len(names), values=segments["customers"].tolist(),
                             customdata=list(segments.index), hovertext=hover, hoverinfo="text",
                             marker={"colors": [SEGMENT_COLOURS[s] for s in segments.index]},
                             branchvalues="total", textinfo="label+percent root"))
    # A tile too small for legible text shows none (its hover still names it), instead of 6 px labels.
    fig.update_layout(uniformtext={"minsize": CELL_TEXT_SIZE, "mode": "hide"})
    return finish(fig)


def rf_heatmap(scores: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Customers per (R, F) score cell: rows R 1..5, columns F 1..5 (``clv.rfm.rfm_scores`` in)."""
    counts = pd.crosstab(scores["R"], scores["F"]).reindex(index=range(1, 6), columns=range(1, 6), fill_value=0)
    fig = figure("rfm.charts.heatmap_title", lang, "rfm.charts.frequency_score", "rfm.charts.recency_score")
    fig.add_trace(go.Heatmap(z=counts.to_numpy().tolist(), x=list(range(1, 6)), y=list(range(1, 6)),
                             colorscale=SEQUENTIAL, text=counts.to_numpy().tolist(), texttemplate="%{text}",
                             textfont={"size": CELL_TEXT_SIZE},
                             colorbar={"title": {"text": i18n.text("rfm.charts.customers", lang)}}))
    fig.update_xaxes(dtick=1)
    fig.update_yaxes(dtick=1)
    return finish(fig)


def heatmap_height(rows: int) -> int:
    """Pixels for a cohort heatmap of ``rows`` cohorts: a fixed frame plus ``COHORT_ROW_PX`` a row.

    >>> heatmap_height(3), heatmap_height(24)
    (450, 776)
    """
    return max(HEATMAP_MIN_PX, HEATMAP_FRAME_PX + COHORT_ROW_PX * rows)


def _cohort_heatmap(matrix: pd.DataFrame, title: str, colorbar: str, lang: str, zmax: float | None) -> go.Figure:
    fig = figure(title, lang, "cohorts.charts.age_months", "cohorts.charts.cohort_month")
    z = matrix.to_numpy(dtype=float)
    text = [[("" if np.isnan(v) else fmt.percent(v, 0)) for v in row] for row in z]
    fig.add_trace(go.Heatmap(z=np.where(np.isnan(z), None, z).tolist(), x=list(matrix.columns),
                             y=_labels(matrix.index), colorscale=SEQUENTIAL, zmin=0, zmax=zmax, text=text,
                             texttemplate="%{text}", textfont={"size": CELL_TEXT_SIZE}, hoverongaps=False,
                             colorbar={"title": {"text": i18n.text(colorbar, lang), "side": "bottom"}, "tickformat": ".0%",
                                       **COLORBAR_BELOW}))
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_layout(height=heatmap_height(len(matrix)))
    return finish(fig)


def retention_heatmap(tables: CohortTables, lang: str = "en") -> go.Figure:
    """Share of each cohort active at each age (``clv.cohorts.cohort_tables`` in); gaps are unobserved."""
    return _cohort_heatmap(tables.retention, "cohorts.charts.retention_title", "cohorts.charts.retention_colorbar",
                           lang, 1.0)


def revenue_retention_heatmap(tables: CohortTables, lang: str = "en") -> go.Figure:
    """Each cohort's revenue by age as a share of its first month's; colours saturate at 100%."""
    return _cohort_heatmap(tables.revenue_retention, "cohorts.charts.revenue_retention_title",
                           "cohorts.charts.revenue_retention_colorbar", lang, 1.0)


def cumulative_revenue_chart(tables: CohortTables, lang: str = "en", currency: str = "$") -> go.Figure:
    """One line per cohort: cumulative revenue per acquired customer by age in months."""
    fig = figure("cohorts.charts.cumulative_title", lang, "cohorts.charts.age_months", "cohorts.charts.cumulative_y",
                 currency=currency)
    matrix = tables.cumulative_revenue_per_customer
    n = len(matrix)
    for i, (cohort, row) in enumerate(matrix.iterrows()):
        row = row.dropna()
        shade = 0.3 + 0.7 * (i + 1) / n                   # newer cohorts darker
        fig.add_scatter(x=row.index.tolist(), y=row.to_numpy().tolist(), mode="lines", name=str(cohort),
                        line={"color": PRIMARY, "width": 1.5}, opacity=shade,
                        showlegend=i in (0, n - 1))       # the oldest and newest shade; hover names each line
    return finish(fig)


def aov_chart(trend: pd.DataFrame, lang: str = "en", currency: str = "$") -> go.Figure:
    """Average order value (left axis) and orders per active customer (right) by calendar month
    (``clv.cohorts.orders_over_time`` in)."""
    fig = figure("cohorts.charts.aov_title", lang, "cohorts.charts.month", "cohorts.charts.aov_y", currency=currency)
    x = _labels(trend.index)
    fig.add_scatter(x=x, y=trend["aov"].tolist(), mode="lines+markers", line={"color": PRIMARY},
                    name=i18n.text("cohorts.charts.aov_y", lang, currency=currency))
    fig.add_scatter(x=x, y=trend["orders_per_customer"].tolist(), mode="lines+markers", yaxis="y2",
                    line={"color": ACCENT, "dash": "dot"}, name=i18n.text("cohorts.charts.orders_per_customer", lang))
    fig.update_layout(yaxis2={"title": {"text": i18n.text("cohorts.charts.orders_per_customer", lang)},
                              "overlaying": "y", "side": "right", "rangemode": "tozero", "tickformat": ".2f"})
    fig.update_yaxes(rangemode="tozero")
    return finish(fig)


def mrr_chart(metrics: SubscriptionMetrics, lang: str = "en", currency: str = "$") -> go.Figure:
    """MRR at the start of each month (bars) with logo and revenue churn (lines, right axis)."""
    m = metrics.monthly
    fig = figure("cohorts.charts.mrr_title", lang, "cohorts.charts.month", "cohorts.charts.mrr_y", currency=currency)
    x = _labels(m.index)
    fig.add_bar(x=x, y=m["mrr_start"].tolist(), marker={"color": PRIMARY},
                name=i18n.text("cohorts.charts.mrr_y", lang, currency=currency))
    for col, colour, dash in (("logo_churn", BAD, "solid"), ("revenue_churn", ACCENT, "dot")):
        fig.add_scatter(x=x, y=[None if np.isnan(v) else float(v) for v in m[col]], mode="lines+markers", yaxis="y2",
                        line={"color": colour, "dash": dash}, name=i18n.text(f"cohorts.charts.{col}", lang))
    fig.update_layout(yaxis2={"title": {"text": i18n.text("cohorts.charts.churn_y", lang)}, "overlaying": "y",
                              "side": "right", "tickformat": ".0%", "rangemode": "tozero"})
    return finish(fig)


def survival_chart(metrics: SubscriptionMetrics, lang: str = "en") -> go.Figure:
    """Share of each start cohort still subscribed by age (the most recent ``MAX_SURVIVAL_CURVES``
    cohorts with at least two observed ages)."""
    fig = figure("cohorts.charts.survival_title", lang, "cohorts.charts.age_months", "cohorts.charts.survival_y")
    curves = metrics.survival[metrics.survival.notna().sum(axis=1) >= 2].tail(MAX_SURVIVAL_CURVES)
    for i, (cohort, row) in enumerate(curves.iterrows()):
        row = row.dropna()
        fig.add_scatter(x=row.index.tolist(), y=row.to_numpy().tolist(), mode="lines", name=str(cohort),
                        line={"color": PALETTE[i % len(PALETTE)]})
    fig.update_yaxes(range=[0, 1.02], tickformat=".0%")
    return finish(fig)
