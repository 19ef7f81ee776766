"""Columns to values that need no format detection of their own: ids as exact text (e-mail addresses
compared without case) and each row's currency. Amounts and dates have their own modules (``amounts``,
``dates``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import payments
from .amounts import AmountParse
from .mapping import PROFILE_VALUES
from .text import EMAIL_RE as _EMAIL_RE
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


def _customer_ids(col) -> tuple[pa.Array, int]:
    """Customer ids as text; when most are e-mail addresses, compared without case (``Ann@x.com`` and
    ``ann@x.com`` are one customer). Returns the ids and how many customers that merged."""
    ids = parse_ids(col)
    sample = ids.drop_null().slice(0, PROFILE_VALUES)
    if (
        len(sample) == 0
        or pc.mean(pc.cast(pc.match_substring_regex(sample, _EMAIL_RE.pattern), pa.int8())).as_py() < 0.5
    ):
        return ids, 0
    lowered = pc.utf8_lower(ids)
    spellings = pc.utf8_lower(pc.unique(ids.drop_null()))  # one per distinct spelling
    counts = pc.value_counts(spellings).field("counts").to_numpy(zero_copy_only=False)
    return lowered, int((counts > 1).sum())  # customers written more than one way


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
