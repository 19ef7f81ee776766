"""Expected cash flows of one acquired customer, or of a blend of customer segments, month by month.

A ``Blend`` is a cohort split into segments that each behave alike (``clv.engine``): a weight (share of
the cohort), ARPU, gross margin and costs per segment. Nothing here knows about campaigns: ``clv.core``
uses one segment (``Blend.single``) for ``evaluate`` with first-month churn, an sBG retention curve or
expansion (``evaluate_month_by_month``); ``clv.scenarios`` builds one segment per set of campaigns.
This module builds on ``clv.engine`` only; ``clv.core`` builds on it.

Conventions (those of ``clv.core``): payment at the start of each active month, month 0 undiscounted,
churn at the end of each month. Per acquired customer, expected and discounted:
- a segment's revenue LTV is ARPU x U and its LTV margin x ARPU x U (U, A: ``clv.engine.sums``); its costs
  are one-off + monthly cost x A + revenue share x revenue LTV;
- payback is when the cumulative discounted margin net of costs reaches CAC, interpolated within the
  month as ``clv.core.payback_churn_adjusted`` does (geometric between this month's and next month's
  flow; linear when that is not a positive ratio); None if never within the horizon (or within
  ``PAYBACK_LIMIT_MONTHS`` with no horizon).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import engine
from .engine import times

if TYPE_CHECKING:
    from .core import Assumptions

RULE_OF_THUMB_LTV_TO_CAC = 3.0  # the common "LTV should be at least 3x CAC" rule
TABLE_MIN_MONTHS = 36  # the month table covers at least three years ...
TABLE_MAX_MONTHS = 600  # ... and at most fifty
TABLE_SURVIVAL_FLOOR = 0.01  # ... and stops once fewer than 1% of customers remain
PAYBACK_LIMIT_MONTHS = 12_000  # a payback later than 1,000 years counts as never


@dataclass(frozen=True, slots=True)
class Result:
    """What ``clv.evaluate`` returns: the figures the calculator shows, plus the month-by-month table."""

    assumptions: Assumptions
    ltv: float  # gross-margin LTV per acquired customer (may be math.inf)
    revenue_ltv: float  # the same before margin
    ltv_to_cac: float | None  # LTV / CAC; inf when CAC is 0, None when both are 0
    payback_months: float | None  # CAC / (ARPU x m); None when the margin is 0
    payback_months_churn_adjusted: float | None  # when expected discounted margin first reaches CAC
    expected_lifetime_months: float  # expected paid months (1 / churn with no horizon)
    months: pd.DataFrame = field(repr=False)  # month, survival, expected_margin, discount_factor,
    #                                            discounted_cumulative_margin, cumulative_minus_cac

    @property
    def meets_rule_of_thumb(self) -> bool:
        return self.ltv_to_cac is not None and self.ltv_to_cac >= RULE_OF_THUMB_LTV_TO_CAC


def ratio_and_simple_payback(a: Assumptions, value: float) -> tuple[float | None, float | None]:
    """LTV:CAC (inf when CAC is 0 and LTV > 0, None when both are 0) and CAC / (ARPU x m) (None: no margin)."""
    if a.cac > 0:
        ratio = value / a.cac
    else:
        ratio = math.inf if value > 0 else None
    g = a.monthly_margin
    simple = (a.cac / g if g > 0 else None) if a.cac > 0 else 0.0
    return ratio, simple


def table_months(until_few: float, horizon_months: int | None, payback: float | None = None) -> int:
    """How many months a table or chart shows: the horizon, else until few customers remain.

    ``until_few`` is the first month in which fewer than ``TABLE_SURVIVAL_FLOOR`` of the customers remain
    (a fraction is rounded up). Without a horizon the table shows at least ``TABLE_MIN_MONTHS`` and 1.5 x
    the payback, and at most ``TABLE_MAX_MONTHS``.

    >>> table_months(89.8, None), table_months(89.8, None, payback=70.2), table_months(89.8, 24)
    (90, 106, 24)
    """
    if horizon_months is not None:
        return int(horizon_months)
    n = max(TABLE_MIN_MONTHS, math.ceil(until_few), math.ceil(1.5 * payback) if payback else 0)
    return int(min(n, TABLE_MAX_MONTHS))


@dataclass(frozen=True, slots=True)
class Blend:
    """A cohort as segments; arrays broadcast, shape (N, S): N draws or grid points, S segments."""

    weight: np.ndarray  # share of the cohort in each segment (they sum to 1)
    arpu: np.ndarray  # currency per month
    margin: np.ndarray  # gross margin, 0..1
    one_off: np.ndarray  # cost at month 0, currency per customer of the segment
    monthly: np.ndarray  # cost per active month, currency
    share: np.ndarray  # cost as a fraction of revenue
    seg: engine.Segments  # churn factor and billing plan per segment

    @classmethod
    def single(cls, a: Assumptions) -> "Blend":
        """The whole cohort as one segment with the baseline's behaviour and no costs."""
        one, zero = np.ones((1, 1)), np.zeros((1, 1))
        return cls(
            weight=one,
            arpu=a.arpu * one,
            margin=a.gross_margin + zero,
            one_off=zero,
            monthly=zero,
            share=zero,
            seg=engine.Segments(one, np.zeros(1, bool), one, one),
        )


