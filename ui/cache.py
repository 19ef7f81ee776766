"""Every cache of the app, in one place. Uploads are cached per session (scope="session": never shared
between users); the bundled sample data and fits on it are cached globally. Cached functions have no
side effects. Big inputs are passed as ``_name`` (not hashed) beside a short key that identifies them.
"""

from __future__ import annotations

import streamlit as st

from clv import data, scenarios

UPLOAD_ENTRIES = 4  # a few recent uploads (re-mapping a file re-reads it)


@st.cache_data(show_spinner=False, max_entries=UPLOAD_ENTRIES, scope="session")
def read_upload(
    digest: str, filename: str, kind: str, mapping: tuple, options: data.ReadOptions, _raw: bytes
) -> data.LoadResult:
    """An uploaded file read and validated (``digest`` identifies ``_raw``). The file is parsed once
    (``upload_table``); a new mapping or option only re-validates the parsed table."""
    table = upload_table(digest, filename, options.sheet, options.encoding, _raw)
    if kind == "summary":
        return data.read_summary(table, filename=filename, options=options)
    reader = data.read_subscriptions if kind == "subscriptions" else data.read_transactions
    return reader(table, filename=filename, mapping=dict(mapping) or None, options=options)


@st.cache_data(show_spinner=False, max_entries=UPLOAD_ENTRIES, scope="session")
def upload_table(digest: str, filename: str, sheet: str | None, encoding: str | None, _raw: bytes) -> data.RawTable:
    """An uploaded file parsed into a table, before any column is mapped (``clv.data.read_raw``)."""
    return data.read_raw(_raw, filename, data.ReadOptions(sheet=sheet, encoding=encoding))


@st.cache_data(show_spinner=False)
def sample(kind: str) -> data.LoadResult:
    """The bundled sample data (not user data: shared by all sessions)."""
    return data.load_sample(kind)


# ---- Learn: the known-truth exercise and the buy-till-you-die lesson (pages/learn.py) -----------------
@st.cache_data(show_spinner=False, max_entries=64)
def known_truth(
    n_customers: int,
    r: float,
    alpha: float,
    a: float,
    b: float,
    weeks: float,
    seed: int,
    spend: tuple[float, float, float] | None = None,
):
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


# ---- Your data and segments (pages/data.py, pages/segments.py) ----------------------------------------
# Computations on the data in use, keyed by ``ui.dataset.dataset_id(kind)`` with the table passed
# unhashed: uploads are cached per session, the sample globally. A widget that does not change the data
# (a segment picked, a chart tab) reruns the page without recomputing RFM scores or cohorts.
from clv import cohorts, groups, predict, rfm  # noqa: E402

DATA_ENTRIES = 32  # a few computations on each of a few recent uploads


def _rfm_scores(tx):
    return rfm.rfm_table(tx)


def _cohorts(tx):
    return cohorts.cohort_tables(tx)


def _orders_trend(tx):
    return cohorts.orders_over_time(tx, order_col="order_id" if "order_id" in tx else None)


def _derived(tx, inactivity_days: int):
    return cohorts.derive_assumptions(tx, inactivity_days=inactivity_days)


def _subscription_metrics(subs):
    return cohorts.subscription_metrics(subs)


def _comparison(transactions, calibration_end: str, models: tuple):
    return predict.compare_models(transactions, calibration_end, models)


def _customer_models(frame, model: str, source: str):
    if source == "summary":
        return predict.fit_customer_models(model=model, summary=frame)
    return predict.fit_customer_models(frame, model)


def _group_names(tx, by: str):
    return groups.group_order(groups.group_of_customers(tx, by))


def _groups(tx, by: str, cac: tuple, gross_margin: float, months, monthly_discount_rate: float, inactivity_days: int):
    return groups.compare(
        tx,
        by,
        dict(cac),
        months,
        monthly_discount_rate,
        gross_margin=gross_margin,
        inactivity_days=inactivity_days,
    )


def _group_labels(tx, by: str):
    return groups.group_of_customers(tx, by)


def _group_fits(tx, by: str):
    return groups.fit_groups(tx, by)


_ON_DATA = {
    "rfm": _rfm_scores,
    "cohorts": _cohorts,
    "orders": _orders_trend,
    "derived": _derived,
    "subscriptions": _subscription_metrics,
    "comparison": _comparison,
    "customer_models": _customer_models,
    "group_names": _group_names,
    "group_labels": _group_labels,
    "groups": _groups,
    "group_fits": _group_fits,
}


