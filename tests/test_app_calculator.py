"""The calculator page through AppTest: shown figures, the URL, presets, reset, errors."""

import json

import pytest

from tests.apptest import PAGES, app, link, metrics, query_value


def test_defaults_show_the_reference_figures():
    at = app().run()
    assert not at.exception
    shown = metrics(at)
    assert shown["Lifetime value (LTV)"] == "$800.00"
    assert shown["LTV : CAC"] == "2.67 : 1"
    assert shown["Simple payback (months)"] == "7.5"
    assert shown["Payback with churn (months)"] == "9.2"
    assert shown["Expected lifetime (months)"] == "20.0"
    assert dict(at.query_params) == {}  # defaults make a clean link


def test_link_opens_the_exact_scenario_and_widgets_update_the_url():
    at = app(churn="10", disc="10", h="24", cur="€").run()
    assert not at.exception
    # churn 10%, 10% a year, 24 months: q = 0.9 / 1.0079741 = 0.892880, q^24 = 0.065929;
    # LTV = 40 x (1 - 0.065929) / (1 - 0.892880) = 348.80
    assert metrics(at)["Lifetime value (LTV)"] == "€348.80"
    at.slider(key="calc_churn").set_value(2.5).run()
    assert at.number_input(key="calc_churn_num").value == 2.5
    assert query_value(at, "churn") == "2.5"
    at.number_input(key="calc_arpu_num").set_value(100.0).run()
    assert query_value(at, "arpu") == "100"
    # Reopen from the URL the page wrote: same figures.
    again = app(**link(at)).run()
    assert metrics(again) == metrics(at)


def test_number_field_goes_past_the_slider_range():
    at = app().run()
    at.number_input(key="calc_arpu_num").set_value(2000.0).run()
    assert at.slider(key="calc_arpu").value == 500.0  # resting at its end
    assert metrics(at)["Lifetime value (LTV)"] == "$32,000.00"  # 2000 x 0.8 / 0.05


def test_bad_link_values_fall_back_to_defaults_with_a_notice():
    at = app(churn="abc", margin="250", arpu="70").run()
    assert not at.exception
    assert metrics(at)["Lifetime value (LTV)"] == "$1,120.00"  # arpu 70 kept, others default
    notices = [t.value for t in at.toast]
    assert any("abc" in n and "churn" in n for n in notices) and any("250" in n for n in notices)


def test_purchases_form_and_preset_then_reset():
    at = app(mode="purchases", aov="60", orders="4", margin="30", ret="60").run()
    assert metrics(at)["Lifetime value (LTV)"] == "$143.97"  # README reference value
    at.selectbox(key="calc_preset").select("saas").run()
    at.button(key="calc_preset_apply").click().run()
    # SaaS preset: 99 x 0.78 x (1 + d) / (0.03 + d), d = 1.1^(1/12) - 1 = 0.0079741
    #   = 77.22 x 1.0079741 / 0.0379741 = 2,049.70
    assert metrics(at)["Lifetime value (LTV)"] == "$2,049.70"
    assert query_value(at, "arpu") == "99"
    at.sidebar.button(key="reset").click().run()
    assert metrics(at)["Lifetime value (LTV)"] == "$800.00"


def test_infinite_ltv_explains_and_offers_a_horizon():
    at = app(churn="0").run()
    assert metrics(at)["Lifetime value (LTV)"] == "∞"
    assert "infinite" in at.warning[0].value
    at.button(key="calc_set_horizon").click().run()
    assert metrics(at)["Lifetime value (LTV)"] == "$2,400.00"  # 40 x 60 months
    assert query_value(at, "h") == "60"


def test_charts_show_the_current_assumptions_and_only_the_open_tab_is_built():
    at = app(churn="4").run()
    charts = at.get("plotly_chart")
    assert len(charts) == 1
    payback = json.loads(charts[0].proto.spec)
    # churn 4%: t = ln(1 - 300 x 0.04 / 40) / ln 0.96 = 8.737
    marked = payback["data"][2]
    assert marked["x"][0] == pytest.approx(8.737, abs=1e-3) and marked["y"][0] == 300
    at.session_state["calc_chart_tab"] = "LTV : CAC map"
    at.run()
    heatmap = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert heatmap["layout"]["title"]["text"].startswith("LTV : CAC by churn and ARPU")
    assert heatmap["data"][2]["x"][0] == pytest.approx(4.0)  # the current point


