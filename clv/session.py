"""A whole session (every input of every page, the language) as a small JSON file, and back.

The file holds the same short names and text values as the app's links, so a saved session and a
shared link describe a scenario the same way. Uploaded data is never saved in it.

>>> raw = dump({"churn": "2.5", "lang": "en"}, saved_at="2026-11-23T10:00:00Z")
>>> load(raw)
{'churn': '2.5', 'lang': 'en'}
"""

from __future__ import annotations

import json

from .errors import DataError

FORMAT = "clv-explorer-session"
VERSION = 1
MAX_BYTES = 200_000          # a session is a few kB; anything larger is not one of ours
MAX_VALUE_CHARS = 2_000


def dump(inputs: dict[str, str], saved_at: str) -> bytes:
    """The session file's bytes (UTF-8 JSON, keys sorted so two saves of one state are identical)."""
    doc = {"format": FORMAT, "version": VERSION, "saved_at": saved_at, "inputs": dict(sorted(inputs.items()))}
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")


def load(raw: bytes) -> dict[str, str]:
    """The inputs of a session file; ``DataError`` says what is wrong with a file that is not one.

    >>> load(b"[1, 2]")
    Traceback (most recent call last):
    ...
    clv.errors.DataError: This is not a session file saved by this app: it has no "format" field. Save a session with "Save session" and load that file.
    """
    if len(raw) > MAX_BYTES:
        raise DataError("session.errors.too_large", size=f"{len(raw):,}", limit=f"{MAX_BYTES:,}")
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise DataError("session.errors.not_json", detail=str(err)[:120]) from None
    if not isinstance(doc, dict) or "format" not in doc:
        raise DataError("session.errors.no_format")
    if doc["format"] != FORMAT:
        raise DataError("session.errors.wrong_format", found=str(doc["format"])[:60])
    if doc.get("version") != VERSION:
        raise DataError("session.errors.version", found=str(doc.get("version"))[:20], supported=VERSION)
    inputs = doc.get("inputs")
    if not isinstance(inputs, dict):
        raise DataError("session.errors.no_inputs")
    out = {}
    for name, value in inputs.items():
        if not isinstance(name, str) or not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise DataError("session.errors.bad_value", name=str(name)[:40])
        text = str(value)
        if len(text) > MAX_VALUE_CHARS:
            raise DataError("session.errors.bad_value", name=name[:40])
        out[name] = text
    return out
