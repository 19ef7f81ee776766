"""Honest ranges, one customer's story and targeting real customers on the Predictions and Segments pages
(AppTest): the figures shown against clv computed directly on the sample, links, bad input, Arabic."""

import json

import pytest

from apptest import app, link, metrics, plain
from clv import data, predict, targeting
from clv.core import monthly_rate

PRED, SEG = "pages/predictions.py", "pages/segments.py"


@pytest.fixture(scope="module")
def sample_models():
    return predict.fit_customer_models(data.load_sample("transactions").transactions, "bgnbd")


def test_predictions_show_the_totals_range_and_each_customers_range(sample_models):
    at = app(PRED, pmod="bgnbd").run()
    assert not at.exception and not at.error
    ranges = predict.value_intervals(
        sample_models.transaction_model,
        sample_models.spend_model,
        sample_models.summary,
        months=12,
        monthly_discount_rate=monthly_rate(0.10),
        gross_margin=0.8,
    )
    sentence = predict.totals_sentence(ranges, "revenue", 12)
    assert any(plain(m.value) == f"**{sentence[:1].upper()}{sentence[1:]}.**" for m in at.markdown)
    shown = next(d.value for d in at.dataframe if "90% low ($)" in d.value.columns).set_index("Customer")
    assert (shown["90% low ($)"] <= shown["Predicted CLV ($)"] + 1e-9).all()
    assert (shown["Predicted CLV ($)"] <= shown["90% high ($)"] + 1e-9).all()
    assert shown.loc["C00001", "90% high ($)"] == pytest.approx(ranges.loc["C00001", "clv_high"], rel=1e-12)


def test_the_story_of_the_most_valuable_customer_then_one_from_a_link(sample_models):
    at = app(PRED, pmod="bgnbd").run()
    values = predict.customer_values(sample_models, 12, 0.10).table
    top = values["predicted_clv"].idxmax()
    assert at.text_input(key="pred_customer").value == "" and at.text_input(key="pred_customer").placeholder == top
    story = predict.customer_story(sample_models, data.load_sample("transactions").transactions, top, 12, 0.10)
    assert metrics(at)["Orders so far"] == f"{story.orders:,}"
    assert any(plain(m.value) == predict.story_sentence(story) for m in at.markdown)
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]
    assert f"Chance that customer {top} is still active" in titles
    other = app(PRED, pmod="bgnbd", pcust="C00042").run()
    assert not other.exception
    story = predict.customer_story(sample_models, data.load_sample("transactions").transactions, "C00042", 12, 0.10)
    assert any(plain(m.value) == predict.story_sentence(story) for m in other.markdown)
    assert link(other)["pcust"] == "C00042"


def test_an_unknown_customer_id_is_a_message_not_a_traceback():
    at = app(PRED, pmod="bgnbd", pcust="<b>nobody</b>").run()
    assert not at.exception
    assert any("customers the models were fitted to" in e.body for e in at.error)
    assert not any("<b>" in e.body for e in at.error)  # the typed text is shown inert


def test_targeting_a_segment_on_the_segments_page_matches_clv(sample_models):
    at = app(SEG).run()
    assert not at.exception and not at.error
    offer = targeting.offer_from_template("win_back", cost_per_contact=0.5)
    values = targeting.incremental_values(sample_models, offer, 12, monthly_rate(0.10), 0.8)
    mask = targeting.target_mask(values, "segment", "at_risk")
    result = targeting.evaluate_target(values, mask, sample_models, method="delta")
    shown = metrics(at)
    assert shown["Customers contacted"] == f"{result.contacted:,}"
    assert shown["Expected net"] == f"${result.net:,.0f}"
    assert any(plain(m.value) == targeting.result_sentence(result) for m in at.markdown)
    rules = targeting.compare_rules(values, segment="at_risk")
    assert any(plain(m.value) == targeting.rules_sentence(rules) for m in at.markdown)
    table = next(d.value for d in at.dataframe if "Rule" in d.value.columns)
    assert table["Net ($)"].tolist() == pytest.approx(rules["net"].tolist(), rel=1e-12)
    # the first rows of the contact list (the CSV, written on click, has all: the browser journey downloads it)
    contacts = next(d.value for d in at.dataframe if "Expected net" in d.value.columns)
    expected = targeting.contact_list(values, mask, "en").head(20)
    assert contacts["Customer"].tolist() == expected["Customer"].tolist()
    assert contacts["Expected net"].tolist() == sorted(contacts["Expected net"], reverse=True)  # best first


def test_another_target_and_offer_go_into_the_link_and_change_the_figures():
    at = app(SEG).run()
    before = metrics(at)["Expected net"]
    at.selectbox(key="tg_kind").set_value("top_n").run()
    at.number_input(key="tg_top").set_value(200).run()
    at.selectbox(key="tg_offer").set_value("loyalty").run()
    assert not at.exception
    assert metrics(at)["Customers contacted"] == "200"
    assert metrics(at)["Expected net"] != before
    assert at.number_input(key="tg_dropout_reduction").value == 20.0  # loyalty's churn cut as the dropout cut
    written = link(at)
    assert written["tgk"] == "top_n" and written["tgn"] == "200" and written["tgo"] == "loyalty"
    reopened = app(SEG, **written).run()
    assert metrics(reopened)["Expected net"] == metrics(at)["Expected net"]


def test_targeting_a_p_alive_band_and_a_channel_on_predictions():
    at = app(PRED, pmod="bgnbd", tgk="p_alive", tga="10,40").run()
    assert not at.exception and not at.error
    assert at.slider(key="tg_alive").value == (10.0, 40.0)
    grouped = app(PRED, pmod="bgnbd", tgk="group", tgg="social_ads").run()
    assert not grouped.exception
    assert metrics(grouped)["Customers contacted"] == "1,447"  # sample_data/README.md: social_ads customers


def test_targeting_in_arabic_and_with_a_hostile_link():
    at = app(SEG, lang="ar", tg_take_up="500", tgo="annual_billing").run()
    assert not at.exception
    assert any("نطاق" in m.value or "الصافي" in m.value for m in at.markdown)
    assert any(t.body for t in at.toast)  # the bad values were refused and said so
