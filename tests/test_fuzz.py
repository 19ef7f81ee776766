"""Hostile input everywhere a visitor can put some: link values, session files and
text shown as markdown. Pure parsers get many random examples (hypothesis); each page gets a few AppTest
runs with hostile links, and the sidebar's session loader a few hostile files. Nothing may raise, hang,
reach Streamlit's error handler, fall back to the guard's "unexpected" message or show a link or a tag."""

import json
import logging
import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

import clv
import ui  # noqa: F401  (registers every field)
from clv import session
from tests.apptest import PAGES, app, linkable, markdown_bodies, plain
from ui import state
from ui.widgets import literal

FIELDS = sorted(state.fields().values(), key=lambda f: f.key)
BY_URL = {f.url: f for f in FIELDS}
UNEXPECTED = "Something unexpected went wrong"

HOSTILE = [
    "1" * 5000,
    "-" + "9" * 400,
    "0" * 4999 + "1",
    "1e309",
    "-1e309",
    "1e-400",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "-0",
    "+0",
    "0x10",
    "1_000",
    " 5 ",
    "٥",
    "5%",
    "",
    " ",
    "\x00",
    "\x1b[31m",
    "a\tb",
    "\u200f5\u200e",
    "\u202e1",
    "\ufeff1",
    "x" * 3000,
    "www.evil.example",
    "bob@evil.example",
    "https://evil.example",
    "HTTP://EVIL.EXAMPLE",
    '<a href="https://evil.example">Claim</a>',
    "[x](javascript:alert(1))",
    ":red[x] :material/home:",
    "$x$",
    "**b** _i_ `c`",
    "# h",
    "- item",
    "1. item",
    "1,2,3",
    "5,",
    ",",
    "1,1e309",
    "3,1",
    "loyalty",
    "true",
    "[]",
    "{}",
    "../../etc/passwd",
    "ar",
    "€",
    "1" * 20,
    "٠.٥",
    "5\u0660",
]
UNKNOWN = {"zz": "1", "__proto__": "x", "www.evil.example": "bob@evil.example", "c9": "loyalty", "lang2": "ar"}

# Any text, lone surrogates and control characters included, and the hostile values above, bent a little.
any_text = hs.text(hs.characters(exclude_categories=()), max_size=60)
digits = hs.integers(1, 6000).map(lambda n: "1" * n) | hs.integers(1, 400).map(lambda n: "-" + "9" * n)
numbers = hs.floats(allow_nan=True, allow_infinity=True).flatmap(
    lambda x: hs.sampled_from([repr(x), str(x), f"{x:.3e}"])
)
raw_values = hs.one_of(
    any_text,
    digits,
    numbers,
    hs.sampled_from(HOSTILE),
    hs.tuples(hs.sampled_from(HOSTILE), any_text).map("".join),
    hs.lists(numbers | hs.sampled_from(HOSTILE[:12]), min_size=1, max_size=3).map(",".join),
    hs.sampled_from([c for f in FIELDS for c in f.choices if isinstance(c, str)]).flatmap(
        lambda c: hs.sampled_from([c, c.upper(), c + "\x00", " " + c, c + "\ud800"])
    ),
)


@settings(deadline=None, max_examples=600)
@given(f=hs.sampled_from(FIELDS), raw=raw_values)
def test_a_field_reads_any_link_value_or_refuses_it_plainly(f, raw):
    try:
        value = f.parse(raw)
    except (ValueError, TypeError):
        return  # the bad-value notice; the default is used
    shown = f.dump(value)  # what the URL and a saved session then hold
    assert session.is_text(shown) and len(shown) <= state.MAX_RAW_CHARS
    again = f.parse(shown)  # ... reads back, and stays put from there on
    assert f.dump(again) == shown
    if f.kind in ("int", "float"):
        assert (f.low is None or again >= f.low) and (f.high is None or again <= f.high)
        assert str(again) != "-0.0"
    if f.kind == "choice":
        assert again in f.choices


json_values = hs.recursive(
    hs.none()
    | hs.booleans()
    | hs.floats(allow_nan=True)
    | hs.integers()
    | any_text
    | digits.map(lambda s: int(s) if len(s) < 300 else s),
    lambda inner: hs.lists(inner, max_size=4) | hs.dictionaries(any_text, inner, max_size=4),
    max_leaves=12,
)


