"""Predicting each customer's future value: the computations behind the Predictions page.

Non-contractual (a transaction log, daily time unit):

1. ``compare_models``: split the log at ``calibration_end``; fit the chosen transaction models (BG/NBD,
   Pareto/NBD, MBG/NBD) on the calibration period; predict each customer's repeat purchases in the
   holdout and compare with what happened (``clv.models.validation``); recommend one; track the
   calibration cohort's cumulative repeat purchases week by week, actual against predicted.
2. ``fit_customer_models``: the chosen model and Gamma-Gamma refitted on the whole period (or fitted
   to an uploaded per-customer summary: no holdout then), with each customer's RFM segment.
3. ``customer_values``: per customer P(alive), expected purchases in the horizon, expected spend per
   purchase and predicted CLV (``clv.models.customer_lifetime_value``: the lifetimes definition, each
   month's purchases discounted at the end of the month at the monthly rate compounding to the annual
   rate; revenue, not margin), plus the population's monthly revenue path and the implied churn.
4. ``formula_against_model``: the calculator's LTV from the same data's ARPU and churn next to the
   models' mean predicted CLV, both times the same gross margin, same horizon and discount rate.
5. ``new_customer_baseline``: the calculator inputs for a customer acquired today (what "use as baseline"
   sets); ``baseline_fields``: those that reproduce the mean CLV of the customers already on the books.

Contractual: ``parse_counts`` (typed retention counts), ``subscription_cohorts`` (counts from a
subscription table) and ``contractual`` (sBG fit, survival projection, DEL and LTV).

Time units: days throughout the non-contractual part (frequency, recency, T; alpha in days); a month
is 30 days for the horizon, as in lifetimes (``PERIODS_PER_MONTH["D"]``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import cohorts, fmt, i18n, rfm
from .core import evaluate, ltv, monthly_rate
from .errors import DataError, FitError, InputError
from .models import (PERIODS_PER_MONTH, BetaGeo, GammaGamma, ModifiedBetaGeo, ParetoNBD, ShiftedBetaGeometric,
                     customer_lifetime_value)
from .models.validation import (ValidationResult, actual_cumulative_purchases, expected_cumulative_purchases,
                                recommend, validate)

MODEL_CLASSES = {"bgnbd": BetaGeo, "pareto_nbd": ParetoNBD, "mbgnbd": ModifiedBetaGeo}
TRANSACTION_MODELS = tuple(MODEL_CLASSES)
FREQ = "D"                                   # summaries in days
DAYS_PER_MONTH = PERIODS_PER_MONTH[FREQ]     # 30: the month of the horizon (lifetimes' convention)
DAYS_PER_WEEK = 7
FIT_STATISTICS_UNIT = "weeks"                # Comparison.table's LL, AIC and BIC: the papers' unit (FHL 2005)
CALIBRATION_SHARE = 2 / 3                    # default calibration end: 2/3 of the observed period
MIN_HOLDOUT_DAYS = 7                         # a holdout shorter than a week says nothing
MATRIX_FREQUENCIES = (5, 30)                 # the matrices show frequency 0..F, F from the data within this
MATRIX_RECENCY_STEPS = 25
TOP_SHARE = 0.20                             # "the top 20% of customers hold y% of predicted value"
MAX_HORIZON_MONTHS = 120
SEGMENT_UNKNOWN = ""


# ---------------------------------------------------------------------------------------------------
# Calibration / holdout comparison
# ---------------------------------------------------------------------------------------------------

def _dates(transactions: pd.DataFrame) -> pd.Series:
    if len(transactions) == 0:
        raise DataError("predict.errors.no_rows")
    return pd.to_datetime(transactions["date"])


def default_calibration_end(transactions: pd.DataFrame) -> pd.Timestamp:
    """The day two thirds of the way from the first to the last date (CALIBRATION_SHARE).

    >>> tx = pd.DataFrame({"date": pd.to_datetime(["2024-01-01", "2024-04-01"])})
    >>> str(default_calibration_end(tx).date())
    '2024-03-01'
    """
    dates = _dates(transactions)
    first, last = dates.min().normalize(), dates.max().normalize()
    return (first + pd.Timedelta(days=int((last - first).days * CALIBRATION_SHARE))).normalize()


def calibration_bounds(transactions: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The earliest and latest allowed calibration end: a week after the first date, a week before the last."""
    dates = _dates(transactions)
    first, last = dates.min().normalize(), dates.max().normalize()
    return first + pd.Timedelta(days=MIN_HOLDOUT_DAYS), last - pd.Timedelta(days=MIN_HOLDOUT_DAYS)


