"""The "Your data" page (pages/data.py) with AppTest: sample data, uploads, the data-quality report,
the column mapping, the date order, broken files and the calculator baseline."""

import re
from pathlib import Path

import pandas as pd
import pytest

from apptest import app, metrics, shown_cells
from clv import cohorts, data, fmt
from clv.errors import DataError

PAGE = "pages/data.py"
FILES = Path(__file__).resolve().parent / "files"

# 6 data rows: row 2 has no customer, row 4 repeats row 3 exactly; 4 kept (customers A, B, C).
MESSY = (
    b"customer,date,amount\n"
    b"A,2024-01-05,10\n"
    b",2024-01-06,5\n"
    b"B,2024-02-05,20\n"
    b"B,2024-02-05,20\n"
    b"C,2024-03-01,7\n"
    b"A,2024-03-09,12\n"
)


def upload(at, name: str, raw: bytes, kind: str = "transactions"):
    at.file_uploader(key=f"data_file_{kind}").set_value((name, raw, "text/csv")).run()
    assert not at.exception
    return at


def unescaped(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


def expander_labels(at) -> list[str]:
    return [e.label for e in at.expander]


def preview(at) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "customer_id" in d.value.columns and "date" in d.value.columns)


def test_sample_report_and_derived_figures():
    at = app(PAGE).run()
    assert not at.exception
    shown = metrics(at)
    # sample_data/README.md: 37,346 orders, all valid (wc -l: 37,347 lines with the header)
    assert (shown["Rows read"], shown["Rows kept"], shown["Rows set aside"]) == ("37,346", "37,346", "0")
    assert any("sample transaction log" in i.value for i in at.info)
    assert "Encoding: utf-8" in at.text[0].value and "Date format: YYYY-MM-DD" in at.text[0].value
    d = cohorts.derive_assumptions(data.load_sample("transactions").transactions, inactivity_days=180)
    # the whole sample (four channels pooled): ARPU 38.5765 a month, churn 0.073722 a month
    assert shown["ARPU per month"] == fmt.money(d.arpu.value) == "$38.58"
    assert shown["Monthly churn"] == fmt.percent(d.monthly_churn.value, 2) == "7.37%"
    assert shown["Average order value"] == fmt.money(d.avg_order_value.value)
    assert any("10,000 customers" in m.value for m in at.markdown)
    assert "Every row was kept: nothing was set aside." in [s.value for s in at.success]


def test_upload_reports_each_reason_with_counts_and_examples():
    at = upload(app(PAGE).run(), "t.csv", MESSY)
    shown = metrics(at)
    assert (shown["Rows read"], shown["Rows kept"], shown["Rows set aside"]) == ("6", "4", "2")
    labels = expander_labels(at)
    assert "Missing customer ID: 1 row" in labels
    assert "Exact duplicate of an earlier row: 1 row" in labels
    examples = {e.label: e.dataframe[0].value for e in at.expander if e.label in labels[1:3]}
    assert examples["Missing customer ID: 1 row"]["Row in the file"].tolist() == [2]  # data row numbers
    assert examples["Exact duplicate of an earlier row: 1 row"]["Row in the file"].tolist() == [4]
    assert examples["Exact duplicate of an earlier row: 1 row"]["Reason set aside"].tolist() == [
        "Exact duplicate of an earlier row"
    ]
    assert at.text[0].value == "t.csv"  # the file's name as plain text
    downloads = [b for b in at.get("download_button") if b.key == "data_download_set_aside"]
    assert [b.label for b in downloads] == ["Download the set-aside rows (CSV)"]
    assert preview(at)["customer_id"].tolist() == ["A", "B", "C", "A"]
    assert any("uploaded file" in m.value for m in at.markdown)


def served_csv(monkeypatch) -> list[str]:
    """Record what the page's download buttons serve (the page imports clv.export.safe_csv each run)."""
    import clv.export

    served, real = [], clv.export.safe_csv

    def recording(df, *args, **kwargs):
        out = real(df, *args, **kwargs)
        served.append(out[3:].decode("utf-8"))
        return out

    monkeypatch.setattr(clv.export, "safe_csv", recording)
    return served


