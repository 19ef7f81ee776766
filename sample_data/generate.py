"""Generate the sample data sets (seeded, reproducible): ``python sample_data/generate.py [--seed N]``.

Two files, each from a documented generative process with KNOWN parameters, so that model fits can
be checked against the truth (see sample_data/README.md):

- ``transactions.csv``: an e-commerce order log from a BG/NBD "buy till you die" process (Fader,
  Hardie & Lee 2005) in DAYS, with Gamma-Gamma order values (Fader, Hardie & Lee 2005, JMR; Colombo
  & Jiang 1999). Customers are acquired (first purchase) between 2024-01-01 and 2025-12-31 with a
  seasonal acquisition curve, each through one ACQUISITION CHANNEL (``CHANNELS``) that has its own
  true BG/NBD and Gamma-Gamma parameters and its own acquisition cost; the channel is on every order
  of the customer. The gaps between purchases are the model's exponential gaps rounded to whole days
  (at least one), so a daily summary counts every purchase and a fit on one channel's customers
  recovers that channel's parameters (no two orders of a customer share a day). The pooled log is a
  mixture of the four channels: no single true parameter set describes it.
- ``subscriptions.csv``: SaaS subscriptions with shifted-beta-geometric churn (Fader & Hardie 2007):
  each subscriber's monthly churn probability theta ~ Beta(alpha, beta), constant over their life.

Only numpy and pandas; randomness from ``np.random.default_rng(seed)``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
SEED = 2024
START = pd.Timestamp("2024-01-01")
END = pd.Timestamp("2025-12-31")  # observation end (inclusive)
N_CUSTOMERS = 10_000
N_SUBSCRIPTIONS = 10_000

# Acquisition channels, each with its own true parameters (time unit = days) and CAC (currency per
# acquired customer). BG/NBD (Fader, Hardie & Lee 2005, eq. 1-4): purchase rate lambda ~ Gamma(shape=r,
# rate=alpha); dropout probability after each repeat purchase p ~ Beta(a, b). Gamma-Gamma spend: nu ~
# Gamma(shape=q, rate=gamma); order value z ~ Gamma(shape=p, rate=nu), so E[z] = p * gamma / (q - 1).
# The dropout (a, b) is the same in every channel on purpose: the channels differ in how often their
# customers buy and how much they spend, not in how long they stay. The CACs put web, app and marketplace far
# above 3:1 LTV:CAC on the calculator's formula LTV and social_ads below it, at any margin from 60% to 100%
# (README's table). app's alpha is 30, not a faster 22: the day rounding of the gaps would bias alpha by 1.2%.
CHANNEL_FIELDS = ("share", "r", "alpha", "a", "b", "p", "q", "gamma", "cac")
CHANNELS = {
    name: dict(zip(CHANNEL_FIELDS, row))
    for name, row in {
        "web": (0.40, 0.75, 40.0, 0.8, 2.5, 6.0, 4.0, 30.0, 25.0),
        "app": (0.25, 0.90, 30.0, 0.8, 2.5, 6.0, 4.0, 30.0, 40.0),  # buys more often
        "marketplace": (0.20, 0.60, 70.0, 0.8, 2.5, 6.0, 4.0, 22.0, 12.0),  # buys rarely, smaller orders
        "social_ads": (0.15, 0.75, 40.0, 0.8, 2.5, 6.0, 4.0, 30.0, 250.0),  # buys like web, costs ten times more
    }.items()
}
BGNBD_PARAMS = ("r", "alpha", "a", "b")
GAMMA_GAMMA_PARAMS = ("p", "q", "gamma")
# Seasonality: acquisition weight per calendar month (Jan..Dec), mean 1; yearly growth factor
ACQUISITION_MONTH_WEIGHT = np.array([1.0, 0.8, 0.9, 0.9, 1.0, 0.9, 0.85, 0.9, 1.0, 1.1, 1.4, 1.6])
ACQUISITION_GROWTH = 1.25  # 2025 acquires 25% more per month than 2024
PRODUCTS = ("Apparel", "Shoes", "Accessories", "Home", "Beauty")
PRODUCT_WEIGHTS = (0.32, 0.2, 0.18, 0.17, 0.13)

# Shifted-beta-geometric churn (Fader & Hardie 2007): theta ~ Beta(alpha, beta), monthly.
SBG = {"alpha": 0.9, "beta": 4.5}  # mean monthly churn 0.9 / 5.4 = 16.7% in month 1, falling later
PLANS = ("Basic", "Pro", "Business")
PLAN_PRICES = (19.0, 49.0, 99.0)  # monthly amount, currency
PLAN_WEIGHTS = (0.55, 0.35, 0.10)


def _acquisition_days(rng: np.random.Generator, n: int) -> np.ndarray:
    """Days since START of each customer's first purchase, seasonal and growing."""
    days = pd.date_range(START, END, freq="D")
    weight = ACQUISITION_MONTH_WEIGHT[days.month - 1] * np.where(days.year == START.year, 1.0, ACQUISITION_GROWTH)
    return np.sort(rng.choice(len(days), size=n, p=weight / weight.sum()))


