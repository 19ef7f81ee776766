"""Dates in uploaded files: one detected format per column, applied with vectorised kernels.

A column of text is read with one date format (the date part; any of the usual times of day may follow
it), detected on a bounded sample of rows spread over the column and then applied to every row with
``pyarrow.compute.strptime``; never per-row guessing. The format reading the most sampled rows wins
(the majority); values written another way are set aside as unreadable (NaT) and counted in
``DateParse.other_format`` so the report can say so. d/m against m/d: a day above 12 settles it; if
nothing does, day first, reported as ambiguous. Impossible dates (31/02) and years outside
``SANE_YEARS`` are NaT.

Local time, as written: a UTC offset (``-0500``, ``+05:30``, ``Z``, ``UTC``/``GMT``) after a time of day
is dropped, never applied, so ``2024-03-02 23:30 -0500`` stays 2 March at 23:30; time-zone-aware
timestamps (Parquet) give the wall-clock time of their own zone. Seconds' fractions are dropped.

Before the format is applied, text is tidied with vectorised regular expressions (only where needed):
the offset and fraction go, a leading weekday (``Fri, ``) goes, commas become spaces (``Jan 5, 2024``),
``Sept`` becomes ``Sep`` and a month abbreviation's full stop goes (``Jan.``). Month names are English,
any case. Two-digit years follow the POSIX pivot: 69..99 are 1969..1999, 00..68 are 2000..2068.

>>> p = parse_dates(pa.array(["2024-03-02 23:30 -0500", "2024-03-04T08:00:00Z", "05/01/2024", None]))
>>> [str(v)[:16] for v in p.values], p.date_format, p.other_format
(['2024-03-02T23:30', '2024-03-04T08:00', 'NaT', 'NaT'], 'ISO8601', 1)
>>> [str(v)[:10] for v in parse_dates(pa.array(["Fri, 05 Jan 2024", "Sat, 06 Jan 2024 10:00:00 +0000"])).values]
['2024-01-05', '2024-01-06']
>>> [str(v)[:10] for v in parse_dates(pa.array(["Jan 5, 2024", "january 6, 2024"])).values]
['2024-01-05', '2024-01-06']
>>> round(date_share(pa.array(["2024-01-05", "05/01/2024", "Jan 5, 2024", "soon"])), 2)
0.75
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .text import Distinct, as_array, normalise_digits, to_text

SAMPLE_VALUES = 2000  # distinct values sampled to detect a column's date format
SAMPLE_SPREAD = 20  # ... drawn from up to 20x as many rows, spread evenly over the column
PROBE_VALUES = 50  # a format reading none of these (spread over the sample) is not tried further
PRETIDY_SHARE = 0.5  # tidy the whole column up front when more than half the sample needs it
SANE_YEARS = (1900, 2100)  # a parsed date outside these years counts as a misread format
EXCEL_EPOCH = np.datetime64("1899-12-30")  # Excel's day 0 (with the 1900 leap-year bug folded in)
EXCEL_SERIAL_RANGE = (1.0, 2958465.0)  # 1900-01-01 .. 9999-12-31
ISO_DATE_PART = "%Y-%m-%d"
ISO_LABEL = "ISO8601"  # reported for ISO dates with mixed times of day, offsets or fractions
NS_PER_DAY = 86_400_000_000_000
ROLLOVER_MONTHS = (3, 5, 7, 10, 12)  # months whose 1st an impossible day of the month before rolls into

# Date parts tried, in order of preference on ties. d/m and m/d variants are both tried; ``dayfirst``
# (or, when None, which one reads more values: any day above 12 decides) picks between them. "text"
# parts are matched after tidying (no weekday, no commas); %b and %B read English names in any case (with
# this pyarrow on Linux each reads both the full and the short name; both are listed for other platforms).
_DATE_PARTS = {
    "ymd": ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d"),
    "dmy": ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y", "%d-%m-%y", "%d.%m.%y"),
    "mdy": ("%m/%d/%Y", "%m-%d-%Y", "%m.%d.%Y", "%m/%d/%y", "%m-%d-%y"),
    "text": (
        "%d %b %Y",
        "%d-%b-%Y",
        "%d %B %Y",
        "%d-%B-%Y",
        "%b %d %Y",
        "%B %d %Y",
        "%d-%b-%y",
        "%d %b %y",
        "%Y-%b-%d",
        "%d/%b/%Y",
    ),
}
_MONTHS_RE = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
_DATE_LIKE_RE = (
    r"\d{1,4}[-/. ]\d{1,2}[-/. ]\d{1,4}|^\d{8}|"
    rf"(?i:\b(?:{_MONTHS_RE})[a-z]*\.? \d{{1,2}}|\d{{1,2}}[ /-](?:{_MONTHS_RE})|\d{{4}}-(?:{_MONTHS_RE}))"
)
_TIME_PARTS = ("", " %H:%M:%S", " %H:%M", "T%H:%M:%S", "T%H:%M", " %I:%M:%S %p", " %I:%M %p")
_NUMERIC_DIRECTIVES = ("%Y", "%y", "%m", "%d")

# Tidying, in order: (pattern, replacement). Each is a no-op on text it does not concern.
_TIME_TAIL = (
    r"^(.*?\d:\d\d(?::\d\d)?)(?:[.,]\d+)?(\s*[AaPp][Mm])?\s*(?:[Zz]|UTC|GMT|[+-]\d\d(?::?\d\d)?)?$",
    r"\1\2",
)  # a time's fraction of a second and UTC offset go
_TAIL_ONLY_RE = r"^(?:[.,]\d+)?\s*(?:[Zz]|UTC|GMT|[+-]\d\d(?::?\d\d)?)?$"  # what _TIME_TAIL removes
_TIDY_STEPS = (
    _TIME_TAIL,
    (r"\s*,\s*", " "),  # "Jan 5, 2024" -> "Jan 5 2024"
    (r"(?i)^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?\s+", ""),  # a leading weekday
    (r"(?i)\bsept\b\.?", "Sep"),
    (r"(?i)\b(jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec)\.", r"\1"),  # "Jan." -> "Jan"
)


@dataclass(frozen=True, slots=True)
class DateParse:
    """The result of ``parse_dates``: datetime64[ns] values (NaT where unreadable) and how they were read.

    date_format: the strptime format chosen (of the tidied text), "ISO8601" (ISO dates with mixed times
        of day, offsets or fractions), "excel-serial", "native", or None when no format reads the column.
    dayfirst: True for d/m, False for m/d, None when the format has no such question.
    ambiguous: True when d/m and m/d read as many sampled values, so no day above 12 decided (then day
        first, unless ``dayfirst`` was given).
    other_format: non-empty values the chosen format could not read (another format, or not a date);
        they are NaT. Impossible dates (31/02) and years outside SANE_YEARS are NaT but not counted here.
    """

    values: np.ndarray
    date_format: str | None
    dayfirst: bool | None
    ambiguous: bool
    other_format: int = 0


def _strptime(col: pa.Array, fmt: str) -> pa.Array:
    return pc.strptime(col, format=fmt, unit="s", error_is_null=True)


def _sane(parsed: pa.Array) -> np.ndarray:
    """Boolean mask: parsed and with a year within SANE_YEARS."""
    years = pc.year(parsed)
    ok = pc.and_(pc.greater_equal(years, SANE_YEARS[0]), pc.less_equal(years, SANE_YEARS[1]))
    return pc.fill_null(ok, False).to_numpy(zero_copy_only=False)


def _sane_count(parsed: pa.Array) -> int:
    return int(_sane(parsed).sum())


def _reads_any(text: pa.Array, fmt: str) -> bool:
    """True when ``fmt`` reads at least one value with a year within SANE_YEARS."""
    parsed = _strptime(text, fmt)
    return parsed.null_count < len(parsed) and _sane_count(parsed) > 0


def _candidate_formats(dayfirst: bool | None) -> list[tuple[str, str, str]]:
    """(family, date part, time part) in order of preference; ``dayfirst`` drops m/d (True) or d/m (False)."""
    families = ["ymd", "dmy", "mdy", "text"]
    if dayfirst is True:
        families.remove("mdy")
    elif dayfirst is False:
        families.remove("dmy")
    return [(fam, d, t) for fam in families for d in _DATE_PARTS[fam] for t in _TIME_PARTS]


def _family(date_part: str) -> str:
    return next(fam for fam, parts in _DATE_PARTS.items() if date_part in parts)


def _tidy(text: pa.Array, steps=_TIDY_STEPS) -> pa.Array:
    """Text with the tidying steps applied (offsets and fractions, weekday, commas, "Sept", "Jan.").

    >>> _tidy(pa.array(["Fri, 05 Jan 2024 10:00:00 +0000", "2024-03-02T23:30:00.5+05:30", "Sept. 5, 2024"])).to_pylist()
    ['05 Jan 2024 10:00:00', '2024-03-02T23:30:00', 'Sep 5 2024']
    """
    for pattern, replacement in steps:
        text = pc.replace_substring_regex(text, pattern, replacement)
    return text


def _pretidy(text: pa.Array, sample: pa.Array) -> pa.Array:
    """The whole column with the tidying steps its sample needs (most values need one).

    When only offsets and fractions go and what stays has one width (machine exports such as
    ``2024-03-02T23:30:00+05:30``), the text is cut at that width instead, where what is cut off is an
    offset or fraction (far faster than the regular expression); other rows are left for the
    fallback, which tidies them fully.

    >>> _pretidy(pa.array(["2024-03-02T23:30:00+05:30", "2024-03-03T01:00:00Z", "2024-03-04"]),
    ...          pa.array(["2024-03-02T23:30:00+05:30", "2024-03-03T01:00:00Z"])).to_pylist()
    ['2024-03-02T23:30:00', '2024-03-03T01:00:00', '2024-03-04']
    """
    needed, tidied = [], sample
    for step in _TIDY_STEPS:
        after = pc.replace_substring_regex(tidied, *step)
        if pc.any(pc.not_equal(after, tidied)).as_py():
            needed.append(step)
        tidied = after
    if needed == [_TIME_TAIL]:
        pairs = [(a, b) for a, b in zip(sample.to_pylist(), tidied.to_pylist()) if a != b]
        widths = {len(b) for _, b in pairs}
        if len(widths) == 1 and all(a.startswith(b) for a, b in pairs):
            width = widths.pop()
            cut = pc.match_substring_regex(pc.utf8_slice_codeunits(text, width), _TAIL_ONLY_RE)
            return pc.if_else(pc.fill_null(cut, False), pc.utf8_slice_codeunits(text, 0, width), text)
    return _tidy(text, needed)


def _spread(n: int, k: int) -> np.ndarray:
    """Up to ``k`` positions spread evenly over ``range(n)``."""
    return np.linspace(0, n - 1, min(n, k)).astype(np.int64)  # strictly increasing: step >= 1


def _sample(
    text: pa.Array, index: np.ndarray | None = None, weights: np.ndarray | None = None
) -> tuple[pa.Array, np.ndarray]:
    """Up to SAMPLE_VALUES distinct non-empty values, from up to SAMPLE_VALUES x SAMPLE_SPREAD rows
    spread over the whole column, and how many of those rows hold each (so the majority is of rows).
    With ``index`` (``Distinct.index``), ``text`` holds a column's distinct values and row i is
    ``text[index[i]]``: the same rows are sampled (``weights``, rows per value, spares a pass over the rows
    when no row is empty).

    >>> values, rows = _sample(pa.array(["a", "b", "a", None, "a"]))
    >>> values.to_pylist(), rows.tolist()
    (['a', 'b'], [3, 1])
    >>> values, rows = _sample(pa.array(["a", "b", None]), np.array([0, 1, 0, 2, 0]))
    >>> values.to_pylist(), rows.tolist()
    (['a', 'b'], [3, 1])
    """
    if index is None:
        nonnull = text.drop_null()
        if len(nonnull) > SAMPLE_VALUES * SAMPLE_SPREAD:
            nonnull = nonnull.take(pa.array(_spread(len(nonnull), SAMPLE_VALUES * SAMPLE_SPREAD)))
    else:
        valid = text.is_valid().to_numpy(zero_copy_only=False)
        if weights is not None and not weights[~valid].any():  # every row has a value
            at = _spread(len(index), SAMPLE_VALUES * SAMPLE_SPREAD)
        else:
            at = np.flatnonzero(valid[index])  # rows with a value
        if len(at) > SAMPLE_VALUES * SAMPLE_SPREAD:
            at = at[_spread(len(at), SAMPLE_VALUES * SAMPLE_SPREAD)]
        nonnull = text.take(pa.array(index[at]))
    counted = pc.value_counts(nonnull).slice(0, SAMPLE_VALUES)
    return counted.field("values"), counted.field("counts").to_numpy(zero_copy_only=False)


def _read_with(text: pa.Array, formats: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Seconds since the epoch (int64) read by the first of ``formats`` that reads each value, and
    a mask of the values read. The first format is tried on every value, the next ones only on the
    values still unread.

    >>> seconds, read = _read_with(pa.array(["1970-01-02", "1970-01-01 00:01", None]), ["%Y-%m-%d", "%Y-%m-%d %H:%M"])
    >>> seconds.tolist(), read.tolist()
    ([86400, 60, 0], [True, True, False])
    """
    seconds = np.zeros(len(text), dtype=np.int64)
    read = np.zeros(len(text), dtype=bool)
    todo = None  # None: every row
    for fmt in formats:
        sub = text if todo is None else text.take(pa.array(todo))
        parsed = _strptime(sub, fmt)
        ok = pc.is_valid(parsed).to_numpy(zero_copy_only=False)
        rows = np.arange(len(text)) if todo is None else todo
        if ok.any():
            seconds[rows[ok]] = pc.fill_null(pc.cast(parsed, pa.int64()), 0).to_numpy(zero_copy_only=False)[ok]
            read[rows[ok]] = True
        todo = rows[~ok & pc.is_valid(sub).to_numpy(zero_copy_only=False)]
        if len(todo) == 0:
            break
    return seconds, read


