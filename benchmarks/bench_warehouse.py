"""Benchmark the warehouse path (issue 15): DuckDB computes the per-customer summary and the distinct
histories with ``clv.warehouse``'s SQL, ``clv.models`` fits BG/NBD and Gamma-Gamma on the weighted rows.
Prints a markdown table; the figures and the machine are recorded in benchmarks/README-warehouse.md.

Run from the repository root::

    .venv/bin/python -m benchmarks.bench_warehouse                  # 10M Parquet, 100M DuckDB, lifetimes
    .venv/bin/python -m benchmarks.bench_warehouse --repeat 3 --wait-load 1.5
    .venv/bin/python -m benchmarks.bench_warehouse --orders 1000000 --big-orders 0 --no-peer   # quick look

Cases (each run ``--repeat`` times, every run in a fresh subprocess; the imports are done and the data
exist before the clock starts; "peak MB" is that process's ``VmHWM`` after the case, imports included:
``benchmarks.common.peak_mb``; DuckDB gets ``SET threads`` and ``SET memory_limit`` and spills to a
directory under the cache):

- **Parquet, two scans** (``parquet2``): ``--orders`` orders in a local Parquet file, read by DuckDB with
  ``read_parquet`` inside the source SELECT. ``summary_sql`` gives the per-customer summary (fetched into
  a DataFrame indexed by customer, ``clv.warehouse.summary_frame``); ``histories_sql`` (a second scan of
  the file) gives the distinct (frequency, recency, T) with their ``weight``, and BG/NBD is fitted on
  them; Gamma-Gamma is fitted on the distinct (frequency, monetary_value) of the summary with weights.
- **Parquet, one scan** (``parquet1``): the same result, the summary computed once into a temporary
  table; the histories and the spend groups are GROUP BYs of that table (the same rows as
  ``histories_sql``: tests/test_bench_warehouse.py).
- **DuckDB table, histories** (``table``): ``--big-orders`` orders generated inside DuckDB by SQL
  (``orders_sql``) and stored once in a DuckDB file (the table a warehouse would hold); the database is
  opened read-only, ``histories_sql`` gives the distinct histories and BG/NBD is fitted on them. Nothing
  per customer reaches Python.
- **pandas + lifetimes 0.11.3** (``peer``): the same Parquet orders, handed to the peer environment
  (.venv-lifetimes, /work/shared/peers/lifetimes/README.md) as NumPy arrays (the peer has no Parquet
  reader; reading is not timed there, while ours includes it): ``summary_data_from_transaction_data``,
  then ``BetaGeoFitter.fit`` on one row per customer (lifetimes' documented use) and
  ``GammaGammaFitter.fit`` on the repeat customers with positive spend.

The orders (both generators draw the same process; dates 2024-01-01 .. 2025-12-31, observation end
2025-12-31): each customer has a BG/NBD purchase rate ``lam ~ Gamma(r, alpha)`` per day and a dropout
probability ``p ~ Beta(a, b)`` (``TRUE_BGNBD``); a first purchase on a uniform day of the first year;
``N ~ Poisson(lam T)`` arrivals in the ``T`` days after it, of which the customer makes the first
``x = min(N, G)``, ``G ~ Geometric(p)`` (dropout after the G-th repeat purchase). Given x = N the
repeat times are N uniforms on (0, T]; given x = G < N the last one is the G-th of N uniforms,
``T Beta(G, N - G + 1)``, and the other G - 1 are uniforms below it. Each time becomes the day
``first + ceil(t)`` (same-day purchases later merge into one period, so the fitted daily rate is a
little lower than ``lam``: alpha ~ 11 instead of 10). Amounts: ``Gamma(p, nu)`` per order with
``nu ~ Gamma(q, v)`` per customer (``TRUE_GG``), rounded to cents. About 4.5 orders a customer; the
orders are taken customer by customer until the count is reached exactly (the last customer may lose
some repeats). ``simulate_orders`` draws this with NumPy (exact samplers) and the Parquet rows are
sorted by date, as an order log is; ``orders_sql`` draws it in DuckDB SQL from ``range()`` and
uniforms hashed from (seed, customer, order, stream) (``_Draws``: reproducible on any number of threads,
which ``random()`` after ``setseed`` was not): gammas by Wilson-Hilferty (shape < 1 boosted:
G(k) = G(k + 1) U^(1/k)), normals by Box-Muller, the Poisson count by exact inversion below a mean of 15
and a rounded normal above, the geometric by inversion.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.common import peak_mb

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "benchmarks" / ".cache"  # git-ignored: the generated Parquet file and DuckDB database
PEER = ROOT / ".venv-lifetimes" / "bin" / "python"
GENERATOR_VERSION = 2  # part of the cached files' names: bump when the generators change

TRUE_BGNBD = {"r": 0.25, "alpha": 10.0, "a": 0.8, "b": 2.5}  # daily units
TRUE_GG = {"p": 6.0, "q": 4.0, "v": 15.0}
START = "2024-01-01"  # day 0
FIRST_DAYS = 365  # first purchases on days 0 .. 364
OBSERVATION_DAYS = 730  # the last day, 2025-12-31, ends the observation
OBSERVATION_END = "2025-12-31"
ORDERS_PER_CUSTOMER = 4.5  # about (measured), to size the customer draw; 5% spare is drawn
POISSON_EXACT_BELOW = 15.0  # orders_sql: Poisson by inversion below this mean, rounded normal above
POISSON_TERMS = 40  # terms of that inversion (P(N >= 40 | mean 15) < 1e-7)
SEED = 20241115

TARGETS = {"parquet2": (10.0, 1000.0), "parquet1": (10.0, 1000.0), "table": (90.0, 2000.0)}  # (s, MB)
MEMORY_LIMITS = {"parquet2": "500MB", "parquet1": "500MB", "table": "1200MB"}  # DuckDB's SET memory_limit


# ----------------------------------------------------------------------------------------------
# The orders
# ----------------------------------------------------------------------------------------------


def _customers_for(n_orders: int) -> int:
    return math.ceil(n_orders / ORDERS_PER_CUSTOMER * 1.05) + 100


def simulate_orders(n_orders: int, seed: int = SEED) -> pd.DataFrame:
    """Exactly ``n_orders`` orders of the BG/NBD + Gamma-Gamma process (module docstring): columns
    ``customer_id`` (int64, 0 ..), ``date`` (datetime64[s], whole days), ``amount`` (currency, cents),
    sorted by date (customers in order within a day).

    >>> orders = simulate_orders(1000, seed=1)
    >>> len(orders), str(orders["date"].min().date()) >= START, str(orders["date"].max().date()) <= OBSERVATION_END
    (1000, True, True)
    """
    rng = np.random.default_rng(seed)
    n = _customers_for(n_orders)
    r, alpha, a, b = TRUE_BGNBD.values()
    lam = rng.gamma(r, 1 / alpha, n)
    drop = rng.beta(a, b, n)
    first = rng.integers(0, FIRST_DAYS, n)
    big_t = OBSERVATION_DAYS - first
    arrivals = rng.poisson(lam * big_t)
    lives = rng.geometric(drop)  # dropout right after the G-th repeat purchase
    x = np.minimum(arrivals, lives)
    ends = np.cumsum(1 + x)
    if ends[-1] < n_orders:
        raise RuntimeError(f"{n} customers made {ends[-1]} orders, fewer than {n_orders}: raise the spare")
    m = int(np.searchsorted(ends, n_orders)) + 1  # customers needed for n_orders
    x, arrivals, lives, big_t, first = x[:m], arrivals[:m], lives[:m], big_t[:m], first[:m]
    cut = arrivals > lives  # dropped out before the N-th arrival
    last = np.where(cut, big_t * rng.beta(np.maximum(lives, 1), np.maximum(arrivals - lives + 1, 1)), big_t)
    cust = np.repeat(np.arange(m), 1 + x)[:n_orders]
    j = np.arange(len(cust)) - (np.cumsum(1 + x) - (1 + x))[cust]  # 0: the first purchase
    t = np.where(cut[cust] & (j == 1), last[cust], rng.random(len(cust)) * last[cust])
    day = first[cust] + np.where(j == 0, 0, np.clip(np.ceil(t), 1, big_t[cust])).astype(np.int64)
    p, q, v = TRUE_GG.values()
    nu = rng.gamma(q, 1 / v, m)
    amount = np.maximum(np.round(rng.gamma(p, 1.0, len(cust)) / nu[cust], 2), 0.01)
    order = np.argsort(day, kind="stable")
    dates = np.datetime64(START, "s") + (day[order] * 86400).astype("timedelta64[s]")
    return pd.DataFrame({"customer_id": cust[order].astype(np.int64), "date": dates, "amount": amount[order]})


class _Draws:
    """SQL for uniforms on (0, 1), each a new stream of one key column (a hash): ``hash(xor(key, stream))``,
    the top 53 bits. DuckDB's hash of one integer mixes every bit (neighbouring streams and keys are
    uncorrelated; hash(a, b) of several values is not: its streams correlate at 0.998), and a hash gives the
    same numbers on every run and any number of threads, where ``random()`` after ``setseed`` did not (26% of
    the dates differed between two draws with one seed and one thread, DuckDB 2.0)."""

    def __init__(self, key: str, first_stream: int = 1):
        self.key, self.stream = key, first_stream

    def uniform(self) -> str:
        self.stream += 1
        return f"((CAST(hash(xor({self.key}, CAST({self.stream} AS UBIGINT))) >> 11 AS DOUBLE) + 0.5) / {2.0**53!r})"

    def normal(self) -> str:
        return f"(sqrt(-2 * ln({self.uniform()})) * cos(2 * pi() * {self.uniform()}))"  # Box-Muller

    def gamma(self, shape: float) -> str:
        """Gamma(shape, 1): Wilson-Hilferty, boosted below shape 1 (G(k) = G(k + 1) U^(1/k))."""
        if shape >= 1:
            return _gamma_wh(repr(float(shape)), self.normal())
        return f"({_gamma_wh(repr(float(shape + 1)), self.normal())} * pow({self.uniform()}, {1 / shape!r}))"


def _gamma_wh(shape: str, z: str) -> str:
    """Wilson-Hilferty: Gamma(shape, 1) ~ shape (1 - 1/(9 shape) + z / (3 sqrt(shape)))^3, shape >= 1."""
    return f"greatest({shape} * pow(greatest(1 - 1 / (9 * {shape}) + {z} / (3 * sqrt({shape})), 0), 3), 1e-300)"


def orders_sql(n_orders: int, seed: int = SEED) -> str:
    """A DuckDB SELECT drawing exactly ``n_orders`` orders (``customer_id`` BIGINT, ``date`` DATE,
    ``amount`` DOUBLE) of the process ``simulate_orders`` draws, from ``range()`` and hashed uniforms
    (``_Draws``; the module docstring): the same rows for a seed on every run. Rows come customer by
    customer: the LIMIT keeps whole customers but the last.

    >>> import duckdb
    >>> con = duckdb.connect()
    >>> con.execute(f"SELECT count(*), min(date) >= DATE '{START}' FROM ({orders_sql(1000)})").fetchall()
    [(1000, True)]
    """
    r, alpha, a, b = TRUE_BGNBD.values()
    p, q, v = TRUE_GG.values()
    draw = _Draws("key")
    layer = f"""SELECT i AS cust, hash(xor(hash(CAST({int(seed)} AS UBIGINT)), CAST(i AS UBIGINT))) AS key
    FROM range({_customers_for(n_orders)}) AS customers(i)"""
    layer = f"""SELECT cust, key,
        {draw.gamma(r)} / {alpha!r} AS lam,
        {draw.gamma(a)} AS ga, {draw.gamma(b)} AS gb,
        {draw.gamma(q)} / {v!r} AS nu,
        CAST(floor({draw.uniform()} * {FIRST_DAYS}) AS INTEGER) AS first,
        {draw.uniform()} AS u_n, {draw.normal()} AS z_n, {draw.uniform()} AS u_g,
        {draw.normal()} AS z_a, {draw.normal()} AS z_b
    FROM ({layer})"""
    assert draw.stream < 64  # the rows' streams start at 64
    layer = f"SELECT *, {OBSERVATION_DAYS} - first AS t, ga / (ga + gb) AS drop_p FROM ({layer})"
    # Poisson(mu) by inversion: N = #{k : P(N <= k) < u}, the terms p_k = p_(k-1) mu / k one layer each
    layer = f"SELECT *, lam * t AS mu FROM ({layer})"
    layer = f"SELECT *, exp(-mu) AS pk, exp(-mu) AS fk, CAST(u_n > exp(-mu) AS INTEGER) AS n FROM ({layer})"
    for k in range(1, POISSON_TERMS):
        step = f"pk * mu / {k}"
        layer = (
            f"SELECT * REPLACE ({step} AS pk, fk + {step} AS fk, n + CAST(u_n > fk + {step} AS INTEGER) AS n)"
            f" FROM ({layer})"
        )
    normal_n = "CAST(greatest(0, round(mu + sqrt(mu) * z_n)) AS BIGINT)"
    geometric = "CAST(least(greatest(1, ceil(ln(u_g) / ln(1 - least(drop_p, 1 - 1e-16)))), 1e9) AS BIGINT)"
    layer = (
        f"SELECT *, CASE WHEN mu < {POISSON_EXACT_BELOW} THEN n ELSE {normal_n} END AS arrivals,"
        f" {geometric} AS lives FROM ({layer})"
    )
    g_lives, g_rest = _gamma_wh("lives", "z_a"), _gamma_wh("(arrivals - lives + 1)", "z_b")
    layer = (
        f"SELECT cust, key, first, t, nu, least(arrivals, lives) AS x, arrivals > lives AS cut,"
        f" CASE WHEN arrivals > lives THEN t * {g_lives} / ({g_lives} + {g_rest}) ELSE t END AS last FROM ({layer})"
    )
    layer = f"SELECT cust, key, first, t, nu, cut, last, unnest(range(x + 1)) AS j FROM ({layer})"
    # each order's own key: the customer's, mixed with 64 (j + 1) (streams of the customer stay below 64)
    layer = f"SELECT *, hash(xor(key, CAST(64 * (j + 1) AS UBIGINT))) AS order_key FROM ({layer})"
    draw = _Draws("order_key")
    repeat = f"CASE WHEN cut AND j = 1 THEN last ELSE {draw.uniform()} * last END"
    day = f"CASE WHEN j = 0 THEN first ELSE first + CAST(least(greatest(ceil({repeat}), 1), t) AS INTEGER) END"
    amount = f"greatest(round({draw.gamma(p)} / nu, 2), 0.01)"
    return (
        f"SELECT cust AS customer_id, DATE '{START}' + {day} AS date, {amount} AS amount FROM ({layer})"
        f" LIMIT {int(n_orders)}"
    )


def cached_parquet(n_orders: int, seed: int = SEED, cache: Path = CACHE) -> Path:
    """The Parquet file of ``simulate_orders(n_orders, seed)`` (customer_id int64, date DATE, amount
    double; row groups of 1,048,576 rows), written once into ``cache``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = cache / f"orders_{n_orders}_seed{seed}_v{GENERATOR_VERSION}.parquet"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        orders = simulate_orders(n_orders, seed)
        table = pa.Table.from_pandas(orders, preserve_index=False)
        table = table.set_column(1, "date", table["date"].cast(pa.date32()))
        partial = path.with_suffix(".partial")
        pq.write_table(table, partial)
        partial.replace(path)
    return path