@st.cache_data(show_spinner=False, max_entries=DATA_ENTRIES, scope="session")
def _on_upload(key: str, what: str, args: tuple, _table):
    """A computation on an uploaded table (``key`` names the table: digest, mapping, read options)."""
    return _ON_DATA[what](_table, *args)


@st.cache_data(show_spinner=False, max_entries=DATA_ENTRIES)
def _on_sample(key: str, what: str, args: tuple, _table):
    """A computation on the bundled sample (not user data: shared by all sessions)."""
    return _ON_DATA[what](_table, *args)


FITS = frozenset({"comparison", "customer_models", "group_fits"})  # model fits hold a copy of the data: kept fewer
FIT_ENTRIES = 4  # fits of an upload kept per session (a calibration date dragged makes many)


@st.cache_data(show_spinner=False, max_entries=FIT_ENTRIES, scope="session")
def _fit_on_upload(key: str, what: str, args: tuple, _table):
    """A model fit on an uploaded table: as ``_on_upload``, with fewer entries (each holds the data)."""
    return _ON_DATA[what](_table, *args)


def on_data(key: str, what: str, table, *args):
    """``what`` (a name in ``_ON_DATA``: "rfm", "cohorts", "orders", "derived", "subscriptions", "comparison",
    "customer_models") computed on the table that ``key`` (``ui.dataset.dataset_id``) names, cached per
    session for uploads (model fits: at most ``FIT_ENTRIES``), globally for the sample."""
    if key.startswith("sample:"):
        fn = _on_sample
    else:
        fn = _fit_on_upload if what in FITS else _on_upload
    return fn(key, what, tuple(args), table)


@st.cache_data(show_spinner=False, max_entries=UPLOAD_ENTRIES, scope="session")
def upload_sheets(digest: str, filename: str, _raw: bytes) -> list[str]:
    """The sheet names of an uploaded workbook (``clv.data.sheet_names``)."""
    return data.sheet_names(_raw, filename=filename)


def upload_columns(digest: str, filename: str, sheet: str | None, _raw: bytes) -> list[str]:
    """The column names of an uploaded table (for the mapping's choices, even when it cannot be read
    with the guessed mapping). Raises ``clv.DataError`` for a file that is not a table."""
    return list(upload_table(digest, filename, sheet, None, _raw).table.column_names)


# ---- Predictions (pages/predictions.py): model fits, cached per dataset ---------------------------------
# The sample's fits are shared (global scope); fits on an upload stay in the user's session (``on_data``).
# ``dataset`` is ``ui.dataset.dataset_id(kind)``, which names the data; the DataFrame itself is passed unhashed.
def prediction_comparison(dataset: str, calibration_end: str, models: tuple, _transactions):
    """``clv.predict.compare_models`` (calibration fits, holdout validation, weekly tracking), cached."""
    return on_data(dataset, "comparison", _transactions, calibration_end, tuple(models))


def customer_models(dataset: str, model: str, source: str, _frame):
    """``clv.predict.fit_customer_models`` on the whole period (``source``: "transactions" or "summary")."""
    return on_data(dataset, "customer_models", _frame, model, source)


@st.cache_data(show_spinner=False, max_entries=16, scope="session")
def customer_values(dataset: str, model: str, source: str, horizon_months: int, annual_discount_rate: float, _models):
    """``clv.predict.customer_values`` for one horizon and rate (``_models`` named by the other keys)."""
    return predict.customer_values(_models, horizon_months, annual_discount_rate)


@st.cache_data(show_spinner=False, max_entries=8, scope="session")
def value_intervals(
    dataset: str, model: str, source: str, horizon_months: int, annual_discount_rate: float, margin: float, _models
):
    """``clv.predict.value_intervals`` (each customer's CLV range and the totals'), for one horizon and rate."""
    return predict.value_intervals(
        _models.transaction_model,
        _models.spend_model,
        _models.summary,
        months=horizon_months,
        monthly_discount_rate=(1.0 + annual_discount_rate) ** (1.0 / 12.0) - 1.0,
        gross_margin=margin,
    )


@st.cache_data(show_spinner=False, max_entries=4, scope="session")
def subscription_cohorts(dataset: str, _subscriptions):
    """Active counts per monthly start cohort (``clv.predict.subscription_cohorts``)."""
    return predict.subscription_cohorts(_subscriptions)


@st.cache_data(show_spinner=False, max_entries=8, scope="session")
def group_values(dataset: str, by: str, horizon_months: int, annual_discount_rate: float, _fits):
    """``clv.groups.group_values``: each group's mean predicted CLV with its interval (``_fits`` named by the
    other keys: the data and the grouping)."""
    return groups.group_values(_fits, horizon_months, annual_discount_rate)
