"""Reference values for the models' likelihoods and predictions, computed with mpmath at 60 digits.

Run once from the repository root (a few minutes); the tests read the JSON it writes and never import
mpmath (it is not a dependency of the app or of the tests):

    .venv/bin/pip install mpmath
    .venv/bin/python -m tests.data.mpmath_references          # writes tests/data/mpmath_references.json

Every value is computed at WORKING_DIGITS and again at CHECK_DIGITS; a case where the two differ by more
than CHECK_TOLERANCE (relative) stops the script, so no value in the JSON rests on an unstable
evaluation. Formulas, all from the papers (not from clv's code):

- 2F1(a, b; a+1; z) (the Pareto/NBD's hypergeometric term), by ``mpmath.hyp2f1``: scipy's NaN example
  2F1(1, 2; 112; 0.905), the terms of the Pareto/NBD grid below, and random (a, b, z) with a, b from
  1e-3 to 1e4 and 1 - z from 1e-15 to 1.
- Pareto/NBD: Fader & Hardie (2005), "A Note on Deriving the Pareto/NBD Model and Related Expressions",
  eq. 18 (likelihood, with A0 from eqs. 19-20), eq. 36 (P(alive)), eq. 41 (E[Y(t) | x, t_x, T]) and
  eq. 27 (E[X(t)]); A0 is also checked against its integral form s/(r+s+x) A0 = s integral_{t_x}^T
  (alpha+tau)^-(r+x) (beta+tau)^-(s+1) dtau (``mpmath.quad``, to INTEGRAL_TOLERANCE: a check of the
  formula, not of the digits, which the two precisions check).
- BG/NBD: Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way", eq. 6 (likelihood), the
  P(alive) of their note 023 and eq. 10 (E[Y(t) | x, t_x, T]); MBG/NBD: Batislam, Denizel & Filiztekin
  (2007) as in lifetimes' ModifiedBetaGeoFitter (likelihood, P(alive), E[Y(t) | x, t_x, T]). At a = 1
  the closed forms are 0/0; they are evaluated at a = 1 +- 1e-40 at CHECK_DIGITS (the limit to 1e-38).
- BG/BB: Fader, Hardie & Shang (2010), eq. 5 (likelihood), eq. 11 (P(alive), m = 0 and 1 opportunities
  ahead) and eq. 13 (E[X(n, n+n*) | x, t_x, n]; at gamma = 1 the limit as above).
- Gamma-Gamma: Fader, Hardie & Lee (2005), "RFM and CLV", the marginal density of the mean spend zbar of
  x transactions, f = Gamma(px+q)/(Gamma(px) Gamma(q)) v^q zbar^(px-1) x^(px) / (v + x zbar)^(px+q), and
  E[Z | x, zbar] = (p v + p x zbar)/(p x + q - 1), the posterior mean of p/nu (infinite, null in the JSON,
  where p x + q <= 1).
- sBG: Fader & Hardie (2007), "How to Project Customer Retention", eqs. 7-9 (P(T = t), S(t), r(t)), and
  Fader & Hardie (2010) eqs. 5-6 (DEL, DERL) by ``mpmath.hyp2f1``.
- Pareto/NBD fits of two data sets whose fits once took minutes (the 100-customer CDNOW resample
  ``np.random.default_rng(2).integers(0, 2357, 100)`` and 200 customers with x = 500): the best of
  NELDER_MEAD_STARTS Nelder-Mead runs on the log-parameters (clv's likelihood, |ln p| <= 18, the fit's
  bound), its log-likelihood checked with mpmath.

Parameters of the grids: 0.01, 1 and 100 for each (plus a few published estimates); frequencies up to
2,000, T up to 500, recency 0 and recency = T.
"""

from __future__ import annotations

import itertools
import json
import math
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import optimize

from clv.models import ParetoNBD
from clv.models.base import dedupe

try:
    import mpmath as mp
except ImportError:  # pytest imports this file when it collects doctests; only main() needs mpmath
    mp = None

