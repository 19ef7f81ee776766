"""One customer's story: their purchases, P(alive) day by day, what the models expect of them, in a sentence.

``alive_path`` is lifetimes' ``calculate_alive_path`` (0.11.3, ``lifetimes.utils``) in one vectorised call:
on each day from the first purchase to the end of observation, P(alive) given the history up to that day.
``customer_story`` gathers one customer's purchases (same-day purchases merged as ``clv.rfm.summarize``
does with daily periods), their path, the fitted models' predictions over a horizon (the same numbers as
``clv.predict.customer_values``) and the typical time between their purchases; ``story_sentence`` says it
in words ("Bought 6 times, last 14 weeks ago; customers like this usually buy every 5 weeks, so the chance
they are still active is 38%.").

Time unit: days (frequency, recency and T as in ``clv.predict.CustomerModels.summary``); a month is 30
days (``DAYS_PER_MONTH``), as for the horizon.
"""

from __future__ import annotations

import copy
import math
import numbers
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import fmt, i18n
from ..core import monthly_rate
from ..errors import InputError
from ..models import customer_lifetime_value
from .common import DAYS_PER_MONTH, DAYS_PER_WEEK, FREQ, MAX_HORIZON_MONTHS, MODEL_CLASSES, check_horizon
from .customers import CustomerModels

DAYS_PER_YEAR = 365.25
# The unit a length of time is said in: below 14 days in days, below 17 weeks in weeks, below 24 months
# in months, else in years ("14 weeks ago", "every 4 months", "every 3 years").
SPAN_UNITS = (
    ("days", 1.0, 14.0),
    ("weeks", float(DAYS_PER_WEEK), 17.0 * DAYS_PER_WEEK),
    ("months", float(DAYS_PER_MONTH), 24.0 * DAYS_PER_MONTH),
    ("years", DAYS_PER_YEAR, math.inf),
)
PREVIEW_CHARS = 40  # an unknown customer id is quoted in the error up to this many characters


@dataclass(frozen=True, slots=True)
class AlivePath:
    """P(alive) on each of ``days`` (days since the first purchase, 0..T), given the history up to that day."""

    days: np.ndarray
    p_alive: np.ndarray


def _check_model(model) -> None:
    if not isinstance(model, tuple(MODEL_CLASSES.values())):
        raise InputError("model", type(model).__name__, "story.allowed.model")