@dataclass(frozen=True)
class ModelFit:
    """One transaction model fitted on the calibration period, and how it predicted the holdout.

    ``error_key``/``error_values``: a FitError that stopped it (kept as its catalogue key and values, so
    the result can be cached and shown in any language); then ``model`` and ``validation`` are None.
    """

    key: str
    model: object | None
    validation: ValidationResult | None
    error_key: str = ""
    error_values: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.model is not None

    def error(self, lang: str = "en") -> str:
        return i18n.text(self.error_key, lang, **self.error_values) if self.error_key else ""


@dataclass(frozen=True)
class Comparison:
    """The calibration/holdout comparison of the transaction models (``compare_models``)."""

    calibration_end: pd.Timestamp
    observation_end: pd.Timestamp
    start: pd.Timestamp
    fits: tuple[ModelFit, ...]
    holdout: pd.DataFrame = field(repr=False)       # frequency_cal, recency_cal, T_cal, frequency_holdout, ...
    tracking: pd.DataFrame = field(repr=False)      # week, actual, predicted (by ``tracking_model``)
    tracking_model: str | None = None               # key of the model whose curve ``tracking`` holds: the best

    def tracking_note(self, lang: str = "en") -> str:
        """Whose predicted curve the tracking chart shows (catalogue ``predict.page.tracking_model``)."""
        if self.tracking_model is None:
            return ""
        name = i18n.text(f"models.names.{self.tracking_model}", lang)
        return i18n.text("predict.page.tracking_model", lang, model=name)

    def statistics_note(self, lang: str = "en", digits: str = "western") -> str:
        """The time unit of the table's LL, AIC and BIC and what it does to them (``predict.page.statistics_unit``)."""
        return i18n.text_in_digits("predict.page.statistics_unit", lang, digits,
                                   shift=fmt.number(self.log_likelihood_shift, 1, digits))

    @property
    def log_likelihood_shift(self) -> float:
        """LL in weeks - LL in days, the same for every model: (sum of repeat purchases x) x ln 7.

        The models are fitted in days. Measuring time in weeks divides every time and alpha (and
        Pareto/NBD's beta) by 7: each purchase's density, per unit of time, is 7 times larger, and nothing
        else changes (r ln alpha - (r+x) ln(alpha+T) and its like lose x ln 7, ratios of times are the
        same), so LL_weeks = LL_days + x ln 7 per customer, exactly (the fitted model in weeks is the
        fitted model in days, rescaled).
        """
        return float(self.holdout["frequency_cal"].sum()) * math.log(DAYS_PER_WEEK)

    @property
    def ok_fits(self) -> tuple[ModelFit, ...]:
        return tuple(f for f in self.fits if f.ok)

    @property
    def best(self) -> str | None:
        """Key of the recommended model: lowest holdout MAE, ties to the lower BIC (``recommend``'s rule)."""
        ok = self.ok_fits
        if not ok:
            return None
        return min(ok, key=lambda f: (round(f.validation.mae, 12), f.validation.bic)).key

    @property
    def calibration_weeks(self) -> float:
        return (self.calibration_end - self.start).days / DAYS_PER_WEEK + 1 / DAYS_PER_WEEK

    def recommendation(self, lang: str = "en", digits: str = "western") -> str:
        return recommend([f.validation for f in self.ok_fits], lang, digits)

    def table(self, lang: str = "en") -> pd.DataFrame:
        """One row per fitted model: LL, AIC, BIC, holdout MAE and RMSE per customer, predicted and actual
        holdout repeat purchases (all customers).

        LL, AIC and BIC are for times in weeks (FIT_STATISTICS_UNIT), the unit of Fader, Hardie & Lee
        (2005) and of the README's published figures: the fit in days plus ``log_likelihood_shift``
        (AIC and BIC minus twice that), so CDNOW's BG/NBD reads -9,582.4 as published, not the -14,363.5
        of the same fit in days. Differences between models, and so the ranking, do not depend on the unit.
        """
        shift = self.log_likelihood_shift
        rows = [{"model": i18n.text(f"models.names.{f.key}", lang), "log_likelihood": f.model.log_likelihood + shift,
                 "aic": f.validation.aic - 2 * shift, "bic": f.validation.bic - 2 * shift, "mae": f.validation.mae,
                 "rmse": f.validation.rmse, "holdout_predicted": f.validation.predicted_total,
                 "holdout_actual": f.validation.actual_total}
                for f in self.ok_fits]
        return pd.DataFrame(rows, columns=["model", "log_likelihood", "aic", "bic", "mae", "rmse",
                                           "holdout_predicted", "holdout_actual"])


def _check_models(models) -> tuple[str, ...]:
    models = tuple(models)
    bad = [m for m in models if m not in MODEL_CLASSES]
    if not models or bad:
        raise InputError("models", list(models), "predict.allowed.models", models=", ".join(TRANSACTION_MODELS))
    return models


def _fit_one(key: str, x, tx, big_t) -> ModelFit:
    try:
        model = MODEL_CLASSES[key]().fit(x, tx, big_t)
    except FitError as err:
        return ModelFit(key, None, None, err.key, dict(err.values))
    return ModelFit(key, model, None)


