"""Downloads: CSV that is safe to open in a spreadsheet. Used for every CSV download in the app.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return can be run as a formula by
Excel or LibreOffice ("CSV injection", OWASP). ``safe_csv`` prefixes such text cells with a single
quote so they show as text; numbers stay numbers (a negative amount is still -20.5). The bytes are
UTF-8 with a byte-order mark and CRLF line ends (RFC 4180; a CR inside a cell is then quoted), so Excel
shows Arabic and accented text correctly.

Figures are written without binary noise (919.9999999999998 is written 920.00 or 920.0): a column
with a set number of decimals (``decimals=``, or a table's ``attrs["decimals"]`` set by the table
builders in ``clv.tables``) is written with exactly that many; any other float column is rounded
to ``NOISE_DECIMALS``. Missing values are empty cells; infinities are written as the infinity sign.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
UTF8_BOM = b"\xef\xbb\xbf"
NOISE_DECIMALS = 6  # float columns without a set precision: enough for any figure, no binary noise
DECIMALS_ATTR = "decimals"  # DataFrame.attrs key: column name -> decimals written to CSV
INFINITE = "∞"
SIGNED_NUMBER = re.compile(r"[+-]\d[\d.,  ' ]*")  # a sign, then digits and grouping or decimal marks only


def neutralise(value: object) -> object:
    """One cell: text that a spreadsheet would run as a formula gets a leading single quote.

    A signed number written as text ("-12.50", "-1,234.50", "+5") stays as it is: a spreadsheet reads it
    as that number, and no formula can hide in digits and marks.

    >>> neutralise("=HYPERLINK(\\"http://x\\")"), neutralise("-2+3"), neutralise(-2.5), neutralise("Ali")
    ('\\'=HYPERLINK("http://x")', "'-2+3", -2.5, 'Ali')
    >>> neutralise("-12.50"), neutralise("-1 234,50"), neutralise("-1e5"), neutralise("-12.50)")
    ('-12.50', '-1 234,50', "'-1e5", "'-12.50)")
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not SIGNED_NUMBER.fullmatch(value):
        return "'" + value
    return value


def fixed(value: float, decimals: int) -> str:
    """One figure as CSV text with exactly ``decimals`` decimals; empty when missing.

    A negative figure keeps its sign and stays a number; minus zero is written 0. An infinity is the
    infinity sign (a negative one quoted, as it starts with a minus).

    >>> fixed(919.9999999999998, 2), fixed(-20.5, 2), fixed(-0.0001, 2), fixed(float("nan"), 2), fixed(1234.5, 0)
    ('920.00', '-20.50', '0.00', '', '1234')
    """
    if value is None or value != value:
        return ""
    if math.isinf(value):
        return INFINITE if value > 0 else neutralise("-" + INFINITE)
    out = f"{value:.{decimals}f}"
    if out.startswith("-") and float(out) == 0:
        out = out[1:]
    return out


def _float_text(series: pd.Series, decimals: int | None) -> pd.Series:
    if decimals is None:
        finite = series.map(lambda v: v if v != v or math.isinf(v) else round(float(v), NOISE_DECIMALS) + 0.0)
        return finite.map(lambda v: "" if v != v else (fixed(v, 0) if math.isinf(v) else repr(v)))
    return series.map(lambda v: fixed(float(v), decimals))


def safe_csv(df: pd.DataFrame, index: bool = False, decimals: int | Mapping[str, int] | None = None) -> bytes:
    """``df`` as CSV bytes (UTF-8 with BOM) with formula-like text cells neutralised.

    Column names and (with ``index=True``) index labels are neutralised too. Only text cells change:
    numeric, boolean and date columns are written as numbers and dates. ``decimals``: one number for
    every float column, or column name -> decimals; by default ``df.attrs["decimals"]``. Float columns
    without a set precision are rounded to ``NOISE_DECIMALS``.

    >>> safe_csv(pd.DataFrame({"name": ["=1+1", "سارة"], "amount": [-3.5, 2.0]}))
    b"\\xef\\xbb\\xbfname,amount\\r\\n'=1+1,-3.5\\r\\n\\xd8\\xb3\\xd8\\xa7\\xd8\\xb1\\xd8\\xa9,2.0\\r\\n"
    >>> safe_csv(pd.DataFrame({"LTV": [919.9999999999998], "ROI": [None]}), decimals={"LTV": 2, "ROI": 2})[3:]
    b'LTV,ROI\\r\\n920.00,\\r\\n'
    """
    if decimals is None:
        decimals = df.attrs.get(DECIMALS_ATTR)
    out = df.copy()
    out.attrs = {}
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_float_dtype(series):
            places = decimals if isinstance(decimals, int) or decimals is None else decimals.get(col)
            out[col] = _float_text(series, places)
        elif (
            pd.api.types.is_numeric_dtype(series)
            or pd.api.types.is_datetime64_any_dtype(series)
            or pd.api.types.is_bool_dtype(series)
        ):
            continue
        else:
            out[col] = series.astype(object).map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    if index:
        out.index = pd.Index(
            [neutralise(v) for v in out.index],
            name=neutralise(out.index.name) if isinstance(out.index.name, str) else out.index.name,
        )
    text = out.to_csv(index=index, lineterminator="\r\n")
    return UTF8_BOM + text.encode("utf-8")
