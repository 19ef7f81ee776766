"""Which transaction model predicts best: fit on a calibration period, compare with the holdout.

``compare_models`` splits the log at ``calibration_end``; fits the chosen transaction models (BG/NBD,
Pareto/NBD, MBG/NBD) on the calibration period; predicts each customer's repeat purchases in the holdout
and compares with what happened (``clv.models.validation``); recommends one; tracks the calibration
cohort's cumulative repeat purchases week by week, actual against predicted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import fmt, i18n, rfm
from ..errors import FitError, InputError
from ..models.validation import (
    ValidationResult,
    actual_cumulative_purchases,
    expected_cumulative_purchases,
    recommend,
    validate,
)
from .common import DAYS_PER_WEEK, FREQ, MODEL_CLASSES, TRANSACTION_MODELS, check_models, observed_dates

FIT_STATISTICS_UNIT = "weeks"  # Comparison.table's LL, AIC and BIC: the papers' unit (FHL 2005)
CALIBRATION_SHARE = 2 / 3  # default calibration end: 2/3 of the observed period
MIN_HOLDOUT_DAYS = 7  # a holdout shorter than a week says nothing


def default_calibration_end(transactions: pd.DataFrame) -> pd.Timestamp:
    """The day two thirds of the way from the first to the last date (CALIBRATION_SHARE).

    >>> tx = pd.DataFrame({"date": pd.to_datetime(["2024-01-01", "2024-04-01"])})
    >>> str(default_calibration_end(tx).date())
    '2024-03-01'
    """
    dates = observed_dates(transactions)
    first, last = dates.min().normalize(), dates.max().normalize()
    return (first + pd.Timedelta(days=int((last - first).days * CALIBRATION_SHARE))).normalize()


def calibration_bounds(transactions: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The earliest and latest allowed calibration end: a week after the first date, a week before the last."""
    dates = observed_dates(transactions)
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
    holdout: pd.DataFrame = field(repr=False)  # frequency_cal, recency_cal, T_cal, frequency_holdout, ...
    tracking: pd.DataFrame = field(repr=False)  # week, actual, predicted (by ``tracking_model``)
    tracking_model: str | None = None  # key of the model whose curve ``tracking`` holds: the best

    def tracking_note(self, lang: str = "en") -> str:
        """Whose predicted curve the tracking chart shows (catalogue ``predict.page.tracking_model``)."""
        if self.tracking_model is None:
            return ""
        name = i18n.text(f"models.names.{self.tracking_model}", lang)
        return i18n.text("predict.page.tracking_model", lang, model=name)

    def statistics_note(self, lang: str = "en", digits: str = "western") -> str:
        """The time unit of the table's LL, AIC and BIC and what it does to them (``predict.page.statistics_unit``)."""
        return i18n.text_in_digits(
            "predict.page.statistics_unit", lang, digits, shift=fmt.number(self.log_likelihood_shift, 1, digits)
        )

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
        rows = [
            {
                "model": i18n.text(f"models.names.{f.key}", lang),
                "log_likelihood": f.model.log_likelihood + shift,
                "aic": f.validation.aic - 2 * shift,
                "bic": f.validation.bic - 2 * shift,
                "mae": f.validation.mae,
                "rmse": f.validation.rmse,
                "holdout_predicted": f.validation.predicted_total,
                "holdout_actual": f.validation.actual_total,
            }
            for f in self.ok_fits
        ]
        return pd.DataFrame(
            rows,
            columns=["model", "log_likelihood", "aic", "bic", "mae", "rmse", "holdout_predicted", "holdout_actual"],
        )


def _fit_one(key: str, x, tx, big_t) -> ModelFit:
    try:
        model = MODEL_CLASSES[key]().fit(x, tx, big_t)
    except FitError as err:
        return ModelFit(key, None, None, err.key, dict(err.values))
    return ModelFit(key, model, None)


def compare_models(
    transactions: pd.DataFrame, calibration_end=None, models=TRANSACTION_MODELS, observation_end=None
) -> Comparison:
    """Fit ``models`` on the calibration period, validate on the holdout, track weekly cumulative purchases.

    The tracking curve is the recommended model's (``Comparison.tracking_model``, ``tracking_note``);
    the table's LL, AIC and BIC are in weeks (``Comparison.table``, ``statistics_note``).
    ``transactions``: customer_id, date, amount (``clv.data.read_transactions``). ``calibration_end``
    defaults to ``default_calibration_end``; it must leave at least MIN_HOLDOUT_DAYS on each side.
    A model that cannot be fitted is kept with its error (the others still compare).
    """
    models = check_models(models)
    dates = observed_dates(transactions)
    start = dates.min().normalize()
    end = pd.Timestamp(observation_end).normalize() if observation_end is not None else dates.max().normalize()
    cal = (
        pd.Timestamp(calibration_end).normalize()
        if calibration_end is not None
        else default_calibration_end(transactions)
    )
    low, high = calibration_bounds(transactions)
    if not low <= cal <= min(high, end - pd.Timedelta(days=MIN_HOLDOUT_DAYS)):
        raise InputError(
            "calibration_end",
            str(cal.date()),
            "predict.allowed.calibration_end",
            low=str(low.date()),
            high=str(high.date()),
        )
    summary = rfm.summarize(
        transactions, "customer_id", "date", "amount", freq=FREQ, observation_end=end, calibration_end=cal
    )
    holdout = summary.rename(
        columns={
            "frequency": "frequency_cal",
            "recency": "recency_cal",
            "T": "T_cal",
            "monetary_value": "monetary_value_cal",
        }
    )
    x, tx, big_t = (holdout[c].to_numpy() for c in ("frequency_cal", "recency_cal", "T_cal"))
    fits = []
    for key in models:
        fit = _fit_one(key, x, tx, big_t)
        if fit.ok:
            fit = ModelFit(key, fit.model, validate(fit.model, holdout))
        fits.append(fit)
    comparison = Comparison(cal, end, start, tuple(fits), holdout, pd.DataFrame())
    best = comparison.best
    tracking = (
        _tracking(transactions, next(f.model for f in fits if f.key == best), start, cal, end)
        if best
        else pd.DataFrame(columns=["week", "actual", "predicted"])
    )
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
