"""Your data -> From a database (issue 15) with AppTest: the built-in DuckDB sample gives the sample file's figures,
a typed SELECT, statements refused before they are sent, local files by a glob, a secrets.toml connection whose
password never shows, the link round trip, the timeout and the stop. The queries are clv.warehouse's
(tests/test_warehouse.py checks them against clv.rfm on DuckDB, PostgreSQL and Spark)."""

import base64
import json
import logging
import threading
import time
from collections import OrderedDict

import duckdb
import numpy as np
import pandas as pd
import clv
import pytest
from streamlit.runtime.scriptrunner_utils.exceptions import StopException

from apptest import app, link, metrics, plain
from clv import data, i18n, predict, rfm, session
from ui import database
from ui.state import fields as registered_fields

DATA, SEGMENTS, PREDICTIONS, GROUPS = "pages/data.py", "pages/segments.py", "pages/predictions.py", "pages/groups.py"
DB = {"src": "database"}
SAMPLE_ROWS, SAMPLE_CUSTOMERS = 37_346, 10_000  # sample_data/README.md
PASSWORD = "Pa55-w0rd-9f3c-XYZ"  # placed in secrets; must never show anywhere


@pytest.fixture(autouse=True)
def files_readable_in_tmp(tmp_path, monkeypatch):
    """The files source reads only under CLV_FILE_ROOTS: each test's own folder."""
    monkeypatch.setenv(database.FILE_ROOTS_ENV, str(tmp_path))


def test_files_outside_the_allowed_folders_are_refused(tmp_path, monkeypatch):
    write_two_csvs(tmp_path)
    monkeypatch.setenv(database.FILE_ROOTS_ENV, str(tmp_path / "elsewhere"))
    at = app(DATA, **DB, dbk="files", dbpath=str(tmp_path / "orders-*.csv")).run()
    assert not at.exception
    assert any("is outside the folders this app may read" in e for e in errors(at))
    monkeypatch.delenv(database.FILE_ROOTS_ENV)
    assert database.file_roots()[0] == database.Path.home().resolve()  # by default: home and the app's folder


@pytest.fixture(scope="module")
def sample_tx():
    return data.load_sample("transactions").transactions


def errors(at) -> list[str]:
    return [plain(e.value) for e in at.error]


def customers(at) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "Customer" in d.value.columns)


def segment_rows(at) -> pd.DataFrame:
    return next(t.value for t in at.table if "Share of customers" in t.value.columns)


