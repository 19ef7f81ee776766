"""One sheet of an Excel ``.xlsx`` workbook as typed columns: read once, streamed, bounded, whole numbers exact.

An .xlsx file is a zip of XML parts. This reader opens only the parts it needs (the package and workbook
relationships, ``workbook.xml``, ``styles.xml``, ``sharedStrings.xml`` and the chosen sheet) and streams
them through expat in ``CHUNK_BYTES`` pieces; it never trusts a declared size, so a sheet that claims
``<dimension ref="A1:XFD1048576"/>`` costs what its cells cost, and cells without a value (formatting only)
cost no memory. Nothing is padded beyond the last column that holds a value.

Bounds (``Limits``; the defaults are the ``MAX_*`` constants below): members in the zip, bytes unpacked
per part and in all, bytes of the shared-strings table, rows, columns, cells, characters per cell and in
all, an estimate of the memory held, and wall time. Hitting one raises ``DataError`` with its own key
(``data.errors.xlsx_*``, or ``too_many_columns``) saying which bound was hit and what to do. XML parts
with a DOCTYPE (entity declarations: "billion laughs") are refused before any entity is expanded, and
everything a damaged file can raise (bad zip, missing part, XML or zlib errors) becomes
``DataError("data.errors.unreadable")``.

Entities: openpyxl, as installed here, parses XML with the standard library (``openpyxl.DEFUSEDXML`` and
``openpyxl.LXML`` are False: neither defusedxml nor lxml is installed) over expat 2.5.0, whose
amplification limit stops the classic billion laughs but still expands entities up to it. This reader
hands no part to openpyxl (it uses only openpyxl's number-format and Excel-date helpers) and refuses a
DOCTYPE in any part before an entity can be declared.

Typing, per column, from the body rows only (never the header):

- all present values dates -> ``timestamp[us]``;
- all whole numbers (ints, or floats with no fraction) -> ``int64``, exact (Excel ids beyond 2**53 stay
  distinct: a cell's digits are read as written, ``1.234567890123457E+17`` as 123456789012345700, never
  through a float); text when one is beyond int64;
- numbers with at least one fraction -> ``float64``;
- anything else (text, booleans, times, a mix) -> text, each whole number written exactly
  (``123456789012345678``, never ``1.2345678901234568e+17``), dates as ``2024-01-05[ 10:30:00]``.

Blank cells (empty or only spaces) are null; rows with no value are skipped, and ``Sheet.row_numbers``
keeps each body row's row number as Excel shows it.

>>> import io, openpyxl
>>> wb = openpyxl.Workbook()
>>> for row in (["customer", "amount"], [1001, 9.5], [], [1002, 10]):
...     wb.active.append(row)
>>> buf = io.BytesIO(); wb.save(buf)
>>> sheet = read_sheet(buf.getvalue())
>>> sheet.header, sheet.row_numbers.tolist()
(['customer', 'amount'], [2, 4])
>>> sheet.columns[0].type, sheet.columns[0].to_pylist()
(DataType(int64), [1001, 1002])
>>> sheet.columns[1].to_pylist()
[9.5, 10.0]
"""

from __future__ import annotations

import io
import math
import posixpath
import struct
import time
import zipfile
import zlib
from array import array
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Callable
from xml.parsers import expat

import numpy as np
import pyarrow as pa

from ..errors import DataError, InputError
from .text import column_names as _column_names
from .text import looks_like_value as _looks_like_value

TITLE = "title"  # what ``is_header`` answers for a title row above the header
MAX_TITLE_ROWS = 10  # title rows skipped above the header at most
MAX_ROWS = 1_048_576  # Excel's own last row: a row beyond it was not written by Excel
MAX_COLUMNS = 200  # same cap as clv.data.MAX_COLUMNS: more is not a transaction table
MAX_CELLS = 10_000_000  # body rows x columns (1,000,000 orders x 10 columns; ~30 s to read)
MAX_CELL_CHARS = 32_767  # Excel's own limit on the characters in one cell
MAX_TEXT_CHARS = 200_000_000  # characters of text in all cells (20 a cell at MAX_CELLS)
MAX_SHARED_STRINGS_BYTES = 256 * 2**20  # the shared-strings table: its XML unpacked, and in memory
MAX_PART_BYTES = 32 * 2**20  # any other part read besides the sheet (workbook, rels, styles)
MAX_UNPACKED_BYTES = 2**30  # all parts read, unpacked (a zip bomb stops here, before unpacking)
MAX_ZIP_MEMBERS = 10_000  # files inside the zip (a real workbook has tens)
MAX_MEMORY_BYTES = 2**30  # estimated memory held while reading (cells, text, shared strings)
MAX_SECONDS = 60.0  # wall time for one read, zip to typed columns
MAX_TOKEN_BYTES = 4 * 2**20  # XML expat may hold unparsed at once (one tag, comment...)
MAX_CELL_STYLES = 65_536  # cell formats looked at for dates (Excel allows 64,000)
MAX_FORMAT_CHARS = 255  # Excel's own limit on a number format's code
DATE_CACHE_SIZE = 65_536  # distinct (serial, format) dates remembered while reading

