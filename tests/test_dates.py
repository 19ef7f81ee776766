"""clv.data.dates: one date format per column, local calendar days, month names, mixed columns.

Provenance: every expected date below is the one written in the value (worked out by hand: the
calendar day and time as written, offsets dropped); Excel serials from Excel's own numbering
(45000 is 15 March 2023, 61 is 1 March 1900, after Excel's fictitious 29 February 1900)."""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings, strategies as hs

from clv.data.dates import SANE_YEARS, DateParse, date_share, parse_dates


def _days(p: DateParse) -> list[str]:
    return [str(v)[:10] for v in p.values]


def _stamps(p: DateParse) -> list[str]:
    return [str(v)[:19] for v in p.values]


# --- offsets: the local day and time written are kept, the offset is never applied --------------


@pytest.mark.parametrize(
    "value,expected",
    [
        ("2024-03-02 23:30 -0500", "2024-03-02T23:30:00"),  # was 3 March (converted to UTC)
        ("2024-03-02T23:30:00+05:30", "2024-03-02T23:30:00"),  # was 18:00 UTC
        ("2024-03-02T23:30:00Z", "2024-03-02T23:30:00"),
        ("2024-03-02T00:15:00.250-08:00", "2024-03-02T00:15:00"),  # fraction of a second dropped
        ("2024-03-02 23:30:00+00", "2024-03-02T23:30:00"),
        ("2024-03-02 11:30 PM -0500", "2024-03-02T23:30:00"),
        ("Fri, 05 Jan 2024 23:00:00 +0000", "2024-01-05T23:00:00"),  # RFC 2822
        ("Fri, 05 Jan 2024 23:00:00 GMT", "2024-01-05T23:00:00"),
    ],
)
def test_offsets_are_dropped_and_the_local_day_and_time_kept(value, expected):
    p = parse_dates(pa.array([value]))
    assert _stamps(p) == [expected]
    assert p.other_format == 0


def test_a_column_of_offsets_keeps_every_local_day():
    col = pa.array(
        [
            "2024-03-02T23:30:00-05:00",
            "2024-03-03T00:30:00+05:30",
            "2024-03-04T12:00:00Z",
            "2024-03-05T23:59:59.999+14:00",
            None,
        ]
    )
    p = parse_dates(col)
    assert _stamps(p)[:4] == [
        "2024-03-02T23:30:00",
        "2024-03-03T00:30:00",
        "2024-03-04T12:00:00",
        "2024-03-05T23:59:59",
    ]
    assert np.isnat(p.values[4])
    assert (p.date_format, p.dayfirst, p.ambiguous, p.other_format) == ("ISO8601", None, False, 0)


def test_iso_dates_with_mixed_times_are_reported_as_iso_and_all_read():
    p = parse_dates(pa.array(["2024-01-05 10:00:00", "2024-01-06", "2024-01-07 08:30"]))
    assert p.date_format == "ISO8601"
    assert _stamps(p) == ["2024-01-05T10:00:00", "2024-01-06T00:00:00", "2024-01-07T08:30:00"]
    # one form throughout keeps its exact format
    p = parse_dates(pa.array(["2024-01-05 13:45:00", "2024-02-10 13:45:00"]))
    assert p.date_format == "%Y-%m-%d %H:%M:%S"


