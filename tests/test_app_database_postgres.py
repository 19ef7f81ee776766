"""Your data -> From a database on a real PostgreSQL server (issue 15): what tests/test_app_database.py checks as
text or on DuckDB, proved on the throwaway cluster of tests/warehouse_fixtures.py through the app's own path
(a secrets.toml connection, st.connection, SQLAlchemy, psycopg).

The cluster gets a database ``shop`` holding the bundled sample (sample_data/transactions.csv, loaded with COPY)
and a role ``reader`` that logs in with a password (SCRAM, a line put first in the cluster's pg_hba.conf, taken
out afterwards), so a wrong password is really refused. Checked: a SELECT that passes the read-only check but
writes is stopped by the read-only transaction (also when the connection is configured to autocommit) and the
database is unchanged; a slow query times out with the app's message, whether the app or the server's
statement_timeout stops it, and leaves no running backend; the password shows nowhere (page, link, session
file, session state, logs), also when the login is refused or the database does not exist; Your data, Segments
and Predictions show the DuckDB sample's figures."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import pytest
import sqlalchemy
from streamlit.runtime.scriptrunner_utils.exceptions import StopException
from streamlit.runtime.secrets import secrets_singleton

from clv import DataError, session, warehouse
from tests import warehouse_fixtures as fixtures
from tests.apptest import ROOT, app, link, metrics
from tests.test_app_database import (
    PASSWORD,
    SAMPLE_CUSTOMERS,
    SAMPLE_ROWS,
    customers,
    errors,
    everything_shown,
    segment_rows,
)
from ui import database
from ui.state import fields as registered_fields

try:
    import psycopg  # the driver the tests need (requirements-test.txt); the app documents drivers only
except ImportError:
    psycopg = None

postgres_engine = fixtures.postgres_engine  # the throwaway cluster (a session fixture)

DATA, SEGMENTS, PREDICTIONS = "pages/data.py", "pages/segments.py", "pages/predictions.py"
DB = {"src": "database"}
ON_PG = {**DB, "dbk": "connection", "db": "shop", "dbq": "transactions"}
WRONG_PASSWORD = "Wr0ng-pa55-7d1e-QRS"  # also a secret: a refused login must not show it either
READER = "reader"
HBA_LINE = f"local all {READER} scram-sha-256\n"  # before initdb's 'local all all trust'
SAMPLE_TABLE = (
    "CREATE TABLE transactions (customer_id text, order_id text, date date, amount double precision,"
    " quantity bigint, product text, channel text)"
)  # the types DuckDB's read_csv_auto gives the sample's columns
LOG_VISIT = "'INSERT INTO visit_log VALUES (now()) RETURNING 1'"  # a function that writes, called by a SELECT


@dataclass
class Shop:
    """The test database: ``url(password, database)`` for secrets.toml, ``admin(sql)`` runs ``sql`` as the
    cluster's superuser in the ``shop`` database and returns its rows."""

    url: Callable[..., str]
    admin: Callable[..., list]


@pytest.fixture(scope="module")
def shop(postgres_engine):
    if psycopg is None:
        fixtures._missing("psycopg is not installed: pip install -r requirements-test.txt")
    found = postgres_engine.query(
        "SELECT current_setting('unix_socket_directories') AS socket, current_setting('port') AS port,"
        " current_setting('hba_file') AS hba"
    ).iloc[0]
    socket, port, hba = str(found["socket"]).split(",")[0].strip(), str(found["port"]), Path(found["hba"])

    def connect(database="shop", **kw):
        return psycopg.connect(host=socket, port=port, user="clv", dbname=database, autocommit=True, **kw)

    def admin(sql: str, params=None) -> list:
        with connect() as con:
            cur = con.execute(sql, params)
            return cur.fetchall() if cur.description else []

    original = hba.read_text(encoding="utf-8")
    try:
        with connect("postgres") as con:
            con.execute(f"CREATE ROLE {READER} LOGIN PASSWORD '{PASSWORD}'")
            con.execute("CREATE DATABASE shop")
        with connect() as con:
            con.execute(SAMPLE_TABLE)
            with con.cursor().copy("COPY transactions FROM STDIN WITH (FORMAT csv, HEADER)") as copy:
                copy.write((ROOT / "sample_data" / "transactions.csv").read_bytes())
            con.execute("CREATE SEQUENCE visits")  # nextval writes, and no rollback gives its values back
            con.execute("CREATE TABLE visit_log (at timestamptz)")
            con.execute("CREATE FUNCTION log_visit() RETURNS int LANGUAGE sql AS " + LOG_VISIT)
            con.execute(f"GRANT SELECT ON transactions TO {READER}")
            con.execute(f"GRANT USAGE ON SEQUENCE visits TO {READER}")  # so only the read-only transaction stops it
            con.execute(f"GRANT INSERT ON visit_log TO {READER}")
        hba.write_text(HBA_LINE + original, encoding="utf-8")  # the reader's login needs its password
        admin("SELECT pg_reload_conf()")
        deadline = time.monotonic() + 10
        while True:  # the server reads the file on its next loop: wait until a login without a password is refused
            try:
                psycopg.connect(host=socket, port=port, user=READER, dbname="shop").close()
            except psycopg.OperationalError:
                break
            assert time.monotonic() < deadline, "pg_hba.conf not reloaded"
            time.sleep(0.05)

        def url(password: str = PASSWORD, name: str = "shop") -> str:
            return f"postgresql+psycopg://{READER}:{password}@/{name}?host={socket}&port={port}"

        yield Shop(url, admin)
    finally:
        hba.write_text(original, encoding="utf-8")
        with connect("postgres") as con:
            con.execute("SELECT pg_reload_conf()")
            con.execute("DROP DATABASE IF EXISTS shop WITH (FORCE)")
            con.execute(f"DROP ROLE IF EXISTS {READER}")


