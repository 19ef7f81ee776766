"""Amounts as numbers, with each value read only under a decimal convention it fits, or set aside.

Two conventions are recognised:

- decimal dot: "1234.56", "1,234.56", "1 234.56", "1'234.56" (thousands mark "," or a space, no-break
  space, narrow no-break space, thin space, apostrophe or "’");
- decimal comma: "1234,56", "1.234,56", "1 234,56", "1'234,56" (thousands mark "." or the same spaces
  and apostrophes).

A thousands mark is always followed by a group of exactly three digits, and a grouped number starts
with 1 to 3 digits, the first not 0. A plain integer ("1234") fits both conventions with the same
result; "12.5" fits only the dot, "12,5" only the comma; "1,234" fits both with different results (1234
or 1.234); "1.234.567" fits only the comma, "1,234,567" only the dot; "0,123" only the comma.

The column's convention (``AmountParse.decimal``) is ``decimal`` when given; otherwise it comes from the
evidence, the distinct values that fit exactly one convention: the convention with evidence, or, when
both have evidence, the one with more distinct evidence values. Every value is then read under the
column's convention or set aside with its own status; it is never reinterpreted:

- a value that fits only the other convention -> ``AMBIGUOUS_DECIMAL``;
- a value with two different readings when there is no evidence, or when both conventions have
  evidence (the column mixes them, so the value may be written in either) -> ``AMBIGUOUS_DECIMAL``;
  on a tie in evidence no convention is chosen (``decimal`` None) and every value that needs one is
  set aside;
- text, empty, null, "12.5.3", "inf", "nan", Indian grouping "1,23,456" -> ``NOT_A_NUMBER``;
- a finite reading with ``|x| > MAX_ABS_AMOUNT`` (or one too large for a float) -> ``IMPLAUSIBLE``.

The file's delimiter plays no part: a ";" file is no evidence that "1.500" means 1500.

Arabic separators have one meaning whatever the column's convention: "٫" is a decimal mark and "٬" a
thousands mark (Arabic-Indic and Persian digits are read as ASCII), so "١٬٢٣٤٫٥" is 1234.5 in any column
and is not evidence either way. The Arabic comma "،" is read as ",".

Decorations: a currency sign or code before or after the number, inside or outside parentheses, with
or without a space ("$12.50", "12,50 €", "EUR 12.50", "12.50 USD", "ر.س ١٢٫٥", "$12.50 USD"); a sign
("-", "+", "−"), an accounting negative "(12.50)" or "($12.50)", or a trailing minus "12.50-"; scientific
notation "1.5E3" (its mantissa decides the convention like any value); surrounding spaces and
direction marks. Each value's currency is reported canonically (``AmountParse.currency``): "€", "EUR" and
"eur" are "EUR", "£" is "GBP", "US$" is "USD", "ر.س" is "SAR"; "$" and "¥" stay as written (dollars and
yen/yuan of several countries), so amounts in different currencies are never summed unnoticed.

Typed Arrow columns (integers, floats, decimals) never raise: int64 beyond 2**53 is converted by NumPy
(no Arrow cast), NaN and infinities are ``NOT_A_NUMBER``, the bound applies, ``decimal`` is None.

Performance: vectorised with pyarrow.compute; a long column with repeats is read once per distinct value
(``clv.data.text.Distinct``); a column of plain numbers ("12.50") takes a fast path of one Arrow cast and
a few substring tests. No Python loop runs per row.

>>> read_amounts(pa.array(["1,234", "12.50", "$1,234,567"])).values.tolist()
[1234.0, 12.5, 1234567.0]
>>> p = read_amounts(pa.array(["12.50", "7.99", "0.25", "1,5", "€1.234,50", "1,234", None]))
>>> p.values.tolist(), p.status.tolist(), p.decimal     # both conventions in evidence: the dot wins
([12.5, 7.99, 0.25, nan, nan, nan, nan], [0, 0, 0, 2, 2, 2, 1], '.')
>>> p.currency.tolist()[4]
'EUR'
>>> read_amounts(pa.array(["1,234", "1.234", "1234"])).status.tolist()   # no evidence either way
[2, 2, 0]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import InputError
from .text import ARABIC_DIGITS, ARABIC_SEPARATORS, Distinct, as_array, normalise_digits, to_text

# Per-value status codes (AmountParse.status).
OK, NOT_A_NUMBER, AMBIGUOUS_DECIMAL, IMPLAUSIBLE = 0, 1, 2, 3
STATUS_NAMES = ("ok", "not_a_number", "ambiguous_decimal", "implausible")  # indexed by status code

# Beyond this absolute value an amount is implausible. Not 1e9: one Iranian rial is about 1/600,000 USD
# and Persian digits are supported, so a 2,000 USD order is 1.2e9 rials (Vietnamese dong, Indonesian
# rupiah, Lebanese pounds come close too). 1e12 is still above any customer's single purchase in any
# currency (1.7 million USD in rials) and below what a misread column gives: 1e308, card numbers
# (~1e15), millisecond timestamps (~1.7e12), or int64 ids near 2**60. Sums of a million such values
# stay far from overflow.
MAX_ABS_AMOUNT = 1e12

DOT, COMMA = ".", ","
SAMPLE_VALUES = 2000  # values cast first to see whether a column is plain numbers (the fast path)
ARABIC_DECIMAL, ARABIC_THOUSANDS = "٫", "٬"  # one meaning whatever the column's convention
_ARABIC_RE = "[" + ARABIC_DIGITS + "".join(ARABIC_SEPARATORS) + "]"

# Currency signs and codes (matched case-insensitively) -> canonical name. Signs used by several
# countries ("$", "¥", "﷼", "kr") stay as written.
CURRENCY_SIGNS = {
    "€": "EUR",
    "£": "GBP",
    "$": "$",
    "US$": "USD",
    "C$": "CAD",
    "CA$": "CAD",
    "A$": "AUD",
    "AU$": "AUD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "S$": "SGD",
    "R$": "BRL",
    "MX$": "MXN",
    "¥": "¥",
    "₹": "INR",
    "₩": "KRW",
    "₺": "TRY",
    "₽": "RUB",
    "₪": "ILS",
    "₦": "NGN",
    "₱": "PHP",
    "₫": "VND",
    "฿": "THB",
    "₴": "UAH",
    "₸": "KZT",
    "₼": "AZN",
    "₾": "GEL",
    "zł": "PLN",
    "Kč": "CZK",
    "kr": "kr",
    "﷼": "﷼",
    "ر.س": "SAR",
    "د.إ": "AED",
    "ج.م": "EGP",
    "د.ك": "KWD",
    "ر.ق": "QAR",
    "د.ب": "BHD",
    "ر.ع": "OMR",
    "د.أ": "JOD",
    "د.ا": "JOD",
    "ل.ل": "LBP",
    "د.ع": "IQD",
    "د.م": "MAD",
    "د.ت": "TND",
    "د.ج": "DZD",
}
CURRENCY_CODES = (
    "USD",
    "EUR",
    "GBP",
    "JPY",
    "CNY",
    "CHF",
    "CAD",
    "AUD",
    "NZD",
    "HKD",
    "SGD",
    "SEK",
    "NOK",
    "DKK",
    "ISK",
    "PLN",
    "CZK",
    "HUF",
    "RON",
    "BGN",
    "TRY",
    "RUB",
    "UAH",
    "INR",
    "PKR",
    "BDT",
    "LKR",
    "IDR",
    "MYR",
    "PHP",
    "THB",
    "VND",
    "KRW",
    "TWD",
    "BRL",
    "MXN",
    "ARS",
    "CLP",
    "COP",
    "PEN",
    "ZAR",
    "NGN",
    "KES",
    "EGP",
    "MAD",
    "TND",
    "DZD",
    "SAR",
    "AED",
    "KWD",
    "QAR",
    "BHD",
    "OMR",
    "JOD",
    "LBP",
    "IQD",
    "IRR",
    "ILS",
    "KZT",
)
# Codes of currencies written with "$": "$12.50 USD" is one currency, USD.
DOLLAR_CODES = ("USD", "CAD", "AUD", "NZD", "HKD", "SGD", "MXN", "ARS", "CLP", "COP", "TWD")

_CANONICAL = {
    **{code.lower(): code for code in CURRENCY_CODES},
    **{sign.lower(): name for sign, name in CURRENCY_SIGNS.items()},
}
_CURRENCY_KEYS = pa.array(list(_CANONICAL))
_CURRENCY_NAMES = pa.array(list(_CANONICAL.values()))

# Regular expressions (RE2, as pyarrow.compute runs them). Spaces that may be thousands marks, and the
# spacing allowed around signs, parentheses and currencies (with bidi marks, common in Arabic text).
_SPACES = "\\x{0020}\\x{00a0}\\x{202f}\\x{2009}"
_APOSTROPHES = "'’"
_WS = f"[\\s{_SPACES}\\x{{200e}}\\x{{200f}}\\x{{061c}}]*"
_CUR = "(?i:(?:" + "|".join(re.escape(k) for k in sorted(_CANONICAL, key=len, reverse=True)) + ")\\.?)"
_NUM = f"[.,]?[0-9](?:[0-9.,{_APOSTROPHES}{_SPACES}]*[0-9])?(?:[eE][-+]?[0-9]+)?"
# A value is split into what comes before its number, the number, and what comes after; the two sides
# take only a few distinct forms ("$", "(", "€ ", " USD"), so they are parsed once per distinct form.
_SPLIT_RE = f"^(?P<before>[^0-9]*?)(?P<num>{_NUM})(?P<after>[^0-9]*)$"
_BEFORE_RE = (
    f"^{_WS}(?:(?P<c1>{_CUR}){_WS})?(?P<open>\\()?{_WS}(?:(?P<c2>{_CUR}){_WS})?"
    f"(?P<sign>[-+−])?{_WS}(?:(?P<c3>{_CUR}){_WS})?$"
)
_AFTER_RE = f"^(?:{_WS}(?P<c1>{_CUR}))?(?:{_WS}(?P<trail>-))?(?:{_WS}(?P<close>\\)))?(?:{_WS}(?P<c2>{_CUR}))?{_WS}$"


def _convention_re(decimal: str, thousands: str) -> str:
    """A number core (no sign, no currency) written in one convention."""
    d, t = re.escape(decimal), re.escape(thousands)
    grouped = "|".join(f"(?:[{marks}][0-9]{{3}})+" for marks in (t, _SPACES, _APOSTROPHES))
    return f"^(?:(?:[0-9]+(?:{d}[0-9]+)?|{d}[0-9]+)(?:[eE][-+]?[0-9]+)?|[1-9][0-9]{{0,2}}(?:{grouped})(?:{d}[0-9]+)?)$"


_DOT_RE = _convention_re(DOT, COMMA)
_COMMA_RE = _convention_re(COMMA, DOT)
_PLAIN_RE = r"^[-+]?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"  # what the fast path accepts


@dataclass(frozen=True, slots=True)
class AmountParse:
    """The result of ``read_amounts``, one entry per value of the column.

    values: float64, NaN wherever ``status != OK`` (never an infinity).
    status: int8 codes ``OK``, ``NOT_A_NUMBER``, ``AMBIGUOUS_DECIMAL``, ``IMPLAUSIBLE``.
    decimal: the column's convention, "." or ","; None when no value needed a decimal decision, or
        when the evidence was tied (then every value needing one is ``AMBIGUOUS_DECIMAL``).
    currency: object array, the canonical currency each value was written with, None where none.

    >>> p = read_amounts(pa.array(["$1.50", "$2.25", "€2,00", "x", "3"]))
    >>> p.counts, p.currencies
    ({0: 3, 1: 1, 2: 1}, ('$',))
    """

    values: np.ndarray
    status: np.ndarray
    decimal: str | None
    currency: np.ndarray

    @property
    def ok(self) -> np.ndarray:
        """Boolean mask of the values read."""
        return self.status == OK

    @property
    def counts(self) -> dict[int, int]:
        """How many values have each status (codes with no value left out)."""
        codes, n = np.unique(self.status, return_counts=True)
        return {int(c): int(k) for c, k in zip(codes, n)}

    @property
    def currencies(self) -> tuple[str, ...]:
        """The distinct currencies of the values read, sorted; more than one means do not sum them."""
        written = self.currency[self.ok]
        return tuple(np.unique(written[written != None]).tolist())  # noqa: E711 (elementwise)


def read_amounts(col, decimal: str | None = None, delimiter: str | None = None) -> AmountParse:
    """Read a column of amounts (see the module docstring for the rules); never raises on content.

    ``decimal`` ("." or ",") forces the convention; values that fit only the other one are set aside.
    ``delimiter`` is accepted for compatibility and ignored: the file's delimiter says nothing about
    how one value is written.

    Decimal comma, from the evidence; a forced convention:

    >>> p = read_amounts(pa.array(["1.234,56", "1 234,56", "12,50 €", "(3,00)", "7", "1.500"]))
    >>> p.values.tolist(), p.decimal
    ([1234.56, 1234.56, 12.5, -3.0, 7.0, 1500.0], ',')
    >>> read_amounts(pa.array(["1.500", "2.250"]), decimal=".").values.tolist()
    [1.5, 2.25]

    Decorations, Arabic-Indic digits, the bound and non-finite text:

    >>> p = read_amounts(pa.array(["($12.50)", "12.50-", "−4", "EUR 1,000.00", "١٬٢٣٤٫٥", "1e308", "inf"]))
    >>> p.values.tolist()
    [-12.5, -12.5, -4.0, 1000.0, 1234.5, nan, nan]
    >>> p.status.tolist(), p.currency.tolist()[:4]
    ([0, 0, 0, 0, 0, 3, 1], ['$', None, None, 'EUR'])

    Typed columns:

    >>> p = read_amounts(pa.array([2**60, 5, None], pa.int64()))
    >>> p.values.tolist(), p.status.tolist(), p.decimal
    ([nan, 5.0, nan], [3, 0, 1], None)
    """
    if decimal not in (None, DOT, COMMA):
        raise InputError("decimal", decimal, "data.allowed.decimal")
    parse, distinct = _read_distinct(col, decimal)
    if distinct.index is None:
        return parse
    return AmountParse(
        distinct.rows(parse.values), distinct.rows(parse.status), parse.decimal, distinct.rows(parse.currency)
    )


def parse_amounts(col, decimal: str | None = None, delimiter: str | None = None) -> tuple[np.ndarray, str]:
    """Backward-compatible form of ``read_amounts``: (values, NaN where not read; decimal mark or ".").

    >>> values, mark = parse_amounts(pa.array(["1.234,56", "12,5", "(3,00)", "x", "€ 1 000,00"]))
    >>> values.tolist(), mark
    ([1234.56, 12.5, -3.0, nan, 1000.0], ',')
    """
    if decimal not in (None, DOT, COMMA):
        raise InputError("decimal", decimal, "data.allowed.decimal")
    parse, distinct = _read_distinct(col, decimal)  # (only the values spread over the rows)
    return distinct.rows(parse.values), parse.decimal or DOT


def _read_distinct(col, decimal: str | None) -> tuple[AmountParse, Distinct]:
    """``read_amounts`` of the column's distinct values (``Distinct``: every rule reads one value at a
    time), and the rows' positions among them."""
    t = col.type
    if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t):
        col = as_array(col)
        return _read_typed(col), Distinct(col)
    distinct = Distinct.of(col)
    try:
        text = to_text(distinct.values)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # a type with no text form: nothing to read
        n = len(col)
        none = AmountParse(np.full(n, np.nan), np.full(n, NOT_A_NUMBER, np.int8), None, np.full(n, None, object))
        return none, Distinct(as_array(col))
    parse = _read_plain(text, decimal) if decimal != COMMA else None
    return (_read_text(text, decimal) if parse is None else parse), distinct


