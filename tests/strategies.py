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