def test_set_aside_download_is_spreadsheet_safe(monkeypatch):
    served = served_csv(monkeypatch)
    raw = MESSY + b"=HYPERLINK(1),2024-03-10,0\n"  # a zero amount with a formula as id
    at = upload(app(PAGE).run(), "t.csv", raw)
    assert "Zero amount: 1 row" in expander_labels(at)
    assert [b.key for b in at.get("download_button")].count("data_download_set_aside") == 1
    # what the button serves: row numbers, the file's cells (the formula quoted), the reason in words
    assert served[-1] == (
        "Row in the file,customer,date,amount,Reason set aside\r\n"
        "2,,2024-01-06,5,Missing customer ID\r\n"
        "4,B,2024-02-05,20,Exact duplicate of an earlier row\r\n"
        "7,'=HYPERLINK(1),2024-03-10,0,Zero amount\r\n"
    )


def test_missing_cells_show_a_dash_not_none():
    at = upload(app(PAGE).run(), "t.csv", MESSY)
    missing = next(e.dataframe[0] for e in at.expander if e.label == "Missing customer ID: 1 row")
    assert missing.proto.placeholder == "—"
    assert shown_cells(missing) == ["0", "2", "—", "2024-01-06", "5", "Missing customer ID"]
    assert all(d.proto.placeholder == "—" for d in at.dataframe)
    at = app(PAGE)
    at.run()
    at.radio(key="data_kind").set_value("subscriptions").run()
    subs = next(d for d in at.dataframe if "end_date" in d.value.columns)
    cells = shown_cells(subs)
    assert "—" in cells and "None" not in cells and "NaT" not in cells  # still-active subscriptions


@pytest.mark.parametrize(
    "name,raw,key",
    [
        ("empty.csv", b"", "data.errors.empty"),
        ("t.csv", (FILES / "binary.bin").read_bytes(), "data.errors.not_table"),
        ("data.parquet", (FILES / "binary.bin").read_bytes(), "data.errors.not_table"),
        ("fake.xlsx", (FILES / "fake.xlsx").read_bytes(), "data.errors.not_table"),
    ],
)
def test_unusable_file_shows_the_data_error(name, raw, key):
    at = upload(app(PAGE).run(), name, raw)
    expected = DataError(key, name=name).message("en")
    assert [unescaped(e.value) for e in at.error] == [expected]
    assert "Rows read" not in metrics(at)


def test_all_rows_set_aside_still_shows_the_report():
    raw = b"customer,date,amount\nA,2024-01-05,0\nB,2024-01-06,0\n"
    at = upload(app(PAGE).run(), "zeros.csv", raw)
    assert len(at.error) == 1 and "None of the 2 rows could be used" in unescaped(at.error[0].value)
    assert metrics(at)["Rows set aside"] == "2"
    assert "Zero amount: 2 rows" in expander_labels(at)


def test_correcting_the_mapping_changes_what_is_read():
    raw = b"customer,date,amount,net\nA,2024-01-05,10,8\nB,2024-01-06,20,0\nC,2024-02-01,30,25\n"
    at = upload(app(PAGE).run(), "t.csv", raw)
    assert preview(at)["amount"].tolist() == [10.0, 20.0, 30.0]
    assert metrics(at)["Rows kept"] == "3"
    at.selectbox(key="data_map_amount").select("net").run()
    assert not at.exception
    assert preview(at)["amount"].tolist() == [8.0, 25.0]
    assert metrics(at)["Rows kept"] == "2" and "Zero amount: 1 row" in expander_labels(at)
    assert at.query_params["map_amount"] == "net"


def test_mapping_a_column_twice_is_explained_and_can_be_undone():
    raw = b"customer,region,date,amount\nA,north,2024-01-05,10\nB,south,2024-01-06,20\nC,north,2024-02-01,5\n"
    at = upload(app(PAGE).run(), "t.csv", raw)
    at.selectbox(key="data_map_customer_id").select("region").run()
    assert not at.exception and preview(at)["customer_id"].tolist() == ["north", "south", "north"]
    at.selectbox(key="data_map_product").select("region").run()
    expected = DataError("data.errors.column_twice", columns="region").message("en")
    assert [unescaped(e.value) for e in at.error] == [expected]
    assert at.selectbox(key="data_map_amount").options[0] == "Automatic: none found"  # nothing was read
    at.selectbox(key="data_map_product").select("").run()
    assert not at.error and preview(at)["customer_id"].tolist() == ["north", "south", "north"]


