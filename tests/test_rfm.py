"""clv.rfm: summarize (lifetimes semantics, CDNOW, DuckDB SQL), RFM scores and segments."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as hs

from clv import i18n
from clv.data import load_sample
from clv.rfm import (
    SEGMENTS,
    kahan_sums,
    rfm_scores,
    rfm_table,
    segment_customers,
    segment_of,
    segment_table,
    sort_with_rows,
    summarize,
    summary_sql,
)
from tests.strategies import transaction_logs

DATA = Path(__file__).parent / "data"


def _cdnow() -> pd.DataFrame:
    df = pd.read_csv(
        DATA / "CDNOW_sample.txt",
        sep=r"\s+",
        header=None,
        dtype={"date": str},
        names=["customer", "id", "date", "cds", "dollars"],
    )
    df["date"] = pd.to_datetime(df["date"], format="%Y%m%d")
    return df


def test_cdnow_calibration_summary_matches_published_table():
    # Fader & Hardie's published 39-week calibration summary (tests/data/README.md): x, t_x, T, zbar,
    # printed to 2 decimals -> agree within half a unit of the last digit, all 2,357 customers.
    got = summarize(
        _cdnow(),
        "id",
        "date",
        "dollars",
        freq="D",
        freq_multiplier=7,
        observation_end="1998-06-30",
        calibration_end="1997-09-30",
    )
    want = pd.read_csv(DATA / "cdnow_customers_summary_with_transactions.csv", index_col="ID")
    assert len(got) == len(want) == 2357
    assert got.index.tolist() == want.index.tolist()
    for ours, theirs in (("frequency", "x"), ("recency", "t_x"), ("T", "T"), ("monetary_value", "zbar")):
        assert np.abs(got[ours].to_numpy() - want[theirs].to_numpy()).max() <= 0.005 + 1e-9, ours
    # holdout: 39 weeks of 7 days (1997-10-01..1998-06-30 is 273 days)
    assert (got["duration_holdout"] == 39.0).all()
    assert got.loc[1, ["frequency_holdout", "monetary_value_holdout"]].tolist() == [1.0, 26.48]  # 1997-12-12


def test_cdnow_holdout_counts_purchase_days():
    # lifetimes counts holdout periods, not rows: the sample has 1,959 rows but 1,882 distinct
    # customer-days in 1997-10-01..1998-06-30 (counted independently with a pandas groupby)
    df = _cdnow()
    got = summarize(
        df,
        "id",
        "date",
        "dollars",
        freq="D",
        freq_multiplier=7,
        observation_end="1998-06-30",
        calibration_end="1997-09-30",
    )
    hold = df[(df["date"] > "1997-09-30") & (df["date"] <= "1998-06-30")]
    assert len(hold) == 1959 and int(got["frequency_holdout"].sum()) == 1882
    per_customer = hold.groupby("id")["date"].nunique().reindex(got.index, fill_value=0)
    assert (got["frequency_holdout"] == per_customer).all()


def test_hand_worked_summary_with_same_day_merge_and_weeks():
    tx = pd.DataFrame(
        {
            "c": ["a", "a", "a", "a", "b", "c"],
            "d": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-15", "2024-01-29", "2024-01-10", "2024-02-20"]),
            "v": [10.0, 5.0, 20.0, 40.0, 7.0, 1.0],
        }
    )
    got = summarize(tx, "c", "d", "v", observation_end="2024-02-12")
    # a: days 0 (15 merged), 14, 28 -> x=2, t_x=28, T=42, zbar=(20+40)/2; b: one day; c after the end: absent
    assert got.to_dict("index") == {
        "a": {"frequency": 2.0, "recency": 28.0, "T": 42.0, "monetary_value": 30.0},
        "b": {"frequency": 0.0, "recency": 0.0, "T": 33.0, "monetary_value": 0.0},
    }
    weeks = summarize(tx, "c", "d", "v", freq="D", freq_multiplier=7, observation_end="2024-02-12")
    assert weeks.loc["a", ["recency", "T"]].tolist() == [4.0, 6.0]
    # calendar weeks (W-SUN): 2024-01-01 is a Monday; 01-15 and 01-29 are Mondays two weeks apart
    cal = summarize(tx, "c", "d", "v", freq="W", observation_end="2024-02-12")
    assert cal.loc["a", ["frequency", "recency", "T"]].tolist() == [2.0, 4.0, 6.0]


def test_returns_net_against_the_latest_purchase_period():
    tx = pd.DataFrame(
        {
            "c": ["a", "a", "a", "a"],
            "d": pd.to_datetime(["2024-01-01", "2024-01-05", "2024-01-07", "2024-01-09"]),
            "v": [50.0, 30.0, -10.0, 20.0],
        }
    )
    got = summarize(tx, "c", "d", "v", observation_end="2024-01-10")
    # the return on day 6 is not a purchase; it reduces day 4's 30 to 20: repeats 20 and 20
    assert got.loc["a"].tolist() == [2.0, 8.0, 9.0, 20.0]


def _reference(tx: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """A plain re-statement of lifetimes' summary (daily periods), customer by customer."""
    rows = {}
    for cust, g in tx[tx["date"] <= end].groupby("customer_id"):
        per_day = g.groupby(g["date"].dt.normalize())["amount"].sum().sort_index()
        first, last = per_day.index[0], per_day.index[-1]
        repeats = per_day.iloc[1:]
        rows[cust] = {
            "frequency": float(len(repeats)),
            "recency": float((last - first).days),
            "T": float((end.normalize() - first).days),
            "monetary_value": float(repeats.mean()) if len(repeats) else 0.0,
        }
    return pd.DataFrame.from_dict(rows, orient="index")


