"""Honest ranges on predicted value: intervals around each customer's CLV and purchases, and around the totals.

Two things make a prediction uncertain, and the ranges say which they carry:

1. The fitted parameters. A model fitted to n customers knows its parameters only to within their
   standard errors: the log-parameters are approximately N(log estimates, ``model.log_covariance``) (the
   inverse Hessian of the fit, ``clv.models.base``), independently for the transaction model and
   Gamma-Gamma (two separate fits). ``OwnAverageSpend`` has no parameters, so it adds none.
2. Purchasing itself. Even with the parameters known, a customer's count of purchases in the horizon is
   random: P(X(T, T+t] = n | history) (``BetaGeo.conditional_probability_of_purchases`` and
   ``ParetoNBD.conditional_probability_of_purchases``), and so is the spend of each purchase
   (Gamma-Gamma: z ~ Gamma(p, nu), nu ~ Gamma(px+q, v + x zbar) given the history).

What each range holds (``level`` = 0.9 gives 5% and 95% quantiles):

- ``clv_low``, ``clv_high`` (per customer): the range of the customer's *expected* value ``clv`` over the
  parameters (1 only). CLV is an expectation, so purchasing randomness does not enter it. ``clv`` itself
  is exactly ``clv.models.customer_lifetime_value``.
- ``purchases_low``, ``purchases_high`` (per customer): the range of the customer's *count* of repeat
  purchases in the horizon (1 and 2): quantiles of the conditional count distribution averaged over the
  parameters. Counts are whole numbers, so a 90% range holds at least 90% of the probability (a customer
  with P(no purchase) = 0.97 has the range 0 to 0, which holds 97%); ``attrs["expected_coverage"]`` is
  the share of customers the model expects inside their own range, the figure an observed holdout
  coverage (``interval_coverage``) is to be read against.
- ``attrs["totals"]``: purchases, revenue and margin of all the customers together (1 and 2).

How (and why this way):

- Parameter points. With L the Cholesky factor of the log-covariance (k parameters), the 2k points
  log p +- sqrt(k) L e_j are the spherical-radial cubature rule (exact for the mean of any polynomial of
  degree 3 in the log-parameters). They serve twice: the count distribution averaged over the parameters
  is the mean over the points, and with the estimate they give each quantity's slope and curvature along
  each standardised direction, c_j = (f+ - f-) / (2 sqrt(k)) and h_j = (f+ + f- - 2 f0) / k, so that
  f(xi) ~ f0 + sum_j c_j xi_j + h_j xi_j^2 / 2 with xi standard normal (second order through points at
  +-sqrt(k) sd, about where the parameters' 90% quantiles lie, rather than derivatives at the estimate).
- Per-customer CLV: ln CLV = ln spend + ln discounted purchases to second order as above (the purchases
  per distinct history, the spend per customer). Its quantiles are taken along the direction of steepest
  change u = c/|c|, where it is the one-dimensional |c| t + kappa t^2 / 2 (kappa = sum h_j u_j^2), plus the
  mean curvature across it: ln(CLV/clv) at the quantiles = (sum h - kappa)/2 + kappa z^2/2 -+ |c| z, z
  the normal quantile (kappa held within |c|/z so that the map stays monotone). Without curvature this is
  the delta method, a log-normal range. Against ``customer_lifetime_value`` re-evaluated at 8,000
  parameter draws (CDNOW, 200 customers) the ends lie within 3.5% (BG/NBD), 7.1% (Pareto/NBD) and 4.2%
  (MBG/NBD) of the exact range's width (the first-order delta method: up to 23%); tests/test_intervals.py
  keeps it under 10% with 1,000 draws. The customers furthest off are those the model thinks have
  probably left, whose value turns on P(alive).
- Totals: with the parameters fixed, customers are independent, so the total's mean and variance are the
  sums over customers of each one's conditional mean and variance. Their logs are taken to second order
  as above, ``draws`` standard-normal parameter draws give ``draws`` (mean, variance) pairs, and the
  total's distribution is the mixture of ``draws`` Gamma distributions with those moments (a Gamma, not a
  normal: a total of counts or money is never negative and is skewed to the right when few customers
  carry it; it tends to the normal as the base grows, and is crude for a handful of customers, whose
  total has a point mass at 0). The range is the mixture's quantiles (Brent's method). ``seed`` fixes the
  draws. Against the mixture of the exact moments at the same draws: within 0.3% of the estimate on CDNOW.
- Revenue is the discounted revenue of ``customer_lifetime_value`` (its total estimate is the sum of
  ``clv``). Its variance per customer is that of a sum of N purchases of random value,
  Var(S) = E[N] E[z^2] + E[N(N-1)] E[z z'] - (E[N] E[z])^2 (Gamma-Gamma: E[z^2] = p(p+1) E[nu^-2],
  E[z z'] = p^2 E[nu^-2], E[nu^-2] = (v + x zbar)^2 / ((px+q-1)(px+q-2))), times the customer's
  discount factor squared (discounted / undiscounted expected purchases): the months' discounts taken
  as one factor per customer, which is exact without discounting and, at 1% a month over a year,
  overstates the variance by 0.03% to 2% (CDNOW customers with 0 to 20 purchases, simulated); longer
  horizons or steeper discounts overstate it more. With ``OwnAverageSpend`` each purchase's value is
  fixed at the customer's expected spend. Gamma-Gamma with px + q <= 2 gives a spend of infinite
  variance: those customers count with their spend fixed, and the revenue's upper end is infinite.
  Margin is revenue x ``gross_margin``.
- Speed: everything runs once per distinct (frequency, recency, T) row (the count distribution once per
  distinct (frequency, T)), for 2k + 1 parameter points; no loop over customers or draws.
  benchmarks/bench_intervals.py measures it.

Approximations, stated: the normal law of the log-parameters (Wald; the fit's own intervals rest on it);
ln CLV and the totals' log-moments to second order in the parameters (checked against exact draws); the
Gamma shape of the total for fixed parameters (moment-matched); one discount factor per customer in the
revenue variance. Not included: that the model itself may be wrong (a seasonal holdout, customers who
influence each other). The holdouts in tests/test_intervals.py measure how much that matters: on 30 bases
drawn from the BG/NBD the 90% range of the holdout's total held it 26 times; on CDNOW (39 weeks, 1,882
repeat purchases) Pareto/NBD's range held it (92nd percentile) but BG/NBD's and MBG/NBD's did not (98th
and 99.8th), and 94.5-95.2% of customers' counts fell in their own 90% ranges, where the models expected
96.0-96.6%.
"""

from __future__ import annotations

import copy
import math
import numbers
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, special