def cached_database(n_orders: int, seed: int = SEED, cache: Path = CACHE, memory_limit: str = "1GB") -> Path:
    """A DuckDB database file with the table ``orders`` of ``orders_sql(n_orders, seed)``, built once
    into ``cache``."""
    import duckdb

    path = cache / f"orders_{n_orders}_seed{seed}_v{GENERATOR_VERSION}.duckdb"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        with duckdb.connect(str(partial)) as con:
            con.execute(f"SET memory_limit = '{memory_limit}'")
            con.execute(f"SET temp_directory = '{cache / 'spill'}'")
            con.execute("SET enable_progress_bar = false")
            con.execute("CREATE TABLE orders AS " + orders_sql(n_orders, seed))
            count = con.execute("SELECT count(*) FROM orders").fetchone()[0]
            if count != n_orders:
                raise RuntimeError(f"orders_sql drew {count} orders, not {n_orders}: raise the spare customers")
        partial.replace(path)
    return path


def parquet_source(path: Path) -> str:
    """The source of ``clv.warehouse``'s queries for a Parquet file (or glob): one read-only SELECT."""
    quoted = str(path).replace("'", "''")
    return f"SELECT customer_id, date, amount FROM read_parquet('{quoted}')"


# ----------------------------------------------------------------------------------------------
# The cases (in-process; ``measure`` runs one in a fresh process)
# ----------------------------------------------------------------------------------------------


