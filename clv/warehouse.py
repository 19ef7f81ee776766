"""The per-customer summary, RFM inputs, cohort counts and quality counts, computed in a database.

Each query is written once (DuckDB's dialect, in this module) and rendered for ``DIALECTS`` with sqlglot;
the tests run the rendered text on DuckDB, PostgreSQL and Spark SQL and compare it with the Python code
it stands for. The source is a table ``(customer_id, date, amount)``: a table name (``sales.orders``) or
one read-only SELECT (``check_read_only``), placed in the query through sqlglot's syntax tree, never by
pasting text.

``summary_sql`` has the semantics of ``clv.rfm.summarize`` (lifetimes' ``summary_data_from_transaction_data``
and ``calibration_and_holdout_data``) with ``freq_multiplier = 1``:

- A row is used when it has a customer, a date and an amount (not NULL, not NaN; where the dialect has
  TRY_CAST/SAFE_CAST a text value it cannot read counts as missing: DuckDB, Spark, BigQuery; PostgreSQL
  and Snowflake stop with their own error instead).
- Dates map to periods: ``freq`` "D" days, "W" calendar weeks Monday to Sunday (pandas' W-SUN), "M"
  months, "Q" quarters, "Y" years. A customer's purchases in one period merge, amounts summed.
- ``frequency`` = periods with a purchase - 1; ``recency`` = last - first purchase period; ``T`` = end
  period - first purchase period; ``monetary_value`` = mean of the repeat periods' summed amounts (0
  without repeats). Amounts >= 0 are purchases (zero included, as in ``summarize``).
- Returns (negative amounts) create no period: each is netted against the customer's latest purchase
  period at or before it, or the first purchase period if it came earlier; a customer with only returns
  is not in the summary.
- ``observation_end`` (default: the latest date used) drops rows of later periods.
- With ``calibration_end`` the summary covers dates <= calibration_end (its period ends the
  observation) and adds ``frequency_holdout`` (holdout periods with a purchase), ``monetary_value_holdout``
  (holdout amounts, returns included, divided by the number of holdout purchase rows; 0 without) and
  ``duration_holdout`` (end period - calibration period); holdout rows are those after calibration_end up
  to observation_end (both compared as timestamps, as lifetimes does). Customers first seen in the
  holdout are left out.

Money is summed in floating point by the database, so ``monetary_value`` agrees with ``summarize``'s
compensated sums to about 1e-15 relative, not bit for bit; the counts agree exactly.

Dates and time zones. A DATE, a TIMESTAMP (without time zone) and ISO text are read as written: the
day is the calendar day written, and an offset in text (``2024-03-02 23:30:00-05:00``) is dropped, never
applied, as ``clv.data`` reads files (2 March). A TIMESTAMP WITH TIME ZONE holds an instant, not the
offset it was written with (PostgreSQL, DuckDB, Spark, BigQuery): it is read at the session's wall
clock, so run the query in a UTC session (``UTC_SESSION``) and its day is the UTC day, as ``summarize``
reads time-zone-aware pandas timestamps. Snowflake's TIMESTAMP_TZ keeps its own offset and is read at
that wall clock. ``observation_end`` and ``calibration_end`` given with a time zone are taken in UTC.
"""

from __future__ import annotations

from functools import cache

import pandas as pd
import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import SqlglotError

from .errors import DataError, InputError

DIALECTS = ("duckdb", "postgres", "spark", "bigquery", "snowflake")
FREQS = ("D", "W", "M", "Q", "Y")  # periods summary_sql counts in (see the module docstring)
SOURCE_COLUMNS = ("customer_id", "date", "amount")
SUMMARY_COLUMNS = ("customer_id", "frequency", "recency", "T", "monetary_value")
HOLDOUT_COLUMNS = ("frequency_holdout", "monetary_value_holdout", "duration_holdout")
HISTORY_COLUMNS = ("frequency", "recency", "T", "weight")
RFM_COLUMNS = ("customer_id", "recency_days", "orders", "revenue", "first_purchase", "last_purchase")
COHORT_COLUMNS = ("cohort", "age_months", "customers", "revenue")
# Reasons a row is not used by summary_sql, in the order they are checked (codes of clv.data.report).
QUALITY_REASONS = (
    "missing_customer",
    "unreadable_date",
    "non_numeric_amount",
    "after_analysis_date",
    "return_without_purchase",
)
QUALITY_COLUMNS = ("rows_read", *QUALITY_REASONS, "rows_kept", "returns_netted")
# The statement that makes a session read TIMESTAMP WITH TIME ZONE values in UTC (BigQuery always does).
UTC_SESSION = {
    "duckdb": "SET TimeZone = 'UTC'",
    "postgres": "SET TIME ZONE 'UTC'",
    "spark": "SET spark.sql.session.timeZone = UTC",
    "bigquery": None,
    "snowflake": "ALTER SESSION SET TIMEZONE = 'UTC'",
}
_EPOCH = "1970-01-01"  # day 0 of the day numbers; 1970-01-05 (day 4) is a Monday
_MONDAY = 4
_SOURCE = "__source__"  # the template's stand-in for the source table

