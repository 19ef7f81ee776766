"""Downloads: CSV that is safe to open in a spreadsheet. Used for every CSV download in the app.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return can be run as a formula by
Excel or LibreOffice ("CSV injection", OWASP). ``safe_csv`` prefixes such text cells with a single
quote so they show as text; numbers stay numbers (a negative amount is still -20.5). The bytes are
UTF-8 with a byte-order mark and CRLF line ends (RFC 4180; a CR inside a cell is then quoted), so Excel shows Arabic and accented text correctly.
"""

from __future__ import annotations

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
UTF8_BOM = b"\xef\xbb\xbf"


def neutralise(value: object) -> object:
    """One cell: text that a spreadsheet would run as a formula gets a leading single quote.

    >>> neutralise("=HYPERLINK(\\"http://x\\")"), neutralise("-2+3"), neutralise(-2.5), neutralise("Ali")
    ('\\'=HYPERLINK("http://x")', "'-2+3", -2.5, 'Ali')
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_csv(df: pd.DataFrame, index: bool = False) -> bytes:
    """``df`` as CSV bytes (UTF-8 with BOM) with formula-like text cells neutralised.

    Column names and (with ``index=True``) index labels are neutralised too. Only text cells change:
    numeric, boolean and date columns are written as they are.

    >>> safe_csv(pd.DataFrame({"name": ["=1+1", "سارة"], "amount": [-3.5, 2.0]}))
    b"\\xef\\xbb\\xbfname,amount\\r\\n'=1+1,-3.5\\r\\n\\xd8\\xb3\\xd8\\xa7\\xd8\\xb1\\xd8\\xa9,2.0\\r\\n"
    """
    out = df.copy()
    out.columns = [neutralise(str(c)) for c in out.columns]
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series) \
                or pd.api.types.is_bool_dtype(series):
            continue
        out[col] = series.astype(object).map(neutralise)
    if index:
        out.index = pd.Index([neutralise(v) for v in out.index], name=neutralise(out.index.name)
                             if isinstance(out.index.name, str) else out.index.name)
    text = out.to_csv(index=index, lineterminator="\r\n")
    return UTF8_BOM + text.encode("utf-8")
