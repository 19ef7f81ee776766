"""The calculator's formula against the models, and the calculator's baseline from the models.

``formula_against_model``: the calculator's LTV from the same data's ARPU and churn next to the models'
mean predicted CLV, both times the same gross margin, same horizon and discount rate.
``new_customer_baseline``: the calculator inputs for a customer acquired today (what "use as baseline"
sets); ``baseline_fields``: those that reproduce the mean CLV of the customers already on the books.
``data_baseline``: the calculator inputs a file measures (the Your data page's "use as baseline").

Each is a ``clv.Assumptions`` (or, for a file, ``DataBaseline``) in clv units, rounded to the calculator's
steps; ``MODEL_FIELDS`` and ``DataBaseline.fields`` name the inputs it sets (the calculator keeps its own
margin and CAC). Turning them into widget values is the app's job (``ui.inputs.calc_fields``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import cohorts, fmt, i18n
from ..core import Assumptions, evaluate, ltv, monthly_rate
from ..errors import InputError
from .common import DAYS_PER_MONTH, check_horizon
from .customers import CustomerModels, CustomerValues

MODEL_FIELDS = ("arpu", "monthly_churn", "horizon_months", "annual_discount_rate")  # what the models' baseline sets
CENTS = 2  # money to the cent
MODEL_RATE_DECIMALS = 4  # the models' churn and discount rate to 0.01 percentage points
DATA_RATE_DECIMALS = 3  # a file's churn and retention to a tenth of a percent (datapage.derived.rounding)
ORDERS_DECIMALS = 1  # orders per year to one decimal
MONTHS_PER_YEAR = 12


@dataclass(frozen=True)
class FormulaComparison:
    """The calculator's LTV from the data's ARPU and churn, and the models' mean predicted CLV.

    Both are gross margin (revenue x ``gross_margin``) over ``horizon_months``, discounted at
    ``annual_discount_rate``. The formula values a new customer (one ARPU, one churn rate for all);
    the models value the customers you have now, each with their own rate and chance of being alive.
    """

    formula_ltv: float
    model_clv: float
    arpu: float
    monthly_churn: float
    gross_margin: float
    horizon_months: int
    annual_discount_rate: float

    @property
    def ratio(self) -> float:
        return self.model_clv / self.formula_ltv if self.formula_ltv > 0 else math.inf

    def sentence(self, lang: str = "en", currency: str = "$", digits: str = "western") -> str:
        key = "predict.formula.lower" if self.model_clv < self.formula_ltv else "predict.formula.higher"
        return i18n.text_in_digits(
            key,
            lang,
            digits,
            formula=fmt.money(self.formula_ltv, currency, 2, digits),
            model=fmt.money(self.model_clv, currency, 2, digits),
            ratio=fmt.percent(self.ratio, 0, digits),
            months=fmt.number(self.horizon_months, 0, digits),
            arpu=fmt.money(self.arpu, currency, 2, digits),
            churn=fmt.percent(self.monthly_churn, 1, digits),
        )


def formula_against_model(
    transactions: pd.DataFrame,
    values: CustomerValues,
    gross_margin: float,
    cac: float,
    analysis_date=None,
    inactivity_days: int = cohorts.DEFAULT_INACTIVITY_DAYS,
) -> FormulaComparison:
    """The calculator's LTV (``clv.cohorts.derive_assumptions`` -> ``clv.Assumptions`` -> ``clv.evaluate``)
    with the same horizon and discount as ``values``, against ``gross_margin`` x the mean predicted CLV.
    ``inactivity_days``: no purchase for this long counts as churned (the Your data page's setting)."""
    derived = cohorts.derive_assumptions(
        transactions, inactivity_days=inactivity_days, analysis_date=analysis_date, bootstrap_samples=0
    )
    assumptions = derived.to_assumptions(gross_margin, cac, values.annual_discount_rate, values.horizon_months)
    return FormulaComparison(
        formula_ltv=evaluate(assumptions).ltv,
        model_clv=gross_margin * values.mean_clv,
        arpu=assumptions.arpu,
        monthly_churn=assumptions.monthly_churn,
        gross_margin=gross_margin,
        horizon_months=values.horizon_months,
        annual_discount_rate=values.annual_discount_rate,
    )


def baseline_fields(values: CustomerValues, gross_margin: float = 1.0, cac: float = 0.0) -> Assumptions:
    """The calculator's assumptions that reproduce the models' mean CLV (revenue) times the margin.

    Churn: the implied monthly churn, to 0.01 percentage points. ARPU: mean CLV / S with S = ``clv.ltv(1, 1,
    churn, discount, horizon)``, the calculator's own annuity factor, so its LTV = margin x mean CLV exactly
    (up to the rounding of ARPU to the cent). Horizon and discount are the models'; ``gross_margin`` and
    ``cac`` are passed through (the calculator keeps its own: ``MODEL_FIELDS`` are what this sets).

    >>> v = CustomerValues(pd.DataFrame({"predicted_clv": [100.0]}), 12, 0.0, 10.0, 5.0)
    >>> a = baseline_fields(v, gross_margin=0.8)
    >>> a.monthly_churn, a.arpu, round(evaluate(a).ltv, 2)      # 0.8 x 100, up to ARPU's cent
    (0.0611, 11.51, 79.98)
    """
    churn = round(values.implied_monthly_churn, MODEL_RATE_DECIMALS)
    factor = ltv(1.0, 1.0, churn, values.annual_discount_rate, values.horizon_months)
    return Assumptions(
        arpu=round(values.mean_clv / factor, CENTS) if factor > 0 else 0.0,
        gross_margin=gross_margin,
        monthly_churn=churn,
        cac=cac,
        horizon_months=values.horizon_months,
        annual_discount_rate=round(values.annual_discount_rate, MODEL_RATE_DECIMALS),
    )


@dataclass(frozen=True)
class NewCustomerBaseline:
    """What the models expect from a customer acquired today, as the calculator's inputs.

    monthly_revenue: expected revenue in months 0..H-1 (undiscounted): the first order in month 0 plus
    the repeat orders the model expects in each month (``expected_purchases_new_customer``), each at the
    population's mean spend (Gamma-Gamma ``v p / (q - 1)``). The calculator's constant churn is fitted
    to how the repeat revenue falls from month 1 to month H-1, and its ARPU so that its discounted LTV
    over the horizon equals the path's: LTV = margin x the models' expected revenue of a new customer.
    """

    horizon_months: int
    annual_discount_rate: float
    mean_spend: float
    repeat_purchases: float  # expected repeat orders in the horizon
    monthly_revenue: np.ndarray = field(repr=False)
    monthly_churn: float
    arpu: float

    @property
    def revenue(self) -> float:
        """Expected revenue of a new customer over the horizon, discounted as the calculator does."""
        d = monthly_rate(self.annual_discount_rate)
        return float(np.sum(self.monthly_revenue / (1 + d) ** np.arange(len(self.monthly_revenue))))

    def assumptions(self, gross_margin: float = 1.0, cac: float = 0.0) -> Assumptions:
        """The calculator's assumptions: ARPU to the cent, churn and discount to 0.01 percentage points, the
        horizon; ``gross_margin`` and ``cac`` passed through (``MODEL_FIELDS`` are what this sets)."""
        return Assumptions(
            arpu=round(self.arpu, CENTS),
            gross_margin=gross_margin,
            monthly_churn=round(self.monthly_churn, MODEL_RATE_DECIMALS),
            cac=cac,
            annual_discount_rate=round(self.annual_discount_rate, MODEL_RATE_DECIMALS),
            horizon_months=self.horizon_months,
        )


def new_customer_baseline(
    models: CustomerModels, horizon_months: int = 12, annual_discount_rate: float = 0.10
) -> NewCustomerBaseline:
    """The calculator's baseline from the fitted models, for a customer acquired today (the calculator's
    LTV is per new customer, so its baseline must be too: not the mean remaining value of the customers
    already on the books, most of whom bought long ago).

    >>> from clv.models import BetaGeo, GammaGamma
    >>> m = BetaGeo(); m.params = {"r": 0.75, "alpha": 40.0, "a": 0.8, "b": 2.5}
    >>> g = GammaGamma(); g.params = {"p": 6.0, "q": 4.0, "v": 30.0}
    >>> b = new_customer_baseline(CustomerModels("bgnbd", m, g, None), 12, 0.0)
    >>> round(b.mean_spend, 2), round(b.repeat_purchases, 3), round(b.revenue, 2)
    (60.0, 3.176, 250.57)
    >>> a = b.assumptions(gross_margin=0.8)
    >>> a.arpu, a.monthly_churn, round(evaluate(a).ltv, 2), round(0.8 * b.revenue, 2)
    (32.47, 0.0849, 200.45, 200.45)
    """
    h = check_horizon(horizon_months)
    if not math.isfinite(annual_discount_rate) or annual_discount_rate < 0:
        raise InputError("annual_discount_rate", annual_discount_rate, "allowed.rate")
    spend = float(models.spend_model.population_mean_spend)
    cum = np.asarray(
        models.transaction_model.expected_purchases_new_customer(DAYS_PER_MONTH * np.arange(h + 1, dtype=float)),
        dtype=float,
    )
    repeat = np.diff(cum) * spend
    revenue = repeat.copy()
    revenue[0] += spend  # the first order, at acquisition
    if h >= 3 and repeat[1] > 0 and repeat[h - 1] > 0:
        churn = float(min(max(1.0 - (repeat[h - 1] / repeat[1]) ** (1.0 / (h - 2)), 0.0), 1.0))
    else:
        churn = 0.0
    d = monthly_rate(annual_discount_rate)
    target = float(np.sum(revenue / (1 + d) ** np.arange(h)))
    factor = ltv(1.0, 1.0, churn, annual_discount_rate, h)
    return NewCustomerBaseline(
        h, float(annual_discount_rate), spend, float(cum[-1]), revenue, churn, target / factor if factor > 0 else 0.0
    )


@dataclass(frozen=True)
class DataBaseline:
    """What a file says about the calculator's inputs, rounded to the calculator's steps (money to the cent,
    churn and retention to a tenth of a percent, orders per year to one decimal: ``datapage.derived.rounding``).

    ``arpu`` and ``monthly_churn`` as ``clv.Assumptions`` has them; with orders (a transaction log) the
    purchases form too: order value, orders per year and the annual retention of the rounded churn. A value
    the data cannot give stays as it is (inf or NaN): the app refuses to apply it and says so.
    """

    arpu: float
    monthly_churn: float
    avg_order_value: float | None = None
    orders_per_year: float | None = None
    annual_retention: float | None = None

    @property
    def fields(self) -> tuple[str, ...]:
        """The calculator inputs this sets, by clv name (the calculator keeps its margin, CAC, discount, horizon)."""
        purchases = ("avg_order_value", "orders_per_year", "annual_retention")
        return ("arpu", "monthly_churn", *(name for name in purchases if getattr(self, name) is not None))


def data_baseline(
    arpu: float, monthly_churn: float, avg_order_value: float | None = None, orders_per_year: float | None = None
) -> DataBaseline:
    """The calculator's baseline from a file's measures (``clv.cohorts.derive_assumptions`` for a transaction
    log, ``subscription_metrics(...).pooled`` for subscriptions), rounded to the calculator's steps.

    Annual retention = (1 - churn)^12 with the churn as rounded, so the two forms agree on what they show.

    >>> b = data_baseline(39.7412, 0.07354, avg_order_value=60.128, orders_per_year=4.56)
    >>> b.arpu, b.monthly_churn, b.avg_order_value, b.orders_per_year, b.annual_retention
    (39.74, 0.074, 60.13, 4.6, 0.397)
    >>> data_baseline(25.0, 0.031).fields
    ('arpu', 'monthly_churn')
    """
    churn = round(monthly_churn, DATA_RATE_DECIMALS)
    if avg_order_value is None:
        return DataBaseline(round(arpu, CENTS), churn)
    retention = round((1.0 - churn) ** MONTHS_PER_YEAR, DATA_RATE_DECIMALS)
    return DataBaseline(
        round(arpu, CENTS), churn, round(avg_order_value, CENTS), round(orders_per_year, ORDERS_DECIMALS), retention
    )