# Statements and clauses that write, lock or change settings: never in a user's query.
_WRITES = tuple(
    getattr(exp, name)
    for name in (
        "Insert",
        "Update",
        "Delete",
        "Merge",
        "Create",
        "Drop",
        "Alter",
        "TruncateTable",
        "Copy",
        "Command",
        "Set",
        "Pragma",
        "Attach",
        "Detach",
        "Install",
        "Use",
        "Transaction",
        "Commit",
        "Rollback",
        "Grant",
        "Revoke",
        "LoadData",
        "Cache",
        "Uncache",
        "Refresh",
        "Into",
        "Lock",
    )
    if hasattr(exp, name)
)

# ----------------------------------------------------------------------------------------------
# The queries, written once (DuckDB). Stand-ins: __source__ (the source), :obs and :cal (the ends as
# timestamps, or NULL), :as_of (a day or NULL) and the functions __stamp(x) (timestamp as written),
# __money(x) (a double), __isnan(x), __period(day), __day(day) (days since 1970-01-01) and
# __month(day) (months since 1970-01).
# ----------------------------------------------------------------------------------------------

_VALID = """
src AS (
    SELECT customer_id AS cust, __stamp(date) AS ts, __money(amount) AS amt FROM __source__
),
valid AS (
    SELECT cust, ts, CAST(ts AS DATE) AS dt, amt FROM src
    WHERE cust IS NOT NULL AND ts IS NOT NULL AND amt IS NOT NULL AND NOT __isnan(amt)
),
ends AS (
    SELECT obs_ts, cal_ts, __period(CAST(obs_ts AS DATE)) AS obs_p, __period(CAST(cal_ts AS DATE)) AS cal_p
    FROM (SELECT COALESCE(:obs, MAX(ts)) AS obs_ts, :cal AS cal_ts FROM valid) AS e
),
periods AS (
    SELECT cust, ts, __period(dt) AS p, CASE WHEN amt < 0 THEN 1 ELSE 0 END AS kind, amt FROM valid
)"""

_USED_ALL = """
used AS (
    SELECT v.cust, v.p, v.kind, v.amt, e.obs_p AS end_p FROM periods AS v CROSS JOIN ends AS e WHERE v.p <= e.obs_p
)"""

_USED_CAL = """
used AS (
    SELECT v.cust, v.p, v.kind, v.amt, e.cal_p AS end_p FROM periods AS v CROSS JOIN ends AS e WHERE v.ts <= e.cal_ts
),
held AS (
    SELECT v.cust, v.p, v.amt FROM periods AS v CROSS JOIN ends AS e WHERE v.ts > e.cal_ts AND v.ts <= e.obs_ts
),
holdout AS (
    SELECT cust,
           COUNT(DISTINCT CASE WHEN amt >= 0 THEN p END) AS periods,
           SUM(amt) AS total,
           COUNT(CASE WHEN amt >= 0 THEN 1 END) AS buys
    FROM held GROUP BY cust
)"""

# Purchases merge by period (kind 0), returns too (kind 1); each return's period becomes the latest purchase
# period at or before it (the running maximum of purchase periods, purchases sorted before returns of the same
# period), else the first; customers without a purchase drop out (their period is NULL).
_SUMMARY = """
events AS (
    SELECT cust, p, kind, SUM(amt) AS amt, MAX(end_p) AS end_p FROM used GROUP BY cust, p, kind
),
netted AS (
    SELECT cust,
           COALESCE(
               MAX(CASE WHEN kind = 0 THEN p END) OVER (
                   PARTITION BY cust ORDER BY p, kind ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
               ),
               MIN(CASE WHEN kind = 0 THEN p END) OVER (PARTITION BY cust)
           ) AS p,
           amt,
           end_p
    FROM events
),
sums AS (
    SELECT cust, p, SUM(amt) AS amt, MAX(end_p) AS end_p FROM netted WHERE p IS NOT NULL GROUP BY cust, p
),
ranked AS (
    SELECT cust, p, amt, end_p, MIN(p) OVER (PARTITION BY cust) AS first_p FROM sums
),
summary AS (
    SELECT cust,
           COUNT(*) - 1 AS frequency,
           MAX(p) - MIN(p) AS recency,
           MAX(end_p) - MIN(p) AS t,
           COALESCE(AVG(CASE WHEN p > first_p THEN amt END), 0) AS monetary_value
    FROM ranked GROUP BY cust
)"""