OUT = Path(__file__).with_name("mpmath_references.json")
WORKING_DIGITS = 60
CHECK_DIGITS = 100
CHECK_TOLERANCE = 1e-30  # the two precisions must agree this closely (relative)
INTEGRAL_TOLERANCE = 1e-6  # Pareto/NBD's A0 against its integral (a check of the formula)
LOG_FLOOR = 1e-20  # logarithms are checked to CHECK_TOLERANCE x max(|value|, this)
LIMIT_STEP = 1e-40  # a = 1 (BG/NBD), gamma = 1 (BG/BB): evaluated at 1 +- this
GRID = (0.01, 1.0, 100.0)  # every parameter of every grid
RFM_CUSTOMERS = [  # (x, t_x, T): recency 0, recency = T, x up to 2,000, T up to 500
    (0, 0.0, 0.0),
    (0, 0.0, 0.5),
    (0, 0.0, 39.0),
    (0, 0.0, 500.0),
    (1, 0.5, 39.0),
    (1, 39.0, 39.0),
    (3, 0.001, 500.0),
    (10, 30.0, 39.0),
    (110, 38.86, 38.86),
    (120, 38.0, 39.0),
    (500, 20.0, 500.0),
    (2000, 5.0, 500.0),
    (2000, 499.5, 500.0),
    (2000, 500.0, 500.0),
]
HORIZON = 52.0  # t of the conditional expectations (weeks)
BGBB_CUSTOMERS = [
    (0, 0, 6),
    (1, 1, 6),
    (3, 5, 6),
    (6, 6, 6),
    (0, 0, 500),
    (1, 1, 500),
    (250, 400, 500),
    (500, 500, 500),
]  # (x, t_x, n)
BGBB_FUTURE = 10  # n* of E[X(n, n + n*)]
GG_CUSTOMERS = [(1, 0.01), (1, 50.0), (5, 1e4), (100, 1.0), (2000, 35.5)]  # (x, zbar)
SBG_GRID = (0.01, 0.7, 1.0, 1.2, 100.0)
SBG_PERIODS = (1, 2, 7, 100, 500)
SBG_DISCOUNTS = (0.0, 0.01, 0.1, 1.0)
SBG_RENEWALS = (0, 4, 100)
HYP_RANDOM = 400  # random (a, b, z) for 2F1(a, b; a+1; z)
NELDER_MEAD_STARTS = 12  # Nelder-Mead runs for the reference optimum: the first from
NELDER_MEAD_ROUNDS = 2  # (1, 10, 1, 10), the others at random; each restarted once
NELDER_MEAD_EVALUATIONS = 8000  # from where it stopped, with this many evaluations each time
INFINITE = "inf"  # an infinite value in the JSON (which has no infinity)
PUBLISHED = {
    "pareto_nbd": (0.553, 10.578, 0.606, 11.669),
    "bgnbd": (0.243, 4.414, 0.793, 2.426),
    "mbgnbd": (0.5248, 6.183, 0.8914, 1.614),
}


def checked(f, *args, floor=1e-300):
    """f(*args) (mpmath numbers from floats) at WORKING_DIGITS, checked at CHECK_DIGITS; a float
    (inf allowed), or a ValueError naming the case. The check is relative to max(|value|, floor): a
    logarithm passes floor=LOG_FLOOR (a log-likelihood of exactly 0, customers with T = 0, is rounding
    noise of 1e-60 at WORKING_DIGITS)."""
    values = []
    for dps in (WORKING_DIGITS, CHECK_DIGITS):
        with mp.workdps(dps):
            v = f(*(mp.mpf(a) if isinstance(a, (int, float)) else a for a in args))
            values.append(v)
    with mp.workdps(CHECK_DIGITS):
        lo, hi = values
        if mp.isinf(lo) or mp.isinf(hi):
            if lo != hi:
                raise ValueError(f"{f.__name__}{args}: {lo} at {WORKING_DIGITS} digits, {hi} at {CHECK_DIGITS}")
            return math.inf if hi > 0 else -math.inf
        if mp.im(lo) != 0 or mp.im(hi) != 0 or abs(lo - hi) > mp.mpf(CHECK_TOLERANCE) * max(abs(hi), mp.mpf(floor)):
            raise ValueError(f"{f.__name__}{args}: {lo} at {WORKING_DIGITS} digits, {hi} at {CHECK_DIGITS}")
        return float(lo)


