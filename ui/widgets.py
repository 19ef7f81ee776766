"""Widgets that pages share: paired slider + number field, choices, metric cards, error notices."""

from __future__ import annotations

from typing import Any, Callable

import streamlit as st

import clv
from clv import i18n, session

from . import state
from .guard import callback
from .state import NUMBER_SUFFIX, Field


def _cast(f: Field, value: Any) -> Any:
    return int(round(value)) if f.kind == "int" else float(value)


def _slider_value(f: Field, value: Any) -> Any:
    top = f.slider_high if f.slider_high is not None else f.high
    return _cast(f, min(max(value, f.low), top))


@callback
def _from_slider(f: Field) -> None:
    value = st.session_state[f.key]
    st.session_state[f.key + NUMBER_SUFFIX] = value
    state.put(f.key, value)


OUT_OF_RANGE = "_out_of_range"  # session-state key: {field key: the value typed} to explain beside the field


def _in_range(f: Field, widget_key: str) -> bool:
    """A typed value outside the field's bounds is not used: the field goes back to the value in use
    and the reason is kept to be said beside it (a browser only turns the field red)."""
    typed = st.session_state.get(widget_key)
    notes = st.session_state.setdefault(OUT_OF_RANGE, {})
    if typed is not None and ((f.low is not None and typed < f.low) or (f.high is not None and typed > f.high)):
        notes[f.key] = typed
        st.session_state[widget_key] = _cast(f, state.get(f.key))
        return False
    notes.pop(f.key, None)
    return True


def out_of_range_note(f: Field, lang: str, where: Any = None) -> None:
    """Beside a field: the value just typed that is not allowed, the range, and the value still used."""
    typed = st.session_state.get(OUT_OF_RANGE, {}).get(f.key)
    if typed is None:
        return
    unit = "%" if f.percent else ""

    def shown(v: float) -> str:
        return clv.fmt.number(v, 0 if f.kind == "int" or float(v).is_integer() else 1) + unit

    (where or st).error(
        i18n.text(
            "inputs.out_of_range",
            lang,
            label=i18n.text(f.label_key, lang),
            typed=shown(typed),
            low=shown(f.low),
            high=shown(f.high),
            kept=shown(state.get(f.key)),
        ),
        icon=":material/error:",
    )


@callback
def _from_number(f: Field) -> None:
    if not _in_range(f, f.key + NUMBER_SUFFIX):
        return
    value = st.session_state[f.key + NUMBER_SUFFIX]
    if value is None:  # a cleared field: back to what the slider shows
        value = st.session_state[f.key]
        st.session_state[f.key + NUMBER_SUFFIX] = value
    st.session_state[f.key] = _slider_value(f, value)
    state.put(f.key, _cast(f, value))


@callback
def _from_single_number(f: Field) -> None:
    if _in_range(f, f.key):
        state.commit(f.key, f.key, f.default)


def paired(f: Field, lang: str, container: Any = None) -> Any:
    """A slider for quick moves and a number field for exact values, kept in step.

    The number field is the precise one: it may go past the slider's own range (the slider then
    rests at its end). Returns the value, in the units the widget shows.
    """
    where = container or st
    value = _cast(f, state.get(f.key))
    if state.needs_value(f.key) or state.needs_value(f.key + NUMBER_SUFFIX):
        st.session_state[f.key] = _slider_value(f, value)
        st.session_state[f.key + NUMBER_SUFFIX] = value
    state.drawn(f.key)
    state.drawn(f.key + NUMBER_SUFFIX)
    label = i18n.text(f.label_key, lang)
    help_text = i18n.text(f.help_key, lang) if f.help_key else None
    left, right = where.container(key=f"paired-{f.key}").columns([3, 2], vertical_alignment="bottom")
    top = f.slider_high if f.slider_high is not None else f.high
    left.slider(
        label,
        _cast(f, f.low),
        _cast(f, top),
        step=_cast(f, f.step),
        key=f.key,
        format=f.fmt,
        help=help_text,
        on_change=_from_slider,
        args=(f,),
    )
    # No bounds on the number field itself: a browser would only turn an out-of-range value red and keep
    # the old one silently. The callback refuses it instead, and the note below says why, in words.
    right.number_input(
        label,
        None,
        None,
        step=_cast(f, f.step),
        key=f.key + NUMBER_SUFFIX,
        format=f.fmt,
        on_change=_from_number,
        args=(f,),
        label_visibility="collapsed",
    )
    out_of_range_note(f, lang, where)
    state.put(f.key, _cast(f, st.session_state[f.key + NUMBER_SUFFIX]))
    return state.get(f.key)