CHUNK_BYTES = 1 << 16  # XML fed to expat at a time (the time bound is checked per chunk)
SLOT_BYTES = 8  # memory model: one list slot (a pointer) per body cell
VALUE_BYTES = 48  # memory model: one Python number, date or str header per value
EXACT_FLOAT_INTEGER = 2**53  # beyond this a float64 no longer holds every whole number
MAX_WHOLE_DIGITS = 30  # whole numbers up to this many digits stay exact (ids); longer: float

_ZIP_ENTRY = b"PK\x01\x02"  # every central-directory entry starts with it
_DIGITS = "0123456789"
_ROW, _CELL, _VALUE, _TEXT, _PHONETIC, _SHEET_DATA = range(1, 7)
_SHEET_TAGS = {"row": _ROW, "c": _CELL, "v": _VALUE, "t": _TEXT, "rPh": _PHONETIC, "sheetData": _SHEET_DATA}


class _Tags(dict):
    """Element name as written ("c", or "x:c" with a prefix) -> code (0 for elements not read); one
    dictionary lookup per element, the prefix handled once per name."""

    def __missing__(self, name: str) -> int:
        code = self[name] = _SHEET_TAGS.get(name.rpartition(":")[2], 0)
        return code


@dataclass(frozen=True)
class Limits:
    """The bounds one read respects; each field defaults to the ``MAX_*`` constant of the same name.
    Each names the ``data.errors`` key raised when it is hit:

    - max_zip_members: entries in the zip directory, counted before zipfile loads it (xlsx_zip_members);
    - max_part_bytes: unpacked size of workbook.xml, styles.xml and the relationships (xlsx_part_size);
    - max_unpacked_bytes: unpacked size of all parts read, the sheet's included, checked on the sizes the
      zip declares before anything is unpacked (zipfile never unpacks past them) (xlsx_unpacked_size);
    - max_shared_strings_bytes: the shared-strings XML, and the table's estimated memory (xlsx_shared_strings);
    - max_rows: row numbers and body rows (xlsx_rows);
    - max_columns: the column of any value (too_many_columns when the row fills every column before it,
      else xlsx_stray_cell naming the cell);
    - max_cells: body rows x columns (xlsx_cells);
    - max_cell_chars: characters in one cell (xlsx_long_cell); max_text_chars: in all cells (xlsx_text);
    - max_memory_bytes: the memory model, ``SLOT_BYTES`` per body cell + ``VALUE_BYTES`` per value + two
      bytes per character of text (Python's and Arrow's copy) + the shared-strings table (xlsx_memory);
      measured: 10,000,000 distinct floats peak at 655 MB RSS, the model says 560 MB;
    - max_seconds: wall time from opening the zip to the typed columns, checked every ``CHUNK_BYTES`` of
      XML and between columns (xlsx_too_slow).

    >>> Limits().max_rows, Limits(max_seconds=5).max_seconds
    (1048576, 5)
    >>> Limits(max_cells=0)
    Traceback (most recent call last):
    ...
    clv.errors.InputError: max_cells must be more than zero; got 0.
    """

    max_rows: int = MAX_ROWS
    max_columns: int = MAX_COLUMNS
    max_cells: int = MAX_CELLS
    max_cell_chars: int = MAX_CELL_CHARS
    max_text_chars: int = MAX_TEXT_CHARS
    max_shared_strings_bytes: int = MAX_SHARED_STRINGS_BYTES
    max_part_bytes: int = MAX_PART_BYTES
    max_unpacked_bytes: int = MAX_UNPACKED_BYTES
    max_zip_members: int = MAX_ZIP_MEMBERS
    max_memory_bytes: int = MAX_MEMORY_BYTES
    max_seconds: float = MAX_SECONDS

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
                raise InputError(f.name, value, "allowed.positive")


@dataclass(frozen=True)
class Sheet:
    """One sheet as read by ``read_sheet``.

    name: the sheet's name.
    header: the first non-empty row's cell values (column A to the last column, None where blank) when
        ``is_header`` took it for a header; None when it is data (then it is the first body row).
    columns: the body columns, one Arrow array each, all ``len(row_numbers)`` long (see the module
        docstring for their types); as many as the widest row, header included.
    row_numbers: int64, the row number Excel shows (1-based) of each body row; empty rows are skipped.
    skipped: title rows above the header (``is_header`` answered ``TITLE``), as text.
    """

    name: str
    header: list | None
    columns: list[pa.Array]
    row_numbers: np.ndarray
    skipped: tuple[str, ...] = ()

    @property
    def names(self) -> list[str]:
        """Column names: the header's cells as unique names, or ``column_1``, ``column_2``... without one.

        >>> Sheet("S", ["id", None, "id"], [pa.array([1])] * 3, np.array([2])).names
        ['id', 'column_2', 'id_2']
        >>> Sheet("S", None, [pa.array([1])] * 2, np.array([1])).names
        ['column_1', 'column_2']
        """
        if self.header is None:
            return [f"column_{i}" for i in range(1, len(self.columns) + 1)]
        return _column_names(["" if v is None else str(v) for v in self.header])

    def table(self) -> pa.Table:
        """The body as an Arrow table named by ``names``."""
        return pa.table(self.columns, names=self.names)


