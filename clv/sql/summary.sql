-- Per-customer summary with the semantics of clv.rfm.summarize (lifetimes' summary_data_from_transaction_data),
-- daily periods: frequency, recency, T, monetary_value per customer_id of transactions(customer_id, date, amount).
-- Observation ends at the latest date in the table. Rendered for DuckDB by clv.warehouse.summary_sql("duckdb");
-- other dialects (PostgreSQL, Spark SQL, BigQuery, Snowflake), another observation end, a calibration/holdout
-- split and weeks or months: clv.warehouse.summary_sql. Checked against summarize by tests/test_warehouse.py.
WITH src AS (
  SELECT
    customer_id AS cust,
    TRY_CAST(date AS TIMESTAMP) AS ts,
    TRY_CAST(amount AS DOUBLE) AS amt
  FROM transactions
), valid AS (
  SELECT
    cust,
    ts,
    CAST(ts AS DATE) AS dt,
    amt
  FROM src
  WHERE
    NOT cust IS NULL
    AND NOT ts IS NULL
    AND NOT amt IS NULL
    AND NOT (
      amt = CAST('NaN' AS DOUBLE)
    )
), ends AS (
  SELECT
    obs_ts,
    cal_ts,
    DATE_DIFF('DAY', CAST('1970-01-01' AS DATE), CAST(obs_ts AS DATE)) AS obs_p,
    DATE_DIFF('DAY', CAST('1970-01-01' AS DATE), CAST(cal_ts AS DATE)) AS cal_p
  FROM (
    SELECT
      COALESCE(CAST(NULL AS TIMESTAMP), MAX(ts)) AS obs_ts,
      CAST(NULL AS TIMESTAMP) AS cal_ts
    FROM valid
  ) AS e
), periods AS (
  SELECT
    cust,
    ts,
    DATE_DIFF('DAY', CAST('1970-01-01' AS DATE), dt) AS p,
    amt
  FROM valid
), used AS (
  SELECT
    v.cust,
    v.p,
    v.amt,
    e.obs_p AS end_p
  FROM periods AS v
  CROSS JOIN ends AS e
  WHERE
    v.p <= e.obs_p
), buys AS (
  SELECT
    cust,
    p,
    SUM(amt) AS amt,
    MAX(end_p) AS end_p
  FROM used
  WHERE
    amt >= 0
  GROUP BY
    cust,
    p
), customers AS (
  SELECT
    cust,
    MIN(p) AS first_p,
    MAX(p) AS last_p,
    COUNT(*) AS n,
    MAX(end_p) AS end_p
  FROM buys
  GROUP BY
    cust
), events AS (
  SELECT
    cust,
    p,
    0 AS kind,
    amt
  FROM buys
  UNION ALL
  SELECT
    cust,
    p,
    1 AS kind,
    SUM(amt) AS amt
  FROM used
  WHERE
    amt < 0
  GROUP BY
    cust,
    p
), netted AS (
  SELECT
    ev.cust,
    COALESCE(
      MAX(CASE WHEN ev.kind = 0 THEN ev.p END) OVER (
        PARTITION BY ev.cust
        ORDER BY ev.p, ev.kind
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ),
      c.first_p
    ) AS p,
    ev.amt
  FROM events AS ev
  JOIN customers AS c
    ON ev.cust = c.cust
), sums AS (
  SELECT
    cust,
    p,
    SUM(amt) AS amt
  FROM netted
  GROUP BY
    cust,
    p
), summary AS (
  SELECT
    c.cust,
    c.n - 1 AS frequency,
    c.last_p - c.first_p AS recency,
    c.end_p - c.first_p AS t,
    COALESCE(AVG(CASE WHEN s.p > c.first_p THEN s.amt END), 0) AS monetary_value
  FROM customers AS c
  JOIN sums AS s
    ON s.cust = c.cust
  GROUP BY
    c.cust,
    c.n,
    c.first_p,
    c.last_p,
    c.end_p
)
SELECT
  cust AS "customer_id",
  CAST(frequency AS DOUBLE) AS "frequency",
  CAST(recency AS DOUBLE) AS "recency",
  CAST(t AS DOUBLE) AS "T",
  CAST(monetary_value AS DOUBLE) AS "monetary_value"
FROM summary
ORDER BY
  cust
