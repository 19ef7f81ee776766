"""Text helpers every reader shares: columns as trimmed text, Arabic-Indic digits to ASCII, whether a
cell looks like a value (so a first row of values is data, not a header), and unique column names.

>>> to_text(pa.array([" a ", "", None, "b"])).to_pylist()
['a', None, None, 'b']
>>> normalise_digits(pa.array(["١٢٫٥", "7"])).to_pylist()
['12.5', '7']
>>> looks_like_value("12.50"), looks_like_value("Amount")
(True, False)
>>> column_names(["id", "", "id"])
['id', 'column_2', 'id_2']
"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹"
WESTERN_FOR_ARABIC = "0123456789" * 2
ARABIC_SEPARATORS = {"٫": ".", "٬": ",", "،": ","}
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")  # an e-mail address
ARABIC_TABLE = str.maketrans({**dict(zip(ARABIC_DIGITS, WESTERN_FOR_ARABIC)), **ARABIC_SEPARATORS})


def as_array(col) -> pa.Array:
    """A column as one contiguous Arrow array."""
    return col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col


def to_text(col: pa.Array) -> pa.Array:
    """Any column as trimmed text, empty -> null; integral floats lose their ".0"."""
    t = col.type
    if pa.types.is_floating(t):
        values = col.to_numpy(zero_copy_only=False)
        integral = np.isfinite(values) & (values == np.round(values))
        return pa.array(
            [None if not np.isfinite(v) else (str(int(v)) if i else repr(float(v))) for v, i in zip(values, integral)],
            type=pa.string(),
        )
    if not (pa.types.is_string(t) or pa.types.is_large_string(t)):
        col = pc.cast(col, pa.string())
    col = pc.utf8_trim_whitespace(col)
    return pc.if_else(pc.equal(col, ""), pa.scalar(None, pa.string()), col)


def normalise_digits(col: pa.Array) -> pa.Array:
    """Arabic-Indic (and Persian) digits and separators to ASCII; skipped when the column is ASCII."""
    if pc.all(pc.string_is_ascii(col)).as_py() is not False:
        return col
    for src, dst in list(zip(ARABIC_DIGITS, WESTERN_FOR_ARABIC)) + list(ARABIC_SEPARATORS.items()):
        col = pc.replace_substring(col, src, dst)
    return col


def looks_like_value(cell: str) -> bool:
    """True for a cell that reads as a number or a numeric date (so its row is data, not a header)."""
    cell = cell.strip().translate(ARABIC_TABLE)
    if not cell:
        return False
    if re.fullmatch(r"[+-]?[\d.,\s]+", cell) and any(ch.isdigit() for ch in cell):
        return True
    return bool(re.fullmatch(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([ T].*)?", cell))


def column_names(cells: list[str]) -> list[str]:
    """Header cells as unique, non-empty column names (blank -> column_<i>, repeats -> name_2)."""
    names, seen = [], {}
    for i, cell in enumerate(cells, start=1):
        name = cell.strip().lstrip("\ufeff") or f"column_{i}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 1
        names.append(name)
    return names