def looks_like_header(cells: list) -> bool:
    """The default header rule: a first row is a header when none of its cells is a number or a date, or
    reads like one ("12.50", "2024-01-05"); blank cells do not count.

    >>> looks_like_header(["customer", "date", None, "amount"]), looks_like_header(["C1", "2024-01-05", 9])
    (True, False)
    """
    return not any(isinstance(v, (int, float, datetime)) or _looks_like_value(str(v)) for v in cells if v is not None)


def is_workbook(data: bytes, limits: Limits | None = None) -> bool:
    """Whether ``data`` is a zip holding an ``xl/`` part (an .xlsx workbook), for format sniffing: False
    for any other bytes or zip, without loading a zip directory of more than ``max_zip_members`` entries
    (raises ``DataError("data.errors.xlsx_zip_members")`` instead).

    >>> is_workbook(b"customer,amount"), is_workbook(b"PK\\x05\\x06" + bytes(18))
    (False, False)
    """
    try:
        with _Book(data, None, limits or Limits()) as book:
            return any(name.startswith("xl/") for name in book.infos)
    except DataError as err:
        if err.key == "data.errors.unreadable":
            return False
        raise


def sheet_names(data: bytes, filename: str | None = None, limits: Limits | None = None) -> list[str]:
    """The names of the workbook's sheets, in order; reads only the zip directory, the relationships and
    ``workbook.xml`` (within ``limits``).

    >>> import io, openpyxl
    >>> wb = openpyxl.Workbook(); wb.active.title = "Orders"; _ = wb.create_sheet("Returns")
    >>> buf = io.BytesIO(); wb.save(buf)
    >>> sheet_names(buf.getvalue())
    ['Orders', 'Returns']
    """
    book = _Book(data, filename, limits or Limits())
    with book:
        return [name for name, _ in book.workbook()[0]]


def read_sheet(
    data: bytes,
    sheet: int | str | None = None,
    filename: str | None = None,
    is_header: Callable[[list], bool] | None = None,
    limits: Limits | None = None,
) -> Sheet:
    """Read one sheet of an .xlsx workbook (its bytes) within ``limits``.

    ``sheet``: None for the first sheet, a 0-based position, or a name. ``is_header(cells)`` decides
    whether the first non-empty row (its values from column A to its last value) is a header; default
    ``looks_like_header``. It may answer ``TITLE`` for a title row above the table: that row is kept in
    ``Sheet.skipped`` and the next non-empty row is asked in turn. ``filename`` is only used in messages.

    Raises ``DataError``: ``no_sheet`` (no such sheet), ``empty`` (no value in the sheet), ``no_rows`` (a
    header only), ``too_many_columns`` / ``xlsx_stray_cell`` (a value beyond ``max_columns``),
    ``unreadable`` (a damaged file), or one ``xlsx_*`` key per bound of ``Limits``.
    """
    limits = limits or Limits()
    book = _Book(data, filename, limits)
    with book:
        sheets, date1904, rels = book.workbook()
        names = [name for name, _ in sheets]
        if not names:
            raise DataError("data.errors.empty", name=book.name)
        if sheet is None:
            position = 0
        elif isinstance(sheet, int) and not isinstance(sheet, bool):
            if not 0 <= sheet < len(names):
                raise DataError("data.errors.no_sheet", sheet=sheet, sheets=", ".join(names))
            position = sheet
        elif sheet in names:
            position = names.index(sheet)
        else:
            raise DataError("data.errors.no_sheet", sheet=sheet, sheets=", ".join(names))
        name, rel_id = sheets[position]
        target = rels.get(rel_id, (None, None))[1]
        if target is None:
            raise DataError(
                "data.errors.unreadable", name=book.name, detail=f"sheet {name} has no part in the workbook"
            )
        strings = book.shared_strings(_find_rel(rels, "/sharedStrings", "xl/sharedStrings.xml", book))
        date_styles, timedelta_styles = book.styles(_find_rel(rels, "/styles", "xl/styles.xml", book))
        reader = _SheetReader(
            book, name, strings, date_styles, timedelta_styles, _epoch(date1904), is_header or looks_like_header
        )
        reader.read(target)
        return reader.sheet()


# ----------------------------------------------------------------------------------------------
# The zip and its small parts
# ----------------------------------------------------------------------------------------------


class _Stop(Exception):
    """Raised inside an expat handler to stop reading a part early (the sheet after </sheetData>)."""


