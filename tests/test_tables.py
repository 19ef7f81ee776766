"""clv.tables: the tables pages show and export, with catalogue headers and CSV precision."""

import io

import numpy as np
import pandas as pd
import pytest

import clv
from clv import cohorts, rfm, tables
from clv.export import safe_csv

BASE = clv.Assumptions(arpu=50, gross_margin=0.8, monthly_churn=0.05, cac=300)  # README worked example
LOYALTY = clv.scenarios.Campaign("Loyalty", reach=0.4, churn_reduction=0.2, monthly_cost=1.0)
PRICE = clv.scenarios.Campaign("=Price", reach=0.5, arpu_lift=0.1)


def csv_text(table, **kwargs) -> str:
    return safe_csv(table, **kwargs)[3:].decode("utf-8")


def test_scenario_csv_has_cents_no_noise_and_empty_roi_without_cost():
    results = {
        "Loyalty": clv.scenarios.evaluate_scenario(BASE, [LOYALTY]),
        "=Price": clv.scenarios.evaluate_scenario(BASE, [PRICE]),
    }
    table = tables.scenario_table(results, 1000)
    assert table["LTV"].iloc[1] != 880.0  # the float noise the CSV must not carry
    assert np.isnan(table["ROI"].iloc[2])  # no cost: ROI undefined, kept numeric (NaN)
    # README example: LTV 800 -> 880 for 40% reach and a 20% churn cut at $1 a month; price: 800 x 1.05
    assert csv_text(table) == (
        "Scenario,LTV,Change in LTV,Campaign cost,Net value,ROI,LTV : CAC,"
        'Payback with churn (months),"Net value, cohort"\r\n'
        "Baseline,800.00,0.00,0.00,0.00,,2.67,9.16,0.00\r\n"
        "Loyalty,880.00,80.00,10.00,70.00,7.00,2.90,9.10,70000.00\r\n"
        "'=Price,840.00,40.00,0.00,40.00,,2.80,8.61,40000.00\r\n"
    )


def test_scenario_csv_in_arabic_has_arabic_headers():
    table = tables.scenario_table({"Loyalty": clv.scenarios.evaluate_scenario(BASE, [LOYALTY])}, 1000, "ar")
    first, base_row = csv_text(table).split("\r\n")[:2]
    assert (
        first.startswith("السيناريو,LTV,التغيّر في LTV")
        and base_row == "خط الأساس,800.00,0.00,0.00,0.00,,2.67,9.16,0.00"
    )


def scores():
    return rfm.rfm_scores(
        pd.DataFrame(
            {"recency_days": [1.0, 300.0, 20.0], "orders": [9.0, 1.0, 4.0], "revenue": [90.1 + 0.2, 10.0, 1 / 3]},
            index=pd.Index(["a", "b", "=c"], name="customer_id"),
        )
    )


def test_segment_summary_has_human_headers_and_rounded_csv():
    table = tables.segment_summary(rfm.segment_table(scores()))
    lines = csv_text(table).split("\r\n")
    assert lines[0] == (
        "Segment,Customers,Share of customers,Revenue,Share of revenue,Average R,Average F,Average M,Suggested action"
    )
    assert lines[1].startswith("Loyal,1,0.3333,90.30,0.8973,4.00,4.00,4.00,")  # 90.3 / 100.6333 of all revenue
    assert "0.333333" not in "".join(lines)


def test_segment_customers_csv_uses_page_headers():
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b"],
            "date": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-01-15"]),
            "amount": [10.1, 20.2, 5.0],
        }
    )
    s = rfm.rfm_table(tx)
    members = rfm.segment_customers(s, s.loc["a", "segment"])
    text = csv_text(tables.segment_customers(members), index=True)
    assert text.split("\r\n")[:2] == [
        "Customer ID,Days since last purchase,Purchase days,Revenue,R,F,M,RFM code,First purchase,Last purchase",
        f"a,0,2,30.30,{s.loc['a', 'R']},{s.loc['a', 'F']},{s.loc['a', 'M']},{s.loc['a', 'rfm']},2024-01-01,2024-02-01",
    ]