def alive_path(model, purchase_days, end_day=None, step: int = 1) -> AlivePath:
    """P(alive) on every ``step``-th day from the first purchase to ``end_day``, given the history so far.

    On day d (days since the first purchase): frequency = purchase days up to and including d, less one;
    recency = the last of them (days since the first); T = d; P(alive) = ``model.p_alive`` of that
    history, exactly as lifetimes' ``calculate_alive_path`` (0.11.3) with ``freq="D"``: one call on the
    arrays of all days. ``purchase_days``: the days of the customer's purchases on any origin (days since
    an epoch, or since the first purchase), fractions taken down to their day and purchases on the same
    day merged, as ``clv.rfm.summarize`` does; ``end_day`` on the same origin (default: the last
    purchase). With ``step`` > 1 the days are 0, step, 2 step, ... plus every purchase day and the last
    day, so the jumps at the purchases and the end stay on the path. ``model``: a fitted BG/NBD,
    Pareto/NBD or MBG/NBD (``clv.predict.MODEL_CLASSES``). InputError for another model, no purchase or a
    non-finite day, an end before the last purchase, or a step that is not a whole number >= 1.

    By hand (BG/NBD at FHL 2005's estimates, read in days): purchases on days 10 and 12, end on day 13.
    Days 0-1: no repeat purchase, P(alive) = 1 (a BG/NBD customer drops out only after a purchase). Day 2:
    x = 1, t_x = T = 2: 1 / (1 + a/b) = 1 / (1 + 0.793/2.426) = 1 / 1.326876 = 0.7537. Day 3: x = 1,
    t_x = 2, T = 3: 1 / (1 + 0.326876 ((4.414+3)/(4.414+2))^1.243) = 1 / (1 + 0.326876 x 1.197327) = 0.7187.

    >>> from clv.models import BetaGeo
    >>> m = BetaGeo(); m.params = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    >>> path = alive_path(m, [10, 12], end_day=13)
    >>> path.days.tolist(), path.p_alive.round(4).tolist()
    ([0, 1, 2, 3], [1.0, 1.0, 0.7537, 0.7187])
    """
    _check_model(model)
    try:
        raw = np.atleast_1d(np.asarray(purchase_days, dtype=float)).ravel()
    except (TypeError, ValueError):
        raise InputError("purchase_days", _preview(purchase_days), "story.allowed.purchase_days") from None
    if raw.size == 0 or not np.all(np.isfinite(raw)):
        bad = raw[~np.isfinite(raw)] if raw.size else raw
        raise InputError(
            "purchase_days", float(bad[0]) if bad.size else _preview(purchase_days), "story.allowed.purchase_days"
        )
    days = np.unique(np.floor(raw).astype(np.int64))  # sorted, one per day
    first, last = int(days[0]), int(days[-1])
    if end_day is None:
        end = last
    else:
        try:
            end_value = float(end_day)
        except (TypeError, ValueError):
            raise InputError("end_day", _preview(end_day), "story.allowed.end_day", last=f"{last:g}") from None
        if not math.isfinite(end_value) or math.floor(end_value) < last:
            raise InputError("end_day", end_value, "story.allowed.end_day", last=f"{last:g}")
        end = math.floor(end_value)
    if isinstance(step, bool) or not isinstance(step, (int, np.integer, float)) or step != step // 1 or step < 1:
        raise InputError("step", step, "story.allowed.step")
    big_t = end - first
    since = days - first  # purchase days counted from the first purchase
    grid = np.arange(0, big_t + 1, int(step), dtype=np.int64)
    if step > 1:
        grid = np.union1d(grid, np.r_[since, big_t])
    seen = np.searchsorted(since, grid, side="right")  # purchase days up to and including each day
    frequency = seen - 1.0
    recency = since[seen - 1].astype(float)
    values = np.asarray(model.p_alive(frequency, recency, grid.astype(float)), dtype=float)
    return AlivePath(grid, values * np.ones(grid.shape))


@dataclass(frozen=True, slots=True)
class CustomerStory:
    """One customer's history and what the fitted models expect of them (``customer_story``).

    ``purchase_dates``: the days with a purchase (midnight), oldest first; ``purchase_amounts``: what was
    spent on each (same-day purchases summed, returns netted against the latest purchase day on or before
    them, as ``clv.rfm.summarize``). ``frequency``, ``recency``, ``T``: days, as the models saw them.
    ``alive``: P(alive) on each day since the first purchase (``alive_path``); ``p_alive`` is its last
    value, P(alive) at the end of observation. Over the next ``months``: ``expected_purchases`` (count),
    ``expected_spend`` (currency per purchase), ``predicted_clv`` (discounted revenue, currency; equal to
    ``customer_values``' for this customer) and, when an intervals table was given, ``clv_low`` and
    ``clv_high``. ``typical_gap_days``: days between purchases of an alive customer with this history,
    (alpha + T) / (r + x) (``customer_story``).
    """

    customer_id: object
    model: str
    purchase_dates: pd.DatetimeIndex = field(repr=False)
    purchase_amounts: np.ndarray = field(repr=False)
    observation_end: pd.Timestamp
    frequency: float
    recency: float
    T: float
    segment: str
    group: str | None
    p_alive: float
    alive: AlivePath = field(repr=False)
    months: int
    annual_discount_rate: float
    expected_purchases: float
    expected_spend: float
    predicted_clv: float
    typical_gap_days: float
    clv_low: float | None = None
    clv_high: float | None = None

    @property
    def orders(self) -> int:
        """Days with a purchase: the first and the repeats (frequency + 1)."""
        return int(round(self.frequency)) + 1

    @property
    def days_since_last_purchase(self) -> float:
        return self.T - self.recency

    @property
    def first_purchase(self) -> pd.Timestamp:
        return self.observation_end - pd.Timedelta(days=self.T)

    @property
    def alive_dates(self) -> pd.DatetimeIndex:
        """The dates of ``alive.days``."""
        return self.first_purchase + pd.to_timedelta(self.alive.days, unit="D")