def at_limit(f, *args, index):
    """f at the argument ``index`` = 1 exactly, where the closed form is 0/0: the mean of f at 1 +- LIMIT_STEP
    at CHECK_DIGITS (within 1e-38 of the limit; f is analytic there)."""

    def g(*a):
        with mp.workdps(CHECK_DIGITS):
            lo, hi = list(a), list(a)
            lo[index] = 1 - mp.mpf(LIMIT_STEP)
            hi[index] = 1 + mp.mpf(LIMIT_STEP)
            return (f(*lo) + f(*hi)) / 2

    g.__name__ = f.__name__
    return checked(g, *args)


# ---------------------------------------------------------------------- 2F1(a, b; a+1; z)
def log_hyp2f1_a1(a, b, w):
    """ln 2F1(a, b; a+1; 1 - w): the argument is given by w = 1 - z, exact."""
    return mp.log(mp.hyp2f1(a, b, a + 1, 1 - w))


def hyp_cases():
    rng = np.random.default_rng(12)
    # scipy's NaN example hyp2f1(1, 2, 112, 0.905), by Euler's transformation; 2F1(1, 2; 2; z) = (1-z)^-1,
    # on the edge a + 1 - b = 0 of the Euler integral (clv's log_hyp2f1_a1 needs a + 1 - b > 0: NaN);
    # 2F1(2, 1; 3; z) = 2 (-ln(1-z) - z) / z^2
    cases = [(111.0, 110.0, 1 - 0.905), (1.0, 2.0, 0.5), (2.0, 1.0, 0.5)]
    a = 10 ** rng.uniform(-3, 4, HYP_RANDOM)
    b = 10 ** rng.uniform(-3, 4, HYP_RANDOM)
    a = np.maximum(a, b - 1 + 10 ** rng.uniform(-3, 2, HYP_RANDOM))  # a + 1 - b > 0: the domain
    w = np.where(
        rng.random(HYP_RANDOM) < 0.5,
        10 ** rng.uniform(-15, math.log10(0.5), HYP_RANDOM),
        rng.uniform(0.15, 1.0, HYP_RANDOM),
    )
    cases += list(zip(a.tolist(), b.tolist(), w.tolist()))
    return cases


# ---------------------------------------------------------------------- Pareto/NBD
def pnbd_parts(r, alpha, s, beta, x, tx, big_t):
    """(ln of the common factor, alive term, s/(r+s+x) A0) of the likelihood (FH 2005 note, eqs. 18-20)."""
    a = r + s + x
    if alpha >= beta:
        m, b1 = alpha, s + 1
    else:
        m, b1 = beta, r + x

    def f(y):
        if m + y == 0:
            return mp.mpf(0)
        return mp.hyp2f1(a, b1, a + 1, abs(alpha - beta) / (m + y)) / (m + y) ** a

    a0 = f(tx) - f(big_t) if big_t > tx else mp.mpf(0)
    log_front = mp.loggamma(r + x) - mp.loggamma(r) + r * mp.log(alpha) + s * mp.log(beta)
    alive = (alpha + big_t) ** -(r + x) * (beta + big_t) ** -s
    return log_front, alive, s / a * a0


def pnbd_loglik(r, alpha, s, beta, x, tx, big_t):
    log_front, alive, leave = pnbd_parts(r, alpha, s, beta, x, tx, big_t)
    return log_front + mp.log(alive + leave)


