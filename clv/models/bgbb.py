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
from .base import Model, _count, as_array, broadcast_fields, dedupe, identical_history, scalar_or_array, wdot

GAMMA_NEAR_ONE = 1e-3  # |gamma - 1| below this: ln Gamma differences over (gamma - 1) by their Taylor series
TAYLOR_TERMS = 6  # terms of that series: the first left out is below 1e-18 at |gamma - 1| = 1e-3


def _whole(name: str, values) -> np.ndarray:
    """A float array of whole numbers >= 0 (opportunities, transactions), or InputError naming ``name``."""
    v = as_array(name, values, "models.allowed.whole_non_negative")
    if np.any(v != np.round(v)):
        raise InputError(name, float(v[v != np.round(v)].ravel()[0]), "models.allowed.whole_non_negative")
    return v


def _step_slope(y1, y2, h: float):
    """Q = ([ln Gamma(y1+h) - ln Gamma(y1)] - [ln Gamma(y2+h) - ln Gamma(y2)]) / h, for y1, y2 >= 1.

    At h = 0 it is psi(y1) - psi(y2) (below: psi(2) - psi(5) = -(1/2 + 1/3 + 1/4); at h = 1, ln 2 - ln 5).
    For |h| >= GAMMA_NEAR_ONE the differences of ``gammaln`` over h;
    below, the Taylor series sum_{k>=1} h^(k-1)/k! [psi^(k-1)(y1) - psi^(k-1)(y2)] (TAYLOR_TERMS terms;
    |psi^(m)(y)| <= m! zeta(m+1) for y >= 1), which has no 0/0.

    >>> round(float(_step_slope(2.0, 5.0, 0.0)), 6), round(float(_step_slope(2.0, 5.0, 1.0)), 6)
    (-1.083333, -0.916291)
    """
    y1, y2 = np.asarray(y1, dtype=float), np.asarray(y2, dtype=float)
    if abs(h) >= GAMMA_NEAR_ONE:
        return ((special.gammaln(y1 + h) - special.gammaln(y1)) - (special.gammaln(y2 + h) - special.gammaln(y2))) / h
    total = np.zeros(np.broadcast(y1, y2).shape)
    for k in range(TAYLOR_TERMS, 0, -1):  # smallest terms first
        total = total + h ** (k - 1) / special.factorial(k) * (
            special.polygamma(k - 1, y1) - special.polygamma(k - 1, y2)
        )
    return total


def _check(frequency, recency, n_periods):
    x = as_array("frequency", frequency, "models.allowed.whole_non_negative")
    tx = as_array("recency", recency, "models.allowed.whole_non_negative")
    n = as_array("n_periods", n_periods, "models.allowed.whole_non_negative")
    x, tx, n = broadcast_fields(frequency=x, recency=tx, n_periods=n)
    for name, v in (("frequency", x), ("recency", tx), ("n_periods", n)):
        if np.any(v != np.round(v)):
            raise InputError(name, float(v[v != np.round(v)][0]), "models.allowed.whole_non_negative")
    if np.any(tx > n):
        i = int(np.argmax(tx > n))
        raise InputError(
            "recency", float(tx.ravel()[i]), "models.allowed.recency_le_periods", n_periods=f"{n.ravel()[i]:g}"
        )
    if np.any(x > tx):
        i = int(np.argmax(x > tx))
        raise InputError(
            "frequency", float(x.ravel()[i]), "models.allowed.frequency_le_recency", recency=f"{tx.ravel()[i]:g}"
        )
    return x, tx, n