def everything_shown(at) -> str:
    """Every text the page put on screen (main and sidebar), as one string."""
    parts = []
    for kind in ("markdown", "caption", "text", "error", "warning", "info", "success", "title", "header", "subheader"):
        parts += [str(e.value) for e in at.get(kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [w.label for w in (*at.text_input, *at.text_area, *at.selectbox, *at.radio, *at.button)]
    parts += [str(w.value) for w in (*at.text_input, *at.text_area, *at.selectbox, *at.radio)]
    parts += [d.value.to_csv() for d in at.dataframe] + [t.value.to_csv() for t in at.table]
    return "\n".join(parts)


# ---- The built-in sample (DuckDB, read-only): the same figures as the sample file ---------------------------------
def test_default_database_reads_the_whole_sample_in_the_database():
    at = app(DATA, **DB).run()
    assert not at.exception and errors(at) == []
    shown = metrics(at)
    assert shown["Rows read"] == shown["Rows kept"] == f"{SAMPLE_ROWS:,}" and shown["Rows set aside"] == "0"
    assert "Read in the database (duckdb): the rows stay there" in [t.value for t in at.text]
    assert any("now the data in use" in s.value for s in at.success)
    assert link(at) == DB  # nothing else differs from the defaults
    channels = next(d.value for d in at.dataframe if "Rows" in d.value.columns)
    assert channels["Rows"].sum() == SAMPLE_ROWS and list(channels["Channel"])[0] == "web"  # largest revenue first


def test_segments_on_the_database_are_the_sample_files(sample_tx):
    on_file, on_db = app(SEGMENTS).run(), app(SEGMENTS, **DB).run()
    assert not on_db.exception and errors(on_db) == []
    rfm_cards = ("Customers", "Segments", "Revenue", "Measured up to")
    assert [metrics(on_db)[k] for k in rfm_cards] == [metrics(on_file)[k] for k in rfm_cards]
    assert metrics(on_db)["Customers"] == f"{SAMPLE_CUSTOMERS:,}" and "Customers contacted" not in metrics(on_db)
    pd.testing.assert_frame_equal(segment_rows(on_db), segment_rows(on_file))
    want = rfm.segment_table(rfm.rfm_table(sample_tx))
    assert segment_rows(on_db)["Customers"].str.replace(",", "").astype(int).tolist() == want["customers"].tolist()

    def heatmaps(at):  # the cohort heatmaps' matrices (NaN where a cohort is not old enough)
        figures = [json.loads(c.proto.spec)["data"][0] for c in at.get("plotly_chart")]
        return [np.array(f["z"], dtype=float) for f in figures if f.get("type") == "heatmap" and len(f["z"]) > 5]

    assert len(heatmaps(on_db)) == len(heatmaps(on_file)) == 2  # retention, revenue retention: 24 cohorts
    for got, want in zip(heatmaps(on_db), heatmaps(on_file)):
        np.testing.assert_allclose(got, want, rtol=1e-12, equal_nan=True)
    assert any("AOV" in i.value or "order value" in i.value for i in on_db.info)  # the orders' trend: files only


def test_predictions_on_the_database_fit_the_histories_and_page_the_customers(sample_tx):
    at = app(PREDICTIONS, **DB).run()
    assert not at.exception and errors(at) == []
    values = predict.customer_values(predict.fit_customer_models(sample_tx, "bgnbd"), 12, 0.10)
    shown = metrics(at)
    assert shown["Customers"] == f"{SAMPLE_CUSTOMERS:,}"
    assert shown["Total predicted CLV"] == f"${values.total_clv:,.0f}" == "$978,792"
    assert shown["Mean predicted CLV"] == f"${values.mean_clv:,.2f}"
    table = customers(at)
    assert len(table) == database.PAGE_ROWS and table.iloc[0, 0] == "C00001"
    assert abs(table.iloc[2]["Predicted CLV ($)"] - values.table["predicted_clv"].iloc[2]) < 0.01
    at.number_input(key="pred_db_page").set_value(3).run()
    table = customers(at)
    assert table.iloc[0, 0] == "C00201" and "page 3 of 100" in " ".join(c.value for c in at.caption)
    assert len(at.get("plotly_chart")) == 2  # the expected-purchases and P(alive) matrices


def test_pages_that_read_files_say_so():
    at = app(GROUPS, **DB).run()
    assert not at.exception
    assert at.info[0].value.startswith("This page reads files: it shows the sample.")


# ---- The user's table or SELECT ------------------------------------------------------------------------------------
def test_a_typed_select_is_what_the_report_counts(sample_tx):
    query = "SELECT customer_id, date, amount FROM transactions WHERE amount >= 100 AND channel = 'web'"
    at = app(DATA, **DB, dbq=query).run()
    assert not at.exception and errors(at) == []
    want = int(((sample_tx["amount"] >= 100) & (sample_tx["channel"] == "web")).sum())
    assert metrics(at)["Rows read"] == f"{want:,}" == "2,024"
    segments = app(SEGMENTS, **DB, dbq=query).run()
    assert (
        metrics(segments)["Customers"]
        == f"{sample_tx.loc[(sample_tx.amount >= 100) & (sample_tx.channel == 'web'), 'customer_id'].nunique():,}"
    )


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("DROP TABLE transactions", "this statement is a DROP"),
        ("SELECT * FROM transactions; DELETE FROM transactions", "The text holds 2 statements"),
        ("COPY transactions TO '/tmp/clv-stolen.csv'", "this statement is a COPY"),
        ("ATTACH '/tmp/clv-other.duckdb' AS other", "this statement is a ATTACH"),
        ("INSERT INTO transactions VALUES ('x', DATE '2024-01-01', 1)", "this statement is a INSERT"),
        ("SELECT * INTO copy FROM transactions", "The query contains SELECT ... INTO"),
        ("SELECT * FROM read_csv_auto('/etc/passwd')", "file system operations are disabled"),
        ("SELECT * FROM read_text('/etc/hostname')", "file system operations are disabled"),
        ("SELECT * FROM (" * 3 + "x", "could not be read as SQL"),
    ],
)
def test_statements_that_are_not_one_read_are_refused(query, shown, tmp_path):
    at = app(DATA, **DB, dbq=query).run()
    assert not at.exception
    assert len(errors(at)) == 1 and shown in errors(at)[0], errors(at)
    assert not (tmp_path / "clv-stolen.csv").exists()
    after = app(DATA, **DB).run()  # the sample is untouched
    assert metrics(after)["Rows read"] == f"{SAMPLE_ROWS:,}"