def pnbd_leave_integral(r, alpha, s, beta, x, tx, big_t):
    """s integral_{t_x}^T (alpha+tau)^-(r+x) (beta+tau)^-(s+1) dtau: the same term as s/(r+s+x) A0, by
    ``mpmath.quad`` on pieces graded by the integrand's decay length at t_x (a check of the formula and
    its branch alpha >= beta or not, to INTEGRAL_TOLERANCE: mpmath's quadrature is not better here)."""
    if big_t <= tx:
        return mp.mpf(0)
    span = big_t - tx
    scale = (min(alpha, beta) + tx) / (r + s + x + 1)
    cuts = sorted(
        {tx + min(span, k * scale) for k in (0, 0.01, 0.1, 0.3, 1, 3, 10, 30, 100, 1000, 1e4, 1e5)}
        | {tx + span * f for f in (1e-3, 1e-2, 0.1, 0.3, 1.0)}
    )
    return s * mp.quad(lambda t: (alpha + t) ** -(r + x) * (beta + t) ** -(s + 1), cuts)


def pnbd_p_alive(r, alpha, s, beta, x, tx, big_t):
    _, alive, leave = pnbd_parts(r, alpha, s, beta, x, tx, big_t)
    return alive / (alive + leave)


def pnbd_expected(r, alpha, s, beta, x, tx, big_t, t):
    q = (beta + big_t) / (beta + big_t + t)
    bracket = -mp.log(q) if s == 1 else (1 - q ** (s - 1)) / (s - 1)
    return (r + x) * (beta + big_t) / (alpha + big_t) * bracket * pnbd_p_alive(r, alpha, s, beta, x, tx, big_t)


def pnbd_new(r, alpha, s, beta, t):
    q = beta / (beta + t)
    bracket = -mp.log(q) if s == 1 else (1 - q ** (s - 1)) / (s - 1)
    return r * beta / alpha * bracket


def pareto_rows(hyp_terms):
    rows = []
    for params in list(itertools.product(GRID, repeat=4)) + [PUBLISHED["pareto_nbd"]]:
        r, alpha, s, beta = params
        for x, tx, big_t in RFM_CUSTOMERS:
            args = (r, alpha, s, beta, float(x), tx, big_t)
            row = {
                "params": list(params),
                "x": x,
                "t_x": tx,
                "T": big_t,
                "loglik": checked(pnbd_loglik, *args, floor=LOG_FLOOR),
                "p_alive": checked(pnbd_p_alive, *args),
                "t": HORIZON,
                "expected_purchases": checked(pnbd_expected, *args, HORIZON),
            }
            leave = checked(lambda *a: pnbd_parts(*a)[2], *args)
            with mp.workdps(30):
                quad = float(pnbd_leave_integral(*(mp.mpf(v) for v in args)))
            if abs(quad - leave) > INTEGRAL_TOLERANCE * max(abs(leave), 1e-300):
                raise ValueError(f"Pareto/NBD {args}: A0 {leave} by 2F1, {quad} by its integral")
            rows.append(row)
            a = r + s + x
            lo, hi = sorted((alpha, beta))
            for y in {tx, big_t}:
                b1 = s + 1 if alpha >= beta else r + x
                with mp.workdps(WORKING_DIGITS):
                    hyp_terms.add((a, b1, float((mp.mpf(lo) + y) / (mp.mpf(hi) + y))))
        rows[-1]["expected_purchases_new_customer"] = checked(pnbd_new, r, alpha, s, beta, HORIZON)
    return rows


# ---------------------------------------------------------------------- BG/NBD and MBG/NBD
def bg_loglik(r, alpha, a, b, x, tx, big_t, modified):
    shift = 1 if modified else 0
    head = (
        mp.loggamma(r + x)
        - mp.loggamma(r)
        + r * mp.log(alpha)
        + mp.log(mp.beta(a, b + x + shift))
        - mp.log(mp.beta(a, b))
    )
    stay = (alpha + big_t) ** -(r + x)
    if modified:
        leave = a / (b + x) * (alpha + tx) ** -(r + x)
    else:
        leave = a / (b + x - 1) * (alpha + tx) ** -(r + x) if x > 0 else mp.mpf(0)
    return head + mp.log(stay + leave)


def bg_p_alive(r, alpha, a, b, x, tx, big_t, modified):
    if not modified and x == 0:
        return mp.mpf(1)
    odds = (a / (b + x) if modified else a / (b + x - 1)) * ((alpha + big_t) / (alpha + tx)) ** (r + x)
    return 1 / (1 + odds)


