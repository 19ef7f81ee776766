"""BG/NBD (Fader, Hardie & Lee 2005) and MBG/NBD (Batislam, Denizel & Filiztekin 2007).

Both are "buy till you die" models for non-contractual settings with purchases at any time:
while alive a customer buys as a Poisson process with rate lambda ~ Gamma(r, alpha); after each purchase
(BG/NBD) or also at time 0 (MBG/NBD) the customer drops out with probability p ~ Beta(a, b).

Data are a customer summary in any time unit (days, weeks): ``frequency`` x = repeat purchases,
``recency`` t_x = time of the last repeat purchase since the first purchase (0 when x = 0), ``T`` =
time since the first purchase. ``alpha`` is in that time unit; r, a, b have no unit.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from .base import (Model, _count, by_value, check_rfm, dedupe, identical_history, log_hyp2f1, on_unique,
                   scalar_or_array)
from ..errors import FitError


EXP_FLOOR = 700.0   # exp(-700) is still a normal double: avoids slow subnormal arithmetic (exp(-708..-745))


def _softplus_and_expit(d):
    """ln(1 + e^d) and 1 / (1 + e^-d), without subnormal intermediates (error below 1e-300)."""
    e = np.exp(-np.minimum(np.abs(d), EXP_FLOOR))
    soft = np.maximum(d, 0.0) + np.log1p(e)
    return soft, np.where(d >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


class _RFMModel(Model):
    """Shared input handling for the continuous-time models fitted to (frequency, recency, T)."""

    def fit(self, frequency, recency, T, weights=None):
        """Maximum-likelihood fit to a customer summary; returns the model.

        ``weights`` (optional) counts customers per row; without it identical rows are merged first, so
        a large base with repeated histories costs little. Raises FitError when the data cannot support
        a fit (too few customers, no repeat purchases, all customers identical, no convergence).
        """
        x, tx, big_t = check_rfm(frequency, recency, T)
        data, n = dedupe({"x": x.ravel(), "tx": tx.ravel(), "T": big_t.ravel()}, weights)
        if n >= self.min_customers:
            if not np.any(data["x"] > 0):
                raise FitError("models.errors.no_repeat", model=self.label, count=_count(n))
            if len(data["x"]) == 1 or (np.ptp(data["x"]) == 0 and np.ptp(data["tx"]) == 0
                                       and np.ptp(data["T"]) == 0):
                identical_history(self, n, f"frequency {data['x'][0]:g}, recency {data['tx'][0]:g}, "
                                           f"T {data['T'][0]:g}")
        self._prepare(data)
        return self._fit(data, n)

    def _prepare(self, data: dict):
        data["xs"], data["wx"] = by_value(data["x"], data["w"])
        data["W"] = float(data["w"].sum())

    def _initial(self, data: dict) -> np.ndarray:
        rate = np.sum(data["w"] * data["x"]) / max(np.sum(data["w"] * data["T"]), 1e-12)
        return np.array([1.0, 1.0 / max(rate, 1e-6), 1.0, 1.0])


class BetaGeo(_RFMModel):
    """BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the easy way"); params r, alpha, a, b.

    Log-likelihood per customer (FHL 2005, eq. 6, in logs):
    ln Gamma(r+x) - ln Gamma(r) + r ln alpha + ln B(a, b+x) - ln B(a, b)
    + ln[ (alpha+T)^-(r+x) + [x>0] a/(b+x-1) (alpha+t_x)^-(r+x) ].

    >>> m = BetaGeo().fit([0, 1, 2, 3, 0, 5, 1, 0, 2, 4, 0, 1], [0, 5, 20, 30, 0, 35, 9, 0, 11, 30, 0, 2],
    ...                   [40, 38, 36, 40, 39, 40, 35, 30, 38, 39, 40, 40])
    >>> round(m.p_alive(0, 0, 40), 3), round(m.p_alive(2, 10, 40), 3) < 1.0
    (1.0, True)
    """

    name = "bgnbd"
    param_names = ("r", "alpha", "a", "b")

    def _prepare(self, data: dict):
        super()._prepare(data)
        zero = data["x"] == 0
        data["T0"], data["w0"] = data["T"][zero], data["w"][zero]
        pos = ~zero
        data["xp"], data["txp"], data["Tp"], data["wp"] = (data["x"][pos], data["tx"][pos], data["T"][pos],
                                                          data["w"][pos])

    def _loglik(self, params, data, grad=False):
        r, alpha, a, b = params
        xs, wx, big_w = data["xs"], data["wx"], data["W"]
        x, tx, big_t, w = data["xp"], data["txp"], data["Tp"], data["wp"]
        with np.errstate(all="ignore"):
            ll = (np.dot(wx, special.gammaln(r + xs) - special.gammaln(r)) + big_w * r * np.log(alpha)
                  + np.dot(wx, special.gammaln(a + b) + special.gammaln(b + xs) - special.gammaln(b)
                           - special.gammaln(a + b + xs)))
            l0 = np.log(alpha + data["T0"])
            ll -= r * np.dot(data["w0"], l0)
            lt, ltx = np.log(alpha + big_t), np.log(alpha + tx)
            rx = r + x
            d = np.log(a) - np.log(b + x - 1) + rx * (lt - ltx)
            soft, w4 = _softplus_and_expit(d)
            ll += np.dot(w, soft - rx * lt)
            if not grad:
                return float(ll)
            w3 = 1.0 - w4
            dg_ab = special.digamma(a + b) - special.digamma(a + b + xs)
            g = np.array([
                np.dot(wx, special.digamma(r + xs) - special.digamma(r)) + big_w * np.log(alpha)
                - np.dot(data["w0"], l0) - np.dot(w, w3 * lt + w4 * ltx),
                big_w * r / alpha - r * np.sum(data["w0"] / (alpha + data["T0"]))
                - np.dot(w, rx * (w3 / (alpha + big_t) + w4 / (alpha + tx))),
                np.dot(wx, dg_ab) + np.dot(w, w4) / a,
                np.dot(wx, dg_ab + special.digamma(b + xs) - special.digamma(b)) - np.dot(w, w4 / (b + x - 1)),
            ])
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
        x P(alive). Units: t in the summary's time unit.
        """
        r, alpha, a, b = self._p("r", "alpha", "a", "b")
        x, tx, big_t = check_rfm(frequency, recency, T)
        t = np.asarray(t, dtype=float)

        def numerator(t, x, big_t):
            with np.errstate(all="ignore"):
                z = t / (alpha + big_t + t)
                log_term = log_hyp2f1(r + x, b + x, a + b + x - 1, z) + (r + x) * np.log1p(-z)
                return (a + b + x - 1) / (a - 1) * -np.expm1(log_term)

        out = on_unique(numerator, t, x, big_t) * np.asarray(self.p_alive(x, tx, big_t))
        return scalar_or_array(out)

    def expected_purchases_new_customer(self, t):
        """E[X(t)] for a customer just acquired (FHL 2005, eq. 9).

        (a+b-1)/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1; t/(alpha+t))].
        """
        r, alpha, a, b = self._p("r", "alpha", "a", "b")
        t = np.asarray(t, dtype=float)
        with np.errstate(all="ignore"):
            z = t / (alpha + t)
            log_term = log_hyp2f1(r, b, a + b - 1, z) + r * np.log1p(-z)
            return scalar_or_array((a + b - 1) / (a - 1) * -np.expm1(log_term))

    def probability_of_purchases(self, n, t):
        """P(X(t) = n) for a new customer (FHL 2005, eq. 8).

        B(a, b+n)/B(a, b) NB(n; r, alpha/(alpha+t)) + [n>0] B(a+1, b+n-1)/B(a, b) P(NB >= n), where NB is the
        negative binomial count of a customer who never drops out; P(NB >= n) = I_{t/(alpha+t)}(n, r).
        """
        r, alpha, a, b = self._p("r", "alpha", "a", "b")
        n, t = np.broadcast_arrays(np.asarray(n, dtype=float), np.asarray(t, dtype=float))
        with np.errstate(all="ignore"):
            z = t / (alpha + t)
            log_nb = (special.gammaln(r + n) - special.gammaln(r) - special.gammaln(n + 1) + r * np.log1p(-z)
                      + special.xlogy(n, z))
            first = np.exp(special.betaln(a, b + n) - special.betaln(a, b) + log_nb)
            tail = special.betainc(np.maximum(n, 1), r, z)
            second = np.where(n > 0, np.exp(special.betaln(a + 1, b + np.maximum(n, 1) - 1) - special.betaln(a, b))
                              * tail, 0.0)
        return scalar_or_array(first + second)


