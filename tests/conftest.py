import os

import pytest


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session):
    """Under CI, a run in which no real-browser test passed, or one was skipped, is red."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    stats = reporter.stats if reporter else {}
    passed = stats.get("passed", [])
    skipped = [r for r in stats.get("skipped", []) if "browser" in r.keywords]
    if os.environ.get("CI") and session.exitstatus == 0:
        if not any("browser" in r.keywords for r in passed):
            print("\nCI: the real-browser tests did not run")
            session.exitstatus = 1
        elif skipped:
            print(f"\nCI: {len(skipped)} real-browser test(s) skipped: {[r.nodeid for r in skipped]}")
            session.exitstatus = 1


@pytest.fixture(autouse=True)
def _fresh_streamlit_caches():
    """st.cache_data outlives an AppTest: clear it so each test starts cold."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    yield


# Property tests explore at random on a developer's machine; under CI they run a fixed set of examples,
# so a red CI always means a change broke something (a new counterexample found locally gets a test).
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile(
    "ci", derandomize=True, print_blob=True, deadline=None
)  # speed is benchmarked, not timed
if os.environ.get("CI"):
    _hypothesis_settings.load_profile("ci")


# The sample's model fits, shared by the prediction and chart tests (fitted once per run).
@pytest.fixture(scope="session")
def transactions():
    from clv import data

    return data.load_sample("transactions").transactions


@pytest.fixture(scope="session")
def full(transactions):
    from clv import predict

    return predict.fit_customer_models(transactions, "bgnbd")


@pytest.fixture(scope="session")
def comparison(transactions):
    from clv import predict

    return predict.compare_models(transactions, models=("bgnbd", "mbgnbd"))
