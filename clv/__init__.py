"""clv: the pure-Python core of the CLV what-if explorer (no Streamlit).

Every number the app shows can be computed here:

>>> import clv
>>> result = clv.evaluate(clv.Assumptions(arpu=50, gross_margin=0.8, monthly_churn=0.05, cac=300))
>>> round(result.ltv, 2), round(result.ltv_to_cac, 2)
(800.0, 2.67)
"""

from .core import (RULE_OF_THUMB_LTV_TO_CAC, Assumptions, Result, evaluate, expected_lifetime, ltv,
                   ltv_to_cac, monthly_rate, payback_churn_adjusted)
from .errors import DataError, FitError, InputError
from . import cohorts, data, export, models, rfm, scenarios  # noqa: E402  (after core: they build on it)

__all__ = ["Assumptions", "Result", "evaluate", "ltv", "ltv_to_cac", "monthly_rate", "expected_lifetime",
           "payback_churn_adjusted", "RULE_OF_THUMB_LTV_TO_CAC", "InputError", "DataError", "FitError",
           "scenarios", "models", "data", "rfm", "cohorts", "export"]