def _native(col: pa.Array) -> DateParse:
    """Timestamps and dates stored as such; a time-zone-aware timestamp keeps its own wall-clock time."""
    if pa.types.is_timestamp(col.type) and col.type.tz is not None:
        col = pc.local_timestamp(col)
    years = pc.year(col)
    sane = pc.and_(pc.greater_equal(years, SANE_YEARS[0]), pc.less_equal(years, SANE_YEARS[1]))
    col = pc.if_else(pc.fill_null(sane, False), col, pa.scalar(None, col.type))  # no ns overflow
    return DateParse(pc.cast(col, pa.timestamp("ns")).to_numpy(zero_copy_only=False), "native", None, False)


def _excel(col: pa.Array) -> DateParse:
    """Excel serial day numbers (45000 = 2023-03-15; from March 1900 on, as Excel counts past its
    fictitious 29 February 1900); numbers outside EXCEL_SERIAL_RANGE are NaT."""
    days = pc.cast(col, pa.float64()).to_numpy(zero_copy_only=False)
    ok = np.isfinite(days) & (days >= EXCEL_SERIAL_RANGE[0]) & (days <= EXCEL_SERIAL_RANGE[1])
    ns = np.where(ok, np.round(np.where(ok, days, 0) * NS_PER_DAY), 0).astype(np.int64)
    values = np.where(
        ok, EXCEL_EPOCH.astype("datetime64[ns]") + ns.astype("timedelta64[ns]"), np.datetime64("NaT", "ns")
    )
    return DateParse(values, "excel-serial", None, False)


