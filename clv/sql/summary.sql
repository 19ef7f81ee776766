-- Per-customer summary with the semantics of clv.rfm.summarize (and lifetimes'
-- summary_data_from_transaction_data) for DAILY periods, freq_multiplier = 1.
-- Input: a table transactions(customer_id, date, amount) with amount >= 0.
-- Parameter: $observation_end, the last day observed (inclusive); later rows are ignored.
-- Purchases on the same day merge (amounts summed); the first purchase day is not a repeat.
-- Tested in DuckDB (tests/test_rfm.py); DATE_DIFF and FILTER are also in PostgreSQL-like dialects
-- with small changes (PostgreSQL: day2 - day1 for the day differences).
WITH days AS (
    SELECT customer_id,
           CAST(date AS DATE) AS day,
           SUM(amount)        AS amount
    FROM transactions
    WHERE CAST(date AS DATE) <= CAST($observation_end AS DATE)
    GROUP BY customer_id, CAST(date AS DATE)
),
numbered AS (
    SELECT *, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY day) AS purchase_no
    FROM days
)
SELECT customer_id,
       COUNT(*) - 1                                                   AS frequency,
       DATE_DIFF('day', MIN(day), MAX(day))                           AS recency,
       DATE_DIFF('day', MIN(day), CAST($observation_end AS DATE))     AS T,
       COALESCE(AVG(amount) FILTER (WHERE purchase_no > 1), 0)        AS monetary_value
FROM numbered
GROUP BY customer_id
ORDER BY customer_id