_SELECT_SUMMARY = """
SELECT cust AS "customer_id",
       CAST(frequency AS DOUBLE) AS "frequency",
       CAST(recency AS DOUBLE) AS "recency",
       CAST(t AS DOUBLE) AS "T",
       CAST(monetary_value AS DOUBLE) AS "monetary_value"
FROM summary ORDER BY cust"""

_SELECT_HOLDOUT = """
SELECT s.cust AS "customer_id",
       CAST(s.frequency AS DOUBLE) AS "frequency",
       CAST(s.recency AS DOUBLE) AS "recency",
       CAST(s.t AS DOUBLE) AS "T",
       CAST(s.monetary_value AS DOUBLE) AS "monetary_value",
       CAST(COALESCE(h.periods, 0) AS DOUBLE) AS "frequency_holdout",
       CAST(CASE WHEN h.buys > 0 THEN h.total / h.buys ELSE 0 END AS DOUBLE) AS "monetary_value_holdout",
       CAST(e.obs_p - e.cal_p AS DOUBLE) AS "duration_holdout"
FROM summary AS s LEFT JOIN holdout AS h ON h.cust = s.cust CROSS JOIN ends AS e
ORDER BY s.cust"""

_SELECT_HISTORIES = """
SELECT CAST(frequency AS DOUBLE) AS "frequency",
       CAST(recency AS DOUBLE) AS "recency",
       CAST(t AS DOUBLE) AS "T",
       COUNT(*) AS "weight"
FROM summary GROUP BY frequency, recency, t ORDER BY frequency, recency, t"""

_RFM = """
WITH src AS (
    SELECT customer_id AS cust, __stamp(date) AS ts, __money(amount) AS amt FROM __source__
),
valid AS (
    SELECT cust, CAST(ts AS DATE) AS dt, __day(CAST(ts AS DATE)) AS d, amt FROM src
    WHERE cust IS NOT NULL AND ts IS NOT NULL AND amt IS NOT NULL AND NOT __isnan(amt)
),
ends AS (
    SELECT COALESCE(__day(:as_of), MAX(d)) AS end_d FROM valid
)
SELECT v.cust AS "customer_id",
       CAST(MAX(e.end_d) - MAX(v.d) AS DOUBLE) AS "recency_days",
       CAST(COUNT(DISTINCT CASE WHEN v.amt > 0 THEN v.d END) AS DOUBLE) AS "orders",
       CAST(SUM(v.amt) AS DOUBLE) AS "revenue",
       MIN(v.dt) AS "first_purchase",
       MAX(v.dt) AS "last_purchase"
FROM valid AS v CROSS JOIN ends AS e
GROUP BY v.cust ORDER BY v.cust"""

_COHORTS = """
WITH src AS (
    SELECT customer_id AS cust, __stamp(date) AS ts, __money(amount) AS amt FROM __source__
),
valid AS (
    SELECT cust, CAST(ts AS DATE) AS dt, __month(CAST(ts AS DATE)) AS m, amt FROM src
    WHERE cust IS NOT NULL AND ts IS NOT NULL AND amt IS NOT NULL AND NOT __isnan(amt)
),
firsts AS (
    SELECT cust, MIN(m) AS first_m, MIN(dt) AS first_day FROM valid WHERE amt > 0 GROUP BY cust
),
ends AS (
    SELECT COALESCE(__month(:as_of), MAX(m)) AS last_m FROM valid
),
cells AS (
    SELECT CAST(DATE_TRUNC('month', f.first_day) AS DATE) AS cohort, v.m - f.first_m AS age, v.cust, v.amt
    FROM valid AS v JOIN firsts AS f ON v.cust = f.cust CROSS JOIN ends AS e
    WHERE v.m <= e.last_m AND v.m >= f.first_m
)
SELECT cohort AS "cohort",
       CAST(age AS BIGINT) AS "age_months",
       CAST(COUNT(DISTINCT CASE WHEN amt > 0 THEN cust END) AS DOUBLE) AS "customers",
       CAST(SUM(amt) AS DOUBLE) AS "revenue"
FROM cells GROUP BY cohort, age ORDER BY cohort, age"""

