"""Break-even: the value of one effect or cost at which a campaign alone just pays for itself."""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq

from ..core import Assumptions, evaluate
from ..errors import InputError
from .campaigns import COST_FIELDS, EFFECT_FIELDS, Campaign
from .segments import check_campaigns, net_values

BREAK_EVEN_GRID = 65  # points scanned for the first sign change before brentq

# The bracket searched for each field (documented in ``break_even``).
BRACKETS = {
    "churn_reduction": (-1.0, 1.0 - 1e-9),
    "arpu_lift": (-1.0, 10.0),
    "reach": (0.0, 1.0),
    "revenue_share_cost": (0.0, 1.0),
}
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
    campaigns = check_campaigns(baseline, [campaign])
    if field not in EFFECT_FIELDS or field == "cac_change":
        raise InputError("field", field, "scenarios.allowed.break_even_field")
    base_ltv = evaluate(baseline).ltv
    if not math.isfinite(base_ltv):
        return None
    if not math.isfinite(float(net_values(baseline, campaigns, None)[0][0])):
        return None  # the campaign makes the LTV unlimited (growth outpaces churn): no threshold

    def net(x):
        ltv, cost, _ = net_values(baseline, campaigns, {(0, field): np.atleast_1d(x)})
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
