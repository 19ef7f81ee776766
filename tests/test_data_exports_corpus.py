"""Every file in tests/files/exports (made by tests/files/make_corpus.py, whose README note says which real
export each imitates: Shopify, WooCommerce, Stripe, PayPal, Google Sheets, German and French Excel, Arabic
stores, warehouse JSON and Parquet) with its exact expected outcome: rows read and kept, counts per
set-aside reason, what was detected and the columns mapped, or the DataError key raised.

Provenance: the expected values are worked out by hand from make_corpus.py (the arithmetic is commented
beside each file there, and repeated briefly here); BASE has 6 rows for 4 customers (C1 C1 C2 C3 C2 C4)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clv.data import ReadOptions, read_raw, read_subscriptions, read_transactions
from clv.errors import DataError
from clv.export import safe_csv

EXPORTS = Path(__file__).parent / "files" / "exports"
OPTS = ReadOptions(analysis_date="2024-12-31")
SET_ASIDE_RETURNS = ReadOptions(analysis_date="2024-12-31", returns="set_aside")
IN_EUR = ReadOptions(analysis_date="2024-12-31", currency="EUR")
BASE_DATES = pd.to_datetime(["2024-01-05", "2024-02-10", "2024-01-20", "2024-03-15", "2024-04-01", "2024-05-13"])
BASE_AMOUNTS = [120.50, 80.00, 1234.56, 45.00, 60.25, 99.99]
STD = {"customer_id": "customer_id", "date": "date", "amount": "amount"}
GERMAN = {"customer_id": "Kunde", "date": "Datum", "amount": "Betrag"}
FRENCH = {"customer_id": "Client", "date": "Date", "amount": "Montant"}
HEADERLESS = {"customer_id": "column_1", "date": "column_2", "amount": "column_3"}
EUR_ONLY = {"currency": "EUR", "currencies_set_aside": {}}


# Files holding BASE whose 6 rows are all kept:
# file, options, rows read, rows kept, {reason: count}, {report attribute: value}, mapping, customers
GOOD = [
    ("decimal_comma_tab.tsv", OPTS, 6, 6, {}, {"delimiter": "\t", "decimal": ","}, STD, 4),
    # Windows-1252 with € in every amount, „curly“ quotes in a note, a decimal comma, dd.mm.yyyy
    (
        "german_excel_euro.csv",
        OPTS,
        6,
        6,
        {},
        {
            "encoding": "cp1252",
            "delimiter": ";",
            "decimal": ",",
            "date_format": "%d.%m.%Y",
            "dayfirst": True,
            "currencies_found": {"EUR": 6},
            **EUR_ONLY,
        },
        GERMAN,
        3,
    ),
    # € only in the header: still Windows-1252, so the column name reads as written
    (
        "german_euro_header.csv",
        OPTS,
        6,
        6,
        {},
        {"encoding": "cp1252", "delimiter": ";", "decimal": ",", "columns": ("Kunde", "Datum", "Umsatz (€)")},
        {"customer_id": "Kunde", "date": "Datum", "amount": "Umsatz (€)"},
        4,
    ),
    (
        "cp1252_curly_quotes.csv",
        OPTS,
        6,
        6,
        {},
        {"encoding": "cp1252", "delimiter": ",", "decimal": ".", "date_format": "%m/%d/%Y", "dayfirst": False},
        {"customer_id": "Customer", "date": "Order Date", "amount": "Amount", "product": "Product"},
        3,
    ),
    # "1 234,56 €" with U+00A0 (Windows-1252 0xA0) and with U+202F as thousands marks
    (
        "french_excel.csv",
        OPTS,
        6,
        6,
        {},
        {
            "encoding": "cp1252",
            "delimiter": ";",
            "decimal": ",",
            "date_format": "%d/%m/%Y",
            "dayfirst": True,
            **EUR_ONLY,
        },
        FRENCH,
        3,
    ),
    (
        "french_excel_utf8_nnbsp.csv",
        OPTS,
        6,
        6,
        {},
        {
            "encoding": "utf-8-sig",
            "delimiter": ";",
            "decimal": ",",
            "date_format": "%d/%m/%Y",
            "dayfirst": True,
            **EUR_ONLY,
        },
        FRENCH,
        3,
    ),
    # CRLF, no line end after the last row, "$1,234.56", 1/5/2024 (days 20, 15, 13 say month first)
    (
        "google_sheets.csv",
        OPTS,
        6,
        6,
        {},
        {
            "encoding": "utf-8",
            "delimiter": ",",
            "decimal": ".",
            "date_format": "%m/%d/%Y",
            "dayfirst": False,
            "currency": "$",
        },
        {"customer_id": "Customer", "date": "Order Date", "amount": "Amount"},
        4,
    ),
    (
        "title_line.csv",
        OPTS,
        6,
        6,
        {},
        {"skipped_lines": ("Orders export 2024-01-01 to 2024-06-30",), "has_header": True, "delimiter": ","},
        STD,
        4,
    ),
    (
        "sep_hint.csv",
        OPTS,
        6,
        6,
        {},
        {"skipped_lines": ("sep=;",), "delimiter": ";", "decimal": ",", "date_format": "%d.%m.%Y"},
        GERMAN,
        4,
    ),
    ("nul_padding.csv", OPTS, 6, 6, {}, {"encoding": "utf-8", "delimiter": ",", "blank_lines": 0}, STD, 4),
    ("json_array.csv", OPTS, 6, 6, {}, {"file_format": "json", "date_format": "%Y-%m-%d"}, STD, 4),
    ("json_under_key.json", OPTS, 6, 6, {}, {"file_format": "json"}, STD, 4),
    ("dates_month_day_year.csv", OPTS, 6, 6, {}, {"date_format": "%b %d %Y"}, STD, 4),  # "Jan 5, 2024"
    ("dates_dd_mon_yy.csv", OPTS, 6, 6, {}, {"date_format": "%d-%b-%y"}, STD, 4),  # "05-Jan-24"
    ("dates_weekday.csv", OPTS, 6, 6, {}, {"date_format": "%d %b %Y"}, STD, 4),  # "Fri, 05 Jan 2024"
    (
        "parquet_nested.parquet",
        OPTS,
        6,
        6,
        {},
        {"file_format": "parquet", "date_format": "native"},
        {"customer_id": "customer_id", "date": "created_at", "amount": "total_price", "order_id": "order_id"},
        4,
    ),
    # ids 2**53 + 3 and 2**53 + 4 (one float64 for both): still 2 customers
    (
        "parquet_big_ids.parquet",
        OPTS,
        6,
        6,
        {},
        {"file_format": "parquet", "date_format": "native"},
        {"customer_id": "customer_id", "date": "order_date", "amount": "amount", "channel": "channel"},
        2,
    ),
    # a title in A1, row 2 empty, the header on row 3
    (
        "xlsx_title_row.xlsx",
        OPTS,
        6,
        6,
        {},
        {"file_format": "xlsx", "sheet": "Report", "has_header": True},
        {"customer_id": "Customer", "date": "Order date", "amount": "Revenue"},
        4,
    ),
]

# Files with rows set aside, or values other than BASE:
# file, options, rows read, rows kept, {reason: count}, {report attribute: value}, mapping, customers kept
SHOPIFY = {
    "customer_id": "Email",
    "date": "Paid at",
    "amount": "Total",
    "status": "Financial Status",
    "currency": "Currency",
}
PARTIAL = [
    # 1. decimal marks: 4 dot values are the evidence; the comma-only value is ambiguous, never 15 or 1234.5
    ("decimal_comma_stray.csv", OPTS, 5, 4, {"ambiguous_decimal": 1}, {"decimal": "."}, STD, 3),
    ("euro_grouped_among_dots.csv", OPTS, 5, 4, {"ambiguous_decimal": 1}, {"decimal": "."}, STD, 3),
    ("euro_comma_among_dots.csv", OPTS, 5, 4, {"ambiguous_decimal": 1}, {"decimal": "."}, STD, 3),
    ("thousands_apostrophe.csv", OPTS, 4, 4, {}, {"decimal": "."}, STD, 3),
    # "1,234" and "2,500": no value says which mark is the decimal one -> both set aside, no convention
    ("thousands_no_evidence.csv", OPTS, 4, 2, {"ambiguous_decimal": 2}, {"decimal": None}, STD, 2),
    # 3. two stray Latin-1 bytes: rows 3 (a note: kept) and 5 (the customer id: set aside)
    (
        "utf8_stray_byte.csv",
        OPTS,
        6,
        5,
        {"undecodable_customer": 1},
        {"encoding": "utf-8", "undecodable_rows": 2},
        STD,
        3,
    ),
    # 4. int64 amounts, 2**53 + 10 implausible
    (
        "parquet_int64_amount.parquet",
        OPTS,
        6,
        5,
        {"implausible_amount": 1},
        {"file_format": "parquet", "date_format": "native"},
        STD,
        4,
    ),
    # 5. 123456789012345678 and ...679 as numeric cells: two customers
    ("xlsx_big_ids.xlsx", OPTS, 4, 4, {}, {"file_format": "xlsx", "sheet": "Orders", "date_format": "native"}, STD, 2),
    # 5. empty Excel rows 4, 5, 7; "n/a" on row 6, no customer on row 10
    (
        "xlsx_blank_rows.xlsx",
        OPTS,
        6,
        4,
        {"missing_customer": 1, "non_numeric_amount": 1},
        {"file_format": "xlsx", "sheet": "Orders"},
        STD,
        3,
    ),
    # 6. headerless: the first row is data and counted
    (
        "headerless_email.csv",
        OPTS,
        5,
        5,
        {},
        {
            "has_header": False,
            "columns": ("column_1", "column_2", "column_3"),
            "date_format": "%d %b %Y",
            "currency": "$",
        },
        HEADERLESS,
        3,
    ),
    (
        "headerless_quoted.csv",
        OPTS,
        5,
        5,
        {},
        {
            "has_header": False,
            "columns": ("column_1", "column_2", "column_3"),
            "date_format": "%b %d %Y",
            "currency": "USD",
        },
        HEADERLESS,
        3,
    ),
    # 7. records 3 ("ten"), 5 ("soon"), 6 (five fields) set aside; lines of spaces are not rows
    (
        "multiline_notes.csv",
        OPTS,
        7,
        4,
        {"malformed_row": 1, "unreadable_date": 1, "non_numeric_amount": 1},
        {"date_other_format": 1},
        STD,
        3,
    ),
    ("blank_space_lines.csv", OPTS, 6, 5, {"zero_amount": 1}, {"blank_lines": 4}, STD, 3),  # C1 C1 C2 C2 C4
    # 8. dates: offsets dropped; a mixed column keeps its ISO majority
    ("dates_utc_offset.csv", OPTS, 6, 6, {}, {"date_format": "ISO8601"}, STD, 4),
    (
        "dates_mixed_formats.csv",
        OPTS,
        8,
        6,
        {"unreadable_date": 2},
        {"date_format": "%Y-%m-%d", "date_other_format": 2},
        STD,
        4,
    ),
    # 9. NDJSON with a line cut short (record 4)
    ("orders.ndjson", OPTS, 7, 6, {"malformed_row": 1}, {"file_format": "json"}, STD, 4),
    # 10. implausible amounts; inf/NaN are not numbers; "NA" and "null" are customers
    ("implausible_1e308.csv", OPTS, 8, 6, {"implausible_amount": 2}, {}, STD, 4),
    ("implausible_card_number.csv", OPTS, 7, 6, {"implausible_amount": 1}, {}, STD, 4),
    ("inf_nan_customer_na.csv", OPTS, 7, 4, {"non_numeric_amount": 3}, {}, STD, 3),
    # 11. currencies: a currency column (USD 4, EUR 3), then EUR chosen; signs in the amounts ($ 4, € 2)
    (
        "two_currencies.csv",
        OPTS,
        7,
        4,
        {"other_currency": 3},
        {"currency": "USD", "currencies_found": {"USD": 4, "EUR": 3}, "currencies_set_aside": {"EUR": 3}},
        {**STD, "currency": "currency"},
        3,
    ),
    (
        "two_currencies.csv",
        IN_EUR,
        7,
        3,
        {"other_currency": 4},
        {"currency": "EUR", "currencies_set_aside": {"USD": 4}},
        {**STD, "currency": "currency"},
        2,
    ),
    (
        "mixed_currency_signs.csv",
        OPTS,
        6,
        4,
        {"other_currency": 2},
        {"currency": "$", "currencies_set_aside": {"EUR": 2}, "decimal": "."},
        STD,
        2,
    ),
    # 11. e-mail ids in two cases: 2 customers merged (ann, bob); one customer in three cases: 1 merged
    ("email_case.csv", OPTS, 6, 6, {}, {"ids_merged_by_case": 2}, {**STD, "customer_id": "customer_email"}, 4),
    (
        "email_case_three_spellings.csv",
        OPTS,
        5,
        5,
        {},
        {"ids_merged_by_case": 1},
        {**STD, "customer_id": "customer_email"},
        3,
    ),
    # 11. a return: netted by default, set aside as negative_amount on request
    ("returns_negative.csv", OPTS, 4, 4, {}, {"returns_netted": 1}, STD, 3),
    ("returns_negative.csv", SET_ASIDE_RETURNS, 4, 3, {"negative_amount": 1}, {"returns_netted": 0}, STD, 3),
    # 11. payment statuses
    (
        "shopify_orders.csv",
        OPTS,
        8,
        5,
        {"not_paid": 3},
        {
            "status_column": "Financial Status",
            "statuses_set_aside": {"pending": 1, "refunded": 1, "voided": 1},
            "statuses_found": {"paid": 4, "partially_refunded": 1, "pending": 1, "refunded": 1, "voided": 1},
            "currency": "USD",
            "currencies_set_aside": {},
        },
        SHOPIFY,
        4,
    ),
    (
        "shopify_line_items.csv",
        OPTS,
        9,
        4,
        {"missing_customer": 4, "not_paid": 1},
        {
            "status_column": "Financial Status",
            "statuses_set_aside": {"refunded": 1},
            "statuses_found": {"paid": 4, "refunded": 1},
            "currency": "USD",
        },
        {**SHOPIFY, "quantity": "Lineitem quantity"},
        4,
    ),
    (
        "woocommerce_orders.csv",
        OPTS,
        8,
        4,
        {"not_paid": 4},
        {
            "status_column": "Order Status",
            "statuses_set_aside": {"cancelled": 1, "failed": 1, "on_hold": 1, "refunded": 1},
            "statuses_found": {
                "completed": 3,
                "processing": 1,
                "cancelled": 1,
                "failed": 1,
                "on_hold": 1,
                "refunded": 1,
            },
        },
        {
            "customer_id": "Billing Email",
            "date": "Order Date",
            "amount": "Order Total Amount",
            "order_id": "Order Number",
            "status": "Order Status",
        },
        3,
    ),
    (
        "stripe_payments.csv",
        OPTS,
        7,
        4,
        {"not_paid": 2, "other_currency": 1},
        {
            "status_column": "Status",
            "statuses_set_aside": {"failed": 1, "refunded": 1},
            "currency": "USD",
            "currencies_found": {"USD": 4, "EUR": 1},
            "currencies_set_aside": {"EUR": 1},
        },  # USD: 6 less 2 not paid
        {
            "customer_id": "Customer ID",
            "date": "Created (UTC)",
            "amount": "Amount",
            "product": "Description",
            "status": "Status",
            "currency": "Currency",
        },
        3,
    ),
    (
        "paypal_activity.csv",
        OPTS,
        7,
        5,
        {"not_paid": 2},
        {
            "encoding": "utf-8-sig",
            "status_column": "Status",
            "statuses_set_aside": {"denied": 1, "pending": 1},
            "date_format": "%m/%d/%Y",
            "dayfirst": False,
            "decimal": ".",
            "currency": "USD",
        },
        {
            "customer_id": "From Email Address",
            "date": "Date",
            "amount": "Gross",
            "order_id": "Transaction ID",
            "status": "Status",
            "currency": "Currency",
        },
        3,
    ),
    (
        "arabic_store_export.csv",
        OPTS,
        6,
        4,
        {"not_paid": 2},
        {
            "encoding": "utf-8-sig",
            "status_column": "حالة الطلب",
            "statuses_set_aside": {"ملغي": 1, "مسترد": 1},
            "currency": "SAR",
            "currencies_set_aside": {},
        },
        {
            "customer_id": "العميل",
            "date": "تاريخ الطلب",
            "amount": "الإجمالي",
            "order_id": "رقم الطلب",
            "status": "حالة الطلب",
            "currency": "العملة",
        },
        3,
    ),
]

# The kept amounts, in file order (worked out in make_corpus.py), by file or by (file, options).
KEPT_AMOUNTS = {
    ("two_currencies.csv", OPTS): [120.50, 80.00, 45.00, 99.99],  # the USD rows 1 2 4 6
    ("two_currencies.csv", IN_EUR): [1234.56, 60.25, 10.00],  # the EUR rows 3 5 7
    ("returns_negative.csv", OPTS): [120.50, -12.50, 80.00, 45.00],  # the return netted
    ("returns_negative.csv", SET_ASIDE_RETURNS): [120.50, 80.00, 45.00],
    "mixed_currency_signs.csv": [120.50, 80.00, 1234.56, 60.25],  # the "$" rows
    "thousands_apostrophe.csv": [1234.56, 2500.00, 12.50, 99.90],  # 1'234.56 and 2’500.00
    "decimal_comma_stray.csv": [12.50, 7.99, 0.25, 20.00],  # not 15: "1,5" set aside
    "euro_grouped_among_dots.csv": [12.50, 7.99, 45.00, 3.10],
    "euro_comma_among_dots.csv": [12.50, 7.99, 45.00, 3.10],
    "thousands_no_evidence.csv": [15.0, 300.0],
    "utf8_stray_byte.csv": [120.50, 80.00, 1234.56, 45.00, 99.99],
    "parquet_int64_amount.parquet": [120.0, 80.0, 1234.0, 45.0, 99.0],
    "xlsx_big_ids.xlsx": [120.50, 1234.56, 80.00, 60.25],
    "xlsx_blank_rows.xlsx": [120.50, 1234.56, 80.00, 99.99],  # Excel rows 2, 3, 8, 9
    "headerless_email.csv": [10.00, 25.50, 12.00, 8.75, 30.00],
    "headerless_quoted.csv": [12.50, 25.00, 7.25, 40.00, 9.99],
    "multiline_notes.csv": [120.50, 1234.56, 80.00, 99.99],  # records 1, 2, 4, 7
    "blank_space_lines.csv": [120.50, 80.00, 1234.56, 60.25, 99.99],  # C3's 0 set aside
    "dates_utc_offset.csv": BASE_AMOUNTS,
    "dates_mixed_formats.csv": BASE_AMOUNTS,
    "orders.ndjson": BASE_AMOUNTS,
    "implausible_1e308.csv": BASE_AMOUNTS,
    "implausible_card_number.csv": BASE_AMOUNTS,
    "inf_nan_customer_na.csv": [120.50, 80.00, 60.25, 5.00],
    "email_case.csv": BASE_AMOUNTS,
    "email_case_three_spellings.csv": [120.50, 80.00, 30.00, 45.00, 60.25],
    "shopify_orders.csv": [120.50, 80.00, 45.00, 99.99, 60.25],  # #1001 #1002 #1005 #1007 #1008
    "shopify_line_items.csv": [120.50, 80.00, 1234.56, 99.99],  # each order's Total once
    "woocommerce_orders.csv": [120.50, 80.00, 45.00, 99.99],  # #1001 #1002 #1004 #1006
    "stripe_payments.csv": [120.50, 80.00, 99.99, 30.00],  # ch_1 ch_2 ch_6 ch_7
    "paypal_activity.csv": [120.50, 80.00, 1234.56, 99.99, 1050.00],
    "arabic_store_export.csv": [120.50, 80.00, 1234.56, 60.25],
}

# file, reader, DataError key, text the message must show (the file, or the columns found)
ERRORS = [
    # rows as arrays (the Google Sheets API "values" shape), not records
    ("sheets_api_values.json", read_transactions, "data.errors.json_shape", "sheets_api_values.json"),
    # a subscriptions list with no start date column at all
    (
        "subscriptions_no_start.csv",
        read_subscriptions,
        "data.errors.no_start_date",
        "Customer Email, Plan, Interval, Amount, Status",
    ),
]


def _check(res, read, kept, reasons, attrs, mapping, customers):
    rep = res.report
    assert (rep.rows_read, rep.rows_kept, rep.counts) == (read, kept, reasons)
    assert rep.rows_read == rep.rows_kept + rep.rows_set_aside  # nothing lost silently
    assert len(rep.set_aside) == rep.rows_set_aside
    assert rep.set_aside["reason"].value_counts().to_dict() == reasons
    for name, value in attrs.items():
        assert getattr(rep, name) == value, name
    assert res.mapping == mapping
    tx = res.transactions
    assert len(tx) == kept and tx["customer_id"].nunique() == customers
    assert str(tx["date"].dtype) == "datetime64[ns]" and tx["amount"].dtype == float


def _ids(rows):
    return [r.values[0] if hasattr(r, "values") else r[0] for r in rows]


@pytest.mark.parametrize("name,opts,read,kept,reasons,attrs,mapping,customers", GOOD, ids=_ids(GOOD))
def test_exports_read_every_value(name, opts, read, kept, reasons, attrs, mapping, customers):
    res = read_transactions(EXPORTS / name, options=opts)
    _check(res, read, kept, reasons, attrs, mapping, customers)
    tx = res.transactions
    # the same six dates and amounts whatever the export
    assert tx["date"].dt.normalize().tolist() == BASE_DATES.tolist()
    assert np.allclose(tx["amount"].to_numpy(), BASE_AMOUNTS, atol=1e-9)


@pytest.mark.parametrize(
    "name,opts,read,kept,reasons,attrs,mapping,customers",
    PARTIAL,
    ids=[f"{n}-{i}" for i, n in enumerate(_ids(PARTIAL))],
)
def test_exports_set_aside_exactly(name, opts, read, kept, reasons, attrs, mapping, customers):
    res = read_transactions(EXPORTS / name, options=opts)
    _check(res, read, kept, reasons, attrs, mapping, customers)
    expected = KEPT_AMOUNTS.get((name, opts), KEPT_AMOUNTS.get(name))
    assert expected is not None, f"{name}: kept amounts not written out"
    assert np.allclose(res.transactions["amount"].to_numpy(), expected, atol=1e-9)


@pytest.mark.parametrize("name,reader,key,says", ERRORS, ids=[e[0] for e in ERRORS])
def test_unusable_exports_raise_a_clear_error(name, reader, key, says):
    with pytest.raises(DataError) as info:
        reader(EXPORTS / name, options=OPTS)
    assert info.value.key == key
    message = str(info.value)
    assert len(message) > 40 and says in message  # a full sentence, saying what it saw
    assert re.search(r"\{[a-z_]+\}", message) is None  # placeholders filled


# ----------------------------------------------------------------------------------------------
# Checks a table row cannot express
# ----------------------------------------------------------------------------------------------


def test_ambiguous_decimal_rows_are_set_aside_as_written():
    for name, row, written in (
        ("decimal_comma_stray.csv", 4, "1,5"),
        ("euro_grouped_among_dots.csv", 3, "€1.234,50"),
        ("euro_comma_among_dots.csv", 3, "€12,50"),
    ):
        aside = read_transactions(EXPORTS / name, options=OPTS).report.set_aside
        assert aside[["row", "amount", "reason"]].values.tolist() == [[row, written, "ambiguous_decimal"]], name
    aside = read_transactions(EXPORTS / "thousands_no_evidence.csv", options=OPTS).report.set_aside
    assert aside["amount"].tolist() == ["1,234", "2,500"] and aside["row"].tolist() == [1, 2]


def test_windows_1252_text_survives():
    tx = read_transactions(EXPORTS / "german_excel_euro.csv", options=OPTS).transactions
    assert tx["customer_id"].unique().tolist() == ["Müller", "Weiß", "Jäger"]
    notes = read_raw(EXPORTS / "german_excel_euro.csv").table["Notiz"].to_pylist()
    assert notes == ["„Stammkunde“", None, "Rabatt ‚Winter‘", None, None, "„Neu“"]
    tx = read_transactions(EXPORTS / "cp1252_curly_quotes.csv", options=OPTS).transactions
    assert tx["customer_id"].unique().tolist() == ["O’Brien", "D’Souza", "Zoë"]
    assert tx["product"].tolist() == [
        "“Deluxe” gift box",
        "Tea – green",
        "“Deluxe” gift box",
        "Mug",
        "Mug",
        "Tea – green",
    ]
    tx = read_transactions(EXPORTS / "french_excel.csv", options=OPTS).transactions
    assert tx["customer_id"].unique().tolist() == ["Hélène", "François", "Jérôme"]


def test_a_stray_byte_leaves_the_rest_of_the_file_utf8():
    res = read_transactions(EXPORTS / "utf8_stray_byte.csv", options=OPTS)
    assert res.transactions["customer_id"].unique().tolist() == ["José", "Zoë", "Łukasz"]
    aside = res.report.set_aside
    assert aside[["row", "customer_id", "reason"]].values.tolist() == [[5, "Ren\ufffd", "undecodable_customer"]]
    assert any(line.startswith("2 row(s) held bytes that are not valid utf-8 text") for line in res.report.notes())


def test_parquet_nested_columns_and_ids_beyond_2_53():
    raw = read_raw(EXPORTS / "parquet_nested.parquet").table
    # list<struct> as compact JSON text (an empty list is "[]", a missing one null)
    assert raw["line_items"].to_pylist() == [
        '[{"sku":"TEE-1","quantity":2,"price":60.25}]',
        '[{"sku":"MUG-2","quantity":1,"price":80.0}]',
        '[{"sku":"KET-3","quantity":1,"price":1200.0},{"sku":"TEA-4","quantity":1,"price":34.56}]',
        "[]",
        '[{"sku":"TEE-1","quantity":1,"price":60.25}]',
        None,
    ]
    tx = read_transactions(EXPORTS / "parquet_big_ids.parquet", options=OPTS).transactions
    # 2**53 + 3 and 2**53 + 4, exactly (as floats both are 9007199254740996)
    assert tx["customer_id"].tolist() == ["9007199254740995"] * 3 + ["9007199254740996"] * 3
    assert tx["channel"].tolist() == ["web", "pos"] * 3  # dictionary-encoded, decoded
    aside = read_transactions(EXPORTS / "parquet_int64_amount.parquet", options=OPTS).report.set_aside
    assert aside[["row", "customer_id", "reason"]].values.tolist() == [[5, "C2", "implausible_amount"]]


def test_excel_ids_stay_exact_and_rows_are_numbered_as_excel_shows_them():
    tx = read_transactions(EXPORTS / "xlsx_big_ids.xlsx", options=OPTS).transactions
    assert tx["customer_id"].tolist() == ["123456789012345678", "123456789012345679"] * 2
    aside = read_transactions(EXPORTS / "xlsx_blank_rows.xlsx", options=OPTS).report.set_aside
    assert aside[["row", "reason"]].values.tolist() == [[6, "non_numeric_amount"], [10, "missing_customer"]]


def test_headerless_first_row_is_data_and_the_report_says_so():
    res = read_transactions(EXPORTS / "headerless_email.csv", options=OPTS)
    assert res.transactions["customer_id"].iloc[0] == "alice@x.com"
    assert res.transactions["date"].iloc[0] == pd.Timestamp("2024-01-05")
    assert res.report.notes()[0] == (
        "The first row holds values, not column names, so it was read as data; "
        "the columns are named column_1, column_2, column_3."
    )


def test_row_numbers_count_records_not_lines():
    res = read_transactions(EXPORTS / "multiline_notes.csv", options=OPTS)
    aside = res.report.set_aside
    # records 3 and 7 span 3 and 2 lines; the malformed record is 6 (physical line 10)
    assert aside[["row", "reason"]].values.tolist() == [
        [3, "non_numeric_amount"],
        [5, "unreadable_date"],
        [6, "malformed_row"],
    ]
    assert aside.loc[aside["reason"] == "malformed_row", "raw"].tolist() == ["C2,2024-04-01,60.25,ok,EXTRA"]
    assert res.transactions["customer_id"].tolist() == ["C1", "C2", "C1", "C4"]
    res = read_transactions(EXPORTS / "blank_space_lines.csv", options=OPTS)
    assert res.report.set_aside["row"].tolist() == [4]  # C3's zero, after 2 blank lines
    assert "4 line(s) held only spaces and were skipped (not rows)." in res.report.lines()


def test_dates_keep_the_day_written():
    tx = read_transactions(EXPORTS / "dates_utc_offset.csv", options=OPTS).transactions
    assert (
        tx["date"].tolist()
        == pd.to_datetime(
            [
                "2024-01-05 23:30",
                "2024-02-10 23:30",
                "2024-01-20 23:30",
                "2024-03-02 23:30",
                "2024-04-01 23:30",
                "2024-05-13 01:00",
            ]
        ).tolist()
    )
    res = read_transactions(EXPORTS / "dates_mixed_formats.csv", options=OPTS)
    aside = res.report.set_aside
    assert aside[["row", "date"]].values.tolist() == [[4, "15/06/2024"], [8, "20/07/2024"]]
    assert (
        "2 date(s) were written in another format than the rest of the column and were set aside as unreadable."
    ) in res.report.notes()


def test_lines_above_the_header_are_reported():
    notes = read_transactions(EXPORTS / "title_line.csv", options=OPTS).report.notes()
    assert "1 line(s) above the column names were not read as data: Orders export 2024-01-01 to 2024-06-30." in notes
    notes = read_transactions(EXPORTS / "sep_hint.csv", options=OPTS).report.notes()
    assert "1 line(s) above the column names were not read as data: sep=;." in notes


def test_ndjson_cut_line_is_a_malformed_record():
    aside = read_transactions(EXPORTS / "orders.ndjson", options=OPTS).report.set_aside
    assert aside[["row", "reason"]].values.tolist() == [[4, "malformed_row"]]
    assert aside["raw"].tolist() == ['{"customer_id": "C9", "date": "2024-03-']


def test_na_and_null_are_customers_and_inf_nan_are_not_amounts():
    res = read_transactions(EXPORTS / "inf_nan_customer_na.csv", options=OPTS)
    assert res.transactions["customer_id"].tolist() == ["NA", "NA", "C2", "null"]
    aside = res.report.set_aside
    assert aside[["row", "amount"]].values.tolist() == [[3, "inf"], [4, "NaN"], [6, "-Infinity"]]
    assert set(aside["reason"]) == {"non_numeric_amount"}
    aside = read_transactions(EXPORTS / "implausible_1e308.csv", options=OPTS).report.set_aside
    assert aside[["row", "amount", "reason"]].values.tolist() == [
        [7, "1e308", "implausible_amount"],
        [8, "1e400", "implausible_amount"],
    ]


def test_statuses_and_currencies_are_reported_in_words():
    notes = read_transactions(EXPORTS / "woocommerce_orders.csv", options=OPTS).report.notes()
    assert "Set aside by payment status: cancelled: 1, failed: 1, on_hold: 1, refunded: 1." in notes
    notes = read_transactions(EXPORTS / "two_currencies.csv", options=OPTS).report.notes()
    assert (
        "Amounts are analysed in USD only; set aside in other currencies: EUR: 3. Choose another currency "
        "to analyse it instead."
    ) in notes
    notes = read_transactions(EXPORTS / "email_case.csv", options=OPTS).report.notes()
    assert (
        "Customer e-mail addresses are compared without case: 2 customer(s) written in more than one case were merged."
    ) in notes


def test_shopify_line_items_count_each_order_once():
    res = read_transactions(EXPORTS / "shopify_line_items.csv", options=OPTS)
    tx = res.transactions
    assert tx["customer_id"].tolist() == ["ann@example.com", "bob@example.com", "cy@example.com", "dee@example.com"]
    assert tx["quantity"].tolist() == [1.0, 2.0, 1.0, 3.0]  # the first line item's quantity
    # lines 2, 5, 7, 8 continue an order (no e-mail); line 4 is the refunded order
    aside = res.report.set_aside
    assert aside[["row", "reason"]].values.tolist() == [
        [2, "missing_customer"],
        [4, "not_paid"],
        [5, "missing_customer"],
        [7, "missing_customer"],
        [8, "missing_customer"],
    ]


def test_a_set_aside_return_downloads_as_a_number():
    res = read_transactions(EXPORTS / "returns_negative.csv", options=SET_ASIDE_RETURNS)
    text = safe_csv(res.report.set_aside).decode("utf-8-sig")
    assert text.splitlines() == ["row,customer_id,date,amount,reason", "2,C1,2024-02-01,-12.50,negative_amount"]


def test_every_export_has_an_expected_outcome():
    files = {p.name for p in EXPORTS.iterdir()}
    assert len(files) >= 40
    tested = set(_ids(GOOD)) | set(_ids(PARTIAL)) | {e[0] for e in ERRORS}
    assert files == tested
