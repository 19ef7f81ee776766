"""clv.warehouse: the summary, histories, RFM inputs, cohort cells and quality counts as SQL, rendered for five
dialects by sqlglot and run on real engines (DuckDB in-process, a throwaway PostgreSQL cluster, Spark SQL in
local mode; tests/warehouse_fixtures.py), each compared with the Python code it stands for."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import sqlglot

from clv import InputError, DataError, cohorts, rfm, warehouse
from clv.data import TRANSACTION_REASONS, parse_dates
from clv.models import BetaGeo
from tests import warehouse_fixtures as fixtures

# the engines (tests/warehouse_fixtures.py); ``engine`` is each of them in turn
duckdb_engine, postgres_engine, spark_engine, engine = (
    fixtures.duckdb_engine,
    fixtures.postgres_engine,
    fixtures.spark_engine,
    fixtures.engine,
)

DATA = Path(__file__).parent / "data"
TYPES = {"customer_id": "VARCHAR", "date": "TIMESTAMP", "amount": "DOUBLE"}
CAL_END, OBS_END = "2024-04-15", "2024-06-20 12:00"  # the generated log's split (OBS_END mid-day on purpose)
CDNOW_CAL, CDNOW_OBS = "1997-09-30", "1998-06-30"  # the published 39-week calibration (tests/data/README.md)


def _cdnow() -> pd.DataFrame:
    df = pd.read_csv(
        DATA / "CDNOW_sample.txt",
        sep=r"\s+",
        header=None,
        dtype={"date": str},
        names=["customer", "customer_id", "date", "cds", "amount"],
    )
    df["date"] = pd.to_datetime(df["date"], format="%Y%m%d")
    return df[["customer_id", "date", "amount"]]


def _generated_log(seed: int = 7) -> pd.DataFrame:
    """A log with what the summary must get right: same-day repeats (other times of day), zero amounts,
    returns (some before the customer's first purchase, some of customers who never buy), rows on the
    calibration day after midnight and on the observation day after its noon, rows after the observation
    end, and rows without a customer, a date or an amount (NULL, and a NaN amount). Amounts are multiples
    of 0.25, so every sum is exact in binary floating point and the databases must agree to the last bit."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2024-01-01")
    rows = []
    for i in range(160):
        cust = f"c{i:03d}"
        first = int(rng.integers(0, 150))
        for _ in range(int(rng.integers(1, 9))):
            day = first + int(rng.integers(0, 182 - first))
            stamp = start + pd.Timedelta(days=day, minutes=int(rng.integers(0, 24 * 60)))
            rows.append((cust, stamp, float(rng.integers(1, 800)) / 4))
            if rng.random() < 0.3:  # another purchase the same day, later
                rows.append((cust, stamp + pd.Timedelta(minutes=int(rng.integers(1, 300))), 12.5))
        if rng.random() < 0.2:  # a return, anywhere in the customer's life (even before the first purchase)
            day = int(rng.integers(max(first - 10, 0), 182))
            rows.append((cust, start + pd.Timedelta(days=day, hours=9), -float(rng.integers(1, 200)) / 4))
        if rng.random() < 0.05:
            rows.append((cust, start + pd.Timedelta(days=first, hours=20), 0.0))
    cal, obs = pd.Timestamp(CAL_END), pd.Timestamp(OBS_END)
    rows += [
        # h001, worked by hand in test_generated_log_hand_checked_rows
        ("h001", pd.Timestamp("2024-02-01 09:00"), 10.0),
        ("h001", cal, 8.0),  # exactly at calibration_end: calibration
        ("h001", cal + pd.Timedelta(hours=10), 40.0),  # the same day, after calibration_end: holdout
        ("h001", obs - pd.Timedelta(hours=1), -4.0),  # a holdout return
        ("h001", obs + pd.Timedelta(hours=6), 16.0),  # on the observation day after its noon
        ("r001", start + pd.Timedelta(days=30), -10.0),  # returns of customers who never buy
        ("r002", start + pd.Timedelta(days=40), -2.5),
        (None, start + pd.Timedelta(days=5), 5.0),
        (None, start + pd.Timedelta(days=6), 6.0),
        ("c004", pd.NaT, 7.0),
        ("c005", pd.NaT, 7.25),
        ("c006", start + pd.Timedelta(days=7), None),
        ("c007", start + pd.Timedelta(days=8), float("nan")),
    ]
    frame = pd.DataFrame(rows, columns=["customer_id", "date", "amount"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["amount"] = frame["amount"].astype(object)  # c006's amount is NULL (None), c007's a NaN
    frame.loc[(frame["customer_id"] == "c006") & (frame["date"] == start + pd.Timedelta(days=7)), "amount"] = None
    return frame


GENERATED = _generated_log()
CDNOW = _cdnow()


@pytest.fixture(scope="session")
def loaded(engine):
    """Each engine with the CDNOW log (``cdnow``) and the generated log (``generated``) loaded."""
    engine.load("cdnow", CDNOW, {"customer_id": "BIGINT", "date": "DATE", "amount": "DOUBLE"})
    engine.load("generated", GENERATED, TYPES)
    return engine


def _as_summary(got: pd.DataFrame) -> pd.DataFrame:
    """A database's summary like summarize's: str customer index, sorted, float columns."""
    got = got.copy()
    got["customer_id"] = got["customer_id"].astype(str)
    return got.set_index("customer_id").sort_index().astype(float)


def _reference(frame: pd.DataFrame, **kwargs) -> pd.DataFrame:
    want = rfm.summarize(frame, "customer_id", "date", "amount", **kwargs)
    want.index = want.index.astype(str)
    return want.sort_index()


def _assert_equal(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert len(want) > 0
    assert got.columns.tolist() == want.columns.tolist()
    assert got.index.tolist() == want.index.tolist()
    pd.testing.assert_frame_equal(got, want, check_exact=True, check_names=False)


# ----------------------------------------------------------------------------------------------
# The summary on real engines
# ----------------------------------------------------------------------------------------------


def test_cdnow_summary_equals_summarize(loaded):
    raw = loaded.query(
        warehouse.summary_sql(loaded.dialect, "cdnow", observation_end=CDNOW_OBS, calibration_end=CDNOW_CAL)
    )
    assert raw.columns.tolist() == [*warehouse.SUMMARY_COLUMNS, *warehouse.HOLDOUT_COLUMNS]
    got = _as_summary(raw)
    want = _reference(CDNOW, observation_end=CDNOW_OBS, calibration_end=CDNOW_CAL)
    assert len(got) == 2357  # every customer of the sample bought in the calibration period
    counts = ["frequency", "recency", "T", "frequency_holdout", "duration_holdout"]
    _assert_equal(got[counts], want[counts])
    # customer 1 in the published 39-week table: x 2, t_x 30.43, T 38.86 weeks = 213 and 272 days / 7
    assert got.loc["1", ["frequency", "recency", "T", "frequency_holdout"]].tolist() == [2.0, 213.0, 272.0, 1.0]
    assert (got["duration_holdout"] == 273.0).all()  # 1997-10-01..1998-06-30
    # dollar amounts such as 29.33 are not exact in binary: the sums' order moves the last bits only
    money = ["monetary_value", "monetary_value_holdout"]
    np.testing.assert_allclose(got[money].to_numpy(), want[money].to_numpy(), rtol=1e-12, atol=0)
    assert got.loc["1", "monetary_value_holdout"] == pytest.approx(26.48, abs=1e-12)

    whole = _as_summary(loaded.query(warehouse.summary_sql(loaded.dialect, "cdnow")))
    want = _reference(CDNOW)
    _assert_equal(whole[["frequency", "recency", "T"]], want[["frequency", "recency", "T"]])
    np.testing.assert_allclose(whole["monetary_value"], want["monetary_value"], rtol=1e-12, atol=0)


@pytest.mark.parametrize("freq", warehouse.FREQS)
def test_generated_log_with_holdout_equals_summarize_exactly(loaded, freq):
    # periods of each length; without a holdout (the other branch of the query): the test below, in days
    ends = {"observation_end": OBS_END, "calibration_end": CAL_END}
    got = _as_summary(loaded.query(warehouse.summary_sql(loaded.dialect, "generated", freq=freq, **ends)))
    _assert_equal(got, _reference(GENERATED, freq=freq, **ends))


def test_generated_log_hand_checked_rows(loaded):
    cal = _as_summary(
        loaded.query(
            warehouse.summary_sql(loaded.dialect, "generated", observation_end=OBS_END, calibration_end=CAL_END)
        )
    )
    # h001 buys 10 on 02-01 and 8 at 04-15 00:00 (calibration: 74 days apart), 40 at 04-15 10:00 (after
    # calibration_end, so holdout although the same day), returns 4 on 06-20 11:00 (holdout: 40 - 4 over one
    # purchase row) and buys 16 on 06-20 18:00, after the observation end's noon (not in the holdout)
    assert cal.loc["h001"].tolist() == [1.0, 74.0, 74.0, 8.0, 1.0, 36.0, 66.0]
    # without calibration, periods count: 06-20 is the last day observed, its 16 and the -4 merge (12)
    whole = _as_summary(loaded.query(warehouse.summary_sql(loaded.dialect, "generated", observation_end=OBS_END)))
    assert whole.loc["h001"].tolist() == [2.0, 140.0, 140.0, (48.0 + 12.0) / 2]
    _assert_equal(whole, _reference(GENERATED, observation_end=OBS_END))
    # observation ending at the latest date used (06-30 here, rows of every customer up to it)
    latest = _as_summary(loaded.query(warehouse.summary_sql(loaded.dialect, "generated")))
    _assert_equal(latest, _reference(GENERATED))
    assert (
        latest.loc["h001", "T"]
        == whole.loc["h001", "T"] + (GENERATED["date"].max().normalize() - pd.Timestamp("2024-06-20")).days
    )
    # customers with only returns (r001, r002) are absent; so are rows without a customer
    assert not {"r001", "r002"} & (set(cal.index) | set(whole.index))
    assert len(whole) == 161  # c000..c159 and h001
    assert (cal["duration_holdout"] == 66.0).all()  # 2024-04-15 -> 2024-06-20


def test_returns_net_against_the_latest_purchase_day(loaded):
    # the hand-worked case of tests/test_rfm.py: purchases 50 (day 0), 30 (day 4), 20 (day 8); a return of
    # 10 on day 6 reduces day 4's 30 to 20; one before any purchase (12-25) reduces the first day, not a
    # repeat, and starts nothing: T counts from the first purchase (01-01 -> 01-10)
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "a", "a", "b", "b"],
            "date": pd.to_datetime(
                ["2024-01-01", "2024-01-05", "2024-01-07", "2024-01-09", "2023-12-25", "2024-01-02", "2024-01-03"]
            ),
            "amount": [50.0, 30.0, -10.0, 20.0, -5.0, -3.0, 4.0],
        }
    )
    loaded.load("returns_case", tx, TYPES)
    got = _as_summary(loaded.query(warehouse.summary_sql(loaded.dialect, "returns_case", observation_end="2024-01-10")))
    # b: the return on 01-02 comes before b's only purchase (01-03): netted into the first day, no repeat
    assert got.to_dict("index") == {
        "a": {"frequency": 2.0, "recency": 8.0, "T": 9.0, "monetary_value": 20.0},
        "b": {"frequency": 0.0, "recency": 0.0, "T": 7.0, "monetary_value": 0.0},
    }
    _assert_equal(got, _reference(tx, observation_end="2024-01-10"))


