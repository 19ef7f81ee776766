"""Probabilistic customer-base models ("buy till you die") and customer lifetime value.

Non-contractual, continuous time: ``BetaGeo`` (BG/NBD), ``ModifiedBetaGeo`` (MBG/NBD), ``ParetoNBD``.
Non-contractual, discrete opportunities: ``BetaGeoBetaBinom`` (BG/BB). Spend: ``GammaGamma``.
Contractual: ``ShiftedBetaGeometric`` (sBG). Value: ``customer_lifetime_value``. Holdout comparison and
model choice: ``clv.models.validation``. All share ``clv.models.base.Model`` (fit, params,
log_likelihood, standard_errors, confidence_intervals, summary(), aic, bic).
"""

from .base import Model
from .betageo import BetaGeo
from .mbgnbd import ModifiedBetaGeo
from .bgbb import BetaGeoBetaBinom
from .gamma_gamma import GammaGamma
from .pareto import ParetoNBD
from .sbg import ShiftedBetaGeometric
from .value import PERIODS_PER_MONTH, customer_lifetime_value

__all__ = [
    "Model",
    "BetaGeo",
    "ModifiedBetaGeo",
    "ParetoNBD",
    "BetaGeoBetaBinom",
    "GammaGamma",
    "ShiftedBetaGeometric",
    "customer_lifetime_value",
    "PERIODS_PER_MONTH",
]
