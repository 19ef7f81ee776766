"""One guard for every page: an unexpected error becomes a plain message, never a traceback.

Every page runs its body under it, set-up included::

    with ui.guard():
        s = ui.page_setup("data")
        ...

An exception escaping the body is written to the server log (logger ``clv.app``) with its full traceback
and a short reference, and the page shows a translated sentence quoting that reference, so a report from
a user can be matched with the log. Streamlit's own control flow passes untouched: ``st.stop``,
``st.rerun`` and ``st.switch_page`` raise ``StopException``/``RerunException``, which derive from
``BaseException`` (not ``Exception``), and ``FragmentHandledException`` (an error Streamlit has already
shown inside a fragment) is re-raised for Streamlit to finish handling.

A fragment reruns alone, outside the page's ``with`` block: decorate it too (``@st.fragment`` above
``@ui.guard()``). A widget callback runs before the page script: ``callback`` wraps one so that its error is
logged the same way and shown on the run that follows.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import secrets
from typing import Any, Callable

import streamlit as st
from streamlit.errors import FragmentHandledException

from clv import i18n

LOG = logging.getLogger("clv.app")
PENDING = "_guard_pending"  # session-state key: references of callback errors not shown yet
MESSAGE_KEY = "errors.unexpected"


def reference() -> str:
    """A short random reference (8 hex digits) that names one error in the log and on the page."""
    return secrets.token_hex(4)


def _lang() -> str:
    try:
        from . import state

        lang = state.get("lang")
    except Exception:  # noqa: BLE001  (the guard itself must never fail)
        return i18n.DEFAULT_LANG
    return lang if lang in i18n.languages() else i18n.DEFAULT_LANG


def log(err: BaseException, where: str = "page") -> str:
    """Write ``err`` with its traceback to the server log; the reference it was logged under."""
    ref = reference()  # the message itself is in the traceback (one line here: no text of a user's)
    LOG.error("Unexpected error [ref %s] in %s: %s", ref, where, type(err).__name__, exc_info=err)
    return ref


def message(ref: str, lang: str | None = None) -> str:
    """The sentence shown for an unexpected error with reference ``ref``."""
    return i18n.text(MESSAGE_KEY, lang or _lang(), ref=ref)


def show(ref: str) -> None:
    """The message for ``ref`` on the page (a failure to show it is logged, never raised)."""
    try:
        st.error(message(ref), icon=":material/error:")
    except Exception as err:  # noqa: BLE001
        LOG.error("Could not show the message for [ref %s]", ref, exc_info=err)


def _passes(err: BaseException | None) -> bool:
    """True for what the guard must not handle: no error, Streamlit's control flow (BaseException, not
    Exception), an interrupt, and an error Streamlit already showed inside a fragment."""
    return err is None or not isinstance(err, Exception) or isinstance(err, FragmentHandledException)


class guard(contextlib.ContextDecorator):  # noqa: N801  (used like a function: ``with ui.guard():``)
    """Context manager (and decorator, for fragments) that turns an unexpected exception into a message
    with a reference; the reference and the full traceback go to the ``clv.app`` log."""

    def __init__(self, where: str = "page") -> None:
        self.where = where

    def __enter__(self) -> "guard":
        return self

    def __exit__(self, typ: Any, err: BaseException | None, tb: Any) -> bool:
        if _passes(err):
            return False
        show(log(err, self.where))
        return True


def callback(func: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a widget callback (``on_change``/``on_click``): an unexpected error in it is logged with a
    reference, which the next run shows (``pending``) instead of a traceback."""

    @functools.wraps(func)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except Exception as err:
            if _passes(err):
                raise
            ref = log(err, f"callback {getattr(func, '__qualname__', func)!s}")
            try:
                st.session_state.setdefault(PENDING, []).append(ref)
            except Exception:  # noqa: BLE001
                pass
            return None

    return guarded


def show_pending() -> None:
    """Show (once) the messages of callback errors since the last run."""
    for ref in st.session_state.pop(PENDING, None) or ():
        show(ref)


# ``ui.guard`` is the class (``ui/__init__`` exports it under the module's name): its helpers hang on it.
guard.callback = staticmethod(callback)
guard.log = staticmethod(log)
guard.show_pending = staticmethod(show_pending)
