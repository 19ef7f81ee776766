"""The month-by-month engine: expected, discounted cash flows of customer segments, exact to any horizon.

A *segment* is a share of the acquired cohort whose customers all behave alike. This module knows
nothing about campaigns and imports nothing from ``clv`` (``clv.cashflows`` builds on it, ``clv.core`` on
that). It takes, per segment (arrays that broadcast, so segments x draws is one call), a churn factor
``k``, a billing plan and a price multiplier, and returns per unit of ARPU

    U = sum_t pay(t) x (1 + e)^t x S(t) x v^t     (expected discounted revenue, per 1 of ARPU)
    A = sum_t S(t) x v^t                          (expected discounted active months)

summed over t = 0 .. H-1 (H the horizon; unlimited when None), with v = 1 / (1 + d).

Conventions (those of ``clv.core``):
- payment at the start of each active month, month 0 undiscounted; churn at the end of each month;
- survival S(t) is the chance the customer is still active in month t (S(0) = 1);
- a monthly-billed segment pays ``pay(t) = 1`` x ARPU each active month; its churn in month t is
  ``min(k x c(t), 1)`` where ``c(t)`` is the baseline's churn (constant; a first-month churn then a
  constant one; or the shifted-beta-geometric hazard ``alpha / (alpha + beta + t)``, Fader & Hardie 2007,
  eq. 2). Scaling the sBG hazard by k is again an sBG curve: ``alpha' = k alpha``,
  ``beta' = beta + (1 - k) alpha`` (same alpha + beta), so S(t) = B(alpha', beta' + t) / B(alpha', beta');
- an annual-billed segment pays ``pay(t) = price`` (12 x (1 - discount)) x ARPU at months 0, 12, 24, ...
  and churns only at renewals: S(t) = r'^floor(t / 12) with ``r' = 1 - min(k x (1 - renewal_rate), 1)``;
- ARPU grows by ``e`` a month while the customer is active (expansion; an annual price is set at each
  renewal from the ARPU of that month).

Nothing is truncated. The first ``TAIL_START`` months are summed explicitly; every later month is added
in closed form, because from month 12 on each segment is either geometric month to month (constant
churn), geometric year to year (annual plans), or an sBG curve, whose discounted tail is the Gauss
hypergeometric function ``sum_j S(M + j) / S(M) x^j = 2F1(1, beta' + M; alpha' + beta' + M; x)``
(and, at x = 1, the telescoping sum ``(alpha' - 1) sum_{t=M}^{H-1} S(t) = S(M)(alpha'+beta'+M-1) -
S(H)(alpha'+beta'+H-1)``). Sums that do not converge return ``math.inf``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import digamma, gammaln, hyp2f1

TAIL_START = 12  # months summed explicitly; a whole year so annual plans are at a renewal
MONTHS_PER_YEAR = 12
EXPLICIT_LIMIT = 100_000  # months summed one by one at most, where no closed form applies (sBG, below)
CF_MAX_TERMS = 20_000  # continued-fraction terms at most (x within ~1e-8 of 1 needs about this many)
CHEB_MIN_POINTS = 256  # more distinct churn factors than this: Chebyshev interpolation in k ...
CHEB_DEGREE = 40  # ... of this degree
SCIPY_MAX_B = 150.0  # scipy's hyp2f1 (fast for a few values) overflows beyond b ~ 170
REST_TOLERANCE = 1e-13  # month-by-month sums stop when the provable rest is below this, relative
MONTH_BLOCK = 1200  # months per vectorised block in month-by-month sums ...
BLOCK_CELLS = 2_000_000  # ... fewer when there are many segments x draws


@dataclass(frozen=True, slots=True)
class Base:
    """The baseline's churn curve, growth and discounting (from ``clv.Assumptions``)."""

    kind: str  # "constant" | "first_month" | "sbg"
    churn: float  # long-run monthly churn (constant, first_month)
    first_month_churn: float  # churn at the end of month 0 (first_month)
    alpha: float  # sBG parameters (sbg)
    beta: float
    expansion: float  # monthly ARPU growth of active customers
    monthly_discount: float  # d

    @classmethod
    def of(cls, a) -> "Base":
        """The engine's view of a ``clv.Assumptions`` (its monthly discount rate is ``clv.core.monthly_rate``'s)."""
        d = a.monthly_discount_rate
        curve = getattr(a, "retention_curve", None)
        first = getattr(a, "first_month_churn", None)
        e = float(getattr(a, "monthly_expansion", 0.0))
        if curve is not None:
            return cls("sbg", a.monthly_churn, a.monthly_churn, float(curve[0]), float(curve[1]), e, d)
        if first is not None:
            return cls("first_month", a.monthly_churn, float(first), 1.0, 1.0, e, d)
        return cls("constant", a.monthly_churn, a.monthly_churn, 1.0, 1.0, e, d)


