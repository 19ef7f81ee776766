"""Each customer's future value: the chosen model and Gamma-Gamma on the whole period, and what they predict.

``fit_customer_models`` refits the chosen model and Gamma-Gamma on the whole period (or fits them to an
uploaded per-customer summary: no holdout then), with each customer's RFM segment. ``customer_values``
gives per customer P(alive), expected purchases in the horizon, expected spend per purchase and predicted
CLV (``clv.models.customer_lifetime_value``: the lifetimes definition, each month's purchases discounted
at the end of the month at the monthly rate compounding to the annual rate; revenue, not margin), plus the
population's monthly revenue path and the implied churn.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import rfm
from ..core import monthly_rate
from ..errors import FitError, InputError
from ..models import GammaGamma, customer_lifetime_value
from .common import DAYS_PER_MONTH, FREQ, MODEL_CLASSES, check_horizon, check_models, observed_dates

MATRIX_FREQUENCIES = (5, 30)  # the matrices show frequency 0..F, F from the data within this
MATRIX_RECENCY_STEPS = 25
TOP_SHARE = 0.20  # "the top 20% of customers hold y% of predicted value"
SEGMENT_UNKNOWN = ""


@dataclass(frozen=True)
class CustomerModels:
    """The transaction model (key) and Gamma-Gamma fitted on the whole period, and the summary they saw.

    ``summary``: frequency, recency, T (days), monetary_value, segment (RFM segment code), by customer.
    ``source``: "transactions" or "summary" (an uploaded summary: no holdout, segments from it).
    """

    key: str
    transaction_model: object
    spend_model: object  # GammaGamma, or OwnAverageSpend when Gamma-Gamma cannot be fitted
    summary: pd.DataFrame = field(repr=False)
    source: str = "transactions"
    spend_error: FitError | None = None  # why Gamma-Gamma was not used (then spend_model is OwnAverageSpend)


class OwnAverageSpend:
    """Each customer's spend per purchase as their own average, for when Gamma-Gamma cannot be fitted (spend
    too heavy-tailed, too few repeat buyers): a repeat buyer's expected spend is their mean repeat purchase
    value; a customer without repeat purchases gets the mean over repeat buyers (weighted by purchases).

    >>> g = OwnAverageSpend([0, 2, 1], [0.0, 30.0, 60.0])
    >>> g.population_mean_spend, g.expected_spend(np.array([0, 2, 1]), np.array([0.0, 30.0, 60.0])).tolist()
    (40.0, [40.0, 30.0, 60.0])
    """

    name = "own_average_spend"

    def __init__(self, frequency, monetary_value):
        x, m = np.asarray(frequency, dtype=float), np.asarray(monetary_value, dtype=float)
        spenders = (x > 0) & (m > 0)
        self.population_mean_spend = (
            float(np.sum(x[spenders] * m[spenders]) / np.sum(x[spenders])) if spenders.any() else 0.0
        )

    def expected_spend(self, frequency, monetary_value):
        x, m = np.asarray(frequency, dtype=float), np.asarray(monetary_value, dtype=float)
        return np.where((x > 0) & (m > 0), m, self.population_mean_spend)


def summary_segments(summary: pd.DataFrame) -> np.ndarray:
    """RFM segment codes from a (frequency, recency, T, monetary_value) summary in days.

    Days since the last purchase = T - recency; orders = frequency + 1; revenue ~ monetary_value x
    frequency (repeat purchases only: a summary does not hold the first purchase's value).
    """
    frame = pd.DataFrame(
        {
            "recency_days": summary["T"] - summary["recency"],
            "orders": summary["frequency"] + 1,
            "revenue": summary["monetary_value"] * summary["frequency"],
        },
        index=summary.index,
    )
    return rfm.rfm_scores(frame)["segment"].to_numpy()


def fit_customer_models(
    transactions: pd.DataFrame | None = None,
    model: str = "bgnbd",
    observation_end=None,
    summary: pd.DataFrame | None = None,
) -> CustomerModels:
    """Fit ``model`` and Gamma-Gamma on the whole period of ``transactions`` (or on ``summary``).

    Raises FitError when the transaction model cannot be fitted, InputError for an unknown model. When
    Gamma-Gamma cannot be fitted, each customer's own average spend is used instead (``OwnAverageSpend``)
    and ``spend_error`` says why, so the purchase predictions are not lost with it.
    """
    (key,) = check_models([model])
    if summary is None:
        if transactions is None:
            raise InputError("transactions", None, "predict.allowed.data")
        dates = observed_dates(transactions)
        end = pd.Timestamp(observation_end).normalize() if observation_end is not None else dates.max().normalize()
        table = rfm.summarize(transactions, "customer_id", "date", "amount", freq=FREQ, observation_end=end)
        segments = (
            rfm.rfm_table(
                transactions[pd.to_datetime(transactions["date"]) <= end + pd.Timedelta(days=1)], analysis_date=end
            )["segment"]
            .reindex(table.index)
            .fillna(SEGMENT_UNKNOWN)
        )
        table = table.assign(segment=segments.to_numpy())
        source = "transactions"
    else:
        table = summary[["frequency", "recency", "T", "monetary_value"]].astype(float)
        table = table.assign(segment=summary_segments(table))
        source = "summary"
    transaction_model = MODEL_CLASSES[key]().fit(table["frequency"], table["recency"], table["T"])
    try:
        spend_model, spend_error = GammaGamma().fit(table["frequency"], table["monetary_value"]), None
    except FitError as err:
        spend_model, spend_error = OwnAverageSpend(table["frequency"], table["monetary_value"]), err
    return CustomerModels(key, transaction_model, spend_model, table, source, spend_error)


@dataclass(frozen=True)
class CustomerValues:
    """Each customer's predictions over ``horizon_months`` and what they add up to.

    table: p_alive, expected_purchases (in the horizon), expected_spend (per purchase, currency),
    predicted_clv (discounted revenue in the horizon, currency), segment; indexed by customer.
    first_month_revenue, last_month_revenue: mean expected revenue per customer (undiscounted) in month 1
    and in month ``path_months`` = max(horizon, 2).
    implied_monthly_churn: 1 - (last / first)^(1 / (path_months - 1)): the constant churn that gives the
    same decline over the horizon.
    """

    table: pd.DataFrame = field(repr=False)
    horizon_months: int
    annual_discount_rate: float
    first_month_revenue: float
    last_month_revenue: float

    @property
    def mean_clv(self) -> float:
        return float(self.table["predicted_clv"].mean())

    @property
    def total_clv(self) -> float:
        return float(self.table["predicted_clv"].sum())

    @property
    def implied_monthly_churn(self) -> float:
        first, last = self.first_month_revenue, self.last_month_revenue
        if first <= 0 or last <= 0:
            return 1.0 if first > 0 else 0.0
        return float(min(max(1.0 - (last / first) ** (1.0 / (self.path_months - 1)), 0.0), 1.0))

    @property
    def path_months(self) -> int:
        return max(self.horizon_months, 2)

    def top_share(self, share: float = TOP_SHARE) -> float:
        """Share of the total predicted CLV held by the top ``share`` of customers."""
        values = np.sort(self.table["predicted_clv"].to_numpy())[::-1]
        total = values.sum()
        k = max(int(round(share * values.size)), 1)
        return float(values[:k].sum() / total) if total > 0 else 0.0


def customer_values(
    models: CustomerModels, horizon_months: int = 12, annual_discount_rate: float = 0.10
) -> CustomerValues:
    """Per-customer P(alive), expected purchases, expected spend and predicted CLV over the horizon.

    CLV uses ``customer_lifetime_value`` with the monthly discount rate compounding to
    ``annual_discount_rate`` (a fraction per year).
    """
    h = check_horizon(horizon_months)
    if not math.isfinite(annual_discount_rate) or annual_discount_rate < 0:
        raise InputError("annual_discount_rate", annual_discount_rate, "allowed.rate")
    s = models.summary
    m, g = models.transaction_model, models.spend_model
    x, tx, big_t = (s[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
    spend = np.asarray(g.expected_spend(x, s["monetary_value"].to_numpy(dtype=float)), dtype=float)
    clv = customer_lifetime_value(
        m, g, s, months=h, monthly_discount_rate=monthly_rate(annual_discount_rate), freq=FREQ
    )
    expected = np.asarray(m.expected_purchases(h * DAYS_PER_MONTH, x, tx, big_t), dtype=float)
    table = pd.DataFrame(
        {
            "p_alive": np.asarray(m.p_alive(x, tx, big_t), dtype=float) * np.ones(len(s)),
            "expected_purchases": expected,
            "expected_spend": spend,
            "predicted_clv": clv.to_numpy(),
            "segment": s["segment"].to_numpy(),
        },
        index=s.index,
    )
    months = max(h, 2)
    at = [DAYS_PER_MONTH * k for k in (1, months - 1, months)]
    cum = [np.asarray(m.expected_purchases(t, x, tx, big_t), dtype=float) for t in at]
    return CustomerValues(
        table, h, float(annual_discount_rate), float(np.mean(spend * cum[0])), float(np.mean(spend * (cum[2] - cum[1])))
    )


def frequency_recency_matrices(models: CustomerModels, horizon_months: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Expected purchases in the horizon and P(alive) for a customer observed for T = the longest T, by
    frequency (rows 0..F) and recency (columns, days). Histories that cannot happen are NaN, never
    evaluated: recency > 0 without a repeat purchase, and recency 0 with one."""
    s = models.summary
    big_t = float(s["T"].max())
    top = int(np.clip(np.ceil(s["frequency"].quantile(0.99)), *MATRIX_FREQUENCIES))
    freq = np.arange(top + 1, dtype=float)
    rec = np.unique(np.round(np.linspace(0, big_t, MATRIX_RECENCY_STEPS)))
    xx, rr = np.meshgrid(freq, rec, indexing="ij")
    m = models.transaction_model
    possible = (xx == 0) == (rr == 0)  # no repeat purchase: recency 0; repeat purchases: recency > 0
    expected, alive = np.full(xx.shape, np.nan), np.full(xx.shape, np.nan)
    expected[possible] = m.expected_purchases(
        check_horizon(horizon_months) * DAYS_PER_MONTH, xx[possible], rr[possible], big_t
    )
    alive[possible] = m.p_alive(xx[possible], rr[possible], big_t)
    index = pd.Index(freq.astype(int), name="frequency")
    columns = pd.Index(rec, name="recency")
    return pd.DataFrame(expected, index=index, columns=columns), pd.DataFrame(alive, index=index, columns=columns)