def test_cohort_matrix_csv_leaves_unobserved_months_empty():
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "b", "a", "c", "a"],
            "date": pd.to_datetime(["2024-01-03", "2024-01-20", "2024-02-11", "2024-02-05", "2024-03-01"]),
            "amount": [10.0, 20.0, 5.0, 8.0, 7.0],
        }
    )
    t = cohorts.cohort_tables(tx)  # the cohorts doctest: a and b in January, c in February
    assert csv_text(tables.cohort_matrix(t, "retention")) == (
        "Cohort (month of first purchase),Customers acquired,Month 0,Month 1,Month 2\r\n"
        "2024-01,2,1.0000,0.5000,0.5000\r\n2024-02,1,1.0000,0.0000,\r\n"
    )
    # cumulative revenue per customer: January (30, 35, 42) / 2 customers
    assert csv_text(tables.cohort_matrix(t, "cumulative_revenue_per_customer", "ar")).split("\r\n")[:2] == [
        "الفوج (شهر أول شراء),العملاء المكتسَبون,الشهر 0,الشهر 1,الشهر 2",
        "2024-01,2,15.00,17.50,21.00",
    ]
    with pytest.raises(ValueError, match="kind must be one of"):
        tables.cohort_matrix(t, "revenue")


def test_model_tables_have_catalogue_headers_and_fixed_decimals():
    summary = pd.DataFrame(
        {
            "param": ["r", "alpha"],
            "estimate": [0.24259395, 4.41359091],
            "se": [0.0126, float("nan")],
            "lower_95": [0.2178, float("nan")],
            "upper_95": [0.2673, None],
        }
    )
    assert csv_text(tables.model_parameters(summary)) == (
        "Parameter,Estimate,Std. error,95% low,95% high\r\n"
        "r,0.242594,0.012600,0.217800,0.267300\r\nalpha,4.413591,,,\r\n"
    )
    comparison = pd.DataFrame(
        {
            "model": ["BG/NBD"],
            "log_likelihood": [-9582.4299],
            "aic": [19172.85981],
            "bic": [19201.6999],
            "mae": [0.123456],
            "rmse": [0.5],
            "holdout_predicted": [1234.567],
            "holdout_actual": [1250.0],
        }
    )
    assert csv_text(tables.model_comparison(comparison)) == (
        "Model,Log-likelihood,AIC,BIC,MAE per customer,RMSE per customer,Holdout purchases predicted,"
        "Holdout purchases actual\r\nBG/NBD,-9582.43,19172.86,19201.70,0.1235,0.5000,1234.57,1250\r\n"
    )


def test_customer_predictions_name_segments_and_round_money():
    values = pd.DataFrame(
        {
            "p_alive": [0.987654, 0.5],
            "expected_purchases": [1.23456, 0.0],
            "expected_spend": [49.999999, 20.0],
            "predicted_clv": [919.9999999999998, 0.0],
            "segment": ["champions", ""],
        },
        index=pd.Index(["@x", "b"], name="customer_id"),
    )
    table = tables.customer_predictions(values, {"champions": "Champions"}, currency="€")
    assert csv_text(table) == (
        "Customer,P(alive),Expected purchases,Expected spend per purchase (€),Predicted CLV (€),RFM segment\r\n"
        "'@x,0.9877,1.2346,50.00,920.00,Champions\r\nb,0.5000,0.0000,20.00,0.00,\r\n"
    )
    shown = table[table["Customer"] == "b"]  # the page's search keeps the precision
    assert csv_text(shown).endswith("b,0.5000,0.0000,20.00,0.00,\r\n")


def test_set_aside_rows_say_the_reason_in_words():
    rows = pd.DataFrame(
        {
            "row": pd.array([3, 7], dtype="Int64"),
            "customer": ["=HYPERLINK(1)", None],
            "amount": ["-5", "x"],
            "reason": ["negative_amount", "missing_customer"],
        }
    )
    assert csv_text(tables.set_aside_rows(rows)) == (
        "Row in the file,customer,amount,Reason set aside\r\n"
        "3,'=HYPERLINK(1),-5,Negative amount (return)\r\n7,,x,Missing customer ID\r\n"
    )  # a return stays a number
    back = pd.read_csv(io.BytesIO(safe_csv(tables.set_aside_rows(rows, "ar"))[3:]))
    assert back.columns.tolist() == ["رقم الصف في الملف", "customer", "amount", "سبب الاستبعاد"]
