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
FREQ = "D"  # summaries in days
DAYS_PER_MONTH = PERIODS_PER_MONTH[FREQ]  # 30: the month of the horizon (lifetimes' convention)
DAYS_PER_WEEK = 7
MAX_HORIZON_MONTHS = 120
AUTO = "auto"  # pick_model: the holdout's best


def pick_model(choice: str, best: str | None = None, ticked: tuple[str, ...] = ()) -> str:
    """The transaction model for each customer's predictions: the one ``choice`` names; on ``AUTO``, the
    holdout's recommendation ``best`` (``Comparison.best``), else the first model ``ticked`` for the
    comparison, else BG/NBD. InputError for a model that is not offered.

    >>> pick_model("pareto_nbd", "bgnbd"), pick_model(AUTO, "mbgnbd", ("bgnbd",))
    ('pareto_nbd', 'mbgnbd')
    >>> pick_model(AUTO, None, ("pareto_nbd", "mbgnbd")), pick_model(AUTO)
    ('pareto_nbd', 'bgnbd')
    """
    key = choice if choice != AUTO else best or (ticked[0] if ticked else TRANSACTION_MODELS[0])
    (key,) = check_models([key])
    return key


def last_day(transactions: pd.DataFrame) -> pd.Timestamp:
    """The day of the last transaction (midnight): the analysis date of a log.

    >>> str(last_day(pd.DataFrame({"date": pd.to_datetime(["2024-01-05 09:00", "2024-03-01 17:30"])})))
    '2024-03-01 00:00:00'
    """
    return observed_dates(transactions).max().normalize()


def customer_count(table: pd.DataFrame, source: str = "transactions") -> int:
    """How many customers a table holds: one a row in a per-customer summary (``source`` "summary"), the
    distinct ``customer_id`` values in a transaction log.

    >>> log, summary = pd.DataFrame({"customer_id": ["a", "b", "a"]}), pd.DataFrame(index=["a", "b"])
    >>> customer_count(log), customer_count(summary, "summary")
    (2, 2)
    """
    return len(table) if source == "summary" else int(table["customer_id"].nunique())


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
    if (
        not (isinstance(horizon_months, (int, np.integer)) or float(horizon_months).is_integer())
        or not 1 <= horizon_months <= MAX_HORIZON_MONTHS
    ):
        raise InputError("horizon_months", horizon_months, "predict.allowed.horizon", high=MAX_HORIZON_MONTHS)
    return int(horizon_months)
