"""A scenario's figures: the campaigns applied together to a baseline (``evaluate_scenario``), each alone
(``compare``), and for a whole cohort (``totals``).

Figures (per acquired customer, expected, discounted as in ``clv.core``):
- ``ltv`` gross-margin LTV before campaign costs; ``campaign_cost`` the campaigns' costs;
- ``net_value = ltv - campaign_cost - baseline LTV``; ``roi = net_value / campaign_cost``;
- ``cac`` = baseline CAC x prod_i (1 + reach_i x cac_change_i);
- ``ltv_to_cac = (ltv - campaign_cost) / cac`` (the value net of campaign costs per acquisition cost);
- ``payback_months``: when the expected cumulative discounted margin net of campaign costs reaches
  CAC (``clv.cashflows``: interpolated within the month as ``clv.core`` does; None if never).

The cohort's figures are the segments' (``clv.scenarios.segments``) weighted by their shares.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import i18n
from ..cashflows import blend, cashflow_table, segment_totals
from ..core import Assumptions, Result, evaluate
from ..engine import times
from ..errors import InputError
from .campaigns import Campaign
from .segments import campaign_values, check_campaigns, membership, scenario_cac, segment_blend, segment_values


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    """A scenario's figures per acquired customer (see the module docstring for definitions)."""

    baseline: Result
    campaigns: tuple[Campaign, ...]
    ltv: float  # blended gross-margin LTV, before campaign costs
    revenue_ltv: float
    ltv_change: float | None  # ltv - baseline LTV (None: infinite on both sides)
    campaign_cost: float  # expected discounted campaign costs
    net_value: float | None  # ltv - campaign_cost - baseline LTV (None: infinite on both sides)
    roi: float | None  # net_value / campaign_cost; None without cost
    cac: float  # baseline CAC changed by any cac_change
    ltv_to_cac: float | None  # (ltv - campaign_cost) / cac
    payback_months: float | None  # churn-adjusted, net of campaign costs
    attribution: dict[str, float | None]  # campaign name -> Shapley share of net_value
    months: pd.DataFrame = field(repr=False)  # month, survival, expected_revenue, expected_margin,
    #                                              campaign_cost, discount_factor, discounted_cumulative_net,
    #                                              cumulative_minus_cac
    segments: pd.DataFrame = field(repr=False)  # campaigns, share, arpu, gross_margin, churn_factor,
    #                                              billing, revenue_ltv, ltv, campaign_cost, value

    @property
    def baseline_ltv(self) -> float:
        return self.baseline.ltv

    @property
    def pays_off(self) -> bool:
        return self.net_value is not None and self.net_value > 0


def value_to_cac(value: float, cac: float) -> float | None:
    if math.isnan(value):
        return None
    if cac > 0:
        return value / cac
    return math.inf if value > 0 else None


def _clean(x: float) -> float | None:
    return None if x is None or math.isnan(x) else float(x)