# ----------------------------------------------------------------------------------------------
# Time zones
# ----------------------------------------------------------------------------------------------

ZONED = pd.DataFrame(
    {
        "customer_id": ["a", "a", "a", "b", "b", "c"],
        # 23:30 at -05:00 is 04:30 the next day in UTC; 00:30 at +05:30 is 19:00 the day before in UTC
        "date": [
            "2024-03-01 10:00:00+00:00",
            "2024-03-02 23:30:00-05:00",
            "2024-03-03 08:00:00-05:00",
            "2024-03-05 00:30:00+05:30",
            "2024-03-05 12:00:00+05:30",
            "2024-03-10 12:00:00+00:00",
        ],
        "amount": [10.0, 20.0, 5.0, 8.0, 4.0, 1.0],
    }
)


def test_text_dates_are_read_as_written_and_instants_in_the_session_zone(engine):
    engine.load("zoned_text", ZONED, {"customer_id": "VARCHAR", "date": "VARCHAR", "amount": "DOUBLE"})
    engine.load("zoned_instants", ZONED, {"customer_id": "VARCHAR", "date": "TIMESTAMPTZ", "amount": "DOUBLE"})
    text = ZONED.assign(date=parse_dates(pa.array(ZONED["date"])).values)  # as clv.data reads a file
    instants = ZONED.assign(date=pd.to_datetime(ZONED["date"], utc=True))  # summarize takes these in UTC
    as_written, in_utc = _reference(text), _reference(instants)
    # a: as written 03-01, 03-02, 03-03 (three days); in UTC 03-01, 03-03 10:00... (04:30 and 13:00: two days)
    assert as_written.loc["a", "frequency"] == 2.0 and in_utc.loc["a", "frequency"] == 1.0
    assert as_written.loc["b", "frequency"] == 0.0 and in_utc.loc["b", "frequency"] == 1.0
    _assert_equal(_as_summary(engine.query(warehouse.summary_sql(engine.dialect, "zoned_text"))), as_written)
    _assert_equal(_as_summary(engine.query(warehouse.summary_sql(engine.dialect, "zoned_instants"))), in_utc)
    # in another session zone: text is still as written, instants read at that zone's wall clock
    new_york = {
        "duckdb": "SET SESSION TimeZone = 'America/New_York'",
        "postgres": "SET TIME ZONE 'America/New_York'",
        "spark": "SET spark.sql.session.timeZone = America/New_York",
    }[engine.dialect]
    in_new_york = _reference(
        instants.assign(date=instants["date"].dt.tz_convert("America/New_York").dt.tz_localize(None))
    )
    assert not in_new_york.equals(in_utc)
    got = engine.query(warehouse.summary_sql(engine.dialect, "zoned_instants"), setup=(new_york,))
    _assert_equal(_as_summary(got), in_new_york)
    got = engine.query(warehouse.summary_sql(engine.dialect, "zoned_text"), setup=(new_york,))
    _assert_equal(_as_summary(got), as_written)
    # warehouse.UTC_SESSION brings a session back to UTC days
    back = (new_york, warehouse.UTC_SESSION[engine.dialect])
    _assert_equal(
        _as_summary(engine.query(warehouse.summary_sql(engine.dialect, "zoned_instants"), setup=back)), in_utc
    )