def parse_dates(col, dayfirst: bool | None = None, excel: bool = False) -> DateParse:
    """Dates with one detected format (never per-row guessing).

    Tries each known date part (with any of the usual times of day) on a sample of rows spread over
    the column and keeps the one reading the most (a parsed year outside 1900..2100 counts as a misread); the
    rest of the column must fit it, other values are NaT and counted in ``other_format``. ``dayfirst``
    True/False restricts to d/m or m/d; None lets the data decide and reports ``ambiguous`` when no
    day above 12 settles it (then day first). UTC offsets are dropped, never applied: the calendar day
    and time are the ones written. ``excel``: numbers are Excel serial days (45000 = 2023-03-15).

    >>> p = parse_dates(pa.array(["03/04/2024", "25/12/2024", "bad"]))
    >>> [str(v)[:10] for v in p.values], p.date_format, p.dayfirst, p.ambiguous, p.other_format
    (['2024-04-03', '2024-12-25', 'NaT'], '%d/%m/%Y', True, False, 1)
    >>> parse_dates(pa.array(["03/04/2024"]), dayfirst=False).values[0]
    np.datetime64('2024-03-04T00:00:00.000000000')
    >>> parse_dates(pa.array(["05-Jan-24", "31-Jan-24"])).date_format
    '%d-%b-%y'
    """
    t = col.type
    if pa.types.is_timestamp(t) or pa.types.is_date(t):
        return _native(as_array(col))
    if (pa.types.is_floating(t) or pa.types.is_integer(t)) and excel:
        return _excel(as_array(col))
    # Text is read once per distinct value (``Distinct``); counts of rows weigh each value by its rows.
    distinct = Distinct.of(col)
    text = normalise_digits(to_text(distinct.values))
    weights = distinct.weights()
    sample, rows = _sample(text, distinct.index, weights)
    if len(sample) == 0:
        return _unread(len(col))
    tidy = _tidy(sample)
    probe = tidy.take(pa.array(_spread(len(tidy), PROBE_VALUES)))
    if not pc.any(pc.match_substring_regex(probe, _DATE_LIKE_RE)).as_py():
        return _unread(len(col))
    candidates = _candidate_formats(dayfirst)
    hopeful = [c for c in candidates if _reads_any(probe, c[1] + c[2])] or candidates
    reads: dict[str, np.ndarray] = {}  # date part -> sample values read with any time of day
    counts: dict[str, int] = {}  # full format -> sampled rows read
    for _fam, dpart, tpart in hopeful:
        ok = _sane(_strptime(tidy, dpart + tpart))
        counts[dpart + tpart] = int(rows[ok].sum())
        reads[dpart] = reads[dpart] | ok if dpart in reads else ok
    best_part = max(reads, key=lambda d: int(rows[reads[d]].sum()))  # first in order wins ties
    best = int(reads[best_part].sum())
    if best == 0:
        return _unread(len(col))
    fam = _family(best_part)
    times = [tp for tp in _TIME_PARTS if counts.get(best_part + tp, 0)]
    best_fmt = max((best_part + tp for tp in _TIME_PARTS), key=lambda f: counts.get(f, 0))
    ambiguous, chosen_dayfirst = False, None
    if fam in ("dmy", "mdy"):
        chosen_dayfirst = fam == "dmy"
        twin = _swap_day_month(best_part)
        if dayfirst is None:  # every time of day, hopeful or not, on both sides
            ambiguous = int(_sane_sample(tidy, twin).sum()) == int(_sane_sample(tidy, best_part).sum())
    changed = pc.fill_null(pc.not_equal(tidy, sample), False).to_numpy(zero_copy_only=False)
    label = best_fmt
    if best_part == ISO_DATE_PART and (len(times) > 1 or (changed & reads[best_part]).any()):
        label = ISO_LABEL
    work = _pretidy(text, sample) if rows[changed].sum() > PRETIDY_SHARE * rows.sum() else text
    parsed = _strptime(work, best_fmt)
    present = int(weights[text.is_valid().to_numpy(zero_copy_only=False)].sum())
    other_format = present - int(weights[parsed.is_valid().to_numpy(zero_copy_only=False)].sum())
    if other_format:  # other times of day, text needing a tidy
        read = pc.is_valid(parsed).to_numpy(zero_copy_only=False)
        failed = np.flatnonzero(~read & pc.is_valid(text).to_numpy(zero_copy_only=False))
        seconds = pc.fill_null(pc.cast(parsed, pa.int64()), 0).to_numpy(zero_copy_only=False).copy()
        others = [best_part + tp for tp in _TIME_PARTS if best_part + tp != best_fmt]
        for tidy_first, formats in ((False, others), (True, [best_fmt] + others)):
            sub = work.take(pa.array(failed))
            more, more_read = _read_with(_tidy(sub) if tidy_first else sub, formats)
            seconds[failed[more_read]] = more[more_read]
            read[failed[more_read]] = True
            failed = failed[~more_read]
            if len(failed) == 0:
                break
        other_format = present - int(weights[read].sum())
        parsed = pa.array(seconds, pa.timestamp("s"), mask=~read)
    parsed = _reject_rollover(text, parsed, best_fmt)
    values = pc.cast(parsed, pa.timestamp("ns")).to_numpy(zero_copy_only=False)
    low = np.datetime64(f"{SANE_YEARS[0]}-01-01", "ns")
    high = np.datetime64(f"{SANE_YEARS[1] + 1}-01-01", "ns")
    values = np.where((values >= low) & (values < high), values, np.datetime64("NaT", "ns"))
    return DateParse(distinct.rows(values), label, chosen_dayfirst, ambiguous, other_format)