# ----------------------------------------------------------------------------------------------
def _finish(values: np.ndarray, status: np.ndarray, decimal: str | None, currency: np.ndarray) -> AmountParse:
    """Apply the bound and blank every value not read."""
    with np.errstate(invalid="ignore"):
        huge = (status == OK) & ~(np.abs(values) <= MAX_ABS_AMOUNT)
    status = np.where(huge, IMPLAUSIBLE, status).astype(np.int8)
    values = np.where(status == OK, values, np.nan)
    return AmountParse(values, status, decimal, currency)


def _read_typed(col: pa.Array) -> AmountParse:
    n = len(col)
    valid = ~col.is_null().to_numpy(zero_copy_only=False) if col.null_count else np.ones(n, bool)
    t = col.type
    if pa.types.is_integer(t):  # NumPy, not an Arrow cast: 2**60 must not raise
        values = pc.fill_null(col, 0).to_numpy(zero_copy_only=False).astype(np.float64)
    elif pa.types.is_floating(t):
        values = col.to_numpy(zero_copy_only=False).astype(np.float64)
    else:
        try:
            values = pc.cast(col, pa.float64(), safe=False).to_numpy(zero_copy_only=False)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            values = pc.cast(pc.cast(col, pa.string()), pa.float64()).to_numpy(zero_copy_only=False)
    values = np.asarray(values, dtype=np.float64)
    status = np.where(valid & np.isfinite(values), OK, NOT_A_NUMBER).astype(np.int8)
    return _finish(values, status, None, np.full(n, None, object))