def blend(weight, x):
    """The cohort's figure: the segments' figures ``x`` weighted by ``weight`` (summed over the last axis)."""
    with np.errstate(all="ignore"):
        return np.sum(times(weight, x), axis=-1)


def segment_totals(a: Assumptions, s: Blend, horizon=None):
    """Per-segment (revenue LTV, LTV, cost, discounted active months) per customer of the segment,
    shape (N, S); over ``horizon`` months (default: the baseline's)."""
    u, active = engine.sums(engine.Base.of(a), s.seg, horizon if horizon is not None else a.horizon_months)
    revenue = times(s.arpu, u)
    ltv = times(s.margin, revenue)
    with np.errstate(all="ignore"):
        cost = s.one_off + times(s.monthly, active) + times(s.share, revenue)
    return revenue, ltv, cost, active


def first_payback(net_discounted: np.ndarray, cac: float, horizon: int | None, total: float) -> float | None:
    """First time the cumulative of ``net_discounted`` (one value per month) reaches ``cac``.

    Within the month it is interpolated as ``clv.core.payback_churn_adjusted`` does (exact where the
    flows are geometric): with x0, x1 this and next month's flows and q = x1 / x0,
    s = ln(1 - need (1 - q) / x0) / ln q; linear (need / x0) in month 0 (as there) and when q is not a
    positive ratio other than 1. ``total`` is the exact sum of all flows: no payback unless it exceeds CAC.
    """
    if cac <= 0:
        return 0.0
    if not total > cac:
        return None
    x = np.asarray(net_discounted, dtype=float)
    cum = np.cumsum(x[:-1])
    hit = np.flatnonzero(cum >= cac)
    if not hit.size:
        return None
    i = int(hit[0])
    need = cac - (cum[i - 1] if i else 0.0)
    x0, x1 = x[i], x[i + 1]
    s = need / x0 if x0 > 0 else 0.0  # linear in month 0: nobody has churned, nothing discounted
    if i > 0 and x0 > 0 and x1 > 0 and x1 != x0:
        q = x1 / x0
        rest = 1.0 - need * (1.0 - q) / x0
        if rest > 0:
            s = math.log(rest) / math.log(q)
    t = i + min(max(s, 0.0), 1.0)
    return t if horizon is None or t <= horizon else None


def month_flows(a: Assumptions, s: Blend, months: int):
    """Blended undiscounted monthly (survival, revenue, margin, cost) and discounted net, months 0..n-1."""
    base = engine.Base.of(a)
    t = np.arange(months, dtype=float)
    rev_unit, surv = engine.flows(base, s.seg, t)  # (1, S, T)
    w = s.weight[..., None]
    revenue = times(s.arpu[..., None], rev_unit)
    margin = times(s.margin[..., None], revenue)
    with np.errstate(all="ignore"):
        cost = s.monthly[..., None] * surv + times(s.share[..., None], revenue) + s.one_off[..., None] * (t == 0)
        blended = [np.sum(times(w, x), axis=-2)[0] for x in (surv, revenue, margin, cost)]
    discount = (1.0 + base.monthly_discount) ** -t
    return blended, discount


