"""The readers' fast paths give what the careful paths give: the UTF-8 check that decodes nothing, the
byte order mark skipped by offset, the parse without quote-aware line splitting when a file holds no
quote, and values read once per distinct text."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

import clv.data.text as text_module
from clv.data import ReadOptions, parse_dates, read_amounts, read_subscriptions, read_summary, read_transactions
from clv.data import files, readers, report
from clv.data.files import _is_utf8
from clv.data.parse import _customer_ids
from clv.errors import DataError
from tests import test_data_corpus as corpus
from tests import test_data_exports_corpus as exports

OPTS = ReadOptions(analysis_date="2024-12-31")
TABLE = b"customer,date,amount\nA,2024-01-05,10.50\nB,2024-01-06,7\nA,2024-02-01,3.25\n"


def _strict(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# bytes around UTF-8's edges: lead bytes of every length, continuation bytes, surrogates (ED A0..BF),
# overlong forms (C0, C1, E0 80), beyond U+10FFFF (F4 90, F5..FF)
edgy = hs.lists(
    hs.sampled_from([0x41, 0x80, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF])
)


@settings(max_examples=300, deadline=None)
@given(data=hs.binary(max_size=40) | edgy.map(bytes) | hs.text(max_size=20).map(lambda t: t.encode("utf-8")))
def test_utf8_check_agrees_with_pythons_strict_decoder(data):
    assert _is_utf8(data) == _strict(data)
    assert _is_utf8(memoryview(b"\xef\xbb\xbf" + data)[3:]) == _strict(data)


def test_utf8_check_by_hand():
    assert _is_utf8("تاريخ,€".encode("utf-8"))
    assert not _is_utf8(b"\xed\xa0\x80")  # a surrogate (U+D800) written as UTF-8
    assert not _is_utf8(b"\xc0\xaf")  # an overlong "/"
    assert not _is_utf8(b"\xf4\x90\x80\x80")  # U+110000
    assert not _is_utf8(b"caf\xe9")  # Latin-1 "é"


def _seen(res) -> tuple:
    r = res.report
    return (
        r.rows_read,
        r.rows_kept,
        r.counts,
        r.encoding,
        res.transactions["customer_id"].tolist(),
        res.transactions["amount"].tolist(),
        [str(d)[:10] for d in res.transactions["date"]],
    )


def test_a_byte_order_mark_is_skipped_once_or_twice():
    plain = read_transactions(TABLE, "t.csv", options=OPTS)
    bom = read_transactions(b"\xef\xbb\xbf" + TABLE, "t.csv", options=OPTS)
    twice = read_transactions(b"\xef\xbb\xbf\xef\xbb\xbf" + TABLE, "t.csv", options=OPTS)
    assert _seen(plain)[:3] == (3, 3, {})
    assert (
        _seen(bom)[4:]
        == _seen(twice)[4:]
        == _seen(plain)[4:]
        == (
            ["A", "B", "A"],
            [10.5, 7.0, 3.25],
            ["2024-01-05", "2024-01-06", "2024-02-01"],
        )
    )
    assert bom.report.encoding == twice.report.encoding == "utf-8-sig"
    assert bom.transactions.columns[0] == "customer_id"


def test_a_byte_order_mark_before_bytes_that_are_not_utf8_is_refused():
    with pytest.raises(DataError) as err:
        read_transactions(b"\xef\xbb\xbf" + TABLE + b"C,2024-03-01,caf\xe9\n", "t.csv", options=OPTS)
    assert err.value.key == "data.errors.not_table"


def test_quotes_in_the_header_only_read_like_no_quotes():
    quoted = b'"customer","date","amount"\n' + TABLE.split(b"\n", 1)[1]
    assert _seen(read_transactions(quoted, "t.csv", options=OPTS)) == _seen(
        read_transactions(TABLE, "t.csv", options=OPTS)
    )


def test_a_quoted_line_break_is_still_one_record():
    # the note spans two lines inside quotes: three records, not four, and no malformed line
    raw = b'customer,date,amount,note\nA,2024-01-05,10.50,"first\nsecond"\nB,2024-01-06,7,x\nA,2024-02-01,3.25,y\n'
    res = read_transactions(raw, "t.csv", options=OPTS)
    assert (res.report.rows_read, res.report.rows_kept, res.report.counts) == (3, 3, {})
    assert res.transactions["amount"].tolist() == [10.5, 7.0, 3.25]


# --- values read once per distinct value (clv.data.text.Distinct) ------------------------------------
# Each file of both corpora is read twice: every text column by distinct values (forced, however short
# and however few repeats), and every column row by row; everything the reader returns must be equal.


CASES = [(corpus.FILES / c[0], c[1]) for c in corpus.GOOD + corpus.PARTIAL] + [
    (exports.EXPORTS / c[0], c[1]) for c in exports.GOOD + exports.PARTIAL
]


def _by(monkeypatch, distinct: bool) -> None:
    monkeypatch.setattr(text_module, "DISTINCT_MIN_ROWS", 0 if distinct else 10**12)
    monkeypatch.setattr(text_module, "DISTINCT_MAX_SHARE", 1.0)


def _outcome(read, *args, **kwargs):
    """Everything a reader gives (tables compared as frames), or the DataError's key and values."""
    try:
        res = read(*args, **kwargs)
    except DataError as err:
        return ("error", err.key, repr(err.values) if hasattr(err, "values") else str(err))
    r = res.report
    fields = {k: getattr(r, k) for k in r.__dataclass_fields__ if k not in ("set_aside", "set_aside_reasons")}
    reasons = [(s.reason, s.count, s.examples) for s in r.set_aside_reasons]
    return ("ok", res.transactions, res.mapping, fields, reasons, r.set_aside)


