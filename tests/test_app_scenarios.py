"""The scenarios page through AppTest: campaigns built with the widgets, figures shown, the URL."""

import json

import pytest

from tests.apptest import app, link, metrics, plain, query_value


def add(at, template):
    at.selectbox(key="sc_template").select(template).run()
    at.button(key="sc_add").click().run()
    return at


def test_empty_page_invites_a_campaign():
    at = app("pages/scenarios.py").run()
    assert not at.exception
    assert "No campaign yet" in at.info[0].value
    assert "LTV $800.00" in " ".join(plain(c.value) for c in at.caption)


def test_loyalty_reference_values_through_the_widgets():
    at = add(app("pages/scenarios.py").run(), "loyalty")
    # Turn the template into the reference: reach 40%, churn cut 20%, 1 a month, no revenue share.
    at.number_input(key="sc_c1_revenue_share_cost").set_value(0.0).run()
    at.number_input(key="sc_c1_reach").set_value(40.0).run()
    assert not at.exception
    shown = metrics(at)
    assert shown["LTV with campaigns"] == "$880.00"  # 0.4 x 1000 + 0.6 x 800
    assert shown["Net value"] == "$70.00"  # 880 - 0.4 x 1 x 25 months - 800
    assert shown["ROI"] == "7.00×"  # 70 / 10
    sentence = next(plain(m.value) for m in at.markdown if "breaks even" in m.value)
    assert "adds $70.00 per customer" in sentence and "2.5%" in sentence
    assert query_value(at, "c1") == "loyalty"


def test_two_campaigns_attribution_and_link_round_trip():
    at = add(add(app("pages/scenarios.py").run(), "loyalty"), "cross_sell")
    assert not at.exception
    table = at.table[0].value
    assert list(table["Scenario"]) == ["Baseline", "Loyalty programme", "Cross-sell", "All campaigns together"]
    # loyalty template: LTV 880; costs 0.4 x (1 / 0.04 + 2% x 50 / 0.04) = 20; net 880 - 20 - 800 = 60
    assert list(table["Net value"])[:2] == ["$0.00", "$60.00"]
    assert table["ROI"].iloc[0] == "—"  # no cost, no ROI (was "None")
    at.session_state["sc_chart_tab"] = "Where the value comes from"
    at.run()
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)  # the waterfall: steps add up to the total
    y = chart["data"][0]["y"]
    assert y[0] + sum(y[1:-1]) == pytest.approx(y[-1], rel=1e-9)
    # Reopen the page from the URL it wrote: the same figures.
    again = app("pages/scenarios.py", **link(at)).run()
    assert metrics(again) == metrics(at)
    assert again.table[0].value.equals(table)


def test_remove_and_invalid_input_message():
    at = add(app("pages/scenarios.py").run(), "annual_billing")
    assert metrics(at)  # figures shown
    at.button(key="sc_remove_1").click().run()
    assert not at.metric and "No campaign yet" in at.info[0].value
    # A margin change that pushes the margin above 100% is named beside the card, not a traceback.
    at = add(app("pages/scenarios.py", margin="99").run(), "cross_sell")
    at.number_input(key="sc_c1_margin_change").set_value(5.0).run()
    assert not at.exception and not at.metric
    assert plain(at.error[0].value) == (
        "With this campaign's margin change the gross margin would be 104.0%; it must "
        "stay between 0% and 100% (the baseline margin is 99.0%). Lower the margin "
        "change."
    )


def test_one_invalid_campaign_keeps_the_others_results():
    # One invalid field used to remove every result. Loyalty (40% reach, churn -20%, $1 a month, 2% revenue
    # share) alone on the default baseline is worth $880.00 (the README's loyalty example).
    at = add(add(app("pages/scenarios.py").run(), "loyalty"), "cross_sell")
    at.number_input(key="sc_c2_margin_change").set_value(25.0).run()  # 80% + 25 points = 105%
    assert not at.exception
    errors = [plain(e.value) for e in at.error]
    assert errors == [
        "With this campaign's margin change the gross margin would be 105.0%; it must stay between 0% "
        "and 100% (the baseline margin is 80.0%). Lower the margin change."
    ]
    assert metrics(at)["LTV with campaigns"] == "$880.00"
    assert [r for r in at.table[0].value.iloc[:, 0]] == ["Baseline", "Loyalty programme"]


