"""Unit economics of one acquired customer: LTV, LTV:CAC and CAC payback.

Conventions (README, "Conventions"):
- A customer pays ARPU at the start of each active month; the first payment is at month 0 and is
  not discounted. After each month the customer churns with probability ``monthly_churn``, so the
  chance of paying in month t is ``(1 - c)^t``.
- The monthly discount rate is ``d = (1 + annual_discount_rate)^(1/12) - 1``; a payment in month t is
  worth ``1 / (1 + d)^t`` today. With ``q = (1 - c) / (1 + d)``:
  ``LTV = ARPU x m x (1 - q^H) / (1 - q)`` over a horizon of H months and
  ``LTV = ARPU x m x (1 + d) / (c + d)`` with no horizon; with d = 0 that is ``ARPU x m / c``.
- Rates are fractions (0.05 = 5%); ARPU and CAC are in the user's currency.
- Beyond one constant churn and flat ARPU (all optional, off by default): ``first_month_churn`` (churn
  at the end of month 0, then ``monthly_churn``), ``retention_curve = (alpha, beta)`` (shifted-beta-
  geometric survival S(t) = B(alpha, beta + t) / B(alpha, beta), which replaces ``monthly_churn``) and
  ``monthly_expansion`` (active customers' ARPU grows by this fraction a month). With any of them set,
  ``evaluate`` uses the exact month-by-month engine (``clv.cashflows.evaluate_month_by_month``, on
  ``clv.engine``).

Every closed form here broadcasts over NumPy arrays (a grid is one call); a scalar in gives a float.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .cashflows import (
    RULE_OF_THUMB_LTV_TO_CAC,  # noqa: F401 (re-exported)
    TABLE_MAX_MONTHS,
    TABLE_MIN_MONTHS,  # noqa: F401 (re-exported)
    TABLE_SURVIVAL_FLOOR,
    Result,
    evaluate_month_by_month,
    ratio_and_simple_payback,
    table_months,
)
from .errors import InputError


def monthly_rate(annual_rate):
    """The monthly rate that compounds to ``annual_rate`` over 12 months.

    >>> round(monthly_rate(0.10), 6)
    0.007974
    """
    out = np.power(1.0 + np.asarray(annual_rate, dtype=float), 1.0 / 12.0) - 1.0
    return out if out.ndim else float(out)


@dataclass(frozen=True, slots=True)
class Assumptions:
    """What we assume about one acquired customer. Validated once, here; errors name the field.

    >>> Assumptions(arpu=50, gross_margin=0.8, monthly_churn=0.05, cac=300).monthly_discount_rate
    0.0
    """

    arpu: float  # average revenue per customer per month, currency, >= 0
    gross_margin: float  # fraction of revenue kept after direct costs, 0..1
    monthly_churn: float  # fraction of customers lost per month, 0..1
    cac: float  # customer acquisition cost, currency, >= 0
    annual_discount_rate: float = 0.0  # fraction per year, >= 0
    horizon_months: int | None = None  # None: unlimited; else a positive whole number of months
    # Optional, off by default (see the module docstring):
    first_month_churn: float | None = None  # churn at the end of month 0, 0..1; then monthly_churn
    retention_curve: tuple[float, float] | None = None  # sBG (alpha, beta) > 0; replaces monthly_churn
    monthly_expansion: float = 0.0  # monthly ARPU growth of active customers, > -1

    def __post_init__(self):
        _check_number("arpu", self.arpu, 0, None, "allowed.non_negative")
        _check_number("gross_margin", self.gross_margin, 0, 1, "allowed.fraction")
        _check_number("monthly_churn", self.monthly_churn, 0, 1, "allowed.fraction")
        _check_number("cac", self.cac, 0, None, "allowed.non_negative")
        _check_number("annual_discount_rate", self.annual_discount_rate, 0, None, "allowed.rate")
        h = self.horizon_months
        if h is not None:
            if (
                isinstance(h, bool)
                or not isinstance(h, (int, np.integer, float))
                or not math.isfinite(h)
                or h != int(h)
                or h < 1
            ):
                raise InputError("horizon_months", h, "allowed.horizon")
            object.__setattr__(self, "horizon_months", int(h))
        for name in ("arpu", "gross_margin", "monthly_churn", "cac", "annual_discount_rate"):
            object.__setattr__(self, name, float(getattr(self, name)))
        if self.first_month_churn is not None:
            _check_number("first_month_churn", self.first_month_churn, 0, 1, "allowed.fraction")
            object.__setattr__(self, "first_month_churn", float(self.first_month_churn))
        curve = self.retention_curve
        if curve is not None:
            try:
                pair = tuple(curve)
            except TypeError:
                raise InputError("retention_curve", curve, "scenarios.allowed.retention_curve") from None
            if len(pair) != 2 or any(
                isinstance(x, bool)
                or not isinstance(x, (int, float, np.integer, np.floating))
                or not math.isfinite(x)
                or x <= 0
                for x in pair
            ):
                raise InputError("retention_curve", curve, "scenarios.allowed.retention_curve")
            if self.first_month_churn is not None:
                raise InputError(
                    "first_month_churn", self.first_month_churn, "scenarios.allowed.first_month_with_curve"
                )
            object.__setattr__(self, "retention_curve", (float(pair[0]), float(pair[1])))
        _check_number("monthly_expansion", self.monthly_expansion, None, None, "scenarios.allowed.expansion")
        if self.monthly_expansion <= -1:
            raise InputError("monthly_expansion", self.monthly_expansion, "scenarios.allowed.expansion")
        object.__setattr__(self, "monthly_expansion", float(self.monthly_expansion))

    @property
    def uses_engine(self) -> bool:
        """True when churn or ARPU changes with tenure, so the closed forms do not apply."""
        return self.first_month_churn is not None or self.retention_curve is not None or self.monthly_expansion != 0

    @property
    def monthly_discount_rate(self) -> float:
        return monthly_rate(self.annual_discount_rate)

    @property
    def monthly_margin(self) -> float:
        """Gross margin per active customer per month (ARPU x m)."""
        return self.arpu * self.gross_margin

    @classmethod
    def from_purchases(
        cls,
        avg_order_value: float,
        orders_per_year: float,
        gross_margin: float,
        cac: float,
        annual_retention: float | None = None,
        lifespan_years: float | None = None,
        annual_discount_rate: float = 0.0,
        horizon_months: int | None = None,
    ) -> "Assumptions":
        """The e-commerce form: order value x purchase frequency x margin x lifespan.

        Monthly ARPU = order value x orders per year / 12. Monthly churn comes from exactly one of
        ``annual_retention`` (churn = 1 - retention^(1/12)) or ``lifespan_years`` (churn = 1 / (12 x years)).

        >>> a = Assumptions.from_purchases(60, 4, 0.3, 50, annual_retention=0.6)
        >>> a.arpu, round(evaluate(a).ltv, 2)
        (20.0, 143.97)
        """
        _check_number("avg_order_value", avg_order_value, 0, None, "allowed.non_negative")
        _check_number("orders_per_year", orders_per_year, 0, None, "allowed.non_negative")
        if (annual_retention is None) == (lifespan_years is None):
            raise InputError("annual_retention", annual_retention, "allowed.one_of_retention_lifespan")
        if annual_retention is not None:
            _check_number("annual_retention", annual_retention, 0, 1, "allowed.fraction")
            churn = 1.0 - float(annual_retention) ** (1.0 / 12.0)
        else:
            _check_number("lifespan_years", lifespan_years, 0, None, "allowed.positive")
            if lifespan_years <= 0:
                raise InputError("lifespan_years", lifespan_years, "allowed.positive")
            churn = min(1.0, 1.0 / (12.0 * float(lifespan_years)))
        return cls(
            arpu=float(avg_order_value) * float(orders_per_year) / 12.0,
            gross_margin=gross_margin,
            monthly_churn=churn,
            cac=cac,
            annual_discount_rate=annual_discount_rate,
            horizon_months=horizon_months,
        )


def ltv(arpu, gross_margin, monthly_churn, annual_discount_rate=0.0, horizon_months=None):
    """Expected gross-margin lifetime value of one customer; broadcasts over arrays.

    LTV = ARPU x m x (1 - q^H) / (1 - q) with q = (1 - c) / (1 + d); unlimited: ARPU x m x (1 + d) / (c + d).
    Units: ARPU in currency per month; m, c fractions; annual_discount_rate a fraction per year.
    Returns inf where c + d == 0 with no horizon (and ARPU x m > 0).

    >>> round(ltv(50, 0.8, 0.05), 2), round(ltv(50, 0.8, 0.05, 0.10), 2), round(ltv(50, 0.8, 0.05, 0.10, 24), 2)
    (800.0, 695.46, 527.64)
    """
    margin = np.multiply(arpu, gross_margin, dtype=float)
    d = monthly_rate(annual_discount_rate)
    c = np.asarray(monthly_churn, dtype=float)
    q = (1.0 - c) / (1.0 + d)
    with np.errstate(divide="ignore", invalid="ignore"):
        if horizon_months is None:
            value = np.where(
                c + d > 0, margin * (1.0 + d) / np.where(c + d > 0, c + d, 1.0), np.where(margin > 0, np.inf, 0.0)
            )
        else:
            h = np.asarray(horizon_months, dtype=float)
            value = np.where(q < 1, margin * (1.0 - q**h) / np.where(q < 1, 1.0 - q, 1.0), margin * h)
    return value if value.ndim else float(value)


def ltv_to_cac(arpu, gross_margin, monthly_churn, cac, annual_discount_rate=0.0, horizon_months=None):
    """LTV / CAC over a grid (e.g. churn x ARPU); inf where CAC is 0 and LTV > 0, nan where both are 0.

    >>> grid = ltv_to_cac(np.array([[40], [50]]), 0.8, np.array([0.04, 0.05]), 300)
    >>> np.round(grid, 3).tolist()
    [[2.667, 2.133], [3.333, 2.667]]
    """
    value = np.asarray(ltv(arpu, gross_margin, monthly_churn, annual_discount_rate, horizon_months))
    cac = np.asarray(cac, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(cac > 0, value / np.where(cac > 0, cac, 1.0), np.where(value > 0, np.inf, np.nan))
    return out if out.ndim else float(out)


def payback_churn_adjusted(monthly_margin, cac, monthly_churn, annual_discount_rate=0.0, horizon_months=None):
    """Months until the expected cumulative discounted margin first reaches CAC (fractional; None: never).

    The cumulative value after t months is M(t) = g x (1 - q^t) / (1 - q), g = ARPU x m; solving
    M(t) = CAC gives t = ln(1 - CAC (1 - q) / g) / ln q, and t = CAC / g when q = 1. Within the first
    month nobody has churned and nothing is discounted yet, so there M(t) = g x t and t = CAC / g
    (the two agree at t = 1; beyond it M(t) <= g x t, so this payback is never shorter than CAC / g).

    >>> round(payback_churn_adjusted(40, 300, 0.05), 3), round(payback_churn_adjusted(40, 300, 0.05, 0.10), 3)
    (9.163, 9.53)
    """
    g, cac, c = float(monthly_margin), float(cac), float(monthly_churn)
    if cac <= 0:
        return 0.0
    if g <= 0:
        return None
    q = (1.0 - c) / (1.0 + monthly_rate(annual_discount_rate))
    if q >= 1.0 or cac <= g:
        t = cac / g
    else:
        rest = 1.0 - cac * (1.0 - q) / g
        if rest <= 0 or q <= 0:
            return None
        t = math.log(rest) / math.log(q)
    return t if horizon_months is None or t <= horizon_months else None


def expected_lifetime(monthly_churn, horizon_months=None):
    """Expected number of paid months: 1 / c with no horizon, (1 - (1 - c)^H) / c over H months.

    >>> expected_lifetime(0.05), round(expected_lifetime(0.05, 24), 2)
    (20.0, 14.16)
    """
    c = float(monthly_churn)
    if c == 0:
        return math.inf if horizon_months is None else float(horizon_months)
    if horizon_months is None:
        return 1.0 / c
    return (1.0 - (1.0 - c) ** horizon_months) / c


INFINITE_REASONS = ("zero_churn", "expansion", "curve")


def infinite_reason(a: Assumptions) -> str | None:
    """Why the lifetime value has no limit, or None when it has one. One of ``INFINITE_REASONS``:

    - ``curve``: an sBG retention curve with alpha <= 1 keeps so many customers that the expected
      number of paid months diverges (survival ~ t^-alpha), with no discounting or horizon;
    - ``expansion``: revenue grows faster than churn and discounting take it away,
      (1 + e)(1 - c) >= 1 + d, with no horizon;
    - ``zero_churn``: nobody leaves, with no discounting or horizon.

    >>> infinite_reason(Assumptions(50, 0.8, 0.05, 300, monthly_expansion=0.06))
    'expansion'
    >>> infinite_reason(Assumptions(50, 0.8, 0.05, 300, retention_curve=(0.704, 1.182)))
    'curve'
    >>> infinite_reason(Assumptions(50, 0.8, 0.0, 300)), infinite_reason(Assumptions(50, 0.8, 0.05, 300))
    ('zero_churn', None)
    """
    if a.horizon_months is not None or a.monthly_margin == 0:
        return None
    d = a.monthly_discount_rate
    if a.retention_curve is not None:
        return "curve" if d == 0 and a.retention_curve[0] <= 1 else None
    churn = a.monthly_churn
    if a.monthly_expansion > 0 and (1 + a.monthly_expansion) * (1 - churn) >= 1 + d:
        return "expansion"
    return "zero_churn" if churn == 0 and d == 0 else None


def evaluate(assumptions: Assumptions) -> Result:
    """All the calculator's figures for one set of assumptions.

    >>> r = evaluate(Assumptions(arpu=50, gross_margin=0.8, monthly_churn=0.05, cac=300))
    >>> round(r.ltv, 2), round(r.ltv_to_cac, 3), r.payback_months, round(r.payback_months_churn_adjusted, 3)
    (800.0, 2.667, 7.5, 9.163)
    """
    a = assumptions
    if a.uses_engine:
        return evaluate_month_by_month(a)
    value = ltv(a.arpu, a.gross_margin, a.monthly_churn, a.annual_discount_rate, a.horizon_months)
    revenue = ltv(a.arpu, 1.0, a.monthly_churn, a.annual_discount_rate, a.horizon_months)
    ratio, simple = ratio_and_simple_payback(a, value)
    adjusted = payback_churn_adjusted(
        a.monthly_margin, a.cac, a.monthly_churn, a.annual_discount_rate, a.horizon_months
    )
    return Result(
        assumptions=a,
        ltv=value,
        revenue_ltv=revenue,
        ltv_to_cac=ratio,
        payback_months=simple,
        payback_months_churn_adjusted=adjusted,
        expected_lifetime_months=expected_lifetime(a.monthly_churn, a.horizon_months),
        months=month_table(a, adjusted),
    )


def month_table(a: Assumptions, payback: float | None = None) -> pd.DataFrame:
    """Month-by-month expected cash flows of one acquired customer (payment at the start of month t)."""
    n = table_length(a.monthly_churn, a.horizon_months, payback)
    t = np.arange(n, dtype=float)
    survival = (1.0 - a.monthly_churn) ** t
    margin = a.monthly_margin * survival
    discount = (1.0 + a.monthly_discount_rate) ** -t
    cumulative = np.cumsum(margin * discount)
    return pd.DataFrame(
        {
            "month": t.astype(int),
            "survival": survival,
            "expected_margin": margin,
            "discount_factor": discount,
            "discounted_cumulative_margin": cumulative,
            "cumulative_minus_cac": cumulative - a.cac,
        }
    )


def table_length(monthly_churn: float, horizon_months: int | None, payback: float | None = None) -> int:
    """How many months a table or chart shows with a constant churn (``clv.cashflows.table_months``):
    the horizon, else until few customers remain, (1 - c)^t < ``TABLE_SURVIVAL_FLOOR``.

    >>> table_length(0.05, None), table_length(0.05, 24)
    (90, 24)
    """
    c = float(monthly_churn)
    until_few = math.log(TABLE_SURVIVAL_FLOOR) / math.log(1.0 - c) if 0 < c < 1 else (1 if c >= 1 else TABLE_MAX_MONTHS)
    return table_months(until_few, horizon_months, payback)


def _check_number(name: str, value: object, low: float | None, high: float | None, allowed: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise InputError(name, value, allowed)
    if not math.isfinite(value) or (low is not None and value < low) or (high is not None and value > high):
        raise InputError(name, value, allowed)
