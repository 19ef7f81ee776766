"""Streamlit helpers that pages share. Every page begins with ``ui.page_setup(page_key)``."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from clv import fmt, i18n

from . import fields, inputs, report, session, state, story, targeting, widgets, workshop  # noqa: F401  (fields registers the inputs' table)
from .guard import guard  # noqa: F401  (every page: ``with ui.guard():`` around its body)

ROOT = Path(__file__).resolve().parents[1]
ICON = Path(__file__).with_name("assets") / "icon.png"  # local: a material icon would load from a font host

# (script, catalogue key of its label, icon). A page appears in the menu once its script exists.
PAGES = (
    ("app.py", "nav.calculator", ":material/calculate:"),
    ("pages/scenarios.py", "nav.scenarios", ":material/campaign:"),
    ("pages/data.py", "nav.data", ":material/upload_file:"),
    ("pages/segments.py", "nav.segments", ":material/groups:"),
    ("pages/groups.py", "nav.groups", ":material/hub:"),
    ("pages/predictions.py", "nav.predictions", ":material/insights:"),
    ("pages/learn.py", "nav.learn", ":material/school:"),
    ("pages/present.py", "nav.present", ":material/slideshow:"),
)

RTL_CSS = """<style>
[data-testid="stMain"], [data-testid="stSidebar"] { direction: rtl; text-align: right; }
[data-testid="stMain"] :is(h1, h2, h3, h4, h5, h6, p, li, [data-testid="stMarkdownContainer"]) { text-align: right; }
[data-testid="stSlider"], .js-plotly-plot, [data-testid="stDataFrame"], [data-testid="stNumberInput"] input,
.katex, [data-testid="stLatex"] { direction: ltr; }
</style>"""


# Every page: figures that fit their cards. A metric's value scales with its card (container query units),
# labels wrap instead of ending in "…", and a formula's top is not cut by its scroll box. A paired number
# field has no +/- buttons (its slider and the arrow keys step it), so 1,000,000.00 fits beside the slider.
BASE_CSS = """<style>
[data-testid="stMetric"] { container-type: inline-size; }
[data-testid="stMetricValue"] > div { font-size: clamp(0.85rem, 12cqi, 2.25rem); }
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] *, [data-testid="stMetricDelta"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; height: auto; }
[class*="st-key-paired-"] [data-testid^="stNumberInputStep"] { display: none; }
[data-testid="stMarkdownContainer"] .katex-display { overflow-y: visible !important; padding-top: 0.35em; }
</style>"""


def page_setup(page_key: str, presenting: bool = False) -> state.PageState:
    """Page config, the shared sidebar (language, currency, page links, reset) and state from the URL.

    Works whichever page a visitor opens first, so every shared link reopens what it shows.
    ``presenting``: the sidebar starts collapsed and figures are set in large type (projector view).
    """
    state.read_url_once()
    lang = state.get("lang")  # a language just picked is in the store (its on_change ran first)
    if lang not in state.LANG.choices:
        lang = state.LANG.default
    state.begin_run(page_key, lang)
    st.set_page_config(
        page_title=f"{i18n.text('nav.' + page_key, lang)} · {i18n.text('app.name', lang)}",
        page_icon=str(ICON),
        layout="wide",
        initial_sidebar_state="collapsed" if presenting else "auto",
    )
    st.html(BASE_CSS)  # our own constant style sheets; no user text goes through html
    if i18n.is_rtl(lang):
        st.html(RTL_CSS)  # our own constant style sheets; no user text goes through html
    if presenting:
        st.html(PRESENT_CSS)
    _sidebar(lang)
    guard.show_pending()  # errors in widget callbacks (they ran before this script)
    s = state.page_state()
    for f, raw in state.url_notices():
        st.toast(widgets.literal(s.text("url.bad_value", name=f.url, value=raw[:40])), icon=":material/link_off:")
    st.session_state[state.NOTICES] = []
    return s


# Projector type. The value rules name stMain too, so they outrank the paragraph rule (the value's text sits
# in a <p>, and an equally specific later `p` rule used to win: values came out at the label's size).
PRESENT_CSS = """<style>
[data-testid="stMain"] p, [data-testid="stMain"] li { font-size: 1.35rem; }
[data-testid="stMain"] [data-testid="stMetricValue"], [data-testid="stMain"] [data-testid="stMetricValue"] * {
  font-size: 3.2rem; line-height: 1.15; }
[data-testid="stMain"] [data-testid="stMetricLabel"], [data-testid="stMain"] [data-testid="stMetricLabel"] * {
  font-size: 1.3rem; }
[data-testid="stMain"] h3 { overflow-wrap: normal; word-break: normal; }
</style>"""


def _sidebar(lang: str) -> None:
    with st.sidebar:
        st.markdown(f"### {i18n.text('app.name', lang)}")
        for script, key, icon in PAGES:
            if (ROOT / script).exists():
                page_link(script, i18n.text(key, lang), icon)
        st.divider()
        if len(state.LANG.choices) > 1:
            widgets.choice(state.LANG, lang, widget="select", option_label=i18n.language_name)
        _currency(lang)
        if i18n.is_rtl(lang):
            widgets.choice(state.DIGITS, lang, widget="radio")
        workshop.toggle(lang)
        st.button(
            i18n.text("sidebar.reset", lang),
            key="reset",
            on_click=guard.callback(state.reset),
            help=i18n.text("sidebar.reset_help", lang),
            icon=":material/restart_alt:",
        )
        session.save_and_load(lang)
        st.caption(i18n.text("sidebar.privacy", lang))


def _currency(lang: str) -> None:
    f = state.CURRENCY
    state.bind(f.key, state.get(f.key))
    value = st.selectbox(i18n.text(f.label_key, lang), fmt.CURRENCIES, key=f.key, on_change=state.commit, args=(f.key,))
    state.put(f.key, value)


def halt() -> NoReturn:
    """End this run here, after writing the page's inputs into the URL (``state.write_url``): a page that stops
    early (invalid inputs, no data yet, workshop mode) still leaves a link that reopens what it shows."""
    state.write_url()
    st.stop()


def _entrypoint() -> Path | None:
    """The script Streamlit was started with (app.py in the app; a page itself when tested alone)."""
    ctx = get_script_run_ctx()
    return Path(ctx.main_script_path).resolve() if ctx and ctx.main_script_path else None


def page_link(script: str, label: str, icon: str | None = None) -> None:
    """A link to another page; as plain text when a page runs as its own entry point (a test alone),
    where links to other pages cannot resolve."""
    if _entrypoint() == ROOT / "app.py":
        st.page_link(script, label=label, icon=icon)
    else:
        st.caption(label)
