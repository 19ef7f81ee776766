"""The Gauss hypergeometric function 2F1(a, b; a + 1; z) in logs, for 0 <= z < 1, with its derivatives.

This is the case the Pareto/NBD likelihood needs (Fader & Hardie 2005, "A Note on Deriving the Pareto/NBD
Model and Related Expressions", eqs. 19-20: 2F1(r+s+x, b1; r+s+x+1; z) with b1 = s+1 or r+x). General
purpose routines (scipy's ``hyp2f1``) return NaN or lose every digit there once a, b run into the hundreds
and z nears 1: ``hyp2f1(1, 2, 112, 0.905)`` is NaN, the true value 1.01656... With c = a + 1 two
representations cover every case with positive terms only, so nothing cancels:

- z <= SERIES_MAX_Z: Euler's transformation (Abramowitz & Stegun 15.3.3) and the Gauss series,
  2F1(a, b; a+1; z) = (1-z)^(1-b) sum_n (a+1-b)_n / (a+1)_n z^n, whose terms are positive and fall by at
  least a factor z each (at most SERIES_MAX_TERMS of them);
- z > SERIES_MAX_Z: Euler's integral (A&S 15.3.1) with t = e^u / (e^u + 1),
  2F1(a, b; a+1; z) = 1/B(a+1-b, b) integral over the real line of exp(l(u)) du,
  l(u) = b u - ln(1 + e^u) - a ln(1 + w e^u), w = 1 - z.
  l is concave (l'' = -sigma'(u) - a sigma'(u + ln w) < 0), with slopes b (left), b - 1 between the
  bends at u = 0 and u = -ln w, and -(a+1-b) (right). The integral is taken piecewise: from the peak
  outwards, panels whose width keeps the curvature (QUAD_SAG), the fall of l (QUAD_MAX_FALL) and the
  distance to the bends (QUAD_BEND_GROWTH) in check, with QUAD_NODES Gauss-Legendre nodes each, until
  l has fallen by QUAD_DROP or the rest is a pure exponential tail (Gauss-Laguerre). Every loop has a
  fixed bound (SERIES_MAX_TERMS, MODE_ITERATIONS, QUAD_MAX_PANELS).

Accuracy: against mpmath (60 digits, checked at 100) on 1,374 arguments of tests/data/mpmath_references.json
(400 random with a and b from 1e-3 to 1e4 and 1 - z down to 1e-15, and every term of its Pareto/NBD grid), the
error of ln 2F1 is below 1e-14 relative to max(1, |ln 2F1|): 1.3e-15 by the series, 9.9e-15 by the integral
(tests/test_pareto.py). The derivatives agreed with mpmath's (``mpmath.diff``) to 5e-9 relative on a random
sample, and are checked against central differences in tests/test_pareto.py.

Domain: a > 0, b > 0, a + 1 - b > 0 and 0 <= z < 1 (the Euler integral converges); elsewhere NaN.
``w = 1 - z`` may be passed as well when the caller knows it without rounding (z near 1).

>>> round(float(np.exp(log_hyp2f1_a1(111.0, 110.0, 0.905) + 109 * np.log1p(-0.905))), 8)   # = 2F1(1, 2; 112; 0.905)
1.01656184
>>> z = 0.5                                  # 2F1(2, 1; 3; z) = 2 (-ln(1-z) - z) / z^2
>>> round(float(np.exp(log_hyp2f1_a1(2.0, 1.0, z))), 12) == round(float(2 * (-np.log1p(-z) - z) / z**2), 12)
True
"""

from __future__ import annotations

import numpy as np
from scipy import special

SERIES_MAX_Z = 0.85  # the series below this z (at most ~250 terms), the integral above
SERIES_MAX_TERMS = 400  # bound on the series' terms (z <= 0.85 converges within about 260)
SERIES_CHECK_EVERY = 8  # converged rows leave the series loop every this many terms
SERIES_RELATIVE_TAIL = 1e-17  # a row has converged when its remaining terms are below this share of the sum
MODE_ITERATIONS = 60  # safeguarded Newton steps for the peak of l(u) (bisection halves the bracket)
PEAK_TOLERANCE = 0.01  # the peak is found to this share of its width (it only centres the panels)
QUAD_NODES = 8  # Gauss-Legendre nodes per panel, Gauss-Laguerre nodes per tail
QUAD_MAX_PANELS = 40  # panels on each side of the peak at most
QUAD_SAG = 0.5  # curvature x width^2 / 8 of a panel: how far l bends away from a straight line
QUAD_MAX_FALL = 4.0  # how far l may fall across one panel
QUAD_BEND_GROWTH = 2.0  # a panel is at most max(1, distance to the nearer bend / this) wide
QUAD_DROP = 45.0  # l this far below its peak: exp(-45) = 3e-20, the rest is negligible
QUAD_TAIL_CURVATURE = 1e-12  # curvature / min(1, slope) below this beyond both bends: the rest is exponential
INTEGRAL_CHUNK = 2048  # rows integrated at once (each needs a few hundred nodes: memory stays ~50 MB)
STIRLING_MIN = 20.0  # ln B(p, q) by Stirling's series when max(p, q) reaches this (``_log_beta``)


