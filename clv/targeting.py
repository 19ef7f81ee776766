"""Targeting real customers: what an offer sent to chosen customers is expected to earn, customer by customer.

A fitted transaction model (BG/NBD, MBG/NBD or Pareto/NBD: ``clv.predict.MODEL_CLASSES``) and a spend model
(Gamma-Gamma, or each customer's own average: ``clv.predict.OwnAverageSpend``) predict each customer's purchases
and spend (``clv.predict.customer_values``). An ``Offer`` changes them for the customers who respond.
``incremental_values`` works out, for each customer from that customer's own history (never from an average),
the margin the offer is expected to add and what contacting the customer costs; a target (``target_mask``)
or a rule (``compare_rules``) is then a sum over its customers.

The alive posterior. Given a history (x repeat purchases, the last at t_x, observed for T) and that the
customer is alive at T (Fader, Hardie & Lee 2005, eq. 10; Fader & Hardie 2005 note, eq. 41):

- BG/NBD: lambda ~ Gamma(R, A) and p ~ Beta(a, b + x), independent, with R = r + x, A = alpha + T;
- MBG/NBD: the same with p ~ Beta(a, b + x + 1) (an alive customer survived x + 1 dropout chances);
- Pareto/NBD: lambda ~ Gamma(R, A) and mu ~ Gamma(s, B), independent, B = beta + T.

An alive customer's expected purchases in (T, T + t], g(t):

- BG/NBD, MBG/NBD: g(t) = E[(1 - exp(-lambda p t)) / p] = E_p[(1 - (A / (A + p t))^R) / p], which is the
  model's own E[X(t)] at the posterior parameters (``clv.models.betageo.repeat_purchases``, a closed form
  with 2F1, FHL 2005 eq. 9);
- Pareto/NBD: g(t) = E[lambda / mu (1 - exp(-mu t))] = R / A x B / (s - 1) x [1 - (B / (B + t))^(s - 1)].

So P(alive) x g(t) is the model's ``expected_purchases(t, x, t_x, T)`` (the tests check it to 1e-12).

The offer changes, for a customer who responds: the purchase rate lambda -> lambda (1 + u) (u =
``purchase_lift``); the dropout propensity, BG/NBD and MBG/NBD p -> p (1 - d), Pareto/NBD mu -> mu (1 - d)
(d = ``dropout_reduction``); the spend per purchase x (1 + v) (v = ``spend_lift``); and a customer who had
silently lapsed comes back with probability rho (``reactivation``, a win-back), then buying as an alive
customer with the same history would. The treated expectation has the same closed form at another time,
exactly: in the BG/NBD the count depends on lambda p t only, so
E_treated[X(t) | alive] = E[(1 - exp(-lambda (1 + u) p (1 - d) t)) / (p (1 - d))] = g((1 + u)(1 - d) t) / (1 - d);
in the Pareto/NBD, E_treated[X(t) | alive] = (1 + u) E[lambda / mu (1 - exp(-mu (1 - d) t))] / (1 - d)
= (1 + u) g((1 - d) t) / (1 - d). At d = 1 (no dropout at all) both are the limit (1 + u) R t / A. The
treated expected purchases are (P(alive) + rho (1 - P(alive))) x E_treated[X(t) | alive].

Value over M months, discounted as ``clv.models.customer_lifetime_value`` does (f time units a month, each
month's purchases discounted at its end at the monthly rate d_m), with h the treated curve:

- baseline_value = spend x P(alive) x sum_{k=1..M} (g(k f) - g((k-1) f)) / (1 + d_m)^k   (the predicted CLV)
- treated_value = spend (1 + v) x (P(alive) + rho (1 - P(alive))) x sum_k (h(k f) - h((k-1) f)) / (1 + d_m)^k
- incremental_margin = take_up x (treated_value x (m + dm) - baseline_value x m), m the gross margin and dm
  the offer's ``margin_change``: the expected margin a contacted customer adds;
- cost = cost_per_contact + take_up x (cost_per_response + cost_per_month x sum_{k=1..M} 1 / (1 + d_m)^(k-1)):
  a programme's monthly cost is paid at the start of every month of the horizon for every responder (nobody
  announces leaving in a non-contractual business, so it runs on for those who lapse);
- net = incremental_margin - cost.

Units: currency as the spend data; a month is f = ``clv.models.PERIODS_PER_MONTH[freq]`` time units of the
summary (30 days for ``clv.predict``'s daily summaries). An offer with no effect adds exactly 0.

Totals and intervals (``evaluate_target``): sums over the contacted customers; ROI = net / cost. The interval
reflects the models' parameter uncertainty: log-parameters drawn from N(log-estimates, ``log_covariance``) for
the transaction model and, independently, Gamma-Gamma (INTERVAL_DRAWS draws, seeded), each draw re-valuing the
target's distinct histories; the central ``level`` quantiles of the net. The cost does not depend on the
parameters, so ROI's interval is the net's divided by the cost. The offer's own effects are taken as given;
``break_even_effect`` says how large they must be (a factor on all four, by scipy's brentq) or what take-up is
needed (exact: net is linear in it).

Campaign templates (``clv.scenarios.TEMPLATES``) map onto offers (``offer_from_template``): reach -> take_up,
one_off_cost -> cost_per_response, monthly_cost -> cost_per_month, margin_change - revenue_share_cost ->
margin_change, and

================  ====================  ====================
template          arpu_lift ->          churn_reduction ->
================  ====================  ====================
repeat_purchase   purchase_lift         dropout_reduction
reminders         purchase_lift         dropout_reduction
loyalty           purchase_lift         dropout_reduction
cross_sell        spend_lift            dropout_reduction
upsell            spend_lift            dropout_reduction
win_back          purchase_lift         reactivation
================  ====================  ====================

``arpu_lift`` is more purchases for campaigns about how often customers buy, more spend per purchase for those
about what they buy (a second product line, a higher tier); a win-back's lower churn is, on customers who have
already lapsed in silence, the share that comes back. ``annual_billing`` (a billing plan), ``price_change``
(everyone's price, and a higher dropout that p (1 - d) cannot express for p near 1) and
``cheaper_acquisition`` (new customers) have no meaning as an offer to chosen existing customers: refused.
Campaigns have no cost per contact: give it (``cost_per_contact=0.5``).

Example, by hand (Pareto/NBD with alpha = beta and s = 2, one 30-day month, margin 1): customer a (no repeat
purchase) has P(alive) = 1 / (1 + 2/4 (1.5^4 - 1)) = 0.32990 and g(30) = R t / (B + t) = 2 x 30 / 180; a 20%
purchase lift adds 0.2 of that; with take-up 0.5 and the repeat buyers' mean spend of 20:
0.5 x 20 x 0.32990 x 0.2 x 1/3 = 0.2199, net of a 0.1 contact 0.1199. Customer b (x 3, t_x 40): P(alive)
1 / (1 + 2/7 ((150/140)^7 - 1)) = 0.84934, g = 5/6: 0.5 x 20 x 0.84934 x 0.2 x 5/6 = 1.4156.

>>> import pandas as pd
>>> from clv.models import ParetoNBD
>>> from clv.predict import OwnAverageSpend
>>> m = ParetoNBD(); m.params = {"r": 2.0, "alpha": 100.0, "s": 2.0, "beta": 100.0}
>>> summary = pd.DataFrame({"frequency": [0.0, 3.0], "recency": [0.0, 40.0], "T": [50.0, 50.0],
...                         "monetary_value": [0.0, 20.0]}, index=["a", "b"])
>>> offer = Offer("Reminder", purchase_lift=0.2, take_up=0.5, cost_per_contact=0.1)
>>> v = incremental_values((m, OwnAverageSpend(summary["frequency"], summary["monetary_value"]), summary),
...                        offer, months=1, monthly_discount_rate=0.0)
>>> v["incremental_margin"].round(4).tolist(), v["net"].round(4).tolist()
([0.2199, 1.4156], [0.1199, 1.3156])
"""

