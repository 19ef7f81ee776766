"""The Predictions page through AppTest: renders alone, comparison and recommendation, per-customer table,
horizon, contractual tab, errors, the calculator baseline, a summary upload."""

import hashlib
import json

import pytest

from clv import data, predict, rfm
from clv.export import safe_csv
from tests.apptest import app, metrics, plain, query_value
from ui.dataset import UPLOAD, Upload
from ui.widgets import literal

PAGE = "pages/predictions.py"
CONTRACT = "Subscriptions (contractual)"  # the contractual tab's label
FAST = {"ppn": "0", "pmbg": "0"}  # BG/NBD only: Pareto/NBD (numeric gradient) is the slowest fit
COLUMNS = [
    "Customer",
    "P(alive)",
    "Expected purchases",
    "Expected spend per purchase ($)",
    "Predicted CLV ($)",
    "RFM segment",
    "90% low ($)",
    "90% high ($)",
]


def test_page_renders_alone_with_comparison_parameters_and_customers():
    at = app(PAGE).run()
    assert not at.exception and not at.error
    assert any("fits the holdout best" in x.value for x in at.success)
    compare = at.dataframe[0].value
    assert list(compare["Model"]) == ["BG/NBD", "Pareto/NBD", "MBG/NBD"]
    params = at.dataframe[1].value
    assert list(params["Parameter"]) == ["r", "alpha", "a", "b"]
    assert {"Estimate", "95% low", "95% high"} <= set(params.columns)
    readings = [m.value for m in at.markdown]
    assert any("buys about once every" in x and "weeks" in x for x in readings)
    customers = at.dataframe[3].value
    assert list(customers.columns) == COLUMNS and len(customers) == 10_000
    shown = metrics(at)
    assert shown["Customers"] == "10,000" and shown["Mean predicted CLV"].startswith("$")
    assert chart_titles(at) == [
        "Holdout purchases per customer, by calibration purchases",
        "Cumulative repeat purchases, actual and predicted, by week",
        "Chance that customer C01915 is still active",  # the story of the customer with the highest CLV
        "Expected purchases in the next 12 months, by frequency and recency",
    ]
    assert dict(at.query_params) == {}  # defaults make a clean link


def chart_titles(at) -> list[str]:
    """The charts' titles as read (a long title wraps onto two lines with <br>)."""
    return [json.loads(c.proto.spec)["layout"]["title"]["text"].replace("<br>", " ") for c in at.get("plotly_chart")]


def test_only_the_open_tabs_are_built():
    at = app(PAGE, **FAST).run()
    at.session_state["pred_chart_tab"] = "Value concentration"
    at.run()
    # the holdout's two charts, the customer's story and the open tab's chart
    assert chart_titles(at)[-1] == "How concentrated is the predicted value?" and len(chart_titles(at)) == 4
    at.session_state["pred_tab_open"] = CONTRACT
    at.run()
    assert not at.exception
    # the purchases tab did not run: no comparison, no customers; the sBG fit and its survival chart did
    assert not at.dataframe and not any("fits the holdout best" in x.value for x in at.success)
    assert chart_titles(at) == [
        "Share of a cohort still subscribed: observed and projected (sBG)"
    ] and "alpha" in metrics(at)


def test_horizon_changes_the_mean_clv_and_the_url():
    at = app(PAGE, **FAST).run()
    before = metrics(at)["Mean predicted CLV"]
    at.number_input(key="pred_horizon").set_value(24).run()
    after = metrics(at)["Mean predicted CLV"]
    assert not at.exception
    value = lambda text: float(text.replace("$", "").replace(",", ""))  # noqa: E731
    assert value(after) > value(before)
    assert query_value(at, "phz") == "24"


def test_contractual_tab_with_typed_counts_and_bad_counts():
    at = app(PAGE, **FAST)
    at.session_state["pred_tab_open"] = CONTRACT
    at.run()
    at.text_input(key="pred_counts").set_value("1000, 631, 468, 382, 326, 289, 262, 241").run()
    shown = metrics(at)
    assert (shown["alpha"], shown["beta"]) == ("0.704", "1.182")  # Fader & Hardie (2007)
    at.text_input(key="pred_counts").set_value("1000, 631, lots").run()
    assert not at.exception
    assert any("starting above zero and never rising" in e.value and "lots" in e.value for e in at.error)
    assert "alpha" not in metrics(at)


def test_contractual_tab_from_the_subscription_data():
    at = app(PAGE, psrc="data", **FAST)
    at.session_state["pred_tab_open"] = CONTRACT
    at.run()
    assert not at.exception
    assert any("monthly start cohorts" in c.value for c in at.caption)
    assert float(metrics(at)["alpha"]) == pytest.approx(0.9, abs=0.1)  # sample truth: Beta(0.9, 4.5)


def test_use_as_baseline_sets_the_calculators_fields():
    at = app(PAGE, **FAST).run()
    at.button(key="pred_baseline").click().run()
    store = at.session_state["_store"]
    assert store["calc_mode"] == "subscription" and store["calc_horizon"] == 12 and store["calc_discount"] == 10.0
    assert 0 < store["calc_churn"] < 100 and store["calc_arpu"] > 0
    note = next(plain(x.value) for x in at.success if "The calculator now uses" in x.value)
    assert "Monthly churn (%) 5.0% → 8.62%" in note and "Kept as they were: Gross margin (%) 80.0%" in note
    # The baseline is a new customer's expected value (the calculator's LTV is per new customer),
    # not the mean remaining value of the file's customers (ARPU $11.42 made the calculator say 0.27 : 1).
    tx = data.load_sample("transactions").transactions
    newcomer = predict.new_customer_baseline(predict.fit_customer_models(tx, "bgnbd"), 12, 0.10)
    # the whole sample's BG/NBD + Gamma-Gamma: 12 months, 10% a year -> ARPU 32.00001, churn 0.086177
    assert store["calc_arpu"] == newcomer.assumptions().arpu == 32.0
    assert store["calc_churn"] == 8.62


