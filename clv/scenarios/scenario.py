"""Scenarios: campaigns applied to a baseline, evaluated exactly over customer segments.

Segments. Each campaign reaches a share ``reach`` of the cohort, independently of the others, so k
campaigns split the cohort into up to 2^k segments, one per set R of campaigns that reach it, with
weight prod_{i in R} reach_i x prod_{i not in R} (1 - reach_i). Within a segment the campaigns' effects
combine: relative effects multiply (ARPU x prod (1 + lift_i), churn x prod (1 - reduction_i)), margin
points add (the total must stay 0..1), costs add. At most one annual plan applies: the first campaign
(in the order given) in R that has ``annual_billing``; the others' plans are ignored for that segment,
their other effects still apply. On an annual plan, churn factors scale the yearly non-renewal rate.
The cohort's LTV is the weighted sum of the segments' LTVs (never the LTV of an averaged churn).

Figures (per acquired customer, expected, discounted as in ``clv.core``):
- ``ltv`` gross-margin LTV before campaign costs; ``campaign_cost`` the campaigns' costs;
- ``net_value = ltv - campaign_cost - baseline LTV``; ``roi = net_value / campaign_cost``;
- ``cac`` = baseline CAC x prod_i (1 + reach_i x cac_change_i);
- ``ltv_to_cac = (ltv - campaign_cost) / cac`` (the value net of campaign costs per acquisition cost);
- ``payback_months``: when the expected cumulative discounted margin net of campaign costs reaches
  CAC (``clv.cashflows``: interpolated within the month as ``clv.core`` does; None if never).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from scipy.optimize import brentq

from .. import engine, fmt, i18n
from ..cashflows import Blend, blend, cashflow_table, segment_totals
from ..core import Assumptions, Result, evaluate
from ..engine import times
from ..errors import InputError
from .campaigns import BILLING_FIELDS, COST_FIELDS, EFFECT_FIELDS, Campaign

MAX_CAMPAIGNS = 8                 # exact Shapley values over 2^k subsets
SIM_CHUNK_CELLS = 2_000_000       # draws x segments x months per vectorised block in ``simulate``
BREAK_EVEN_GRID = 65              # points scanned for the first sign change before brentq
VALUE_FIELDS = EFFECT_FIELDS + BILLING_FIELDS


# ----------------------------------------------------------------------------------------------
# segments
# ----------------------------------------------------------------------------------------------

def _membership(k: int) -> np.ndarray:
    """(2^k, k) booleans: row r holds the campaigns reaching segment r (bit i of r)."""
    r = np.arange(2 ** k)[:, None]
    return ((r >> np.arange(k)[None, :]) & 1).astype(bool)


def _check(baseline: Assumptions, campaigns) -> tuple[Campaign, ...]:
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


def _values(campaigns, overrides=None) -> dict[str, np.ndarray]:
    """field -> array (N, k); N = 1 unless an override gives a column of draws/grid points."""
    out = {name: np.array([[_field_values(c, name) for c in campaigns]], dtype=float).reshape(1, len(campaigns))
           for name in VALUE_FIELDS}
    for (index, name), column in (overrides or {}).items():
        column = np.asarray(column, dtype=float).reshape(-1)
        arr = np.broadcast_to(out[name], (len(column), len(campaigns))).copy()
        arr[:, index] = column
        out[name] = arr
    return out


def _segments(baseline: Assumptions, campaigns, values, churn_scale: float = 1.0,
              clip_margin: bool = False) -> Blend:
    """The cohort's 2^k segments (rows of ``_membership(k)``) over the rows of ``values`` (``_values``)."""
    k = len(campaigns)
    members = _membership(k)                                  # (S, k)
    b = members[None, :, :]

    def pick(name, inside, outside):
        col = values[name][:, None, :]                        # (N, 1, k)
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
            raise InputError("margin_change", float(margin[bad].flat[0]), "scenarios.allowed.margin_total",
                             margin=fmt.percent(baseline.gross_margin, 1))
        margin = np.clip(margin, 0.0, 1.0)
    return Blend(weight, arpu, margin, *costs, engine.Segments(churn_k, annual, renewal, price))


def _segment_values(s: Blend, revenue, cost_months, expansion: float):
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


def _cac(baseline: Assumptions, values) -> np.ndarray:
    return baseline.cac * np.prod(1.0 + values["reach"] * values["cac_change"], axis=-1)


