"""The Learn page through AppTest: worked examples follow the calculator's link, quizzes, mixture, workshop.

The page is opened through ``app.py`` with ``switch_page``, as a deep link is: the shared sidebar's page
links resolve against the entry script, so a page script cannot be the AppTest entry point itself.
"""

import json

import pytest

from clv import learn
from tests.apptest import app, metrics, query_value

PAGE = "pages/learn.py"


def learn_page(**query):
    at = app("app.py", **query)
    at.switch_page(PAGE)
    return at.run()


def table(at, first_column: str, after: int = 0):
    """The shown table whose columns start with ``first_column`` (the ``after``-th such table)."""
    return [d.value for d in at.dataframe if d.value.columns[0] == first_column][after]


def texts(at) -> list[str]:
    return [m.value for m in at.markdown]


def test_page_renders_alone_with_lessons_and_glossary():
    at = learn_page()
    assert not at.exception
    assert at.title[0].value == "Learn: customer lifetime value in short lessons"
    lessons = at.radio(key="learn_lesson")
    assert list(lessons.options)[:3] == ["What is CLV?", "The simple formula", "Churn and lifetime"]
    anchors = {h.proto.anchor for h in at.subheader}
    assert {f"glossary-{term}" for term in learn.GLOSSARY_TERMS} <= anchors
    assert any(link.label == "Learn" for link in at.sidebar.get("page_link"))
    # defaults: ARPU 50, margin 80%, churn 5% -> 40 / 0.05 = 800
    at.radio(key="learn_lesson").set_value("churn").run()
    assert any("pays for 20.0 months, so LTV = \\$800.00" in t for t in texts(at))


def test_worked_examples_follow_the_calculators_link():
    at = learn_page(churn="4", lesson="churn")
    assert not at.exception
    # 50 x 0.8 / 0.04 = 1,000 and 1 / 0.04 = 25 months
    assert any("pays for 25.0 months, so LTV = \\$1,000.00" in t for t in texts(at))
    assert any("0.0400" in x.value and "1{,}000.00" in x.value for x in at.get("latex"))
    assert query_value(at, "churn") == "4"  # the link still carries the scenario


def test_worked_examples_use_discount_and_horizon_from_the_link():
    at = learn_page(disc="10", h="24", cur="€", lesson="discounting")
    # README reference: ARPU 50, margin 80%, churn 5%, 10% a year, 24 months -> 527.64
    assert any("horizon 24 months): LTV = €527.64" in t for t in texts(at))


def test_answering_a_quiz_question_shows_feedback_and_score():
    at = learn_page(lesson="churn")
    assert not at.success and not at.error
    at.radio(key="learn_quiz_churn_q1").set_value("twenty").run()
    assert [s.value for s in at.success] == ["Right. Expected lifetime = 1 / churn = 1 / 0.05 = 20 months."]
    at.radio(key="learn_quiz_churn_q2").set_value("halves").run()
    assert at.error[0].value.startswith("Not quite. LTV = ARPU × margin / churn")
    assert "1 of 3 right." in [c.value for c in at.caption]


def test_mixture_widget_numbers():
    at = learn_page(lesson="mixture")
    shown = metrics(at)
    # half at 2%, half at 20%, g = 40: (2000 + 200) / 2 = 1,100 vs 40 / 0.11 = 363.64; 1 / 27.5 = 3.64%
    assert shown["Average of the LTVs (right)"] == "$1,100.00"
    assert shown["LTV at the average churn (wrong)"] == "$363.64"
    assert shown["Churn that gives the right LTV"] == "3.64%"
    at.slider(key="learn_mix_churn_b").set_value(10.0).run()
    at.slider(key="learn_mix_share_a").set_value(25).run()
    shown = metrics(at)
    # 0.25 x 2000 + 0.75 x 400 = 800; average churn 0.25 x 2% + 0.75 x 10% = 8% -> 40 / 0.08 = 500
    assert shown["Average of the LTVs (right)"] == "$800.00"
    assert shown["LTV at the average churn (wrong)"] == "$500.00"
    chart = next(
        json.loads(c.proto.spec)
        for c in at.get("plotly_chart")
        if json.loads(c.proto.spec)["layout"]["title"]["text"].startswith("Two segments")
    )
    assert chart["data"][0]["y"] == pytest.approx([2000.0, 400.0, 800.0, 500.0])


def test_known_truth_exercise_waits_for_the_button_then_compares():
    at = learn_page(lesson="truth")
    assert "Set the parameters and press Simulate and fit." in [c.value for c in at.caption]
    assert not any(t.startswith("Simulated 500 customers") for t in texts(at))
    at.number_input(key="learn_truth_n").set_value(500)
    at.button(key="learn_truth_run").click().run()
    assert not at.exception
    assert any(t.startswith("Simulated 500 customers over 52 weeks") for t in texts(at))
    verdict = next(t for t in texts(at) if "true parameters lie inside" in t)
    # the default seed is a typical draw: 500 customers, seed 7, every truth inside its interval
    assert verdict.startswith("4 of 4 true parameters lie inside")
    table = [d.value for d in at.dataframe if d.value.columns[0] == "Model"][0]
    assert table["Parameter"].tolist() == ["r", "alpha", "a", "b"]
    assert table["Truth"].tolist() == [0.25, 4.0, 0.8, 2.4]


def test_buy_till_you_die_lesson_shows_simulation_and_fit():
    at = learn_page(lesson="btyd")
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"].replace("<br>", " ") for c in at.get("plotly_chart")]
    assert "Simulated customers: purchases and (unseen) dropouts" in titles
    assert "Share of customers still alive" in titles
    fit = table(at, "Parameter")
    assert fit["Truth"].tolist() == [0.25, 4.0, 0.8, 2.4]
    assert len(table(at, "Customer")) == 12  # the only lesson shown: no RFM table before it


def test_one_lesson_at_a_time_and_the_open_lesson_is_in_the_link():
    at = learn_page()
    assert at.radio(key="learn_lesson").value == "what"
    at.radio(key="learn_lesson").set_value("payback").run()
    assert query_value(at, "lesson") == "payback"
    assert not any(
        "Two segments" in json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")
    )  # only the open lesson runs
    again = learn_page(lesson="payback")
    assert again.radio(key="learn_lesson").value == "payback"


def test_lesson_inputs_are_kept_when_the_lesson_is_left_and_reopened():
    at = learn_page(lesson="mixture")
    at.slider(key="learn_mix_churn_b").set_value(10.0).run()
    at.radio(key="learn_lesson").set_value("what").run()
    at.radio(key="learn_lesson").set_value("mixture").run()
    assert at.slider(key="learn_mix_churn_b").value == 10.0
    assert metrics(at)["LTV at the average churn (wrong)"] == "$666.67"  # 40 / 0.06