@settings(max_examples=60, deadline=None)
@given(transaction_logs(), hs.integers(0, 150))
def test_summarize_equals_a_direct_restatement(tx, end_day):
    end = pd.Timestamp("2024-01-01") + pd.Timedelta(days=end_day)
    got = summarize(tx, "customer_id", "date", "amount", observation_end=end)
    want = _reference(tx, end)
    if want.empty:
        assert got.empty
        return
    assert got.index.tolist() == sorted(want.index.tolist())
    pd.testing.assert_frame_equal(got, want.loc[got.index], check_names=False, check_index_type=False, rtol=1e-12)
    assert ((got["recency"] <= got["T"]) & (got["frequency"] >= 0)).all()


@settings(max_examples=40, deadline=None)
@given(transaction_logs(allow_returns=True))
def test_returns_never_change_counts_only_value(tx):
    buys = tx[tx["amount"] > 0]
    if buys.empty:
        return
    with_returns = summarize(
        tx[tx["customer_id"].isin(buys["customer_id"])], "customer_id", "date", "amount", observation_end="2024-06-01"
    )
    without = summarize(buys, "customer_id", "date", "amount", observation_end="2024-06-01")
    pd.testing.assert_frame_equal(with_returns[["frequency", "recency", "T"]], without[["frequency", "recency", "T"]])
    assert (with_returns["monetary_value"] <= without["monetary_value"] + 1e-9).all()


def test_duckdb_sql_gives_the_same_summary_on_the_sample():
    tx = load_sample("transactions").transactions[["customer_id", "date", "amount"]]
    con = duckdb.connect()
    con.register("transactions", tx)
    sql_out = con.execute(summary_sql()).df().set_index("customer_id")  # observation ends at the last date
    ours = summarize(tx, "customer_id", "date", "amount")
    assert len(ours) == 10_000
    assert sql_out.index.tolist() == ours.index.tolist()
    for col in ("frequency", "recency", "T"):
        assert (sql_out[col].to_numpy(dtype=float) == ours[col].to_numpy()).all(), col
    assert np.allclose(
        sql_out["monetary_value"].to_numpy(dtype=float), ours["monetary_value"].to_numpy(), rtol=1e-12, atol=1e-9
    )


# --- RFM scores and segments on a hand-made table ---------------------------------------------

HAND = pd.DataFrame(
    {
        # ten customers; quintiles of 10 are pairs (rank*5//10 + 1)
        "recency_days": [2, 5, 10, 20, 30, 60, 90, 120, 200, 300],
        "orders": [12, 1, 8, 2, 6, 9, 1, 4, 10, 1],
        "revenue": [900, 40, 500, 60, 300, 700, 20, 100, 800, 30],
    },
    index=[f"c{i}" for i in range(10)],
)


def test_hand_worked_rfm_scores_and_segments():
    got = rfm_scores(HAND)
    # R: recency ascending -> c0,c1 = 5; c2,c3 = 4; c4,c5 = 3; c6,c7 = 2; c8,c9 = 1
    assert got["R"].tolist() == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
    # F ranks (stable, ascending): 1s are c1,c6,c9 (ranks 0-2), 2:c3 (3), 4:c7 (4), 6:c4 (5), 8:c2 (6),
    # 9:c5 (7), 10:c8 (8), 12:c0 (9) -> scores rank*5//10+1
    assert got["F"].tolist() == [5, 1, 4, 2, 3, 4, 1, 3, 5, 2]
    # M ranks: 20:c6 30:c9 40:c1 60:c3 100:c7 300:c4 500:c2 700:c5 800:c8 900:c0
    assert got["M"].tolist() == [5, 2, 4, 2, 3, 4, 1, 3, 5, 1]
    assert got["rfm"].tolist() == ["555", "512", "444", "422", "333", "344", "211", "233", "155", "121"]
    # FM = mean(F, M) rounded half up: 5, 1.5->2, 4, 2, 3, 4, 1, 3, 5, 1.5->2
    assert got["segment"].tolist() == [
        "champions",
        "potential_loyalist",
        "loyal",
        "potential_loyalist",
        "need_attention",
        "loyal",
        "hibernating",
        "at_risk",
        "cannot_lose",
        "lost",
    ]


def test_ties_split_by_stable_order_and_shares_stay_equal():
    flat = pd.DataFrame({"recency_days": [7] * 10, "orders": [1] * 10, "revenue": [5.0] * 10})
    got = rfm_scores(flat)
    assert got["F"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]  # method="first" in row order
    assert got["R"].value_counts().tolist() == [2] * 5