_QUALITY = """
WITH src AS (
    SELECT customer_id AS cust, __stamp(date) AS ts, __money(amount) AS amt FROM __source__
),
usable AS (
    SELECT cust, ts, amt, CASE
        WHEN cust IS NULL THEN 'missing_customer'
        WHEN ts IS NULL THEN 'unreadable_date'
        WHEN amt IS NULL OR __isnan(amt) THEN 'non_numeric_amount'
    END AS reason
    FROM src
),
ends AS (
    SELECT __period(CAST(COALESCE(:obs, MAX(ts)) AS DATE)) AS obs_p FROM usable WHERE reason IS NULL
),
timed AS (
    SELECT u.cust, u.amt, CASE
        WHEN u.reason IS NULL AND __period(CAST(u.ts AS DATE)) > e.obs_p THEN 'after_analysis_date'
        ELSE u.reason
    END AS reason
    FROM usable AS u CROSS JOIN ends AS e
),
buyers AS (
    SELECT DISTINCT cust FROM timed WHERE reason IS NULL AND amt >= 0
),
coded AS (
    SELECT t.amt, CASE
        WHEN t.reason IS NULL AND t.amt < 0 AND b.cust IS NULL THEN 'return_without_purchase'
        ELSE t.reason
    END AS reason
    FROM timed AS t LEFT JOIN buyers AS b ON t.cust = b.cust
)
SELECT COUNT(*) AS "rows_read",
       COUNT(CASE WHEN reason = 'missing_customer' THEN 1 END) AS "missing_customer",
       COUNT(CASE WHEN reason = 'unreadable_date' THEN 1 END) AS "unreadable_date",
       COUNT(CASE WHEN reason = 'non_numeric_amount' THEN 1 END) AS "non_numeric_amount",
       COUNT(CASE WHEN reason = 'after_analysis_date' THEN 1 END) AS "after_analysis_date",
       COUNT(CASE WHEN reason = 'return_without_purchase' THEN 1 END) AS "return_without_purchase",
       COUNT(CASE WHEN reason IS NULL THEN 1 END) AS "rows_kept",
       COUNT(CASE WHEN reason IS NULL AND amt < 0 THEN 1 END) AS "returns_netted"
FROM coded"""


@cache
def _template(name: str) -> exp.Expression:
    """One query's syntax tree, parsed once (callers copy it before changing it)."""
    texts = {
        "summary": "WITH" + _VALID + "," + _USED_ALL + "," + _SUMMARY + _SELECT_SUMMARY,
        "holdout": "WITH" + _VALID + "," + _USED_CAL + "," + _SUMMARY + _SELECT_HOLDOUT,
        "histories": "WITH" + _VALID + "," + _USED_ALL + "," + _SUMMARY + _SELECT_HISTORIES,
        "histories_cal": "WITH" + _VALID + "," + _USED_CAL + "," + _SUMMARY + _SELECT_HISTORIES,
        "rfm": _RFM,
        "cohorts": _COHORTS,
        "quality": _QUALITY,
    }
    return sqlglot.parse_one(texts[name], read="duckdb")


# ----------------------------------------------------------------------------------------------
# Inputs
# ----------------------------------------------------------------------------------------------


def _dialect(dialect: str) -> str:
    if dialect not in DIALECTS:
        raise InputError("dialect", dialect, "warehouse.allowed.dialect", dialects=", ".join(DIALECTS))
    return dialect


def _freq(freq: str) -> str:
    if freq not in FREQS:
        raise InputError("freq", freq, "warehouse.allowed.freq")
    return freq


def _stamp(field: str, value) -> pd.Timestamp | None:
    """A date or timestamp as a naive pandas Timestamp (one with a time zone is taken in UTC, as
    ``summarize`` compares it), or None."""
    if value is None:
        return None
    if isinstance(value, (bool, int, float)):
        raise InputError(field, value, "warehouse.allowed.date")
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError):
        raise InputError(field, value, "warehouse.allowed.date") from None
    if pd.isna(stamp):
        raise InputError(field, value, "warehouse.allowed.date")
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return stamp