def test_an_overlong_query_is_refused_before_parsing():
    query = "SELECT customer_id, date, amount FROM transactions WHERE " + " OR ".join(["amount > 1"] * 200)
    assert len(query) > database.MAX_QUERY_CHARS
    with pytest.raises(clv.DataError) as err:  # what the page shows when a query is too long
        database.user_tree(database.Source(query=query), "duckdb")
    assert err.value.key == "dbpage.errors.query_long" and err.value.values["count"] == f"{len(query):,}"
    at = app(DATA, **DB, dbq=query).run()  # a link cannot carry one: a notice, and the default table is read
    assert not at.exception and errors(at) == [] and "dbq" not in link(at)
    assert metrics(at)["Rows read"] == f"{SAMPLE_ROWS:,}"
    assert at.text_area(key="data_db_query").max_chars == database.MAX_QUERY_CHARS  # the browser stops typing there


def test_a_multi_line_query_is_kept_on_one_line_in_the_link():
    at = app(DATA, **DB).run()
    at.text_area(key="data_db_query").input(
        "SELECT customer_id, date, amount -- big orders\nFROM transactions\nWHERE amount > 200"
    ).run()
    assert not at.exception and errors(at) == []
    written = link(at)["dbq"]
    assert written == "SELECT customer_id, date, amount /* big orders */ FROM transactions WHERE amount > 200"
    assert session.is_text(written) and metrics(at)["Rows read"] != f"{SAMPLE_ROWS:,}"


# ---- Local files by a path or a glob (DuckDB over the files themselves) -------------------------------------------
def write_two_csvs(folder):
    (folder / "orders-2024.csv").write_text(
        "Customer,Order Date,Total,Channel\nA,2024-01-05,10,web\nA,2024-02-07,30,web\nB,2024-01-20,20,app\n"
        "C,2024-02-11,8,web\nD,2024-03-01,,app\n",
        encoding="utf-8",
    )
    (folder / "orders-2025.csv").write_text(
        "Customer,Order Date,Total,Channel\nA,2025-03-09,12,web\nB,2025-01-02,-5,app\n"
        ",2025-01-03,9,app\nE,soon,4,web\n",
        encoding="utf-8",
    )


def test_a_glob_of_two_csv_files_is_read_in_the_database(tmp_path):
    write_two_csvs(tmp_path)
    query = {**DB, "dbk": "files", "dbpath": str(tmp_path / "orders-*.csv")}
    at = app(DATA, **query).run()
    assert not at.exception and errors(at) == []
    shown = metrics(at)
    # 9 rows: D has no amount, one row no customer, E's date is 'soon'; B's return of -5 is netted
    assert (shown["Rows read"], shown["Rows kept"], shown["Rows set aside"]) == ("9", "6", "3")
    reasons = plain(" ".join(m.value for m in at.markdown))
    for line in ("Missing customer ID: 1 row", "Unreadable date: 1 row", "Amount is not a number: 1 row"):
        assert line in reasons
    assert "Returns are netted: 1 negative amounts were kept" in reasons
    mapping = {w.key: w.value for w in at.selectbox if w.key and w.key.startswith("data_db_map_")}
    assert mapping["data_db_map_customer_id"] == "" and "Automatic: Customer" in [
        w.format_func("") for w in at.selectbox if w.key == "data_db_map_customer_id"
    ]
    segments = app(SEGMENTS, **query).run()
    assert not segments.exception and metrics(segments)["Customers"] == "3"  # A, B, C: D and E have no usable row


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/etc/passwd", "/etc/passwd is not a CSV or Parquet file"),
        ("{tmp}/*.txt", "notes.txt is not a CSV or Parquet file"),
        ("{tmp}/*.parquet", "No file matches"),
        ("{tmp}/*", "is not a CSV or Parquet file"),
        ("{tmp}/link.csv", "is not a CSV or Parquet file"),  # a link named .csv to a file that is not one
        ("", "Type the path of a CSV or Parquet file"),
    ],
)
def test_paths_that_are_not_csv_or_parquet_files_are_refused(path, shown, tmp_path):
    write_two_csvs(tmp_path)
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    (tmp_path / "link.csv").symlink_to("/etc/hostname")
    at = app(DATA, **DB, dbk="files", dbpath=path.format(tmp=tmp_path)).run()
    assert not at.exception
    assert len(errors(at)) == 1 and shown in errors(at)[0], errors(at)


