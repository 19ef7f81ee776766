"""Presentation view: the chosen scenarios in large type with the key figures and three charts."""

import streamlit as st

import clv
import ui
from clv import fmt, scenarios
from clv.charts import scenarios as scenario_charts
from clv.report import scenario_report
from ui import scenarios as slots
from ui import state, widgets

PROJECTOR_FONT = 20  # chart text size for a projector
PER_ROW = 3  # scenario cards a row

with ui.guard():
    s = ui.page_setup("present", presenting=True)
    try:
        baseline, cards = slots.current(s.lang)
        base_result = clv.evaluate(baseline)
    except clv.InputError as err:
        st.error(err.message(s.lang))
        ui.halt()

    st.title(s.text("present.title"))
    cards = [slots.check(c, baseline) for c in cards]
    campaigns = [c.campaign for c in cards if c.campaign is not None]
    if ui.workshop.is_revealed(("calc", repr(baseline)), ("present", repr((baseline, campaigns)))):
        st.markdown(
            s.md(
                "present.baseline",
                ltv=s.money(base_result.ltv, 0),
                ratio=fmt.ratio(base_result.ltv_to_cac, 1, s.digits),
                payback=fmt.number(base_result.payback_months_churn_adjusted, 1, s.digits),
            )
        )
    if not campaigns:
        st.info(s.text("present.empty"), icon=":material/slideshow:")
        ui.page_link("pages/scenarios.py", s.text("nav.scenarios"), ":material/campaign:")
        ui.halt()

    results, combined_error = slots.evaluate(baseline, [c for c in cards if c.campaign is not None], s.lang)
    for card in cards:
        if card.error is not None:
            st.error(
                widgets.literal(f"{card.name}: {slots.error_text(card.error, s.lang, s.digits)}"),
                icon=":material/error:",
            )
    if combined_error is not None:
        st.error(
            widgets.literal(slots.error_text(combined_error, s.lang, s.digits, combined=True)), icon=":material/error:"
        )

    if ui.workshop.revealed("present", repr((baseline, campaigns)), s.lang):
        items = list(results.items())  # at most three cards a row: six campaigns fit a 1280 px projector
        per_row = min(len(items), PER_ROW)
        cells = [cell for start in range(0, len(items), per_row) for cell in st.columns(per_row)][: len(items)]
        for column, (name, r) in zip(cells, items):
            with column.container(border=True):
                st.subheader(widgets.literal(name))
                st.metric(s.text("scenarios.page.metric.ltv"), s.money(r.ltv, 0))
                st.metric(s.text("scenarios.page.metric.net"), s.money(r.net_value, 0))
                st.metric(s.text("scenarios.page.metric.roi"), fmt.times(r.roi, 1, s.digits))
        for card in cards:
            if card.campaign is not None:
                st.markdown(
                    "- "
                    + widgets.literal(
                        scenarios.describe(results[card.campaign.name], card.campaign, s.lang, s.currency, s.digits)
                    )
                )
        combined = list(results.values())[-1]
        left, right = st.columns(2)
        for where, fig, key in (
            (left, scenario_charts.value_bars(results, s.lang, s.currency), "present_bars"),
            (right, scenario_charts.waterfall(combined, s.lang, s.currency), "present_waterfall"),
        ):
            fig.update_layout(
                font={"size": PROJECTOR_FONT},
                legend_font_size=PROJECTOR_FONT,
                title_font_size=PROJECTOR_FONT + 4,
                height=560,
            )
            fig.update_xaxes(tickfont_size=PROJECTOR_FONT, title_font_size=PROJECTOR_FONT)
            fig.update_yaxes(tickfont_size=PROJECTOR_FONT, title_font_size=PROJECTOR_FONT)
            widgets.plot(where, s, fig, key=key)
        st.download_button(
            s.text("report.download"),
            lambda: scenario_report(results, s.lang, s.currency, state.get("sc_cohort"), digits=s.digits).encode(),
            file_name="clv-report.html",
            mime="text/html",
            key="present_report",
            on_click="ignore",
            icon=":material/description:",
            help=s.text("report.download_help"),
        )

    state.write_url()