def test_tz_aware_arrow_timestamps_keep_their_local_wall_clock():
    # 04:30 UTC on 3 March is 23:30 on 2 March in New York: the day written there is 2 March
    instants = [dt.datetime(2024, 3, 3, 4, 30), dt.datetime(2024, 7, 1, 3, 0)]
    utc = pa.array(instants, pa.timestamp("us", tz="UTC"))
    ny = utc.cast(pa.timestamp("us", tz="America/New_York"))
    p = parse_dates(ny)
    assert _stamps(p) == ["2024-03-02T23:30:00", "2024-06-30T23:00:00"]  # EST, then EDT
    assert p.date_format == "native"
    assert _stamps(parse_dates(utc)) == ["2024-03-03T04:30:00", "2024-07-01T03:00:00"]
    # as read back from a Parquet file (a chunked column)
    buf = io.BytesIO()
    pq.write_table(pa.table({"order_ts": utc.cast(pa.timestamp("us", tz="Asia/Riyadh"))}), buf)
    col = pq.read_table(io.BytesIO(buf.getvalue()))["order_ts"]
    assert isinstance(col, pa.ChunkedArray)
    assert _stamps(parse_dates(col)) == ["2024-03-03T07:30:00", "2024-07-01T06:00:00"]  # UTC+3


def test_native_dates_and_timestamps():
    p = parse_dates(pa.array([dt.date(2024, 1, 5), None]))
    assert _days(p) == ["2024-01-05", "NaT"] and p.date_format == "native"
    p = parse_dates(pa.array([dt.datetime(2024, 1, 5, 10, 30)], pa.timestamp("ms")))
    assert _stamps(p) == ["2024-01-05T10:30:00"]
    # years outside SANE_YEARS are unreadable, as in text (and year 3000 does not overflow ns)
    p = parse_dates(pa.array([dt.datetime(3000, 1, 1), dt.datetime(1, 1, 1), dt.datetime(2024, 2, 29)]))
    assert _days(p) == ["NaT", "NaT", "2024-02-29"]


# --- month names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value,expected,fmt",
    [
        ("Jan 5, 2024", "2024-01-05", "%b %d %Y"),
        ("05-Jan-24", "2024-01-05", "%d-%b-%y"),
        ("Fri, 05 Jan 2024", "2024-01-05", "%d %b %Y"),
        ("January 5, 2024", "2024-01-05", "%b %d %Y"),
        ("5 January 2024", "2024-01-05", "%d %b %Y"),
        ("5-Jan-2024", "2024-01-05", "%d-%b-%Y"),
        ("2024-Jan-05", "2024-01-05", "%Y-%b-%d"),
        ("JAN 5, 2024", "2024-01-05", "%b %d %Y"),
        ("jan 5, 2024", "2024-01-05", "%b %d %Y"),
        ("Sept. 5, 2024", "2024-09-05", "%b %d %Y"),
        ("Friday, January 5, 2024", "2024-01-05", "%b %d %Y"),
        ("31-Dec-99", "1999-12-31", "%d-%b-%y"),  # POSIX pivot: 69..99 -> 19xx
        ("01-Jan-68", "2068-01-01", "%d-%b-%y"),  # 00..68 -> 20xx
        ("05/Jan/2024", "2024-01-05", "%d/%b/%Y"),
        ("5 Jan 2024 14:05", "2024-01-05", "%d %b %Y %H:%M"),
    ],
)
def test_month_names_are_read(value, expected, fmt):
    p = parse_dates(pa.array([value, None]))
    assert _days(p) == [expected, "NaT"]
    assert (p.date_format, p.dayfirst, p.ambiguous, p.other_format) == (fmt, None, False, 0)


# --- mixed formats: the majority is kept, the rest set aside and counted --------------------------


def test_mixed_formats_keep_the_majority_and_count_the_rest():
    iso = [f"2024-02-{d:02d}" for d in range(1, 11)]
    col = pa.array(iso[:5] + ["05/01/2024"] + iso[5:8] + ["Jan 5, 2024", "", None] + iso[8:] + ["13/01/2024"])
    p = parse_dates(col)
    assert p.date_format == "%Y-%m-%d" and p.dayfirst is None and not p.ambiguous
    assert _days(p) == iso[:5] + ["NaT"] + iso[5:8] + ["NaT", "NaT", "NaT"] + iso[8:] + ["NaT"]
    assert p.other_format == 3  # the empty and missing cells are not counted
    # the old parser read 10 of 13 with one format; the guesser sees every value as a date
    assert date_share(col) == 1.0