def _unread(n: int) -> DateParse:
    """No format reads the column: every value NaT."""
    return DateParse(np.full(n, np.datetime64("NaT", "ns")), None, None, False)


def _sane_sample(tidy: pa.Array, date_part: str) -> np.ndarray:
    """Sample values a date part reads (any time of day) with a year within SANE_YEARS."""
    seconds, read = _read_with(tidy, [date_part + tp for tp in _TIME_PARTS])
    years = seconds.astype("datetime64[s]").astype("datetime64[Y]").astype(np.int64) + 1970
    return read & (years >= SANE_YEARS[0]) & (years <= SANE_YEARS[1])


def date_share(col) -> float:
    """Share of non-empty values (the first SAMPLE_VALUES) that some known date format reads.

    For the column guesser: a column mixing formats is still recognisably the date, although
    ``parse_dates`` keeps only its majority format. Timestamps and dates stored as such count as
    read; numbers do not (Excel serial days are judged by the caller).

    >>> date_share(pa.array(["2024-01-05", "Fri, 05 Jan 2024", "31/12/2024", "", "n/a"]))
    0.75
    >>> date_share(pa.array([1.5, 2.0]))
    0.0
    """
    col = as_array(col)
    t = col.type
    if pa.types.is_timestamp(t) or pa.types.is_date(t):
        return 1.0 if col.null_count < len(col) else 0.0
    if pa.types.is_floating(t) or pa.types.is_integer(t):
        return 0.0
    text = normalise_digits(to_text(col.slice(0, SAMPLE_VALUES * SAMPLE_SPREAD))).drop_null().slice(0, SAMPLE_VALUES)
    if len(text) == 0:
        return 0.0
    remaining = _tidy(text)
    remaining = remaining.filter(pc.fill_null(pc.match_substring_regex(remaining, _DATE_LIKE_RE), False))
    read = 0
    for _fam, dpart, tpart in _candidate_formats(None):
        if len(remaining) == 0:
            break
        parsed = _strptime(remaining, dpart + tpart)
        if parsed.null_count == len(parsed):
            continue
        ok = _sane(parsed)
        if ok.any():
            read += int(ok.sum())
            remaining = remaining.filter(pa.array(~ok))
    return read / len(text)


