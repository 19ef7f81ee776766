"""Campaigns -> customer segments: who each set of campaigns reaches, and how those customers behave.

Segments. Each campaign reaches a share ``reach`` of the cohort, independently of the others, so k
campaigns split the cohort into up to 2^k segments, one per set R of campaigns that reach it, with
weight prod_{i in R} reach_i x prod_{i not in R} (1 - reach_i). Within a segment the campaigns' effects
combine: relative effects multiply (ARPU x prod (1 + lift_i), churn x prod (1 - reduction_i)), margin
points add (the total must stay 0..1), costs add. At most one annual plan applies: the first campaign
(in the order given) in R that has ``annual_billing``; the others' plans are ignored for that segment,
their other effects still apply. On an annual plan, churn factors scale the yearly non-renewal rate.
The cohort's LTV is the weighted sum of the segments' LTVs (never the LTV of an averaged churn).

The segments are a ``clv.cashflows.Blend``; ``net_values`` evaluates many variants of the campaigns at once
(rows of draws or grid points) for ``break_even``, ``sensitivity`` and ``simulate``.
"""

from __future__ import annotations

import math

import numpy as np

from .. import engine, fmt
from ..cashflows import Blend, blend, segment_totals
from ..core import Assumptions
from ..engine import times
from ..errors import InputError
from .campaigns import BILLING_FIELDS, COST_FIELDS, EFFECT_FIELDS, Campaign

MAX_CAMPAIGNS = 8  # exact Shapley values over 2^k subsets
SIM_CHUNK_CELLS = 2_000_000  # draws x segments x months per vectorised block in ``net_values``
VALUE_FIELDS = EFFECT_FIELDS + BILLING_FIELDS


def membership(k: int) -> np.ndarray:
    """(2^k, k) booleans: row r holds the campaigns reaching segment r (bit i of r)."""
    r = np.arange(2**k)[:, None]
    return ((r >> np.arange(k)[None, :]) & 1).astype(bool)


def check_campaigns(baseline: Assumptions, campaigns) -> tuple[Campaign, ...]:
    """The campaigns as a tuple, once the baseline and they are known good (at most MAX_CAMPAIGNS, unique names)."""
    if not isinstance(baseline, Assumptions):
        raise InputError("baseline", type(baseline).__name__, "scenarios.allowed.baseline")
    campaigns = tuple(campaigns)
    if len(campaigns) > MAX_CAMPAIGNS:
        raise InputError("campaigns", len(campaigns), "scenarios.allowed.campaigns", most=MAX_CAMPAIGNS)
    names = [c.name for c in campaigns if isinstance(c, Campaign)]
    if len(names) != len(campaigns):
        raise InputError("campaigns", campaigns, "scenarios.allowed.campaign_type")
    if len(set(names)) != len(names):
        raise InputError("name", next(n for n in names if names.count(n) > 1), "scenarios.allowed.unique_names")
    return campaigns


def _field_values(campaign: Campaign, name: str) -> float:
    if name == "billing_discount":
        return campaign.annual_billing.discount if campaign.annual_billing else 0.0
    if name == "renewal_rate":
        return campaign.annual_billing.renewal_rate if campaign.annual_billing else 1.0
    return getattr(campaign, name)


def campaign_values(campaigns, overrides=None) -> dict[str, np.ndarray]:
    """field -> array (N, k); N = 1 unless an override gives a column of draws/grid points."""
    out = {
        name: np.array([[_field_values(c, name) for c in campaigns]], dtype=float).reshape(1, len(campaigns))
        for name in VALUE_FIELDS
    }
    for (index, name), column in (overrides or {}).items():
        column = np.asarray(column, dtype=float).reshape(-1)
        arr = np.broadcast_to(out[name], (len(column), len(campaigns))).copy()
        arr[:, index] = column
        out[name] = arr
    return out