def log_hyp2f1_a1(a, b, z, w=None, grad=False):
    """ln 2F1(a, b; a + 1; z) for a > 0, b > 0, a + 1 - b > 0, 0 <= z < 1 (arrays broadcast).

    ``w`` (optional) is 1 - z, for callers that have it without the rounding of 1 - z near z = 1.
    With ``grad``, returns (value, d/da, d/db, d/dz, h) of ln 2F1, where h = a - (1-z) d/dz ln 2F1 =
    d ln((1-z)^a 2F1) / d ln(1-z) is computed without the cancellation of that difference (chain rules
    through z = (m - lo)/(m + y) need it: Pareto/NBD's d/d max(alpha, beta) is -h/(m+y)). Outside the
    domain: NaN.
    Method and accuracy: see the module docstring.

    >>> v, da, db, dz, h = log_hyp2f1_a1(3.0, 2.0, 0.3, grad=True)
    >>> step = 1e-6
    >>> numeric = (log_hyp2f1_a1(3 + step, 2.0, 0.3) - log_hyp2f1_a1(3 - step, 2.0, 0.3)) / (2 * step)
    >>> round(float(da), 6) == round(float(numeric), 6), round(float(h), 12) == round(float(3.0 - 0.7 * dz), 12)
    (True, True)
    """
    arrays = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (a, b, z, 1.0 - np.asarray(z, dtype=float) if w is None else w))
    )
    shape = arrays[0].shape
    a, b, z, w = (np.ascontiguousarray(v).ravel() for v in arrays)
    n = a.size
    value = np.full(n, np.nan)
    derivs = [np.full(n, np.nan) for _ in range(4)] if grad else None
    with np.errstate(all="ignore"):
        ok = (a > 0) & (b > 0) & (a + 1 - b > 0) & (z >= 0) & (w > 0) & np.isfinite(a) & np.isfinite(b)
        series = np.flatnonzero(ok & (z <= SERIES_MAX_Z))
        integral = np.flatnonzero(ok & (z > SERIES_MAX_Z))
        chunks = [(_series, series)] + [
            (_integral, integral[i : i + INTEGRAL_CHUNK]) for i in range(0, integral.size, INTEGRAL_CHUNK)
        ]
        for method, idx in chunks:
            if idx.size:
                out = method(a[idx], b[idx], z[idx], w[idx], grad)
                value[idx] = out[0]
                if grad:
                    for d, o in zip(derivs, out[1:]):
                        d[idx] = o
    if not grad:
        return value.reshape(shape) if shape else float(value[0])
    return tuple(v.reshape(shape) if shape else float(v[0]) for v in (value, *derivs))


# ---------------------------------------------------------------------- the series (z <= SERIES_MAX_Z)
def _series(a, b, z, w, grad):
    """ln 2F1 = (1-b) ln(1-z) + ln S, S = sum_n t_n, t_n = prod_{k<n} z (c+k)/(a+1+k), c = a+1-b > 0.

    d ln t_n/dc = sum_{k<n} 1/(c+k) (A_n), d ln t_n/da at fixed c = -sum_{k<n} 1/(a+1+k) (B_n), so
    d ln S/da = sum t_n (A_n - B_n) / S, d ln S/db = -sum t_n A_n / S, d ln S/dz = sum n t_n / (z S);
    h = a - (1-z) d ln 2F1/dz = c - (1-z) d ln S/dz.
    """
    n = a.size
    c = a + 1.0 - b
    result = np.empty((4, n))
    # state of the rows still summing: index, a, c, z, S, t, and with grad A, B, SA, SB, SNz
    state = [np.arange(n), a, c, z, np.ones(n), np.ones(n)]
    if grad:
        state += [np.zeros(n) for _ in range(5)]
    for k in range(SERIES_MAX_TERMS):
        idx, aa, cc, zz, s, t = state[:6]
        q = (cc + k) / (aa + 1.0 + k)
        if grad:
            big_a, big_b, sa, sb, snz = state[6:]
            snz += (k + 1) * t * q  # (k+1) t_{k+1} / z, without dividing by z
            big_a += 1.0 / (cc + k)
            big_b += 1.0 / (aa + 1.0 + k)
        t *= zz * q
        s += t
        if grad:
            sa += t * big_a
            sb += t * big_b
        if (k + 1) % SERIES_CHECK_EVERY == 0 or k == SERIES_MAX_TERMS - 1:
            tail = t / (1.0 - zz)
            if grad:
                tail = tail * (k + 2) * (1.0 + big_a + big_b) / (1.0 - zz)
            done = (tail <= SERIES_RELATIVE_TAIL * s) | (k == SERIES_MAX_TERMS - 1)
            if np.any(done):
                _series_store(result, state, done, grad)
                keep = ~done
                state = [v[keep] for v in state]
                if not state[0].size:
                    break
    log_w = np.log(w)
    value = (1.0 - b) * log_w + np.log(result[0])
    if not grad:
        return (value,)
    return value, result[1], -log_w - result[2], (b - 1.0) / w + result[3], c - w * result[3]


