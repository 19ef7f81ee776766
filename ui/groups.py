"""The CAC per group table (pages/groups.py): one number field per group, kept in the ``grp_cac`` field (a
``pairs`` field), so the link and the session file reopen the CACs the user typed. The fields are not in the
inputs' table (their number depends on the data), so a change of the store behind them (a loaded session,
Reset) is noticed by comparing the store with what each field was last given.

A group's widget key comes from its name (a digest), not its position: a group list that changes order
(another grouping column, a new upload) does not hand one group's CAC to another.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import streamlit as st

from clv import fmt, i18n

from . import state
from .widgets import literal
from .guard import callback

CAC_FIELD = "grp_cac"
COLUMNS_PER_ROW = 4


def widget_key(group: str) -> str:
    """The number field of one group's CAC: ``grp_cac_<digest of the name>``.

    >>> widget_key("web"), widget_key("web") == widget_key("web "), len(widget_key("x" * 80))
    ('grp_cac_d51a6abb33', False, 18)
    """
    return "grp_cac_" + hashlib.blake2s(group.encode("utf-8"), digest_size=5).hexdigest()


def typed() -> dict[str, float]:
    """The CACs the user typed (or a link or session gave), by group name."""
    return dict(state.get(CAC_FIELD))


SEEN = "_grp_cac_seen"  # session-state key: {widget key: the value it was last given from the store}


@callback
def _commit(group: str, key: str) -> None:
    value = st.session_state.get(key)
    current = typed()
    if value is None:
        current.pop(group, None)
    else:
        current[group] = float(value)
        st.session_state.setdefault(SEEN, {})[key] = float(value)
    state.put(CAC_FIELD, tuple(current.items())[-state.MAX_PAIRS :])


def cac_inputs(groups: list[str], defaults: Mapping[str, float], lang: str, currency: str) -> dict[str, float]:
    """One CAC field per group (in rows of four); returns the CAC of every group shown: typed, else the
    default (the sample's documented CAC, or the calculator's CAC)."""
    f = state.fields()[CAC_FIELD]
    chosen = typed()
    out = {}
    for start in range(0, len(groups), COLUMNS_PER_ROW):
        row = st.columns(COLUMNS_PER_ROW)
        for cell, group in zip(row, groups[start : start + COLUMNS_PER_ROW]):
            key = widget_key(group)
            value = float(chosen.get(group, defaults.get(group, 0.0)))
            seen = st.session_state.setdefault(SEEN, {})
            if seen.get(key) != value:  # the store changed under the widget (a loaded session, Reset, a link)
                st.session_state.pop(key, None)
                seen[key] = value
            state.bind(key, value)
            cell.number_input(
                i18n.text("grppage.fields.cac_one", lang, group=literal(group), currency=currency),
                min_value=f.low,
                max_value=f.high,
                step=1.0,
                format="%.2f",
                key=key,
                on_change=_commit,
                args=(group, key),
                help=i18n.text("grppage.fields.cac_help", lang),
            )
            entered = st.session_state.get(key)
            out[group] = float(value if entered is None else entered)
    return out


def cac_summary(cacs: Mapping[str, float], currency: str, digits: str) -> str:
    """The CACs in one line (for a caption): ``web $25 · app $40``."""
    return " · ".join(f"{name} {fmt.money(v, currency, 0, digits)}" for name, v in cacs.items())