def test_customer_search_filters_the_table():
    at = app(PAGE, pq="C0000", **FAST).run()
    table = at.dataframe[3].value  # comparison, BG/NBD and Gamma-Gamma parameters, customers
    assert list(table["Customer"]) == [f"C0000{i}" for i in range(1, 10)]
    assert any("Showing 9 of 10,000 customers." == c.value for c in at.caption)


def test_bad_calibration_date_in_the_link_falls_back_to_the_default():
    at = app(PAGE, pcal="2031-02-30", **FAST).run()
    assert not at.exception
    assert any(literal("2031-02-30") in t.value for t in at.toast)  # link values shown literally
    assert any("Fitted on purchases up to 2025-05-01" in c.value for c in at.caption)


def test_uploaded_summary_predicts_without_holdout_and_says_so():
    tx = data.load_sample("transactions").transactions
    summary = rfm.summarize(tx, "customer_id", "date", "amount", observation_end="2025-12-31").reset_index()
    raw = safe_csv(summary)
    at = app(PAGE)
    at.session_state[UPLOAD] = {"summary": Upload("summary.csv", hashlib.sha256(raw).hexdigest(), raw)}
    at.run()
    assert not at.exception and not at.error
    assert any("cannot be checked on a holdout period" in c.value for c in at.caption)
    assert not any("fits the holdout best" in x.value for x in at.success)
    assert any("needs a transaction log" in i.value for i in at.info)
    assert metrics(at)["Customers"] == "10,000"


def served_csv(monkeypatch) -> dict[str, list[str]]:
    """Record what the page's download buttons serve, by first column (the page imports
    clv.export.safe_csv on every run; the customers' CSV is written only on click, so it is not here)."""
    import clv.export

    served, real = {}, clv.export.safe_csv

    def recording(df, *args, **kwargs):
        out = real(df, *args, **kwargs)
        served.setdefault(str(df.columns[0]), []).append(out[3:].decode("utf-8"))
        return out

    monkeypatch.setattr(clv.export, "safe_csv", recording)
    return served


def test_tables_show_a_dash_and_model_tables_download_rounded(monkeypatch):
    served = served_csv(monkeypatch)
    at = app(PAGE, **FAST).run()
    assert not at.exception
    # comparison, BG/NBD and Gamma-Gamma parameters, customers, targeting's rules and contacts
    assert len(at.dataframe) == 6
    for table in at.dataframe:
        assert table.proto.placeholder == "—"
        cells = [table.proto.placeholder if v != v or v is None else str(v) for v in table.value.to_numpy().ravel()]
        assert "None" not in cells and "nan" not in cells
    keys = [b.key for b in at.get("download_button")]
    for key in (
        "pred_compare_download",
        "pred_params_download_bgnbd",
        "pred_params_download_gamma_gamma",
        "pred_download",
    ):
        assert keys.count(key) == 1
    # the comparison as shown, written with fixed decimals (2 for the fit statistics, 4 for errors)
    compare = at.dataframe[0].value.iloc[0]
    assert served["Model"] == [
        "Model,Log-likelihood,AIC,BIC,MAE per customer,RMSE per customer,Holdout purchases predicted,"
        "Holdout purchases actual\r\n"
        f"BG/NBD,{compare['Log-likelihood']:.2f},{compare['AIC']:.2f},{compare['BIC']:.2f},"
        f"{compare['MAE per customer']:.4f},{compare['RMSE per customer']:.4f},"
        f"{compare['Holdout purchases predicted']:.2f},{compare['Holdout purchases actual']:.0f}\r\n"
    ]
    bgnbd, gamma = served["Parameter"]
    params = at.dataframe[1].value
    assert bgnbd.split("\r\n")[:2] == [
        "Parameter,Estimate,Std. error,95% low,95% high",
        "r," + ",".join(f"{v:.6f}" for v in params.iloc[0, 1:]),
    ]
    assert gamma.split("\r\n")[0] == "Parameter,Estimate,Std. error,95% low,95% high"


def test_customer_table_keeps_its_precision_for_the_csv():
    at = app(PAGE, pq="C00001", **FAST).run()
    table = at.dataframe[3].value
    assert table.attrs["decimals"] == {
        "P(alive)": 4,
        "Expected purchases": 4,
        "Expected spend per purchase ($)": 2,
        "Predicted CLV ($)": 2,
        "90% low ($)": 2,
        "90% high ($)": 2,
    }
    row = table.iloc[0]
    assert safe_csv(table)[3:].decode("utf-8").split("\r\n")[1] == (
        f"C00001,{row['P(alive)']:.4f},{row['Expected purchases']:.4f},{row['Expected spend per purchase ($)']:.2f},"
        f"{row['Predicted CLV ($)']:.2f},{row['RFM segment']},{row['90% low ($)']:.2f},{row['90% high ($)']:.2f}"
    )
