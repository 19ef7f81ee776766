"""Every page's link carries every input its figures depend on (issue 10: a Predictions link made with a 50%
margin reopened "formula vs model" at the default margin's values)."""

import pytest

from apptest import app


@pytest.mark.parametrize("script, query, kept", [
    ("pages/predictions.py", {"margin": "50", "phz": "24", "inactive": "90"}, {"margin": "50", "phz": "24", "inactive": "90"}),
    ("pages/segments.py", {"inactive": "90", "seg": "at_risk", "churn": "4"}, {"inactive": "90", "seg": "at_risk"}),
    ("pages/learn.py", {"arpu": "60", "churn": "4"}, {"arpu": "60", "churn": "4"}),
    ("pages/present.py", {"arpu": "60", "c1": "loyalty", "c1r": "40"}, {"arpu": "60", "c1": "loyalty", "c1r": "40"}),
])
def test_link_keeps_what_the_page_uses(script, query, kept):
    at = app(script, **query).run()
    assert not at.exception
    written = {k: at.query_params[k] for k in at.query_params}
    assert {k: written.get(k) for k in kept} == kept
    if script == "pages/segments.py":
        assert "churn" not in written                 # the calculator's churn does not change this page