def test_files_mode_reads_only_the_matched_files(tmp_path):
    write_two_csvs(tmp_path)
    at = app(
        DATA,
        **DB,
        dbk="files",
        dbpath=str(tmp_path / "orders-2024.csv"),
        dbq="SELECT * FROM read_csv_auto('/etc/passwd')",
    ).run()
    assert "file system operations are disabled" in errors(at)[0]
    other = str(tmp_path / "orders-2025.csv")
    at = app(DATA, **DB, dbk="files", dbpath=str(tmp_path / "orders-2024.csv"), dbq=f"SELECT * FROM '{other}'").run()
    assert "file system operations are disabled" in errors(at)[0]


# ---- A connection in secrets.toml: the password never shows ------------------------------------------------------
@pytest.fixture
def secrets(monkeypatch):
    """secrets.toml's [connections.*] as the app reads them (st.connection reads Streamlit's secrets singleton,
    which AppTest's ``at.secrets`` does not reach)."""
    from streamlit.runtime.secrets import secrets_singleton

    def put(connections: dict) -> None:
        monkeypatch.setattr(secrets_singleton, "_secrets", {"connections": connections})

    return put


def assert_no_password(at, caplog):
    assert PASSWORD not in everything_shown(at)
    assert PASSWORD not in json.dumps(link(at)) and PASSWORD not in json.dumps(dict(at.query_params))
    store = at.session_state["_store"]
    by_key = registered_fields()
    saved = session.dump({by_key[k].url: by_key[k].dump(v) for k, v in store.items() if k in by_key}, saved_at="t")
    assert PASSWORD.encode() not in saved
    assert all(PASSWORD not in repr(value) for value in at.session_state.values())
    assert PASSWORD not in caplog.text


@pytest.fixture
def shop_duckdb(tmp_path):
    path = tmp_path / "shop.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE orders AS SELECT * FROM (VALUES ('a', DATE '2024-01-01', 10.0, 'paid'),"
        " ('a', DATE '2024-02-01', 5.0, 'paid'), ('b', DATE '2024-01-15', 7.0, 'refunded'),"
        " ('c', DATE '2024-03-01', 3.0, 'Paid')) AS t(client, order_date, total, status)"
    )
    con.close()
    return path


def test_a_connection_reads_the_database_and_its_password_never_shows(shop_duckdb, secrets, caplog):
    caplog.set_level(logging.DEBUG)
    secrets(
        {
            "shop": {
                "url": f"duckdb:///{shop_duckdb}",
                "password": PASSWORD,
                "create_engine_kwargs": {"connect_args": {"read_only": True}},
            }
        }
    )
    at = app(DATA, **DB, dbk="connection", db="shop", dbq="orders", dbmap_customer_id="client").run()
    assert not at.exception and errors(at) == []
    shown = metrics(at)
    assert (shown["Rows read"], shown["Rows kept"]) == ("4", "3")  # b's refund is not paid (status mapped by its name)
    assert "Payment not completed (refunded, voided, pending, failed…): 1 row" in plain(
        " ".join(m.value for m in at.markdown)
    )
    assert link(at) == {**DB, "dbk": "connection", "db": "shop", "dbq": "orders", "dbmap_customer_id": "client"}
    assert_no_password(at, caplog)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        # a driver that is not installed (psycopg is: requirements-test.txt, for tests/test_app_database_postgres.py)
        (f"postgresql+pg8000://reader:{PASSWORD}@127.0.0.1:1/shop", "The database driver pg8000 is not installed"),
        (f"duckdb:////no-such-folder/{PASSWORD}/shop.duckdb", "Could not open the connection (OperationalError)"),
        (f"nosuchdb://reader:{PASSWORD}@host/shop", "Could not open the connection (NoSuchModuleError)"),
    ],
)
def test_a_failing_connection_shows_a_fixed_sentence_and_the_error_class_only(url, shown, secrets, caplog):
    caplog.set_level(logging.DEBUG)
    secrets({"shop": {"url": url}})
    at = app(DATA, **DB, dbk="connection", db="shop", dbq="orders").run()
    assert not at.exception
    assert len(errors(at)) == 1 and errors(at)[0].startswith(shown), errors(at)
    assert_no_password(at, caplog)
    for page in (SEGMENTS, PREDICTIONS):
        other = app(page, **DB, dbk="connection", db="shop", dbq="orders").run()
        assert not other.exception and any(e.startswith(shown) for e in errors(other))
        assert_no_password(other, caplog)


