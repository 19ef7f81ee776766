"""clv.charts.models: what each Predictions chart draws (fig.data values) and its labels."""

import numpy as np
import pandas as pd
import pytest

from clv import learn, predict
from clv.charts import learn as learn_charts
from clv.charts import models as charts
from tests.test_charts_calculator import assert_legible


def test_frequency_recency_and_p_alive_heatmaps_show_the_matrices(full):
    expected, alive = predict.frequency_recency_matrices(full, 6)
    fig = charts.frequency_recency(expected, 6, "en")
    z = np.array(fig.data[0].z, dtype=float)
    assert np.allclose(z, expected.to_numpy(), equal_nan=True)
    assert list(fig.data[0].y) == list(expected.index) and list(fig.data[0].x) == list(expected.columns)
    assert (
        fig.layout.title.text.replace("<br>", " ")
        == "Expected purchases in the next 6 months, by frequency and recency"
    )
    assert fig.layout.yaxis.title.text == "Repeat purchases (frequency)"
    pa = charts.p_alive(alive, "en")
    assert np.allclose(np.array(pa.data[0].z, dtype=float), alive.to_numpy(), equal_nan=True)
    assert (pa.data[0].zmin, pa.data[0].zmax) == (0.0, 1.0)


def test_holdout_bars_actual_then_each_model(comparison):
    validations = [f.validation for f in comparison.ok_fits]
    fig = charts.holdout_by_frequency(validations, "en")
    assert [t.name for t in fig.data] == ["Actual", "BG/NBD predicted", "MBG/NBD predicted"]
    assert list(fig.data[0].x) == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert np.allclose(fig.data[0].y, validations[0].by_frequency["actual"])
    assert np.allclose(fig.data[2].y, validations[1].by_frequency["predicted"])
    assert fig.layout.barmode == "group"


def test_cumulative_tracking_marks_the_calibration_end(comparison):
    fig = charts.cumulative_tracking(comparison.tracking, comparison.calibration_weeks, "BG/NBD", "en")
    assert np.allclose(fig.data[0].y, comparison.tracking["actual"])
    assert np.allclose(fig.data[1].y, comparison.tracking["predicted"]) and fig.data[1].line.dash == "dash"
    line = fig.layout.shapes[0]
    assert line.x0 == line.x1 == pytest.approx(487 / 7)
    assert fig.layout.annotations[0].text == "Calibration ends"


def test_clv_histogram_counts_every_customer():
    values = pd.Series([0.0, 1.0, 1.5, 40.0, 300.0])
    fig = charts.clv_distribution(values, "en", "€")
    assert list(fig.data[0].x) == values.tolist()
    assert fig.layout.xaxis.title.text == "Predicted CLV (€)"


def test_value_concentration_marks_the_top_20_percent():
    # ten customers: the top two (20%) hold 60 + 20 = 80 of 100
    values = pd.Series([60.0, 20.0, 5.0, 5.0, 4.0, 3.0, 1.0, 1.0, 1.0, 0.0])
    fig = charts.value_concentration(values, "en")
    curve, diagonal, marker = fig.data
    assert curve.x[0] == 0 and curve.y[-1] == pytest.approx(1.0)
    assert list(diagonal.y) == [0, 1]
    assert marker.x[0] == 0.2 and marker.y[0] == pytest.approx(0.8)
    assert marker.text[0] == "The top 20% hold 80%"


def test_survival_chart_observed_points_and_projection():
    c = predict.contractual(
        [[1000, 631, 468, 382, 326, 289, 262, 241]], arpu=1.0, gross_margin=1.0, discount_rate=0.1, periods=12
    )
    fig = charts.survival(c.projection, "en")
    projected, observed, retention = fig.data
    assert list(observed.x) == list(range(8)) and observed.y[1] == pytest.approx(0.631)
    assert len(projected.x) == 13 and projected.y[0] == pytest.approx(1.0)
    # sBG r(1) = beta / (alpha + beta) = 1.182 / 1.886
    assert retention.y[1] == pytest.approx(c.model.params["beta"] / (c.model.params["alpha"] + c.model.params["beta"]))
    assert fig.layout.title.text.startswith("Share of a cohort still subscribed")


def test_value_concentration_legend_is_below_its_axis_title():
    # it had its own legend position (y = -0.28 of the plot) that a short plot put on the axis title
    fig = charts.value_concentration(pd.Series([60.0, 20.0, 5.0, 0.0]), "en")
    assert fig.layout.legend.yref == "container" and fig.layout.xaxis.automargin is True
    assert_legible(fig)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_prediction_charts_are_legible(lang, full, comparison):
    expected, alive = predict.frequency_recency_matrices(full, 6)
    values = pd.Series([60.0, 20.0, 5.0, 5.0, 4.0, 3.0, 1.0, 1.0, 1.0, 0.0])
    c = predict.contractual(
        [[1000, 631, 468, 382, 326, 289, 262, 241]], arpu=1.0, gross_margin=1.0, discount_rate=0.1, periods=12
    )
    for fig in (
        charts.frequency_recency(expected, 6, lang),
        charts.p_alive(alive, lang),
        charts.holdout_by_frequency([f.validation for f in comparison.ok_fits], lang),
        charts.cumulative_tracking(comparison.tracking, comparison.calibration_weeks, "BG/NBD", lang),
        charts.clv_distribution(values, lang),
        charts.value_concentration(values, lang),
        charts.survival(c.projection, lang),
    ):
        assert_legible(fig)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_learn_charts_are_legible(lang):
    # the Learn page's charts share the layout (their values are tested in tests/test_learn.py)
    for fig in (
        learn_charts.geometric_series(learn.geometric_lifetime_terms(0.05, 12), lang),
        learn_charts.discounting(learn.discounting_table(50, 0.8, 0.05, 0.1, 36), 24, lang),
        learn_charts.mixture_bars(learn.mixture_effect(50, 0.8, 0.02, 0.2, 0.5), lang),
        learn_charts.mixture_churn(learn.mixture_churn_by_month(0.02, 0.2, 0.5, 60), lang),
    ):
        assert_legible(fig)


def test_mixture_bar_names_wrap_and_never_slant():
    fig = learn_charts.mixture_bars(learn.mixture_effect(50, 0.8, 0.02, 0.2, 0.5), "en")
    x = fig.layout.xaxis
    assert list(x.tickvals) == list(fig.data[0].x) and tuple(x.autotickangles) == (0, 90)
    assert x.ticktext[-1] == "LTV at the<br>average churn<br>(wrong)"  # lines of at most 16 characters