def _shapley(values: np.ndarray, reach: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Net value of every subset of campaigns (bitmask index) and the exact Shapley values.

    v(S) = sum_{R subset of S} w_S(R) V(R) - V({}), with V(R) the value of the segment reached by R and
    w_S(R) its weight when only the campaigns in S run. phi_i = sum_{S not containing i}
    |S|! (k - |S| - 1)! / k! x (v(S + i) - v(S)).
    """
    k = len(reach)
    bits = membership(k)  # (2^k, k): subset masks
    s_in, r_in = bits[:, None, :], bits[None, :, :]
    factor = np.where(s_in, np.where(r_in, reach, 1.0 - reach), np.where(r_in, 0.0, 1.0))
    weights = np.prod(factor, axis=-1)  # (S, R)
    with np.errstate(all="ignore"):
        v = np.sum(times(weights, values[None, :]), axis=-1) - values[0]
    size = bits.sum(axis=1)
    phi = np.zeros(k)
    for i in range(k):
        without = np.flatnonzero(~bits[:, i])
        coef = np.array([math.factorial(s) * math.factorial(k - s - 1) / math.factorial(k) for s in size[without]])
        with np.errstate(all="ignore"):
            phi[i] = np.sum(coef * (v[without | (1 << i)] - v[without]))
    return v, phi


def evaluate_scenario(baseline: Assumptions, campaigns) -> ScenarioResult:
    """Every figure of a scenario: the campaigns (up to eight) applied together to ``baseline``.

    Reference (README, "Campaign what-ifs"): ARPU 50, margin 0.8, churn 5%, CAC 300; a loyalty
    programme for 40% cutting churn by 20% at 1 a member-month: members 1,000, others 800.

    >>> base = Assumptions(arpu=50, gross_margin=0.8, monthly_churn=0.05, cac=300)
    >>> r = evaluate_scenario(base, [Campaign("Loyalty", reach=0.4, churn_reduction=0.2, monthly_cost=1.0)])
    >>> round(r.ltv, 6), round(r.campaign_cost, 6), round(r.net_value, 6), round(r.roi, 6)
    (880.0, 10.0, 70.0, 7.0)
    """
    campaigns = check_campaigns(baseline, campaigns)
    base_result = evaluate(baseline)
    values = campaign_values(campaigns)
    s = segment_blend(baseline, campaigns, values)
    revenue, ltv, cost, months = (x[0] for x in segment_totals(baseline, s))
    seg_value = segment_values(s, revenue, months, baseline.monthly_expansion)[0]
    weight = s.weight[0]
    total = lambda x: float(blend(weight, x))  # noqa: E731
    total_ltv, total_revenue, total_cost = total(ltv), total(revenue), total(cost)
    with np.errstate(all="ignore"):
        after_cost = total(seg_value)  # ltv - campaign cost, also when both are unlimited
        net = after_cost - base_result.ltv
        change = _clean(total_ltv - base_result.ltv)
    net = _clean(net)
    cac = float(scenario_cac(baseline, values)[0])
    _, phi = _shapley(seg_value, values["reach"][0]) if campaigns else (None, np.zeros(0))
    if net is not None and math.isfinite(net) and not np.all(np.isfinite(phi)):
        phi = np.full(len(campaigns), np.nan)  # some campaigns alone are unlimited, together not:
        # shares of inf - inf are not defined
    attribution = {c.name: _clean(p) for c, p in zip(campaigns, phi)}
    table, payback = cashflow_table(baseline, s, cac, after_cost if not math.isnan(after_cost) else -math.inf)
    names = [tuple(c.name for c, hit in zip(campaigns, row) if hit) for row in membership(len(campaigns))]
    segments = pd.DataFrame(
        {
            "campaigns": names,
            "share": weight,
            "arpu": s.arpu[0],
            "gross_margin": s.margin[0],
            "churn_factor": np.broadcast_to(s.seg.k, s.weight.shape)[0],
            "billing": np.where(s.seg.annual, "annual", "monthly"),
            "revenue_ltv": revenue,
            "ltv": ltv,
            "campaign_cost": cost,
            "value": seg_value,
        }
    )
    roi = None if total_cost <= 0 or net is None else net / total_cost
    return ScenarioResult(
        baseline=base_result,
        campaigns=campaigns,
        ltv=total_ltv,
        revenue_ltv=total_revenue,
        ltv_change=change,
        campaign_cost=total_cost,
        net_value=net,
        roi=roi,
        cac=cac,
        ltv_to_cac=value_to_cac(after_cost, cac),
        payback_months=payback,
        attribution=attribution,
        months=table,
        segments=segments,
    )


def compare(baseline: Assumptions, campaigns, lang: str = "en") -> dict[str, ScenarioResult]:
    """Each campaign alone, then all together (labelled ``scenarios.combined``): one result each."""
    campaigns = check_campaigns(baseline, campaigns)
    out = {c.name: evaluate_scenario(baseline, [c]) for c in campaigns}
    if len(campaigns) > 1:
        out[i18n.text("scenarios.combined", lang)] = evaluate_scenario(baseline, campaigns)
    return out


@dataclass(frozen=True, slots=True)
class CohortTotals:
    """A scenario's figures for a whole cohort of acquired customers (per-customer figures x size)."""

    cohort_size: float
    ltv: float
    baseline_ltv: float
    campaign_cost: float
    net_value: float | None
    acquisition_cost: float


def totals(result: ScenarioResult, cohort_size: float) -> CohortTotals:
    """The scenario's expected figures for ``cohort_size`` acquired customers.

    >>> base = Assumptions(arpu=50, gross_margin=0.8, monthly_churn=0.05, cac=300)
    >>> loyalty = Campaign("Loyalty", reach=0.4, churn_reduction=0.2, monthly_cost=1.0)
    >>> t = totals(evaluate_scenario(base, [loyalty]), 1000)
    >>> round(t.net_value), round(t.campaign_cost), round(t.acquisition_cost)
    (70000, 10000, 300000)
    """
    if (
        isinstance(cohort_size, bool)
        or not isinstance(cohort_size, (int, float, np.integer, np.floating))
        or not math.isfinite(cohort_size)
        or cohort_size < 0
    ):
        raise InputError("cohort_size", cohort_size, "allowed.non_negative")
    n = float(cohort_size)
    return CohortTotals(
        cohort_size=n,
        ltv=result.ltv * n,
        baseline_ltv=result.baseline.ltv * n,
        campaign_cost=result.campaign_cost * n,
        net_value=None if result.net_value is None else result.net_value * n,
        acquisition_cost=result.cac * n,
    )