def compare_models(transactions: pd.DataFrame, calibration_end=None, models=TRANSACTION_MODELS,
                   observation_end=None) -> Comparison:
    """Fit ``models`` on the calibration period, validate on the holdout, track weekly cumulative purchases.

    The tracking curve is the recommended model's (``Comparison.tracking_model``, ``tracking_note``);
    the table's LL, AIC and BIC are in weeks (``Comparison.table``, ``statistics_note``).
    ``transactions``: customer_id, date, amount (``clv.data.read_transactions``). ``calibration_end``
    defaults to ``default_calibration_end``; it must leave at least MIN_HOLDOUT_DAYS on each side.
    A model that cannot be fitted is kept with its error (the others still compare).
    """
    models = _check_models(models)
    dates = _dates(transactions)
    start = dates.min().normalize()
    end = pd.Timestamp(observation_end).normalize() if observation_end is not None else dates.max().normalize()
    cal = pd.Timestamp(calibration_end).normalize() if calibration_end is not None \
        else default_calibration_end(transactions)
    low, high = calibration_bounds(transactions)
    if not low <= cal <= min(high, end - pd.Timedelta(days=MIN_HOLDOUT_DAYS)):
        raise InputError("calibration_end", str(cal.date()), "predict.allowed.calibration_end",
                         low=str(low.date()), high=str(high.date()))
    summary = rfm.summarize(transactions, "customer_id", "date", "amount", freq=FREQ, observation_end=end,
                            calibration_end=cal)
    holdout = summary.rename(columns={"frequency": "frequency_cal", "recency": "recency_cal", "T": "T_cal",
                                      "monetary_value": "monetary_value_cal"})
    x, tx, big_t = (holdout[c].to_numpy() for c in ("frequency_cal", "recency_cal", "T_cal"))
    fits = []
    for key in models:
        fit = _fit_one(key, x, tx, big_t)
        if fit.ok:
            fit = ModelFit(key, fit.model, validate(fit.model, holdout))
        fits.append(fit)
    comparison = Comparison(cal, end, start, tuple(fits), holdout, pd.DataFrame())
    best = comparison.best
    tracking = _tracking(transactions, next(f.model for f in fits if f.key == best), start, cal, end) \
        if best else pd.DataFrame(columns=["week", "actual", "predicted"])
    return Comparison(cal, end, start, tuple(fits), holdout, tracking, best)


def _tracking(transactions, model, start, cal, end) -> pd.DataFrame:
    """Cumulative repeat purchases of the calibration cohort by week, actual and predicted (FHL 2005, Fig. 3).

    The cohort and its purchases are those of ``rfm.summarize`` (which the models were fitted to): every
    row with an amount of zero or more is a purchase (a free order too; CDNOW has 8 customers whose only
    order cost $0), a negative amount is a return. Week k ends at day 7k from ``start``: week 78 of CDNOW
    (1997-01-01 to 1998-06-30, 546 days) predicts for each customer the time from the first purchase to
    the end of 1998-06-30, which is T + 39 weeks + 1 day in the summary's convention (T counts whole days
    from the first purchase day to the last day observed).
    """
    codes, _ = pd.factorize(transactions["customer_id"])
    day = (pd.to_datetime(transactions["date"]).dt.normalize() - start).dt.days.to_numpy()
    buy = transactions["amount"].to_numpy(dtype=float) >= 0
    keep = buy & (day <= (end - start).days)
    pairs = np.unique(codes[keep].astype(np.int64) * (int(day.max()) + 1) + day[keep])
    cust, when = pairs // (int(day.max()) + 1), pairs % (int(day.max()) + 1)
    first_of = np.r_[True, cust[1:] != cust[:-1]]
    first_day = when[first_of]
    cohort = first_day <= (cal - start).days
    in_cohort = np.repeat(cohort, np.diff(np.r_[np.flatnonzero(first_of), cust.size]))
    repeats = when[~first_of & in_cohort]
    weeks = int(math.ceil(((end - start).days + 1) / DAYS_PER_WEEK))
    actual = actual_cumulative_purchases(repeats, weeks, period=DAYS_PER_WEEK)
    predicted = expected_cumulative_purchases(model, first_day[cohort], weeks, period=DAYS_PER_WEEK)
    return pd.DataFrame({"week": np.arange(1, weeks + 1), "actual": actual, "predicted": predicted})


# ---------------------------------------------------------------------------------------------------
# Whole-period fit and each customer's value
# ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CustomerModels:
    """The transaction model (key) and Gamma-Gamma fitted on the whole period, and the summary they saw.

    ``summary``: frequency, recency, T (days), monetary_value, segment (RFM segment code), by customer.
    ``source``: "transactions" or "summary" (an uploaded summary: no holdout, segments from it).
    """

    key: str
    transaction_model: object
    spend_model: object                  # GammaGamma, or OwnAverageSpend when Gamma-Gamma cannot be fitted
    summary: pd.DataFrame = field(repr=False)
    source: str = "transactions"
    spend_error: FitError | None = None  # why Gamma-Gamma was not used (then spend_model is OwnAverageSpend)


