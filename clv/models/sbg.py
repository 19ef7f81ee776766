"""Shifted-beta-geometric (sBG) model of contract renewals (Fader & Hardie 2007, "How to Project Customer
Retention", J. Interactive Marketing 21(1)); valuation from Fader & Hardie 2010, "Customer-Base Valuation
in a Contractual Setting: The Perils of Ignoring Heterogeneity", Marketing Science 29(1).

Each customer churns at the end of every period with probability theta ~ Beta(alpha, beta) across
customers. Periods are the contract's renewal periods (years, months); t counts them from 0.
- P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta), t = 1, 2, ...  (FH 2007, eq. 7)
- S(t) = B(alpha, beta + t) / B(alpha, beta)                               (FH 2007, eq. 8)
- r(t) = S(t) / S(t - 1) = (beta + t - 1) / (alpha + beta + t - 1)          (FH 2007, eq. 9)
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special

from ..errors import FitError, InputError
from .hypergeo import log_hyp2f1_a1
from .base import Model, _count, as_array, scalar_or_array, wdot


def _periods(name: str, values, first: int = 0) -> np.ndarray:
    """Period numbers as a float array: whole numbers >= ``first`` (0 or 1), or InputError naming ``name``.

    >>> _periods("t", [0, 3]).tolist()
    [0.0, 3.0]
    """
    allowed = "models.allowed.period_from_one" if first else "models.allowed.whole_non_negative"
    t = as_array(name, values, allowed)
    bad = (t != np.round(t)) | (t < first)
    if np.any(bad):
        raise InputError(name, float(t[bad].ravel()[0]), allowed)
    return t


class ShiftedBetaGeometric(Model):
    """sBG contractual retention model; params alpha, beta.

    ``fit(active)``: ``active[t]`` customers of one cohort still active at the start of period t
    (``active[0]`` is the cohort size). ``fit_cohorts`` fits several cohorts of different ages at once.

    >>> m = ShiftedBetaGeometric().fit([1000, 631, 468, 382, 326, 289, 262, 241])
    >>> round(m.params["alpha"], 3), round(m.params["beta"], 3)
    (0.704, 1.182)
    >>> round(m.retention_rate(1), 3), round(m.survival(7), 3)
    (0.627, 0.239)
    """

    name = "sbg"
    param_names = ("alpha", "beta")
    min_customers = 2

    def fit(self, active):
        """Fit to one cohort's active counts at the start of periods 0..n (FH 2007, eq. 6)."""
        return self.fit_cohorts([active])

    def fit_cohorts(self, cohorts):
        """Fit to several cohorts, each a list of active counts from its start; younger cohorts are shorter.

        Each cohort contributes the customers lost in each observed period, P(T = t), and its survivors
        at the last observed period, right-censored: S(n). Counts may be fractional (weights).
        """
        lost_t, lost_w, surv_t, surv_w = [], [], [], []
        total = 0.0
        for i, active in enumerate(cohorts):
            a = np.asarray(active, dtype=float).ravel()
            if a.size < 2:
                raise FitError("models.errors.cohort_short", cohort=i + 1, length=a.size)
            if not np.all(np.isfinite(a)) or a[0] <= 0 or np.any(a < 0) or np.any(np.diff(a) > 0):
                raise InputError(f"cohorts[{i}]", a.tolist(), "models.allowed.cohort")
            lost = -np.diff(a)
            t = np.arange(1, a.size)
            lost_t.append(t[lost > 0])
            lost_w.append(lost[lost > 0])
            if a[-1] > 0:
                surv_t.append(np.array([a.size - 1.0]))
                surv_w.append(np.array([a[-1]]))
            total += a[0]
        data = {
            "lost_t": np.concatenate(lost_t),
            "lost_w": np.concatenate(lost_w),
            "surv_t": np.concatenate(surv_t) if surv_t else np.zeros(0),
            "surv_w": np.concatenate(surv_w) if surv_w else np.zeros(0),
        }
        if total >= self.min_customers and (
            data["lost_w"].sum() == 0 or data["surv_w"].sum() == 0 and len(np.unique(data["lost_t"])) == 1
        ):
            # nobody churned, or everybody churned in the same period: heterogeneity is not identified
            raise FitError(
                "models.errors.identical",
                model=self.label,
                count=_count(total),
                history="no churn" if data["lost_w"].sum() == 0 else "all churned together",
            )
        return self._fit(data, total)

    def _loglik(self, params, data, grad=False):
        alpha, beta = params
        with np.errstate(all="ignore"):
            base = special.betaln(alpha, beta)
            ll = wdot(data["lost_w"], special.betaln(alpha + 1, beta + data["lost_t"] - 1) - base) + wdot(
                data["surv_w"], special.betaln(alpha, beta + data["surv_t"]) - base
            )
        return (float(ll), None) if grad else float(ll)

    # ------------------------------------------------------------------ predictions
    def survival(self, t):
        """S(t) = B(alpha, beta + t) / B(alpha, beta): share of a cohort still active after t periods.

        t a whole number >= 0 (InputError otherwise); a float for a scalar, else t's shape.
        """
        alpha, beta = self._p("alpha", "beta")
        t = _periods("t", t)
        return scalar_or_array(np.exp(special.betaln(alpha, beta + t) - special.betaln(alpha, beta)))

    def churn_probability(self, t):
        """P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta): share of a cohort lost in period t >= 1.

        t a whole number >= 1 (InputError otherwise); a float for a scalar, else t's shape.
        """
        alpha, beta = self._p("alpha", "beta")
        t = _periods("t", t, first=1)
        return scalar_or_array(np.exp(special.betaln(alpha + 1, beta + t - 1) - special.betaln(alpha, beta)))

    def retention_rate(self, t):
        """r(t) = (beta + t - 1) / (alpha + beta + t - 1): share of those active in period t - 1 who renew at t.

        Rises with t: the cohort is sorted, as customers prone to churn leave first. t a whole number >= 1
        (InputError otherwise); a float for a scalar, else t's shape.
        """
        alpha, beta = self._p("alpha", "beta")
        t = _periods("t", t, first=1)
        return scalar_or_array((beta + t - 1) / (alpha + beta + t - 1))

    def discounted_expected_lifetime(self, discount_rate):
        """DEL = sum_{t>=0} S(t) / (1 + d)^t = 2F1(1, beta; alpha + beta; 1/(1 + d)) (FH 2010, eq. 5).

        The expected discounted number of payments of a customer just acquired, paying at the start of
        every period (the first payment, at t = 0, is not discounted). ``discount_rate`` d is per period.
        Multiply by the margin per period for the expected discounted lifetime value.
        Returns inf when d = 0 and alpha <= 1 (expected lifetime is then infinite).
        """
        alpha, beta = self._p("alpha", "beta")
        return _del(alpha, beta, discount_rate)

    def discounted_expected_residual_lifetime(self, discount_rate, renewals):
        """DERL of a customer who has made ``renewals`` renewals (n - 1 in FH 2010, eq. 6), valued just before
        the next renewal decision:

        DERL = (beta + n - 1)/(alpha + beta + n - 1) x 2F1(1, beta + n; alpha + beta + n; 1/(1 + d)).

        The sum over t >= n of S(t)/S(n - 1) / (1 + d)^(t - n): the next payment (made if the customer
        renews) is not discounted, as in FH 2010. Returns inf when d = 0 and alpha <= 1. d finite and >= 0,
        renewals a whole number >= 0 (InputError otherwise); they broadcast, a float for scalars.
        """
        alpha, beta = self._p("alpha", "beta")
        d = as_array("discount_rate", discount_rate)
        n = _periods("renewals", renewals) + 1
        with np.errstate(all="ignore"):
            value = ((beta + n - 1) / (alpha + beta + n - 1)) * _hyp1(alpha, beta + n, d)
            value = np.where((d == 0) & (alpha <= 1), math.inf, value)
        return scalar_or_array(value)