def _same(a, b) -> None:
    assert a[0] == b[0]
    if a[0] == "error":
        assert a == b
        return
    pd.testing.assert_frame_equal(a[1], b[1], check_exact=True)
    assert a[2] == b[2] and a[3] == b[3]
    assert [(r, c) for r, c, _ in a[4]] == [(r, c) for r, c, _ in b[4]]
    for (_, _, x), (_, _, y) in zip(a[4], b[4]):
        pd.testing.assert_frame_equal(x, y, check_exact=True)
    pd.testing.assert_frame_equal(a[5], b[5], check_exact=True)


@pytest.mark.parametrize("path, opts", CASES, ids=[f"{p.parent.name}/{p.name}" for p, _ in CASES])
def test_a_file_reads_the_same_by_distinct_values_and_by_rows(monkeypatch, path: Path, opts):
    _by(monkeypatch, True)
    fast = _outcome(read_transactions, path, options=opts)
    _by(monkeypatch, False)
    slow = _outcome(read_transactions, path, options=opts)
    _same(fast, slow)
    assert fast[0] == "ok"  # every corpus case here is read


def test_subscriptions_and_summaries_read_the_same_by_distinct_values(monkeypatch):
    for read, name in ((read_subscriptions, "subscriptions_mixed.csv"), (read_summary, "summary_mixed.csv")):
        kwargs = {"options": OPTS} if read is read_subscriptions else {}
        _by(monkeypatch, True)
        fast = _outcome(read, corpus.FILES / name, **kwargs)
        _by(monkeypatch, False)
        _same(fast, _outcome(read, corpus.FILES / name, **kwargs))


DATE_TEXTS = ["2024-01-05", " 2024-01-05 ", "2024-01-05 10:30", "05/01/2024", "13/01/2024", "2024-02-31", "soon", ""]
AMOUNT_TEXTS = ["12.50", "1,234", "1.234", "1.234,50", " $3 ", "(4.00)", "x", "", "1e400", "12,5", "٣٫٥"]
ID_TEXTS = ["Ann@x.com", "ann@x.com", " bo@y.org", "C1", "", "\ufffd"]