from .. import fmt, i18n
from ..errors import InputError
from ..models import PERIODS_PER_MONTH, BetaGeo, GammaGamma, ModifiedBetaGeo, ParetoNBD, customer_lifetime_value
from ..models.base import check_horizon, check_rfm, distinct_rows
from ..models.betageo import repeat_purchases
from ..models.value import check_months
from .customers import OwnAverageSpend

LEVEL = 0.9  # default central probability of a range: 5% to 95%
DRAWS = 1000  # default parameter draws behind the totals
MAX_DRAWS = 100_000
TAIL = 1e-12  # a count distribution's tail below this (times its count) is left out of its second moment
PARETO_NODES = 20  # Gauss-Legendre nodes over the lifetime distribution in the Pareto/NBD count tails (1e-13)
BLOCK_ROWS = 4096  # distinct (frequency, T) rows whose count distributions are stepped together
TOTALS = ("purchases", "revenue", "margin")
COMPACT_UNITS = ((1e9, "intervals.billion"), (1e6, "intervals.million"), (1e3, "intervals.thousand"))


# ---------------------------------------------------------------------- public
def value_intervals(
    model,
    spend_model,
    summary: pd.DataFrame,
    months: int = 12,
    monthly_discount_rate: float = 0.01,
    freq: str = "D",
    level: float = LEVEL,
    draws: int = DRAWS,
    seed=0,
    gross_margin: float = 1.0,
) -> pd.DataFrame:
    """Each customer's CLV and purchases over the next ``months`` with their ranges, and the totals'.

    ``model`` a fitted BetaGeo, ModifiedBetaGeo or ParetoNBD; ``spend_model`` a fitted GammaGamma or an
    ``OwnAverageSpend`` (no parameters, so no parameter uncertainty from spend; each purchase's value is
    then taken as fixed at the customer's expected spend). ``summary`` has frequency, recency, T (in the
    unit ``freq``) and monetary_value, as ``customer_lifetime_value``. ``level`` in (0, 1): 0.9 gives
    5% and 95% quantiles. ``draws`` parameter draws (2..MAX_DRAWS) and ``seed`` for the totals;
    ``gross_margin`` (0..1) turns revenue into margin.

    Returns a DataFrame on the summary's index with ``clv`` (exactly ``customer_lifetime_value``: each
    month's expected purchases x expected spend, discounted at the end of the month; currency),
    ``clv_low``, ``clv_high`` (range of the expected CLV over the parameters), ``purchases`` (expected
    repeat purchases in the ``months`` x PERIODS_PER_MONTH[freq] time units), ``purchases_low``,
    ``purchases_high`` (range of the count: parameters and purchasing randomness). ``attrs``:
    ``totals`` (rows purchases, revenue, margin; columns estimate, low, high: the sums, and their ranges
    with both sources), ``level``, ``months``, ``expected_coverage`` (the share of customers the model
    expects inside their own purchases range, >= level) and ``mixtures`` (for ``total_percentile``).
    How each range is computed, and what it leaves out: the module's docstring.

    The CDNOW customer of ``BetaGeo``'s example (x 2, t_x 30.43, T 38.86 weeks, $22.35 a purchase) at
    the published BG/NBD and Gamma-Gamma estimates. Parameters taken as known (a zero covariance): the
    CLV has no range, while the purchases and the total still vary by chance alone. With a 5% standard
    error on each log-parameter of the BG/NBD, the CLV's range opens around the same estimate:

    >>> from clv.models import BetaGeo, GammaGamma
    >>> bg = BetaGeo(); bg.params = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    >>> gg = GammaGamma(); gg.params = {"p": 6.25, "q": 3.74, "v": 15.44}
    >>> bg.log_covariance, gg.log_covariance = np.zeros((4, 4)), np.zeros((3, 3))
    >>> one = pd.DataFrame({"frequency": [2], "recency": [30.43], "T": [38.86], "monetary_value": [22.35]})
    >>> out = value_intervals(bg, gg, one, months=12, freq="W")
    >>> out.iloc[0].round(4).tolist()
    [36.2892, 36.2892, 36.2892, 1.5622, 0.0, 5.0]
    >>> bg.log_covariance = np.diag([0.05**2] * 4)
    >>> value_intervals(bg, gg, one, months=12, freq="W").iloc[0, :3].round(2).tolist()
    [36.29, 34.66, 37.93]
    >>> list(out.attrs["totals"].index), list(out.attrs["totals"].columns)
    (['purchases', 'revenue', 'margin'], ['estimate', 'low', 'high'])
    """
    kind = _kind(model)
    spend_kind = _spend_kind(spend_model)
    level, draws = _check_level(level), _check_draws(draws)
    gross_margin = _check_margin(gross_margin)
    once = _alive_once(model)  # the same numbers, P(alive) computed once rather than once a month
    clv = customer_lifetime_value(
        once, spend_model, summary, months=months, monthly_discount_rate=monthly_discount_rate, freq=freq
    )
    months = check_months(months)
    factor = PERIODS_PER_MONTH[freq]
    horizons = np.arange(1, months + 1) * factor
    discounts = (1 + monthly_discount_rate) ** -np.arange(1, months + 1, dtype=float)
    x, tx, big_t = check_rfm(summary["frequency"], summary["recency"], summary["T"], history=True)
    money = summary["monetary_value"].to_numpy(dtype=float)
    rows = _Rows.of(x, tx, big_t)
    ev = _evaluate(kind, model, rows, horizons, discounts, level)

    # spend at the estimate and at the spend model's parameter points (per customer: a closed form)
    spend_points = _spend_points(spend_kind, spend_model, x, money)  # (1 + 2k_s, n)
    k_s = (len(spend_points) - 1) // 2
    spend0 = spend_points[0]

    # per-customer CLV: ln CLV to second order in the standardised parameters (transaction part per
    # distinct row, spend part per customer), its quantiles along the direction of steepest change
    slope_t, curve_t = _slopes(np.log(_floor(ev.discounted)))  # (k_t, n_rows) each
    slope_s, curve_s = _slopes(np.log(_floor(spend_points)))  # (k_s, n) each
    low, high = _curved_range(
        clv.to_numpy(dtype=float),
        np.concatenate([slope_t[:, rows.code], slope_s]),
        np.concatenate([curve_t[:, rows.code], curve_s]),
        level,
    )
    clv_values = clv.to_numpy(dtype=float)

    purchases = np.asarray(once.expected_purchases(horizons[-1], x, tx, big_t), dtype=float) * np.ones(len(x))
    frame = pd.DataFrame(
        {
            "clv": clv_values,
            "clv_low": low,
            "clv_high": high,
            "purchases": purchases,
            "purchases_low": ev.q_low[rows.code].astype(float),
            "purchases_high": ev.q_high[rows.code].astype(float),
        },
        index=summary.index,
    )

    # totals: per-point sums of each customer's conditional mean and variance, then a Gamma mixture
    rng = np.random.default_rng(seed)
    k_t = (ev.mean.shape[0] - 1) // 2
    xi = rng.standard_normal((draws, k_t + k_s))
    w = rows.weight
    count_means, count_vars = ev.mean @ w, ev.variance @ w
    purchase_mix = _mixture(count_means, count_vars, xi[:, :k_t], purchases.sum())

    # revenue: the estimate, the transaction points at the spend estimate, the spend points at the
    # transaction estimate (the order _slopes reads: estimate, then +/- pairs)
    moments = _spend_moments(spend_kind, spend_model, x, money)  # (1 + 2k_s, 3, n): E[z], E[z^2], E[z z']
    c = rows.code
    rev_means = np.concatenate([ev.discounted[:, c] @ spend0, spend_points[1:] @ ev.discounted[0, c]])
    rev_vars = [_revenue_variance(ev, j, c, moments[0]) for j in range(2 * k_t + 1)]
    rev_vars += [_revenue_variance(ev, 0, c, moments[j]) for j in range(1, 2 * k_s + 1)]
    unbounded = not np.all(np.isfinite(moments[0]))
    revenue_mix = _mixture(rev_means, np.array(rev_vars), xi, float(clv_values.sum()), unbounded)
    margin_mix = _Mixture(revenue_mix.means * gross_margin, revenue_mix.variances * gross_margin**2, unbounded)

    totals = pd.DataFrame(
        [
            [purchases.sum(), *purchase_mix.interval(level)],
            [clv_values.sum(), *revenue_mix.interval(level)],
            [clv_values.sum() * gross_margin, *margin_mix.interval(level)],
        ],
        index=pd.Index(TOTALS, name="total"),
        columns=["estimate", "low", "high"],
    )
    frame.attrs.update(
        {
            "totals": totals,
            "level": level,
            "months": months,
            "expected_coverage": float(ev.coverage[rows.code].mean()) if len(x) else 1.0,
            "mixtures": {"purchases": purchase_mix, "revenue": revenue_mix, "margin": margin_mix},
        }
    )
    return frame