from __future__ import annotations

import copy
import math
import numbers
from dataclasses import dataclass, fields, replace

import numpy as np
import pandas as pd
from scipy import optimize, special

from . import fmt, i18n
from .errors import FitError, InputError
from .export import DECIMALS_ATTR
from .models import PERIODS_PER_MONTH, GammaGamma, ModifiedBetaGeo, ParetoNBD
from .models.base import check_rfm, distinct_rows
from .models.betageo import repeat_purchases
from .models.value import check_months
from .predict import FREQ, MODEL_CLASSES, CustomerModels
from .rfm import SEGMENTS, segment_name
from .scenarios import TEMPLATES, Campaign

EFFECTS = ("purchase_lift", "dropout_reduction", "spend_lift", "reactivation")  # what break_even_effect scales
VALUE_COLUMNS = (
    "p_alive",  # P(alive at T), 0..1
    "expected_purchases",  # baseline repeat purchases in the horizon (undiscounted)
    "expected_spend",  # baseline spend per purchase (currency)
    "baseline_value",  # discounted revenue in the horizon without the offer: the predicted CLV (currency)
    "treated_purchases",  # repeat purchases in the horizon if the customer responds (undiscounted)
    "treated_value",  # discounted revenue in the horizon if the customer responds (currency)
    "incremental_margin",  # expected margin added per contacted customer (currency)
    "cost",  # expected cost per contacted customer (currency)
    "net",  # incremental_margin - cost (currency)
)
RECIPE_ATTR = "targeting"  # values.attrs key: the offer and terms the values were computed with
TARGET_KINDS = ("segment", "group", "p_alive", "top_n", "best_n")
RULES = ("everyone", "segment", "top_decile", "positive_net")
TOP_SHARE = 0.10  # "the top decile by expected incremental value"
INTERVAL_DRAWS = 200  # parameter draws behind a target's interval
MAX_DRAWS = 10_000
INTERVAL_LEVEL = 0.95
MAX_EFFECT_SCALE = 100.0  # break_even_effect searches effects up to this many times the offer's
BREAK_EVEN_GRID = 64  # points scanned for the first crossing when some effect is negative
BREAK_EVEN_XTOL = 1e-10  # brentq's tolerance on the scale factor
SERIES_TERMS = 12  # terms of the short-horizon series of the BG/NBD alive curve
SERIES_LIMIT = 0.05  # the series is used where (R + SERIES_TERMS) tau / A is at most this
ARPU_LIFT_AS_SPEND = ("cross_sell", "upsell")  # templates about what customers buy, not how often
CHURN_AS_REACTIVATION = ("win_back",)  # templates whose churn cut brings lapsed customers back
REFUSED_TEMPLATES = ("annual_billing", "price_change", "cheaper_acquisition")
OFFER_TEMPLATES = tuple(k for k in TEMPLATES if k not in REFUSED_TEMPLATES)
CONTACT_DECIMALS = {"p_alive": 4, "incremental_margin": 2, "net": 2}  # CSV precision of the contact list


def _number(name: str, value: object, low: float | None, high: float | None, allowed: str, open_low=False) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputError(name, value, allowed)
    value = float(value)
    if (
        not math.isfinite(value)
        or (low is not None and (value < low or (open_low and value == low)))
        or (high is not None and value > high)
    ):
        raise InputError(name, value, allowed)
    return value


@dataclass(frozen=True, slots=True)
class Offer:
    """An offer sent to chosen customers: its effects on those who respond, its take-up and its costs.

    Effects are relative: ``purchase_lift`` 0.1 means 10% more purchases while alive (lambda x 1.1);
    ``dropout_reduction`` 0.2 means a dropout propensity 20% lower (p or mu x 0.8; 1 = nobody drops out);
    ``spend_lift`` 0.1 means 10% more spent per purchase; ``reactivation`` 0.1 means a tenth of the customers
    who had silently lapsed come back. ``take_up`` is the share of contacted customers who respond.
    ``margin_change`` is in margin points on the responders' revenue (loyalty rewards worth 2% of it: -0.02).
    Costs in currency: per contacted customer, per responder (once), per responder per month of the horizon.

    >>> o = Offer("Voucher", purchase_lift=0.1, take_up=0.3, cost_per_contact=0.5, cost_per_response=3.0)
    >>> o.scaled(2).purchase_lift, o.has_effect
    (0.2, True)
    >>> Offer("Bad", take_up=1.5)
    Traceback (most recent call last):
    ...
    clv.errors.InputError: take_up must be between 0 and 1 (0.05 means 5%); got 1.5.
    """

    name: str
    purchase_lift: float = 0.0  # relative change of the purchase rate of alive customers, > -1
    dropout_reduction: float = 0.0  # relative cut of the dropout propensity, 0..1
    spend_lift: float = 0.0  # relative change of the spend per purchase, > -1
    reactivation: float = 0.0  # share of silently lapsed customers brought back, 0..1
    take_up: float = 1.0  # share of contacted customers who respond, 0..1
    cost_per_contact: float = 0.0  # currency per contacted customer, >= 0
    cost_per_response: float = 0.0  # currency per responder, once, >= 0
    cost_per_month: float = 0.0  # currency per responder per month of the horizon, >= 0
    margin_change: float = 0.0  # margin points on the responders' revenue, -1..1

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name.strip():
            raise InputError("name", self.name, "scenarios.allowed.name")
        checks = {
            "purchase_lift": (-1, None, "targeting.allowed.purchase_lift", True),
            "dropout_reduction": (0, 1, "targeting.allowed.dropout_reduction", False),
            "spend_lift": (-1, None, "targeting.allowed.spend_lift", True),
            "reactivation": (0, 1, "allowed.fraction", False),
            "take_up": (0, 1, "allowed.fraction", False),
            "cost_per_contact": (0, None, "allowed.non_negative", False),
            "cost_per_response": (0, None, "allowed.non_negative", False),
            "cost_per_month": (0, None, "allowed.non_negative", False),
            "margin_change": (-1, 1, "scenarios.allowed.margin_change", False),
        }
        for name, (low, high, allowed, open_low) in checks.items():
            object.__setattr__(self, name, _number(name, getattr(self, name), low, high, allowed, open_low))

    @property
    def has_effect(self) -> bool:
        """True when any of the four effects (``EFFECTS``) is not zero."""
        return any(getattr(self, e) != 0 for e in EFFECTS)

    def max_scale(self, high: float = MAX_EFFECT_SCALE) -> float:
        """The largest factor the effects can be multiplied by and stay allowed, at most ``high``: a cut or a
        reactivation reaches 1, a negative lift stays above -1 (a hair inside, as -1 itself is not allowed).

        >>> Offer("x", dropout_reduction=0.25, reactivation=0.1).max_scale()
        4.0
        """
        out = high
        for name in ("dropout_reduction", "reactivation"):
            if getattr(self, name) > 0:
                out = min(out, 1.0 / getattr(self, name))
        for name in ("purchase_lift", "spend_lift"):
            if getattr(self, name) < 0:
                out = min(out, (1.0 - 1e-9) / -getattr(self, name))
        return out

    def scaled(self, factor: float) -> Offer:
        """The offer with its four effects multiplied by ``factor`` (take-up, costs and margin unchanged);
        InputError naming the effect that leaves its range."""
        factor = _number("factor", factor, 0, None, "allowed.non_negative")
        return replace(self, **{e: getattr(self, e) * factor for e in EFFECTS})