def transactions(seed: int = SEED, n_customers: int = N_CUSTOMERS) -> pd.DataFrame:
    """The order log: one row per order (customer_id, order_id, date, amount, quantity, product, channel).

    Each customer's acquisition channel is drawn with the shares in ``CHANNELS``, independently of the
    acquisition date; their purchase rate, dropout probability and spend level are then drawn from
    that channel's distributions, and the channel is written on every one of their orders.
    """
    rng = np.random.default_rng(seed)
    total_days = (END - START).days
    first = _acquisition_days(rng, n_customers)
    names = list(CHANNELS)
    channel = rng.choice(len(names), n_customers, p=[CHANNELS[c]["share"] for c in names])
    truth = {k: np.array([CHANNELS[c][k] for c in names])[channel] for k in BGNBD_PARAMS + GAMMA_GAMMA_PARAMS}
    lam = rng.gamma(truth["r"], 1.0 / truth["alpha"])  # purchases per day
    p_drop = rng.beta(truth["a"], truth["b"])
    nu = rng.gamma(truth["q"], 1.0 / truth["gamma"])
    # Exponential gaps (days) rounded to whole days, at least one: a daily summary then sees every
    # purchase (no same-day merges), and the rounding moves the mean gap by under lambda / 2 days.
    day = first.copy()
    who, when = [np.arange(n_customers)], [day.copy()]
    alive = np.ones(n_customers, dtype=bool)
    while alive.any():
        idx = np.flatnonzero(alive)
        day[idx] += np.maximum(1, np.round(rng.exponential(1.0 / lam[idx]))).astype(day.dtype)
        bought = day[idx] <= total_days
        alive[idx[~bought]] = False
        idx = idx[bought]
        who.append(idx)
        when.append(day[idx].copy())
        alive[idx[rng.random(idx.size) < p_drop[idx]]] = False  # dropout after a repeat purchase
    cust = np.concatenate(who)
    day = np.concatenate(when)
    order = np.lexsort((day, cust))
    cust, day = cust[order], day[order]
    amount = np.maximum(np.round(rng.gamma(truth["p"][cust], 1.0 / nu[cust]), 2), 0.01)
    n = cust.size
    date = (START + pd.to_timedelta(day, unit="D")).strftime("%Y-%m-%d")
    by_date = np.argsort(day, kind="stable")
    order_no = np.empty(n, dtype=np.int64)
    order_no[by_date] = np.arange(1, n + 1)
    return (
        pd.DataFrame(
            {
                "customer_id": np.char.add("C", np.char.zfill((cust + 1).astype(str), 5)),
                "order_id": np.char.add("O", np.char.zfill(order_no.astype(str), 6)),
                "date": date,
                "amount": amount,
                "quantity": 1 + rng.poisson(0.4, n),
                "product": np.asarray(PRODUCTS)[rng.choice(len(PRODUCTS), n, p=PRODUCT_WEIGHTS)],
                "channel": np.asarray(names)[channel[cust]],
            }
        )
        .iloc[by_date]
        .reset_index(drop=True)
    )


def subscriptions(seed: int = SEED + 1, n: int = N_SUBSCRIPTIONS) -> pd.DataFrame:
    """SaaS subscriptions: start on a day in 2024-2025; after each paid month, cancel with prob theta."""
    rng = np.random.default_rng(seed)
    start_day = _acquisition_days(rng, n)
    start = START + pd.to_timedelta(start_day, unit="D")
    theta = rng.beta(SBG["alpha"], SBG["beta"], n)
    months_paid = rng.geometric(theta)  # 1, 2, ... paid months
    end = pd.DatetimeIndex([s + pd.DateOffset(months=int(m)) for s, m in zip(start, months_paid)])
    cancelled = end <= END
    plan = rng.choice(len(PLANS), n, p=PLAN_WEIGHTS)
    return pd.DataFrame(
        {
            "customer_id": np.char.add("S", np.char.zfill(np.arange(1, n + 1).astype(str), 5)),
            "plan": np.asarray(PLANS)[plan],
            "start_date": start.strftime("%Y-%m-%d"),
            "end_date": np.where(cancelled, end.strftime("%Y-%m-%d"), ""),
            "monthly_amount": np.asarray(PLAN_PRICES)[plan],
        }
    )


def channels() -> pd.DataFrame:
    """The channel table (``CHANNELS``) as the app reads it (``clv.data.sample_channels``): one row per channel
    with its share, true parameters and CAC (not in the order log: a log of orders has no acquisition cost)."""
    return pd.DataFrame([{"channel": name, **row} for name, row in CHANNELS.items()])


def summary_example() -> pd.DataFrame:
    """A tiny per-customer summary (the form of ``clv.data.read_summary``), in days."""
    return pd.DataFrame(
        {
            "customer_id": ["A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8"],
            "frequency": [0, 1, 3, 6, 2, 0, 12, 4],
            "recency": [0, 40, 200, 310, 95, 0, 520, 150],
            "T": [30, 120, 365, 330, 400, 15, 600, 410],
            "monetary_value": [0.0, 35.5, 62.1, 48.0, 120.75, 0.0, 55.2, 80.0],
        }
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    tx = transactions(args.seed)
    tx.to_csv(args.out / "transactions.csv", index=False, float_format="%.2f")
    subs = subscriptions(args.seed + 1)
    subs.to_csv(args.out / "subscriptions.csv", index=False, float_format="%.2f")
    summary_example().to_csv(args.out / "summary_example.csv", index=False, float_format="%.2f")
    channels().to_csv(args.out / "channels.csv", index=False, lineterminator="\n")
    for name, df in (("transactions.csv", tx), ("subscriptions.csv", subs)):
        size = (args.out / name).stat().st_size
        print(f"{name}: {len(df):,} rows, {df['customer_id'].nunique():,} customers, {size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