def choice(
    f: Field,
    lang: str,
    container: Any = None,
    horizontal: bool = True,
    option_key: Callable[[str], str] | None = None,
    widget: str = "radio",
    option_label: Callable[[str], str] | None = None,
) -> Any:
    """A choice among ``f.choices`` with labels from the catalogue (``<label_key stem>.<option>``, or
    ``option_key(option)``), or from ``option_label(option)`` itself."""
    where = container or st
    state.bind(f.key, state.get(f.key))
    stem = f.label_key.rsplit(".", 1)[0]
    label_of = option_key or (lambda o: f"{stem}.{o}")
    kwargs = {
        "format_func": option_label or (lambda o: i18n.text(label_of(o), lang)),
        "key": f.key,
        "help": i18n.text(f.help_key, lang) if f.help_key else None,
        "on_change": state.commit,
        "args": (f.key,),
    }
    if widget == "radio":
        value = where.radio(i18n.text(f.label_key, lang), f.choices, horizontal=horizontal, **kwargs)
    else:
        value = where.selectbox(i18n.text(f.label_key, lang), f.choices, **kwargs)
    state.put(f.key, value)
    return value


def show_input_error(err: clv.InputError, lang: str, where: Any = None, label: str | None = None) -> None:
    """The error as one plain sentence: what is wrong, the value given, what is allowed. The field is
    named by its widget label when one of the page's inputs feeds it."""
    if label is None:
        f = next((f for f in state.fields().values() if f.core == err.field and f.label_key), None)
        label = i18n.text(f.label_key, lang) if f else None
    (where or st).error(literal(err.message(lang, label=label)), icon=":material/error:")


def show_error(
    err: clv.DataError | clv.FitError | clv.InputError, lang: str, where: Any = None, kind: str = "error"
) -> None:
    """One of our errors as a sentence in ``lang``, shown literally (it may quote a file or typed text);
    an input error names the widget it came from."""
    if isinstance(err, clv.InputError):
        show_input_error(err, lang, where)
        return
    getattr(where or st, kind)(literal(err.message(lang)), icon=":material/error:")


def metric(where: Any, label: str, value: str, help_text: str | None = None, **kwargs: Any) -> None:
    where.metric(label, value, help=help_text, border=True, **kwargs)


def verdict_ltv_to_cac(ratio: float | None, lang: str, digits: str = "western") -> tuple[str, str]:
    """The plain verdict against the 3:1 rule of thumb (in the chosen digits), and its colour."""
    if ratio is None:
        key, colour = "undefined", "gray"
    elif ratio >= clv.RULE_OF_THUMB_LTV_TO_CAC:
        key, colour = "healthy", "green"
    elif ratio >= 1:
        key, colour = "thin", "orange"
    else:
        key, colour = "losing", "red"
    return i18n.text_in_digits(f"calc.verdict.{key}", lang, digits), colour


def number(f: Field, lang: str, container: Any = None, label: str | None = None) -> Any:
    """A single number field (compact cards), bounded by the field's table entry."""
    where = container or st
    state.bind(f.key, _cast(f, state.get(f.key)))
    where.number_input(
        label or i18n.text(f.label_key, lang),
        None,
        None,
        step=_cast(f, f.step),
        key=f.key,
        format=f.fmt,
        help=i18n.text(f.help_key, lang) if f.help_key else None,
        on_change=_from_single_number,
        args=(f,),
    )
    out_of_range_note(f, lang, where)
    value = st.session_state[f.key]
    if value is None:  # a cleared field counts as its default
        value = f.default
    state.put(f.key, _cast(f, value))
    return state.get(f.key)


def text_input(f: Field, lang: str, container: Any = None, placeholder: str | None = None) -> str:
    """A short text (a campaign's name); shown as typed, never as HTML."""
    where = container or st
    state.bind(f.key, state.get(f.key))
    where.text_input(
        i18n.text(f.label_key, lang),
        key=f.key,
        max_chars=80,
        placeholder=placeholder,
        on_change=state.commit,
        args=(f.key,),
    )
    state.put(f.key, st.session_state[f.key])
    return state.get(f.key)


