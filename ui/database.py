"""Data in a database (issue 15): where it is, running the queries of ``clv.warehouse`` on it with a timeout
and a cancel, and keeping their results for this session.

Three sources (``Source.kind``):

- ``sample``: the bundled sample (``sample_data/transactions.csv``) in a DuckDB database file built once per
  process in a temporary folder, opened read-only; no set-up.
- ``files``: DuckDB over local CSV or Parquet files given by a path or a glob (for files past the upload
  limit). The path is expanded here (at most ``MAX_FILES`` regular files, all ``.csv`` or all ``.parquet``),
  placed in the SQL as string literals through sqlglot's tree (never pasted), and DuckDB may read those files
  and no others (``allowed_paths``, external access off, configuration locked), in ``DUCKDB_MEMORY_LIMIT``.
  A user's SELECT reads them as the table ``files``.
- ``connection``: a ``[connections.<name>]`` section of ``.streamlit/secrets.toml``, opened with
  ``st.connection(name, type="sql")`` (SQLAlchemy); its dialect is mapped to sqlglot's (``DIALECT_OF``).

The user gives a table name or one read-only SELECT (``clv.warehouse.check_read_only`` before anything is
sent), then maps its columns to the roles (``ROLES``). Every query then reads the mapped source
``SELECT "<col>" AS customer_id, ... FROM (<user's>) AS user_source`` (``mapped_sql``), built through sqlglot.

Safety: each query runs in a worker thread; the page's thread waits up to ``QUERY_TIMEOUT_S`` and lets
Streamlit stop the run meanwhile (any click, or the Stop button), and either way the query is interrupted
(DuckDB ``interrupt()``, a driver's ``cancel()``; PostgreSQL also gets ``statement_timeout``). A user's
query runs read-only: DuckDB files opened ``read_only``, PostgreSQL in ``SET TRANSACTION READ ONLY``, every
transaction rolled back. Errors from a connection are shown as a fixed sentence with the error's class only:
drivers put connection strings (with passwords) in their messages, so no message of theirs is shown or logged.
"""

from __future__ import annotations

import atexit
import glob
import itertools
import os
import re
import shutil
import tempfile
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import duckdb
import numpy as np
import pandas as pd
import sqlglot
import streamlit as st
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import SqlglotError

from clv import cohorts, data, i18n, predict, rfm, session, warehouse
from clv.data.payments import PAID, STATUS_HEADERS
from clv.errors import DataError, FitError
from clv.models import GammaGamma, customer_lifetime_value

from . import state
from .guard import callback

SAMPLE, FILES, CONNECTION = "sample", "files", "connection"
KINDS = (SAMPLE, FILES, CONNECTION)
ROLES = ("customer_id", "date", "amount", "channel", "status")  # what a user maps (data.ROLES' spelling)
REQUIRED_ROLES = data.REQUIRED_ROLES
DEFAULT_TABLE = {SAMPLE: "transactions", FILES: "files"}  # what an empty query reads; a connection needs one
FILE_READERS = {".csv": "read_csv_auto", ".parquet": "read_parquet"}
QUERY_TIMEOUT_S = 60.0  # a query still running then is interrupted, with a message
QUERY_CANCELED = "57014"  # SQLSTATE of a statement the server cancelled (PostgreSQL's statement_timeout)
POLL_S = 0.2  # how often the waiting page lets Streamlit stop the run
SHOW_RUNNING_AFTER_S = 1.0  # a query running longer shows the seconds and a Stop button
MAX_QUERY_CHARS = session.MAX_VALUE_CHARS  # as long as a link's value may be
MAX_PATH_CHARS = 1_000
MAX_FILES = 1_000  # files one glob may match
FILE_ROOTS_ENV = "CLV_FILE_ROOTS"  # folders (os.pathsep-separated) whose files the "files" source may read


def file_roots() -> tuple[Path, ...]:
    """The folders whose CSV/Parquet files may be read by path: ``$CLV_FILE_ROOTS`` (e.g. one data folder on a
    shared server), else the user's home and the folder the app runs in (a machine's own files, for ``make run``)."""
    configured = [p for p in os.environ.get(FILE_ROOTS_ENV, "").split(os.pathsep) if p.strip()]
    roots = configured or [str(Path.home()), os.getcwd()]
    return tuple(Path(os.path.realpath(os.path.expanduser(p))) for p in roots)


MAX_ROWS = 2_000_000  # rows one query may bring back (per-customer RFM inputs, spend pairs)
SPEND_ROWS = 1_000_000  # repeat buyers' (frequency, spend) pairs fitted at most (else the first by customer)
PAGE_ROWS = 100  # customers per page of the predictions table
PREVIEW_ROWS = 100
RESULT_ENTRIES = 32  # query results kept per session
DUCKDB_MEMORY_LIMIT = "1GB"
DUCKDB_THREADS = 2
MAX_NAME_CHARS = 80
# SQLAlchemy dialect names -> sqlglot's (clv.warehouse.DIALECTS). Databricks runs Spark SQL.
DIALECT_OF = {
    "duckdb": "duckdb",
    "postgresql": "postgres",
    "bigquery": "bigquery",
    "snowflake": "snowflake",
    "databricks": "spark",
    "spark": "spark",
    "hive": "spark",
}

RESULTS = "_db_results"  # session state: {(source key, sql, max rows): DataFrame}, most recent last
CANCELLED = "_db_cancelled"  # session state: the source key whose queries the user stopped

