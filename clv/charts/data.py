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
MAX_SURVIVAL_CURVES = 12  # most recent cohorts drawn; older ones are summarised by the others
# Cohort heatmaps grow a row of this height per cohort (room for CELL_TEXT_SIZE labels) instead of
# squeezing many cohorts into a fixed height, where plotly would shrink the cell labels to fit.
COHORT_ROW_PX, HEATMAP_FRAME_PX, HEATMAP_MIN_PX = 24, 200, 450
# Their colour bar lies under the plot (the width goes to the age columns, which a phone has few of).
COLORBAR_BELOW = {
    "orientation": "h",
    "yref": "container",
    "y": 0.0,
    "yanchor": "bottom",
    "x": 0.5,
    "xanchor": "center",
    "len": 0.6,
    "thickness": 14,
}


def _labels(index) -> list[str]:
    return [str(v) for v in index]


def rfm_treemap(segments: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Treemap of segments sized by customers (``clv.rfm.segment_table`` in); hover gives shares.

    Tile labels are the translated names; ``customdata`` carries the segment codes. Tile area is
    proportional to the segment's customers (``share`` = customers / all customers); the hover also
    gives ``revenue_share`` = the segment's revenue / all revenue.

    >>> table = pd.DataFrame({"customers": [3, 2], "share": [0.6, 0.4], "revenue_share": [0.9, 0.1]},
    ...                      index=["champions", "lost"])
    >>> tiles = rfm_treemap(table).data[0]
    >>> tiles.labels, tiles.values, tiles.hovertext[0]
    (('Champions', 'Lost'), (3, 2), 'Champions: 3 customers (60.0%), 90.0% of revenue')
    """
    fig = figure("rfm.charts.treemap_title", lang)
    names = [segment_name(s, lang) for s in segments.index]
    hover = [
        i18n.text(
            "rfm.charts.treemap_hover",
            lang,
            name=n,
            customers=fmt.number(c),
            share=fmt.percent(s),
            revenue_share=fmt.percent(r),
        )
        for n, c, s, r in zip(names, segments["customers"], segments["share"], segments["revenue_share"])
    ]
    fig.add_trace(
        go.Treemap(
            labels=names,
            parents=[""] * len(names),
            values=segments["customers"].tolist(),
            customdata=list(segments.index),
            hovertext=hover,
            hoverinfo="text",
            marker={"colors": [SEGMENT_COLOURS[s] for s in segments.index]},
            branchvalues="total",
            textinfo="label+percent root",
        )
    )
    # A tile too small for legible text shows none (its hover still names it), instead of 6 px labels.
    fig.update_layout(uniformtext={"minsize": CELL_TEXT_SIZE, "mode": "hide"})
    return finish(fig)


def rf_heatmap(scores: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Customers per (R, F) score cell: rows R 1..5, columns F 1..5 (``clv.rfm.rfm_scores`` in).

    z[R - 1][F - 1] = the number of customers with recency score R and frequency score F (counts,
    printed in each cell; empty cells 0).

    >>> fig = rf_heatmap(pd.DataFrame({"R": [5, 5, 1], "F": [5, 1, 1]}))
    >>> fig.data[0].z[4], fig.data[0].z[0]                      # R5: F1 and F5; R1: F1
    ([1, 0, 0, 0, 1], [1, 0, 0, 0, 0])
    """
    counts = pd.crosstab(scores["R"], scores["F"]).reindex(index=range(1, 6), columns=range(1, 6), fill_value=0)
    fig = figure("rfm.charts.heatmap_title", lang, "rfm.charts.frequency_score", "rfm.charts.recency_score")
    fig.add_trace(
        go.Heatmap(
            z=counts.to_numpy().tolist(),
            x=list(range(1, 6)),
            y=list(range(1, 6)),
            colorscale=SEQUENTIAL,
            text=counts.to_numpy().tolist(),
            texttemplate="%{text}",
            textfont={"size": CELL_TEXT_SIZE},
            colorbar={"title": {"text": i18n.text("rfm.charts.customers", lang)}},
        )
    )
    fig.update_xaxes(dtick=1)
    fig.update_yaxes(dtick=1)
    return finish(fig)


def heatmap_height(rows: int) -> int:
    """Pixels for a cohort heatmap of ``rows`` cohorts: a fixed frame plus ``COHORT_ROW_PX`` a row.

    height = max(450, 200 + 24 x rows) px (``HEATMAP_MIN_PX``, ``HEATMAP_FRAME_PX``, ``COHORT_ROW_PX``).

    >>> heatmap_height(3), heatmap_height(24)                   # 200 + 72 < 450; 200 + 576
    (450, 776)
    """
    return max(HEATMAP_MIN_PX, HEATMAP_FRAME_PX + COHORT_ROW_PX * rows)


def _cohort_heatmap(matrix: pd.DataFrame, title: str, colorbar: str, lang: str, zmax: float | None) -> go.Figure:
    fig = figure(title, lang, "cohorts.charts.age_months", "cohorts.charts.cohort_month")
    z = matrix.to_numpy(dtype=float)
    text = [[("" if np.isnan(v) else fmt.percent(v, 0)) for v in row] for row in z]
    fig.add_trace(
        go.Heatmap(
            z=np.where(np.isnan(z), None, z).tolist(),
            x=list(matrix.columns),
            y=_labels(matrix.index),
            colorscale=SEQUENTIAL,
            zmin=0,
            zmax=zmax,
            text=text,
            texttemplate="%{text}",
            textfont={"size": CELL_TEXT_SIZE},
            hoverongaps=False,
            colorbar={
                "title": {"text": i18n.text(colorbar, lang), "side": "bottom"},
                "tickformat": ".0%",
                **COLORBAR_BELOW,
            },
        )
    )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_layout(height=heatmap_height(len(matrix)))
    return finish(fig)


def retention_heatmap(tables: CohortTables, lang: str = "en") -> go.Figure:
    """Share of each cohort active at each age (``clv.cohorts.cohort_tables`` in); gaps are unobserved.

    z = customers of the cohort active in month k of age / customers acquired in the cohort (a fraction,
    printed as a whole percent; an unobserved cell is None); rows are cohort months, oldest on top,
    columns ages in months; height from ``heatmap_height``.

    >>> from clv.cohorts import cohort_tables, orders_over_time
    >>> log = pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [10.0, 15.0, 30.0],
    ...                     "date": pd.to_datetime(["2024-01-02", "2024-02-03", "2024-01-15"])})
    >>> fig = retention_heatmap(cohort_tables(log))             # January: a and b; February: a only
    >>> fig.data[0].z, fig.data[0].text, fig.data[0].y
    (([1.0, 0.5],), (['100%', '50%'],), ('2024-01',))
    """
    return _cohort_heatmap(
        tables.retention, "cohorts.charts.retention_title", "cohorts.charts.retention_colorbar", lang, 1.0
    )


def revenue_retention_heatmap(tables: CohortTables, lang: str = "en") -> go.Figure:
    """Each cohort's revenue by age as a share of its first month's; colours saturate at 100%.

    z = the cohort's revenue in month k of age / its revenue in month 0 (a fraction, printed as a whole
    percent; above 1 when it grows, negative after net refunds).

    >>> from clv.cohorts import cohort_tables, orders_over_time
    >>> log = pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [10.0, 15.0, 30.0],
    ...                     "date": pd.to_datetime(["2024-01-02", "2024-02-03", "2024-01-15"])})
    >>> revenue_retention_heatmap(cohort_tables(log)).data[0].z        # 15 / (10 + 30)
    ([1.0, 0.375],)
    """
    return _cohort_heatmap(
        tables.revenue_retention,
        "cohorts.charts.revenue_retention_title",
        "cohorts.charts.revenue_retention_colorbar",
        lang,
        1.0,
    )


def cumulative_revenue_chart(tables: CohortTables, lang: str = "en", currency: str = "$") -> go.Figure:
    """One line per cohort: cumulative revenue per acquired customer by age in months.

    y(k) = the cohort's revenue in months 0..k of age / customers acquired in it (currency per customer);
    newer cohorts darker; only the oldest and newest are named in the legend.

    >>> from clv.cohorts import cohort_tables, orders_over_time
    >>> log = pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [10.0, 15.0, 30.0],
    ...                     "date": pd.to_datetime(["2024-01-02", "2024-02-03", "2024-01-15"])})
    >>> line = cumulative_revenue_chart(cohort_tables(log), currency="€").data[0]
    >>> line.name, line.x, line.y                                # (10 + 30) / 2, then + 15 / 2
    ('2024-01', (0, 1), (20.0, 27.5))
    """
    fig = figure(
        "cohorts.charts.cumulative_title",
        lang,
        "cohorts.charts.age_months",
        "cohorts.charts.cumulative_y",
        currency=currency,
    )
    matrix = tables.cumulative_revenue_per_customer
    n = len(matrix)
    for i, (cohort, row) in enumerate(matrix.iterrows()):
        row = row.dropna()
        shade = 0.3 + 0.7 * (i + 1) / n  # newer cohorts darker
        fig.add_scatter(
            x=row.index.tolist(),
            y=row.to_numpy().tolist(),
            mode="lines",
            name=str(cohort),
            line={"color": PRIMARY, "width": 1.5},
            opacity=shade,
            showlegend=i in (0, n - 1),
        )  # the oldest and newest shade; hover names each line
    return finish(fig)


def aov_chart(trend: pd.DataFrame, lang: str = "en", currency: str = "$") -> go.Figure:
    """Average order value (left axis) and orders per active customer (right) by calendar month
    (``clv.cohorts.orders_over_time`` in).

    AOV = revenue / orders (currency per order); orders per customer = orders / customers active that
    month (trace 1, on the second y axis).

    >>> from clv.cohorts import cohort_tables, orders_over_time
    >>> log = pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [10.0, 15.0, 30.0],
    ...                     "date": pd.to_datetime(["2024-01-02", "2024-02-03", "2024-01-15"])})
    >>> fig = aov_chart(orders_over_time(log))
    >>> fig.data[0].y, fig.data[1].y, fig.data[1].yaxis         # January (10 + 30) / 2 orders, February 15
    ((20.0, 15.0), (1.0, 1.0), 'y2')
    """
    fig = figure("cohorts.charts.aov_title", lang, "cohorts.charts.month", "cohorts.charts.aov_y", currency=currency)
    x = _labels(trend.index)
    fig.add_scatter(
        x=x,
        y=trend["aov"].tolist(),
        mode="lines+markers",
        line={"color": PRIMARY},
        name=i18n.text("cohorts.charts.aov_y", lang, currency=currency),
    )
    fig.add_scatter(
        x=x,
        y=trend["orders_per_customer"].tolist(),
        mode="lines+markers",
        yaxis="y2",
        line={"color": ACCENT, "dash": "dot"},
        name=i18n.text("cohorts.charts.orders_per_customer", lang),
    )
    fig.update_layout(
        yaxis2={
            "title": {"text": i18n.text("cohorts.charts.orders_per_customer", lang)},
            "overlaying": "y",
            "side": "right",
            "rangemode": "tozero",
            "tickformat": ".2f",
        }
    )
    fig.update_yaxes(rangemode="tozero")
    return finish(fig)


def mrr_chart(metrics: SubscriptionMetrics, lang: str = "en", currency: str = "$") -> go.Figure:
    """MRR at the start of each month (bars) with logo and revenue churn (lines, right axis).

    Bars: MRR at the start of the month (currency per month); lines (fractions, shown as percent):
    logo churn = subscribers who left / subscribers at the start, revenue churn = their MRR / MRR at
    the start (None without subscribers at the start). ``clv.cohorts.subscription_metrics`` in.

    >>> from clv.cohorts import subscription_metrics
    >>> subs = pd.DataFrame({"customer_id": ["a", "b", "c"], "monthly_amount": [10.0, 20.0, 40.0],
    ...     "start_date": pd.to_datetime(["2024-01-10", "2024-01-20", "2024-02-05"]),
    ...     "end_date": pd.to_datetime(["2024-03-10", None, None])})
    >>> fig = mrr_chart(subscription_metrics(subs, analysis_date="2024-04-30"))
    >>> fig.data[0].y, round(fig.data[1].y[2], 4), round(fig.data[2].y[2], 4)     # March: a of a, b, c left
    ((0.0, 30.0, 70.0, 60.0), 0.3333, 0.1429)
    """
    m = metrics.monthly
    fig = figure("cohorts.charts.mrr_title", lang, "cohorts.charts.month", "cohorts.charts.mrr_y", currency=currency)
    x = _labels(m.index)
    fig.add_bar(
        x=x,
        y=m["mrr_start"].tolist(),
        marker={"color": PRIMARY},
        name=i18n.text("cohorts.charts.mrr_y", lang, currency=currency),
    )
    for col, colour, dash in (("logo_churn", BAD, "solid"), ("revenue_churn", ACCENT, "dot")):
        fig.add_scatter(
            x=x,
            y=[None if np.isnan(v) else float(v) for v in m[col]],
            mode="lines+markers",
            yaxis="y2",
            line={"color": colour, "dash": dash},
            name=i18n.text(f"cohorts.charts.{col}", lang),
        )
    fig.update_layout(
        yaxis2={
            "title": {"text": i18n.text("cohorts.charts.churn_y", lang)},
            "overlaying": "y",
            "side": "right",
            "tickformat": ".0%",
            "rangemode": "tozero",
        }
    )
    return finish(fig)


def survival_chart(metrics: SubscriptionMetrics, lang: str = "en") -> go.Figure:
    """Share of each start cohort still subscribed by age (the most recent ``MAX_SURVIVAL_CURVES``
    cohorts with at least two observed ages).

    y(k) = subscribers of the cohort still active at the start of month k of age / the cohort's size
    (a fraction, shown as percent); x in months of age.

    >>> from clv.cohorts import subscription_metrics
    >>> subs = pd.DataFrame({"customer_id": ["a", "b", "c"], "monthly_amount": [10.0, 20.0, 40.0],
    ...     "start_date": pd.to_datetime(["2024-01-10", "2024-01-20", "2024-02-05"]),
    ...     "end_date": pd.to_datetime(["2024-03-10", None, None])})
    >>> [(line.name, line.y) for line in survival_chart(subscription_metrics(subs, "2024-04-30")).data]
    [('2024-01', (1.0, 1.0, 0.5, 0.5)), ('2024-02', (1.0, 1.0, 1.0))]
    """
    fig = figure("cohorts.charts.survival_title", lang, "cohorts.charts.age_months", "cohorts.charts.survival_y")
    curves = metrics.survival[metrics.survival.notna().sum(axis=1) >= 2].tail(MAX_SURVIVAL_CURVES)
    for i, (cohort, row) in enumerate(curves.iterrows()):
        row = row.dropna()
        fig.add_scatter(
            x=row.index.tolist(),
            y=row.to_numpy().tolist(),
            mode="lines",
            name=str(cohort),
            line={"color": PALETTE[i % len(PALETTE)]},
        )
    fig.update_yaxes(range=[0, 1.02], tickformat=".0%")
    return finish(fig)