def test_utc_session_statements_parse_in_their_dialects():
    for dialect, statement in warehouse.UTC_SESSION.items():
        if statement is not None:
            assert "UTC" in sqlglot.parse_one(statement, read=dialect).sql(dialect=dialect)
    assert warehouse.UTC_SESSION["bigquery"] is None and set(warehouse.UTC_SESSION) == set(warehouse.DIALECTS)


def test_observation_end_with_a_time_zone_is_taken_in_utc():
    # 2024-06-21 03:00 at +05:00 is 2024-06-20 22:00 UTC
    assert warehouse.summary_sql("duckdb", observation_end="2024-06-21 03:00+05:00") == warehouse.summary_sql(
        "duckdb", observation_end="2024-06-20 22:00"
    )


# ----------------------------------------------------------------------------------------------
# Histories, RFM inputs, cohorts, quality counts
# ----------------------------------------------------------------------------------------------


def test_histories_are_the_summary_grouped_with_weights(loaded):
    got = loaded.query(
        warehouse.histories_sql(loaded.dialect, "cdnow", observation_end=CDNOW_OBS, calibration_end=CDNOW_CAL)
    ).astype(float)
    want = (
        _reference(CDNOW, observation_end=CDNOW_OBS, calibration_end=CDNOW_CAL)
        .groupby(["frequency", "recency", "T"])
        .size()
    )
    assert got.columns.tolist() == list(warehouse.HISTORY_COLUMNS)
    assert int(got["weight"].sum()) == 2357 and len(got) == len(want) < 2357
    assert got.set_index(["frequency", "recency", "T"])["weight"].tolist() == want.astype(float).tolist()
    # one of the 1,411 customers who never bought again in the calibration period, first buying on 1997-01-01
    assert got.set_index(["frequency", "recency", "T"]).loc[(0.0, 0.0, 272.0), "weight"] > 1


