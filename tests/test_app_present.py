"""The presentation view and the HTML report."""

from tests.apptest import app, metrics, plain

LINK = dict(c1="loyalty", c1r="40", c1c="20", c1p="1", c1s="0")  # the loyalty reference campaign


def test_present_shows_the_scenario_in_large_type():
    at = app("pages/present.py", **LINK).run()
    assert not at.exception
    assert metrics(at) == {"LTV with campaigns": "$880", "Net value": "$70", "ROI": "7.0×"}
    assert "adds $70.00 per customer" in " ".join(plain(m.value) for m in at.markdown)
    assert len(at.get("plotly_chart")) == 2
    assert any("font-size: 3.2rem" in h.proto.body for h in at.get("html"))  # measured in chromium: tests/browser


def test_present_without_campaigns_points_to_the_scenarios_page():
    at = app("pages/present.py").run()
    assert not at.exception and "No campaign to present yet" in at.info[0].value


def test_report_holds_the_figures_escapes_names_and_embeds_plotly():
    import clv
    from clv.report import scenario_report

    base = clv.Assumptions(arpu=50, gross_margin=0.8, monthly_churn=0.05, cac=300)
    c = clv.scenarios.Campaign("<script>alert(1)</script>", reach=0.4, churn_reduction=0.2, monthly_cost=1.0)
    page = scenario_report(clv.scenarios.compare(base, [c]), "en", "€", 1000, generated_at="2026-11-23")
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "€880.00" in page and "€70,000.00" in page  # LTV and the cohort's net value
    assert "it breaks even if it cuts members&#x27; churn by at least 2.5%" in page
    assert page.count("plotly.js v") == 1  # embedded once: opens offline
    assert "<script src=" not in page and "<link " not in page and 'src="http' not in page