def connect(database: str = ":memory:", memory_limit: str = "500MB", threads: int = 2, spill: Path = CACHE):
    """A DuckDB connection (``database`` opened read-only unless in memory) with its memory and threads set."""
    import duckdb

    con = duckdb.connect(database, read_only=database != ":memory:")
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute(f"SET threads = {int(threads)}")
    con.execute(f"SET temp_directory = '{spill / 'spill'}'")
    con.execute("SET enable_progress_bar = false")
    return con


@dataclass
class Fitted:
    """What a case computed: the per-customer summary (None where not fetched), the weighted rows the
    models were fitted on, the models, and the seconds of each step."""

    summary: pd.DataFrame | None
    histories: dict[str, np.ndarray]
    spend: dict[str, np.ndarray] | None
    bgnbd: object
    gamma_gamma: object | None
    seconds: dict[str, float] = field(default_factory=dict)


def _fit_models(histories: dict, spend: dict | None, seconds: dict) -> tuple:
    from clv.models import BetaGeo, GammaGamma

    t = time.perf_counter()
    bgnbd = BetaGeo().fit(histories["frequency"], histories["recency"], histories["T"], weights=histories["weight"])
    seconds["BG/NBD fit"] = time.perf_counter() - t
    gamma_gamma = None
    if spend is not None:
        t = time.perf_counter()
        gamma_gamma = GammaGamma().fit(spend["frequency"], spend["monetary_value"], weights=spend["weight"])
        seconds["Gamma-Gamma fit"] = time.perf_counter() - t
    return bgnbd, gamma_gamma