@dataclass(frozen=True, slots=True)
class Segments:
    """Per-segment behaviour; arrays broadcast together, the last axis is the segment."""

    k: np.ndarray  # churn factor (1 = baseline churn), >= 0
    annual: np.ndarray  # bool, shape (segments,): billed yearly
    renewal: np.ndarray  # annual renewal rate before ``k`` (ignored for monthly segments)
    price: np.ndarray  # payment per 1 of ARPU: 1 (monthly) or 12 x (1 - discount) (annual)

    @classmethod
    def single(cls) -> "Segments":
        """One monthly-billed segment with the baseline's churn."""
        return cls(np.ones(1), np.zeros(1, bool), np.ones(1), np.ones(1))


def _sbg_params(base: Base, k):
    alpha = k * base.alpha
    beta = base.beta + (1.0 - k) * base.alpha
    return alpha, beta


def survival(base: Base, seg: Segments, t) -> np.ndarray:
    """S(t) for every segment (shape ``(..., segments, len(t))``)."""
    t = np.asarray(t, dtype=float)
    k = np.asarray(seg.k, dtype=float)[..., None]
    annual = np.asarray(seg.annual)[..., None]
    with np.errstate(all="ignore"):
        if base.kind == "sbg" and t.size and t[0] == 0 and np.all(np.diff(t) == 1):
            # months 0..T-1: the product of (1 - hazard), hazard min(k alpha / (alpha + beta + s), 1)
            s = np.arange(t.size - 1, dtype=float)
            keep = 1.0 - np.minimum(k * base.alpha / (base.alpha + base.beta + s), 1.0)
            monthly = np.concatenate([np.ones(keep.shape[:-1] + (1,)), np.cumprod(keep, axis=-1)], axis=-1)
        elif base.kind == "sbg":
            a, b = _sbg_params(base, k)
            ok = b > 0
            bb = np.where(ok, b, 1.0)
            log_s = gammaln(bb + t) - gammaln(bb) + gammaln(a + bb) - gammaln(a + bb + t)
            monthly = np.where(ok, np.exp(log_s), (t == 0).astype(float))
        else:
            c = np.minimum(k * base.churn, 1.0)
            if base.kind == "first_month":
                c0 = np.minimum(k * base.first_month_churn, 1.0)
                monthly = np.where(t == 0, 1.0, (1.0 - c0) * (1.0 - c) ** np.maximum(t - 1.0, 0.0))
            else:
                monthly = (1.0 - c) ** t
        r = 1.0 - np.minimum(k * (1.0 - np.asarray(seg.renewal, dtype=float)[..., None]), 1.0)
        yearly = r ** np.floor(t / MONTHS_PER_YEAR)
    return np.where(annual, yearly, monthly)


def flows(base: Base, seg: Segments, t):
    """Undiscounted expected revenue per 1 of ARPU, and survival, in months ``t``.

    Growth and survival are multiplied in logs, so growth that overflows on its own (a high expansion
    rate over many months) still gives the finite product when survival falls faster.
    """
    t = np.asarray(t, dtype=float)
    s = survival(base, seg, t)
    annual = np.asarray(seg.annual)[..., None]
    price = np.asarray(seg.price, dtype=float)[..., None]
    due = np.where(annual, (t % MONTHS_PER_YEAR == 0).astype(float), 1.0) * price
    with np.errstate(all="ignore"):
        grown = np.exp(t * np.log1p(base.expansion) + np.log(s))
        # a month without a payment earns 0 even where growth has overflowed (0 x inf would be nan)
        return np.where(due == 0, 0.0, due * grown), s


