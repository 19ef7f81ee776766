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

Performance: CSV is parsed by pyarrow with every column as text, then each role column is converted
once with vectorised kernels (an explicit date format is detected on a sample, never per row).

>>> import io
>>> csv = b"customer,date,amount\\nA,2024-01-05,10\\nA,2024-02-05,-4\\nB,05/01/2024,x\\nB,2024-03-01,20\\n"
>>> res = read_transactions(io.BytesIO(csv), options=ReadOptions(analysis_date="2024-12-31"))
>>> res.report.rows_read, res.report.rows_kept, res.report.counts
(4, 3, {'unreadable_date': 1})
>>> res.report.returns_netted, res.report.date_format
(1, '%Y-%m-%d')
"""

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

from .. import i18n
from ..errors import DataError, InputError
from . import payments
from . import xlsx as _xlsx
from .amounts import AMBIGUOUS_DECIMAL as AMOUNT_AMBIGUOUS
from .amounts import IMPLAUSIBLE as AMOUNT_IMPLAUSIBLE
from .amounts import MAX_ABS_AMOUNT, AmountParse, parse_amounts, read_amounts  # noqa: F401  (public names)
from .amounts import NOT_A_NUMBER as AMOUNT_NOT_A_NUMBER
from .dates import EXCEL_EPOCH, EXCEL_SERIAL_RANGE, SANE_YEARS, DateParse, parse_dates  # noqa: F401  (public names)
from .dates import date_share as _date_share
from .text import as_array as _as_array
from .text import column_names as _column_names
from .text import looks_like_value as _looks_like_value
from .text import to_text as _to_text

MAX_COLUMNS = 200                  # more columns than this is not a transaction table
EXAMPLES_PER_REASON = 5            # example rows kept per set-aside reason
MAX_LISTED = 8                     # statuses, currencies or column names listed in one report line
MAX_ROWS = 10_000_000              # rows in one table (a 5,000,000-row log is about 150 MB as CSV)
MAX_TABLE_BYTES = 2 * 2**30        # a Parquet file's declared uncompressed size
SNIFF_BYTES = 256 * 1024           # bytes looked at to detect encoding and delimiter
SNIFF_LINES = 60                   # lines looked at to detect the delimiter and the header
MAX_MALFORMED = 100_000            # malformed lines before a file is refused as not this kind of table
MAX_TITLE_LINES = 10               # lines above the header (a title, a date range) that are skipped
PROFILE_VALUES = 300               # values looked at to guess a column's role
SAMPLE_VALUES = 2000               # values sampled to detect date formats and decimal marks
DELIMITERS = (",", ";", "\t", "|")
EXCEL_PLAUSIBLE_SERIALS = (18264.0, 73051.0)  # 1950-01-01 .. 2100-01-01: a whole-number column here may be dates
ROLES = ("customer_id", "date", "amount", "order_id", "quantity", "product", "channel", "status", "currency")
REQUIRED_ROLES = ("customer_id", "date", "amount")
SUMMARY_COLUMNS = ("frequency", "recency", "T", "monetary_value")
SUBSCRIPTION_ROLES = ("customer_id", "plan", "start_date", "end_date", "monthly_amount")
SUBSCRIPTION_REQUIRED = ("customer_id", "start_date", "monthly_amount")

# Set-aside reasons, in the order they are checked (a row gets the first that applies).
TRANSACTION_REASONS = ("malformed_row", "missing_customer", "undecodable_customer", "not_paid", "unreadable_date",
                       "non_numeric_amount", "ambiguous_decimal", "implausible_amount", "other_currency", "zero_amount", "negative_amount", "duplicate_row", "after_analysis_date",
                       "return_without_purchase")
SUMMARY_REASONS = ("malformed_row", "missing_customer", "non_numeric_summary", "negative_summary",
                   "non_integer_frequency", "recency_after_T", "zero_frequency_with_recency",
                   "duplicate_customer")
SUBSCRIPTION_REASONS = ("malformed_row", "missing_customer", "unreadable_date", "unreadable_end_date",
                        "non_numeric_amount", "negative_amount", "end_before_start", "duplicate_row",
                        "after_analysis_date")

_EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

# Header names per role (normalised: lower case, "_" for spaces; Arabic without diacritics/tatweel,
# alef forms unified). Exact matches score highest, then a name containing one of these as a word.
HEADER_NAMES = {
    "customer_id": ("customer_id", "customer", "customerid", "cust_id", "customer_no", "customer_number",
                    "client", "client_id", "clientid", "user", "user_id", "userid", "member", "member_id",
                    "account", "account_id", "buyer", "buyer_id", "email", "shopper", "id_customer",
                    "رقم_العميل", "العميل", "عميل", "معرف_العميل", "كود_العميل", "الزبون", "رقم_الزبون",
                    "زبون", "المشتري", "رقم_الحساب", "billing_email", "customer_email", "from_email_address",
                    "customer_user", "kunde", "kundennummer", "kunden_nr", "kundenummer", "e_mail", "numero_client",
                    "cliente", "id_cliente", "klant"),
    "date": ("date", "order_date", "invoice_date", "invoicedate", "purchase_date", "transaction_date",
             "datetime", "timestamp", "time", "ts", "created_at", "created", "day", "orderdate", "sale_date",
             "التاريخ", "تاريخ", "تاريخ_الطلب", "تاريخ_الشراء", "تاريخ_الفاتوره", "تاريخ_العمليه", "اليوم",
             "paid_at", "created_(utc)", "created_date_(utc)", "datum", "bestelldatum", "rechnungsdatum",
             "date_de_commande", "fecha", "fecha_pedido", "data"),
    "amount": ("amount", "revenue", "sales", "total", "value", "spend", "order_value", "order_total",
               "net_amount", "amount_paid", "gross", "payment", "price", "dollars", "monetary", "sum",
               "total_amount", "sale_amount", "line_total", "المبلغ", "القيمه", "الاجمالي", "المبيعات",
               "السعر", "مبلغ", "قيمه", "المجموع", "الايراد", "order_total_amount", "net", "betrag", "umsatz",
               "summe", "gesamt", "gesamtbetrag", "montant", "montant_ttc", "importe", "bedrag"),
    "order_id": ("order_id", "order", "orderid", "order_no", "order_number", "invoice", "invoice_no",
                 "invoiceno", "invoice_id", "transaction_id", "transaction", "receipt", "receipt_no",
                 "رقم_الطلب", "رقم_الفاتوره", "الفاتوره", "الطلب", "رقم_العمليه", "bestellnummer",
                 "rechnungsnummer", "commande", "numero_de_commande", "pedido"),
    "quantity": ("quantity", "qty", "units", "items", "item_count", "count", "الكميه", "كميه", "العدد"),
    "product": ("product", "category", "product_category", "item", "sku", "product_name", "description",
                "المنتج", "الفئه", "الصنف", "منتج", "التصنيف"),
    "channel": ("channel", "source", "medium", "platform", "store", "sales_channel", "القناه", "المصدر",
                "قناه_البيع"),
}


# ----------------------------------------------------------------------------------------------
# Options and results
# ----------------------------------------------------------------------------------------------

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


@dataclass(frozen=True, slots=True)
class SetAside:
    """One reason rows were set aside: its code (catalogue key ``data.reasons.<reason>``), how many
    rows, and a few example rows as they appeared in the file (with their 1-based ``row`` number)."""

    reason: str
    count: int
    examples: pd.DataFrame = field(repr=False)

    def label(self, lang: str = "en") -> str:
        return i18n.text(f"data.reasons.{self.reason}", lang)


@dataclass(frozen=True)
class LoadReport:
    """What happened to every row: ``rows_read == rows_kept + sum(s.count for s in set_aside_reasons)``.

    ``set_aside`` holds all set-aside rows (file columns, ``row`` = 1-based data row number, ``reason``),
    ready for download with ``clv.export.safe_csv``. ``returns_netted`` counts negative amounts kept
    (option returns="net"); they are part of ``rows_kept``.
    """

    rows_read: int
    rows_kept: int
    file_format: str                       # "csv", "xlsx", "parquet" or "frame"
    encoding: str | None = None            # codec used for text files
    delimiter: str | None = None
    decimal: str | None = None             # decimal mark used for amounts ("." or ",")
    date_format: str | None = None         # strptime format chosen, "excel-serial", "ISO8601" or "native"
    dayfirst: bool | None = None           # interpretation used for d/m vs m/d (None: not applicable)
    date_ambiguous: bool = False           # True when no value decided d/m vs m/d
    sheet: str | None = None
    analysis_date: pd.Timestamp | None = None
    returns_mode: str = "net"
    returns_netted: int = 0
    has_header: bool = True
    columns: tuple[str, ...] = ()          # the table's column names as read (generated when no header)
    skipped_lines: tuple[str, ...] = ()    # lines above the header that were not read (a title, "sep=;")
    blank_lines: int = 0                   # lines of spaces only (not records)
    undecodable_rows: int = 0              # rows with bytes the encoding could not decode (shown as �)
    date_other_format: int = 0             # dates written in another format than the column's (set aside)
    status_column: str | None = None       # the payment status column used, if any
    paid_statuses: tuple[str, ...] = ()    # the statuses counted as revenue
    statuses_found: dict = field(default_factory=dict)         # status -> rows, every status in the file
    statuses_set_aside: dict = field(default_factory=dict)     # status -> rows set aside as not paid
    currency: str | None = None            # the currency analysed, when amounts name one
    currencies_found: dict = field(default_factory=dict)       # currency -> rows, most frequent first
    currencies_set_aside: dict = field(default_factory=dict)   # other currency -> rows set aside
    ids_merged_by_case: int = 0            # e-mail ids that differed only in case (merged)
    set_aside_reasons: tuple[SetAside, ...] = ()
    set_aside: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    @property
    def counts(self) -> dict[str, int]:
        """Set-aside counts by reason (only reasons that occurred), in checking order."""
        return {s.reason: s.count for s in self.set_aside_reasons}

    @property
    def rows_set_aside(self) -> int:
        return sum(s.count for s in self.set_aside_reasons)

    def lines(self, lang: str = "en") -> list[str]:
        """The report as sentences: rows read and kept, then one line per reason with its count.

        >>> LoadReport(rows_read=10, rows_kept=9, file_format="csv",
        ...            set_aside_reasons=(SetAside("zero_amount", 1, pd.DataFrame()),)).lines()
        ['Read 10 rows; kept 9.', 'Zero amount: 1 row set aside.']
        """
        out = [i18n.text("data.report.read_kept", lang, read=self.rows_read, kept=self.rows_kept)]
        for s in self.set_aside_reasons:
            key = "data.report.reason_one" if s.count == 1 else "data.report.reason_many"
            out.append(i18n.text(key, lang, reason=s.label(lang), count=s.count))
        if self.returns_netted:
            out.append(i18n.text("data.report.returns_netted", lang, count=self.returns_netted))
        if self.date_ambiguous:
            out.append(i18n.text("data.report.date_ambiguous", lang))
        out.extend(self.notes(lang))
        return out

    def notes(self, lang: str = "en") -> list[str]:
        """How the file was read, where it matters: the header decision, lines not read, undecodable bytes,
        statuses and currencies set aside, e-mail ids merged. User text is quoted, never formatted.

        >>> LoadReport(rows_read=3, rows_kept=3, file_format="csv", has_header=False,
        ...            columns=("column_1", "column_2")).notes()
        ['The first row holds values, not column names, so it was read as data; the columns are named column_1, column_2.']
        """
        t = lambda key, **v: i18n.text(f"data.report.{key}", lang, **v)   # noqa: E731
        out = []
        if not self.has_header and self.file_format in ("csv", "xlsx"):
            out.append(t("no_header", columns=", ".join(self.columns[:MAX_LISTED])))
        if self.skipped_lines:
            out.append(t("skipped_lines", count=len(self.skipped_lines),
                         lines=" | ".join(ln[:60] for ln in self.skipped_lines[:3])))
        if self.blank_lines:
            out.append(t("blank_lines", count=self.blank_lines))
        if self.undecodable_rows:
            out.append(t("undecodable", count=self.undecodable_rows, encoding=self.encoding or "?"))
        if self.date_other_format:
            out.append(t("date_other_format", count=self.date_other_format))
        if self.status_column:
            present = [v for v in self.statuses_found if v in self.paid_statuses] or list(self.paid_statuses)
            out.append(t("statuses", column=self.status_column, paid=", ".join(present[:MAX_LISTED])
                         + (", …" if len(present) > MAX_LISTED else "")))
        if self.statuses_set_aside:
            out.append(t("statuses_set_aside", statuses=_listing(self.statuses_set_aside)))
        if self.currencies_set_aside:
            out.append(t("currencies_set_aside", currency=self.currency or "?",
                         others=_listing(self.currencies_set_aside)))
        if self.ids_merged_by_case:
            out.append(t("ids_merged_by_case", count=self.ids_merged_by_case))
        return out


def _listing(counts: dict) -> str:
    """"refunded: 3, pending: 1" (at most ``MAX_LISTED`` entries, then "…")."""
    items = [f"{k}: {v:,}" for k, v in list(counts.items())[:MAX_LISTED]]
    return ", ".join(items) + (", …" if len(counts) > MAX_LISTED else "")


@dataclass(frozen=True)
class LoadResult:
    """A validated table and its report.

    ``transactions``: for ``read_transactions`` one row per kept transaction with ``customer_id`` (str),
    ``date`` (datetime64[ns]), ``amount`` (float) and the optional roles mapped (``order_id``,
    ``quantity``, ``product``, ``channel``). For ``read_summary`` (``kind == "summary"``) the per-customer
    summary indexed by ``customer_id``; for ``read_subscriptions`` the subscriptions table.
    ``mapping``: the source column used per role.
    """

    transactions: pd.DataFrame
    mapping: dict
    report: LoadReport
    kind: str = "transactions"

    @property
    def table(self) -> pd.DataFrame:
        """The validated table, whatever its kind (same object as ``transactions``)."""
        return self.transactions


# ----------------------------------------------------------------------------------------------
# Reading the bytes into a raw table (every column as text unless the format is typed)
# ----------------------------------------------------------------------------------------------

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
    malformed: list = field(default_factory=list)      # (data row number, raw text)
    row_numbers: np.ndarray | None = None               # each row's number as the user finds it (None: i + 1):
                                                        # the record after the header in text, Excel's row in xlsx
    skipped_lines: tuple[str, ...] = ()                 # lines above the header (a title, Excel's "sep=;")
    blank_lines: int = 0                                # lines of spaces (not records)
    undecodable_rows: int = 0                           # rows holding bytes the encoding could not decode


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
        raise DataError("data.errors.not_table", name=filename)     # the extension promises a format it lacks
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
    if not re.search(rb"[^\s\x00\xef\xbb\xbf\xff\xfe]", data[:SNIFF_BYTES]) and \
            not re.search(rb"[^\s\x00]", data[SNIFF_BYTES:]):
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
        for ln in lines:                                   # NDJSON: one record per line
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
    return RawTable(table=table, file_format="json", encoding="utf-8", malformed=malformed,
                row_numbers=np.array(row_numbers, dtype=np.int64))


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


def _decode(data: bytes, encoding: str | None, filename) -> tuple[str | None, str, bytes]:
    """(text or None when the bytes are valid UTF-8 and can go straight to the parser, codec, utf-8 bytes)."""
    if encoding:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            raise DataError("data.errors.encoding", name=filename or "This file", encoding=encoding) from None
        return text, encoding, text.encode("utf-8")
    if data[:3] == b"\xef\xbb\xbf":
        body = data[3:]
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            raise DataError("data.errors.not_table", name=filename or "This file") from None
        return None, "utf-8-sig", body
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise DataError("data.errors.not_table", name=filename or "This file") from None
        return text, "utf-16", text.encode("utf-8")
    head = data[:SNIFF_BYTES]
    if b"\x00" in head:
        raise DataError("data.errors.not_table", name=filename or "This file")
    try:
        data.decode("utf-8")
        return None, "utf-8", data
    except UnicodeDecodeError:
        pass
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
        except UnicodeDecodeError:              # one of the five bytes cp1252 leaves undefined
            text, codec = data.decode("latin-1"), "latin-1"
    if _control_share(text[:SNIFF_BYTES]) > 0.01:
        raise DataError("data.errors.not_table", name=filename or "This file")
    return text, codec, text.encode("utf-8")


def _mostly_utf8(data: bytes) -> bool:
    """True when the bytes hold valid multi-byte UTF-8 characters and only a few bytes that are not."""
    good = len(re.findall(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}",
                          data))
    if not good:
        return False
    bad = len(data.decode("utf-8", errors="replace").encode("utf-8")) - len(data)   # 2 extra bytes per U+FFFD
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
        data = data.rstrip(b"\x00")                # padding some exporters leave after the last line
    text, codec, utf8 = _decode(data, options.encoding, filename)
    if utf8[:3] == b"\xef\xbb\xbf":
        utf8 = utf8[3:]
    head = utf8[:SNIFF_BYTES].decode("utf-8", errors="ignore")
    truncated = len(utf8) > SNIFF_BYTES
    physical = head.splitlines(keepends=True)[:SNIFF_LINES]
    if truncated and len(physical) > 1:
        physical = physical[:-1]                            # the last sniffed line may be cut short
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
    title = 0                           # a title line: not the table's width, and under half its cells filled
    while title < min(MAX_TITLE_LINES, len(widths) - 1) and widths[title] != mode \
            and sum(bool(c.strip()) for c in rows[title]) < mode / 2 and widths.count(mode) / len(widths) >= 0.5:
        title += 1
    for ln in lines[start:]:
        if title == 0:
            break
        if ln.strip():
            skipped.append(ln)
            title -= 1
        start += 1
    start = next(i for i in range(start, len(lines)) if lines[i].strip())
    offset = sum(len(ln.encode("utf-8")) for ln in physical[:start])
    first = _csv_rows([lines[start]], delim)[0]
    if len(first) > MAX_COLUMNS:
        raise DataError("data.errors.too_many_columns", count=len(first), limit=MAX_COLUMNS)
    body_sample = [ln for ln in lines[start + 1:] if ln.strip()]
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
            blank += 1                                      # a line of spaces is a blank line, not a record
        return "skip" if len(malformed) <= MAX_MALFORMED and blank <= MAX_MALFORMED else "error"

    body = utf8[offset:]
    try:
        table = pcsv.read_csv(
            pa.py_buffer(body),
            read_options=pcsv.ReadOptions(column_names=names, skip_rows=1 if has_header else 0,
                                          block_size=1 << 24),
            parse_options=pcsv.ParseOptions(delimiter=delim, invalid_row_handler=on_invalid,
                                            newlines_in_values=True),
            convert_options=pcsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                strings_can_be_null=True, quoted_strings_can_be_null=True,
                                                null_values=[""]))     # "NA" or "null" may be a customer
    except pa.ArrowInvalid as err:
        if len(malformed) > MAX_MALFORMED or blank > MAX_MALFORMED:
            raise DataError("data.errors.too_many_malformed", limit=f"{MAX_MALFORMED:,}", columns=len(names),
                            example=malformed[0][1][:120] if malformed else " ") from None
        if "UTF8" in str(err) or "utf8" in str(err).lower():
            raise DataError("data.errors.not_table", name=filename or "This file") from None
        raise DataError("data.errors.unreadable", name=filename or "This file", detail=str(err)[:200]) from None
    if table.num_rows == 0 and malformed:
        raise DataError("data.errors.all_malformed", count=len(malformed), columns=len(names),
                        example=malformed[0][1][:120])
    if table.num_rows == 0:
        raise DataError("data.errors.no_rows", name=filename or "This file")
    row_numbers = None
    if malformed:                       # number rows as in the file (pyarrow skipped the malformed ones)
        malformed, row_numbers = _number_records(body, delim, has_header, len(names), table.num_rows, malformed)
    undecodable = 0
    if text is not None and codec == "utf-8" and "\ufffd" in text:
        undecodable = _rows_with(table, "\ufffd") + sum("\ufffd" in m[1] for m in malformed)
    return RawTable(table=table, file_format="csv", encoding=codec, delimiter=delim, has_header=has_header,
                malformed=malformed, row_numbers=row_numbers, skipped_lines=tuple(skipped), blank_lines=blank,
                undecodable_rows=undecodable)


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


def _number_records(body: bytes, delim: str, has_header: bool, width: int, kept: int,
                    malformed: list) -> tuple[list, np.ndarray]:
    """Each malformed line's record number and each kept row's, as a spreadsheet counts records (a quoted
    value spanning lines is one record; blank lines are not records; 1 = the first record after the
    header). Falls back to matching the lines' text when Python's csv reader disagrees with Arrow's."""
    reader = csv.reader(io.StringIO(body.decode("utf-8"), newline=""), delimiter=delim)
    if has_header:
        next(reader, None)
    bad, good, number = [], [], 0
    try:
        for record in reader:
            if not record or (len(record) == 1 and not record[0].strip()):
                continue
            number += 1
            (good if len(record) == width else bad).append(number)
    except csv.Error:                                       # a field over the csv module's size limit
        bad = []
    if len(bad) == len(malformed) and len(good) == kept:
        return [(n, m[1]) for n, m in zip(bad, malformed)], np.array(good, dtype=np.int64)
    lines_ = [ln for ln in body.decode("utf-8").splitlines()[1 if has_header else 0:] if ln.strip()]
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
    return RawTable(table=s.table(), file_format="xlsx", sheet=s.name, has_header=s.header is not None,
                    row_numbers=s.row_numbers, skipped_lines=s.skipped)


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
            raise DataError("data.errors.too_big", name=name, rows=f"{meta.num_rows:,}", size=f"{size / 2**20:,.0f}",
                            max_rows=f"{MAX_ROWS:,}", max_size=f"{MAX_TABLE_BYTES / 2**20:,.0f}")
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
    if (pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_integer(t) or pa.types.is_floating(t)
            or pa.types.is_decimal(t) or pa.types.is_timestamp(t) or pa.types.is_date(t)):
        return col
    if pa.types.is_large_string(t) or pa.types.is_boolean(t) or pa.types.is_time(t) or pa.types.is_duration(t):
        return pc.cast(col, pa.string())
    return pa.array([None if v is None else _json_text(v if not isinstance(v, bytes) else v.hex())
                     for v in col.to_pylist()], type=pa.string())


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