def test_the_majority_decides_even_when_it_starts_late_in_a_large_file():
    # 30,000 ISO rows, then 70,000 d/m/Y rows: the sample is spread over the whole column
    iso = [f"2023-{m:02d}-{d:02d}" for m in range(1, 13) for d in range(1, 29)]
    dmy = [f"{d:02d}/{m:02d}/2024" for m in range(1, 13) for d in range(1, 29)]
    col = pa.array([iso[i % len(iso)] for i in range(30_000)] + [dmy[i % len(dmy)] for i in range(70_000)])
    p = parse_dates(col)
    assert (p.date_format, p.dayfirst, p.other_format) == ("%d/%m/%Y", True, 30_000)
    assert _days(p)[30_000:30_002] == ["2024-01-01", "2024-01-02"]
    assert np.isnat(p.values[:30_000]).all()


def test_unreadable_values_are_counted_impossible_dates_are_not():
    p = parse_dates(pa.array(["2024-03-01", "2024-13-45", "2024-02-30", "n/a", "1899-12-31"]))
    assert _days(p) == ["2024-03-01", "NaT", "NaT", "NaT", "NaT"]
    assert p.other_format == 2  # "2024-13-45" and "n/a" fit no ISO date


def test_date_share_sees_any_known_format():
    assert date_share(pa.array(["2024-01-05", "05/01/2024", "Jan 5, 2024", "soon"])) == 0.75
    assert date_share(pa.array(["2024-01-05T10:00:00+02:00", "Fri, 05 Jan 2024 10:00:00 +0000", " "])) == 1.0
    assert date_share(pa.array(["Ahmed", "customer 12", "Maryam"])) == 0.0
    assert date_share(pa.array(["10.50", "1,234.56", "7"])) == 0.0
    assert date_share(pa.array(["1899-12-31", "2024-02-01"])) == 0.5  # outside SANE_YEARS: not a date
    assert date_share(pa.array([None, ""], pa.string())) == 0.0
    assert date_share(pa.array([dt.date(2024, 1, 5)])) == 1.0
    assert date_share(pa.array([45000, 45001])) == 0.0  # serials: the caller decides


# --- existing behaviours still hold -----------------------------------------------------------------


def test_day_above_12_decides_day_month_order():
    p = parse_dates(pa.array(["03/04/2024", "25/12/2024"]))
    assert (_days(p), p.date_format, p.dayfirst, p.ambiguous) == (["2024-04-03", "2024-12-25"], "%d/%m/%Y", True, False)
    p = parse_dates(pa.array(["03/04/2024", "12/25/2024"]))
    assert (_days(p), p.date_format, p.dayfirst, p.ambiguous) == (
        ["2024-03-04", "2024-12-25"],
        "%m/%d/%Y",
        False,
        False,
    )


def test_undecided_day_month_order_is_day_first_and_ambiguous():
    p = parse_dates(pa.array(["03/04/2024", "05/06/2024 10:00"]))
    assert (_days(p), p.dayfirst, p.ambiguous) == (["2024-04-03", "2024-06-05"], True, True)
    p = parse_dates(pa.array(["03/04/2024", "05/06/2024"]), dayfirst=False)
    assert (_days(p), p.date_format, p.dayfirst, p.ambiguous) == (
        ["2024-03-04", "2024-05-06"],
        "%m/%d/%Y",
        False,
        False,
    )
    p = parse_dates(pa.array(["01/02/2024", "03/04/2024"]), dayfirst=True)
    assert (_days(p), p.ambiguous) == (["2024-02-01", "2024-04-03"], False)


