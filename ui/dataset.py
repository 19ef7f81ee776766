"""The dataset pages work on: the user's upload (kept in this session only) or the bundled sample; or a database
(``is_database``, ``database_source``: ui/database.py), which Segments and Predictions read."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import streamlit as st

from clv import data, i18n

from . import cache, state
from .guard import callback

UPLOAD = "_upload"  # session-state key: the uploaded file, one per kind
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
MAPPABLE = {
    "transactions": (data.ROLES, data.REQUIRED_ROLES, "data_map_"),
    "subscriptions": (data.SUBSCRIPTION_ROLES, data.SUBSCRIPTION_REQUIRED, "data_smap_"),
}


def paid_statuses() -> tuple[str, ...] | None:
    """The payment statuses the user counts as revenue (None: the usual completed-payment statuses)."""
    chosen = tuple(sorted({v.strip() for v in (state.get("data_paid") or "").split(",") if v.strip()}))
    return chosen or None


def read_options() -> data.ReadOptions:
    dayfirst = {"auto": None, "day": True, "month": False}[state.get("data_dayfirst")]
    return data.ReadOptions(
        dayfirst=dayfirst,
        returns=state.get("data_returns"),
        sheet=state.get("data_sheet") or None,
        paid_statuses=paid_statuses(),
        currency=(state.get("data_currency") or "").strip()[:8] or None,
    )


def mapping_items(kind: str = "transactions") -> tuple:
    """The user's corrections to the guessed columns, as sorted (role, column) pairs."""
    if kind not in MAPPABLE:
        return ()
    roles, _, prefix = MAPPABLE[kind]
    pairs = ((role, state.get(f"{prefix}{role}")) for role in roles)
    return tuple(sorted((role, column) for role, column in pairs if column))


def current(kind: str = "transactions") -> data.LoadResult:
    """The upload of that kind if there is one, else the sample. Raises ``clv.DataError``.

    With a database in use (``is_database``) this is still the file data: a page that reads it (Where the
    value is, the contractual model) says so once per run (``file_only_note``)."""
    if is_database():
        file_only_note(kind)
    up = upload(kind)
    if up is None:
        return cache.sample(kind)
    return cache.read_upload(up.digest, up.name, kind, mapping_items(kind), read_options(), up.raw)


def is_sample(kind: str = "transactions") -> bool:
    return upload(kind) is None


# ---- The Your data page's uploader: its callbacks run before the script, so the read sees the new choice ----
UPLOADER_VERSION = "_data_uploader_version"  # bumped to empty the uploader when the sample is chosen
RESET_ON_NEW_FILE = {
    "data_sheet": "",
    "data_paid": "",
    "data_currency": "",
    **{f"{prefix}{role}": "" for roles, _, prefix in MAPPABLE.values() for role in roles},
}


def uploader_key(kind: str) -> str:
    """The uploader's widget key for ``kind`` (a new one after "use the sample": an empty uploader)."""
    version = st.session_state.get(UPLOADER_VERSION, {}).get(kind, 0)
    return f"data_file_{kind}" + (f"_{version}" if version else "")


@callback
def on_upload(kind: str, key: str) -> None:
    """The uploader's on_change: keep the file (or forget it when removed)."""
    file = st.session_state.get(key)
    if file is None:  # the user removed the file
        clear_upload(kind)
    else:
        set_upload(kind, file.name, file.getvalue())
    state.apply(RESET_ON_NEW_FILE)  # a new file gets its own guessed mapping and sheet


@callback
def use_sample(kind: str) -> None:
    """on_click: back to the sample, with a fresh, empty uploader."""
    clear_upload(kind)
    versions = st.session_state.setdefault(UPLOADER_VERSION, {})
    versions[kind] = versions.get(kind, 0) + 1
    state.apply(RESET_ON_NEW_FILE)


@callback
def on_paid(widget_key: str) -> None:
    """The paid statuses' on_change: the statuses picked, as one sorted text (``paid_statuses`` reads it)."""
    state.put("data_paid", ",".join(sorted(st.session_state.get(widget_key) or [])))


def sample_cac() -> dict[str, float]:
    """The sample's documented CAC per acquisition channel (``clv.data.sample_channels``)."""
    return {str(k): float(v) for k, v in data.sample_channels()["cac"].items()}


# ---- A database as the data in use (ui/database.py): Segments and Predictions read it; other pages read files --
FILE_ONLY_NOTED = "db_note"  # key in this run's record (state.RUN): the file-only note was shown


def is_database() -> bool:
    """True when the Your data page's source is a database (Segments and Predictions then read it)."""
    return state.get("data_source") == "database"


def database_source():
    """The database source in use (``ui.database.Source``)."""
    from . import database

    return database.current_source()


def database_id() -> str:
    """A short key naming the database data in use (its source: kind, connection name, path, query)."""
    return f"db:{database_source().key}"


def file_only_note(kind: str = "transactions") -> None:
    """Once per run: this page reads files (the upload or the sample), not the database in use."""
    run = st.session_state.get(state.RUN)
    if run is None or run.get(FILE_ONLY_NOTED):
        return
    run[FILE_ONLY_NOTED] = True
    lang = state.get("lang")
    which = i18n.text("dbpage.file_only.sample" if upload(kind) is None else "dbpage.file_only.upload", lang)
    st.info(i18n.text("dbpage.file_only.note", lang, which=which), icon=":material/info:")