@pytest.fixture
def secrets(monkeypatch):
    """secrets.toml's [connections.shop] as the app reads it (as in tests/test_app_database.py)."""

    def put(url: str, **more) -> None:
        monkeypatch.setattr(secrets_singleton, "_secrets", {"connections": {"shop": {"url": url, **more}}})

    return put


def assert_hidden(at, caplog, *secret: str) -> None:
    """No ``secret`` in any element, the link, the saved session, session state or the log."""
    store = at.session_state["_store"]
    by_key = registered_fields()
    saved = session.dump({by_key[k].url: by_key[k].dump(v) for k, v in store.items() if k in by_key}, saved_at="t")
    state = [repr(at.session_state[k]) for k in at.session_state]
    for text in secret:
        assert text not in everything_shown(at)
        assert text not in json.dumps(link(at)) and text not in json.dumps(dict(at.query_params))
        assert text.encode() not in saved
        assert all(text not in value for value in state)
        assert text not in caplog.text


def busy_backends(shop: Shop) -> list:
    """The shop database's client backends (other than the one asking) doing anything but wait for a query: one
    running, a transaction left open. Waited for up to 3 s: a cancel reaches a backend asynchronously."""
    deadline = time.monotonic() + 3
    while True:
        rows = shop.admin(
            "SELECT pid, state, query FROM pg_stat_activity WHERE datname = 'shop' AND pid <> pg_backend_pid()"
            " AND backend_type = 'client backend' AND state <> 'idle'"
        )
        if not rows or time.monotonic() > deadline:
            return rows
        time.sleep(0.05)