def _timestamp_literal(stamp: pd.Timestamp | None) -> exp.Expression:
    """``CAST('2024-01-31 00:00:00' AS TIMESTAMP)`` (a timestamp without time zone), or a typed NULL."""
    kind = exp.DataType.build("TIMESTAMP", dialect="duckdb")
    if stamp is None:
        return exp.cast(exp.null(), kind)
    return exp.cast(exp.Literal.string(stamp.isoformat(sep=" ")), kind)


def _date_literal(stamp: pd.Timestamp | None) -> exp.Expression:
    kind = exp.DataType.build("DATE")
    if stamp is None:
        return exp.cast(exp.null(), kind)
    return exp.cast(exp.Literal.string(stamp.date().isoformat()), kind)


# ----------------------------------------------------------------------------------------------
# The source: a table name or one read-only SELECT
# ----------------------------------------------------------------------------------------------


def _parse_statements(sql: str, dialect: str | None) -> list[exp.Expression]:
    try:
        return [s for s in sqlglot.parse(sql, read=dialect) if s is not None]
    except SqlglotError as err:
        detail = str(err).splitlines()[0][:200]
        raise DataError("warehouse.errors.unreadable", detail=detail) from None


def _kind(node: exp.Expression) -> str:
    """A statement's or clause's name as SQL spells it (INSERT, SELECT ... INTO, COPY ...)."""
    if isinstance(node, exp.Command):
        return str(node.this).upper()
    if isinstance(node, exp.Into):
        return "SELECT ... INTO"
    if isinstance(node, exp.Lock):
        return "SELECT ... FOR UPDATE"
    return {"truncatetable": "TRUNCATE"}.get(node.key, node.key.upper())


def _read_only_query(sql: str, dialect: str | None) -> exp.Query:
    if not isinstance(sql, str):
        raise InputError("sql", sql, "warehouse.allowed.sql")
    statements = _parse_statements(sql, dialect)
    if not statements:
        raise DataError("warehouse.errors.empty")
    if len(statements) > 1:
        raise DataError("warehouse.errors.several", count=len(statements))
    (query,) = statements
    if not isinstance(query, exp.Query):
        raise DataError("warehouse.errors.not_select", kind=_kind(query))
    for node in query.walk():
        if isinstance(node, _WRITES):
            raise DataError("warehouse.errors.writes", kind=_kind(node))
    return query


def check_read_only(sql: str, dialect: str | None = None) -> str:
    """The user's statement, read by sqlglot (in ``dialect``, or sqlglot's own when None) and written back
    in that dialect, if it is exactly one query that only reads: SELECT, WITH ... SELECT, a UNION of
    SELECTs. Raises ``DataError`` (catalogue ``warehouse.errors.*``) for text sqlglot cannot read, no
    statement, several statements, any other statement (INSERT, UPDATE, DELETE, CREATE, DROP, ALTER,
    COPY, ATTACH, PRAGMA, SET, CALL ...) and a query that writes or locks anywhere inside it
    (``SELECT ... INTO``, a data-changing WITH, ``FOR UPDATE``).

    This checks the statement's shape; functions with side effects (PostgreSQL's ``set_config``) are
    not recognised, so run user queries on a read-only connection or role as well.

    >>> check_read_only("select customer_id, date, amount from orders where amount > 0;", "duckdb")
    'SELECT customer_id, date, amount FROM orders WHERE amount > 0'
    >>> try:
    ...     check_read_only("DELETE FROM orders", "duckdb")
    ... except DataError as err:
    ...     print(err.key, err.values)
    warehouse.errors.not_select {'kind': 'DELETE'}
    """
    if dialect is not None:
        _dialect(dialect)
    return _read_only_query(sql, dialect).sql(dialect=dialect)


def _looks_like_query(text: str, dialect: str) -> bool:
    """True when the text starts like a query (SELECT, WITH, FROM, VALUES, a parenthesis), not a name."""
    try:
        tokens = Dialect.get_or_raise(dialect).tokenize(text)
    except SqlglotError:
        return False
    starts = {"SELECT", "WITH", "FROM", "VALUES", "L_PAREN"}
    return bool(tokens) and tokens[0].token_type.name in starts