def bg_expected(r, alpha, a, b, x, tx, big_t, t, modified):
    """E[Y(t) | x, t_x, T] (FHL 2005 eq. 10; MBG/NBD as lifetimes): the new-customer E[X(t)] with the
    posterior (r+x, alpha+T, b+x or b+x+1), times P(alive)."""
    b_post = b + x + (1 if modified else 0)
    c = a + b_post - 1
    z = t / (alpha + big_t + t)
    e = c / (a - 1) * (1 - ((alpha + big_t) / (alpha + big_t + t)) ** (r + x) * mp.hyp2f1(r + x, b_post, c, z))
    return e * bg_p_alive(r, alpha, a, b, x, tx, big_t, modified)


def bg_rows(modified):
    rows = []
    key = "mbgnbd" if modified else "bgnbd"
    for params in list(itertools.product(GRID, repeat=4)) + [PUBLISHED[key]]:
        r, alpha, a, b = params
        for x, tx, big_t in RFM_CUSTOMERS:
            args = (r, alpha, a, b, float(x), tx, big_t)
            row = {
                "params": list(params),
                "x": x,
                "t_x": tx,
                "T": big_t,
                "loglik": checked(lambda *v: bg_loglik(*v, modified), *args, floor=LOG_FLOOR),
                "p_alive": checked(lambda *v: bg_p_alive(*v, modified), *args),
                "t": HORIZON,
            }

            def expected(*v):
                return bg_expected(*v, modified)

            expected.__name__ = f"{key}_expected"
            row["expected_purchases"] = (
                at_limit(expected, *args, HORIZON, index=2) if a == 1 else checked(expected, *args, HORIZON)
            )
            rows.append(row)
    return rows


# ---------------------------------------------------------------------- BG/BB
def bgbb_loglik(al, be, ga, de, x, tx, n):
    """FHS 2010, eq. 5; the sum's terms by their ratios: B(al+x, be+tx-x+i+1) / B(al+x, be+tx-x+i)
    = (be+tx-x+i) / (al+be+tx+i) and B(ga+1, de+tx+i+1) / B(ga+1, de+tx+i) = (de+tx+i) / (ga+de+tx+i+1)."""
    bab, bgd = mp.beta(al, be), mp.beta(ga, de)
    total = mp.beta(al + x, be + n - x) / bab * mp.beta(ga, de + n) / bgd
    term = mp.beta(al + x, be + tx - x) / bab * mp.beta(ga + 1, de + tx) / bgd
    for i in range(int(n - tx)):
        total += term
        term *= (be + tx - x + i) / (al + be + tx + i) * (de + tx + i) / (ga + de + tx + i + 1)
    return mp.log(total)


def bgbb_p_alive(al, be, ga, de, x, tx, n, m):
    alive = mp.beta(al + x, be + n - x) / mp.beta(al, be) * mp.beta(ga, de + n + m) / mp.beta(ga, de)
    return alive / mp.exp(bgbb_loglik(al, be, ga, de, x, tx, n))


def bgbb_expected(al, be, ga, de, x, tx, n, future):
    front = mp.beta(al + x + 1, be + n - x) / mp.beta(al, be) * de / (ga - 1) * mp.gamma(ga + de) / mp.gamma(1 + de)
    bracket = mp.gamma(1 + de + n) / mp.gamma(ga + de + n) - mp.gamma(1 + de + n + future) / mp.gamma(
        ga + de + n + future
    )
    return front * bracket / mp.exp(bgbb_loglik(al, be, ga, de, x, tx, n))


def bgbb_rows():
    rows = []
    for params in itertools.product(GRID, repeat=4):
        for x, tx, n in BGBB_CUSTOMERS:
            args = (*params, float(x), float(tx), float(n))
            rows.append(
                {
                    "params": list(params),
                    "x": x,
                    "t_x": tx,
                    "n": n,
                    "loglik": checked(bgbb_loglik, *args, floor=LOG_FLOOR),
                    "p_alive": checked(bgbb_p_alive, *args, 0.0),
                    "p_alive_next": checked(bgbb_p_alive, *args, 1.0),
                    "n_future": BGBB_FUTURE,
                    "expected_purchases": (
                        at_limit(bgbb_expected, *args, float(BGBB_FUTURE), index=2)
                        if params[2] == 1
                        else checked(bgbb_expected, *args, float(BGBB_FUTURE))
                    ),
                }
            )
    return rows