def test_without_secrets_the_page_says_how_to_add_a_connection(secrets):
    at = app(DATA, **DB, dbk="connection", db="shop").run()
    assert not at.exception and "No connection is set up" in at.info[0].value
    secrets({"shop": {"url": "duckdb:///:memory:"}})
    at = app(DATA, **DB, dbk="connection", db="gone").run()
    assert at.selectbox(key="data_db").value == "shop"  # a name from a link that is not set up: the first one


# ---- The link, the session file, Arabic ---------------------------------------------------------------------------
def test_the_link_reopens_the_same_database_view(tmp_path):
    write_two_csvs(tmp_path)
    at = app(DATA, **DB, dbk="files", dbpath=str(tmp_path / "*.csv")).run()
    at.selectbox(key="data_db_map_channel").select("Customer").run()  # any column: the link must carry it
    at.text_area(key="data_db_query").input("SELECT * FROM files WHERE Total > 5").run()
    written = link(at)
    assert written == {
        **DB,
        "dbk": "files",
        "dbpath": str(tmp_path / "*.csv"),
        "dbq": "SELECT * FROM files WHERE Total > 5",
        "dbmap_channel": "Customer",
    }
    reopened = app(DATA, **written).run()
    assert metrics(reopened) == metrics(at) and metrics(at)["Rows read"] == "6"  # 10, 30, 20, 8, 12, 9
    assert link(reopened) == written


def test_arabic_page_runs_the_database_right_to_left():
    at = app(DATA, **DB, lang="ar").run()
    assert not at.exception and errors(at) == []
    assert at.subheader[0].value == i18n.text("dbpage.title", "ar")
    assert metrics(at)[i18n.text("datapage.report.rows_read", "ar")] == f"{SAMPLE_ROWS:,}"
    seg = app(SEGMENTS, **DB, lang="ar").run()
    assert not seg.exception and i18n.text("dbpage.segments.in_use", "ar") in [i.value for i in seg.info]


# ---- Slow queries: the timeout and the stop -------------------------------------------------------------------------
SLOW = (  # 10^10 rows: minutes of work
    "SELECT CAST(a.range AS VARCHAR) AS customer_id, DATE '2024-01-01' AS date, 1.0 AS amount"
    " FROM range(100000) a, range(100000) b"
)