def offer_from_campaign(campaign: Campaign, template: str) -> Offer:
    """The offer a campaign of the kind ``template`` makes on real customers (module docstring's table).

    reach -> take_up; arpu_lift -> spend_lift for cross_sell and upsell, else purchase_lift; churn_reduction ->
    reactivation for win_back, else dropout_reduction; one_off_cost -> cost_per_response; monthly_cost ->
    cost_per_month; margin_change - revenue_share_cost -> margin_change. InputError for a template without a
    meaning on chosen customers (``REFUSED_TEMPLATES``), an annual plan, a change in CAC, or a churn that rises.

    >>> o = offer_from_campaign(TEMPLATES["loyalty"].make(), "loyalty")
    >>> o.take_up, o.dropout_reduction, o.cost_per_month, o.margin_change
    (0.4, 0.2, 1.0, -0.02)
    """
    if template not in OFFER_TEMPLATES:
        raise InputError("template", template, "targeting.allowed.template", templates=", ".join(OFFER_TEMPLATES))
    if not isinstance(campaign, Campaign):
        raise InputError("campaign", type(campaign).__name__, "targeting.allowed.campaign")
    if campaign.annual_billing is not None:
        raise InputError("annual_billing", campaign.annual_billing, "targeting.allowed.no_annual_billing")
    if campaign.cac_change != 0:
        raise InputError("cac_change", campaign.cac_change, "targeting.allowed.no_cac_change")
    lift = "spend_lift" if template in ARPU_LIFT_AS_SPEND else "purchase_lift"
    churn = "reactivation" if template in CHURN_AS_REACTIVATION else "dropout_reduction"
    if campaign.churn_reduction < 0:
        raise InputError("churn_reduction", campaign.churn_reduction, f"targeting.allowed.{churn}")
    return Offer(
        campaign.name,
        take_up=campaign.reach,
        cost_per_response=campaign.one_off_cost,
        cost_per_month=campaign.monthly_cost,
        margin_change=campaign.margin_change - campaign.revenue_share_cost,
        **{lift: campaign.arpu_lift, churn: campaign.churn_reduction},
    )


def offer_from_template(key: str, lang: str = "en", **changes) -> Offer:
    """The offer a scenarios template makes on real customers, named in ``lang``, with any of the offer's
    fields changed (``take_up=0.2, cost_per_contact=0.5``); see ``offer_from_campaign`` for the mapping.

    >>> o = offer_from_template("win_back", cost_per_contact=0.5)
    >>> o.name, o.reactivation, o.dropout_reduction, o.take_up, o.cost_per_response, o.cost_per_contact
    ('Win-back offer', 0.25, 0.0, 0.1, 5.0, 0.5)
    >>> offer_from_template("annual_billing")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    clv.errors.InputError: template must be a campaign template with a meaning for chosen existing customers ...
    """
    if key not in OFFER_TEMPLATES:
        raise InputError("template", key, "targeting.allowed.template", templates=", ".join(OFFER_TEMPLATES))
    unknown = set(changes) - {f.name for f in fields(Offer)}
    if unknown:
        raise InputError("field", sorted(unknown)[0], "targeting.allowed.field")
    return replace(offer_from_campaign(TEMPLATES[key].make(lang), key), **changes)


# ---------------------------------------------------------------------------------------------- the values
@dataclass(frozen=True)
class _Inputs:
    transaction_model: object
    spend_model: object
    summary: pd.DataFrame
    freq: str


def _inputs(models, freq: str) -> _Inputs:
    """``models`` as (transaction model, spend model, summary, freq), each checked."""
    if isinstance(models, CustomerModels):
        tm, sm, summary, freq = models.transaction_model, models.spend_model, models.summary, FREQ
    elif isinstance(models, (tuple, list)) and len(models) == 3:
        tm, sm, summary = models
    else:
        raise InputError("models", type(models).__name__, "targeting.allowed.models")
    if not isinstance(tm, tuple(MODEL_CLASSES.values())):
        raise InputError("transaction_model", type(tm).__name__, "models.allowed.transaction_model")
    if tm.params is None:
        raise FitError("models.errors.not_fitted", model=tm.label)
    if not hasattr(sm, "expected_spend"):
        raise InputError("spend_model", type(sm).__name__, "models.allowed.spend_model")
    if freq not in PERIODS_PER_MONTH:
        raise InputError("freq", freq, "models.allowed.freq")
    columns = ("frequency", "recency", "T", "monetary_value")
    if not isinstance(summary, pd.DataFrame) or any(c not in summary.columns for c in columns):
        found = list(summary.columns) if isinstance(summary, pd.DataFrame) else type(summary).__name__
        raise InputError("summary", found, "models.allowed.columns", columns=", ".join(columns))
    return _Inputs(tm, sm, summary, freq)


@dataclass(frozen=True)
class _Histories:
    """The customers' histories, with codes into their distinct (x, T) pairs (the alive curves depend on
    those only) and distinct (x, t_x, T) rows (P(alive))."""

    x: np.ndarray
    tx: np.ndarray
    big_t: np.ndarray
    money: np.ndarray
    pair_code: np.ndarray
    pair_idx: np.ndarray
    row_code: np.ndarray
    row_idx: np.ndarray

    @classmethod
    def of(cls, summary: pd.DataFrame) -> _Histories:
        x, tx, big_t = check_rfm(summary["frequency"], summary["recency"], summary["T"], history=True)
        x, tx, big_t = (np.atleast_1d(a).astype(float) for a in (x, tx, big_t))
        money = np.atleast_1d(summary["monetary_value"].to_numpy(dtype=float))
        pair_code, pair_idx = distinct_rows(x, big_t) if x.size else (np.zeros(0, int), np.zeros(0, int))
        row_code, row_idx = distinct_rows(x, tx, big_t) if x.size else (np.zeros(0, int), np.zeros(0, int))
        return cls(x, tx, big_t, money, pair_code, pair_idx, row_code, row_idx)


@dataclass(frozen=True)
class _Terms:
    """The offer and the terms values are computed with (kept in ``values.attrs[RECIPE_ATTR]``)."""

    offer: Offer
    months: int
    monthly_discount_rate: float
    gross_margin: float
    freq: str


