"""Real database engines for tests/test_warehouse.py: DuckDB in-process, a throwaway PostgreSQL cluster and
Spark SQL in local mode, each behind one small interface (``Engine``: load a table, run a query).

PostgreSQL: ``initdb`` and ``pg_ctl`` (on PATH or Debian's /usr/lib/postgresql/<version>/bin) make a cluster
in a fresh temporary directory, listening only on a Unix socket there (no TCP), on a free port number, with
trust authentication, time zone UTC; ``psql`` loads data with COPY and runs queries (COPY ... TO STDOUT as
CSV). initdb refuses to run as root, so as root (CI) the cluster runs as the ``postgres`` user that Debian's
package creates (``runuser -u postgres``), owning the temporary directory. Stopped and removed after the run.

Spark: pyspark in local mode (2 threads, no UI, 2 shuffle partitions, session time zone UTC, the JIT's first
tier only) on the machine's Java. One session per test run; tables load from a CSV file and are cached.

Without PostgreSQL or Java the tests that need them are skipped with what to install; under CI
(``CI=true``) that is a failure instead.
"""

from __future__ import annotations

import glob
import io
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field

import pandas as pd
import pytest
import sqlglot

PG_VERSIONS_GLOB = "/usr/lib/postgresql/*/bin"
PG_START_SECONDS = 60


def _missing(what: str) -> None:
    """Skip, naming what to install; under CI a missing engine fails the run instead."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI: {what}", pytrace=False)
    pytest.skip(what)


def _text(value, kind: str) -> str | None:
    """A value as the text loaded into every engine: None for NULL (None, NaT, a missing text), a NaN
    in a DOUBLE column as 'NaN' (a NULL there is None), timestamps in ISO form, floats exactly (repr)."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return "NaN" if kind == "DOUBLE" else None
    if isinstance(value, pd.Timestamp):
        return value.isoformat(sep=" ")
    if isinstance(value, float):
        return repr(value)
    return str(value)


@dataclass
class Engine:
    """One database: ``load`` a table of text values cast to the given types (DuckDB's type names), ``query``
    a SELECT into a DataFrame of Python values, ``dialect`` for sqlglot."""

    name: str
    dialect: str
    _load: object = field(repr=False)
    _query: object = field(repr=False)

    def load(self, table: str, frame: pd.DataFrame, types: dict[str, str]) -> None:
        kinds = list(types.values())
        rows = [
            [_text(v, k) for v, k in zip(row, kinds)]
            for row in frame[list(types)].astype(object).itertuples(index=False, name=None)
        ]
        self._load(table, rows, types)

    def query(self, sql: str, setup: tuple[str, ...] = ()) -> pd.DataFrame:
        """Rows of ``sql``, run in a session after the ``setup`` statements (SET ...), which last only for it."""
        return self._query(sql, setup)

    def type_name(self, duckdb_type: str) -> str:
        return sqlglot.exp.DataType.build(duckdb_type, dialect="duckdb").sql(dialect=self.dialect)

    def quoted(self, name: str) -> str:
        return sqlglot.exp.to_identifier(name, quoted=True).sql(dialect=self.dialect)


def _cast_select(engine_dialect: str, source: str, types: dict[str, str]) -> str:
    cols = ", ".join(
        sqlglot.exp.cast(sqlglot.exp.column(c, quoted=True), sqlglot.exp.DataType.build(t, dialect="duckdb"))
        .as_(c, quoted=True)
        .sql(dialect=engine_dialect)
        for c, t in types.items()
    )
    return f"SELECT {cols} FROM {source}"


# ----------------------------------------------------------------------------------------------
# DuckDB
# ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def duckdb_engine():
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")

    def load(table, rows, types):
        text = pd.DataFrame(rows, columns=list(types), dtype=object)
        con.register("_text_rows", text)
        con.execute(f"CREATE OR REPLACE TABLE {table} AS " + _cast_select("duckdb", "_text_rows", types))
        con.unregister("_text_rows")

    def query(sql, setup=()):
        cur = con.cursor()  # a setup (SET TimeZone ...) stays in this cursor's session
        for statement in setup:
            cur.execute(statement)
        rows = cur.execute(sql).fetchall()
        return pd.DataFrame(rows, columns=[d[0] for d in cur.description])

    yield Engine("duckdb", "duckdb", load, query)
    con.close()


# ----------------------------------------------------------------------------------------------
# PostgreSQL: a throwaway cluster
# ----------------------------------------------------------------------------------------------


