"""Real-browser journeys: one `streamlit run` server for the whole run, Debian's chromium driven by Playwright.

Each journey opens its own browser context (a person's session), clicks as a person would, waits on
Streamlit's script state (never a fixed sleep alone), asserts the figures shown and saves a screenshot
per step under ``test-artifacts/``. Without chromium a user's machine skips them with a message; CI fails.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from benchmarks.server import ROOT, Server

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'

# Sidebar links, in the order ui.PAGES draws them.
CALCULATOR, SCENARIOS, DATA, SEGMENTS, GROUPS, PREDICTIONS, LEARN, PRESENT = range(8)


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    if not Path(CHROMIUM).exists():  # a user's machine may lack it; CI never does
        if os.environ.get("CI"):
            pytest.fail(f"no {CHROMIUM}: .ci/run must install chromium")
        pytest.skip("no chromium: `sudo apt-get install chromium` (Debian/Ubuntu) to run the real-browser tests")
    with Server(tmp_path_factory.mktemp("server") / "streamlit.log") as server:
        yield server.url
        log = server.log_text()
        assert "Traceback" not in log, f"the server logged a traceback:\n{log[-4000:]}"


@pytest.fixture(scope="session")
def browser(app_url):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=30_000)  # the first render is slow on a busy CI machine
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        )
        yield b
        b.close()


class Journey:
    """One person's session: a browser context, a page, screenshots numbered by step."""

    def __init__(self, browser, url: str, name: str, width: int = 1400, height: int = 1000, **context):
        self.url, self.name, self.step = url, name, 0
        self.context = browser.new_context(
            viewport={"width": width, "height": height}, accept_downloads=True, **context
        )
        self.page = self.context.new_page()
        self.outside: list[str] = []
        self.page.on(
            "request", lambda r: r.url.startswith((url, "data:", "blob:", "file:")) or self.outside.append(r.url)
        )
        ARTIFACTS.mkdir(exist_ok=True)

    def open(self, path: str = "/") -> None:
        self.page.goto(self.url + path)
        self.page.get_by_test_id("stSidebar").wait_for(timeout=60_000)
        self.settle()

    def settle(self) -> None:
        """Wait until the rerun a click started has finished (twice: a rerun can trigger another)."""
        pg = self.page
        pg.wait_for_timeout(300)  # let the click reach the server; never relied on alone
        pg.locator(IDLE).wait_for(timeout=60_000)
        pg.wait_for_timeout(300)
        pg.locator(IDLE).wait_for(timeout=60_000)

    def nav(self, index: int) -> None:
        """Click the index-th page link in the sidebar, opening the sidebar when it is collapsed."""
        pg = self.page
        link = pg.get_by_test_id("stSidebar").locator("a").nth(index)
        box = link.bounding_box()
        if box is None or box["x"] < 0:
            pg.get_by_test_id("stExpandSidebarButton").first.click()
            pg.wait_for_timeout(300)
        link.click()
        self.settle()

    def shot(self, what: str) -> Path:
        self.step += 1
        path = ARTIFACTS / f"{self.name}-{self.step:02d}-{what}.png"
        self.page.screenshot(path=path)
        return path

    def metrics(self) -> list[str]:
        return [t.strip() for t in self.page.get_by_test_id("stMetricValue").all_inner_texts()]

    def metric(self, label: str) -> str:
        """The value of the metric card whose label starts with ``label``."""
        card = self.page.get_by_test_id("stMetric").filter(
            has=self.page.get_by_test_id("stMetricLabel").filter(has_text=re.compile("^" + re.escape(label)))
        )
        return card.get_by_test_id("stMetricValue").first.inner_text().strip()

    def type_into(self, label: str, value: str, nth: int = 0) -> None:
        """Type a value into a number field (by its label) and commit it with Enter."""
        box = self.page.get_by_role("spinbutton", name=label).nth(nth)
        box.fill(value)
        box.press("Enter")
        self.settle()

    def close(self) -> None:
        assert not self.outside, f"requests left the machine: {self.outside}"
        self.context.close()


@pytest.fixture
def journey(browser, app_url, request):
    made = []

    def start(name: str | None = None, **kwargs) -> Journey:
        j = Journey(browser, app_url, name or request.node.name.removeprefix("test_"), **kwargs)
        made.append(j)
        return j

    yield start
    for j in made:
        j.close()