def test_impossible_dates_are_rejected_not_rolled_over():
    p = parse_dates(pa.array(["31/02/2024", "15/01/2024", "31/04/2024", "29/02/2023", "29/02/2024", "01/03/2024"]))
    assert _days(p) == ["NaT", "2024-01-15", "NaT", "NaT", "2024-02-29", "2024-03-01"]
    assert p.other_format == 0
    assert _days(parse_dates(pa.array(["Feb 31, 2024", "Mar 2, 2024"]))) == ["NaT", "2024-03-02"]
    assert _days(parse_dates(pa.array(["2024-Apr-31", "2024-May-01"]))) == ["NaT", "2024-05-01"]
    assert _days(parse_dates(pa.array(["20240230", "20240301"]))) == ["NaT", "2024-03-01"]


def test_same_date_part_with_any_time_of_day():
    p = parse_dates(pa.array(["05/01/2024 10:00:00", "06/01/2024", "20/01/2024 08:30", "21/01/2024 9:05 PM"]))
    assert p.date_format == "%d/%m/%Y" and p.other_format == 0
    assert _stamps(p) == ["2024-01-05T10:00:00", "2024-01-06T00:00:00", "2024-01-20T08:30:00", "2024-01-21T21:05:00"]


def test_digits_two_digit_years_and_compact_dates():
    assert _days(parse_dates(pa.array(["٠٥/٠١/٢٠٢٤", "٢٠/٠١/٢٠٢٤"]))) == ["2024-01-05", "2024-01-20"]
    p = parse_dates(pa.array(["05/01/24", "20/01/24"]))
    assert p.date_format == "%d/%m/%y" and _days(p) == ["2024-01-05", "2024-01-20"]
    p = parse_dates(pa.array(["20240105", "20240120"]))
    assert p.date_format == "%Y%m%d" and _days(p) == ["2024-01-05", "2024-01-20"]
    p = parse_dates(pa.array(["5.1.2024", "20.1.2024"]))
    assert p.date_format == "%d.%m.%Y" and _days(p) == ["2024-01-05", "2024-01-20"]


def test_excel_serials():
    p = parse_dates(pa.array([45000, 61, 0, 2958466, None]), excel=True)
    assert _days(p) == ["2023-03-15", "1900-03-01", "NaT", "NaT", "NaT"]
    assert p.date_format == "excel-serial"
    assert str(parse_dates(pa.array([45000.5]), excel=True).values[0])[:19] == "2023-03-15T12:00:00"
    # without excel=True a number column is not read as dates
    assert parse_dates(pa.array([45000])).date_format is None


def test_columns_without_dates():
    for col in (pa.array(["Ahmed", "Maryam"]), pa.array([None, ""], pa.string()), pa.array([], pa.string())):
        p = parse_dates(col)
        assert (p.date_format, p.other_format) == (None, 0)
        assert np.isnat(p.values).all() and len(p.values) == len(col)


# --- property: any date written in any supported format reads back exactly ------------------------

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
DATE_PARTS = {  # the supported forms, by day/month order
    "ymd": ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d"],
    "dmy": ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y", "%d-%m-%y", "%d.%m.%y"],
    "mdy": ["%m/%d/%Y", "%m-%d-%Y", "%m.%d.%Y", "%m/%d/%y", "%m-%d-%y"],
    "text": [
        "%d %b %Y",
        "%d-%b-%Y",
        "%d %B %Y",
        "%d-%B-%Y",
        "%b %d %Y",
        "%B %d %Y",
        "%b %d, %Y",
        "%B %d, %Y",
        "%d-%b-%y",
        "%d %b %y",
        "%Y-%b-%d",
        "%d/%b/%Y",
    ],
}
TIME_PARTS = ["", " %H:%M:%S", " %H:%M", "T%H:%M:%S", "T%H:%M", " %I:%M:%S %p", " %I:%M %p"]
OFFSETS = ["", "Z", "+05:30", "-0500", " -0500", "+00", "+0000", " UTC", " GMT"]
FRACTIONS = ["", ".250", ",5", ".123456"]  # after seconds only
TWO_DIGIT_YEARS = (1969, 2068)  # POSIX pivot: what a two-digit year can mean


