"""The calculator: LTV, LTV:CAC and payback from a handful of assumptions (the home page)."""

import math
import time

import streamlit as st

import clv
import ui
from clv.charts import calculator as charts
from clv.explain import formulas
from ui import inputs, panels, state, widgets

FLUSH_PAUSE_S = 0.005  # a pause after the figures: in chromium the LTV arrived ~20 ms sooner (bench_browser)
NO_CENTS_FROM = 100_000  # money at or above this shows without cents in the metric cards

with ui.guard():
    s = ui.page_setup("calculator")
    st.title(s.text("calc.title"))
    st.caption(s.text("calc.intro"))

    def show_figures(a: clv.Assumptions) -> clv.Result | None:
        """The five figures and their notes; None while workshop mode hides them."""
        result = clv.evaluate(a)
        if not ui.workshop.revealed("calc", repr(a), s.lang):
            return None
        cards = st.columns(5)
        verdict, colour = widgets.verdict_ltv_to_cac(result.ltv_to_cac, s.lang, s.digits)
        cents = 0 if abs(result.ltv) >= NO_CENTS_FROM else 2  # a large amount stays whole in its card
        widgets.metric(cards[0], s.text("calc.metric.ltv"), s.money(result.ltv, cents), s.text("explain.ltv.sentence"))
        widgets.metric(
            cards[1],
            s.text("calc.metric.ltv_to_cac"),
            clv.fmt.ratio(result.ltv_to_cac, digits=s.digits),
            s.text("explain.ltv_to_cac.sentence"),
            delta=verdict,
            delta_color=colour,
            delta_arrow="off",
        )
        widgets.metric(
            cards[2],
            s.text("calc.metric.payback"),
            clv.fmt.number(result.payback_months, 1, s.digits),
            s.text("explain.payback.sentence"),
        )
        widgets.metric(
            cards[3],
            s.text("calc.metric.payback_adjusted"),
            clv.fmt.number(result.payback_months_churn_adjusted, 1, s.digits),
            s.text("explain.payback_adjusted.sentence"),
        )
        widgets.metric(
            cards[4],
            s.text("calc.metric.lifetime"),
            clv.fmt.number(result.expected_lifetime_months, 1, s.digits),
            s.text("explain.lifetime.sentence"),
        )
        reason = clv.core.infinite_reason(a) if math.isinf(result.ltv) else None
        if reason is not None:
            curve = a.retention_curve or (None, None)
            st.warning(
                s.text(
                    f"calc.infinite_reason.{reason}",
                    expansion=clv.fmt.percent(a.monthly_expansion, 1, s.digits),
                    churn=clv.fmt.percent(a.monthly_churn, 1, s.digits),
                    alpha=clv.fmt.number(curve[0], 3, s.digits),
                ),
                icon=":material/all_inclusive:",
            )
            st.button(
                s.text("calc.infinite_fix"),
                key="calc_set_horizon",
                on_click=ui.guard.callback(state.apply),
                args=({"calc_horizon": 60},),
            )
        elif result.payback_months_churn_adjusted is None and a.cac > 0:
            st.info(s.text("calc.never_pays_back"), icon=":material/block:")
        return result

    # The numbers they came for, above the inputs, and drawn first: the inputs' callbacks have already put
    # this run's values in the store, so the figures reach the browser before the ~30 widgets below are sent.
    figures = st.empty()
    try:
        early = panels.with_advanced(inputs.calc_assumptions())
    except clv.InputError:
        early = None
    if early is not None:
        with figures.container():
            shown = show_figures(early)
        time.sleep(FLUSH_PAUSE_S)  # let the server send them before the widgets take the interpreter

    inputs_col, charts_col = st.columns([2, 3], gap="large")
    with inputs_col:
        assumptions, slots = panels.assumptions_panel(s)
        panels.advanced_panel(s)
        if assumptions is not None:
            try:
                assumptions = panels.with_advanced(assumptions)
            except clv.InputError as err:
                widgets.show_input_error(err, s.lang)
                assumptions = None

    if assumptions is None:
        figures.empty()
        ui.halt()
    if early is None:  # the store held no valid scenario before the widgets: draw now
        with figures.container():
            shown = show_figures(assumptions)
    elif assumptions != early:  # the widgets settled on other values: draw the run again, cleanly
        st.rerun()
    if shown is None:  # workshop mode: hidden until revealed
        ui.halt()
    result = shown

    with charts_col:
        # Only the open tab's chart is built: a slider change rebuilds one figure, not three.
        tab_payback, tab_churn, tab_map = st.tabs(
            [s.text("calc.tab.payback"), s.text("calc.tab.churn"), s.text("calc.tab.map")],
            key="calc_chart_tab",
            on_change="rerun",
        )
        if tab_payback.open:
            widgets.plot(tab_payback, s, charts.payback(result, s.lang, s.currency), key="calc_payback_chart")
        for tab, build, key in (
            (tab_churn, charts.ltv_by_churn, "calc_churn_chart"),
            (tab_map, charts.ltv_cac_map, "calc_map_chart"),
        ):
            if tab.open and assumptions.retention_curve is None:
                widgets.plot(tab, s, build(result, s.lang, s.currency), key=key)
            elif tab.open:
                tab.info(s.text("calc.sbg_note"))

    # Built only when opened: formulas load the browser's maths typesetting, which held back a first visit's figures.
    how = st.expander(s.text("calc.how"), expanded=False, icon=":material/function:", key="calc_how", on_change="rerun")
    if how.open:
        with how:
            st.markdown(s.text("calc.conventions"))
            for f in formulas(result):
                st.markdown(f"**{s.text(f'explain.{f.figure}.name')}**: {s.text(f'explain.{f.figure}.sentence')}")
                st.latex(f.worked)

    state.write_url()