def _alive_curves(model, x: np.ndarray, big_t: np.ndarray, times: np.ndarray, lift: float, cut: float):
    """E[X(t) | alive at T] of a responder (purchase lift u, dropout cut d) at each time (rows) for each (x, T)
    (columns): BG/NBD and MBG/NBD g((1+u)(1-d) t) / (1-d), Pareto/NBD (1+u) g((1-d) t) / (1-d); (1+u) R t / A
    at d = 1 (module docstring). Without effects (u = d = 0) the model's own expressions, term for term; with
    them, forms that keep their digits when (1-d) t is tiny (a cut near 1): ln(1 + tau/B) for the Pareto/NBD,
    the power series ``_short_horizon`` for the BG/NBD and MBG/NBD where it converges fast."""
    p = model.params
    t = times[:, None]
    x, big_t = x[None, :], big_t[None, :]
    big_r, big_a = p["r"] + x, p["alpha"] + big_t
    if cut >= 1:
        return np.broadcast_to((1 + lift) * big_r * t / big_a, (t.shape[0], x.shape[1])).copy()
    treated = lift != 0 or cut != 0
    if isinstance(model, ParetoNBD):
        s, big_b = p["s"], p["beta"] + big_t
        with np.errstate(all="ignore"):
            tau = t * (1 - cut)
            log_q = -np.log1p(tau / big_b) if treated else np.log(big_b) - np.log(big_b + tau)
            growth = -log_q if abs(s - 1) < 1e-10 else -np.expm1((s - 1) * log_q) / (s - 1)
            curve = big_r * big_b / big_a * growth
        return curve * (1 + lift) / (1 - cut)
    b = p["b"] + x + (1.0 if isinstance(model, ModifiedBetaGeo) else 0.0)
    tau, big_r, big_a, b = np.broadcast_arrays(t * ((1 + lift) * (1 - cut)), big_r, big_a, b)
    curve = repeat_purchases(tau, big_r, big_a, p["a"], b)
    short = (big_r + SERIES_TERMS) * tau / big_a <= SERIES_LIMIT
    if treated and np.any(short):
        curve = np.where(short, _short_horizon(tau, big_r, big_a, p["a"], b), curve)
    return curve / (1 - cut)


def _short_horizon(tau, big_r, big_a, a, b):
    """E_p[(1 - (A / (A + p tau))^R) / p], p ~ Beta(a, b), as the power series
    sum_{n >= 1} (-1)^(n+1) (R)_n / n! (tau/A)^n E[p^(n-1)], E[p^k] = prod_{j<k} (a+j)/(a+b+j), to SERIES_TERMS
    terms. Used where (R + SERIES_TERMS) tau / A <= SERIES_LIMIT: each term is then at most SERIES_LIMIT times the
    one before, so the first one left out is below 1e-16 of the sum (the closed form's ln 2F1 of an argument
    near 0 keeps only about 1e-16 / (tau/A) of its digits there).

    >>> round(float(_short_horizon(1e-3, 2.0, 10.0, 1.0, 1.0)), 12)  # R y - R(R+1)/2 y^2 / 2 + ..., y = 1e-4
    0.000199985001
    """
    y = np.asarray(tau, dtype=float) / big_a
    term = big_r * y
    total = term.copy()
    for n in range(2, SERIES_TERMS + 1):
        term = term * -(big_r + n - 1) / n * y * (a + n - 2) / (a + b + n - 2)
        total += term
    return total


def _discounted(curves: np.ndarray, discount: np.ndarray) -> np.ndarray:
    """sum_k (c(k f) - c((k-1) f)) / (1 + d_m)^k for each column: purchases month by month, discounted."""
    return np.sum(np.diff(curves, axis=0, prepend=0.0) / discount[:, None], axis=0)


def _per_customer(tm, sm, h: _Histories, terms: _Terms, offer: Offer | None = None) -> dict[str, np.ndarray]:
    """Every column of ``VALUE_COLUMNS`` for the histories ``h`` (module docstring's formulas)."""
    offer = terms.offer if offer is None else offer
    factor = PERIODS_PER_MONTH[terms.freq]
    times = np.arange(1, terms.months + 1) * factor
    discount = (1 + terms.monthly_discount_rate) ** (times / factor)
    px, pt = h.x[h.pair_idx], h.big_t[h.pair_idx]
    base = _alive_curves(tm, px, pt, times, 0.0, 0.0)
    treated = _alive_curves(tm, px, pt, times, offer.purchase_lift, offer.dropout_reduction)
    alive = np.asarray(tm.p_alive(h.x[h.row_idx], h.tx[h.row_idx], h.big_t[h.row_idx]), dtype=float)
    alive = np.atleast_1d(alive)[h.row_code]
    spend = np.atleast_1d(np.asarray(sm.expected_spend(h.x, h.money), dtype=float))
    reached = alive + offer.reactivation * (1 - alive)
    baseline_value = spend * (alive * _discounted(base, discount)[h.pair_code])
    treated_value = spend * (1 + offer.spend_lift) * (reached * _discounted(treated, discount)[h.pair_code])
    m = terms.gross_margin
    margin = offer.take_up * (treated_value * (m + offer.margin_change) - baseline_value * m)
    annuity = float(np.sum((1 + terms.monthly_discount_rate) ** -np.arange(terms.months)))
    cost = offer.cost_per_contact + offer.take_up * (offer.cost_per_response + offer.cost_per_month * annuity)
    return {
        "p_alive": alive,
        "expected_purchases": alive * base[-1][h.pair_code],
        "expected_spend": spend,
        "baseline_value": baseline_value,
        "treated_purchases": reached * treated[-1][h.pair_code],
        "treated_value": treated_value,
        "incremental_margin": margin,
        "cost": np.full(h.x.shape, cost),
        "net": margin - cost,
    }


def _check_terms(offer, months, monthly_discount_rate, gross_margin, freq) -> _Terms:
    if not isinstance(offer, Offer):
        raise InputError("offer", type(offer).__name__, "targeting.allowed.offer")
    months = check_months(months)
    rate = _number("monthly_discount_rate", monthly_discount_rate, 0, None, "models.allowed.discount")
    m = _number("gross_margin", gross_margin, 0, 1, "allowed.fraction")
    if not 0 <= m + offer.margin_change <= 1:
        raise InputError("margin_change", offer.margin_change, "scenarios.allowed.margin_total", margin=f"{m:g}")
    return _Terms(offer, months, rate, m, freq)


def incremental_values(
    models,
    offer: Offer,
    months: int = 12,
    monthly_discount_rate: float = 0.01,
    gross_margin: float = 1.0,
    freq: str = "D",
) -> pd.DataFrame:
    """Per customer: what the offer is expected to add and to cost if the customer is contacted.

    ``models``: a ``clv.predict.CustomerModels`` (daily summary) or a tuple (transaction model, spend model,
    summary) with the summary in the time unit ``freq`` ("D", "W", "M", "H"). ``months`` a whole number >= 1;
    ``monthly_discount_rate`` a fraction a month (each month's purchases discounted at its end);
    ``gross_margin`` a fraction of revenue. Columns ``VALUE_COLUMNS`` (module docstring: baseline_value is
    ``clv.models.customer_lifetime_value``; with ``monthly_discount_rate=clv.core.monthly_rate(annual rate)`` it
    is ``clv.predict.customer_values``' predicted_clv, as are p_alive, expected_purchases and expected_spend),
    then ``segment`` when the summary has one; indexed as the summary. ``attrs[RECIPE_ATTR]`` keeps the offer and
    terms for ``evaluate_target`` and ``break_even_effect``. InputError naming the field for anything out of range.
    """
    inputs = _inputs(models, freq)
    terms = _check_terms(offer, months, monthly_discount_rate, gross_margin, inputs.freq)
    h = _Histories.of(inputs.summary)
    columns = _per_customer(inputs.transaction_model, inputs.spend_model, h, terms)
    out = pd.DataFrame(columns, index=inputs.summary.index, columns=list(VALUE_COLUMNS))
    if "segment" in inputs.summary.columns:
        out["segment"] = inputs.summary["segment"].to_numpy()
    out.attrs[RECIPE_ATTR] = terms
    return out


