"""The "Your data" page with the files real shops export (AppTest): payment statuses and currencies
chosen on the page, subscriptions mapped by hand, and every reading decision said in plain text."""

from apptest import app, metrics

PAGE = "pages/data.py"

# A Shopify-like export: 8 orders; 5 paid or partially refunded (4 in USD, 1 in EUR), 1 refunded, 1 pending,
# 1 voided. Amounts carry no sign: the currency is its own column.
SHOPIFY = (
    b"Name,Email,Financial Status,Created at,Total,Currency\n"
    b"#1001,ann@shop.com,paid,2024-01-05 10:00:00 -0500,120.50,USD\n"
    b"#1002,Ann@Shop.com,paid,2024-02-10 11:00:00 -0500,80.00,USD\n"
    b"#1003,bob@shop.com,refunded,2024-02-11 09:00:00 -0500,55.00,USD\n"
    b"#1004,cy@shop.com,pending,2024-03-01 09:00:00 -0500,20.00,USD\n"
    b"#1005,cy@shop.com,partially_refunded,2024-03-02 09:00:00 -0500,45.00,USD\n"
    b"#1006,dee@shop.com,voided,2024-03-03 09:00:00 -0500,9.00,USD\n"
    b"#1007,eve@shop.com,paid,2024-03-04 09:00:00 -0500,99.99,USD\n"
    b"#1008,fay@shop.com,paid,2024-03-05 09:00:00 +0100,70.00,EUR\n"
)


def upload(at, name: str, raw: bytes, kind: str = "transactions"):
    if kind != "transactions":
        at.radio(key="data_kind").set_value(kind).run() if at.radio else None
    at.file_uploader(key=f"data_file_{kind}").set_value((name, raw, "text/csv")).run()
    assert not at.exception
    return at


def texts(at) -> list[str]:
    return [t.value for t in at.text]


def test_only_completed_payments_in_one_currency_count_and_the_page_says_so():
    at = upload(app(PAGE).run(), "orders_export.csv", SHOPIFY)
    shown = metrics(at)
    # kept: #1001, #1002 (Ann, one customer by e-mail), #1005, #1007; set aside: 3 by status, 1 in EUR
    assert (shown["Rows read"], shown["Rows kept"], shown["Rows set aside"]) == ("8", "4", "4")
    lines = texts(at)
    assert any("Payment status from column Financial Status" in t for t in lines)
    assert any("Set aside by payment status: pending: 1, refunded: 1, voided: 1." in t for t in lines)
    assert any("Amounts are analysed in USD only; set aside in other currencies: EUR: 1." in t for t in lines)
    assert any("1 customer(s) written in more than one case were merged" in t for t in lines)
    paid = at.multiselect[0]
    assert set(paid.options) == {"paid", "refunded", "pending", "partially_refunded", "voided"}
    assert sorted(paid.value) == ["paid", "partially_refunded"]
    assert at.selectbox(key="data_currency").value == "USD"


def test_choosing_statuses_and_currency_rereads_the_file():
    at = upload(app(PAGE).run(), "orders_export.csv", SHOPIFY)
    at.multiselect[0].set_value(["paid"]).run()  # partially refunded no longer counts
    assert not at.exception
    assert metrics(at)["Rows kept"] == "3"
    at.selectbox(key="data_currency").set_value("EUR").run()  # only #1008 is in EUR: one customer
    assert not at.exception
    assert any("one customer" in e.value for e in at.error)


def test_a_subscriptions_file_without_a_known_start_column_is_mapped_on_the_page():
    raw = (
        b"customer,tier,Beginn,Ende,fee\n"
        b"A,basic,2024-01-01,,10\nB,pro,2024-01-15,2024-04-01,25\nC,basic,2024-02-01,,10\n"
    )
    at = app(PAGE).run()
    at.radio(key="data_kind").set_value("subscriptions").run()
    at.file_uploader(key="data_file_subscriptions").set_value(("subs.csv", raw, "text/csv")).run()
    assert not at.exception
    error = at.error[0].value
    assert "start date" in error and "column mapping" in error and "purchase" not in error
    at.selectbox(key="data_smap_start_date").set_value("Beginn").run()
    at.selectbox(key="data_smap_end_date").set_value("Ende").run()
    assert not at.exception
    assert metrics(at)["Rows kept"] == "3"


def test_a_headerless_file_and_a_title_line_are_reported():
    at = upload(
        app(PAGE).run(),
        "plain.csv",
        b"alice@x.com,5 Jan 2024,$10.00\nbob@x.com,6 Jan 2024,$12.00\nalice@x.com,9 Feb 2024,$8.00\n",
    )
    assert metrics(at)["Rows read"] == "3"
    assert any("The first row holds values, not column names" in t for t in texts(at))
    at = upload(
        app(PAGE).run(),
        "titled.csv",
        b"Orders 2024 (export)\ncustomer,date,amount\nA,2024-01-05,10\nB,2024-01-06,5\nA,2024-02-01,7\n",
    )
    assert metrics(at)["Rows read"] == "3"
    assert any("1 line(s) above the column names were not read as data: Orders 2024 (export)." in t for t in texts(at))


def test_a_second_file_gets_its_own_mapping(caplog):
    """A mapping made for one file is not applied to the next (the callback error this reset caused in
    chromium is caught by tests/browser/test_shop_exports.py, whose server log must hold no traceback)."""
    at = upload(app(PAGE).run(), "orders_export.csv", SHOPIFY)
    at.selectbox(key="data_map_channel").set_value("Name").run()  # a mapping made for the first file
    at = upload(at, "plain.csv", b"customer,date,amount\nA,2024-01-05,10\nB,2024-01-06,5\nA,2024-02-01,7\n")
    assert not at.exception and not at.error
    assert metrics(at)["Rows kept"] == "3"
    assert at.selectbox(key="data_map_channel").value == ""  # back to automatic
    assert "Unexpected error" not in caplog.text


def _baseline_with_infinity():
    import ui
    from ui import panels, state

    ui.page_setup("data")
    state.apply({"calc_arpu": 50.0})
    panels.use_as_baseline({"calc_arpu": float("inf"), "calc_churn": 3.0}, "en", "USD")
    panels.baseline_note()
    import streamlit as st

    st.text(f"arpu={state.get('calc_arpu')} churn={state.get('calc_churn')}")


def test_use_as_baseline_never_sends_a_value_that_is_not_finite():
    """An ARPU of infinity used to reach the calculator as 0; now nothing is applied and the note says why."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_baseline_with_infinity, default_timeout=30).run()
    assert not at.exception
    assert any("could not be measured from this data" in e.value for e in at.error)
    assert at.text[-1].value.startswith("arpu=50.0 churn=")
    assert "churn=3.0" not in at.text[-1].value
