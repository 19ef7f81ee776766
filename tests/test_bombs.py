"""Hostile files cost bounded time and memory: each runs in a fresh interpreter limited to 1 GiB of
address space and two minutes, and must end in a clear ``DataError`` (never a traceback or a hang).
The workbook bombs (a dimension of A1:XFD1048576, a shared-string bomb) are in tests/test_xlsx.py."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

import clv
from clv.data import ReadOptions, read_transactions

ROOT = Path(__file__).resolve().parents[1]
LIMIT_BYTES = 2**30
LIMIT_SECONDS = 60


def outcome(make: str, reader: str = "read_transactions(raw, 'upload.csv')") -> dict:
    """Build the hostile bytes with ``make`` (code setting ``raw``) and read them in a bounded child:
    returns ``{"key": <DataError key or None>, "seconds": <time to read>}``."""
    code = f"""
    import json, resource, time
    resource.setrlimit(resource.RLIMIT_AS, ({LIMIT_BYTES}, {LIMIT_BYTES}))
    from clv import session
    from clv.data import read_transactions
    from clv.errors import DataError
    {make}
    start = time.perf_counter()
    try:
        {reader}
        key = None
    except DataError as err:
        key = err.key
    print(json.dumps({{"key": key, "seconds": time.perf_counter() - start}}))
    """
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=2 * LIMIT_SECONDS,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


BOMBS = [
    # (name, code making raw, reader, expected DataError key)
    ("deep session file", "raw = b'[' * 100_000 + b']' * 100_000", "session.load(raw)", "session.errors.too_deep"),
    ("deep JSON upload", "raw = b'[' * 1_000_000 + b']' * 1_000_000", None, "data.errors.json_shape"),
    (
        "deep JSON records",
        "raw = b'[' + b'{\"a\":' * 200_000 + b'1' + b'}' * 200_000 + b']'",
        None,
        "data.errors.json_shape",
    ),
    ("one 150 MB line", "raw = b'a,' * 75_000_000", None, "data.errors.too_many_columns"),
    (
        "a header of 100,000 columns",
        "raw = b','.join(b'c%d' % i for i in range(100_000)) + b'\\n1,2\\n'",
        None,
        "data.errors.too_many_columns",
    ),
    ("NUL padding", "raw = b'customer,date,amount\\n' + b'\\x00' * 50_000_000", None, "data.errors.no_rows"),
    (
        "a million malformed lines",
        "raw = b'customer,date,amount\\nA,2024-01-01,1\\n' + b'x,y\\n' * 1_000_000",
        None,
        "data.errors.too_many_malformed",
    ),
    (
        "10 million blank lines",
        "raw = b'customer,date,amount\\nA,2024-01-01,1\\nB,2024-01-02,2\\n' + b'  \\n' * 10_000_000",
        None,
        "data.errors.too_many_malformed",
    ),
]


@pytest.mark.parametrize("name, make, reader, key", BOMBS, ids=[b[0] for b in BOMBS])
def test_a_bomb_costs_bounded_time_and_memory(name, make, reader, key):
    got = outcome(make, reader or "read_transactions(raw, 'upload.csv')")
    assert got["seconds"] < LIMIT_SECONDS
    assert got["key"] == key


@settings(max_examples=150, deadline=None)
@given(
    raw=hs.binary(max_size=400) | hs.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
    name=hs.sampled_from(["x.csv", "x.tsv", "x.txt", "x.json", "x.xlsx", "x.parquet", None]),
)
def test_any_bytes_are_read_or_refused_with_a_message(raw, name):
    """Fuzz: random bytes under any name give a result or a DataError, never another exception."""
    try:
        res = read_transactions(raw, name, options=ReadOptions(analysis_date="2024-12-31"))
    except clv.DataError as err:
        assert str(err)
    else:
        assert res.report.rows_read == res.report.rows_kept + res.report.rows_set_aside


@settings(max_examples=100, deadline=None)
@given(
    rows=hs.lists(hs.lists(hs.text(max_size=12), min_size=3, max_size=3), min_size=1, max_size=12),
    delim=hs.sampled_from([",", ";", "\t", "|"]),
)
def test_any_table_of_text_is_read_or_refused_with_a_message(rows, delim):
    """Fuzz: a header and random text cells, quoted as a spreadsheet would, in any delimiter."""
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf, delimiter=delim).writerows([["customer", "date", "amount"], *rows])
    try:
        res = read_transactions(
            buf.getvalue().encode("utf-8", "surrogatepass"), "x.csv", options=ReadOptions(analysis_date="2024-12-31")
        )
    except clv.DataError as err:
        assert str(err)
    else:
        assert res.report.rows_read == res.report.rows_kept + res.report.rows_set_aside
        assert json.dumps(res.report.lines())
