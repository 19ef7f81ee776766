"""Calculator speed: one evaluate, the 200 x 200 LTV:CAC grid, the charts, one AppTest rerun.

Run: make bench, or .venv/bin/python -m benchmarks.bench_calculator (prints a markdown table; medians)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import clv
from benchmarks.common import shown, timed
from clv.charts import calculator as charts

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    a = clv.Assumptions(arpu=50, gross_margin=0.8, monthly_churn=0.05, cac=300, annual_discount_rate=0.1)
    churn = np.linspace(0.005, 0.3, 200)
    arpu = np.linspace(1, 500, 200)
    result = clv.evaluate(a)

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    values = iter(np.tile(np.linspace(2.0, 9.0, 8), 10))

    def rerun():
        at.slider(key="calc_churn").set_value(float(next(values))).run()

    rows = [
        ("clv.evaluate (one set of assumptions)", timed(lambda: clv.evaluate(a), 2000)),
        (
            "clv.ltv_to_cac, 200 x 200 grid",
            timed(lambda: clv.ltv_to_cac(arpu[:, None], 0.8, churn[None, :], 300, 0.1), 500),
        ),
        (
            "three calculator charts (build)",
            timed(lambda: (charts.payback(result), charts.ltv_by_churn(result), charts.ltv_cac_map(result)), 30),
        ),
        ("calculator page rerun after a slider change (AppTest)", timed(rerun, 15)),
    ]
    print("| what | median time |\n| --- | ---: |")
    for name, seconds in rows:
        print(f"| {name} | {shown(seconds)} |")


if __name__ == "__main__":
    main()