# ---------------------------------------------------------------------- Gamma-Gamma
def gg_log_density(p, q, v, x, zbar):
    return (
        mp.loggamma(p * x + q)
        - mp.loggamma(p * x)
        - mp.loggamma(q)
        + q * mp.log(v)
        + (p * x - 1) * mp.log(zbar)
        + p * x * mp.log(x)
        - (p * x + q) * mp.log(v + x * zbar)
    )


def gg_expected_spend(p, q, v, x, zbar):
    return (p * v + p * x * zbar) / (p * x + q - 1)


def gg_rows():
    rows = []
    for params in itertools.product(GRID, repeat=3):
        for x, zbar in GG_CUSTOMERS:
            args = (*params, float(x), zbar)
            rows.append(
                {
                    "params": list(params),
                    "x": x,
                    "zbar": zbar,
                    "log_density": checked(gg_log_density, *args, floor=LOG_FLOOR),
                    "expected_spend": (checked(gg_expected_spend, *args) if params[0] * x + params[1] > 1 else None),
                }
            )
    return rows


# ---------------------------------------------------------------------- sBG
def sbg_rows():
    rows = []
    for al, be in itertools.product(SBG_GRID, repeat=2):
        row = {
            "params": [al, be],
            "t": list(SBG_PERIODS),
            "log_churn": [
                checked(lambda a, b, t: mp.log(mp.beta(a + 1, b + t - 1) / mp.beta(a, b)), al, be, float(t))
                for t in SBG_PERIODS
            ],
            "log_survival": [
                checked(lambda a, b, t: mp.log(mp.beta(a, b + t) / mp.beta(a, b)), al, be, float(t), floor=LOG_FLOOR)
                for t in SBG_PERIODS
            ],
            "retention": [
                checked(lambda a, b, t: (b + t - 1) / (a + b + t - 1), al, be, float(t)) for t in SBG_PERIODS
            ],
            "discount_rate": list(SBG_DISCOUNTS),
            "renewals": list(SBG_RENEWALS),
        }
        row["del"] = [
            INFINITE
            if d == 0 and al <= 1
            else checked(lambda a, b, dd: mp.hyp2f1(1, b, a + b, 1 / (1 + dd)), al, be, d)
            for d in SBG_DISCOUNTS
        ]
        row["derl"] = [
            [
                INFINITE
                if d == 0 and al <= 1
                else checked(
                    lambda a, b, dd, k: (b + k) / (a + b + k) * mp.hyp2f1(1, b + k + 1, a + b + k + 1, 1 / (1 + dd)),
                    al,
                    be,
                    d,
                    float(k),
                )
                for k in SBG_RENEWALS
            ]
            for d in SBG_DISCOUNTS
        ]
        rows.append(row)
    return rows


# ---------------------------------------------------------------------- Pareto/NBD fits that once took minutes
def slow_cases():
    cdnow = pd.read_csv(Path(__file__).with_name("cdnow_customers_summary_with_transactions.csv"))
    pick = cdnow.iloc[np.random.default_rng(2).integers(0, 2357, 100)]
    rng = np.random.default_rng(500)
    big_t = np.round(rng.uniform(20.0, 39.0, 200), 2)
    return {
        "cdnow_resample_rng2_100": {
            "note": "CDNOW summary rows np.random.default_rng(2).integers(0, 2357, 100) "
            "(a 549 s fit with scipy's hyp2f1)",
            "x": pick["x"].tolist(),
            "t_x": pick["t_x"].tolist(),
            "T": pick["T"].tolist(),
        },
        "x500_200": {
            "note": "200 customers with x = 500, T uniform 20-39, t_x uniform 50-100% of T "
            "(np.random.default_rng(500))",
            "x": [500] * 200,
            "t_x": np.round(big_t * rng.uniform(0.5, 1.0, 200), 2).tolist(),
            "T": big_t.tolist(),
        },
    }