def purchase_intervals(
    model, summary: pd.DataFrame, t, level: float = LEVEL, draws: int = DRAWS, seed=0
) -> pd.DataFrame:
    """Each customer's repeat purchases in the next ``t`` time units (the summary's unit) with a range,
    and the total's: ``value_intervals`` without money, for any horizon (a holdout of 273 days).

    Columns ``purchases`` (``model.expected_purchases(t, ...)``), ``purchases_low``, ``purchases_high``;
    ``attrs["totals"]`` has the row purchases (estimate, low, high); ``attrs`` also ``level``, ``t``,
    ``expected_coverage`` and ``mixtures`` as ``value_intervals``.

    The customer of ``BetaGeo``'s example at the published estimates, parameters taken as known: the
    range is read off the conditional distribution, P(X <= n) = 0.4454, 0.6847, 0.8289, 0.9097, 0.9533
    for n = 0..4 (``BetaGeo.conditional_probability_of_purchases``): 0 is the first n with P(X <= n) >=
    5%, 4 the first with >= 95%, and the range holds 95.33%:

    >>> from clv.models import BetaGeo
    >>> bg = BetaGeo(); bg.params = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    >>> bg.log_covariance = np.zeros((4, 4))
    >>> one = pd.DataFrame({"frequency": [2], "recency": [30.43], "T": [38.86]})
    >>> out = purchase_intervals(bg, one, 39)
    >>> out.iloc[0].round(4).tolist(), round(out.attrs["expected_coverage"], 4)
    ([1.226, 0.0, 4.0], 0.9533)
    """
    kind = _kind(model)
    level, draws = _check_level(level), _check_draws(draws)
    horizon = check_horizon("t", t)
    if horizon.ndim != 0:
        raise InputError("t", _preview(t), "models.allowed.horizon")
    missing = [col for col in ("frequency", "recency", "T") if col not in summary.columns]
    if missing:
        raise InputError("summary", list(summary.columns), "models.allowed.columns", columns="frequency, recency, T")
    x, tx, big_t = check_rfm(summary["frequency"], summary["recency"], summary["T"], history=True)
    rows = _Rows.of(x, tx, big_t)
    ev = _evaluate(kind, model, rows, np.array([float(horizon)]), np.ones(1), level)
    purchases = np.asarray(model.expected_purchases(float(horizon), x, tx, big_t), dtype=float) * np.ones(len(x))
    frame = pd.DataFrame(
        {
            "purchases": purchases,
            "purchases_low": ev.q_low[rows.code].astype(float),
            "purchases_high": ev.q_high[rows.code].astype(float),
        },
        index=summary.index,
    )
    k_t = (ev.mean.shape[0] - 1) // 2
    xi = np.random.default_rng(seed).standard_normal((draws, k_t))
    mix = _mixture(ev.mean @ rows.weight, ev.variance @ rows.weight, xi, purchases.sum())
    totals = pd.DataFrame(
        [[purchases.sum(), *mix.interval(level)]],
        index=pd.Index(["purchases"], name="total"),
        columns=["estimate", "low", "high"],
    )
    frame.attrs.update(
        {
            "totals": totals,
            "level": level,
            "t": float(horizon),
            "expected_coverage": float(ev.coverage[rows.code].mean()) if len(x) else 1.0,
            "mixtures": {"purchases": mix},
        }
    )
    return frame


def interval_coverage(frame: pd.DataFrame, actual) -> float:
    """The share of customers whose actual count of purchases lies in their own range
    [purchases_low, purchases_high] of ``frame`` (from ``value_intervals`` or ``purchase_intervals``).

    ``actual``: one count >= 0 per customer, a Series on the frame's index (any order) or an array
    in the frame's order. Read it against ``frame.attrs["expected_coverage"]``, the share the model itself
    expects (at least the level, as counts are whole numbers).

    >>> f = pd.DataFrame({"purchases_low": [0.0, 1.0, 0.0], "purchases_high": [0.0, 4.0, 2.0]})
    >>> interval_coverage(f, [0, 5, 2])
    0.6666666666666666
    """
    if not {"purchases_low", "purchases_high"} <= set(frame.columns):
        raise InputError("frame", list(frame.columns), "intervals.allowed.frame")
    if isinstance(actual, pd.Series):
        if not actual.index.sort_values().equals(frame.index.sort_values()):
            raise InputError("actual", _preview(actual), "intervals.allowed.actual", count=len(frame))
        actual = actual.reindex(frame.index)
    values = np.asarray(actual, dtype=float).ravel()
    if values.shape != (len(frame),) or not np.all(np.isfinite(values)) or np.any(values < 0):
        raise InputError("actual", _preview(actual), "intervals.allowed.actual", count=len(frame))
    if len(frame) == 0:
        return 1.0
    inside = (values >= frame["purchases_low"].to_numpy()) & (values <= frame["purchases_high"].to_numpy())
    return float(inside.mean())


