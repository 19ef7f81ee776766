"""A shop owner whose orders are in a database (issue 15): on Your data, pick From a database, run the built-in
DuckDB sample, read the quality report, then open Segments and cohorts and Predictions in the same session and
see their figures computed from the database; a typed SELECT narrows it, a DROP is refused; then the page in
Arabic. Screenshots of every step go to test-artifacts/database-*.png."""

import re

from playwright.sync_api import expect

from .conftest import DATA, PREDICTIONS, SEGMENTS

CHARTS_DRAWN = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
    .every(c => c.querySelector(".main-svg"))"""


def charts_fit(pg) -> list[str]:
    """Charts whose drawing is wider than their box or cut by the page's right edge (a defect seen in a screenshot)."""
    return pg.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].filter(c => {
            const svg = c.querySelector('.main-svg'); if (!svg) return false;
            const box = c.getBoundingClientRect(), drawn = svg.getBoundingClientRect();
            return drawn.width > box.width + 2 || box.right > window.innerWidth + 2;
        }).map(c => c.getBoundingClientRect().width + 'px')"""
    )


def test_database_journey(journey):
    j = journey("database")
    pg = j.page
    j.open("/data")
    expect(pg.get_by_role("heading", name="Bring your own data")).to_be_visible()
    pg.get_by_test_id("stRadio").filter(has_text="Where the data is").get_by_text("From a database").click()
    j.settle()
    expect(pg.get_by_role("heading", name="From a database")).to_be_visible()
    expect(pg.get_by_text("Built-in sample (DuckDB)")).to_be_visible()
    assert j.metric("Rows read") == "37,346" and j.metric("Rows kept") == "37,346" and j.metric("Rows set aside") == "0"
    expect(pg.get_by_text("Read in the database (duckdb): the rows stay there")).to_be_visible()
    expect(pg.get_by_text("This database is now the data in use")).to_be_visible()
    assert "src=database" in pg.url
    j.shot("report")

    # Segments and cohorts: RFM inputs and cohort cells from the database
    j.nav(SEGMENTS)
    expect(pg.get_by_role("heading", name="Segments and cohorts")).to_be_visible()
    expect(pg.get_by_text("The data in use is a database")).to_be_visible()
    assert j.metric("Customers") == "10,000" and j.metric("Revenue") == "$2,165,058"
    pg.wait_for_function(CHARTS_DRAWN, timeout=60_000)
    assert charts_fit(pg) == []
    j.shot("segments")
    pg.get_by_role("heading", name="Monthly acquisition cohorts").scroll_into_view_if_needed()
    pg.wait_for_function(CHARTS_DRAWN, timeout=60_000)
    j.shot("cohorts")

    # Predictions: fitted on the distinct histories, customers a page at a time
    j.nav(PREDICTIONS)
    expect(pg.get_by_text("The data in use is a database: the models are fitted")).to_be_visible()
    assert j.metric("Customers") == "10,000" and j.metric("Total predicted CLV") == "$978,792"
    expect(pg.get_by_text(re.compile(r"100 customers a page, by customer ID: page 1 of 100"))).to_be_visible()
    pg.wait_for_function(CHARTS_DRAWN, timeout=60_000)
    assert charts_fit(pg) == []
    j.shot("predictions")
    page_box = pg.get_by_role("spinbutton", name="Page of customers")
    page_box.fill("2")
    page_box.press("Enter")
    j.settle()
    expect(pg.get_by_text("page 2 of 100")).to_be_visible()
    pg.get_by_text("page 2 of 100").scroll_into_view_if_needed()
    j.shot("predictions-page-2")
    pg.get_by_test_id("stPlotlyChart").first.scroll_into_view_if_needed()
    pg.wait_for_function(CHARTS_DRAWN, timeout=60_000)
    assert charts_fit(pg) == []
    j.shot("predictions-charts")

    # Back on Your data (the choice kept), a typed SELECT narrows the data; a DROP is refused before it is sent
    j.nav(DATA)
    expect(pg.get_by_role("heading", name="From a database")).to_be_visible()
    query = pg.get_by_role("textbox", name="Table or query")
    query.fill("SELECT customer_id, date, amount FROM transactions WHERE amount >= 100 AND channel = 'web'")
    query.press("Control+Enter")
    j.settle()
    expect(pg.get_by_test_id("stMetricValue").first).to_have_text("2,024")
    j.shot("typed-select")
    query.fill("DROP TABLE transactions")
    query.press("Control+Enter")
    j.settle()
    expect(pg.get_by_text("this statement is a DROP")).to_be_visible()
    j.shot("refused")
    query.fill("")
    query.press("Control+Enter")
    j.settle()
    expect(pg.get_by_test_id("stMetricValue").first).to_have_text("37,346")  # the sample is untouched

    # The same in Arabic, right to left
    j.open("/data?src=database&lang=ar")
    expect(pg.get_by_role("heading", name="من قاعدة بيانات")).to_be_visible()
    expect(pg.get_by_test_id("stMetricValue").first).to_have_text("37,346")
    j.shot("arabic")
    j.open("/segments?src=database&lang=ar")
    expect(pg.get_by_text("البيانات المستخدمة قاعدة بيانات")).to_be_visible()
    pg.wait_for_function(CHARTS_DRAWN, timeout=60_000)
    assert charts_fit(pg) == []
    j.shot("arabic-segments")
