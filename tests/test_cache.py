"""ui/cache.py: computations on the data in use go through one registry."""

import pandas as pd
import pytest

from ui import cache


@pytest.fixture
def calls(monkeypatch):
    seen = []

    def fake(name):
        return lambda table, *args: seen.append((name, args)) or (name, args)

    monkeypatch.setitem(cache._ON_DATA, "comparison", fake("comparison"))
    monkeypatch.setitem(cache._ON_DATA, "customer_models", fake("customer_models"))
    return seen


def test_prediction_fits_are_registry_entries_cached_per_dataset(calls):
    table = pd.DataFrame({"customer_id": ["a"]})
    first = cache.prediction_comparison("sample:transactions", "2024-06-30", ("bgnbd",), table)
    again = cache.prediction_comparison("sample:transactions", "2024-06-30", ("bgnbd",), table)
    other = cache.prediction_comparison("sample:transactions", "2024-07-31", ("bgnbd",), table)
    assert first == again == ("comparison", ("2024-06-30", ("bgnbd",))) and other[1][0] == "2024-07-31"
    models = cache.customer_models("sample:summary", "pareto_nbd", "summary", table)
    assert models == ("customer_models", ("pareto_nbd", "summary"))
    assert calls == [
        ("comparison", ("2024-06-30", ("bgnbd",))),
        ("comparison", ("2024-07-31", ("bgnbd",))),
        ("customer_models", ("pareto_nbd", "summary")),
    ]  # the repeat came from the cache


def test_the_registry_runs_the_real_fits():
    from clv import data

    summary = data.load_sample("transactions").transactions
    small = summary[summary["customer_id"].isin(summary["customer_id"].unique()[:300])]
    fitted = cache._ON_DATA["customer_models"](small, "bgnbd", "transactions")
    assert fitted.key == "bgnbd" and len(fitted.summary) == 300