def _preview(value) -> str:
    text = str(value)
    return text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1] + "…"


def _locate(summary: pd.DataFrame, customer_id) -> int:
    """The row of ``customer_id`` in the summary: the id as given, else the one whose text is the same
    (a typed "1668" finds customer 1668). InputError naming ``customer_id`` when there is none."""
    index = summary.index
    try:
        pos = index.get_loc(customer_id)
        if isinstance(pos, (int, np.integer)):
            return int(pos)
    except (KeyError, TypeError, pd.errors.InvalidIndexError):
        pass
    wanted = str(customer_id).strip()
    matches = np.flatnonzero(index.astype(str).str.strip() == wanted) if wanted else np.array([], dtype=int)
    if matches.size == 1:
        return int(matches[0])
    raise InputError("customer_id", _preview(customer_id), "story.allowed.customer_id", count=fmt.number(len(index), 0))


def _history(transactions: pd.DataFrame, customer, big_t: float):
    """The customer's purchase days (int days since the epoch) and amounts up to the end of observation,
    merged by day as ``clv.rfm.summarize``; returns (days, amounts, end_day)."""
    rows = transactions.loc[transactions["customer_id"].to_numpy() == customer, ["date", "amount"]]
    dates = pd.to_datetime(rows["date"])
    amounts = rows["amount"].to_numpy(dtype=float)
    keep = dates.notna().to_numpy() & ~np.isnan(amounts)
    day = dates[keep].to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64)
    amounts = amounts[keep]
    buys = amounts >= 0  # a return (negative amount) is not a purchase: it is netted below
    if not buys.any():
        return np.array([], dtype=np.int64), np.array([]), 0
    end = int(day[buys].min()) + int(round(big_t))
    within = day <= end
    day, amounts, buys = day[within], amounts[within], buys[within]
    days, where = np.unique(day[buys], return_inverse=True)
    totals = np.bincount(where, weights=amounts[buys], minlength=days.size)
    back = day[~buys]
    at = np.clip(np.searchsorted(days, back, side="right") - 1, 0, None)  # latest purchase day on or before
    np.add.at(totals, at, amounts[~buys])
    return days, totals, end


def _remembering_p_alive(model):
    """A copy of ``model`` whose ``p_alive`` computes each distinct input once and then gives back the same
    result. ``customer_lifetime_value`` asks ``expected_purchases`` for each month of the horizon, and each
    asks P(alive) of the same one history again (a Pareto/NBD P(alive) can take 2 ms: its 2F1 integral);
    the values are those of ``model`` itself, bit for bit."""
    remembered = copy.copy(model)
    seen: dict[tuple, object] = {}

    def p_alive(frequency, recency, T):
        key = tuple((np.shape(v), np.asarray(v, dtype=float).tobytes()) for v in (frequency, recency, T))
        if key not in seen:
            seen[key] = model.p_alive(frequency, recency, T)
        return seen[key]

    remembered.p_alive = p_alive
    return remembered