def _spend_groups(summary: pd.DataFrame) -> dict[str, np.ndarray]:
    """Distinct (frequency, monetary_value) of all customers with their counts (Gamma-Gamma's weights)."""
    groups = summary.groupby(["frequency", "monetary_value"], sort=False).size()
    return {
        "frequency": groups.index.get_level_values(0).to_numpy(),
        "monetary_value": groups.index.get_level_values(1).to_numpy(),
        "weight": groups.to_numpy(dtype=float),
    }


def fit_two_scans(con, source: str, observation_end: str = OBSERVATION_END) -> Fitted:
    """``summary_sql`` -> the per-customer summary; ``histories_sql`` (a second scan) -> BG/NBD; the
    summary's distinct (frequency, monetary_value) -> Gamma-Gamma."""
    from clv.warehouse import SUMMARY_COLUMNS, histories_sql, summary_frame, summary_sql

    seconds = {}
    t = time.perf_counter()
    summary = summary_frame(con.execute(summary_sql("duckdb", source, observation_end)).df(), SUMMARY_COLUMNS)
    seconds["summary_sql -> DataFrame"] = time.perf_counter() - t
    t = time.perf_counter()
    histories = con.execute(histories_sql("duckdb", source, observation_end)).fetchnumpy()
    seconds["histories_sql"] = time.perf_counter() - t
    t = time.perf_counter()
    spend = _spend_groups(summary)
    seconds["spend groups"] = time.perf_counter() - t
    bgnbd, gamma_gamma = _fit_models(histories, spend, seconds)
    return Fitted(summary, histories, spend, bgnbd, gamma_gamma, seconds)


