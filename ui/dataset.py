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


# The roles a user can map per kind of file: (roles, required roles, the fields' key prefix).
MAPPABLE = {"transactions": (data.ROLES, data.REQUIRED_ROLES, "data_map_"),
            "subscriptions": (data.SUBSCRIPTION_ROLES, data.SUBSCRIPTION_REQUIRED, "data_smap_")}


def paid_statuses() -> tuple[str, ...] | None:
    """The payment statuses the user counts as revenue (None: the usual completed-payment statuses)."""
    chosen = tuple(sorted({v.strip() for v in (state.get("data_paid") or "").split(",") if v.strip()}))
    return chosen or None


def read_options() -> data.ReadOptions:
    dayfirst = {"auto": None, "day": True, "month": False}[state.get("data_dayfirst")]
    return data.ReadOptions(dayfirst=dayfirst, returns=state.get("data_returns"),
                            sheet=state.get("data_sheet") or None, paid_statuses=paid_statuses(),
                            currency=(state.get("data_currency") or "").strip()[:8] or None)


def mapping_items(kind: str = "transactions") -> tuple:
    """The user's corrections to the guessed columns, as sorted (role, column) pairs."""
    if kind not in MAPPABLE:
        return ()
    roles, _, prefix = MAPPABLE[kind]
    pairs = ((role, state.get(f"{prefix}{role}")) for role in roles)
    return tuple(sorted((role, column) for role, column in pairs if column))


def current(kind: str = "transactions") -> data.LoadResult:
    """The upload of that kind if there is one, else the sample. Raises ``clv.DataError``."""
    up = upload(kind)
    if up is None:
        return cache.sample(kind)
    return cache.read_upload(up.digest, up.name, kind, mapping_items(kind), read_options(), up.raw)


def is_sample(kind: str = "transactions") -> bool:
    return upload(kind) is None
