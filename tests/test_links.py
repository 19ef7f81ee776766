"""Every page's link carries every input its figures depend on (a Predictions link made with a 50% margin
reopened "formula vs model" at the default margin's values)."""

import pytest

from apptest import app


@pytest.mark.parametrize(
    "script, query, kept",
    [
        (
            "pages/predictions.py",
            {"margin": "50", "phz": "24", "inactive": "90"},
            {"margin": "50", "phz": "24", "inactive": "90"},
        ),
        (
            "pages/segments.py",
            {"inactive": "90", "seg": "at_risk", "churn": "4", "margin": "50", "tgo": "loyalty"},
            {"inactive": "90", "seg": "at_risk", "margin": "50", "tgo": "loyalty"},  # targeting uses the margin
        ),
        ("pages/learn.py", {"arpu": "60", "churn": "4"}, {"arpu": "60", "churn": "4"}),
        (
            "pages/present.py",
            {"arpu": "60", "c1": "loyalty", "c1r": "40"},
            {"arpu": "60", "c1": "loyalty", "c1r": "40"},
        ),
    ],
)
def test_link_keeps_what_the_page_uses(script, query, kept):
    at = app(script, **query).run()
    assert not at.exception
    written = {k: at.query_params[k] for k in at.query_params}
    assert {k: written.get(k) for k in kept} == kept
    if script == "pages/segments.py":
        assert "churn" not in written  # the calculator's churn does not change this page


# ---- Hostile links: never a traceback, never markup -----------------------------------------------------
from apptest import linkable, markdown_bodies, plain  # noqa: E402

UNEXPECTED = "Something unexpected went wrong"


def _notices(at) -> list[str]:
    return [plain(t.value) for t in at.toast]


def test_a_5000_digit_integer_in_a_link_is_a_bad_value():
    digits = "1" * 5000  # int() of it raises past Python's 4,300-digit limit
    at = app(h=digits, n=digits, churn="4").run()
    assert not at.exception and not [e for e in at.error if UNEXPECTED in e.value]
    notices = _notices(at)
    assert f"The link's value {digits[:40]} for h is not allowed here, so the default is used." in notices
    assert any(" for n is not allowed here" in n for n in notices)
    assert at.query_params.get("churn") == "4" and "h" not in at.query_params  # the value is ignored


# (A lone surrogate cannot come in a link: the URL's bytes are decoded with replacement. Field.parse refuses
# it anyway: tests/test_fuzz.py; a session file can hold one: tests/test_session.py.)
@pytest.mark.parametrize("value", ["a\x00b", "tab\there", "\x1b[31mred", "x" * 2001])
def test_text_that_is_not_plain_is_a_bad_value(value):
    at = app("pages/scenarios.py", c1="loyalty", c1n=value).run()
    assert not at.exception and not [e for e in at.error if UNEXPECTED in e.value]
    assert any(" for c1n is not allowed here" in n for n in _notices(at))
    assert "c1n" not in at.query_params and at.session_state["_store"].get("sc_c1_name", "") == ""
    at.run()  # saving the session (every run) still works
    assert not at.exception and not [e for e in at.error if UNEXPECTED in e.value]


def test_minus_zero_reads_as_zero():
    at = app(disc="-0", h="-0").run()
    assert not at.exception and not at.toast
    assert "disc" not in at.query_params and "h" not in at.query_params  # written back as the default


def test_link_values_in_notices_are_never_links():
    at = app(lang="www.evil.example", cur="bob@evil.example", churn="https://evil.example/<b>x</b>").run()
    notices = _notices(at)
    assert "The link's value www.evil.example for lang is not allowed here, so the default is used." in notices
    assert "The link's value bob@evil.example for cur is not allowed here, so the default is used." in notices
    assert [(t.value, linkable(t.value)) for t in at.toast if linkable(t.value)] == []


NAMES = [
    "www.evil.example",
    '<a href="https://evil.example">Claim</a>',
    "bob@evil.example",
    "[Claim](https://evil.example) :red[x] **big**",
]


@pytest.mark.parametrize("script", ["pages/scenarios.py", "pages/present.py"])
def test_campaign_names_from_a_link_are_never_links(script):
    at = app(
        script,
        c1="loyalty",
        c1n=NAMES[0],
        c2="upsell",
        c2n=NAMES[1],
        c3="reminders",
        c3n=NAMES[2],
        c4="cross_sell",
        c4n=NAMES[3],
    ).run()
    assert not at.exception
    bodies = markdown_bodies(at)
    for name in NAMES:
        assert any(name in plain(b) for b in bodies), name  # each name is shown, as typed ...
    assert [(b, linkable(b)) for b in bodies if linkable(b)] == []  # ... never as a link or a tag


def test_typed_campaign_names_are_never_links():
    at = app("pages/scenarios.py", c1="loyalty").run()
    for name in NAMES:
        at.text_input(key="sc_c1_name").input(name).run()
        bodies = markdown_bodies(at)
        assert not at.exception and any(name in plain(b) for b in bodies)
        assert [(b, linkable(b)) for b in bodies if linkable(b)] == []