def _hyp1(alpha: float, b, d) -> np.ndarray:
    """2F1(1, b; alpha + b; 1/(1 + d)), the sum in DEL and DERL. With d > 0 and alpha + b > 1 by Euler's
    transformation, 2F1(1, b; alpha + b; z) = (1 - z)^(alpha - 1) 2F1(alpha + b - 1, alpha; alpha + b; z)
    (Abramowitz & Stegun 15.3.3), whose c = a + 1 form ``hypergeo.log_hyp2f1_a1`` evaluates in logs, where
    scipy's hyp2f1 gives inf or NaN for large parameters (alpha = 100, beta = 0.01); at d = 0 with alpha > 1,
    Gauss's sum (alpha + b - 1) / (alpha - 1); else scipy.

    >>> round(float(_hyp1(100.0, 0.01, 0.1)), 6), round(float(_hyp1(0.704, 1.182, 0.1)), 6)
    (1.000092, 3.695147)
    """
    b, d = np.broadcast_arrays(np.asarray(b, dtype=float), np.asarray(d, dtype=float))
    a = np.full(b.shape, float(alpha))
    with np.errstate(all="ignore"):
        out = np.asarray(special.hyp2f1(1.0, b, a + b, 1.0 / (1.0 + d)), dtype=float).copy()
        at_one = (d == 0) & (a > 1)  # Gauss's sum: 2F1(1, b; a + b; 1) = (a + b - 1) / (a - 1)
        out[at_one] = (a[at_one] + b[at_one] - 1) / (a[at_one] - 1)
        use = (d > 0) & (a + b - 1 > 0) & np.isfinite(d)
        if np.any(use):
            w = d[use] / (1.0 + d[use])
            out[use] = np.exp((a[use] - 1) * np.log(w) + log_hyp2f1_a1(a[use] + b[use] - 1, a[use], 1.0 - w, w=w))
    return out


def _del(alpha: float, beta: float, discount_rate):
    d = as_array("discount_rate", discount_rate)
    with np.errstate(all="ignore"):
        value = _hyp1(alpha, beta, d)
        value = np.where((d == 0) & (alpha <= 1), math.inf, value)
    return scalar_or_array(value)
