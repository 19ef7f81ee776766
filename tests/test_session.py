"""Save and load a session: the file format, its validation, and the round trip through the app."""

import json

import pytest

import clv
from clv import session
from tests.apptest import app, linkable, markdown_bodies, metrics, plain


def test_dump_is_stable_and_readable():
    raw = session.dump({"h": "24", "churn": "2.5"}, saved_at="2026-11-23T10:00:00Z")
    doc = json.loads(raw)
    assert doc == {
        "format": "clv-explorer-session",
        "version": 1,
        "saved_at": "2026-11-23T10:00:00Z",
        "inputs": {"churn": "2.5", "h": "24"},
    }
    assert session.load(raw) == {"churn": "2.5", "h": "24"}


@pytest.mark.parametrize(
    "raw, key",
    [
        (b"\x00\x01binary", "session.errors.not_json"),
        (b"{}", "session.errors.no_format"),
        (b'{"format": "other"}', "session.errors.wrong_format"),
        (b'{"format": "clv-explorer-session", "version": 9, "inputs": {}}', "session.errors.version"),
        (b'{"format": "clv-explorer-session", "version": 1}', "session.errors.no_inputs"),
        (b'{"format": "clv-explorer-session", "version": 1, "inputs": {"churn": [1]}}', "session.errors.bad_value"),
        (b" " * 300_000, "session.errors.too_large"),
    ],
)
def test_bad_files_say_what_is_wrong(raw, key):
    with pytest.raises(clv.DataError) as err:
        session.load(raw)
    assert err.value.key == key
    assert "session" in str(err.value).lower()


def test_save_then_load_restores_the_same_figures():
    at = app(churn="4", disc="10", cur="€").run()
    before = metrics(at)
    assert at.sidebar.get("download_button")[0].proto.label == "Save session"
    raw = session.dump({"churn": "4", "disc": "10", "cur": "€"}, saved_at="x")
    fresh = app().run()
    assert metrics(fresh)["Lifetime value (LTV)"] == "$800.00"
    fresh.sidebar.file_uploader(key="session_file").set_value(("s.json", raw, "application/json")).run()
    assert metrics(fresh) == before
    assert any("3 inputs restored" in s.value for s in fresh.sidebar.success)
    assert dict(fresh.query_params) == dict(at.query_params)


def test_loading_a_broken_session_explains_and_keeps_the_figures():
    at = app(churn="4").run()
    at.sidebar.file_uploader(key="session_file").set_value(("s.json", b"{}", "application/json")).run()
    assert not at.exception
    assert metrics(at)["Lifetime value (LTV)"] == "$1,000.00"
    assert 'no "format" field' in at.sidebar.error[0].value


# ---- Hostile session files: a plain message each, never a traceback, never markup ----------------------
def _upload(at, raw: bytes):
    return at.sidebar.file_uploader(key="session_file").set_value(("s.json", raw, "application/json")).run()


def _session(inputs: str) -> bytes:
    return b'{"format": "clv-explorer-session", "version": 1, "inputs": {' + inputs.encode() + b"}}"


def test_deep_nesting_is_refused_before_parsing():
    # json.loads raised RecursionError on this file (100,000 nested arrays) and the page showed a traceback.
    raw = b"[" * 100_000 + b"]" * 100_000
    assert session.nesting(raw.decode()) == 100_000
    with pytest.raises(clv.DataError) as err:
        session.load(raw)
    assert err.value.key == "session.errors.too_deep"
    at = _upload(app(churn="4").run(), raw)
    assert not at.exception
    assert "nests its data 100,000 levels deep" in plain(at.sidebar.error[0].value)
    assert metrics(at)["Lifetime value (LTV)"] == "$1,000.00"  # the figures are kept


def test_brackets_inside_strings_are_not_nesting():
    raw = session.dump({"c1n": "[[[[[[[[[[{{{{{{{{{{"}, saved_at="x")
    assert session.nesting(raw.decode()) == 2 and session.load(raw) == {"c1n": "[[[[[[[[[[{{{{{{{{{{"}


def test_a_5000_digit_number_is_a_value_not_restored():
    # int("1" * 5000) raises ValueError (Python's 4,300-digit limit): as a JSON number it broke json.loads.
    digits = "1" * 5000
    for raw in (_session(f'"h": {digits}, "churn": "4"'), _session(f'"h": "{digits}", "churn": "4"')):
        assert session.load(raw) == {"h": digits, "churn": "4"}  # digits kept as text, never int()
        at = _upload(app().run(), raw)
        assert not at.exception
        assert "Not restored (value not allowed): h." in plain(at.sidebar.warning[0].value)
        assert metrics(at)["Lifetime value (LTV)"] == "$1,000.00"  # churn 4% restored, the horizon ignored
        assert "h" not in at.query_params


def test_a_lone_surrogate_is_refused_and_saving_never_fails():
    # "\ud800x" restored a lone surrogate; session.dump then raised UnicodeEncodeError on every page until Reset.
    raw = _session(r'"c1": "loyalty", "c1n": "\ud800x"')
    at = _upload(app("pages/scenarios.py").run(), raw)
    assert not at.exception and not [e for e in at.error if "unexpected" in e.value]
    assert "Not restored (value not allowed): c1n." in plain(at.sidebar.warning[0].value)
    assert at.session_state["_store"].get("sc_c1_name", "") == ""
    at.run()  # the next run saves the session too
    assert not at.exception and not [e for e in at.error if "unexpected" in e.value]
    assert at.sidebar.get("download_button")[0].proto.label == "Save session"
    # dump never raises, whatever it is given: such text is saved with U+FFFD, which loads as text.
    saved = session.dump({"c1n": "\ud800x", "x\x00": "a\x1bb", "h": 10**5000}, saved_at="\udfff")
    assert session.load(saved) == {"c1n": "\ufffdx", "x\ufffd": "a\ufffdb", "h": ""}


@pytest.mark.parametrize("inputs", [r'"c1n": "tab\there"', r'"c1n": "nul\u0000"', r'"c1n": "esc\u001b[31m"'])
def test_control_characters_in_a_value_are_not_restored(inputs):
    at = _upload(app("pages/scenarios.py").run(), _session('"c1": "loyalty", ' + inputs))
    assert not at.exception
    assert "Not restored (value not allowed): c1n." in plain(at.sidebar.warning[0].value)


def test_a_name_that_is_not_text_refuses_the_file():
    with pytest.raises(clv.DataError) as err:
        session.load(_session(r'"c\ud800": "1"'))
    assert err.value.key == "session.errors.not_text" and "c\ufffd" in err.value.message("en")
    at = _upload(app().run(), _session(r'"\u0007bell": "1"'))
    assert not at.exception and "characters that are not text" in plain(at.sidebar.error[0].value)


def test_session_names_and_values_are_never_markup():
    """Names quoted from the file and restored campaign names are inert (never markup) in every message."""
    raw = _session(
        '"c1": "loyalty", "c1n": "<a href=\\"https://evil.example\\">Claim</a>", '
        '"www.evil.example": "1", "bob@evil.example": "2", "lang2": "http://evil.example"'
    )
    at = _upload(app("pages/scenarios.py").run(), raw)
    assert not at.exception
    message = at.sidebar.success[0].value
    assert "Ignored (not an input of this version): bob@evil.example, lang2, www.evil.example." in plain(message)
    bodies = markdown_bodies(at)
    assert any("Claim" in b for b in bodies)  # the restored name is shown ...
    assert [(b, linkable(b)) for b in bodies if linkable(b)] == []  # ... and nothing is a link or a tag