def test_weighted_histories_reproduce_the_published_bgnbd_fit(duckdb_engine):
    duckdb_engine.load("cdnow_fit", CDNOW, {"customer_id": "BIGINT", "date": "DATE", "amount": "DOUBLE"})
    h = duckdb_engine.query(
        warehouse.histories_sql("duckdb", "cdnow_fit", observation_end=CDNOW_OBS, calibration_end=CDNOW_CAL)
    )
    bg = BetaGeo().fit(h["frequency"], h["recency"] / 7, h["T"] / 7, weights=h["weight"])  # weeks
    # published BG/NBD estimates, CDNOW sample, 39 weeks: Fader, Hardie & Lee (2005), Marketing Science 24(2)
    p = bg.params
    assert (round(p["r"], 3), round(p["alpha"], 3), round(p["a"], 3), round(p["b"], 3)) == (0.243, 4.414, 0.793, 2.426)
    assert round(bg.log_likelihood, 1) == -9582.4


def _clean(frame: pd.DataFrame) -> pd.DataFrame:
    ok = frame["customer_id"].notna() & frame["date"].notna() & frame["amount"].notna()
    return frame[ok].reset_index(drop=True)


def test_rfm_inputs_equal_rfm_table(loaded):
    for analysis_date in (None, "2024-07-31"):
        got = loaded.query(warehouse.rfm_sql(loaded.dialect, "generated", analysis_date=analysis_date))
        assert got.columns.tolist() == list(warehouse.RFM_COLUMNS)
        got = got.set_index("customer_id").sort_index()
        want = rfm.rfm_table(_clean(GENERATED), analysis_date=analysis_date)
        assert got.index.tolist() == want.index.tolist()
        cols = ["recency_days", "orders", "revenue"]
        pd.testing.assert_frame_equal(got[cols].astype(float), want[cols], check_exact=True)
        for col in ("first_purchase", "last_purchase"):
            assert pd.to_datetime(got[col]).tolist() == want[col].tolist(), col
        scored = rfm.rfm_scores(got[cols].astype(float))
        assert scored["segment"].tolist() == want["segment"].tolist()
    assert want.loc["r001", "revenue"] == -10.0 and want.loc["r001", "orders"] == 0.0  # returns only


