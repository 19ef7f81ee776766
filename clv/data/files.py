"""Reading a file's bytes into a ``RawTable``: the format (text, Excel, Parquet, JSON), the encoding, the
delimiter, lines above the header, the header itself, malformed and blank lines, and each record's number.
Nothing is validated here; ``clv.data.readers`` maps and checks the columns."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from ..errors import DataError, InputError
from . import xlsx as _xlsx
from .amounts import parse_amounts
from .dates import parse_dates
from .mapping import HEADER_NAMES, _header_score
from .text import EMAIL_RE as _EMAIL_RE
from .text import as_array as _as_array
from .text import column_names as _column_names
from .text import looks_like_value as _looks_like_value

MAX_COLUMNS = 200  # more columns than this is not a transaction table
MAX_ROWS = 10_000_000  # rows in one table (a 5,000,000-row log is about 150 MB as CSV)
MAX_TABLE_BYTES = 2 * 2**30  # a Parquet file's declared uncompressed size
SNIFF_BYTES = 256 * 1024  # bytes looked at to detect encoding and delimiter
BLOCK_BYTES = 4 * 2**20  # the CSV parser's blocks (larger ones are allocated and freed by the OS each time)
LONG_ROW_BLOCK_BYTES = 16 * 2**20  # ... and when one record is longer than a block
SNIFF_LINES = 60  # lines looked at to detect the delimiter and the header
MAX_MALFORMED = 100_000  # malformed lines before a file is refused as not this kind of table
MAX_TITLE_LINES = 10  # lines above the header (a title, a date range) that are skipped
DELIMITERS = (",", ";", "\t", "|")


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How to read a file; ``None`` means detect.

    dayfirst: True reads 03/04/2024 as 3 April, False as 4 March, None decides from the data (a day
        above 12 settles it; if nothing does, day first, reported as ambiguous).
    returns: "net" keeps negative amounts (returns) so they reduce that customer's value (reported as
        netted); "set_aside" removes them with the reason ``negative_amount``.
    analysis_date: rows dated after it are set aside; None means today.
    sheet: Excel sheet name or 0-based position; None is the first sheet.
    decimal: "." or ","; None detects it from the values.
    encoding: a Python codec name; None detects it.
    paid_statuses: with a payment status column, the statuses that count as revenue (normalised: lower
        case, "_" for spaces); None is ``payments.PAID`` (paid, completed, succeeded, ...).
    currency: with amounts in several currencies, the one analysed (a code such as "EUR", or a sign such
        as "$"); None is the most frequent.

    >>> ReadOptions(returns="set_aside").returns
    'set_aside'
    """

    dayfirst: bool | None = None
    returns: str = "net"
    analysis_date: Any = None
    sheet: str | int | None = None
    decimal: str | None = None
    encoding: str | None = None
    paid_statuses: tuple[str, ...] | None = None
    currency: str | None = None

    def __post_init__(self):
        if self.dayfirst not in (None, True, False):
            raise InputError("dayfirst", self.dayfirst, "data.allowed.dayfirst")
        if self.returns not in ("net", "set_aside"):
            raise InputError("returns", self.returns, "data.allowed.returns")
        if self.decimal not in (None, ".", ","):
            raise InputError("decimal", self.decimal, "data.allowed.decimal")
        if self.analysis_date is not None:
            try:
                stamp = pd.Timestamp(self.analysis_date)
            except (ValueError, TypeError):
                raise InputError("analysis_date", self.analysis_date, "data.allowed.analysis_date") from None
            if pd.isna(stamp):
                raise InputError("analysis_date", self.analysis_date, "data.allowed.analysis_date")
            object.__setattr__(self, "analysis_date", stamp.tz_localize(None) if stamp.tzinfo else stamp)
        if self.paid_statuses is not None:
            if isinstance(self.paid_statuses, str) or not all(isinstance(x, str) for x in self.paid_statuses):
                raise InputError("paid_statuses", self.paid_statuses, "data.allowed.paid_statuses")
            object.__setattr__(self, "paid_statuses", tuple(self.paid_statuses))
        if self.currency is not None and not (isinstance(self.currency, str) and 0 < len(self.currency) <= 8):
            raise InputError("currency", self.currency, "data.allowed.currency")
        if self.encoding is not None:
            try:
                "".encode(self.encoding)
            except LookupError:
                raise InputError("encoding", self.encoding, "data.allowed.encoding") from None


