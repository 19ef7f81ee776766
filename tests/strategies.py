"""Hypothesis strategies shared by the property tests (`hs`, since `st` means streamlit here).

Sections are appended by area; keep each strategy's bounds meaningful for the formula it feeds.
"""

from hypothesis import strategies as hs

# --- unit economics (clv.core) ---
arpu = hs.floats(1.0, 10_000.0)
margin = hs.floats(0.01, 1.0)
churn = hs.floats(0.001, 0.9)
cac = hs.floats(0.0, 50_000.0)
annual_discount = hs.floats(0.0, 0.5)
horizon = hs.integers(1, 600)

# --- customer summaries for clv.models (frequency x, recency t_x, T; weeks) ---
@hs.composite
def rfm_history(draw, max_frequency=60, max_T=100.0):
    """A consistent (x, t_x, T): 0 <= t_x <= T, t_x = 0 when x = 0."""
    big_t = draw(hs.floats(0.5, max_T))
    x = draw(hs.integers(0, max_frequency))
    tx = 0.0 if x == 0 else draw(hs.floats(0.0, 1.0)) * big_t
    return float(x), tx, big_t

# --- transaction logs for clv.data / clv.rfm / clv.cohorts (customer_id, date, amount) ---
@hs.composite
def transaction_logs(draw, max_rows=40, max_customers=6, max_days=120, allow_returns=False):
    """A small transaction log as a DataFrame (customer_id str, date datetime64[ns], amount float):
    few customers and days so same-day merges and repeats are common; amounts in cents, > 0 unless
    ``allow_returns`` (then about one row in six is a return)."""
    import pandas as pd

    n = draw(hs.integers(1, max_rows))
    customers = draw(hs.lists(hs.integers(0, max_customers - 1), min_size=n, max_size=n))
    days = draw(hs.lists(hs.integers(0, max_days), min_size=n, max_size=n))
    cents = draw(hs.lists(hs.integers(1, 50_000), min_size=n, max_size=n))
    signs = draw(hs.lists(hs.sampled_from([1, 1, 1, 1, 1, -1]) if allow_returns else hs.just(1),
                          min_size=n, max_size=n))
    return pd.DataFrame({
        "customer_id": [f"C{c}" for c in customers],
        "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(days, unit="D"),
        "amount": [s * c / 100 for s, c in zip(signs, cents)],
    })