def sums(base: Base, seg: Segments, horizon: int | None = None, monthly_discount: float | None = None):
    """(U, A): expected discounted revenue per 1 of ARPU and expected discounted active months, per segment.

    Exact: months 0..11 summed, the rest in closed form (module docstring). ``math.inf`` where a sum
    does not converge (no churn and no discount; growth at or above churn plus discount).

    >>> b = Base("constant", 0.05, 0.05, 1.0, 1.0, 0.0, 0.0)
    >>> u, a = sums(b, Segments.single())
    >>> round(float(u[0]), 9), round(float(a[0]), 9)
    (20.0, 20.0)
    """
    d = base.monthly_discount if monthly_discount is None else float(monthly_discount)
    v = 1.0 / (1.0 + d)
    n = TAIL_START if horizon is None else min(int(horizon), TAIL_START)
    t = np.arange(n, dtype=float)
    rev, s = flows(base, seg, t)
    disc = v**t
    u = (rev * disc).sum(-1)
    a = (s * disc).sum(-1)
    if horizon is None or horizon > TAIL_START:
        tu, ta = _tails(base, seg, horizon, d)
        u, a = u + tu, a + ta
    return u, a


def times(x, y):
    """x * y with 0 x inf = 0 (nothing left to earn forever is nothing): a zero weight, margin or share times
    an unlimited sum, or a month whose growth overflowed, is 0, not nan. Broadcasts.

    >>> times(np.array([0.0, 2.0]), np.array([np.inf, 3.0])).tolist()
    [0.0, 6.0]
    """
    with np.errstate(all="ignore"):
        return np.where(x == 0, 0.0, x * y)


def _geometric(rho, one_minus_rho, count):
    """sum_{j < count} rho^j (count None: unlimited; inf when rho >= 1)."""
    with np.errstate(all="ignore"):
        if count is None:
            return np.where(one_minus_rho > 0, 1.0 / np.where(one_minus_rho > 0, one_minus_rho, 1.0), np.inf)
        count = np.asarray(count, dtype=float)
        safe = np.where(one_minus_rho != 0, one_minus_rho, 1.0)
        partial = -np.expm1(count * np.log(np.maximum(rho, 0.0))) / safe
        partial = np.where(rho <= 0, np.where(count > 0, 1.0, 0.0), partial)
        return np.where(one_minus_rho != 0, partial, count)


def _tails(base: Base, seg: Segments, horizon: int | None, d: float):
    """Sums over months TAIL_START .. H-1 (unlimited when horizon is None), in closed form."""
    m = TAIL_START
    e = base.expansion
    v = 1.0 / (1.0 + d)
    xu = (1.0 + e) * v
    k = np.asarray(seg.k, dtype=float)
    annual = np.asarray(seg.annual)
    shape = np.broadcast_shapes(k.shape, annual.shape, np.shape(seg.renewal), np.shape(seg.price))
    rev_m, s_m = flows(base, seg, [float(m)])
    u_m = np.broadcast_to((rev_m * v**m)[..., 0], shape)
    a_m = np.broadcast_to((s_m * v**m)[..., 0], shape)
    rest = None if horizon is None else int(horizon) - m

    with np.errstate(all="ignore"):
        # monthly billing, constant churn c' from month 1 on: geometric month to month
        if base.kind != "sbg":
            c = np.minimum(k * base.churn, 1.0)
            rho_u, one_u = (1.0 - c) * xu, (c + d - e * (1.0 - c)) / (1.0 + d)
            rho_a, one_a = (1.0 - c) * v, (c + d) / (1.0 + d)
            mu = times(u_m, _geometric(rho_u, one_u, rest))
            ma = times(a_m, _geometric(rho_a, one_a, rest))
        else:
            mu, ma = _sbg_tail(base, seg, k, u_m, a_m, xu, v, horizon, d)

        # annual billing: geometric year to year
        r = 1.0 - np.minimum(k * (1.0 - np.asarray(seg.renewal, dtype=float)), 1.0)
        big_u = r * xu**MONTHS_PER_YEAR
        big_a = r * v**MONTHS_PER_YEAR
        year = np.sum(v ** np.arange(MONTHS_PER_YEAR))
        if rest is None:
            au = times(u_m, _geometric(big_u, 1.0 - big_u, None))
            aa = times(a_m, year * _geometric(big_a, 1.0 - big_a, None))
        else:
            renewals = math.ceil(rest / MONTHS_PER_YEAR)
            full, part = divmod(rest, MONTHS_PER_YEAR)
            au = times(u_m, _geometric(big_u, 1.0 - big_u, renewals))
            aa = times(
                a_m, year * _geometric(big_a, 1.0 - big_a, full) + np.power(big_a, full) * np.sum(v ** np.arange(part))
            )
    return np.where(annual, au, mu), np.where(annual, aa, ma)


