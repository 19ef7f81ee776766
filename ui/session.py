"""Save and load a whole session (sidebar): the inputs of every page as a small JSON file."""

from __future__ import annotations

from datetime import datetime, timezone

import streamlit as st

import clv
from clv import session

from . import state, widgets
from .guard import callback

UPLOAD_KEY = "session_file"
MESSAGE_KEY = "_session_message"


@callback
def _load() -> None:
    """on_change of the uploader: restore the inputs before any widget is drawn."""
    file = st.session_state.get(UPLOAD_KEY)
    if file is None:
        return
    lang = state.get("lang")
    try:
        inputs = session.load(file.getvalue())
    except clv.DataError as err:
        st.session_state[MESSAGE_KEY] = ("error", err.message(lang))
        return
    count, bad, unknown = state.restore(inputs)
    lang = state.get("lang")
    lines = [clv.i18n.text("session.loaded", lang, count=count)]
    if bad:
        lines.append(clv.i18n.text("session.skipped", lang, names=", ".join(bad)))
    if unknown:
        lines.append(clv.i18n.text("session.unknown", lang, names=", ".join(n[:40] for n in unknown[:10])))
    st.session_state[MESSAGE_KEY] = ("warning" if bad else "success", " ".join(lines))


def save_and_load(lang: str) -> None:
    """The sidebar's save button and load box; the outcome of a load shows beneath them."""
    with st.expander(clv.i18n.text("session.title", lang), icon=":material/save:"):
        stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        st.download_button(
            clv.i18n.text("session.save", lang),
            session.dump(state.snapshot(), saved_at=stamp),
            file_name="clv-session.json",
            mime="application/json",
            key="session_save",
            help=clv.i18n.text("session.save_help", lang),
            on_click="ignore",
        )
        st.file_uploader(clv.i18n.text("session.load", lang), type=["json"], key=UPLOAD_KEY, on_change=_load)
        message = st.session_state.pop(MESSAGE_KEY, None)
        if message:
            kind, text = message
            getattr(st, kind)(widgets.literal(text))  # the file's own names may be quoted