# ---------------------------------------------------------------------------------------------- targets
def target_mask(table: pd.DataFrame, kind: str, value) -> pd.Series:
    """Which customers of ``table`` (``incremental_values`` or ``clv.predict.customer_values``' table) a target
    holds, as a boolean Series on its index.

    kind "segment": value an RFM segment code (``clv.rfm.SEGMENTS``); "group": value (labels, group) with labels
    a column of the table or a Series of labels by customer (a channel, a first product); "p_alive": value
    (low, high), low <= P(alive) <= high; "top_n": the n customers with the highest predicted CLV
    (``baseline_value`` or ``predicted_clv``), ties in table order; "best_n": the n with the highest expected
    net (``net``: the most incremental value for the same cost per contact).

    >>> t = pd.DataFrame({"p_alive": [0.9, 0.2, 0.5], "baseline_value": [10.0, 30.0, 20.0],
    ...                   "segment": ["champions", "lost", "lost"]}, index=["a", "b", "c"])
    >>> target_mask(t, "p_alive", (0.4, 1.0)).tolist(), target_mask(t, "top_n", 2).tolist()
    ([True, False, True], [False, True, True])
    >>> target_mask(t, "segment", "lost").tolist(), target_mask(t, "group", ("segment", "champions")).tolist()
    ([False, True, True], [True, False, False])
    """
    if not isinstance(table, pd.DataFrame):
        raise InputError("values", type(table).__name__, "targeting.allowed.values")
    if kind == "segment":
        if value not in SEGMENTS:
            raise InputError("segment", value, "rfm.allowed.segment")
        hit = _column(table, "segment") == value
    elif kind == "group":
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            raise InputError("group", value, "targeting.allowed.group")
        labels, group = value
        if isinstance(labels, pd.Series):
            labels = labels.reindex(table.index)
        elif isinstance(labels, str) and labels in table.columns:
            labels = table[labels]
        else:
            raise InputError("group", labels, "targeting.allowed.group")
        hit = labels == group
    elif kind == "p_alive":
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            raise InputError("p_alive", value, "targeting.allowed.p_alive_band")
        low, high = (_number("p_alive", v, 0, 1, "targeting.allowed.p_alive_band") for v in value)
        if low > high:
            raise InputError("p_alive", tuple(value), "targeting.allowed.p_alive_band")
        alive = _column(table, "p_alive")
        hit = (alive >= low) & (alive <= high)
    elif kind in ("top_n", "best_n"):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
            raise InputError(kind, value, "models.allowed.whole_non_negative")
        if kind == "best_n":
            score = _column(table, "net")
        else:
            score = table["baseline_value"] if "baseline_value" in table else _column(table, "predicted_clv")
        hit = pd.Series(False, index=table.index)
        hit.iloc[_ranked(score.to_numpy(dtype=float))[: int(value)]] = True
    else:
        raise InputError("kind", kind, "targeting.allowed.kind", kinds=", ".join(TARGET_KINDS))
    return pd.Series(np.asarray(hit, dtype=bool), index=table.index, name=kind)


def _column(table: pd.DataFrame, name: str) -> pd.Series:
    if name not in table.columns:
        raise InputError("values", list(table.columns), "models.allowed.columns", columns=name)
    return table[name]


def _ranked(score: np.ndarray) -> np.ndarray:
    """Positions from the highest score down; equal scores in table order."""
    return np.argsort(-score, kind="stable")


def _recipe(values) -> _Terms:
    if not isinstance(values, pd.DataFrame) or not isinstance(values.attrs.get(RECIPE_ATTR), _Terms):
        raise InputError("values", type(values).__name__, "targeting.allowed.values")
    return values.attrs[RECIPE_ATTR]


def _contacted(values: pd.DataFrame, contacted) -> np.ndarray:
    """A boolean mask over ``values``' rows from a mask (array or Series on the same customers) or customer ids."""
    if isinstance(contacted, pd.Series) and contacted.dtype == bool:
        if not contacted.index.equals(values.index):
            if len(contacted.index) != len(values.index) or not contacted.index.isin(values.index).all():
                raise InputError("contacted", f"{len(contacted)} rows", "targeting.allowed.contacted")
            contacted = contacted.reindex(values.index)
        return contacted.to_numpy(dtype=bool)
    array = np.asarray(list(contacted) if not isinstance(contacted, np.ndarray) else contacted)
    if array.dtype == bool:
        if array.shape != (len(values),):
            raise InputError("contacted", f"{array.size} values", "targeting.allowed.contacted")
        return array
    known = values.index.isin(array)
    unknown = pd.Index(array)[~pd.Index(array).isin(values.index)]
    if len(unknown):
        raise InputError("contacted", unknown[0], "targeting.allowed.contacted")
    return np.asarray(known, dtype=bool)


@dataclass(frozen=True)
class TargetResult:
    """What contacting a target is expected to earn (currency), with an interval from parameter uncertainty.

    value: the expected incremental margin; cost: the expected cost (contacts, responses, months);
    net = value - cost; roi = net / cost (None when nothing is spent); responders = take_up x contacted.
    net_interval and roi_interval: the central ``level`` interval of the net and ROI over ``draws`` draws of
    the models' parameters (None without models, or without a cost for the ROI); draws counts the usable ones.
    """

    contacted: int
    responders: float
    value: float
    cost: float
    net: float
    roi: float | None
    net_interval: tuple[float, float] | None = None
    roi_interval: tuple[float, float] | None = None
    level: float = INTERVAL_LEVEL
    draws: int = 0


def _parameter_draws(model, draws: int, rng: np.random.Generator) -> list[dict[str, float]] | None:
    """``draws`` parameter sets: log-parameters from N(log-estimates, log_covariance); None without a covariance."""
    cov = getattr(model, "log_covariance", None)
    if getattr(model, "params", None) is None or cov is None or not np.all(np.isfinite(cov)):
        return None
    theta = np.log([model.params[n] for n in model.param_names])
    sample = np.exp(rng.multivariate_normal(theta, cov, size=draws))
    return [dict(zip(model.param_names, row)) for row in sample]


def _with_params(model, params: dict[str, float] | None):
    if params is None:
        return model
    clone = copy.copy(model)
    clone.params = params
    return clone