def customer_story(
    models: CustomerModels,
    transactions: pd.DataFrame,
    customer_id,
    months: int = 12,
    annual_discount_rate: float = 0.10,
    intervals: pd.DataFrame | None = None,
    group: str | None = None,
) -> CustomerStory:
    """One customer's purchases, P(alive) path and predictions over the next ``months``.

    ``models``: ``fit_customer_models`` on ``transactions`` (the log it was fitted to: customer_id, date,
    amount). The predictions are those of ``customer_values`` for this customer: P(alive), expected
    purchases in months x 30 days, expected spend per purchase, and predicted CLV
    (``clv.models.customer_lifetime_value``, each month discounted at the monthly rate compounding to
    ``annual_discount_rate``). ``intervals``: a table indexed by customer with columns clv_low and
    clv_high (``clv.predict.value_intervals``, for the same horizon and rate), whose row for this
    customer gives ``clv_low`` and ``clv_high``. ``group``: a label to show with the segment (optional).

    Typical gap "for customers like this": in BG/NBD, Pareto/NBD and MBG/NBD an alive customer buys at
    a rate lambda, and given x repeat purchases in T days and being alive, lambda ~ Gamma(r + x,
    alpha + T) (FHL 2005, sec. 4; the dropout part of the likelihood does not involve lambda). Its mean
    (r + x) / (alpha + T) purchases a day is the customer's expected buying rate while active, and
    ``typical_gap_days`` = (alpha + T) / (r + x) its reciprocal: the days between purchases at that rate.
    It does not say when the next purchase comes (that also depends on P(alive)).

    ``customer_id`` is looked up as given, then by its text ("1668" finds 1668). InputError naming
    ``customer_id`` for an id that is not in the fitted data (quoted up to 40 characters),
    ``transactions`` when the log does not hold the purchases the models saw, ``intervals`` when the
    table has no row or columns for this customer, ``months`` outside 1..120 whole months,
    ``annual_discount_rate`` below 0.
    """
    if not isinstance(models, CustomerModels):
        raise InputError("models", type(models).__name__, "story.allowed.models")
    try:
        h = check_horizon(months)
    except InputError:
        raise InputError("months", months, "predict.allowed.horizon", high=MAX_HORIZON_MONTHS) from None
    rate = annual_discount_rate
    if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or not math.isfinite(rate) or rate < 0:
        raise InputError("annual_discount_rate", rate, "allowed.rate")
    s = models.summary
    pos = _locate(s, customer_id)
    label = s.index[pos]
    row = s.iloc[[pos]]
    x, tx, big_t = (float(row[c].iloc[0]) for c in ("frequency", "recency", "T"))
    if transactions is None or not {"customer_id", "date", "amount"} <= set(transactions.columns):
        raise InputError("transactions", _preview(label), "story.allowed.transactions")
    days, amounts, end = _history(transactions, label, big_t)
    if days.size != int(round(x)) + 1 or int(days[-1] - days[0]) != int(round(tx)):
        raise InputError("transactions", _preview(label), "story.allowed.transactions")
    m, g = _remembering_p_alive(models.transaction_model), models.spend_model
    path = alive_path(models.transaction_model, days, end)
    spend = float(np.asarray(g.expected_spend(np.array([x]), row["monetary_value"].to_numpy(dtype=float)))[0])
    clv = customer_lifetime_value(
        m, g, row, months=h, monthly_discount_rate=monthly_rate(annual_discount_rate), freq=FREQ
    )
    low = high = None
    if intervals is not None:
        if not {"clv_low", "clv_high"} <= set(getattr(intervals, "columns", ())) or label not in intervals.index:
            raise InputError("intervals", _preview(label), "story.allowed.intervals")
        low, high = (float(intervals.at[label, c]) for c in ("clv_low", "clv_high"))
        low, high = (v if math.isfinite(v) else None for v in (low, high))
    r, alpha = m.params["r"], m.params["alpha"]
    return CustomerStory(
        customer_id=label,
        model=models.key,
        purchase_dates=pd.DatetimeIndex(days.astype("datetime64[D]").astype("datetime64[ns]")),
        purchase_amounts=amounts,
        observation_end=pd.Timestamp(np.datetime64(end, "D")),
        frequency=x,
        recency=tx,
        T=big_t,
        segment=str(row["segment"].iloc[0]) if "segment" in row else "",
        group=None if group is None else str(group),
        p_alive=float(m.p_alive(x, tx, big_t)),
        alive=path,
        months=h,
        annual_discount_rate=float(annual_discount_rate),
        expected_purchases=float(m.expected_purchases(h * DAYS_PER_MONTH, x, tx, big_t)),
        expected_spend=spend,
        predicted_clv=float(clv.iloc[0]),
        typical_gap_days=float((alpha + big_t) / (r + x)),
        clv_low=low,
        clv_high=high,
    )


