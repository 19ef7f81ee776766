"""Predictions: each customer's future value from probabilistic models, checked on a holdout."""

import pandas as pd
import streamlit as st

import clv
import ui
from clv import fmt, predict, rfm, tables
from clv.charts import models as charts
from clv.export import safe_csv
from clv.models import GammaGamma
from ui import cache, database, dataset, panels, state, widgets
from ui.fields import PRED_DATA, PRED_MODELS, PRED_TYPED, PREDICTIONS
from ui.inputs import calc_assumptions

F = {f.key: f for f in PREDICTIONS}
DEFAULT_MARGIN = 0.8  # used only when the calculator's inputs are invalid (a message says so)

with ui.guard():
    s = ui.page_setup("predictions")
    st.title(s.text("predict.title"))
    st.caption(s.text("predict.intro"))

    def _errors(err: Exception, label: str | None = None) -> str:
        """Our errors as one sentence in the page's language, shown literally (they may quote a file or typed text)."""
        return widgets.literal(err.message(s.lang, label=label) if label else err.message(s.lang))

    # ---- a database in use: models fitted on its distinct histories, customers a page at a time ----------
    if dataset.is_database():
        db = dataset.database_source()
        st.info(s.text("dbpage.predict.in_use"), icon=":material/database:")
        with st.container(border=True):
            st.markdown(f"**{s.text('predict.page.settings')}**")
            c_h, c_rate, c_model = st.columns(3)
            horizon = int(widgets.number(F["pred_horizon"], s.lang, container=c_h))
            annual_rate = F["pred_rate"].to_core(widgets.number(F["pred_rate"], s.lang, container=c_rate))
            choice = widgets.choice(
                F["pred_model"], s.lang, container=c_model, widget="select", option_key=lambda o: f"predict.fields.{o}"
            )
        model_key = predict.pick_model(choice)
        if choice == predict.AUTO:  # no holdout to pick the best on
            st.caption(s.text("dbpage.predict.auto_model", model=s.text(f"models.names.{model_key}")))
        st.caption(s.text("dbpage.predict.file_only"))
        try:
            with st.spinner(s.text("predict.page.fitting")):
                fitted = database.fit_models(db, model_key, s.lang)
                total_clv, total_purchases = database.value_totals(db, fitted, horizon, annual_rate, s.lang)
        except (clv.InputError, clv.DataError, clv.FitError) as err:
            widgets.show_error(err, s.lang)
            ui.page_link("pages/data.py", s.text("segpage.open_data"), ":material/upload_file:")
            ui.halt()
        db_models = fitted.models
        st.subheader(s.text("predict.page.params_header"))
        st.caption(s.text("dbpage.predict.params_caption", customers=fmt.number(fitted.customers, 0, s.digits)))
        if db_models.spend_error is not None:
            st.warning(
                widgets.literal(db_models.spend_error.message(s.lang))
                + "\n\n"
                + s.text("predict.page.own_average_spend"),
                icon=":material/warning:",
            )
        if fitted.spend_sampled:
            st.caption(s.text("dbpage.predict.spend_sampled", rows=fmt.number(database.SPEND_ROWS, 0, s.digits)))
        for fitted_model in (db_models.transaction_model, db_models.spend_model):
            if not hasattr(fitted_model, "summary"):
                continue
            st.markdown(f"**{s.text(f'models.names.{fitted_model.name}')}**")
            widgets.grid(
                st,
                tables.model_parameters(fitted_model.summary(), s.lang),
                s,
                f"pred_db_params_{fitted_model.name}",
                hide_index=True,
                decimals=4,
                column_config={
                    s.text(f"predict.columns.{c}"): st.column_config.NumberColumn(format="%.4g")
                    for c in ("estimate", "se", "lower_95", "upper_95")
                },
            )
            for sentence in predict.readings(fitted_model, s.lang, s.currency, s.digits):
                st.markdown(f"- {sentence}")

        st.subheader(s.text("predict.page.customers_header"))
        st.caption(
            s.text(
                "predict.page.customers_caption",
                model=s.text(f"models.names.{model_key}"),
                months=horizon,
                rate=fmt.percent(annual_rate, 1, s.digits),
            )
        )
        cards = st.columns(4)
        widgets.metric(cards[0], s.text("predict.metrics.customers"), fmt.number(fitted.customers, 0, s.digits))
        widgets.metric(cards[1], s.text("predict.metrics.mean_clv"), s.money(total_clv / fitted.customers))
        widgets.metric(cards[2], s.text("predict.metrics.total_clv"), s.money(total_clv, 0))
        widgets.metric(
            cards[3],
            s.text("dbpage.predict.purchases", months=fmt.number(horizon, 0, s.digits)),
            fmt.number(total_purchases, 0, s.digits),
        )
        pages = max(-(-fitted.customers // database.PAGE_ROWS), 1)
        page = int(
            st.columns([1, 3])[0].number_input(
                s.text("dbpage.predict.page"), 1, pages, step=1, **widgets.kept("pred_db_page", 1)
            )
        )
        try:
            values = database.customer_page(db, fitted, page, horizon, annual_rate, s.lang)
        except (clv.InputError, clv.DataError) as err:
            widgets.show_error(err, s.lang)
        else:
            st.caption(
                s.text(
                    "dbpage.predict.page_caption",
                    rows=fmt.number(database.PAGE_ROWS, 0, s.digits),
                    page=fmt.number(page, 0, s.digits),
                    pages=fmt.number(pages, 0, s.digits),
                )
            )
            names = {code: rfm.segment_name(code, s.lang) for code in values.table["segment"].unique() if code}
            widgets.grid(
                st,
                tables.customer_predictions(values.table, names, s.lang, s.currency),
                s,
                "pred_db_customers",
                hide_index=True,
                decimals={s.text("predict.columns.p_alive"): 3},
            )
        st.subheader(s.text("predict.page.charts_header"))
        expected_matrix, alive_matrix = predict.frequency_recency_matrices(db_models, horizon)
        t_matrix, t_alive = st.tabs([s.text(f"predict.charts.tab_{k}") for k in ("matrix", "alive")])
        widgets.plot(t_matrix, s, charts.frequency_recency(expected_matrix, horizon, s.lang), key="pred_db_matrix")
        widgets.plot(t_alive, s, charts.p_alive(alive_matrix, s.lang), key="pred_db_alive")
        panels.model_baseline(s, db_models, horizon, annual_rate)
        ui.halt()

    # ---- the data: an uploaded transaction log, else an uploaded summary, else the sample ----------------
    source = "summary" if dataset.is_sample("transactions") and not dataset.is_sample("summary") else "transactions"
    try:
        loaded = dataset.current(source)
    except clv.DataError as err:
        widgets.show_error(err, s.lang)
        ui.halt()
    frame = loaded.table
    data_id = dataset.dataset_id(source)
    n_customers = predict.customer_count(frame, source)
    caption_key = (
        "predict.page.data_summary"
        if source == "summary"
        else "predict.page.data_sample"
        if dataset.is_sample()
        else "predict.page.data_upload"
    )
    st.caption(s.text(caption_key, customers=fmt.number(n_customers, 0, s.digits)))

    try:
        calc = calc_assumptions()
        margin = calc.gross_margin
    except clv.InputError as err:
        calc, margin = None, DEFAULT_MARGIN
        st.warning(s.text("predict.page.calc_error", message=_errors(err)), icon=":material/warning:")

    # Only the open tab runs (the other costs nothing). The open tab is not in the link: Streamlit's frontend
    # rewrites the URL after a tab click, so a link written in that run would lag one click behind.
    tab_models, tab_contract = st.tabs(
        [s.text("predict.page.tab_models"), s.text("predict.page.tab_contract")], key="pred_tab_open", on_change="rerun"
    )

    # =====================================================================================================
    # Non-contractual: compare, fit, predict each customer
    # =====================================================================================================
    if tab_models.open:
        with tab_models:
            with st.container(border=True):
                st.markdown(f"**{s.text('predict.page.settings')}**")
                c_cal, c_h, c_rate, c_model = st.columns(4)
                calibration_end = None
                if source == "transactions":
                    low, high = predict.calibration_bounds(frame)
                    default_cal = predict.default_calibration_end(frame)
                    stored = state.get("pred_cal")
                    try:
                        wanted = pd.Timestamp(stored) if stored else default_cal
                    except ValueError:
                        wanted = None
                    if wanted is None or not low <= wanted <= high:
                        st.toast(
                            s.text("predict.page.bad_date", value=widgets.literal(stored), default=default_cal),
                            icon=":material/event_busy:",
                        )
                        wanted = default_cal
                        state.put("pred_cal", "")
                    picked = widgets.date(
                        F["pred_cal"], s.lang, wanted.date(), low.date(), high.date(), c_cal, default=default_cal.date()
                    )
                    calibration_end = pd.Timestamp(picked)
                horizon = int(widgets.number(F["pred_horizon"], s.lang, container=c_h))
                annual_rate = F["pred_rate"].to_core(widgets.number(F["pred_rate"], s.lang, container=c_rate))
                choice = widgets.choice(
                    F["pred_model"],
                    s.lang,
                    container=c_model,
                    widget="select",
                    option_key=lambda o: f"predict.fields.{o}",
                )
                st.markdown(s.text("predict.page.models_label"))
                boxes = st.columns(len(PRED_MODELS) + 1)
                for box, key in zip(boxes, PRED_MODELS):
                    widgets.checkbox(F[f"pred_{key}"], s.lang, box)
                boxes[-1].caption(s.text("predict.page.spend_note"))
            chosen = tuple(key for key in PRED_MODELS if state.get(f"pred_{key}"))

            # ---- which model predicts best (transaction logs only) ------------------------------------------
            comparison = None
            if source == "transactions":
                st.subheader(s.text("predict.page.compare_header"))
                if not chosen:
                    st.info(s.text("predict.page.no_models"), icon=":material/info:")
                else:
                    try:
                        with st.spinner(s.text("predict.page.fitting")):
                            comparison = cache.prediction_comparison(
                                data_id, str(calibration_end.date()), chosen, frame
                            )
                    except (clv.InputError, clv.DataError, clv.FitError) as err:
                        widgets.show_error(err, s.lang)
                if comparison is not None:
                    st.caption(
                        s.text(
                            "predict.page.compare_caption",
                            cal=comparison.calibration_end,
                            end=comparison.observation_end,
                        )
                    )
                    for fit in comparison.fits:
                        if not fit.ok:
                            st.warning(
                                s.text(
                                    "predict.page.compare_failed",
                                    model=s.text(f"models.names.{fit.key}"),
                                    message=widgets.literal(fit.error(s.lang)),
                                ),
                                icon=":material/warning:",
                            )
                    if comparison.ok_fits:
                        table = tables.model_comparison(comparison.table(s.lang), s.lang)
                        places = {
                            s.text(f"predict.columns.{c}"): d
                            for c, d in (
                                ("log_likelihood", 1),
                                ("aic", 1),
                                ("bic", 1),
                                ("mae", 3),
                                ("rmse", 3),
                                ("holdout_predicted", 0),
                                ("holdout_actual", 0),
                            )
                        }
                        widgets.grid(
                            st,
                            table,
                            s,
                            "pred_compare_table",
                            hide_index=True,
                            decimals=places,
                            column_config={
                                c: st.column_config.NumberColumn(format=f"%,.{d}f") for c, d in places.items()
                            },
                        )
                        st.caption(comparison.statistics_note(s.lang, s.digits))
                        st.download_button(
                            s.text("predict.page.compare_download"),
                            safe_csv(table),
                            file_name="clv-model-comparison.csv",
                            mime="text/csv",
                            key="pred_compare_download",
                            on_click="ignore",
                            icon=":material/download:",
                        )
                        st.success(comparison.recommendation(s.lang, s.digits), icon=":material/verified:")
                        left, right = st.columns(2)
                        widgets.plot(
                            left,
                            s,
                            charts.holdout_by_frequency([f.validation for f in comparison.ok_fits], s.lang),
                            key="pred_holdout_chart",
                        )
                        best_label = s.text(f"models.names.{comparison.tracking_model}")
                        widgets.plot(
                            right,
                            s,
                            charts.cumulative_tracking(
                                comparison.tracking, comparison.calibration_weeks, best_label, s.lang
                            ),
                            key="pred_tracking_chart",
                        )
                        right.caption(comparison.tracking_note(s.lang))

            # ---- the model used for each customer's predictions, on the whole period ------------------------
            model_key = predict.pick_model(choice, comparison.best if comparison is not None else None, chosen)
            values = customer_models = None
            try:
                with st.spinner(s.text("predict.page.fitting")):
                    customer_models = cache.customer_models(data_id, model_key, source, frame)
                    values = cache.customer_values(data_id, model_key, source, horizon, annual_rate, customer_models)
            except (clv.InputError, clv.DataError, clv.FitError) as err:
                widgets.show_error(err, s.lang)

            if values is not None:
                model_label = s.text(f"models.names.{model_key}")
                st.subheader(s.text("predict.page.params_header"))
                st.caption(s.text("predict.page.params_caption"))
                # One under the other: side by side, a parameter table's last column was cut off in Arabic.
                if customer_models.spend_error is not None:  # spend: each customer's own average instead
                    st.warning(
                        widgets.literal(customer_models.spend_error.message(s.lang))
                        + "\n\n"
                        + s.text("predict.page.own_average_spend"),
                        icon=":material/warning:",
                    )
                fitted_models = [
                    m for m in (customer_models.transaction_model, customer_models.spend_model) if hasattr(m, "summary")
                ]
                for fitted in fitted_models:
                    with st.container():
                        st.markdown(f"**{s.text(f'models.names.{fitted.name}')}**")
                        summary = tables.model_parameters(fitted.summary(), s.lang)
                        widgets.grid(
                            st,
                            summary,
                            s,
                            f"pred_params_{fitted.name}",
                            hide_index=True,
                            decimals=4,
                            column_config={
                                s.text(f"predict.columns.{c}"): st.column_config.NumberColumn(format="%.4g")
                                for c in ("estimate", "se", "lower_95", "upper_95")
                            },
                        )
                        st.download_button(
                            s.text("predict.page.params_download"),
                            safe_csv(summary),
                            file_name=f"clv-parameters-{fitted.name}.csv",
                            mime="text/csv",
                            key=f"pred_params_download_{fitted.name}",
                            on_click="ignore",
                            icon=":material/download:",
                        )
                        for sentence in predict.readings(fitted, s.lang, s.currency, s.digits):
                            st.markdown(f"- {sentence}")
                        if isinstance(fitted, GammaGamma):
                            for note in fitted.notes(s.lang, s.digits):
                                st.caption(note)

                # ---- each customer ------------------------------------------------------------------------------
                st.subheader(s.text("predict.page.customers_header"))
                st.caption(
                    s.text(
                        "predict.page.customers_caption",
                        model=model_label,
                        months=horizon,
                        rate=fmt.percent(annual_rate, 1, s.digits),
                    )
                )
                cards = st.columns(4)
                widgets.metric(
                    cards[0], s.text("predict.metrics.customers"), fmt.number(len(values.table), 0, s.digits)
                )
                widgets.metric(cards[1], s.text("predict.metrics.mean_clv"), s.money(values.mean_clv))
                widgets.metric(cards[2], s.text("predict.metrics.total_clv"), s.money(values.total_clv, 0))
                widgets.metric(
                    cards[3], s.text("predict.metrics.top_share"), fmt.percent(values.top_share(), 0, s.digits)
                )

                with st.spinner(s.text("predict.ranges.wait")):
                    ranges = cache.value_intervals(
                        data_id, model_key, source, horizon, annual_rate, margin, customer_models
                    )
                said = [
                    predict.totals_sentence(ranges, what, horizon, s.lang, s.currency, s.digits)
                    for what in ("revenue", "purchases")
                ]
                st.markdown(s.md("predict.ranges.sentence", sentence=said[0][:1].upper() + said[0][1:]))
                st.caption(s.text("predict.ranges.help", purchases=said[1]))

                names = {code: rfm.segment_name(code, s.lang) for code in values.table["segment"].unique() if code}
                with_ranges = values.table.join(ranges[["clv_low", "clv_high"]])
                shown = tables.customer_predictions(with_ranges, names, s.lang, s.currency)
                labels = {
                    "p_alive": s.text("predict.columns.p_alive"),
                    "expected_purchases": s.text("predict.columns.expected_purchases"),
                    "expected_spend": s.text("predict.columns.expected_spend", currency=s.currency),
                    "predicted_clv": s.text("predict.columns.predicted_clv", currency=s.currency),
                    "segment": s.text("predict.columns.segment"),
                }
                query = widgets.text_input(F["pred_search"], s.lang).strip()
                if query:
                    ids = shown[s.text("predict.columns.customer")].astype(str)
                    shown = shown[ids.str.contains(query, case=False, regex=False)]
                st.caption(
                    s.text(
                        "predict.page.shown",
                        shown=fmt.number(len(shown), 0, s.digits),
                        total=fmt.number(len(values.table), 0, s.digits),
                    )
                )
                picked = widgets.grid(
                    st,
                    shown,
                    s,
                    "pred_customers_table",
                    hide_index=True,
                    decimals={labels["p_alive"]: 3},
                    column_config={
                        labels["p_alive"]: st.column_config.NumberColumn(format="%.3f"),
                        labels["expected_purchases"]: st.column_config.NumberColumn(format="%.2f"),
                        labels["expected_spend"]: st.column_config.NumberColumn(format="%.2f"),
                        labels["predicted_clv"]: st.column_config.NumberColumn(format="%.2f"),
                        **{
                            s.text(f"predict.columns.{c}", currency=s.currency): st.column_config.NumberColumn(
                                format="%.2f"
                            )
                            for c in ("clv_low", "clv_high")
                        },
                    },
                    on_select="rerun",
                    selection_mode="single-row",
                )
                ui.story.pick_from_table(picked, shown, s.text("predict.columns.customer"))
                st.caption(s.text("predict.ranges.click_row"))
                # the CSV is written when the button is clicked, not on every rerun
                st.download_button(
                    s.text("predict.page.download"),
                    lambda table=shown: safe_csv(table),
                    file_name="clv-predictions.csv",
                    mime="text/csv",
                    key="pred_download",
                    on_click="ignore",
                    icon=":material/download:",
                )

                # ---- one customer's story, and targeting real customers --------------------------------------------
                by = state.get("grp_by")
                labels_by_customer = (
                    cache.on_data(data_id, "group_labels", frame, by)
                    if source == "transactions" and by in frame.columns
                    else None
                )
                if source == "transactions":
                    ui.story.section(
                        s, customer_models, frame, values.table, horizon, annual_rate, ranges, labels_by_customer
                    )
                else:
                    st.info(s.text("story.page.needs_log"), icon=":material/info:")
                ui.targeting.panel(
                    s, data_id, model_key, customer_models, horizon, annual_rate, margin, labels_by_customer, "pred_tg"
                )

                # ---- charts ---------------------------------------------------------------------------------------
                st.subheader(s.text("predict.page.charts_header"))
                t_matrix, t_alive, t_hist, t_conc = st.tabs(
                    [s.text(f"predict.charts.tab_{k}") for k in ("matrix", "alive", "distribution", "concentration")],
                    key="pred_chart_tab",
                    on_change="rerun",
                )
                if t_matrix.open or t_alive.open:
                    expected_matrix, alive_matrix = predict.frequency_recency_matrices(customer_models, horizon)
                if t_matrix.open:
                    widgets.plot(
                        t_matrix, s, charts.frequency_recency(expected_matrix, horizon, s.lang), key="pred_matrix_chart"
                    )
                if t_alive.open:
                    widgets.plot(t_alive, s, charts.p_alive(alive_matrix, s.lang), key="pred_alive_chart")
                if t_hist.open:
                    widgets.plot(
                        t_hist,
                        s,
                        charts.clv_distribution(values.table["predicted_clv"], s.lang, s.currency),
                        key="pred_clv_chart",
                    )
                if t_conc.open:
                    widgets.plot(
                        t_conc,
                        s,
                        charts.value_concentration(values.table["predicted_clv"], s.lang, s.digits),
                        key="pred_concentration_chart",
                    )

                # ---- formula against model, and the calculator baseline ---------------------------------------------
                st.subheader(s.text("predict.page.formula_header"))
                if source == "transactions":
                    st.caption(
                        s.text(
                            "predict.page.formula_caption",
                            margin=fmt.percent(margin, 0, s.digits),
                            months=horizon,
                            rate=fmt.percent(annual_rate, 1, s.digits),
                        )
                    )
                    try:
                        versus = predict.formula_against_model(
                            frame,
                            values,
                            margin,
                            calc.cac if calc else 0.0,
                            analysis_date=predict.last_day(frame),
                            inactivity_days=int(state.get("data_inactive_days")),
                        )
                    except (clv.InputError, clv.DataError) as err:
                        widgets.show_error(err, s.lang)
                    else:
                        left, right = st.columns(2)
                        widgets.metric(left, s.text("predict.page.formula_metric"), s.money(versus.formula_ltv))
                        widgets.metric(right, s.text("predict.page.model_metric"), s.money(versus.model_clv))
                        st.markdown(versus.sentence(s.lang, s.currency, s.digits))
                else:
                    st.info(s.text("predict.page.formula_na"), icon=":material/info:")
                # The calculator's LTV is per new customer: the models' expectation of a customer acquired today.
                panels.model_baseline(s, customer_models, horizon, annual_rate)

    # =====================================================================================================
    # Contractual: sBG on retention counts
    # =====================================================================================================
    if tab_contract.open:
        with tab_contract:
            st.caption(s.text("predict.page.contract_intro"))
            names = {PRED_TYPED: "predict.page.contract_typed", PRED_DATA: "predict.page.contract_data"}
            where = widgets.choice(F["pred_source"], s.lang, option_key=names.get)
            annual = F["pred_rate"].to_core(state.get("pred_rate"))
            cohort_counts = None
            left, right = st.columns([3, 1])
            arpu = widgets.number(F["pred_arpu"], s.lang, container=right, label=s.text("predict.page.contract_arpu"))
            if where == PRED_TYPED:
                with left:
                    typed = widgets.text_input(F["pred_counts"], s.lang)
                period = widgets.choice(
                    F["pred_period"], s.lang, option_key=lambda o: f"predict.page.contract_period_{o}"
                )
                if typed.strip():
                    try:
                        cohort_counts = [predict.parse_counts(typed)]
                    except clv.InputError as err:
                        st.error(_errors(err, s.text("predict.page.contract_counts_short")), icon=":material/error:")
                else:
                    st.info(s.text("predict.page.contract_empty"), icon=":material/info:")
            else:
                period = "month"
                try:
                    subs = dataset.current("subscriptions").table
                    cohort_counts = cache.subscription_cohorts(dataset.dataset_id("subscriptions"), subs)
                    left.caption(
                        s.text(
                            "predict.page.contract_data_caption",
                            cohorts=len(cohort_counts),
                            which=s.text(
                                "predict.page.contract_data_sample"
                                if dataset.is_sample("subscriptions")
                                else "predict.page.contract_data_upload"
                            ),
                        )
                    )
                except clv.DataError as err:
                    widgets.show_error(err, s.lang)
            if cohort_counts:
                per_period = predict.period_rate(annual, period)
                try:
                    result = predict.contractual(cohort_counts, float(arpu), margin, per_period)
                except (clv.InputError, clv.FitError) as err:
                    widgets.show_error(err, s.lang)
                else:
                    st.caption(
                        s.text(
                            "predict.page.contract_caption",
                            margin=fmt.percent(margin, 0, s.digits),
                            rate=fmt.percent(annual, 1, s.digits),
                            per_period=fmt.percent(per_period, 2, s.digits),
                        )
                    )
                    cards = st.columns(4)
                    widgets.metric(
                        cards[0], s.text("predict.metrics.alpha"), fmt.number(result.model.params["alpha"], 3, s.digits)
                    )
                    widgets.metric(
                        cards[1], s.text("predict.metrics.beta"), fmt.number(result.model.params["beta"], 3, s.digits)
                    )
                    widgets.metric(
                        cards[2],
                        s.text("predict.metrics.del"),
                        fmt.number(result.discounted_expected_lifetime, 2, s.digits),
                    )
                    widgets.metric(cards[3], s.text("predict.metrics.ltv"), s.money(result.ltv))
                    for sentence in predict.readings(result.model, s.lang, s.currency, s.digits):
                        st.markdown(f"- {sentence}")
                    widgets.plot(st, s, charts.survival(result.projection, s.lang), key="pred_survival_chart")

    state.write_url()
