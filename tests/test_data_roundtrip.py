"""Property: any generated transaction table written as CSV, TSV, XLSX or Parquet reads back with every
customer and order id exactly as written (no float rounding: 123456789012345678 and ...679 stay two
customers; "007" keeps its zeros) and every row accounted for: read = kept + set aside."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as hs

from clv.data import ReadOptions, read_transactions

OPTS = ReadOptions(analysis_date="2030-12-31")

ids = hs.one_of(
    hs.integers(0, 2**63 - 1).map(str),  # beyond float64's 2**53
    hs.integers(0, 10**6).map(lambda n: f"{n:07d}"),  # leading zeros
    hs.text(
        hs.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), min_size=1, max_size=12
    ).filter(lambda s: s.strip() == s and "," not in s and s[0] not in "=+-@"),
)


@hs.composite
def tables(draw):
    n = draw(hs.integers(2, 25))
    customers = draw(hs.lists(ids, min_size=2, max_size=6, unique=True))
    rows = draw(
        hs.lists(
            hs.tuples(hs.sampled_from(customers), hs.integers(0, 700), hs.integers(1, 10**7)), min_size=n, max_size=n
        )
    )
    rows[:2] = [(customers[0], *rows[0][1:]), (customers[1], *rows[1][1:])]  # at least two customers
    orders = draw(hs.lists(hs.integers(10**15, 2**62), min_size=n, max_size=n, unique=True))
    return pd.DataFrame(
        {
            "customer_id": [c for c, _, _ in rows],
            "date": [(pd.Timestamp("2023-01-01") + pd.Timedelta(days=d)).strftime("%Y-%m-%d") for _, d, _ in rows],
            "amount": [f"{cents / 100:.2f}" for _, _, cents in rows],
            "order_id": [str(o) for o in orders],
        }
    )


def written(df: pd.DataFrame, fmt: str) -> tuple[bytes, str]:
    if fmt in ("csv", "tsv"):
        return df.to_csv(index=False, sep="," if fmt == "csv" else "\t").encode("utf-8"), f"t.{fmt}"
    buf = io.BytesIO()
    if fmt == "parquet":
        typed = df.assign(amount=df["amount"].astype(float))
        typed = typed.assign(order_id=typed["order_id"].astype("int64"))  # a typed int64 column
        typed.to_parquet(buf, index=False)
    else:  # xlsx as Excel and other tools write it: numeric ids as exact numbers, dates as styled serials
        from tests.test_xlsx import cell, row, sheet_xml, text_row, workbook

        rows = [text_row(1, *df.columns)]
        for i, rec in enumerate(df.itertuples(index=False), start=2):
            digits = rec.customer_id.isdigit() and rec.customer_id[0] != "0"
            serial = (pd.Timestamp(rec.date) - pd.Timestamp("1899-12-30")).days
            rows.append(
                row(
                    i,
                    cell(f"A{i}", rec.customer_id) if digits else cell(f"A{i}", escape(rec.customer_id), "inlineStr"),
                    cell(f"B{i}", serial, style=1),
                    cell(f"C{i}", rec.amount),
                    cell(f"D{i}", rec.order_id),
                )
            )
        return workbook(sheet_xml(*rows)), f"t.{fmt}"
    return buf.getvalue(), f"t.{fmt}"


@pytest.mark.parametrize("fmt", ["csv", "tsv", "xlsx", "parquet"])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(  # Excel ids that are also plausible date serials (11372: 1931-02-18): still the customer column
    df=pd.DataFrame(
        {
            "customer_id": ["11372", "34106", "11372"],
            "date": ["2023-01-01", "2023-01-01", "2024-09-02"],
            "amount": ["0.01", "0.01", "285.81"],
            "order_id": ["1000000000000000", "2304308304079900", "1499857803893004"],
        }
    )
)
@given(df=tables())
def test_every_id_survives_every_format_and_every_row_is_accounted_for(fmt, df):
    raw, name = written(df, fmt)
    res = read_transactions(raw, name, options=OPTS)
    report = res.report
    assert report.rows_read == len(df) == report.rows_kept + report.rows_set_aside
    kept = res.transactions
    assert set(kept["customer_id"]) <= set(df["customer_id"])
    assert set(kept["order_id"]) <= set(df["order_id"])
    # exact duplicates are the only rows set aside here (all dates, amounts and ids are valid)
    assert set(report.counts) <= {"duplicate_row"}
    expected = df.drop_duplicates()
    assert sorted(kept["order_id"]) == sorted(expected["order_id"])
    assert kept["customer_id"].nunique() == expected["customer_id"].nunique()
    assert np.allclose(sorted(kept["amount"]), sorted(expected["amount"].astype(float)))
