"""Uncertainty: how a scenario moves with the baseline's drivers (``sensitivity``, a tornado) and with
uncertain campaign effects (``simulate``, Monte Carlo)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from .. import i18n
from ..core import Assumptions, evaluate
from ..errors import InputError
from .campaigns import BILLING_FIELDS
from .result import value_to_cac
from .segments import check_campaigns, net_values

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
    campaigns = check_campaigns(baseline, campaigns)
    _number_pct(pct)
    ltv0, cost0, cac0 = (float(x[0]) for x in net_values(baseline, campaigns, None))
    ratio0 = value_to_cac(ltv0 - cost0, cac0)
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
            ltv, cost, cac = (
                float(x[0]) for x in net_values(moved, campaigns, None, churn_scale=scale, clip_margin=True)
            )
            ratio = value_to_cac(ltv - cost, cac)
            rows.append(
                {
                    "driver": driver,
                    "label": i18n.text(f"scenarios.drivers.{driver}", lang),
                    "direction": direction,
                    "change": sign * pct,
                    "value": value,
                    "ltv": ltv,
                    "ltv_change": ltv - ltv0,
                    "ltv_to_cac": ratio,
                    "ltv_to_cac_change": None if ratio is None or ratio0 is None else ratio - ratio0,
                }
            )
    table = pd.DataFrame(rows)
    swing = table.groupby("driver")["ltv_change"].transform(lambda x: x.abs().max())
    ratio_swing = table.groupby("driver")["ltv_to_cac_change"].transform(
        lambda x: pd.to_numeric(x, errors="coerce").abs().max()
    )
    order = np.lexsort((table["direction"].to_numpy(), -ratio_swing.fillna(0).to_numpy(), -swing.to_numpy()))
    return table.iloc[order].reset_index(drop=True)


def _number_pct(pct):
    if (
        isinstance(pct, bool)
        or not isinstance(pct, (int, float, np.integer, np.floating))
        or not math.isfinite(pct)
        or not 0 < pct < 1
    ):
        raise InputError("pct", pct, "scenarios.allowed.pct")


# What a simulated effect may range over (the field's own validity).
RANGE_LIMITS = {
    "reach": (0.0, 1.0),
    "arpu_lift": (-1.0, math.inf),
    "churn_reduction": (-math.inf, 1.0),
    "margin_change": (-1.0, 1.0),
    "one_off_cost": (0.0, math.inf),
    "monthly_cost": (0.0, math.inf),
    "revenue_share_cost": (0.0, 1.0),
    "cac_change": (-1.0, math.inf),
    "billing_discount": (0.0, 1.0 - 1e-12),
    "renewal_rate": (0.0, 1.0),
}


@dataclass(frozen=True, slots=True)
class Simulation:
    """Net value per acquired customer under uncertain campaign effects."""

    p10: float
    p50: float
    p90: float
    mean: float
    probability_positive: float  # share of draws with net value > 0
    draws: np.ndarray = field(repr=False)  # net value of every draw, shape (n,)
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

    >>> from clv.scenarios import Campaign
    >>> base = Assumptions(arpu=50, gross_margin=0.8, monthly_churn=0.05, cac=300)
    >>> sim = simulate(base, [Campaign("Loyalty", reach=0.4, churn_reduction=0.2, monthly_cost=1.0)],
    ...                {("Loyalty", "churn_reduction"): (0.1, 0.3)}, n=2000, seed=1)
    >>> 0 < sim.p10 < sim.p50 < sim.p90, sim.probability_positive
    (True, 1.0)
    """
    campaigns = check_campaigns(baseline, campaigns)
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
        if (
            len(bounds) not in (2, 3)
            or any(not math.isfinite(b) for b in bounds)
            or list(bounds) != sorted(bounds)
            or bounds[0] < lo_ok
            or bounds[-1] > hi_ok
        ):
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
        ltv, cost, _ = net_values(baseline, campaigns, overrides, clip_margin=True)
    else:
        ltv, cost, _ = net_values(baseline, campaigns, None)
        ltv, cost = np.repeat(ltv, n), np.repeat(cost, n)
    with np.errstate(all="ignore"):
        net = ltv - cost - base_ltv
    if not np.isfinite(net).all():
        raise InputError("baseline", "infinite LTV", "scenarios.allowed.finite")
    p10, p50, p90 = np.percentile(net, [10, 50, 90])
    return Simulation(
        p10=float(p10),
        p50=float(p50),
        p90=float(p90),
        mean=float(net.mean()),
        probability_positive=float(np.mean(net > 0)),
        draws=net,
        n=int(n),
        distribution="+".join(sorted(kinds)) or "none",
    )