def test_campaigns_fine_alone_but_not_together():
    at = add(add(app("pages/scenarios.py", margin="90").run(), "cross_sell"), "cross_sell")
    for slot in (1, 2):
        at.number_input(key=f"sc_c{slot}_margin_change").set_value(6.0).run()  # 96% alone, 102% together
    assert not at.exception
    assert [plain(e.value) for e in at.error] == [
        "All campaigns together: their margin changes would take the gross margin to 102.0%; it must stay between "
        "0% and 100% (the baseline margin is 90.0%). Lower one of the margin changes; each campaign's own results "
        "are shown."
    ]
    assert list(at.table[0].value.iloc[:, 0]) == ["Baseline", "Cross-sell", "Cross-sell (2)"]


def test_card_summary_follows_its_fields():
    at = add(app("pages/scenarios.py").run(), "loyalty")
    captions = [plain(c.value) for c in at.caption]
    assert any(
        "reaches 40% of customers · churn 20% lower · $1.00 a member a month · 2% of members' revenue" in c
        for c in captions
    ), captions
    at.number_input(key="sc_c1_reach").set_value(60.0).run()
    at.sidebar.selectbox(key="currency").select("€").run()
    captions = [plain(c.value) for c in at.caption]
    assert any("reaches 60% of customers · churn 20% lower · €1.00 a member a month" in c for c in captions), captions


def test_uncertainty_simulation_and_tornado():
    at = add(app("pages/scenarios.py").run(), "loyalty")
    at.checkbox(key="sc_c1_churn_reduction_range_on").check().run()
    at.session_state["sc_chart_tab"] = "Uncertainty"
    at.run()
    assert not at.exception
    source = next(m.value for m in at.markdown if "simulated draws" in m.value)
    assert "$" not in source.replace("\\$", "")  # money never opens a LaTeX span
    risk = plain(source)
    assert "10,000 simulated draws" in risk and "Chance the scenario pays off" in risk
    assert query_value(at, "c1cx") == "10,30"  # 20% +/- 50%, kept in the link


def test_tornado_tab_moves_each_driver():
    at = add(app("pages/scenarios.py").run(), "loyalty")
    at.session_state["sc_chart_tab"] = "Sensitivity"
    at.run()
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert not at.exception and fig["layout"]["title"]["text"] == "What moves LTV most: each driver ±10%"
    assert len(fig["data"][0]["y"]) == 3  # ARPU, margin, churn; CAC and a 0% discount rate said below
    at = add(app("pages/scenarios.py", disc="10").run(), "loyalty")
    at.session_state["sc_chart_tab"] = "Sensitivity"
    at.run()
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert len(fig["data"][0]["y"]) == 4  # a 10% discount rate moves the LTV


def test_user_text_never_becomes_markup():
    name = "![x](http://example.invalid/p.png) **big** <b>"
    at = add(app("pages/scenarios.py").run(), "loyalty")
    at.text_input(key="sc_c1_name").input(name).run()
    shown = [m.value for m in at.markdown]
    assert f"**{name}**" in [plain(m) for m in shown]  # shown exactly as typed, as the card's title
    assert not any("](http" in m or "<b>" in m for m in shown)  # ... and never as a link, image or tag


def test_waterfall_and_tornado_explain_themselves():
    # The waterfall's shares differed from the table with nothing explaining it; the tornado's
    # CAC and discount-rate rows were empty.
    at = app(
        "pages/scenarios.py",
        c1="loyalty",
        c1r="40",
        c1c="20",
        c1p="1",
        c2="cross_sell",
        c2r="15",
        c2a="30",
        c2m="-5",
        c2o="5",
    )
    at.session_state["sc_chart_tab"] = "Where the value comes from"
    at.run()
    assert any(c.value.startswith("Each campaign's bar is its fair share (Shapley value)") for c in at.caption)
    at.session_state["sc_chart_tab"] = "Sensitivity"
    at.run()
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert set(spec["data"][0]["y"]) == {"ARPU", "Gross margin", "Churn"}
    idle = next(c.value for c in at.caption if c.value.startswith("Not in the chart"))
    assert "CAC: it changes LTV : CAC and payback" in idle and "Discount rate: it is 0%" in idle


def test_cheaper_acquisition_says_what_it_saves():
    at = add(app("pages/scenarios.py").run(), "cheaper_acquisition")
    # 30% of new customers 25% cheaper: CAC 300 x (1 - 0.3 x 0.25) = 277.50, a saving of 22.50.
    sentence = next(plain(m.value) for m in at.markdown if "saves" in m.value)
    assert "saves $22.50 per acquired customer on acquisition (CAC $300.00 → $277.50)" in sentence
