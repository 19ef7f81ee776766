"""The strings catalogue: one TOML file per language in ``clv/locales``, read with ``text(key, lang)``.

Keys are dotted paths into the file (``calc.ltv``). Placeholders are named (``{value}``) and filled
with ``str.format``; sentences are never glued from pieces. A missing key falls back to English, and
a test keeps every language file complete.
"""

from __future__ import annotations

import re

import tomllib
from functools import cache
from pathlib import Path

LOCALES_DIR = Path(__file__).with_name("locales")
DEFAULT_LANG = "en"


@cache
def catalogue(lang: str) -> dict[str, str]:
    """All strings of one language as a flat ``{dotted.key: text}`` dict."""
    path = LOCALES_DIR / f"{lang}.toml"
    if not path.exists():
        raise KeyError(f"no strings catalogue for language {lang!r}; have {languages()}")
    with path.open("rb") as fh:
        return _flatten(tomllib.load(fh))


def languages() -> list[str]:
    """Language codes that have a catalogue, English first."""
    return list(_languages())


@cache
def _languages() -> tuple[str, ...]:
    found = sorted(p.stem for p in LOCALES_DIR.glob("*.toml"))
    return tuple(sorted(found, key=lambda code: code != DEFAULT_LANG))


def has(key: str, lang: str = DEFAULT_LANG) -> bool:
    return key in catalogue(lang) or key in catalogue(DEFAULT_LANG)


def text(key: str, lang: str = DEFAULT_LANG, /, **values: object) -> str:
    """The string ``key`` in ``lang`` with its named placeholders filled.

    >>> text("errors.input", "en", field="arpu", value="-1", allowed="at least 0")
    'arpu must be at least 0; got -1.'
    """
    strings = catalogue(lang) if lang in _languages() else {}
    template = strings.get(key)
    if template is None:
        template = catalogue(DEFAULT_LANG).get(key)
    if template is None:
        raise KeyError(f"no string {key!r} in the catalogue")
    return template.format(**values) if values else template


_PLACEHOLDER = re.compile(r"(\{[^{}]*\})")
_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def text_in_digits(key: str, lang: str, digits: str, /, **values: object) -> str:
    """``text`` with the catalogue's own digits ("3 : 1") written in ``digits`` ("arabic": Arabic-Indic);
    the values are placed as given (they are formatted by ``clv.fmt`` already, and user text stays as typed).

    >>> text_in_digits("calc.verdict.thin", "en", "arabic")
    'thin (below ٣ : ١)'
    """
    if digits != "arabic":
        return text(key, lang, **values)
    strings = catalogue(lang) if lang in _languages() else {}
    raw = strings.get(key)
    raw = raw if raw is not None else text(key, DEFAULT_LANG)
    parts = _PLACEHOLDER.split(raw)  # odd parts are the {placeholders}: names keep their digits
    translated = "".join(p if i % 2 else p.translate(_ARABIC_INDIC) for i, p in enumerate(parts))
    return translated.format(**values) if values else translated


def is_rtl(lang: str) -> bool:
    """Whether ``lang`` is written right to left, as its own catalogue declares (``lang.direction``).

    >>> is_rtl("ar"), is_rtl("en"), is_rtl("xx")
    (True, False, False)
    """
    return lang in _languages() and catalogue(lang).get("lang.direction") == "rtl"


def language_name(lang: str) -> str:
    """A language's name in that language, as its own catalogue declares (``lang.name``).

    >>> language_name("ar")
    'العربية'
    """
    return catalogue(lang).get("lang.name", lang)


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for name, value in tree.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            flat.update(_flatten(value, key + "."))
        else:
            flat[key] = str(value)
    return flat
