"""Page state in one table: widget key, URL name, default, bounds, parse and format.

How a value flows: URL (read once per session) -> the session's store -> the widget -> the store,
and every run writes the non-default values back to the URL, so a copied link reopens the exact
scenario. Widgets' own session-state entries vanish when a page that does not draw them runs, so
the store (a plain dict in session state) is what survives page switches.

Seen in a real browser (AppTest cannot see it): a widget's own entry is not trustworthy once the widget
has been off screen. After a sidebar hop the frontend hands a same-keyed widget its minimum, so every
input of the calculator read 0 after a visit to the scenarios page. Hence the rule: a widget that was
not drawn in the previous run of this page and language gets its value from the store before it is
drawn (``bind``), and every widget writes back to the store in its ``on_change`` callback (``commit``),
which runs before the script, so the store is always the truth.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from clv import fmt, i18n, session

from .guard import callback

STORE = "_store"  # session-state key of the canonical values {widget key: value}
NOTICES = "_url_notices"  # bad URL values found when the link was opened
URL_READ = "_url_read"
MAX_RAW_CHARS = session.MAX_VALUE_CHARS  # a link's or session's value longer than this is refused
MAX_PAIRS = 24  # a ``pairs`` field (a CAC per group) holds at most this many names
MAX_NAME_CHARS = 80  # ... each at most this long (as a ``text`` field)


@dataclass(frozen=True)
class Field:
    """One input: its widget key, URL name, default and bounds (in the units the widget shows)."""

    key: str  # widget key, "<page>_<field>"
    url: str  # short, stable URL name
    default: Any
    low: float | None = None
    high: float | None = None
    step: float | None = None
    kind: str = "float"  # float | int | choice | bool | text | range (a (low, high) pair) | pairs (see below)
    choices: tuple = ()
    label_key: str = ""  # catalogue key of the label
    help_key: str = ""  # catalogue key of the help tooltip
    core: str = ""  # name of the clv argument it feeds ("" = not a core input)
    percent: bool = False  # shown in percent, a fraction in clv
    fmt: str = "%.2f"  # widget number format
    slider_high: float | None = None  # a paired slider's own top (the number field goes to ``high``)
    zero_is_none: bool = False  # 0 means "no limit" (None in clv)

    def parse(self, raw: str) -> Any:
        """A URL value to a widget value; ValueError when it is not allowed: past ``MAX_RAW_CHARS``, or
        holding control characters or a lone surrogate (text that cannot be shown, saved or encoded)."""
        if not isinstance(raw, str):
            raise TypeError(type(raw).__name__)
        if len(raw) > MAX_RAW_CHARS or not session.is_text(raw):
            raise ValueError("not a short plain text")
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
        if self.kind == "pairs":
            return self._pairs(raw)
        return self._number(raw)

    def _pairs(self, raw: str) -> tuple[tuple[str, float], ...]:
        """``pairs``: a name -> number table (a CAC per group) as ``name:value;name:value``, each name
        percent-escaped (so any text survives, ``:`` and ``;`` included). At most ``MAX_PAIRS`` distinct
        names of at most ``MAX_NAME_CHARS`` plain characters; each value within the field's bounds.

        >>> f = Field("grp_cac", "gcac", (), 0.0, 1e6, kind="pairs")
        >>> f.parse(f.dump((("web", 25.0), ("a:b;c", 1.5))))
        (('web', 25.0), ('a:b;c', 1.5))
        >>> f.dump((("web", 25.0), ("ads", 90.0)))
        'web:25;ads:90'
        """
        if not raw:
            return ()
        parts = raw.split(";")
        if len(parts) > MAX_PAIRS:
            raise ValueError("too many names")
        out: dict[str, float] = {}
        for part in parts:
            name, sep, number = part.rpartition(":")
            name = urllib.parse.unquote(name, errors="strict")
            if not sep or not name or len(name) > MAX_NAME_CHARS or not session.is_text(name) or name in out:
                raise ValueError(part)
            out[name] = float(self._number(number))
        return tuple(out.items())

    def _number(self, raw: str) -> float | int:
        value = float(raw) + 0.0  # + 0.0: "-0" is 0 (a link never says -0)
        if (
            not math.isfinite(value)
            or (self.low is not None and value < self.low)
            or (self.high is not None and value > self.high)
        ):
            raise ValueError(raw)
        return int(value) if self.kind == "int" else value

    def dump(self, value: Any) -> str:
        """A widget value as the URL shows it (short: 2.5, not 2.500000)."""
        if self.kind == "bool":
            return "1" if value else "0"
        if self.kind == "range":
            return ",".join(f"{float(v):.10g}" for v in value)
        if self.kind == "pairs":
            return ";".join(f"{urllib.parse.quote(name, safe='')}:{float(v):.10g}" for name, v in value)
        if self.kind in ("int", "float"):
            return f"{float(value):.10g}" if self.kind == "float" else str(int(value))
        return str(value)

    def to_core(self, value: Any) -> Any:
        if value is None or (self.zero_is_none and not value):
            return None
        if isinstance(value, tuple):
            return tuple(v / 100.0 for v in value) if self.percent else value
        return value / 100.0 if self.percent else value

    def from_core(self, value: Any) -> Any:
        """A clv value as the widget shows it: the inverse of ``to_core``. A fraction becomes percent (x 100,
        rounded to ``FROM_CORE_DECIMALS`` so 0.0845 shows 8.45, not 8.450000000000001), None becomes 0 where
        0 means "no limit", a pair stays a pair, an int field gets an int.

        >>> churn = Field("calc_churn", "churn", 5.0, 0.0, 100.0, percent=True)
        >>> churn.from_core(0.0845), churn.from_core(churn.to_core(8.45)), churn.from_core((0.1, 0.25))
        (8.45, 8.45, (10.0, 25.0))
        >>> Field("calc_horizon", "h", 0, kind="int", zero_is_none=True).from_core(None)
        0
        """
        if value is None:
            return 0 if self.zero_is_none else None
        if isinstance(value, tuple):
            return tuple(self._shown(v) for v in value)
        return self._shown(value)

    def _shown(self, value: Any) -> Any:
        if self.kind not in ("int", "float", "range"):
            return value
        if self.percent:
            value = round(float(value) * 100.0, FROM_CORE_DECIMALS)
        return int(round(value)) if self.kind == "int" else value


FROM_CORE_DECIMALS = 10  # x 100 leaves binary noise in the 15th digit; no widget shows past the 10th


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


# The fields each page's figures depend on, by key prefix: its link carries all of them, so a link
# reopens exactly what the page shows (Predictions uses the calculator's margin and the data options).
PAGE_PREFIXES = {
    "calculator": ("calc_",),
    "scenarios": ("calc_", "sc_"),
    "data": ("data_",),
    # Segments' targeting values customers with the calculator's margin and the Predictions model and terms
    "segments": ("data_", "seg_", "calc_margin", "pred_horizon", "pred_rate", "pred_model", "grp_by", "tg_"),
    "groups": ("data_", "calc_", "grp_"),
    "predictions": ("data_", "calc_", "pred_", "grp_by", "tg_"),
    "learn": ("calc_", "learn_"),
    "present": ("calc_", "sc_"),
}


def write_url(*prefixes: str) -> None:
    """Mirror the non-default values of the fields whose key starts with a prefix (by default, every
    field the current page depends on: ``PAGE_PREFIXES``) and the global ones (language, currency)
    into the URL. Other query parameters are dropped, so the URL says exactly what this page shows."""
    if not prefixes:
        page = (st.session_state.get(RUN) or {}).get("context", (None,))[0]
        prefixes = PAGE_PREFIXES.get(page, ())
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


NUMBER_SUFFIX = "_num"  # the number field paired with a slider
RUN = "_run"  # {"context": (page, lang), "drawn": widget keys drawn} of this run
LAST_RUN = "_last_run"  # the same for the previous run


def begin_run(page: str, lang: str) -> None:
    """Called once per run by ``ui.page_setup``: this run's context; the previous run's is kept."""
    st.session_state[LAST_RUN] = st.session_state.get(RUN, {"context": None, "drawn": set()})
    st.session_state[RUN] = {"context": (page, lang), "drawn": set()}


def needs_value(widget_key: str) -> bool:
    """True when the widget was not on screen in the previous run of this page and language (or has
    no entry): its own session-state entry, if any, is stale."""
    now, last = st.session_state.get(RUN), st.session_state.get(LAST_RUN)
    if widget_key not in st.session_state or now is None or last is None:
        return True
    return last["context"] != now["context"] or widget_key not in last["drawn"]


def bind(widget_key: str, value: Any) -> None:
    """Before drawing a widget: give it ``value`` (from the store) when its own entry is stale."""
    if needs_value(widget_key):
        st.session_state[widget_key] = value
    drawn(widget_key)


def drawn(widget_key: str) -> None:
    """Note that the widget is on screen in this run."""
    run = st.session_state.get(RUN)
    if run is not None:
        run["drawn"].add(widget_key)


@callback
def commit(key: str, widget_key: str | None = None, default: Any = None) -> None:
    """``on_change`` of a widget: its new value into the store before the script runs (a cleared
    field, ``None``, counts as ``default`` when one is given)."""
    value = st.session_state.get(widget_key or key)
    if value is None and default is not None:
        value = default
    put(key, value)


@dataclass
class PageState:
    """What a page reads: the core values of its fields, the language and currency."""

    lang: str
    currency: str
    digits: str
    values: dict[str, Any] = field(default_factory=dict)

    def text(self, key: str, **values: object) -> str:
        """A catalogue string in the chosen digits: its own digits, and values given as plain numbers or
        dates (text values, such as a campaign's name, are placed as they are)."""
        return i18n.text_in_digits(key, self.lang, self.digits, **{k: self._value(v) for k, v in values.items()})

    def _value(self, value: object) -> object:
        if isinstance(value, (dt.date, dt.datetime)):
            return self.date(value)
        if (
            self.digits == "arabic"
            and isinstance(value, numbers.Real)
            and not isinstance(value, bool)
            and math.isfinite(value)
            and float(value).is_integer()
        ):
            return fmt.number(value, 0, self.digits)
        return value

    def date(self, value: dt.date) -> str:
        """A date as YYYY-MM-DD in the chosen digits; kept left to right inside right-to-left text (it
        read 31-12-2025 in Arabic)."""
        text = (
            value.strftime("%Y-%m-%d").translate(fmt.ARABIC_INDIC)
            if self.digits == "arabic"
            else value.strftime("%Y-%m-%d")
        )
        if not i18n.is_rtl(self.lang):
            return text
        lrm = "\u200e"  # left-to-right marks around each part: Arabic-Indic digits are not strong
        return lrm + text.replace("-", f"{lrm}-{lrm}") + lrm  # left-to-right, so an isolate alone did not hold

    def md(self, key: str, **values: object) -> str:
        """``text`` for st.markdown and friends: a currency "$" must not open a LaTeX span."""
        return self.text(key, **values).replace("$", r"\$")

    def money(self, value: float | None, decimals: int = 2) -> str:
        return fmt.money(value, self.currency, decimals, self.digits)


# The global fields every page carries (sidebar).
LANG = Field(
    "lang",
    "lang",
    i18n.DEFAULT_LANG,
    kind="choice",
    choices=tuple(i18n.languages()),
    label_key="sidebar.language.label",
)
CURRENCY = Field("currency", "cur", "$", kind="choice", choices=fmt.CURRENCIES, label_key="sidebar.currency.label")
DIGITS = Field(
    "digits", "digits", "western", kind="choice", choices=("western", "arabic"), label_key="sidebar.digits.label"
)
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
