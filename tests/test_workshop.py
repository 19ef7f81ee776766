"""Workshop mode hides every page's answers until revealed (Scenarios, Present and Learn gave them away)."""

import pytest

from apptest import app, plain

# ARPU 60, margin 80%, churn 4%, CAC 300: LTV 60 x 0.8 / 0.04 = $1,200.00, LTV:CAC 4.00 : 1 (worked by hand).
LINK = {"arpu": "60", "churn": "4", "ws": "1"}
ANSWERS = ("1,200", "4.00 : 1", "4.0 : 1")
CAMPAIGN = {"c1": "loyalty", "c1r": "40", "c1c": "20", "c1p": "1"}


def shown_text(at) -> str:
    parts = [
        plain(e.value)
        for kind in ("markdown", "caption", "info", "success", "warning", "error", "latex")
        for e in getattr(at, kind)
    ]
    parts += [m.value for m in at.metric]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize(
    "script, query",
    [
        ("app.py", LINK),
        ("pages/scenarios.py", {**LINK, **CAMPAIGN}),
        ("pages/present.py", {**LINK, **CAMPAIGN}),
        ("pages/learn.py", LINK),
    ],
)
def test_hidden_on_every_page_until_revealed_there(script, query):
    at = app(script, **query).run()
    assert not at.exception
    text = shown_text(at)
    assert not any(answer in text for answer in ANSWERS), text
    if script != "pages/learn.py":  # Learn's charts teach from its own sliders
        assert not at.get("plotly_chart")  # no chart carries the answer either
    assert [b.key for b in at.get("download_button")] == ["session_save"]  # no report, only the session file
    reveal = next(b for b in at.button if b.label == "Reveal the results")
    reveal.click().run()
    assert "1,200" in shown_text(at)


def test_scenarios_baseline_line_follows_the_calculators_reveal():
    at = app("pages/scenarios.py", **LINK).run()
    assert "Baseline: hidden in workshop mode" in shown_text(at)
    # Revealed on the calculator for the same inputs: the baseline line shows on Scenarios too.
    calc = app("app.py", **LINK).run()
    next(b for b in calc.button if b.label == "Reveal the results").click().run()
    at = app("pages/scenarios.py", **LINK)
    at.session_state["_revealed"] = calc.session_state["_revealed"]
    at.run()
    assert "Baseline: LTV $1,200.00" in shown_text(at)


def test_workshop_off_shows_everything():
    at = app("pages/learn.py", arpu="60", churn="4").run()
    assert "1,200" in shown_text(at)
    assert not any(b.label == "Reveal the results" for b in at.button)