def _reject_rollover(text: pa.Array, parsed: pa.Array, fmt: str) -> pa.Array:
    """Null out impossible dates that strptime rolled into the next month (31/02 -> 2 March).

    A rollover lands on 1 March, May, July, October or December (29..31 of a shorter month) or on
    2..3 March (30..31 February), so only those rows are re-checked: the day written in the text (the
    n-th number, as %d is the n-th number in ``fmt``) must equal the parsed day.

    >>> text = pa.array(["31/04/2024", "01/05/2024", "30/02/2023"])
    >>> _reject_rollover(text, _strptime(text, "%d/%m/%Y"), "%d/%m/%Y").to_pylist()
    [None, datetime.datetime(2024, 5, 1, 0, 0), None]
    """
    day, month = pc.day(parsed).to_numpy(zero_copy_only=False), pc.month(parsed).to_numpy(zero_copy_only=False)
    suspicious = ((day == 1) & np.isin(month, ROLLOVER_MONTHS)) | ((month == 3) & ((day == 2) | (day == 3)))
    if not suspicious.any():
        return parsed
    idx = np.flatnonzero(suspicious)
    sub = text.take(pa.array(idx))
    if fmt.startswith("%Y%m%d"):
        day_text = pc.utf8_slice_codeunits(sub, 6, 8)
    else:
        order = sorted((fmt.find(d), d) for d in _NUMERIC_DIRECTIVES if d in fmt)
        position = [d for _, d in order].index("%d")
        groups = pc.extract_regex(sub, r"^\D*(?P<a>\d+)\D+(?P<b>\d+)(?:\D+(?P<c>\d+))?")
        day_text = pc.struct_field(groups, "abc"[position])
    day_text = pc.if_else(pc.equal(day_text, ""), pa.scalar(None, pa.string()), day_text)
    written = pc.cast(day_text, pa.int64()).to_numpy(zero_copy_only=False)
    actual = pc.day(parsed.take(pa.array(idx))).to_numpy(zero_copy_only=False)
    bad = np.zeros(len(parsed), dtype=bool)
    bad[idx] = ~np.isclose(written.astype(float), actual.astype(float))
    return pc.if_else(pa.array(bad), pa.scalar(None, parsed.type), parsed)


def _swap_day_month(fmt: str) -> str:
    return fmt.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")
