"""Campaign what-ifs speed: five campaigns with attribution, the 10,000-draw simulation, one evaluate,
the 200 x 200 LTV:CAC grid.

Run: make bench, or .venv/bin/python -m benchmarks.bench_scenarios (prints a markdown table; medians)
"""

from __future__ import annotations


import numpy as np

import clv
from benchmarks.common import shown, timed
from clv import scenarios as sc


def main() -> None:
    base = clv.Assumptions(arpu=50, gross_margin=0.8, monthly_churn=0.05, cac=300, annual_discount_rate=0.1)
    tenure = clv.Assumptions(
        arpu=50,
        gross_margin=0.8,
        monthly_churn=0.05,
        cac=300,
        annual_discount_rate=0.1,
        retention_curve=(1.2, 6.0),
        monthly_expansion=0.005,
    )
    five = [sc.TEMPLATES[k].make() for k in ("loyalty", "cross_sell", "upsell", "reminders", "annual_billing")]
    ranges = {
        (five[0].name, "churn_reduction"): (0.1, 0.3),
        (five[1].name, "reach"): (0.1, 0.2),
        (five[2].name, "arpu_lift"): (0.2, 0.5),
        (five[3].name, "churn_reduction"): (0.05, 0.1, 0.2),
        (five[4].name, "renewal_rate"): (0.6, 0.8),
    }
    churn = np.linspace(0.005, 0.3, 200)
    arpu = np.linspace(1, 500, 200)
    rows = [
        (
            "evaluate_scenario, 5 campaigns (32 segments) with Shapley attribution",
            timed(lambda: sc.evaluate_scenario(base, five), 100),
        ),
        ("the same on an sBG + expansion baseline", timed(lambda: sc.evaluate_scenario(tenure, five), 100)),
        (
            "simulate, 10,000 draws, 5 campaigns, 5 uncertain effects",
            timed(lambda: sc.simulate(base, five, ranges, n=10_000, seed=0), 10),
        ),
        (
            "the same on an sBG + expansion baseline",
            timed(lambda: sc.simulate(tenure, five, ranges, n=10_000, seed=0), 5),
        ),
        ("break_even (churn_reduction), one campaign", timed(lambda: sc.break_even(base, five[0]), 50)),
        ("sensitivity, 5 campaigns", timed(lambda: sc.sensitivity(base, five), 20)),
        ("clv.evaluate (closed forms)", timed(lambda: clv.evaluate(base), 2000)),
        ("clv.evaluate (sBG curve + expansion: month-by-month engine)", timed(lambda: clv.evaluate(tenure), 500)),
        (
            "clv.ltv_to_cac, 200 x 200 grid",
            timed(lambda: clv.ltv_to_cac(arpu[:, None], 0.8, churn[None, :], 300, 0.1), 500),
        ),
    ]
    print("| what | median time |\n| --- | ---: |")
    for name, seconds in rows:
        print(f"| {name} | {shown(seconds)} |")


if __name__ == "__main__":
    main()