def _net_draws(inputs: _Inputs, terms: _Terms, mask: np.ndarray, draws: int, seed) -> np.ndarray:
    """The target's total net under each parameter draw (transaction and Gamma-Gamma spend models; a spend model
    without parameters stays as it is); draws giving a non-finite total (an infinite mean spend) left out."""
    rng = np.random.default_rng(seed)
    h = _Histories.of(inputs.summary[mask])
    tm, sm = inputs.transaction_model, inputs.spend_model
    t_draws = _parameter_draws(tm, draws, rng) or [None] * draws
    s_draws = (_parameter_draws(sm, draws, rng) if isinstance(sm, GammaGamma) else None) or [None] * draws
    totals = []
    with np.errstate(all="ignore"):
        for tp, sp in zip(t_draws, s_draws):
            if tp is None and sp is None:
                break
            totals.append(float(np.sum(_per_customer(_with_params(tm, tp), _with_params(sm, sp), h, terms)["net"])))
    totals = np.asarray(totals)
    return totals[np.isfinite(totals)]


DELTA_STEP = 1e-4  # central-difference step in the log-parameters (the delta method's gradient)


def _net_sd(inputs: _Inputs, terms: _Terms, mask: np.ndarray) -> float | None:
    """Standard deviation of the target's total net over the fitted parameters, by the delta method: both fits
    independent, each with its log-parameter covariance; None when neither model has one."""
    h = _Histories.of(inputs.summary[mask])
    tm, sm = inputs.transaction_model, inputs.spend_model
    variance, found = 0.0, False
    for which, m in ((0, tm), (1, sm)):
        cov = getattr(m, "log_covariance", None)
        if getattr(m, "params", None) is None or cov is None or not np.all(np.isfinite(cov)):
            continue
        found = True
        gradient = np.empty(len(m.param_names))
        for i, name in enumerate(m.param_names):
            sides = []
            for step in (DELTA_STEP, -DELTA_STEP):
                changed = _with_params(m, {**m.params, name: m.params[name] * math.exp(step)})
                pair = (changed, sm) if which == 0 else (tm, changed)
                with np.errstate(all="ignore"):
                    sides.append(float(np.sum(_per_customer(*pair, h, terms)["net"])))
            gradient[i] = (sides[0] - sides[1]) / (2 * DELTA_STEP)
        variance += float(gradient @ cov @ gradient)
    return math.sqrt(max(variance, 0.0)) if found else None


def evaluate_target(
    values: pd.DataFrame,
    contacted,
    models=None,
    draws: int = INTERVAL_DRAWS,
    seed=0,
    level: float = INTERVAL_LEVEL,
    method: str = "draws",
) -> TargetResult:
    """Totals over the contacted customers of ``values`` (``incremental_values``): a boolean mask (array, or
    Series on the same customers) or a list of customer ids. With ``models`` (those the values came from), the
    central ``level`` interval of net and ROI: ``method`` "draws", over ``draws`` parameter draws seeded by
    ``seed``; "delta", net +- z sqrt(g' Cov g) with g the total net's gradient in the log-parameters of both
    models (central differences, 2 x (4 + 3) evaluations instead of ``draws``: what the pages use, in a tenth
    of the time; it agrees with the draws within their sampling error, ``tests/test_targeting.py``).

    >>> t = pd.DataFrame({"incremental_margin": [3.0, 1.0, 0.5], "cost": [1.0, 1.0, 1.0]}, index=list("abc"))
    >>> t["net"] = t["incremental_margin"] - t["cost"]
    >>> t.attrs[RECIPE_ATTR] = _Terms(Offer("x", take_up=0.5, cost_per_contact=1.0), 12, 0.0, 1.0, "D")
    >>> r = evaluate_target(t, ["a", "b"])
    >>> r.contacted, r.responders, r.value, r.cost, r.net, r.roi
    (2, 1.0, 4.0, 2.0, 2.0, 1.0)
    """
    terms = _recipe(values)
    mask = _contacted(values, contacted)
    if isinstance(draws, bool) or not isinstance(draws, numbers.Integral) or not 1 <= draws <= MAX_DRAWS:
        raise InputError("draws", draws, "targeting.allowed.draws", high=f"{MAX_DRAWS:,}")
    level = _number("level", level, 0, 1, "targeting.allowed.level", open_low=True)
    if level == 1:
        raise InputError("level", level, "targeting.allowed.level")
    rows = values[mask]
    value, cost, net = (float(rows[c].sum()) for c in ("incremental_margin", "cost", "net"))
    roi = net / cost if cost > 0 else None
    net_interval = roi_interval = None
    used = 0
    if method not in ("draws", "delta"):
        raise InputError("method", method, "targeting.allowed.method")
    if models is not None and mask.any() and method == "delta":
        inputs = _same_customers(models, values, terms)
        sd = _net_sd(inputs, terms, mask)
        if sd is not None and math.isfinite(sd):
            z = float(special.ndtri((1 + level) / 2))
            net_interval = (net - z * sd, net + z * sd)
            roi_interval = (net_interval[0] / cost, net_interval[1] / cost) if cost > 0 else None
    elif models is not None and mask.any():
        inputs = _same_customers(models, values, terms)
        totals = _net_draws(inputs, terms, mask, int(draws), seed)
        used = int(totals.size)
        if used:
            low, high = (float(q) for q in np.quantile(totals, [(1 - level) / 2, (1 + level) / 2]))
            net_interval = (low, high)
            roi_interval = (low / cost, high / cost) if cost > 0 else None
    return TargetResult(
        int(mask.sum()), float(terms.offer.take_up * mask.sum()), value, cost, net, roi,
        net_interval, roi_interval, level, used,
    )  # fmt: skip


def _same_customers(models, values: pd.DataFrame, terms: _Terms) -> _Inputs:
    inputs = _inputs(models, terms.freq)
    if not inputs.summary.index.equals(values.index):
        raise InputError("models", type(models).__name__, "targeting.allowed.same_customers")
    return inputs


def break_even_effect(values: pd.DataFrame, contacted, models, what: str = "effects") -> float | None:
    """The factor at which the target's expected net is zero.

    ``what`` "effects": the factor k on the offer's four effects (``Offer.scaled``; 1 = as given) found by
    scipy's brentq between 0 and ``Offer.max_scale()`` (at most MAX_EFFECT_SCALE); with a negative effect among
    them, the first crossing on a grid of BREAK_EVEN_GRID points. 0.0 when the target breaks even with no
    effect at all (nothing to pay for); None when no factor in that range breaks even.
    ``what`` "take_up": the take-up at which net = 0, exactly: net is take_up x (margin - cost per responder)
    - cost of contacts, summed over the target; None when no take-up in 0..1 breaks even.
    ``models``: those the values came from.
    """
    terms = _recipe(values)
    mask = _contacted(values, contacted)
    if what not in ("effects", "take_up"):
        raise InputError("what", what, "targeting.allowed.what")
    inputs = _same_customers(models, values, terms)
    h = _Histories.of(inputs.summary[mask])
    offer = terms.offer

    def net(candidate: Offer) -> float:
        return float(np.sum(_per_customer(inputs.transaction_model, inputs.spend_model, h, terms, candidate)["net"]))

    if what == "take_up":
        contacts = float(mask.sum()) * offer.cost_per_contact
        per_responder = net(replace(offer, take_up=1.0, cost_per_contact=0.0))
        if contacts == 0:
            return 0.0
        if per_responder <= 0 or contacts > per_responder:
            return None
        return contacts / per_responder
    if net(offer.scaled(0.0)) >= 0:
        return 0.0
    top = offer.max_scale()
    if not offer.has_effect or top <= 0:
        return None

    def at(k: float) -> float:
        return net(offer.scaled(k))

    if all(getattr(offer, e) >= 0 for e in EFFECTS):
        low, high = 0.0, top
        if at(high) < 0:
            return None
    else:
        grid = np.linspace(0.0, top, BREAK_EVEN_GRID + 1)
        signs = np.array([at(k) >= 0 for k in grid])
        if not signs.any():
            return None
        first = int(np.argmax(signs))
        low, high = float(grid[first - 1]), float(grid[first])
        if at(high) == 0:
            return high
    return float(optimize.brentq(at, low, high, xtol=BREAK_EVEN_XTOL))


