"""clv.data: options, column guessing, value parsing, the sample, and the no-silent-loss property."""

from __future__ import annotations


import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings, strategies as hs

from clv import i18n
from clv.data import (
    REQUIRED_ROLES,
    ReadOptions,
    guess_mapping,
    load_sample,
    parse_amounts,
    parse_dates,
    read_transactions,
)
from clv.errors import DataError, InputError
from clv.export import safe_csv
from clv.rfm import summarize


@pytest.mark.parametrize(
    "field,value",
    [
        ("returns", "keep"),
        ("dayfirst", "yes"),
        ("decimal", ";"),
        ("analysis_date", "not a date"),
        ("encoding", "klingon-8"),
    ],
)
def test_bad_options_name_the_field(field, value):
    with pytest.raises(InputError) as info:
        ReadOptions(**{field: value})
    assert info.value.field == field
    assert repr(value) in str(info.value)


def test_guess_mapping_from_english_and_arabic_headers_and_content():
    df = pd.DataFrame(
        {
            "Invoice No": ["1", "2", "3"],
            "Customer ID": ["7", "8", "7"],
            "InvoiceDate": ["2024-01-01", "2024-01-02", "2024-01-03"],
            "Qty": ["1", "2", "1"],
            "Sales": ["10.5", "20", "7.25"],
            "Channel": ["web", "app", "web"],
        }
    )
    assert guess_mapping(df) == {
        "customer_id": "Customer ID",
        "date": "InvoiceDate",
        "amount": "Sales",
        "order_id": "Invoice No",
        "quantity": "Qty",
        "channel": "Channel",
    }
    arabic = pd.DataFrame({"الزبون": ["a", "b"], "تاريخ الشراء": ["2024-01-01", "2024-01-02"], "الإجمالي": ["5", "6"]})
    assert guess_mapping(arabic) == {"customer_id": "الزبون", "date": "تاريخ الشراء", "amount": "الإجمالي"}
    # no helpful names: content decides (dates, values with cents, a repeating id)
    anon = pd.DataFrame(
        {
            "a": ["x1", "x2", "x1", "x3"],
            "b": ["05/01/2024", "06/01/2024", "19/01/2024", "20/02/2024"],
            "c": ["1", "2", "1", "1"],
            "d": ["10.50", "3.20", "8.99", "1.00"],
        }
    )
    assert guess_mapping(anon) == {"customer_id": "a", "date": "b", "amount": "d"}


def test_user_mapping_overrides_the_guess():
    csv = b"customer,date,amount,gross\nA,2024-01-05,10,12\nB,2024-01-06,20,24\n"
    res = read_transactions(csv, mapping={"amount": "gross"}, options=ReadOptions(analysis_date="2024-12-31"))
    assert res.mapping == {"customer_id": "customer", "date": "date", "amount": "gross"}
    assert res.transactions["amount"].tolist() == [12.0, 24.0]


def test_amount_parsing_forms():
    values, mark = parse_amounts(pa.array(["1.234,56", "1 234,56", "-12,5", "12,50-", "SAR 1.000,00", None]))
    assert mark == "," and values[:5].tolist() == [1234.56, 1234.56, -12.5, -12.5, 1000.0]
    assert np.isnan(values[5])
    values, mark = parse_amounts(pa.array(["1,234.56", "$99.99", "(5.00)", "1e3", "inf", "12abc"]))
    assert mark == "." and values[:4].tolist() == [1234.56, 99.99, -5.0, 1000.0]
    assert np.isnan(values[4]) and np.isnan(values[5])  # not finite / not a number
    assert parse_amounts(pa.array(["1.234"]), decimal=",")[0].tolist() == [1234.0]
    assert parse_amounts(pa.array(["١٢٣٫٥", "٢٬٠٠٠"]))[0].tolist() == [123.5, 2000.0]


def test_date_parsing_forms_and_overrides():
    p = parse_dates(pa.array(["05/01/2024 10:00:00", "06/01/2024", "20/01/2024 08:30"]))
    assert p.date_format == "%d/%m/%Y" and not np.isnat(p.values).any()  # same date part, any time of day
    assert str(p.values[2]) == "2024-01-20T08:30:00.000000000"
    p = parse_dates(pa.array(["2024-01-05 10:00:00", "2024-01-06", "2024-01-07 08:30"]))
    assert p.date_format == "ISO8601" and not np.isnat(p.values).any()
    p = parse_dates(pa.array(["01/02/2024", "03/04/2024"]), dayfirst=False)
    assert p.date_format == "%m/%d/%Y" and str(p.values[0])[:10] == "2024-01-02"
    p = parse_dates(pa.array(["2024-01-05T10:00:00Z", "2024-01-06T11:00:00+02:00"]))
    assert p.date_format == "ISO8601" and str(p.values[1])[:19] == "2024-01-06T11:00:00"  # the local time as written
    p = parse_dates(pa.array(["٠٥/٠١/٢٠٢٤", "٢٠/٠١/٢٠٢٤"]))
    assert [str(v)[:10] for v in p.values] == ["2024-01-05", "2024-01-20"]
    p = parse_dates(pa.array(["31/02/2024", "15/01/2024"]))  # 31 Feb does not exist
    assert np.isnat(p.values[0]) and not np.isnat(p.values[1])
    p = parse_dates(pa.array(["05/01/24", "20/01/24"]))
    assert p.date_format == "%d/%m/%y" and str(p.values[1])[:10] == "2024-01-20"


