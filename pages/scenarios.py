"""Campaign scenarios: a baseline, the campaigns under consideration, and what each is worth."""

import streamlit as st

import clv
import ui
from clv import fmt, scenarios
from clv.charts import scenarios as scenario_charts
from clv.export import safe_csv
from clv.report import scenario_report
from clv.tables import scenario_table
from ui import cache, panels, state, widgets
from ui import scenarios as slots
from ui.fields import CAMPAIGN_NUMBERS, MAX_CAMPAIGNS, SCENARIOS, UNCERTAIN, campaign_key

with ui.guard():
    s = ui.page_setup("scenarios")
    F = {f.key: f for f in SCENARIOS}
    ALL = state.fields()
    st.title(s.text("scenarios.page.title"))
    st.caption(s.text("scenarios.page.intro"))

    # --- Baseline: the calculator's assumptions (shared state) -------------------------------------------
    with st.expander(s.text("scenarios.page.baseline"), icon=":material/tune:"):
        baseline, _ = panels.assumptions_panel(s)
        panels.advanced_panel(s)
    if baseline is None:
        st.error(s.text("scenarios.page.baseline_invalid"))
        ui.halt()
    try:
        baseline = panels.with_advanced(baseline)
        base_result = clv.evaluate(baseline)
    except clv.InputError as err:
        widgets.show_input_error(err, s.lang)
        ui.halt()
    baseline_line = st.empty()  # filled once we know whether workshop mode lets the figures show

    def show_baseline(*reveals: tuple[str, str]) -> None:
        """The baseline's figures in one line, or a note while workshop mode hides them."""
        if ui.workshop.is_revealed(("calc", repr(baseline)), *reveals):
            baseline_line.caption(
                s.md(
                    "scenarios.page.baseline_line",
                    ltv=s.money(base_result.ltv),
                    ratio=fmt.ratio(base_result.ltv_to_cac, digits=s.digits),
                    churn=fmt.percent(baseline.monthly_churn, 1, s.digits),
                    arpu=s.money(baseline.arpu),
                )
            )
        else:
            baseline_line.caption(s.text("workshop.hidden_baseline"))

    # --- Campaign cards ------------------------------------------------------------------------------
    st.subheader(s.text("scenarios.page.campaigns"))
    add_left, add_right = st.columns([3, 1], vertical_alignment="bottom")
    widgets.choice(
        F["sc_template"], s.lang, add_left, widget="select", option_key=lambda k: f"scenarios.templates.{k}.name"
    )
    add_right.button(
        s.text("scenarios.page.add"),
        key="sc_add",
        on_click=slots.add,
        icon=":material/add:",
        disabled=slots.free_slot() is None,
        help=s.text("scenarios.page.add_help", max=MAX_CAMPAIGNS),
    )
    if slots.free_slot() is None:
        st.caption(s.text("scenarios.page.full", max=MAX_CAMPAIGNS))

    cards, taken = [], set()
    active = slots.active_slots()
    if not active:
        st.info(s.text("scenarios.page.empty"), icon=":material/lightbulb:")
    columns = st.columns(2) if active else []
    for position, slot in enumerate(active):
        kind = state.get(campaign_key(slot, "kind"))
        with columns[position % 2].container(border=True):
            head, remove = st.columns([3, 2], vertical_alignment="center")
            remove.button(
                s.text("scenarios.page.remove"),
                key=f"sc_remove_{slot}",
                on_click=slots.remove,
                args=(slot,),
                icon=":material/delete:",
            )
            purpose = st.empty()  # filled after the fields: the summary follows this run's edits
            widgets.text_input(
                ALL[campaign_key(slot, "name")], s.lang, placeholder=scenarios.TEMPLATES[kind].name(s.lang)
            )
            shown = [
                n
                for n, *_ in CAMPAIGN_NUMBERS
                if kind == "annual_billing" or n not in ("billing_discount", "renewal_rate")
            ]
            grid = st.columns(4, vertical_alignment="bottom")  # labels of 1-3 lines, fields in one row
            for i, name in enumerate(shown):
                widgets.number(ALL[campaign_key(slot, name)], s.lang, grid[i % 4])
            with st.expander(s.text("scenarios.page.uncertain"), icon=":material/casino:"):
                st.caption(s.text("scenarios.page.uncertain_help"))
                for name in UNCERTAIN:
                    f = ALL[campaign_key(slot, name + "_range")]
                    widgets.value_range(
                        f, s.lang, s.text(f"scenarios.card.{name}"), state.get(campaign_key(slot, name))
                    )
            card = slots.check(slots.card(slot, s.lang, taken), baseline)
            head.markdown(f"**{widgets.literal(card.name)}**")  # drawn last: the name as just typed
            summary = scenarios.TEMPLATES[kind].purpose(s.lang)
            if card.campaign is not None:
                summary += "  \n" + s.text("scenarios.effect.separator").join(
                    scenarios.effects(card.campaign, s.lang, s.currency, s.digits)
                )
            purpose.caption(widgets.literal(summary))
            if card.error is not None:
                st.error(widgets.literal(slots.error_text(card.error, s.lang, s.digits)), icon=":material/error:")
            cards.append(card)

    campaigns = [c.campaign for c in cards if c.campaign is not None]
    show_baseline(("scenarios", repr((baseline, campaigns))))
    if not campaigns:  # none yet, or every card has an error (shown on the card)
        ui.halt()
    cards = [c for c in cards if c.campaign is not None]

    # --- Results (the valid campaigns; an invalid card keeps its error and leaves the others' results) ----
    results, combined_error = slots.evaluate(baseline, cards, s.lang)
    combined = list(results.values())[-1]
    cohort = widgets.number(F["sc_cohort"], s.lang)

    st.subheader(s.text("scenarios.page.results"))
    if combined_error is not None:
        st.error(
            widgets.literal(slots.error_text(combined_error, s.lang, s.digits, combined=True)), icon=":material/error:"
        )
    if ui.workshop.revealed("scenarios", repr((baseline, campaigns)), s.lang):
        row = st.columns(5)
        widgets.metric(
            row[0],
            s.text("scenarios.page.metric.ltv"),
            s.money(combined.ltv),
            s.text("scenarios.page.metric.ltv_help"),
            delta=s.money(combined.ltv_change) if combined.ltv_change is not None else None,
            delta_arrow="auto",
        )
        widgets.metric(
            row[1],
            s.text("scenarios.page.metric.net"),
            s.money(combined.net_value),
            s.text("scenarios.page.metric.net_help"),
        )
        widgets.metric(
            row[2],
            s.text("scenarios.page.metric.roi"),
            fmt.times(combined.roi, digits=s.digits),
            s.text("scenarios.page.metric.roi_help"),
        )
        widgets.metric(
            row[3],
            s.text("scenarios.page.metric.ltv_to_cac"),
            fmt.ratio(combined.ltv_to_cac, digits=s.digits),
            s.text("scenarios.page.metric.ltv_to_cac_help"),
        )
        widgets.metric(
            row[4],
            s.text("scenarios.page.metric.payback"),
            fmt.number(combined.payback_months, 1, s.digits),
            s.text("scenarios.page.metric.payback_help"),
        )
        cohort_totals = scenarios.totals(combined, cohort)
        st.caption(
            s.md(
                "scenarios.page.cohort_line",
                n=fmt.number(cohort, 0, s.digits),
                net=s.money(cohort_totals.net_value, 0),
                cost=s.money(cohort_totals.campaign_cost, 0),
            )
        )

        for card in cards:
            alone = results[card.campaign.name]
            st.markdown("- " + widgets.literal(scenarios.describe(alone, card.campaign, s.lang, s.currency, s.digits)))

        table = scenario_table(results, cohort, s.lang)
        st.table(widgets.figures_table(table, s), hide_index=True)
        left, right = st.columns(2)
        left.download_button(
            s.text("scenarios.page.download"),
            safe_csv(table),
            file_name="clv-scenarios.csv",
            mime="text/csv",
            key="sc_download",
            on_click="ignore",
            icon=":material/download:",
        )
        right.download_button(
            s.text("report.download"),
            lambda: scenario_report(results, s.lang, s.currency, cohort, digits=s.digits).encode(),
            file_name="clv-report.html",
            mime="text/html",
            key="sc_report",
            on_click="ignore",
            icon=":material/description:",
            help=s.text("report.download_help"),
        )

        with_baseline = {s.text("tables.scenario.baseline"): clv.scenarios.evaluate_scenario(baseline, []), **results}
        tab_value, tab_waterfall, tab_curves, tab_tornado, tab_risk = st.tabs(
            [
                s.text("scenarios.page.tab.value"),
                s.text("scenarios.page.tab.waterfall"),
                s.text("scenarios.page.tab.curves"),
                s.text("scenarios.page.tab.tornado"),
                s.text("scenarios.page.tab.risk"),
            ],
            key="sc_chart_tab",
            on_change="rerun",
        )
        if tab_value.open:  # only the open tab is computed and drawn
            widgets.plot(tab_value, s, scenario_charts.value_bars(results, s.lang, s.currency), key="sc_bars")
        if tab_waterfall.open:
            widgets.plot(tab_waterfall, s, scenario_charts.waterfall(combined, s.lang, s.currency), key="sc_waterfall")
            if len(campaigns) > 1:
                tab_waterfall.caption(s.text("scenarios.page.waterfall_note"))
        if tab_curves.open:
            widgets.plot(
                tab_curves, s, scenario_charts.value_curves(with_baseline, s.lang, s.currency), key="sc_value_curves"
            )
            widgets.plot(
                tab_curves, s, scenario_charts.survival_curves(with_baseline, s.lang, s.currency), key="sc_survival"
            )
        if tab_tornado.open:
            move = F["sc_sens"].to_core(widgets.number(F["sc_sens"], s.lang, tab_tornado))
            table_sens = scenarios.sensitivity(baseline, campaigns, move, s.lang)
            idle = scenarios.idle_drivers(table_sens)
            widgets.plot(
                tab_tornado,
                s,
                scenario_charts.tornado(table_sens[~table_sens["driver"].isin(idle)], s.lang, s.currency),
                key="sc_tornado",
            )
            if idle:
                tab_tornado.caption(
                    s.text("scenarios.page.idle_title")
                    + "\n"
                    + "\n".join(f"- {s.text(f'scenarios.idle.{d}')}" for d in idle)
                )
        if tab_risk.open:
            ranges = {key: value for card in cards for key, value in card.ranges.items()}
            if not ranges:
                tab_risk.info(s.text("scenarios.page.no_ranges"), icon=":material/casino:")
            else:
                sim = cache.simulation(baseline, tuple(campaigns), tuple(sorted(ranges.items())))
                tab_risk.markdown(
                    s.md(
                        "scenarios.page.risk_line",
                        p10=s.money(sim.p10),
                        p50=s.money(sim.p50),
                        p90=s.money(sim.p90),
                        probability=fmt.percent(sim.probability_positive, 0, s.digits),
                        n=fmt.number(sim.n, 0, s.digits),
                    )
                )
                widgets.plot(tab_risk, s, scenario_charts.histogram(sim, s.lang, s.currency), key="sc_histogram")

    state.write_url()
