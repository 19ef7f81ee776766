"""Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005, "RFM and CLV"; Fader & Hardie
2013, "The Gamma-Gamma Model of Monetary Value").

A customer's transaction values are Gamma(p, nu) with nu ~ Gamma(q, v) across customers; the average
zbar of x transactions then has density (per customer, FH 2013 eq. 5, in logs)
ln Gamma(px+q) - ln Gamma(px) - ln Gamma(q) + q ln v + (px-1) ln zbar + px ln x - (px+q) ln(v + x zbar).
This is the full marginal likelihood of lifetimes' ``GammaGammaFitter`` and of CLVTools (-4055.92 on the
946 CDNOW repeat buyers): the density of zbar, so ``log_likelihood``, AIC and BIC compare with theirs.
Units: zbar and v in currency; p, q have none. Fitted on repeat customers only (x > 0, zbar > 0).

A fit is refused (FitError) when the data cannot pin p and v down (spend that varies no less for
customers who buy more often: p runs off to infinity with p v fixed) or when q <= 1 (spend so
heavy-tailed that the mean spend per transaction, v p / (q - 1), is infinite).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special

from .. import fmt, i18n
from ..errors import FitError, InputError
from .base import Model, _count, as_array, broadcast_fields, by_value, scalar_or_array, wdot

MIN_CORRELATION_WARNING = 0.3  # |corr(frequency, spend)| above this casts doubt on the independence assumption


class GammaGamma(Model):
    """Gamma-Gamma spend model; params p, q, v.

    Fitted on repeat customers only: a customer without a repeat purchase (here the last) is counted in
    ``excluded``, not fitted.

    >>> m = GammaGamma().fit([1, 2, 3, 1, 5, 2, 4, 1, 2, 3, 1, 6, 0],
    ...                      [20.0, 35.0, 18.5, 60.0, 22.0, 41.0, 27.5, 15.0, 30.0, 52.0, 12.0, 25.0, 0.0])
    >>> m.n_customers, m.excluded
    (12.0, 1)

    With the published CDNOW estimates (p = 6.25, q = 3.74, v = 15.44; FHL 2005), a customer with x = 3
    repeat purchases averaging zbar = $30 is expected to spend, by the posterior mean (FH 2013, eq. 8),
    p (v + x zbar) / (p x + q - 1) = 6.25 x (15.44 + 90) / (18.75 + 2.74) = 659 / 21.49 = $30.67 a
    transaction, between the population mean v p / (q - 1) = 96.5 / 2.74 = $35.22 and their own $30.

    >>> cdnow = GammaGamma(); cdnow.params = {"p": 6.25, "q": 3.74, "v": 15.44}
    >>> round(cdnow.expected_spend(3, 30.0), 4), round(cdnow.population_mean_spend, 4)
    (30.6654, 35.219)
    """

    name = "gamma_gamma"
    param_names = ("p", "q", "v")
    not_identified_key = "models.errors.gg_not_identified"

    def fit(self, frequency, monetary_value, weights=None):
        """Fit on customers with frequency > 0 and monetary_value > 0; the others are counted in ``excluded``.

        ``monetary_value`` is each customer's average spend per repeat transaction (currency).
        Fewer than ``min_customers`` who qualify is a FitError saying how many do and how many are needed.
        """
        x = as_array("frequency", frequency, "models.allowed.whole_non_negative")
        m = as_array("monetary_value", monetary_value)
        w = np.ones(1) if weights is None else as_array("weights", weights)
        x, m, w = (a.ravel() for a in broadcast_fields(frequency=x, monetary_value=m, weights=w))
        w = w.astype(float)
        if np.any(x != np.round(x)):
            raise InputError("frequency", float(x[x != np.round(x)][0]), "models.allowed.whole_non_negative")
        keep = (x > 0) & (m > 0) & (w > 0)
        total = float(w.sum())
        self._clear()
        self.excluded = int(round(total - w[keep].sum()))
        self.total_customers = total
        x, m, w = x[keep], m[keep], w[keep]
        kept = float(w.sum())
        if kept < self.min_customers:
            if kept == 0:
                raise FitError("models.errors.no_spend", model=self.label, total=_count(total))
            key = "models.errors.few_spenders_one" if kept == 1 else "models.errors.few_spenders_many"
            raise FitError(key, model=self.label, kept=_count(kept), total=_count(total), minimum=self.min_customers)
        if np.ptp(m) == 0:
            raise FitError("models.errors.identical_spend", model=self.label, count=_count(w.sum()), value=f"{m[0]:g}")
        self.frequency_spend_correlation = _weighted_corr(x, m, w)
        xs, wx = by_value(x, w)
        data = {
            "x": x,
            "m": m,
            "w": w,
            "xs": xs,
            "wx": wx,
            "const": -float(wdot(w, np.log(m))),  # parameter-free part: -ln zbar (from (px-1) ln zbar)
            "px_terms": float(wdot(w, x * (np.log(m) + np.log(x)))),
            "W": float(w.sum()),
            "xm": x * m,
            "wxr": w * x,
            "_ws": np.empty((2, x.size)),
        }  # _ws: scratch rows (see _loglik)
        return self._fit(data, float(w.sum()))

    def _initial(self, data):
        mean = np.average(data["m"], weights=data["w"])
        return np.array([1.0, 2.0, mean])

    def _check_fitted(self):
        """q <= 1: the population's mean spend per transaction v p / (q - 1) is infinite, so customers
        without a repeat purchase (and new ones) cannot be valued: FitError models.errors.infinite_mean_spend."""
        if self.params["q"] <= 1:
            raise FitError("models.errors.infinite_mean_spend", model=self.label, q=f"{self.params['q']:.2f}")

    def _loglik(self, params, data, grad=False):
        p, q, v = params
        xs, wx = data["xs"], data["wx"]
        # rows: -sum w (px + q) ln(v + x zbar), as p sum(w x ls) + q sum(w ls) in a preallocated buffer
        ls, inv = data["_ws"]
        with np.errstate(all="ignore"):
            np.add(data["xm"], v, out=ls)
            np.log(ls, out=ls)
            sum_wxl, sum_wl = wdot(data["wxr"], ls), wdot(data["w"], ls)
            ll = (
                wdot(wx, special.gammaln(p * xs + q) - special.gammaln(p * xs))
                - data["W"] * special.gammaln(q)
                + data["W"] * q * np.log(v)
                + p * data["px_terms"]
                + data["const"]
                - p * sum_wxl
                - q * sum_wl
            )
            if not grad:
                return float(ll)
            dg = special.digamma(p * xs + q)
            np.add(data["xm"], v, out=inv)
            np.reciprocal(inv, out=inv)
            g = np.array(
                [
                    wdot(wx, xs * (dg - special.digamma(p * xs))) + data["px_terms"] - sum_wxl,
                    wdot(wx, dg) - data["W"] * special.digamma(q) + data["W"] * np.log(v) - sum_wl,
                    data["W"] * q / v - p * wdot(data["wxr"], inv) - q * wdot(data["w"], inv),
                ]
            )
        return float(ll), g

    def expected_spend(self, frequency, monetary_value):
        """E[Z | x, zbar]: conditional expected average spend per transaction (FH 2013, eq. 8; FHL 2005).

        p (v + x zbar) / (px + q - 1) = (q - 1)/(px + q - 1) x v p/(q - 1) + px/(px + q - 1) x zbar: a
        weighted mean of the population mean v p/(q - 1) and the customer's own average. Customers with
        x = 0 get the population mean. Infinite where px + q <= 1 (with x = 0: q <= 1, an infinite
        population mean; a fit never returns such a q).
        """
        p, q, v = self._p("p", "q", "v")
        x = as_array("frequency", frequency, "models.allowed.whole_non_negative")
        m = as_array("monetary_value", monetary_value)
        x, m = broadcast_fields(frequency=x, monetary_value=m)
        denominator = p * x + q - 1
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.where(denominator > 0, p * (v + x * m) / np.where(denominator > 0, denominator, 1.0), math.inf)
        return scalar_or_array(out)

    @property
    def population_mean_spend(self) -> float:
        """E[Z] = v p / (q - 1), the mean spend per transaction across customers (inf when q <= 1)."""
        p, q, v = self._p("p", "q", "v")
        return v * p / (q - 1) if q > 1 else math.inf

    def notes(self, lang: str = "en", digits: str = "western") -> list[str]:
        """Sentences for the user: customers left out, and the independence check."""
        self._require_fitted()
        out = []
        if self.excluded:
            out.append(
                i18n.text_in_digits(
                    "models.notes.gg_excluded",
                    lang,
                    digits,
                    excluded=fmt.number(self.excluded, 0, digits),
                    total=fmt.number(self.total_customers, 0, digits),
                )
            )
        out.append(
            i18n.text_in_digits(
                "models.notes.gg_correlation",
                lang,
                digits,
                value=fmt.number(self.frequency_spend_correlation, 2, digits),
            )
        )
        return out

    @property
    def independence_doubtful(self) -> bool:
        """True when |corr(frequency, spend)| exceeds MIN_CORRELATION_WARNING among the fitted customers."""
        self._require_fitted()
        return abs(self.frequency_spend_correlation) > MIN_CORRELATION_WARNING


def _weighted_corr(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> float:
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return 0.0
    mx, my = np.average(x, weights=w), np.average(y, weights=w)
    cov = np.average((x - mx) * (y - my), weights=w)
    return float(cov / math.sqrt(np.average((x - mx) ** 2, weights=w) * np.average((y - my) ** 2, weights=w)))


__all__ = ["GammaGamma"]