def test_cohort_cells_equal_cohort_tables(loaded):
    got = loaded.query(warehouse.cohort_sql(loaded.dialect, "generated"))
    assert got.columns.tolist() == list(warehouse.COHORT_COLUMNS)
    want = cohorts.cohort_tables(_clean(GENERATED))
    got["cohort"] = pd.PeriodIndex(pd.to_datetime(got["cohort"]), freq="M")
    got["age_months"] = got["age_months"].astype(int)
    for name, column in (("customers", "customers"), ("revenue", "revenue")):
        matrix = got.pivot(index="cohort", columns="age_months", values=column).astype(float)
        expected = getattr(want, name)
        matrix = matrix.reindex(index=expected.index, columns=expected.columns).fillna(0.0)
        pd.testing.assert_frame_equal(
            matrix.where(expected.notna()), expected, check_exact=True, check_names=False, check_freq=False
        )
    sizes = got[got["age_months"] == 0].set_index("cohort")["customers"].astype(int)
    assert sizes.tolist() == want.sizes.tolist() and sizes.sum() == 161  # c000..c159 and h001 bought


def _quality_by_hand(frame: pd.DataFrame, end: str) -> dict[str, int]:
    """The reasons in order, restated with pandas (day periods)."""
    frame = frame.assign(amount=pd.to_numeric(frame["amount"]))
    reason = pd.Series(None, index=frame.index, dtype=object)
    reason[frame["customer_id"].isna()] = "missing_customer"
    reason[reason.isna() & frame["date"].isna()] = "unreadable_date"
    reason[reason.isna() & frame["amount"].isna()] = "non_numeric_amount"
    late = frame["date"].dt.normalize() > pd.Timestamp(end).normalize()
    reason[reason.isna() & late] = "after_analysis_date"
    buyers = set(frame.loc[reason.isna() & (frame["amount"] >= 0), "customer_id"])
    orphan = reason.isna() & (frame["amount"] < 0) & ~frame["customer_id"].isin(buyers)
    reason[orphan] = "return_without_purchase"
    counts = {r: int((reason == r).sum()) for r in warehouse.QUALITY_REASONS}
    kept = reason.isna()
    return {
        "rows_read": len(frame),
        **counts,
        "rows_kept": int(kept.sum()),
        "returns_netted": int((kept & (frame["amount"] < 0)).sum()),
    }