def _source(table, dialect: str) -> exp.Expression:
    """The source as a syntax-tree node: a table (``db.schema.name``, parts as written, quoted where
    sqlglot must) or the user's SELECT as a subquery ``(...) AS source``."""
    if not isinstance(table, str) or not table.strip():
        raise InputError("table", table, "warehouse.allowed.table")
    if _looks_like_query(table, dialect):
        query = _read_only_query(table, dialect)
        return exp.Subquery(this=query, alias=exp.TableAlias(this=exp.to_identifier("source")))
    try:
        node = sqlglot.parse_one(table, into=exp.Table, read=dialect)
    except SqlglotError:
        raise DataError("warehouse.errors.table_name", name=table) from None
    parts = ("this", "db", "catalog")
    if not isinstance(node, exp.Table) or any(v for k, v in node.args.items() if k not in parts):
        raise DataError("warehouse.errors.table_name", name=table)
    if not all(isinstance(node.args.get(k), (exp.Identifier, type(None))) for k in parts):
        raise DataError("warehouse.errors.table_name", name=table)
    return node


# ----------------------------------------------------------------------------------------------
# Rendering
# ----------------------------------------------------------------------------------------------


def _day_number(day: exp.Expression) -> exp.Expression:
    """Days from 1970-01-01 to ``day`` (a DATE), an integer in every dialect."""
    epoch = _date_literal(pd.Timestamp(_EPOCH))
    return exp.DateDiff(this=day, expression=epoch, unit=exp.var("DAY"), date_part_boundary=True)


def _extract(part: str, day: exp.Expression) -> exp.Expression:
    return exp.cast(exp.Extract(this=exp.var(part), expression=day), "BIGINT")


def _period(day: exp.Expression, freq: str) -> exp.Expression:
    """The period ordinal of a DATE: days, Monday-to-Sunday weeks, months, quarters or years (pandas'
    ordinals up to a constant, which cancels in every difference)."""
    if freq == "D":
        return _day_number(day)
    if freq == "W":
        shifted = exp.cast(exp.Sub(this=_day_number(day), expression=exp.Literal.number(_MONDAY)), "DOUBLE")
        return exp.cast(exp.Floor(this=exp.Div(this=shifted, expression=exp.Literal.number(7))), "BIGINT")
    year = _extract("YEAR", day)
    if freq == "Y":
        return year
    if freq == "Q":
        return exp.Sub(
            this=exp.Add(
                this=exp.Mul(this=year, expression=exp.Literal.number(4)), expression=_extract("QUARTER", day)
            ),
            expression=exp.Literal.number(1),
        )
    return _month_number(day)


def _month_number(day: exp.Expression) -> exp.Expression:
    year = _extract("YEAR", day)
    return exp.Sub(
        this=exp.Add(this=exp.Mul(this=year, expression=exp.Literal.number(12)), expression=_extract("MONTH", day)),
        expression=exp.Literal.number(1),
    )


def _isnan(value: exp.Expression, dialect: str) -> exp.Expression:
    """True for a floating-point NaN. BigQuery has IS_NAN; the others compare equal to NaN (PostgreSQL,
    DuckDB, Spark and Snowflake treat NaN as equal to itself)."""
    if dialect == "bigquery":
        return exp.IsNan(this=value)
    nan = exp.cast(exp.Literal.string("NaN"), "DOUBLE")
    return exp.Paren(this=exp.EQ(this=value, expression=nan))


def _render(
    name: str,
    dialect: str,
    table,
    freq: str = "D",
    obs: pd.Timestamp | None = None,
    cal: pd.Timestamp | None = None,
    as_of: pd.Timestamp | None = None,
    pretty: bool = True,
) -> str:
    tree = _template(name).copy()
    source = _source(table, dialect)
    timestamp = exp.DataType.build("TIMESTAMP", dialect="duckdb")
    values = {"obs": _timestamp_literal(obs), "cal": _timestamp_literal(cal), "as_of": _date_literal(as_of)}

    def fill(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Table) and node.name == _SOURCE:
            return source.copy()
        if isinstance(node, exp.Placeholder):
            return values[node.name].copy()
        if isinstance(node, exp.Anonymous) and str(node.this).startswith("__"):
            (arg,) = node.expressions
            arg = arg.transform(fill, copy=False)  # stand-ins inside the argument first
            kind = str(node.this)
            if kind == "__stamp":
                return exp.TryCast(this=arg, to=timestamp.copy(), safe=True)
            if kind == "__money":
                return exp.TryCast(this=arg, to=exp.DataType.build("DOUBLE"), safe=True)
            if kind == "__isnan":
                return _isnan(arg, dialect)
            if kind == "__period":
                return _period(arg, freq)
            if kind == "__day":
                return _day_number(arg)
            if kind == "__month":
                return _month_number(arg)
        return node

    tree = tree.transform(fill, copy=False)
    # Sort keys are never NULL: leave NULLS FIRST/LAST to each dialect's own default.
    ordering = Dialect.get_or_raise(dialect).NULL_ORDERING
    for node in tree.find_all(exp.Ordered):
        desc = bool(node.args.get("desc"))
        node.set("nulls_first", ordering == "nulls_are_small" and not desc or ordering == "nulls_are_large" and desc)
    return tree.sql(dialect=dialect, pretty=pretty)