def fit_one_scan(con, source: str, observation_end: str = OBSERVATION_END) -> Fitted:
    """``summary_sql`` once into a temporary table; the per-customer summary, the histories and the
    spend groups read from it (the histories are ``histories_sql``'s rows, grouped from the summary)."""
    from clv.warehouse import SUMMARY_COLUMNS, summary_frame, summary_sql

    seconds = {}
    t = time.perf_counter()
    con.execute("CREATE OR REPLACE TEMP TABLE customer_summary AS " + summary_sql("duckdb", source, observation_end))
    seconds["summary_sql -> temp table"] = time.perf_counter() - t
    t = time.perf_counter()
    summary = summary_frame(con.execute("SELECT * FROM customer_summary").df(), SUMMARY_COLUMNS)
    seconds["-> DataFrame"] = time.perf_counter() - t
    t = time.perf_counter()
    histories = con.execute(
        'SELECT frequency, recency, "T", COUNT(*) AS weight FROM customer_summary'
        ' GROUP BY frequency, recency, "T" ORDER BY frequency, recency, "T"'
    ).fetchnumpy()
    spend = con.execute(
        "SELECT frequency, monetary_value, CAST(COUNT(*) AS DOUBLE) AS weight FROM customer_summary"
        " GROUP BY frequency, monetary_value"
    ).fetchnumpy()
    seconds["histories + spend groups"] = time.perf_counter() - t
    bgnbd, gamma_gamma = _fit_models(histories, spend, seconds)
    return Fitted(summary, histories, spend, bgnbd, gamma_gamma, seconds)


