"""The marketer's "where is the value" journey in a real browser: upload the sample through the real widget,
group by acquisition channel, type a CAC, see LTV:CAC move against the 3:1 line, use a channel as the
calculator's baseline, target a segment with a win-back offer on Segments, download the customers to
contact, and read one customer's story on Predictions; then the same page in Arabic."""

import csv
import io
import re

from playwright.sync_api import expect

from benchmarks.server import ROOT

from .conftest import CALCULATOR, DATA, GROUPS, PREDICTIONS, SEGMENTS

SAMPLE = ROOT / "sample_data" / "transactions.csv"


def type_cac(j, channel: str, value: str) -> None:
    """A group's CAC field (its label quotes the group's name as inert text: "social\\_ads" in the markup)."""
    box = j.page.get_by_role("spinbutton", name=re.compile(r"CAC: " + channel.replace("_", r"\\?_")))
    box.fill(value)
    box.press("Enter")
    j.settle()


def test_channels_cacs_a_baseline_a_target_and_a_customers_story(journey, tmp_path):
    j = journey(height=1500)
    pg = j.page
    j.open("/data")
    pg.get_by_test_id("stMain").get_by_test_id("stFileUploaderDropzoneInput").set_input_files(SAMPLE)
    j.settle()
    expect(pg.get_by_text("transactions.csv").first).to_be_visible()

    j.nav(GROUPS)
    # an upload has no documented CACs: every group starts at the calculator's (300); type each channel's
    expect(pg.get_by_role("spinbutton", name="CAC: web ($)")).to_have_value("300.00", timeout=60_000)
    for channel, cac in (("web", "25"), ("app", "40"), ("marketplace", "12"), ("social_ads", "250")):
        type_cac(j, channel, cac)
    expect(pg.get_by_text(re.compile(r"Below it: social_ads \(1\.84 : 1\)"))).to_be_visible(timeout=60_000)
    expect(pg.get_by_text(re.compile(r"differ in how often they buy \(p < 0\.001\)"))).to_be_visible(timeout=90_000)
    pg.get_by_role("heading", name="LTV:CAC by group").evaluate("e => e.scrollIntoView()")
    j.shot("by-channel")
    # social ads at a fifth of the cost: above 3:1 now, and the link carries the CAC
    type_cac(j, "social_ads", "50")
    expect(pg.get_by_text(re.compile("Every group with a CAC meets the 3 : 1 rule of thumb"))).to_be_visible()
    assert "social_ads%3A50" in pg.url  # gcac=web:25;app:40;marketplace:12;social_ads:50
    pg.get_by_role("heading", name="Predicted value by group").evaluate("e => e.scrollIntoView()")
    j.shot("models-by-channel")
    pg.get_by_role("button", name="Use this group").click()
    j.settle()
    expect(pg.get_by_text(re.compile("The calculator now uses"))).to_be_visible()
    j.nav(CALCULATOR)
    # the first group, web: its CAC as typed
    expect(pg.get_by_role("spinbutton", name="Acquisition cost per customer (CAC)").first).to_have_value("25.00")

    # target the "at risk" customers with a win-back offer, and download them
    j.nav(SEGMENTS)
    expect(pg.get_by_text(re.compile(r"Contacting these [\d,]+ customers should bring"))).to_be_visible(timeout=90_000)
    contacted = j.metric("Customers contacted")
    pg.get_by_role("heading", name="Target real customers").evaluate("e => e.scrollIntoView()")
    j.shot("target")
    pg.get_by_text("Targeting rules side by side").evaluate("e => e.scrollIntoView()")
    j.shot("target-results")
    with pg.expect_download() as info:
        pg.get_by_role("button", name="Download the customers to contact (CSV)").click()
    path = tmp_path / "contacts.csv"
    info.value.save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert rows[0][:2] == ["Customer", "Segment"]
    assert len(rows) - 1 == int(contacted.replace(",", ""))
    assert {r[1] for r in rows[1:]} == {"At risk"}
    nets = [float(r[-1]) for r in rows[1:]]
    assert nets == sorted(nets, reverse=True)

    # one customer's story, typed on Predictions
    j.nav(PREDICTIONS)
    box = pg.get_by_label("Customer ID")
    expect(box).to_be_visible(timeout=120_000)
    box.fill(rows[1][0])
    box.press("Enter")
    j.settle()
    expect(pg.get_by_text(re.compile("so the chance they are still active is|still active \\("))).to_be_visible()
    expect(pg.get_by_text(re.compile(f"Chance that customer {rows[1][0]} is still active"))).to_be_visible()
    pg.get_by_role("heading", name="One customer's story").evaluate("e => e.scrollIntoView()")
    j.shot("story")
    j.nav(DATA)  # the upload survived every hop
    expect(pg.get_by_text("transactions.csv").first).to_be_visible()


def test_where_the_value_is_in_arabic(journey):
    j = journey(height=1300)
    pg = j.page
    j.open("/groups?lang=ar")
    expect(pg.get_by_role("heading", name="أين تكمن القيمة")).to_be_visible()
    expect(pg.locator(".js-plotly-plot").first).to_be_visible(timeout=90_000)
    assert pg.locator("[data-testid='stMain']").evaluate("e => getComputedStyle(e).direction") == "rtl"
    j.shot("arabic")
