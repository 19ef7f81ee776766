"""The calculator's charts: the values drawn and the points marked."""

import numpy as np
import pytest

import clv
from clv.charts import calculator as charts

RESULT = clv.evaluate(clv.Assumptions(arpu=50, gross_margin=0.8, monthly_churn=0.05, cac=300))


def test_payback_chart_marks_the_payback_point_and_cac():
    fig = charts.payback(RESULT, "en", "€")
    expected, no_churn, point = fig.data
    assert expected.x[0] == 0 and expected.y[0] == 0
    assert expected.y[10] == pytest.approx(800 * (1 - 0.95 ** 10))       # 10 payments by the end of month 10
    assert no_churn.y[10] == pytest.approx(400.0)
    assert point.x[0] == pytest.approx(9.163, abs=5e-4) and point.y[0] == 300
    assert fig.layout.shapes[0].y0 == 300                                  # the CAC line
    assert fig.layout.title.text == "When does a customer pay back their acquisition cost?"
    assert "(€)" in fig.layout.yaxis.title.text


def test_ltv_by_churn_marks_current_point():
    fig = charts.ltv_by_churn(RESULT)
    curve, current = fig.data
    i = int(np.argmin(np.abs(np.asarray(curve.x) - 10.0)))
    assert curve.y[i] == pytest.approx(40 / (curve.x[i] / 100))
    assert (current.x[0], current.y[0]) == (pytest.approx(5.0), pytest.approx(800.0))
    assert fig.layout.shapes[0].y0 == 900                                  # 3 x CAC


def test_ltv_cac_map_is_200_by_200_with_the_3_to_1_line():
    fig = charts.ltv_cac_map(RESULT)
    heat, contour, current = fig.data
    z = np.asarray(heat.customdata)
    assert z.shape == (200, 200)
    j = int(np.argmin(np.abs(np.asarray(heat.x) - 5.0)))
    i = 99                                                               # ARPU = 100 x 100 / 200 ... = 50
    assert heat.y[i] == pytest.approx(50.0)
    assert z[i, j] == pytest.approx(40 / (heat.x[j] / 100) / 300)
    assert contour.contours.start == 3 and contour.contours.end == 3
    assert (current.x[0], current.y[0]) == (pytest.approx(5.0), pytest.approx(50.0))


def test_infinite_ltv_charts_do_not_break():
    r = clv.evaluate(clv.Assumptions(arpu=50, gross_margin=0.8, monthly_churn=0.0, cac=300))
    fig = charts.ltv_by_churn(r)
    assert len(fig.data) == 1                                             # no current point at infinity
    assert np.isfinite(np.asarray(charts.ltv_cac_map(r).data[0].z)).all()