@hs.composite
def session_files(draw):
    """Bytes that look more or less like a session file."""
    inputs = draw(hs.dictionaries(any_text | hs.sampled_from(sorted(BY_URL)), json_values | raw_values, max_size=8))
    doc = {
        "format": draw(hs.sampled_from([session.FORMAT, "other", 1, None])),
        "version": draw(hs.sampled_from([session.VERSION, 2, "1", None])),
        "inputs": inputs,
    }
    text = json.dumps(doc, ensure_ascii=draw(hs.booleans()))
    cut = draw(hs.sampled_from([None, None, None, len(text) // 2]))
    raw = text[:cut].encode("utf-8", "surrogatepass")
    return raw if not draw(hs.booleans()) else raw.replace(b"1", b"[" * draw(hs.integers(0, 50)), 1)


@settings(deadline=None, max_examples=400)
@given(raw=session_files() | hs.binary(max_size=300) | hs.integers(0, 5000).map(lambda n: b"[" * n + b"]" * n))
def test_the_session_loader_returns_text_or_says_what_is_wrong(raw):
    try:
        inputs = session.load(raw)
    except clv.DataError as err:
        message = err.message("en")
        assert session.is_text(message) and "Traceback" not in message
        return
    assert all(isinstance(k, str) and isinstance(v, str) and session.is_text(k) for k, v in inputs.items())
    for name, value in inputs.items():  # every value is read by its field or refused plainly
        if name in BY_URL:
            try:
                BY_URL[name].parse(value)
            except (ValueError, TypeError):
                pass


@settings(deadline=None, max_examples=300)
@given(
    inputs=hs.dictionaries(any_text, any_text | hs.integers() | hs.floats(allow_nan=True), max_size=8),
    saved_at=any_text,
)
def test_saving_never_fails_and_a_save_loads_back(inputs, saved_at):
    raw = session.dump(inputs, saved_at=saved_at)
    expected = {session.printable(k): session.printable(v if isinstance(v, str) else str(v)) for k, v in inputs.items()}
    assert session.load(raw) == expected


@settings(deadline=None, max_examples=600)
@given(
    text=hs.one_of(
        any_text,
        hs.sampled_from(HOSTILE[21:]),
        hs.lists(
            hs.sampled_from(HOSTILE[21:] + ["\n", " ", "w", ".", ":", "@", "/", "\\", "]", "(", "smile", "+1"]),
            max_size=12,
        ).map("".join),
    )
)
def test_literal_shows_text_as_typed_and_never_as_a_link_or_tag(text):
    md = literal(text)
    assert linkable(md) == []
    assert not re.search(r":[-+/\w]+:", re.sub(r"\\(.)", r"\1", md), re.ASCII)  # no :emoji: or :material/x: left
    typed = "\n".join(session.printable(line) for line in text.split("\n")).replace("\u2060", "")
    assert plain(md) == typed
    assert session.is_text(md.replace("\n", ""))  # sendable: no lone surrogate or control character


# ---- Pages with hostile links: a few AppTest runs each (about a second a run) ---------------------------
def _page_name(script: str) -> str:
    return "calculator" if script == "app.py" else script.split("/")[-1][:-3]


def hostile_links(script: str, runs: int = 3) -> list[dict]:
    """Query strings for ``script``: every input of the page a hostile value (a few long ones, under
    Streamlit's 512 KiB query-string limit), unknown names, and one name given twice."""
    prefixes = state.PAGE_PREFIXES[_page_name(script)]
    names = sorted(f.url for f in FIELDS if f.key.startswith(prefixes) or f.key in state.GLOBAL_KEYS)
    rng = random.Random(f"fuzz-{script}")
    out = []
    for _ in range(runs):
        query, budget = {}, 100_000
        for name in names:
            value = rng.choice(HOSTILE)
            if len(value) > 100:
                value = value if budget > len(value) else value[:50]
                budget -= len(value)
            query[name] = value
        twice = rng.choice(names)
        query[twice] = [rng.choice(HOSTILE[:20]), rng.choice(HOSTILE[20:])]
        out.append({**query, **UNKNOWN})
    return out


def _assert_plain_run(at, caplog):
    assert not at.exception
    assert not [e.value for e in at.error if UNEXPECTED in e.value]
    assert not [r.getMessage() for r in caplog.records if r.name == "clv.app"]
    assert [(b[:80], linkable(b)) for b in markdown_bodies(at) if linkable(b)] == []


@pytest.mark.parametrize("script", PAGES)
def test_hostile_links_on_every_page(script, caplog):
    caplog.set_level(logging.ERROR, logger="clv.app")
    for query in hostile_links(script):
        at = app(script, **query).run()
        _assert_plain_run(at, caplog)
        assert at.toast  # the bad values were said
        for name, value in at.query_params.items():  # the link it writes holds only allowed values
            assert name in BY_URL
            BY_URL[name].parse(value if isinstance(value, str) else value[-1])


HOSTILE_SESSIONS = [
    b"[" * 100_000 + b"]" * 100_000,
    b'{"format": "clv-explorer-session", "version": 1, "inputs": {"h": ' + b"1" * 5000 + b', "churn": "4"}}',
    b'{"format": "clv-explorer-session", "version": 1, "inputs": {"c1": "loyalty", "c1n": "\\ud800x"}}',
    b'{"format": "clv-explorer-session", "version": 1, "inputs": {"c1n": "a\\u0000b", "\\u202ex": "1", "x": [1]}}',
    b'{"format": "clv-explorer-session", "version": 1, "inputs": {"churn": 1e999, "h": -0, "lang": "ar"}}',
    b'{"format": "\\ud800", "version": 1, "inputs": {}}',
    b'{"format": "clv-explorer-session", "version": ' + b"9" * 5000 + b', "inputs": {}}',
    b"\xff\xfe\x00garbage",
    b'{"format": "clv-explorer-session", "version": 1, "inputs": {"www.evil.example": "<b>x</b>"}}',
    b" " * (session.MAX_BYTES + 1),
]


def test_hostile_session_files_in_the_sidebar(caplog):
    caplog.set_level(logging.ERROR, logger="clv.app")
    at = app("pages/scenarios.py").run()
    for raw in HOSTILE_SESSIONS:
        at.sidebar.file_uploader(key="session_file").set_value(("s.json", raw, "application/json")).run()
        _assert_plain_run(at, caplog)
        said = [plain(m.value) for kind in ("error", "warning", "success") for m in getattr(at.sidebar, kind)]
        assert len(said) == 1  # each file gets one sentence on what happened
        at.run()  # and the page (its session save) still works after
        _assert_plain_run(at, caplog)