def _sbg_tail(base, seg, k, u_m, a_m, xu, v, horizon, d):
    """Monthly-billed sBG segments, months TAIL_START .. H-1.

    Unlimited: ``2F1`` by continued fraction (``hyp1``) for x < 1, the telescoping closed form at x = 1,
    infinite for x > 1. A horizon: month-by-month sums up to H, stopped early once the provable bound on
    the rest (next flow x x / (1 - x), since S never rises) is below ``REST_TOLERANCE`` relative; the
    telescoping form at x = 1.
    """
    m = TAIL_START
    alpha, beta = _sbg_params(base, k)
    alive = beta > 0  # else everyone left after month 0: no tail
    a_ = np.where(alive, alpha, 1.0)
    b_ = np.where(alive, beta, 1.0)

    def closed(x, value):
        if x < 1.0:
            return times(value, _sbg_hyp(base, k, alive, m, x)), True
        if x == 1.0:
            f = np.where(a_ > 1.0, (a_ + b_ + m - 1.0) / np.where(a_ > 1, a_ - 1.0, 1.0), np.inf)
            return times(value, f), True
        return np.where(value > 0, np.inf, 0.0), True

    if horizon is None:
        (mu, _), (ma, _) = closed(xu, u_m), closed(v, a_m)
    else:
        h = int(horizon)
        mu, ma = _monthly_sums(base, seg, m, h, d)
        if v == 1.0:  # no discount: active months in closed form
            rev_h, s_h = flows(base, seg, [float(h)])
            ma = _telescoping(a_, b_, a_m, s_h[..., 0], m, h)
            if xu == 1.0:
                mu = _telescoping(a_, b_, u_m, rev_h[..., 0], m, h)
    mu = np.where(alive, mu, 0.0)
    ma = np.where(alive, ma, 0.0)
    return mu, ma


def hyp1(b, c, x: float) -> np.ndarray:
    """2F1(1, b; c; x) for 0 <= x < 1 by Gauss's continued fraction (a = 0 in the ratio
    2F1(a+1, b; c+1; x) / 2F1(a, b; c; x)), evaluated backwards from enough terms for full precision:
    its tail shrinks about as ((1 - sqrt(1 - x)) / (1 + sqrt(1 - x)))^n. Unlike scipy's ``hyp2f1`` it
    does not overflow for large b and stays fast as x nears 1.

    >>> round(float(hyp1(13.0, 13.5, 0.9)), 12)
    8.072626567616
    """
    b = np.asarray(b, dtype=float)
    c = np.asarray(c, dtype=float) - 1.0
    root = math.sqrt(1.0 - x)
    rate = (1.0 - root) / (1.0 + root)
    n = CF_MAX_TERMS if rate >= 1 else int(min(CF_MAX_TERMS, math.ceil(-39.2 / math.log(max(rate, 1e-300))) + 20))
    tail = np.zeros(np.broadcast_shapes(b.shape, c.shape))
    with np.errstate(all="ignore"):
        for j in range(n, 0, -1):
            even = j * (c - b + j) / ((c + 2 * j - 1) * (c + 2 * j))
            tail = even * x / (1.0 - tail)
            odd = (b + j - 1) * (c + j - 1) / ((c + 2 * j - 2) * (c + 2 * j - 1))
            tail = odd * x / (1.0 - tail)
    return 1.0 / (1.0 - tail)


