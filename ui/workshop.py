"""Workshop mode: results stay hidden until the teacher reveals them, so the class can guess first.

A reveal holds for the inputs it was made for; change an input and the results hide again.
"""

from __future__ import annotations

import streamlit as st

from clv import i18n

from . import state
from .guard import callback

REVEALED = "_revealed"  # session-state key: {page: fingerprint of the inputs revealed}


def toggle(lang: str) -> None:
    f = state.WORKSHOP
    state.bind(f.key, bool(state.get(f.key)))
    st.toggle(
        i18n.text(f.label_key, lang), key=f.key, help=i18n.text(f.help_key, lang), on_change=state.commit, args=(f.key,)
    )
    state.put(f.key, st.session_state[f.key])


@callback
def _reveal(page: str, fingerprint: str) -> None:
    st.session_state.setdefault(REVEALED, {})[page] = fingerprint


def is_revealed(*pages_and_fingerprints: tuple[str, str]) -> bool:
    """True when results may show: workshop mode is off, or one of the (page, fingerprint) pairs was
    revealed for exactly these inputs. Draws nothing (for a caption that only follows a reveal)."""
    done = st.session_state.get(REVEALED, {})
    return not state.get("workshop") or any(done.get(page) == fp for page, fp in pages_and_fingerprints)


def revealed(page: str, fingerprint: str, lang: str) -> bool:
    """True when results may show; otherwise draw the "guess first" note and the reveal button."""
    if is_revealed((page, fingerprint)):
        return True
    st.info(i18n.text("workshop.hidden", lang), icon=":material/visibility_off:")
    st.button(
        i18n.text("workshop.reveal", lang),
        key=f"{page}_reveal",
        type="primary",
        on_click=_reveal,
        args=(page, fingerprint),
        icon=":material/visibility:",
    )
    return False