def test_a_query_past_the_timeout_is_interrupted_with_a_message(monkeypatch):
    monkeypatch.setattr(database, "QUERY_TIMEOUT_S", 0.5)
    start = time.monotonic()
    at = app(DATA, **DB, dbq=SLOW).run()
    assert not at.exception
    assert errors(at)[0].startswith("The query ran longer than 0.5 seconds and was stopped.")
    assert time.monotonic() - start < 15
    deadline = time.monotonic() + 5
    while any(t.name == "clv-db-query" for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(t.name == "clv-db-query" for t in threading.enumerate())  # the query itself stopped


def test_a_stopped_run_interrupts_its_query():
    """What Streamlit does on a click or the Stop button while a query runs: the wait raises; the query stops."""
    source = database.Source(query=SLOW)
    job = database.Job(source, "SELECT COUNT(*) FROM range(100000) a, range(100000) b", 1)

    def stopped(elapsed):
        if elapsed > 0.3:
            raise StopException()

    start = time.monotonic()
    with pytest.raises(StopException):
        database.execute(job, timeout_s=60, wait=stopped)
    assert job.done.wait(5) and time.monotonic() - start < 5
    assert job.error is not None and job.error.key == "dbpage.errors.cancelled"


def test_stop_keeps_the_queries_off_until_run_again():
    at = app(DATA, **DB).run()
    at.session_state[database.CANCELLED] = database.Source().key
    at.session_state[database.RESULTS] = OrderedDict()
    at.run()
    assert errors(at)[0].startswith("The queries were stopped.")
    at.button(key="data_db_run").click().run()
    assert errors(at) == [] and metrics(at)["Rows read"] == f"{SAMPLE_ROWS:,}"


# ---- Pieces ------------------------------------------------------------------------------------------------------
def test_cohort_cells_make_the_files_cohort_tables(sample_tx):
    from clv import cohorts, warehouse

    con = duckdb.connect(str(database.sample_database()), read_only=True)
    cells = con.execute(warehouse.cohort_sql("duckdb", "transactions")).df()
    got, want = database.cohort_frames(cells), cohorts.cohort_tables(sample_tx)
    assert got.sizes.tolist() == want.sizes.tolist() and got.sizes.sum() == SAMPLE_CUSTOMERS
    for name in ("customers", "retention", "revenue", "revenue_retention", "cumulative_revenue_per_customer"):
        pd.testing.assert_frame_equal(
            getattr(got, name), getattr(want, name), check_names=False, check_freq=False, rtol=1e-12
        )


def test_session_statements_per_database():
    assert database.session_statements("postgres", 60)[:2] == (
        "SET TRANSACTION READ ONLY",
        "SET LOCAL statement_timeout = 60000",
    )
    assert database.session_statements("snowflake", 60) == (
        "ALTER SESSION SET STATEMENT_TIMEOUT_IN_SECONDS = 60",
        "ALTER SESSION SET TIMEZONE = 'UTC'",
    )
    assert database.session_statements("bigquery") == ()


def test_the_database_matrices_are_the_files(sample_tx):
    """The expected-purchases matrix on the database (weighted histories) is the file's (one row per customer):
    the same frequency axis (the customers' 99th percentile) and the same values to the fit's tolerance."""
    on_file = app(PREDICTIONS, pmod="bgnbd").run()
    on_db = app(PREDICTIONS, **DB, pmod="bgnbd").run()
    assert not on_db.exception and errors(on_db) == []

    def matrix(at):
        figure = next(json.loads(c.proto.spec) for c in at.get("plotly_chart") if "Expected purchases" in c.proto.spec)
        return figure["data"][0]

    def array(value):  # Plotly writes arrays as typed base64 ({"dtype", "bdata", "shape"})
        if not isinstance(value, dict):
            return np.array(value, dtype=float)
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).astype(float)
        return flat.reshape([int(n) for n in str(value.get("shape", len(flat))).split(",")])

    got, want = matrix(on_db), matrix(on_file)
    assert array(got["y"]).tolist() == array(want["y"]).tolist() and len(array(got["y"])) == 24  # frequency 0..23
    assert array(got["x"]).tolist() == array(want["x"]).tolist()
    np.testing.assert_allclose(array(got["z"]), array(want["z"]), rtol=1e-5, equal_nan=True)
    auto = app(PREDICTIONS, **DB).run()
    assert any(c.value.startswith("No holdout comparison on a database: BG/NBD is used.") for c in auto.caption)


def test_a_glob_past_the_file_limit_is_refused(tmp_path, monkeypatch):
    write_two_csvs(tmp_path)
    monkeypatch.setattr(database, "MAX_FILES", 1)
    at = app(DATA, **DB, dbk="files", dbpath=str(tmp_path / "*.csv")).run()
    assert errors(at) == ["The pattern matches 2 files; at most 1 can be read at once. Narrow the pattern."]


def test_the_modules_examples():
    import doctest

    assert doctest.testmod(database).failed == 0 and doctest.testmod(database).attempted >= 8
