"""Benchmark "Bring your own data": a 1,000,000-row (and 5,000,000-row) upload, bytes -> validated
per-customer summary (``clv.data.read_transactions`` then ``clv.rfm.summarize``), then RFM scores and
cohort matrices. Prints a markdown table.

Run: ``.venv/bin/python -m benchmarks.bench_data`` (``--rows 1000000`` to pick sizes, ``--repeat 5`` fresh
processes per size, ``--wait-load 1.0`` to wait for a quiet machine before each run, ``--seed``).
Each run is a fresh subprocess: the upload's bytes are in memory and the imports done before the clock
starts, as in the running app. "bytes -> validated summary" is the median wall time over the runs (with
their range); its peak memory is that process's ``VmHWM`` read right after the summary (imports and the
upload's bytes included: ``benchmarks.common.peak_mb``), before RFM and cohorts run. The 1-minute load
average is printed beside each size: the machine is shared, so compare figures taken at low load. If the
peer environment ``.venv-lifetimes`` exists (see /work/shared/peers/lifetimes/README.md), lifetimes'
``summary_data_from_transaction_data`` is timed on the same file there and the ratio printed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import peak_mb

ROOT = Path(__file__).resolve().parent.parent
PEER = ROOT / ".venv-lifetimes" / "bin" / "python"
ROWS_PER_CUSTOMER = 10  # 1,000,000 rows ~ 100,000 customers
START = "2024-01-01"
DAYS = 731  # two years


def make_csv(path: Path, n_rows: int, seed: int) -> None:
    """A synthetic order log: customers with gamma-distributed activity, uniform dates over two years,
    gamma order values in cents; columns like the sample (customer_id, order_id, date, amount,
    quantity, product, channel)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pcsv

    rng = np.random.default_rng(seed)
    n_customers = n_rows // ROWS_PER_CUSTOMER
    weight = rng.gamma(0.8, 1.0, n_customers)
    cust = rng.choice(n_customers, size=n_rows, p=weight / weight.sum())
    cust[:n_customers] = np.arange(n_customers)  # every customer buys at least once
    day = rng.integers(0, DAYS, n_rows)
    order = np.argsort(day, kind="stable")
    cust, day = cust[order], day[order]
    dates = (np.datetime64(START) + day.astype("timedelta64[D]")).astype(str)
    products = np.array(["Apparel", "Shoes", "Accessories", "Home", "Beauty"])
    channels = np.array(["web", "app", "marketplace", "store"])
    table = pa.table(
        {
            "customer_id": pa.array(np.char.add("C", np.char.zfill((cust + 1).astype(str), 6))),
            "order_id": pa.array(np.char.add("O", np.arange(1, n_rows + 1).astype(str))),
            "date": pa.array(dates),
            "amount": pa.array(np.maximum(np.round(rng.gamma(6.0, 10.0, n_rows), 2), 0.01)),
            "quantity": pa.array(1 + rng.poisson(0.4, n_rows)),
            "product": pa.array(products[rng.integers(0, len(products), n_rows)]),
            "channel": pa.array(channels[rng.integers(0, len(channels), n_rows)]),
        }
    )
    pcsv.write_csv(table, path, pcsv.WriteOptions(quoting_style="none"))


def measure(path: str) -> dict:
    """In this (fresh) process: bytes -> read_transactions -> summarize (timed, then the peak so far);
    then RFM scores and cohorts."""
    import clv.cohorts as cohorts
    import clv.data as data
    import clv.rfm as rfm

    raw = Path(path).read_bytes()  # the upload, as Streamlit hands it over
    opts = data.ReadOptions(analysis_date="2025-12-31")
    t0 = time.perf_counter()
    res = data.read_transactions(raw, filename=Path(path).name, options=opts)
    t1 = time.perf_counter()
    summary = rfm.summarize(res.transactions, "customer_id", "date", "amount", observation_end="2025-12-31")
    t2 = time.perf_counter()
    peak_summary = peak_mb()
    scores = rfm.rfm_table(res.transactions, analysis_date="2025-12-31")
    segments = rfm.segment_table(scores)
    tables = cohorts.cohort_tables(res.transactions)
    trend = cohorts.orders_over_time(res.transactions)
    t3 = time.perf_counter()
    return {
        "rows": res.report.rows_read,
        "kept": res.report.rows_kept,
        "customers": len(summary),
        "read": t1 - t0,
        "summarize": t2 - t1,
        "bytes_to_summary": t2 - t0,
        "peak_summary_mb": peak_summary,
        "rfm_cohorts": t3 - t2,
        "segments": len(segments),
        "cohorts": len(tables.sizes),
        "months": len(trend),
        "peak_mb": peak_mb(),
    }