def test_quality_counts(loaded):
    got = loaded.query(warehouse.quality_sql(loaded.dialect, "generated", observation_end=OBS_END))
    assert got.columns.tolist() == list(warehouse.QUALITY_COLUMNS)
    counts = {k: int(v) for k, v in got.iloc[0].items()}
    assert counts == _quality_by_hand(GENERATED, OBS_END)
    # the generated log's own problem rows: 2 without customer, 2 without date, 2 without amount (NULL, NaN),
    # and r001/r002's returns
    assert [counts[r] for r in ("missing_customer", "unreadable_date", "non_numeric_amount")] == [2, 2, 2]
    assert counts["return_without_purchase"] == 2 and counts["after_analysis_date"] > 0
    assert (
        counts["rows_read"] == len(GENERATED) == counts["rows_kept"] + sum(counts[r] for r in warehouse.QUALITY_REASONS)
    )


def test_text_that_is_not_a_date_or_a_number(engine):
    messy = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "b", "b"],
            "date": ["2024-01-01", "soon", "2024-01-05", "2024-01-02", "2024-01-03"],
            "amount": ["10", "5", "x", "4", "6.5"],
        }
    )
    engine.load("messy", messy, {"customer_id": "VARCHAR", "date": "VARCHAR", "amount": "VARCHAR"})
    if engine.dialect == "postgres":  # no TRY_CAST there: the database stops with its own error instead
        with pytest.raises(RuntimeError, match="invalid input syntax"):
            engine.query(warehouse.summary_sql("postgres", "messy"))
        return
    counts = engine.query(warehouse.quality_sql(engine.dialect, "messy")).iloc[0]
    assert [int(counts[k]) for k in ("rows_read", "unreadable_date", "non_numeric_amount", "rows_kept")] == [5, 1, 1, 3]
    # a keeps 10 on 01-01 only; b buys on 01-02 and 01-03 (6.5); observation ends on 01-03, the latest date used
    got = _as_summary(engine.query(warehouse.summary_sql(engine.dialect, "messy")))
    assert got.to_dict("index") == {
        "a": {"frequency": 0.0, "recency": 0.0, "T": 2.0, "monetary_value": 0.0},
        "b": {"frequency": 1.0, "recency": 1.0, "T": 1.0, "monetary_value": 6.5},
    }


def test_quality_reasons_are_the_readers_codes():
    assert set(warehouse.QUALITY_REASONS) <= set(TRANSACTION_REASONS)
    order = [TRANSACTION_REASONS.index(r) for r in warehouse.QUALITY_REASONS]
    assert order == sorted(order)  # checked in the readers' order


# ----------------------------------------------------------------------------------------------
# The source: a table name or one read-only SELECT
# ----------------------------------------------------------------------------------------------


def test_a_user_select_and_a_quoted_table_name_as_the_source(loaded):
    select = (
        "SELECT customer_id AS customer_id, date AS date, amount AS amount FROM generated "
        "WHERE customer_id IS NULL OR customer_id <> 'c000'"
    )
    got = _as_summary(loaded.query(warehouse.summary_sql(loaded.dialect, select, observation_end=OBS_END)))
    want = _reference(GENERATED[GENERATED["customer_id"] != "c000"], observation_end=OBS_END)
    _assert_equal(got, want)
    assert "c000" not in got.index
    # a name with a space and capitals, quoted in the dialect's own way
    quoted = sqlglot.exp.to_identifier("My Orders", quoted=True).sql(dialect=loaded.dialect)
    loaded.load(quoted, GENERATED, TYPES)
    got = _as_summary(loaded.query(warehouse.summary_sql(loaded.dialect, quoted, observation_end=OBS_END)))
    _assert_equal(got, _reference(GENERATED, observation_end=OBS_END))


