"""Benchmark the fit-robustness suite (tests/test_robustness.py): for each model, 250 fits (200 CDNOW
resamples, 50 generated data sets), with the outcome counts, the slowest fit, the total time and what
lifetimes 0.11.3 did on the same data (recorded in tests/data/robustness/lifetimes_fits.json).

Run: ``.venv/bin/python -m benchmarks.bench_robustness``. Prints a markdown table.
"""

from __future__ import annotations

import json
import time

from tests import robustness as R


def main() -> None:
    peer = json.loads((R.HERE / "lifetimes_fits.json").read_text())["fits"]
    lines = [
        "| model | data sets | fitted | FitError (clear message) | out of time | LL below lifetimes' "
        "| slowest fit s | total s | lifetimes: fitted | lifetimes: failed | lifetimes total s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for model in R.MODELS:
        keys = R.keys(model)
        fitted = errors = late = worse = 0
        slowest = 0.0
        start = time.perf_counter()
        for key in keys:
            try:
                o = R.run(key)
            except R.OutOfTime:
                late += 1
                continue
            slowest = max(slowest, o.seconds)
            if o.error is not None:
                errors += 1
            else:
                fitted += 1
                worse += o.at_lifetimes is not None and o.log_likelihood < o.at_lifetimes - 1e-6 * abs(o.at_lifetimes)
        total = time.perf_counter() - start
        theirs = [peer[k] for k in keys]
        lines.append(
            f"| {model} | {len(keys)} | {fitted} | {errors} | {late} | {worse} | {slowest:.2f} | {total:.1f} "
            f"| {sum(p['outcome'] == 'fit' for p in theirs)} | {sum(p['outcome'] != 'fit' for p in theirs)} "
            f"| {sum(p['seconds'] for p in theirs):.1f} |"
        )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