class _Book:
    """An open workbook zip with the bounds of one read: the clock, the bytes unpacked so far."""

    def __init__(self, data: bytes, filename: str | None, limits: Limits):
        self.name = filename or "This workbook"
        self.limits = limits
        self.deadline = time.monotonic() + limits.max_seconds
        self.declared = 0  # declared sizes of the parts opened so far
        self.shared_bytes = 0  # memory model: the shared-strings table read
        data = bytes(data)
        members = data.count(_ZIP_ENTRY)  # an upper bound on the entries zipfile would load
        if members > limits.max_zip_members:
            raise DataError(
                "data.errors.xlsx_zip_members",
                name=self.name,
                count=f"{members:,}",
                limit=f"{limits.max_zip_members:,}",
            )
        try:
            self.zf = zipfile.ZipFile(io.BytesIO(data))
            self.infos = {info.filename.lower().lstrip("/"): info for info in self.zf.infolist()}
        except (
            zipfile.BadZipFile,
            zipfile.LargeZipFile,
            OSError,
            EOFError,
            ValueError,
            KeyError,
            IndexError,
            struct.error,
            NotImplementedError,
            RuntimeError,
        ) as err:
            raise DataError("data.errors.unreadable", name=self.name, detail=f"not a zip file ({err})") from None

    def __enter__(self) -> _Book:
        return self

    def __exit__(self, *exc) -> None:
        self.zf.close()

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise DataError("data.errors.xlsx_too_slow", name=self.name, limit=f"{self.limits.max_seconds:g}")

    def has(self, part: str) -> bool:
        return part.lower() in self.infos

    def parse(
        self, part: str, limit: int, start=None, end=None, chars=None, too_large=None, namespaces: bool = True
    ) -> None:
        """Stream one part through expat with the handlers given; DOCTYPEs are refused. ``too_large``:
        the DataError to raise when the part's declared size is over ``limit`` (default: xlsx_part_size).
        ``namespaces``: element names as "namespace local" (else as written, "c" or "x:c": faster)."""
        info = self.infos.get(part.lower())
        if info is None:
            raise DataError("data.errors.unreadable", name=self.name, detail=f"the part {part} is missing")
        if info.file_size > limit:
            raise too_large or DataError(
                "data.errors.xlsx_part_size", name=self.name, part=part, size=_mb(info.file_size), limit=_mb(limit)
            )
        self.declared += info.file_size
        if self.declared > self.limits.max_unpacked_bytes:
            raise DataError(
                "data.errors.xlsx_unpacked_size",
                name=self.name,
                size=_mb(self.declared),
                limit=_mb(self.limits.max_unpacked_bytes),
            )
        parser = expat.ParserCreate(namespace_separator=" ") if namespaces else expat.ParserCreate()
        parser.buffer_text = True
        parser.buffer_size = CHUNK_BYTES
        parser.StartDoctypeDeclHandler = self._refuse_doctype(part)
        parser.EntityDeclHandler = self._refuse_doctype(part)
        parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, chars
        seen = 0
        try:
            with self.zf.open(info) as stream:
                while chunk := stream.read(CHUNK_BYTES):
                    seen += len(chunk)
                    if seen > info.file_size:  # zipfile stops at the declared size; be sure
                        raise DataError(
                            "data.errors.unreadable", name=self.name, detail=f"{part} is larger than the zip says"
                        )
                    self.check_time()
                    parser.Parse(chunk, False)
                    if seen - parser.CurrentByteIndex > MAX_TOKEN_BYTES:  # one tag or comment that long
                        raise DataError(
                            "data.errors.unreadable",
                            name=self.name,
                            detail=f"{part} has an XML token over {_mb(MAX_TOKEN_BYTES)} MB",
                        )
                parser.Parse(b"", True)
        except _Stop:
            pass
        except DataError:  # a bound hit inside a handler (a ValueError too)
            raise
        except expat.ExpatError as err:
            raise DataError(
                "data.errors.unreadable",
                name=self.name,
                detail=f"{part}: {expat.ErrorString(err.code)}, line {err.lineno}",
            ) from None
        except (
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            OSError,
            RuntimeError,
            NotImplementedError,
            ValueError,
            OverflowError,
            IndexError,
            KeyError,
            struct.error,
        ) as err:
            raise DataError("data.errors.unreadable", name=self.name, detail=f"{part}: {err}"[:200]) from None

    def _refuse_doctype(self, part: str):
        def refuse(*_):
            raise DataError("data.errors.xlsx_doctype", name=self.name, part=part)

        return refuse

    def relationships(self, part: str) -> dict[str, tuple[str, str | None]]:
        """``{Id: (Type, target part)}`` of ``part``'s relationships (none when it has no .rels part)."""
        folder, base = posixpath.split(part)
        rels_part = posixpath.join(folder, "_rels", base + ".rels")
        if not self.has(rels_part):
            return {}
        rels: dict[str, tuple[str, str | None]] = {}

        def start(name, attrs):
            if _local(name) == "Relationship" and "Id" in attrs:
                target = attrs.get("Target", "")
                if attrs.get("TargetMode") == "External" or not target:
                    path = None
                elif target.startswith("/"):
                    path = target.lstrip("/")
                else:
                    path = posixpath.normpath(posixpath.join(folder, target))
                rels[attrs["Id"]] = (attrs.get("Type", ""), path)

        self.parse(rels_part, self.limits.max_part_bytes, start=start)
        return rels

    def workbook(self) -> tuple[list[tuple[str, str]], bool, dict]:
        """The sheets as ``(name, relationship id)``, whether dates count from 1904, and the workbook's
        relationships."""
        part = _find_rel(self.relationships(""), "/officeDocument", "xl/workbook.xml", self)
        if part is None:
            raise DataError("data.errors.unreadable", name=self.name, detail="it has no workbook part")
        sheets: list[tuple[str, str]] = []
        flags = {"date1904": False}

        def start(name, attrs):
            local = _local(name)
            if local == "sheet":
                rel_id = next((v for k, v in attrs.items() if k == "id" or k.endswith(" id")), "")
                sheets.append((attrs.get("name", f"Sheet{len(sheets) + 1}"), rel_id))
            elif local == "workbookPr":
                flags["date1904"] = attrs.get("date1904", "0").lower() in ("1", "true")

        self.parse(part, self.limits.max_part_bytes, start=start)
        return sheets, flags["date1904"], self.relationships(part)

    def shared_strings(self, part: str | None) -> list[str | None]:
        """The shared-strings table: the plain text of each entry (phonetic runs left out, as openpyxl
        does), None for a blank one."""
        strings: list[str | None] = []
        if part is None:
            return strings
        pieces: list[str] = []
        state = {"text": False, "phonetic": 0}
        limit = self.limits.max_shared_strings_bytes
        size = self.infos[part.lower()].file_size if self.has(part) else 0

        def too_large(held: int) -> DataError:
            return DataError(
                "data.errors.xlsx_shared_strings", name=self.name, size=_mb(max(size, held)), limit=_mb(limit)
            )

        def start(name, attrs):
            local = _local(name)
            if local == "si":
                pieces.clear()
            elif local == "t":
                state["text"] = state["phonetic"] == 0
            elif local == "rPh":
                state["phonetic"] += 1

        def end(name):
            local = _local(name)
            if local == "si":
                text = "".join(pieces).replace("x005F_", "")
                strings.append(None if not text or text.isspace() else text)
                self.shared_bytes += SLOT_BYTES + VALUE_BYTES
                if self.shared_bytes > limit:
                    raise too_large(self.shared_bytes)
            elif local == "t":
                state["text"] = False
            elif local == "rPh":
                state["phonetic"] -= 1

        def chars(text):
            if state["text"]:
                pieces.append(text)
                self.shared_bytes += len(text)

        self.parse(part, limit, start=start, end=end, chars=chars, too_large=too_large(0))
        return strings

    def styles(self, part: str | None) -> tuple[frozenset[str], frozenset[str]]:
        """The cell-format indices (as written in a cell's ``s`` attribute) that show dates, and those of
        them that show durations: openpyxl's rule (``is_date_format`` of the format code)."""
        if part is None:
            return frozenset(), frozenset()
        from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

        custom: dict[str, str] = {}
        xf_formats: list[str] = []
        where = {"numFmts": False, "cellXfs": False}

        def start(name, attrs):
            local = _local(name)
            if local in where:
                where[local] = True
            elif local == "numFmt" and where["numFmts"] and len(custom) < MAX_CELL_STYLES:
                custom[attrs.get("numFmtId", "")] = attrs.get("formatCode", "")
            elif local == "xf" and where["cellXfs"] and len(xf_formats) < MAX_CELL_STYLES:
                xf_formats.append(attrs.get("numFmtId", "0"))

        def end(name):
            local = _local(name)
            if local in where:
                where[local] = False

        self.parse(part, self.limits.max_part_bytes, start=start, end=end)
        kinds: dict[str, tuple[bool, bool]] = {}  # each format judged once, however many use it
        for fmt_id in set(xf_formats):
            self.check_time()
            fmt = custom.get(fmt_id)
            if fmt is None and fmt_id.isascii() and fmt_id.isdigit() and len(fmt_id) < 6:
                fmt = BUILTIN_FORMATS.get(int(fmt_id))
            if fmt is not None and len(fmt) > MAX_FORMAT_CHARS:
                fmt = None  # not from Excel; never run its patterns on it
            is_date = is_date_format(fmt)
            kinds[fmt_id] = (is_date, is_date and is_timedelta_format(fmt))
        dates = frozenset(str(i) for i, fmt_id in enumerate(xf_formats) if kinds[fmt_id][0])
        durations = frozenset(str(i) for i, fmt_id in enumerate(xf_formats) if kinds[fmt_id][1])
        return dates, durations


