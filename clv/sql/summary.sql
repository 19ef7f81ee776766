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
    CASE WHEN amt < 0 THEN 1 ELSE 0 END AS kind,
    amt
  FROM valid
), used AS (
  SELECT
    v.cust,
    v.p,
    v.kind,
    v.amt,
    e.obs_p AS end_p
  FROM periods AS v
  CROSS JOIN ends AS e
  WHERE
    v.p <= e.obs_p
), events AS (
  SELECT
    cust,
    p,
    kind,
    SUM(amt) AS amt,
    MAX(end_p) AS end_p
  FROM used
  GROUP BY
    cust,
    p,
    kind
), netted AS (
  SELECT
    cust,
    COALESCE(
      MAX(CASE WHEN kind = 0 THEN p END) OVER (
        PARTITION BY cust
        ORDER BY p, kind
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ),
      MIN(CASE WHEN kind = 0 THEN p END) OVER (PARTITION BY cust)
    ) AS p,
    amt,
    end_p
  FROM events
), sums AS (
  SELECT
    cust,
    p,
    SUM(amt) AS amt,
    MAX(end_p) AS end_p
  FROM netted
  WHERE
    NOT p IS NULL
  GROUP BY
    cust,
    p
), ranked AS (
  SELECT
    cust,
    p,
    amt,
    end_p,
    MIN(p) OVER (PARTITION BY cust) AS first_p
  FROM sums
), summary AS (
  SELECT
    cust,
    COUNT(*) - 1 AS frequency,
    MAX(p) - MIN(p) AS recency,
    MAX(end_p) - MIN(p) AS t,
    COALESCE(AVG(CASE WHEN p > first_p THEN amt END), 0) AS monetary_value
  FROM ranked
  GROUP BY
    cust
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
