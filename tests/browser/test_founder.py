"""The founder's journey: typed values, sliders, presets and Reset survive every sidebar hop, the language
switch and a shared link (a hop to Scenarios used to set every calculator input to its minimum)."""

import re

from playwright.sync_api import expect

from .conftest import CALCULATOR, DATA, GROUPS, LEARN, PREDICTIONS, PRESENT, SCENARIOS, SEGMENTS


def test_inputs_survive_every_sidebar_hop(journey):
    j = journey()
    pg = j.page
    j.open("/")
    expect(pg.get_by_test_id("stMetricValue").first).to_have_text("$800.00")
    j.type_into("Revenue per customer per month (ARPU)", "55")
    j.type_into("Monthly churn (%)", "4")
    expect(pg.get_by_test_id("stMetricValue").first).to_have_text("$1,100.00")  # 55 x 0.8 / 0.04
    j.shot("typed")
    for lap in range(2):
        for page in (SCENARIOS, DATA, SEGMENTS, GROUPS, PREDICTIONS, LEARN, PRESENT, CALCULATOR):
            j.nav(page)
            assert "arpu=0" not in pg.url and "churn=0" not in pg.url, pg.url
        expect(pg.get_by_test_id("stMetricValue").first).to_have_text("$1,100.00")
        assert "arpu=55" in pg.url and "churn=4" in pg.url
    j.shot("after-two-laps")

    # Scenarios shows the same baseline; a change made there is the calculator's too.
    j.nav(SCENARIOS)
    expect(pg.get_by_text("Baseline: LTV $1,100.00")).to_be_visible()
    pg.get_by_test_id("stExpander").filter(has_text="Baseline: the calculator").first.locator("summary").first.click()
    j.settle()
    j.type_into("Gross margin (%)", "50")
    expect(pg.get_by_text("Baseline: LTV $687.50")).to_be_visible()  # 55 x 0.5 / 0.04
    j.shot("scenarios-baseline")
    j.nav(CALCULATOR)
    expect(pg.get_by_test_id("stMetricValue").first).to_have_text("$687.50")

    # The language switch keeps every value, and so does coming back.
    pg.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").first.click()
    pg.get_by_role("option", name="العربية").click()
    j.settle()
    expect(pg.get_by_test_id("stMain")).to_have_css("direction", "rtl")
    expect(pg.get_by_test_id("stMetricValue").first).to_have_text("$687.50")
    j.shot("arabic")
    j.nav(SCENARIOS)
    j.nav(CALCULATOR)
    expect(pg.get_by_test_id("stMetricValue").first).to_have_text("$687.50")

    # A copied link reopens the same figures in a fresh session.
    link = pg.url
    other = journey("founder-link")
    other.page.goto(link)
    expect(other.page.get_by_test_id("stMetricValue").first).to_have_text("$687.50")
    other.shot("opened")


def test_slider_preset_and_reset(journey):
    j = journey()
    pg = j.page
    j.open("/")
    pg.get_by_role("slider", name="Monthly churn (%)").press("ArrowRight")  # 5.0 -> 5.1 %
    expect(pg.get_by_test_id("stMetricValue").first).to_have_text("$784.31")  # 40 / 0.051
    j.settle()
    j.nav(LEARN)
    j.nav(CALCULATOR)
    expect(pg.get_by_test_id("stMetricValue").first).to_have_text("$784.31")
    # A preset, then a hop: the preset's values stay.
    pg.get_by_role("combobox", name="Start from a preset").click()
    pg.get_by_role("option").first.click()
    j.settle()
    pg.get_by_role("button", name="Apply preset").click()
    j.settle()
    after_preset = pg.get_by_test_id("stMetricValue").first.inner_text()
    assert after_preset != "$784.31"
    j.shot("preset")
    j.nav(SCENARIOS)
    j.nav(CALCULATOR)
    expect(pg.get_by_test_id("stMetricValue").first).to_have_text(after_preset)
    # Reset: back to the defaults, and they too survive a hop.
    pg.get_by_test_id("stSidebar").get_by_role("button", name="Reset to defaults").click()
    j.settle()
    expect(pg.get_by_test_id("stMetricValue").first).to_have_text("$800.00")
    j.nav(PRESENT)
    j.nav(CALCULATOR)
    expect(pg.get_by_test_id("stMetricValue").first).to_have_text("$800.00")
    j.shot("reset")


def test_lesson_and_its_inputs_survive_hops(journey):
    j = journey()
    pg = j.page
    j.open("/learn")
    pg.get_by_test_id("stMain").get_by_text("Mixed customers", exact=True).click()
    j.settle()
    assert "lesson=mixture" in pg.url
    slider = pg.get_by_role("slider").nth(1)  # churn of segment B, 20%
    slider.press("ArrowLeft")  # 20.0 -> 19.5
    j.settle()
    expect(slider).to_have_value("19.5")
    j.shot("lesson")
    j.nav(CALCULATOR)
    j.nav(LEARN)
    assert "lesson=mixture" in pg.url
    expect(pg.get_by_role("slider").nth(1)).to_have_value("19.5")
    # The workshop exercise tab is on screen at 1440 px (ten tabs used to run off the edge).
    pg.set_viewport_size({"width": 1440, "height": 900})
    box = pg.get_by_test_id("stMain").get_by_text("Workshop: known truth", exact=True).bounding_box()
    assert box is not None and box["x"] + box["width"] <= 1440


CUT = """els => els.filter(e => [e, ...e.querySelectorAll('*')].some(d =>
    d.scrollWidth > d.clientWidth + 1 && getComputedStyle(d).overflow !== 'visible'))
    .map(e => e.innerText || e.value)"""


def test_nothing_is_cut_at_1440_and_1280(journey):
    # These were cut: "CAC payback (mont…", "$16,000…", a formula's top; number fields too narrow for 1000000.00.
    j = journey(width=1440, height=900)
    pg = j.page
    for width in (1440, 1280):
        pg.set_viewport_size({"width": width, "height": 900})
        j.open("/?arpu=1000000&cac=1000000&exp=4.9")
        expect(pg.get_by_test_id("stMetricValue").first).to_have_text(re.compile(r"^\$\d{3},\d{3},\d{3}$"))
        cut = pg.locator(
            '[data-testid="stMetricLabel"], [data-testid="stMetricValue"], [data-testid="stNumberInputField"]'
        ).evaluate_all(CUT)
        assert cut == [], (width, cut)
        j.shot(f"wide-values-{width}")
    pg.get_by_text("How these are calculated").click()
    j.settle()
    first = pg.locator(".katex-display").first
    first.scroll_into_view_if_needed()
    assert first.evaluate("e => e.scrollHeight <= e.clientHeight + 1 || getComputedStyle(e).overflowY === 'visible'"), (
        "the first formula is cut"
    )