class BetaGeoBetaBinom(Model):
    """BG/BB model; params alpha, beta, gamma, delta.

    Likelihood per customer (FHS 2010, eq. 5):
    L = B(alpha+x, beta+n-x)/B(alpha, beta) B(gamma, delta+n)/B(gamma, delta)
      + sum_{i=0}^{n-t_x-1} B(alpha+x, beta+t_x-x+i)/B(alpha, beta) B(gamma+1, delta+t_x+i)/B(gamma, delta).
    Units: x, t_x and n count opportunities (whole numbers, 0 <= x <= t_x <= n), whatever their spacing;
    p and theta are probabilities per opportunity, so alpha, beta, gamma, delta have no unit. With one
    opportunity the sum has at most one term: L(1, 1, 1) = alpha/(alpha+beta) x delta/(gamma+delta) and
    L(0, 0, 1) = beta/(alpha+beta) x delta/(gamma+delta) + gamma/(gamma+delta), which add up to 1.

    Fitted to the paper's 11,104 donors of the 1995 cohort, n = 6 (each row x, t_x, donors), it gives the
    published estimates alpha 1.204, beta 0.750, gamma 0.657, delta 2.783 and LL -33,225.6 (FHS 2010):

    >>> x, t_x, donors = zip(*[(0, 0, 3464), (1, 1, 1091), (1, 2, 277), (1, 3, 129), (1, 4, 78), (1, 5, 119),
    ...     (1, 6, 129), (2, 2, 613), (2, 3, 255), (2, 4, 155), (2, 5, 173), (2, 6, 234), (3, 3, 322), (3, 4, 181),
    ...     (3, 5, 225), (3, 6, 357), (4, 4, 240), (4, 5, 284), (4, 6, 512), (5, 5, 335), (5, 6, 728), (6, 6, 1203)])
    >>> m = BetaGeoBetaBinom().fit(x, t_x, 6, weights=donors)
    >>> [round(m.params[k], 3) for k in m.param_names], round(m.log_likelihood, 1)
    ([1.204, 0.75, 0.657, 2.783], -33225.6)
    """

    name = "bgbb"
    param_names = ("alpha", "beta", "gamma", "delta")

    def fit(self, frequency, recency, n_periods, weights=None):
        """Maximum-likelihood fit; identical rows are merged when ``weights`` is None. Returns the model.

        Maximises sum_customers w ln L(x, t_x, n) (FHS 2010, eq. 5; see the class) over the log-parameters.
        ``frequency`` x, ``recency`` t_x and ``n_periods`` n are whole numbers of opportunities with
        x <= t_x <= n (InputError naming the field otherwise); ``weights`` counts customers per row.
        A FitError says what to try when the data cannot support a fit (too few customers, no repeat
        transactions, every history the same).

        >>> BetaGeoBetaBinom().fit([0] * 20, [0] * 20, 6)          # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        clv.errors.FitError: BG/BB needs customers who bought again, but none of the 20 customers made a ...
        """
        x, tx, n = _check(frequency, recency, n_periods)
        data, total = dedupe({"x": x.ravel(), "tx": tx.ravel(), "n": n.ravel()}, weights)
        if total >= self.min_customers:
            if not np.any(data["x"] > 0):
                raise FitError("models.errors.no_repeat", model=self.label, count=_count(total))
            if len(data["x"]) == 1:
                identical_history(
                    self, total, f"frequency {data['x'][0]:g}, recency {data['tx'][0]:g}, n_periods {data['n'][0]:g}"
                )
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
            terms = (
                special.betaln(alpha + x[:, None], beta + tx[:, None] - x[:, None] + i)
                - bab
                + special.betaln(gamma + 1, delta + tx[:, None] + i)
                - bgd
            )
            terms = np.where(mask, terms, -np.inf)
            return np.logaddexp(alive, special.logsumexp(terms, axis=1))

    def _loglik(self, params, data, grad=False):
        ll = float(wdot(data["w"], self._log_l(params, data["x"], data["tx"], data["n"], data["i"], data["mask"])))
        return (ll, None) if grad else ll

    # ------------------------------------------------------------------ predictions
    def p_alive(self, frequency, recency, n_periods, m_periods_in_future=0):
        """P(alive at opportunity n + m | x, t_x, n) (FHS 2010, eq. 11 is m = 1):
        B(alpha+x, beta+n-x)/B(alpha, beta) B(gamma, delta+n+m)/B(gamma, delta) / L.

        All inputs whole numbers >= 0, counted in opportunities (InputError otherwise); they broadcast, a
        float for scalars. A probability. At the published estimates (FHS 2010), a donor who gave nothing
        at the one opportunity so far (x = t_x = 0, n = 1), by hand: beta/(alpha+beta) = 0.750/1.954
        = 0.383828, delta/(gamma+delta) = 2.783/3.440 = 0.809012, gamma/(gamma+delta) = 0.190988, so
        L = 0.383828 x 0.809012 + 0.190988 = 0.501510 and P(alive at 1) = 0.310522 / 0.501510 = 0.6192;
        one opportunity later (m = 1) delta (delta+1) / ((gamma+delta)(gamma+delta+1)) = 0.689300 replaces
        0.809012: 0.383828 x 0.689300 / 0.501510 = 0.5276.

        >>> m = BetaGeoBetaBinom(); m.params = {"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783}
        >>> round(m.p_alive(0, 0, 1), 4), round(m.p_alive(0, 0, 1, m_periods_in_future=1), 4)
        (0.6192, 0.5276)
        """
        alpha, beta, gamma, delta = params = self._p("alpha", "beta", "gamma", "delta")
        m = _whole("m_periods_in_future", m_periods_in_future)
        x, tx, n = _check(frequency, recency, n_periods)
        log_l = self._log_l(params, x, tx, n).reshape(x.shape)
        with np.errstate(all="ignore"):
            out = np.exp(
                special.betaln(alpha + x, beta + n - x)
                - special.betaln(alpha, beta)
                + special.betaln(gamma, delta + n + m)
                - special.betaln(gamma, delta)
                - log_l
            )
        return scalar_or_array(out)

    def expected_purchases(self, n_future, frequency, recency, n_periods):
        """E[X(n, n + n*) | x, t_x, n]: expected transactions in the next n* opportunities (FHS 2010, eq. 13).

        1/L x B(alpha+x+1, beta+n-x)/B(alpha, beta) x delta/(gamma-1) x Gamma(gamma+delta)/Gamma(1+delta)
        x [Gamma(1+delta+n)/Gamma(gamma+delta+n) - Gamma(1+delta+n+n*)/Gamma(gamma+delta+n+n*)].
        With A, B the two ratios in the bracket, (A - B)/(gamma-1) = -A Q exprel((gamma-1) Q), Q from
        ``_step_slope(1+delta+n, 1+delta+n+n*, gamma-1)``: no 0/0 at gamma = 1, where the bracket over
        gamma - 1 tends to A [psi(1+delta+n+n*) - psi(1+delta+n)]. n* and the history whole numbers >= 0
        (InputError otherwise); they broadcast, a float for scalars. Units: opportunities in, a count of
        transactions out.

        With n* = 1 the formula is B(alpha+x+1, beta+n-x)/B(alpha, beta) x B(gamma, delta+n+1)/B(gamma, delta)
        / L. For the donor of ``p_alive`` (x = t_x = 0, n = 1) at the published estimates, by hand:
        alpha beta / ((alpha+beta)(alpha+beta+1)) = 0.903 / (1.954 x 2.954) = 0.156442, times 0.689300,
        over L = 0.501510: 0.2150 donations expected at the next opportunity.

        >>> m = BetaGeoBetaBinom(); m.params = {"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783}
        >>> round(m.expected_purchases(1, 0, 0, 1), 4)
        0.215
        """
        alpha, beta, gamma, delta = params = self._p("alpha", "beta", "gamma", "delta")
        m = _whole("n_future", n_future)
        x, tx, n = _check(frequency, recency, n_periods)
        log_l = self._log_l(params, x, tx, n).reshape(x.shape)
        h = gamma - 1.0
        with np.errstate(all="ignore"):
            y1 = 1 + delta + n
            step = lambda y: special.gammaln(y + h) - special.gammaln(y)  # noqa: E731  ln Gamma(y+h) - ln Gamma(y)
            front = np.exp(
                special.betaln(alpha + x + 1, beta + n - x)
                - special.betaln(alpha, beta)
                - log_l
                + step(1 + delta)
                - step(y1)
            )  # ... x Gamma(gamma+delta)/Gamma(1+delta) x A
            q = _step_slope(y1, y1 + m, h)
            out = front * delta * -q * special.exprel(h * q)
        return scalar_or_array(out)

    def expected_purchases_new_customer(self, n):
        """E[X(n)] for a new customer over n opportunities (FHS 2010, eq. 9):
        alpha/(alpha+beta) x delta/(gamma-1)
        x [1 - Gamma(gamma+delta)/Gamma(gamma+delta+n) Gamma(1+delta+n)/Gamma(1+delta)].

        The bracket is 1 - exp((gamma-1) Q), Q = ``_step_slope(1+delta, 1+delta+n, gamma-1)``, so
        delta/(gamma-1) x [...] = -delta Q exprel((gamma-1) Q): at gamma = 1 it is
        delta [psi(1+delta+n) - psi(1+delta)]. n a whole number >= 0 of opportunities (InputError
        otherwise); a count of transactions out. With n = 1 the bracket is (gamma-1)/(gamma+delta), so
        E[X(1)] = alpha/(alpha+beta) x delta/(gamma+delta): at the published estimates 0.616172 x 0.809012
        = 0.4985.

        >>> m = BetaGeoBetaBinom(); m.params = {"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783}
        >>> round(m.expected_purchases_new_customer(1), 4)
        0.4985
        >>> # gamma = 1: 1.204/1.954 x 2.783 x [psi(9.783) - psi(3.783)] = 0.6162 x 2.783 x 1.0361
        >>> m.params = {"alpha": 1.204, "beta": 0.750, "gamma": 1.0, "delta": 2.783}
        >>> round(m.expected_purchases_new_customer(6), 4)
        1.7767
        """
        alpha, beta, gamma, delta = self._p("alpha", "beta", "gamma", "delta")
        n = _whole("n", n)
        h = gamma - 1.0
        with np.errstate(all="ignore"):
            q = _step_slope(1 + delta, 1 + delta + n, h)
            return scalar_or_array(alpha / (alpha + beta) * delta * -q * special.exprel(h * q))

    def probability_of_purchases(self, x, n):
        """P(X(n) = x) for a new customer over n opportunities (FHS 2010, eq. 7); x, n whole numbers >= 0
        (InputError otherwise), 0 where x > n.

        P(X(n) = x) = C(n, x) B(alpha+x, beta+n-x)/B(alpha, beta) B(gamma, delta+n)/B(gamma, delta)
        + sum_{i=x}^{n-1} C(i, x) B(alpha+x, beta+i-x)/B(alpha, beta) B(gamma+1, delta+i)/B(gamma, delta);
        a probability, x transactions in n opportunities. With n = 1 these are the class's L(0, 0, 1)
        = 0.383828 x 0.809012 + 0.190988 = 0.5015 and L(1, 1, 1) = 0.616172 x 0.809012 = 0.4985 at the
        published estimates.

        >>> m = BetaGeoBetaBinom(); m.params = {"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783}
        >>> m.probability_of_purchases([0, 1, 2], 1).round(4).tolist()
        [0.5015, 0.4985, 0.0]
        """
        alpha, beta, gamma, delta = self._p("alpha", "beta", "gamma", "delta")
        x, n = np.broadcast_arrays(_whole("x", x), _whole("n", n))
        shape = x.shape
        x, n = x.ravel(), n.ravel()
        bab, bgd = special.betaln(alpha, beta), special.betaln(gamma, delta)
        with np.errstate(all="ignore"):
            log_choose = special.gammaln(n + 1) - special.gammaln(x + 1) - special.gammaln(n - x + 1)
            first = np.exp(
                log_choose + special.betaln(alpha + x, beta + n - x) - bab + special.betaln(gamma, delta + n) - bgd
            )
            i = np.arange(int(n.max()) if n.size else 0)[None, :]
            ok = (i >= x[:, None]) & (i < n[:, None])
            ic = np.where(ok, i, x[:, None])
            terms = (
                special.gammaln(ic + 1)
                - special.gammaln(x[:, None] + 1)
                - special.gammaln(ic - x[:, None] + 1)
                + special.betaln(alpha + x[:, None], beta + ic - x[:, None])
                - bab
                + special.betaln(gamma + 1, delta + ic)
                - bgd
            )
            second = np.sum(np.where(ok, np.exp(terms), 0.0), axis=1)
            out = np.where(x <= n, first + second, 0.0)
        return scalar_or_array(out.reshape(shape))