def plural_category(n: int) -> str:
    """The form a counted noun takes after the whole number ``n``: "one", "two", "few" (n mod 100 in
    3..10), "many" (11..99) or "other" (0, 100, 101, 102, ...): Arabic's categories (CLDR plural rules),
    which every catalogue keys its counted phrases by (English writes "once", "twice", "a week", "two
    weeks", and "{n} weeks" for the rest).

    >>> [plural_category(n) for n in (1, 2, 3, 10, 11, 99, 100, 102, 103)]
    ['one', 'two', 'few', 'few', 'many', 'many', 'other', 'other', 'few']
    """
    rest = n % 100
    if n == 1:
        return "one"
    if n == 2:
        return "two"
    if 3 <= rest <= 10:
        return "few"
    if 11 <= rest <= 99:
        return "many"
    return "other"


def span(days: float) -> tuple[str, int]:
    """A length of time in the unit it is said in (``SPAN_UNITS``) and the whole count of it (at least 1).

    >>> span(3), span(14), span(98), span(118), span(119), span(719), span(1222)
    (('days', 3), ('weeks', 2), ('weeks', 14), ('weeks', 17), ('months', 4), ('months', 24), ('years', 3))
    """
    for unit, size, below in SPAN_UNITS:
        if days < below:
            return unit, max(1, math.floor(days / size + 0.5))
    raise AssertionError("unreachable: the last unit has no end")  # pragma: no cover


def _counted(context: str, days: float, lang: str, digits: str) -> str:
    unit, n = span(days)
    return i18n.text_in_digits(f"story.{context}.{unit}.{plural_category(n)}", lang, digits, n=fmt.number(n, 0, digits))


def story_sentence(story: CustomerStory, lang: str = "en", digits: str = "western") -> str:
    """The story in one sentence: purchases, how long ago the last, the typical gap, P(alive).

    "Bought {orders} times, last {days since the last purchase} ago; customers like this usually buy
    every {typical_gap_days}, so the chance they are still active is {P(alive)}." Lengths in days
    below 14 days, weeks below 17 weeks, months (30 days) below 24 months, else years (``span``),
    rounded to a whole number, the noun in the form its number takes (``plural_category``); P(alive) as
    a whole percent; numbers in ``digits`` ("arabic": Arabic-Indic). A customer who bought once gets
    "Bought once, ..."; under BG/NBD such a customer is certainly alive (the model lets customers drop out
    only after a repeat purchase), which the sentence then says. (No "a/an 38% chance": the article
    would depend on how the number is read.)

    >>> from types import SimpleNamespace
    >>> story = SimpleNamespace(frequency=5.0, days_since_last_purchase=98.0, typical_gap_days=35.0,
    ...                         p_alive=0.38, model="pareto_nbd")
    >>> print(story_sentence(story))  # doctest: +NORMALIZE_WHITESPACE
    Bought 6 times, last 14 weeks ago; customers like this usually buy every 5 weeks,
    so the chance they are still active is 38%.
    """
    orders = int(round(story.frequency)) + 1
    since = story.days_since_last_purchase
    ago = i18n.text_in_digits("story.ago.today", lang, digits) if since < 0.5 else _counted("ago", since, lang, digits)
    every = _counted("every", story.typical_gap_days, lang, digits)
    p = fmt.percent(story.p_alive, 0, digits)
    if orders == 1:
        key = "story.sentence_once_bgnbd" if story.model == "bgnbd" else "story.sentence_once"
        return i18n.text_in_digits(key, lang, digits, ago=ago, every=every, p_alive=p)
    times = i18n.text_in_digits(f"story.times.{plural_category(orders)}", lang, digits, n=fmt.number(orders, 0, digits))
    return i18n.text_in_digits("story.sentence", lang, digits, times=times, ago=ago, every=every, p_alive=p)