def _write(when: dt.datetime, fmt: str, padded: bool, case: str) -> str:
    """``when`` as text in ``fmt`` (English names, no locale), days/months unpadded on request."""
    names = {"%B": MONTHS[when.month - 1], "%b": MONTHS[when.month - 1][:3], "%p": "AM" if when.hour < 12 else "PM"}
    names = {k: getattr(v, case)() for k, v in names.items()}
    pad = padded or "%Y%m%d" in fmt
    hour12 = when.hour % 12 or 12
    fields = {
        "%Y": f"{when.year:04d}",
        "%y": f"{when.year % 100:02d}",
        "%m": f"{when.month:02d}" if pad else str(when.month),
        "%d": f"{when.day:02d}" if pad else str(when.day),
        "%H": f"{when.hour:02d}",
        "%I": f"{hour12:02d}",
        "%M": f"{when.minute:02d}",
        "%S": f"{when.second:02d}",
        **names,
    }
    out, i = [], 0
    while i < len(fmt):
        if fmt[i] == "%":
            out.append(fields[fmt[i : i + 2]])
            i += 2
        else:
            out.append(fmt[i])
            i += 1
    return "".join(out)


@hs.composite
def written_dates(draw):
    """(text, dayfirst to pass, the local date and time written) for any supported form."""
    family = draw(hs.sampled_from(sorted(DATE_PARTS)))
    date_part = draw(hs.sampled_from(DATE_PARTS[family]))
    low, high = TWO_DIGIT_YEARS if "%y" in date_part else (1950, 2099)
    day = draw(hs.dates(dt.date(low, 1, 1), dt.date(high, 12, 31)))
    time_part = draw(hs.sampled_from(TIME_PARTS))
    clock = draw(hs.times()).replace(microsecond=0) if time_part else dt.time(0, 0)
    if "%S" not in time_part:
        clock = clock.replace(second=0)
    when = dt.datetime.combine(day, clock)
    text = _write(when, date_part + time_part, draw(hs.booleans()), draw(hs.sampled_from(["title", "upper", "lower"])))
    if time_part.endswith("%S"):
        text += draw(hs.sampled_from(FRACTIONS))
    if time_part:
        text += draw(hs.sampled_from(OFFSETS))
    if family == "text" and draw(hs.booleans()):
        weekday = WEEKDAYS[day.weekday()]
        text = draw(hs.sampled_from([f"{weekday[:3]}, ", f"{weekday} ", f"{weekday.upper()[:3]} "])) + text
    dayfirst = {"dmy": True, "mdy": False}.get(family)
    return text, dayfirst, when


@settings(max_examples=300, deadline=None)
@given(written_dates())
def test_any_date_in_any_supported_format_reads_back_exactly(case):
    text, dayfirst, when = case
    p = parse_dates(pa.array([text]), dayfirst=dayfirst)
    assert p.values[0] == np.datetime64(when, "ns"), (text, p.date_format)
    assert SANE_YEARS[0] <= when.year <= SANE_YEARS[1] and p.other_format == 0


@settings(max_examples=60, deadline=None)
@given(
    family=hs.sampled_from(["dmy", "mdy"]),
    slash=hs.sampled_from(["/", "-", "."]),
    days=hs.lists(hs.dates(dt.date(1950, 1, 1), dt.date(2099, 12, 31)), min_size=1, max_size=30),
    decider=hs.dates(dt.date(1950, 1, 13), dt.date(2099, 12, 31)).filter(lambda d: d.day > 12),
)
def test_a_day_above_12_anywhere_settles_the_order_for_the_whole_column(family, slash, days, decider):
    fmt = slash.join(["%d", "%m", "%Y"] if family == "dmy" else ["%m", "%d", "%Y"])
    col = pa.array([d.strftime(fmt) for d in [*days, decider]])
    p = parse_dates(col)
    assert (p.dayfirst, p.ambiguous, p.other_format) == (family == "dmy", False, 0)
    assert _days(p) == [d.isoformat() for d in [*days, decider]]