@pytest.mark.parametrize(
    "sql, key, kind",
    [
        ("INSERT INTO t VALUES (1)", "not_select", "INSERT"),
        ("UPDATE t SET a = 1", "not_select", "UPDATE"),
        ("DELETE FROM t", "not_select", "DELETE"),
        ("CREATE TABLE x AS SELECT 1", "not_select", "CREATE"),
        ("DROP TABLE t", "not_select", "DROP"),
        ("ALTER TABLE t ADD COLUMN c INT", "not_select", "ALTER"),
        ("TRUNCATE t", "not_select", "TRUNCATE"),
        ("COPY t TO '/tmp/x.csv'", "not_select", "COPY"),
        ("ATTACH 'other.db' AS other", "not_select", "ATTACH"),
        ("PRAGMA version", "not_select", "PRAGMA"),
        ("SET threads = 1", "not_select", "SET"),
        ("CALL p()", "not_select", "CALL"),
        ("INSTALL httpfs", "not_select", "INSTALL"),
        ("SELECT * INTO copy_of_t FROM t", "writes", "SELECT ... INTO"),
        ("WITH gone AS (DELETE FROM t RETURNING *) SELECT * FROM gone", "writes", "DELETE"),
        ("SELECT * FROM t FOR UPDATE", "writes", "SELECT ... FOR UPDATE"),
        ("SELECT 1; DROP TABLE t", "several", None),
        ("SELECT 1; SELECT 2", "several", None),
        ("   ", "empty", None),
        ("SELECT (", "unreadable", None),
    ],
)
def test_check_read_only_refuses_anything_but_one_select(sql, key, kind):
    with pytest.raises(DataError) as err:
        warehouse.check_read_only(sql, "duckdb")
    assert err.value.key == f"warehouse.errors.{key}"
    if kind:
        assert err.value.values["kind"] == kind
    for lang in ("en", "ar"):
        assert err.value.message(lang)  # the catalogue has the key in both languages


@pytest.mark.parametrize(
    "sql, dialect, want",
    [
        ("select a from t;", "duckdb", "SELECT a FROM t"),
        ("WITH x AS (SELECT a FROM t) SELECT a FROM x", "postgres", "WITH x AS (SELECT a FROM t) SELECT a FROM x"),
        ("SELECT a FROM t UNION ALL SELECT a FROM u", "spark", "SELECT a FROM t UNION ALL SELECT a FROM u"),
        ("select `a b` from `p.d.t`", "bigquery", "SELECT `a b` FROM `p.d.t`"),
        ('select "A" from db.sch.t', "snowflake", 'SELECT "A" FROM db.sch.t'),
    ],
)
def test_check_read_only_accepts_one_select(sql, dialect, want):
    assert warehouse.check_read_only(sql, dialect) == want


@pytest.mark.parametrize(
    "table",
    ["transactions; DROP TABLE transactions", "my orders", "t AS x", "read_csv('/etc/passwd')", 'x"; DROP TABLE t; --'],
)
def test_a_source_that_is_not_a_name_nor_a_select_is_refused(table):
    with pytest.raises(DataError) as err:
        warehouse.summary_sql("duckdb", table)
    assert err.value.key in ("warehouse.errors.table_name", "warehouse.errors.unreadable")


def test_a_source_select_that_writes_is_refused():
    with pytest.raises(DataError) as err:
        warehouse.summary_sql("postgres", "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d")
    assert err.value.key == "warehouse.errors.writes"


def test_table_names_are_placed_through_the_syntax_tree():
    sql = warehouse.summary_sql("postgres", '"Sales"."My Orders"')
    assert 'FROM "Sales"."My Orders"' in sql
    assert "FROM analytics.orders" in warehouse.summary_sql("spark", "analytics.orders")
    assert "FROM `proj.ds.orders`" in warehouse.summary_sql("bigquery", "`proj.ds.orders`")
    # a user SELECT becomes the subquery "source"; its text is re-written by sqlglot, not pasted
    sql = warehouse.summary_sql("duckdb", "select id as customer_id, d as date, x as amount from raw")
    assert (
        "FROM (\n    SELECT\n      id AS customer_id,\n      d AS date,\n      x AS amount\n    FROM raw\n  ) AS source"
        in sql
    )