def _sbg_hyp(base, k, alive, m, x):
    """2F1(1, beta' + m; alpha' + beta' + m; x) for every churn factor k (alpha', beta' from k).

    Many distinct k (simulation draws): the continued fraction at CHEB_DEGREE + 1 Chebyshev nodes in k,
    then the interpolating polynomial (F is analytic in k here: c = alpha + beta + m > 12), which agrees
    with the continued fraction to about 1e-13 (tests/test_scenarios.py) at a fraction of the cost.
    """
    k = np.asarray(k, dtype=float)
    live = np.broadcast_to(alive, k.shape)
    if not live.any():
        return np.ones(k.shape)
    ks = k[live]
    lo, hi = float(ks.min()), float(ks.max())

    def f(kk):
        a, b = _sbg_params(base, kk)
        return hyp1(b + m, a + b + m, x)

    safe = np.where(live, k, lo)
    if ks.size <= CHEB_MIN_POINTS or hi - lo <= 1e-12 * max(1.0, hi):
        a, b = _sbg_params(base, safe)
        if float(np.max(b)) + m <= SCIPY_MAX_B:  # few values: scipy's 2F1 is faster here
            return hyp2f1(1.0, b + m, a + b + m, x)
        return f(safe)
    poly = np.polynomial.Chebyshev.interpolate(f, CHEB_DEGREE, domain=[lo, hi])
    return poly(np.clip(safe, lo, hi))


def _telescoping(a_, b_, value_m, value_h, m, h):
    """sum_{t=m}^{h-1} of flows proportional to S(t): (S(m)(a+b+m-1) - S(h)(a+b+h-1)) / (a - 1); digamma at a = 1."""
    one = np.abs(a_ - 1.0) < 1e-12
    tele = (value_m * (a_ + b_ + m - 1.0) - value_h * (a_ + b_ + h - 1.0)) / np.where(one, 1.0, a_ - 1.0)
    harmonic = value_m * (b_ + m) * (digamma(b_ + h) - digamma(b_ + m))  # S(t) = S(m)(b+m)/(b+t) when a = 1
    return np.where(one, harmonic, tele)


def _monthly_sums(base, seg, start, stop, d):
    """(U, A) summed month by month over [start, stop) in vectorised blocks; with stop None, until the
    rest is provably below REST_TOLERANCE relative (flows fall at least as fast as x^t), or EXPLICIT_LIMIT."""
    v = 1.0 / (1.0 + d)
    xu = (1.0 + base.expansion) * v
    size = max(1, int(np.prod(np.broadcast_shapes(np.shape(seg.k), np.shape(seg.annual)))))
    block = int(min(MONTH_BLOCK, max(12, BLOCK_CELLS // size)))
    u = a = 0.0
    t0 = start
    end = stop if stop is not None else start + EXPLICIT_LIMIT
    while t0 < end:
        t = np.arange(t0, min(t0 + block, end), dtype=float)
        rev, s = flows(base, seg, t)
        disc = v**t
        u = u + (rev * disc).sum(-1)
        a = a + (s * disc).sum(-1)
        t0 = int(t[-1]) + 1
        if xu < 1.0:
            rest_u = rev[..., -1] * disc[-1] * xu / (1.0 - xu)
            rest_a = s[..., -1] * disc[-1] * v / (1.0 - v)
            if np.all(rest_u <= REST_TOLERANCE * np.abs(u)) and np.all(rest_a <= REST_TOLERANCE * np.abs(a)):
                break
    return u, a
