"""clv.cohorts on tiny hand-made logs with hand-worked values, and checks against the sample's truth."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings

import clv
from clv.cohorts import cohort_tables, derive_assumptions, orders_over_time, subscription_metrics
from clv.data import load_sample
from clv.errors import DataError, InputError
from tests.strategies import transaction_logs

# Hand-made log: cohort 2024-01 = {a, b}, cohort 2024-02 = {c}, cohort 2024-03 = {d}
LOG = pd.DataFrame(
    {
        "customer_id": ["a", "a", "b", "a", "c", "b", "c", "d", "a"],
        "date": pd.to_datetime(
            [
                "2024-01-02",
                "2024-01-20",
                "2024-01-15",
                "2024-02-03",
                "2024-02-10",
                "2024-03-05",
                "2024-03-07",
                "2024-03-30",
                "2024-03-31",
            ]
        ),
        "amount": [10.0, 20.0, 30.0, 15.0, 50.0, 25.0, -10.0, 40.0, 5.0],
        "order_id": ["o1", "o2", "o3", "o4", "o5", "o6", "o7", "o8", "o9"],
    }
)


def test_hand_worked_cohort_matrices():
    t = cohort_tables(LOG)
    assert t.sizes.tolist() == [2, 1, 1]
    assert [str(p) for p in t.sizes.index] == ["2024-01", "2024-02", "2024-03"]
    # active customers: Jan cohort: Jan a,b (2); Feb a (1); Mar a,b (2). Feb cohort: Feb c; Mar c only
    # returned (-10, not a purchase) -> 0. Mar cohort: d.
    assert t.customers.fillna(-1).values.tolist() == [[2, 1, 2], [1, 0, -1], [1, -1, -1]]
    assert t.retention.fillna(-1).values.tolist() == [[1.0, 0.5, 1.0], [1.0, 0.0, -1], [1.0, -1, -1]]
    # revenue: Jan cohort 60 | 15 | 30; Feb cohort 50 | -10; Mar cohort 40
    assert t.revenue.fillna(-1).values.tolist() == [[60, 15, 30], [50, -10, -1], [40, -1, -1]]
    assert t.revenue_retention.iloc[0].tolist() == [1.0, 0.25, 0.5]
    assert t.revenue_retention.iloc[1, 1] == -0.2
    # cumulative per acquired customer: Jan (60, 75, 105) / 2
    assert t.cumulative_revenue_per_customer.iloc[0].tolist() == [30.0, 37.5, 52.5]
    assert t.cumulative_revenue_per_customer.iloc[1, :2].tolist() == [50.0, 40.0]


def test_orders_and_aov_by_calendar_month():
    got = orders_over_time(LOG, order_col="order_id")
    # Jan: 3 orders (60), customers a,b; Feb: 2 orders (65), a,c; Mar: 3 purchases (70) + 1 return (-10)
    assert got["orders"].tolist() == [3.0, 2.0, 3.0]
    assert got["customers"].tolist() == [2.0, 2.0, 3.0]
    assert got["revenue"].tolist() == [60.0, 65.0, 60.0]
    assert got["aov"].tolist() == [20.0, 32.5, 20.0]
    assert got["orders_per_customer"].tolist() == [1.5, 1.0, 1.0]


def test_derived_assumptions_hand_worked():
    log = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b"],
            "date": pd.to_datetime(["2024-01-01", "2024-01-31", "2024-01-01"]),
            "amount": [30.0, 30.0, 60.0],
        }
    )
    d = derive_assumptions(log, inactivity_days=30, analysis_date="2024-03-31", bootstrap_samples=0)
    # b: last purchase 90 days before the end -> churned, exposure 1 day -> at least 1 month.
    # a: last purchase 60 days before -> churned, exposure 31 days = 1.0185 months.
    months = 1.0 + 31 / (365.25 / 12)
    assert d.customer_months == pytest.approx(months)
    assert d.arpu.value == pytest.approx(120 / months)
    assert d.monthly_churn.value == pytest.approx(1 - np.exp(-2 / months))
    assert d.avg_order_value.value == pytest.approx(40.0)  # 120 over 3 purchase days
    assert d.orders_per_year.value == pytest.approx(3 / (months / 12))
    assert (d.customers, d.churned, d.churn_method) == (2, 2, "inactivity")
    assert d.uncertain_fields == ("arpu", "monthly_churn", "orders_per_year", "avg_order_value")  # 2 customers
    a = d.to_assumptions(gross_margin=0.5, cac=10)
    assert isinstance(a, clv.Assumptions) and a.arpu == pytest.approx(120 / months)


def test_derived_assumptions_from_the_sample_are_near_the_truth_and_seeded():
    tx = load_sample("transactions").transactions
    d1 = derive_assumptions(tx, analysis_date="2025-12-31", seed=3)
    d2 = derive_assumptions(tx, analysis_date="2025-12-31", seed=3)
    assert d1 == d2  # seeded bootstrap
    # true mean order value p*gamma/(q-1) = 6*30/3 = 60 (sample_data/README.md); the data's mean is close
    assert 57 < d1.avg_order_value.value < 63
    assert d1.avg_order_value.low < d1.avg_order_value.value < d1.avg_order_value.high
    assert d1.uncertain_fields == ()  # 10,000 customers: tight intervals
    assert 0 < d1.monthly_churn.std_error < 0.01


def test_cohort_method_and_input_errors():
    d = derive_assumptions(LOG, method="cohort", analysis_date="2024-03-31", bootstrap_samples=50)
    # pairs (k, k+1) observed: Jan 2->1, 1->2; Feb 1->0 -> churn 1 - (1+2+0)/(2+1+1) = 0.25
    assert d.monthly_churn.value == pytest.approx(0.25)
    with pytest.raises(InputError):
        derive_assumptions(LOG, method="magic")
    with pytest.raises(InputError):
        derive_assumptions(LOG, inactivity_days=0)
    with pytest.raises(DataError):
        cohort_tables(LOG.iloc[:0])


SUBS = pd.DataFrame(
    {
        "customer_id": ["a", "b", "c", "d"],
        "start_date": pd.to_datetime(["2024-01-10", "2024-01-20", "2024-02-05", "2024-02-25"]),
        "end_date": pd.to_datetime(["2024-03-10", None, "2024-02-20", None]),
        "monthly_amount": [10.0, 20.0, 40.0, 5.0],
    }
)


def test_hand_worked_subscription_metrics():
    m = subscription_metrics(SUBS, analysis_date="2024-04-30")
    mo = m.monthly
    # snapshots on Feb 1: a,b (30); Mar 1: a,b,d (35; c started and ended in Feb); Apr 1: b,d (25)
    assert mo["active_start"].tolist() == [0.0, 2.0, 3.0, 2.0]
    assert mo["new"].tolist() == [2.0, 2.0, 0.0, 0.0]
    assert mo["churned"].tolist() == [0.0, 0.0, 1.0, 0.0]  # a ends Mar 10; c never at a month start
    assert mo["mrr_start"].tolist() == [0.0, 30.0, 35.0, 25.0]
    assert mo["churned_mrr"].tolist() == [0.0, 0.0, 10.0, 0.0]
    assert mo["logo_churn"].iloc[2] == pytest.approx(1 / 3)
    assert mo["revenue_churn"].iloc[2] == pytest.approx(10 / 35)
    assert np.isnan(mo["logo_churn"].iloc[0])
    # survivors: Jan cohort (a paid 2 periods, b open; observed to age 3 from Jan 20 to Apr 30)
    # Feb cohort (c paid 1 period, d open; observed to age 2 from Feb 25)
    assert m.survivors.fillna(-1).values.tolist() == [[2, 2, 1, 1], [2, 1, 1, -1]]
    assert m.survival.iloc[1, :3].tolist() == [1.0, 0.5, 0.5]


def test_sample_subscriptions_follow_the_true_sbg_curve():
    m = subscription_metrics(load_sample("subscriptions").transactions, analysis_date="2025-12-31")
    # sBG(alpha=0.9, beta=4.5) survival after 1, 2 periods: 4.5/5.4 = 0.833, x 5.5/6.4 = 0.716
    s = m.survivors
    pooled = [s[k].sum() / s.loc[s[k].notna(), 0].sum() for k in (1, 2)]
    assert pooled[0] == pytest.approx(0.833, abs=0.02)
    assert pooled[1] == pytest.approx(0.716, abs=0.02)


@settings(max_examples=40, deadline=None)
@given(transaction_logs(allow_returns=True))
def test_cohort_invariants(tx):
    if not (tx["amount"] > 0).any():
        return
    t = cohort_tables(tx)
    assert (t.retention[0].dropna() == 1.0).all()  # everyone is active at age 0
    assert ((t.retention >= 0) & (t.retention <= 1) | t.retention.isna()).all().all()
    assert t.sizes.sum() == tx.loc[tx["amount"] > 0, "customer_id"].nunique()
    # every purchase lands in some cohort cell, so purchase revenue is conserved
    buyers = tx[tx["customer_id"].isin(tx.loc[tx["amount"] > 0, "customer_id"])]
    first = buyers[buyers["amount"] > 0].groupby("customer_id")["date"].min().dt.to_period("M")
    counted = buyers[buyers["date"].dt.to_period("M") >= buyers["customer_id"].map(first)]
    assert np.nansum(t.revenue.to_numpy()) == pytest.approx(counted["amount"].sum())