_SAMPLE_LOCK = threading.Lock()
_SAMPLE_FILE: list[Path] = []  # the sample's DuckDB file, once built (process-wide: not user data)


# ----------------------------------------------------------------------------------------------
# The source in use
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """Where the data is: ``kind`` (``KINDS``), the connection ``name`` (a section of secrets.toml, never
    its contents), the files' ``path``, the user's ``query`` (a table name or a SELECT; "" = the default
    table) and the user's ``mapping`` ((role, column) pairs; roles not given are guessed)."""

    kind: str = SAMPLE
    name: str = ""
    path: str = ""
    query: str = ""
    mapping: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> str:
        """Names the data for caches (no secret: the connection's name only)."""
        return repr((self.kind, self.name, self.path, self.query))


def current_source() -> Source:
    """The source the Your data page's fields describe."""
    kind = state.get("data_db_kind")
    pairs = ((role, state.get(f"data_db_map_{role}")) for role in ROLES)
    return Source(
        kind=kind if kind in KINDS else SAMPLE,
        name=state.get("data_db") if kind == CONNECTION else "",
        path=state.get("data_db_path") if kind == FILES else "",
        query=state.get("data_db_query") or "",
        mapping=tuple((role, column) for role, column in pairs if column),
    )


def connection_names() -> tuple[str, ...]:
    """The ``[connections.<name>]`` sections of secrets.toml (names only; none without the file)."""
    try:
        if not st.secrets.load_if_toml_exists():
            return ()
        found = st.secrets.get("connections", {})
    except Exception:  # noqa: BLE001  (an unreadable secrets file: no connection, and no message quoting it)
        return ()
    return tuple(sorted(str(n) for n in found if isinstance(n, str) and 0 < len(n) <= MAX_NAME_CHARS))


# ----------------------------------------------------------------------------------------------
# Engines: the sample, files, a connection
# ----------------------------------------------------------------------------------------------


def sample_database() -> Path:
    """The DuckDB file holding the bundled sample as table ``transactions`` (built once per process)."""
    with _SAMPLE_LOCK:
        if _SAMPLE_FILE and _SAMPLE_FILE[0].exists():
            return _SAMPLE_FILE[0]
        folder = Path(tempfile.mkdtemp(prefix="clv-sample-db-"))
        atexit.register(shutil.rmtree, folder, True)
        path = folder / "sample.duckdb"
        con = duckdb.connect(str(path))
        try:
            con.execute(
                f"CREATE TABLE {DEFAULT_TABLE[SAMPLE]} AS SELECT * FROM read_csv_auto(?)",
                [str(data.SAMPLE_DIR / "transactions.csv")],
            )
        finally:
            con.close()
        _SAMPLE_FILE[:] = [path]
        return path


def matched_files(path: str) -> tuple[list[str], str]:
    """The files a typed path or glob names, and their reader (``FILE_READERS``). Raises ``DataError``
    (``dbpage.errors.path_*``) for an empty or overlong path, no match, more than ``MAX_FILES``, anything
    but regular ``.csv`` or ``.parquet`` files (checked after following links), or both kinds at once.

    >>> matched_files("/no/such/*.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    clv.errors.DataError: No file matches /no/such/*.csv. ...
    """
    text = (path or "").strip()
    if not text:
        raise DataError("dbpage.errors.path_empty")
    if len(text) > MAX_PATH_CHARS or not session.is_text(text):
        raise DataError("dbpage.errors.path_long", limit=MAX_PATH_CHARS)
    pattern = os.path.expanduser(text)
    if glob.has_magic(pattern):  # stop listing past MAX_FILES: a pattern over a huge folder costs that much only
        names = sorted(itertools.islice(glob.iglob(pattern), MAX_FILES + 1))
    else:
        names = [pattern] if os.path.lexists(pattern) else []
    if not names:
        raise DataError("dbpage.errors.path_none", path=text)
    if len(names) > MAX_FILES:
        raise DataError("dbpage.errors.path_many", count=f"{len(names):,}", limit=f"{MAX_FILES:,}")
    files, kinds = [], set()
    roots = file_roots()
    for name in names:
        real = os.path.realpath(name)
        ext = Path(real).suffix.lower()
        if not os.path.isfile(real) or ext not in FILE_READERS or Path(name).suffix.lower() != ext:
            raise DataError("dbpage.errors.path_kind", path=session.printable(name)[:200])
        if not any(Path(real).is_relative_to(root) for root in roots):
            raise DataError(
                "dbpage.errors.path_outside",
                path=session.printable(name)[:200],
                roots=", ".join(session.printable(str(r))[:200] for r in roots),
            )
        files.append(real)
        kinds.add(ext)
    if len(kinds) > 1:
        raise DataError("dbpage.errors.path_mixed")
    return files, FILE_READERS[kinds.pop()]


def _duckdb_config() -> dict[str, Any]:
    return {"memory_limit": DUCKDB_MEMORY_LIMIT, "threads": DUCKDB_THREADS}


def _open_sample():
    return duckdb.connect(
        str(sample_database()), read_only=True, config={**_duckdb_config(), "enable_external_access": False}
    )


def _open_files(files: list[str]):
    con = duckdb.connect(":memory:", config=_duckdb_config())
    con.execute(warehouse.UTC_SESSION["duckdb"])
    con.execute("SET allowed_paths = ?", [files])  # these files, and no other
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")  # a query cannot set it back
    return con


