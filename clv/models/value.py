"""Expected discounted value of each customer's future purchases: a transaction model x a spend model.

The definition is exactly that of the ``lifetimes`` package (0.11.3, ``utils._customer_lifetime_value``
as called by ``GammaGammaFitter.customer_lifetime_value``), so figures can be compared one to one:

CLV = sum_{k=1}^{months} E[spend] x (E[Y(k f)] - E[Y((k-1) f)]) / (1 + d)^k

where E[Y(t)] is the transaction model's conditional expected number of repeat purchases in the next
t time units, f the number of time units per month (PERIODS_PER_MONTH: 30 days, 4.345 weeks, 1 month,
720 hours), d the monthly discount rate, and E[spend] the Gamma-Gamma conditional expected average
spend. Each month's purchases are discounted at the end of that month. Currency as the spend data.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
import pandas as pd

from ..errors import InputError
from .base import check_rfm, on_unique
from .betageo import BetaGeo
from .mbgnbd import ModifiedBetaGeo
from .gamma_gamma import GammaGamma
from .pareto import ParetoNBD

PERIODS_PER_MONTH = {"W": 4.345, "M": 1.0, "D": 30, "H": 30 * 24}  # as lifetimes 0.11.3
SUMMARY_COLUMNS = ("frequency", "recency", "T", "monetary_value")


def check_months(months) -> int:
    """A horizon in whole months, 1 or more (12.0 is 12), or InputError("months", ...).

    >>> check_months(12.0)
    12
    >>> check_months(12.9)
    Traceback (most recent call last):
    ...
    clv.errors.InputError: months must be a whole number of months, 1 or more; got 12.9.
    """
    if (
        isinstance(months, bool)
        or not isinstance(months, numbers.Real)
        or not math.isfinite(months)
        or months != round(months)
        or months < 1
    ):
        raise InputError("months", months, "models.allowed.months")
    return int(months)


def customer_lifetime_value(
    transaction_model,
    spend_model,
    summary: pd.DataFrame,
    months: int = 12,
    monthly_discount_rate: float = 0.01,
    freq: str = "D",
) -> pd.Series:
    """Expected discounted value of each customer's purchases over the next ``months`` (see module doc).

    ``summary`` has columns frequency, recency, T (in the unit ``freq``: "D" days, "W" weeks, "M" months,
    "H" hours) and monetary_value (average spend per repeat purchase). ``months`` is a whole number >= 1
    (InputError otherwise: 0 or -3 would value nothing, 12.9 is not a number of months). Returns a Series
    named "clv" on the summary's index, one value per row (a one-row summary gives a one-row Series).

    >>> import pandas as pd
    >>> s = pd.DataFrame({"frequency": [0, 2, 6], "recency": [0, 20, 35], "T": [40, 38, 40],
    ...                   "monetary_value": [0.0, 30.0, 25.0]})
    >>> class Flat:  # a stand-in transaction model: 0.1 purchases a day for everyone
    ...     def expected_purchases(self, t, x, tx, T): return 0.1 * t + 0 * x
    >>> class Mean:
    ...     def expected_spend(self, x, m): return 20.0 + 0 * x
    >>> float(round(customer_lifetime_value(Flat(), Mean(), s, months=1, monthly_discount_rate=0.0).iloc[0], 6))
    60.0
    """
    if freq not in PERIODS_PER_MONTH:
        raise InputError("freq", freq, "models.allowed.freq")
    missing = [c for c in SUMMARY_COLUMNS if c not in summary.columns]
    if missing:
        raise InputError("summary", list(summary.columns), "models.allowed.columns", columns=", ".join(SUMMARY_COLUMNS))
    if not hasattr(transaction_model, "expected_purchases"):
        raise InputError("transaction_model", type(transaction_model).__name__, "models.allowed.transaction_model")
    if not hasattr(spend_model, "expected_spend"):
        raise InputError("spend_model", type(spend_model).__name__, "models.allowed.spend_model")
    if not np.isfinite(monthly_discount_rate) or monthly_discount_rate < 0:
        raise InputError("monthly_discount_rate", monthly_discount_rate, "models.allowed.discount")
    months = check_months(months)
    x, tx, big_t = check_rfm(summary["frequency"], summary["recency"], summary["T"], history=True)
    spend = np.asarray(spend_model.expected_spend(x, summary["monetary_value"].to_numpy(dtype=float)), dtype=float)
    factor = PERIODS_PER_MONTH[freq]

    def discounted_purchases(x, tx, big_t):
        # sum over months of the month's expected purchases, discounted at its end; customers with the
        # same (frequency, recency, T) share it, so it runs once per distinct history
        total, previous = np.zeros(x.shape), np.zeros(x.shape)
        for i in np.arange(1, months + 1) * factor:
            current = np.asarray(transaction_model.expected_purchases(i, x, tx, big_t), dtype=float)
            total += (current - previous) / (1 + monthly_discount_rate) ** (i / factor)
            previous = current
        return total

    clv = spend * on_unique(discounted_purchases, x, tx, big_t)
    return pd.Series(clv, index=summary.index, name="clv")


__all__ = ["customer_lifetime_value", "PERIODS_PER_MONTH", "BetaGeo", "ModifiedBetaGeo", "ParetoNBD", "GammaGamma"]
