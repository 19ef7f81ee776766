"""The marketer's journey: three campaigns, an invalid field on one card, every chart tab, the HTML report
opened offline, a saved session loaded in a fresh browser on another page, and Present on a projector."""

import re

from playwright.sync_api import expect

from .conftest import CALCULATOR, PRESENT, SCENARIOS

INNERMOST_FONT_SIZE = (
    "e => { while (e.firstElementChild) e = e.firstElementChild; return getComputedStyle(e).fontSize }"
)


def add_campaign(j, template: str) -> None:
    pg = j.page
    pg.get_by_role("combobox", name="Campaign template").click()
    pg.get_by_role("option", name=template, exact=True).click()
    j.settle()
    pg.get_by_role("button", name="Add campaign").click()
    j.settle()


def test_campaigns_charts_report_session_and_present(journey, tmp_path):
    j = journey(height=1600)
    pg = j.page
    j.open("/scenarios")
    for template in ("Loyalty programme", "Cross-sell", "Annual billing switch"):
        add_campaign(j, template)
    expect(pg.get_by_test_id("stMetricLabel").filter(has_text="LTV with campaigns")).to_be_visible()
    # Edit a card: its summary follows (reach 60%, the currency shown).
    j.type_into("Reach (%)", "60", nth=0)
    expect(
        pg.get_by_text(re.compile(r"reaches 60% of customers · churn 20% lower · \$1\.00 a member a month"))
    ).to_be_visible()
    # An invalid field: the error is on that card, in points and percent; the other campaigns' results stay.
    # Cards sit in two columns: in page order Loyalty (1st), Annual billing (3rd), then Cross-sell (2nd).
    j.type_into("Margin change (points)", "25", nth=1)
    card = (
        pg.get_by_test_id("stLayoutWrapper")
        .filter(has_text="Annual plan discount")
        .filter(has=pg.get_by_test_id("stAlert"))
        .last
    )  # the innermost block with both: the card itself
    expect(card.get_by_test_id("stAlert")).to_contain_text("the gross margin would be 105.0%")
    expect(card).not_to_contain_text("Loyalty programme")
    expect(pg.get_by_test_id("stMetricLabel").filter(has_text="LTV with campaigns")).to_be_visible()
    j.shot("invalid-card")
    j.type_into("Margin change (points)", "-5", nth=1)
    expect(pg.get_by_test_id("stAlert").filter(has_text="gross margin would be")).to_have_count(0)

    for tab in ("Where the value comes from", "Over time", "Sensitivity", "Uncertainty", "Value by scenario"):
        pg.get_by_role("tab", name=tab).click()
        j.settle()
        if tab == "Uncertainty":
            expect(pg.get_by_text("Give a low and high value for an effect")).to_be_visible()
        else:
            expect(pg.locator(".js-plotly-plot").first).to_be_visible()
        j.shot("tab-" + tab.split()[0].lower())

    # The report, opened offline: the campaigns, their inputs and readable formulas.
    with pg.expect_download() as download:
        pg.get_by_role("button", name="Download the report (HTML)").click()
    report = tmp_path / "report.html"
    download.value.save_as(report)
    offline = journey("marketer-report")
    offline.context.route("**/*", lambda r: r.abort() if not r.request.url.startswith("file:") else r.continue_())
    offline.page.goto(report.as_uri())
    expect(offline.page.get_by_text("Loyalty programme").first).to_be_visible()
    expect(offline.page.get_by_text("60.0%").first).to_be_visible()
    assert "\\frac" not in offline.page.content()
    offline.shot("report")

    # Save the session, load it in a fresh browser on another page, then navigate.
    sidebar = pg.get_by_test_id("stSidebar")
    sidebar.get_by_text("Save or load a session").click()
    with pg.expect_download() as saved:
        sidebar.get_by_role("button", name="Save session").click()
    session_file = tmp_path / "clv-session.json"
    saved.value.save_as(session_file)
    fresh = journey("marketer-session")
    fresh.open("/")
    side = fresh.page.get_by_test_id("stSidebar")
    side.get_by_text("Save or load a session").click()
    side.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(session_file)
    fresh.settle()
    fresh.nav(SCENARIOS)
    expect(fresh.page.get_by_test_id("stMetricLabel").filter(has_text="LTV with campaigns")).to_be_visible()
    assert fresh.page.get_by_role("spinbutton", name="Reach (%)").first.input_value() == "60.0"
    fresh.nav(CALCULATOR)
    fresh.nav(SCENARIOS)
    assert fresh.page.get_by_role("spinbutton", name="Reach (%)").first.input_value() == "60.0"
    fresh.shot("loaded")

    # Present on a projector: figures at least twice the label size, nothing cut.
    for width, height in ((1920, 1080), (1280, 720)):
        pg.set_viewport_size({"width": width, "height": height})
        j.nav(PRESENT)
        value = pg.get_by_test_id("stMetricValue").first
        label = pg.get_by_test_id("stMetricLabel").first

        def size(el):
            return float(el.evaluate(INNERMOST_FONT_SIZE)[:-2])

        assert size(value) >= 2 * size(label), (size(value), size(label))
        for el in pg.get_by_test_id("stMetricValue").all() + pg.get_by_test_id("stMetricLabel").all():
            assert el.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), el.inner_text()
        j.shot(f"present-{width}")