def _series_store(result, state, done, grad):
    idx, s = state[0][done], state[4][done]
    result[0, idx] = s
    if grad:
        sa, sb, snz = (v[done] for v in state[8:11])
        result[1, idx] = (sa - sb) / s
        result[2, idx] = sa / s
        result[3, idx] = snz / s


# ---------------------------------------------------------------------- the integral (z > SERIES_MAX_Z)
def _softplus(v):
    """ln(1 + e^v) without overflow."""
    return np.maximum(v, 0.0) + np.log1p(np.exp(-np.abs(v)))


def _ell(u, a, b, lam):
    """l(u) = b u - ln(1 + e^u) - a ln(1 + e^(u + lam)), lam = ln(1 - z)."""
    return b * u - _softplus(u) - a * _softplus(u + lam)


def _slope(u, a, b, lam):
    """l'(u) = b - sigma(u) - a sigma(u + lam)."""
    return b - special.expit(u) - a * special.expit(u + lam)


def _curvature(u, a, lam):
    """-l''(u) = sigma'(u) + a sigma'(u + lam) > 0."""
    s1, s2 = special.expit(u), special.expit(u + lam)
    return s1 * (1.0 - s1) + a * s2 * (1.0 - s2)


def _peak(a, b, lam):
    """The maximum of the concave l, to a hundredth of its width: the root of l'(u) = 0, bracketed by
    l' > 0 at ln(b/(1+a)) - 1 and l' < 0 at ln((1 + a/w)/c) + 1; Newton steps, halving the bracket when
    a step leaves it, until |l'| <= PEAK_TOLERANCE sqrt(-l'') (at most MODE_ITERATIONS steps)."""
    c = a + 1.0 - b
    lo = np.log(b) - np.log1p(a) - 1.0
    hi = np.logaddexp(0.0, np.log(a) - lam) - np.log(c) + 1.0
    u = (lo + hi) / 2
    for _ in range(MODE_ITERATIONS):
        d = _slope(u, a, b, lam)
        kappa = _curvature(u, a, lam)
        if np.all(np.abs(d) <= PEAK_TOLERANCE * np.sqrt(kappa)):
            break
        lo = np.where(d > 0, u, lo)
        hi = np.where(d > 0, hi, u)
        step = u + d / kappa
        u = np.where((step > lo) & (step < hi), step, (lo + hi) / 2)
    return u


def _march(u0, a, b, lam, peak, side):
    """Panel ends from the peak ``u0`` outwards (``side`` -1 or +1); returns the list of ends, whether each
    row still needs a tail beyond the last end, and that end."""
    ends = [u0]
    u = u0.copy()
    stopped = np.zeros(u.shape, dtype=bool)
    tail = np.zeros(u.shape, dtype=bool)
    bend_high = np.maximum(0.0, -lam)
    for _ in range(QUAD_MAX_PANELS):
        kappa = _curvature(u, a, lam)
        g = np.abs(_slope(u, a, b, lam))
        behind = (u >= bend_high) if side > 0 else (u <= 0.0)
        now_tail = ~stopped & behind & (kappa <= QUAD_TAIL_CURVATURE * np.minimum(g, 1.0))
        tail |= now_tail
        stopped |= now_tail
        if np.all(stopped):
            break
        bend = np.minimum(np.abs(u), np.abs(u + lam))
        width = np.maximum(1.0, bend / QUAD_BEND_GROWTH)
        for _ in range(3):  # the curvature may grow by up to e^width across the panel
            k_end = kappa * np.exp(np.minimum(width, 50.0))
            width = np.minimum(
                np.maximum(1.0, bend / QUAD_BEND_GROWTH),
                np.minimum(
                    np.sqrt(8.0 * QUAD_SAG / np.maximum(k_end, 1e-300)),
                    2.0 * QUAD_MAX_FALL / (g + np.sqrt(g * g + 2.0 * k_end * QUAD_MAX_FALL)),
                ),
            )
        new = np.where(stopped, u, u + side * width)
        stopped |= _ell(new, a, b, lam) < peak - QUAD_DROP
        u = new
        ends.append(u)
    return ends, tail | ~stopped, u