def fit_histories(con, table: str = "orders", observation_end: str = OBSERVATION_END) -> Fitted:
    """``histories_sql`` -> the distinct histories with their weights -> BG/NBD (nothing per customer)."""
    from clv.warehouse import histories_sql

    seconds = {}
    t = time.perf_counter()
    histories = con.execute(histories_sql("duckdb", table, observation_end)).fetchnumpy()
    seconds["histories_sql"] = time.perf_counter() - t
    bgnbd, _ = _fit_models(histories, None, seconds)
    return Fitted(None, histories, None, bgnbd, None, seconds)


CASES = {"parquet2": fit_two_scans, "parquet1": fit_one_scan, "table": fit_histories}


def measure(case: str, path: str, memory_limit: str, threads: int, spill: Path = CACHE) -> dict:
    """One case in this (fresh) process: wall time from connecting to the fitted models, each step's
    seconds, the sizes, the fitted parameters and the peak memory."""
    import clv.models  # noqa: F401  (imports before the clock, as in the running app)
    import clv.warehouse  # noqa: F401
    import duckdb  # noqa: F401

    start = time.perf_counter()
    if case == "table":
        con = connect(path, memory_limit, threads, spill)
        fitted = fit_histories(con)
    else:
        con = connect(":memory:", memory_limit, threads, spill)
        fitted = CASES[case](con, parquet_source(Path(path)))
    total = time.perf_counter() - start
    con.close()
    return {
        "total": total,
        "steps": fitted.seconds,
        "customers": float(fitted.histories["weight"].sum()),
        "history_rows": len(fitted.histories["weight"]),
        "spend_rows": None if fitted.spend is None else len(fitted.spend["weight"]),
        "bgnbd": fitted.bgnbd.params,
        "gamma_gamma": None if fitted.gamma_gamma is None else fitted.gamma_gamma.params,
        "peak_mb": peak_mb(),
    }


# ----------------------------------------------------------------------------------------------
# The peer: pandas + lifetimes, in its own environment
# ----------------------------------------------------------------------------------------------

PEER_CODE = r"""
import json, sys, time, warnings
warnings.filterwarnings("ignore")
import numpy as np, pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter
from lifetimes.utils import summary_data_from_transaction_data
data = np.load(sys.argv[1])
df = pd.DataFrame({"customer_id": data["customer_id"], "date": pd.to_datetime(data["day"], unit="D"),
                   "amount": data["amount"]})
out = {}
t = time.perf_counter()
s = summary_data_from_transaction_data(df, "customer_id", "date", "amount", observation_period_end=sys.argv[2])
out["summary"] = time.perf_counter() - t
t = time.perf_counter()
bg = BetaGeoFitter().fit(s["frequency"], s["recency"], s["T"])
out["bgnbd_fit"] = time.perf_counter() - t
rep = s[(s["frequency"] > 0) & (s["monetary_value"] > 0)]
t = time.perf_counter()
gg = GammaGammaFitter().fit(rep["frequency"], rep["monetary_value"])
out["gamma_gamma_fit"] = time.perf_counter() - t
out["customers"] = len(s)
out["sums"] = [float(s[c].sum()) for c in ("frequency", "recency", "T", "monetary_value")]
out["bgnbd"] = dict(zip(["r", "alpha", "a", "b"], map(float, bg.params_[["r", "alpha", "a", "b"]])))
out["gamma_gamma"] = dict(zip(["p", "q", "v"], map(float, gg.params_[["p", "q", "v"]])))
out["peak_mb"] = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:")) / 1024
print(json.dumps(out))
"""


