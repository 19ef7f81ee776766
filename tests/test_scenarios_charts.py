"""Campaign what-if charts: values, marked points and catalogue titles, read from fig.data / fig.layout."""

import numpy as np
import pytest

from clv.charts.base import rtl_text

import clv
from clv import i18n
from clv.charts import scenarios as charts
from clv.scenarios import Campaign, compare, evaluate_scenario, sensitivity, simulate
from tests.test_charts_calculator import MIN_FONT_PX, assert_legible, legend_names

BASE = clv.Assumptions(arpu=50, gross_margin=0.8, monthly_churn=0.05, cac=300)  # README reference
LOYALTY = Campaign("Loyalty", reach=0.4, churn_reduction=0.2, monthly_cost=1.0)
CROSS = Campaign("Cross-sell", reach=0.15, arpu_lift=0.3)
COMBINED = i18n.text("scenarios.combined")


@pytest.fixture(scope="module")
def results():
    return compare(BASE, [LOYALTY, CROSS])


def test_value_bars(results):
    fig = charts.value_bars(results, currency="€")
    ltv, net, baseline = fig.data
    assert list(ltv.x) == ["Loyalty", "Cross-sell", COMBINED]
    # hand-worked: 880 / 836 / 919.6 and net 70 / 36 / 109.6 (tests/test_scenarios.py)
    np.testing.assert_allclose(ltv.y, [880, 836, 919.6], rtol=1e-12)
    np.testing.assert_allclose(net.y, [70, 36, 109.6], rtol=1e-10)
    assert fig.layout.title.text == i18n.text("scenarios.charts.bars.title")
    assert fig.layout.yaxis.title.text == i18n.text("scenarios.charts.axis.per_customer", currency="€")
    assert fig.layout.shapes[0].y0 == pytest.approx(800) and fig.layout.barmode == "group"
    assert ltv.text[0] == "€880"
    assert baseline.name == i18n.text("scenarios.charts.bars.baseline", value="€800")


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_value_bars_labels_do_not_collide(results, lang):
    # The "Baseline LTV" label sat on the bars' labels, the legend on the rotated names
    fig = charts.value_bars(results, lang, "€")
    assert not fig.layout.annotations  # the baseline is named in the legend
    line = fig.data[-1]
    assert (line.mode, line.line.dash, line.showlegend) == ("lines", "dash", True)
    assert line.name == rtl_text(i18n.text("scenarios.charts.bars.baseline", lang, value="€800"))
    x = fig.layout.xaxis
    assert list(x.tickvals) == list(fig.data[0].x)  # the data keep the names
    assert x.ticktext[-1] == "All campaigns<br>together"  # 22 characters: two lines
    assert all(len(line) <= 16 for label in x.ticktext for line in label.split("<br>"))
    assert tuple(x.autotickangles) == (0, 90)  # upright or vertical, never slanted
    assert_legible(fig)


def test_arabic_waterfall_names_wrap_instead_of_running_together(results):
    # Slanted right-to-left names ran into each other
    fig = charts.waterfall(results[COMBINED], "ar")
    x = fig.layout.xaxis
    assert list(x.tickvals) == list(fig.data[0].x) and tuple(x.autotickangles) == (0, 90)
    total = i18n.text("scenarios.charts.waterfall.total", "ar")
    shown = x.ticktext[-1].replace("\u202b", "").replace("\u202c", "")  # embedded right to left (rotated)
    assert len(total) > 16 and "<br>" in shown and shown.replace("<br>", " ") == total
    assert all(line.startswith("\u202b") for line in x.ticktext[-1].split("<br>"))
    assert fig.data[0].textfont.size is None or fig.data[0].textfont.size >= MIN_FONT_PX
    assert_legible(fig)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_over_time_charts_name_the_baseline_once(results, lang):
    # The page passes the baseline as the first entry; "Baseline" and its payback were listed twice
    base = i18n.text("scenarios.baseline", lang)
    with_baseline = {i18n.text("tables.scenario.baseline", lang): evaluate_scenario(BASE, []), **results}
    fig = charts.survival_curves(with_baseline, lang)
    assert legend_names(fig) == [base, "Loyalty", "Cross-sell", COMBINED]
    fig = charts.value_curves(with_baseline, lang)
    names = legend_names(fig)
    assert len(names) == 4 and len(set(names)) == 4  # one entry per line
    payback = clv.fmt.number(clv.evaluate(BASE).payback_months_churn_adjusted, 1)
    assert names[0] == rtl_text(i18n.text("scenarios.charts.curves.payback", lang, name=base, months=payback))
    markers = [d for d in fig.data if d.mode == "markers"]
    assert len(markers) == 4 and all(m.showlegend is False for m in markers)
    lines = [d for d in fig.data if d.mode == "lines"]
    assert [m.legendgroup for m in markers] == [d.legendgroup for d in lines]  # a marker toggles with its line
    y_title = fig.layout.yaxis.title.text  # was cut off: 75 characters on one line
    shown = y_title.replace("\u202b", "").replace("\u202c", "").replace("<br>", " ")  # bidi controls are invisible
    assert "<br>" in y_title and shown == i18n.text("scenarios.charts.axis.cumulative", lang, currency="$")
    assert_legible(fig)


