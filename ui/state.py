"""Page state in one table: widget key, URL name, default, bounds, parse and format.

How a value flows: URL (read once per session) -> the session's store -> the widget -> the store,
and every run writes the non-default values back to the URL, so a copied link reopens the exact
scenario. Widgets' own session-state entries vanish when a page that does not draw them runs, so
the store (a plain dict in session state) is what survives page switches.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from clv import fmt, i18n

STORE = "_store"            # session-state key of the canonical values {widget key: value}
NOTICES = "_url_notices"    # bad URL values found when the link was opened
URL_READ = "_url_read"


@dataclass(frozen=True)
class Field:
    """One input: its widget key, URL name, default and bounds (in the units the widget shows)."""

    key: str                 # widget key, "<page>_<field>"
    url: str                 # short, stable URL name
    default: Any
    low: float | None = None
    high: float | None = None
    step: float | None = None
    kind: str = "float"      # float | int | choice | bool | text | range (a (low, high) pair or None)
    choices: tuple = ()
    label_key: str = ""      # catalogue key of the label
    help_key: str = ""       # catalogue key of the help tooltip
    core: str = ""           # name of the clv argument it feeds ("" = not a core input)
    percent: bool = False    # shown in percent, a fraction in clv
    fmt: str = "%.2f"        # widget number format
    slider_high: float | None = None  # a paired slider's own top (the number field goes to ``high``)
    zero_is_none: bool = False        # 0 means "no limit" (None in clv)

    def parse(self, raw: str) -> Any:
        """A URL value to a widget value; ValueError when it is not allowed."""
        if self.kind == "choice":
            if raw not in self.choices:
                raise ValueError(raw)
            return raw
        if self.kind == "bool":
            if raw not in ("0", "1"):
                raise ValueError(raw)
            return raw == "1"
        if self.kind == "text":
            return raw[:80]
        if self.kind == "range":
            low, high = (self._number(part) for part in raw.split(","))
            if low > high:
                raise ValueError(raw)
            return (low, high)
        return self._number(raw)

    def _number(self, raw: str) -> float | int:
        value = float(raw)
        if not math.isfinite(value) or (self.low is not None and value < self.low) or \
                (self.high is not None and value > self.high):
            raise ValueError(raw)
        return int(value) if self.kind == "int" else value

    def dump(self, value: Any) -> str:
        """A widget value as the URL shows it (short: 2.5, not 2.500000)."""
        if self.kind == "bool":
            return "1" if value else "0"
        if self.kind == "range":
            return ",".join(f"{float(v):.10g}" for v in value)
        if self.kind in ("int", "float"):
            return f"{float(value):.10g}" if self.kind == "float" else str(int(value))
        return str(value)

    def to_core(self, value: Any) -> Any:
        if value is None or (self.zero_is_none and not value):
            return None
        if isinstance(value, tuple):
            return tuple(v / 100.0 for v in value) if self.percent else value
        return value / 100.0 if self.percent else value


_REGISTRY: dict[str, Field] = {}


def register(*fields: Field) -> tuple[Field, ...]:
    """Declare fields (each module once, at import). Keys and URL names must be unique."""
    for f in fields:
        clash = next((g for g in _REGISTRY.values() if g.url == f.url and g.key != f.key), None)
        if clash:
            raise ValueError(f"URL name {f.url!r} used by {clash.key} and {f.key}")
        _REGISTRY[f.key] = f
    return fields


def fields() -> dict[str, Field]:
    return dict(_REGISTRY)


def store() -> dict[str, Any]:
    if STORE not in st.session_state:
        st.session_state[STORE] = {}
    return st.session_state[STORE]


def get(key: str) -> Any:
    """The current value of a field (the store, else its default)."""
    return store().get(key, _REGISTRY[key].default)


def put(key: str, value: Any) -> None:
    store()[key] = value


def read_url_once() -> None:
    """Take the registered fields from the URL the session was opened with; note bad values."""
    if st.session_state.get(URL_READ):
        return
    st.session_state[URL_READ] = True
    notices = []
    by_url = {f.url: f for f in _REGISTRY.values()}
    for name, raw in st.query_params.items():
        f = by_url.get(name)
        if f is None:
            continue
        try:
            store()[f.key] = f.parse(raw)
        except (ValueError, TypeError):
            notices.append((f, raw))
    st.session_state[NOTICES] = notices


def url_notices() -> list[tuple[Field, str]]:
    return st.session_state.get(NOTICES, [])


def write_url(*prefixes: str) -> None:
    """Mirror the non-default values of the fields whose key starts with a prefix (and the global
    ones: language, currency) into the URL. Other query parameters are dropped, so the URL says
    exactly what this page shows."""
    wanted = {}
    for f in _REGISTRY.values():
        if f.key.startswith(prefixes) or f.key in GLOBAL_KEYS:
            value = get(f.key)
            if value != f.default:
                wanted[f.url] = f.dump(value)
    if dict(st.query_params.to_dict()) != wanted:
        st.query_params.from_dict(wanted)


def reset(prefixes: tuple[str, ...] = ()) -> None:
    """Back to the defaults (the fields under the prefixes; all but the global ones when none)."""
    for f in list(_REGISTRY.values()):
        if f.key in GLOBAL_KEYS:
            continue
        if not prefixes or f.key.startswith(prefixes):
            store().pop(f.key, None)
            for widget_key in (f.key, f.key + NUMBER_SUFFIX):
                st.session_state.pop(widget_key, None)


def apply(values: dict[str, Any]) -> None:
    """Set several fields at once (presets, derived assumptions): for on_click callbacks."""
    for key, value in values.items():
        store()[key] = value
        st.session_state.pop(key, None)
        st.session_state.pop(key + NUMBER_SUFFIX, None)


NUMBER_SUFFIX = "_num"      # the number field paired with a slider


@dataclass
class PageState:
    """What a page reads: the core values of its fields, the language and currency."""

    lang: str
    currency: str
    digits: str
    values: dict[str, Any] = field(default_factory=dict)

    def text(self, key: str, **values: object) -> str:
        return i18n.text(key, self.lang, **values)

    def md(self, key: str, **values: object) -> str:
        """``text`` for st.markdown and friends: a currency "$" must not open a LaTeX span."""
        return i18n.text(key, self.lang, **values).replace("$", r"\$")

    def money(self, value: float | None, decimals: int = 2) -> str:
        return fmt.money(value, self.currency, decimals, self.digits)


# The global fields every page carries (sidebar).
LANG = Field("lang", "lang", i18n.DEFAULT_LANG, kind="choice", choices=tuple(i18n.languages()),
             label_key="sidebar.language.label")
CURRENCY = Field("currency", "cur", "$", kind="choice", choices=fmt.CURRENCIES, label_key="sidebar.currency.label")
DIGITS = Field("digits", "digits", "western", kind="choice", choices=("western", "arabic"),
               label_key="sidebar.digits.label")
WORKSHOP = Field("workshop", "ws", False, kind="bool", label_key="workshop.toggle", help_key="workshop.toggle_help")
GLOBAL_KEYS = frozenset({"lang", "currency", "digits", "workshop"})
register(LANG, CURRENCY, DIGITS, WORKSHOP)


def page_state(values: dict[str, Any] | None = None) -> PageState:
    return PageState(lang=get("lang"), currency=get("currency"), digits=get("digits"), values=values or {})


def core_values(prefix: str) -> dict[str, Any]:
    """The clv arguments fed by the fields under ``prefix``, in clv units."""
    return {f.core: f.to_core(get(f.key)) for f in _REGISTRY.values() if f.key.startswith(prefix) and f.core}


def snapshot() -> dict[str, str]:
    """Every field's non-default value by URL name: what a saved session holds."""
    return {f.url: f.dump(get(f.key)) for f in _REGISTRY.values() if get(f.key) != f.default}


def restore(inputs: dict[str, str]) -> tuple[int, list[str], list[str]]:
    """Set fields from URL names and text values (a loaded session): every field not named goes back
    to its default. Returns (restored, not allowed, unknown names)."""
    by_url = {f.url: f for f in _REGISTRY.values()}
    parsed, bad = {}, []
    for name, raw in inputs.items():
        f = by_url.get(name)
        if f is None:
            continue
        try:
            parsed[f.key] = f.parse(raw)
        except (ValueError, TypeError):
            bad.append(name)
    for f in _REGISTRY.values():
        store().pop(f.key, None)
        st.session_state.pop(f.key, None)
        st.session_state.pop(f.key + NUMBER_SUFFIX, None)
    apply(parsed)
    return len(parsed), bad, sorted(set(inputs) - set(by_url))