class OwnAverageSpend:
    """Each customer's spend per purchase as their own average, for when Gamma-Gamma cannot be fitted (spend
    too heavy-tailed, too few repeat buyers): a repeat buyer's expected spend is their mean repeat purchase
    value; a customer without repeat purchases gets the mean over repeat buyers (weighted by purchases).

    >>> g = OwnAverageSpend([0, 2, 1], [0.0, 30.0, 60.0])
    >>> g.population_mean_spend, g.expected_spend(np.array([0, 2, 1]), np.array([0.0, 30.0, 60.0])).tolist()
    (40.0, [40.0, 30.0, 60.0])
    """

    name = "own_average_spend"

    def __init__(self, frequency, monetary_value):
        x, m = np.asarray(frequency, dtype=float), np.asarray(monetary_value, dtype=float)
        spenders = (x > 0) & (m > 0)
        self.population_mean_spend = float(np.sum(x[spenders] * m[spenders]) / np.sum(x[spenders])) \
            if spenders.any() else 0.0

    def expected_spend(self, frequency, monetary_value):
        x, m = np.asarray(frequency, dtype=float), np.asarray(monetary_value, dtype=float)
        return np.where((x > 0) & (m > 0), m, self.population_mean_spend)


def summary_segments(summary: pd.DataFrame) -> np.ndarray:
    """RFM segment codes from a (frequency, recency, T, monetary_value) summary in days.

    Days since the last purchase = T - recency; orders = frequency + 1; revenue ~ monetary_value x
    frequency (repeat purchases only: a summary does not hold the first purchase's value).
    """
    frame = pd.DataFrame({"recency_days": summary["T"] - summary["recency"], "orders": summary["frequency"] + 1,
                          "revenue": summary["monetary_value"] * summary["frequency"]}, index=summary.index)
    return rfm.rfm_scores(frame)["segment"].to_numpy()


def fit_customer_models(transactions: pd.DataFrame | None = None, model: str = "bgnbd", observation_end=None,
                        summary: pd.DataFrame | None = None) -> CustomerModels:
    """Fit ``model`` and Gamma-Gamma on the whole period of ``transactions`` (or on ``summary``).

    Raises FitError when the transaction model cannot be fitted, InputError for an unknown model. When
    Gamma-Gamma cannot be fitted, each customer's own average spend is used instead (``OwnAverageSpend``)
    and ``spend_error`` says why, so the purchase predictions are not lost with it.
    """
    (key,) = _check_models([model])
    if summary is None:
        if transactions is None:
            raise InputError("transactions", None, "predict.allowed.data")
        dates = _dates(transactions)
        end = pd.Timestamp(observation_end).normalize() if observation_end is not None else dates.max().normalize()
        table = rfm.summarize(transactions, "customer_id", "date", "amount", freq=FREQ, observation_end=end)
        segments = rfm.rfm_table(transactions[pd.to_datetime(transactions["date"]) <= end + pd.Timedelta(days=1)],
                                 analysis_date=end)["segment"].reindex(table.index).fillna(SEGMENT_UNKNOWN)
        table = table.assign(segment=segments.to_numpy())
        source = "transactions"
    else:
        table = summary[["frequency", "recency", "T", "monetary_value"]].astype(float)
        table = table.assign(segment=summary_segments(table))
        source = "summary"
    transaction_model = MODEL_CLASSES[key]().fit(table["frequency"], table["recency"], table["T"])
    try:
        spend_model, spend_error = GammaGamma().fit(table["frequency"], table["monetary_value"]), None
    except FitError as err:
        spend_model, spend_error = OwnAverageSpend(table["frequency"], table["monetary_value"]), err
    return CustomerModels(key, transaction_model, spend_model, table, source, spend_error)


@dataclass(frozen=True)
class CustomerValues:
    """Each customer's predictions over ``horizon_months`` and what they add up to.

    table: p_alive, expected_purchases (in the horizon), expected_spend (per purchase, currency),
    predicted_clv (discounted revenue in the horizon, currency), segment; indexed by customer.
    first_month_revenue, last_month_revenue: mean expected revenue per customer (undiscounted) in month 1
    and in month ``path_months`` = max(horizon, 2).
    implied_monthly_churn: 1 - (last / first)^(1 / (path_months - 1)): the constant churn that gives the
    same decline over the horizon.
    """

    table: pd.DataFrame = field(repr=False)
    horizon_months: int
    annual_discount_rate: float
    first_month_revenue: float
    last_month_revenue: float

    @property
    def mean_clv(self) -> float:
        return float(self.table["predicted_clv"].mean())

    @property
    def total_clv(self) -> float:
        return float(self.table["predicted_clv"].sum())

    @property
    def implied_monthly_churn(self) -> float:
        first, last = self.first_month_revenue, self.last_month_revenue
        if first <= 0 or last <= 0:
            return 1.0 if first > 0 else 0.0
        return float(min(max(1.0 - (last / first) ** (1.0 / (self.path_months - 1)), 0.0), 1.0))

    @property
    def path_months(self) -> int:
        return max(self.horizon_months, 2)

    def top_share(self, share: float = TOP_SHARE) -> float:
        """Share of the total predicted CLV held by the top ``share`` of customers."""
        values = np.sort(self.table["predicted_clv"].to_numpy())[::-1]
        total = values.sum()
        k = max(int(round(share * values.size)), 1)
        return float(values[:k].sum() / total) if total > 0 else 0.0