def _bool(arr) -> np.ndarray:
    return pc.fill_null(arr, False).to_numpy(zero_copy_only=False)


def _floats(text: pa.Array) -> np.ndarray:
    """Strings already checked against a grammar -> float64 (NaN for null)."""
    return pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False)


def _choose(dot_evidence: int, comma_evidence: int) -> tuple[str | None, bool]:
    """The column's convention from the distinct evidence counts, and whether both had evidence."""
    if dot_evidence and comma_evidence:
        if dot_evidence == comma_evidence:
            return None, True
        return (DOT if dot_evidence > comma_evidence else COMMA), True
    if dot_evidence:
        return DOT, False
    return (COMMA if comma_evidence else None), False


def _read_plain(text: pa.Array, decimal: str | None) -> AmountParse | None:
    """Fast path for a column of plain ASCII numbers with at most a dot ("12.50", "-3", ".5", "1e3"),
    found by one Arrow cast (tried on a sample first: a failing cast is slow); None for any other
    column. Such a value has two readings only when it looks like "1.234" (1.234, or 1234 with a
    thousands dot), found from the position of its dot, its length and its value."""
    try:
        pc.cast(text.slice(0, SAMPLE_VALUES), pa.float64())
        values = _floats(text)
    except pa.ArrowInvalid:
        return None
    n = len(text)
    length = pc.fill_null(pc.binary_length(text), 0).to_numpy(zero_copy_only=False)
    dot = pc.fill_null(pc.find_substring(text, DOT), -1).to_numpy(zero_copy_only=False)
    signed = _bool(pc.or_(pc.starts_with(text, "-"), pc.starts_with(text, "+"))).astype(int)
    exponent = _bool(pc.or_(pc.match_substring(text, "e"), pc.match_substring(text, "E")))
    has_dot, decimals, whole = dot >= 0, length - dot - 1, dot - signed
    fits = _bool(pc.is_valid(text))
    with np.errstate(invalid="ignore"):
        odd = fits & (exponent | ~np.isfinite(values) | (has_dot & (decimals == 0)))  # "1e3", "inf", "5."
    if odd.any():  # few rows: the grammar decides ("1e400" fits, "nan" not)
        rows = np.flatnonzero(odd)
        fits[rows] = _bool(pc.match_substring_regex(text.take(pa.array(rows)), _PLAIN_RE))
    with np.errstate(invalid="ignore", divide="ignore"):
        two = (
            has_dot
            & ~exponent
            & (decimals == 3)
            & (whole >= 1)
            & (whole <= 3)
            & (np.abs(values) >= 10.0 ** (whole - 1))
        )  # "1.234", not "0.234" nor "01.234"
    if decimal is None and (fits & has_dot & ~two).any():
        decimal = DOT
    status = np.where(fits, OK, NOT_A_NUMBER).astype(np.int8)
    if decimal is None:
        status[fits & two] = AMBIGUOUS_DECIMAL
    return _finish(values, status, decimal, np.full(n, None, object))


