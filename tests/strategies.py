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