def total_percentile(frame: pd.DataFrame, value: float, what: str = "purchases") -> float:
    """Where ``value`` lies in the predicted distribution of a total: P(total <= value), 0..1.

    ``frame`` from ``value_intervals`` or ``purchase_intervals``; ``what`` one of its totals. Reads
    ``frame.attrs["mixtures"]``. A holdout's actual total at 0.5 is where the model put its median; below
    0.05 or above 0.95 it lies outside the 90% range.
    """
    mixtures = frame.attrs.get("mixtures")
    if not isinstance(mixtures, dict) or what not in mixtures:
        raise InputError("what", what, "intervals.allowed.what", totals=", ".join(mixtures or TOTALS))
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise InputError("value", value, "allowed.non_negative")
    return mixtures[what].cdf(float(value))


def totals_sentence(
    frame: pd.DataFrame,
    what: str = "revenue",
    months: int = 12,
    lang: str = "en",
    currency: str = "$",
    digits: str = "western",
) -> str:
    """A plain sentence with a total's range, e.g. "the next 12 months should bring $1.9M–$2.2M from these
    customers (90%)", from ``frame.attrs["totals"]`` (``value_intervals``).

    ``what``: "revenue", "margin" (money in ``currency``) or "purchases" (a count). Amounts are shortened
    to thousands (K), millions (M) or billions (B), with enough decimals that the two ends differ;
    ``digits="arabic"`` writes Arabic-Indic digits.

    >>> totals = pd.DataFrame({"estimate": [2.05e6], "low": [1.93e6], "high": [2.21e6]}, index=["revenue"])
    >>> f = pd.DataFrame(); f.attrs.update(totals=totals, level=0.9)
    >>> totals_sentence(f)
    'the next 12 months should bring $1.9M–$2.2M from these customers (90%)'
    >>> f.attrs["totals"] = pd.DataFrame({"estimate": [2.05e6], "low": [1.93e6], "high": [math.inf]}, index=["revenue"])
    >>> totals_sentence(f)
    'the next 12 months should bring at least $1.9M from these customers (90%); the spend data put no upper limit on it'
    >>> f.attrs["totals"] = totals
    >>> totals_sentence(f, lang="ar", digits="arabic")
    'من المتوقع أن يجلب هؤلاء العملاء ما بين $١٫٩ مليون و$٢٫٢ مليون خلال الأشهر القادمة (عدد الأشهر: ١٢)، بثقة ٩٠%'
    """
    totals = frame.attrs.get("totals")
    if not isinstance(totals, pd.DataFrame) or not {"low", "high"} <= set(totals.columns):
        raise InputError("frame", list(frame.columns), "intervals.allowed.frame")
    if what not in totals.index:
        raise InputError("what", what, "intervals.allowed.what", totals=", ".join(map(str, totals.index)))
    months = check_months(months)
    low, high = float(totals.loc[what, "low"]), float(totals.loc[what, "high"])
    level = float(frame.attrs.get("level", LEVEL))
    money = what != "purchases"
    low_text, high_text = _compact_pair(low, high, lang, digits, currency if money else None)
    key = f"intervals.{what}_{'one' if months == 1 else 'many'}"
    if not math.isfinite(high):  # spend with no finite variance (Gamma-Gamma q <= 2): no upper end to give
        key += "_open"
    return i18n.text_in_digits(
        key,
        lang,
        digits,
        low=low_text,
        high=high_text,
        months=fmt.number(months, 0, digits),
        level=fmt.percent(level, _level_decimals(level), digits),
    )


# ---------------------------------------------------------------------- checks
def _kind(model) -> str:
    if isinstance(model, ParetoNBD):
        kind = "pareto"
    elif isinstance(model, ModifiedBetaGeo):
        kind = "mbg"
    elif isinstance(model, BetaGeo):
        kind = "bg"
    else:
        raise InputError("model", type(model).__name__, "models.allowed.transaction_model")
    model._require_fitted()
    if model.log_covariance is None:
        raise InputError("model", f"{type(model).__name__} without a fit", "intervals.allowed.fitted")
    return kind


def _spend_kind(spend_model) -> str:
    if isinstance(spend_model, OwnAverageSpend):
        return "own"
    if isinstance(spend_model, GammaGamma):
        spend_model._require_fitted()
        if spend_model.log_covariance is None:
            raise InputError("spend_model", f"{type(spend_model).__name__} without a fit", "intervals.allowed.fitted")
        return "gg"
    raise InputError("spend_model", type(spend_model).__name__, "intervals.allowed.spend_model")


def _check_level(level) -> float:
    if isinstance(level, bool) or not isinstance(level, numbers.Real) or not 0 < level < 1:
        raise InputError("level", level, "intervals.allowed.level")
    return float(level)


def _check_draws(draws) -> int:
    if (
        isinstance(draws, bool)
        or not isinstance(draws, numbers.Real)
        or not math.isfinite(draws)
        or draws != round(draws)
        or not 2 <= draws <= MAX_DRAWS
    ):
        raise InputError("draws", draws, "intervals.allowed.draws", high=f"{MAX_DRAWS:,}")
    return int(draws)


def _check_margin(gross_margin) -> float:
    if isinstance(gross_margin, bool) or not isinstance(gross_margin, numbers.Real) or not 0 <= gross_margin <= 1:
        raise InputError("gross_margin", gross_margin, "allowed.fraction")
    return float(gross_margin)


def _preview(values) -> str:
    text = repr(values)
    return text if len(text) <= 40 else text[:37] + "..."