def _read_text(text: pa.Array, decimal: str | None) -> AmountParse:
    n = len(text)
    arabic_decimal = np.zeros(n, bool)
    if pc.all(pc.string_is_ascii(text)).as_py() is False:
        arabic = _bool(pc.match_substring_regex(text, _ARABIC_RE))
        if arabic.any():  # only those rows: the other non-ASCII ones ("€") stay
            rows = pa.array(np.flatnonzero(arabic))
            sub = text.take(rows)
            arabic_decimal[arabic] = _bool(pc.match_substring(sub, ARABIC_DECIMAL))
            sub = normalise_digits(pc.replace_substring(sub, ARABIC_THOUSANDS, "'"))
            text = pc.replace_with_mask(text, pa.array(arabic), sub)
    parts = pc.extract_regex(text, _SPLIT_RE)
    num = parts.field("num")
    before = _Side.parse(parts.field("before"), before=True)
    after = _Side.parse(parts.field("after"), before=False)
    currency, currency_ok = _currency(before, after)
    well_formed = (
        before.valid & after.valid & currency_ok & (before.bracket == after.bracket) & (before.marks + after.marks <= 1)
    )
    negative = before.negative | after.negative
    fits_dot = _bool(pc.match_substring_regex(num, _DOT_RE)) & well_formed
    fits_comma = _bool(pc.match_substring_regex(num, _COMMA_RE)) & well_formed & ~arabic_decimal
    dot_values = _reading(num, fits_dot, f"[,{_APOSTROPHES}{_SPACES}]", None)
    comma_values = _reading(num, fits_comma, f"[.{_APOSTROPHES}{_SPACES}]", COMMA)
    both = fits_dot & fits_comma
    same = both & (dot_values == comma_values)
    dot_only, comma_only = fits_dot & ~fits_comma, fits_comma & ~fits_dot
    conflict = False
    if decimal is None:
        decimal, conflict = _choose(_distinct(num, dot_only & ~arabic_decimal), _distinct(num, comma_only))
    if decimal == DOT:
        read, values = fits_dot, dot_values
    elif decimal == COMMA:
        read, values = fits_comma | (arabic_decimal & fits_dot), np.where(fits_comma, comma_values, dot_values)
    else:
        read, values = same | (arabic_decimal & fits_dot), dot_values
    if conflict:  # the column mixes conventions: two readings, no reading
        read = read & ~(both & ~same)
    status = np.full(n, NOT_A_NUMBER, np.int8)
    status[(fits_dot | fits_comma) & ~read] = AMBIGUOUS_DECIMAL
    status[read] = OK
    values = np.where(negative, -values, values)
    return _finish(values, status, decimal, currency)


