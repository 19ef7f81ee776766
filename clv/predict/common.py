"""What the prediction stages share: the transaction models offered, the time unit, and input checks.

Time units: days throughout the non-contractual part (frequency, recency, T; alpha in days); a month
is 30 days for the horizon, as in lifetimes (``PERIODS_PER_MONTH["D"]``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import DataError, InputError
from ..models import PERIODS_PER_MONTH, BetaGeo, ModifiedBetaGeo, ParetoNBD

MODEL_CLASSES = {"bgnbd": BetaGeo, "pareto_nbd": ParetoNBD, "mbgnbd": ModifiedBetaGeo}
TRANSACTION_MODELS = tuple(MODEL_CLASSES)
FREQ = "D"                                   # summaries in days
DAYS_PER_MONTH = PERIODS_PER_MONTH[FREQ]     # 30: the month of the horizon (lifetimes' convention)
DAYS_PER_WEEK = 7
MAX_HORIZON_MONTHS = 120


def observed_dates(transactions: pd.DataFrame) -> pd.Series:
    """The transactions' dates; DataError when there are none."""
    if len(transactions) == 0:
        raise DataError("predict.errors.no_rows")
    return pd.to_datetime(transactions["date"])


def check_models(models) -> tuple[str, ...]:
    """The model keys as a tuple; InputError unless there is at least one and each is offered."""
    models = tuple(models)
    bad = [m for m in models if m not in MODEL_CLASSES]
    if not models or bad:
        raise InputError("models", list(models), "predict.allowed.models", models=", ".join(TRANSACTION_MODELS))
    return models


def check_horizon(horizon_months) -> int:
    """The horizon as an int; InputError unless it is a whole number of months in 1..MAX_HORIZON_MONTHS."""
    if not (isinstance(horizon_months, (int, np.integer)) or float(horizon_months).is_integer()) \
            or not 1 <= horizon_months <= MAX_HORIZON_MONTHS:
        raise InputError("horizon_months", horizon_months, "predict.allowed.horizon", high=MAX_HORIZON_MONTHS)
    return int(horizon_months)
