"""Segments and cohorts: RFM scores and segments, each segment's customers, and monthly acquisition
cohorts (retention, revenue retention, cumulative revenue, order value) on the data in use."""

import numpy as np
import pandas as pd
import streamlit as st

import clv
import ui
from clv import fmt, predict, rfm, tables
from clv.charts import data as data_charts
from clv.export import safe_csv
from ui import cache, database, dataset, panels, state, widgets
from ui.fields import PREDICTIONS, SEGMENTS_PAGE
from ui.inputs import calc_assumptions

KIND = "transactions"
F_PRED_RATE = next(f for f in PREDICTIONS if f.key == "pred_rate")
F_CALC_MARGIN_DEFAULT = 0.8  # the calculator's default margin, when its inputs are invalid
COHORT_ROW_PX, HEATMAP_FRAME_PX, HEATMAP_MIN_PX = 24, 160, 450  # cohort heatmaps: a readable row per cohort


with ui.guard():
    s = ui.page_setup("segments")
    F = {f.key: f for f in SEGMENTS_PAGE}
    st.title(s.text("segpage.title"))
    st.caption(s.text("segpage.intro"))

    # --- The data in use -------------------------------------------------------------------------------
    in_db = dataset.is_database()  # a database: RFM inputs and cohort cells computed in it (ui.database)
    if in_db:
        db = dataset.database_source()
        try:
            scores = database.rfm_scores(db, s.lang)
        except clv.DataError as err:
            st.error(s.text("dbpage.segments.unusable"), icon=":material/error:")
            widgets.show_error(err, s.lang)
            ui.page_link("pages/data.py", s.text("segpage.open_data"), ":material/upload_file:")
            ui.halt()
        st.info(s.text("dbpage.segments.in_use"), icon=":material/database:")
        ui.page_link("pages/data.py", s.text("segpage.open_data"), ":material/upload_file:")
        key, tx = dataset.database_id(), None
    else:
        key, tx = panels.transactions_in_use(s, "segpage.in_use_sample")
        scores = cache.on_data(key, "rfm", tx)
    segments = rfm.segment_table(scores, s.lang)
    end = scores["last_purchase"].max()

    # --- RFM ---------------------------------------------------------------------------------------------
    st.header(s.text("segpage.rfm_title"))
    cards = st.columns(4)
    widgets.metric(
        cards[0],
        s.text("segpage.metric.customers"),
        fmt.number(len(scores), 0, s.digits),
        s.text("segpage.metric.customers_help"),
    )
    widgets.metric(
        cards[1],
        s.text("segpage.metric.segments"),
        fmt.number(len(segments), 0, s.digits),
        s.text("segpage.metric.segments_help"),
    )
    widgets.metric(
        cards[2],
        s.text("segpage.metric.revenue"),
        s.money(float(scores["revenue"].sum()), 0),
        s.text("segpage.metric.revenue_help"),
    )
    widgets.metric(cards[3], s.text("segpage.metric.as_of"), s.date(end), s.text("segpage.metric.as_of_help"))

    with st.expander(s.text("segpage.rules.title"), icon=":material/rule:"):
        st.markdown(s.text("segpage.rules.scores"))
        st.markdown(s.text("segpage.rules.ties"))
        st.markdown(s.text("segpage.rules.segments"))
        r_scores, fm_scores = np.arange(rfm.SCORE_LEVELS, 0, -1), np.arange(1, rfm.SCORE_LEVELS + 1)
        grid = rfm.segment_of(np.repeat(r_scores, fm_scores.size), np.tile(fm_scores, r_scores.size))
        st.dataframe(
            pd.DataFrame(
                [[rfm.segment_name(c, s.lang) for c in row] for row in grid.reshape(r_scores.size, -1)],
                index=pd.Index([f"R {r}" for r in r_scores], name=s.text("segpage.rules.r")),
                columns=[f"FM {fm}" for fm in fm_scores],
            ),
            key="seg_rules_grid",
            placeholder=fmt.NOT_DEFINED,
        )

    labels = {
        c: s.text(f"segpage.table.{c}")
        for c in ("name", "customers", "share", "revenue", "revenue_share", "R", "F", "M", "action")
    }
    shown = tables.segment_summary(segments, s.lang)
    # A wrapping table: the suggested actions are sentences (a grid cut them off, in Arabic at their start).
    st.table(
        widgets.formatted_table(
            shown,
            s,
            money=(labels["revenue"],),
            money_decimals=0,
            percent=(labels["share"], labels["revenue_share"]),
            counts=(labels["customers"],),
        ),
        hide_index=True,
    )
    st.caption(s.text("segpage.table.caption"))
    st.download_button(
        s.text("segpage.table.download"),
        safe_csv(shown),
        file_name="rfm-segments.csv",
        mime="text/csv",
        key="seg_table_download",
        on_click="ignore",
        icon=":material/download:",
    )

    tab_treemap, tab_heatmap = st.tabs([s.text("segpage.tab.treemap"), s.text("segpage.tab.heatmap")])
    widgets.plot(tab_treemap, s, data_charts.rfm_treemap(segments, s.lang), key="seg_treemap")
    widgets.plot(tab_heatmap, s, data_charts.rf_heatmap(scores, s.lang), key="seg_heatmap")

    @st.fragment
    @ui.guard()
    def customer_list() -> None:
        """One segment's customers (a fragment: picking a segment reruns only this)."""
        st.subheader(s.text("segpage.customers.title"))
        chosen = widgets.choice(F["seg_segment"], s.lang, widget="select", option_key=lambda c: f"rfm.segments.{c}")
        members = rfm.segment_customers(scores, chosen)
        st.caption(rfm.segment_action(chosen, s.lang))
        if members.empty:
            st.info(s.text("segpage.customers.empty"), icon=":material/group_off:")
        else:
            st.markdown(
                s.text(
                    "segpage.customers.count",
                    count=fmt.number(len(members), 0, s.digits),
                    share=fmt.percent(len(members) / len(scores), 1, s.digits),
                )
            )
            columns = {c: s.text(f"segpage.customers.{c}") for c in tables.CUSTOMER_COLUMNS}
            listed = tables.segment_customers(members, s.lang)
            widgets.grid(
                st,
                listed,
                s,
                "seg_customers",
                money=(columns["revenue"],),
                decimals=0,
                column_config={
                    columns["revenue"]: st.column_config.NumberColumn(format=f"{s.currency} %,.2f"),
                    columns["first_purchase"]: st.column_config.DateColumn(format="YYYY-MM-DD"),
                    columns["last_purchase"]: st.column_config.DateColumn(format="YYYY-MM-DD"),
                },
            )
            st.download_button(
                s.text("segpage.customers.download"),
                safe_csv(listed, index=True),
                file_name=f"segment-{chosen}.csv",
                mime="text/csv",
                key="seg_download",
                on_click="ignore",
                icon=":material/download:",
                help=s.text("segpage.customers.download_help"),
            )
        state.write_url()

    customer_list()

    # --- Targeting real customers: the models' value of each customer, an offer to a target ---------------
    if in_db:  # targeting lists each customer's value from their own purchases: files only for now
        st.info(s.text("dbpage.segments.targeting_file_only"), icon=":material/info:")
    else:
        model_key = predict.pick_model(state.get("pred_model"))
        try:
            with st.spinner(s.text("predict.page.fitting")):
                customer_models = cache.customer_models(key, model_key, KIND, tx)
        except (clv.InputError, clv.DataError, clv.FitError) as err:
            widgets.show_error(err, s.lang)
        else:
            by = state.get("grp_by")
            try:
                margin = calc_assumptions().gross_margin
            except clv.InputError:
                margin = F_CALC_MARGIN_DEFAULT
            ui.targeting.panel(
                s,
                key,
                model_key,
                customer_models,
                int(state.get("pred_horizon")),
                F_PRED_RATE.to_core(state.get("pred_rate")),
                margin,
                cache.on_data(key, "group_labels", tx, by) if by in tx.columns else None,
                "seg_tg",
            )

    # --- Cohorts -----------------------------------------------------------------------------------------
    st.header(s.text("segpage.cohorts_title"))
    st.caption(s.text("segpage.cohorts_intro"))
    try:
        cohort_tables = database.cohort_tables(db, s.lang) if in_db else cache.on_data(key, "cohorts", tx)
    except clv.DataError as err:
        widgets.show_error(err, s.lang)
        ui.halt()
    heatmap_height = max(HEATMAP_MIN_PX, HEATMAP_FRAME_PX + COHORT_ROW_PX * len(cohort_tables.sizes))
    trend = None if in_db else cache.on_data(key, "orders", tx)
    tab_retention, tab_revenue, tab_cumulative, tab_aov = st.tabs(
        [
            s.text("segpage.tab.retention"),
            s.text("segpage.tab.revenue_retention"),
            s.text("segpage.tab.cumulative"),
            s.text("segpage.tab.aov"),
        ]
    )
    widgets.plot(
        tab_retention,
        s,
        data_charts.retention_heatmap(cohort_tables, s.lang),
        key="seg_retention",
        height=heatmap_height,
    )
    tab_retention.caption(s.text("segpage.notes.retention"))
    widgets.plot(
        tab_revenue,
        s,
        data_charts.revenue_retention_heatmap(cohort_tables, s.lang),
        key="seg_revenue_retention",
        height=heatmap_height,
    )
    tab_revenue.caption(s.text("segpage.notes.revenue_retention"))
    widgets.plot(
        tab_cumulative, s, data_charts.cumulative_revenue_chart(cohort_tables, s.lang, s.currency), key="seg_cumulative"
    )
    tab_cumulative.caption(s.text("segpage.notes.cumulative"))
    for tab, matrix in (
        (tab_retention, "retention"),
        (tab_revenue, "revenue_retention"),
        (tab_cumulative, "cumulative_revenue_per_customer"),
    ):
        tab.download_button(
            s.text("segpage.table.cohort_download"),
            safe_csv(tables.cohort_matrix(cohort_tables, matrix, s.lang)),
            file_name=f"cohort-{matrix}.csv",
            mime="text/csv",
            key=f"seg_cohort_download_{matrix}",
            on_click="ignore",
            icon=":material/download:",
        )
    if trend is None:  # a database: the orders' trend reads order rows (files only for now)
        tab_aov.info(s.text("dbpage.segments.aov_file_only"), icon=":material/info:")
    else:
        widgets.plot(tab_aov, s, data_charts.aov_chart(trend, s.lang, s.currency), key="seg_aov")
        tab_aov.caption(s.text("segpage.notes.aov"))

    state.write_url()