def _reading(num: pa.Array, fits: np.ndarray, thousands_re: str, decimal: str | None) -> np.ndarray:
    """The values of ``num`` read with one convention where they fit it (NaN elsewhere)."""
    values = np.full(len(num), np.nan)
    where = np.flatnonzero(fits)
    if len(where):
        core = pc.replace_substring_regex(num.take(pa.array(where)), thousands_re, "")
        if decimal is not None:
            core = pc.replace_substring(core, decimal, DOT)
        values[where] = _floats(core)
    return values


def _distinct(num: pa.Array, mask: np.ndarray) -> int:
    return pc.count_distinct(pc.filter(num, pa.array(mask))).as_py() if mask.any() else 0


@dataclass(frozen=True, slots=True)
class _Side:
    """What one side of the numbers says, per value: well formed, its sign marks, its currencies."""

    valid: np.ndarray  # bool; False where the value did not split
    bracket: np.ndarray  # "(" before, ")" after
    negative: np.ndarray  # "(", "-", "−" before, or "-" after
    marks: np.ndarray  # int: sign marks ("+", "-", "(", trailing "-")
    currencies: np.ndarray  # int: currency signs or codes written
    first: pa.Array  # canonical names of the first and the last of them (null where none)
    last: pa.Array

    @staticmethod
    def parse(side: pa.Array, before: bool) -> _Side:
        """Parse the distinct forms of one side once, then spread the results over the rows."""
        encoded = pc.dictionary_encode(side)
        parts = pc.extract_regex(encoded.dictionary, _BEFORE_RE if before else _AFTER_RE)
        names = [_canonical(parts.field(g)) for g in (("c1", "c2", "c3") if before else ("c1", "c2"))]
        bracket = _written(parts.field("open" if before else "close"))
        sign = parts.field("sign" if before else "trail")
        minus = pc.and_(_written(sign), pc.not_equal(sign, "+"))
        marks = pc.add(_int(bracket), _int(_written(sign))) if before else _int(_written(sign))
        count = _int(pc.is_valid(names[0]))
        for name in names[1:]:
            count = pc.add(count, _int(pc.is_valid(name)))

        def per_row(a: pa.Array, fill=None):
            a = pc.take(a, encoded.indices)
            return a if fill is None else pc.fill_null(a, fill).to_numpy(zero_copy_only=False)

        return _Side(
            valid=per_row(pc.is_valid(parts), False),
            bracket=per_row(bracket, False),
            negative=per_row(pc.or_(bracket, minus), False),
            marks=per_row(marks, 0),
            currencies=per_row(count, 0),
            first=per_row(pc.coalesce(*names)),
            last=per_row(pc.coalesce(*names[::-1])),
        )