def _find_rel(rels: dict, type_suffix: str, fallback: str, book: _Book) -> str | None:
    """The target of the first relationship whose type ends with ``type_suffix``, else ``fallback`` when
    the zip holds it, else None."""
    for rel_type, target in rels.values():
        if rel_type.endswith(type_suffix) and target is not None and book.has(target):
            return target
    return fallback if book.has(fallback) else None


def _local(name: str) -> str:
    return name.rpartition(" ")[2]


def _mb(size: int) -> str:
    return f"{size / 2**20:,.0f}" if size >= 2**20 else f"{size / 2**20:.2f}"


def _epoch(date1904: bool) -> datetime:
    from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH

    return MAC_EPOCH if date1904 else WINDOWS_EPOCH


def _column_letter(index: int) -> str:
    """1 -> "A", 27 -> "AA" (Excel's column names).

    >>> _column_letter(1), _column_letter(200), _column_letter(16384)
    ('A', 'GR', 'XFD')
    """
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# ----------------------------------------------------------------------------------------------
# The sheet: one pass, cells straight into columns
# ----------------------------------------------------------------------------------------------


class _SheetReader:
    """The state of one streamed sheet: expat handlers fill ``columns`` (lists indexed by column number)
    row by row; blank rows are dropped as they end."""

    def __init__(
        self,
        book: _Book,
        name: str,
        strings: list[str | None],
        date_styles: frozenset[str],
        timedelta_styles: frozenset[str],
        epoch: datetime,
        is_header: Callable[[list], bool],
    ):
        self.book, self.name, self.limits = book, name, book.limits
        self.strings, self.date_styles, self.timedelta_styles = strings, date_styles, timedelta_styles
        self.epoch, self.is_header = epoch, is_header
        from openpyxl.utils.datetime import from_excel

        self.from_excel = from_excel
        self.date_cache: dict = {}
        self.header: list | None = None
        self.skipped: list[str] = []
        self.first_row_seen = False
        self.columns: list[list] = [[] for _ in range(self.limits.max_columns + 1)]  # [0] unused
        self.row_numbers = array("q")
        self.width = 0
        self.values = 0  # non-blank body values held
        self.text_chars = 0  # characters of text held
        self.shared_bytes = book.shared_bytes  # the shared-strings table, held throughout

    def read(self, part: str) -> None:
        """Stream the sheet's XML once; each row's values go straight into ``columns`` as the row ends.
        The hot path (every cell) is inlined in closures: expat calls ``start``/``chars``/``end`` per
        element, so each attribute lookup and call saved here is saved millions of times."""
        lim, book = self.limits, self.book
        max_cell_chars, max_text_chars, max_columns = lim.max_cell_chars, lim.max_text_chars, lim.max_columns
        strings, date_styles, dates = self.strings, self.date_styles, self.dates
        tags = _Tags()
        letters_cache: dict[str, int] = {}
        row: dict[int, object] = {}
        row_number = column = phonetic = 0
        ref = kind = style = text = None
        capture = False

        def start(name, attrs):
            nonlocal ref, kind, style, text, capture, row_number, column, phonetic
            tag = tags[name]
            if tag == _CELL:
                ref, kind, style, text = attrs.get("r"), attrs.get("t"), attrs.get("s"), None
            elif tag == _VALUE:
                capture = kind != "inlineStr"
            elif tag == _TEXT:
                capture = kind == "inlineStr" and not phonetic
            elif tag == _ROW:
                number = attrs.get("r")
                row_number = self._row_number(number) if number is not None else row_number + 1
                if row_number > lim.max_rows:
                    raise self._too_many_rows()
                column = 0
                row.clear()
            elif tag == _PHONETIC:
                phonetic += 1

        def chars(data):
            nonlocal text
            if capture:
                text = data if text is None else text + data
                if len(text) > max_cell_chars:
                    raise self._long_cell(ref or f"{_column_letter(column + 1)}{row_number}")

        def end(name):
            nonlocal text, capture, column, phonetic
            tag = tags[name]
            if tag == _VALUE or tag == _TEXT:
                capture = False
            elif tag == _CELL:
                if ref:
                    letters = ref.rstrip(_DIGITS)
                    column = letters_cache.get(letters) or letters_cache.setdefault(
                        letters, self._column_number(letters, ref)
                    )
                else:
                    column += 1
                if text is None:
                    return
                if kind is None or kind == "n":
                    try:
                        value = float(text) if ("." in text or "e" in text or "E" in text) else int(text)
                        if type(value) is float and not -EXACT_FLOAT_INTEGER < value < EXACT_FLOAT_INTEGER:
                            value = _number(text)  # whole digits as written; None for inf, nan
                    except ValueError:
                        value = self._number_or_fail(text, column, row_number)
                    if style is not None and value is not None and style in date_styles:
                        value = dates(value, style)
                elif kind == "s":
                    try:
                        value = strings[int(text)]
                    except (ValueError, IndexError):
                        raise DataError(
                            "data.errors.unreadable",
                            name=book.name,
                            detail=f"cell {_column_letter(column)}{row_number} points to no shared text",
                        ) from None
                    if value is not None:
                        if len(value) > max_cell_chars:
                            raise self._long_cell(f"{_column_letter(column)}{row_number}")
                        self.text_chars += len(value)
                        if self.text_chars > max_text_chars:
                            raise self._too_much_text()
                else:
                    value = self._other_value(text, kind, column, row_number)
                if value is not None:
                    if column > max_columns:
                        raise self._too_wide(row, column, row_number)
                    row[column] = value
                text = None
            elif tag == _ROW:
                if row:
                    self._commit(row, row_number)
            elif tag == _PHONETIC:
                phonetic -= 1
            elif tag == _SHEET_DATA:
                raise _Stop

        limit = lim.max_unpacked_bytes
        size = book.infos[part.lower()].file_size if book.has(part) else 0
        book.parse(
            part,
            limit,
            start=start,
            end=end,
            chars=chars,
            namespaces=False,
            too_large=DataError("data.errors.xlsx_unpacked_size", name=book.name, size=_mb(size), limit=_mb(limit)),
        )

    def _number_or_fail(self, text: str, column: int, row: int) -> int | float | None:
        """A number cell that int() and float() refused: blank -> None, a number written otherwise (a
        thousand digits) as ``_number`` reads it, anything else -> DataError."""
        if not text.strip():
            return None
        try:
            Decimal(text.strip())
        except InvalidOperation:
            raise DataError(
                "data.errors.unreadable",
                name=self.book.name,
                detail=f"cell {_column_letter(column)}{row} holds {text[:20]!r}, not a number",
            ) from None
        return _number(text)

    def dates(self, value: int | float, style: str):
        """An Excel serial number in a date format as openpyxl reads it (a datetime; a time before day 1;
        a timedelta in a duration format); remembered per serial, as a column repeats its days."""
        key = (value, style)
        found = self.date_cache.get(key)
        if found is None:
            try:
                found = self.from_excel(value, self.epoch, timedelta=style in self.timedelta_styles)
            except (OverflowError, ValueError):
                found = "#VALUE!"  # openpyxl's reading of an impossible date
            if len(self.date_cache) < DATE_CACHE_SIZE:
                self.date_cache[key] = found
        return found

    def _other_value(self, text: str, kind: str, column: int, row: int):
        """Booleans, ISO dates ("d") and text cells ("str" formula results, "inlineStr", "e" errors such
        as #N/A) as openpyxl reads them with ``data_only=True``; blank text -> None."""
        if kind == "b":
            return text.strip() not in ("0", "false", "")
        if kind == "d":
            from openpyxl.utils.datetime import from_ISO8601

            try:
                return from_ISO8601(text)
            except (ValueError, TypeError, AttributeError):
                pass
        if not text or text.isspace():
            return None
        self.text_chars += len(text)
        if self.text_chars > self.limits.max_text_chars:
            raise self._too_much_text()
        return text

    def _too_much_text(self) -> DataError:
        return DataError("data.errors.xlsx_text", sheet=self.name, limit=f"{self.limits.max_text_chars / 1e6:,.0f}")

    def _row_number(self, text: str) -> int:
        try:
            number = int(text)
        except ValueError:
            raise DataError(
                "data.errors.unreadable",
                name=self.book.name,
                detail=f"sheet {self.name} has a row numbered {text[:20]!r}",
            ) from None
        if number < 1:
            raise DataError(
                "data.errors.unreadable", name=self.book.name, detail=f"sheet {self.name} has a row numbered {number}"
            )
        return number

    def _column_number(self, letters: str, ref: str) -> int:
        if not letters or len(letters) > 3 or not letters.isascii() or not letters.isalpha():
            raise DataError(
                "data.errors.unreadable", name=self.book.name, detail=f"sheet {self.name} has a cell named {ref[:20]!r}"
            )
        number = 0
        for ch in letters.upper():
            number = number * 26 + ord(ch) - 64
        return number

    def _commit(self, row: dict, number: int) -> None:
        """Check one non-empty row against the bounds and append it to the columns (or keep it as the
        header)."""
        columns, row_numbers = self.columns, self.row_numbers
        last = max(row)
        if not self.first_row_seen:
            cells = [row.get(j) for j in range(1, last + 1)]
            verdict = self.is_header(cells)
            if verdict == TITLE and len(self.skipped) < MAX_TITLE_ROWS:
                self.skipped.append(" ".join(str(v) for v in cells if v is not None))
                return
            self.first_row_seen = True
            if verdict:
                self.header = cells
                self.width = last
                return
        k = len(row_numbers)
        if k >= self.limits.max_rows:
            raise self._too_many_rows()
        for j, value in row.items():
            column = columns[j]
            if len(column) != k:
                column.extend([None] * (k - len(column)))
            column.append(value)
        row_numbers.append(number)
        if last > self.width:
            self.width = last
        self.values += len(row)
        cells = (k + 1) * self.width
        if cells > self.limits.max_cells:
            raise DataError(
                "data.errors.xlsx_cells",
                sheet=self.name,
                rows=f"{k + 1:,}",
                columns=self.width,
                limit=f"{self.limits.max_cells:,}",
            )
        memory = cells * SLOT_BYTES + self.values * VALUE_BYTES + 2 * self.text_chars + self.shared_bytes
        if memory > self.limits.max_memory_bytes:
            raise DataError(
                "data.errors.xlsx_memory", sheet=self.name, rows=f"{k + 1:,}", limit=_mb(self.limits.max_memory_bytes)
            )

    def _too_wide(self, row: dict, column: int, number: int) -> DataError:
        """A value beyond ``max_columns``: a wide table when the row already fills every column before it,
        else a stray cell (named, so the user can delete it)."""
        limit = self.limits.max_columns
        if len(row) >= limit:
            return DataError("data.errors.too_many_columns", count=column, limit=limit)
        return DataError(
            "data.errors.xlsx_stray_cell",
            sheet=self.name,
            cell=f"{_column_letter(column)}{number}",
            column=_column_letter(limit),
            limit=limit,
        )

    def _too_many_rows(self) -> DataError:
        return DataError("data.errors.xlsx_rows", sheet=self.name, limit=f"{self.limits.max_rows:,}")

    def _long_cell(self, ref: str) -> DataError:
        return DataError(
            "data.errors.xlsx_long_cell", sheet=self.name, cell=ref, limit=f"{self.limits.max_cell_chars:,}"
        )

    def sheet(self) -> Sheet:
        if not self.first_row_seen:
            raise DataError("data.errors.empty", name=f"{self.book.name} [{self.name}]")
        n = len(self.row_numbers)
        if n == 0:
            raise DataError("data.errors.no_rows", name=self.book.name)
        columns = []
        for j in range(1, self.width + 1):
            self.book.check_time()
            values = self.columns[j]
            self.columns[j] = []  # let each list go as soon as it is typed
            if len(values) < n:
                values.extend([None] * (n - len(values)))
            columns.append(_typed_column(values))
        header = None if self.header is None else self.header + [None] * (self.width - len(self.header))
        return Sheet(
            name=self.name,
            header=header,
            skipped=tuple(self.skipped),
            columns=columns,
            row_numbers=np.frombuffer(self.row_numbers, dtype=np.int64).copy(),
        )