# ----------------------------------------------------------------------------------------------
# Public queries
# ----------------------------------------------------------------------------------------------


def summary_sql(
    dialect: str,
    table: str = "transactions",
    observation_end=None,
    calibration_end=None,
    freq: str = "D",
) -> str:
    """SQL in ``dialect`` giving ``clv.rfm.summarize``'s per-customer summary of ``table``: columns
    ``customer_id``, ``frequency``, ``recency``, ``T``, ``monetary_value`` (floats, in periods of
    ``freq`` and the source's currency), and with ``calibration_end`` also ``frequency_holdout``,
    ``monetary_value_holdout`` and ``duration_holdout``; one row per customer, ordered by customer.

    ``table``: a table name or one read-only SELECT giving ``customer_id``, ``date``, ``amount``.
    Semantics, dates and time zones: the module docstring. ``observation_end``/``calibration_end``: a date
    or timestamp (None: the latest date used / no holdout).

    >>> import duckdb
    >>> con = duckdb.connect()
    >>> _ = con.execute("CREATE TABLE transactions AS SELECT * FROM (VALUES ('a', DATE '2024-01-01', 10.0),"
    ...     " ('a', DATE '2024-01-01', 5.0), ('a', DATE '2024-01-08', 20.0), ('b', DATE '2024-01-05', 7.0))"
    ...     " AS t(customer_id, date, amount)")
    >>> con.execute(summary_sql("duckdb", observation_end="2024-01-15")).fetchall()
    [('a', 1.0, 7.0, 14.0, 20.0), ('b', 0.0, 0.0, 10.0, 0.0)]
    """
    dialect, freq = _dialect(dialect), _freq(freq)
    obs, cal = _stamp("observation_end", observation_end), _stamp("calibration_end", calibration_end)
    _check_ends(obs, cal)
    return _render("summary" if cal is None else "holdout", dialect, table, freq, obs, cal)


def histories_sql(
    dialect: str,
    table: str = "transactions",
    observation_end=None,
    calibration_end=None,
    freq: str = "D",
) -> str:
    """SQL in ``dialect`` giving the distinct histories of ``summary_sql``'s customers: ``frequency``,
    ``recency``, ``T`` (the calibration period's when ``calibration_end`` is given) and ``weight``, the
    number of customers with that history. The models fit these rows with their weights
    (``BetaGeo().fit(frequency, recency, T, weights=weight)``), as on one row per customer.

    >>> import duckdb
    >>> con = duckdb.connect()
    >>> _ = con.execute("CREATE TABLE transactions AS SELECT * FROM (VALUES ('a', DATE '2024-01-01', 1.0),"
    ...     " ('b', DATE '2024-01-01', 2.0), ('c', DATE '2024-01-03', 3.0)) AS t(customer_id, date, amount)")
    >>> con.execute(histories_sql("duckdb")).fetchall()
    [(0.0, 0.0, 0.0, 1), (0.0, 0.0, 2.0, 2)]
    """
    dialect, freq = _dialect(dialect), _freq(freq)
    obs, cal = _stamp("observation_end", observation_end), _stamp("calibration_end", calibration_end)
    _check_ends(obs, cal)
    return _render("histories" if cal is None else "histories_cal", dialect, table, freq, obs, cal)


def _check_ends(obs: pd.Timestamp | None, cal: pd.Timestamp | None) -> None:
    if obs is not None and cal is not None and cal > obs:
        raise InputError("calibration_end", str(cal), "warehouse.allowed.calibration_end", end=str(obs))