def _pg_tool(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"{PG_VERSIONS_GLOB}/{name}"), key=lambda p: int(p.split("/")[-3]))
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_engine():
    tools = {name: _pg_tool(name) for name in ("initdb", "pg_ctl", "psql")}
    if not all(tools.values()):
        missing = ", ".join(n for n, p in tools.items() if not p)
        _missing(f"PostgreSQL is not installed ({missing} not found): apt-get install postgresql")
    as_root = os.geteuid() == 0
    if as_root:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            _missing("running as root needs the 'postgres' user to own the test cluster: apt-get install postgresql")
    base = tempfile.mkdtemp(prefix="clv-pg-")
    if as_root:
        os.chown(base, owner.pw_uid, owner.pw_gid)
    data, log, port = os.path.join(base, "data"), os.path.join(base, "server.log"), _free_port()
    run_as = ["runuser", "-u", "postgres", "--"] if as_root else []
    env = {**os.environ, "LC_ALL": "C.UTF-8", "TZ": "UTC"}

    def server(*args, timeout=PG_START_SECONDS):
        return subprocess.run(run_as + list(args), env=env, capture_output=True, text=True, timeout=timeout)

    made = server(tools["initdb"], "-D", data, "-U", "clv", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "-N")
    if made.returncode:
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"initdb failed: {made.stderr[-2000:]}", pytrace=False)
    options = f"-k {base} -p {port} -c listen_addresses='' -c timezone=UTC -c fsync=off"
    started = server(tools["pg_ctl"], "-D", data, "-l", log, "-o", options, "-w", "-t", str(PG_START_SECONDS), "start")
    if started.returncode:
        text = open(log, encoding="utf-8", errors="replace").read() if os.path.exists(log) else ""
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"pg_ctl start failed: {started.stderr[-1000:]} {text[-2000:]}", pytrace=False)
    client_env = {**os.environ, "PGHOST": base, "PGPORT": str(port), "PGUSER": "clv", "PGDATABASE": "postgres"}

    def psql(script: str, stdin: str | None = None) -> str:
        args = [tools["psql"], "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", script]
        done = subprocess.run(args, env=client_env, input=stdin, capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise RuntimeError(f"psql failed: {done.stderr.strip()}")
        return done.stdout

    def load(table, rows, types):
        columns = ", ".join(f'"{c}" TEXT' for c in types)
        buf = io.StringIO()
        pd.DataFrame(rows, columns=list(types), dtype=object).to_csv(buf, index=False, header=False, na_rep="")
        psql(f"DROP TABLE IF EXISTS _text_rows; CREATE TABLE _text_rows ({columns})")
        psql("COPY _text_rows FROM STDIN WITH (FORMAT csv)", buf.getvalue())
        psql(
            f"DROP TABLE IF EXISTS {table}; CREATE TABLE {table} AS "
            + _cast_select("postgres", "_text_rows", types)
            + "; DROP TABLE _text_rows"
        )

    def query(sql, setup=()):
        out = psql("".join(s + "; " for s in setup) + f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER)")
        return pd.read_csv(io.StringIO(out), dtype=str, keep_default_na=False, na_values=[""])

    try:
        yield Engine("postgres", "postgres", load, query)
    finally:
        server(tools["pg_ctl"], "-D", data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


# ----------------------------------------------------------------------------------------------
# Spark SQL, local mode
# ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def spark_engine():
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        _missing("pyspark is not installed: pip install -r requirements-test.txt")
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        _missing("Spark needs a Java runtime: apt-get install default-jre-headless")
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("clv-warehouse-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "1g")
        # the JIT's first tier only: this JVM lives for a minute of small queries (starts and runs them in
        # about two thirds of the time the full JIT takes)
        .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    files = tempfile.mkdtemp(prefix="clv-spark-")
    loads = iter(range(1_000_000))

    def load(table, rows, types):
        # through a CSV file: the JVM reads it, no Python worker starts; then cached, as a table would be
        n = next(loads)
        path = os.path.join(files, f"rows_{n}.csv")
        pd.DataFrame(rows, columns=list(types), dtype=object).to_csv(path, index=False, header=False, na_rep="")
        schema = ", ".join(f"`{c}` STRING" for c in types)
        spark.read.schema(schema).option("mode", "FAILFAST").csv(path).createOrReplaceTempView(f"_text_rows_{n}")
        spark.sql(f"CREATE OR REPLACE TEMPORARY VIEW {table} AS " + _cast_select("spark", f"_text_rows_{n}", types))
        spark.catalog.cacheTable(table)

    def query(sql, setup=()):
        for statement in setup:
            spark.sql(statement)
        try:
            result = spark.sql(sql)
            rows = [tuple(r) for r in result.collect()]
            return pd.DataFrame(rows, columns=result.columns)
        finally:
            if setup:
                spark.sql("SET spark.sql.session.timeZone = UTC")

    try:
        yield Engine("spark", "spark", load, query)
    finally:
        spark.stop()
        shutil.rmtree(files, ignore_errors=True)


ENGINES = ("duckdb_engine", "postgres_engine", "spark_engine")


@pytest.fixture(params=ENGINES, scope="session", ids=lambda name: name.removesuffix("_engine"))
def engine(request):
    """Each real engine in turn (a test using it runs three times)."""
    return request.getfixturevalue(request.param)