# ---------------------------------------------------------------------------------------------- rules
def _budget(max_contacts, max_cost) -> tuple[int | None, float | None]:
    if max_contacts is not None and (
        isinstance(max_contacts, bool) or not isinstance(max_contacts, numbers.Integral) or max_contacts < 0
    ):
        raise InputError("max_contacts", max_contacts, "models.allowed.whole_non_negative")
    if max_cost is not None:
        max_cost = _number("max_cost", max_cost, 0, None, "allowed.non_negative")
    return (None if max_contacts is None else int(max_contacts)), max_cost


def _keep_best(values: pd.DataFrame, members: np.ndarray, max_contacts, max_cost) -> np.ndarray:
    order = _ranked(values["net"].to_numpy(dtype=float))
    order = order[members[order]]
    keep = np.ones(order.size, dtype=bool)
    if max_contacts is not None:
        keep &= np.arange(order.size) < max_contacts
    if max_cost is not None:
        keep &= np.cumsum(values["cost"].to_numpy(dtype=float)[order]) <= max_cost * (1 + 1e-12)
    out = np.zeros(len(values), dtype=bool)
    out[order[keep]] = True
    return out


def within_budget(values: pd.DataFrame, contacted, max_contacts: int | None = None, max_cost: float | None = None):
    """The contacted customers (a mask or ids, as ``evaluate_target`` takes them) that a budget reaches: ranked
    by expected net, best first (ties in table order), kept while there are at most ``max_contacts`` of them
    and their expected cost is at most ``max_cost`` (currency). A boolean Series on ``values``' index.

    >>> t = pd.DataFrame({"net": [1.0, 3.0, 2.0], "cost": [1.0, 1.0, 1.0]}, index=list("abc"))
    >>> within_budget(t, [True, True, False], max_contacts=1).tolist()
    [False, True, False]
    >>> within_budget(t, ["a", "c"], max_cost=2).tolist()
    [True, False, True]
    """
    mask = _contacted(values, contacted)
    max_contacts, max_cost = _budget(max_contacts, max_cost)
    return pd.Series(_keep_best(values, mask, max_contacts, max_cost), index=values.index, name="contacted")


def rule_name(rule: str, lang: str = "en", segment: str | None = None) -> str:
    """A rule's name for the user (``targeting.rules.<rule>``; the segment rule names its segment)."""
    if rule not in RULES:
        raise InputError("rule", rule, "targeting.allowed.rule", rules=", ".join(RULES))
    if rule == "segment":
        return i18n.text("targeting.rules.segment", lang, segment=segment_name(segment, lang))
    return i18n.text(f"targeting.rules.{rule}", lang)


def compare_rules(
    values: pd.DataFrame,
    segment: str | None = None,
    max_contacts: int | None = None,
    max_cost: float | None = None,
    lang: str = "en",
) -> pd.DataFrame:
    """Targeting rules side by side, one row per rule (index ``RULES``; the segment's row only with a
    ``segment``): everyone, the customers of ``segment``, the top decile by expected incremental value (the
    TOP_SHARE of customers with the highest expected net, at least one), and only the customers whose expected
    net is above zero. With a budget (``max_contacts`` customers and/or ``max_cost`` currency) each rule keeps
    its best-ranked customers (by expected net) within it. Columns: name (in ``lang``), segment (the segment
    rule's code, else empty), contacted, value (expected incremental margin), cost, net, roi (net / cost; NaN
    when nothing is spent). ``best_rule`` and ``rules_sentence`` read it.
    """
    _recipe(values)
    max_contacts, max_cost = _budget(max_contacts, max_cost)
    n = len(values)
    members = {"everyone": np.ones(n, dtype=bool)}
    if segment is not None:
        members["segment"] = target_mask(values, "segment", segment).to_numpy()
    members["top_decile"] = target_mask(values, "best_n", max(1, int(round(TOP_SHARE * n))) if n else 0).to_numpy()
    members["positive_net"] = values["net"].to_numpy(dtype=float) > 0
    rows = []
    for rule, member in members.items():
        mask = _keep_best(values, member, max_contacts, max_cost)
        chosen = values[mask]
        cost, net = float(chosen["cost"].sum()), float(chosen["net"].sum())
        rows.append(
            {
                "rule": rule,
                "name": rule_name(rule, lang, segment),
                "segment": segment if rule == "segment" else "",
                "contacted": int(mask.sum()),
                "value": float(chosen["incremental_margin"].sum()),
                "cost": cost,
                "net": net,
                "roi": net / cost if cost > 0 else math.nan,
            }
        )
    return pd.DataFrame(rows).set_index("rule")


def best_rule(comparison: pd.DataFrame) -> str:
    """The rule with the highest expected net (the first in ``RULES`` order on a tie)."""
    return str(comparison["net"].idxmax())


def rules_sentence(comparison: pd.DataFrame, lang: str = "en", currency: str = "$", digits: str = "western") -> str:
    """One sentence naming the rule that earns most (``compare_rules``), or saying that contacting nobody does.

    >>> c = pd.DataFrame({"segment": ["", ""], "contacted": [100, 10], "value": [90.0, 40.0],
    ...                   "cost": [100.0, 10.0], "net": [-10.0, 30.0], "roi": [-0.1, 3.0]},
    ...                  index=pd.Index(["everyone", "top_decile"], name="rule"))
    >>> rules_sentence(c)  # doctest: +NORMALIZE_WHITESPACE
    'The top 10% by expected incremental value earns the most: 10 customers contacted, net $30.00 after $10.00
     of cost (return on cost 300%).'
    """
    rule = best_rule(comparison)
    row = comparison.loc[rule]
    if row["net"] <= 0:
        return i18n.text("targeting.best.nobody", lang)
    values = {
        "rule": rule_name(rule, lang, row["segment"] or None),
        "count": fmt.number(row["contacted"], 0, digits),
        "net": fmt.money(row["net"], currency, 2, digits),
        "cost": fmt.money(row["cost"], currency, 2, digits),
    }
    if row["cost"] > 0:
        return i18n.text("targeting.best.paid", lang, roi=fmt.percent(row["roi"], 0, digits), **values)
    return i18n.text("targeting.best.free", lang, **values)