def nelder_mead_reference(case):
    """The best of NELDER_MEAD_STARTS Nelder-Mead runs on ln(params) within the fit's bound |ln p| <= 18."""
    model = ParetoNBD()
    data, _ = dedupe(
        {"x": np.array(case["x"], float), "tx": np.array(case["t_x"], float), "T": np.array(case["T"], float)}
    )
    model._prepare(data)

    def objective(theta):
        if np.any(np.abs(theta) > 18.0):
            return 1e100
        with np.errstate(all="ignore"):
            value = model._loglik(np.exp(theta), data)
        return -value if np.isfinite(value) else 1e100

    rng = np.random.default_rng(7)
    best = None
    for k in range(NELDER_MEAD_STARTS):
        start = rng.uniform(-3.0, 5.0, 4) if k else np.log([1.0, 10.0, 1.0, 10.0])
        for _ in range(NELDER_MEAD_ROUNDS):  # restarts from the last point: Nelder-Mead can stall
            res = optimize.minimize(
                objective,
                start,
                method="Nelder-Mead",
                options={"xatol": 1e-9, "fatol": 1e-12, "maxfev": NELDER_MEAD_EVALUATIONS},
            )
            start = res.x
        if best is None or res.fun < best.fun:
            best = res
    params = np.exp(best.x)
    rows = list(zip(case["x"], case["t_x"], case["T"]))
    with mp.workdps(WORKING_DIGITS):
        mp_ll = float(
            mp.fsum(
                pnbd_loglik(*(mp.mpf(float(v)) for v in params), mp.mpf(x), mp.mpf(tx), mp.mpf(big_t))
                for x, tx, big_t in rows
            )
        )
    return {
        "params": params.tolist(),
        "loglik": -float(best.fun),
        "loglik_mpmath": mp_ll,
        "starts": NELDER_MEAD_STARTS,
        "rounds": NELDER_MEAD_ROUNDS,
        "evaluations": NELDER_MEAD_EVALUATIONS,
    }


def main():
    started = time.time()
    hyp_terms: set = set()
    out = {
        "generated_by": "tests/data/mpmath_references.py",
        "mpmath": mp.__version__,
        "digits": WORKING_DIGITS,
        "checked_at_digits": CHECK_DIGITS,
    }
    out["pareto_nbd"] = pareto_rows(hyp_terms)
    print(f"Pareto/NBD: {len(out['pareto_nbd'])} rows, {time.time() - started:.0f} s", flush=True)
    cases = hyp_cases() + sorted(hyp_terms)
    out["hyp2f1_a1"] = [
        {
            "a": a,
            "b": b,
            "w": w,
            "z": float(mp.mpf(1) - mp.mpf(w)),
            "log_value": checked(log_hyp2f1_a1, a, b, w, floor=LOG_FLOOR),
        }
        for a, b, w in cases
    ]
    print(f"2F1: {len(out['hyp2f1_a1'])} values, {time.time() - started:.0f} s", flush=True)
    out["bgnbd"] = bg_rows(modified=False)
    out["mbgnbd"] = bg_rows(modified=True)
    print(f"BG/NBD, MBG/NBD: {time.time() - started:.0f} s", flush=True)
    out["bgbb"] = bgbb_rows()
    out["gamma_gamma"] = gg_rows()
    out["sbg"] = sbg_rows()
    print(f"BG/BB, Gamma-Gamma, sBG: {time.time() - started:.0f} s", flush=True)
    out["pareto_fits"] = {}
    for name, case in slow_cases().items():
        case["nelder_mead"] = nelder_mead_reference(case)
        out["pareto_fits"][name] = case
        print(f"{name}: {case['nelder_mead']}, {time.time() - started:.0f} s", flush=True)
    OUT.write_text(json.dumps(out, indent=None, separators=(",", ":"), allow_nan=False) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes) in {time.time() - started:.0f} s")


if __name__ == "__main__":
    main()
