"""The dataset pages work on: the user's upload (kept in this session only) or the bundled sample."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import streamlit as st

from clv import data

from . import cache, state

UPLOAD = "_upload"          # session-state key: the uploaded file, one per kind
KINDS = ("transactions", "summary", "subscriptions")


@dataclass(frozen=True)
class Upload:
    name: str
    digest: str
    raw: bytes


def set_upload(kind: str, name: str, raw: bytes) -> None:
    st.session_state.setdefault(UPLOAD, {})[kind] = Upload(name, hashlib.sha256(raw).hexdigest(), raw)


def clear_upload(kind: str) -> None:
    st.session_state.get(UPLOAD, {}).pop(kind, None)


def upload(kind: str) -> Upload | None:
    return st.session_state.get(UPLOAD, {}).get(kind)


def dataset_id(kind: str = "transactions") -> str:
    """A short key naming the data in use (for caches downstream): the upload's digest or the sample."""
    up = upload(kind)
    return f"upload:{up.digest}:{mapping_items(kind)}:{read_options()}" if up else f"sample:{kind}"


def read_options() -> data.ReadOptions:
    dayfirst = {"auto": None, "day": True, "month": False}[state.get("data_dayfirst")]
    return data.ReadOptions(dayfirst=dayfirst, returns=state.get("data_returns"),
                            sheet=state.get("data_sheet") or None)


def mapping_items(kind: str = "transactions") -> tuple:
    """The user's corrections to the guessed columns, as sorted (role, column) pairs."""
    if kind != "transactions":
        return ()
    pairs = ((role, state.get(f"data_map_{role}")) for role in data.ROLES)
    return tuple(sorted((role, column) for role, column in pairs if column))


def current(kind: str = "transactions") -> data.LoadResult:
    """The upload of that kind if there is one, else the sample. Raises ``clv.DataError``."""
    up = upload(kind)
    if up is None:
        return cache.sample(kind)
    return cache.read_upload(up.digest, up.name, kind, mapping_items(kind), read_options(), up.raw)


def is_sample(kind: str = "transactions") -> bool:
    return upload(kind) is None