def _default_range(f: Field, point: float) -> tuple[float, float]:
    spread = max(abs(point) * 0.5, f.step or 1.0)
    return (float(max(f.low, point - spread)), float(min(f.high, point + spread)))


@callback
def _range_switched(f: Field, point: float) -> None:
    on = st.session_state[f.key + "_on"]
    state.put(f.key, _default_range(f, point) if on else None)
    st.session_state.pop(f.key, None)


def value_range(f: Field, lang: str, label: str, point: float, container: Any = None) -> tuple | None:
    """A low-high range around ``point`` (uncertainty), or None when the user keeps a single value."""
    where = container or st
    on_key = f.key + "_on"
    current = state.get(f.key)
    state.bind(on_key, current is not None)
    on = where.checkbox(label, key=on_key, on_change=_range_switched, args=(f, point))
    if not on:
        state.put(f.key, None)
        return None
    if current is None:
        current = _default_range(f, point)
        state.put(f.key, current)
    state.bind(f.key, (float(current[0]), float(current[1])))
    where.slider(
        label,
        float(f.low),
        float(f.high),
        key=f.key,
        format=f.fmt,
        label_visibility="collapsed",
        on_change=state.commit,
        args=(f.key,),
    )
    state.put(f.key, tuple(st.session_state[f.key]))
    return state.get(f.key)


@callback
def _from_date(f: Field, default: Any) -> None:
    picked = st.session_state.get(f.key + "_date")
    state.put(f.key, "" if picked is None or picked == default else picked.isoformat())


def date(f: Field, lang: str, value: Any, low: Any, high: Any, container: Any = None, default: Any = None) -> Any:
    """A date within [low, high] for a text field holding an ISO date ("" means ``default``).
    Returns the date shown; a cleared picker falls back to ``value``."""
    where = container or st
    key = f.key + "_date"
    state.bind(key, value)
    picked = where.date_input(
        i18n.text(f.label_key, lang),
        min_value=low,
        max_value=high,
        key=key,
        help=i18n.text(f.help_key, lang) if f.help_key else None,
        on_change=_from_date,
        args=(f, default),
    )
    picked = picked if picked is not None else value
    state.put(f.key, "" if picked == default else picked.isoformat())
    return picked


KEPT = "_kept"  # session state: {widget key: value} of page-local widgets (not in links), kept across hops


@callback
def keep(*keys: str) -> None:
    """on_change (or a form's submit): the widgets' current values into the kept store."""
    kept_values = st.session_state.setdefault(KEPT, {})
    for key in keys:
        if key in st.session_state:
            kept_values[key] = st.session_state[key]


def kept(key: str, default: Any, form: bool = False) -> dict[str, Any]:
    """Keyword arguments for a page-local widget (a lesson's slider) whose value survives sidebar hops:
    ``st.slider(label, 0, 10, **kept("learn_x", 5))``. Pass no value of its own; inside a form, keep the
    values in the submit button's callback (``keep``), since form widgets have no on_change."""
    state.bind(key, st.session_state.get(KEPT, {}).get(key, default))
    return {"key": key} if form else {"key": key, "on_change": keep, "args": (key,)}


@callback
def _commit_text(f: Field) -> None:
    state.put(f.key, st.session_state.get(f.key) or "")  # cleared: "" (the field's "not chosen")


def select(
    f: Field,
    options: list[str],
    lang: str,
    value: str,
    container: Any = None,
    label: str | None = None,
    format_func: Callable[[str], str] | None = None,
    keep: bool = False,
) -> str:
    """A text field picked among options known only when the page runs (a workbook's sheets, the currencies or
    columns of a file): shows ``value`` when its own entry is stale or not among ``options``; a pick goes to
    the store. ``keep``: the shown value goes to the store now too (it is in use before anyone picks it)."""
    where = container or st
    state.bind(f.key, value)
    if st.session_state.get(f.key) not in options:
        st.session_state[f.key] = value
    where.selectbox(
        label or i18n.text(f.label_key, lang),
        options,
        key=f.key,
        on_change=_commit_text,
        args=(f,),
        help=i18n.text(f.help_key, lang) if f.help_key else None,
        **({"format_func": format_func} if format_func else {}),
    )
    if keep:
        state.put(f.key, st.session_state[f.key])
    return st.session_state[f.key]