@dataclass
class RawTable:
    """A file read into a table (every column as text unless the format is typed) before any role is
    mapped: ``read_raw`` makes one, and every reader accepts one in place of the file, so a page that
    needs the column names and the validated table parses the file once."""

    table: pa.Table
    file_format: str
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    has_header: bool = True
    malformed: list = field(default_factory=list)  # (data row number, raw text)
    row_numbers: np.ndarray | None = None  # each row's number as the user finds it (None: i + 1):
    # the record after the header in text, Excel's row in xlsx
    skipped_lines: tuple[str, ...] = ()  # lines above the header (a title, Excel's "sep=;")
    blank_lines: int = 0  # lines of spaces (not records)
    undecodable_rows: int = 0  # rows holding bytes the encoding could not decode


def give_back_memory() -> None:
    """Hand the memory Arrow's allocator keeps for reuse back to the operating system. After parsing a
    large upload (its blocks, hash tables, intermediate columns) that is over 100 MB for a million rows,
    which NumPy, allocating elsewhere, could not reuse; this takes a few milliseconds."""
    pa.default_memory_pool().release_unused()


def _read_bytes(source) -> tuple[bytes, str | None]:
    """The file's bytes and, when ``source`` is a path, its name."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), None
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.exists():
            raise DataError("data.errors.not_found", name=str(source))
        return path.read_bytes(), path.name
    if hasattr(source, "read"):
        data = source.read()
        name = getattr(source, "name", None)
        if isinstance(data, str):
            data = data.encode("utf-8")
        return bytes(data), (Path(name).name if isinstance(name, str) else None)
    raise DataError("data.errors.unsupported_source", kind=type(source).__name__)


def _file_format(data: bytes, filename: str | None) -> str:
    ext = Path(filename).suffix.lower().lstrip(".") if filename else ""
    if data[:4] == b"PAR1":
        return "parquet"
    if data[:4] == b"PK\x03\x04":
        if _xlsx.is_workbook(data):
            return "xlsx"
        raise DataError("data.errors.unsupported_format", name=filename or "?", ext=ext or "zip")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise DataError("data.errors.unsupported_format", name=filename or "?", ext=ext or "xls")
    start = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if start[:1] in (b"{", b"["):
        return "json"
    if start[:1] == b"<":
        raise DataError("data.errors.unsupported_format", name=filename or "This file", ext=ext or "html")
    if ext in ("xlsx", "xlsm", "parquet", "pq"):
        raise DataError("data.errors.not_table", name=filename)  # the extension promises a format it lacks
    if ext in ("xls", "json", "pdf", "doc", "docx", "zip", "gz", "xml", "ods", "numbers", "sav", "dta"):
        raise DataError("data.errors.unsupported_format", name=filename, ext=ext)
    return "csv"


def read_raw(source, filename: str | None = None, options: ReadOptions | None = None) -> RawTable:
    r"""The file as a ``RawTable`` (format, encoding, delimiter, sheet, header detected; nothing validated).
    ``DataError`` for a file that is not a table.

    >>> read_raw(b"customer,day,value\n1,2024-01-01,3\n").table.column_names
    ['customer', 'day', 'value']
    """
    return _read_raw(source, filename, options or ReadOptions())


def _read_raw(source, filename, options: ReadOptions) -> RawTable:
    if isinstance(source, RawTable):
        return source
    if isinstance(source, pd.DataFrame):
        return _frame_raw(source)
    data, name = _read_bytes(source)
    filename = filename or name
    if not re.search(rb"[^\s\x00\xef\xbb\xbf\xff\xfe]", data[:SNIFF_BYTES]) and not re.search(
        rb"[^\s\x00]", data[SNIFF_BYTES:]
    ):
        raise DataError("data.errors.empty", name=filename or "This file")
    fmt = _file_format(data, filename)
    if fmt == "xlsx":
        return _read_xlsx(data, options.sheet, filename)
    if fmt == "parquet":
        return _read_parquet(data, filename)
    if fmt == "json":
        return _read_json(data, filename)
    return _read_text(data, options, filename)


def _read_json(data: bytes, filename) -> RawTable:
    """JSON records: an array of objects (``[{"customer": "A", ...}, ...]``), the same under one key
    (``{"orders": [...]}``), or one object per line (NDJSON). Every value is read as text (whole numbers
    exactly, nested values as compact JSON); an element that is not an object is a malformed row."""
    name = filename or "This file"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError("data.errors.json_encoding", name=name) from None
    records: list
    try:
        doc = json.loads(text)
    except RecursionError:
        raise DataError("data.errors.json_shape", name=name) from None
    except json.JSONDecodeError as err:
        lines = [ln for ln in text.splitlines() if ln.strip()]
        if len(lines) < 2 or err.pos < len(lines[0]):
            raise DataError("data.errors.json_invalid", name=name, detail=str(err)[:120]) from None
        records = []
        for ln in lines:  # NDJSON: one record per line
            try:
                records.append(json.loads(ln))
            except (json.JSONDecodeError, RecursionError):
                records.append(_Unreadable(ln))
    else:
        if isinstance(doc, dict):
            lists = [v for v in doc.values() if isinstance(v, list)]
            doc = lists[0] if len(lists) == 1 else [doc]
        if not isinstance(doc, list):
            raise DataError("data.errors.json_shape", name=name)
        records = doc
    names: dict[str, None] = {}
    for rec in records:
        if isinstance(rec, dict):
            names.update(dict.fromkeys(str(k) for k in rec))
            if len(names) > MAX_COLUMNS:
                raise DataError("data.errors.too_many_columns", count=len(names), limit=MAX_COLUMNS)
    if not names:
        raise DataError("data.errors.json_shape", name=name)
    columns: dict[str, list] = {n: [] for n in names}
    malformed, row_numbers = [], []
    for i, rec in enumerate(records, start=1):
        if not isinstance(rec, dict):
            raw_text = rec.text if isinstance(rec, _Unreadable) else json.dumps(rec, ensure_ascii=False)
            malformed.append((i, raw_text[:500]))
            continue
        row_numbers.append(i)
        by_name = {str(k): v for k, v in rec.items()}
        for n in names:
            columns[n].append(_json_text(by_name.get(n)))
    if not row_numbers:
        raise DataError("data.errors.all_malformed_json", name=name, count=len(malformed))
    table = pa.table({n: pa.array(v, type=pa.string()) for n, v in columns.items()})
    table = table.rename_columns(_column_names(list(names)))
    return RawTable(
        table=table,
        file_format="json",
        encoding="utf-8",
        malformed=malformed,
        row_numbers=np.array(row_numbers, dtype=np.int64),
    )


@dataclass(frozen=True)
class _Unreadable:
    text: str


def _json_text(value) -> str | None:
    """A JSON value as the text a table cell would hold (None for null or an empty string)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, str):
        return value.strip() or None
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _is_utf8(data) -> bool:
    r"""Whether bytes (or a memoryview of them) are valid UTF-8, as Python's strict decoder judges, without
    decoding them into a str (an ASCII file is checked in a few milliseconds; others by Arrow's validator,
    which rejects the same overlong forms, surrogates and values above U+10FFFF).

    >>> _is_utf8(b"caf\xc3\xa9"), _is_utf8(b"caf\xe9"), _is_utf8(b"\xed\xa0\x80")
    (True, False, False)
    """
    if isinstance(data, bytes) and data.isascii():
        return True
    size = memoryview(data).nbytes
    offsets = pa.py_buffer(np.array([0, size], dtype=np.int64))
    try:
        pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(data)]).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _decode(data: bytes, encoding: str | None, filename) -> tuple[str | None, str, bytes]:
    """(text or None when the bytes are valid UTF-8 and can go straight to the parser, codec, utf-8 bytes).
    With a UTF-8 byte order mark the bytes are returned as given (the mark still in front)."""
    if encoding:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            raise DataError("data.errors.encoding", name=filename or "This file", encoding=encoding) from None
        return text, encoding, text.encode("utf-8")
    if data[:3] == b"\xef\xbb\xbf":
        if not _is_utf8(memoryview(data)[3:]):
            raise DataError("data.errors.not_table", name=filename or "This file")
        return None, "utf-8-sig", data
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise DataError("data.errors.not_table", name=filename or "This file") from None
        return text, "utf-16", text.encode("utf-8")
    head = data[:SNIFF_BYTES]
    if b"\x00" in head:
        raise DataError("data.errors.not_table", name=filename or "This file")
    if _is_utf8(data):
        return None, "utf-8", data
    if _mostly_utf8(data):
        # A UTF-8 file with a few bytes from another code page (one pasted "é"): keep UTF-8 and show each
        # undecodable byte as U+FFFD; the readers count those rows (``LoadReport.undecodable_rows``).
        text = data.decode("utf-8", errors="replace")
        return text, "utf-8", text.encode("utf-8")
    # One byte per character: Windows-1256 (Arabic) when high bytes come in runs (Arabic words), else
    # Windows-1252 (Excel's Western code page: € is 0x80, curly quotes 0x91-0x94), else Latin-1.
    high = np.frombuffer(head, dtype=np.uint8) >= 0x80
    paired = (high[1:] & high[:-1]).sum()
    arabic = data.decode("cp1256", errors="replace")
    if high.sum() and paired / high.sum() > 0.5 and "\ufffd" not in arabic[:SNIFF_BYTES]:
        text, codec = arabic, "cp1256"
    else:
        try:
            text, codec = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:  # one of the five bytes cp1252 leaves undefined
            text, codec = data.decode("latin-1"), "latin-1"
    if _control_share(text[:SNIFF_BYTES]) > 0.01:
        raise DataError("data.errors.not_table", name=filename or "This file")
    return text, codec, text.encode("utf-8")