def test_segment_grid_covers_every_cell():
    r, fm = np.meshgrid(np.arange(1, 6), np.arange(1, 6), indexing="ij")
    grid = segment_of(r.ravel(), fm.ravel()).reshape(5, 5)
    assert grid[4].tolist() == ["new", "potential_loyalist", "potential_loyalist", "champions", "champions"]
    assert grid[0].tolist() == ["lost", "lost", "at_risk", "cannot_lose", "cannot_lose"]
    assert set(grid.ravel()) == set(SEGMENTS)  # all 11 segments reachable


def test_segment_table_and_customer_lists():
    scores = rfm_scores(HAND)
    table = segment_table(scores)
    assert table.index.tolist() == [
        "champions",
        "loyal",
        "potential_loyalist",
        "need_attention",
        "at_risk",
        "cannot_lose",
        "hibernating",
        "lost",
    ]
    assert table.loc["loyal", "customers"] == 2 and table.loc["loyal", "share"] == 0.2
    assert table.loc["champions", "revenue_share"] == pytest.approx(900 / 3450)
    assert table.loc["loyal", "R"] == 3.5 and table.loc["loyal", "M"] == 4.0
    assert table.loc["champions", "name"] == "Champions"
    assert table.loc["cannot_lose", "action"] == i18n.text("rfm.actions.cannot_lose")
    assert table["share"].sum() == pytest.approx(1.0)
    assert segment_customers(scores, "loyal").index.tolist() == ["c5", "c2"]  # by revenue


def test_every_segment_has_a_name_and_an_action():
    for seg in SEGMENTS:
        assert i18n.has(f"rfm.segments.{seg}") and i18n.has(f"rfm.actions.{seg}")


def test_rfm_table_from_transactions():
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "b", "b"],
            "date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-03-01", "2024-02-01", "2024-02-10"]),
            "amount": [10.0, 5.0, 20.0, 8.0, -3.0],
        }
    )
    got = rfm_table(tx, analysis_date="2024-03-31")
    # a: last 03-01 -> 30 days, 2 purchase days, 35 revenue; b: last row 02-10 (a return) -> 50 days, 1 day, 5
    assert got[["recency_days", "orders", "revenue"]].values.tolist() == [[30.0, 2.0, 35.0], [50.0, 1.0, 5.0]]


@settings(max_examples=40, deadline=None)
@given(hs.lists(hs.integers(0, 20), min_size=1, max_size=60))
def test_quintile_scores_are_balanced(values):
    n = len(values)
    df = pd.DataFrame({"recency_days": values, "orders": values, "revenue": values})
    got = rfm_scores(df)
    counts = got["F"].value_counts()
    assert counts.max() - counts.min() <= 1 or n < 5
    assert got["F"].between(1, 5).all() and set(got["segment"]) <= set(SEGMENTS)
    # higher values never score lower
    order = np.argsort(values, kind="stable")
    assert (np.diff(got["F"].to_numpy()[order]) >= 0).all()


# --- the summary's building blocks, against plain restatements ---------------------------------------


@settings(max_examples=100, deadline=None)
@given(keys=hs.lists(hs.integers(0, 2**40), max_size=200), wide=hs.booleans())
def test_sort_with_rows_is_a_stable_sort(keys, wide):
    key = np.array(keys, dtype=np.int64) % 7  # many equal keys: their rows must stay in order
    bound = 2**62 if wide else 7  # too wide to pack with the row number: the argsort path
    order, ks = sort_with_rows(key.copy(), bound)
    want = np.argsort(key, kind="stable")
    assert order.tolist() == want.tolist() and ks.tolist() == key[want].tolist()


def _kahan(values) -> float:
    """Kahan's compensated sum, one value at a time (pandas' group_sum)."""
    s = c = 0.0
    for v in values:
        y = v - c
        t = s + y
        c = (t - s) - y
        s = t
    return s


@settings(max_examples=100, deadline=None)
@given(
    values=hs.lists(hs.floats(-1e6, 1e6, allow_nan=False) | hs.sampled_from([0.1, -0.0, 1e16, -1e16]), min_size=1),
    cuts=hs.lists(hs.integers(1, 200), max_size=20),
)
def test_kahan_sums_add_each_group_as_pandas_does(values, cuts):
    starts = np.unique([0] + [c for c in cuts if c < len(values)])
    got = kahan_sums(np.array(values), starts)
    ends = list(starts[1:]) + [len(values)]
    want = [_kahan(values[a:b]) for a, b in zip(starts, ends)]
    assert [float(x) for x in got] == want  # to the last bit, and 0.0 (not -0.0) for a lone -0.0
    assert all(np.signbit(g) == np.signbit(w) for g, w in zip(got, want))
    # groups given by their sizes, with gaps between them: each group without its first value
    longer = [(a, b) for a, b in zip(starts, ends) if b - a > 1]
    if longer:
        got = kahan_sums(
            np.array(values), np.array([a + 1 for a, _ in longer]), sizes=np.array([b - a - 1 for a, b in longer])
        )
        assert [float(x) for x in got] == [_kahan(values[a + 1 : b]) for a, b in longer]
