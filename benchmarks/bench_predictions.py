"""Predictions on the bundled sample (10,000 customers): the fits the page runs, and the page itself.

Run: make bench, or .venv/bin/python -m benchmarks.bench_predictions (prints a markdown table; medians)

The page's first load includes Streamlit's start and the cold model fits; the reruns are what a user
waits for after changing the horizon (no refit: cached) or the calibration date (three fits again).
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import numpy as np

from benchmarks.common import shown, timed
from clv import data, predict

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    tx = data.load_sample("transactions").transactions
    bgnbd = predict.fit_customer_models(tx, "bgnbd")
    rows = [
        (
            "compare BG/NBD, Pareto/NBD, MBG/NBD on the holdout (3 fits + tracking)",
            timed(lambda: predict.compare_models(tx), 5),
        ),
        ("BG/NBD + Gamma-Gamma, whole period", timed(lambda: predict.fit_customer_models(tx, "bgnbd"), 10)),
        ("Pareto/NBD + Gamma-Gamma, whole period", timed(lambda: predict.fit_customer_models(tx, "pareto_nbd"), 5)),
        (
            "each customer's P(alive), purchases, spend, 12-month CLV",
            timed(lambda: predict.customer_values(bgnbd, 12, 0.10), 20),
        ),
    ]

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    st.cache_data.clear()
    start = time.perf_counter()
    at = AppTest.from_file(str(ROOT / "pages" / "predictions.py"), default_timeout=120).run()
    first = time.perf_counter() - start
    assert not at.exception, at.exception
    horizons = iter(np.tile([6, 12, 24, 36], 10))
    dates = iter([dt.date(2025, 3, 1) + dt.timedelta(days=7 * k) for k in range(20)])
    rows += [
        ("predictions page, first load (AppTest, cold caches)", first),
        (
            "predictions page rerun after a horizon change (AppTest)",
            timed(lambda: at.number_input(key="pred_horizon").set_value(int(next(horizons))).run(), 8),
        ),
        (
            "predictions page rerun after a calibration date change: 3 refits (AppTest)",
            timed(lambda: at.date_input(key="pred_cal_date").set_value(next(dates)).run(), 4),
        ),
    ]
    print("| what (sample: 10,000 customers, 37,346 orders) | median time |\n| --- | ---: |")
    for name, seconds in rows:
        print(f"| {name} | {shown(seconds)} |")


if __name__ == "__main__":
    main()
