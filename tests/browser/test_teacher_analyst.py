"""The teacher's and the analyst's journeys in a real browser."""

import re
from pathlib import Path

from playwright.sync_api import expect

from .conftest import CALCULATOR, DATA, LEARN, PREDICTIONS, PRESENT, SCENARIOS, SEGMENTS

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "transactions.csv"
LATIN_DIGIT = re.compile(r"[0-9]")


def test_workshop_mode_hides_every_answer_until_revealed(journey):
    j = journey()
    pg = j.page
    j.open("/?arpu=60&churn=4&c1=loyalty")  # LTV $1,200.00 (60 x 0.8 / 0.04)
    expect(pg.get_by_test_id("stMetricValue").first).to_have_text("$1,200.00")
    pg.get_by_test_id("stSidebar").get_by_text("Workshop mode").click()
    j.settle()
    for page in (CALCULATOR, SCENARIOS, PRESENT, LEARN):
        j.nav(page)
        expect(pg.get_by_role("button", name="Reveal the results")).to_be_visible()
        main = pg.get_by_test_id("stMain").inner_text()
        assert "1,200" not in main and "880" not in main, main[:2000]
        j.shot(f"hidden-{page}")
    j.nav(CALCULATOR)
    pg.get_by_role("button", name="Reveal the results").click()
    j.settle()
    expect(pg.get_by_test_id("stMetricValue").first).to_have_text("$1,200.00")
    j.nav(SCENARIOS)  # the calculator's reveal shows the baseline line
    expect(pg.get_by_text("Baseline: LTV $1,200.00")).to_be_visible()
    j.nav(LEARN)  # a quiz answered in the browser
    pg.get_by_role("radiogroup", name="What does the LTV in this app measure?").get_by_role("radio").first.check(
        force=True
    )
    j.settle()
    expect(pg.get_by_test_id("stAlert").filter(has_text=re.compile("Right|Not quite")).first).to_be_visible()
    j.shot("quiz")


def test_whole_app_in_arabic_with_arabic_indic_digits(journey):
    j = journey()
    pg = j.page
    j.open("/?lang=ar&digits=arabic&c1=loyalty")
    expect(pg.get_by_test_id("stMain")).to_have_css("direction", "rtl")
    for page in (CALCULATOR, SCENARIOS, PRESENT):
        j.nav(page)
        values = [v for v in j.metrics() if v]
        assert values and not any(LATIN_DIGIT.search(v) for v in values), values
        j.shot(f"ar-{page}")


def test_upload_segments_predictions_and_baseline(journey):
    j = journey(height=1400)
    pg = j.page
    j.open("/data")
    pg.get_by_test_id("stMain").get_by_test_id("stFileUploaderDropzoneInput").set_input_files(SAMPLE)
    j.settle()
    expect(pg.get_by_text("transactions.csv").first).to_be_visible()
    expect(pg.get_by_text("ARPU per month").first).to_be_visible()
    expect(pg.get_by_test_id("stMetricValue").filter(has_text="$38.58").first).to_be_visible()
    j.shot("uploaded")
    j.nav(SEGMENTS)
    expect(pg.get_by_test_id("stMetricValue").first).to_be_visible()
    assert any(v.replace(",", "").isdigit() for v in j.metrics())
    j.shot("segments")
    j.nav(PREDICTIONS)
    expect(pg.get_by_text("fits the holdout best")).to_be_visible(timeout=90_000)
    j.shot("predictions")
    j.nav(DATA)  # the upload is still there after the hops
    expect(pg.get_by_test_id("stMetricValue").filter(has_text="$38.58").first).to_be_visible()
    pg.get_by_role("button", name="Use as the calculator's baseline").click()
    j.settle()
    expect(pg.get_by_text(re.compile("The calculator now uses: .*→ \\$38.58"))).to_be_visible()
    j.nav(CALCULATOR)
    expect(pg.get_by_test_id("stMetricValue").first).to_have_text("$417.08")  # 38.58 x 0.80 / 0.074
    j.shot("calculator")
