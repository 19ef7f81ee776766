"""Monthly acquisition cohorts, assumptions derived from data, and subscription metrics.

Conventions:
- A customer's cohort is the calendar month of their first purchase; age k is the number of calendar
  months since then (age 0 = the acquisition month). Months after the last month in the data are
  unobserved and left empty (NaN), so the triangle shape is explicit. The last month may be partial.
- Active in a month = at least one purchase (amount > 0) that month. Revenue includes returns
  (negative amounts) in the month they happen.
- Subscriptions: a subscription is active on day t if start_date <= t < end_date (an empty end date
  means still active). Monthly figures are snapshots on the first day of each month.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .core import Assumptions
from .data import read_subscriptions  # noqa: F401  (the subscription path's reader lives with the others)
from .errors import DataError, InputError
from .rfm import unique_ints

DAYS_PER_MONTH = 365.25 / 12  # 30.4375: days in an average month
DEFAULT_INACTIVITY_DAYS = 180  # no purchase for this long counts as churned (purchases path)
BOOTSTRAP_SAMPLES = 200
MIN_CUSTOMERS = 30  # fewer customers than this: every estimate is flagged uncertain
LARGE_UNCERTAINTY = 0.2  # a 95% interval wider than +-20% of the estimate is flagged


def _month_codes(dates) -> np.ndarray:
    """Calendar months as integers (months since 1970-01)."""
    return pd.to_datetime(dates).to_numpy(dtype="datetime64[ns]").astype("datetime64[M]").astype(np.int64)


def _month_label(codes) -> pd.PeriodIndex:
    return pd.PeriodIndex(pd.to_datetime(np.asarray(codes, dtype="datetime64[M]")), freq="M")


@dataclass(frozen=True)
class CohortTables:
    """Cohort matrices (index: cohort month, a Period; columns: age in months 0, 1, ...; NaN unobserved).

    customers: active customers; retention: active / cohort size; revenue: revenue by cohort and age;
    revenue_retention: revenue / age-0 revenue; cumulative_revenue_per_customer: cumulative revenue /
    cohort size; sizes: customers acquired per cohort.
    """

    sizes: pd.Series
    customers: pd.DataFrame = field(repr=False)
    retention: pd.DataFrame = field(repr=False)
    revenue: pd.DataFrame = field(repr=False)
    revenue_retention: pd.DataFrame = field(repr=False)
    cumulative_revenue_per_customer: pd.DataFrame = field(repr=False)


def cohort_tables(
    transactions: pd.DataFrame,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str = "amount",
    last_month=None,
) -> CohortTables:
    """All cohort matrices in one pass on integer codes.

    >>> tx = pd.DataFrame({"customer_id": ["a", "b", "a", "c", "a"],
    ...     "date": pd.to_datetime(["2024-01-03", "2024-01-20", "2024-02-11", "2024-02-05", "2024-03-01"]),
    ...     "amount": [10.0, 20.0, 5.0, 8.0, 7.0]})
    >>> t = cohort_tables(tx)
    >>> t.retention.round(2).values.tolist()
    [[1.0, 0.5, 0.5], [1.0, 0.0, nan]]
    >>> t.sizes.tolist(), t.revenue_retention.round(3).iloc[0].tolist()
    ([2, 1], [1.0, 0.167, 0.233])
    """
    codes, _ = pd.factorize(transactions[customer_col])
    month = _month_codes(transactions[date_col])
    amount = transactions[amount_col].to_numpy(dtype=float)
    n_cust = int(codes.max()) + 1 if codes.size else 0
    if n_cust == 0:
        raise DataError("cohorts.errors.no_rows")
    buy = amount > 0
    first = np.full(n_cust, np.iinfo(np.int64).max)
    np.minimum.at(first, codes[buy], month[buy])
    has = first != np.iinfo(np.int64).max  # customers with at least one purchase
    m0 = int(first[has].min())
    m_last = int(month.max()) if last_month is None else int(_month_codes([pd.Timestamp(last_month)])[0])
    n_cohorts = int(first[has].max()) - m0 + 1
    n_ages = m_last - m0 + 1
    cohort = first - m0  # cohort index per customer
    row_ok = has[codes] & (month <= m_last)
    c_row = cohort[codes[row_ok]]
    age_row = month[row_ok] - first[codes[row_ok]]
    keep = age_row >= 0  # returns before the first purchase are ignored
    c_row, age_row = c_row[keep], age_row[keep]
    cells = n_cohorts * n_ages
    revenue = np.bincount(c_row * n_ages + age_row, weights=amount[row_ok][keep], minlength=cells)
    buy_row = buy[row_ok][keep]
    active_key = unique_ints(codes[row_ok][keep][buy_row].astype(np.int64) * n_ages + age_row[buy_row])
    active_cells = cohort[active_key // n_ages] * n_ages + active_key % n_ages
    active = np.bincount(active_cells, minlength=cells).astype(float)
    sizes = np.bincount(cohort[has], minlength=n_cohorts)
    observed = (np.arange(n_cohorts)[:, None] + np.arange(n_ages)[None, :]) <= (m_last - m0)
    index = pd.Index(_month_label(np.arange(n_cohorts) + m0), name="cohort")
    columns = pd.Index(np.arange(n_ages), name="age_months")

    def frame(values):
        return pd.DataFrame(np.where(observed, values.reshape(n_cohorts, n_ages), np.nan), index=index, columns=columns)

    customers = frame(active)
    rev = frame(revenue)
    with np.errstate(invalid="ignore", divide="ignore"):
        retention = customers.div(np.where(sizes > 0, sizes, np.nan), axis=0)
        base = rev[0].where(rev[0] != 0)
        revenue_retention = rev.div(base, axis=0)
        cumulative = rev.cumsum(axis=1).where(observed).div(np.where(sizes > 0, sizes, np.nan), axis=0)
    return CohortTables(
        sizes=pd.Series(sizes, index=index, name="customers"),
        customers=customers,
        retention=retention,
        revenue=rev,
        revenue_retention=revenue_retention,
        cumulative_revenue_per_customer=cumulative,
    )


def retention_matrix(transactions: pd.DataFrame, **kwargs) -> pd.DataFrame:
    """Share of each cohort active (purchasing) at each age in months; see ``cohort_tables``."""
    return cohort_tables(transactions, **kwargs).retention


def revenue_retention_matrix(transactions: pd.DataFrame, **kwargs) -> pd.DataFrame:
    """Each cohort's revenue at each age as a fraction of its acquisition-month revenue."""
    return cohort_tables(transactions, **kwargs).revenue_retention