# ---------------------------------------------------------------------- distinct histories
@dataclass(frozen=True)
class _Rows:
    """Distinct (x, t_x, T) rows (``x``, ``tx``, ``T``; ``code`` maps each customer to one; ``weight``
    counts customers per row) and within them the distinct (x, T) pairs (``pair`` maps each row to one;
    ``px``, ``pT``), on which the count distribution of a customer alive at T depends."""

    x: np.ndarray
    tx: np.ndarray
    T: np.ndarray
    code: np.ndarray
    weight: np.ndarray
    pair: np.ndarray
    px: np.ndarray
    pT: np.ndarray

    @classmethod
    def of(cls, x, tx, big_t):
        x, tx, big_t = (np.ravel(a).astype(float) for a in (x, tx, big_t))
        if x.size == 0:
            empty = np.zeros(0)
            return cls(
                empty, empty, empty, np.zeros(0, dtype=np.int64), empty, np.zeros(0, dtype=np.int64), empty, empty
            )
        code, idx = distinct_rows(x, tx, big_t)
        rx, rtx, rt = x[idx], tx[idx], big_t[idx]
        pair, pidx = distinct_rows(rx, rt)
        weight = np.bincount(code, minlength=idx.size).astype(float)
        return cls(rx, rtx, rt, code, weight, pair, rx[pidx], rt[pidx])


# ---------------------------------------------------------------------- the model at its parameter points
def _param_points(model) -> np.ndarray:
    """Natural parameters at the estimate (row 0) and at the 2k cubature points log p +- sqrt(k) L e_j
    (rows 2j+1, 2j+2), L the Cholesky factor of ``model.log_covariance``."""
    theta = np.log([model.params[name] for name in model.param_names])
    k = theta.size
    cov = (model.log_covariance + model.log_covariance.T) / 2
    try:
        root = np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:  # numerically semi-definite: the symmetric square root
        eig, vec = np.linalg.eigh(cov)
        root = vec * np.sqrt(np.clip(eig, 0.0, None))
    steps = math.sqrt(k) * root.T  # row j: sqrt(k) L e_j
    points = [theta]
    for step in steps:
        points += [theta + step, theta - step]
    return np.exp(np.array(points))


def _at(model, params: np.ndarray):
    """A copy of ``model`` with other parameters (its predictions read ``params`` only)."""
    other = copy.copy(model)
    other.params = dict(zip(model.param_names, map(float, params)))
    return other


def _alive_once(model):
    """A copy of ``model`` that keeps its last P(alive): ``expected_purchases`` asks for it at every horizon
    of the same customers (twelve times for a year's CLV), and for Pareto/NBD each costs two Gauss
    hypergeometric functions per customer. The numbers are the model's own, bit for bit."""
    other = copy.copy(model)
    kept = {}

    def p_alive(frequency, recency, T):
        arrays = [np.asarray(a, dtype=float) for a in (frequency, recency, T)]
        key = tuple((a.shape, a.tobytes()) for a in arrays)
        if kept.get("key") != key:
            kept["key"], kept["value"] = key, model.p_alive(*arrays)
        return kept["value"]

    other.p_alive = p_alive
    return other


