"""clv.charts.data: figures carry the computed values and catalogue titles."""

from __future__ import annotations

import numpy as np
import pytest

from clv import i18n
from clv.charts import data as charts
from clv.cohorts import cohort_tables, orders_over_time, subscription_metrics
from clv.rfm import rfm_scores, segment_table
from tests.test_charts_calculator import assert_legible, legend_names
from tests.test_cohorts import LOG, SUBS
from tests.test_rfm import HAND

CELL_TEXT_PX = 12  # cohort cell labels were about 7 px


def test_treemap_sizes_tiles_by_customers_with_translated_names():
    table = segment_table(rfm_scores(HAND))
    fig = charts.rfm_treemap(table)
    tile = fig.data[0]
    assert fig.layout.title.text == i18n.text("rfm.charts.treemap_title")
    assert list(tile.customdata) == list(table.index)
    assert list(tile.values) == [1.0, 2.0, 2.0, 1.0, 1.0, 1.0, 1.0, 1.0]  # champions, loyal (c2, c5), ...
    assert tile.labels[0] == "Champions" and "Cannot lose them" in tile.labels
    assert "26.1% of revenue" in tile.hovertext[0]  # 900 / 3450


def test_rf_heatmap_counts_customers_per_cell():
    fig = charts.rf_heatmap(rfm_scores(HAND))
    z = np.array(fig.data[0].z)
    assert z.sum() == 10 and z.shape == (5, 5)
    # c0 has R5 F5, c1 R5 F1 (rows are R 1..5, columns F 1..5)
    assert z[4, 4] == 1 and z[4, 0] == 1
    assert fig.layout.yaxis.title.text == i18n.text("rfm.charts.recency_score")


def test_cohort_heatmaps_show_the_matrices_with_gaps():
    t = cohort_tables(LOG)
    fig = charts.retention_heatmap(t)
    assert list(fig.data[0].z[0]) == [1.0, 0.5, 1.0]
    assert fig.data[0].z[2][1] is None  # unobserved cell left empty
    assert list(fig.data[0].y) == ["2024-01", "2024-02", "2024-03"]
    assert list(fig.data[0].text[0]) == ["100%", "50%", "100%"]
    rev = charts.revenue_retention_heatmap(t)
    assert list(rev.data[0].z[0]) == [1.0, 0.25, 0.5]
    assert rev.layout.title.text == "Revenue retention by cohort"


def test_cumulative_revenue_lines_per_cohort():
    fig = charts.cumulative_revenue_chart(cohort_tables(LOG), currency="€")
    assert [tr.name for tr in fig.data] == ["2024-01", "2024-02", "2024-03"]
    assert list(fig.data[0].y) == [30.0, 37.5, 52.5]
    assert list(fig.data[2].x) == [0]
    assert fig.layout.yaxis.title.text == "Revenue per acquired customer (€)"


def test_aov_chart_two_axes():
    fig = charts.aov_chart(orders_over_time(LOG, order_col="order_id"))
    assert list(fig.data[0].y) == [20.0, 32.5, 20.0]
    assert list(fig.data[1].y) == [1.5, 1.0, 1.0] and fig.data[1].yaxis == "y2"


def test_mrr_and_survival_charts():
    m = subscription_metrics(SUBS, analysis_date="2024-04-30")
    fig = charts.mrr_chart(m)
    assert list(fig.data[0].y) == [0.0, 30.0, 35.0, 25.0]
    assert fig.data[1].name == "Logo churn" and fig.data[1].y[0] is None
    assert abs(fig.data[1].y[2] - 1 / 3) < 1e-12
    surv = charts.survival_chart(m)
    assert [tr.name for tr in surv.data] == ["2024-01", "2024-02"]
    assert list(surv.data[0].y) == [1.0, 1.0, 0.5, 0.5]
    assert surv.layout.title.text == i18n.text("cohorts.charts.survival_title")


def test_every_chart_key_exists_in_english():
    for key in ("rfm.charts.treemap_title", "cohorts.charts.mrr_title", "cohorts.charts.aov_title"):
        assert i18n.has(key)


def test_cohort_heatmap_labels_stay_legible_and_the_chart_grows_with_cohorts(transactions):
    # With 24 cohorts plotly shrank the cell labels to about 7 px to fit a fixed height
    small = charts.retention_heatmap(cohort_tables(LOG))  # 3 cohorts
    big = charts.revenue_retention_heatmap(cohort_tables(transactions))  # the sample: 24 monthly cohorts
    rows = len(big.data[0].y)
    assert rows == 24
    for fig in (small, big):
        assert fig.data[0].textfont.size >= CELL_TEXT_PX
    assert small.layout.height == 450
    assert big.layout.height == charts.heatmap_height(rows) == 776  # 200 px of frame and 24 px a cohort
    assert charts.heatmap_height(rows + 1) - charts.heatmap_height(rows) >= 2 * CELL_TEXT_PX  # each row: 2 text heights
    bar = big.data[0].colorbar  # under the plot: the width goes to the cells
    assert (bar.orientation, bar.yref, bar.y, bar.yanchor) == ("h", "container", 0, "bottom")
    assert_legible(big)


def test_cumulative_revenue_legend_names_the_oldest_and_newest_shade():
    fig = charts.cumulative_revenue_chart(cohort_tables(LOG))
    assert legend_names(fig) == ["2024-01", "2024-03"]  # 24 cohorts would fill a phone's screen
    assert [t.name for t in fig.data] == ["2024-01", "2024-02", "2024-03"]  # each line still named on hover


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_data_charts_are_legible(lang):
    t = cohort_tables(LOG)
    m = subscription_metrics(SUBS, analysis_date="2024-04-30")
    for fig in (
        charts.rfm_treemap(segment_table(rfm_scores(HAND)), lang),
        charts.rf_heatmap(rfm_scores(HAND), lang),
        charts.retention_heatmap(t, lang),
        charts.revenue_retention_heatmap(t, lang),
        charts.cumulative_revenue_chart(t, lang),
        charts.aov_chart(orders_over_time(LOG, order_col="order_id"), lang),
        charts.mrr_chart(m, lang),
        charts.survival_chart(m, lang),
    ):
        assert_legible(fig)
    assert charts.rf_heatmap(rfm_scores(HAND), lang).data[0].textfont.size >= CELL_TEXT_PX
    aov = charts.aov_chart(orders_over_time(LOG, order_col="order_id"), lang)
    assert aov.layout.yaxis2.tickfont.size >= 13 and aov.layout.yaxis2.automargin is True  # the right-hand axis too
