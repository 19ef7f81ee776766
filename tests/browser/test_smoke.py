"""The smoke test: deep links opened first, typed and slid values, Arabic, lazy tabs (one page at a time)."""

from pathlib import Path

from playwright.sync_api import expect

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


# The run is over and its output drawn: the script state is notRunning, no element is still marked stale
# from the run before or still a placeholder (Streamlit draws a skeleton while an element's code loads:
# the table and chart came a second or two after the run ended), and every Plotly chart has drawn its SVG.
# Polled on each animation frame.
DRAWN = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app !== null && app.dataset.testScriptState === "notRunning"
        && document.querySelector('[data-testid="stElementContainer"][data-stale="true"]') === null
        && document.querySelector('[data-testid="stElementContainer"] [data-testid="stSkeleton"]') === null
        && [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(c => c.querySelector(".main-svg"));
}"""


def idle(page):
    """Wait on the script state until the rerun has finished and drawn its charts (no fixed sleep)."""
    page.wait_for_function(DRAWN, timeout=60_000)


def test_smoke(app_url, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    outside = []
    page.on("request", lambda r: r.url.startswith(app_url) or r.url.startswith("data:") or outside.append(r.url))
    # A deep link to a page other than the home page, as the server's first visit: the shared sidebar is there.
    page.goto(f"{app_url}/scenarios?cur=%E2%82%AC")
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Currency")).to_be_visible()
    expect(sidebar.get_by_role("link", name="Calculator")).to_be_visible()
    expect(page.get_by_role("heading", name="Campaign scenarios")).to_be_visible()  # this page, not a fallback
    idle(page)
    page.screenshot(path=ARTIFACTS / "scenarios.png")

    page.goto(f"{app_url}/?churn=5")
    ltv = page.get_by_test_id("stMetricValue").first
    expect(ltv).to_have_text("$800.00")
    idle(page)
    churn = page.get_by_role("spinbutton", name="Monthly churn (%)")
    churn.fill("4")
    churn.press("Enter")
    expect(ltv).to_have_text("$1,000.00")  # 50 x 0.8 / 0.04
    idle(page)
    page.get_by_role("slider", name="Monthly churn (%)").press("ArrowRight")  # one step: 4.0 -> 4.1 %
    expect(ltv).to_have_text("$975.61")  # 40 / 0.041
    expect(page).to_have_url(f"{app_url}/?churn=4.1")
    idle(page)
    page.screenshot(path=ARTIFACTS / "calculator.png")

    # The same scenario in Arabic: right to left, the same figures.
    page.goto(f"{app_url}/?churn=4.1&lang=ar")
    ltv = page.get_by_test_id("stMetricValue").first
    expect(ltv).to_have_text("$975.61")
    main = page.get_by_test_id("stMain")
    expect(main).to_have_css("direction", "rtl")
    expect(page.get_by_test_id("stSidebar")).to_have_css("direction", "rtl")
    idle(page)
    page.screenshot(path=ARTIFACTS / "calculator-ar.png")
    page.set_viewport_size({"width": 1400, "height": 2300})  # the scenarios page with its results
    page.goto(
        f"{app_url}/scenarios?lang=ar&c1=loyalty&c1r=40&c1c=20&c1p=1&c1s=0&c2=cross_sell&c2r=15&c2a=30&c2m=-5&c2o=5"
    )
    expect(page.get_by_test_id("stMetricValue").first).to_have_text("$908.87")
    expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible()
    idle(page)
    page.screenshot(path=ARTIFACTS / "scenarios-ar.png")
    page.goto(f"{app_url}/scenarios?c1=loyalty&c1r=40&c1c=20&c1p=1&c1s=0&c2=cross_sell&c2r=15&c2a=30&c2m=-5&c2o=5")
    expect(page.get_by_test_id("stMetricValue").first).to_have_text("$908.87")  # 880 + cross-sell, blended
    expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible()
    idle(page)
    page.screenshot(path=ARTIFACTS / "scenarios.png")

    # Predictions: lazy tabs (only the open one runs) must still switch both ways in a real browser.
    page.goto(f"{app_url}/predictions?phz=24")
    expect(page.get_by_text("fits the holdout best")).to_be_visible(timeout=60_000)  # cold fits
    idle(page)
    page.get_by_role("tab", name="Subscriptions (contractual)").click()
    expect(page.get_by_text("LTV of a new customer")).to_be_visible()
    expect(page.get_by_test_id("stMetricValue").nth(1)).to_have_text("1.182")  # Fader & Hardie (2007)
    idle(page)
    page.get_by_role("tab", name="Purchases (non-contractual)").click()
    expect(page.get_by_text("fits the holdout best")).to_be_visible()
    idle(page)
    page.get_by_role("tab", name="Value concentration").click()
    expect(page.get_by_text("How concentrated is the predicted value?")).to_be_visible()
    expect(page).to_have_url(f"{app_url}/predictions?phz=24")
    idle(page)
    page.screenshot(path=ARTIFACTS / "predictions.png")
    assert not outside, f"requests left the machine: {outside}"