def _column(draw_from: list[str]):
    return hs.lists(hs.sampled_from(draw_from) | hs.none(), min_size=1, max_size=60).map(
        lambda v: pa.chunked_array([pa.array(v[: len(v) // 2], pa.string()), pa.array(v[len(v) // 2 :], pa.string())])
    )


@settings(max_examples=150, deadline=None)
@given(dates=_column(DATE_TEXTS), amounts=_column(AMOUNT_TEXTS), ids=_column(ID_TEXTS))
def test_columns_read_the_same_by_distinct_values_and_by_rows(dates, amounts, ids):
    def read_all():
        d, a, c = parse_dates(dates), read_amounts(amounts), _customer_ids(ids)
        return (
            d.values.tolist(),
            (d.date_format, d.dayfirst, d.ambiguous, d.other_format),
            a.values.tobytes(),
            a.status.tolist(),
            a.decimal,
            a.currency.tolist(),
            c.rows().to_pylist(),
            c.merged,
            [c.codes[i] == c.codes[j] for i in range(len(c.codes)) for j in range(i)],
        )

    with pytest.MonkeyPatch.context() as mp:
        _by(mp, True)
        fast = read_all()
        _by(mp, False)
        slow = read_all()
    assert fast == slow


def test_distinct_values_by_hand():
    # three rows of "2024-01-05" and one null: parsed once, spread back; other_format counts rows, not values
    col = pa.array(["2024-01-05", None, "2024-01-05", "x", "2024-01-05", "x"])
    d = text_module.Distinct.of(col, min_rows=0)
    assert d.values.to_pylist() == ["2024-01-05", "x", None] and d.index.tolist() == [0, 2, 0, 1, 0, 1]
    with pytest.MonkeyPatch.context() as mp:
        _by(mp, True)
        p = parse_dates(col)
    assert [str(v)[:10] for v in p.values] == ["2024-01-05", "NaT", "2024-01-05", "NaT", "2024-01-05", "NaT"]
    assert p.other_format == 2  # the two rows of "x"
    assert d.weights().tolist() == [3, 2, 1]


@settings(max_examples=200, deadline=None)
@given(
    values=hs.lists(
        hs.none()
        | hs.text(hs.sampled_from(["a", "Z", "~", " ", "\t", "\x1c", "\x7f", "é", "\u00a0", "\u2003"]), max_size=4),
        max_size=12,
    ),
    start=hs.integers(0, 3),
    kind=hs.sampled_from([pa.string(), pa.large_string()]),  # (the CSV reader's columns are large_string)
)
def test_text_is_trimmed_exactly_as_arrow_trims(values, start, kind):
    # to_text skips trimming when no value can start or end with white space: the same as always trimming
    col = pa.array(values, kind).slice(min(start, len(values)))
    trimmed = pc.utf8_trim_whitespace(col)
    want = pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed).to_pylist()
    assert text_module.to_text(col).to_pylist() == want


@settings(max_examples=100, deadline=None)
@given(
    rows=hs.lists(
        hs.tuples(hs.integers(0, 6), hs.integers(0, 4), hs.sampled_from([1.5, 2.0, -0.5, 12.25])), max_size=80
    )
)
def test_repeated_keys_are_those_pandas_finds(rows):
    codes = np.array([r[0] for r in rows], dtype=np.int64)
    days = np.datetime64("2024-01-01", "ns") + np.array([r[1] for r in rows], dtype="timedelta64[D]")
    amounts = np.array([r[2] for r in rows], dtype=float)
    want = pd.DataFrame({"c": codes, "d": days, "a": amounts}).duplicated(keep=False).to_numpy()
    assert readers._key_repeats(codes, days, amounts).tolist() == want.tolist()


def test_many_repeated_keys_take_the_sorting_path():
    # 40 keys (more than FEW_KEYS), each twice, among 1,000 distinct ones
    codes = np.r_[np.arange(1000), np.arange(40)]
    days = np.full(codes.size, np.datetime64("2024-01-01", "ns"))
    amounts = np.full(codes.size, 9.99)
    got = readers._key_repeats(codes, days, amounts)
    assert readers.FEW_KEYS < 40 and got.sum() == 80 and got[:40].all() and got[1000:].all() and not got[40:1000].any()


@settings(max_examples=100, deadline=None)
@given(
    blocks=hs.lists(hs.lists(hs.none() | hs.text(max_size=3), max_size=5), min_size=1, max_size=5),
    data=hs.data(),
)
def test_rows_taken_block_by_block_are_the_rows_arrow_takes(blocks, data):
    # a table read in several blocks (as the CSV reader gives it), empty blocks included
    table = pa.concat_tables(
        [pa.table({"a": pa.array(b, pa.string()), "n": pa.array(range(len(b)), pa.int64())}) for b in blocks]
    )
    rows = np.array(
        data.draw(hs.lists(hs.integers(0, max(table.num_rows - 1, 0)), max_size=8)) if table.num_rows else []
    )
    for pick in (np.unique(rows), rows):  # increasing positions, and any order (Arrow's own take)
        got = report.take_rows(table, pick.astype(np.int64))
        assert got.equals(table.take(pa.array(pick, type=pa.int64())))


def test_the_e_mail_sample_is_the_first_rows_with_an_id_however_far_down():
    # 5,000 blank ids, then e-mail addresses: the sample looks past the blanks, by distinct values too
    ids = pa.array([" "] * 5000 + ["Ann@x.com", "ann@x.com", "bo@y.org"] * 200 + ["C1"] * 1000)
    with pytest.MonkeyPatch.context() as mp:
        _by(mp, True)
        fast = _customer_ids(ids)
        _by(mp, False)
        slow = _customer_ids(ids)
    assert fast.merged == slow.merged == 1  # Ann@x.com and ann@x.com: one customer
    assert fast.rows().to_pylist() == slow.rows().to_pylist()
    assert fast.rows().to_pylist()[5000:5003] == ["ann@x.com", "ann@x.com", "bo@y.org"]


# --- the CSV parser's blocks ----------------------------------------------------------------------------


def test_a_record_longer_than_a_block_is_still_read(monkeypatch):
    monkeypatch.setattr(files, "BLOCK_BYTES", 1024)  # a 3,000-character note straddles blocks of 1 KiB
    raw = b"customer,date,amount,note\nA,2024-01-05,10.50,short\nB,2024-01-06,7," + b"n" * 3000 + b"\n"
    res = read_transactions(raw + b"A,2024-02-01,3.25,x\n", "t.csv", options=OPTS)
    assert (res.report.rows_read, res.report.rows_kept) == (3, 3)
    assert res.transactions["amount"].tolist() == [10.5, 7.0, 3.25]


def test_malformed_lines_in_many_blocks_keep_their_numbers(monkeypatch):
    # 3,000 records in blocks of 4 KiB; every 250th is one field short. Blocks parsed in parallel report
    # their malformed lines in any order: here in the worst one (reversed), whenever there are several.
    lines = [b"customer,date,amount"]
    for i in range(1, 3001):
        lines.append(b"broken %d" % i if i % 250 == 0 else b"C%d,2024-01-%02d,%d.50" % (i % 40, 1 + i % 28, i))
    raw = b"\n".join(lines) + b"\n"
    read_csv = pcsv.read_csv

    def reversed_when_threaded(source, read_options=None, parse_options=None, convert_options=None, **kw):
        if not read_options.use_threads or source.size <= read_options.block_size:  # one block: in order
            return read_csv(source, read_options, parse_options, convert_options, **kw)
        handler, seen = parse_options.invalid_row_handler, []
        parse_options.invalid_row_handler = lambda row: seen.append(row) or "skip"
        table = read_csv(source, read_options, parse_options, convert_options, **kw)
        for row in reversed(seen):
            handler(row)
        return table

    monkeypatch.setattr(pcsv, "read_csv", reversed_when_threaded)
    monkeypatch.setattr(files, "BLOCK_BYTES", 4096)
    res = read_transactions(raw, "t.csv", options=OPTS)
    monkeypatch.setattr(files, "BLOCK_BYTES", 2**30)
    one_block = read_transactions(raw, "t.csv", options=OPTS)
    bad = res.report.set_aside[res.report.set_aside["reason"] == "malformed_row"]
    assert bad["row"].tolist() == list(range(250, 3001, 250))
    assert bad["raw"].tolist() == [f"broken {i}" for i in range(250, 3001, 250)]  # each text beside its number
    pd.testing.assert_frame_equal(res.report.set_aside, one_block.report.set_aside)
    pd.testing.assert_frame_equal(res.transactions, one_block.transactions)
