"""clv: the pure-Python core of the CLV what-if explorer (no Streamlit).

Every number the app shows can be computed here:

>>> import clv
>>> result = clv.evaluate(clv.Assumptions(arpu=50, gross_margin=0.8, monthly_churn=0.05, cac=300))
>>> round(result.ltv, 2), round(result.ltv_to_cac, 2)
(800.0, 2.67)
>>> loyalty = clv.Campaign("Loyalty", reach=0.5, churn_reduction=0.2, one_off_cost=10)
>>> round(clv.evaluate_scenario(clv.Assumptions(arpu=50, gross_margin=0.8, monthly_churn=0.05, cac=300),
...                             [loyalty]).ltv, 2)     # half at 5% churn (800), half at 4% (1,000)
900.0
"""

from .core import (
    RULE_OF_THUMB_LTV_TO_CAC,
    Assumptions,
    Result,
    evaluate,
    expected_lifetime,
    ltv,
    ltv_to_cac,
    monthly_rate,
    payback_churn_adjusted,
)
from .errors import DataError, FitError, InputError
from . import cohorts, data, export, groups, models, rfm, scenarios, targeting  # noqa: E402  (after core: they build on it)
from . import warehouse  # noqa: E402  (SQL for databases, rendered with sqlglot)
from .scenarios import (
    MAX_CAMPAIGNS,
    AnnualBilling,
    Campaign,
    ScenarioResult,
    break_even,  # noqa: E402
    evaluate_scenario,
)

__all__ = [
    "Assumptions",
    "Result",
    "evaluate",
    "ltv",
    "ltv_to_cac",
    "monthly_rate",
    "expected_lifetime",
    "payback_churn_adjusted",
    "RULE_OF_THUMB_LTV_TO_CAC",
    "InputError",
    "DataError",
    "FitError",
    "Campaign",
    "AnnualBilling",
    "evaluate_scenario",
    "ScenarioResult",
    "break_even",
    "MAX_CAMPAIGNS",
    "scenarios",
    "models",
    "data",
    "rfm",
    "cohorts",
    "warehouse",
    "export",
    "targeting",
    "groups",
]