def _stirling_rest(x):
    """ln Gamma(x) - [(x - 1/2) ln x - x + ln(2 pi)/2] for x >= STIRLING_MIN: the first four terms of
    Stirling's series (A&S 6.1.41), the next below 2e-15 there."""
    x2 = 1.0 / (x * x)
    return (1.0 / 12 - x2 * (1.0 / 360 - x2 * (1.0 / 1260 - x2 / 1680))) / x


def _log_beta(p, q):
    """ln B(p, q), to 1e-14 relative where scipy's ``betaln`` loses up to 1e-9 (p ~ 1e5-1e6, q small).

    With P = max(p, q) >= STIRLING_MIN, Q = min(p, q): ln B = ln Gamma(Q) - [ln Gamma(P+Q) - ln Gamma(P)],
    ln Gamma(P+Q) - ln Gamma(P) = (P - 1/2) ln(1 + Q/P) + Q (ln(P+Q) - 1) + rest(P+Q) - rest(P), which
    cancels nothing; below STIRLING_MIN, scipy's ``betaln``.

    >>> round(float(_log_beta(980405.1293645363, 0.5745438999253113)), 13)        # mpmath: -7.4875888946062
    -7.4875888946062
    """
    p, q = np.broadcast_arrays(np.asarray(p, dtype=float), np.asarray(q, dtype=float))
    big, small = np.maximum(p, q), np.minimum(p, q)
    safe = np.maximum(big, STIRLING_MIN)
    ratio = (
        (safe - 0.5) * np.log1p(small / safe)
        + small * (np.log(safe + small) - 1.0)
        + _stirling_rest(safe + small)
        - _stirling_rest(safe)
    )
    return np.where(big >= STIRLING_MIN, special.gammaln(small) - ratio, special.betaln(p, q))


def _integral(a, b, z, w, grad):
    """ln 2F1 = ln integral exp(l(u)) du - ln B(c, b), c = a + 1 - b (module docstring); derivatives
    d/da = E[-ln(1 + w e^u)] - psi(c) + psi(a+1), d/db = E[u] - psi(b) + psi(c),
    d/dz = E[a sigma(u + ln w)] / w, h = a - w d/dz = a E[sigma(-u - ln w)], with E the mean under the
    weights exp(l(u)) du."""
    lam = np.log(w)
    c = a + 1.0 - b
    u0 = _peak(a, b, lam)
    peak = _ell(u0, a, b, lam)
    nodes, weights = np.polynomial.legendre.leggauss(QUAD_NODES)
    lag_nodes, lag_weights = np.polynomial.laguerre.laggauss(QUAD_NODES)
    rows, where, log_weight = [], [], []
    for side in (-1, 1):
        ends, needs_tail, last = _march(u0, a, b, lam, peak, side)
        ends = np.stack(ends, axis=1)
        lo, hi = (ends[:, :-1], ends[:, 1:]) if side > 0 else (ends[:, 1:], ends[:, :-1])
        width = hi - lo
        i, j = np.nonzero(width > 0)
        half = width[i, j] / 2
        rows.append(np.repeat(i, QUAD_NODES))
        where.append((lo[i, j][:, None] + half[:, None] * (nodes + 1.0)).ravel())
        log_weight.append((np.log(half)[:, None] + np.log(weights)).ravel())
        # the tail beyond the last end: exp(l) ~ exp(l(last) - m |u - last|), Gauss-Laguerre in m |u - last|
        t = np.flatnonzero(needs_tail)
        m = np.abs(_slope(last[t], a[t], b[t], lam[t]))
        rows.append(np.repeat(t, QUAD_NODES))
        where.append((last[t][:, None] + side * lag_nodes / m[:, None]).ravel())
        log_weight.append((np.log(lag_weights) + lag_nodes - np.log(m)[:, None]).ravel())
    row = np.concatenate(rows)
    u = np.concatenate(where)
    aa, bb, ll = a[row], b[row], lam[row]
    e = np.exp(_ell(u, aa, bb, ll) - peak[row] + np.concatenate(log_weight))
    n = a.size
    total = np.bincount(row, weights=e, minlength=n)
    value = peak + np.log(total) - _log_beta(c, b)
    if not grad:
        return (value,)

    def mean(f):
        return np.bincount(row, weights=e * f, minlength=n) / total

    d_a = mean(-_softplus(u + ll)) - special.digamma(c) + special.digamma(a + 1.0)
    d_b = mean(u) - special.digamma(b) + special.digamma(c)
    d_z = mean(aa * special.expit(u + ll)) / w
    h = mean(aa * special.expit(-u - ll))
    return value, d_a, d_b, d_z, h
