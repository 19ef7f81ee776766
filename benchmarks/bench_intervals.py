"""Ranges on predicted value (clv.predict.value_intervals): 1,000 parameter draws, per model, at the sizes that matter.

Run: .venv/bin/python -m benchmarks.bench_intervals   (prints a markdown table; medians of REPEATS runs)

Cases: 100,000 synthetic customers (benchmarks.bench_models.simulate: the BG/NBD process in whole days,
first purchases over a year, observed to day 730; Gamma-Gamma spend), 100,000 and 25,000 with heavier buyers
(``heavier``: clv.simulate at the bundled sample's fits, a daily log summarised), the bundled sample's
10,000 customers (the Predictions page has 10,000-25,000) and CDNOW (2,357, weeks). Each row:
value_intervals (12 months, 1% a month, draws=1000, level 0.9) after the fits, median CPU time of this
process and wall-clock, and customer_lifetime_value alone for scale (value_intervals computes it too: its
``clv`` column is that function's, with P(alive) kept across the months). The machine is shared: the load
average is printed before and after; the CPU time is the figure that does not depend on it.

Measured 2026-11-30 on the 2-core machine, load average 5.5-6.3 (other sessions' tests running):

| customers | model | value_intervals CPU | wall-clock | CLV alone (CPU) |
| --- | --- | ---: | ---: | ---: |
| synthetic: 100,000 (50,166 histories) | BG/NBD | 0.292 s | 0.569 s | 0.032 s |
| synthetic: 100,000 (50,166 histories) | Pareto/NBD | 0.304 s | 0.875 s | 0.175 s |
| synthetic: 100,000 (50,166 histories) | MBG/NBD | 0.293 s | 0.586 s | 0.029 s |
| heavier buyers: 100,000 (71,573 histories) | BG/NBD | 0.502 s | 1.070 s | 0.047 s |
| heavier buyers: 100,000 (71,573 histories) | Pareto/NBD | 0.484 s | 1.175 s | 0.442 s |
| heavier buyers: 100,000 (71,573 histories) | MBG/NBD | 0.500 s | 1.385 s | 0.046 s |
| heavier buyers: 25,000 (19,155 histories) | BG/NBD | 0.230 s | 0.624 s | 0.018 s |
| heavier buyers: 25,000 (19,155 histories) | Pareto/NBD | 0.196 s | 0.421 s | 0.129 s |
| heavier buyers: 25,000 (19,155 histories) | MBG/NBD | 0.222 s | 0.314 s | 0.017 s |
| bundled sample: 10,000 (7,815 histories) | BG/NBD | 0.160 s | 0.294 s | 0.012 s |
| bundled sample: 10,000 (7,815 histories) | Pareto/NBD | 0.167 s | 0.191 s | 0.156 s |
| bundled sample: 10,000 (7,815 histories) | MBG/NBD | 0.157 s | 0.310 s | 0.012 s |
| CDNOW: 2,357 (1,016 histories) | BG/NBD | 0.044 s | 0.068 s | 0.005 s |

What it costs: the models at 9 parameter points per distinct history (Pareto/NBD's P(alive) once per
distinct (x, t_x) and (x, T) pair: ParetoNBD.p_alive_at), the count distributions stepped together per
distinct (x, T) until every customer's 95% quantile is found (BG/NBD, MBG/NBD: until the tail is under 1e-12,
for the variance), and the totals' 1,000-component Gamma mixtures (about 70 evaluations of 1,000 incomplete
gamma functions). No loop over customers or draws.
"""

from __future__ import annotations

import os
import statistics
import time

import numpy as np
import pandas as pd

from benchmarks.bench_models import cdnow
from benchmarks.bench_models import simulate as light
from clv import data, predict, rfm, simulate
from clv.models import BetaGeo, GammaGamma, ModifiedBetaGeo, ParetoNBD, customer_lifetime_value

REPEATS = 3
DRAWS = 1000
MODELS = (("BG/NBD", BetaGeo), ("Pareto/NBD", ParetoNBD), ("MBG/NBD", ModifiedBetaGeo))


def timed(fn) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of ``fn`` over REPEATS runs, after one warm-up."""
    fn()
    walls, cpus = [], []
    for _ in range(REPEATS):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def sample():
    models = predict.fit_customer_models(data.load_sample("transactions").transactions, "bgnbd")
    return models.summary[["frequency", "recency", "T", "monetary_value"]]


def heavier(n: int, seed: int = 1):
    """A daily summary of ``n`` customers drawn by clv.simulate at the bundled sample's BG/NBD and Gamma-Gamma
    fits (buyers about twice as frequent as benchmarks.bench_models.simulate's): first purchases over two
    years, purchase times to whole days, summarised by clv.rfm.summarize as an uploaded log would be."""
    rng = np.random.default_rng(seed)
    age = rng.integers(1, 731, n).astype(float)
    sim = simulate.simulate_bgnbd(n, 0.76, 40.8, 0.80, 2.47, age, rng=rng, time_unit="days", spend=(5.6, 4.0, 32.2))
    start = pd.Timestamp("2024-01-01") + pd.to_timedelta(730 - age, "D")
    who = np.repeat(sim["customer"].to_numpy(), sim["frequency"].to_numpy())
    times = np.concatenate([np.asarray(t, dtype=float) for t in sim["purchase_times"]])
    amounts = np.concatenate([np.asarray(a, dtype=float) for a in sim["amounts"]])
    log = pd.concat(
        [
            pd.DataFrame({"customer_id": sim["customer"], "date": start, "amount": sim["monetary_value"]}),
            pd.DataFrame(
                {"customer_id": who, "date": start[who] + pd.to_timedelta(np.floor(times), "D"), "amount": amounts}
            ),
        ],
        ignore_index=True,
    )
    end = pd.Timestamp("2024-01-01") + pd.Timedelta(days=730)
    return rfm.summarize(log, "customer_id", "date", "amount", freq="D", observation_end=end)


def main() -> None:
    load_before = os.getloadavg()
    cases = [
        ("synthetic", light(100_000), "D"),
        ("synthetic, heavier buyers", heavier(100_000), "D"),
        ("synthetic, heavier buyers", heavier(25_000, seed=2), "D"),
        ("bundled sample", sample(), "D"),
        ("CDNOW", cdnow(), "W"),
    ]
    rows = []
    for name, summary, freq in cases:
        spend = GammaGamma().fit(summary["frequency"], summary["monetary_value"])
        for label, cls in MODELS:
            model = cls().fit(summary["frequency"], summary["recency"], summary["T"])
            wall, cpu = timed(lambda: predict.value_intervals(model, spend, summary, freq=freq, draws=DRAWS))
            clv_wall, clv_cpu = timed(lambda: customer_lifetime_value(model, spend, summary, freq=freq))
            histories = len(summary[["frequency", "recency", "T"]].drop_duplicates())
            rows.append((f"{name}: {len(summary):,} ({histories:,} histories)", label, cpu, wall, clv_cpu))
    load_after = os.getloadavg()
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (2 cores)\n")
    print("| customers | model | value_intervals CPU | wall-clock | of which CLV alone (CPU) |")
    print("| --- | --- | ---: | ---: | ---: |")
    for case, label, cpu, wall, clv_cpu in rows:
        print(f"| {case} | {label} | {cpu:.3f} s | {wall:.3f} s | {clv_cpu:.3f} s |")


if __name__ == "__main__":
    main()