def rfm_sql(dialect: str, table: str = "transactions", analysis_date=None) -> str:
    """SQL in ``dialect`` giving the inputs of ``clv.rfm.rfm_scores`` as ``clv.rfm.rfm_table`` computes
    them: per customer ``recency_days`` (days from the last row's day to ``analysis_date``, by default
    the latest day), ``orders`` (distinct days with an amount > 0), ``revenue`` (sum of amounts, returns
    netted), ``first_purchase`` and ``last_purchase`` (days, as DATE). Rows without a customer, date or
    amount are left out. ``rfm_scores(frame.set_index("customer_id"))`` then scores them.

    >>> import duckdb
    >>> con = duckdb.connect()
    >>> _ = con.execute("CREATE TABLE transactions AS SELECT * FROM (VALUES ('a', DATE '2024-01-01', 10.0),"
    ...     " ('a', DATE '2024-01-03', 20.0), ('b', DATE '2024-01-02', 5.0)) AS t(customer_id, date, amount)")
    >>> [row[:4] for row in con.execute(rfm_sql("duckdb")).fetchall()]
    [('a', 0.0, 2.0, 30.0), ('b', 1.0, 1.0, 5.0)]
    """
    dialect = _dialect(dialect)
    return _render("rfm", dialect, table, as_of=_stamp("analysis_date", analysis_date))


def cohort_sql(dialect: str, table: str = "transactions", last_month=None) -> str:
    """SQL in ``dialect`` giving the cells of ``clv.cohorts.cohort_tables``: per ``cohort`` (the first
    day of the month of the customer's first purchase, amount > 0, as DATE) and ``age_months`` (calendar
    months since), the ``customers`` active (with a purchase that month) and the ``revenue`` (returns
    included). Months after ``last_month`` (default: the latest month) are left out; the cohort's size is
    its ``customers`` at age 0. Cells with no row are absent (no customer, no revenue).

    >>> import duckdb
    >>> con = duckdb.connect()
    >>> _ = con.execute("CREATE TABLE transactions AS SELECT * FROM (VALUES ('a', DATE '2024-01-03', 10.0),"
    ...     " ('b', DATE '2024-01-20', 20.0), ('a', DATE '2024-02-11', 5.0), ('c', DATE '2024-02-05', 8.0))"
    ...     " AS t(customer_id, date, amount)")
    >>> [(str(c), age, n, rev) for c, age, n, rev in con.execute(cohort_sql("duckdb")).fetchall()]
    [('2024-01-01', 0, 2.0, 30.0), ('2024-01-01', 1, 1.0, 5.0), ('2024-02-01', 0, 1.0, 8.0)]
    """
    dialect = _dialect(dialect)
    return _render("cohorts", dialect, table, as_of=_stamp("last_month", last_month))


def quality_sql(dialect: str, table: str = "transactions", observation_end=None, freq: str = "D") -> str:
    """SQL in ``dialect`` giving one row of counts: ``rows_read``; the rows ``summary_sql`` does not use,
    each for the first reason that applies (codes of ``clv.data.report``): ``missing_customer``,
    ``unreadable_date`` (NULL or, where the dialect can try a cast, not a date), ``non_numeric_amount``
    (NULL, NaN or not a number), ``after_analysis_date`` (a period after ``observation_end``'s) and
    ``return_without_purchase`` (a negative amount of a customer with no purchase kept); ``rows_kept``
    (rows_read = rows_kept + the reasons); and ``returns_netted``, the negative amounts kept.

    >>> import duckdb
    >>> con = duckdb.connect()
    >>> _ = con.execute("CREATE TABLE transactions AS SELECT * FROM (VALUES ('a', DATE '2024-01-01', 10.0),"
    ...     " (NULL, DATE '2024-01-02', 5.0), ('b', NULL, 1.0), ('c', DATE '2024-01-02', -4.0),"
    ...     " ('a', DATE '2024-01-09', 3.0)) AS t(customer_id, date, amount)")
    >>> con.execute(quality_sql("duckdb", observation_end="2024-01-05")).fetchall()
    [(5, 1, 1, 0, 1, 1, 1, 0)]
    """
    dialect, freq = _dialect(dialect), _freq(freq)
    return _render("quality", dialect, table, freq, obs=_stamp("observation_end", observation_end))


def summary_frame(rows, columns) -> pd.DataFrame:
    """A database's ``summary_sql`` result as ``clv.rfm.summarize`` returns it: indexed by ``customer_id``
    (sorted), float columns. ``rows``: a sequence of tuples (a cursor's ``fetchall()``) or a DataFrame.

    >>> summary_frame([("b", 0, 0, 3, 0), ("a", 1, 2, 5, 7.5)], SUMMARY_COLUMNS).loc["a"].tolist()
    [1.0, 2.0, 5.0, 7.5]
    """
    frame = rows.copy() if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows), columns=list(columns))
    frame = frame.set_index("customer_id").sort_index(kind="stable").astype(float)
    return frame
