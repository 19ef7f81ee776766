"""Pareto/NBD model (Schmittlein, Morrison & Colombo 1987), following Fader & Hardie (2005), "A Note on
Deriving the Pareto/NBD Model and Related Expressions" (brucehardie.com/notes/009).

While alive a customer buys as a Poisson process with rate lambda ~ Gamma(r, alpha); the lifetime is
exponential with rate mu ~ Gamma(s, beta). alpha and beta are in the summary's time unit.

The likelihood's Gauss hypergeometric terms 2F1(r+s+x, b1; r+s+x+1; z) are evaluated by
``clv.models.hypergeo.log_hyp2f1_a1`` (a series or an integral with positive terms only, checked against
mpmath), so the likelihood is finite wherever its true value is: scipy's ``hyp2f1`` returned NaN from
about 110 purchases on, which stopped fits at their first step. The likelihood has an analytic gradient
(the base class then fits by BFGS), and the fit starts from a data-driven point (``_initial``).
"""

from __future__ import annotations

import numpy as np
from scipy import special

from ..errors import InputError
from .base import (
    RFMModel,
    broadcast_fields,
    check_count,
    check_horizon,
    check_rfm,
    distinct_rows,
    scalar_or_array,
    wdot,
)
from .hypergeo import log_hyp2f1_a1

QUADRATURE_POINTS = 128  # Gauss-Legendre nodes for P(X(t) = n) (integrand smooth on [0, t])
MIN_RATE = 1e-6  # floor of the purchase rate (per time unit) behind the starting alpha
MIN_TIME = 1e-12  # floor of the time sums behind the start (all recencies 0 cannot fit anyway)