def cumulative_revenue_per_customer(transactions: pd.DataFrame, **kwargs) -> pd.DataFrame:
    """Cumulative revenue per acquired customer by cohort and age (currency)."""
    return cohort_tables(transactions, **kwargs).cumulative_revenue_per_customer


def orders_over_time(
    transactions: pd.DataFrame,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str = "amount",
    order_col: str | None = None,
) -> pd.DataFrame:
    """By calendar month: ``orders`` (distinct order ids if ``order_col``, else purchase rows),
    ``customers`` (active), ``revenue``, ``aov`` (revenue / orders) and ``orders_per_customer``.

    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "date": pd.to_datetime(["2024-01-03", "2024-01-09",
    ...     "2024-02-01"]), "amount": [10.0, 30.0, 5.0]})
    >>> orders_over_time(tx)[["orders", "customers", "aov", "orders_per_customer"]].values.tolist()
    [[2.0, 1.0, 20.0, 2.0], [1.0, 1.0, 5.0, 1.0]]
    """
    month = _month_codes(transactions[date_col])
    amount = transactions[amount_col].to_numpy(dtype=float)
    codes, _ = pd.factorize(transactions[customer_col])
    m0 = int(month.min())
    n = int(month.max()) - m0 + 1
    rel = month - m0
    buy = amount > 0
    if order_col:
        ocodes, _ = pd.factorize(transactions[order_col])
        okey = unique_ints(ocodes[buy].astype(np.int64) * n + rel[buy])
        orders = np.bincount(okey % n, minlength=n).astype(float)
    else:
        orders = np.bincount(rel[buy], minlength=n).astype(float)
    ckey = unique_ints(codes[buy].astype(np.int64) * n + rel[buy])
    customers = np.bincount(ckey % n, minlength=n).astype(float)
    revenue = np.bincount(rel, weights=amount, minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = pd.DataFrame(
            {
                "orders": orders,
                "customers": customers,
                "revenue": revenue,
                "aov": np.where(orders > 0, revenue / np.where(orders > 0, orders, 1), np.nan),
                "orders_per_customer": np.where(customers > 0, orders / np.where(customers > 0, customers, 1), np.nan),
            },
            index=pd.Index(_month_label(np.arange(n) + m0), name="month"),
        )
    return out


# ----------------------------------------------------------------------------------------------
# Assumptions derived from data
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Estimate:
    """A value with its bootstrap standard error and 95% interval (percentile, seeded)."""

    value: float
    std_error: float
    low: float
    high: float

    @property
    def uncertain(self) -> bool:
        """True when the 95% interval reaches more than 20% away from the value (for a value of 0:
        when the interval is not just 0)."""
        if not math.isfinite(self.value):
            return True
        if self.value == 0:
            return self.low != 0 or self.high != 0
        return max(self.high - self.value, self.value - self.low) > LARGE_UNCERTAINTY * abs(self.value)


@dataclass(frozen=True, slots=True)
class DerivedAssumptions:
    """What the data says about the calculator's inputs, with uncertainty.

    arpu: revenue per active customer per month (currency); monthly_churn: fraction per month;
    orders_per_year and avg_order_value (currency). ``churn_method`` is "inactivity" (no purchase in
    the last ``inactivity_days`` days: churned at the last purchase) or "cohort" (month-to-month
    retention of the cohort matrix). ``customers``/``customer_months`` say how much data backs them.
    """

    arpu: Estimate
    monthly_churn: Estimate
    orders_per_year: Estimate
    avg_order_value: Estimate
    churn_method: str
    inactivity_days: int | None
    customers: int
    churned: int
    customer_months: float
    analysis_date: pd.Timestamp

    def to_assumptions(
        self, gross_margin: float, cac: float, annual_discount_rate: float = 0.0, horizon_months: int | None = None
    ) -> Assumptions:
        """``clv.Assumptions`` from these estimates plus the two inputs data cannot give."""
        return Assumptions(
            arpu=self.arpu.value,
            gross_margin=gross_margin,
            monthly_churn=min(max(self.monthly_churn.value, 0.0), 1.0),
            cac=cac,
            annual_discount_rate=annual_discount_rate,
            horizon_months=horizon_months,
        )

    @property
    def uncertain_fields(self) -> tuple[str, ...]:
        """Names of the estimates whose 95% interval is wide (more than +-20%); all of them when fewer
        than ``MIN_CUSTOMERS`` customers back the estimates (a bootstrap of a handful says little)."""
        names = ("arpu", "monthly_churn", "orders_per_year", "avg_order_value")
        if self.customers < MIN_CUSTOMERS:
            return names
        return tuple(name for name in names if getattr(self, name).uncertain)


def _per_customer(transactions, customer_col, date_col, amount_col, analysis_date, inactivity_days):
    codes, _ = pd.factorize(transactions[customer_col])
    dates = pd.to_datetime(transactions[date_col]).to_numpy(dtype="datetime64[ns]")
    day = dates.astype("datetime64[D]").astype(np.int64)
    amount = transactions[amount_col].to_numpy(dtype=float)
    n = int(codes.max()) + 1
    end = int(np.datetime64(analysis_date, "D").astype(np.int64))
    use = day <= end
    codes, day, amount = codes[use], day[use], amount[use]
    buy = amount > 0
    first = np.full(n, np.iinfo(np.int64).max)
    last = np.full(n, np.iinfo(np.int64).min)
    np.minimum.at(first, codes[buy], day[buy])
    np.maximum.at(last, codes[buy], day[buy])
    has = first != np.iinfo(np.int64).max
    span = int(day.max() - day.min()) + 1 if day.size else 1
    orders = np.bincount(
        unique_ints(codes[buy].astype(np.int64) * span + (day[buy] - day.min())) // span, minlength=n
    ).astype(float)
    revenue = np.bincount(codes, weights=amount, minlength=n)
    churned = has & (end - last >= inactivity_days) if inactivity_days is not None else np.zeros(n, bool)
    stop = np.where(churned, last, end)
    exposure = np.maximum((stop - first + 1) / DAYS_PER_MONTH, 1.0)  # at least the acquisition month
    return (revenue[has], orders[has], exposure[has], churned[has].astype(float), has.sum())


def _stats(revenue, orders, exposure, churned):
    months = exposure.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        arpu = revenue.sum(axis=-1) / months
        hazard = churned.sum(axis=-1) / months
        churn = 1.0 - np.exp(-hazard)
        per_year = orders.sum(axis=-1) / (months / 12.0)
        aov = revenue.sum(axis=-1) / orders.sum(axis=-1)
    return arpu, churn, per_year, aov


def derive_assumptions(
    transactions: pd.DataFrame,
    inactivity_days: int | None = DEFAULT_INACTIVITY_DAYS,
    method: str = "inactivity",
    analysis_date=None,
    seed: int = 0,
    bootstrap_samples: int = BOOTSTRAP_SAMPLES,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str = "amount",
) -> DerivedAssumptions:
    """ARPU, monthly churn, orders per year and average order value from a transaction log.

    Exposure: each customer counts from their first purchase to the analysis date, or, if churned,
    to their last purchase (at least one month). ARPU = revenue / customer-months;
    orders per year = purchase days / customer-years; AOV = revenue / purchase days.
    Churn, method "inactivity": a customer with no purchase in the last ``inactivity_days`` days is
    churned; monthly churn = 1 - exp(-churned / customer-months) (the constant-hazard estimate, which
    treats customers still inside the window as censored). Method "cohort" (subscriptions, or
    purchases made monthly): 1 - (sum over cohorts and ages of active at age k+1) / (active at k), from
    ``cohort_tables``. Uncertainty: a seeded bootstrap over customers (``bootstrap_samples``
    resamples) gives each estimate a standard error and a 95% percentile interval.

    >>> tx = load_sample_transactions_for_doctest()
    >>> d = derive_assumptions(tx, analysis_date="2025-12-31")
    >>> round(d.arpu.value, 2), round(d.monthly_churn.value, 4), d.churn_method, d.customers
    (38.58, 0.0737, 'inactivity', 10000)
    """
    if method not in ("inactivity", "cohort"):
        raise InputError("method", method, "cohorts.allowed.method")
    if method == "inactivity" and (inactivity_days is None or inactivity_days < 1):
        raise InputError("inactivity_days", inactivity_days, "cohorts.allowed.inactivity_days")
    if len(transactions) == 0:
        raise DataError("cohorts.errors.no_rows")
    end = pd.Timestamp(analysis_date) if analysis_date is not None else pd.to_datetime(transactions[date_col]).max()
    window = inactivity_days if method == "inactivity" else None
    revenue, orders, exposure, churned, n = _per_customer(
        transactions, customer_col, date_col, amount_col, end.to_datetime64(), window
    )
    arpu, churn, per_year, aov = _stats(revenue, orders, exposure, churned)
    if method == "cohort":
        active = cohort_tables(transactions, customer_col, date_col, amount_col, last_month=end).customers.to_numpy()
        now, nxt = active[:, :-1], active[:, 1:]
        both = ~np.isnan(now) & ~np.isnan(nxt)
        churn = 1.0 - nxt[both].sum() / now[both].sum() if now[both].sum() > 0 else float("nan")
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, revenue.size, size=(bootstrap_samples, revenue.size)) if bootstrap_samples else None
    estimates = []
    for k, value in enumerate((arpu, churn, per_year, aov)):
        if pick is None:
            estimates.append(Estimate(float(value), float("nan"), float("nan"), float("nan")))
            continue
        if k == 1 and method == "cohort":
            boot = _cohort_churn_boot(transactions, customer_col, date_col, amount_col, end, rng, bootstrap_samples)
        else:
            boot = np.array([_stats(revenue[p], orders[p], exposure[p], churned[p])[k] for p in pick])
        boot = boot[np.isfinite(boot)]
        if boot.size < 2:  # too little data to resample
            estimates.append(Estimate(float(value), float("nan"), float("nan"), float("nan")))
            continue
        lo, hi = np.percentile(boot, [2.5, 97.5])
        estimates.append(Estimate(float(value), float(np.std(boot, ddof=1)), float(lo), float(hi)))
    return DerivedAssumptions(
        arpu=estimates[0],
        monthly_churn=estimates[1],
        orders_per_year=estimates[2],
        avg_order_value=estimates[3],
        churn_method=method,
        inactivity_days=window,
        customers=int(n),
        churned=int(churned.sum()),
        customer_months=float(exposure.sum()),
        analysis_date=end,
    )