def _mostly_utf8(data: bytes) -> bool:
    """True when the bytes hold valid multi-byte UTF-8 characters and only a few bytes that are not."""
    good = len(re.findall(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}", data))
    if not good:
        return False
    bad = len(data.decode("utf-8", errors="replace").encode("utf-8")) - len(data)  # 2 extra bytes per U+FFFD
    return bad // 2 <= max(good // 4, 3)


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    bad = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\r\n") or 0x80 <= ord(ch) < 0xA0)
    return bad / len(text)


def _csv_rows(lines: list[str], delim: str) -> list[list[str]]:
    """Sniffed lines split into fields; a line Python's csv module refuses (a field over its size limit,
    a stray NUL) counts as one field."""
    out = []
    for line in lines:
        try:
            out.append(next(csv.reader([line], delimiter=delim), []))
        except csv.Error:
            out.append([line])
    return out


def _sniff_delimiter(lines: list[str]) -> str:
    best, best_score = ",", (-1.0, 0)
    for delim in DELIMITERS:
        counts = [len(row) for row in _csv_rows(lines, delim)]
        if not counts or max(counts) < 2:
            continue
        mode = max(set(counts), key=counts.count)
        score = (counts.count(mode) / len(counts), mode)
        if mode >= 2 and score > best_score:
            best, best_score = delim, score
    if best_score[0] < 0:
        raise DataError("data.errors.not_table_one_column")
    return best


def _read_text(data: bytes, options: ReadOptions, filename) -> RawTable:
    if data[:2] not in (b"\xff\xfe", b"\xfe\xff") and data.endswith(b"\x00"):
        data = data.rstrip(b"\x00")  # padding some exporters leave after the last line
    text, codec, utf8 = _decode(data, options.encoding, filename)
    bom = 3 if text is None and codec == "utf-8-sig" else 0  # the table starts after it (no copy)
    if utf8[bom : bom + 3] == b"\xef\xbb\xbf":
        bom += 3
    head = utf8[bom : bom + SNIFF_BYTES].decode("utf-8", errors="ignore")
    truncated = len(utf8) - bom > SNIFF_BYTES
    physical = head.splitlines(keepends=True)[:SNIFF_LINES]
    if truncated and len(physical) > 1:
        physical = physical[:-1]  # the last sniffed line may be cut short
    lines = [ln.rstrip("\r\n") for ln in physical]
    if not any(ln.strip() for ln in lines):
        raise DataError("data.errors.empty", name=filename or "This file")
    # Lines above the table: Excel's "sep=;" hint, then title lines whose field count is not the table's.
    start = next(i for i, ln in enumerate(lines) if ln.strip())
    hint = re.fullmatch(r'\s*"?sep=(.)"?\s*', lines[start])
    delim = hint.group(1) if hint else None
    skipped: list[str] = []
    if hint:
        skipped.append(lines[start])
        start += 1
    rest = [ln for ln in lines[start:] if ln.strip()]
    if not rest:
        raise DataError("data.errors.empty", name=filename or "This file")
    delim = delim or _sniff_delimiter(rest)
    rows = _csv_rows(rest, delim)
    widths = [len(row) for row in rows]
    mode = max(set(widths), key=widths.count)
    title = 0  # a title line: not the table's width, and under half its cells filled
    while (
        title < min(MAX_TITLE_LINES, len(widths) - 1)
        and widths[title] != mode
        and sum(bool(c.strip()) for c in rows[title]) < mode / 2
        and widths.count(mode) / len(widths) >= 0.5
    ):
        title += 1
    for ln in lines[start:]:
        if title == 0:
            break
        if ln.strip():
            skipped.append(ln)
            title -= 1
        start += 1
    start = next(i for i in range(start, len(lines)) if lines[i].strip())
    offset = bom + sum(len(ln.encode("utf-8")) for ln in physical[:start])
    first = _csv_rows([lines[start]], delim)[0]
    if len(first) > MAX_COLUMNS:
        raise DataError("data.errors.too_many_columns", count=len(first), limit=MAX_COLUMNS)
    body_sample = [ln for ln in lines[start + 1 :] if ln.strip()]
    has_header = _is_header(first, _csv_rows(body_sample[:50], delim))
    names = _column_names(first) if has_header else [f"column_{i}" for i in range(1, len(first) + 1)]
    if has_header and not body_sample and not truncated:
        raise DataError("data.errors.no_rows", name=filename or "This file")
    malformed: list = []

    blank = 0

    def on_invalid(row):
        nonlocal blank
        if row.text.strip():
            malformed.append((row.number, row.text))
        else:
            blank += 1  # a line of spaces is a blank line, not a record
        return "skip" if len(malformed) <= MAX_MALFORMED and blank <= MAX_MALFORMED else "error"

    body = memoryview(utf8)[offset:]  # a view: no copy of the file
    quoted = utf8.find(b'"', offset) >= 0  # without quotes no value can hold a line break (a faster parse)

    def parse(block_size: int, threads: bool = True) -> pa.Table:
        nonlocal blank
        malformed.clear()
        blank = 0
        return pcsv.read_csv(
            pa.py_buffer(body),
            read_options=pcsv.ReadOptions(
                column_names=names, skip_rows=1 if has_header else 0, block_size=block_size, use_threads=threads
            ),
            parse_options=pcsv.ParseOptions(delimiter=delim, invalid_row_handler=on_invalid, newlines_in_values=quoted),
            convert_options=pcsv.ConvertOptions(
                # large_string: the form pandas keeps text in, so kept columns need no conversion
                column_types={n: pa.large_string() for n in names},
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
                null_values=[""],
                # _decode checked the bytes (or made them by encoding text), and a cell cut out of valid
                # UTF-8 at delimiters, quotes and line breaks (ASCII bytes) is valid UTF-8: no second check
                check_utf8=False,
            ),
        )  # "NA" or "null" may be a customer

    try:
        block = BLOCK_BYTES
        try:
            table = parse(block)
        except pa.ArrowInvalid as err:
            if "straddl" not in str(err):
                raise
            block = LONG_ROW_BLOCK_BYTES  # a record longer than a block
            table = parse(block)
        if malformed and len(body) > block:
            # blocks are parsed in parallel, so their malformed lines came in any order: again on one thread,
            # which meets them in the file's order (numbered by _number_records)
            table = parse(LONG_ROW_BLOCK_BYTES, threads=False)
    except pa.ArrowInvalid as err:
        if len(malformed) > MAX_MALFORMED or blank > MAX_MALFORMED:
            raise DataError(
                "data.errors.too_many_malformed",
                limit=f"{MAX_MALFORMED:,}",
                columns=len(names),
                example=malformed[0][1][:120] if malformed else " ",
            ) from None
        if "UTF8" in str(err) or "utf8" in str(err).lower():
            raise DataError("data.errors.not_table", name=filename or "This file") from None
        raise DataError("data.errors.unreadable", name=filename or "This file", detail=str(err)[:200]) from None
    give_back_memory()  # the parser's blocks
    if table.num_rows == 0 and malformed:
        raise DataError(
            "data.errors.all_malformed", count=len(malformed), columns=len(names), example=malformed[0][1][:120]
        )
    if table.num_rows == 0:
        raise DataError("data.errors.no_rows", name=filename or "This file")
    row_numbers = None
    if malformed:  # number rows as in the file (pyarrow skipped the malformed ones)
        malformed, row_numbers = _number_records(body, delim, has_header, len(names), table.num_rows, malformed)
    undecodable = 0
    if text is not None and codec == "utf-8" and "\ufffd" in text:
        undecodable = _rows_with(table, "\ufffd") + sum("\ufffd" in m[1] for m in malformed)
    return RawTable(
        table=table,
        file_format="csv",
        encoding=codec,
        delimiter=delim,
        has_header=has_header,
        malformed=malformed,
        row_numbers=row_numbers,
        skipped_lines=tuple(skipped),
        blank_lines=blank,
        undecodable_rows=undecodable,
    )


def _is_header(first: list[str], body: list[list[str]]) -> bool:
    """Whether the first row names the columns: it does when a cell is a known column name (in any
    language this app reads), or when no cell reads as a value (a number, an amount with its currency, a
    date, an e-mail address) while the rows below hold values."""
    cells = [c.strip() for c in first]
    if any(_header_score(role, c) == 3 for c in cells if c for role in HEADER_NAMES):
        return True
    if any(_looks_like_value(c) or _EMAIL_RE.fullmatch(c) for c in cells if c):
        return False
    texts = [c for c in cells if c]
    if texts:
        if np.isfinite(parse_amounts(pa.array(texts, type=pa.string()))[0]).any():
            return False
        if (~np.isnat(parse_dates(pa.array(texts, type=pa.string())).values)).any():
            return False
    return True


def _rows_with(table: pa.Table, needle: str) -> int:
    """How many rows hold ``needle`` in any text column."""
    hit = np.zeros(table.num_rows, dtype=bool)
    for col in table.columns:
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            hit |= pc.fill_null(pc.match_substring(col, needle), False).to_numpy(zero_copy_only=False)
    return int(hit.sum())


def _number_records(
    body: bytes | memoryview, delim: str, has_header: bool, width: int, kept: int, malformed: list
) -> tuple[list, np.ndarray]:
    """Each malformed line's record number and each kept row's, as a spreadsheet counts records (a quoted
    value spanning lines is one record; blank lines are not records; 1 = the first record after the
    header). Falls back to matching the lines' text when Python's csv reader disagrees with Arrow's."""
    reader = csv.reader(io.StringIO(str(body, "utf-8"), newline=""), delimiter=delim)
    if has_header:
        next(reader, None)
    bad, good, number = [], [], 0
    try:
        for record in reader:
            if not record or (len(record) == 1 and not record[0].strip()):
                continue
            number += 1
            (good if len(record) == width else bad).append(number)
    except csv.Error:  # a field over the csv module's size limit
        bad = []
    if len(bad) == len(malformed) and len(good) == kept:
        return [(n, m[1]) for n, m in zip(bad, malformed)], np.array(good, dtype=np.int64)
    lines_ = [ln for ln in str(body, "utf-8").splitlines()[1 if has_header else 0 :] if ln.strip()]
    used: set[int] = set()
    located = []
    for _, raw_text in malformed:
        pos = next((i for i, ln in enumerate(lines_) if i not in used and ln == raw_text), None)
        if pos is not None:
            used.add(pos)
        located.append((None if pos is None else pos + 1, raw_text))
    skip = np.array(sorted(p for p, _ in located if p is not None), dtype=np.int64)
    return located, np.delete(np.arange(1, kept + len(located) + 1), skip - 1)[:kept]


def sheet_names(source, filename: str | None = None) -> list[str]:
    """The sheet names of an .xlsx workbook, in order (pass one to ``ReadOptions(sheet=...)``)."""
    data, name = _read_bytes(source)
    if _file_format(data, filename or name) != "xlsx":
        raise DataError("data.errors.not_excel", name=filename or name or "This file")
    return _xlsx.sheet_names(data, filename or name)


def column_names(source, filename: str | None = None, options: ReadOptions | None = None) -> list[str]:
    r"""The column names of a table as read (header row, or generated names when there is none), even
    when its columns cannot be mapped: the choices a user corrects a mapping from. Raises ``DataError``
    for a file that is not a table.

    >>> column_names(b"customer,day,value\n1,2024-01-01,3\n")
    ['customer', 'day', 'value']
    """
    return list(_read_raw(source, filename, options or ReadOptions()).table.column_names)


def _read_xlsx(data: bytes, sheet, filename) -> RawTable:
    """One sheet of a workbook, streamed under bounds (``clv.data.xlsx``): whole-number columns stay exact
    (int64, or text beyond it), and each row keeps the number Excel shows for it."""
    s = _xlsx.read_sheet(data, sheet, filename, is_header=_xlsx_header)
    return RawTable(
        table=s.table(),
        file_format="xlsx",
        sheet=s.name,
        has_header=s.header is not None,
        row_numbers=s.row_numbers,
        skipped_lines=s.skipped,
    )


def _xlsx_header(cells: list) -> bool | str:
    """The first non-empty row of a sheet names the columns when no cell is a number or a date and the
    text cells pass the same test as a text file's first row. A row with a single filled cell is a title
    above the table (a table of transactions has at least three columns)."""
    if sum(v is not None and str(v).strip() != "" for v in cells) <= 1:
        return _xlsx.TITLE
    if any(isinstance(v, (int, float, datetime, date)) and not isinstance(v, bool) for v in cells if v is not None):
        return False
    return _is_header(["" if v is None else str(v) for v in cells], [])


def _read_parquet(data: bytes, filename) -> RawTable:
    """A Parquet file, its size checked from the footer before anything is read. Columns the app reads as
    values (text, numbers, dates, times) keep their type; any other (lists, structs, maps, binary) becomes
    text (compact JSON), so it can still be shown, compared and set aside."""
    import pyarrow.parquet as pq

    name = filename or "This file"
    try:
        meta = pq.ParquetFile(io.BytesIO(data)).metadata
        if meta.num_columns > MAX_COLUMNS:
            raise DataError("data.errors.too_many_columns", count=meta.num_columns, limit=MAX_COLUMNS)
        size = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        if meta.num_rows > MAX_ROWS or size > MAX_TABLE_BYTES:
            raise DataError(
                "data.errors.too_big",
                name=name,
                rows=f"{meta.num_rows:,}",
                size=f"{size / 2**20:,.0f}",
                max_rows=f"{MAX_ROWS:,}",
                max_size=f"{MAX_TABLE_BYTES / 2**20:,.0f}",
            )
        table = pq.read_table(io.BytesIO(data))
    except DataError:
        raise
    except Exception as err:  # noqa: BLE001  (pyarrow raises many types for a damaged or hostile file)
        raise DataError("data.errors.unreadable", name=name, detail=str(err)[:200]) from None
    if table.num_rows == 0:
        raise DataError("data.errors.no_rows", name=name)
    table = table.rename_columns(_column_names([str(n) for n in table.column_names]))
    columns = [_plain_column(_as_array(table[n].combine_chunks())) for n in table.column_names]
    return RawTable(table=pa.table(columns, names=table.column_names), file_format="parquet")


def _plain_column(col: pa.Array) -> pa.Array:
    """A column of a type the readers handle as is, else its values as text."""
    t = col.type
    if pa.types.is_dictionary(t):
        col = col.dictionary_decode()
        t = col.type
    if (
        pa.types.is_string(t)
        or pa.types.is_large_string(t)
        or pa.types.is_integer(t)
        or pa.types.is_floating(t)
        or pa.types.is_decimal(t)
        or pa.types.is_timestamp(t)
        or pa.types.is_date(t)
    ):
        return col
    if pa.types.is_large_string(t) or pa.types.is_boolean(t) or pa.types.is_time(t) or pa.types.is_duration(t):
        return pc.cast(col, pa.string())
    return pa.array(
        [None if v is None else _json_text(v if not isinstance(v, bytes) else v.hex()) for v in col.to_pylist()],
        type=pa.string(),
    )


def _frame_raw(df: pd.DataFrame) -> RawTable:
    """A DataFrame handed in directly (from a notebook) as a raw table."""
    if df.shape[1] > MAX_COLUMNS:
        raise DataError("data.errors.too_many_columns", count=df.shape[1], limit=MAX_COLUMNS)
    if len(df) == 0:
        raise DataError("data.errors.no_rows", name="This table")
    df = df.reset_index(drop=True)
    df.columns = _column_names([str(c) for c in df.columns])
    arrays = []
    for name in df.columns:
        try:
            arrays.append(pa.array(df[name], from_pandas=True))
        except (pa.ArrowException, TypeError):
            arrays.append(pa.array([None if pd.isna(v) else str(v) for v in df[name]], type=pa.string()))
    return RawTable(table=pa.table(arrays, names=list(df.columns)), file_format="frame")