def run_peer(parquet: Path, peer: Path = PEER, observation_end: str = OBSERVATION_END) -> dict | None:
    """lifetimes' summary and fits on the Parquet file's orders, in the peer environment (None without it).
    The orders go over as NumPy arrays (day numbers since 1970-01-01); the clock starts on the DataFrame."""
    import pyarrow.parquet as pq

    if not peer.exists():
        return None
    table = pq.read_table(parquet)
    with tempfile.TemporaryDirectory() as tmp:
        arrays = Path(tmp) / "orders.npz"
        np.savez(
            arrays,
            customer_id=table["customer_id"].to_numpy(),
            day=table["date"].cast("int32").to_numpy(),
            amount=table["amount"].to_numpy(),
        )
        del table
        done = subprocess.run(
            [str(peer), "-c", PEER_CODE, str(arrays), observation_end], capture_output=True, text=True, cwd=tmp
        )
    if done.returncode != 0:
        raise RuntimeError(f"the lifetimes peer failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------------------------
# The table
# ----------------------------------------------------------------------------------------------


def _run_fresh(case: str, path: Path, memory_limit: str, threads: int, cache: Path) -> dict:
    cmd = [sys.executable, "-m", "benchmarks.bench_warehouse", "--measure", case, str(path)]
    cmd += ["--memory-limit", memory_limit, "--threads", str(threads), "--cache", str(cache)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"case {case} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _wait_for_load(limit: float | None, timeout_s: float) -> None:
    """Wait (up to ``timeout_s``) until the 1-minute load average is below ``limit``."""
    start = time.monotonic()
    while limit is not None and os.getloadavg()[0] >= limit and time.monotonic() - start < timeout_s:
        time.sleep(5)


def _spread(values: list[float], fmt: str = "{:.1f}") -> str:
    """The median, and the range when there are several values: "7.1 (6.8–7.9)"."""
    mid = fmt.format(statistics.median(values))
    return mid if len(values) < 2 else f"{mid} ({fmt.format(min(values))}–{fmt.format(max(values))})"


LABELS = {
    "parquet2": "Parquet → DuckDB: summary_sql + histories_sql (two scans) → BG/NBD + Gamma-Gamma",
    "parquet1": "Parquet → DuckDB: summary_sql once (temp table), histories grouped from it → BG/NBD + Gamma-Gamma",
    "table": "DuckDB table (generated by SQL) → histories_sql → BG/NBD",
}


def _loads(pairs: list[tuple[float, float]]) -> str:
    """Each run's 1-minute load average at its start and at its end ("0.5→2.1"; the run itself adds up to
    its DuckDB threads, so an end well above start + threads means others were busy too)."""
    return ", ".join(f"{start:.1f}→{end:.1f}" for start, end in pairs)


def _row(case: str, orders: int, runs: list[dict], loads: list[tuple[float, float]]) -> str:
    steps = " · ".join(f"{name} {statistics.median([r['steps'][name] for r in runs]):.2f}" for name in runs[0]["steps"])
    rows = f"{runs[0]['history_rows']:,} histories"
    if runs[0]["spend_rows"] is not None:
        rows = f"{int(runs[0]['customers']):,} summary rows, {rows}, {runs[0]['spend_rows']:,} spend groups"
    seconds, mb = [r["total"] for r in runs], [r["peak_mb"] for r in runs]
    target_s, target_mb = TARGETS[case]
    ok = "met" if statistics.median(seconds) <= target_s and statistics.median(mb) < target_mb else "missed"
    return (
        f"| {LABELS[case]} | {orders:,} | {int(runs[0]['customers']):,} | {rows} | {_spread(seconds, '{:.2f}')} "
        f"| {steps} | {_spread(mb, '{:.0f}')} | {_loads(loads)} "
        f"| ≤ {target_s:g} s, < {target_mb:,.0f} MB: {ok} |"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=10_000_000, help="orders in the Parquet file")
    parser.add_argument("--big-orders", type=int, default=100_000_000, help="orders in the DuckDB table (0: skip)")
    parser.add_argument("--repeat", type=int, default=3, help="fresh processes per case (median reported)")
    parser.add_argument("--peer-repeat", type=int, default=1, help="runs of the lifetimes peer")
    parser.add_argument("--wait-load", type=float, default=None, help="wait for a 1-minute load below this")
    parser.add_argument("--wait-timeout", type=float, default=300.0, help="seconds to wait for it at most, per run")
    parser.add_argument("--threads", type=int, default=2, help="DuckDB's SET threads")
    parser.add_argument("--no-peer", action="store_true", help="skip pandas + lifetimes")
    parser.add_argument("--cases", nargs="*", choices=list(CASES), default=list(CASES), help="our cases to run")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--measure", nargs=2, metavar=("CASE", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--memory-limit", default=None, help="DuckDB's SET memory_limit (default: per case)")
    args = parser.parse_args(argv)
    if args.measure:
        case, path = args.measure
        print(json.dumps(measure(case, path, args.memory_limit or MEMORY_LIMITS[case], args.threads, args.cache)))
        return

    t = time.perf_counter()
    parquet = cached_parquet(args.orders, args.seed, args.cache)
    setup = [f"Parquet file: {parquet.stat().st_size / 1e6:,.0f} MB ({time.perf_counter() - t:.1f} s to make or find)"]
    plan = [(case, args.orders, parquet) for case in ("parquet2", "parquet1") if case in args.cases]
    if args.big_orders and "table" in args.cases:
        t = time.perf_counter()
        database = cached_database(args.big_orders, args.seed, args.cache)
        size = database.stat().st_size / 1e6
        setup.append(f"DuckDB file: {size:,.0f} MB ({time.perf_counter() - t:.1f} s to generate in SQL or find)")
        plan.append(("table", args.big_orders, database))

    lines = [
        "| case | orders | customers | rows reaching Python | wall s, median (range) | steps, median s "
        "| peak MB, median (range) | load at start→end of each run (1 min) | target |",
        "|---|---:|---:|---|---:|---|---:|---:|---|",
    ]
    medians = {}
    for case, orders, path in plan:
        runs, loads = [], []
        for _ in range(max(args.repeat, 1)):
            _wait_for_load(args.wait_load, args.wait_timeout)
            start = os.getloadavg()[0]
            runs.append(_run_fresh(case, path, args.memory_limit or MEMORY_LIMITS[case], args.threads, args.cache))
            loads.append((start, os.getloadavg()[0]))
        medians[case] = statistics.median([r["total"] for r in runs])
        lines.append(_row(case, orders, runs, loads))
        params = ", ".join(f"{k} {v:.4g}" for k, v in runs[0]["bgnbd"].items())
        setup.append(f"{case}: BG/NBD {params} (true {TRUE_BGNBD}, daily)")

    if not args.no_peer and PEER.exists():
        peers, loads = [], []
        for _ in range(max(args.peer_repeat, 1)):
            _wait_for_load(args.wait_load, args.wait_timeout)
            start = os.getloadavg()[0]
            peers.append(run_peer(parquet))
            loads.append((start, os.getloadavg()[0]))
        total = [p["summary"] + p["bgnbd_fit"] + p["gamma_gamma_fit"] for p in peers]
        steps = " · ".join(
            f"{name} {statistics.median([p[key] for p in peers]):.2f}"
            for name, key in (
                ("summary", "summary"),
                ("BG/NBD fit", "bgnbd_fit"),
                ("Gamma-Gamma fit", "gamma_gamma_fit"),
            )
        )
        lines.append(
            f"| pandas 1.5 + lifetimes 0.11.3: summary_data_from_transaction_data → BetaGeoFitter + GammaGammaFitter "
            f"(same orders, from arrays in memory) | {args.orders:,} | {peers[0]['customers']:,} | "
            f"{peers[0]['customers']:,} summary rows | {_spread(total, '{:.2f}')} | {steps} "
            f"| {_spread([p['peak_mb'] for p in peers], '{:.0f}')} | {_loads(loads)} | — |"
        )
        for case in [c for c in ("parquet2", "parquet1") if c in medians]:
            setup.append(f"lifetimes / ours ({case}, end to end): {statistics.median(total) / medians[case]:.1f}x")
        params = ", ".join(f"{k} {v:.4g}" for k, v in peers[0]["bgnbd"].items())
        setup.append(f"lifetimes: BG/NBD {params}")
    elif not args.no_peer:
        setup.append(f"(lifetimes peer not found at {PEER}; see /work/shared/peers/lifetimes/README.md)")

    print("\n".join(lines))
    print()
    print(f"nproc {os.cpu_count()}; load average now {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("\n".join(setup))


if __name__ == "__main__":
    main()