def test_dataframe_source_works_like_a_file():
    df = pd.DataFrame(
        {
            "customer_id": ["a", "b", None],
            "date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"]),
            "amount": [1.0, 2.0, 3.0],
        }
    )
    res = read_transactions(df, options=ReadOptions(analysis_date="2024-12-31"))
    assert (res.report.rows_kept, res.report.counts, res.report.file_format) == (2, {"missing_customer": 1}, "frame")


def test_load_sample_is_one_call_and_clean():
    tx = load_sample("transactions")
    assert (tx.report.rows_read, tx.report.rows_kept, tx.report.counts) == (37_346, 37_346, {})
    assert tx.transactions.columns.tolist() == [
        "customer_id",
        "date",
        "amount",
        "order_id",
        "quantity",
        "product",
        "channel",
    ]
    subs = load_sample("subscriptions")
    assert (subs.kind, subs.report.rows_kept) == ("subscriptions", 10_000)
    assert load_sample("summary").transactions.shape == (8, 4)
    with pytest.raises(InputError):
        load_sample("nope")


def test_every_reason_and_error_has_a_message():
    keys = [k for k in i18n.catalogue("en") if k.startswith(("data.reasons.", "data.errors."))]
    assert len(keys) >= 30
    for key in keys:
        assert i18n.text(key).strip()


def test_set_aside_rows_download_safely():
    csv = b"customer_id,date,amount\n=HYPERLINK(1),2024-01-05,x\nA,2024-01-05,10\nB,2024-01-06,5\n"
    res = read_transactions(csv, options=ReadOptions(analysis_date="2024-12-31"))
    out = safe_csv(res.report.set_aside).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in out and "non_numeric_amount" in out


# --- property: nothing is lost silently, and what is kept summarises consistently ---------------

_cell = hs.sampled_from(
    [
        "",
        " ",
        "x",
        "0",
        "-5",
        "12.5",
        "1,5",
        "2024-02-30",
        "2024-03-01",
        "2025-07-01",
        "03/04/2024",
        "C1",
        "C2",
        "C3",
        "NULL",
    ]
)


@settings(max_examples=60, deadline=None)
@given(hs.lists(hs.tuples(_cell, _cell, _cell), min_size=1, max_size=30), hs.sampled_from(["net", "set_aside"]))
def test_every_row_is_kept_or_set_aside_with_a_reason(rows, returns):
    body = "\n".join(",".join(f'"{v}"' for v in row) for row in rows)
    data = ("customer_id,date,amount\n" + body + "\n").encode()
    opts = ReadOptions(analysis_date="2024-12-31", returns=returns)
    try:
        res = read_transactions(data, mapping={r: r for r in REQUIRED_ROLES}, options=opts)
    except DataError as err:
        assert err.key in ("data.errors.no_valid_rows", "data.errors.single_customer", "data.errors.date_unreadable")
        if hasattr(err, "report"):
            assert err.report.rows_read == err.report.rows_kept + err.report.rows_set_aside
        return
    rep = res.report
    assert rep.rows_read == len(rows)
    assert rep.rows_read == rep.rows_kept + sum(s.count for s in rep.set_aside_reasons)
    assert len(rep.set_aside) == rep.rows_read - rep.rows_kept
    tx = res.transactions
    assert tx["customer_id"].notna().all() and not tx["date"].isna().any() and (tx["amount"] != 0).all()
    if returns == "set_aside":
        assert (tx["amount"] > 0).all()
    s = summarize(tx, "customer_id", "date", "amount", observation_end="2024-12-31")
    assert (s["recency"] <= s["T"]).all()


def test_thousands_dots_are_read_only_when_the_file_settles_the_decimal_mark():
    # "1.500" is 1500 with a decimal comma and 1.5 with a decimal point. "12,50" settles it (comma) ...
    csv = b"customer_id;date;amount\nA;2024-01-05;1.500\nB;2024-01-06;2.250\nA;2024-01-07;750\nC;2024-01-08;12,50\n"
    res = read_transactions(csv, options=ReadOptions(analysis_date="2024-12-31"))
    assert (res.transactions["amount"].tolist(), res.report.decimal) == ([1500.0, 2250.0, 750.0, 12.5], ",")
    # ... without such a value neither reading is assumed: both rows are set aside, never guessed
    csv = b"customer_id;date;amount\nA;2024-01-05;1.500\nB;2024-01-06;2.250\nA;2024-01-07;750\nC;2024-01-08;5\n"
    res = read_transactions(csv, options=ReadOptions(analysis_date="2024-12-31"))
    assert res.report.counts == {"ambiguous_decimal": 2} and res.transactions["amount"].tolist() == [750.0, 5.0]
    forced = read_transactions(csv, options=ReadOptions(analysis_date="2024-12-31", decimal="."))
    assert forced.transactions["amount"].tolist() == [1.5, 2.25, 750.0, 5.0]
