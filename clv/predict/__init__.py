"""Predicting each customer's future value: the computations behind the Predictions page.

Non-contractual (a transaction log, daily time unit):

1. ``compare_models`` (``clv.predict.holdout``): split the log at ``calibration_end``; fit the chosen
   transaction models (BG/NBD, Pareto/NBD, MBG/NBD) on the calibration period; predict each customer's
   repeat purchases in the holdout and compare with what happened (``clv.models.validation``); recommend
   one; track the calibration cohort's cumulative repeat purchases week by week, actual against predicted.
2. ``fit_customer_models`` (``clv.predict.customers``): the chosen model and Gamma-Gamma refitted on the
   whole period (or fitted to an uploaded per-customer summary: no holdout then), with each customer's
   RFM segment.
3. ``customer_values`` (``clv.predict.customers``): per customer P(alive), expected purchases in the
   horizon, expected spend per purchase and predicted CLV (``clv.models.customer_lifetime_value``: the
   lifetimes definition, each month's purchases discounted at the end of the month at the monthly rate
   compounding to the annual rate; revenue, not margin), plus the population's monthly revenue path and
   the implied churn.
4. ``formula_against_model`` (``clv.predict.baseline``): the calculator's LTV from the same data's ARPU
   and churn next to the models' mean predicted CLV, both times the same gross margin, same horizon and
   discount rate.
5. ``new_customer_baseline`` (``clv.predict.baseline``): the calculator inputs for a customer acquired
   today (what "use as baseline" sets, as ``clv.Assumptions``: ``MODEL_FIELDS``); ``baseline_fields``: those
   that reproduce the mean CLV of the customers already on the books. ``data_baseline``: what a file's
   measures set (the Your data page).

``readings`` (``clv.predict.readings``) reads a fitted model's parameters in plain words.
``customer_story`` (``clv.predict.story``): one customer's purchases, P(alive) day by day (``alive_path``),
predictions over the horizon and the story in a sentence (``story_sentence``).

Contractual (``clv.predict.contractual``): ``parse_counts`` (typed retention counts),
``subscription_cohorts`` (counts from a subscription table) and ``contractual`` (sBG fit, survival
projection, DEL and LTV).

Time units: days throughout the non-contractual part (frequency, recency, T; alpha in days); a month
is 30 days for the horizon, as in lifetimes (``PERIODS_PER_MONTH["D"]``). What the stages share (the
models offered, the time unit, the input checks) is in ``clv.predict.common``.
"""

from __future__ import annotations

# ``readings`` and ``contractual`` name a module and its function: the package attribute is the function
# (imported last, over the submodule's entry), so ``clv.predict.readings(...)`` works as before the split.
from .baseline import (
    MODEL_FIELDS,
    DataBaseline,
    FormulaComparison,
    NewCustomerBaseline,
    baseline_fields,
    data_baseline,
    formula_against_model,
    new_customer_baseline,
)
from .common import (
    AUTO,
    DAYS_PER_MONTH,
    DAYS_PER_WEEK,
    FREQ,
    MAX_HORIZON_MONTHS,
    MODEL_CLASSES,
    TRANSACTION_MODELS,
    customer_count,
    last_day,
    pick_model,
)
from .contractual import (
    PERIODS,
    PROJECTION_PERIODS,
    Contractual,
    contractual,
    parse_counts,
    period_rate,
    subscription_cohorts,
)
from .customers import (
    MATRIX_FREQUENCIES,
    MATRIX_RECENCY_STEPS,
    SEGMENT_UNKNOWN,
    TOP_SHARE,
    CustomerModels,
    CustomerValues,
    OwnAverageSpend,
    customer_values,
    fit_customer_models,
    frequency_recency_matrices,
    summary_segments,
)
from .holdout import (
    CALIBRATION_SHARE,
    FIT_STATISTICS_UNIT,
    MIN_HOLDOUT_DAYS,
    Comparison,
    ModelFit,
    calibration_bounds,
    compare_models,
    default_calibration_end,
)
from .intervals import interval_coverage, purchase_intervals, total_percentile, totals_sentence, value_intervals
from .story import AlivePath, CustomerStory, alive_path, customer_story, story_sentence
from .readings import readings

__all__ = [
    "compare_models",
    "Comparison",
    "ModelFit",
    "fit_customer_models",
    "CustomerModels",
    "customer_values",
    "CustomerValues",
    "OwnAverageSpend",
    "summary_segments",
    "frequency_recency_matrices",
    "readings",
    "formula_against_model",
    "FormulaComparison",
    "baseline_fields",
    "new_customer_baseline",
    "NewCustomerBaseline",
    "MODEL_FIELDS",
    "data_baseline",
    "DataBaseline",
    "parse_counts",
    "subscription_cohorts",
    "contractual",
    "Contractual",
    "default_calibration_end",
    "calibration_bounds",
    "TRANSACTION_MODELS",
    "MODEL_CLASSES",
    "FREQ",
    "DAYS_PER_MONTH",
    "DAYS_PER_WEEK",
    "MAX_HORIZON_MONTHS",
    "FIT_STATISTICS_UNIT",
    "CALIBRATION_SHARE",
    "MIN_HOLDOUT_DAYS",
    "MATRIX_FREQUENCIES",
    "MATRIX_RECENCY_STEPS",
    "TOP_SHARE",
    "SEGMENT_UNKNOWN",
    "PROJECTION_PERIODS",
    "PERIODS",
    "period_rate",
    "AUTO",
    "pick_model",
    "last_day",
    "customer_count",
    "customer_story",
    "CustomerStory",
    "story_sentence",
    "alive_path",
    "AlivePath",
    "value_intervals",
    "purchase_intervals",
    "interval_coverage",
    "total_percentile",
    "totals_sentence",
]