# ---- The whole path: the sample in PostgreSQL gives the DuckDB sample's figures ---------------------------------
def test_the_sample_in_postgresql_gives_the_duckdb_samples_figures(shop, secrets, caplog):
    caplog.set_level(logging.DEBUG)
    secrets(shop.url())
    on_pg, on_duck = app(DATA, **ON_PG).run(), app(DATA, **DB).run()
    assert not on_pg.exception and errors(on_pg) == []
    shown = metrics(on_pg)
    assert shown == metrics(on_duck)
    assert shown["Rows read"] == shown["Rows kept"] == f"{SAMPLE_ROWS:,}" and shown["Rows set aside"] == "0"
    assert "Read in the database (postgres): the rows stay there" in [t.value for t in on_pg.text]
    by_channel = [next(d.value for d in at.dataframe if "Rows" in d.value.columns) for at in (on_pg, on_duck)]
    pd.testing.assert_frame_equal(*by_channel)
    assert by_channel[0]["Rows"].sum() == SAMPLE_ROWS
    assert link(on_pg) == ON_PG
    assert_hidden(on_pg, caplog, PASSWORD)

    seg_pg, seg_duck = app(SEGMENTS, **ON_PG).run(), app(SEGMENTS, **DB).run()
    assert not seg_pg.exception and errors(seg_pg) == []
    assert metrics(seg_pg) == metrics(seg_duck) and metrics(seg_pg)["Customers"] == f"{SAMPLE_CUSTOMERS:,}"
    pd.testing.assert_frame_equal(segment_rows(seg_pg), segment_rows(seg_duck))

    def heatmaps(at):  # the cohort heatmaps' matrices
        figures = [json.loads(c.proto.spec)["data"][0] for c in at.get("plotly_chart")]
        return [np.array(f["z"], dtype=float) for f in figures if f.get("type") == "heatmap" and len(f["z"]) > 5]

    assert len(heatmaps(seg_pg)) == len(heatmaps(seg_duck)) == 2
    for got, want in zip(heatmaps(seg_pg), heatmaps(seg_duck)):
        np.testing.assert_allclose(got, want, rtol=1e-12, equal_nan=True)
    assert_hidden(seg_pg, caplog, PASSWORD)

    pred_pg, pred_duck = app(PREDICTIONS, **ON_PG).run(), app(PREDICTIONS, **DB).run()
    assert not pred_pg.exception and errors(pred_pg) == []
    shown = metrics(pred_pg)
    assert shown == metrics(pred_duck)
    assert shown["Customers"] == f"{SAMPLE_CUSTOMERS:,}" and shown["Total predicted CLV"] == "$978,792"
    table, want = customers(pred_pg), customers(pred_duck)
    assert len(table) == database.PAGE_ROWS and table.iloc[0, 0] == "C00001"
    exact = ["Customer", "P(alive)", "Expected purchases"]  # BG/NBD: fitted on the same integer histories
    pd.testing.assert_frame_equal(table[exact], want[exact], check_exact=True)
    # Gamma-Gamma reads mean spends that PostgreSQL averages in another order (the last bits differ); its optimiser
    # then stops at another point within its tolerance (4e-8 relative on this page)
    pd.testing.assert_frame_equal(table, want, rtol=1e-6)
    assert_hidden(pred_pg, caplog, PASSWORD)


# ---- The password shows nowhere, also when the server refuses the login or has no such database -----------------
@pytest.mark.parametrize(
    ("password", "name", "refusal"),
    [
        (WRONG_PASSWORD, "shop", 'password authentication failed for user "reader"'),
        (PASSWORD, "no_such_shop", 'database "no_such_shop" does not exist'),
    ],
    ids=("wrong-password", "no-such-database"),
)
def test_a_refused_login_shows_a_fixed_sentence_and_no_password(password, name, refusal, shop, secrets, caplog):
    caplog.set_level(logging.DEBUG)
    url = shop.url(password, name)
    with pytest.raises(psycopg.OperationalError, match=refusal):  # the server itself refuses, for this reason
        psycopg.connect(url.replace("postgresql+psycopg", "postgresql")).close()
    caplog.clear()
    secrets(url)
    for page in (DATA, SEGMENTS, PREDICTIONS):
        at = app(page, **ON_PG).run()
        assert not at.exception
        assert any(e.startswith("Could not open the connection (OperationalError).") for e in errors(at)), errors(at)
        assert_hidden(at, caplog, password)
    assert link(at) == ON_PG


# ---- A SELECT that passes the check but writes is stopped by the read-only transaction -------------------------
WRITES = (
    "SELECT customer_id, date, amount FROM transactions WHERE nextval('visits') > 0",
    "SELECT customer_id, date, amount FROM transactions WHERE log_visit() > 0",
)


@pytest.mark.parametrize("query", WRITES, ids=("nextval", "function-that-inserts"))
@pytest.mark.parametrize("autocommit", (False, True), ids=("default", "autocommit-engine"))
def test_a_select_that_writes_is_stopped_by_the_read_only_transaction(query, autocommit, shop, secrets):
    assert warehouse.check_read_only(query, "postgres")  # the text check lets it through

    def written():
        return shop.admin("SELECT (SELECT last_value FROM visits), (SELECT count(*) FROM visit_log)")[0]

    first = written()
    # as the reader outside a read-only transaction the statement runs on every row, and writes
    with psycopg.connect(shop.url().replace("postgresql+psycopg", "postgresql")) as con:
        assert con.execute(query.replace("customer_id, date, amount", "count(*)")).fetchone()[0] == SAMPLE_ROWS
        con.rollback()
    before = written()
    if "nextval" in query:  # a sequence's values are not given back by a rollback
        assert before[0] - first[0] >= SAMPLE_ROWS - 1
    # isolation_level AUTOCOMMIT (create_engine_kwargs in secrets.toml) would drop SET TRANSACTION READ ONLY
    secrets(shop.url(), **({"create_engine_kwargs": {"isolation_level": "AUTOCOMMIT"}} if autocommit else {}))
    at = app(DATA, **{**ON_PG, "dbq": query}).run()
    assert not at.exception
    # ReadOnlySqlTransaction (SQLSTATE 25006) is an InternalError; a missing privilege would be a ProgrammingError
    assert errors(at) == [
        "The database refused the query (InternalError). Check the table and column names. The database's own"
        " message is not shown, as it may contain connection details."
    ]
    assert written() == before