def _slopes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Slopes and curvatures along the k standardised parameter directions, from values f at the estimate
    and the 2k points (rows 0, then +/- pairs at +-sqrt(k)): c = (f+ - f-) / (2 sqrt(k)) and
    h = (f+ + f- - 2 f0) / k, so that f(xi) ~ f0 + sum_j c_j xi_j + h_j xi_j^2 / 2; shapes (k, ...)."""
    k = (values.shape[0] - 1) // 2
    if k == 0:
        empty = np.zeros((0,) + values.shape[1:])
        return empty, empty
    with np.errstate(invalid="ignore"):
        slope = (values[1::2] - values[2::2]) / (2 * math.sqrt(k))
        curve = (values[1::2] + values[2::2] - 2 * values[0]) / k
    return np.where(np.isfinite(slope), slope, 0.0), np.where(np.isfinite(curve), curve, 0.0)


def _curved_range(estimate: np.ndarray, slope: np.ndarray, curve: np.ndarray, level: float):
    """The range of estimate x exp(Q), Q = sum_j c_j xi_j + h_j xi_j^2 / 2, xi standard normal (columns:
    one quantity each). Along u = c/|c|, Q is the one-dimensional |c| t + kappa t^2 / 2, kappa =
    sum h_j u_j^2, and across it adds on average (sum h_j - kappa) / 2, so its quantiles are taken as
    (sum h - kappa)/2 + |c| z + kappa z^2 / 2 at z = -+ the normal quantile, kappa held within |c|/z so
    that the map stays monotone. With h = 0 this is the delta method (a log-normal range)."""
    z = special.ndtri(0.5 + level / 2)
    norm2 = np.sum(slope**2, axis=0)
    norm = np.sqrt(norm2)
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = np.where(norm2 > 0, np.sum(curve * slope**2, axis=0) / norm2, 0.0)
    kappa = np.clip(kappa, -norm / z, norm / z)
    shift = (np.sum(curve, axis=0) - kappa) / 2 + kappa * z * z / 2
    with np.errstate(over="ignore", invalid="ignore"):
        low = estimate * np.exp(np.minimum(shift - norm * z, 700.0))
        high = estimate * np.exp(np.minimum(shift + norm * z, 700.0))
    positive = estimate > 0
    return np.where(positive, low, 0.0), np.where(positive, high, 0.0)


def _floor(values: np.ndarray) -> np.ndarray:
    """Values floored at the smallest normal double (their logs stay finite)."""
    return np.maximum(values, np.finfo(float).tiny)


@dataclass(frozen=True)
class _Evaluation:
    """Per distinct (x, t_x, T) row, at the estimate (row 0) and the 2k parameter points: ``discounted``
    purchases (sum over the horizons of each one's expected purchases x its discount), ``mean`` and
    ``variance`` of the count at the last horizon; and, over the points' mixture, the count range
    ``q_low``..``q_high`` and the probability ``coverage`` it holds."""

    discounted: np.ndarray
    mean: np.ndarray
    variance: np.ndarray
    factorial: np.ndarray  # E[X(X-1)] at the last horizon
    q_low: np.ndarray
    q_high: np.ndarray
    coverage: np.ndarray


def _evaluate(kind, model, rows: _Rows, horizons: np.ndarray, discounts: np.ndarray, level: float) -> _Evaluation:
    points = _param_points(model)
    n_points, n_rows, n_pairs = len(points), rows.x.size, rows.px.size
    means = np.empty((n_points, horizons.size, n_pairs))  # a customer alive at T: E[X(T, T+t_k]]
    if kind == "pareto":  # its 2F1 terms once per distinct (x, t_x) and (x, T) pair
        alive = model.p_alive_at(points, rows.x, rows.tx, rows.T) if n_rows else np.zeros((n_points, 0))
    else:
        alive = np.array([np.asarray(_at(model, p).p_alive(rows.x, rows.tx, rows.T), dtype=float) for p in points])
        alive = alive.reshape(n_points, n_rows)
    for j, params in enumerate(points):
        means[j] = _alive_means(kind, params, rows.px, rows.pT, horizons)
    steps = np.diff(means, axis=1, prepend=0.0)  # expected purchases in each month
    discounted = alive * np.einsum("k,pkn->pn", discounts, steps)[:, rows.pair]
    horizon = float(horizons[-1])
    last = means[:, -1, :]
    tails = _CountTails(kind, points, rows, horizon, level, alive)
    if kind == "pareto":
        factorial_alive = _pareto_factorial(points, rows.px, rows.pT, horizon)
    else:
        factorial_alive = tails.factorial
    mean = alive * last[:, rows.pair]
    factorial = alive * factorial_alive[:, rows.pair]
    variance = np.maximum(factorial + mean - mean**2, 0.0)
    return _Evaluation(discounted, mean, variance, factorial, tails.q_low, tails.q_high, tails.coverage)


def _alive_means(kind, params, x, big_t, horizons) -> np.ndarray:
    """E[X(T, T+t]] of a customer alive at T, for each horizon t (rows) and (x, T) pair (columns): the
    posterior parameters in the new-customer formula (BG/NBD: FHL 2005 eq. 9 with r+x, alpha+T, b+x;
    MBG/NBD: b+x+1; Pareto/NBD: FH 2005 note eq. 41 without P(alive))."""
    t = horizons[:, None]
    if kind == "pareto":
        r, alpha, s, beta = params
        with np.errstate(all="ignore"):
            log_q = -np.log1p(t / (beta + big_t))
            growth = -log_q if s == 1 else -np.expm1((s - 1) * log_q) / (s - 1)
            return (r + x) * (beta + big_t) / (alpha + big_t) * growth
    r, alpha, a, b = params
    shift = 1.0 if kind == "mbg" else 0.0
    return np.asarray(repeat_purchases(t, r + x, alpha + big_t, a, b + x + shift), dtype=float)


def _pareto_factorial(points, x, big_t, t: float) -> np.ndarray:
    """E[X(X-1)] of a Pareto/NBD customer alive at T over the next t: E[lambda^2] E[min(tau, t)^2] with
    lambda ~ Gamma(r+x, alpha+T), tau ~ Exp(mu), mu ~ Gamma(s, beta+T) independent:
    (r+x)(r+x+1)/(alpha+T)^2 x 2 beta'^2 [E(2-s) - E(1-s)], E(c) = (e^(c L) - 1)/c, L = ln(1 + t/beta'),
    from E[min(tau, t)^2] = int_0^t 2u (beta'/(beta'+u))^s du."""
    out = np.empty((len(points), x.size))
    for j, (r, alpha, s, beta) in enumerate(points):
        b_post = beta + big_t
        big_l = np.log1p(t / b_post)

        def e(c):
            return big_l if c == 0 else np.expm1(c * big_l) / c

        with np.errstate(all="ignore"):
            out[j] = (r + x) * (r + x + 1) / (alpha + big_t) ** 2 * 2 * b_post**2 * (e(2 - s) - e(1 - s))
    return out


class _CountTails:
    """The count distribution of each distinct (x, T) pair alive at T, stepped n = 1, 2, ... through
    S(n) = P(X >= n) at every parameter point, and from it, per distinct (x, t_x, T) row, the range of
    the count averaged over the 2k points, P(X* >= n) = mean_j P_j(alive) S_j(n):
    q_low = #{n >= 1: P(X* >= n) > 1 - lower}, q_high = #{n >= 1: P(X* >= n) > 1 - upper} (the smallest
    n with P(X* <= n) >= the quantile), and the probability it holds, P(X* >= q_low) - P(X* >= q_high+1).

    BG/NBD and MBG/NBD (``factorial`` also: E[X(X-1)] = sum 2(n-1) S(n), stepped to a tail under TAIL):
    S(n) = B(a, b'+n-1)/B(a, b') P(NB(r', z) >= n), z = t/(alpha'+t) (a customer makes n purchases or more
    by surviving n-1 of them and buying n times). Pareto/NBD: S(n) = E[P(NB(r', z(min(tau, t))) >= n)]
    over the lifetime tau, as (beta'/(beta'+t))^s P(NB(r', z(t)) >= n) plus a Gauss-Legendre sum
    (PARETO_NODES) over the lifetime's distribution function G on [0, G(t)]. The negative binomial tails
    step by P(NB >= n+1) = P(NB >= n) - NB(n), NB(n) in logs (no underflow for heavy buyers), and past
    the mode are capped by the geometric bound NB(n) / (1 - ratio).
    """

    def __init__(self, kind, points, rows: _Rows, t: float, level: float, alive: np.ndarray):
        n_points, n_rows, n_pairs = len(points), rows.x.size, rows.px.size
        self.q_low = np.zeros(n_rows, dtype=np.int64)
        self.q_high = np.zeros(n_rows, dtype=np.int64)
        self.coverage = np.ones(n_rows)
        self.factorial = np.zeros((n_points, n_pairs))
        if n_rows == 0 or t == 0:
            return
        k = (n_points - 1) // 2
        # BG/NBD and MBG/NBD step every point (the variance at each is needed); Pareto/NBD's variance has a
        # closed form, so only the 2k points of the mixture are stepped
        self._moments = kind != "pareto"
        self._used = np.arange(n_points) if self._moments or not k else np.arange(1, n_points)
        weights = np.r_[0.0, np.full(2 * k, 1.0 / (2 * k))] if k else np.ones(1)
        self._weights = weights[self._used]
        self._kind, self._points, self._t, self._rows = kind, points[self._used], t, rows
        self._upper = 1 - (0.5 + level / 2)  # P(X* >= n) above this: n <= q_high
        self._lower = 1 - (0.5 - level / 2)  # P(X* >= n) above this: n <= q_low
        order = np.argsort(rows.pair, kind="stable")  # rows grouped by their (x, T) pair
        cuts = np.searchsorted(rows.pair[order], list(range(0, n_pairs, BLOCK_ROWS)) + [n_pairs])
        for b, start in enumerate(range(0, n_pairs, BLOCK_ROWS)):
            members = order[cuts[b] : cuts[b + 1]]
            self._block(start, min(start + BLOCK_ROWS, n_pairs), members, alive[np.ix_(self._used, members)])

    def _block(self, start: int, stop: int, members: np.ndarray, alive: np.ndarray):
        rows = self._rows
        tails = _Tails(self._kind, self._points, rows.px[start:stop], rows.pT[start:stop], self._t)
        pair_of = rows.pair[members] - start  # each member row's pair within the block
        open_low = np.ones(members.size, dtype=bool)
        previous = np.ones(members.size)  # P(X* >= n-1)
        active = np.arange(members.size)  # member rows still counting towards q_high
        live = np.arange(stop - start)  # pairs stepped (some may no longer be needed: see below)
        survival_all = np.zeros((len(self._points), stop - start))
        n = 1
        while True:
            survival = tails.survival()  # (points, live pairs): P(X_alive >= n)
            if self._moments:
                self.factorial[self._used[:, None], start + live] += 2 * (n - 1) * survival
            survival_all[:, live] = survival
            mixed = np.einsum("p,pc,pc->c", self._weights, alive[:, active], survival_all[:, pair_of[active]])
            low = open_low[active] & (mixed <= self._lower)
            self.q_low[members[active[low]]] = n - 1
            self.coverage[members[active[low]]] = previous[active[low]]
            open_low[active[low]] = False
            high = mixed <= self._upper
            self.q_high[members[active[high]]] = n - 1
            self.coverage[members[active[high]]] -= mixed[high]
            previous[active] = mixed
            active = active[~high]
            needed = np.zeros(stop - start, dtype=bool)
            needed[pair_of[active]] = True
            keep = needed[live]
            if self._moments:
                keep |= np.max(tails.bound(), axis=0) * 2 * n >= TAIL
            if not keep.any():
                break
            if keep.sum() < 0.75 * keep.size:  # copy the arrays only when a quarter of them is idle
                tails.keep(keep)
                live = live[keep]
            tails.advance()
            n += 1


class _Tails:
    """S(n) = P(X >= n), n = 1, 2, ..., for customers alive at 0 with the posterior parameters of (x, T)
    pairs at each parameter point (see ``_CountTails``); arrays (points, pairs[, nodes]).

    The negative binomial's ln NB(n) steps by ln((r+n)/(n+1)) + ln z and its tail by subtracting NB(n):
    exact to rounding (an absolute 1e-16 a step), which is all a quantile at 5% or 95% needs."""

    def __init__(self, kind, points, x, big_t, t):
        self.n = 1
        p = points.T[:, :, None]  # (4, points, 1)
        if kind == "pareto":
            r, alpha, s, beta = p
            r_post, a_post, b_post = (r + x)[..., None], (alpha + big_t)[..., None], (beta + big_t)[..., None]
            nodes, gl = np.polynomial.legendre.leggauss(PARETO_NODES)
            s = s[..., None]
            with np.errstate(all="ignore"):
                log_stay = -s * np.log1p(t / b_post)  # ln P(lifetime > t), (points, pairs, 1)
                dead = -np.expm1(log_stay)  # G(t)
                v = dead * (nodes + 1) / 2  # points of [0, G(t)], the lifetime's distribution function
                tau = np.concatenate([b_post * np.expm1(-np.log1p(-v) / s), np.broadcast_to(t, dead.shape)], axis=-1)
                self.w = np.concatenate([dead * gl / 2, np.exp(log_stay)], axis=-1)  # sums to 1 over nodes
                self.log_z = np.log(tau / (a_post + tau))
                log_1mz = -np.log1p(tau / a_post)
            self.r = r_post  # (points, pairs, 1)
            self.beta_ratio = None
        else:
            r, alpha, a, b = p
            shift = 1.0 if kind == "mbg" else 0.0
            self.r = r + x + 0 * big_t
            a_post = alpha + big_t
            with np.errstate(all="ignore"):
                self.log_z = np.log(t / (a_post + t))
                log_1mz = -np.log1p(t / a_post)
            self.a = a + 0 * self.r
            self.b = b + x + shift + 0 * self.r
            self.beta_ratio = np.ones_like(self.r)  # B(a, b'+n-1)/B(a, b') at n = 1
            self.w = None
        with np.errstate(all="ignore"):
            log_nb0 = self.r * log_1mz  # ln NB(0)
            self.tail = -np.expm1(log_nb0)  # P(NB >= 1)
            self.log_nb = log_nb0 + np.log(self.r) + self.log_z  # ln NB(1)

    def survival(self) -> np.ndarray:
        if self.w is not None:
            return np.einsum("...q,...q->...", self.w, self.tail)
        return self.beta_ratio * self.tail

    def bound(self) -> np.ndarray:
        """An upper bound of S(n) free of the tail's rounding (BG/NBD and MBG/NBD): the tail capped by
        NB(n) / (1 - c) once the ratios NB(m+1)/NB(m) = (r+m)/(m+1) z, m >= n, are all below c < 1 (with
        r >= 1 they fall with m, so c is the current one past the mode; with r < 1 they rise towards z)."""
        n = self.n
        with np.errstate(all="ignore"):
            log_ratio = np.where(self.r < 1, self.log_z, np.log((self.r + n) / (n + 1)) + self.log_z)
            cap = np.exp(self.log_nb) / -np.expm1(log_ratio)
            return self.beta_ratio * np.where(log_ratio < 0, np.minimum(self.tail, cap), self.tail)

    def advance(self):
        n = self.n
        with np.errstate(all="ignore"):
            self.tail -= np.exp(self.log_nb)
            np.maximum(self.tail, 0.0, out=self.tail)
            self.log_nb += np.log((self.r + n) / (n + 1)) + self.log_z
            if self.beta_ratio is not None:
                self.beta_ratio *= (self.b + n - 1) / (self.a + self.b + n - 1)
        self.n = n + 1

    def keep(self, mask: np.ndarray):
        for name in ("r", "log_z", "log_nb", "tail", "w", "beta_ratio", "a", "b"):
            value = getattr(self, name, None)
            if value is not None:
                setattr(self, name, value[:, mask])


# ---------------------------------------------------------------------- spend
def _spend_points(spend_kind, spend_model, x, money) -> np.ndarray:
    """Expected spend per purchase of each customer at the estimate (row 0) and, for Gamma-Gamma, at its
    2k parameter points: p (v + x zbar) / (px + q - 1) (FH 2013, eq. 8)."""
    if spend_kind == "own":
        return np.asarray(spend_model.expected_spend(x, money), dtype=float)[None, :] * np.ones((1, x.size))
    points = _param_points(spend_model)
    return np.array([np.asarray(_at(spend_model, p).expected_spend(x, money), dtype=float) for p in points])


def _spend_moments(spend_kind, spend_model, x, money) -> np.ndarray:
    """Per customer, at the estimate and the spend points: E[z], E[z^2] and E[z z'] (two purchases of the
    same customer), shape (points, 3, n). Gamma-Gamma: z ~ Gamma(p, nu), nu ~ Gamma(px+q, v + x zbar), so
    E[z] = p A/(Q-1), E[nu^-2] = A^2/((Q-1)(Q-2)), E[z^2] = p(p+1) E[nu^-2], E[z z'] = p^2 E[nu^-2],
    A = v + x zbar, Q = px + q; infinite where Q <= 2 (then the spend's variance is). ``OwnAverageSpend``:
    each purchase worth the customer's expected spend m (m, m^2, m^2)."""
    if spend_kind == "own":
        m = _spend_points(spend_kind, spend_model, x, money)[0]
        return np.stack([m, m**2, m**2])[None]
    out = []
    mx = np.where(x > 0, x * money, 0.0)
    for p, q, v in _param_points(spend_model):
        big_a, big_q = v + mx, p * x + q
        with np.errstate(divide="ignore", invalid="ignore"):
            inv2 = np.where(big_q > 2, big_a**2 / ((big_q - 1) * (big_q - 2)), math.inf)
            mean = p * big_a / (big_q - 1)
        out.append(np.stack([mean, p * (p + 1) * inv2, p * p * inv2]))
    return np.array(out)


def _revenue_variance(ev: _Evaluation, j: int, code: np.ndarray, moments: np.ndarray) -> float:
    """Sum over customers of Var(discounted revenue) at transaction point j: f^2 (E[N] E[z^2] +
    E[N(N-1)] E[z z'] - E[N]^2 E[z]^2), f = discounted / undiscounted expected purchases. Customers whose
    spend variance is infinite (Gamma-Gamma with px + q <= 2) count with their spend fixed at its mean
    (the total's upper end is then unbounded: ``_Mixture.unbounded``)."""
    mean, factorial, discounted = ev.mean[j, code], ev.factorial[j, code], ev.discounted[j, code]
    ez, ez2, ezz = moments
    fixed = ~np.isfinite(ez2)
    ez2, ezz = np.where(fixed, ez**2, ez2), np.where(fixed, ez**2, ezz)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(mean > 0, discounted / mean, 1.0)
    spread = mean * ez2 + factorial * ezz - mean**2 * ez**2
    return float(np.sum(factor**2 * np.maximum(spread, 0.0)))


# ---------------------------------------------------------------------- a total's distribution
@dataclass(frozen=True)
class _Mixture:
    """A total's distribution: the mean of Gamma distributions with these ``means`` and ``variances``
    (one per parameter draw; a point mass where the variance or the mean is 0). ``unbounded``: the spend
    model gives the total an infinite variance, so its upper end is infinite."""

    means: np.ndarray = field(repr=False)
    variances: np.ndarray = field(repr=False)
    unbounded: bool = False

    def _shapes(self):
        m, v = self.means, self.variances
        spread = (m > 0) & (v > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            shape = np.where(spread, m * m / v, 1.0)
            scale = np.where(spread, v / m, 1.0)
        return spread, shape, scale

    def cdf(self, value: float) -> float:
        """P(total <= value)."""
        spread, shape, scale = self._shapes()
        inside = special.gammainc(shape, max(value, 0.0) / scale)
        return float(np.mean(np.where(spread, inside, self.means <= value)))

    def quantile(self, p: float) -> float:
        spread, shape, scale = self._shapes()
        ends = np.where(spread, special.gammaincinv(shape, p) * scale, self.means)
        # every component's quantile brackets the mixture's; widened by a hair, as gammainc and gammaincinv
        # are inverses only to rounding
        low, high = float(ends.min()) * (1 - 1e-9), float(ends.max()) * (1 + 1e-9) + 1e-300
        if self.cdf(low) >= p:
            return low
        if self.cdf(high) <= p:
            return high
        return float(optimize.brentq(lambda q: self.cdf(q) - p, low, high, xtol=1e-12 * high, rtol=1e-12))

    def interval(self, level: float) -> tuple[float, float]:
        low = self.quantile(0.5 - level / 2)
        return low, math.inf if self.unbounded else self.quantile(0.5 + level / 2)


def _mixture(means: np.ndarray, variances: np.ndarray, xi: np.ndarray, estimate: float, unbounded=False):
    """The total's mixture from its mean and variance at the estimate (index 0) and at the +/- points:
    ln mean and ln variance to second order in the standardised parameters (``_slopes``), evaluated at
    the draws ``xi`` (draws, k); the mean centred on the exact ``estimate``."""
    slope_m, curve_m = _slopes(np.log(_floor(means)))
    slope_v, curve_v = _slopes(np.log(_floor(variances)))
    with np.errstate(over="ignore"):
        draw_means = estimate * np.exp(xi @ slope_m + xi**2 @ curve_m / 2)
        draw_vars = float(variances[0]) * np.exp(xi @ slope_v + xi**2 @ curve_v / 2)
    return _Mixture(draw_means, draw_vars, bool(unbounded))


# ---------------------------------------------------------------------- words
def _compact_pair(low: float, high: float, lang: str, digits: str, currency: str | None) -> tuple[str, str]:
    """Both ends in one unit (thousands, millions, billions: the larger end's) with the fewest decimals, up
    to 3, that give each end two significant digits and tell the ends apart ($1.9M–$2.2M, $1.91M–$1.94M,
    €676K–€774K); below a thousand (a count: below a million), whole numbers (money under 10: cents)."""
    finite = [abs(v) for v in (low, high) if math.isfinite(v)]
    top = max(finite, default=0.0)
    units = COMPACT_UNITS if currency is not None else COMPACT_UNITS[:-1]  # counts: 1,612 rather than 1.6K
    unit, key = next(((u, k) for u, k in units if top >= u), (1.0, None))
    if key is None:
        decimals = 2 if currency is not None and 0 < top < 10 else 0
    else:
        small = min(finite) / unit
        least = max(0, 1 - math.floor(math.log10(small))) if small > 0 else 1
        decimals = next(
            (d for d in range(least, 3) if not (math.isfinite(high) and round(low / unit, d) == round(high / unit, d))),
            3,
        )
    return (
        _compact(low, unit, key, decimals, lang, digits, currency),
        _compact(high, unit, key, decimals, lang, digits, currency),
    )


def _compact(value, unit, key, decimals, lang, digits, currency) -> str:
    if not math.isfinite(value):
        return fmt.number(value, 0, digits)
    text = fmt.number(abs(value) / unit, decimals, digits)
    if key is not None:
        text = i18n.text(key, lang, value=text)
    sign = "-" if value < 0 and round(abs(value) / unit, decimals) > 0 else ""
    if currency is None:
        return sign + text
    return f"{sign}{currency}{' ' if currency[-1:].isalpha() else ''}{text}"


def _level_decimals(level: float) -> int:
    """0 for 90%, 1 for 97.5%."""
    return 0 if abs(level * 100 - round(level * 100)) < 1e-9 else 1