def _engine(name: str):
    """The SQLAlchemy engine of a secrets.toml connection. Raises ``DataError`` with the error's class only
    (a driver's message may hold the connection string), naming a missing driver module."""
    if name not in connection_names():
        raise DataError("dbpage.errors.no_connection", name=session.printable(name)[:MAX_NAME_CHARS])
    try:
        return st.connection(name, type="sql").engine
    except ModuleNotFoundError as err:
        found = re.search(r"No module named '([\w.]+)'", str(err))
        raise DataError("dbpage.errors.driver", module=found.group(1) if found else "?") from None
    except Exception as err:  # noqa: BLE001  (any driver's error: its class only, never its text)
        raise DataError("dbpage.errors.connect", kind=type(err).__name__) from None


def dialect(source: Source) -> str:
    """sqlglot's name for the source's SQL dialect. Raises ``DataError`` for a database we cannot query."""
    if source.kind != CONNECTION:
        return "duckdb"
    name = _engine(source.name).dialect.name
    if name not in DIALECT_OF:
        raise DataError("dbpage.errors.dialect", name=name, supported=", ".join(sorted(DIALECT_OF)))
    return DIALECT_OF[name]


def session_statements(dialect_name: str, timeout_s: float | None = None) -> tuple[str, ...]:
    """What runs before each query on a connection: a read-only transaction and a statement timeout where
    the database has them (``timeout_s``, default ``QUERY_TIMEOUT_S`` as it is then), and
    ``clv.warehouse.UTC_SESSION`` (time-zone-aware timestamps read in UTC).

    >>> session_statements("postgres", 60)
    ('SET TRANSACTION READ ONLY', 'SET LOCAL statement_timeout = 60000', "SET TIME ZONE 'UTC'")
    """
    timeout_s = QUERY_TIMEOUT_S if timeout_s is None else timeout_s
    out = []
    if dialect_name == "postgres":
        out += ["SET TRANSACTION READ ONLY", f"SET LOCAL statement_timeout = {int(timeout_s * 1000)}"]
    if dialect_name == "snowflake":
        out.append(f"ALTER SESSION SET STATEMENT_TIMEOUT_IN_SECONDS = {int(timeout_s)}")
    if warehouse.UTC_SESSION.get(dialect_name):
        out.append(warehouse.UTC_SESSION[dialect_name])
    return tuple(out)


# ----------------------------------------------------------------------------------------------
# Running a query: a worker thread, a timeout, a cancel
# ----------------------------------------------------------------------------------------------


class Job:
    """One query in a worker thread: ``rows`` (a DataFrame) or ``error`` (a ``DataError``) once ``done``;
    ``cancel()`` interrupts it (DuckDB's ``interrupt``, a DB-API driver's ``cancel``)."""

    def __init__(self, source: Source, sql: str, max_rows: int, files: list[str] | None = None, engine=None):
        self.source, self.sql, self.max_rows, self.files, self.engine = source, sql, max_rows, files, engine
        self.done = threading.Event()
        self.rows: pd.DataFrame | None = None
        self.error: DataError | None = None
        self.cancelled = False
        self._interrupt: Callable[[], Any] | None = None
        self._thread = threading.Thread(target=self._work, name="clv-db-query", daemon=True)

    def start(self) -> "Job":
        self._thread.start()
        return self

    def cancel(self) -> None:
        self.cancelled = True
        stop = self._interrupt
        if stop is not None:
            try:
                stop()
            except Exception:  # noqa: BLE001  (a connection already closed: nothing left to stop)
                pass

    def _work(self) -> None:
        try:
            if self.source.kind == CONNECTION:
                self.rows = self._on_connection()
            else:
                self.rows = self._on_duckdb()
        except DataError as err:
            self.error = err
        except Exception as err:  # noqa: BLE001  (the database's error: a fixed sentence, see the module doc)
            self.error = self._explain(err)
        finally:
            self.done.set()

    def _explain(self, err: Exception) -> DataError:
        if self.cancelled:
            return DataError("dbpage.errors.cancelled")
        cause = getattr(err, "orig", err)  # SQLAlchemy's wrapper -> the driver's error
        if (getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)) == QUERY_CANCELED:
            return DataError("dbpage.errors.timeout", seconds=f"{QUERY_TIMEOUT_S:g}")  # the server's statement_timeout
        if self.source.kind == CONNECTION:
            return DataError("dbpage.errors.query", kind=type(err).__name__)
        detail = session.printable(str(err).splitlines()[0] if str(err) else "")[:300]  # DuckDB: no secret
        return DataError("dbpage.errors.query_detail", kind=type(err).__name__, detail=detail)

    def _frame(self, columns, rows) -> pd.DataFrame:
        if len(rows) > self.max_rows:
            raise DataError("dbpage.errors.too_many_rows", limit=f"{self.max_rows:,}")
        return pd.DataFrame.from_records(rows, columns=list(columns))

    def _on_duckdb(self) -> pd.DataFrame:
        con = _open_sample() if self.source.kind == SAMPLE else _open_files(self.files or [])
        try:
            cur = con.cursor()
            self._interrupt = cur.interrupt
            if self.cancelled:
                raise DataError("dbpage.errors.cancelled")
            if self.source.kind == SAMPLE:  # files: set before the configuration was locked
                cur.execute(warehouse.UTC_SESSION["duckdb"])
            cur.execute(self.sql)
            rows = cur.fetchmany(self.max_rows + 1)
            return self._frame([d[0] for d in cur.description], rows)
        finally:
            self._interrupt = None
            con.close()

    def _on_connection(self) -> pd.DataFrame:
        name = DIALECT_OF.get(self.engine.dialect.name, "")
        try:
            opened = self.engine.connect()
        except Exception as err:  # noqa: BLE001  (the driver's message may hold the connection string)
            raise DataError("dbpage.errors.connect", kind=type(err).__name__) from None
        with opened as conn:
            if name == "postgres":  # SET TRANSACTION and SET LOCAL act in a transaction only: never autocommit here
                conn.execution_options(isolation_level=conn.default_isolation_level)
            driver = conn.connection.dbapi_connection
            self._interrupt = getattr(driver, "interrupt", None) or getattr(driver, "cancel", None)
            try:
                for statement in session_statements(name):
                    conn.exec_driver_sql(statement)
                result = conn.exec_driver_sql(self.sql)
                rows = result.fetchmany(self.max_rows + 1)
                return self._frame(result.keys(), [tuple(r) for r in rows])
            finally:
                self._interrupt = None
                conn.rollback()  # nothing a query did is kept


