"""BG/NBD (Fader, Hardie & Lee 2005), and the formulas MBG/NBD (``mbgnbd``) builds on.

Both are "buy till you die" models for non-contractual settings with purchases at any time:
while alive a customer buys as a Poisson process with rate lambda ~ Gamma(r, alpha); after each purchase
(BG/NBD) or also at time 0 (MBG/NBD) the customer drops out with probability p ~ Beta(a, b).

Data are a customer summary in any time unit (days, weeks): ``frequency`` x = repeat purchases,
``recency`` t_x = time of the last repeat purchase since the first purchase (0 when x = 0), ``T`` =
time since the first purchase. ``alpha`` is in that time unit; r, a, b have no unit.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import integrate, special

from .base import (
    RFMModel,
    broadcast_fields,
    check_count,
    check_horizon,
    check_rfm,
    log_hyp2f1,
    on_unique,
    scalar_or_array,
    wdot,
)


EXP_FLOOR = 700.0  # exp(-700) is still a normal double: avoids slow subnormal arithmetic (exp(-708..-745))
A_NEAR_ONE = 1e-4  # |a - 1| below this: (a+b-1)/(a-1) x [1 - ...] is 0/0-like, so E[X(t)] is integrated over p
C_NEAR_ZERO = 1e-4  # |a + b - 1| below this too: 2F1(r, b; c; z) has a pole at c = a+b-1 = 0 that the factor c cancels
QUAD_RTOL = 1e-13  # relative tolerance of that integral (scipy's QAWS, algebraic end-point weights)
QUAD_LIMIT = 200  # subintervals it may use (a large t/alpha puts the integrand's bend near p = alpha/t)
B_IN_WEIGHT_MAX = 100.0  # b above this: (1-p)^(b-1) goes into the integrand (QAWS's moments fail near b = 1e5)


def _log_hyp2f1(a, b, c, z):
    """``base.log_hyp2f1`` for inputs of any shape, 0-d included (that helper assigns into its result,
    which NumPy makes a scalar for 0-d inputs): evaluated on 1-d arrays and reshaped back."""
    a, b, c, z = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (a, b, c, z)))
    flat = (np.ravel(v) for v in (a, b, c, z))
    return np.asarray(log_hyp2f1(*flat)).reshape(z.shape)


def repeat_purchases(t, r, alpha, a, b):
    """E[X(t)]: repeat purchases in (0, t] of a BG/NBD customer alive at 0 (FHL 2005, eq. 9).

    Purchases at rate lambda ~ Gamma(r, alpha) while alive; after each one the customer drops out with
    probability p ~ Beta(a, b). Closed form (FHL 2005, eq. 9):
    E[X(t)] = (a+b-1)/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1; t/(alpha+t))].
    It is also E_p[(1 - (alpha/(alpha+p t))^r) / p] (FHL 2005, eq. 7, averaged over lambda, then over p),
    which is finite at every a > 0. At a = 1 the closed form is 0/0 (2F1(r, b; b; z) = (1-z)^-r), and at
    a + b = 1 it is 0 x inf (2F1's pole at c = 0): within A_NEAR_ONE of a = 1, or C_NEAR_ZERO of a + b = 1,
    that expectation is integrated instead (exact for any a; at a = 1 it is the limit,
    b (1-z)^r sum_n (r)_n z^n / n! [psi(b+n) - psi(b)], z = t/(alpha+t)). t and alpha in one time unit;
    r, alpha, b and t broadcast; a is a number.

    >>> round(float(repeat_purchases(39.0, 0.243, 4.414, 0.793, 2.426)), 4)
    1.1967
    >>> round(float(repeat_purchases(39.0, 0.243, 4.414, 1.0, 2.426)), 4)
    1.0843
    """
    t, r, alpha, b = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (t, r, alpha, b)))
    near = np.broadcast_to(abs(a - 1.0) < A_NEAR_ONE, t.shape) | (np.abs(a + b - 1) < C_NEAR_ZERO)
    with np.errstate(all="ignore"):
        z = t / (alpha + t)
        log_term = _log_hyp2f1(r, b, a + b - 1, z) + r * np.log1p(-z)
        out = np.asarray((a + b - 1) / (a - 1) * -np.expm1(log_term), dtype=float)
    if np.any(near):
        rows = np.stack([v[near] for v in (t, r, alpha, b)], axis=1)
        distinct, inverse = np.unique(rows, axis=0, return_inverse=True)
        values = np.array([_integrated(ti, ri, ai, bi, a) for ti, ri, ai, bi in distinct])
        out = np.array(out, copy=True)
        out[near] = values[np.ravel(inverse)]
    return out


def log_negative_binomial(n, r, z):
    """ln P(N = n) for N ~ NegBin(r, z): purchases in (0, t] of a customer who never drops out, with
    z = t/(alpha + t) (the Poisson count averaged over lambda ~ Gamma(r, alpha)).

    >>> [round(float(np.exp(log_negative_binomial(n, 2.0, 0.5))), 4) for n in (0, 1, 2)]
    [0.25, 0.25, 0.1875]
    """
    return special.gammaln(r + n) - special.gammaln(r) - special.gammaln(n + 1) + r * np.log1p(-z) + special.xlogy(n, z)


def _integrated(t: float, r: float, alpha: float, b: float, a: float) -> float:
    """E_p[(1 - (alpha/(alpha+p t))^r) / p], p ~ Beta(a, b): f(p) = -expm1(-r ln(1 + p t/alpha)) / p
    (f(0) = r t/alpha) integrated against the Beta density on [0, 1] by QUADPACK's QAWS, whose weight
    p^(a-1) (1-p)^(b-1) takes the end-point singularities. Above B_IN_WEIGHT_MAX the factor (1-p)^(b-1)
    (no singularity then) moves into the integrand, where the adaptive rule finds its peak near p = 0."""
    if t == 0:
        return 0.0
    u = t / alpha
    log_beta = float(special.betaln(a, b))

    def f(p):
        return -np.expm1(-r * np.log1p(p * u)) / p if p > 0 else r * u

    if b <= B_IN_WEIGHT_MAX:
        value, _ = integrate.quad(
            f, 0.0, 1.0, weight="alg", wvar=(a - 1.0, b - 1.0), epsabs=0.0, epsrel=QUAD_RTOL, limit=QUAD_LIMIT
        )
        return value / math.exp(log_beta)

    def g(p):
        return f(p) * math.exp((b - 1.0) * math.log1p(-p) - log_beta) if p < 1 else 0.0

    value, _ = integrate.quad(
        g, 0.0, 1.0, weight="alg", wvar=(a - 1.0, 0.0), epsabs=0.0, epsrel=QUAD_RTOL, limit=QUAD_LIMIT
    )
    return value


def _softplus_and_expit(d):
    """ln(1 + e^d) and 1 / (1 + e^-d), without subnormal intermediates (error below 1e-300)."""
    e = np.exp(-np.minimum(np.abs(d), EXP_FLOOR))
    soft = np.maximum(d, 0.0) + np.log1p(e)
    return soft, np.where(d >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _row_terms(r, alpha, a, b, x, tx, big_t, w, shift, ws, grad):
    """The per-row part of the BG/NBD (shift -1) and MBG/NBD (shift 0) log-likelihood, summed with weights.

    sum w [softplus(d) - (r+x) ln(alpha+T)], d = ln a - ln(b+x+shift) + (r+x) (ln(alpha+T) - ln(alpha+t_x)),
    and with ``grad`` its derivatives (r, alpha, a, b). Every intermediate lives in the preallocated rows
    of ``ws`` (operations with ``out=``): fresh 50,000-row temporaries cost page faults on every call,
    which made the likelihood three times slower than its arithmetic.
    """
    lt, ltx, rx, d, e, t = ws
    np.add(big_t, alpha, out=lt)
    np.log(lt, out=lt)
    np.add(tx, alpha, out=ltx)
    np.log(ltx, out=ltx)
    np.add(x, r, out=rx)
    np.subtract(lt, ltx, out=d)
    d *= rx
    np.add(x, b + shift, out=t)
    np.log(t, out=t)
    d -= t
    d += np.log(a)
    # softplus(d) = max(d, 0) + ln(1 + e), e = exp(-|d|) floored at exp(-EXP_FLOOR) (no subnormals)
    np.abs(d, out=e)
    np.minimum(e, EXP_FLOOR, out=e)
    np.negative(e, out=e)
    np.exp(e, out=e)
    ll = wdot(w, np.log1p(e, out=t))
    ll += wdot(w, np.maximum(d, 0.0, out=t))
    ll -= float(np.einsum("i,i,i->", w, rx, lt))
    if not grad:
        return ll, None
    # w4 = expit(d): 1 / (1 + e) where d >= 0, e / (1 + e) where d < 0; then w4 times the weights
    np.add(e, 1.0, out=t)
    np.reciprocal(t, out=t)
    np.multiply(e, t, out=t, where=d < 0)
    np.multiply(t, w, out=e)  # e <- w x w4
    g_r = -wdot(w, lt) + wdot(e, lt) - wdot(e, ltx)  # -sum w (w3 lt + w4 ltx)
    np.add(big_t, alpha, out=lt)
    np.reciprocal(lt, out=lt)  # 1 / (alpha + T)
    np.add(tx, alpha, out=ltx)
    np.reciprocal(ltx, out=ltx)  # 1 / (alpha + t_x)
    g_alpha = -(
        float(np.einsum("i,i,i->", w, rx, lt))
        - float(np.einsum("i,i,i->", e, rx, lt))
        + float(np.einsum("i,i,i->", e, rx, ltx))
    )
    g_a = float(e.sum()) / a
    np.add(x, b + shift, out=t)
    g_b = -float(np.einsum("i,i->", e, np.reciprocal(t, out=t)))
    return ll, np.array([g_r, g_alpha, g_a, g_b])


def _workspace(data: dict, key: str, n: int) -> np.ndarray:
    """Scratch rows for ``_row_terms`` kept with the fit's data (allocated once per fit)."""
    ws = data.get(key)
    if ws is None or ws.shape[1] != n:
        ws = data[key] = np.empty((6, n))
    return ws


class BetaGeo(RFMModel):
    """BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the easy way"); params r, alpha, a, b.

    Log-likelihood per customer (FHL 2005, eq. 6, in logs):
    ln Gamma(r+x) - ln Gamma(r) + r ln alpha + ln B(a, b+x) - ln B(a, b)
    + ln[ (alpha+T)^-(r+x) + [x>0] a/(b+x-1) (alpha+t_x)^-(r+x) ].

    Fit with ``BetaGeo().fit(frequency, recency, T)``; or set the parameters, here the published CDNOW
    estimates (FHL 2005), and read a customer with x = 2 repeat purchases, the last at t_x = 30.43 weeks,
    observed for T = 38.86 weeks. By hand (``p_alive``): a/(b+x-1) = 0.793/3.426 = 0.231465,
    ((alpha+T)/(alpha+t_x))^(r+x) = (43.274/34.844)^2.243 = 1.625789, so
    P(alive) = 1/(1 + 0.231465 x 1.625789) = 1/1.376314 = 0.7266.

    >>> m = BetaGeo(); m.params = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    >>> round(m.p_alive(2, 30.43, 38.86), 4)
    0.7266
    """

    name = "bgnbd"
    param_names = ("r", "alpha", "a", "b")

    def _prepare(self, data: dict):
        super()._prepare(data)
        zero = data["x"] == 0
        data["T0"], data["w0"] = data["T"][zero], data["w"][zero]
        pos = ~zero
        data["xp"], data["txp"], data["Tp"], data["wp"] = (
            data["x"][pos],
            data["tx"][pos],
            data["T"][pos],
            data["w"][pos],
        )

    def _loglik(self, params, data, grad=False):
        r, alpha, a, b = params
        xs, wx, big_w = data["xs"], data["wx"], data["W"]
        x, tx, big_t, w = data["xp"], data["txp"], data["Tp"], data["wp"]
        with np.errstate(all="ignore"):
            ll = (
                wdot(wx, special.gammaln(r + xs) - special.gammaln(r))
                + big_w * r * np.log(alpha)
                + wdot(
                    wx,
                    special.gammaln(a + b) + special.gammaln(b + xs) - special.gammaln(b) - special.gammaln(a + b + xs),
                )
            )
            l0 = np.log(alpha + data["T0"])
            ll -= r * wdot(data["w0"], l0)
            rows, g_rows = _row_terms(r, alpha, a, b, x, tx, big_t, w, -1.0, _workspace(data, "_ws", len(x)), grad)
            ll += rows
            if not grad:
                return float(ll)
            dg_ab = special.digamma(a + b) - special.digamma(a + b + xs)
            g = g_rows + np.array(
                [
                    wdot(wx, special.digamma(r + xs) - special.digamma(r))
                    + big_w * np.log(alpha)
                    - wdot(data["w0"], l0),
                    big_w * r / alpha - r * np.sum(data["w0"] / (alpha + data["T0"])),
                    wdot(wx, dg_ab),
                    wdot(wx, dg_ab + special.digamma(b + xs) - special.digamma(b)),
                ]
            )
        return float(ll), g

    # ------------------------------------------------------------------ predictions
    def p_alive(self, frequency, recency, T):
        """P(alive at T | x, t_x, T) (FHL 2005, eq. 11 / Fader, Hardie & Lee's note on P(alive)).

        1 / (1 + [x>0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)); equals 1 when x = 0 (in the BG/NBD a
        customer can only drop out right after a purchase).
        """
        r, alpha, a, b = self._p("r", "alpha", "a", "b")
        x, tx, big_t = check_rfm(frequency, recency, T)
        with np.errstate(all="ignore"):
            d = np.log(a) - np.log(b + np.maximum(x, 1) - 1) + (r + x) * (np.log(alpha + big_t) - np.log(alpha + tx))
            out = np.where(x > 0, special.expit(-d), 1.0)
        return scalar_or_array(out)

    def expected_purchases(self, t, frequency, recency, T):
        """E[Y(t) | x, t_x, T]: expected repeat purchases in the next t time units (FHL 2005, eq. 10).

        (a+b+x-1)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; t/(alpha+T+t))]
        x P(alive): a new customer's E[X(t)] (``repeat_purchases``) with the posterior r+x, alpha+T, b+x,
        times P(alive); at a = 1 its limit. Units: t in the summary's time unit, finite and >= 0
        (InputError otherwise). Scalars or arrays broadcast; a float for scalars, else their shape.

        >>> m = BetaGeo(); m.params = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
        >>> round(m.expected_purchases(39, 2, 30.43, 38.86), 4), m.expected_purchases([39, 52], 2, 30.43, 38.86).shape
        (1.226, (2,))
        """
        r, alpha, a, b = self._p("r", "alpha", "a", "b")
        t = check_horizon("t", t)
        x, tx, big_t = check_rfm(frequency, recency, T)

        def numerator(t, x, big_t):
            return repeat_purchases(t, r + x, alpha + big_t, a, b + x)

        out = on_unique(numerator, t, x, big_t) * np.asarray(self.p_alive(x, tx, big_t))
        return scalar_or_array(out)

    def expected_purchases_new_customer(self, t):
        """E[X(t)] for a customer just acquired (FHL 2005, eq. 9).

        (a+b-1)/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1; t/(alpha+t))]; at a = 1 its limit
        (``repeat_purchases``). t finite and >= 0 (InputError otherwise); a float for a scalar t.

        >>> m = BetaGeo(); m.params = {"r": 0.243, "alpha": 4.414, "a": 1.0, "b": 2.426}
        >>> round(m.expected_purchases_new_customer(78), 4)
        1.6206
        """
        r, alpha, a, b = self._p("r", "alpha", "a", "b")
        return scalar_or_array(repeat_purchases(check_horizon("t", t), r, alpha, a, b))

    def probability_of_purchases(self, n, t):
        """P(X(t) = n) for a new customer (FHL 2005, eq. 8).

        B(a, b+n)/B(a, b) NB(n; r, alpha/(alpha+t)) + [n>0] B(a+1, b+n-1)/B(a, b) P(NB >= n), where NB is the
        negative binomial count of a customer who never drops out; P(NB >= n) = I_{t/(alpha+t)}(n, r).
        n a whole number >= 0, t finite and >= 0 (InputError otherwise); they broadcast.
        """
        r, alpha, a, b = self._p("r", "alpha", "a", "b")
        n, t = np.broadcast_arrays(check_count("n", n), check_horizon("t", t))
        with np.errstate(all="ignore"):
            z = t / (alpha + t)
            log_nb = log_negative_binomial(n, r, z)
            first = np.exp(special.betaln(a, b + n) - special.betaln(a, b) + log_nb)
            tail = special.betainc(np.maximum(n, 1), r, z)
            second = np.where(
                n > 0, np.exp(special.betaln(a + 1, b + np.maximum(n, 1) - 1) - special.betaln(a, b)) * tail, 0.0
            )
        return scalar_or_array(first + second)

    def conditional_probability_of_purchases(self, n, t, frequency, recency, T):
        """P(X(T, T+t] = n | x, t_x, T): the chance that a customer with this history makes exactly n
        repeat purchases in the next t time units.

        A customer alive at T has, given the history, lambda ~ Gamma(r+x, alpha+T) and p ~ Beta(a, b+x),
        independent (the likelihood of being alive is lambda^x e^-lambda T (1-p)^x), and from T on buys as a
        new customer with those parameters (FHL 2005, eq. 8); one no longer alive buys nothing. So
        P(n) = [n = 0] (1 - P(alive)) + P(alive) P_new(n; r+x, alpha+T, a, b+x),
        P_new(n) = B(a, b'+n)/B(a, b') NB(n; r', t/(alpha'+t)) + [n>0] B(a+1, b'+n-1)/B(a, b') I_{t/(alpha'+t)}(n, r')
        (``probability_of_purchases`` with the primed parameters). Its mean is ``expected_purchases``
        (FHL 2005, eq. 10). Units: t, recency, T and alpha in the summary's time unit. n a whole number >= 0,
        t finite and >= 0 (InputError naming the field otherwise); all arguments broadcast; a float for
        scalars.

        Published CDNOW estimates (FHL 2005), the customer of the class example (x 2, t_x 30.43, T 38.86):

        >>> m = BetaGeo(); m.params = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
        >>> p = m.conditional_probability_of_purchases(np.arange(200), 39, 2, 30.43, 38.86)
        >>> round(float(p[0]), 4), round(float(p.sum()), 10), round(float(p @ np.arange(200)), 4)
        (0.4454, 1.0, 1.226)
        """
        r, alpha, a, b = self._p("r", "alpha", "a", "b")
        n, t = check_count("n", n), check_horizon("t", t)
        x, tx, big_t = check_rfm(frequency, recency, T)
        n, t, x, tx, big_t = broadcast_fields(n=n, t=t, frequency=x, recency=tx, T=big_t)
        alive = np.asarray(self.p_alive(x, tx, big_t), dtype=float)
        pmf = self._alive_count_pmf(n, t, r + x, alpha + big_t, a, b + x)
        return scalar_or_array(np.where(n == 0, 1.0 - alive, 0.0) + alive * pmf)

    @staticmethod
    def _alive_count_pmf(n, t, r, alpha, a, b):
        """P(X(t) = n) of a BG/NBD customer alive at 0 with lambda ~ Gamma(r, alpha), p ~ Beta(a, b) (FHL 2005,
        eq. 8); arrays broadcast (the formula of ``probability_of_purchases`` with per-customer parameters)."""
        n, t, r, alpha, a, b = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (n, t, r, alpha, a, b)))
        with np.errstate(all="ignore"):
            z = t / (alpha + t)
            first = np.exp(special.betaln(a, b + n) - special.betaln(a, b) + log_negative_binomial(n, r, z))
            tail = special.betainc(np.maximum(n, 1), r, z)
            second = np.where(
                n > 0, np.exp(special.betaln(a + 1, b + np.maximum(n, 1) - 1) - special.betaln(a, b)) * tail, 0.0
            )
        return first + second
