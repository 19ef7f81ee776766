"""Campaign what-ifs: what retention and growth campaigns do to LTV, net value and payback.

A campaign (``Campaign``) reaches a share of the acquired cohort and changes its ARPU, churn, margin,
billing plan or CAC, at a cost per reached customer. ``evaluate_scenario`` applies up to eight at once
and evaluates them exactly over the 2^k customer segments they create (``segments`` module docstring);
``break_even``, ``sensitivity``, ``simulate`` and ``describe`` build on it; ``TEMPLATES`` holds named
kinds of campaign with documented defaults. Modules: ``campaigns`` (what a campaign is), ``segments``
(campaigns -> customer segments), ``result`` (``evaluate_scenario``, ``compare``, ``totals``), ``breakeven``,
``uncertainty`` (``sensitivity``, ``simulate``) and ``description`` (``describe``, ``idle_drivers``); cash
flows and payback come from ``clv.cashflows``. Conventions are those of ``clv.core`` (payment at the start
of each active month, month 0 undiscounted, churn at the end of each month).

>>> import clv
>>> base = clv.Assumptions(arpu=50, gross_margin=0.8, monthly_churn=0.05, cac=300)
>>> r = evaluate_scenario(base, [Campaign("Annual", annual_billing=AnnualBilling(discount=0.15, renewal_rate=0.7))])
>>> round(r.revenue_ltv, 6), round(r.ltv, 6)
(1700.0, 1360.0)
"""

from .campaigns import (
    BILLING_FIELDS,
    COST_FIELDS,
    EFFECT_FIELDS,
    TEMPLATES,
    AnnualBilling,
    Campaign,
    Template,
    effects,
    price_change,
)
from .breakeven import break_even
from .description import describe, idle_drivers
from .result import CohortTotals, ScenarioResult, compare, evaluate_scenario, totals
from .segments import MAX_CAMPAIGNS
from .uncertainty import DRIVERS, Simulation, sensitivity, simulate

__all__ = [
    "AnnualBilling",
    "Campaign",
    "Template",
    "TEMPLATES",
    "price_change",
    "evaluate_scenario",
    "ScenarioResult",
    "compare",
    "totals",
    "CohortTotals",
    "break_even",
    "sensitivity",
    "simulate",
    "Simulation",
    "describe",
    "effects",
    "idle_drivers",
    "DRIVERS",
    "MAX_CAMPAIGNS",
    "EFFECT_FIELDS",
    "COST_FIELDS",
    "BILLING_FIELDS",
]