# ----------------------------------------------------------------------------------------------
# Typing a column
# ----------------------------------------------------------------------------------------------


def _typed_column(values: list) -> pa.Array:
    """One body column's values (None for blanks) as an Arrow array: dates -> timestamp[us]; whole numbers
    -> int64 (text beyond int64); numbers with a fraction -> float64; anything else -> text.

    >>> _typed_column([123456789012345678, None, 5.0]).to_pylist()
    [123456789012345678, None, 5]
    >>> _typed_column([1, 2.5]).type, _typed_column([2**63, 1]).to_pylist()
    (DataType(double), ['9223372036854775808', '1'])
    >>> _typed_column([123456789012345679, 2.5, "x", True]).to_pylist()
    ['123456789012345679', '2.5', 'x', 'True']
    >>> _typed_column([datetime(2024, 1, 5), date(2024, 2, 1)]).to_pylist()[1]
    datetime.datetime(2024, 2, 1, 0, 0)
    """
    kinds = set(map(type, values))
    kinds.discard(type(None))
    if not kinds:
        return pa.nulls(len(values), pa.string())
    if kinds <= {int, float}:
        if float in kinds:
            if not all(v.is_integer() for v in values if type(v) is float):
                return pa.array([float(v) if type(v) is int else v for v in values], type=pa.float64())
            values = [int(v) if type(v) is float else v for v in values]
        try:
            return pa.array(values, type=pa.int64())
        except (OverflowError, pa.ArrowInvalid):
            return pa.array([None if v is None else str(v) for v in values], type=pa.string())
    if kinds == {str}:
        return pa.array(values, type=pa.string())
    if kinds <= {datetime, date}:
        if date in kinds:
            values = [datetime(v.year, v.month, v.day) if type(v) is date else v for v in values]
        return pa.array(values, type=pa.timestamp("us"))
    return pa.array([_cell_text(v) for v in values], type=pa.string())


