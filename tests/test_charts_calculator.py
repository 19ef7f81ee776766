"""The calculator's charts: the values drawn and the points marked."""

import numpy as np
import pytest

import clv
from clv import i18n
from clv.charts import calculator as charts

RESULT = clv.evaluate(clv.Assumptions(arpu=50, gross_margin=0.8, monthly_churn=0.05, cac=300))
MIN_FONT_PX = 13  # text on a chart must read on a projector
TOOLBAR_PX = 30  # plotly's toolbar: 22 px buttons with their padding, at the top right
PHONE_TITLE_CHARS = 38  # a 390 px phone, less its padding, holds about 38 characters of a 17 px title


def legend_names(fig) -> list[str]:
    """The names the legend lists (a trace is listed unless ``showlegend`` is False; heatmaps never)."""
    return [t.name for t in fig.data if t.type not in ("heatmap", "contour", "treemap") and t.showlegend is not False]


def assert_legible(fig) -> None:
    """What every chart must get right (shared by the chart test modules), read from ``fig.layout``:

    - the legend hangs from the bottom of the figure, so plotly puts it under the x axis's tick labels and
      title (which push the plot area up: automargin) instead of over them;
    - the title starts below the toolbar's band and ends above the plot area;
    - ticks, legend, axis titles, labels and colour bars are at least ``MIN_FONT_PX``; axis-title lines short;
    - no name twice in the legend.
    """
    layout = fig.layout
    assert (layout.legend.yref, layout.legend.y, layout.legend.yanchor) == ("container", 0, "bottom")
    assert layout.legend.font.size >= MIN_FONT_PX
    title = layout.title
    lines = title.text.replace("\u202b", "").replace("\u202c", "").split("<br>")  # a long title: two lines
    assert (title.yref, title.y, title.yanchor) == ("container", 1, "top") and len(lines) <= 2
    assert all(len(line) <= 48 for line in lines)
    assert title.pad.t >= TOOLBAR_PX
    assert layout.margin.t >= title.pad.t + 1.3 * title.font.size * len(lines)  # its lines fit above the plot
    axes = [layout[k] for k in layout.to_plotly_json() if k.startswith(("xaxis", "yaxis"))]
    assert axes
    for axis in axes:
        assert axis.automargin is True and axis.tickfont.size >= MIN_FONT_PX
        assert axis.title.font.size >= MIN_FONT_PX and axis.title.standoff >= 8
        assert all(len(line) <= 40 for line in (axis.title.text or "").split("<br>"))
    for note in layout.annotations:
        assert note.font.size >= MIN_FONT_PX
    for trace in fig.data:
        if trace.type in ("heatmap", "contour") and trace.showscale is not False:
            assert trace.colorbar.tickfont.size >= MIN_FONT_PX
    names = legend_names(fig)
    assert len(names) == len(set(names)), names


def test_payback_chart_marks_the_payback_point_and_cac():
    fig = charts.payback(RESULT, "en", "€")
    expected, no_churn, point = fig.data
    assert expected.x[0] == 0 and expected.y[0] == 0
    assert expected.y[10] == pytest.approx(800 * (1 - 0.95**10))  # 10 payments by the end of month 10
    assert no_churn.y[10] == pytest.approx(400.0)
    assert point.x[0] == pytest.approx(9.163, abs=5e-4) and point.y[0] == 300
    assert fig.layout.shapes[0].y0 == 300  # the CAC line
    assert fig.layout.title.text == "When does a customer pay back CAC?"
    assert "(€)" in fig.layout.yaxis.title.text


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_payback_title_fits_a_phone_below_the_toolbar(lang):
    # On a 390 px phone the title was cut ("...pay back their") and the toolbar sat on it
    fig = charts.payback(RESULT, lang)
    assert fig.layout.title.text == i18n.text("charts.payback.title_short", lang)
    assert len(fig.layout.title.text) <= PHONE_TITLE_CHARS
    assert fig.layout.title.pad.t >= TOOLBAR_PX and fig.layout.title.font.size >= 16
    assert fig.layout.title.xanchor == ("right" if lang == "ar" else "left")


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("build", [charts.payback, charts.ltv_by_churn, charts.ltv_cac_map])
def test_calculator_charts_are_legible(build, lang):
    assert_legible(build(RESULT, lang))


def test_ltv_by_churn_marks_current_point():
    fig = charts.ltv_by_churn(RESULT)
    curve, current = fig.data
    i = int(np.argmin(np.abs(np.asarray(curve.x) - 10.0)))
    assert curve.y[i] == pytest.approx(40 / (curve.x[i] / 100))
    assert (current.x[0], current.y[0]) == (pytest.approx(5.0), pytest.approx(800.0))
    assert fig.layout.shapes[0].y0 == 900  # 3 x CAC


def test_ltv_cac_map_is_200_by_200_with_the_3_to_1_line():
    fig = charts.ltv_cac_map(RESULT)
    heat, contour, current = fig.data
    z = np.asarray(heat.customdata)
    assert z.shape == (200, 200)
    j = int(np.argmin(np.abs(np.asarray(heat.x) - 5.0)))
    i = 99  # ARPU = 100 x 100 / 200 ... = 50
    assert heat.y[i] == pytest.approx(50.0)
    assert z[i, j] == pytest.approx(40 / (heat.x[j] / 100) / 300)
    assert contour.contours.start == 3 and contour.contours.end == 3
    assert (current.x[0], current.y[0]) == (pytest.approx(5.0), pytest.approx(50.0))


def test_infinite_ltv_charts_do_not_break():
    r = clv.evaluate(clv.Assumptions(arpu=50, gross_margin=0.8, monthly_churn=0.0, cac=300))
    fig = charts.ltv_by_churn(r)
    assert len(fig.data) == 1  # no current point at infinity
    assert np.isfinite(np.asarray(charts.ltv_cac_map(r).data[0].z)).all()


def test_a_long_title_takes_two_lines_and_the_plot_moves_down():
    # Long titles were cut on a 390 px phone (the figure cannot know its width; two lines fit).
    from clv.charts import base
    from clv.charts.models import frequency_recency
    import pandas as pd

    fig = frequency_recency(
        pd.DataFrame(
            [[1.0, 2.0]], index=pd.Index([0], name="frequency"), columns=pd.Index([0.0, 10.0], name="recency")
        ),
        12,
        "en",
    )
    lines = fig.layout.title.text.split("<br>")
    assert len(lines) == 2 and all(len(line) <= base.TITLE_CHARS for line in lines)
    assert fig.layout.margin.t >= base.TOP_MARGIN + base.TITLE_LINE_PX
    short = charts.payback(clv.evaluate(clv.Assumptions(50, 0.8, 0.05, 300)), "en")
    assert "<br>" not in short.layout.title.text and short.layout.margin.t == base.TOP_MARGIN