def execute(job: Job, timeout_s: float = QUERY_TIMEOUT_S, wait: Callable[[float], None] | None = None) -> pd.DataFrame:
    """Run ``job`` and wait for it at most ``timeout_s`` seconds; ``wait(elapsed)`` is called every
    ``POLL_S`` meanwhile (the page lets Streamlit stop the run there). The query is interrupted when it
    times out (``DataError`` ``dbpage.errors.timeout``) or when ``wait`` raises (a stopped run)."""
    start = time.monotonic()
    job.start()
    try:
        while not job.done.wait(POLL_S):
            elapsed = time.monotonic() - start
            if elapsed > timeout_s:
                job.cancel()
                job.done.wait(POLL_S * 5)
                raise DataError("dbpage.errors.timeout", seconds=f"{timeout_s:g}")
            if wait is not None:
                wait(elapsed)
    finally:
        if not job.done.is_set():
            job.cancel()
    if job.error is not None:
        raise job.error
    return job.rows


def _results() -> OrderedDict:
    if RESULTS not in st.session_state:
        st.session_state[RESULTS] = OrderedDict()
    return st.session_state[RESULTS]


@callback
def stop(source_key: str) -> None:
    """on_click of Stop: this run ends (Streamlit reruns for the click, which interrupts the query), and the
    source's queries wait for Run again."""
    st.session_state[CANCELLED] = source_key


@callback
def run_again() -> None:
    """on_click of Run again: forget a stop, and run the queries anew (results kept are dropped)."""
    st.session_state.pop(CANCELLED, None)
    st.session_state.pop(RESULTS, None)


def run(source: Source, sql: str, max_rows: int = MAX_ROWS, lang: str = "en") -> pd.DataFrame:
    """``sql`` on ``source`` as a DataFrame, kept for this session (``RESULT_ENTRIES`` results). A query
    running past ``SHOW_RUNNING_AFTER_S`` shows its seconds and a Stop button. Raises ``DataError``."""
    key = (source.key, sql, max_rows)
    kept = _results()
    if key in kept:
        kept.move_to_end(key)
        return kept[key]
    if st.session_state.get(CANCELLED) == source.key:
        raise DataError("dbpage.errors.cancelled")
    files = engine = None
    if source.kind == FILES:
        files, _ = matched_files(source.path)
    elif source.kind == CONNECTION:
        engine = _engine(source.name)
    box = st.empty()
    shown = []

    def wait(elapsed: float) -> None:
        st.session_state.get(CANCELLED)  # reading session state lets Streamlit end this run here
        if elapsed >= SHOW_RUNNING_AFTER_S:
            with box.container():
                st.caption(i18n.text("dbpage.running", lang, seconds=int(elapsed)))
                if not shown:
                    shown.append(True)
                    st.button(
                        i18n.text("dbpage.stop", lang),
                        key=f"db_stop_{abs(hash(key)) % 10**9}",
                        on_click=stop,
                        args=(source.key,),
                        icon=":material/stop_circle:",
                    )

    try:
        rows = execute(Job(source, sql, max_rows, files, engine), QUERY_TIMEOUT_S, wait)
    finally:
        box.empty()
    kept[key] = rows
    while len(kept) > RESULT_ENTRIES:
        kept.popitem(last=False)
    return rows


# ----------------------------------------------------------------------------------------------
# The source as SQL
# ----------------------------------------------------------------------------------------------


def _is_query(text: str, dialect_name: str) -> bool:
    try:
        tokens = Dialect.get_or_raise(dialect_name).tokenize(text)
    except SqlglotError:
        return True  # let check_read_only say what is wrong with it
    return bool(tokens) and tokens[0].token_type.name in {"SELECT", "WITH", "FROM", "VALUES", "L_PAREN"}