def _cohort_churn_boot(transactions, customer_col, date_col, amount_col, end, rng, samples):
    """Bootstrap of the cohort churn estimate, resampling whole cohorts' (k, k+1) pairs."""
    active = cohort_tables(transactions, customer_col, date_col, amount_col, last_month=end).customers.to_numpy()
    now, nxt = np.nan_to_num(active[:, :-1]), np.nan_to_num(active[:, 1:])
    both = ~np.isnan(active[:, :-1]) & ~np.isnan(active[:, 1:])
    a, b = np.where(both, now, 0).sum(axis=1), np.where(both, nxt, 0).sum(axis=1)
    pick = rng.integers(0, a.size, size=(samples, a.size))
    with np.errstate(invalid="ignore", divide="ignore"):
        return 1.0 - b[pick].sum(axis=1) / a[pick].sum(axis=1)


def load_sample_transactions_for_doctest() -> pd.DataFrame:
    """The sample transactions (for examples in docstrings)."""
    from .data import load_sample

    return load_sample("transactions").transactions


# ----------------------------------------------------------------------------------------------
# Subscriptions
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubscriptionMetrics:
    """Monthly MRR and churn, and cohort survival.

    monthly (index: month, a Period): active_start, new, churned, active_end, logo_churn (churned /
    active_start), mrr_start, new_mrr, churned_mrr, mrr_end, revenue_churn (churned_mrr / mrr_start).
    survivors: per start-month cohort (rows) the number still active at the start of each month of
    age k = 0, 1, ... (columns; k = 0 is the cohort size) - the counts a shifted-beta-geometric fit
    takes; NaN where not yet observed. survival: survivors / cohort size.
    """

    monthly: pd.DataFrame
    survivors: pd.DataFrame = field(repr=False)
    survival: pd.DataFrame = field(repr=False)

    @property
    def pooled(self) -> dict[str, float | None]:
        """Rates over the whole observed period (``months`` with active subscribers), for the calculator:
        logo churn = churned / active at the start of each month, summed; revenue churn = churned MRR /
        MRR at the start; ARPU = MRR at the start / active at the start. None without any active month.
        """
        m = self.monthly[self.monthly["active_start"] > 0]
        active = float(m["active_start"].sum())
        out = {"months": len(m), "subscriber_months": active}
        if not active:
            return {**out, "logo_churn": None, "revenue_churn": None, "arpu": None}
        mrr = float(m["mrr_start"].sum())
        return {
            **out,
            "logo_churn": float(m["churned"].sum()) / active,
            "revenue_churn": float(m["churned_mrr"].sum()) / mrr if mrr else None,
            "arpu": mrr / active,
        }