def _number(text: str) -> int | float | None:
    """A number as written, exactly when it is whole; None when it is not a finite number.

    >>> _number("1.234567890123457E+17"), _number(" 12 "), _number("2.5"), _number("inf"), _number("x")
    (123456789012345700, 12, 2.5, None, None)
    >>> _number("1E40"), _number("1E400")                   # longer than any id: a float (None if too big)
    (1e+40, None)
    """
    try:
        exact = Decimal(text.strip())
    except InvalidOperation:
        return None
    if not exact.is_finite():
        return None
    if exact.adjusted() < MAX_WHOLE_DIGITS and exact == exact.to_integral_value():
        return int(exact)
    value = float(exact)
    return value if -math.inf < value < math.inf else None


def _cell_text(v) -> str | None:
    """A cell as text: whole numbers exactly, dates as ISO dates (with the time when there is one).

    >>> _cell_text(123456789012345678), _cell_text(12.0), _cell_text(datetime(2024, 1, 5, 10, 30))
    ('123456789012345678', '12', '2024-01-05 10:30:00')
    """
    if v is None:
        return None
    if type(v) is float and v.is_integer():
        return str(int(v))
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S") if (v.hour or v.minute or v.second) else v.strftime("%Y-%m-%d")
    if isinstance(v, date):
        return v.strftime("%Y-%m-%d")
    return str(v)