def _check_horizon(horizon_months) -> int:
    if not (isinstance(horizon_months, (int, np.integer)) or float(horizon_months).is_integer()) \
            or not 1 <= horizon_months <= MAX_HORIZON_MONTHS:
        raise InputError("horizon_months", horizon_months, "predict.allowed.horizon", high=MAX_HORIZON_MONTHS)
    return int(horizon_months)


def customer_values(models: CustomerModels, horizon_months: int = 12, annual_discount_rate: float = 0.10) -> CustomerValues:
    """Per-customer P(alive), expected purchases, expected spend and predicted CLV over the horizon.

    CLV uses ``customer_lifetime_value`` with the monthly discount rate compounding to
    ``annual_discount_rate`` (a fraction per year).
    """
    h = _check_horizon(horizon_months)
    if not math.isfinite(annual_discount_rate) or annual_discount_rate < 0:
        raise InputError("annual_discount_rate", annual_discount_rate, "allowed.rate")
    s = models.summary
    m, g = models.transaction_model, models.spend_model
    x, tx, big_t = (s[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
    spend = np.asarray(g.expected_spend(x, s["monetary_value"].to_numpy(dtype=float)), dtype=float)
    clv = customer_lifetime_value(m, g, s, months=h, monthly_discount_rate=monthly_rate(annual_discount_rate),
                                  freq=FREQ)
    expected = np.asarray(m.expected_purchases(h * DAYS_PER_MONTH, x, tx, big_t), dtype=float)
    table = pd.DataFrame({"p_alive": np.asarray(m.p_alive(x, tx, big_t), dtype=float) * np.ones(len(s)),
                          "expected_purchases": expected, "expected_spend": spend,
                          "predicted_clv": clv.to_numpy(), "segment": s["segment"].to_numpy()}, index=s.index)
    months = max(h, 2)
    at = [DAYS_PER_MONTH * k for k in (1, months - 1, months)]
    cum = [np.asarray(m.expected_purchases(t, x, tx, big_t), dtype=float) for t in at]
    return CustomerValues(table, h, float(annual_discount_rate), float(np.mean(spend * cum[0])),
                          float(np.mean(spend * (cum[2] - cum[1]))))


def frequency_recency_matrices(models: CustomerModels, horizon_months: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Expected purchases in the horizon and P(alive) for a customer observed for T = the longest T, by
    frequency (rows 0..F) and recency (columns, days). Histories that cannot happen are NaN, never
    evaluated: recency > 0 without a repeat purchase, and recency 0 with one."""
    s = models.summary
    big_t = float(s["T"].max())
    top = int(np.clip(np.ceil(s["frequency"].quantile(0.99)), *MATRIX_FREQUENCIES))
    freq = np.arange(top + 1, dtype=float)
    rec = np.unique(np.round(np.linspace(0, big_t, MATRIX_RECENCY_STEPS)))
    xx, rr = np.meshgrid(freq, rec, indexing="ij")
    m = models.transaction_model
    possible = (xx == 0) == (rr == 0)            # no repeat purchase: recency 0; repeat purchases: recency > 0
    expected, alive = np.full(xx.shape, np.nan), np.full(xx.shape, np.nan)
    expected[possible] = m.expected_purchases(_check_horizon(horizon_months) * DAYS_PER_MONTH, xx[possible],
                                              rr[possible], big_t)
    alive[possible] = m.p_alive(xx[possible], rr[possible], big_t)
    index = pd.Index(freq.astype(int), name="frequency")
    columns = pd.Index(rec, name="recency")
    return pd.DataFrame(expected, index=index, columns=columns), pd.DataFrame(alive, index=index, columns=columns)


# ---------------------------------------------------------------------------------------------------
# Plain-language readings of the parameters
# ---------------------------------------------------------------------------------------------------

def readings(model, lang: str = "en", currency: str = "$", digits: str = "western") -> list[str]:
    """Sentences reading a fitted model's parameters with numbers (time unit: days).

    BG/NBD and MBG/NBD: mean purchase rate r/alpha per day (one purchase every alpha/r days, in weeks)
    and the mean dropout probability a/(a+b) after each purchase. Pareto/NBD: the same rate and the
    mean dropout rate s/beta per day, as a monthly probability 1 - exp(-30 s/beta). Gamma-Gamma: the
    mean spend per purchase p v/(q-1) and, for q > 2, how much customers' means vary (CV 1/sqrt(q-2)).
    sBG: mean churn alpha/(alpha+beta) per period and the retention rate in periods 1 and 12.

    >>> m = BetaGeo(); m.params = {"r": 0.75, "alpha": 40.0, "a": 0.8, "b": 2.5}
    >>> readings(m)[0]
    'A typical active customer buys about once every 7.6 weeks (0.019 purchases a day, r / alpha).'
    """
    p = model.params
    n = lambda v, d=1: fmt.number(v, d, digits)  # noqa: E731
    pct = lambda v: fmt.percent(v, 0, digits)  # noqa: E731
    out = []
    if isinstance(model, (BetaGeo, ModifiedBetaGeo, ParetoNBD)):
        rate = p["r"] / p["alpha"]
        out.append(i18n.text_in_digits("predict.reading.rate", lang, digits,
                                       weeks=n(1 / rate / DAYS_PER_WEEK), rate=n(rate, 3)))
        key = "predict.reading.heterogeneity_high" if p["r"] < 1 else "predict.reading.heterogeneity_low"
        out.append(i18n.text_in_digits(key, lang, digits, r=n(p["r"], 2)))
    if isinstance(model, BetaGeo):
        out.append(i18n.text_in_digits("predict.reading.dropout", lang, digits, share=pct(p["a"] / (p["a"] + p["b"]))))
    elif isinstance(model, ModifiedBetaGeo):
        out.append(i18n.text_in_digits("predict.reading.dropout_mbg", lang, digits,
                                       share=pct(p["a"] / (p["a"] + p["b"]))))
    elif isinstance(model, ParetoNBD):
        monthly = 1 - math.exp(-DAYS_PER_MONTH * p["s"] / p["beta"])
        out.append(i18n.text_in_digits("predict.reading.dropout_pareto", lang, digits, share=pct(monthly)))
    elif isinstance(model, GammaGamma):
        out.append(i18n.text_in_digits("predict.reading.spend", lang, digits,
                                       amount=fmt.money(model.population_mean_spend, currency,
                                                                             2, digits)))
        if p["q"] > 2:
            out.append(i18n.text_in_digits("predict.reading.spend_spread", lang, digits,
                                           share=pct(1 / math.sqrt(p["q"] - 2))))
    elif isinstance(model, ShiftedBetaGeometric):
        out.append(i18n.text_in_digits("predict.reading.sbg", lang, digits,
                                       share=pct(p["alpha"] / (p["alpha"] + p["beta"])),
                             first=pct(model.retention_rate(1)), later=pct(model.retention_rate(12))))
    return out


# ---------------------------------------------------------------------------------------------------
# Formula against model; the calculator baseline
# ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FormulaComparison:
    """The calculator's LTV from the data's ARPU and churn, and the models' mean predicted CLV.

    Both are gross margin (revenue x ``gross_margin``) over ``horizon_months``, discounted at
    ``annual_discount_rate``. The formula values a new customer (one ARPU, one churn rate for all);
    the models value the customers you have now, each with their own rate and chance of being alive.
    """

    formula_ltv: float
    model_clv: float
    arpu: float
    monthly_churn: float
    gross_margin: float
    horizon_months: int
    annual_discount_rate: float

    @property
    def ratio(self) -> float:
        return self.model_clv / self.formula_ltv if self.formula_ltv > 0 else math.inf

    def sentence(self, lang: str = "en", currency: str = "$", digits: str = "western") -> str:
        key = "predict.formula.lower" if self.model_clv < self.formula_ltv else "predict.formula.higher"
        return i18n.text_in_digits(key, lang, digits, formula=fmt.money(self.formula_ltv, currency, 2, digits),
                         model=fmt.money(self.model_clv, currency, 2, digits),
                         ratio=fmt.percent(self.ratio, 0, digits), months=fmt.number(self.horizon_months, 0, digits),
                         arpu=fmt.money(self.arpu, currency, 2, digits),
                         churn=fmt.percent(self.monthly_churn, 1, digits))


def formula_against_model(transactions: pd.DataFrame, values: CustomerValues, gross_margin: float, cac: float,
                          analysis_date=None,
                          inactivity_days: int = cohorts.DEFAULT_INACTIVITY_DAYS) -> FormulaComparison:
    """The calculator's LTV (``clv.cohorts.derive_assumptions`` -> ``clv.Assumptions`` -> ``clv.evaluate``)
    with the same horizon and discount as ``values``, against ``gross_margin`` x the mean predicted CLV.
    ``inactivity_days``: no purchase for this long counts as churned (the Your data page's setting)."""
    derived = cohorts.derive_assumptions(transactions, inactivity_days=inactivity_days, analysis_date=analysis_date,
                                         bootstrap_samples=0)
    assumptions = derived.to_assumptions(gross_margin, cac, values.annual_discount_rate, values.horizon_months)
    return FormulaComparison(formula_ltv=evaluate(assumptions).ltv, model_clv=gross_margin * values.mean_clv,
                             arpu=assumptions.arpu, monthly_churn=assumptions.monthly_churn,
                             gross_margin=gross_margin, horizon_months=values.horizon_months,
                             annual_discount_rate=values.annual_discount_rate)


def baseline_fields(values: CustomerValues) -> dict[str, object]:
    """The calculator's widget values that reproduce the models' mean CLV (revenue) times the margin.

    Churn: the implied monthly churn (percent). ARPU: mean CLV / S with S = ``clv.ltv(1, 1, churn,
    discount, horizon)``, the calculator's own annuity factor, so its LTV = margin x mean CLV exactly
    (up to the rounding of churn to 0.01 percentage points). Horizon and discount are set to the models'.
    """
    churn = round(values.implied_monthly_churn * 100, 2)
    factor = ltv(1.0, 1.0, churn / 100, values.annual_discount_rate, values.horizon_months)
    return {"calc_mode": "subscription", "calc_churn_shape": "constant",
            "calc_arpu": round(values.mean_clv / factor, 2) if factor > 0 else 0.0,
            "calc_churn": churn, "calc_horizon": values.horizon_months,
            "calc_discount": round(values.annual_discount_rate * 100, 2)}


@dataclass(frozen=True)
class NewCustomerBaseline:
    """What the models expect from a customer acquired today, as the calculator's inputs.

    monthly_revenue: expected revenue in months 0..H-1 (undiscounted): the first order in month 0 plus
    the repeat orders the model expects in each month (``expected_purchases_new_customer``), each at the
    population's mean spend (Gamma-Gamma ``v p / (q - 1)``). The calculator's constant churn is fitted
    to how the repeat revenue falls from month 1 to month H-1, and its ARPU so that its discounted LTV
    over the horizon equals the path's: LTV = margin x the models' expected revenue of a new customer.
    """

    horizon_months: int
    annual_discount_rate: float
    mean_spend: float
    repeat_purchases: float                 # expected repeat orders in the horizon
    monthly_revenue: np.ndarray = field(repr=False)
    monthly_churn: float
    arpu: float

    @property
    def revenue(self) -> float:
        """Expected revenue of a new customer over the horizon, discounted as the calculator does."""
        d = monthly_rate(self.annual_discount_rate)
        return float(np.sum(self.monthly_revenue / (1 + d) ** np.arange(len(self.monthly_revenue))))

    def fields(self) -> dict[str, object]:
        """The calculator's widget values (percent fields in percent)."""
        return {"calc_mode": "subscription", "calc_churn_shape": "constant", "calc_arpu": round(self.arpu, 2),
                "calc_churn": round(self.monthly_churn * 100, 2), "calc_horizon": self.horizon_months,
                "calc_discount": round(self.annual_discount_rate * 100, 2)}


def new_customer_baseline(models: CustomerModels, horizon_months: int = 12,
                          annual_discount_rate: float = 0.10) -> NewCustomerBaseline:
    """The calculator's baseline from the fitted models, for a customer acquired today (the calculator's
    LTV is per new customer, so its baseline must be too: not the mean remaining value of the customers
    already on the books, most of whom bought long ago).

    >>> from clv.models import BetaGeo, GammaGamma
    >>> m = BetaGeo(); m.params = {"r": 0.75, "alpha": 40.0, "a": 0.8, "b": 2.5}
    >>> g = GammaGamma(); g.params = {"p": 6.0, "q": 4.0, "v": 30.0}
    >>> b = new_customer_baseline(CustomerModels("bgnbd", m, g, None), 12, 0.0)
    >>> round(b.mean_spend, 2), round(b.repeat_purchases, 3), round(b.revenue, 2)
    (60.0, 3.176, 250.57)
    """
    h = _check_horizon(horizon_months)
    if not math.isfinite(annual_discount_rate) or annual_discount_rate < 0:
        raise InputError("annual_discount_rate", annual_discount_rate, "allowed.rate")
    spend = float(models.spend_model.population_mean_spend)
    cum = np.asarray(models.transaction_model.expected_purchases_new_customer(
        DAYS_PER_MONTH * np.arange(h + 1, dtype=float)), dtype=float)
    repeat = np.diff(cum) * spend
    revenue = repeat.copy()
    revenue[0] += spend                                       # the first order, at acquisition
    if h >= 3 and repeat[1] > 0 and repeat[h - 1] > 0:
        churn = float(min(max(1.0 - (repeat[h - 1] / repeat[1]) ** (1.0 / (h - 2)), 0.0), 1.0))
    else:
        churn = 0.0
    d = monthly_rate(annual_discount_rate)
    target = float(np.sum(revenue / (1 + d) ** np.arange(h)))
    factor = ltv(1.0, 1.0, churn, annual_discount_rate, h)
    return NewCustomerBaseline(h, float(annual_discount_rate), spend, float(cum[-1]), revenue, churn,
                               target / factor if factor > 0 else 0.0)


# ---------------------------------------------------------------------------------------------------
# Contractual: sBG from retention counts
# ---------------------------------------------------------------------------------------------------

PROJECTION_PERIODS = 24
_SPLIT = re.compile(r"[,;\s،]+")


def parse_counts(text: str) -> list[float]:
    """Active customers at the start of periods 0, 1, 2, ... from text ("1000, 631, 468").

    Commas, semicolons, spaces or Arabic commas separate; thousands separators are not allowed (write
    1000, not 1,000). Raises InputError("counts", ...) unless there are at least two numbers, the first
    above zero, none negative, and none larger than the one before.

    >>> parse_counts("1000, 631; 468 382")
    [1000.0, 631.0, 468.0, 382.0]
    """
    parts = [p for p in _SPLIT.split(str(text).strip()) if p]
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise InputError("counts", text, "predict.allowed.counts") from None
    if len(values) < 2 or not all(math.isfinite(v) for v in values) or values[0] <= 0 or min(values) < 0 \
            or any(b > a for a, b in zip(values, values[1:])):
        raise InputError("counts", text, "predict.allowed.counts")
    return values


def subscription_cohorts(subscriptions: pd.DataFrame, analysis_date=None) -> list[list[float]]:
    """Each start-month cohort's active counts at the start of months 0, 1, ... (observed ages only)."""
    survivors = cohorts.subscription_metrics(subscriptions, analysis_date).survivors
    return [row.dropna().tolist() for _, row in survivors.iterrows() if row.dropna().size >= 2]


@dataclass(frozen=True)
class Contractual:
    """An sBG fit, its projected survival and the value of a new customer.

    projection: period, survival (share of a cohort still active at the start of the period), retention
    (r(t), share of last period's actives who renew; NaN at 0), observed (pooled share, NaN beyond data).
    discounted_expected_lifetime: expected discounted number of payments (payment at each period's start).
    ltv: arpu x gross_margin x DEL (FH 2010).
    """

    model: ShiftedBetaGeometric
    projection: pd.DataFrame = field(repr=False)
    arpu: float
    gross_margin: float
    discount_rate: float
    discounted_expected_lifetime: float
    ltv: float


def contractual(cohort_counts: list[list[float]], arpu: float, gross_margin: float, discount_rate: float,
                periods: int = PROJECTION_PERIODS) -> Contractual:
    """Fit sBG to cohorts' active counts and project ``periods`` periods; ``discount_rate`` is per period.

    >>> c = contractual([[1000, 631, 468, 382, 326, 289, 262, 241]], arpu=100, gross_margin=1, discount_rate=0.1)
    >>> round(c.model.params["alpha"], 3), round(c.model.params["beta"], 3), round(c.discounted_expected_lifetime, 2)
    (0.704, 1.182, 3.69)
    """
    for name, value in (("arpu", arpu), ("discount_rate", discount_rate)):
        if not math.isfinite(value) or value < 0:
            raise InputError(name, value, "allowed.non_negative")
    if not 0 <= gross_margin <= 1:
        raise InputError("gross_margin", gross_margin, "allowed.fraction")
    model = ShiftedBetaGeometric().fit_cohorts(cohort_counts)
    t = np.arange(periods + 1)
    observed = np.full(t.size, np.nan)
    longest = max(len(c) for c in cohort_counts)
    for k in range(min(longest, t.size)):
        rows = [c for c in cohort_counts if len(c) > k]
        observed[k] = sum(c[k] for c in rows) / sum(c[0] for c in rows)
    projection = pd.DataFrame({"period": t, "survival": np.asarray(model.survival(t)),
                               "retention": np.where(t > 0, np.asarray(model.retention_rate(np.maximum(t, 1))), np.nan),
                               "observed": observed})
    dl = float(model.discounted_expected_lifetime(discount_rate))
    return Contractual(model, projection, float(arpu), float(gross_margin), float(discount_rate), dl,
                       float(arpu) * float(gross_margin) * dl)


__all__ = ["compare_models", "Comparison", "ModelFit", "fit_customer_models", "CustomerModels", "customer_values",
           "CustomerValues", "frequency_recency_matrices", "readings", "formula_against_model", "FormulaComparison",
           "baseline_fields", "new_customer_baseline", "NewCustomerBaseline",
           "parse_counts", "subscription_cohorts", "contractual", "Contractual",
           "default_calibration_end", "calibration_bounds", "TRANSACTION_MODELS"]
