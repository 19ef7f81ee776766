"""MBG/NBD (Batislam, Denizel & Filiztekin 2007): the BG/NBD with a drop-out chance at time 0 too.

While alive a customer buys as a Poisson process with rate lambda ~ Gamma(r, alpha); right after the first
purchase and after each repeat purchase the customer drops out with probability p ~ Beta(a, b). Data as for
the BG/NBD (``betageo``): frequency, recency, T in one time unit; alpha in that unit.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from .base import RFMModel, check_count, check_horizon, check_rfm, on_unique, scalar_or_array, wdot
from .betageo import _row_terms, _workspace, log_negative_binomial, repeat_purchases


class ModifiedBetaGeo(RFMModel):
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
            ll = (
                wdot(wx, special.gammaln(r + xs) - special.gammaln(r))
                + big_w * r * np.log(alpha)
                + wdot(
                    wx,
                    special.gammaln(a + b)
                    + special.gammaln(b + xs + 1)
                    - special.gammaln(b)
                    - special.gammaln(a + b + xs + 1),
                )
            )
            rows, g_rows = _row_terms(r, alpha, a, b, x, tx, big_t, w, 0.0, _workspace(data, "_ws", len(x)), grad)
            ll += rows
            if not grad:
                return float(ll)
            dg_ab = special.digamma(a + b) - special.digamma(a + b + xs + 1)
            g = g_rows + np.array(
                [
                    wdot(wx, special.digamma(r + xs) - special.digamma(r)) + big_w * np.log(alpha),
                    big_w * r / alpha,
                    wdot(wx, dg_ab),
                    wdot(wx, dg_ab + special.digamma(b + xs + 1) - special.digamma(b)),
                ]
            )
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
        2F1(r+x, b+x+1; a+b+x; t/(alpha+T+t))] x P(alive) (Batislam et al. 2007).

        An alive customer has survived x+1 dropout chances, so the bracket is the BG/NBD's E[X(t)]
        (``repeat_purchases``) with r+x, alpha+T, b+x+1; at a = 1 its limit. t finite and >= 0
        (InputError otherwise); scalars or arrays broadcast, a float for scalars.
        """
        r, alpha, a, b = self._p("r", "alpha", "a", "b")
        t = check_horizon("t", t)
        x, tx, big_t = check_rfm(frequency, recency, T)

        def numerator(t, x, big_t):
            return repeat_purchases(t, r + x, alpha + big_t, a, b + x + 1)

        out = on_unique(numerator, t, x, big_t) * np.asarray(self.p_alive(x, tx, big_t))
        return scalar_or_array(out)

    def expected_purchases_new_customer(self, t):
        """E[X(t)] = b/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b+1; a+b; t/(alpha+t))] (Batislam et al. 2007).

        A new customer survives time 0 with probability 1-p, so E[X(t)] = E[(1-p)/p (1 - (alpha/(alpha+pt))^r)]
        = b/(a+b) x the BG/NBD's E[X(t)] with b+1 (``repeat_purchases``); at a = 1 its limit. t finite
        and >= 0 (InputError otherwise).
        """
        r, alpha, a, b = self._p("r", "alpha", "a", "b")
        return scalar_or_array(b / (a + b) * repeat_purchases(check_horizon("t", t), r, alpha, a, b + 1))

    def probability_of_purchases(self, n, t):
        """P(X(t) = n) = B(a, b+n+1)/B(a, b) NB(n) + B(a+1, b+n)/B(a, b) P(NB >= n) for a new customer.

        n a whole number >= 0, t finite and >= 0 (InputError otherwise); they broadcast.
        """
        r, alpha, a, b = self._p("r", "alpha", "a", "b")
        n, t = np.broadcast_arrays(check_count("n", n), check_horizon("t", t))
        with np.errstate(all="ignore"):
            z = t / (alpha + t)
            log_nb = log_negative_binomial(n, r, z)
            first = np.exp(special.betaln(a, b + n + 1) - special.betaln(a, b) + log_nb)
            tail = np.where(n > 0, special.betainc(np.maximum(n, 1), r, z), 1.0)
            second = np.exp(special.betaln(a + 1, b + n) - special.betaln(a, b)) * tail
        return scalar_or_array(first + second)
