"""Where the value is, ranges, targeting and one customer's story on the bundled sample (10,000 customers,
four channels), and the pages that show them (AppTest reruns after an input change).

Run: make bench, or .venv/bin/python -m benchmarks.bench_value (prints a markdown table; medians)
"""

from __future__ import annotations

import time
from pathlib import Path

from benchmarks.common import shown, timed
from clv import data, groups, predict, targeting
from clv.core import monthly_rate

ROOT = Path(__file__).resolve().parents[1]
CAC = {"web": 25.0, "app": 40.0, "marketplace": 12.0, "social_ads": 250.0}


def main() -> None:
    tx = data.load_sample("transactions").transactions
    m = predict.fit_customer_models(tx, "bgnbd")
    fits = groups.fit_groups(tx, "channel")
    offer = targeting.offer_from_template("win_back", cost_per_contact=0.5)
    values = targeting.incremental_values(m, offer, 12, monthly_rate(0.10), 0.8)
    at_risk = targeting.target_mask(values, "segment", "at_risk")
    rows = [
        (
            "formula LTV, LTV:CAC and payback by channel (compare)",
            timed(lambda: groups.compare(tx, "channel", CAC), 10),
        ),
        (
            "BG/NBD + Gamma-Gamma per channel and the likelihood-ratio tests",
            timed(lambda: groups.fit_groups(tx, "channel"), 5),
        ),
        ("each channel's mean CLV with its 90% range (group_values)", timed(lambda: groups.group_values(fits), 5)),
        (
            "each customer's CLV range and the totals' (value_intervals, 1,000 draws)",
            timed(lambda: predict.value_intervals(m.transaction_model, m.spend_model, m.summary), 10),
        ),
        (
            "each customer's incremental value of an offer (incremental_values)",
            timed(lambda: targeting.incremental_values(m, offer, 12, monthly_rate(0.10), 0.8), 20),
        ),
        (
            "a target's totals with 95% intervals (200 draws)",
            timed(lambda: targeting.evaluate_target(values, at_risk, m), 5),
        ),
        ("the break-even effect of the offer", timed(lambda: targeting.break_even_effect(values, at_risk, m), 5)),
        ("the targeting rules side by side", timed(lambda: targeting.compare_rules(values, segment="at_risk"), 20)),
        ("one customer's story", timed(lambda: predict.customer_story(m, tx, "C00042", 12, 0.10), 20)),
    ]

    from streamlit.testing.v1 import AppTest

    start = time.perf_counter()
    page = AppTest.from_file(str(ROOT / "pages" / "groups.py"), default_timeout=120).run()
    rows.append(("'Where the value is' page, first load (AppTest)", time.perf_counter() - start))
    assert not page.exception, page.exception
    key = next(n.key for n in page.number_input if n.key.startswith("grp_cac_"))
    cacs = iter([20.0, 30.0, 40.0, 50.0] * 5)
    rows.append(
        (
            "'Where the value is' rerun after a CAC change (AppTest)",
            timed(lambda: page.number_input(key=key).set_value(next(cacs)).run(), 8),
        )
    )
    seg = AppTest.from_file(str(ROOT / "pages" / "segments.py"), default_timeout=120).run()
    assert not seg.exception, seg.exception
    take_ups = iter([5.0, 10.0, 15.0, 20.0] * 5)
    rows.append(
        (
            "Segments rerun after a take-up change: the target recomputed (AppTest)",
            timed(lambda: seg.number_input(key="tg_take_up").set_value(next(take_ups)).run(), 8),
        )
    )
    print("| what (sample: 10,000 customers, four channels) | median time |\n| --- | ---: |")
    for what, seconds in rows:
        print(f"| {what} | {shown(seconds)} |")


if __name__ == "__main__":
    main()