# ---------------------------------------------------------------------------------------------- contacts
def contact_list(values: pd.DataFrame, contacted, lang: str | None = None) -> pd.DataFrame:
    """The customers to contact, best expected net first: customer_id, segment (when the values have one),
    p_alive, incremental_margin, net. ``attrs["decimals"]`` sets their CSV precision for
    ``clv.export.safe_csv`` (P(alive) to 4 decimals, money to cents). With ``lang``, headers from the
    catalogue (``targeting.columns``) and segment names instead of codes.

    >>> t = pd.DataFrame({"p_alive": [0.5, 0.9], "incremental_margin": [1.0, 4.0], "net": [0.5, 3.5]},
    ...                  index=pd.Index(["a", "=b"], name="customer_id"))
    >>> from clv.export import safe_csv
    >>> safe_csv(contact_list(t, [True, True]))[3:]
    b"customer_id,p_alive,incremental_margin,net\\r\\n'=b,0.9000,4.00,3.50\\r\\na,0.5000,1.00,0.50\\r\\n"
    """
    mask = _contacted(values, contacted)
    rows = values[mask]
    rows = rows.iloc[_ranked(rows["net"].to_numpy(dtype=float))]
    columns = ["segment"] if "segment" in rows.columns else []
    out = rows[columns + ["p_alive", "incremental_margin", "net"]].copy()
    out.insert(0, "customer_id", rows.index.to_numpy())
    out = out.reset_index(drop=True)
    decimals = dict(CONTACT_DECIMALS)
    if lang is not None:
        if columns:
            out["segment"] = [segment_name(s, lang) if s in SEGMENTS else s for s in out["segment"]]
        headers = {c: i18n.text(f"targeting.columns.{c}", lang) for c in out.columns}
        out = out.rename(columns=headers)
        decimals = {headers[c]: d for c, d in decimals.items()}
    out.attrs = {DECIMALS_ATTR: decimals}
    return out


__all__ = [
    "Offer",
    "offer_from_template",
    "offer_from_campaign",
    "incremental_values",
    "target_mask",
    "evaluate_target",
    "TargetResult",
    "break_even_effect",
    "compare_rules",
    "within_budget",
    "best_rule",
    "rules_sentence",
    "rule_name",
    "contact_list",
    "VALUE_COLUMNS",
    "TARGET_KINDS",
    "RULES",
    "OFFER_TEMPLATES",
    "EFFECTS",
]


# ---------------------------------------------------------------------------------------------- in words
RULE_COLUMNS = ("name", "contacted", "value", "cost", "net", "roi")
RULE_MONEY = ("value", "cost", "net")
RULE_DECIMALS = {"contacted": 0, "value": 2, "cost": 2, "net": 2, "roi": 4}


def rules_table(comparison: pd.DataFrame, lang: str = "en", currency: str = "$") -> pd.DataFrame:
    """``compare_rules`` for showing and CSV: rule, customers contacted, expected incremental margin, cost, net
    and return on cost (a fraction; empty when nothing is spent), headers from ``targeting.table``.

    >>> c = pd.DataFrame({"name": ["Everyone"], "segment": [""], "contacted": [100], "value": [90.0],
    ...                   "cost": [100.0], "net": [-10.0], "roi": [-0.1]}, index=pd.Index(["everyone"], name="rule"))
    >>> list(rules_table(c).columns)
    ['Rule', 'Customers contacted', 'Expected incremental margin ($)', 'Cost ($)', 'Net ($)', 'Return on cost']
    """
    shown = comparison[list(RULE_COLUMNS)].reset_index(drop=True)
    headers = {c: i18n.text(f"targeting.table.{c}", lang, currency=currency) for c in RULE_COLUMNS}
    shown = shown.rename(columns=headers)
    shown.attrs = {DECIMALS_ATTR: {headers[c]: d for c, d in RULE_DECIMALS.items()}}
    return shown


def rules_money_columns(lang: str = "en", currency: str = "$") -> tuple[str, ...]:
    """The headers of ``rules_table``'s money columns."""
    return tuple(i18n.text(f"targeting.table.{c}", lang, currency=currency) for c in RULE_MONEY)


def result_sentence(result: TargetResult, lang: str = "en", currency: str = "$", digits: str = "western") -> str:
    """What contacting the target is expected to earn, with its interval, in one sentence.

    >>> r = TargetResult(500, 50.0, 1200.0, 400.0, 800.0, 2.0, (500.0, 1100.0), (1.2, 2.8), 0.95, 200)
    >>> result_sentence(r)  # doctest: +NORMALIZE_WHITESPACE
    'Contacting these 500 customers should bring $1,200 of extra margin for $400 of cost: a net of $800
     (95% range $500 to $1,100), a return on cost of 200% (95% range 120% to 280%).'
    """
    money = lambda v: fmt.money(v, currency, 0, digits)  # noqa: E731
    values = {
        "count": fmt.number(result.contacted, 0, digits),
        "value": money(result.value),
        "cost": money(result.cost),
        "net": money(result.net),
        "level": fmt.percent(result.level, 0, digits),
    }
    text = i18n.text("targeting.sentence.result", lang, **values)
    if result.net_interval is not None:
        low, high = result.net_interval
        text = i18n.text(
            "targeting.sentence.with_range", lang, sentence=text, low=money(low), high=money(high), **values
        )
    if result.roi is not None:
        roi = i18n.text("targeting.sentence.roi", lang, roi=fmt.percent(result.roi, 0, digits))
        if result.roi_interval is not None:
            low, high = result.roi_interval
            roi = i18n.text(
                "targeting.sentence.roi_range",
                lang,
                roi=fmt.percent(result.roi, 0, digits),
                low=fmt.percent(low, 0, digits),
                high=fmt.percent(high, 0, digits),
                level=values["level"],
            )
        text = i18n.text("targeting.sentence.and", lang, first=text, second=roi)
    return text + "."


def break_even_sentence(effect: float | None, take_up: float | None, offer: Offer, lang: str = "en", digits="western"):
    """Where the offer breaks even on this target: the factor on its effects (``break_even_effect``) and the
    take-up, in words.

    >>> o = Offer("x", purchase_lift=0.2, take_up=0.1, cost_per_contact=1.0)
    >>> break_even_sentence(0.5, 0.05, o)
    'It breaks even at half its effects (a purchase rate lift of 10%) or at a take-up of 5%.'
    >>> break_even_sentence(None, None, o)
    'No effect up to 100 times this offer’s, and no take-up, makes it pay on this target.'
    """
    if effect is None and take_up is None:
        return i18n.text("targeting.sentence.never", lang, most=fmt.number(offer.max_scale(), 0, digits))
    parts = []
    if effect is not None:
        main = max(EFFECTS, key=lambda e: abs(getattr(offer, e)))
        scaled = offer.scaled(effect) if effect > 0 else offer.scaled(0.0)
        parts.append(
            i18n.text(
                "targeting.sentence.effect_half" if abs(effect - 0.5) < 5e-3 else "targeting.sentence.effect",
                lang,
                factor=fmt.number(effect, 2, digits),
                what=i18n.text(f"targeting.sentence.effects.{main}", lang),
                value=fmt.percent(getattr(scaled, main), 0, digits),
            )
        )
    if take_up is not None:
        parts.append(i18n.text("targeting.sentence.take_up", lang, take_up=fmt.percent(take_up, 0, digits)))
    return i18n.text("targeting.sentence.break_even", lang, ways=i18n.text("targeting.sentence.or", lang).join(parts))