PEER_CODE = r"""
import json, sys, time
import pandas as pd
from lifetimes.utils import summary_data_from_transaction_data
df = pd.read_csv(sys.argv[1], usecols=["customer_id", "date", "amount"])
df["date"] = pd.to_datetime(df["date"], format="%Y-%m-%d")
t = time.perf_counter()
s = summary_data_from_transaction_data(df, "customer_id", "date", "amount", observation_period_end="2025-12-31")
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(json.dumps({"summary": time.perf_counter() - t, "customers": len(s), "peak_mb": hwm / 1024}))
"""


def _run(cmd: list[str]) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    if out.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _wait_for_load(limit: float | None, timeout_s: float = 600.0) -> None:
    """Wait (up to ``timeout_s``) until the 1-minute load average is below ``limit``."""
    start = time.monotonic()
    while limit is not None and os.getloadavg()[0] >= limit and time.monotonic() - start < timeout_s:
        time.sleep(5)


def _spread(values: list[float], fmt: str = "{:.2f}") -> str:
    """The median, and the range when there are several values: "0.41 (0.38–0.47)"."""
    mid = fmt.format(statistics.median(values))
    return mid if len(values) < 2 else f"{mid} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="*", default=[1_000_000, 5_000_000])
    parser.add_argument("--repeat", type=int, default=5, help="fresh processes per size (median reported)")
    parser.add_argument("--wait-load", type=float, default=None, help="wait for a 1-minute load below this")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    lines = [
        f"| transactions | customers | file MB | upload bytes → validated summary s (median of {args.repeat}, range) "
        "| read + validate s | summarize s | peak memory MB (bytes → summary) | RFM + cohorts s "
        "| peak MB with RFM + cohorts | load (1 min) | lifetimes summary s | lifetimes / ours (summary) "
        "| lifetimes / ours (bytes → summary) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.rows:
            path = Path(tmp) / f"tx_{n}.csv"
            make_csv(path, n, args.seed)
            runs, loads = [], []
            for _ in range(max(args.repeat, 1)):
                _wait_for_load(args.wait_load)
                loads.append(os.getloadavg()[0])
                runs.append(_run([sys.executable, "-m", "benchmarks.bench_data", "--measure", str(path)]))
            col = lambda key: [r[key] for r in runs]  # noqa: E731
            total = statistics.median(col("bytes_to_summary"))
            summarize = statistics.median(col("summarize"))
            peer = _run([str(PEER), "-c", PEER_CODE, str(path)]) if PEER.exists() else None
            peer_cells = (
                ("—", "—", "—")
                if peer is None
                else (
                    f"{peer['summary']:.2f}",
                    f"{peer['summary'] / summarize:.1f}x",
                    f"{peer['summary'] / total:.1f}x",
                )
            )
            lines.append(
                f"| {n:,} | {runs[0]['customers']:,} | {path.stat().st_size / 1e6:.0f} "
                f"| {_spread(col('bytes_to_summary'))} | {_spread(col('read'))} | {_spread(col('summarize'))} "
                f"| {_spread(col('peak_summary_mb'), '{:.0f}')} | {_spread(col('rfm_cohorts'))} "
                f"| {_spread(col('peak_mb'), '{:.0f}')} | {_spread(loads, '{:.1f}')} | {' | '.join(peer_cells)} |"
            )
    print("\n".join(lines))
    if not PEER.exists():
        print(f"\n(lifetimes peer not found at {PEER}; see /work/shared/peers/lifetimes/README.md)")


if __name__ == "__main__":
    main()