@pytest.mark.parametrize("autocommit", (False, True), ids=("default", "autocommit-engine"))
def test_the_apps_transaction_is_read_only_with_the_timeout_in_utc_on_the_server(
    autocommit, shop, secrets, monkeypatch
):
    """What the server says of the transaction the app's queries run in, read back by a typed SELECT."""
    secrets(shop.url(), **({"create_engine_kwargs": {"isolation_level": "AUTOCOMMIT"}} if autocommit else {}))
    monkeypatch.setattr(database, "QUERY_TIMEOUT_S", 2.5)
    settings = ("transaction_read_only", "statement_timeout", "TimeZone")
    query = (
        "SELECT " + " || ' ' || ".join(f"current_setting('{name}')" for name in settings) + " AS customer_id,"
        " DATE '2024-01-01' AS date, 1.0 AS amount"
    )
    at = app(DATA, **{**ON_PG, "dbq": query}).run()
    assert not at.exception and errors(at) == []
    preview = next(d.value for d in at.dataframe if "customer_id" in d.value.columns)
    assert preview["customer_id"].tolist() == ["on 2500ms UTC"]  # the app's timeout, in milliseconds


# ---- A slow query times out with the app's message and leaves the server idle ----------------------------------
SLOW = "SELECT t.customer_id, t.date, t.amount FROM transactions AS t, (SELECT pg_sleep(30)) AS s"


def test_a_slow_query_is_stopped_by_the_apps_timeout_and_cancelled_on_the_server(shop, secrets, monkeypatch):
    secrets(shop.url())
    monkeypatch.setattr(database, "QUERY_TIMEOUT_S", 1.0)
    start = time.monotonic()
    at = app(DATA, **{**ON_PG, "dbq": SLOW}).run()
    assert not at.exception
    assert errors(at)[0].startswith("The query ran longer than 1 seconds and was stopped.")
    assert time.monotonic() - start < 10  # not the 30 s of the sleep
    assert busy_backends(shop) == []


def test_the_servers_statement_timeout_stops_a_slow_query_with_the_same_message(shop, monkeypatch):
    """The server's statement_timeout is the app's timeout; when it fires first (the app looks every POLL_S),
    the page says the query ran too long, not that the database refused it."""
    monkeypatch.setattr(database, "QUERY_TIMEOUT_S", 1.0)  # what session_statements gives the server
    engine = sqlalchemy.create_engine(shop.url())
    source = database.Source(kind=database.CONNECTION, name="shop", query=SLOW)
    job = database.Job(source, SLOW, 10, engine=engine)
    start = time.monotonic()
    try:
        with pytest.raises(DataError) as err:
            database.execute(job, timeout_s=30)  # the app would wait 30 s: only the server can stop it at 1 s
        assert time.monotonic() - start < 10 and not job.cancelled
        assert (err.value.key, err.value.values) == ("dbpage.errors.timeout", {"seconds": "1"})
        assert busy_backends(shop) == []  # the pool's connection is still open, idle
    finally:
        engine.dispose()


def test_a_stopped_run_cancels_its_query_on_the_server(shop):
    """What Streamlit does on a click or the Stop button while a query runs: the wait raises, the query stops
    on the server."""
    engine = sqlalchemy.create_engine(shop.url())
    job = database.Job(database.Source(kind=database.CONNECTION, name="shop", query=SLOW), SLOW, 10, engine=engine)

    def stopped(elapsed):
        if elapsed > 0.3:
            raise StopException()

    start = time.monotonic()
    try:
        with pytest.raises(StopException):
            database.execute(job, timeout_s=60, wait=stopped)
        assert job.done.wait(5) and time.monotonic() - start < 5
        assert job.error is not None and job.error.key == "dbpage.errors.cancelled"
        assert busy_backends(shop) == []  # the pool's connection is still open, idle
    finally:
        engine.dispose()
