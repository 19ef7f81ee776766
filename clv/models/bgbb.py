"""BG/BB model for discrete transaction opportunities (Fader, Hardie & Shang 2010, "Customer-Base Analysis
in a Discrete-Time Noncontractual Setting", Marketing Science 29(6)).

At each of n opportunities (a yearly donation drive, a weekly event) an alive customer transacts with
probability p ~ Beta(alpha, beta); after each opportunity an alive customer dies with probability
theta ~ Beta(gamma, delta). Data: ``frequency`` x = transactions in opportunities 1..n, ``recency``
t_x = the opportunity of the last one (0 when x = 0), ``n_periods`` n.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from ..errors import FitError, InputError
from .base import Model, _count, as_array, dedupe, identical_history, scalar_or_array, wdot


def _check(frequency, recency, n_periods):
    x = as_array("frequency", frequency, "models.allowed.whole_non_negative")
    tx = as_array("recency", recency, "models.allowed.whole_non_negative")
    n = as_array("n_periods", n_periods, "models.allowed.whole_non_negative")
    x, tx, n = np.broadcast_arrays(x, tx, n)
    for name, v in (("frequency", x), ("recency", tx), ("n_periods", n)):
        if np.any(v != np.round(v)):
            raise InputError(name, float(v[v != np.round(v)][0]), "models.allowed.whole_non_negative")
    if np.any(tx > n):
        i = int(np.argmax(tx > n))
        raise InputError("recency", float(tx.ravel()[i]), "models.allowed.recency_le_periods",
                         n_periods=f"{n.ravel()[i]:g}")
    if np.any(x > tx):
        i = int(np.argmax(x > tx))
        raise InputError("frequency", float(x.ravel()[i]), "models.allowed.frequency_le_recency",
                         recency=f"{tx.ravel()[i]:g}")
    return x, tx, n


class BetaGeoBetaBinom(Model):
    """BG/BB model; params alpha, beta, gamma, delta.

    Likelihood per customer (FHS 2010, eq. 5):
    L = B(alpha+x, beta+n-x)/B(alpha, beta) B(gamma, delta+n)/B(gamma, delta)
      + sum_{i=0}^{n-t_x-1} B(alpha+x, beta+t_x-x+i)/B(alpha, beta) B(gamma+1, delta+t_x+i)/B(gamma, delta).
    """

    name = "bgbb"
    param_names = ("alpha", "beta", "gamma", "delta")

    def fit(self, frequency, recency, n_periods, weights=None):
        """Maximum-likelihood fit; identical rows are merged when ``weights`` is None."""
        x, tx, n = _check(frequency, recency, n_periods)
        data, total = dedupe({"x": x.ravel(), "tx": tx.ravel(), "n": n.ravel()}, weights)
        if total >= self.min_customers:
            if not np.any(data["x"] > 0):
                raise FitError("models.errors.no_repeat", model=self.label, count=_count(total))
            if len(data["x"]) == 1:
                identical_history(self, total, f"frequency {data['x'][0]:g}, recency {data['tx'][0]:g}, "
                                               f"n_periods {data['n'][0]:g}")
        gap = (data["n"] - data["tx"]).astype(int)
        i = np.arange(max(int(gap.max()), 1))
        data["i"], data["mask"] = i[None, :], i[None, :] < gap[:, None]
        return self._fit(data, total)

    def _log_l(self, params, x, tx, n, i=None, mask=None):
        alpha, beta, gamma, delta = params
        if i is None:
            gap = (n - tx).astype(int)
            i = np.arange(max(int(np.max(gap)) if gap.size else 1, 1))[None, :]
            mask = i < gap.reshape(-1)[:, None]
            x, tx, n = x.reshape(-1), tx.reshape(-1), n.reshape(-1)
        with np.errstate(all="ignore"):
            bab, bgd = special.betaln(alpha, beta), special.betaln(gamma, delta)
            alive = special.betaln(alpha + x, beta + n - x) - bab + special.betaln(gamma, delta + n) - bgd
            terms = (special.betaln(alpha + x[:, None], beta + tx[:, None] - x[:, None] + i) - bab
                     + special.betaln(gamma + 1, delta + tx[:, None] + i) - bgd)
            terms = np.where(mask, terms, -np.inf)
            return np.logaddexp(alive, special.logsumexp(terms, axis=1))

    def _loglik(self, params, data, grad=False):
        ll = float(wdot(data["w"], self._log_l(params, data["x"], data["tx"], data["n"], data["i"], data["mask"])))
        return (ll, None) if grad else ll

    # ------------------------------------------------------------------ predictions
    def p_alive(self, frequency, recency, n_periods, m_periods_in_future=0):
        """P(alive at opportunity n + m | x, t_x, n) (FHS 2010, eq. 11 is m = 1):
        B(alpha+x, beta+n-x)/B(alpha, beta) B(gamma, delta+n+m)/B(gamma, delta) / L."""
        alpha, beta, gamma, delta = params = self._p("alpha", "beta", "gamma", "delta")
        x, tx, n = _check(frequency, recency, n_periods)
        shape = x.shape
        log_l = self._log_l(params, x, tx, n).reshape(shape)
        with np.errstate(all="ignore"):
            out = np.exp(special.betaln(alpha + x, beta + n - x) - special.betaln(alpha, beta)
                         + special.betaln(gamma, delta + n + m_periods_in_future) - special.betaln(gamma, delta)
                         - log_l)
        return scalar_or_array(out)

    def expected_purchases(self, n_future, frequency, recency, n_periods):
        """E[X(n, n + n*) | x, t_x, n]: expected transactions in the next n* opportunities (FHS 2010, eq. 13).

        1/L x B(alpha+x+1, beta+n-x)/B(alpha, beta) x delta/(gamma-1) x Gamma(gamma+delta)/Gamma(1+delta)
        x [Gamma(1+delta+n)/Gamma(gamma+delta+n) - Gamma(1+delta+n+n*)/Gamma(gamma+delta+n+n*)].
        """
        alpha, beta, gamma, delta = params = self._p("alpha", "beta", "gamma", "delta")
        x, tx, n = _check(frequency, recency, n_periods)
        m = np.asarray(n_future, dtype=float)
        log_l = self._log_l(params, x, tx, n).reshape(x.shape)
        with np.errstate(all="ignore"):
            front = np.exp(special.betaln(alpha + x + 1, beta + n - x) - special.betaln(alpha, beta) - log_l
                           + special.gammaln(gamma + delta) - special.gammaln(1 + delta))
            bracket = (np.exp(special.gammaln(1 + delta + n) - special.gammaln(gamma + delta + n))
                       - np.exp(special.gammaln(1 + delta + n + m) - special.gammaln(gamma + delta + n + m)))
            out = front * delta / (gamma - 1) * bracket
        return scalar_or_array(out)

    def expected_purchases_new_customer(self, n):
        """E[X(n)] for a new customer over n opportunities (FHS 2010, eq. 9):
        alpha/(alpha+beta) x delta/(gamma-1) x [1 - Gamma(gamma+delta)/Gamma(gamma+delta+n) Gamma(1+delta+n)/Gamma(1+delta)]."""
        alpha, beta, gamma, delta = self._p("alpha", "beta", "gamma", "delta")
        n = np.asarray(n, dtype=float)
        with np.errstate(all="ignore"):
            ratio = np.exp(special.gammaln(gamma + delta) - special.gammaln(gamma + delta + n)
                           + special.gammaln(1 + delta + n) - special.gammaln(1 + delta))
            return scalar_or_array(alpha / (alpha + beta) * delta / (gamma - 1) * (1 - ratio))

    def probability_of_purchases(self, x, n):
        """P(X(n) = x) for a new customer over n opportunities (FHS 2010, eq. 7)."""
        alpha, beta, gamma, delta = self._p("alpha", "beta", "gamma", "delta")
        x, n = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(n, dtype=float))
        shape = x.shape
        x, n = x.ravel(), n.ravel()
        bab, bgd = special.betaln(alpha, beta), special.betaln(gamma, delta)
        with np.errstate(all="ignore"):
            log_choose = special.gammaln(n + 1) - special.gammaln(x + 1) - special.gammaln(n - x + 1)
            first = np.exp(log_choose + special.betaln(alpha + x, beta + n - x) - bab
                           + special.betaln(gamma, delta + n) - bgd)
            i = np.arange(int(n.max()) if n.size else 0)[None, :]
            ok = (i >= x[:, None]) & (i < n[:, None])
            ic = np.where(ok, i, x[:, None])
            terms = (special.gammaln(ic + 1) - special.gammaln(x[:, None] + 1) - special.gammaln(ic - x[:, None] + 1)
                     + special.betaln(alpha + x[:, None], beta + ic - x[:, None]) - bab
                     + special.betaln(gamma + 1, delta + ic) - bgd)
            second = np.sum(np.where(ok, np.exp(terms), 0.0), axis=1)
            out = np.where(x <= n, first + second, 0.0)
        return scalar_or_array(out.reshape(shape))
