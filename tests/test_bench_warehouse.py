"""benchmarks/bench_warehouse.py at a tiny scale: its generators draw the documented process, and each case
computes what it claims (the DuckDB summary equals clv.rfm.summarize, the weighted fits equal the fits on one
row per customer, the lifetimes peer summarises the same orders). No timing is asserted."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from benchmarks import bench_warehouse as bench
from clv import rfm
from clv.models import BetaGeo, GammaGamma
from clv.warehouse import histories_sql


def _summarize(orders: pd.DataFrame) -> pd.DataFrame:
    return rfm.summarize(orders, "customer_id", "date", "amount", observation_end=bench.OBSERVATION_END)


def _histories(summary: pd.DataFrame) -> pd.DataFrame:
    """The distinct (frequency, recency, T) of one row per customer, with counts, sorted."""
    counts = summary.groupby(["frequency", "recency", "T"]).size()
    return counts.rename("weight").reset_index().astype(float)


def _as_frame(rows: dict) -> pd.DataFrame:
    return pd.DataFrame({k: np.asarray(rows[k], dtype=float) for k in ("frequency", "recency", "T", "weight")})


def _assert_same_summary(got: pd.DataFrame, expected: pd.DataFrame):
    assert got.index.tolist() == expected.index.tolist()
    for column in ("frequency", "recency", "T"):
        np.testing.assert_array_equal(got[column].to_numpy(), expected[column].to_numpy())
    # money summed by DuckDB in floating point: agrees to rounding (clv/warehouse.py's docstring)
    np.testing.assert_allclose(got["monetary_value"], expected["monetary_value"], rtol=1e-12, atol=1e-12)


def _assert_close_params(got: dict, expected: dict, rtol: float):
    assert got.keys() == expected.keys()
    for name in got:
        assert got[name] == pytest.approx(expected[name], rel=rtol), name


def _assert_same_fit(weighted, per_customer):
    """A fit on weighted distinct rows is the fit on one row per customer: the same likelihood. The rows come in
    another order (SQL sorts them, the models' dedupe keeps first appearances), so sums round differently and the
    optimiser stops elsewhere within its tolerance: parameters agreed to 4e-14 .. 1.1e-7 relative on these data
    (1e-6 asserted), the maximum log-likelihood to 3e-14 (1e-12 asserted)."""
    assert weighted.n_customers == per_customer.n_customers
    assert weighted.log_likelihood == pytest.approx(per_customer.log_likelihood, rel=1e-12)
    _assert_close_params(weighted.params, per_customer.params, 1e-6)


# What both generators recover, fitted on one row per customer (300,000 orders, ~66,000 customers; 4 seeds of
# each generator gave r 0.255-0.259, alpha 10.93-11.16, a 0.789-0.818, b 2.43-2.55, p 5.5-6.0, q 3.95-4.03,
# v 14.9-16.6). alpha sits above the true 10 by design: same-day purchases merge (the module docstring).
RECOVERED = {"r": (0.23, 0.28), "alpha": (10.0, 12.5), "a": (0.72, 0.88), "b": (2.2, 2.8)}
RECOVERED_GG = {"p": (5.0, 7.0), "q": (3.6, 4.4), "v": (13.0, 18.0)}


def _check_recovered(orders: pd.DataFrame, n_orders: int):
    assert len(orders) == n_orders
    assert orders["date"].min() >= pd.Timestamp(bench.START)
    assert orders["date"].max() <= pd.Timestamp(bench.OBSERVATION_END)
    summary = _summarize(orders)
    assert 60_000 < len(summary) < 72_000  # about 4.5 orders a customer
    bg = BetaGeo().fit(summary["frequency"], summary["recency"], summary["T"])
    gg = GammaGamma().fit(summary["frequency"], summary["monetary_value"])
    for params, bounds in ((bg.params, RECOVERED), (gg.params, RECOVERED_GG)):
        for name, (low, high) in bounds.items():
            assert low < params[name] < high, (name, params[name])


def test_numpy_generator_draws_the_bgnbd_process():
    orders = bench.simulate_orders(300_000, seed=3)
    assert orders["date"].is_monotonic_increasing  # an order log, by date
    assert (orders["amount"] >= 0.01).all() and np.allclose(orders["amount"], orders["amount"].round(2))
    _check_recovered(orders, 300_000)


def test_sql_generator_draws_the_same_process_reproducibly():
    con = duckdb.connect()
    con.execute("SET threads = 2")
    orders = con.execute(bench.orders_sql(300_000, seed=3)).df()
    _check_recovered(orders.assign(date=pd.to_datetime(orders["date"])), 300_000)
    con.execute("SET threads = 1")
    pd.testing.assert_frame_equal(con.execute(bench.orders_sql(300_000, seed=3)).df(), orders)
    other = con.execute(bench.orders_sql(300_000, seed=4)).df()
    assert (other["amount"] != orders["amount"]).mean() > 0.99  # another seed, other draws


@pytest.fixture(scope="module")
def parquet(tmp_path_factory):
    return bench.cached_parquet(60_000, seed=5, cache=tmp_path_factory.mktemp("cache"))


@pytest.mark.parametrize("case", [bench.fit_two_scans, bench.fit_one_scan])
def test_parquet_cases_equal_summarize_and_the_per_customer_fits(parquet, tmp_path, case):
    orders = pd.read_parquet(parquet)
    assert len(orders) == 60_000
    expected = _summarize(orders.assign(date=pd.to_datetime(orders["date"])))
    con = bench.connect(":memory:", "300MB", 2, tmp_path)
    fitted = case(con, bench.parquet_source(parquet))
    _assert_same_summary(fitted.summary, expected)
    # the histories: histories_sql's rows (two scans) or the temp table's GROUP BY (one scan), the same
    pd.testing.assert_frame_equal(_as_frame(fitted.histories), _histories(expected))
    direct = con.execute(histories_sql("duckdb", bench.parquet_source(parquet), bench.OBSERVATION_END)).df()
    pd.testing.assert_frame_equal(direct.astype(float), _histories(expected))
    # weighted distinct rows fit as one row per customer
    _assert_same_fit(fitted.bgnbd, BetaGeo().fit(expected["frequency"], expected["recency"], expected["T"]))
    spend = GammaGamma().fit(expected["frequency"], expected["monetary_value"])
    _assert_same_fit(fitted.gamma_gamma, spend)
    assert fitted.gamma_gamma.excluded == spend.excluded == (expected["frequency"] == 0).sum()
    assert fitted.gamma_gamma.total_customers == len(expected)
    assert fitted.spend["weight"].sum() == len(expected)


def test_table_case_fits_the_histories_of_the_stored_orders(tmp_path):
    database = bench.cached_database(50_000, seed=5, cache=tmp_path)
    con = bench.connect(str(database), "300MB", 2, tmp_path)
    orders = con.execute("SELECT * FROM orders").df()
    assert len(orders) == 50_000
    with pytest.raises(duckdb.Error):  # opened read-only, as the app opens a user's database
        con.execute("DELETE FROM orders")
    expected = _summarize(orders.assign(date=pd.to_datetime(orders["date"])))
    fitted = bench.fit_histories(con)
    assert fitted.summary is None and fitted.gamma_gamma is None  # nothing per customer reaches Python
    pd.testing.assert_frame_equal(_as_frame(fitted.histories), _histories(expected))
    _assert_same_fit(fitted.bgnbd, BetaGeo().fit(expected["frequency"], expected["recency"], expected["T"]))


def test_main_runs_each_case_in_a_fresh_process(tmp_path, capsys):
    bench.main(["--orders", "20000", "--big-orders", "30000", "--repeat", "1", "--no-peer", "--cache", str(tmp_path)])
    out = capsys.readouterr().out
    customers = len(_summarize(bench.simulate_orders(20_000, bench.SEED)))
    rows = [line for line in out.splitlines() if line.startswith("| Parquet")]
    assert len(rows) == 2
    for row in rows:
        cells = [c.strip() for c in row.split("|")]
        assert cells[2:4] == ["20,000", f"{customers:,}"]
        assert float(cells[7].split()[0]) > 50  # peak MB of the child (Python, pandas, DuckDB), not of this one
    (table,) = [line for line in out.splitlines() if line.startswith("| DuckDB table")]
    assert [c.strip() for c in table.split("|")][2] == "30,000"


@pytest.mark.skipif(not bench.PEER.exists(), reason=f"the lifetimes peer environment is not at {bench.PEER}")
def test_peer_summarises_the_same_orders(parquet):
    peer = bench.run_peer(parquet)
    orders = pd.read_parquet(parquet)
    expected = _summarize(orders.assign(date=pd.to_datetime(orders["date"])))
    assert peer["customers"] == len(expected)
    sums = expected[["frequency", "recency", "T", "monetary_value"]].sum().tolist()
    assert peer["sums"][:3] == sums[:3]
    assert peer["sums"][3] == pytest.approx(sums[3], rel=1e-12)
    # lifetimes' optimiser stops at its own tolerance: parameters agree to about 1e-5 (benchmarks/bench_models.py)
    ours = BetaGeo().fit(expected["frequency"], expected["recency"], expected["T"])
    _assert_close_params(peer["bgnbd"], ours.params, 1e-4)
