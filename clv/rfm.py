"""Per-customer summaries (frequency, recency, T, monetary value) and RFM scores and segments.

``summarize`` has exactly the semantics of ``lifetimes.utils.summary_data_from_transaction_data`` and
``calibration_and_holdout_data`` (lifetimes 0.11.3), computed on integer codes with NumPy:

- Each date is mapped to its period (``freq``: "D" days, "W" weeks, "M" months, "h" hours ...);
  purchases by one customer in the same period merge into one, their amounts summed.
- ``frequency`` = number of periods with a purchase - 1 (the first purchase is not a repeat);
  ``recency`` = periods from the first to the last purchase; ``T`` = periods from the first purchase
  to the end of observation; both divided by ``freq_multiplier`` (``freq="D", freq_multiplier=7``
  gives weeks measured in days / 7, the published CDNOW values; ``freq="W"`` counts calendar weeks).
- ``monetary_value`` = mean of the summed amounts of the repeat periods (0 without repeats).
- ``observation_end`` (default: the last date) cuts off later purchases; it is taken to its period.
- With ``calibration_end``: the summary covers dates <= calibration_end (observation ends there), and
  ``frequency_holdout`` (periods with a purchase after calibration_end up to observation_end),
  ``monetary_value_holdout`` (mean of the holdout transactions, row by row as lifetimes does) and
  ``duration_holdout`` ((period of observation_end - period of calibration_end) / freq_multiplier)
  are added; customers first seen in the holdout are not included.

Returns (negative amounts kept by ``clv.data.ReadOptions(returns="net")``) are not purchases: they
do not create a period; each is netted against the customer's latest purchase period on or before
it (or the first period if it came earlier), reducing that period's amount. With no negative
amounts the result is lifetimes' exactly.

Time units differ from lifetimes only for calendar frequencies longer than a week ("M", "Q", "Y"):
lifetimes divides by ``np.timedelta64(1, freq)``, we count calendar periods (whole numbers).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from . import i18n
from .errors import InputError

SCORE_LEVELS = 5  # quintile scores 1..5
SEGMENTS = (
    "champions",
    "loyal",
    "potential_loyalist",
    "new",
    "promising",
    "need_attention",
    "about_to_sleep",
    "at_risk",
    "cannot_lose",
    "hibernating",
    "lost",
)


def unique_ints(keys: np.ndarray) -> np.ndarray:
    """Sorted distinct values of an integer array, by sorting (NumPy 2.4's hash-based ``np.unique``
    is several times slower on a million int64 keys).

    >>> unique_ints(np.array([3, 1, 3, 2])).tolist()
    [1, 2, 3]
    """
    k = np.sort(np.asarray(keys), kind="quicksort")
    return k[np.r_[True, k[1:] != k[:-1]]] if k.size else k


def kahan_sums(values: np.ndarray, starts: np.ndarray, sizes: np.ndarray | None = None) -> np.ndarray:
    """Sums of consecutive groups of ``values`` (group g is ``values[starts[g]:starts[g + 1]]``, the last
    to the end, or ``values[starts[g]:starts[g] + sizes[g]]`` with ``sizes``; every group non-empty,
    in increasing order), each added one value at a time in order with Kahan's
    compensation: y = v - c; t = s + y; c = (t - s) - y; s = t. That is how pandas' groupby sum and mean
    add (``group_sum``/``group_mean``), so lifetimes' monetary value comes out to the last bit.

    Vectorised across groups: step k adds the k-th value of every group that long; the groups still
    being added are narrowed after each step (no sort), so the work is one pass over the values.

    >>> kahan_sums(np.full(12, 0.1), np.array([0, 10])).tolist()   # sum([0.1] * 10) is 0.9999999999999999
    [1.0, 0.2]
    >>> kahan_sums(np.array([9.0, 1.0, 2.0, 9.0, 3.0]), np.array([1, 4]), sizes=np.array([2, 1])).tolist()
    [3.0, 3.0]
    """
    values = np.asarray(values, dtype=float)
    starts = np.asarray(starts, dtype=np.int64)
    if starts.size == 0:
        return np.zeros(0)
    sizes = _sizes(starts, values.size) if sizes is None else np.asarray(sizes, dtype=np.int64)
    # step 0 on every group, from s = c = 0: t = 0 + v (which turns -0.0 into 0.0, as pandas does); c is
    # kept, in compact arrays, only for the groups with more values (few, where each day is one purchase)
    total = values[starts]
    total += 0.0
    live = np.flatnonzero(sizes > 1)
    if live.size:
        first, size, t = starts[live], sizes[live], total[live]
        comp = (t - 0.0) - values[first]
        at = np.arange(live.size)  # positions (in the compact arrays) of the groups longer than k
        k = 1
        while at.size:
            y = values[first[at] + k] - comp[at]
            s = t[at]
            u = s + y
            comp[at] = (u - s) - y
            t[at] = u
            k += 1
            at = at[size[at] > k]
        total[live] = t
    return total


def _sizes(starts: np.ndarray, n: int) -> np.ndarray:
    """Lengths of the consecutive groups starting at ``starts`` in ``n`` values (one array, no temporaries).

    >>> _sizes(np.array([0, 2, 3]), 7).tolist()
    [2, 1, 4]
    """
    sizes = np.empty(starts.size, dtype=np.int64)
    np.subtract(starts[1:], starts[:-1], out=sizes[:-1])
    sizes[-1:] = n - starts[-1:]
    return sizes


def sort_with_rows(key: np.ndarray, bound: int) -> tuple[np.ndarray, np.ndarray]:
    """(order, key[order]) for a non-negative int64 ``key`` below ``bound``, rows of equal keys in their
    own order (a stable sort). Key and row number are packed into one int64 and sorted as values, which is
    several times faster than ``np.argsort`` (a vectorised value sort; half the memory traffic); when they
    do not fit in 63 bits, a stable argsort. ``key`` is used as the workspace (overwritten).

    >>> order, ks = sort_with_rows(np.array([3, 1, 3, 0]), 4)
    >>> order.tolist(), ks.tolist()
    ([3, 1, 0, 2], [0, 1, 3, 3])
    """
    n = key.size
    shift = max(int(n - 1).bit_length(), 1)
    if max(int(bound) - 1, 0).bit_length() + shift > 63:
        order = np.argsort(key, kind="stable")
        return order, key[order]
    order = np.arange(n, dtype=np.int64)  # the row numbers, then (same array) the order
    key <<= shift
    key |= order
    key.sort()
    np.bitwise_and(key, (1 << shift) - 1, out=order)
    key >>= shift
    return order, key


def _periods(dates: pd.Series, freq: str) -> np.ndarray:
    """Integer period ordinals (pandas Period ordinals) of datetime values."""
    values = pd.to_datetime(dates)
    if freq in ("D", "d"):
        return values.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").view(np.int64)
    return pd.PeriodIndex(values, freq=freq).asi8


def _period_of(stamp, freq: str) -> int:
    return int(_periods(pd.Series([pd.Timestamp(stamp)]), freq)[0])


def _core(
    codes: np.ndarray,
    periods: np.ndarray,
    amounts: np.ndarray | None,
    n_customers: int,
    end_period: int,
    multiplier: float,
    times: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """frequency/recency/T/monetary per customer code (NaN rows for customers without purchases).

    Monetary value as lifetimes computes it, to the last bit: rows sorted by (customer, time, amount)
    (``times``: the raw timestamps as int64), each period's amounts summed in that order, then the mean
    of the repeat periods' sums, both with Kahan's compensated sum (``kahan_sums``, as pandas adds).
    """
    use = periods <= end_period
    if amounts is not None:
        returns = use & (amounts < 0)
        buys = use & ~returns
    else:
        returns, buys = np.zeros_like(use), use
    every = bool(buys.all())  # the usual case: no copies of the columns
    bcodes = codes if every else codes[buys]
    bper = periods if every else periods[buys]
    base = int(periods[use].min()) if use.any() else 0
    span = int(periods[use].max()) - base + 1 if use.any() else 1
    key = bcodes.astype(np.int64)  # (in place: few arrays of a million values alive at once)
    key *= span
    key += bper
    key -= base
    order, key = sort_with_rows(key, n_customers * span)
    new = np.empty(key.size, dtype=bool)
    new[:1] = True
    np.not_equal(key[1:], key[:-1], out=new[1:])
    start = np.flatnonzero(new)
    uk = key[start]  # unique (customer, period) keys, sorted
    n_rows = key.size
    pcust = np.floor_divide(uk, span, out=key[: uk.size])  # (in the sorted keys' place: no new array)
    del key, new
    new = np.empty(uk.size, dtype=bool)
    new[:1] = True
    np.not_equal(pcust[1:], pcust[:-1], out=new[1:])
    first_of = np.flatnonzero(new)
    counts = np.diff(first_of, append=uk.size)
    cust_ids = pcust[first_of]
    last_of = first_of + counts - 1
    first_period = uk[first_of] % span + base
    out = {k: np.full(n_customers, np.nan) for k in ("frequency", "recency", "T", "monetary_value")}
    out["frequency"][cust_ids] = counts - 1
    out["recency"][cust_ids] = (uk[last_of] % span + base - first_period) / multiplier
    out["T"][cust_ids] = (end_period - first_period) / multiplier
    if amounts is not None:
        amt = amounts if every else amounts[buys]
        sizes = _sizes(start, n_rows)
        big = np.flatnonzero(sizes >= 3)
        lens = sizes[big]
        del sizes
        if big.size:  # rows of those groups by (time, amount), else in the file's order (a stable sort)
            at = np.repeat(start[big] - np.cumsum(lens) + lens, lens) + np.arange(int(lens.sum()))
            rows = order[at]
            group = np.repeat(uk[big], lens)  # each row's (customer, period) key
            if times is None:
                order[at] = rows[np.lexsort((rows, group))]
            else:
                when = times[rows] if every else times[np.flatnonzero(buys)[rows]]
                order[at] = rows[np.lexsort((rows, amt[rows], when, group))]
        ordered = amt[order]
        del order
        psum = kahan_sums(ordered, start)
        del ordered
        if returns.any():
            rkey = codes[returns].astype(np.int64) * span + (periods[returns] - base)
            rc = codes[returns].astype(np.int64)
            at = np.searchsorted(uk, rkey, side="right") - 1
            same = (at >= 0) & (pcust[np.clip(at, 0, None)] == rc) if uk.size else np.zeros(rc.size, bool)
            first_at = np.searchsorted(uk, rc * span, side="left")
            has_first = (
                (first_at < uk.size) & (pcust[np.clip(first_at, 0, max(uk.size - 1, 0))] == rc)
                if uk.size
                else np.zeros(rc.size, bool)
            )
            target = np.where(same, at, first_at)
            attach = same | has_first
            np.add.at(psum, target[attach], amounts[returns][attach])
        freq = counts - 1
        repeaters = freq > 0
        mean = np.zeros(freq.size)
        if repeaters.any():  # the periods after the first, in period order
            mean[repeaters] = kahan_sums(psum, first_of[repeaters] + 1, sizes=freq[repeaters]) / freq[repeaters]
        out["monetary_value"][cust_ids] = mean
    return out


def summarize(
    transactions: pd.DataFrame,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str | None = None,
    freq: str = "D",
    freq_multiplier: float = 1,
    observation_end=None,
    calibration_end=None,
) -> pd.DataFrame:
    """Per-customer ``frequency``, ``recency``, ``T`` (and ``monetary_value`` with ``amount_col``),
    indexed by customer (sorted), as floats; the lifetimes semantics (module docstring).

    >>> tx = pd.DataFrame({"c": ["a", "a", "a", "b"], "d": pd.to_datetime(["2024-01-01", "2024-01-01",
    ...     "2024-01-08", "2024-01-05"]), "v": [10.0, 5.0, 20.0, 7.0]})
    >>> summarize(tx, "c", "d", "v", observation_end="2024-01-15").to_dict("index")  # doctest: +NORMALIZE_WHITESPACE
    {'a': {'frequency': 1.0, 'recency': 7.0, 'T': 14.0, 'monetary_value': 20.0},
     'b': {'frequency': 0.0, 'recency': 0.0, 'T': 10.0, 'monetary_value': 0.0}}
    """
    for col in (customer_col, date_col) + ((amount_col,) if amount_col else ()):
        if col not in transactions.columns:
            raise InputError("column", col, "rfm.allowed.column", columns=", ".join(map(str, transactions.columns)))
    if not freq_multiplier or freq_multiplier <= 0:
        raise InputError("freq_multiplier", freq_multiplier, "allowed.positive")
    dates = pd.to_datetime(transactions[date_col])
    codes, uniques = pd.factorize(transactions[customer_col], sort=True)
    dated = dates.notna().to_numpy()
    valid = (codes >= 0) & dated
    periods = _periods(dates if dated.all() else dates.where(dated, pd.Timestamp(0)), freq)
    amounts = transactions[amount_col].to_numpy(dtype=float) if amount_col else None
    if amounts is not None:
        valid &= ~np.isnan(amounts)
    raw_dates = dates.to_numpy(dtype="datetime64[ns]")
    if not valid.all():  # (the usual case needs no copies)
        codes, periods, raw_dates = codes[valid], periods[valid], raw_dates[valid]
        amounts = amounts[valid] if amounts is not None else None
    times = raw_dates.view(np.int64)
    if observation_end is None:
        obs_stamp = pd.Timestamp(raw_dates.max()) if raw_dates.size else pd.Timestamp(0)
    else:
        obs_stamp = pd.Timestamp(observation_end)
    obs_period = _period_of(obs_stamp, freq)
    index = pd.Index(uniques, name=customer_col)
    if calibration_end is None:
        res = _core(codes, periods, amounts, len(uniques), obs_period, float(freq_multiplier), times)
        cols = ["frequency", "recency", "T"] + (["monetary_value"] if amount_col else [])
        out = pd.DataFrame({k: res[k] for k in cols}, index=index)
        return out[out["frequency"].notna()].astype(float)
    cal_stamp = pd.Timestamp(calibration_end)
    in_cal = raw_dates <= cal_stamp.to_datetime64()
    cal_period = _period_of(cal_stamp, freq)
    res = _core(
        codes[in_cal],
        periods[in_cal],
        amounts[in_cal] if amounts is not None else None,
        len(uniques),
        cal_period,
        float(freq_multiplier),
        times[in_cal],
    )
    cols = ["frequency", "recency", "T"] + (["monetary_value"] if amount_col else [])
    out = pd.DataFrame({k: res[k] for k in cols}, index=index)
    hold = ~in_cal & (raw_dates <= obs_stamp.to_datetime64())
    hc, hp = codes[hold].astype(np.int64), periods[hold]
    ha = amounts[hold] if amounts is not None else None
    buys = ha >= 0 if ha is not None else np.ones(hc.size, bool)
    pairs = unique_ints(
        hc[buys] * (int(hp.max() - hp.min()) + 1 if hp.size else 1) + (hp[buys] - (hp.min() if hp.size else 0))
    )
    span = int(hp.max() - hp.min()) + 1 if hp.size else 1
    out["frequency_holdout"] = (
        np.bincount(pairs // span, minlength=len(uniques)).astype(float) if pairs.size else np.zeros(len(uniques))
    )
    if amount_col:
        n_buys = np.bincount(hc[buys], minlength=len(uniques))
        by_customer = np.argsort(hc, kind="stable")  # each customer's rows in the file's order
        sorted_c = hc[by_customer]
        heads = np.flatnonzero(np.r_[True, sorted_c[1:] != sorted_c[:-1]]) if hc.size else np.array([], np.int64)
        total = np.zeros(len(uniques))
        total[sorted_c[heads]] = kahan_sums(ha[by_customer], heads) if hc.size else np.array([])
        with np.errstate(invalid="ignore", divide="ignore"):
            out["monetary_value_holdout"] = np.where(n_buys > 0, total / np.maximum(n_buys, 1), 0.0)
    out["duration_holdout"] = (obs_period - cal_period) / float(freq_multiplier)
    return out[out["frequency"].notna()].astype(float)


SQL_DIR = Path(__file__).resolve().parent / "sql"


def summary_sql() -> str:
    """SQL (DuckDB dialect) giving the same per-customer summary as ``summarize(..., freq="D")`` from a
    table ``transactions(customer_id, date, amount)``, observation ending at its latest date: the text of
    ``clv/sql/summary.sql``, which is ``clv.warehouse.summary_sql("duckdb")`` with a comment above it (a
    test keeps them equal). Other dialects, ends, a holdout and other periods: ``clv.warehouse``.

    >>> 'AS "monetary_value"' in summary_sql() and "FROM transactions" in summary_sql()
    True
    """
    return (SQL_DIR / "summary.sql").read_text(encoding="utf-8")


def customer_summary(result, freq: str = "D", freq_multiplier: float = 1, observation_end=None) -> pd.DataFrame:
    """``summarize`` for a ``clv.data.LoadResult`` (customer_id, date, amount). Observation ends at
    ``observation_end`` if given, else at the last transaction date (as lifetimes does; the report's
    analysis date, by default today, would age every customer for the time since the export). Days
    by default."""
    tx = result.transactions
    end = observation_end
    return summarize(
        tx, "customer_id", "date", "amount", freq=freq, freq_multiplier=freq_multiplier, observation_end=end
    )


# ----------------------------------------------------------------------------------------------
# RFM scores and segments
# ----------------------------------------------------------------------------------------------


def _quintile(values: np.ndarray, ascending: bool = True) -> np.ndarray:
    """Scores 1..5 by quintiles of rank. Ties: ranks are taken with method="first" on the values in a
    stable order (the customer order), so equal values may straddle a boundary, but every score gets
    an equal share of customers (within one); higher values score higher when ``ascending``."""
    n = values.size
    if n == 0:
        return np.array([], dtype=np.int8)
    v = values if ascending else -values
    order = np.argsort(v, kind="stable")
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    return (rank * SCORE_LEVELS // n + 1).astype(np.int8)


def rfm_scores(
    summary: pd.DataFrame,
    recency_col: str = "recency_days",
    frequency_col: str = "orders",
    monetary_col: str = "revenue",
) -> pd.DataFrame:
    """R, F and M scores 1..5 by quintiles, the code ("545") and the segment code.

    ``summary`` needs the days since the last purchase (``recency_days``: fewer is better), the
    number of orders and the revenue (or mean order value) per customer; ``rfm_table`` builds it from
    transactions. Scores are quintiles of rank (ties by the stable customer order, ``_quintile``);
    R scores 5 for the most recent fifth. The segment follows ``segment_of`` on R and the mean of F
    and M.

    >>> s = pd.DataFrame({"recency_days": [1, 50, 100, 200, 300], "orders": [10, 5, 3, 2, 1],
    ...                   "revenue": [900, 400, 200, 100, 50]}, index=list("abcde"))
    >>> rfm_scores(s)[["R", "F", "M", "rfm", "segment"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [[5, 5, 5, '555', 'champions'], [4, 4, 4, '444', 'loyal'], [3, 3, 3, '333', 'need_attention'],
     [2, 2, 2, '222', 'hibernating'], [1, 1, 1, '111', 'lost']]
    """
    out = summary.copy()
    out["R"] = _quintile(summary[recency_col].to_numpy(dtype=float), ascending=False)
    out["F"] = _quintile(summary[frequency_col].to_numpy(dtype=float))
    out["M"] = _quintile(summary[monetary_col].to_numpy(dtype=float))
    out["rfm"] = out["R"].astype(str) + out["F"].astype(str) + out["M"].astype(str)
    out["segment"] = segment_of(out["R"].to_numpy(), (out["F"].to_numpy() + out["M"].to_numpy()) / 2)
    return out


# The R x FM grid (R = recency score, FM = mean of F and M scores, rounded half up). Rules are checked
# in this order; the first that matches names the segment.
SEGMENT_RULES = (
    ("champions", (5, 5), (4, 5)),  # (segment, (R low, R high), (FM low, FM high))
    ("loyal", (3, 4), (4, 5)),
    ("cannot_lose", (1, 1), (4, 5)),
    ("at_risk", (1, 2), (3, 5)),
    ("potential_loyalist", (4, 5), (2, 3)),
    ("new", (5, 5), (1, 1)),
    ("promising", (4, 4), (1, 1)),
    ("need_attention", (3, 3), (3, 3)),
    ("about_to_sleep", (3, 3), (1, 2)),
    ("hibernating", (2, 2), (1, 2)),
    ("lost", (1, 1), (1, 2)),
)


def segment_of(r, fm) -> np.ndarray:
    """Segment codes from R scores and FM (mean of F and M, rounded half up to a whole score).

    The grid (rows R 5..1, columns FM 1..5):
    R5: new, potential_loyalist x2, champions x2; R4: promising, potential_loyalist x2, loyal x2;
    R3: about_to_sleep x2, need_attention, loyal x2; R2: hibernating x2, at_risk x3;
    R1: lost x2, at_risk, cannot_lose x2.

    >>> segment_of(np.array([5, 5, 4, 3, 1, 1, 2]), np.array([5, 1, 1.5, 3, 4.5, 1, 3])).tolist()
    ['champions', 'new', 'potential_loyalist', 'need_attention', 'cannot_lose', 'lost', 'at_risk']
    """
    r = np.asarray(r, dtype=int)
    fm = np.floor(np.asarray(fm, dtype=float) + 0.5).astype(int)
    out = np.full(r.shape, "lost", dtype=object)
    done = np.zeros(r.shape, dtype=bool)
    for name, (rl, rh), (fl, fh) in SEGMENT_RULES:
        hit = ~done & (r >= rl) & (r <= rh) & (fm >= fl) & (fm <= fh)
        out[hit] = name
        done |= hit
    return out


def rfm_table(
    transactions: pd.DataFrame,
    analysis_date=None,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str = "amount",
) -> pd.DataFrame:
    """Per customer: ``recency_days`` (days from the last purchase to ``analysis_date``, by default the
    last date in the data), ``orders`` (distinct days with a purchase), ``revenue`` (sum of amounts, returns
    netted), ``first_purchase``, ``last_purchase``; then
    ``rfm_scores``. Indexed by customer.

    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "date": pd.to_datetime(["2024-01-01",
    ...     "2024-01-03", "2024-01-02"]), "amount": [10.0, 20.0, 5.0]})
    >>> rfm_table(tx)[["recency_days", "orders", "revenue"]].values.tolist()
    [[0.0, 2.0, 30.0], [1.0, 1.0, 5.0]]
    """
    dates = pd.to_datetime(transactions[date_col])
    codes, uniques = pd.factorize(transactions[customer_col], sort=True)
    days = dates.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64)
    end = (
        pd.Timestamp(analysis_date).to_datetime64().astype("datetime64[D]").astype(np.int64)
        if analysis_date is not None
        else int(days.max())
    )
    n = len(uniques)
    amount = transactions[amount_col].to_numpy(dtype=float)
    last = np.full(n, np.iinfo(np.int64).min)
    np.maximum.at(last, codes, days)
    first = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(first, codes, days)
    buys = amount > 0
    span = int(days.max() - days.min()) + 1
    pairs = unique_ints(codes[buys].astype(np.int64) * span + (days[buys] - days.min()))
    orders = np.bincount(pairs // span, minlength=n).astype(float)
    out = pd.DataFrame(
        {
            "recency_days": (end - last).astype(float),
            "orders": orders,
            "revenue": np.bincount(codes, weights=amount, minlength=n),
            "first_purchase": first.astype("datetime64[D]").astype("datetime64[ns]"),
            "last_purchase": last.astype("datetime64[D]").astype("datetime64[ns]"),
        },
        index=pd.Index(uniques, name=customer_col),
    )
    return rfm_scores(out)


def segment_table(scores: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """One row per segment (in ``SEGMENTS`` order, empty ones left out): ``customers``, ``share`` of
    customers, ``revenue_share``, mean ``R``, ``F``, ``M``, the translated ``name`` and ``action``.

    >>> s = rfm_scores(pd.DataFrame({"recency_days": [1, 300], "orders": [9, 1], "revenue": [90, 10]}))
    >>> segment_table(s)[["customers", "share", "revenue_share"]].round(2).values.tolist()
    [[1.0, 0.5, 0.9], [1.0, 0.5, 0.1]]
    """
    revenue = scores["revenue"] if "revenue" in scores else pd.Series(0.0, index=scores.index)
    total = float(revenue.sum())
    g = scores.assign(_rev=revenue).groupby("segment")
    table = pd.DataFrame(
        {
            "customers": g.size().astype(float),
            "revenue": g["_rev"].sum(),
            "R": g["R"].mean(),
            "F": g["F"].mean(),
            "M": g["M"].mean(),
        }
    )
    table = table.reindex([s for s in SEGMENTS if s in table.index])
    table["share"] = table["customers"] / len(scores)
    table["revenue_share"] = table["revenue"] / total if total else 0.0
    table["name"] = [segment_name(s, lang) for s in table.index]
    table["action"] = [segment_action(s, lang) for s in table.index]
    table.index.name = "segment"
    return table[["name", "customers", "share", "revenue", "revenue_share", "R", "F", "M", "action"]]


def segment_name(segment: str, lang: str = "en") -> str:
    """The user-facing name of a segment code (catalogue ``rfm.segments.<code>``)."""
    return i18n.text(f"rfm.segments.{segment}", lang)


def segment_action(segment: str, lang: str = "en") -> str:
    """The suggested action for a segment (catalogue ``rfm.actions.<code>``)."""
    return i18n.text(f"rfm.actions.{segment}", lang)


def segment_customers(scores: pd.DataFrame, segment: str) -> pd.DataFrame:
    """The customers of one segment, most valuable first (by revenue, then R)."""
    if segment not in SEGMENTS:
        raise InputError("segment", segment, "rfm.allowed.segment")
    rows = scores[scores["segment"] == segment]
    by = [c for c in ("revenue", "R") if c in rows]
    return rows.sort_values(by, ascending=False, kind="stable") if by else rows