# ----------------------------------------------------------------------------------------------
# Converting columns: text -> ids, dates, amounts (vectorised; one detected format per column)
# ----------------------------------------------------------------------------------------------

def parse_ids(col) -> pa.Array:
    """Customer (or order) ids as trimmed text; missing, empty or blank -> null.

    >>> parse_ids(pa.array([" A1 ", "", None])).to_pylist()
    ['A1', None, None]
    >>> parse_ids(pa.array([12.0, 7.5])).to_pylist()
    ['12', '7.5']
    """
    return _to_text(_as_array(col))


# ----------------------------------------------------------------------------------------------
# Column mapping
# ----------------------------------------------------------------------------------------------

def _norm_header(name: str) -> str:
    s = str(name).strip().lower().lstrip("\ufeff")
    s = re.sub(r"[\u064B-\u0652\u0640]", "", s)                  # Arabic diacritics and tatweel
    s = s.translate(str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي"}))
    return re.sub(r"[\s\-./#]+", "_", s).strip("_")


def _header_score(role: str, name: str) -> int:
    n = _norm_header(name)
    names = [_norm_header(x) for x in HEADER_NAMES[role]]
    if n in names:
        return 3
    words = set(n.split("_"))
    if any(x in words or (len(x) > 3 and "_" in x and x in n) for x in names):
        return 2
    return 0


@dataclass
class _Profile:
    date_share: float
    number_share: float
    integer_share: float
    distinct_share: float
    text: bool


def _profile(col, excel: bool = False) -> _Profile:
    col = _as_array(col).slice(0, PROFILE_VALUES)
    nonnull = col.drop_null()
    n = max(len(nonnull), 1)
    if len(nonnull) == 0:
        return _Profile(0, 0, 0, 0, False)
    t = col.type
    distinct = len(pc.unique(nonnull)) / n
    if pa.types.is_timestamp(t) or pa.types.is_date(t):
        return _Profile(1.0, 0, 0, distinct, False)
    amounts = read_amounts(nonnull)
    values = amounts.values
    numeric = amounts.status != AMOUNT_NOT_A_NUMBER       # an ambiguous "1.500" is still a number
    number_share = numeric.mean()
    integer_share = ((amounts.ok & (values == np.round(values))) | (amounts.status == AMOUNT_IMPLAUSIBLE)).mean()
    if pa.types.is_floating(t) or pa.types.is_integer(t):
        serial = numeric & (values >= EXCEL_PLAUSIBLE_SERIALS[0]) & (values <= EXCEL_PLAUSIBLE_SERIALS[1])
        date_share = float(serial.mean()) if excel and integer_share > 0.5 else 0.0
        return _Profile(date_share, number_share, integer_share, distinct, False)
    date_share = _date_share(nonnull)
    return _Profile(date_share, number_share, integer_share, distinct, True)


def guess_mapping(df) -> dict[str, str]:
    """Guess which column plays each role, from header names (English and Arabic) and content.

    Returns ``{role: column}`` for the roles found among ``customer_id``, ``date``, ``amount`` and the
    optional ``order_id``, ``quantity``, ``product``, ``channel``. Raises ``DataError`` when no column
    can be the date, the amount or the customer.

    >>> df = pd.DataFrame({"رقم العميل": ["a", "b", "a"], "التاريخ": ["2024-01-01"] * 3, "المبلغ": ["5", "6", "7"]})
    >>> guess_mapping(df)
    {'customer_id': 'رقم العميل', 'date': 'التاريخ', 'amount': 'المبلغ'}
    """
    table = df if isinstance(df, pa.Table) else _frame_raw(df).table
    return _guess(table)


def _guess(table: pa.Table, excel: bool = False, need: tuple[str, ...] = REQUIRED_ROLES) -> dict[str, str]:
    names = table.column_names
    profiles = {n: _profile(table[n], excel) for n in names}
    taken: set[str] = set()
    found: dict[str, str] = {}

    def content_ok(role: str, p: _Profile) -> bool:
        if role == "date":
            return p.date_share >= 0.5
        if role in ("amount", "quantity"):
            return p.number_share >= 0.5 and p.date_share < 0.5
        if role == "customer_id":     # any text or whole numbers; not mostly dates or amounts with decimals
            return p.date_share < 0.5 and p.number_share - p.integer_share < 0.5
        return p.date_share < 0.5

    for role in ("date", "amount", "customer_id", "order_id", "quantity", "product", "channel"):
        scored = [(_header_score(role, n), -i, n) for i, n in enumerate(names)
                  if n not in taken and content_ok(role, profiles[n])]
        scored = [s for s in scored if s[0] > 0]
        if scored:
            found[role] = max(scored)[2]
            taken.add(found[role])
    # content only, for required roles the headers did not name
    free = [n for n in names if n not in taken]
    if "date" not in found:
        dates = [n for n in free if profiles[n].date_share >= 0.8]
        if dates:
            found["date"] = dates[0]
            free.remove(dates[0])
    if "amount" not in found:
        nums = [n for n in free if profiles[n].number_share >= 0.8 and profiles[n].date_share < 0.5]
        if nums:     # prefer values with cents, then the last numeric column
            pick = max(nums, key=lambda n: (profiles[n].number_share - profiles[n].integer_share, names.index(n)))
            found["amount"] = pick
            free.remove(pick)
    if "customer_id" not in found:
        ids = [n for n in free if profiles[n].date_share < 0.5 and profiles[n].distinct_share < 0.95
               and (profiles[n].integer_share > 0.5 or profiles[n].number_share < 0.5)]
        if ids:
            found["customer_id"] = ids[0]
    for n in names:                     # a payment status and a currency column, by name and values
        if n in found.values():
            continue
        if "status" not in found and payments.is_status_column(n, _as_array(table[n])):
            found["status"] = n
        elif "currency" not in found and payments.is_currency_column(n, _as_array(table[n])):
            found["currency"] = n
    for role, key in (("date", "data.errors.no_date"), ("amount", "data.errors.no_amount"),
                      ("customer_id", "data.errors.no_customer")):
        if role in need and role not in found:
            raise DataError(key, columns=", ".join(names))
    return {role: found[role] for role in ROLES if role in found}


def _resolve_mapping(table: pa.Table, mapping: dict | None, roles: tuple[str, ...], required: tuple[str, ...],
                     guess) -> dict[str, str]:
    names = table.column_names
    given = {k: v for k, v in (mapping or {}).items() if v is not None and v != ""}
    for role, column in given.items():
        if role not in roles:
            raise DataError("data.errors.unknown_role", role=role, roles=", ".join(roles))
        if column not in names:
            raise DataError("data.errors.missing_column", column=column, role=role, columns=", ".join(names))
    # the other roles are still guessed (a payment status column counts even when the user mapped the rest)
    guessed = guess(table.select([n for n in names if n not in given.values()]),
                    tuple(r for r in required if r not in given))
    merged = {**{k: v for k, v in guessed.items() if k not in given}, **given}
    used = list(merged.values())
    if len(used) != len(set(used)):
        raise DataError("data.errors.column_twice", columns=", ".join(sorted({c for c in used if used.count(c) > 1})))
    return {r: merged[r] for r in roles if r in merged}


# ----------------------------------------------------------------------------------------------
# Set-aside bookkeeping
# ----------------------------------------------------------------------------------------------

def _raw_rows(table: pa.Table, idx: np.ndarray, row_numbers: np.ndarray | None = None) -> pd.DataFrame:
    sub = table.take(pa.array(idx, type=pa.int64())).to_pandas()
    sub.insert(0, "row", (idx + 1) if row_numbers is None else row_numbers[idx])
    return sub


def _report_parts(table: pa.Table, reason_code: np.ndarray, reasons: tuple[str, ...], malformed: list,
                  row_numbers: np.ndarray | None = None) -> tuple[tuple[SetAside, ...], pd.DataFrame]:
    """SetAside entries and the full set-aside table. ``reason_code`` is 0 for kept, i for reasons[i]."""
    entries, frames = [], []
    if malformed:
        mal = pd.DataFrame({"row": pd.array([m[0] for m in malformed], dtype="Int64"),
                            "raw": [m[1] for m in malformed]})
        mal["reason"] = "malformed_row"
        entries.append(SetAside("malformed_row", len(mal), mal.head(EXAMPLES_PER_REASON).reset_index(drop=True)))
        frames.append(mal)
    for i, reason in enumerate(reasons):
        if i == 0 or reason == "malformed_row":
            continue
        idx = np.flatnonzero(reason_code == i)
        if idx.size == 0:
            continue
        rows = _raw_rows(table, idx, row_numbers)
        rows["reason"] = reason
        entries.append(SetAside(reason, int(idx.size), rows.head(EXAMPLES_PER_REASON).reset_index(drop=True)))
        frames.append(rows)
    order = {r: i for i, r in enumerate(reasons)}
    entries.sort(key=lambda s: order.get(s.reason, 0))
    if frames:
        out = pd.concat(frames, ignore_index=True)
        out = out.sort_values(["row"], kind="stable", na_position="last").reset_index(drop=True)
    else:
        out = pd.DataFrame(columns=["row", *table.column_names, "reason"])
    return tuple(entries), out


def _assign(code: np.ndarray, mask: np.ndarray, value: int) -> None:
    code[(code == 0) & mask] = value


def _key_repeats(codes: np.ndarray, when: np.ndarray, amount: np.ndarray) -> np.ndarray:
    """True where (customer code, date, amount) occurs more than once. A 64-bit mix of the three is
    hashed; a collision only adds a candidate, which the exact whole-row check then clears."""
    with np.errstate(over="ignore"):
        h = codes.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        h ^= when.view(np.int64).astype(np.uint64) * np.uint64(0xC2B2AE3D27D4EB4F)
        h ^= np.ascontiguousarray(amount, dtype=np.float64).view(np.uint64) * np.uint64(0x165667B19E3779F9)
    return pd.Series(h).duplicated(keep=False).to_numpy()


def _exact_duplicates(table: pa.Table, candidates: np.ndarray) -> np.ndarray:
    """Boolean array: row is an exact copy (every column) of an earlier row. ``candidates`` narrows the
    search to rows sharing the cheap key (customer, date, amount)."""
    out = np.zeros(table.num_rows, dtype=bool)
    idx = np.flatnonzero(candidates)
    if idx.size:
        sub = table.take(pa.array(idx, type=pa.int64())).to_pandas()
        out[idx[sub.duplicated(keep="first").to_numpy()]] = True
    return out


def _report(raw: RawTable, n: int, rows_kept: int, entries, set_aside, **fields) -> LoadReport:
    """The report's fields every reader shares (how the file was read), plus the reader's own."""
    return LoadReport(rows_read=n + len(raw.malformed), rows_kept=rows_kept, file_format=raw.file_format,
                      encoding=raw.encoding, delimiter=raw.delimiter, sheet=raw.sheet, has_header=raw.has_header,
                      columns=tuple(raw.table.column_names), skipped_lines=raw.skipped_lines,
                      blank_lines=raw.blank_lines, undecodable_rows=raw.undecodable_rows,
                      set_aside_reasons=entries, set_aside=set_aside, **fields)


def _customer_ids(col) -> tuple[pa.Array, int]:
    """Customer ids as text; when most are e-mail addresses, compared without case (``Ann@x.com`` and
    ``ann@x.com`` are one customer). Returns the ids and how many customers that merged."""
    ids = parse_ids(col)
    sample = ids.drop_null().slice(0, PROFILE_VALUES)
    if len(sample) == 0 or pc.mean(pc.cast(pc.match_substring_regex(sample, _EMAIL_RE.pattern), pa.int8())
                                   ).as_py() < 0.5:
        return ids, 0
    lowered = pc.utf8_lower(ids)
    spellings = pc.utf8_lower(pc.unique(ids.drop_null()))            # one per distinct spelling
    counts = pc.value_counts(spellings).field("counts").to_numpy(zero_copy_only=False)
    return lowered, int((counts > 1).sum())                          # customers written more than one way


def _row_currencies(table: pa.Table, used: dict, amounts: AmountParse) -> np.ndarray | None:
    """Each row's currency (object array, None where unknown): from the currency column when mapped, else
    the sign written with the amount. None when no row names one (then there is nothing to separate)."""
    signs = amounts.currency
    if "currency" in used:
        named = payments.normalise_currency(_as_array(table[used["currency"]])).to_numpy(zero_copy_only=False)
        signs = np.where(pd.isna(named), signs, named)
    signs = np.asarray(signs, dtype=object)
    missing = pd.isna(signs)
    if missing.all():
        return None
    signs[missing] = None
    return signs


def _analysis_date(options: ReadOptions) -> pd.Timestamp:
    return options.analysis_date if options.analysis_date is not None else pd.Timestamp.today().normalize()


# ----------------------------------------------------------------------------------------------
# Public readers
# ----------------------------------------------------------------------------------------------

def read_transactions(source, filename: str | None = None, mapping: dict | None = None,
                      options: ReadOptions | None = None) -> LoadResult:
    """Read and validate a transaction log: one row per order (or order line).

    ``source``: a path, bytes, a file-like object, or a DataFrame. ``filename`` helps detect the format
    (.csv/.tsv/.txt, .xlsx, .parquet; the content is checked too). ``mapping``: ``{role: column}`` to
    correct the guessed columns (roles: customer_id, date, amount, order_id, quantity, product, channel).

    Rows are set aside (never dropped silently) for, in this order: a malformed line, a missing
    customer id, an unreadable date, a non-numeric amount, a zero amount, a negative amount (only with
    ``returns="set_aside"``), an exact duplicate of an earlier row, a date after the analysis date, and
    (``returns="net"``) a return by a customer with no purchase kept.
    Raises ``DataError`` for files that cannot be used at all (empty, not a table, no date/amount/customer
    column, fewer than two customers, too many columns, unsupported format, a mapped column missing).
    """
    options = options or ReadOptions()
    raw = _read_raw(source, filename, options)
    table = raw.table
    if table.num_columns < 2:
        raise DataError("data.errors.not_table_one_column")
    used = _resolve_mapping(table, mapping, ROLES, REQUIRED_ROLES,
                            lambda t, need: _guess(t, raw.file_format == "xlsx", need))
    n = table.num_rows
    analysis = _analysis_date(options)

    cust, merged = _customer_ids(table[used["customer_id"]])
    dates = parse_dates(table[used["date"]], options.dayfirst, excel=raw.file_format == "xlsx")
    amounts = read_amounts(table[used["amount"]], options.decimal, raw.delimiter)
    amount = amounts.values
    if dates.date_format is None and n:
        raise DataError("data.errors.date_unreadable", column=used["date"])
    reason_of = {r: i for i, r in enumerate(TRANSACTION_REASONS)}
    code = np.zeros(n, dtype=np.int8)
    _assign(code, pc.is_null(cust).to_numpy(zero_copy_only=False), reason_of["missing_customer"])
    if raw.undecodable_rows:
        _assign(code, pc.fill_null(pc.match_substring(cust, "\ufffd"), False).to_numpy(zero_copy_only=False),
                reason_of["undecodable_customer"])
    # a payment that is not completed is not revenue, whatever its date or amount
    statuses, paid = None, ()
    if "status" in used:
        statuses = payments.normalise_status(_as_array(table[used["status"]]))
        paid = options.paid_statuses if options.paid_statuses is not None else payments.PAID
        not_paid = ~pc.fill_null(pc.is_in(statuses, pa.array(paid, type=pa.string())), True).to_numpy(
            zero_copy_only=False)
        _assign(code, not_paid, reason_of["not_paid"])
    _assign(code, np.isnat(dates.values), reason_of["unreadable_date"])
    _assign(code, amounts.status == AMOUNT_NOT_A_NUMBER, reason_of["non_numeric_amount"])
    _assign(code, amounts.status == AMOUNT_AMBIGUOUS, reason_of["ambiguous_decimal"])
    _assign(code, amounts.status == AMOUNT_IMPLAUSIBLE, reason_of["implausible_amount"])
    currencies = _row_currencies(table, used, amounts)
    chosen, present = None, {}
    if currencies is not None:
        ok = code == 0
        present = payments.counts(currencies[ok & (currencies != None)])   # noqa: E711 (object array)
        chosen = options.currency.upper() if options.currency else next(iter(present), None)
        if chosen is not None:
            other = (currencies != None) & (currencies != chosen)          # noqa: E711
            _assign(code, other, reason_of["other_currency"])
    _assign(code, amount == 0, reason_of["zero_amount"])
    if options.returns == "set_aside":
        _assign(code, amount < 0, reason_of["negative_amount"])
    # exact duplicates: cheap key first (customer, date, amount), then whole rows among the candidates
    ok = code == 0
    cust_codes = pc.fill_null(pc.dictionary_encode(cust).indices, -1).to_numpy(zero_copy_only=False)
    candidates = np.zeros(n, dtype=bool)
    candidates[np.flatnonzero(ok)] = _key_repeats(cust_codes[ok], dates.values[ok], amount[ok])
    _assign(code, _exact_duplicates(table, candidates), reason_of["duplicate_row"])
    _assign(code, dates.values >= (analysis + pd.Timedelta(days=1)).to_datetime64(), reason_of["after_analysis_date"])
    if options.returns == "net":
        ok = code == 0
        buyers = np.zeros(max(int(cust_codes.max()) + 1 if n else 0, 1), dtype=bool)
        buyers[cust_codes[ok & (amount > 0)]] = True
        _assign(code, ok & (amount < 0) & ~buyers[np.where(ok, cust_codes, 0)], reason_of["return_without_purchase"])
    keep = code == 0
    entries, set_aside = _report_parts(table, code, TRANSACTION_REASONS, raw.malformed, raw.row_numbers)
    rows_kept = int(keep.sum())
    report = _report(
        raw, n, rows_kept, entries, set_aside, decimal=amounts.decimal, date_format=dates.date_format,
        dayfirst=dates.dayfirst, date_ambiguous=dates.ambiguous, date_other_format=dates.other_format,
        analysis_date=analysis, returns_mode=options.returns, returns_netted=int((keep & (amount < 0)).sum()),
        status_column=used.get("status"), paid_statuses=tuple(paid),
        statuses_set_aside=payments.counts(statuses.to_numpy(zero_copy_only=False)[code == reason_of["not_paid"]])
        if statuses is not None else {},
        statuses_found=payments.counts(statuses.drop_null().to_numpy(zero_copy_only=False))
        if statuses is not None else {},
        currencies_found=present if currencies is not None else {},
        currency=chosen, currencies_set_aside=payments.counts(currencies[code == reason_of["other_currency"]])
        if currencies is not None else {}, ids_merged_by_case=merged)
    if rows_kept == 0:
        err = DataError("data.errors.no_valid_rows", read=report.rows_read,
                        reasons="; ".join(f"{s.label()}: {s.count}" for s in entries))
        err.report = report
        raise err
    mask = pa.array(keep)
    out = {"customer_id": cust.filter(mask).to_pandas(),
           "date": pd.Series(dates.values[keep], dtype="datetime64[ns]"),
           "amount": pd.Series(amount[keep], dtype=float)}
    if "order_id" in used:
        out["order_id"] = parse_ids(table[used["order_id"]]).filter(mask).to_pandas()
    if "quantity" in used:
        out["quantity"] = pd.Series(parse_amounts(table[used["quantity"]], amounts.decimal, raw.delimiter)[0][keep])
    for role in ("product", "channel"):
        if role in used:
            out[role] = parse_ids(table[used[role]]).filter(mask).to_pandas()
    transactions = pd.DataFrame(out)
    kept_codes = cust_codes[keep]
    if kept_codes.min() == kept_codes.max():
        err = DataError("data.errors.single_customer", customer=str(transactions["customer_id"].iloc[0]))
        err.report = report
        raise err
    return LoadResult(transactions=transactions, mapping=used, report=report)


def read_summary(source, filename: str | None = None, options: ReadOptions | None = None) -> LoadResult:
    """Read an already summarised table: one row per customer with ``frequency`` (repeat purchases,
    whole number >= 0), ``recency`` (age at last purchase, 0 when frequency is 0), ``T`` (age at the end
    of observation, >= recency) and ``monetary_value`` (mean repeat purchase value, >= 0), in one time
    unit. A customer column is found by name (or the first other column); rows breaking a rule are
    set aside with the reason. Returns ``LoadResult(kind="summary")`` whose table is indexed by customer.
    """
    options = options or ReadOptions()
    raw = _read_raw(source, filename, options)
    table = raw.table
    lookup = {_norm_header(n): n for n in table.column_names}
    aliases = {"frequency": ("frequency", "x", "frequency_cal"), "recency": ("recency", "t_x", "recency_cal"),
               "T": ("t", "t_cal", "age"), "monetary_value": ("monetary_value", "zbar", "monetary", "m",
                                                               "monetary_value_cal", "avg_value")}
    used: dict[str, str] = {}
    for name, alias in aliases.items():
        hit = next((lookup[a] for a in alias if a in lookup), None)
        if hit is None:
            raise DataError("data.errors.summary_column", column=name, columns=", ".join(table.column_names))
        used[name] = hit
    others = [n for n in table.column_names if n not in used.values()]
    cust_col = next((n for n in others if _header_score("customer_id", n) > 0
                     or _norm_header(n) in ("id", "customer_id")), others[0] if others else None)
    if cust_col is None:
        raise DataError("data.errors.no_customer", columns=", ".join(table.column_names))
    used = {"customer_id": cust_col, **used}
    n = table.num_rows
    cust = parse_ids(table[cust_col])
    vals = {k: parse_amounts(table[used[k]], options.decimal, raw.delimiter)[0] for k in SUMMARY_COLUMNS}
    reason_of = {r: i for i, r in enumerate(SUMMARY_REASONS)}
    code = np.zeros(n, dtype=np.int8)
    f, r, T, m = (vals[k] for k in SUMMARY_COLUMNS)
    _assign(code, pc.is_null(cust).to_numpy(zero_copy_only=False), reason_of["missing_customer"])
    _assign(code, np.isnan(f) | np.isnan(r) | np.isnan(T) | np.isnan(m), reason_of["non_numeric_summary"])
    with np.errstate(invalid="ignore"):
        _assign(code, (f < 0) | (r < 0) | (T < 0) | (m < 0), reason_of["negative_summary"])
        _assign(code, f != np.round(f), reason_of["non_integer_frequency"])
        _assign(code, r > T, reason_of["recency_after_T"])
        _assign(code, (f == 0) & ((r != 0) | (m != 0)), reason_of["zero_frequency_with_recency"])
    ids = cust.to_pandas()
    _assign(code, (ids.duplicated(keep="first") & ids.notna()).to_numpy(), reason_of["duplicate_customer"])
    keep = code == 0
    entries, set_aside = _report_parts(table, code, SUMMARY_REASONS, raw.malformed, raw.row_numbers)
    report = _report(raw, n, int(keep.sum()), entries, set_aside)
    if not keep.any():
        err = DataError("data.errors.no_valid_rows", read=report.rows_read,
                        reasons="; ".join(f"{s.label()}: {s.count}" for s in entries))
        err.report = report
        raise err
    summary = pd.DataFrame({k: vals[k][keep] for k in SUMMARY_COLUMNS},
                           index=pd.Index(ids[keep].to_numpy(), name="customer_id", dtype=str))
    return LoadResult(transactions=summary, mapping=used, report=report, kind="summary")


def _guess_subscriptions(table: pa.Table, need: tuple[str, ...] = SUBSCRIPTION_REQUIRED) -> dict[str, str]:
    names = table.column_names
    synonyms = {"start_date": ("start_date", "start", "started", "signup_date", "subscribed_at", "created_at",
                               "تاريخ_البدء", "البدايه"),
                "end_date": ("end_date", "end", "cancel_date", "cancelled_at", "canceled_at", "churn_date",
                             "ended_at", "تاريخ_الالغاء", "تاريخ_الانتهاء", "النهايه"),
                "monthly_amount": ("monthly_amount", "mrr", "amount", "price", "monthly_price", "fee",
                                   "المبلغ_الشهري", "المبلغ", "السعر"),
                "plan": ("plan", "tier", "package", "الباقه", "الخطه")}
    found: dict[str, str] = {}
    for role, alias in synonyms.items():
        alias_n = [_norm_header(a) for a in alias]
        hit = next((n for a in alias_n for n in names if _norm_header(n) == a and n not in found.values()), None)
        if hit:
            found[role] = hit
    cust = next((n for n in names if _header_score("customer_id", n) > 0 and n not in found.values()), None)
    if cust:
        found["customer_id"] = cust
    for role, key in (("customer_id", "data.errors.no_customer"), ("start_date", "data.errors.no_start_date"),
                      ("monthly_amount", "data.errors.no_monthly_amount")):
        if role in need and role not in found:
            raise DataError(key, columns=", ".join(names))
    return found


def read_subscriptions(source, filename: str | None = None, mapping: dict | None = None,
                       options: ReadOptions | None = None) -> LoadResult:
    """Read a subscriptions table: customer, plan (optional), start date, end or cancel date (empty =
    still active), monthly amount. Rows are set aside for a missing customer, an unreadable start or
    end date, a non-numeric or negative amount, an end before the start, an exact duplicate, or a start
    after the analysis date. Returns ``LoadResult(kind="subscriptions")`` with columns ``customer_id``,
    ``plan``, ``start_date``, ``end_date`` (NaT = active) and ``monthly_amount``.
    """
    options = options or ReadOptions()
    raw = _read_raw(source, filename, options)
    table = raw.table
    used = _resolve_mapping(table, mapping, SUBSCRIPTION_ROLES, SUBSCRIPTION_REQUIRED, _guess_subscriptions)
    n = table.num_rows
    analysis = _analysis_date(options)
    cust = parse_ids(table[used["customer_id"]])
    excel = raw.file_format == "xlsx"
    start = parse_dates(table[used["start_date"]], options.dayfirst, excel)
    if "end_date" in used:
        end_text = _to_text(_as_array(table[used["end_date"]])) if not excel else table[used["end_date"]]
        end = parse_dates(end_text, start.dayfirst if start.dayfirst is not None else options.dayfirst, excel)
        end_given = ~pc.is_null(_as_array(table[used["end_date"]])).to_numpy(zero_copy_only=False)
        if not excel:
            end_given = ~pc.is_null(end_text).to_numpy(zero_copy_only=False)
        end_values = end.values
    else:
        end_given = np.zeros(n, dtype=bool)
        end_values = np.full(n, np.datetime64("NaT", "ns"))
    amount, decimal = parse_amounts(table[used["monthly_amount"]], options.decimal, raw.delimiter)
    reason_of = {r: i for i, r in enumerate(SUBSCRIPTION_REASONS)}
    code = np.zeros(n, dtype=np.int8)
    _assign(code, pc.is_null(cust).to_numpy(zero_copy_only=False), reason_of["missing_customer"])
    _assign(code, np.isnat(start.values), reason_of["unreadable_date"])
    _assign(code, end_given & np.isnat(end_values), reason_of["unreadable_end_date"])
    _assign(code, np.isnan(amount), reason_of["non_numeric_amount"])
    _assign(code, amount < 0, reason_of["negative_amount"])
    _assign(code, end_given & ~np.isnat(end_values) & (end_values < start.values), reason_of["end_before_start"])
    ok = code == 0
    dup = np.zeros(n, dtype=bool)
    dup[np.flatnonzero(ok)] = table.filter(pa.array(ok)).to_pandas().duplicated(keep="first").to_numpy()
    _assign(code, dup, reason_of["duplicate_row"])
    _assign(code, start.values >= (analysis + pd.Timedelta(days=1)).to_datetime64(), reason_of["after_analysis_date"])
    keep = code == 0
    entries, set_aside = _report_parts(table, code, SUBSCRIPTION_REASONS, raw.malformed, raw.row_numbers)
    report = _report(raw, n, int(keep.sum()), entries, set_aside, decimal=decimal, date_format=start.date_format,
                     dayfirst=start.dayfirst, date_ambiguous=start.ambiguous, date_other_format=start.other_format,
                     analysis_date=analysis)
    if not keep.any():
        err = DataError("data.errors.no_valid_rows", read=report.rows_read,
                        reasons="; ".join(f"{s.label()}: {s.count}" for s in entries))
        err.report = report
        raise err
    mask = pa.array(keep)
    subs = pd.DataFrame({
        "customer_id": cust.filter(mask).to_pandas(),
        "plan": (parse_ids(table[used["plan"]]).filter(mask).to_pandas() if "plan" in used
                 else pd.Series([""] * int(keep.sum()), dtype=str)),
        "start_date": pd.Series(start.values[keep], dtype="datetime64[ns]"),
        "end_date": pd.Series(end_values[keep], dtype="datetime64[ns]"),
        "monthly_amount": amount[keep],
    })
    return LoadResult(transactions=subs, mapping=used, report=report, kind="subscriptions")


SAMPLE_DIR = Path(__file__).resolve().parents[2] / "sample_data"
SAMPLES = {"transactions": "transactions.csv", "subscriptions": "subscriptions.csv", "summary": "summary_example.csv"}


def load_sample(name: str = "transactions") -> LoadResult:
    """The bundled sample data as a validated ``LoadResult`` (see sample_data/README.md for the true
    generating parameters). ``name``: "transactions", "subscriptions" or "summary".

    >>> res = load_sample("transactions")
    >>> res.report.rows_read == res.report.rows_kept, res.transactions["customer_id"].nunique()
    (True, 10000)
    """
    if name not in SAMPLES:
        raise InputError("name", name, "data.allowed.sample")
    path = SAMPLE_DIR / SAMPLES[name]
    opts = ReadOptions(analysis_date="2025-12-31")
    if name == "transactions":
        return read_transactions(path, options=opts)
    if name == "subscriptions":
        return read_subscriptions(path, options=opts)
    return read_summary(path)
