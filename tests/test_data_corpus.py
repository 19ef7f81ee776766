"""Every file in tests/files (made by tests/files/make_corpus.py) with its exact expected outcome:
rows read and kept, counts per set-aside reason and what was detected, or the DataError key raised.

Provenance: the expected values are worked out by hand from make_corpus.py (BASE has 6 rows for 4
customers; messy.csv has one row per reason, commented there)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clv.data import ReadOptions, read_subscriptions, read_summary, read_transactions, sheet_names
from clv.errors import DataError

FILES = Path(__file__).parent / "files"
OPTS = ReadOptions(analysis_date="2024-12-31")
# make_corpus.BASE, as read: (customer, date, amount)
BASE_DATES = pd.to_datetime(["2024-01-05", "2024-02-10", "2024-01-20", "2024-03-15", "2024-04-01", "2024-05-13"])
BASE_AMOUNTS = [120.50, 80.00, 1234.56, 45.00, 60.25, 99.99]
STD = {"customer_id": "customer_id", "date": "date", "amount": "amount"}

# file, options, rows read, rows kept, {reason: count}, {report attribute: value}, mapping (None: STD)
GOOD = [
    ("utf8.csv", OPTS, 6, 6, {}, {"encoding": "utf-8", "delimiter": ",", "decimal": ".", "date_format": "%Y-%m-%d"}),
    ("utf8_bom.csv", OPTS, 6, 6, {}, {"encoding": "utf-8-sig", "delimiter": ","}),
    ("crlf.csv", OPTS, 6, 6, {}, {"encoding": "utf-8", "delimiter": ","}),
    ("utf16_tab.txt", OPTS, 6, 6, {}, {"encoding": "utf-16", "delimiter": "\t"}),
    ("cp1256_arabic.csv", OPTS, 6, 6, {}, {"encoding": "cp1256", "delimiter": ","}),
    (
        "latin1_semicolon.csv",
        OPTS,
        6,
        6,
        {},
        {"encoding": "cp1252", "delimiter": ";", "decimal": ",", "date_format": "%d.%m.%Y", "dayfirst": True},
    ),
    ("semicolon_decimal_comma.csv", OPTS, 6, 6, {}, {"delimiter": ";", "decimal": ","}),
    ("thousands_space.csv", OPTS, 6, 6, {}, {"delimiter": ";", "decimal": ",", "date_format": "%d/%m/%Y"}),
    ("us_thousands_quoted.csv", OPTS, 6, 6, {}, {"delimiter": ",", "decimal": "."}),
    ("currency_symbols.csv", OPTS, 6, 6, {}, {"decimal": "."}),
    ("tab.tsv", OPTS, 6, 6, {}, {"delimiter": "\t"}),
    ("pipe.txt", OPTS, 6, 6, {}, {"delimiter": "|"}),
    ("dates_dmy.csv", OPTS, 6, 6, {}, {"date_format": "%d/%m/%Y", "dayfirst": True, "date_ambiguous": False}),
    ("dates_mdy.csv", OPTS, 6, 6, {}, {"date_format": "%m/%d/%Y", "dayfirst": False, "date_ambiguous": False}),
    ("dates_ymd_slash.csv", OPTS, 6, 6, {}, {"date_format": "%Y/%m/%d", "dayfirst": None}),
    ("dates_dot.csv", OPTS, 6, 6, {}, {"date_format": "%d.%m.%Y", "dayfirst": True}),
    ("dates_time.csv", OPTS, 6, 6, {}, {"date_format": "%Y-%m-%d %H:%M:%S"}),
    ("dates_dmy_short.csv", OPTS, 6, 6, {}, {"date_format": "%d/%m/%Y", "dayfirst": True}),
    ("arabic_digits.csv", OPTS, 6, 6, {}, {"date_format": "%d/%m/%Y", "decimal": None}),  # ٫ is always decimal
    ("headerless.csv", OPTS, 6, 6, {}, {"has_header": False, "date_format": "%Y%m%d"}),
    ("two_sheets.xlsx", OPTS, 6, 6, {}, {"file_format": "xlsx", "sheet": "Orders 2024", "date_format": "native"}),
    ("excel_serial.xlsx", OPTS, 6, 6, {}, {"file_format": "xlsx", "date_format": "excel-serial"}),
    ("typed.parquet", OPTS, 6, 6, {}, {"file_format": "parquet", "date_format": "native"}),
    ("extra_columns.csv", OPTS, 6, 6, {}, {}),
    ("arabic_headers_extra.csv", OPTS, 6, 6, {}, {}),
    ("export.json", OPTS, 6, 6, {}, {"file_format": "json", "date_format": "%Y-%m-%d"}),
]
MAPPINGS = {
    "cp1256_arabic.csv": {"customer_id": "رقم العميل", "date": "التاريخ", "amount": "المبلغ"},
    "latin1_semicolon.csv": {"customer_id": "Kunde", "date": "Datum", "amount": "Betrag"},
    "arabic_digits.csv": {"customer_id": "العميل", "date": "التاريخ", "amount": "القيمة"},
    "headerless.csv": {"customer_id": "column_1", "date": "column_3", "amount": "column_5"},
    "two_sheets.xlsx": {"customer_id": "Customer", "date": "Order date", "amount": "Revenue"},
    "typed.parquet": {"customer_id": "customer_id", "date": "order_ts", "amount": "revenue"},
    "extra_columns.csv": {
        "customer_id": "customer_email",
        "date": "order_date",
        "amount": "total",
        "order_id": "order_id",
        "quantity": "quantity",
        "product": "product",
        "channel": "channel",
    },
    "arabic_headers_extra.csv": {
        "customer_id": "العميل",
        "date": "التاريخ",
        "amount": "القيمة",
        "order_id": "رقم الطلب",
        "quantity": "الكمية",
        "product": "المنتج",
        "channel": "القناة",
    },
}

MESSY_REASONS = {
    "malformed_row": 1,
    "missing_customer": 1,
    "unreadable_date": 1,
    "non_numeric_amount": 1,
    "zero_amount": 1,
    "duplicate_row": 1,
    "after_analysis_date": 1,
    "return_without_purchase": 1,
}
PARTIAL = [
    # returns netted: C1's -20 kept (6 kept = 2 C1 + return + 2 C2 + C5), C9's lone return set aside
    ("messy.csv", OPTS, 14, 6, MESSY_REASONS, {"returns_netted": 1}),
    (
        "messy.csv",
        ReadOptions(analysis_date="2024-12-31", returns="set_aside"),
        14,
        5,
        {**{k: v for k, v in MESSY_REASONS.items() if k != "return_without_purchase"}, "negative_amount": 2},
        {"returns_netted": 0},
    ),
    # analysis date before C4's 2025 row: default today (2026) would keep it
    (
        "messy.csv",
        ReadOptions(analysis_date="2030-01-01"),
        14,
        7,
        {k: v for k, v in MESSY_REASONS.items() if k != "after_analysis_date"},
        {},
    ),
    ("dates_ambiguous.csv", OPTS, 6, 6, {}, {"date_format": "%d/%m/%Y", "dayfirst": True, "date_ambiguous": True}),
    (
        "dates_ambiguous.csv",
        ReadOptions(analysis_date="2024-12-31", dayfirst=False),
        6,
        6,
        {},
        {"date_format": "%m/%d/%Y", "dayfirst": False, "date_ambiguous": False},
    ),
    (
        "two_sheets.xlsx",
        ReadOptions(analysis_date="2025-12-31", sheet="Orders 2025"),
        4,
        4,
        {},
        {"sheet": "Orders 2025"},
    ),
    ("two_sheets.xlsx", ReadOptions(analysis_date="2025-12-31", sheet=1), 4, 4, {}, {"sheet": "Orders 2025"}),
    # a 2025 sheet read with a 2024 analysis date: every row is after it
]

ERRORS = [
    ("empty.csv", {}, "data.errors.empty"),
    ("whitespace_only.csv", {}, "data.errors.empty"),
    ("header_only.csv", {}, "data.errors.no_rows"),
    ("binary.bin", {}, "data.errors.not_table"),
    ("fake.xlsx", {}, "data.errors.not_table"),
    ("old_format.xls", {}, "data.errors.unsupported_format"),
    ("one_column.txt", {}, "data.errors.not_table_one_column"),
    ("too_many_columns.csv", {}, "data.errors.too_many_columns"),
    ("no_date.csv", {}, "data.errors.no_date"),
    ("no_amount.csv", {}, "data.errors.no_amount"),
    ("no_customer.csv", {}, "data.errors.no_customer"),
    ("single_customer.csv", {}, "data.errors.single_customer"),
    ("all_invalid.csv", {}, "data.errors.no_valid_rows"),
    ("all_malformed.csv", {}, "data.errors.all_malformed"),
    ("utf8.csv", {"mapping": {"customer_id": "client"}}, "data.errors.missing_column"),
    ("utf8.csv", {"mapping": {"customer": "customer_id"}}, "data.errors.unknown_role"),
    (
        "utf8.csv",
        {"mapping": {"customer_id": "amount", "date": "date", "amount": "amount"}},
        "data.errors.column_twice",
    ),
    ("two_sheets.xlsx", {"options": ReadOptions(sheet="Nope")}, "data.errors.no_sheet"),
    (
        "two_sheets.xlsx",
        {"options": ReadOptions(analysis_date="2024-12-31", sheet="Orders 2025")},
        "data.errors.no_valid_rows",
    ),
]


def _check(res, read, kept, reasons, attrs):
    rep = res.report
    assert (rep.rows_read, rep.rows_kept, rep.counts) == (read, kept, reasons)
    assert rep.rows_read == rep.rows_kept + rep.rows_set_aside  # nothing lost silently
    assert len(rep.set_aside) == rep.rows_set_aside
    assert rep.set_aside["reason"].value_counts().to_dict() == reasons
    for name, value in attrs.items():
        assert getattr(rep, name) == value, name
    assert len(res.transactions) == kept


@pytest.mark.parametrize("name,opts,read,kept,reasons,attrs", GOOD, ids=[g[0] for g in GOOD])
def test_good_files_read_every_value(name, opts, read, kept, reasons, attrs):
    res = read_transactions(FILES / name, options=opts)
    _check(res, read, kept, reasons, attrs)
    assert res.mapping == MAPPINGS.get(name, STD)
    tx = res.transactions
    # the same six dates and amounts whatever the encoding, delimiter, digits or date format
    assert tx["date"].dt.normalize().tolist() == BASE_DATES.tolist()
    assert np.allclose(tx["amount"].to_numpy(), BASE_AMOUNTS, atol=1e-9)
    assert tx["customer_id"].nunique() == {"cp1256_arabic.csv": 3, "latin1_semicolon.csv": 2}.get(name, 4)
    assert str(tx["date"].dtype) == "datetime64[ns]" and tx["amount"].dtype == float


def test_optional_roles_are_carried():
    tx = read_transactions(FILES / "extra_columns.csv", options=OPTS).transactions
    assert tx.columns.tolist() == ["customer_id", "date", "amount", "order_id", "quantity", "product", "channel"]
    assert tx["order_id"].tolist() == ["O1", "O2", "O3", "O4", "O5", "O6"]
    assert tx["quantity"].tolist() == [2.0, 3.0, 1.0, 2.0, 3.0, 1.0]  # i % 3 + 1
    assert tx["customer_id"].iloc[0] == "c1@example.com"


def test_arabic_names_survive_cp1256():
    tx = read_transactions(FILES / "cp1256_arabic.csv", options=OPTS).transactions
    assert tx["customer_id"].unique().tolist() == ["أحمد", "مريم", "خالد"]


def test_latin1_names_survive():
    tx = read_transactions(FILES / "latin1_semicolon.csv", options=OPTS).transactions
    assert tx["customer_id"].unique().tolist() == ["Müller", "José"]


@pytest.mark.parametrize(
    "name,opts,read,kept,reasons,attrs", PARTIAL, ids=[f"{p[0]}-{i}" for i, p in enumerate(PARTIAL)]
)
def test_partial_files(name, opts, read, kept, reasons, attrs):
    _check(read_transactions(FILES / name, options=opts), read, kept, reasons, attrs)


def test_messy_keeps_the_right_rows_and_explains_the_rest():
    res = read_transactions(FILES / "messy.csv", options=OPTS)
    tx = res.transactions
    assert tx["amount"].tolist() == [120.5, 80.0, 60.0, 60.0, -20.0, 25.0]
    assert tx["customer_id"].tolist() == ["C1", "C1", "C2", "C2", "C1", "C5"]
    aside = res.report.set_aside.set_index("reason")
    assert aside.loc["duplicate_row", "row"] == 4  # the second of two identical rows
    assert aside.loc["unreadable_date", "date"] == "2024-13-45"
    assert aside.loc["malformed_row", "raw"] == "C5,2024-03-06,25.00,ok,EXTRA,FIELDS"
    # rows are numbered as in the file (data rows, header excluded), around the skipped malformed line
    assert aside["row"].tolist() == [4, 6, 7, 8, 9, 11, 12, 13]
    ex = {s.reason: s.examples for s in res.report.set_aside_reasons}
    assert ex["zero_amount"]["amount"].tolist() == ["0"]
    assert res.report.lines()[0] == "Read 14 rows; kept 6."
    assert "Exact duplicate of an earlier row: 1 row set aside." in res.report.lines()


@pytest.mark.parametrize("name,kwargs,key", ERRORS, ids=[f"{e[0]}-{e[2].split('.')[-1]}" for e in ERRORS])
def test_unusable_files_raise_a_clear_error(name, kwargs, key):
    kwargs = {"options": OPTS, **kwargs}
    with pytest.raises(DataError) as info:
        read_transactions(FILES / name, **kwargs)
    assert info.value.key == key
    message = str(info.value)
    assert len(message) > 40 and "{" not in message  # a full sentence, placeholders filled


def test_all_invalid_error_carries_the_report():
    with pytest.raises(DataError) as info:
        read_transactions(FILES / "all_invalid.csv", options=OPTS)
    rep = info.value.report
    assert rep.counts == {"missing_customer": 1, "unreadable_date": 1, "non_numeric_amount": 1}
    assert "Missing customer ID: 1" in str(info.value)


def test_sources_bytes_and_file_objects_match_paths():
    path = FILES / "semicolon_decimal_comma.csv"
    a = read_transactions(path, options=OPTS).transactions
    b = read_transactions(path.read_bytes(), options=OPTS).transactions
    with path.open("rb") as fh:
        c = read_transactions(fh, options=OPTS).transactions
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(a, c)


def test_sheet_names_lists_both_sheets():
    assert sheet_names(FILES / "two_sheets.xlsx") == ["Orders 2024", "Orders 2025"]
    with pytest.raises(DataError) as info:
        sheet_names(FILES / "utf8.csv")
    assert info.value.key == "data.errors.not_excel"


def test_summary_upload_sets_aside_each_broken_rule():
    res = read_summary(FILES / "summary_mixed.csv")
    assert res.kind == "summary"
    assert (res.report.rows_read, res.report.rows_kept) == (10, 3)
    assert res.report.counts == {
        "missing_customer": 1,
        "non_numeric_summary": 1,
        "negative_summary": 1,
        "non_integer_frequency": 1,
        "recency_after_T": 1,
        "zero_frequency_with_recency": 1,
        "duplicate_customer": 1,
    }
    assert res.transactions.index.tolist() == ["A1", "A2", "A8"]
    assert res.transactions.loc["A8"].tolist() == [4.0, 90.0, 365.0, 80.0]


def test_subscriptions_upload():
    res = read_subscriptions(FILES / "subscriptions_mixed.csv", options=OPTS)
    assert (res.report.rows_read, res.report.rows_kept) == (6, 3)
    assert res.report.counts == {"unreadable_end_date": 1, "negative_amount": 1, "end_before_start": 1}
    subs = res.transactions
    assert subs["customer_id"].tolist() == ["S1", "S2", "S6"]
    assert subs["end_date"].isna().tolist() == [True, False, True]
    assert subs["monthly_amount"].tolist() == [19.0, 49.0, 99.0]


def test_corpus_is_large_enough():
    data_files = [p for p in FILES.iterdir() if p.is_file() and p.suffix != ".py"]
    assert len(data_files) >= 25
    tested = (
        {g[0] for g in GOOD}
        | {p[0] for p in PARTIAL}
        | {e[0] for e in ERRORS}
        | {"summary_mixed.csv", "subscriptions_mixed.csv"}
    )
    assert {p.name for p in data_files} <= tested  # every file has an expected outcome