def _months_between(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Whole calendar months from start to end (end day before start day: one fewer)."""
    s, e = pd.DatetimeIndex(start), pd.DatetimeIndex(end)
    months = (e.year - s.year) * 12 + (e.month - s.month)
    return np.asarray(months - (e.day < s.day), dtype=float)


def subscription_metrics(subs: pd.DataFrame, analysis_date=None) -> SubscriptionMetrics:
    """MRR by month, logo and revenue churn by month, and cohort survival curves.

    ``subs``: columns customer_id, start_date, end_date (NaT = active), monthly_amount (as returned by
    ``clv.data.read_subscriptions``). ``analysis_date``: last day observed (default: the latest start
    or end date).

    >>> subs = pd.DataFrame({"customer_id": ["a", "b", "c"], "start_date": pd.to_datetime(["2024-01-10",
    ...     "2024-01-20", "2024-02-05"]), "end_date": pd.to_datetime(["2024-03-10", None, None]),
    ...     "monthly_amount": [10.0, 20.0, 40.0]})
    >>> m = subscription_metrics(subs, analysis_date="2024-04-30")
    >>> m.monthly[["active_start", "new", "churned", "mrr_start", "churned_mrr"]].values.tolist()
    [[0.0, 2.0, 0.0, 0.0, 0.0], [2.0, 1.0, 0.0, 30.0, 0.0], [3.0, 0.0, 1.0, 70.0, 10.0], [2.0, 0.0, 0.0, 60.0, 0.0]]
    >>> m.survivors.values.tolist()
    [[2.0, 2.0, 1.0, 1.0], [1.0, 1.0, 1.0, nan]]
    """
    if len(subs) == 0:
        raise DataError("cohorts.errors.no_rows")
    start = pd.to_datetime(subs["start_date"]).to_numpy(dtype="datetime64[ns]")
    end = pd.to_datetime(subs["end_date"]).to_numpy(dtype="datetime64[ns]")
    amount = subs["monthly_amount"].to_numpy(dtype=float)
    last_day = (
        pd.Timestamp(analysis_date)
        if analysis_date is not None
        else pd.Timestamp(max(np.nanmax(start), np.nanmax(np.where(np.isnat(end), start, end))))
    )
    m0 = int(start.astype("datetime64[M]").astype(np.int64).min())
    m1 = int(np.datetime64(last_day, "M").astype(np.int64))
    month_starts = (np.arange(m0, m1 + 2)).astype("datetime64[M]").astype("datetime64[ns]")
    far = np.datetime64("2262-01-01", "ns")
    end_f = np.where(np.isnat(end), far, end)
    # active at each month start: start <= t < end
    active = (start[None, :] <= month_starts[:, None]) & (month_starts[:, None] < end_f[None, :])
    a_start, a_next = active[:-1], active[1:]
    started = (start[None, :] >= month_starts[:-1, None]) & (start[None, :] < month_starts[1:, None])
    churned = a_start & ~a_next  # active at the month's start, gone by the next
    mrr_start = (a_start * amount).sum(axis=1)
    churned_mrr = (churned * amount).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        monthly = pd.DataFrame(
            {
                "active_start": a_start.sum(axis=1).astype(float),
                "new": started.sum(axis=1).astype(float),
                "churned": churned.sum(axis=1).astype(float),
                "active_end": a_next.sum(axis=1).astype(float),
                "mrr_start": mrr_start,
                "new_mrr": (started * amount).sum(axis=1),
                "churned_mrr": churned_mrr,
                "mrr_end": (a_next * amount).sum(axis=1),
            },
            index=pd.Index(_month_label(np.arange(m0, m1 + 1)), name="month"),
        )
        monthly["logo_churn"] = monthly["churned"] / monthly["active_start"].where(monthly["active_start"] > 0)
        monthly["revenue_churn"] = monthly["churned_mrr"] / monthly["mrr_start"].where(monthly["mrr_start"] > 0)
    # survival by start-month cohort; age k observed when start + k months <= last day
    cohort = start.astype("datetime64[M]").astype(np.int64) - m0
    n_cohorts, n_ages = m1 - m0 + 1, m1 - m0 + 1
    # periods paid: every period that started before the end date (a partial period counts)
    last_paid_day = np.where(np.isnat(end), far, end_f - np.timedelta64(1, "D"))
    lived = np.where(np.isnat(end), np.inf, _months_between(start, last_paid_day) + 1)
    observed_ages = _months_between(start, np.full(start.shape, np.datetime64(last_day, "ns")))
    survivors = np.zeros((n_cohorts, n_ages))
    seen = np.zeros((n_cohorts, n_ages), dtype=bool)
    ages = np.arange(n_ages)
    for c in np.unique(cohort):
        rows = cohort == c
        # age k counted for the cohort only if every member has been observed k months
        k_max = int(np.floor(observed_ages[rows].min()))
        upto = ages <= k_max
        survivors[c, upto] = (lived[rows][:, None] > ages[upto][None, :]).sum(axis=0)
        seen[c, upto] = True
    idx = pd.Index(_month_label(np.arange(m0, m1 + 1)), name="cohort")
    cols = pd.Index(ages, name="age_months")
    surv = pd.DataFrame(np.where(seen, survivors, np.nan), index=idx, columns=cols)
    surv = surv[surv[0].notna() & (surv[0] > 0)] if len(surv) else surv
    surv = surv.loc[:, surv.notna().any(axis=0)]
    share = surv.div(surv[0], axis=0)
    return SubscriptionMetrics(monthly=monthly, survivors=surv, survival=share)
