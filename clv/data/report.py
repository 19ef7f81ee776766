"""What happened to every row: the set-aside reasons, the report (with its sentences in any language) and the
result a reader returns. ``rows_read == rows_kept + sum(counts)`` always holds."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from .. import i18n
from .files import RawTable

EXAMPLES_PER_REASON = 5  # example rows kept per set-aside reason
MAX_LISTED = 8  # statuses, currencies or column names listed in one report line

# Set-aside reasons, in the order they are checked (a row gets the first that applies).
TRANSACTION_REASONS = (
    "malformed_row",
    "missing_customer",
    "undecodable_customer",
    "not_paid",
    "unreadable_date",
    "non_numeric_amount",
    "ambiguous_decimal",
    "implausible_amount",
    "other_currency",
    "zero_amount",
    "negative_amount",
    "duplicate_row",
    "after_analysis_date",
    "return_without_purchase",
)
SUMMARY_REASONS = (
    "malformed_row",
    "missing_customer",
    "non_numeric_summary",
    "negative_summary",
    "non_integer_frequency",
    "recency_after_T",
    "zero_frequency_with_recency",
    "duplicate_customer",
)
SUBSCRIPTION_REASONS = (
    "malformed_row",
    "missing_customer",
    "unreadable_date",
    "unreadable_end_date",
    "non_numeric_amount",
    "negative_amount",
    "end_before_start",
    "duplicate_row",
    "after_analysis_date",
)


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
    file_format: str  # "csv", "xlsx", "parquet" or "frame"
    encoding: str | None = None  # codec used for text files
    delimiter: str | None = None
    decimal: str | None = None  # decimal mark used for amounts ("." or ",")
    date_format: str | None = None  # strptime format chosen, "excel-serial", "ISO8601" or "native"
    dayfirst: bool | None = None  # interpretation used for d/m vs m/d (None: not applicable)
    date_ambiguous: bool = False  # True when no value decided d/m vs m/d
    sheet: str | None = None
    analysis_date: pd.Timestamp | None = None
    returns_mode: str = "net"
    returns_netted: int = 0
    has_header: bool = True
    columns: tuple[str, ...] = ()  # the table's column names as read (generated when no header)
    skipped_lines: tuple[str, ...] = ()  # lines above the header that were not read (a title, "sep=;")
    blank_lines: int = 0  # lines of spaces only (not records)
    undecodable_rows: int = 0  # rows with bytes the encoding could not decode (shown as �)
    date_other_format: int = 0  # dates written in another format than the column's (set aside)
    status_column: str | None = None  # the payment status column used, if any
    paid_statuses: tuple[str, ...] = ()  # the statuses counted as revenue
    statuses_found: dict = field(default_factory=dict)  # status -> rows, every status in the file
    statuses_set_aside: dict = field(default_factory=dict)  # status -> rows set aside as not paid
    currency: str | None = None  # the currency analysed, when amounts name one
    currencies_found: dict = field(default_factory=dict)  # currency -> rows, most frequent first
    currencies_set_aside: dict = field(default_factory=dict)  # other currency -> rows set aside
    ids_merged_by_case: int = 0  # e-mail ids that differed only in case (merged)
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

    def detected(self, lang: str = "en") -> list[str]:
        """What was detected, one item each (the Your data page joins them): format, then encoding, delimiter,
        decimal mark, date format (in letters: DD/MM/YYYY, not %d/%m/%Y) and sheet, where they apply. The
        sheet name is the user's own text: show the items as plain text.

        >>> LoadReport(rows_read=1, rows_kept=1, file_format="csv", encoding="utf-8", delimiter=";",
        ...            date_format="%d/%m/%Y %H:%M").detected()
        ['Format: CSV', 'Encoding: utf-8', 'Delimiter: semicolon', 'Date format: DD/MM/YYYY hh:mm']
        """
        from ..fmt import NOT_DEFINED

        t = lambda key, **v: i18n.text(f"datapage.report.{key}", lang, **v)  # noqa: E731
        delimiters = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
        date_tokens = (
            ("%Y", "YYYY"),
            ("%y", "YY"),
            ("%m", "MM"),
            ("%d", "DD"),
            ("%H", "hh"),
            ("%M", "mm"),
            ("%S", "ss"),
            ("%I", "hh"),
            ("%p", "AM/PM"),
            ("%b", "Mon"),
            ("%B", "Month"),
        )
        out = [t("format", format=self.file_format.upper())]
        if self.encoding:
            out.append(t("encoding", encoding=self.encoding))
        if self.delimiter:
            out.append(
                t(
                    "delimiter",
                    delimiter=t(f"delimiter_{delimiters[self.delimiter]}")
                    if self.delimiter in delimiters
                    else NOT_DEFINED,
                )
            )
        if self.decimal:
            out.append(t("decimal", decimal=self.decimal))
        if self.date_format in ("excel-serial", "ISO8601", "native"):
            out.append(t("date_format", format=t(f"date_format_{self.date_format.replace('-', '_').lower()}")))
        elif self.date_format:
            shown = self.date_format
            for token, letters in date_tokens:
                shown = shown.replace(token, letters)
            out.append(t("date_format", format=shown))
        if self.sheet:
            out.append(t("sheet", sheet=self.sheet))
        return out

    def notes(self, lang: str = "en") -> list[str]:
        """How the file was read, where it matters: the header decision, lines not read, undecodable bytes,
        statuses and currencies set aside, e-mail ids merged. User text is quoted, never formatted.

        >>> LoadReport(rows_read=3, rows_kept=3, file_format="csv", has_header=False,
        ...            columns=("column_1", "column_2")).notes()  # doctest: +NORMALIZE_WHITESPACE
        ['The first row holds values, not column names, so it was read as data;
          the columns are named column_1, column_2.']
        """
        t = lambda key, **v: i18n.text(f"data.report.{key}", lang, **v)  # noqa: E731
        out = []
        if not self.has_header and self.file_format in ("csv", "xlsx"):
            out.append(t("no_header", columns=", ".join(self.columns[:MAX_LISTED])))
        if self.skipped_lines:
            out.append(
                t(
                    "skipped_lines",
                    count=len(self.skipped_lines),
                    lines=" | ".join(ln[:60] for ln in self.skipped_lines[:3]),
                )
            )
        if self.blank_lines:
            out.append(t("blank_lines", count=self.blank_lines))
        if self.undecodable_rows:
            out.append(t("undecodable", count=self.undecodable_rows, encoding=self.encoding or "?"))
        if self.date_other_format:
            out.append(t("date_other_format", count=self.date_other_format))
        if self.status_column:
            present = [v for v in self.statuses_found if v in self.paid_statuses] or list(self.paid_statuses)
            out.append(
                t(
                    "statuses",
                    column=self.status_column,
                    paid=", ".join(present[:MAX_LISTED]) + (", …" if len(present) > MAX_LISTED else ""),
                )
            )
        if self.statuses_set_aside:
            out.append(t("statuses_set_aside", statuses=_listing(self.statuses_set_aside)))
        if self.currencies_set_aside:
            out.append(
                t("currencies_set_aside", currency=self.currency or "?", others=_listing(self.currencies_set_aside))
            )
        if self.ids_merged_by_case:
            out.append(t("ids_merged_by_case", count=self.ids_merged_by_case))
        return out


def _listing(counts: dict) -> str:
    """ "refunded: 3, pending: 1" (at most ``MAX_LISTED`` entries, then "…")."""
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


def take_rows(table: pa.Table, rows: np.ndarray) -> pa.Table:
    """The rows at increasing positions ``rows``, taken from each record batch in turn: Arrow's ``take`` on
    a table read in several blocks joins every column's blocks first (a copy of the whole table to
    take a few rows).

    >>> t = pa.concat_tables([pa.table({"a": [1, 2]}), pa.table({"a": [3, 4]})])
    >>> take_rows(t, np.array([0, 2, 3]))["a"].to_pylist()
    [1, 3, 4]
    """
    rows = np.asarray(rows, dtype=np.int64)
    batches = table.to_batches()
    if len(batches) < 2 or (rows.size > 1 and (np.diff(rows) < 0).any()):
        return table.take(pa.array(rows, type=pa.int64()))
    starts = np.cumsum([0] + [b.num_rows for b in batches])
    which = np.searchsorted(starts, rows, side="right") - 1
    parts = [batches[b].take(pa.array(rows[which == b] - starts[b])) for b in np.unique(which)]
    return pa.Table.from_batches(parts, schema=table.schema) if parts else table.slice(0, 0)


def _raw_rows(table: pa.Table, idx: np.ndarray, row_numbers: np.ndarray | None = None) -> pd.DataFrame:
    sub = take_rows(table, idx).to_pandas()
    sub.insert(0, "row", (idx + 1) if row_numbers is None else row_numbers[idx])
    return sub


def _report_parts(
    table: pa.Table,
    reason_code: np.ndarray,
    reasons: tuple[str, ...],
    malformed: list,
    row_numbers: np.ndarray | None = None,
) -> tuple[tuple[SetAside, ...], pd.DataFrame]:
    """SetAside entries and the full set-aside table. ``reason_code`` is 0 for kept, i for reasons[i]."""
    entries, frames = [], []
    if malformed:
        mal = pd.DataFrame(
            {"row": pd.array([m[0] for m in malformed], dtype="Int64"), "raw": [m[1] for m in malformed]}
        )
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


def _report(raw: RawTable, n: int, rows_kept: int, entries, set_aside, **fields) -> LoadReport:
    """The report's fields every reader shares (how the file was read), plus the reader's own."""
    return LoadReport(
        rows_read=n + len(raw.malformed),
        rows_kept=rows_kept,
        file_format=raw.file_format,
        encoding=raw.encoding,
        delimiter=raw.delimiter,
        sheet=raw.sheet,
        has_header=raw.has_header,
        columns=tuple(raw.table.column_names),
        skipped_lines=raw.skipped_lines,
        blank_lines=raw.blank_lines,
        undecodable_rows=raw.undecodable_rows,
        set_aside_reasons=entries,
        set_aside=set_aside,
        **fields,
    )
