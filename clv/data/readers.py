"""The public readers: a transaction log, a per-customer summary, subscriptions, and the bundled samples.
Each maps the columns, converts them once, and sets aside every row that cannot be used with one reason."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import DataError, InputError
from . import payments
from .amounts import AMBIGUOUS_DECIMAL as AMOUNT_AMBIGUOUS
from .amounts import IMPLAUSIBLE as AMOUNT_IMPLAUSIBLE
from .amounts import NOT_A_NUMBER as AMOUNT_NOT_A_NUMBER
from .amounts import parse_amounts, read_amounts
from .dates import parse_dates
from .files import ReadOptions, _frame_raw, _read_raw, give_back_memory
from .mapping import (
    GROUP_ROLES,
    REQUIRED_ROLES,
    ROLES,
    SUBSCRIPTION_REQUIRED,
    SUBSCRIPTION_ROLES,
    _guess,
    _guess_subscriptions,
    _header_score,
    _norm_header,
    _resolve_mapping,
)
from .parse import _customer_ids, _row_currencies, parse_ids
from .report import (
    SUBSCRIPTION_REASONS,
    SUMMARY_REASONS,
    TRANSACTION_REASONS,
    LoadResult,
    _report,
    _report_parts,
    take_rows,
)
from .text import as_array as _as_array
from .text import to_text as _to_text

SUMMARY_COLUMNS = ("frequency", "recency", "T", "monetary_value")
FEW_KEYS = 32  # repeated duplicate keys found by comparing each with the column (more: by sorting rows)


def guess_mapping(df) -> dict[str, str]:
    """Guess which column plays each role, from header names (English and Arabic) and content.

    Returns ``{role: column}`` for the roles found among ``customer_id``, ``date``, ``amount`` and the
    optional ``order_id``, ``quantity``, ``product``, ``channel``. Raises ``DataError`` when no column
    can be the date, the amount or the customer.

    >>> df = pd.DataFrame({"رقم العميل": ["a", "b", "a"], "التاريخ": ["2024-01-01"] * 3, "المبلغ": ["5", "6", "7"]})
    >>> guess_mapping(df)
    {'customer_id': 'رقم العميل', 'date': 'التاريخ', 'amount': 'المبلغ'}
    """
    table = df if isinstance(df, pa.Table) else _frame_raw(df).table
    return _guess(table)


def _assign(code: np.ndarray, mask: np.ndarray, value: int) -> None:
    code[(code == 0) & mask] = value


def _key_repeats(codes: np.ndarray, when: np.ndarray, amount: np.ndarray) -> np.ndarray:
    """True where (customer code, date, amount) occurs more than once. A 64-bit mix of the three is
    compared, after sorting (faster than hashing a million keys); a collision only adds a candidate,
    which the exact whole-row check then clears.

    >>> day = np.array(["2024-01-01", "2024-01-01", "2024-01-01", "2024-01-02"], dtype="datetime64[ns]")
    >>> _key_repeats(np.array([0, 0, 1, 0]), day, np.array([5.0, 5.0, 5.0, 5.0])).tolist()
    [True, True, False, False]
    """
    with np.errstate(over="ignore"):  # (in place: one array of temporaries)
        h = codes.astype(np.uint64)
        h *= np.uint64(0x9E3779B97F4A7C15)
        mix = np.multiply(when.view(np.uint64), np.uint64(0xC2B2AE3D27D4EB4F))
        h ^= mix
        np.multiply(
            np.ascontiguousarray(amount, dtype=np.float64).view(np.uint64), np.uint64(0x165667B19E3779F9), out=mix
        )
        h ^= mix
        del mix
    ordered = np.sort(h)
    same = ordered[1:] == ordered[:-1]
    keys = np.unique(ordered[1:][same])  # the keys that repeat (usually a handful)
    if keys.size <= FEW_KEYS:
        out = np.zeros(h.size, dtype=bool)
        for key in keys:
            out |= h == key
        return out
    order = np.argsort(h)
    repeated = np.zeros(h.size, dtype=bool)
    repeated[1:] = same
    repeated[:-1] |= same
    out = np.empty(h.size, dtype=bool)
    out[order] = repeated
    return out


def _kept_ids(col, keep: np.ndarray | None) -> pd.Series:
    """``parse_ids`` of the rows marked in ``keep`` (None: every row) as text (order id, product,
    channel): trimmed after filtering, and not copied when no value needs trimming.

    >>> _kept_ids(pa.array([" web", "app", None]), np.array([True, False, True])).tolist()
    ['web', nan]
    """
    col = col if keep is None else col.filter(pa.array(keep))
    if isinstance(col, pa.ChunkedArray) and col.num_chunks > 1:  # block by block: no copy joining them
        return pa.chunked_array([parse_ids(chunk) for chunk in col.chunks]).to_pandas()
    return parse_ids(col).to_pandas()


def _exact_duplicates(table: pa.Table, candidates: np.ndarray) -> np.ndarray:
    """Boolean array: row is an exact copy (every column) of an earlier row. ``candidates`` narrows the
    search to rows sharing the cheap key (customer, date, amount)."""
    out = np.zeros(table.num_rows, dtype=bool)
    idx = np.flatnonzero(candidates)
    if idx.size:
        sub = take_rows(table, idx).to_pandas()
        out[idx[sub.duplicated(keep="first").to_numpy()]] = True
    return out


def _no_valid_rows(report, entries) -> DataError:
    """The error when no row could be used, carrying the report (so the page can still show it)."""
    err = DataError(
        "data.errors.no_valid_rows",
        read=report.rows_read,
        reasons="; ".join(f"{s.label()}: {s.count}" for s in entries),
    )
    err.report = report
    return err


def _analysis_date(options: ReadOptions) -> pd.Timestamp:
    return options.analysis_date if options.analysis_date is not None else pd.Timestamp.today().normalize()


# ----------------------------------------------------------------------------------------------
# Public readers
# ----------------------------------------------------------------------------------------------


def read_transactions(
    source, filename: str | None = None, mapping: dict | None = None, options: ReadOptions | None = None
) -> LoadResult:
    """Read and validate a transaction log: one row per order (or order line).

    ``source``: a path, bytes, a file-like object, or a DataFrame. ``filename`` helps detect the format
    (.csv/.tsv/.txt, .xlsx, .parquet; the content is checked too). ``mapping``: ``{role: column}`` to
    correct the guessed columns (roles: customer_id, date, amount, order_id, quantity, product, channel).

    Rows are set aside (never dropped silently) for, in this order: a malformed line, a missing
    customer id, an unreadable date, a non-numeric amount, a zero amount, a negative amount (only with
    ``returns="set_aside"``), an exact duplicate of an earlier row, a date after the analysis date, and
    (``returns="net"``) a return by a customer with no purchase kept.
    Raises ``DataError`` for files that cannot be used at all (empty, not a table, no date/amount/customer
    column, fewer than two customers, too many columns, unsupported format, a mapped column missing).
    """
    try:
        return _transactions(source, filename, mapping, options or ReadOptions())
    finally:
        give_back_memory()  # the raw table and the intermediate columns, gone now


def _transactions(source, filename: str | None, mapping: dict | None, options: ReadOptions) -> LoadResult:
    raw = _read_raw(source, filename, options)
    table = raw.table
    if table.num_columns < 2:
        raise DataError("data.errors.not_table_one_column")
    used = _resolve_mapping(
        table, mapping, ROLES, REQUIRED_ROLES, lambda t, need: _guess(t, raw.file_format == "xlsx", need)
    )
    n = table.num_rows
    analysis = _analysis_date(options)

    ids = _customer_ids(table[used["customer_id"]])
    cust_codes = ids.codes  # one code per customer, -1 where a row has none
    dates = parse_dates(table[used["date"]], options.dayfirst, excel=raw.file_format == "xlsx")
    amounts = read_amounts(table[used["amount"]], options.decimal, raw.delimiter)
    amount = amounts.values
    give_back_memory()  # what reading the three columns used (hash tables of their distinct values)
    if dates.date_format is None and n:
        raise DataError("data.errors.date_unreadable", column=used["date"])
    reason_of = {r: i for i, r in enumerate(TRANSACTION_REASONS)}
    code = np.zeros(n, dtype=np.int8)
    _assign(code, cust_codes < 0, reason_of["missing_customer"])
    if raw.undecodable_rows:
        undecodable = pc.fill_null(pc.match_substring(ids.names, "\ufffd"), False).to_numpy(zero_copy_only=False)
        _assign(code, ids.marked(undecodable), reason_of["undecodable_customer"])
    # a payment that is not completed is not revenue, whatever its date or amount
    statuses, paid = None, ()
    if "status" in used:
        statuses = payments.normalise_status(_as_array(table[used["status"]]))
        paid = options.paid_statuses if options.paid_statuses is not None else payments.PAID
        not_paid = ~pc.fill_null(pc.is_in(statuses, pa.array(paid, type=pa.string())), True).to_numpy(
            zero_copy_only=False
        )
        _assign(code, not_paid, reason_of["not_paid"])
    _assign(code, np.isnat(dates.values), reason_of["unreadable_date"])
    _assign(code, amounts.status == AMOUNT_NOT_A_NUMBER, reason_of["non_numeric_amount"])
    _assign(code, amounts.status == AMOUNT_AMBIGUOUS, reason_of["ambiguous_decimal"])
    _assign(code, amounts.status == AMOUNT_IMPLAUSIBLE, reason_of["implausible_amount"])
    currencies = _row_currencies(table, used, amounts)
    chosen, present = None, {}
    if currencies is not None:
        ok = code == 0
        present = payments.counts(currencies[ok & (currencies != None)])  # noqa: E711 (object array)
        chosen = options.currency.upper() if options.currency else next(iter(present), None)
        if chosen is not None:
            other = (currencies != None) & (currencies != chosen)  # noqa: E711
            _assign(code, other, reason_of["other_currency"])
    _assign(code, amount == 0, reason_of["zero_amount"])
    if options.returns == "set_aside":
        _assign(code, amount < 0, reason_of["negative_amount"])
    # exact duplicates: cheap key first (customer, date, amount), then whole rows among the candidates
    ok = code == 0
    if ok.all():  # (no copies)
        candidates = _key_repeats(cust_codes, dates.values, amount)
    else:
        candidates = np.zeros(n, dtype=bool)
        candidates[np.flatnonzero(ok)] = _key_repeats(cust_codes[ok], dates.values[ok], amount[ok])
    _assign(code, _exact_duplicates(table, candidates), reason_of["duplicate_row"])
    _assign(code, dates.values >= (analysis + pd.Timedelta(days=1)).to_datetime64(), reason_of["after_analysis_date"])
    if options.returns == "net":
        ok = code == 0
        buyers = np.zeros(max(int(cust_codes.max()) + 1 if n else 0, 1), dtype=bool)
        buyers[cust_codes[ok & (amount > 0)]] = True
        _assign(code, ok & (amount < 0) & ~buyers[np.where(ok, cust_codes, 0)], reason_of["return_without_purchase"])
    keep = code == 0
    entries, set_aside = _report_parts(table, code, TRANSACTION_REASONS, raw.malformed, raw.row_numbers)
    rows_kept = int(keep.sum())
    report = _report(
        raw,
        n,
        rows_kept,
        entries,
        set_aside,
        decimal=amounts.decimal,
        date_format=dates.date_format,
        dayfirst=dates.dayfirst,
        date_ambiguous=dates.ambiguous,
        date_other_format=dates.other_format,
        analysis_date=analysis,
        returns_mode=options.returns,
        returns_netted=int((keep & (amount < 0)).sum()),
        status_column=used.get("status"),
        paid_statuses=tuple(paid),
        statuses_set_aside=payments.counts(statuses.to_numpy(zero_copy_only=False)[code == reason_of["not_paid"]])
        if statuses is not None
        else {},
        statuses_found=payments.counts(statuses.drop_null().to_numpy(zero_copy_only=False))
        if statuses is not None
        else {},
        currencies_found=present if currencies is not None else {},
        currency=chosen,
        currencies_set_aside=payments.counts(currencies[code == reason_of["other_currency"]])
        if currencies is not None
        else {},
        ids_merged_by_case=ids.merged,
    )
    if rows_kept == 0:
        raise _no_valid_rows(report, entries)
    every = rows_kept == n
    kept = (lambda values: values) if every else (lambda values: values[keep])  # (no copies when all are)
    out = {
        "customer_id": ids.rows(None if every else keep).to_pandas(),
        "date": pd.Series(kept(dates.values), dtype="datetime64[ns]", copy=False),
        "amount": pd.Series(kept(amount), dtype=float, copy=False),
    }
    if "order_id" in used:
        out["order_id"] = _kept_ids(table[used["order_id"]], None if every else keep)
    if "quantity" in used:
        quantity = parse_amounts(table[used["quantity"]], amounts.decimal, raw.delimiter)[0]
        out["quantity"] = pd.Series(kept(quantity), copy=False)
    for role in GROUP_ROLES:
        if role in used:
            out[role] = _kept_ids(table[used[role]], None if every else keep)
    transactions = pd.DataFrame(out, copy=False)  # (no copy of the columns into blocks)
    kept_codes = cust_codes[keep]
    if kept_codes.min() == kept_codes.max():
        err = DataError("data.errors.single_customer", customer=str(transactions["customer_id"].iloc[0]))
        err.report = report
        raise err
    return LoadResult(transactions=transactions, mapping=used, report=report)


def read_summary(source, filename: str | None = None, options: ReadOptions | None = None) -> LoadResult:
    """Read an already summarised table: one row per customer with ``frequency`` (repeat purchases,
    whole number >= 0), ``recency`` (age at last purchase, 0 when frequency is 0), ``T`` (age at the end
    of observation, >= recency) and ``monetary_value`` (mean repeat purchase value, >= 0), in one time
    unit. A customer column is found by name (or the first other column); rows breaking a rule are
    set aside with the reason. Returns ``LoadResult(kind="summary")`` whose table is indexed by customer.
    """
    options = options or ReadOptions()
    raw = _read_raw(source, filename, options)
    table = raw.table
    lookup = {_norm_header(n): n for n in table.column_names}
    aliases = {
        "frequency": ("frequency", "x", "frequency_cal"),
        "recency": ("recency", "t_x", "recency_cal"),
        "T": ("t", "t_cal", "age"),
        "monetary_value": ("monetary_value", "zbar", "monetary", "m", "monetary_value_cal", "avg_value"),
    }
    used: dict[str, str] = {}
    for name, alias in aliases.items():
        hit = next((lookup[a] for a in alias if a in lookup), None)
        if hit is None:
            raise DataError("data.errors.summary_column", column=name, columns=", ".join(table.column_names))
        used[name] = hit
    others = [n for n in table.column_names if n not in used.values()]
    cust_col = next(
        (n for n in others if _header_score("customer_id", n) > 0 or _norm_header(n) in ("id", "customer_id")),
        others[0] if others else None,
    )
    if cust_col is None:
        raise DataError("data.errors.no_customer", columns=", ".join(table.column_names))
    used = {"customer_id": cust_col, **used}
    n = table.num_rows
    cust = parse_ids(table[cust_col])
    vals = {k: parse_amounts(table[used[k]], options.decimal, raw.delimiter)[0] for k in SUMMARY_COLUMNS}
    reason_of = {r: i for i, r in enumerate(SUMMARY_REASONS)}
    code = np.zeros(n, dtype=np.int8)
    f, r, T, m = (vals[k] for k in SUMMARY_COLUMNS)
    _assign(code, pc.is_null(cust).to_numpy(zero_copy_only=False), reason_of["missing_customer"])
    _assign(code, np.isnan(f) | np.isnan(r) | np.isnan(T) | np.isnan(m), reason_of["non_numeric_summary"])
    with np.errstate(invalid="ignore"):
        _assign(code, (f < 0) | (r < 0) | (T < 0) | (m < 0), reason_of["negative_summary"])
        _assign(code, f != np.round(f), reason_of["non_integer_frequency"])
        _assign(code, r > T, reason_of["recency_after_T"])
        _assign(code, (f == 0) & ((r != 0) | (m != 0)), reason_of["zero_frequency_with_recency"])
    ids = cust.to_pandas()
    _assign(code, (ids.duplicated(keep="first") & ids.notna()).to_numpy(), reason_of["duplicate_customer"])
    keep = code == 0
    entries, set_aside = _report_parts(table, code, SUMMARY_REASONS, raw.malformed, raw.row_numbers)
    report = _report(raw, n, int(keep.sum()), entries, set_aside)
    if not keep.any():
        raise _no_valid_rows(report, entries)
    summary = pd.DataFrame(
        {k: vals[k][keep] for k in SUMMARY_COLUMNS}, index=pd.Index(ids[keep].to_numpy(), name="customer_id", dtype=str)
    )
    return LoadResult(transactions=summary, mapping=used, report=report, kind="summary")


def read_subscriptions(
    source, filename: str | None = None, mapping: dict | None = None, options: ReadOptions | None = None
) -> LoadResult:
    """Read a subscriptions table: customer, plan (optional), start date, end or cancel date (empty =
    still active), monthly amount. Rows are set aside for a missing customer, an unreadable start or
    end date, a non-numeric or negative amount, an end before the start, an exact duplicate, or a start
    after the analysis date. Returns ``LoadResult(kind="subscriptions")`` with columns ``customer_id``,
    ``plan``, ``start_date``, ``end_date`` (NaT = active) and ``monthly_amount``.
    """
    options = options or ReadOptions()
    raw = _read_raw(source, filename, options)
    table = raw.table
    used = _resolve_mapping(table, mapping, SUBSCRIPTION_ROLES, SUBSCRIPTION_REQUIRED, _guess_subscriptions)
    n = table.num_rows
    analysis = _analysis_date(options)
    cust = parse_ids(table[used["customer_id"]])
    excel = raw.file_format == "xlsx"
    start = parse_dates(table[used["start_date"]], options.dayfirst, excel)
    if "end_date" in used:
        end_text = _to_text(_as_array(table[used["end_date"]])) if not excel else table[used["end_date"]]
        end = parse_dates(end_text, start.dayfirst if start.dayfirst is not None else options.dayfirst, excel)
        end_given = ~pc.is_null(_as_array(table[used["end_date"]])).to_numpy(zero_copy_only=False)
        if not excel:
            end_given = ~pc.is_null(end_text).to_numpy(zero_copy_only=False)
        end_values = end.values
    else:
        end_given = np.zeros(n, dtype=bool)
        end_values = np.full(n, np.datetime64("NaT", "ns"))
    amount, decimal = parse_amounts(table[used["monthly_amount"]], options.decimal, raw.delimiter)
    reason_of = {r: i for i, r in enumerate(SUBSCRIPTION_REASONS)}
    code = np.zeros(n, dtype=np.int8)
    _assign(code, pc.is_null(cust).to_numpy(zero_copy_only=False), reason_of["missing_customer"])
    _assign(code, np.isnat(start.values), reason_of["unreadable_date"])
    _assign(code, end_given & np.isnat(end_values), reason_of["unreadable_end_date"])
    _assign(code, np.isnan(amount), reason_of["non_numeric_amount"])
    _assign(code, amount < 0, reason_of["negative_amount"])
    _assign(code, end_given & ~np.isnat(end_values) & (end_values < start.values), reason_of["end_before_start"])
    ok = code == 0
    dup = np.zeros(n, dtype=bool)
    dup[np.flatnonzero(ok)] = table.filter(pa.array(ok)).to_pandas().duplicated(keep="first").to_numpy()
    _assign(code, dup, reason_of["duplicate_row"])
    _assign(code, start.values >= (analysis + pd.Timedelta(days=1)).to_datetime64(), reason_of["after_analysis_date"])
    keep = code == 0
    entries, set_aside = _report_parts(table, code, SUBSCRIPTION_REASONS, raw.malformed, raw.row_numbers)
    report = _report(
        raw,
        n,
        int(keep.sum()),
        entries,
        set_aside,
        decimal=decimal,
        date_format=start.date_format,
        dayfirst=start.dayfirst,
        date_ambiguous=start.ambiguous,
        date_other_format=start.other_format,
        analysis_date=analysis,
    )
    if not keep.any():
        raise _no_valid_rows(report, entries)
    mask = pa.array(keep)
    subs = pd.DataFrame(
        {
            "customer_id": cust.filter(mask).to_pandas(),
            "plan": (
                parse_ids(table[used["plan"]]).filter(mask).to_pandas()
                if "plan" in used
                else pd.Series([""] * int(keep.sum()), dtype=str)
            ),
            "start_date": pd.Series(start.values[keep], dtype="datetime64[ns]"),
            "end_date": pd.Series(end_values[keep], dtype="datetime64[ns]"),
            "monthly_amount": amount[keep],
        }
    )
    return LoadResult(transactions=subs, mapping=used, report=report, kind="subscriptions")


SAMPLE_DIR = Path(__file__).resolve().parents[2] / "sample_data"
SAMPLES = {"transactions": "transactions.csv", "subscriptions": "subscriptions.csv", "summary": "summary_example.csv"}


def load_sample(name: str = "transactions") -> LoadResult:
    """The bundled sample data as a validated ``LoadResult`` (see sample_data/README.md for the true
    generating parameters). ``name``: "transactions", "subscriptions" or "summary".

    >>> res = load_sample("transactions")
    >>> res.report.rows_read == res.report.rows_kept, res.transactions["customer_id"].nunique()
    (True, 10000)
    """
    if name not in SAMPLES:
        raise InputError("name", name, "data.allowed.sample")
    path = SAMPLE_DIR / SAMPLES[name]
    opts = ReadOptions(analysis_date="2025-12-31")
    if name == "transactions":
        return read_transactions(path, options=opts)
    if name == "subscriptions":
        return read_subscriptions(path, options=opts)
    return read_summary(path)


def sample_channels() -> pd.DataFrame:
    """The sample log's acquisition channels (``sample_data/channels.csv``): share of customers, the true
    BG/NBD (r, alpha, a, b; days) and Gamma-Gamma (p, q, gamma) parameters and the CAC, indexed by channel.

    >>> float(sample_channels().loc["social_ads", "cac"]), list(sample_channels().index)
    (250.0, ['web', 'app', 'marketplace', 'social_ads'])
    """
    return pd.read_csv(SAMPLE_DIR / "channels.csv", index_col="channel")
