"""The Learn page's lesson content as pure functions: worked numbers, quizzes, glossary, known-truth fits.

Everything a lesson shows is computed here (no Streamlit), so a notebook gets the same numbers and the
tests pin them by hand. Sentences live in the catalogue under ``learn.*`` and ``glossary.*``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from .core import RULE_OF_THUMB_LTV_TO_CAC, ltv, ltv_to_cac, monthly_rate, payback_churn_adjusted
from .errors import InputError
from .explain import tex_number
from .models import BetaGeo, GammaGamma
from .simulate import alive_share, expected_alive_share, simulate_bgnbd

LESSONS = ("what", "simple", "churn", "discounting", "ltv_cac", "payback", "mixture", "rfm", "btyd")
MONTHS_PER_YEAR = 12
WEEKS_PER_MONTH = 52 / 12  # the BTYD lesson simulates in weeks; the calculator's churn is monthly
DISCOUNTING_SPAN = 1.5  # the discounting chart runs 1.5 x the horizon ...
DISCOUNTING_MIN_MONTHS = 24  # ... and at least two years
MIXTURE_MONTHS = 60  # the mixture lesson's churn-by-tenure chart: five years

# ------------------------------------------------------------------------------------------ formulas


def simple_formula_ltv(
    avg_order_value: float, orders_per_year: float, gross_margin: float, lifespan_years: float
) -> float:
    """The back-of-the-envelope CLV: order value x orders per year x margin x lifespan (years).

    No discounting, no churn curve: every customer is the average customer and stays the average time.

    >>> simple_formula_ltv(60, 4, 0.3, 3)
    216.0
    """
    for name, value in (
        ("avg_order_value", avg_order_value),
        ("orders_per_year", orders_per_year),
        ("lifespan_years", lifespan_years),
    ):
        _check(name, value, 0, None, "allowed.non_negative")
    _check("gross_margin", gross_margin, 0, 1, "allowed.fraction")
    return float(avg_order_value) * float(orders_per_year) * float(gross_margin) * float(lifespan_years)


class SimpleVsDiscounted(NamedTuple):
    """The simple formula's value and the same customer's with churn and discounting (``gap``: the difference)."""

    simple: float
    discounted: float

    @property
    def gap(self) -> float:
        return self.simple - self.discounted


def simple_vs_discounted(
    avg_order_value: float,
    orders_per_year: float,
    gross_margin: float,
    lifespan_years: float,
    annual_discount_rate: float,
) -> SimpleVsDiscounted:
    """(simple formula, the same customer with monthly churn 1 / (12 x lifespan) and discounting).

    With a constant churn the expected lifetime equals the lifespan, so without discounting the two
    agree; money that arrives later is worth less, so discounting lowers the second.

    >>> s, d = simple_vs_discounted(60, 4, 0.3, 3, 0.10)
    >>> round(s, 2), round(d, 2), round(simple_vs_discounted(60, 4, 0.3, 3, 0.10).gap, 2)
    (216.0, 169.16, 46.84)
    """
    simple = simple_formula_ltv(avg_order_value, orders_per_year, gross_margin, lifespan_years)
    _check("annual_discount_rate", annual_discount_rate, 0, None, "allowed.rate")
    if lifespan_years <= 0:
        raise InputError("lifespan_years", lifespan_years, "allowed.positive")
    churn = min(1.0, 1.0 / (12.0 * lifespan_years))
    arpu = avg_order_value * orders_per_year / 12.0
    return SimpleVsDiscounted(simple, float(ltv(arpu, gross_margin, churn, annual_discount_rate)))


def geometric_lifetime_terms(monthly_churn: float, n: int) -> pd.DataFrame:
    """The first ``n`` terms of the expected lifetime sum 1 + (1 - c) + (1 - c)^2 + ... = 1 / c.

    Term t is the chance a new customer still pays in month t (month 0 is certain). Columns ``month``,
    ``term`` and ``partial_sum``; ``attrs["limit"]`` is 1 / c (inf when c = 0).

    >>> df = geometric_lifetime_terms(0.05, 3)
    >>> df["term"].round(4).tolist(), round(float(df["partial_sum"].iloc[-1]), 4), df.attrs["limit"]
    ([1.0, 0.95, 0.9025], 2.8525, 20.0)
    """
    _check("monthly_churn", monthly_churn, 0, 1, "allowed.fraction")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise InputError("n", n, "learn.allowed.terms")
    t = np.arange(int(n))
    term = (1.0 - float(monthly_churn)) ** t
    df = pd.DataFrame({"month": t, "term": term, "partial_sum": np.cumsum(term)})
    df.attrs["limit"] = 1.0 / monthly_churn if monthly_churn > 0 else math.inf
    return df


@dataclass(frozen=True, slots=True)
class MixtureEffect:
    """Two customer segments with different churn: the right and the wrong LTV of the mix."""

    ltv_a: float  # LTV of a segment-A customer (ARPU x m / c_a)
    ltv_b: float
    average_churn: float  # share_a c_a + (1 - share_a) c_b
    ltv_of_average_churn: float  # ARPU x m / average churn: what averaging churn first gives (wrong)
    average_ltv: float  # share_a LTV_a + (1 - share_a) LTV_b: the expected LTV (right)
    effective_churn: float  # the churn that gives average_ltv: 1 / E[1 / c] (a harmonic mean)

    @property
    def understatement(self) -> float:
        """average_ltv / ltv_of_average_churn: how many times too low the averaged-churn LTV is (>= 1)."""
        return self.average_ltv / self.ltv_of_average_churn


def mixture_effect(arpu: float, gross_margin: float, churn_a: float, churn_b: float, share_a: float) -> MixtureEffect:
    """LTV of the average churn vs the average of the segments' LTVs (no discounting, no horizon).

    1 / c is convex, so the average of 1 / c exceeds 1 / (average c) (Jensen's inequality): averaging
    churn first always understates the LTV of a mixed base, unless both churns are equal.

    >>> e = mixture_effect(50, 0.8, 0.02, 0.20, 0.5)     # the lesson's example
    >>> round(e.average_ltv, 2), round(e.ltv_of_average_churn, 2), round(e.effective_churn, 4)
    (1100.0, 363.64, 0.0364)
    """
    _check("arpu", arpu, 0, None, "allowed.non_negative")
    _check("gross_margin", gross_margin, 0, 1, "allowed.fraction")
    for name, c in (("churn_a", churn_a), ("churn_b", churn_b)):
        _check(name, c, 0, 1, "learn.allowed.churn")
        if c <= 0:
            raise InputError(name, c, "learn.allowed.churn")
    _check("share_a", share_a, 0, 1, "allowed.fraction")
    a, b, w = float(churn_a), float(churn_b), float(share_a)
    ltv_a, ltv_b = float(ltv(arpu, gross_margin, a)), float(ltv(arpu, gross_margin, b))
    average = w * a + (1 - w) * b
    return MixtureEffect(
        ltv_a=ltv_a,
        ltv_b=ltv_b,
        average_churn=average,
        ltv_of_average_churn=float(ltv(arpu, gross_margin, average)),
        average_ltv=w * ltv_a + (1 - w) * ltv_b,
        effective_churn=1.0 / (w / a + (1 - w) / b),
    )


def mixture_churn_by_month(churn_a: float, churn_b: float, share_a: float, months: int) -> pd.DataFrame:
    """Churn among the customers still there, month by month, for the two-segment mix.

    The high-churn segment leaves first, so the mix's observed churn falls with tenure from the average
    churn towards the lower one: a falling churn curve with no customer changing behaviour.

    >>> df = mixture_churn_by_month(0.02, 0.20, 0.5, 3)
    >>> df["churn"].round(4).tolist()
    [0.11, 0.1009, 0.092]
    """
    t = np.arange(int(months))
    alive_a, alive_b = share_a * (1 - churn_a) ** t, (1 - share_a) * (1 - churn_b) ** t
    remaining = alive_a + alive_b
    churn = (alive_a * churn_a + alive_b * churn_b) / remaining
    return pd.DataFrame({"month": t, "remaining": remaining, "churn": churn})


def payback_never_churn(monthly_margin: float, cac: float) -> float | None:
    """The monthly churn above which the expected margin never covers CAC (no discounting): g / CAC.

    A new customer's total expected margin is g / c; it reaches CAC only while c < g / CAC.

    >>> payback_never_churn(40, 300) == 40 / 300, payback_never_churn(40, 0)
    (True, None)
    """
    if cac <= 0:
        return None
    return min(1.0, monthly_margin / cac)


def discounting_table(
    arpu: float, gross_margin: float, monthly_churn: float, annual_discount_rate: float, months: int
) -> pd.DataFrame:
    """Cumulative expected margin by month, undiscounted and discounted (payment at the start of a month).

    >>> df = discounting_table(50, 0.8, 0.05, 0.10, 2)
    >>> df["cumulative"].round(2).tolist(), df["cumulative_discounted"].round(2).tolist()
    ([40.0, 78.0], [40.0, 77.7])
    """
    t = np.arange(int(months))
    margin = arpu * gross_margin * (1.0 - monthly_churn) ** t
    discount = (1.0 + monthly_rate(annual_discount_rate)) ** -t
    return pd.DataFrame(
        {"month": t, "cumulative": np.cumsum(margin), "cumulative_discounted": np.cumsum(margin * discount)}
    )


# ------------------------------------------------------------------------------------------ lesson numbers
# What each lesson's worked example and "play" part show, from the calculator's assumptions and the sliders.


def cohort_totals(ltv_value: float, cac: float, customers: int) -> tuple[float, float, float]:
    """(value, cost, net) of ``customers`` acquired: n x LTV, n x CAC and n x (LTV - CAC).

    >>> cohort_totals(800.0, 300.0, 100)
    (80000.0, 30000.0, 50000.0)
    """
    return customers * ltv_value, customers * cac, customers * (ltv_value - cac)


@dataclass(frozen=True, slots=True)
class SimpleWorked:
    """The simple formula with the calculator's monthly numbers: a year's revenue, the lifespan, the value."""

    annual_revenue: float  # 12 x ARPU, currency a year
    lifespan_years: float  # 1 / (12 c): the expected lifetime in years
    ltv: float  # annual revenue x m x lifespan


def simple_from_monthly(arpu: float, gross_margin: float, monthly_churn: float) -> SimpleWorked | None:
    """The simple formula with order value x orders per year = 12 x ARPU and lifespan = 1 / (12 c) years;
    None when c = 0 (no finite lifespan). Without discounting it equals ARPU x m / c.

    >>> w = simple_from_monthly(50, 0.8, 0.05)
    >>> w.annual_revenue, round(w.lifespan_years, 4), round(w.ltv, 2)
    (600.0, 1.6667, 800.0)
    """
    if monthly_churn <= 0:
        return None
    annual, years = MONTHS_PER_YEAR * float(arpu), 1 / (MONTHS_PER_YEAR * monthly_churn)
    return SimpleWorked(annual, years, simple_formula_ltv(annual, 1, gross_margin, years))


def lifetime_progress(terms: pd.DataFrame) -> tuple[float, float, float]:
    """(sum of the terms shown, the limit 1 / c, the share of the limit reached: 1 - (1 - c)^n) of
    ``geometric_lifetime_terms``.

    >>> partial, limit, share = lifetime_progress(geometric_lifetime_terms(0.05, 24))
    >>> round(partial, 2), limit, round(share, 4)
    (14.16, 20.0, 0.708)
    """
    partial, limit = float(terms["partial_sum"].iloc[-1]), terms.attrs["limit"]
    return partial, limit, partial / limit


def discounting_at(
    arpu: float, gross_margin: float, monthly_churn: float, annual_discount_rate: float, horizon_months: int
) -> tuple[pd.DataFrame, float, float]:
    """(the lesson's table, cumulative margin at the horizon, the same discounted): ``discounting_table`` over
    max(1.5 x horizon, 24) months, read at month ``horizon_months`` (its last payment, month H - 1).

    >>> table, plain, discounted = discounting_at(50, 0.8, 0.05, 0.10, 36)
    >>> len(table), round(plain, 2), round(discounted, 2)
    (54, 673.78, 613.02)
    """
    months = max(int(horizon_months * DISCOUNTING_SPAN), DISCOUNTING_MIN_MONTHS)
    table = discounting_table(arpu, gross_margin, monthly_churn, annual_discount_rate, months)
    row = table.iloc[horizon_months - 1]
    return table, float(row["cumulative"]), float(row["cumulative_discounted"])


def ratio_at_cac(
    arpu: float,
    gross_margin: float,
    monthly_churn: float,
    cac: float,
    annual_discount_rate: float = 0.0,
    horizon_months: int | None = None,
) -> float | None:
    """LTV / CAC at another CAC (``clv.ltv_to_cac``); None when it is not a number (0 / 0).

    >>> ratio_at_cac(50, 0.8, 0.05, 400), ratio_at_cac(0, 0.8, 0.05, 0)
    (2.0, None)
    """
    ratio = ltv_to_cac(arpu, gross_margin, monthly_churn, cac, annual_discount_rate, horizon_months)
    return None if ratio is None or math.isnan(ratio) else float(ratio)


def cac_for_rule(ltv_value: float) -> float:
    """The highest CAC the 3 : 1 rule of thumb allows for this LTV: LTV / 3.

    >>> cac_for_rule(800.0)
    266.6666666666667
    """
    return ltv_value / RULE_OF_THUMB_LTV_TO_CAC


def payback_at_churn(
    monthly_margin: float,
    cac: float,
    monthly_churn: float,
    annual_discount_rate: float = 0.0,
    horizon_months: int | None = None,
) -> tuple[float | None, float | None, float | None]:
    """(simple payback CAC / g, the churn-adjusted payback at ``monthly_churn``, the churn above which it never
    pays back: ``payback_never_churn``), in months; None for a payback that never happens or no threshold.

    >>> simple, adjusted, threshold = payback_at_churn(40, 300, 0.05)
    >>> simple, round(adjusted, 2), round(threshold, 4)
    (7.5, 9.16, 0.1333)
    >>> payback_at_churn(0, 300, 0.05)[0] is None
    True
    """
    simple = cac / monthly_margin if monthly_margin > 0 else None
    adjusted = payback_churn_adjusted(monthly_margin, cac, monthly_churn, annual_discount_rate, horizon_months)
    return simple, adjusted, payback_never_churn(monthly_margin, cac)


@dataclass(frozen=True, slots=True)
class BtydReading:
    """The buy-till-you-die lesson's numbers, BG/NBD with time in weeks (Fader, Hardie & Lee 2005).

    ``weekly_rate`` r / alpha: the mean purchase rate of an active customer, a week; ``dropout`` a / (a + b):
    the mean chance of dropping out after a purchase; ``monthly_rate``: r / alpha x 52 / 12 purchases a month.
    ``p``: the dropout chance per purchase that gives the calculator's monthly churn c, p = c / lambda
    (a customer leaves after a purchase with chance p and buys lambda times a month, so about c a month);
    None when c or lambda is 0 (``status`` "none") or when c / lambda > 1 (``status`` "too_high").
    """

    weekly_rate: float
    dropout: float
    monthly_rate: float
    monthly_churn: float
    p: float | None
    status: str  # "ok" | "none" | "too_high" (catalogue: learn.btyd.worked*)


def btyd_reading(r: float, alpha: float, a: float, b: float, monthly_churn: float) -> BtydReading:
    """The lesson's means and the calculator's churn read as BG/NBD's dropout chance (``BtydReading``).

    >>> x = btyd_reading(0.25, 4.0, 0.8, 2.4, 0.05)
    >>> round(x.weekly_rate, 4), x.dropout, round(x.monthly_rate, 4), round(x.p, 4), x.status
    (0.0625, 0.25, 0.2708, 0.1846, 'ok')
    >>> btyd_reading(0.25, 4.0, 0.8, 2.4, 0.5).status, btyd_reading(0.25, 4.0, 0.8, 2.4, 0.0).p
    ('too_high', None)
    """
    weekly = r / alpha
    monthly = weekly * WEEKS_PER_MONTH
    if monthly_churn <= 0 or monthly <= 0:
        p, status = None, "none"
    elif monthly_churn / monthly > 1:
        p, status = None, "too_high"
    else:
        p, status = monthly_churn / monthly, "ok"
    return BtydReading(weekly, a / (a + b), monthly, float(monthly_churn), p, status)


ALIVE_POINTS = 105  # points on the lesson's share-alive curves


@dataclass(frozen=True)
class AliveCurves:
    """The share of a simulated base still alive by week, simulated and expected (BG/NBD), and at the end."""

    weeks: np.ndarray
    simulated: np.ndarray  # share of the simulated customers alive at each week (``alive_share``)
    expected: np.ndarray  # the model's expected share (``expected_alive_share``)
    alive_now: float  # the simulated share alive at the end (a business never sees it)


def alive_curves(sim: pd.DataFrame, r: float, alpha: float, a: float, b: float, weeks: float) -> AliveCurves:
    """``AliveCurves`` of ``simulate_bgnbd``'s output over 0..``weeks``.

    >>> c = alive_curves(simulate_bgnbd(500, 0.25, 4.0, 0.8, 2.4, 52, 7), 0.25, 4.0, 0.8, 2.4, 52)
    >>> len(c.weeks), float(c.simulated[0]), float(c.expected[0]), 0 < c.alive_now < 1
    (105, 1.0, 1.0, True)
    """
    t = np.linspace(0, weeks, ALIVE_POINTS)
    return AliveCurves(t, alive_share(sim, t), expected_alive_share(t, r, alpha, a, b), float(sim["alive"].mean()))


def btyd_latex(reading: BtydReading) -> str:
    r"""The worked p = c / lambda in LaTeX ("" when there is no p).

    >>> btyd_latex(btyd_reading(0.25, 4.0, 0.8, 2.4, 0.05))
    'p = \\frac{c}{\\lambda} = \\frac{0.0500}{0.271} = 0.185'
    """
    if reading.p is None:
        return ""
    return (
        rf"p = \frac{{c}}{{\lambda}} = \frac{{{tex_number(reading.monthly_churn, 4)}}}"
        rf"{{{tex_number(reading.monthly_rate, 3)}}} = {tex_number(reading.p, 3)}"
    )


# ------------------------------------------------------------------------------------------ RFM


def rfm_example() -> pd.DataFrame:
    """Ten made-up shop customers: days since their last purchase, orders and revenue in a year.

    Score it with ``clv.rfm.rfm_scores``: R, F and M are quintile scores 1..5 (5 best; for R the most
    recent), and the segment follows from R and the mean of F and M.
    """
    return pd.DataFrame(
        {
            "recency_days": [3, 10, 25, 40, 60, 90, 120, 180, 250, 330],
            "orders": [14, 9, 2, 6, 1, 11, 3, 5, 1, 2],
            "revenue": [1450.0, 620.0, 95.0, 410.0, 40.0, 980.0, 150.0, 300.0, 35.0, 60.0],
        },
        index=pd.Index(["Ana", "Ben", "Chen", "Dina", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jo"], name="customer"),
    )


# ------------------------------------------------------------------------------------------ quizzes


@dataclass(frozen=True, slots=True)
class Question:
    """A multiple-choice question: catalogue ``learn.quiz.<lesson>.<key>`` holds ``question``, ``why`` and
    ``options.<option>``; ``correct`` is the right option."""

    lesson: str
    key: str
    options: tuple[str, ...]
    correct: str

    @property
    def catalogue_key(self) -> str:
        return f"learn.quiz.{self.lesson}.{self.key}"


QUIZ: dict[str, tuple[Question, ...]] = {
    "what": (
        Question("what", "q1", ("revenue", "margin", "orders"), "margin"),
        Question("what", "q2", ("cap", "cac", "price"), "cac"),
    ),
    "simple": (
        Question("simple", "q1", ("discount", "price", "margin"), "discount"),
        Question("simple", "q2", ("equal", "higher", "lower"), "equal"),
    ),
    "churn": (
        Question("churn", "q1", ("ten", "twenty", "fifty"), "twenty"),
        Question("churn", "q2", ("halves", "doubles", "same"), "doubles"),
        Question("churn", "q3", ("geometric", "linear", "normal"), "geometric"),
    ),
    "discounting": (
        Question("discounting", "q1", ("lower", "higher", "same"), "lower"),
        Question("discounting", "q2", ("finite", "infinite", "zero"), "finite"),
    ),
    "ltv_cac": (
        Question("ltv_cac", "q1", ("healthy", "thin", "losing"), "thin"),
        Question("ltv_cac", "q2", ("underinvest", "perfect", "fraud"), "underinvest"),
    ),
    "payback": (
        Question("payback", "q1", ("longer", "shorter", "same"), "longer"),
        Question("payback", "q2", ("never", "twelve", "seven"), "never"),
    ),
    "mixture": (
        Question("mixture", "q1", ("understates", "overstates", "exact"), "understates"),
        Question("mixture", "q2", ("falls", "rises", "flat"), "falls"),
        Question("mixture", "q3", ("harmonic", "arithmetic", "median"), "harmonic"),
    ),
    "rfm": (
        Question("rfm", "q1", ("recent", "old", "rich"), "recent"),
        Question("rfm", "q2", ("at_risk", "champions", "new"), "at_risk"),
    ),
    "btyd": (
        Question("btyd", "q1", ("unseen", "cancel", "email"), "unseen"),
        Question("btyd", "q2", ("lower", "higher", "one"), "lower"),
        Question("btyd", "q3", ("mean", "median", "max"), "mean"),
    ),
}


def question(lesson: str, key: str) -> Question:
    """One quiz question by lesson and key (KeyError if there is none)."""
    for q in QUIZ[lesson]:
        if q.key == key:
            return q
    raise KeyError(f"no question {key!r} in lesson {lesson!r}")


def is_correct(lesson: str, key: str, answer: str | None) -> bool | None:
    """True or False for an answer; None when not answered yet. An unknown option raises InputError.

    >>> is_correct("churn", "q1", "twenty"), is_correct("churn", "q1", "ten"), is_correct("churn", "q1", None)
    (True, False, None)
    """
    q = question(lesson, key)
    if answer is None:
        return None
    if answer not in q.options:
        raise InputError("answer", answer, "learn.allowed.option", options=", ".join(q.options))
    return answer == q.correct


def score(lesson: str, answers: dict[str, str | None]) -> tuple[int, int, int]:
    """(right, answered, questions) for one lesson's answers {question key: option or None}.

    >>> score("churn", {"q1": "twenty", "q2": "halves", "q3": None})
    (1, 2, 3)
    """
    right = answered = 0
    for q in QUIZ[lesson]:
        verdict = is_correct(lesson, q.key, answers.get(q.key))
        if verdict is not None:
            answered += 1
            right += verdict
    return right, answered, len(QUIZ[lesson])


# ------------------------------------------------------------------------------------------ glossary

GLOSSARY_TERMS = (
    "ltv",
    "arpu",
    "aov",
    "purchase_frequency",
    "gross_margin",
    "churn",
    "retention",
    "expected_lifetime",
    "lifespan",
    "cac",
    "ltv_to_cac",
    "payback",
    "payback_adjusted",
    "discount_rate",
    "horizon",
    "cohort",
    "segment",
    "heterogeneity",
    "rfm",
    "recency",
    "frequency",
    "monetary_value",
    "customer_age",
    "btyd",
    "bgnbd",
    "mbgnbd",
    "pareto_nbd",
    "bgbb",
    "gamma_gamma",
    "sbg",
    "p_alive",
    "calibration_holdout",
    "confidence_interval",
    "shapley",
    "break_even",
    "mrr",
    "arr",
    "nrr",
    "expansion",
)


# ------------------------------------------------------------------------------------------ known truth


@dataclass(frozen=True, slots=True)
class KnownTruth:
    """A simulated base, its summary and, when the models are available, the fits against the truth."""

    customers: int
    repeat_share: float  # share of customers with at least one repeat purchase
    mean_frequency: float
    alive_share: float  # true share still alive at the end (a business never sees it)
    comparison: pd.DataFrame | None  # model, param, truth, estimate, lower_95, upper_95, inside
    fitted: bool  # a transaction model was fitted
    p_alive: np.ndarray | None = None  # the fitted BG/NBD's P(alive at T) per simulated customer

    @property
    def inside(self) -> int:
        return 0 if self.comparison is None else int(self.comparison["inside"].sum())

    @property
    def worst(self) -> pd.Series | None:
        """The row with the largest relative error |estimate - truth| / truth."""
        if self.comparison is None or self.comparison.empty:
            return None
        rel = (self.comparison["estimate"] - self.comparison["truth"]).abs() / self.comparison["truth"]
        return self.comparison.assign(relative_error=rel).loc[rel.idxmax()]


def compare_fit(model, truth: dict[str, float], model_name: str) -> pd.DataFrame:
    """A fitted model's ``summary()`` beside the true parameters: is each truth inside its 95% interval?"""
    summary = model.summary()
    rows = summary[summary["param"].isin(list(truth))]
    out = pd.DataFrame(
        {
            "model": model_name,
            "param": rows["param"].to_numpy(),
            "truth": [truth[p] for p in rows["param"]],
            "estimate": rows["estimate"].to_numpy(),
            "lower_95": rows["lower_95"].to_numpy(),
            "upper_95": rows["upper_95"].to_numpy(),
        }
    )
    out["inside"] = (out["lower_95"] <= out["truth"]) & (out["truth"] <= out["upper_95"])
    return out


def known_truth(
    n_customers: int,
    r: float,
    alpha: float,
    a: float,
    b: float,
    T: float,
    seed: int,
    spend: tuple[float, float, float] | None = None,
    models=None,
) -> KnownTruth:
    """Simulate a base with known parameters, fit BG/NBD (and Gamma-Gamma with ``spend``), compare.

    ``models`` is (the transaction model class or None, the spend model class or None); by default BG/NBD and
    Gamma-Gamma (None leaves that fit out). Raises ``FitError`` when a model cannot be fitted to the simulated data.
    """
    sim = simulate_bgnbd(n_customers, r, alpha, a, b, T, seed, spend=spend)
    beta_geo, gamma_gamma = (BetaGeo, GammaGamma) if models is None else models
    parts, p_alive = [], None
    if beta_geo is not None:
        x, tx, big_t = sim["frequency"].to_numpy(), sim["recency"].to_numpy(), sim["T"].to_numpy()
        fit = beta_geo().fit(x, tx, big_t)
        parts.append(compare_fit(fit, {"r": r, "alpha": alpha, "a": a, "b": b}, "bgnbd"))
        p_alive = np.asarray(fit.p_alive(x, tx, big_t), dtype=float)
    if spend is not None and gamma_gamma is not None:
        fit = gamma_gamma().fit(sim["frequency"].to_numpy(), sim["monetary_value"].to_numpy())
        parts.append(compare_fit(fit, dict(zip(("p", "q", "v"), spend)), "gamma_gamma"))
    return KnownTruth(
        customers=len(sim),
        repeat_share=float((sim["frequency"] > 0).mean()),
        mean_frequency=float(sim["frequency"].mean()),
        alive_share=float(sim["alive"].mean()),
        comparison=pd.concat(parts, ignore_index=True) if parts else None,
        fitted=beta_geo is not None,
        p_alive=p_alive,
    )


# ------------------------------------------------------------------------------------------ LaTeX


def churn_ltv_latex(arpu: float, gross_margin: float, monthly_churn: float) -> tuple[str, str]:
    r"""(general, worked) LaTeX of LTV = ARPU x m x sum (1 - c)^t = ARPU x m / c (no discounting).

    >>> churn_ltv_latex(50, 0.8, 0.04)[1]
    'LTV = \\frac{50.00 \\times 0.80}{0.0400} = 1{,}000.00'
    """
    general = (
        r"E[\text{months}] = \sum_{t=0}^{\infty} (1 - c)^t = 1 + (1 - c) + (1 - c)^2 + \dots = \frac{1}{c}"
        r"\qquad LTV = ARPU \times m \times \frac{1}{c}"
    )
    value = float(ltv(arpu, gross_margin, monthly_churn))
    worked = (
        rf"LTV = \frac{{{tex_number(arpu)} \times {tex_number(gross_margin)}}}{{{tex_number(monthly_churn, 4)}}}"
        rf" = {tex_number(value)}"
    )
    return general, worked


def simple_formula_latex(annual_revenue: float, gross_margin: float, lifespan_years: float) -> tuple[str, str]:
    r"""(general, worked) LaTeX of the simple formula, with order value x orders per year as one number.

    >>> simple_formula_latex(600, 0.8, 20 / 12)[1]
    'CLV = 600.00 \\times 0.80 \\times 1.67 = 800.00'
    """
    general = r"CLV = \text{order value} \times \text{orders per year} \times m \times \text{lifespan (years)}"
    value = annual_revenue * gross_margin * lifespan_years
    return general, (
        rf"CLV = {tex_number(annual_revenue)} \times {tex_number(gross_margin)} \times "
        rf"{tex_number(lifespan_years)} = {tex_number(value)}"
    )


def mixture_latex(arpu: float, gross_margin: float, churn_a: float, churn_b: float, share_a: float) -> tuple[str, str]:
    r"""(general, worked) LaTeX: the average of the LTVs against the LTV of the average churn.

    >>> "1{,}100.00" in mixture_latex(50, 0.8, 0.02, 0.2, 0.5)[1]
    True
    """
    e = mixture_effect(arpu, gross_margin, churn_a, churn_b, share_a)
    g = arpu * gross_margin
    general = (
        r"\underbrace{w \frac{g}{c_A} + (1 - w) \frac{g}{c_B}}_{\text{right}} \;\geq\;"
        r"\underbrace{\frac{g}{w\, c_A + (1 - w)\, c_B}}_{\text{wrong}}, \qquad g = ARPU \times m"
    )
    w, ca, cb = tex_number(share_a), tex_number(churn_a, 3), tex_number(churn_b, 3)
    worked = (
        rf"{w} \times \frac{{{tex_number(g)}}}{{{ca}}} + {tex_number(1 - share_a)} \times "
        rf"\frac{{{tex_number(g)}}}{{{cb}}} = {tex_number(e.average_ltv)} \qquad "
        rf"\frac{{{tex_number(g)}}}{{{tex_number(e.average_churn, 3)}}} = {tex_number(e.ltv_of_average_churn)}"
    )
    return general, worked


def _check(name: str, value: object, low: float | None, high: float | None, allowed: str) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float, np.integer, np.floating))
        or not math.isfinite(value)
        or (low is not None and value < low)
        or (high is not None and value > high)
    ):
        raise InputError(name, value, allowed)
