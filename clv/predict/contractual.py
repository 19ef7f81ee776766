"""Contractual customers: sBG from retention counts.

``parse_counts`` (typed retention counts), ``subscription_cohorts`` (counts from a subscription table) and
``contractual`` (sBG fit, survival projection, DEL and LTV).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import cohorts
from ..core import monthly_rate
from ..errors import InputError
from ..models import ShiftedBetaGeometric

PROJECTION_PERIODS = 24
PERIODS = ("month", "year")  # what one period of typed counts is


def period_rate(annual_rate: float, period: str = "month") -> float:
    """The discount rate per period of the counts: the monthly rate compounding to ``annual_rate`` for months
    (``clv.monthly_rate``), the annual rate itself for years.

    >>> round(period_rate(0.10, "month"), 6), period_rate(0.10, "year")
    (0.007974, 0.1)
    """
    if period not in PERIODS:
        raise InputError("period", period, "predict.allowed.period")
    return monthly_rate(annual_rate) if period == "month" else float(annual_rate)


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
    if (
        len(values) < 2
        or not all(math.isfinite(v) for v in values)
        or values[0] <= 0
        or min(values) < 0
        or any(b > a for a, b in zip(values, values[1:]))
    ):
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


def contractual(
    cohort_counts: list[list[float]],
    arpu: float,
    gross_margin: float,
    discount_rate: float,
    periods: int = PROJECTION_PERIODS,
) -> Contractual:
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
    projection = pd.DataFrame(
        {
            "period": t,
            "survival": np.asarray(model.survival(t)),
            "retention": np.where(t > 0, np.asarray(model.retention_rate(np.maximum(t, 1))), np.nan),
            "observed": observed,
        }
    )
    dl = float(model.discounted_expected_lifetime(discount_rate))
    return Contractual(
        model,
        projection,
        float(arpu),
        float(gross_margin),
        float(discount_rate),
        dl,
        float(arpu) * float(gross_margin) * dl,
    )