def cashflow_table(a: Assumptions, s: Blend, cac: float, total_net: float):
    """(month table, payback) of a blend: ``total_net`` is its exact value net of costs (``first_payback``).

    Columns: month, survival, expected_revenue, expected_margin, campaign_cost, discount_factor,
    discounted_cumulative_net, cumulative_minus_cac; as many rows as ``table_months`` says.
    """
    h = a.horizon_months
    n = min(h, PAYBACK_LIMIT_MONTHS) if h is not None else TABLE_MAX_MONTHS
    (surv, revenue, margin, cost), discount = month_flows(a, s, n + 1)
    with np.errstate(all="ignore"):  # months of unlimited growth are inf
        net = (margin - cost) * discount
    payback = first_payback(net, cac, h, total_net)
    if payback is None and h is None and total_net > cac > 0:
        (_, _, m2, c2), d2 = month_flows(a, s, PAYBACK_LIMIT_MONTHS + 1)
        with np.errstate(all="ignore"):
            payback = first_payback((m2 - c2) * d2, cac, None, total_net)
    low = np.flatnonzero(surv[:n] < TABLE_SURVIVAL_FLOOR)
    until_few = int(low[0]) if low.size else TABLE_MAX_MONTHS
    rows = min(table_months(until_few, h, payback), n)
    cumulative = np.cumsum(net[:rows])
    table = pd.DataFrame(
        {
            "month": np.arange(rows),
            "survival": surv[:rows],
            "expected_revenue": revenue[:rows],
            "expected_margin": margin[:rows],
            "campaign_cost": cost[:rows],
            "discount_factor": discount[:rows],
            "discounted_cumulative_net": cumulative,
            "cumulative_minus_cac": cumulative - cac,
        }
    )
    return table, payback


def evaluate_month_by_month(a: Assumptions) -> Result:
    """``clv.evaluate`` by the month-by-month engine (first-month churn, an sBG retention curve, expansion).

    Reference (hand-worked): first month 20%, then 5%: LTV = 40 + 0.8 x 40 / 0.05 = 680; payback
    1 + ln(1 - 260 x 0.05 / 32) / ln 0.95 = 11.163 (40 in month 0, then 32 x 0.95^(t-1)).

    >>> from clv import Assumptions
    >>> r = evaluate_month_by_month(Assumptions(arpu=50, gross_margin=0.8, monthly_churn=0.05, cac=300,
    ...                                         first_month_churn=0.2))
    >>> round(r.ltv, 6), round(r.payback_months_churn_adjusted, 3)
    (680.0, 11.163)
    >>> r = evaluate_month_by_month(Assumptions(50, 0.8, 0.05, 300, monthly_expansion=0.01))
    >>> round(r.ltv, 4)                                   # 40 / (1 - 1.01 x 0.95)
    987.6543
    """
    s = Blend.single(a)
    revenue, ltv, _, _ = segment_totals(a, s)
    _, lifetime = engine.sums(engine.Base.of(a), s.seg, a.horizon_months, monthly_discount=0.0)
    value = float(ltv[0, 0])
    table, payback = cashflow_table(a, s, a.cac, value)
    months = pd.DataFrame(
        {
            "month": table["month"],
            "survival": table["survival"],
            "expected_margin": table["expected_margin"],
            "discount_factor": table["discount_factor"],
            "discounted_cumulative_margin": table["discounted_cumulative_net"],
            "cumulative_minus_cac": table["cumulative_minus_cac"],
        }
    )
    ratio, simple = ratio_and_simple_payback(a, value)
    return Result(
        assumptions=a,
        ltv=value,
        revenue_ltv=float(revenue[0, 0]),
        ltv_to_cac=ratio,
        payback_months=simple,
        payback_months_churn_adjusted=payback,
        expected_lifetime_months=float(np.asarray(lifetime).flat[0]),
        months=months,
    )
