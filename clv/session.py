"""A whole session (every input of every page, the language) as a small JSON file, and back.

The file holds the same short names and text values as the app's links, so a saved session and a
shared link describe a scenario the same way. Uploaded data is never saved in it.

>>> raw = dump({"churn": "2.5", "lang": "en"}, saved_at="2026-11-23T10:00:00Z")
>>> load(raw)
{'churn': '2.5', 'lang': 'en'}
"""

from __future__ import annotations

import json
import unicodedata

from .errors import DataError

FORMAT = "clv-explorer-session"
VERSION = 1
MAX_BYTES = 200_000  # a session is a few kB; anything larger is not one of ours
MAX_VALUE_CHARS = 2_000  # longer values are refused by the fields (ui.state.Field.parse), as in links
MAX_DEPTH = 8  # a session nests 2 levels ({"inputs": {...}}); json.loads recurses once a level
MAX_NUMBER_DIGITS = 100  # a JSON integer longer than this stays text (Python refuses ints over 4,300 digits)
NOT_TEXT = frozenset({"Cc", "Cs"})  # control characters and lone surrogates (which UTF-8 cannot even encode)
REPLACEMENT = "\ufffd"


def is_text(value: str) -> bool:
    """True when ``value`` is plain text: no control characters (tab, new line, NUL ...) and no lone
    surrogate. What links and session files may hold; anything else is refused where it comes in.

    >>> is_text("Loyalty, 2026 \u200f"), is_text("a\\x00b"), is_text("\\ud800x")
    (True, False, False)
    """
    return not any(unicodedata.category(c) in NOT_TEXT for c in value)


def printable(value: str) -> str:
    """``value`` with every control character and lone surrogate replaced by U+FFFD, so it can be shown,
    logged and encoded as UTF-8 (to quote a refused value).

    >>> printable("a\\x00b\\ud800")
    'a\ufffdb\ufffd'
    """
    return "".join(REPLACEMENT if unicodedata.category(c) in NOT_TEXT else c for c in value)


def nesting(text: str) -> int:
    """The deepest nesting of JSON arrays and objects in ``text`` (brackets inside strings not counted),
    found in one pass without parsing, so a file of 100,000 ``[`` is refused before ``json.loads`` recurses.

    >>> nesting('{"a": [1, "[[["], "b": {}}')
    2
    """
    depth = deepest = 0
    in_string = escaped = False
    for c in text:
        if in_string:
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif c in "]}":
            depth -= 1
    return deepest


def _integer(digits: str) -> int | str:
    """``parse_int`` for json.loads: a JSON integer; past MAX_NUMBER_DIGITS digits its digits as text,
    which no input allows (int() would raise past 4,300 digits)."""
    return int(digits) if len(digits) <= MAX_NUMBER_DIGITS else digits


def _as_text(value: object) -> str:
    try:
        text = value if isinstance(value, str) else str(value)
    except ValueError:  # an int past Python's digit limit for str()
        return ""
    return printable(text)


def dump(inputs: dict[str, str], saved_at: str) -> bytes:
    """The session file's bytes (UTF-8 JSON, keys sorted so two saves of one state are identical).

    Never raises: a name or value that is not plain text is saved with U+FFFD in place of its control
    characters and lone surrogates (UTF-8 cannot encode those), and ``load`` refuses such a value.

    >>> dump({"c1n": "\\ud800x"}, saved_at="t").decode("utf-8").count("\ufffdx")
    1
    """
    clean = {_as_text(name): _as_text(value) for name, value in inputs.items()}
    doc = {"format": FORMAT, "version": VERSION, "saved_at": _as_text(saved_at), "inputs": dict(sorted(clean.items()))}
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8", errors="replace")


def load(raw: bytes) -> dict[str, str]:
    """The inputs of a session file; ``DataError`` says what is wrong with a file that is not one.

    Values come back as text, as a link gives them: each field of the app decides whether its own is
    allowed (``ui.state.Field.parse`` refuses, for links and sessions alike, a value over
    ``MAX_VALUE_CHARS``, with control characters or a lone surrogate), so one bad value costs that value
    only. A name that is not plain text refuses the file (no input has one).

    >>> load(b"[1, 2]")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    clv.errors.DataError: This is not a session file saved by this app: it has no "format" field. ...
    """
    if len(raw) > MAX_BYTES:
        raise DataError("session.errors.too_large", size=f"{len(raw):,}", limit=f"{MAX_BYTES:,}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise DataError("session.errors.not_json", detail=str(err)[:120]) from None
    depth = nesting(text)
    if depth > MAX_DEPTH:
        raise DataError("session.errors.too_deep", depth=f"{depth:,}", limit=MAX_DEPTH)
    try:
        doc = json.loads(text, parse_int=_integer)
    except json.JSONDecodeError as err:
        raise DataError("session.errors.not_json", detail=printable(str(err))[:120]) from None
    except RecursionError:  # not reached (nesting is bounded above); never a traceback
        raise DataError("session.errors.too_deep", depth=f"> {MAX_DEPTH}", limit=MAX_DEPTH) from None
    if not isinstance(doc, dict) or "format" not in doc:
        raise DataError("session.errors.no_format")
    if doc["format"] != FORMAT:
        raise DataError("session.errors.wrong_format", found=printable(str(doc["format"]))[:60])
    if doc.get("version") != VERSION:
        raise DataError("session.errors.version", found=printable(str(doc.get("version")))[:20], supported=VERSION)
    inputs = doc.get("inputs")
    if not isinstance(inputs, dict):
        raise DataError("session.errors.no_inputs")
    out = {}
    for name, value in inputs.items():
        if not isinstance(name, str) or not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise DataError("session.errors.bad_value", name=printable(str(name))[:40])
        if not is_text(name):
            raise DataError("session.errors.not_text", name=printable(name)[:40])
        out[name] = value if isinstance(value, str) else str(value)
    return out