def segment_blend(
    baseline: Assumptions, campaigns, values, churn_scale: float = 1.0, clip_margin: bool = False
) -> Blend:
    """The cohort's 2^k segments (rows of ``membership(k)``) over the rows of ``values`` (``campaign_values``)."""
    k = len(campaigns)
    members = membership(k)  # (S, k)
    b = members[None, :, :]

    def pick(name, inside, outside):
        col = values[name][:, None, :]  # (N, 1, k)
        return np.where(b, inside(col), outside(col))

    weight = np.prod(pick("reach", lambda x: x, lambda x: 1.0 - x), axis=-1)
    arpu = baseline.arpu * np.prod(pick("arpu_lift", lambda x: 1.0 + x, lambda x: np.ones_like(x)), axis=-1)
    churn_k = np.prod(pick("churn_reduction", lambda x: 1.0 - x, lambda x: np.ones_like(x)), axis=-1)
    margin = baseline.gross_margin + np.sum(pick("margin_change", lambda x: x, np.zeros_like), axis=-1)
    costs = [np.sum(pick(name, lambda x: x, np.zeros_like), axis=-1) for name in COST_FIELDS]

    has_plan = np.array([c.annual_billing is not None for c in campaigns], dtype=bool)
    first = np.full(len(members), -1)
    for r, row in enumerate(members):
        hits = np.flatnonzero(row & has_plan)
        if hits.size:
            first[r] = hits[0]
    annual = first >= 0
    j = np.maximum(first, 0)
    if k:
        renewal = np.where(annual, values["renewal_rate"][:, j], 1.0)
        price = np.where(annual, 12.0 * (1.0 - values["billing_discount"][:, j]), 1.0)
    else:
        renewal, price = np.ones((1, 1)), np.ones((1, 1))
    churn_k = churn_k * np.where(annual, 1.0, churn_scale)

    if clip_margin:
        margin = np.clip(margin, 0.0, 1.0)
    else:
        bad = (margin < -1e-12) | (margin > 1 + 1e-12)
        if bad.any():
            raise InputError(
                "margin_change",
                float(margin[bad].flat[0]),
                "scenarios.allowed.margin_total",
                margin=fmt.percent(baseline.gross_margin, 1),
            )
        margin = np.clip(margin, 0.0, 1.0)
    return Blend(weight, arpu, margin, *costs, engine.Segments(churn_k, annual, renewal, price))


def segment_values(s: Blend, revenue, cost_months, expansion: float):
    """Per-segment value (LTV - campaign cost) as (margin - revenue share) x revenue - monthly costs -
    one-off cost, so an unlimited revenue gives +/- infinity by the sign of what each unit of revenue
    keeps, not inf - inf. When revenue and the months a monthly cost is paid are both unlimited (a
    lifetime without end, no discounting), the sign is that of the flow the months tend to: what
    revenue keeps if ARPU grows (expansion > 0), else that less the monthly cost (0: undefined, nan)."""
    with np.errstate(all="ignore"):
        value = times(s.margin - s.share, revenue) - times(s.monthly, cost_months) - s.one_off
        both = np.isinf(revenue) & np.isinf(cost_months) & (s.monthly > 0)
        if np.any(both):
            keep = (s.margin - s.share) * s.arpu
            flow = keep if expansion > 0 else keep - s.monthly
            limit = np.where(flow > 0, math.inf, np.where(flow < 0, -math.inf, math.nan))
            value = np.where(both, limit, value)
        return value


def scenario_cac(baseline: Assumptions, values) -> np.ndarray:
    return baseline.cac * np.prod(1.0 + values["reach"] * values["cac_change"], axis=-1)


def net_values(baseline, campaigns, overrides, churn_scale=1.0, clip_margin=False, chunk=None):
    """Vectorised (ltv, campaign_cost, cac) arrays over the rows of ``overrides`` (draws or a grid)."""
    values = campaign_values(campaigns, overrides)
    n = max(v.shape[0] for v in values.values())
    segments = 2 ** len(campaigns)
    step = chunk or max(1, SIM_CHUNK_CELLS // (segments * (engine.TAIL_START + 1)))
    ltv, cost = np.empty(n), np.empty(n)
    for start in range(0, n, step):
        part = {name: v if v.shape[0] == 1 else v[start : start + step] for name, v in values.items()}
        s = segment_blend(baseline, campaigns, part, churn_scale, clip_margin)
        _, seg_ltv, seg_cost, _ = segment_totals(baseline, s)
        ltv[start : start + step] = blend(s.weight, seg_ltv)
        cost[start : start + step] = blend(s.weight, seg_cost)
    cac = np.broadcast_to(scenario_cac(baseline, values), (n,))
    return ltv, cost, cac
