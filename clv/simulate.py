"""Seeded simulation of a "buy till you die" customer base with known parameters (for teaching).

The BG/NBD process (Fader, Hardie & Lee 2005, assumptions i-v): every customer makes a first purchase at
time 0; while alive, customer i buys as a Poisson process with rate lambda_i ~ Gamma(shape r, rate alpha)
(purchases per time unit); right after each repeat purchase the customer drops out, silently, with
probability p_i ~ Beta(a, b). Optionally (Fader, Hardie & Lee 2005, "RFM and CLV"; Fader & Hardie 2013)
each repeat purchase has a value z ~ Gamma(shape p, rate nu_i) with nu_i ~ Gamma(shape q, rate v), so
E[z] = p v / (q - 1).

Time is continuous, in ``time_unit`` ("weeks" or "days"): ``alpha`` and ``T`` are in that unit. The
summary columns follow the models' convention: ``frequency`` = repeat purchases in (0, T], ``recency`` =
time of the last repeat purchase (0 without one), ``T`` = time observed since the first purchase.

Randomness comes only from the ``rng`` argument (a seed or an ``np.random.Generator``).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import special

from .errors import InputError

TIME_UNITS = ("weeks", "days")
MAX_CUSTOMERS = 100_000  # a workshop base; more is slow in a browser session
MAX_PURCHASES_PER_CUSTOMER = 10_000  # guards the loop against absurd rates (alpha tiny, p ~ 0)


def simulate_bgnbd(
    n_customers: int,
    r: float,
    alpha: float,
    a: float,
    b: float,
    T,
    rng=None,
    *,
    time_unit: str = "weeks",
    spend: tuple[float, float, float] | None = None,
) -> pd.DataFrame:
    """Simulate ``n_customers`` from the BG/NBD process; one row per customer.

    Columns: ``customer`` (0, 1, ...), ``frequency``, ``recency``, ``T``, the true individual
    ``purchase_rate`` (lambda, per time unit) and ``dropout_probability`` (p), ``dropout_time`` (the
    repeat purchase after which the customer dropped out; NaN if still alive at T), ``alive`` (at T) and
    ``purchase_times`` (a tuple of the repeat purchase times, the first purchase at 0 not included).
    With ``spend=(p, q, v)`` also ``spend_rate`` (nu), ``amounts`` (a tuple, one per repeat purchase) and
    ``monetary_value`` (their mean; 0 without repeat purchases). ``T`` is one number or one per customer.
    ``df.attrs`` holds ``time_unit`` and the true parameters.

    >>> df = simulate_bgnbd(500, r=0.25, alpha=4.0, a=0.8, b=2.4, T=52, rng=7)
    >>> list(df.columns[:4]), len(df), bool((df["recency"] <= df["T"]).all())
    (['customer', 'frequency', 'recency', 'T'], 500, True)
    >>> df.equals(simulate_bgnbd(500, r=0.25, alpha=4.0, a=0.8, b=2.4, T=52, rng=7))
    True
    """
    n = _check_count(n_customers)
    for name, value in (("r", r), ("alpha", alpha), ("a", a), ("b", b)):
        _check_positive(name, value)
    if time_unit not in TIME_UNITS:
        raise InputError("time_unit", time_unit, "learn.allowed.time_unit")
    big_t = np.broadcast_to(np.asarray(T, dtype=float), (n,)).copy()
    if not np.all(np.isfinite(big_t)) or np.any(big_t <= 0):
        raise InputError("T", T, "allowed.positive")
    gen = np.random.default_rng(rng)
    rate = gen.gamma(r, 1.0 / alpha, n)
    p_drop = gen.beta(a, b, n)

    clock = np.zeros(n)
    alive = rate > 0
    dropout = np.full(n, np.nan)
    who, when = [], []
    for _ in range(MAX_PURCHASES_PER_CUSTOMER):
        idx = np.flatnonzero(alive)
        if idx.size == 0:
            break
        with np.errstate(divide="ignore"):
            clock[idx] += gen.exponential(1.0 / rate[idx])
        bought = clock[idx] <= big_t[idx]
        alive[idx[~bought]] = False  # the next purchase falls after T: observed to the end
        idx = idx[bought]
        who.append(idx)
        when.append(clock[idx].copy())
        gone = idx[gen.random(idx.size) < p_drop[idx]]
        dropout[gone] = clock[gone]
        alive[gone] = False
    cust = np.concatenate(who) if who else np.array([], dtype=np.int64)
    times = np.concatenate(when) if when else np.array([])
    order = np.lexsort((times, cust))
    cust, times = cust[order], times[order]
    frequency = np.bincount(cust, minlength=n)
    recency = np.zeros(n)
    np.maximum.at(recency, cust, times)
    bounds = np.concatenate([[0], np.cumsum(frequency)])
    purchase_times = [tuple(float(t) for t in times[bounds[i] : bounds[i + 1]]) for i in range(n)]
    df = pd.DataFrame(
        {
            "customer": np.arange(n),
            "frequency": frequency.astype(int),
            "recency": recency,
            "T": big_t,
            "purchase_rate": rate,
            "dropout_probability": p_drop,
            "dropout_time": dropout,
            "alive": np.isnan(dropout),
            "purchase_times": purchase_times,
        }
    )
    df.attrs.update({"time_unit": time_unit, "r": float(r), "alpha": float(alpha), "a": float(a), "b": float(b)})
    if spend is not None:
        p, q, v = spend
        for name, value in (("p", p), ("q", q), ("v", v)):
            _check_positive(name, value)
        nu = gen.gamma(q, 1.0 / v, n)
        amounts = gen.gamma(p, 1.0 / nu[cust]) if cust.size else np.array([])
        df["spend_rate"] = nu
        df["amounts"] = [tuple(float(z) for z in amounts[bounds[i] : bounds[i + 1]]) for i in range(n)]
        total = np.bincount(cust, weights=amounts, minlength=n)
        df["monetary_value"] = np.divide(total, frequency, out=np.zeros(n), where=frequency > 0)
        df.attrs.update({"p": float(p), "q": float(q), "v": float(v)})
    return df


def alive_share(simulated: pd.DataFrame, t) -> np.ndarray | float:
    """The share of simulated customers not yet dropped out at time(s) ``t`` (the true state, which a
    business never sees). Only meaningful up to the smallest T.

    >>> df = simulate_bgnbd(200, 0.5, 5.0, 1.0, 3.0, 52, rng=1)
    >>> alive_share(df, 0.0), bool(alive_share(df, 52.0) == df["alive"].mean())
    (1.0, True)
    """
    t = np.asarray(t, dtype=float)
    dropped = simulated["dropout_time"].to_numpy(dtype=float)
    dropped = np.where(np.isnan(dropped), np.inf, dropped)
    out = (dropped[None, :] > t.reshape(-1, 1)).mean(axis=1).reshape(t.shape)
    return out if out.ndim else float(out)


def expected_alive_share(t, r: float, alpha: float, a: float, b: float):
    """P(a new customer is still alive at t) under the BG/NBD: 2F1(r, a; a + b; -t / alpha).

    A customer with rate lambda and dropout probability p drops out at the first of their purchases that
    "kills", a thinned Poisson process with rate lambda p, so P(alive at t | lambda, p) = exp(-lambda p t).
    Averaging over lambda ~ Gamma(r, alpha) gives (1 + p t / alpha)^-r, and over p ~ Beta(a, b) the
    Gauss hypergeometric function (Euler's integral).

    >>> round(expected_alive_share(0.0, 0.5, 5.0, 1.0, 3.0), 6), round(
    ...     expected_alive_share(10.0, 1.0, 10.0, 1.0, 1.0), 4)
    (1.0, 0.6931)
    """
    t = np.asarray(t, dtype=float)
    out = special.hyp2f1(r, a, a + b, -t / alpha)
    return out if out.ndim else float(out)


def _check_count(n) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= MAX_CUSTOMERS:
        raise InputError("n_customers", n, "learn.allowed.customers", maximum=f"{MAX_CUSTOMERS:,}")
    return int(n)


def _check_positive(name: str, value) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float, np.integer, np.floating))
        or not math.isfinite(value)
        or value <= 0
    ):
        raise InputError(name, value, "allowed.positive")
