"""Save and load a session: the file format, its validation, and the round trip through the app."""

import json

import pytest

import clv
from clv import session
from tests.apptest import app, metrics


def test_dump_is_stable_and_readable():
    raw = session.dump({"h": "24", "churn": "2.5"}, saved_at="2026-11-23T10:00:00Z")
    doc = json.loads(raw)
    assert doc == {"format": "clv-explorer-session", "version": 1, "saved_at": "2026-11-23T10:00:00Z",
                   "inputs": {"churn": "2.5", "h": "24"}}
    assert session.load(raw) == {"churn": "2.5", "h": "24"}


@pytest.mark.parametrize("raw, key", [
    (b"\x00\x01binary", "session.errors.not_json"),
    (b"{}", "session.errors.no_format"),
    (b'{"format": "other"}', "session.errors.wrong_format"),
    (b'{"format": "clv-explorer-session", "version": 9, "inputs": {}}', "session.errors.version"),
    (b'{"format": "clv-explorer-session", "version": 1}', "session.errors.no_inputs"),
    (b'{"format": "clv-explorer-session", "version": 1, "inputs": {"churn": [1]}}', "session.errors.bad_value"),
    (b" " * 300_000, "session.errors.too_large"),
])
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
    assert "no \"format\" field" in at.sidebar.error[0].value