class ParetoNBD(RFMModel):
    """Pareto/NBD model; params r, alpha, s, beta.

    Log-likelihood per customer (FH 2005 note, eq. 18):
    ln Gamma(r+x) - ln Gamma(r) + r ln alpha + s ln beta
    + ln[ (alpha+T)^-(r+x) (beta+T)^-s + s/(r+s+x) A0 ],
    with A0 = F(t_x) - F(T) from the Gauss hypergeometric function 2F1 (eqs. 19, 20), in logs
    (grouped so that no large terms cancel: ``_log_g``).

    >>> m = ParetoNBD(); m.params = {"r": 0.553, "alpha": 10.58, "s": 0.606, "beta": 11.67}
    >>> round(m.p_alive(2, 30.43, 38.86), 2), round(m.expected_purchases(39, 2, 30.43, 38.86), 2)
    (0.87, 1.46)
    """

    name = "pareto_nbd"
    param_names = ("r", "alpha", "s", "beta")

    def _prepare(self, data):
        super()._prepare(data)
        # F(t_x) depends on (x, t_x) only and F(T) on (x, T): each is computed once per distinct pair
        # (about half the 2F1 evaluations of one per customer row on a typical base)
        pairs = []
        for col in ("tx", "T"):
            code, idx = distinct_rows(data["x"], data[col])
            pairs.append((data["x"][idx], data[col][idx], code))
        data["pairs"] = tuple(pairs)

    def _initial(self, data):
        """Start of the fit: r = s = 1, alpha = r / (purchase rate), beta = the mean T.

        The purchase rate is repeat purchases per unit of time while customers were seen buying,
        sum x / sum t_x (dropouts do not dilute it, as they would sum x / sum T); beta = mean T makes
        the median lifetime (s = 1) equal to the mean time observed. On 45 CDNOW resamples (30 to 300
        customers) and 18 data sets drawn from the model, BFGS from here ended where it did from the best
        of 27 candidate starts scored by the likelihood, in 20-100 evaluations (2-5 times fewer)."""
        w, x, tx, big_t = data["w"], data["x"], data["tx"], data["T"]
        rate = max(wdot(w, x) / max(wdot(w, tx), MIN_TIME), MIN_RATE)
        mean_t = max(wdot(w, big_t) / float(np.sum(w)), MIN_TIME)
        return np.array([1.0, 1.0 / rate, 1.0, mean_t])

    # ------------------------------------------------------------------ the likelihood
    @staticmethod
    def _log_g(params, x, y, grad=False):
        """G(y) = r ln alpha + s ln beta + ln F(y), F(y) = 2F1(a, b1; a+1; z) / (m+y)^a (FH 2005 note,
        eqs. 19-20), a = r+s+x: alpha >= beta: m = alpha, b1 = s+1, z = (alpha-beta)/(alpha+y); else
        m = beta, b1 = r+x, z = (beta-alpha)/(beta+y); 1 - z = (min(alpha, beta) + y)/(m + y) exactly.

        Written G = ln 2F1 - r ln(1 + (m-alpha+y)/alpha) - s ln(1 + (m-beta+y)/beta) - x ln(m+y), so that
        no large terms cancel (s ln beta and s ln(m+y) are each about 1e9 at the bound s = beta = 6.6e7).
        With ``grad`` also dG/d(r, alpha, s, beta), a (4, ...) array."""
        r, alpha, s, beta = params
        a = r + s + x
        hi, lo = (alpha, beta) if alpha >= beta else (beta, alpha)
        b1 = s + 1.0 if alpha >= beta else r + x
        my = hi + y
        w = (lo + y) / my
        z = (hi - lo) / my
        log_ra = np.log1p((hi - alpha + y) / alpha)  # ln((m+y)/alpha)
        log_rb = np.log1p((hi - beta + y) / beta)  # ln((m+y)/beta)
        log_my = np.log(my)
        if not grad:
            return log_hyp2f1_a1(a, b1, z, w) - r * log_ra - s * log_rb - x * log_my
        value, l_a, l_b, l_z, h = log_hyp2f1_a1(a, b1, z, w, grad=True)
        d_hi = -h / my  # d ln F / d(the larger of alpha, beta) = (w l_z - a)/(m+y): dz = w/(m+y)
        d_lo = -l_z / my  # d ln F / d(the smaller): dz = -1/(m+y)
        d_alpha, d_beta = (d_hi, d_lo) if alpha >= beta else (d_lo, d_hi)
        d_r = -log_ra + l_a + (0.0 if alpha >= beta else l_b)
        d_s = -log_rb + l_a + (l_b if alpha >= beta else 0.0)
        g = value - r * log_ra - s * log_rb - x * log_my
        return g, np.stack(np.broadcast_arrays(d_r, r / alpha + d_alpha, d_s, s / beta + d_beta))

    def _log_a0(self, params, x, tx, big_t, pairs=None, grad=False):
        """ln(alpha^r beta^s A0), A0 = F(t_x) - F(T) (FH 2005 note, eqs. 19-20): -inf where t_x = T; with
        ``grad`` its derivatives (4, n). ``pairs``: optional ((x, t_x, code), (x, T, code)) of distinct pairs
        and the row codes into them."""
        with np.errstate(all="ignore"):
            if pairs is None:
                (f1, g1), (f2, g2) = (
                    self._log_g(params, x, y, grad=True) if grad else (self._log_g(params, x, y), None)
                    for y in (tx, big_t)
                )
            else:
                (f1, g1), (f2, g2) = (
                    self._log_g(params, xp, yp, grad=True) if grad else (self._log_g(params, xp, yp), None)
                    for xp, yp, _ in pairs
                )
                (_, _, c1), (_, _, c2) = pairs
                f1, f2 = f1[c1], f2[c2]
                if grad:
                    g1, g2 = g1[:, c1], g2[:, c2]
            gap = np.minimum(f2 - f1, 0.0)
            value = np.where(big_t > tx, f1 + np.log(-np.expm1(gap)), -np.inf)
            if not grad:
                return value
            # d ln(e^G1 - e^G2) = (dG1 - e^gap dG2) / (1 - e^gap)
            d = (g1 - np.exp(gap) * g2) / -np.expm1(gap)
            return value, np.where(np.isfinite(value) & np.all(np.isfinite(d), axis=0), d, 0.0)

    def _row_loglik(self, params, x, tx, big_t, pairs=None, grad=False):
        """Per row: (ln L, stay, leave) with ln L = ln Gamma(r+x) - ln Gamma(r) + ln(e^stay + e^leave),
        stay = ln alpha^r beta^s (alpha+T)^-(r+x) (beta+T)^-s and leave = ln alpha^r beta^s s/(r+s+x) A0;
        with ``grad`` also d ln L / d(r, alpha, s, beta), a (4, n) array."""
        r, alpha, s, beta = params
        with np.errstate(all="ignore"):
            log_at, log_bt = np.log1p(big_t / alpha), np.log1p(big_t / beta)
            stay = -r * log_at - x * np.log(alpha + big_t) - s * log_bt
            a = r + s + x
            if grad:
                log_a0, d_a0 = self._log_a0(params, x, tx, big_t, pairs, grad=True)
            else:
                log_a0 = self._log_a0(params, x, tx, big_t, pairs)
            leave = np.log(s) - np.log(a) + log_a0
            rows = special.gammaln(r + x) - special.gammaln(r) + np.logaddexp(stay, leave)
            if not grad:
                return rows, stay, leave
            p_leave = special.expit(leave - stay)
            p_stay = 1.0 - p_leave
            d = np.stack(
                np.broadcast_arrays(
                    special.digamma(r + x) - special.digamma(r) - p_stay * log_at + p_leave * (d_a0[0] - 1.0 / a),
                    p_stay * (r * big_t / alpha - x) / (alpha + big_t) + p_leave * d_a0[1],
                    -p_stay * log_bt + p_leave * (d_a0[2] + 1.0 / s - 1.0 / a),
                    p_stay * s * big_t / (beta * (beta + big_t)) + p_leave * d_a0[3],
                )
            )
            return rows, stay, leave, d

    def _loglik(self, params, data, grad=False):
        out = self._row_loglik(params, data["x"], data["tx"], data["T"], data.get("pairs"), grad=grad)
        ll = wdot(data["w"], out[0])
        if not grad:
            return ll
        return ll, np.einsum("i,ki->k", data["w"], out[3])

    # ------------------------------------------------------------------ predictions
    def p_alive(self, frequency, recency, T):
        """P(alive at T | x, t_x, T) = 1 / (1 + s/(r+s+x) (alpha+T)^(r+x) (beta+T)^s A0) (FH note, eq. 36).

        Scalars or arrays broadcast; a float for scalars, else their shape.
        """
        params = self._p("r", "alpha", "s", "beta")
        x, tx, big_t = check_rfm(frequency, recency, T)
        _, stay, leave = self._row_loglik(params, x, tx, big_t)
        return scalar_or_array(special.expit(stay - leave))

    def p_alive_at(self, params, frequency, recency, T) -> np.ndarray:
        """P(alive at T | x, t_x, T) of the same customers at other parameters: ``params`` rows of
        (r, alpha, s, beta) (parameter draws, or the points around a fit), shape (len(params), customers).

        Each row is ``p_alive`` with those parameters (FH note, eq. 36), the Gauss hypergeometric terms
        computed once per distinct (x, t_x) and (x, T) pair rather than per customer: a large base repeats
        them (10,000 customers of the bundled sample: 4,333 pairs of (x, T) among 7,815 histories).

        >>> m = ParetoNBD(); m.params = {"r": 0.553, "alpha": 10.58, "s": 0.606, "beta": 11.67}
        >>> m.p_alive_at([[0.553, 10.58, 0.606, 11.67], [0.6, 11.0, 0.6, 12.0]], [2, 0], [30.43, 0], 38.86).round(4)
        array([[0.8692, 0.2953],
               [0.871 , 0.296 ]])
        >>> other = ParetoNBD(); other.params = {"r": 0.6, "alpha": 11.0, "s": 0.6, "beta": 12.0}
        >>> round(other.p_alive(2, 30.43, 38.86), 4)
        0.871
        """
        x, tx, big_t = (np.ravel(a) for a in check_rfm(frequency, recency, T))
        points = np.asarray(params, dtype=float).reshape(-1, 4)
        if not np.all(np.isfinite(points)) or np.any(points <= 0):
            raise InputError("params", points.tolist(), "models.allowed.positive")
        pairs = []
        for y in (tx, big_t):
            code, idx = distinct_rows(x, y)
            pairs.append((x[idx], y[idx], code))
        out = np.empty((len(points), x.size))
        for j, row in enumerate(points):
            _, stay, leave = self._row_loglik(tuple(row), x, tx, big_t, tuple(pairs))
            out[j] = special.expit(stay - leave)
        return out

    def expected_purchases(self, t, frequency, recency, T):
        """E[Y(t) | x, t_x, T] = (r+x)(beta+T) / ((alpha+T)(s-1)) [1 - ((beta+T)/(beta+T+t))^(s-1)] P(alive)
        (FH 2005 note, eq. 41). At s = 1 the bracket over (s - 1) becomes ln((beta+T+t)/(beta+T)).

        t in the summary's time unit, finite and >= 0 (InputError naming ``t`` otherwise). Scalars or
        arrays broadcast; a float for scalars, else their shape.
        """
        r, alpha, s, beta = self._p("r", "alpha", "s", "beta")
        t = check_horizon("t", t)
        x, tx, big_t = check_rfm(frequency, recency, T)
        t, x, tx, big_t = np.broadcast_arrays(t, x, tx, big_t)
        with np.errstate(all="ignore"):
            log_q = np.log(beta + big_t) - np.log(beta + big_t + t)
            growth = _one_minus_q_pow(log_q, s)
            out = (r + x) * (beta + big_t) / (alpha + big_t) * growth * np.asarray(self.p_alive(x, tx, big_t))
        return scalar_or_array(out)

    def expected_purchases_new_customer(self, t):
        """E[X(t)] = r beta / (alpha (s-1)) [1 - (beta/(beta+t))^(s-1)] (FH 2005 note, eq. 27).

        t finite and >= 0 (InputError naming ``t`` otherwise); a float for a scalar t.
        """
        r, alpha, s, beta = self._p("r", "alpha", "s", "beta")
        t = check_horizon("t", t)
        with np.errstate(all="ignore"):
            return scalar_or_array(r * beta / alpha * _one_minus_q_pow(np.log(beta) - np.log(beta + t), s))

    def probability_of_purchases(self, n, t):
        """P(X(t) = n) for a new customer.

        With lambda and mu independent, X(t) = n either with the customer alive at t, probability
        NB(n; r, alpha/(alpha+t)) (beta/(beta+t))^s, or after dying at tau < t, density
        s beta^s / (beta+tau)^(s+1), having made n purchases by then: NB(n; r, alpha/(alpha+tau)).
        The second term is integrated over tau by Gauss-Legendre quadrature (QUADRATURE_POINTS nodes).
        n a whole number >= 0 and t finite and >= 0 (InputError naming the field otherwise); they broadcast.
        """
        r, alpha, s, beta = self._p("r", "alpha", "s", "beta")
        n, t = np.broadcast_arrays(check_count("n", n), check_horizon("t", t))
        nodes, weights = np.polynomial.legendre.leggauss(QUADRATURE_POINTS)

        def log_nb(n, tau):
            z = tau / (alpha + tau)
            return (
                special.gammaln(r + n)
                - special.gammaln(r)
                - special.gammaln(n + 1)
                + r * np.log(alpha / (alpha + tau))
                + special.xlogy(n, z)
            )

        with np.errstate(all="ignore"):
            alive = np.exp(log_nb(n, t) + s * (np.log(beta) - np.log(beta + t)))
            tau = (t[..., None] / 2) * (nodes + 1)  # nodes mapped to [0, t]
            dens = np.exp(np.log(s) + s * np.log(beta) - (s + 1) * np.log(beta + tau) + log_nb(n[..., None], tau))
            dead = (t / 2) * np.sum(weights * dens, axis=-1)
        return scalar_or_array(alive + dead)

    def conditional_probability_of_purchases(self, n, t, frequency, recency, T):
        """P(X(T, T+t] = n | x, t_x, T): the chance that a customer with this history makes exactly n
        purchases in the next t time units.

        A customer alive at T has, given the history, lambda ~ Gamma(r+x, alpha+T) and mu ~ Gamma(s, beta+T),
        independent (the likelihood of being alive is lambda^x e^-(lambda+mu) T, which factorises), and from
        T on buys as a new customer with those parameters; one no longer alive buys nothing. So
        P(n) = [n = 0] (1 - P(alive)) + P(alive) P_new(n; r+x, alpha+T, s, beta+T),
        with P_new as ``probability_of_purchases`` (its death-time integral by Gauss-Legendre quadrature,
        QUADRATURE_POINTS nodes). This is Fader & Hardie's conditional pmf (note 028, "Deriving the
        Conditional PMF of the Pareto/NBD Model", eq. 16) regrouped into positive terms: the note's closed
        form subtracts two 2F1 series, which cancel for small t. Units: t, recency, T and alpha, beta in the
        summary's time unit. n a whole number >= 0, t finite and >= 0 (InputError naming the field
        otherwise); all arguments broadcast; a float for scalars.

        Published CDNOW estimates (FH 2005), the customer of the class example (x 2, t_x 30.43, T 38.86):

        >>> m = ParetoNBD(); m.params = {"r": 0.553, "alpha": 10.58, "s": 0.606, "beta": 11.67}
        >>> p = m.conditional_probability_of_purchases(np.arange(200), 39, 2, 30.43, 38.86)
        >>> round(float(p[0]), 4), round(float(p.sum()), 10), round(float(p @ np.arange(200)), 6)
        (0.4081, 1.0, 1.455075)
        >>> round(m.expected_purchases(39, 2, 30.43, 38.86), 6)
        1.455075
        """
        r, alpha, s, beta = self._p("r", "alpha", "s", "beta")
        n, t = check_count("n", n), check_horizon("t", t)
        x, tx, big_t = check_rfm(frequency, recency, T)
        n, t, x, tx, big_t = broadcast_fields(n=n, t=t, frequency=x, recency=tx, T=big_t)
        alive = np.asarray(self.p_alive(x, tx, big_t), dtype=float)
        pmf = self._alive_count_pmf(n, t, r + x, alpha + big_t, s, beta + big_t)
        return scalar_or_array(np.where(n == 0, 1.0 - alive, 0.0) + alive * pmf)

    @staticmethod
    def _alive_count_pmf(n, t, r, alpha, s, beta):
        """P(X(t) = n) of a customer alive at 0 with lambda ~ Gamma(r, alpha), mu ~ Gamma(s, beta); arrays
        broadcast (the formula of ``probability_of_purchases`` with per-customer parameters)."""
        n, t, r, alpha, beta = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (n, t, r, alpha, beta)))
        nodes, weights = np.polynomial.legendre.leggauss(QUADRATURE_POINTS)
        with np.errstate(all="ignore"):
            log_coef = special.gammaln(r + n) - special.gammaln(r) - special.gammaln(n + 1)
            stay = log_coef - r * np.log1p(t / alpha) + special.xlogy(n, t / (alpha + t)) - s * np.log1p(t / beta)
            tau = (t[..., None] / 2) * (nodes + 1)  # nodes mapped to [0, t]
            a_, b_ = alpha[..., None], beta[..., None]
            log_dens = np.log(s) - np.log(b_) - (s + 1) * np.log1p(tau / b_)
            log_nb = (
                log_coef[..., None] - r[..., None] * np.log1p(tau / a_) + special.xlogy(n[..., None], tau / (a_ + tau))
            )
            dead = (t / 2) * np.sum(weights * np.exp(log_dens + log_nb), axis=-1)
        return np.exp(stay) + dead


def _one_minus_q_pow(log_q, s):
    """(1 - q^(s-1)) / (s-1) from ln q, stable near s = 1 (limit -ln q)."""
    if abs(s - 1) < 1e-10:
        return -log_q
    return -np.expm1((s - 1) * log_q) / (s - 1)
