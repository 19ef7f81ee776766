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
    signs = draw(
        hs.lists(hs.sampled_from([1, 1, 1, 1, 1, -1]) if allow_returns else hs.just(1), min_size=n, max_size=n)
    )
    return pd.DataFrame(
        {
            "customer_id": [f"C{c}" for c in customers],
            "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(days, unit="D"),
            "amount": [s * c / 100 for s, c in zip(signs, cents)],
        }
    )


# --- campaign what-ifs (clv.scenarios): baselines and campaigns that keep the total margin in 0..1 ---
scenario_margin = hs.floats(0.2, 0.8)  # baseline margin with room for +-0.05 points per campaign
scenario_churn = hs.floats(0.005, 0.5)
campaign_reach = hs.floats(0.0, 1.0)
campaign_lift = hs.floats(-0.5, 1.0)
campaign_churn_cut = hs.floats(-0.5, 0.9)
campaign_margin_points = hs.floats(-0.05, 0.05)
campaign_cost = hs.floats(0.0, 20.0)


@hs.composite
def campaign_sets(draw, min_size=1, max_size=4, allow_annual=True):
    """Up to ``max_size`` campaigns with distinct names (C0, C1, ...), any mix of effects and costs."""
    from clv.scenarios import AnnualBilling, Campaign

    n = draw(hs.integers(min_size, max_size))
    out = []
    for i in range(n):
        annual = None
        if allow_annual and draw(hs.integers(0, 4)) == 0:
            annual = AnnualBilling(draw(hs.floats(0.0, 0.4)), draw(hs.floats(0.1, 0.95)))
        out.append(
            Campaign(
                f"C{i}",
                reach=draw(campaign_reach),
                arpu_lift=draw(campaign_lift),
                churn_reduction=draw(campaign_churn_cut),
                margin_change=draw(campaign_margin_points),
                one_off_cost=draw(campaign_cost),
                monthly_cost=draw(hs.floats(0.0, 2.0)),
                revenue_share_cost=draw(hs.floats(0.0, 0.05)),
                annual_billing=annual,
            )
        )
    return out


@hs.composite
def scenario_baselines(draw, extended=True):
    """clv.Assumptions with a finite LTV; with ``extended``, sometimes a first-month churn, an sBG
    curve (alpha > 1 when undiscounted) or expansion below churn."""
    import clv

    c = draw(scenario_churn)
    d = draw(hs.sampled_from([0.0, 0.05, 0.1, 0.3]))
    h = draw(hs.one_of(hs.none(), hs.integers(1, 400)))
    extra = {}
    kind = draw(hs.sampled_from(["plain", "first", "sbg", "expansion"])) if extended else "plain"
    if kind == "first":
        extra["first_month_churn"] = draw(hs.floats(0.0, 0.6))
    elif kind == "sbg":
        extra["retention_curve"] = (draw(hs.floats(1.2, 6.0)), draw(hs.floats(0.5, 40.0)))
    elif kind == "expansion":
        extra["monthly_expansion"] = draw(hs.floats(0.0, 0.5)) * c
    return clv.Assumptions(
        arpu=draw(hs.floats(1.0, 500.0)),
        gross_margin=draw(scenario_margin),
        monthly_churn=c,
        cac=draw(hs.floats(0.0, 2000.0)),
        annual_discount_rate=d,
        horizon_months=h,
        **extra,
    )
