"""Bring your own data: read a transaction log (or a per-customer summary, or subscriptions), check
every row, and say exactly what was kept and what was set aside, and why.

Formats: CSV/TSV (delimiter detected among ``, ; tab |``, or Excel's ``sep=`` line; title lines above the
header skipped and reported), Excel ``.xlsx`` (streamed under bounds by ``clv.data.xlsx``; a sheet chosen
by name or position), Parquet (size checked from its footer), JSON records (an array of objects or one
object per line). Encodings: a BOM (UTF-8, UTF-16), UTF-8 (a few stray bytes shown as U+FFFD and counted),
then Windows-1256 (Arabic) or Windows-1252 (Latin-1 when a byte is undefined there). Amounts: a value is
read only under a decimal convention it fits (``clv.data.amounts``); dates in one detected format per
column, offsets dropped so the local day is kept (``clv.data.dates``). Payment status and currency columns
are recognised (``clv.data.payments``): only completed payments count, one currency at a time. The
chosen interpretation is reported and can be overridden (``ReadOptions``).

Every row read is either kept or set aside with one reason (the first that applies, in the order
of ``TRANSACTION_REASONS``), so ``rows_read == rows_kept + sum(counts)`` always holds.

Performance: CSV is parsed by pyarrow (in blocks, on every core) with every column as text, then each
role column is converted once with vectorised kernels (an explicit date format is detected on a sample,
never per row); a long column is read once per distinct value (``clv.data.text.Distinct``: 731 dates in
a million rows of two years), and the counts that rules weigh are counts of rows. A million-row upload
(49 MB) becomes a validated per-customer summary in under half a second on two cores
(``benchmarks/bench_data.py``).

>>> import io
>>> csv = b"customer,date,amount\\nA,2024-01-05,10\\nA,2024-02-05,-4\\nB,05/01/2024,x\\nB,2024-03-01,20\\n"
>>> res = read_transactions(io.BytesIO(csv), options=ReadOptions(analysis_date="2024-12-31"))
>>> res.report.rows_read, res.report.rows_kept, res.report.counts
(4, 3, {'unreadable_date': 1})
>>> res.report.returns_netted, res.report.date_format
(1, '%Y-%m-%d')
"""

from __future__ import annotations

from . import payments, xlsx  # noqa: F401  (submodules, public)
from .amounts import MAX_ABS_AMOUNT, AmountParse, parse_amounts, read_amounts
from .dates import EXCEL_EPOCH, EXCEL_SERIAL_RANGE, SANE_YEARS, DateParse, parse_dates
from .files import (
    DELIMITERS,
    MAX_COLUMNS,
    MAX_MALFORMED,
    MAX_ROWS,
    MAX_TABLE_BYTES,
    RawTable,
    ReadOptions,
    column_names,
    read_raw,
    sheet_names,
)
from .mapping import GROUP_ROLES, HEADER_NAMES, REQUIRED_ROLES, ROLES, SUBSCRIPTION_REQUIRED, SUBSCRIPTION_ROLES
from .parse import parse_ids
from .readers import (
    SAMPLE_DIR,
    SAMPLES,
    SUMMARY_COLUMNS,
    guess_mapping,
    load_sample,
    read_subscriptions,
    sample_channels,
    read_summary,
    read_transactions,
)
from .report import (
    EXAMPLES_PER_REASON,
    SUBSCRIPTION_REASONS,
    SUMMARY_REASONS,
    TRANSACTION_REASONS,
    LoadReport,
    LoadResult,
    SetAside,
)

__all__ = [
    "ReadOptions",
    "RawTable",
    "LoadReport",
    "LoadResult",
    "SetAside",
    "read_transactions",
    "read_summary",
    "read_subscriptions",
    "read_raw",
    "load_sample",
    "sample_channels",
    "guess_mapping",
    "sheet_names",
    "column_names",
    "parse_amounts",
    "read_amounts",
    "AmountParse",
    "parse_dates",
    "DateParse",
    "parse_ids",
    "ROLES",
    "GROUP_ROLES",
    "REQUIRED_ROLES",
    "SUBSCRIPTION_ROLES",
    "SUBSCRIPTION_REQUIRED",
    "SUMMARY_COLUMNS",
    "TRANSACTION_REASONS",
    "SUMMARY_REASONS",
    "SUBSCRIPTION_REASONS",
    "EXAMPLES_PER_REASON",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "MAX_TABLE_BYTES",
    "MAX_MALFORMED",
    "MAX_ABS_AMOUNT",
    "DELIMITERS",
    "HEADER_NAMES",
    "SAMPLE_DIR",
    "SAMPLES",
    "EXCEL_EPOCH",
    "EXCEL_SERIAL_RANGE",
    "SANE_YEARS",
    "payments",
    "xlsx",
]
