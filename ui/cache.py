"""Every cache of the app, in one place. Uploads are cached per session (scope="session": never shared
between users); the bundled sample data and fits on it are cached globally. Cached functions have no
side effects. Big inputs are passed as ``_name`` (not hashed) beside a short key that identifies them.
"""

from __future__ import annotations

import streamlit as st

from clv import data, scenarios

UPLOAD_ENTRIES = 4          # a few recent uploads (re-mapping a file re-reads it)


@st.cache_data(show_spinner=False, max_entries=UPLOAD_ENTRIES, scope="session")
def read_upload(digest: str, filename: str, kind: str, mapping: tuple, options: data.ReadOptions,
                _raw: bytes) -> data.LoadResult:
    """An uploaded file read and validated (``digest`` identifies ``_raw``)."""
    readers = {"transactions": data.read_transactions, "summary": data.read_summary,
               "subscriptions": data.read_subscriptions}
    if kind == "summary":
        return data.read_summary(_raw, filename=filename, options=options)
    return readers[kind](_raw, filename=filename, mapping=dict(mapping) or None, options=options)


@st.cache_data(show_spinner=False)
def sample(kind: str) -> data.LoadResult:
    """The bundled sample data (not user data: shared by all sessions)."""
    return data.load_sample(kind)


# ---- Learn: the known-truth exercise and the buy-till-you-die lesson (pages/learn.py) -----------------
@st.cache_data(show_spinner=False, max_entries=64)
def known_truth(n_customers: int, r: float, alpha: float, a: float, b: float, weeks: float, seed: int,
                spend: tuple[float, float, float] | None = None):
    """A simulated base with known parameters and the models fitted to it (``clv.learn.known_truth``).

    Not user data (parameters and a seed), so cached globally: the same inputs give the same simulation,
    so a rerun or a second workshop participant costs nothing. Returns ``clv.learn.KnownTruth``.
    """
    from clv import learn

    return learn.known_truth(n_customers, r, alpha, a, b, weeks, seed, spend)


@st.cache_data(show_spinner=False, max_entries=16, scope="session")
def simulation(baseline, campaigns: tuple, ranges: tuple, n: int = 10_000, seed: int = 0):
    """The seeded Monte Carlo of a scenario (10,000 draws): cached per input, so other widgets are instant."""
    return scenarios.simulate(baseline, list(campaigns), dict(ranges), n=n, seed=seed)