# ----------------------------------------------------------------------------------------------
# Rendering in every dialect
# ----------------------------------------------------------------------------------------------


def _all_queries(dialect: str):
    for freq in warehouse.FREQS:
        for ends in (
            {},
            {"observation_end": "2024-06-30"},
            {"observation_end": "2024-06-30", "calibration_end": "2024-03-31"},
        ):
            yield warehouse.summary_sql(dialect, freq=freq, **ends)
            yield warehouse.histories_sql(dialect, freq=freq, **ends)
        yield warehouse.quality_sql(dialect, freq=freq, observation_end="2024-06-30")
    yield warehouse.rfm_sql(dialect, analysis_date="2024-06-30")
    yield warehouse.cohort_sql(dialect, last_month="2024-06")


@pytest.mark.parametrize("dialect", warehouse.DIALECTS)
def test_every_query_renders_and_parses_back(dialect):
    queries = list(_all_queries(dialect))
    assert len(queries) == 5 * 7 + 2
    for sql in queries:
        tree = sqlglot.parse_one(sql, read=dialect)
        assert isinstance(tree, sqlglot.exp.Select)
        assert tree.sql(dialect=dialect, pretty=True) == sql  # what is written is what the dialect reads
        assert "__" not in sql and ":obs" not in sql  # every stand-in was filled


def test_the_queries_read_only_the_source_columns():
    for sql in _all_queries("duckdb"):
        src = sqlglot.parse_one(sql, read="duckdb").find(sqlglot.exp.CTE)  # the first: src AS (SELECT ... FROM source)
        assert src.alias == "src"
        assert {c.name for c in src.this.find_all(sqlglot.exp.Column)} == set(warehouse.SOURCE_COLUMNS)


def test_dialect_specific_spellings():
    assert "SAFE_CAST(" in warehouse.summary_sql("bigquery") and "IS_NAN(amt)" in warehouse.summary_sql("bigquery")
    assert "TRY_CAST(" not in warehouse.summary_sql("postgres")  # PostgreSQL has none
    assert "TRY_CAST(date AS TIMESTAMP_NTZ)" in warehouse.summary_sql("spark")  # a plain TIMESTAMP is an instant
    assert "FILTER" not in warehouse.summary_sql("bigquery", calibration_end="2024-01-31")
    assert 'AS "T"' in warehouse.summary_sql("snowflake")  # quoted, so Snowflake keeps the case
    assert "NULLS" not in "".join(_all_queries("spark")) + "".join(_all_queries("duckdb"))


def test_rfm_summary_sql_is_the_rendered_duckdb_query():
    # clv/sql/summary.sql (the query shown in the README) is summary_sql("duckdb") with a comment above it
    text = rfm.summary_sql()
    body = "\n".join(line for line in text.splitlines() if not line.startswith("--"))
    assert body.strip() == warehouse.summary_sql("duckdb")


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"dialect": "oracle"}, "dialect"),
        ({"dialect": "duckdb", "freq": "h"}, "freq"),
        ({"dialect": "duckdb", "freq": "2D"}, "freq"),
        ({"dialect": "duckdb", "observation_end": "soon"}, "observation_end"),
        ({"dialect": "duckdb", "observation_end": 20240101}, "observation_end"),
        ({"dialect": "duckdb", "calibration_end": pd.NaT}, "calibration_end"),
        ({"dialect": "duckdb", "observation_end": "2024-01-01", "calibration_end": "2024-02-01"}, "calibration_end"),
        ({"dialect": "duckdb", "table": 42}, "table"),
        ({"dialect": "duckdb", "table": ""}, "table"),
    ],
)
def test_inputs_are_checked(kwargs, field):
    with pytest.raises(InputError) as err:
        warehouse.summary_sql(**kwargs)
    assert err.value.field == field
    assert err.value.message("ar") != err.value.message("en")