def test_day_first_override_changes_the_dates():
    raw = b"customer,date,amount\nA,03/04/2024,10\nB,05/06/2024,20\nA,07/08/2024,5\n"
    at = upload(app(PAGE).run(), "t.csv", raw)
    assert [str(d.date()) for d in preview(at)["date"]] == ["2024-04-03", "2024-06-05", "2024-08-07"]
    assert any("No date had a day above 12" in m.value for m in at.markdown)
    at.radio(key="data_dayfirst").set_value("month").run()
    assert not at.exception
    assert [str(d.date()) for d in preview(at)["date"]] == ["2024-03-04", "2024-05-06", "2024-07-08"]
    assert any("read month first" in m.value for m in at.markdown)
    assert at.query_params["dayfirst"] == "month"


def test_returns_set_aside_option():
    raw = b"customer,date,amount\nA,2024-01-05,10\nA,2024-01-09,-4\nB,2024-02-01,20\n"
    at = upload(app(PAGE).run(), "t.csv", raw)
    assert metrics(at)["Rows kept"] == "3"
    assert any("1 negative amounts were kept" in m.value for m in at.markdown)
    at.radio(key="data_returns").set_value("set_aside").run()
    assert metrics(at)["Rows kept"] == "2" and "Negative amount (return): 1 row" in expander_labels(at)


def test_try_the_sample_replaces_the_upload():
    at = upload(app(PAGE).run(), "t.csv", MESSY)
    assert metrics(at)["Rows read"] == "6"
    at.button(key="data_sample_transactions").click().run()
    assert not at.exception and metrics(at)["Rows read"] == "37,346"
    assert at.file_uploader(key="data_file_transactions_1").value is None  # a fresh, empty uploader


def test_baseline_goes_to_the_calculator():
    at = app("app.py").run()
    at.switch_page(PAGE).run()
    assert not at.exception
    at.button(key="data_use_baseline").click().run()
    at.switch_page("app.py").run()
    assert not at.exception
    # Derived from the sample: ARPU 38.5765, churn 0.073722 -> the calculator takes 38.58 and 7.4 %.
    # LTV = ARPU x margin / churn = 38.58 x 0.80 / 0.074 = 417.0811 -> $417.08.
    assert at.session_state["calc_arpu"] == 38.58 and at.session_state["calc_churn_num"] == 7.4
    assert metrics(at)["Lifetime value (LTV)"] == "$417.08"


def test_subscriptions_sample_mrr_and_churn():
    at = app(PAGE).run()
    at.radio(key="data_kind").set_value("subscriptions").run()
    assert not at.exception
    shown = metrics(at)
    assert shown["Rows read"] == "10,000" and shown["Rows kept"] == "10,000"
    m = cohorts.subscription_metrics(data.load_sample("subscriptions").transactions).monthly
    m = m[m["active_start"] > 0]
    logo = m["churned"].sum() / m["active_start"].sum()
    assert shown["Monthly logo churn"] == fmt.percent(logo, 2)
    assert shown["ARPU per month"] == fmt.money(m["mrr_start"].sum() / m["active_start"].sum())
    charts = at.get("plotly_chart")
    assert len(charts) == 2
    assert at.query_params["kind"] == "subscriptions"


def test_summary_upload_kind():
    at = app(PAGE).run()
    at.radio(key="data_kind").set_value("summary").run()
    assert not at.exception and metrics(at)["Rows read"] == "8"
    raw = b"id,frequency,recency,T,monetary_value\na,1,5,10,20\nb,0,0,4,0\nc,2,12,11,30\n"
    at = upload(at, "s.csv", raw, kind="summary")
    assert metrics(at)["Rows kept"] == "2" and "Recency is larger than T: 1 row" in expander_labels(at)


def test_use_as_baseline_says_what_changed_and_what_was_kept():
    # The button changed the calculator silently. The sample's figures: ARPU $38.58, churn 7.4%
    # (38.5765 and 0.073722 rounded as the calculator's fields are); margin and CAC are the calculator's own.
    from apptest import app as open_page

    at = open_page("pages/data.py", margin="70", cac="250").run()
    at.button(key="data_use_baseline").click().run()
    assert not at.exception
    note = [s.value for s in at.success if "The calculator now uses" in s.value]
    assert len(note) == 1
    text = note[0].replace("\\", "")
    assert "Revenue per customer per month (ARPU) $50.00 → $38.58" in text
    assert "Monthly churn (%) 5.0% → 7.4%" in text
    assert "Kept as they were: Gross margin (%) 70.0%; Acquisition cost per customer (CAC) $250.00" in text