def test_histogram_pay_off_line_sits_above_the_plot():
    sim = simulate(BASE, [LOYALTY], {("Loyalty", "churn_reduction"): (0.0, 0.05)}, n=500, seed=0)
    fig = charts.histogram(sim)
    note = fig.layout.annotations[-1]
    assert (note.yref, note.y, note.yanchor) == ("paper", 1, "bottom")  # not among the P10 / P50 / P90 labels
    assert fig.layout.margin.t >= fig.layout.title.pad.t + 1.3 * fig.layout.title.font.size + 1.3 * note.font.size
    assert_legible(fig)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_scenario_charts_are_legible(results, lang):
    for fig in (
        charts.value_bars(results, lang),
        charts.waterfall(results[COMBINED], lang),
        charts.survival_curves(results, lang),
        charts.value_curves(results, lang),
        charts.tornado(sensitivity(BASE, [LOYALTY], 0.1, lang), lang),
    ):
        assert_legible(fig)


def test_waterfall_steps_are_the_shapley_values(results):
    fig = charts.waterfall(results[COMBINED])
    (trace,) = fig.data
    assert list(trace.measure) == ["absolute", "relative", "relative", "total"]
    np.testing.assert_allclose(trace.y, [800, 71.8, 37.8, 909.6], rtol=1e-10)  # 800 + 109.6 after costs
    assert trace.x[0] == i18n.text("scenarios.charts.waterfall.baseline")


def test_survival_and_value_curves_mark_cac_and_payback(results):
    fig = charts.survival_curves(results)
    assert [d.name for d in fig.data] == [i18n.text("scenarios.baseline"), "Loyalty", "Cross-sell", COMBINED]
    assert fig.data[0].y[1] == pytest.approx(95.0) and fig.data[1].y[1] == pytest.approx(
        100 * (0.4 * 0.96 + 0.6 * 0.95)
    )
    fig = charts.value_curves(results)
    assert fig.layout.shapes[0].y0 == 300  # CAC line
    markers = [d for d in fig.data if d.mode == "markers"]
    assert markers[0].x[0] == pytest.approx(clv.evaluate(BASE).payback_months_churn_adjusted)  # 9.163
    assert markers[1].x[0] == pytest.approx(results["Loyalty"].payback_months)
    assert all(m.y[0] == 300 for m in markers)
    assert fig.data[0].y[0] == 0 and fig.data[0].y[1] == pytest.approx(40)  # elapsed months: (0, 0), (1, 40)


def test_tornado_and_histogram():
    fig = charts.tornado(sensitivity(BASE, [LOYALTY], 0.1))
    low, high = fig.data
    assert low.orientation == "h" and low.y[-1] == i18n.text("scenarios.drivers.monthly_churn")  # widest on top
    assert high.x[list(high.y).index(i18n.text("scenarios.drivers.arpu"))] == pytest.approx(88, rel=1e-10)
    assert fig.layout.title.text == i18n.text("scenarios.charts.tornado.title", pct="10%")
    sim = simulate(BASE, [LOYALTY], {("Loyalty", "churn_reduction"): (0.0, 0.05)}, n=2000, seed=0)
    fig = charts.histogram(sim)
    assert len(fig.data[0].x) == 2000
    xs = sorted(s.x0 for s in fig.layout.shapes)
    assert xs == sorted([sim.p10, sim.p50, sim.p90, 0])
    assert fig.layout.annotations[-1].text == i18n.text(
        "scenarios.charts.histogram.pays_off", probability=clv.fmt.percent(sim.probability_positive, 0)
    )


def test_a_single_scenario_works():
    one = {"Loyalty": evaluate_scenario(BASE, [LOYALTY])}
    for build in (charts.value_bars, charts.survival_curves, charts.value_curves):
        assert len(build(one).data) >= 1
    assert len(charts.waterfall(one["Loyalty"]).data[0].y) == 3


def test_a_campaign_name_is_never_markup_in_a_chart():
    # Plotly renders <a href>, <b>, <i> in names and labels, so a campaign named like this made
    # a clickable external link in the scenario charts, on Present and in the HTML report.
    import json

    name = '<a href="https://evil.example">Claim</a> <b>big</b>'
    results = compare(
        BASE,
        [
            Campaign(name, reach=0.4, churn_reduction=0.2, monthly_cost=1.0),
            Campaign("Cross-sell", reach=0.15, arpu_lift=0.3),
        ],
    )
    with_baseline = {"Baseline": evaluate_scenario(BASE, []), **results}
    for fig in (
        charts.value_bars(results),
        charts.waterfall(list(results.values())[-1]),
        charts.value_curves(with_baseline),
        charts.survival_curves(with_baseline),
    ):
        spec = fig.to_json()
        assert "<a " not in spec and "<b>" not in spec and "</a>" not in spec
        assert "&lt;a href=" in spec  # shown as typed, as text
        layout = json.loads(spec)["layout"]
        for axis in (layout.get("xaxis", {}),):
            if axis.get("tickvals"):
                categories = [
                    v for trace in json.loads(spec)["data"] for v in (trace.get("x") or []) if isinstance(v, str)
                ]
                assert set(axis["tickvals"]) <= set(categories)  # ticks still name their categories
