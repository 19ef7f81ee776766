"""Pareto/NBD model (Schmittlein, Morrison & Colombo 1987), following Fader & Hardie (2005), "A Note on
Deriving the Pareto/NBD Model and Related Expressions" (brucehardie.com/notes/009).

While alive a customer buys as a Poisson process with rate lambda ~ Gamma(r, alpha); the lifetime is
exponential with rate mu ~ Gamma(s, beta). alpha and beta are in the summary's time unit.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from .base import check_rfm, distinct_rows, log_hyp2f1, scalar_or_array, wdot
from .betageo import _RFMModel

QUADRATURE_POINTS = 128     # Gauss-Legendre nodes for P(X(t) = n) (integrand smooth on [0, t])


class ParetoNBD(_RFMModel):
    """Pareto/NBD model; params r, alpha, s, beta.

    Log-likelihood per customer (FH 2005 note, eq. 18):
    ln Gamma(r+x) - ln Gamma(r) + r ln alpha + s ln beta
    + ln[ (alpha+T)^-(r+x) (beta+T)^-s + s/(r+s+x) A0 ],
    with A0 from the Gauss hypergeometric function 2F1 (eqs. 19, 20), computed in logs.
    """

    name = "pareto_nbd"
    param_names = ("r", "alpha", "s", "beta")

    def _initial(self, data):
        rate = np.sum(data["w"] * data["x"]) / max(np.sum(data["w"] * data["T"]), 1e-12)
        return np.array([1.0, 1.0 / max(rate, 1e-6), 1.0, float(np.max(data["T"]))])

    def _prepare(self, data):
        super()._prepare(data)
        # F(t_x) depends on (x, t_x) only and F(T) on (x, T): each is computed once per distinct pair
        # (about half the 2F1 evaluations of one per customer row on a typical base)
        pairs = []
        for col in ("tx", "T"):
            code, idx = distinct_rows(data["x"], data[col])
            pairs.append((data["x"][idx], data[col][idx], code))
        data["pairs"] = tuple(pairs)

    @staticmethod
    def _log_a0(r, alpha, s, beta, x, tx, big_t, pairs=None):
        """ln A0 (FH 2005 note, eqs. 19-20): A0 = F(t_x) - F(T), F(y) = 2F1(r+s+x, b1; r+s+x+1; z(y)) / (m+y)^(r+s+x).

        ``pairs``: optional ((x, t_x, code), (x, T, code)) of distinct pairs and the row codes into them."""
        if alpha >= beta:
            m, diff = alpha, alpha - beta
        else:
            m, diff = beta, beta - alpha

        def log_f(x, y):
            rsx = r + s + x
            b1 = s + 1.0 if alpha >= beta else r + x
            return log_hyp2f1(rsx, b1, rsx + 1.0, diff / (m + y)) - rsx * np.log(m + y)

        with np.errstate(all="ignore"):
            if pairs is None:
                log_f_tx, log_f_t = log_f(x, tx), log_f(x, big_t)
            else:
                (x1, y1, c1), (x2, y2, c2) = pairs
                log_f_tx, log_f_t = log_f(x1, y1)[c1], log_f(x2, y2)[c2]
            gap = np.minimum(log_f_t - log_f_tx, 0.0)
            return np.where(big_t > tx, log_f_tx + np.log(-np.expm1(gap)), -np.inf)

    def _row_loglik(self, params, x, tx, big_t, pairs=None):
        r, alpha, s, beta = params
        with np.errstate(all="ignore"):
            a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha) + s * np.log(beta)
            stay = -(r + x) * np.log(alpha + big_t) - s * np.log(beta + big_t)
            leave = np.log(s) - np.log(r + s + x) + self._log_a0(r, alpha, s, beta, x, tx, big_t, pairs)
            return a1 + np.logaddexp(stay, leave), stay, leave

    def _loglik(self, params, data, grad=False):
        rows = self._row_loglik(params, data["x"], data["tx"], data["T"], data.get("pairs"))[0]
        ll = float(wdot(data["w"], rows))
        return (ll, None) if grad else ll

    # ------------------------------------------------------------------ predictions
    def p_alive(self, frequency, recency, T):
        """P(alive at T | x, t_x, T) = 1 / (1 + s/(r+s+x) (alpha+T)^(r+x) (beta+T)^s A0) (FH note, eq. 36)."""
        params = self._p("r", "alpha", "s", "beta")
        x, tx, big_t = check_rfm(frequency, recency, T)
        _, stay, leave = self._row_loglik(params, x, tx, big_t)
        return scalar_or_array(special.expit(stay - leave))

    def expected_purchases(self, t, frequency, recency, T):
        """E[Y(t) | x, t_x, T] = (r+x)(beta+T) / ((alpha+T)(s-1)) [1 - ((beta+T)/(beta+T+t))^(s-1)] P(alive)
        (FH 2005 note, eq. 41). At s = 1 the bracket over (s - 1) becomes ln((beta+T+t)/(beta+T))."""
        r, alpha, s, beta = self._p("r", "alpha", "s", "beta")
        x, tx, big_t = check_rfm(frequency, recency, T)
        t = np.asarray(t, dtype=float)
        with np.errstate(all="ignore"):
            log_q = np.log(beta + big_t) - np.log(beta + big_t + t)
            growth = _one_minus_q_pow(log_q, s)
            out = (r + x) * (beta + big_t) / (alpha + big_t) * growth * np.asarray(self.p_alive(x, tx, big_t))
        return scalar_or_array(out)

    def expected_purchases_new_customer(self, t):
        """E[X(t)] = r beta / (alpha (s-1)) [1 - (beta/(beta+t))^(s-1)] (FH 2005 note, eq. 27)."""
        r, alpha, s, beta = self._p("r", "alpha", "s", "beta")
        t = np.asarray(t, dtype=float)
        with np.errstate(all="ignore"):
            return scalar_or_array(r * beta / alpha * _one_minus_q_pow(np.log(beta) - np.log(beta + t), s))

    def probability_of_purchases(self, n, t):
        """P(X(t) = n) for a new customer.

        With lambda and mu independent, X(t) = n either with the customer alive at t, probability
        NB(n; r, alpha/(alpha+t)) (beta/(beta+t))^s, or after dying at tau < t, density
        s beta^s / (beta+tau)^(s+1), having made n purchases by then: NB(n; r, alpha/(alpha+tau)).
        The second term is integrated over tau by Gauss-Legendre quadrature (QUADRATURE_POINTS nodes).
        """
        r, alpha, s, beta = self._p("r", "alpha", "s", "beta")
        n, t = np.broadcast_arrays(np.asarray(n, dtype=float), np.asarray(t, dtype=float))
        nodes, weights = np.polynomial.legendre.leggauss(QUADRATURE_POINTS)

        def log_nb(n, tau):
            z = tau / (alpha + tau)
            return (special.gammaln(r + n) - special.gammaln(r) - special.gammaln(n + 1)
                    + r * np.log(alpha / (alpha + tau)) + special.xlogy(n, z))

        with np.errstate(all="ignore"):
            alive = np.exp(log_nb(n, t) + s * (np.log(beta) - np.log(beta + t)))
            tau = (t[..., None] / 2) * (nodes + 1)                 # nodes mapped to [0, t]
            dens = np.exp(np.log(s) + s * np.log(beta) - (s + 1) * np.log(beta + tau) + log_nb(n[..., None], tau))
            dead = (t / 2) * np.sum(weights * dens, axis=-1)
        return scalar_or_array(alive + dead)


def _one_minus_q_pow(log_q, s):
    """(1 - q^(s-1)) / (s-1) from ln q, stable near s = 1 (limit -ln q)."""
    if abs(s - 1) < 1e-10:
        return -log_q
    return -np.expm1((s - 1) * log_q) / (s - 1)
