"""Columns to values that need no format detection of their own: ids as exact text (e-mail addresses
compared without case) and each row's currency. Amounts and dates have their own modules (``amounts``,
``dates``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import payments
from .amounts import AmountParse
from .mapping import PROFILE_VALUES
from .text import EMAIL_RE as _EMAIL_RE
from .text import Distinct
from .text import as_array as _as_array
from .text import to_text as _to_text


def parse_ids(col) -> pa.Array:
    """Customer (or order) ids as trimmed text; missing, empty or blank -> null.

    >>> parse_ids(pa.array([" A1 ", "", None])).to_pylist()
    ['A1', None, None]
    >>> parse_ids(pa.array([12.0, 7.5])).to_pylist()
    ['12', '7.5']
    """
    return _to_text(_as_array(col))


@dataclass(frozen=True, slots=True)
class CustomerIds:
    """A customer column read once per distinct value.

    names: the distinct customers (trimmed text; lower case when the ids are e-mail addresses).
    codes: each row's position in ``names`` (int64), -1 where the row has no id.
    merged: customers written more than one way (e-mail addresses differing only in case).
    """

    names: pa.Array
    codes: np.ndarray
    merged: int = 0

    def rows(self, keep: np.ndarray | None = None) -> pa.Array:
        """The ids of the rows (those marked in ``keep``), null where a row has none.

        >>> ids = _customer_ids(pa.array([" A ", "b", None, "A"]))
        >>> ids.rows().to_pylist(), ids.rows(np.array([True, False, False, True])).to_pylist()
        (['A', 'b', None, 'A'], ['A', 'A'])
        """
        codes = self.codes if keep is None else self.codes[keep]
        return self.names.take(pa.array(codes, mask=codes < 0))

    def marked(self, per_name: np.ndarray) -> np.ndarray:
        """A bool per name spread over the rows (False where a row has no id)."""
        return np.append(per_name, False)[self.codes]


def _customer_ids(col) -> CustomerIds:
    """Customer ids as text (``parse_ids``); when most are e-mail addresses, compared without case
    (``Ann@x.com`` and ``ann@x.com`` are one customer), and how many customers that merged. Read once
    per distinct value (``Distinct``): rows with the same id get the same code.

    >>> ids = _customer_ids(pa.array(["Ann@x.com", "bo@y.org", "ann@x.com", None]))
    >>> ids.names.to_pylist(), ids.codes.tolist(), ids.merged
    (['ann@x.com', 'bo@y.org'], [0, 1, 0, -1], 1)
    """
    distinct = Distinct.of(col, max_share=1.0)  # the codes are needed, whatever the repeats
    ids = parse_ids(distinct.values)
    valid = ids.is_valid().to_numpy(zero_copy_only=False)
    if distinct.index is None:
        sample = ids.drop_null().slice(0, PROFILE_VALUES)
    else:  # the first PROFILE_VALUES rows with an id, as in the column (looked for in a growing prefix)
        size = 4 * PROFILE_VALUES
        while True:
            at = np.flatnonzero(valid[distinct.index[:size]])[:PROFILE_VALUES]
            if len(at) == PROFILE_VALUES or size >= len(distinct.index):
                break
            size *= 4
        sample = ids.take(pa.array(distinct.index[at]))
    merged = 0
    if (
        len(sample) > 0
        and pc.mean(pc.cast(pc.match_substring_regex(sample, _EMAIL_RE.pattern), pa.int8())).as_py() >= 0.5
    ):
        spellings = pc.utf8_lower(pc.unique(ids.drop_null()))  # one per distinct spelling
        counts = pc.value_counts(spellings).field("counts").to_numpy(zero_copy_only=False)
        merged = int((counts > 1).sum())  # customers written more than one way
        ids = pc.utf8_lower(ids)
    if ids is distinct.values and distinct.index is not None:  # nothing trimmed, blanked or lowered:
        names = ids.slice(0, len(ids) - 1)  # still distinct (the last value is Distinct's null)
        codes = np.arange(len(ids), dtype=np.int64)
        codes[-1] = -1
    else:
        encoded = pc.dictionary_encode(ids)
        names = encoded.dictionary
        codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    # large_string, as pandas keeps text: the ids taken from it need no conversion in a DataFrame
    return CustomerIds(names.cast(pa.large_string()), distinct.rows(codes), merged)


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