class ModifiedBetaGeo(_RFMModel):
    """MBG/NBD model (Batislam, Denizel & Filiztekin 2007); params r, alpha, a, b.

    As the BG/NBD, but a customer may also drop out at time 0, right after the first purchase, so
    P(alive) < 1 for customers with no repeat purchase. Log-likelihood per customer:
    ln Gamma(r+x) - ln Gamma(r) + r ln alpha + ln B(a, b+x+1) - ln B(a, b)
    + ln[ (alpha+T)^-(r+x) + a/(b+x) (alpha+t_x)^-(r+x) ].
    """

    name = "mbgnbd"
    param_names = ("r", "alpha", "a", "b")

    def _loglik(self, params, data, grad=False):
        r, alpha, a, b = params
        xs, wx, big_w = data["xs"], data["wx"], data["W"]
        x, tx, big_t, w = data["x"], data["tx"], data["T"], data["w"]
        with np.errstate(all="ignore"):
            ll = (np.dot(wx, special.gammaln(r + xs) - special.gammaln(r)) + big_w * r * np.log(alpha)
                  + np.dot(wx, special.gammaln(a + b) + special.gammaln(b + xs + 1) - special.gammaln(b)
                           - special.gammaln(a + b + xs + 1)))
            lt, ltx = np.log(alpha + big_t), np.log(alpha + tx)
            rx = r + x
            d = np.log(a) - np.log(b + x) + rx * (lt - ltx)
            soft, w4 = _softplus_and_expit(d)
            ll += np.dot(w, soft - rx * lt)
            if not grad:
                return float(ll)
            w3 = 1.0 - w4
            dg_ab = special.digamma(a + b) - special.digamma(a + b + xs + 1)
            g = np.array([
                np.dot(wx, special.digamma(r + xs) - special.digamma(r)) + big_w * np.log(alpha)
                - np.dot(w, w3 * lt + w4 * ltx),
                big_w * r / alpha - np.dot(w, rx * (w3 / (alpha + big_t) + w4 / (alpha + tx))),
                np.dot(wx, dg_ab) + np.dot(w, w4) / a,
                np.dot(wx, dg_ab + special.digamma(b + xs + 1) - special.digamma(b)) - np.dot(w, w4 / (b + x)),
            ])
        return float(ll), g

    def p_alive(self, frequency, recency, T):
        """P(alive at T | x, t_x, T) = 1 / (1 + a/(b+x) ((alpha+T)/(alpha+t_x))^(r+x)) (Batislam et al. 2007)."""
        r, alpha, a, b = self._p("r", "alpha", "a", "b")
        x, tx, big_t = check_rfm(frequency, recency, T)
        with np.errstate(all="ignore"):
            d = np.log(a) - np.log(b + x) + (r + x) * (np.log(alpha + big_t) - np.log(alpha + tx))
        return scalar_or_array(special.expit(-d))

    def expected_purchases(self, t, frequency, recency, T):
        """E[Y(t) | x, t_x, T] = (a+b+x)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x)
        2F1(r+x, b+x+1; a+b+x; t/(alpha+T+t))] x P(alive) (Batislam et al. 2007)."""
        r, alpha, a, b = self._p("r", "alpha", "a", "b")
        x, tx, big_t = check_rfm(frequency, recency, T)
        t = np.asarray(t, dtype=float)

        def numerator(t, x, big_t):
            with np.errstate(all="ignore"):
                z = t / (alpha + big_t + t)
                log_term = log_hyp2f1(r + x, b + x + 1, a + b + x, z) + (r + x) * np.log1p(-z)
                return (a + b + x) / (a - 1) * -np.expm1(log_term)

        out = on_unique(numerator, t, x, big_t) * np.asarray(self.p_alive(x, tx, big_t))
        return scalar_or_array(out)

    def expected_purchases_new_customer(self, t):
        """E[X(t)] = b/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b+1; a+b; t/(alpha+t))]."""
        r, alpha, a, b = self._p("r", "alpha", "a", "b")
        t = np.asarray(t, dtype=float)
        with np.errstate(all="ignore"):
            z = t / (alpha + t)
            log_term = log_hyp2f1(r, b + 1, a + b, z) + r * np.log1p(-z)
            return scalar_or_array(b / (a - 1) * -np.expm1(log_term))

    def probability_of_purchases(self, n, t):
        """P(X(t) = n) = B(a, b+n+1)/B(a, b) NB(n) + B(a+1, b+n)/B(a, b) P(NB >= n) for a new customer."""
        r, alpha, a, b = self._p("r", "alpha", "a", "b")
        n, t = np.broadcast_arrays(np.asarray(n, dtype=float), np.asarray(t, dtype=float))
        with np.errstate(all="ignore"):
            z = t / (alpha + t)
            log_nb = (special.gammaln(r + n) - special.gammaln(r) - special.gammaln(n + 1) + r * np.log1p(-z)
                      + special.xlogy(n, z))
            first = np.exp(special.betaln(a, b + n + 1) - special.betaln(a, b) + log_nb)
            tail = np.where(n > 0, special.betainc(np.maximum(n, 1), r, z), 1.0)
            second = np.exp(special.betaln(a + 1, b + n) - special.betaln(a, b)) * tail
        return scalar_or_array(first + second)
