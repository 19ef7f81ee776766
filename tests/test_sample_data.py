"""sample_data/: the bundled files are what sample_data/generate.py documents, and that process is one
the BG/NBD model describes exactly in daily data (so fits on the sample can be checked against the truth)."""

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clv import rfm
from clv.models import BetaGeo, GammaGamma

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("generate", ROOT / "sample_data" / "generate.py")
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)

TRUE_BGNBD = {"r": 0.75, "alpha": 40.0, "a": 0.8, "b": 2.5}  # sample_data/README.md, days


@pytest.mark.parametrize(
    "name, make", [("transactions.csv", generate.transactions), ("subscriptions.csv", generate.subscriptions)]
)
def test_bundled_files_are_what_the_generator_writes(name, make):
    written = make().to_csv(index=False, float_format="%.2f", lineterminator="\n")
    assert (ROOT / "sample_data" / name).read_text(encoding="utf-8") == written


def test_no_customer_orders_twice_on_one_day(transactions):
    # so a daily summary counts every purchase (frequency = orders - 1)
    assert not transactions.duplicated(["customer_id", "date"]).any()
    s = rfm.summarize(transactions, observation_end="2025-12-31")
    assert s["frequency"].sum() == len(transactions) - s.shape[0]


def test_the_generating_process_is_unbiased_for_bgnbd_in_days():
    # 30 samples (seeds 1..30, 10,000 customers each): the mean of each fitted parameter lies within
    # 3 standard errors of the truth, and each 95% interval covers the truth in at least 25 of 30.
    # (The earlier process, continuous times floored to days with same-day merges, fails this: mean alpha
    # 42.5, 11 standard errors high, covered in 14 of 30.)
    fits = []
    for seed in range(1, 31):
        s = rfm.summarize(generate.transactions(seed), amount_col="amount", observation_end=generate.END)
        fits.append(BetaGeo().fit(s["frequency"], s["recency"], s["T"]))
    for name, truth in TRUE_BGNBD.items():
        est = np.array([m.params[name] for m in fits])
        assert abs(est.mean() - truth) < 3 * est.std(ddof=1) / np.sqrt(est.size), (name, est.mean())
        covered = sum(m.confidence_intervals[name][0] <= truth <= m.confidence_intervals[name][1] for m in fits)
        assert covered >= 25, (name, covered)


def test_spend_process_is_gamma_gamma_with_the_readme_values(transactions):
    s = rfm.summarize(transactions, amount_col="amount", observation_end="2025-12-31")
    rep = s[s["frequency"] > 0]
    gg = GammaGamma().fit(rep["frequency"], rep["monetary_value"])
    ci = gg.confidence_intervals
    assert all(ci[k][0] <= v <= ci[k][1] for k, v in {"p": 6.0, "q": 4.0, "v": 30.0}.items()), gg.summary()
    # mean order value p * gamma / (q - 1) = 60
    assert pd.Series(transactions["amount"]).mean() == pytest.approx(60, rel=0.03)