def user_tree(source: Source, dialect_name: str) -> exp.Expression:
    """The user's table or SELECT as a syntax tree (a table name, or the query after
    ``clv.warehouse.check_read_only``); for files, with ``files`` defined as the matched files.
    Raises ``DataError`` (refused before anything is sent)."""
    text = source.query.strip() or DEFAULT_TABLE.get(source.kind, "")
    if not text:
        raise DataError("dbpage.errors.no_query")
    if len(text) > MAX_QUERY_CHARS:
        raise DataError("dbpage.errors.query_long", count=f"{len(text):,}", limit=f"{MAX_QUERY_CHARS:,}")
    table = None if _is_query(text, dialect_name) else _table_name(text, dialect_name)
    if table is None:  # a query, or a statement that check_read_only names (DROP, COPY, ATTACH ...)
        tree = sqlglot.parse_one(warehouse.check_read_only(text, dialect_name), read=dialect_name)
    else:
        tree = exp.select("*").from_(table)
    if source.kind == FILES:
        files, reader = matched_files(source.path)
        listed = exp.Array(expressions=[exp.Literal.string(f) for f in files])
        tree = exp.select("*").from_(_subquery(tree, "user_query"))
        by_name = exp.EQ(this=exp.column("union_by_name"), expression=exp.true())  # columns matched by name
        read = exp.Table(this=exp.func(reader, listed, by_name))
        tree = tree.with_(DEFAULT_TABLE[FILES], as_=exp.select("*").from_(read))
    return tree


def _table_name(text: str, dialect_name: str) -> exp.Table | None:
    """``text`` as a table name (``db.schema.name``, nothing else), or None."""
    try:
        table = sqlglot.parse_one(text, into=exp.Table, read=dialect_name)
    except SqlglotError:
        return None
    parts = ("this", "db", "catalog")
    if not isinstance(table, exp.Table) or any(v for k, v in table.args.items() if k not in parts):
        return None
    if not all(isinstance(table.args.get(k), (exp.Identifier, type(None))) for k in parts):
        return None
    return table


def _subquery(tree: exp.Expression, alias: str) -> exp.Subquery:
    return exp.Subquery(this=tree, alias=exp.TableAlias(this=exp.to_identifier(alias)))


def columns_sql(source: Source, dialect_name: str) -> str:
    """``SELECT * FROM (<user's>) LIMIT 0``: the columns the source returns, without reading its rows."""
    return exp.select("*").from_(_subquery(user_tree(source, dialect_name), "user_source")).limit(0).sql(dialect_name)


def source_columns(source: Source, lang: str = "en") -> list[str]:
    """The names of the columns the user's table or query returns."""
    name = dialect(source)
    return [str(c) for c in run(source, columns_sql(source, name), 0, lang).columns]