def test_formulas_show_the_users_numbers():
    at = app(churn="4").run()
    assert not at.get("latex")  # built only when the expander is opened
    at.session_state["calc_how"] = True
    at.run()
    latex = [e.value for e in at.get("latex")]
    assert any("0.0400" in x and "1{,}000.00" in x for x in latex)  # 50 x 0.8 / 0.04 = 1,000


@pytest.mark.parametrize("script", PAGES)
def test_every_page_renders_alone_with_the_shared_sidebar(script):
    at = app(script, cur="€").run()
    assert not at.exception
    assert at.sidebar.selectbox(key="currency").value == "€"
    labels = [link.label for link in at.sidebar.get("page_link")] + [c.value for c in at.sidebar.caption]
    assert "Calculator" in labels


@pytest.mark.parametrize("script", PAGES[1:])
def test_every_page_opened_from_a_link_within_the_app(script):
    at = app("app.py", cur="€")
    at.switch_page(script).run()  # the page runs with app.py as the entry point
    assert not at.exception
    assert at.sidebar.selectbox(key="currency").value == "€"
    links = {link.label for link in at.sidebar.get("page_link")}
    assert {"Calculator", "Campaign scenarios"} <= links


def test_workshop_mode_hides_results_until_revealed_and_again_after_a_change():
    at = app(ws="1").run()
    assert not at.exception and len(at.metric) == 0 and not at.get("plotly_chart")
    at.button(key="calc_reveal").click().run()
    assert metrics(at)["Lifetime value (LTV)"] == "$800.00"
    at.slider(key="calc_churn").set_value(4.0).run()
    assert len(at.metric) == 0  # a new guess for new inputs
    at.button(key="calc_reveal").click().run()
    assert metrics(at)["Lifetime value (LTV)"] == "$1,000.00"
    assert query_value(at, "ws") == "1"


def test_out_of_range_typing_is_refused_and_said_beside_the_field():
    # Churn 150 and margin 120 turned the field red in a browser while the figures kept the old values.
    at = app("app.py").run()
    at.number_input(key="calc_churn_num").set_value(150.0).run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Monthly churn (%): 150% is not allowed (from 0% to 100%), so the figures still use 5%. "
        "Type a value in that range."
    ]
    assert at.number_input(key="calc_churn_num").value == 5.0 and at.metric[0].value == "$800.00"
    at.number_input(key="calc_margin_num").set_value(120.0).run()
    assert len(at.error) == 2 and "Gross margin (%): 120% is not allowed" in at.error[1].value
    at.number_input(key="calc_churn_num").set_value(4.0).run()  # a valid value clears its note
    assert len(at.error) == 1 and at.metric[0].value == "$1,000.00"


def test_every_preset_fits_its_sliders():
    # The Coffee shop's 80 orders a year sat past the slider's 52 (slider and field disagreed).
    from clv.presets import presets
    from ui.fields import CALC
    from ui.panels import preset_widget_values

    by_key = {f.key: f for f in CALC}
    for name in presets():
        for key, value in preset_widget_values(name).items():
            f = by_key[key]
            if f.kind in ("float", "int"):
                top = f.slider_high if f.slider_high is not None else f.high
                assert f.low <= value <= top, (name, key, value, top)


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"shape": "curve"}, "With this retention curve (alpha 0.704, 1 or less)"),
        ({"exp": "6"}, "Expansion of 6.0% a month grows each customer's revenue faster than churn (5.0%)"),
        ({"churn": "0"}, "With zero churn, no discounting and no horizon"),
    ],
)
def test_an_infinite_ltv_names_its_real_cause(query, expected):
    # The sBG curve and expansion >= churn blamed "zero churn" while churn was 5%.
    at = app("app.py", **query).run()
    assert not at.exception
    assert [w.value for w in at.warning if w.value.startswith(expected)], [w.value for w in at.warning]
    assert not any("zero churn" in w.value for w in at.warning) or query == {"churn": "0"}
