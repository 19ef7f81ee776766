"""Holdout validation of the transaction models, and a one-sentence recommendation.

Input: a calibration/holdout summary with the columns of lifetimes' ``calibration_and_holdout_data``:
``frequency_cal``, ``recency_cal``, ``T_cal`` (calibration period) and ``frequency_holdout``,
``duration_holdout`` (repeat purchases in, and length of, the holdout period; same time unit).

The rule of ``recommend`` (documented here and in its docstring):
1. the best model is the one with the lowest mean absolute error of the per-customer holdout
   predictions (MAE); ties go to the lower BIC;
2. it "fits well" when its total holdout prediction is within GOOD_FIT_TOTAL_ERROR (20%) of the actual
   total; otherwise the sentence says that no model fits well.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import fmt, i18n
from ..errors import FitError, InputError
from .base import as_array, check_rfm

HOLDOUT_COLUMNS = ("frequency_cal", "recency_cal", "T_cal", "frequency_holdout", "duration_holdout")
MAX_FREQUENCY_GROUP = 7  # calibration frequencies 0..6 and "7+"
GOOD_FIT_TOTAL_ERROR = 0.20  # |predicted total / actual total - 1| above this: no model fits well


@dataclass(frozen=True, slots=True)
class ValidationResult:
    """How one fitted model predicted the holdout period."""

    model: str  # display name, e.g. "BG/NBD"
    predicted_total: float  # expected repeat purchases in the holdout, all customers
    actual_total: float
    mae: float  # mean absolute error per customer (purchases)
    rmse: float  # root mean squared error per customer (purchases)
    total_error: float  # predicted_total / actual_total - 1 (fraction)
    aic: float
    bic: float
    by_frequency: pd.DataFrame = field(repr=False)  # frequency group, customers, actual, predicted (means)


def _check_columns(summary: pd.DataFrame):
    missing = [c for c in HOLDOUT_COLUMNS if c not in summary.columns]
    if missing:
        raise InputError("summary", list(summary.columns), "models.allowed.columns", columns=", ".join(HOLDOUT_COLUMNS))


def _check_summary(summary: pd.DataFrame) -> tuple[np.ndarray, ...]:
    """The columns as float arrays, each checked; an InputError names the column.

    Calibration columns: customer histories (``check_rfm`` with ``history=True``: whole frequency >= 0,
    0 <= recency <= T, recency 0 exactly when frequency is 0); ``frequency_holdout`` a whole number >= 0;
    ``duration_holdout`` finite and >= 0.
    """
    _check_columns(summary)
    try:
        x, tx, big_t = check_rfm(summary["frequency_cal"], summary["recency_cal"], summary["T_cal"], history=True)
    except InputError as err:
        raise InputError(f"{err.field}_cal", err.value, err.allowed, **err.values) from None
    actual = as_array("frequency_holdout", summary["frequency_holdout"], "models.allowed.whole_non_negative")
    if np.any(actual != np.round(actual)):
        raise InputError(
            "frequency_holdout", float(actual[actual != np.round(actual)][0]), "models.allowed.whole_non_negative"
        )
    duration = as_array("duration_holdout", summary["duration_holdout"])
    return x, tx, big_t, actual, duration


def validate(model, summary: pd.DataFrame) -> ValidationResult:
    """Compare a fitted BetaGeo / ModifiedBetaGeo / ParetoNBD model's holdout predictions with the actuals.

    The summary's columns are checked first (``_check_summary``); an InputError names the column.

    >>> import pandas as pd
    >>> from clv.models import BetaGeo
    >>> s = pd.DataFrame({"frequency_cal": [0, 1, 2, 3, 0, 5, 1, 0, 2, 4, 0, 1],
    ...                   "recency_cal": [0, 5, 20, 30, 0, 35, 9, 0, 11, 30, 0, 2],
    ...                   "T_cal": [40, 38, 36, 40, 39, 40, 35, 30, 38, 39, 40, 40],
    ...                   "frequency_holdout": [0, 1, 2, 2, 0, 4, 0, 0, 1, 3, 1, 0], "duration_holdout": 40})
    >>> m = BetaGeo().fit(s.frequency_cal, s.recency_cal, s.T_cal)
    >>> r = validate(m, s)
    >>> r.actual_total, r.by_frequency["group"].tolist()[:3]
    (14.0, ['0', '1', '2'])
    """
    x, tx, big_t, actual, duration = _check_summary(summary)
    predicted = np.asarray(model.expected_purchases(duration, x, tx, big_t), dtype=float)
    group = np.minimum(x, MAX_FREQUENCY_GROUP).astype(int)
    frame = pd.DataFrame({"g": group, "actual": actual, "predicted": predicted})
    table = (
        frame.groupby("g")
        .agg(customers=("actual", "size"), actual=("actual", "mean"), predicted=("predicted", "mean"))
        .reset_index()
    )
    table.insert(0, "group", [f"{g}+" if g == MAX_FREQUENCY_GROUP else str(g) for g in table.pop("g")])
    err = predicted - actual
    total_actual = float(actual.sum())
    return ValidationResult(
        model=model.label,
        predicted_total=float(predicted.sum()),
        actual_total=total_actual,
        mae=float(np.mean(np.abs(err))),
        rmse=float(np.sqrt(np.mean(err**2))),
        total_error=float(predicted.sum() / total_actual - 1) if total_actual > 0 else float("inf"),
        aic=model.aic,
        bic=model.bic,
        by_frequency=table,
    )


def recommend(results: list[ValidationResult], lang: str = "en", digits: str = "western") -> str:
    """One sentence naming the best model (lowest MAE, ties to lower BIC), or saying that none fits well
    (the best's total holdout prediction is more than GOOD_FIT_TOTAL_ERROR off the actual)."""
    if not results:
        return i18n.text_in_digits("models.recommend.empty", lang, digits)
    best = min(results, key=lambda r: (round(r.mae, 12), r.bic))
    if abs(best.total_error) > GOOD_FIT_TOTAL_ERROR:
        return i18n.text_in_digits(
            "models.recommend.none",
            lang,
            digits,
            model=best.model,
            error=fmt.percent(abs(best.total_error), 0, digits),
            threshold=fmt.percent(GOOD_FIT_TOTAL_ERROR, 0, digits),
        )
    return i18n.text_in_digits(
        "models.recommend.best",
        lang,
        digits,
        model=best.model,
        predicted=fmt.number(best.predicted_total, 0, digits),
        actual=fmt.number(best.actual_total, 0, digits),
        error=fmt.percent(abs(best.total_error), 1, digits),
        mae=fmt.number(best.mae, 3, digits),
    )


def expected_cumulative_purchases(model, first_purchase_times, weeks: int, period: float = 1.0) -> np.ndarray:
    """Expected cumulative repeat purchases of the whole cohort at the end of weeks 1..``weeks``.

    ``first_purchase_times``: each customer's first purchase, in the model's time unit from the cohort's
    start (e.g. days / 7 for a model fitted in weeks); ``period``: model time units per week (1 for
    weeks, 7 for days). Sum over customers of E[X(t - t0)] for those acquired before t (FHL 2005, Fig. 3).
    """
    t0 = np.asarray(first_purchase_times, dtype=float).ravel()
    if weeks < 1:
        raise InputError("weeks", weeks, "models.allowed.positive")
    ends = np.arange(1, int(weeks) + 1) * period
    starts, counts = np.unique(t0, return_counts=True)
    age = ends[:, None] - starts[None, :]
    with np.errstate(all="ignore"):
        expected = np.asarray(model.expected_purchases_new_customer(np.maximum(age, 0.0)), dtype=float)
    return np.sum(np.where(age > 0, expected, 0.0) * counts[None, :], axis=1)


def actual_cumulative_purchases(repeat_purchase_times, weeks: int, period: float = 1.0) -> np.ndarray:
    """Actual cumulative repeat purchases at the end of weeks 1..``weeks`` (times as above).

    Week k covers times [k - 1, k) x period: a purchase on day 273 (time 39.0 weeks) is in week 40.
    """
    times = np.sort(np.asarray(repeat_purchase_times, dtype=float).ravel())
    ends = np.arange(1, int(weeks) + 1) * period
    return np.searchsorted(times, ends, side="left").astype(float)


__all__ = [
    "ValidationResult",
    "validate",
    "recommend",
    "expected_cumulative_purchases",
    "actual_cumulative_purchases",
    "GOOD_FIT_TOTAL_ERROR",
    "FitError",
]