def _written(group: pa.Array) -> pa.Array:
    """True where an optional group matched (extract_regex gives "" for one that did not)."""
    return pc.fill_null(pc.not_equal(group, ""), False)


def _int(flags: pa.Array) -> pa.Array:
    return pc.cast(pc.fill_null(flags, False), pa.int8())


def _canonical(written: pa.Array) -> pa.Array:
    """Currency signs or codes as written -> canonical names; null where none."""
    key = pc.utf8_lower(pc.replace_substring_regex(written, r"(.)\.$", r"\1"))  # "EUR." -> "eur"
    return pc.take(_CURRENCY_NAMES, pc.index_in(key, value_set=_CURRENCY_KEYS))


def _currency(before: _Side, after: _Side) -> tuple[np.ndarray, np.ndarray]:
    """Each value's canonical currency (None where none), and whether its currencies agree: one sign or
    code, or the same currency twice, or "$" with a dollar code ("$12.50 USD" is USD)."""
    written = before.currencies + after.currencies
    n = len(written)
    if not written.any():
        return np.full(n, None, object), np.ones(n, bool)
    first, last = pc.coalesce(before.first, after.first), pc.coalesce(after.last, before.last)
    with_code = pc.or_(
        pc.and_(pc.equal(first, "$"), pc.is_in(last, value_set=pa.array(DOLLAR_CODES))),
        pc.and_(pc.equal(last, "$"), pc.is_in(first, value_set=pa.array(DOLLAR_CODES))),
    )
    agree = (written <= 1) | ((written == 2) & _bool(pc.or_(pc.equal(first, last), with_code)))
    currency = pc.if_else(pc.equal(first, "$"), last, first).to_numpy(zero_copy_only=False)
    return np.where(agree, currency, None), agree