PERCENT = 100.0  # a page-local percent widget shows fractions x 100


def percent(
    draw: Callable[..., Any],
    label: str,
    low: float,
    high: float,
    key: str,
    default: float,
    step: float,
    form: bool = False,
) -> float:
    """A page-local input in percent (``where.slider`` or ``where.number_input`` as ``draw``), kept across hops
    like ``kept``: ``low``, ``high`` and ``step`` as shown (5 = 5%); ``default`` and the value returned as
    fractions (0.05), as clv takes them; a default outside the bounds starts at the nearest one. Whole-number
    bounds give a whole-number widget."""
    shown = min(max(round(default * PERCENT, state.FROM_CORE_DECIMALS), low), high)
    if isinstance(low, int) and isinstance(high, int):
        shown = int(round(shown))
    return draw(label, low, high, step=step, **kept(key, shown, form=form)) / PERCENT


def checkbox(f: Field, lang: str, container: Any = None) -> bool:
    """A yes/no field (a ``bool`` entry of the table)."""
    where = container or st
    state.bind(f.key, bool(state.get(f.key)))
    where.checkbox(
        i18n.text(f.label_key, lang),
        key=f.key,
        on_change=state.commit,
        args=(f.key,),
        help=i18n.text(f.help_key, lang) if f.help_key else None,
    )
    state.put(f.key, bool(st.session_state[f.key]))
    return state.get(f.key)


SCENARIO_MONEY = ("ltv", "ltv_change", "campaign_cost", "net_value", "cohort_net_value")


def formatted_table(
    table,
    s: state.PageState,
    money: tuple = (),
    money_decimals: int = 2,
    percent: tuple = (),
    counts: tuple = (),
    decimals: int | dict = 2,
    markdown: bool = True,
) -> Any:
    """``table`` as text the reader sees, column by column: money (with the currency), percent (from
    fractions), counts (whole, with thousands), other numbers with ``decimals``; "—" for missing values;
    the chosen digits; dates as YYYY-MM-DD. ``decimals`` may name columns ({column: places}). For
    ``st.table``, which wraps long cells (suggested actions, long headers), and for ``grid``.

    ``st.table`` reads every cell as markdown, so text cells (a campaign's name) go through ``literal``;
    ``markdown=False`` (``grid``: ``st.dataframe`` shows cells as they are) keeps them as they are."""
    import datetime as dt

    import pandas as pd

    def cell(v, show):
        return clv.fmt.NOT_DEFINED if v is None or (isinstance(v, float) and pd.isna(v)) else show(v)

    out = pd.DataFrame(index=table.index)
    for column in table.columns:
        values = table[column]
        if column in money:
            out[column] = [cell(v, lambda x: s.money(x, money_decimals)) for v in values]
        elif column in percent:
            out[column] = [cell(v, lambda x: clv.fmt.percent(x, 1, s.digits)) for v in values]
        elif column in counts:
            out[column] = [cell(v, lambda x: clv.fmt.number(x, 0, s.digits)) for v in values]
        elif values.dtype.kind == "M" or values.map(lambda v: isinstance(v, dt.date)).all():
            out[column] = [cell(v, lambda x: s.date(x) if not pd.isna(x) else clv.fmt.NOT_DEFINED) for v in values]
        elif values.dtype.kind in "fiu" or values.map(lambda v: v is None or isinstance(v, (int, float))).all():
            places = decimals.get(column, 2) if isinstance(decimals, dict) else decimals
            out[column] = [cell(v, lambda x, d=places: clv.fmt.number(x, d, s.digits)) for v in values]
        else:
            out[column] = [cell(v, literal if markdown else str) for v in values]
    return out


def figures_table(table, s: state.PageState) -> Any:
    """A small table of figures (the scenario comparison) as the reader sees it: money with the currency,
    other numbers with two decimals. Shown with ``st.table``, whose headers wrap, so every column fits the
    page in both directions (a scrolling grid cut the last one off in Arabic); its CSV keeps the numbers."""
    money = tuple(i18n.text(f"tables.scenario.{c}", s.lang) for c in SCENARIO_MONEY)
    return formatted_table(table, s, money=money)


