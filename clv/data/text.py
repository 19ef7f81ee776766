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
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹"
WESTERN_FOR_ARABIC = "0123456789" * 2
ARABIC_SEPARATORS = {"٫": ".", "٬": ",", "،": ","}
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")  # an e-mail address
ARABIC_TABLE = str.maketrans({**dict(zip(ARABIC_DIGITS, WESTERN_FOR_ARABIC)), **ARABIC_SEPARATORS})


DISTINCT_MIN_ROWS = 4096  # text columns this long are read once per distinct value ...
DISTINCT_MAX_SHARE = 0.5  # ... when at most this share of their values are distinct


def as_array(col) -> pa.Array:
    """A column as one contiguous Arrow array."""
    return col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col


@dataclass(frozen=True, slots=True)
class Distinct:
    """A column as its distinct values and, for each row, the position of its value: what is read from
    text (trimmed, parsed, checked) is then read once per distinct value and spread over the rows, where
    dates, amounts, statuses and product names repeat a lot (731 dates in a million rows of two years).

    values: the distinct values in order of first appearance, then one null (rows that are null point to
        it); or, when ``index`` is None, the column itself (no repeats worth it, or a short column).
    index: for each row, the position of its value in ``values`` (np.intp); None: row i is value i.

    Anything computed elementwise on ``values`` and taken with ``rows`` is what the same computation on
    the column gives; counts of rows weigh each value by ``weights``.

    >>> d = Distinct.of(pa.array(["b", "a", None, "b", "b"]), min_rows=0)
    >>> d.values.to_pylist(), d.index.tolist(), d.weights().tolist()
    (['b', 'a', None], [0, 1, 2, 0, 0], [3, 1, 1])
    >>> d.rows(np.array([10, 20, 30])).tolist(), d.rows(pa.array(["B", "A", None])).to_pylist()
    ([10, 20, 30, 10, 10], ['B', 'A', None, 'B', 'B'])
    >>> Distinct.of(pa.array(["x", "y"])).index is None   # short: the column itself
    True
    """

    values: pa.Array
    index: np.ndarray | None = None

    @classmethod
    def of(cls, col, min_rows: int | None = None, max_share: float | None = None) -> Distinct:
        """``col`` (an Arrow array or chunked array) by distinct values when it is text of at least
        ``min_rows`` rows (default ``DISTINCT_MIN_ROWS``) with at most ``max_share`` of them distinct
        (default ``DISTINCT_MAX_SHARE``); else the column itself."""
        n = len(col)
        min_rows = DISTINCT_MIN_ROWS if min_rows is None else min_rows
        max_share = DISTINCT_MAX_SHARE if max_share is None else max_share
        if n < max(min_rows, 1) or not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
            return cls(as_array(col))
        encoded = pc.dictionary_encode(col)  # one dictionary for every chunk
        chunks = encoded.chunks if isinstance(encoded, pa.ChunkedArray) else [encoded]
        dictionary = max((c.dictionary for c in chunks), key=len)  # (each chunk's indices point into it)
        if len(dictionary) > max_share * n:
            return cls(as_array(col))
        null = len(dictionary)
        index = np.empty(n, dtype=np.intp)  # NumPy's index type: no conversion at each take
        at = 0
        for c in chunks:
            part = c.indices if c.null_count == 0 else pc.fill_null(c.indices, null)
            index[at : at + len(part)] = part.to_numpy(zero_copy_only=False)
            at += len(part)
        return cls(pa.concat_arrays([dictionary, pa.nulls(1, dictionary.type)]), index)

    def rows(self, per_value):
        """Per-value results (a NumPy or Arrow array as long as ``values``) spread over the rows."""
        if self.index is None:
            return per_value
        if isinstance(per_value, np.ndarray):
            return per_value[self.index]
        return per_value.take(pa.array(self.index))

    def weights(self) -> np.ndarray:
        """How many rows hold each value (int64)."""
        if self.index is None:
            return np.ones(len(self.values), dtype=np.int64)
        return np.bincount(self.index, minlength=len(self.values))


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
    if not _plain_edges(col):  # (a million order ids need no trimming: no copy of them)
        col = pc.utf8_trim_whitespace(col)
    empty = pc.equal(col, "")
    return pc.if_else(empty, pa.scalar(None, pa.string()), col) if pc.any(empty).as_py() else col


def _plain_edges(col: pa.Array) -> bool:
    """True when no value starts or ends with white space, for certain: the first and the last byte of
    every value are printable ASCII other than the space (read from the array's buffers, no copy).

    >>> _plain_edges(pa.array(["A1", "x", "", None])), _plain_edges(pa.array(["A1 ", "x"]))
    (True, False)
    >>> _plain_edges(pa.array(["\u00a0x"])), _plain_edges(pa.array(["é"]))   # maybe white space: trim
    (False, False)
    """
    buffers = col.buffers()
    if len(col) == 0 or buffers[2] is None:
        return True
    width = np.int64 if pa.types.is_large_string(col.type) else np.int32
    offsets = np.frombuffer(buffers[1], dtype=width)[col.offset : col.offset + len(col) + 1]
    data = np.frombuffer(buffers[2], dtype=np.uint8)
    starts, ends = offsets[:-1], offsets[1:]
    filled = ends > starts
    if not filled.all():
        starts, ends = starts[filled], ends[filled]
    first, last = data[starts], data[ends - 1]
    return bool(((first > 0x20) & (first < 0x7F)).all() and ((last > 0x20) & (last < 0x7F)).all())


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