def _norm(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


def guess_mapping(columns: list[str]) -> dict[str, str]:
    """Each role's column by its name (``clv.data.HEADER_NAMES``, exact after lower case and "_" for spaces;
    a column serves one role); ``status`` by ``clv.data.payments.STATUS_HEADERS``.

    >>> guess_mapping(["Customer ID", "Order Date", "Total", "Channel", "Payment Status"])["status"]
    'Payment Status'
    >>> guess_mapping(["cust", "when", "Total"])
    {'amount': 'Total'}
    """
    out: dict[str, str] = {}
    for role in ROLES:
        names = STATUS_HEADERS if role == "status" else data.HEADER_NAMES.get(role, ())
        for column in columns:
            if column not in out.values() and _norm(column) in names:
                out[role] = column
                break
    return out


def resolved_mapping(source: Source, columns: list[str]) -> dict[str, str]:
    """The guessed mapping with the user's choices over it (a choice no longer among the columns drops)."""
    out = guess_mapping(columns)
    for role, column in source.mapping:
        if column in columns:
            out[role] = column
    return {role: out[role] for role in ROLES if role in out}


def mapped_sql(source: Source, lang: str = "en") -> tuple[str, str, dict[str, str]]:
    """The source with the roles as columns (``customer_id``, ``date``, ``amount`` and, when mapped,
    ``channel``), paid rows only when a status column is mapped (``clv.data.payments.PAID``, compared in lower
    case): (SQL, dialect, mapping). Raises ``DataError`` when a required role has no column."""
    name = dialect(source)
    columns = source_columns(source, lang)
    mapping = resolved_mapping(source, columns)
    missing = [r for r in REQUIRED_ROLES if r not in mapping]
    if missing:
        roles = ", ".join(i18n.text(f"data.roles.{r}", lang) for r in missing)
        raise DataError("dbpage.errors.unmapped", roles=roles)
    picked = [
        exp.column(mapping[role], quoted=True).as_(role, quoted=True)
        for role in ("customer_id", "date", "amount", "channel")
        if role in mapping
    ]
    tree = exp.select(*picked).from_(_subquery(user_tree(source, name), "user_source"))
    if "status" in mapping:
        tree = tree.where(_paid(exp.column(mapping["status"], quoted=True)))
    return tree.sql(name), name, mapping


def _paid(column: exp.Expression) -> exp.Expression:
    normalised = exp.Lower(this=exp.Trim(this=exp.cast(column, "VARCHAR")))
    return exp.In(this=normalised, expressions=[exp.Literal.string(v) for v in PAID])


def _wrap(sql: str, dialect_name: str) -> exp.Subquery:
    return _subquery(sqlglot.parse_one(sql, read=dialect_name), "q")


# ----------------------------------------------------------------------------------------------
# What the pages read
# ----------------------------------------------------------------------------------------------


def quality(source: Source, lang: str = "en") -> data.LoadReport:
    """The quality report computed in the database (``clv.warehouse.quality_sql``), as an upload's
    ``LoadReport``: rows read and kept, the count of each reason (no example rows: they stay in the
    database), returns netted; a mapped status column adds the rows that are not paid."""
    sql, name, mapping = mapped_sql(source, lang)
    counts = run(source, warehouse.quality_sql(name, sql), 1, lang).iloc[0]
    not_paid = 0
    if "status" in mapping:
        tree = user_tree(source, name)
        status = exp.column(mapping["status"], quoted=True)
        unpaid = exp.select(exp.Count(this=exp.Star()).as_("n")).from_(_subquery(tree, "user_source"))
        unpaid = unpaid.where(exp.Not(this=exp.Coalesce(this=_paid(status), expressions=[exp.false()])))
        not_paid = int(run(source, unpaid.sql(name), 1, lang).iloc[0, 0])
    reasons = [("not_paid", not_paid)] + [(r, int(counts[r])) for r in warehouse.QUALITY_REASONS]
    empty = pd.DataFrame()
    return data.LoadReport(
        rows_read=int(counts["rows_read"]) + not_paid,
        rows_kept=int(counts["rows_kept"]),
        file_format=name,
        returns_netted=int(counts["returns_netted"]),
        status_column=mapping.get("status"),
        paid_statuses=PAID if "status" in mapping else (),
        set_aside_reasons=tuple(data.SetAside(r, n, empty) for r, n in reasons if n),
    )


def preview(source: Source, lang: str = "en") -> pd.DataFrame:
    """The first ``PREVIEW_ROWS`` rows of the mapped source."""
    sql, name, _ = mapped_sql(source, lang)
    return run(source, exp.select("*").from_(_wrap(sql, name)).limit(PREVIEW_ROWS).sql(name), PREVIEW_ROWS, lang)


def channels(source: Source, lang: str = "en") -> pd.DataFrame | None:
    """Rows and revenue per channel (None when no channel column is mapped), largest revenue first."""
    sql, name, mapping = mapped_sql(source, lang)
    if "channel" not in mapping:
        return None
    tree = (
        exp.select(
            exp.column("channel"),
            exp.Count(this=exp.Star()).as_("rows"),
            exp.Sum(this=exp.TryCast(this=exp.column("amount"), to=exp.DataType.build("DOUBLE"))).as_("revenue"),
        )
        .from_(_wrap(sql, name))
        .group_by(exp.column("channel"))
        .order_by(exp.Ordered(this=exp.column("revenue"), desc=True))
    )
    return run(source, tree.sql(name), MAX_ROWS, lang)


def rfm_scores(source: Source, lang: str = "en") -> pd.DataFrame:
    """``clv.rfm.rfm_scores`` of the RFM inputs computed in the database (``clv.warehouse.rfm_sql``), indexed
    by customer: what ``clv.rfm.rfm_table`` gives for the same rows."""
    sql, name, _ = mapped_sql(source, lang)
    frame = run(source, warehouse.rfm_sql(name, sql), MAX_ROWS, lang)
    if frame.empty:
        raise DataError("dbpage.errors.no_rows")
    frame = frame.set_index("customer_id")
    for column in ("first_purchase", "last_purchase"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    for column in ("recency_days", "orders", "revenue"):
        frame[column] = frame[column].astype(float)
    return rfm.rfm_scores(frame)


def cohort_frames(cells: pd.DataFrame) -> cohorts.CohortTables:
    """``clv.cohorts.CohortTables`` from the cells of ``clv.warehouse.cohort_sql`` (cohort, age_months,
    customers, revenue): every cohort from the first to the last month, ages up to the last month, cells
    after the last month NaN, cells with no row 0.

    >>> cells = pd.DataFrame({"cohort": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-01", "2024-02-01"]),
    ...     "age_months": [0, 1, 2, 0], "customers": [2.0, 1.0, 1.0, 1.0], "revenue": [30.0, 5.0, 7.0, 8.0]})
    >>> t = cohort_frames(cells)
    >>> t.retention.round(2).values.tolist(), t.sizes.tolist(), t.revenue_retention.round(3).iloc[0].tolist()
    ([[1.0, 0.5, 0.5], [1.0, 0.0, nan]], [2, 1], [1.0, 0.167, 0.233])
    """
    if cells.empty:
        raise DataError("cohorts.errors.no_rows")
    months = pd.PeriodIndex(pd.to_datetime(cells["cohort"]), freq="M")
    codes = months.year * 12 + months.month - 1
    first, last_active = int(codes.min()), int((codes + cells["age_months"].astype(int)).max())
    n_cohorts, n_ages = int(codes.max()) - first + 1, last_active - first + 1
    index = pd.Index(pd.period_range(months.min(), periods=n_cohorts, freq="M"), name="cohort")
    columns = pd.Index(np.arange(n_ages), name="age_months")
    row = np.asarray(codes - first)
    age = cells["age_months"].to_numpy(dtype=int)
    observed = (np.arange(n_cohorts)[:, None] + np.arange(n_ages)[None, :]) <= (last_active - first)

    def frame(column: str) -> pd.DataFrame:
        values = np.zeros((n_cohorts, n_ages))
        values[row, age] = cells[column].to_numpy(dtype=float)
        return pd.DataFrame(np.where(observed, values, np.nan), index=index, columns=columns)

    customers, revenue = frame("customers"), frame("revenue")
    sizes = customers[0].fillna(0).astype(int)
    with np.errstate(invalid="ignore", divide="ignore"):
        size = np.where(sizes > 0, sizes, np.nan)
        cumulative = revenue.cumsum(axis=1).where(observed).div(size, axis=0)
        retention = customers.div(size, axis=0)
        revenue_retention = revenue.div(revenue[0].where(revenue[0] != 0), axis=0)
    return cohorts.CohortTables(
        sizes=pd.Series(sizes.to_numpy(), index=index, name="customers"),
        customers=customers,
        retention=retention,
        revenue=revenue,
        revenue_retention=revenue_retention,
        cumulative_revenue_per_customer=cumulative,
    )


def cohort_tables(source: Source, lang: str = "en") -> cohorts.CohortTables:
    """The cohort matrices from the cells computed in the database (``clv.warehouse.cohort_sql``)."""
    sql, name, _ = mapped_sql(source, lang)
    return cohort_frames(run(source, warehouse.cohort_sql(name, sql), MAX_ROWS, lang))


def histories(source: Source, lang: str = "en") -> pd.DataFrame:
    """The distinct (frequency, recency, T) histories in days with their ``weight`` (customers), computed in
    the database (``clv.warehouse.histories_sql``): what the models fit."""
    sql, name, _ = mapped_sql(source, lang)
    frame = run(source, warehouse.histories_sql(name, sql), MAX_ROWS, lang)
    if frame.empty:
        raise DataError("dbpage.errors.no_rows")
    return frame.astype(float)


def _summary_tree(source: Source, lang: str) -> tuple[exp.Subquery, str]:
    sql, name, _ = mapped_sql(source, lang)
    return _wrap(warehouse.summary_sql(name, sql), name), name


def _spend_pairs(source: Source, lang: str) -> tuple[pd.DataFrame, bool]:
    """Repeat buyers' (frequency, monetary_value) with their number of customers, for Gamma-Gamma; past
    ``SPEND_ROWS`` distinct pairs, the first ``SPEND_ROWS`` repeat buyers by customer id (True)."""
    summary, name = _summary_tree(source, lang)
    repeat = exp.column("frequency") > 0
    pairs = (
        exp.select("frequency", "monetary_value", exp.Count(this=exp.Star()).as_("weight"))
        .from_(summary)
        .where(repeat)
        .group_by("frequency", "monetary_value")
        .order_by("frequency", "monetary_value")
        .limit(SPEND_ROWS + 1)
    )
    frame = run(source, pairs.sql(name), SPEND_ROWS + 1, lang)
    if len(frame) <= SPEND_ROWS:
        return frame.astype(float), False
    first = (
        exp.select("frequency", "monetary_value", exp.Literal.number(1).as_("weight"))
        .from_(summary)
        .where(repeat)
        .order_by("customer_id")
        .limit(SPEND_ROWS)
    )
    return run(source, first.sql(name), SPEND_ROWS, lang).astype(float), True


MATRIX_QUANTILE = 0.99  # clv.predict.frequency_recency_matrices: the frequency axis reaches this quantile


def repeated_quantile(values, weights, q: float) -> float:
    """``np.quantile(np.repeat(values, weights), q)`` (linear interpolation) without repeating: ``weights``
    are whole counts, ``values`` any order.

    >>> repeated_quantile([3, 1, 2], [1, 2, 7], 0.99), float(np.quantile(np.repeat([3, 1, 2], [1, 2, 7]), 0.99))
    (2.91, 2.91)
    """
    order = np.argsort(np.asarray(values, dtype=float), kind="stable")
    v = np.asarray(values, dtype=float)[order]
    ends = np.cumsum(np.asarray(weights, dtype=np.int64)[order])  # sorted positions 0..n-1: value i ends at ends[i]
    at = q * (ends[-1] - 1)
    low, high = (v[np.searchsorted(ends, k, side="right")] for k in (np.floor(at), np.ceil(at)))
    return float(low + (high - low) * (at - np.floor(at)))


@dataclass(frozen=True)
class DatabaseModels:
    """The models fitted on a database: ``models`` (``clv.predict.CustomerModels``, its summary the distinct
    histories, for the matrices), ``customers`` (everyone), ``spend_sampled`` (Gamma-Gamma saw the first
    ``SPEND_ROWS`` repeat buyers by id, not all)."""

    models: predict.CustomerModels
    customers: int
    spend_sampled: bool


def fit_models(source: Source, model: str, lang: str = "en") -> DatabaseModels:
    """The transaction model fitted on the weighted distinct histories and Gamma-Gamma on the repeat buyers'
    weighted (frequency, spend) pairs, both computed in the database; when Gamma-Gamma cannot be fitted,
    the repeat buyers' mean spend (``OwnAverageSpend`` weighted by customers). Raises ``FitError``."""
    key = predict.pick_model(model)
    found = histories(source, lang)
    weight = found["weight"].to_numpy()
    transaction_model = predict.MODEL_CLASSES[key]().fit(found["frequency"], found["recency"], found["T"], weight)
    pairs, sampled = _spend_pairs(source, lang)
    x, m, w = (pairs[c].to_numpy(dtype=float) for c in ("frequency", "monetary_value", "weight"))
    try:
        spend_model, spend_error = GammaGamma().fit(x, m, weights=w), None
    except FitError as err:
        spend_model, spend_error = predict.OwnAverageSpend(x, m), err
        buys = x * w * (m > 0)  # repeat purchases of the buyers who spent, customers counted
        spend_model.population_mean_spend = float(np.sum(buys * m) / np.sum(buys)) if buys.sum() > 0 else 0.0
    # What the frequency-recency matrices read of a summary: the longest T and the customers' 99th percentile of
    # frequency (clv.predict.frequency_recency_matrices), here from the weighted histories, as two rows.
    top = repeated_quantile(found["frequency"].to_numpy(), weight, MATRIX_QUANTILE)
    shown = pd.DataFrame(
        {"frequency": [top, top], "recency": 0.0, "T": float(found["T"].max()), "monetary_value": 0.0, "segment": ""}
    )
    models = predict.CustomerModels(key, transaction_model, spend_model, shown, "database", spend_error)
    return DatabaseModels(models, int(weight.sum()), sampled)


def value_totals(source: Source, fitted: DatabaseModels, horizon_months: int, annual_rate: float, lang: str = "en"):
    """(total predicted CLV, expected purchases) of every customer over the horizon, from the distinct
    histories with their customers and mean spend computed in the database: each history's CLV is its
    discounted expected purchases x the expected spend at the history's mean spend (Gamma-Gamma's
    expected spend is linear in a customer's mean spend, so the sum over a history's customers is exact;
    with each customer's own average it is exact when the history's repeat buyers all spent)."""
    summary, name = _summary_tree(source, lang)
    keys = ("frequency", "recency", "T")
    columns = [exp.column(k, quoted=True) for k in keys]  # "T" as the summary spells it (PostgreSQL folds T to t)
    groups = (
        exp.select(
            *columns,
            exp.Count(this=exp.Star()).as_("weight"),
            exp.Avg(this=exp.column("monetary_value")).as_("monetary_value"),
        )
        .from_(summary)
        .group_by(*columns)
        .order_by(*columns)
    )
    frame = run(source, groups.sql(name), MAX_ROWS, lang).astype(float)
    m, g = fitted.models.transaction_model, fitted.models.spend_model
    rate = (1.0 + annual_rate) ** (1.0 / 12.0) - 1.0
    each = customer_lifetime_value(m, g, frame, months=int(horizon_months), monthly_discount_rate=rate)
    x, tx, big_t = (frame[c].to_numpy() for c in keys)
    purchases = m.expected_purchases(int(horizon_months) * predict.DAYS_PER_MONTH, x, tx, big_t)
    w = frame["weight"].to_numpy()
    return float(np.sum(each.to_numpy() * w)), float(np.sum(np.asarray(purchases) * w))


def customer_page(
    source: Source, fitted: DatabaseModels, page: int, horizon_months: int, annual_rate: float, lang: str = "en"
) -> predict.CustomerValues:
    """One page of customers (``PAGE_ROWS``, by customer id; ``page`` from 1) with their predictions
    (``clv.predict.customer_values``) and RFM segments; only that page's summary rows are fetched."""
    summary, name = _summary_tree(source, lang)
    offset = (max(int(page), 1) - 1) * PAGE_ROWS
    tree = exp.select("*").from_(summary).order_by("customer_id").limit(PAGE_ROWS).offset(offset)
    rows = run(source, tree.sql(name), PAGE_ROWS, lang)
    frame = warehouse.summary_frame(rows, rows.columns)
    try:
        segments = rfm_scores(source, lang)["segment"].reindex(frame.index).fillna("")
    except DataError:
        segments = pd.Series("", index=frame.index)
    models = fitted.models
    page_models = predict.CustomerModels(
        models.key, models.transaction_model, models.spend_model, frame.assign(segment=segments.to_numpy()), "database"
    )
    return predict.customer_values(page_models, horizon_months, annual_rate)


# ----------------------------------------------------------------------------------------------
# The page's text fields: a query and a path are kept on one line (links and session files hold no line break)
# ----------------------------------------------------------------------------------------------


def one_line(text: str, dialect_name: str | None = "duckdb") -> str:
    """``text`` on one line with the same meaning: one query sqlglot can read is written back by it (comments
    kept as ``/* */``); other text gets its line breaks and tabs as spaces and other control characters
    dropped, so it can go into a link (where it is refused again when it is not a query).

    >>> one_line("SELECT customer_id, date, amount -- the orders\\nFROM orders")
    'SELECT customer_id, date, amount /* the orders */ FROM orders'
    >>> one_line("orders\\tx")
    'orders x'
    """
    text = (text or "").replace("\r\n", "\n")
    if session.is_text(text):
        return text
    if len(text) <= MAX_QUERY_CHARS and _is_query(text, dialect_name or "duckdb"):
        try:
            statements = [s for s in sqlglot.parse(text, read=dialect_name) if s is not None]
            if len(statements) == 1:
                return statements[0].sql(dialect=dialect_name)
        except SqlglotError:
            pass
    return "".join(" " if c in "\n\t" else c for c in text if c in "\n\t" or session.is_text(c))


@callback
def commit_text(key: str) -> None:
    """on_change of the path and query fields: the text, on one line, into the store (``one_line``)."""
    value = st.session_state.get(key) or ""
    if key == "data_db_query" and not session.is_text(value.replace("\r\n", "\n")):
        try:
            name = dialect(current_source())
        except DataError:
            name = None
        value = one_line(value, name)
    state.put(key, one_line(value) if key != "data_db_query" else value)
