"""Regenerate the README's screenshots: every page, in English and in Arabic (and Arabic with Arabic-Indic digits).

    .venv/bin/python -m docs.screenshots            # every page, every language (from the repository root)
    .venv/bin/python -m docs.screenshots present    # only the pages named

Starts its own ``streamlit run app.py`` (headless, 127.0.0.1, a free port, no file watcher), opens each page
in a fresh Debian chromium context with a scenario that shows results, waits until Streamlit is idle and the
charts are painted, and writes ``docs/<page>.png``, ``docs/<page>-ar.png`` and ``docs/<page>-ar-digits.png``.
Every request stays on 127.0.0.1; the script stops with an error when one does not, or when the server
logs a traceback. Not a test (pytest collects only tests/ and clv/).
"""

from __future__ import annotations

import io
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

from benchmarks.server import ROOT, Server

DOCS = ROOT / "docs"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
CHART = ".js-plotly-plot .main-svg"
TIMEOUT_MS = 120_000
MAX_COLOURS = 256  # PNGs are quantised (lossless-looking for flat UI colours): about a third of the size

CAMPAIGNS = "c1=loyalty&c1r=40&c1c=20&c1p=1&c1s=0&c2=cross_sell&c2r=15&c2a=30&c2m=-5&c2o=5"

# (suffix of the file name, query string of the language)
LANGUAGES = (("", ""), ("-ar", "lang=ar"), ("-ar-digits", "lang=ar&digits=arabic"))


@dataclass(frozen=True)
class Shot:
    name: str  # docs/<name>.png
    path: str  # the page's URL path
    query: str  # the scenario, without the language
    width: int
    height: int
    charts: int = 0  # how many painted Plotly charts to wait for


SHOTS = (
    Shot("calculator", "/", "arpu=55&churn=4", 1400, 1200, charts=1),
    Shot("scenarios", "/scenarios", CAMPAIGNS, 1400, 2250, charts=1),  # down to the first chart
    Shot("data", "/data", "", 1400, 1550),  # the sample log: a report, no chart
    Shot("segments", "/segments", "", 1400, 1650, charts=1),  # down to the treemap
    Shot("groups", "/groups", "", 1400, 1500, charts=1),  # the CACs and LTV:CAC by channel
    Shot("predictions", "/predictions", "", 1400, 1800, charts=2),  # the holdout check and its charts
    Shot("learn", "/learn", "lesson=discounting", 1400, 1500, charts=1),
    Shot("present", "/present", CAMPAIGNS, 1400, 1500, charts=2),
)


def settle(pg) -> None:
    """Wait until Streamlit's script has finished (twice: a rerun can start another)."""
    pg.wait_for_timeout(300)
    pg.locator(IDLE).wait_for(timeout=TIMEOUT_MS)
    pg.wait_for_timeout(300)
    pg.locator(IDLE).wait_for(timeout=TIMEOUT_MS)


def wait_for_charts(pg, count: int) -> None:
    """Wait until ``count`` Plotly charts are painted (laid out in an open tab, with their traces drawn),
    then until Streamlit is idle again."""
    if count:
        pg.wait_for_function(
            "([sel, n]) => [...document.querySelectorAll(sel)].filter(e =>"
            " e.getBoundingClientRect().height > 50"
            " && e.closest('.js-plotly-plot').querySelector('.trace')).length >= n",
            arg=[CHART, count],
            timeout=TIMEOUT_MS,
        )
    pg.wait_for_timeout(800)  # Plotly's own transitions and the fonts
    settle(pg)


def save(png: bytes, path: Path) -> int:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.quantize(colors=MAX_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        path, optimize=True
    )
    return path.stat().st_size


def take(browser, url: str, shot: Shot, suffix: str, lang_query: str) -> Path:
    outside: list[str] = []

    def local_only(route) -> None:
        if route.request.url.startswith((url + "/", "data:", "blob:")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    ctx = browser.new_context(viewport={"width": shot.width, "height": shot.height}, device_scale_factor=1)
    try:
        ctx.route("**/*", local_only)
        pg = ctx.new_page()
        query = "&".join(q for q in (shot.query, lang_query) if q)
        pg.goto(f"{url}{shot.path}{'?' + query if query else ''}")
        pg.get_by_test_id("stSidebar").wait_for(state="attached", timeout=TIMEOUT_MS)
        settle(pg)
        try:
            wait_for_charts(pg, shot.charts)
        except PlaywrightTimeout:
            failed = Path(tempfile.gettempdir()) / f"screenshot-failed-{shot.name}{suffix}.png"
            pg.screenshot(path=failed)
            print(f"{shot.name}{suffix}: no painted chart; the page as it was: {failed}", file=sys.stderr)
            raise
        pg.mouse.move(0, shot.height - 1)  # no hover label or tooltip in the picture
        pg.wait_for_timeout(300)
        path = DOCS / f"{shot.name}{suffix}.png"
        size = save(pg.screenshot(), path)
        if outside:
            raise SystemExit(f"{shot.name}{suffix}: requests left the machine: {outside}")
        print(f"{path.relative_to(ROOT)}  {shot.width}x{shot.height}  {size / 1024:.0f} KB")
        return path
    finally:
        ctx.close()


def main(names: list[str]) -> None:
    unknown = set(names) - {s.name for s in SHOTS}
    if unknown:
        raise SystemExit(f"unknown page(s) {sorted(unknown)}; choose from {[s.name for s in SHOTS]}")
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"no {CHROMIUM}: `sudo apt-get install chromium`, or set CHROMIUM_PATH")
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "streamlit.log"
        with Server(log) as server:
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=CHROMIUM,
                    args=[
                        "--disable-gpu",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--no-first-run",
                    ],
                )
                try:
                    for shot in SHOTS:
                        if names and shot.name not in names:
                            continue
                        for suffix, lang_query in LANGUAGES:
                            take(browser, server.url, shot, suffix, lang_query)
                finally:
                    browser.close()
        if "Traceback" in server.log_text():
            raise SystemExit(f"the server logged a traceback:\n{server.log_text()[-4000:]}")


if __name__ == "__main__":
    main(sys.argv[1:])