MARKDOWN_SPECIAL = frozenset("\\`*_{}[]<>#!|~$&")  # markup wherever it stands
LINE_START_SPECIAL = frozenset("-+=")  # markup at a line's start: a list item, a rule, a heading's underline
WORD_JOINER = "\u2060"  # invisible, zero width, no line break: splits what the markdown would link


def _escaped(c: str, line: str, before: str, after: str) -> bool:
    """True when ``c`` must be escaped; ``line`` says what precedes it on its line: "" (nothing but
    spaces), "digits" (spaces, then digits) or "text"."""
    if c in MARKDOWN_SPECIAL:
        return True
    if c == ":":  # Streamlit's :emoji:, :material/icon: and :red[...] open with ":x"
        return after != "" and not after.isspace()
    if c in LINE_START_SPECIAL:
        return line == ""
    if c in ".)":  # "1." or "1)" opening a line starts a numbered list
        return line == "digits"
    return c == "(" and before == "]"  # never "](" in the source, even escaped


def _breaks_autolink(c: str, after: str) -> bool:
    """True where an invisible word joiner after ``c`` stops a GFM autolink literal or an emoji shortcode.
    Backslash escapes do not: in the browser, remark-gfm finds ``www.x.y``, ``http(s)://`` and ``a@b.c``
    again in the text left once the escapes are read (mdast-util-gfm-autolink-literal's find-and-replace),
    and Streamlit's emoji plugin finds ``:smile:`` there too. So the joiner goes right after the "www"
    dot's w (``www(?=\\.)``), the at sign (the domain after it must start with a letter, digit, - or _)
    and a colon that something follows (``https?://``, ``:name:``). Checked in chromium: none is linked."""
    return (c in "wW" and after == ".") or c == "@" or (c == ":" and after != "" and not after.isspace())


def literal(text: str) -> str:
    """User text (a campaign name, a file name, a message quoting a file) as markdown that shows it
    exactly as typed: no links, images, emphasis, lists, headings, maths, HTML, entities or Streamlit
    directives can come from it (their characters escaped, wherever they would act), no web address or
    e-mail is linked (a word joiner breaks each), and control characters (but new lines) and lone
    surrogates, which cannot be shown or sent, become U+FFFD.

    >>> literal("**Sale** at www.shop.example: 1-2 (two)")
    '\\\\*\\\\*Sale\\\\*\\\\* at www\\u2060.shop.example: 1-2 (two)'
    """
    text = "\n".join(session.printable(line) for line in str(text).split("\n"))  # a message's own lines stay
    out, line, before = [], "", ""
    for i, c in enumerate(text):
        after = text[i + 1 : i + 2]
        out.append("\\" + c if _escaped(c, line, before, after) else c)
        if _breaks_autolink(c, after):
            out.append(WORD_JOINER)
        if c == "\n":
            line = ""
        elif c != " " or line == "digits":
            line = "digits" if c in "0123456789" and line in ("", "digits") else "text"
        before = c
    return "".join(out)


def plot(where: Any, s: state.PageState, fig: Any, **kwargs: Any) -> None:
    """``where.plotly_chart(fig)`` with the figure's numbers in the chosen digits (plotly draws Western
    digits only: ``clv.charts.base.in_digits``)."""
    from clv.charts.base import in_digits

    where.plotly_chart(in_digits(fig, s.digits), **kwargs)


def grid(
    where: Any,
    table: Any,
    s: state.PageState,
    key: str,
    column_config: dict | None = None,
    decimals: int | dict = 2,
    money: tuple = (),
    percent: tuple = (),
    counts: tuple = (),
    **kwargs: Any,
) -> Any:
    """A sortable table (``st.dataframe``) with "—" for missing values. With Arabic-Indic digits chosen it
    shows the figures as text in those digits (the grid draws Western digits only), at the cost of sorting
    them as text; the CSV beside it keeps the numbers either way. Returns what ``st.dataframe`` returns (the
    selection, with ``on_select``)."""
    if s.digits == "arabic":
        return where.dataframe(
            formatted_table(table, s, money=money, percent=percent, counts=counts, decimals=decimals, markdown=False),
            key=key,
            placeholder=clv.fmt.NOT_DEFINED,
            **kwargs,
        )
    return where.dataframe(table, key=key, column_config=column_config, placeholder=clv.fmt.NOT_DEFINED, **kwargs)