def _net_values(baseline, campaigns, overrides, churn_scale=1.0, clip_margin=False, chunk=None):
    """Vectorised (ltv, campaign_cost, cac) arrays over the rows of ``overrides`` (draws or a grid)."""
    values = _values(campaigns, overrides)
    n = max(v.shape[0] for v in values.values())
    segments = 2 ** len(campaigns)
    step = chunk or max(1, SIM_CHUNK_CELLS // (segments * (engine.TAIL_START + 1)))
    ltv, cost = np.empty(n), np.empty(n)
    for start in range(0, n, step):
        part = {name: v if v.shape[0] == 1 else v[start:start + step] for name, v in values.items()}
        s = _segments(baseline, campaigns, part, churn_scale, clip_margin)
        _, seg_ltv, seg_cost, _ = segment_totals(baseline, s)
        ltv[start:start + step] = blend(s.weight, seg_ltv)
        cost[start:start + step] = blend(s.weight, seg_cost)
    cac = np.broadcast_to(_cac(baseline, values), (n,))
    return ltv, cost, cac


# ----------------------------------------------------------------------------------------------
# evaluate_scenario
# ----------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ScenarioResult:
    """A scenario's figures per acquired customer (see the module docstring for definitions)."""

    baseline: Result
    campaigns: tuple[Campaign, ...]
    ltv: float                        # blended gross-margin LTV, before campaign costs
    revenue_ltv: float
    ltv_change: float | None          # ltv - baseline LTV (None: infinite on both sides)
    campaign_cost: float              # expected discounted campaign costs
    net_value: float | None           # ltv - campaign_cost - baseline LTV (None: infinite on both sides)
    roi: float | None                 # net_value / campaign_cost; None without cost
    cac: float                        # baseline CAC changed by any cac_change
    ltv_to_cac: float | None          # (ltv - campaign_cost) / cac
    payback_months: float | None      # churn-adjusted, net of campaign costs
    attribution: dict[str, float | None]   # campaign name -> Shapley share of net_value
    months: pd.DataFrame = field(repr=False)     # month, survival, expected_revenue, expected_margin,
    #                                              campaign_cost, discount_factor, discounted_cumulative_net,
    #                                              cumulative_minus_cac
    segments: pd.DataFrame = field(repr=False)   # campaigns, share, arpu, gross_margin, churn_factor,
    #                                              billing, revenue_ltv, ltv, campaign_cost, value

    @property
    def baseline_ltv(self) -> float:
        return self.baseline.ltv

    @property
    def pays_off(self) -> bool:
        return self.net_value is not None and self.net_value > 0


def _ratio(value: float, cac: float) -> float | None:
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
    n = 2 ** k
    bits = _membership(k)                                   # (n, k): subset masks
    s_in, r_in = bits[:, None, :], bits[None, :, :]
    factor = np.where(s_in, np.where(r_in, reach, 1.0 - reach), np.where(r_in, 0.0, 1.0))
    weights = np.prod(factor, axis=-1)                      # (S, R)
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
    campaigns = _check(baseline, campaigns)
    base_result = evaluate(baseline)
    values = _values(campaigns)
    s = _segments(baseline, campaigns, values)
    revenue, ltv, cost, months = (x[0] for x in segment_totals(baseline, s))
    seg_value = _segment_values(s, revenue, months, baseline.monthly_expansion)[0]
    weight = s.weight[0]
    total = lambda x: float(blend(weight, x))        # noqa: E731
    total_ltv, total_revenue, total_cost = total(ltv), total(revenue), total(cost)
    with np.errstate(all="ignore"):
        after_cost = total(seg_value)                 # ltv - campaign cost, also when both are unlimited
        net = after_cost - base_result.ltv
        change = _clean(total_ltv - base_result.ltv)
    net = _clean(net)
    cac = float(_cac(baseline, values)[0])
    _, phi = _shapley(seg_value, values["reach"][0]) if campaigns else (None, np.zeros(0))
    if net is not None and math.isfinite(net) and not np.all(np.isfinite(phi)):
        phi = np.full(len(campaigns), np.nan)        # some campaigns alone are unlimited, together not:
                                                      # shares of inf - inf are not defined
    attribution = {c.name: _clean(p) for c, p in zip(campaigns, phi)}
    table, payback = cashflow_table(baseline, s, cac, after_cost if not math.isnan(after_cost) else -math.inf)
    names = [tuple(c.name for c, hit in zip(campaigns, row) if hit) for row in _membership(len(campaigns))]
    segments = pd.DataFrame({
        "campaigns": names, "share": weight, "arpu": s.arpu[0], "gross_margin": s.margin[0],
        "churn_factor": np.broadcast_to(s.seg.k, s.weight.shape)[0],
        "billing": np.where(s.seg.annual, "annual", "monthly"),
        "revenue_ltv": revenue, "ltv": ltv, "campaign_cost": cost, "value": seg_value})
    roi = None if total_cost <= 0 or net is None else net / total_cost
    return ScenarioResult(
        baseline=base_result, campaigns=campaigns, ltv=total_ltv, revenue_ltv=total_revenue,
        ltv_change=change,
        campaign_cost=total_cost, net_value=net, roi=roi, cac=cac, ltv_to_cac=_ratio(after_cost, cac),
        payback_months=payback, attribution=attribution, months=table, segments=segments)


def compare(baseline: Assumptions, campaigns, lang: str = "en") -> dict[str, ScenarioResult]:
    """Each campaign alone, then all together (labelled ``scenarios.combined``): one result each."""
    campaigns = _check(baseline, campaigns)
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
    >>> t = totals(evaluate_scenario(base, [Campaign("Loyalty", reach=0.4, churn_reduction=0.2, monthly_cost=1.0)]), 1000)
    >>> round(t.net_value), round(t.campaign_cost), round(t.acquisition_cost)
    (70000, 10000, 300000)
    """
    if isinstance(cohort_size, bool) or not isinstance(cohort_size, (int, float, np.integer, np.floating)) \
            or not math.isfinite(cohort_size) or cohort_size < 0:
        raise InputError("cohort_size", cohort_size, "allowed.non_negative")
    n = float(cohort_size)
    return CohortTotals(cohort_size=n, ltv=result.ltv * n, baseline_ltv=result.baseline.ltv * n,
                        campaign_cost=result.campaign_cost * n,
                        net_value=None if result.net_value is None else result.net_value * n,
                        acquisition_cost=result.cac * n)


# ----------------------------------------------------------------------------------------------
# break-even
# ----------------------------------------------------------------------------------------------

# The bracket searched for each field (documented in ``break_even``).
BRACKETS = {"churn_reduction": (-1.0, 1.0 - 1e-9), "arpu_lift": (-1.0, 10.0), "reach": (0.0, 1.0),
            "revenue_share_cost": (0.0, 1.0)}
COST_SEARCH_DOUBLINGS = 64


def break_even(baseline: Assumptions, campaign: Campaign, field: str = "churn_reduction") -> float | None:
    """The value of ``field`` at which the campaign alone breaks even (net_value = 0), or None.

    Effects (``churn_reduction``, ``arpu_lift``, ``margin_change``): the smallest value with
    net_value >= 0 (the campaign's other fields as given). Brackets: churn_reduction [-1, 1 - 1e-9]
    (churn doubled .. removed), arpu_lift [-1, 10], margin_change [-m, 1 - m] (total margin 0..1).
    The bracket is scanned at 65 points for the first sign change, then solved with
    ``scipy.optimize.brentq`` (xtol 1e-12). Returns the bracket's low end when the campaign pays even
    there, None when it pays nowhere in the bracket ("cannot pay back"), and None when the baseline's
    or the campaign's LTV has no limit (no threshold is meaningful; set a horizon).

    Costs (``one_off_cost``, ``monthly_cost``, ``revenue_share_cost``): the largest cost per reached
    customer that still breaks even (bracket [0, c] with c doubled until the net value is negative;
    revenue share [0, 1]); None when the campaign loses money even for free, ``math.inf`` when its cost
    never matters (nobody reached).

    ``reach``: every effect and cost is per reached customer, so net_value = reach x (value per
    member): it breaks even at reach 0.0 when a member is worth its cost, and never (None) otherwise.

    >>> base = Assumptions(arpu=50, gross_margin=0.8, monthly_churn=0.05, cac=300)
    >>> round(break_even(base, Campaign("Loyalty", reach=0.4, churn_reduction=0.2, monthly_cost=1.0)), 9)
    0.025
    """
    campaigns = _check(baseline, [campaign])
    if field not in EFFECT_FIELDS or field == "cac_change":
        raise InputError("field", field, "scenarios.allowed.break_even_field")
    base_ltv = evaluate(baseline).ltv
    if not math.isfinite(base_ltv):
        return None
    if not math.isfinite(float(_net_values(baseline, campaigns, None)[0][0])):
        return None         # the campaign makes the LTV unlimited (growth outpaces churn): no threshold

    def net(x):
        ltv, cost, _ = _net_values(baseline, campaigns, {(0, field): np.atleast_1d(x)})
        with np.errstate(all="ignore"):
            out = ltv - cost - base_ltv
        return np.nan_to_num(out, nan=-1e300, posinf=1e300, neginf=-1e300)

    if field == "reach":
        return 0.0 if net(1.0)[0] >= 0 else None
    if field in COST_FIELDS:
        at_zero = net(0.0)[0]
        if at_zero < 0:
            return None
        if field == "revenue_share_cost":
            low, high = BRACKETS[field]
            if net(high)[0] >= 0:
                return high
        else:
            low, high = 0.0, max(1.0, abs(at_zero))
            for _ in range(COST_SEARCH_DOUBLINGS):
                if net(high)[0] < 0:
                    break
                high *= 2.0
            else:
                return math.inf
        if at_zero == 0:
            return 0.0
        return float(brentq(lambda x: net(x)[0], low, high, xtol=1e-12))
    if field == "margin_change":
        low, high = -baseline.gross_margin, 1.0 - baseline.gross_margin
    else:
        low, high = BRACKETS[field]
    grid = np.linspace(low, high, BREAK_EVEN_GRID)
    f = net(grid)
    if f[0] >= 0:
        return float(low)
    up = np.flatnonzero((f[:-1] < 0) & (f[1:] >= 0))
    if not up.size:
        return None
    i = int(up[0])
    if f[i + 1] == 0:
        return float(grid[i + 1])
    return float(brentq(lambda x: net(x)[0], grid[i], grid[i + 1], xtol=1e-12))


# ----------------------------------------------------------------------------------------------
# sensitivity and simulation
# ----------------------------------------------------------------------------------------------

DRIVERS = ("arpu", "gross_margin", "monthly_churn", "cac", "annual_discount_rate")


def sensitivity(baseline: Assumptions, campaigns=(), pct: float = 0.1, lang: str = "en") -> pd.DataFrame:
    """How the scenario's LTV and LTV:CAC move when each baseline driver moves by -pct and +pct.

    Drivers: ARPU, gross margin (capped at 1), churn (every churn of the baseline curve scaled, first-month
    and sBG hazard included; annual plans' renewal rates are the campaign's and stay), CAC and the
    annual discount rate (a zero rate stays zero). One row per driver and direction, sorted by the
    swing, widest first: driver, label (catalogue), direction (low / high), change (-pct / +pct), value
    (the driver's moved value), ltv, ltv_change, ltv_to_cac, ltv_to_cac_change.

    >>> base = Assumptions(arpu=50, gross_margin=0.8, monthly_churn=0.05, cac=300)
    >>> t = sensitivity(base, [], 0.1)
    >>> t.set_index(["driver", "direction"]).loc[("arpu", "high"), "ltv_change"].round(6)
    np.float64(80.0)
    """
    campaigns = _check(baseline, campaigns)
    _number_pct(pct)
    ltv0, cost0, cac0 = (float(x[0]) for x in _net_values(baseline, campaigns, None))
    ratio0 = _ratio(ltv0 - cost0, cac0)
    rows = []
    for driver in DRIVERS:
        for direction, sign in (("low", -1.0), ("high", 1.0)):
            factor = 1.0 + sign * pct
            scale = 1.0
            if driver == "monthly_churn":
                moved, scale, value = baseline, factor, baseline.monthly_churn * factor
            else:
                value = getattr(baseline, driver) * factor
                if driver == "gross_margin":
                    value = min(value, 1.0)
                moved = replace(baseline, **{driver: value})
            ltv, cost, cac = (float(x[0]) for x in _net_values(moved, campaigns, None, churn_scale=scale,
                                                                clip_margin=True))
            ratio = _ratio(ltv - cost, cac)
            rows.append({"driver": driver, "label": i18n.text(f"scenarios.drivers.{driver}", lang),
                         "direction": direction, "change": sign * pct, "value": value, "ltv": ltv,
                         "ltv_change": ltv - ltv0, "ltv_to_cac": ratio,
                         "ltv_to_cac_change": None if ratio is None or ratio0 is None else ratio - ratio0})
    table = pd.DataFrame(rows)
    swing = table.groupby("driver")["ltv_change"].transform(lambda x: x.abs().max())
    ratio_swing = table.groupby("driver")["ltv_to_cac_change"].transform(
        lambda x: pd.to_numeric(x, errors="coerce").abs().max())
    order = np.lexsort((table["direction"].to_numpy(), -ratio_swing.fillna(0).to_numpy(), -swing.to_numpy()))
    return table.iloc[order].reset_index(drop=True)


def _number_pct(pct):
    if isinstance(pct, bool) or not isinstance(pct, (int, float, np.integer, np.floating)) \
            or not math.isfinite(pct) or not 0 < pct < 1:
        raise InputError("pct", pct, "scenarios.allowed.pct")


# What a simulated effect may range over (the field's own validity).
RANGE_LIMITS = {"reach": (0.0, 1.0), "arpu_lift": (-1.0, math.inf), "churn_reduction": (-math.inf, 1.0),
                "margin_change": (-1.0, 1.0), "one_off_cost": (0.0, math.inf), "monthly_cost": (0.0, math.inf),
                "revenue_share_cost": (0.0, 1.0), "cac_change": (-1.0, math.inf),
                "billing_discount": (0.0, 1.0 - 1e-12), "renewal_rate": (0.0, 1.0)}


@dataclass(frozen=True, slots=True)
class Simulation:
    """Net value per acquired customer under uncertain campaign effects."""

    p10: float
    p50: float
    p90: float
    mean: float
    probability_positive: float        # share of draws with net value > 0
    draws: np.ndarray = field(repr=False)   # net value of every draw, shape (n,)
    n: int = 0
    distribution: str = "uniform"


def simulate(baseline: Assumptions, campaigns, ranges: dict, n: int = 10_000, seed=0) -> Simulation:
    """Monte Carlo over campaign effects: P10/P50/P90 of net value and the chance it pays off.

    ``ranges`` maps (campaign name, field) to (low, high), drawn uniformly, or (low, mode, high),
    drawn from a triangular distribution; draws are independent between fields. Fields: any effect
    or cost of ``Campaign`` and, for an annual plan, ``billing_discount`` and ``renewal_rate``. A
    drawn margin total outside 0..1 is clipped. All draws are evaluated at once (vectorised over
    draws x segments x months, in blocks of ``SIM_CHUNK_CELLS``); ``seed`` is an int or a
    ``numpy.random.Generator``.

    >>> base = Assumptions(arpu=50, gross_margin=0.8, monthly_churn=0.05, cac=300)
    >>> sim = simulate(base, [Campaign("Loyalty", reach=0.4, churn_reduction=0.2, monthly_cost=1.0)],
    ...                {("Loyalty", "churn_reduction"): (0.1, 0.3)}, n=2000, seed=1)
    >>> 0 < sim.p10 < sim.p50 < sim.p90, sim.probability_positive
    (True, 1.0)
    """
    campaigns = _check(baseline, campaigns)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise InputError("n", n, "allowed.positive")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    index = {c.name: i for i, c in enumerate(campaigns)}
    overrides, kinds = {}, set()
    for key, bounds in dict(ranges).items():
        if not (isinstance(key, tuple) and len(key) == 2 and key[0] in index):
            raise InputError("ranges", key, "scenarios.allowed.range_key")
        name, fld = key
        if fld not in RANGE_LIMITS or (fld in BILLING_FIELDS and campaigns[index[name]].annual_billing is None):
            raise InputError("ranges", key, "scenarios.allowed.range_field")
        bounds = tuple(float(b) for b in bounds)
        lo_ok, hi_ok = RANGE_LIMITS[fld]
        if len(bounds) not in (2, 3) or any(not math.isfinite(b) for b in bounds) or list(bounds) != sorted(bounds) \
                or bounds[0] < lo_ok or bounds[-1] > hi_ok:
            raise InputError(f"{name}.{fld}", bounds, "scenarios.allowed.range")
        if len(bounds) == 2:
            draw = rng.uniform(bounds[0], bounds[1], n)
            kinds.add("uniform")
        else:
            draw = rng.triangular(*bounds, n) if bounds[0] < bounds[2] else np.full(n, bounds[0])
            kinds.add("triangular")
        overrides[(index[name], fld)] = draw
    base_ltv = evaluate(baseline).ltv
    if overrides:
        ltv, cost, _ = _net_values(baseline, campaigns, overrides, clip_margin=True)
    else:
        ltv, cost, _ = _net_values(baseline, campaigns, None)
        ltv, cost = np.repeat(ltv, n), np.repeat(cost, n)
    with np.errstate(all="ignore"):
        net = ltv - cost - base_ltv
    if not np.isfinite(net).all():
        raise InputError("baseline", "infinite LTV", "scenarios.allowed.finite")
    p10, p50, p90 = np.percentile(net, [10, 50, 90])
    return Simulation(p10=float(p10), p50=float(p50), p90=float(p90), mean=float(net.mean()),
                      probability_positive=float(np.mean(net > 0)), draws=net, n=int(n),
                      distribution="+".join(sorted(kinds)) or "none")


# ----------------------------------------------------------------------------------------------
# description
# ----------------------------------------------------------------------------------------------

THRESHOLD_FIELDS = ("churn_reduction", "arpu_lift", "margin_change")


def idle_drivers(table: pd.DataFrame) -> list[str]:
    """The drivers of a ``sensitivity`` table that do not move the LTV at all (CAC never does; a zero
    discount rate moved by a percentage stays zero), so a chart can leave them out and say why.

    >>> base = Assumptions(arpu=50, gross_margin=0.8, monthly_churn=0.05, cac=300)
    >>> idle_drivers(sensitivity(base, [], 0.1))
    ['cac', 'annual_discount_rate']
    """
    moved = table.groupby("driver", sort=False)["ltv_change"].apply(lambda x: bool((x.abs() > 1e-9).any()))
    return [d for d in DRIVERS if d in moved.index and not moved[d]]


def describe(result: ScenarioResult, campaign: Campaign, lang: str = "en", currency: str = "$",
             digits: str = "western") -> str:
    """One plain sentence about a campaign's scenario, from the catalogue (``scenarios.describe.*``).

    The threshold is the campaign's break-even in its main effect (churn cut, else ARPU lift, else
    margin points), or for a campaign with none of those the largest one-off cost per member that
    still pays; a cheaper-acquisition campaign is described by its CAC.

    >>> base = Assumptions(arpu=50, gross_margin=0.8, monthly_churn=0.05, cac=300)
    >>> c = Campaign("A loyalty programme", reach=0.4, churn_reduction=0.2, monthly_cost=1.0)
    >>> describe(evaluate_scenario(base, [c]), c)
    "A loyalty programme for 40% of customers adds $70.00 per customer after its cost; it breaks even if it cuts members' churn by at least 2.5%."
    """
    baseline = result.baseline.assumptions
    reach = fmt.percent(campaign.reach, 0, digits)
    net = result.net_value
    name = campaign.name
    if net is None:
        return i18n.text_in_digits("scenarios.describe.undefined", lang, digits, name=name, reach=reach)
    only_cac = campaign.cac_change != 0 and not campaign.has_cost and campaign.annual_billing is None and not any(
        getattr(campaign, f) for f in THRESHOLD_FIELDS)
    if only_cac:
        key = "scenarios.describe.cac" if result.cac <= baseline.cac else "scenarios.describe.cac_up"
        return i18n.text_in_digits(key, lang, digits, name=name, reach=reach,
                                   cac=fmt.money(result.cac, currency, 2, digits),
                                   base_cac=fmt.money(baseline.cac, currency, 2, digits),
                                   ratio=fmt.ratio(result.ltv_to_cac, digits=digits),
                                   change=fmt.money(abs(baseline.cac - result.cac), currency, 2, digits))
    mood = "gain" if net >= 0 else "loss"
    value = fmt.money(abs(net), currency, 2, digits)
    main = next((f for f in THRESHOLD_FIELDS if getattr(campaign, f) != 0), "one_off_cost")
    threshold = break_even(baseline, campaign, main)
    if threshold is None or (main != "one_off_cost" and threshold <= 0):   # pays even without this effect
        return i18n.text_in_digits(f"scenarios.describe.{mood}.none", lang, digits, name=name, reach=reach,
                                   value=value)
    if main == "one_off_cost":
        shown = fmt.money(threshold, currency, 2, digits) if math.isfinite(threshold) \
            else fmt.number(threshold, 0, digits)
    elif main == "margin_change":
        shown = fmt.number(threshold * 100, 1, digits)
    else:
        shown = fmt.percent(threshold, 1, digits)
    return i18n.text_in_digits(f"scenarios.describe.{mood}.{main}", lang, digits, name=name, reach=reach, value=value,
                               threshold=shown)
