"""The readers' fast paths give what the careful paths give: the UTF-8 check that decodes nothing, the
byte order mark skipped by offset, the parse without quote-aware line splitting when a file holds no
quote, and values read once per distinct text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from clv.data import ReadOptions, read_transactions
from clv.data.files import _is_utf8
from clv.errors import DataError

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
