"""The "where the value is" report (``clv.report.value_report``): the groups page and the targeting panel
each leave their section here as they draw it, and either page offers the report with every section the
session has seen (in a fixed order), so a marketer can hand around groups and targeting in one file."""

from __future__ import annotations

import streamlit as st

from clv import report

SECTIONS = "_value_report"  # session-state key: {name: (title, sentences, tables, figures)}
ORDER = ("groups", "models", "targeting")


def remember(name: str, title: str, sentences: list[str], tables: list, figures: list) -> None:
    """Keep one section of the report for this session (replacing the earlier one of that name)."""
    st.session_state.setdefault(SECTIONS, {})[name] = (title, sentences, tables, figures)


def download(s, key: str) -> None:
    """The report's download button (built when clicked, from the sections seen so far)."""
    kept = st.session_state.get(SECTIONS, {})
    sections = [kept[name] for name in ORDER if name in kept]
    if not sections:
        return
    st.download_button(
        s.text("report.value_download"),
        lambda: report.value_report(sections, s.lang, currency=s.currency, digits=s.digits).encode(),
        file_name="clv-where-the-value-is.html",
        mime="text/html",
        key=key,
        on_click="ignore",
        icon=":material/description:",
        help=s.text("report.value_download_help"),
    )
