"""Your data: upload a file (or use the sample), see exactly what was read and set aside, correct the
column mapping, and turn the data into the calculator's baseline."""

import pandas as pd
import streamlit as st

import clv
import ui
from clv import data, fmt, predict, tables
from clv.charts import data as data_charts
from clv.export import safe_csv
from ui import cache, database, dataset, inputs, panels, state, widgets
from ui.fields import DATA, DATA_PAGE, DATABASE

PREVIEW_ROWS = 100  # kept rows shown in the preview
FILE_TYPES = ["csv", "tsv", "txt", "xlsx", "parquet", "json", "ndjson"]

with ui.guard():
    s = ui.page_setup("data")
    F = {f.key: f for f in (*DATA, *DATA_PAGE, *DATABASE)}
    st.title(s.text("datapage.title"))
    st.caption(s.text("datapage.intro"))

    def show_report(report, up, kind: str, detected: list[str] | None = None) -> None:
        """The data-quality report (an upload's, the sample's, or a database's: ``detected`` then replaces
        the file's format lines, and the reasons have no example rows, which stay in the database)."""
        st.subheader(s.text("datapage.report.title"))
        cards = st.columns(3)
        widgets.metric(cards[0], s.text("datapage.report.rows_read"), fmt.number(report.rows_read, 0, s.digits))
        widgets.metric(cards[1], s.text("datapage.report.rows_kept"), fmt.number(report.rows_kept, 0, s.digits))
        widgets.metric(
            cards[2], s.text("datapage.report.rows_set_aside"), fmt.number(report.rows_set_aside, 0, s.digits)
        )
        st.text(" · ".join(report.detected(s.lang) if detected is None else detected))  # a sheet name: plain text
        for note in report.notes(s.lang):  # quotes the file (lines, names, statuses): plain text
            st.text(note)
        if up is not None and (report.status_column or len(report.currencies_found) > 1):
            with st.container(border=True):
                if report.status_column:
                    found = list(report.statuses_found)
                    picked = [v for v in (dataset.paid_statuses() or report.paid_statuses) if v in found]
                    widget_key = f"data_paid_pick_{up.digest[:12]}"
                    st.multiselect(
                        s.text("datapage.paid.label"),
                        found,
                        default=picked,
                        key=widget_key,
                        on_change=dataset.on_paid,
                        args=(widget_key,),
                        help=s.text("datapage.paid.help"),
                    )
                if len(report.currencies_found) > 1:
                    found = list(report.currencies_found)
                    widgets.select(
                        F["data_currency"], found, s.lang, report.currency if report.currency in found else found[0]
                    )

        if report.dayfirst is not None:
            how = (
                "chosen"
                if state.get("data_dayfirst") != "auto" and up is not None
                else ("ambiguous" if report.date_ambiguous else "detected")
            )
            order = "day" if report.dayfirst else "month"
            st.markdown(s.text(f"datapage.report.dates_{order}") + " " + s.text(f"datapage.report.dates_{how}"))
        if kind == "transactions" and report.returns_mode == "set_aside":
            st.markdown(s.text("datapage.report.returns_set_aside"))
        elif kind == "transactions" and report.returns_netted:
            st.markdown(s.text("datapage.report.returns_net", count=fmt.number(report.returns_netted, 0, s.digits)))

        if not report.set_aside_reasons:
            st.success(s.text("datapage.report.all_kept"), icon=":material/check_circle:")
        elif detected is not None:  # a database: the counts only
            st.markdown(f"**{s.text('datapage.report.reasons')}**")
            for entry in report.set_aside_reasons:
                key_name = "datapage.report.reason_one" if entry.count == 1 else "datapage.report.reason_many"
                st.markdown(
                    "- " + s.md(key_name, reason=entry.label(s.lang), count=fmt.number(entry.count, 0, s.digits))
                )
            st.caption(s.text("dbpage.reasons_note"))
        else:
            st.markdown(f"**{s.text('datapage.report.reasons')}**")
            for entry in report.set_aside_reasons:
                key_name = "datapage.report.reason_one" if entry.count == 1 else "datapage.report.reason_many"
                count = fmt.number(entry.count, 0, s.digits)
                with st.expander(s.text(key_name, reason=entry.label(s.lang), count=count)):
                    st.caption(s.text("datapage.report.examples", shown=data.EXAMPLES_PER_REASON))
                    st.dataframe(
                        tables.set_aside_rows(entry.examples, s.lang),
                        hide_index=True,
                        key=f"data_examples_{entry.reason}",
                        placeholder=fmt.NOT_DEFINED,
                    )
            st.download_button(
                s.text("datapage.report.download"),
                safe_csv(tables.set_aside_rows(report.set_aside, s.lang)),
                file_name="set-aside-rows.csv",
                mime="text/csv",
                key="data_download_set_aside",
                on_click="ignore",
                icon=":material/download:",
                help=s.text("datapage.report.download_help"),
            )

    # --- From a file or from a database ------------------------------------------------------------------
    if widgets.choice(F["data_source"], s.lang) == "database":
        st.subheader(s.text("dbpage.title"))
        st.caption(s.text("dbpage.intro"))
        db_kind = widgets.choice(F["data_db_kind"], s.lang)
        st.caption(s.text(f"dbpage.kind.{db_kind}_help"))
        if db_kind == "files":
            state.bind("data_db_path", state.get("data_db_path"))
            st.text_input(
                s.text(F["data_db_path"].label_key),
                key="data_db_path",
                max_chars=database.MAX_PATH_CHARS,
                placeholder=s.text("dbpage.path.placeholder"),
                help=s.text(F["data_db_path"].help_key),
                on_change=database.commit_text,
                args=("data_db_path",),
            )
        elif db_kind == "connection":
            names = list(database.connection_names())
            if not names:
                st.info(s.text("dbpage.connection.none"), icon=":material/key:")
                ui.halt()
            widgets.select(
                F["data_db"],
                names,
                s.lang,
                state.get("data_db") if state.get("data_db") in names else names[0],
                keep=True,
            )
        source = database.current_source()
        state.bind("data_db_query", state.get("data_db_query"))
        st.text_area(
            s.text(F["data_db_query"].label_key),
            key="data_db_query",
            max_chars=database.MAX_QUERY_CHARS,
            height=100,
            placeholder=s.text(f"dbpage.query.placeholder_{db_kind}"),
            help=s.text(F["data_db_query"].help_key),
            on_change=database.commit_text,
            args=("data_db_query",),
        )
        st.button(
            s.text("dbpage.run_again"),
            key="data_db_run",
            on_click=database.run_again,
            icon=":material/refresh:",
            help=s.text("dbpage.run_again_help"),
        )
        try:
            db_columns = database.source_columns(source, s.lang)
        except clv.DataError as err:
            widgets.show_error(err, s.lang)
            ui.halt()
        guessed = database.guess_mapping(db_columns)
        with st.expander(s.text("datapage.map.title"), icon=":material/table_chart:"):
            st.caption(s.text("dbpage.map_intro"))
            grid = st.columns(len(database.ROLES))
            for i, role in enumerate(database.ROLES):
                fkey = f"data_db_map_{role}"
                chosen = state.get(fkey)
                choices = ["", *db_columns] if chosen in ("", *db_columns) else ["", chosen, *db_columns]
                auto = (
                    s.text("datapage.map.auto", column=guessed[role])
                    if role in guessed
                    else s.text("datapage.map.auto_none")
                )
                widgets.select(
                    F[fkey],
                    choices,
                    s.lang,
                    chosen,
                    grid[i],
                    label=s.text(F[fkey].label_key) + (" *" if role in database.REQUIRED_ROLES else ""),
                    format_func=lambda c, auto=auto: auto if c == "" else c,
                )
            st.caption(s.text("datapage.map.required"))
        source = database.current_source()
        try:
            db_report = database.quality(source, s.lang)
            db_sql, db_dialect, db_mapping = database.mapped_sql(source, s.lang)
        except clv.DataError as err:
            widgets.show_error(err, s.lang)
            ui.halt()
        show_report(db_report, None, "transactions", [s.text("dbpage.detected", dialect=db_dialect)])
        if db_report.rows_kept == 0:
            ui.halt()
        st.success(s.text("dbpage.in_use"), icon=":material/database:")
        links = st.columns(2)
        with links[0]:
            ui.page_link("pages/segments.py", s.text("nav.segments"), ":material/groups:")
        with links[1]:
            ui.page_link("pages/predictions.py", s.text("nav.predictions"), ":material/insights:")
        with st.expander(s.text("datapage.preview.title"), icon=":material/visibility:"):
            try:
                shown = database.preview(source, s.lang)
            except clv.DataError as err:
                widgets.show_error(err, s.lang)
            else:
                st.caption(s.text("dbpage.preview_caption", shown=fmt.number(len(shown), 0, s.digits)))
                st.dataframe(shown, key="data_db_preview", hide_index=True, placeholder=fmt.NOT_DEFINED)
        try:
            by_channel = database.channels(source, s.lang)
        except clv.DataError as err:
            widgets.show_error(err, s.lang)
            by_channel = None
        if by_channel is not None:
            st.markdown(f"**{s.text('dbpage.channels.title')}**")
            st.dataframe(
                by_channel.rename(
                    columns={
                        "channel": s.text("data.roles.channel"),
                        "rows": s.text("dbpage.channels.rows"),
                        "revenue": s.text("dbpage.channels.revenue", currency=s.currency),
                    }
                ),
                key="data_db_channels",
                hide_index=True,
                placeholder=fmt.NOT_DEFINED,
                column_config={
                    s.text("dbpage.channels.revenue", currency=s.currency): st.column_config.NumberColumn(
                        format="%,.2f"
                    )
                },
            )
        st.info(s.text("dbpage.baseline_file_only"), icon=":material/info:")
        ui.halt()

    # --- What to upload -------------------------------------------------------------------------------
    kind = widgets.choice(F["data_kind"], s.lang)
    st.caption(s.text(f"datapage.kind.{kind}_help"))
    limit_mb = st.get_option("server.maxUploadSize")
    key = dataset.uploader_key(kind)
    st.file_uploader(
        s.text(f"datapage.upload.label_{kind}"),
        type=FILE_TYPES,
        key=key,
        on_change=dataset.on_upload,
        args=(kind, key),
        help=s.text("datapage.upload.help", limit=fmt.number(limit_mb, 0, s.digits)),
    )
    st.caption(s.text("datapage.upload.privacy", limit=fmt.number(limit_mb, 0, s.digits)))

    up = dataset.upload(kind)
    in_use, sample_button = st.columns([3, 1], vertical_alignment="center")
    if up is None:
        in_use.info(s.text(f"datapage.in_use.sample_{kind}"), icon=":material/dataset:")
    else:
        with in_use.container(border=True):
            st.markdown(s.text("datapage.in_use.upload", size=fmt.number(len(up.raw) / 1024, 1, s.digits)))
            st.text(up.name)  # the file's name as typed: plain text, never markdown
    sample_button.button(
        s.text("datapage.sample.button"),
        key=f"data_sample_{kind}",
        on_click=dataset.use_sample,
        args=(kind,),
        icon=":material/science:",
        disabled=up is None,
        help=s.text("datapage.sample.help"),
    )

    # --- How the file is read (uploads only: the sample is read as published) -------------------------------
    options = dataset.read_options()
    sheets: list[str] = []
    if up is not None:
        with st.container(border=True):
            st.markdown(f"**{s.text('datapage.options.title')}**")
            left, right = st.columns(2)
            widgets.choice(F["data_dayfirst"], s.lang, left)
            if kind == "transactions":
                widgets.choice(F["data_returns"], s.lang, right)
            if up.name.lower().endswith(".xlsx"):
                try:
                    sheets = cache.upload_sheets(up.digest, up.name, up.raw)
                except clv.DataError:
                    sheets = []  # the read below says what is wrong with the file
            if len(sheets) > 1:
                widgets.select(
                    F["data_sheet"],
                    sheets,
                    s.lang,
                    state.get("data_sheet") if state.get("data_sheet") in sheets else sheets[0],
                    keep=True,
                )
        options = dataset.read_options()

    data_key = dataset.dataset_id(kind) if up is None else f"{dataset.dataset_id(kind)}|{options!r}"
    result, error = None, None
    try:
        if up is None:
            result = cache.sample(kind)
        else:
            result = cache.read_upload(up.digest, up.name, kind, dataset.mapping_items(kind), options, up.raw)
    except clv.DataError as err:
        error = err
    except clv.InputError as err:  # a read option out of range (not reachable from widgets)
        widgets.show_input_error(err, s.lang)
        ui.halt()

    if error is not None:
        widgets.show_error(error, s.lang)
    report = result.report if result is not None else getattr(error, "report", None)

    # --- Column mapping (transactions: correctable; other kinds: shown) --------------------------------------
    if up is not None and kind in dataset.MAPPABLE:
        try:
            columns = cache.upload_columns(up.digest, up.name, options.sheet, up.raw)
        except clv.DataError:
            columns = []
        if columns:
            used = result.mapping if result is not None else {}
            roles, required, prefix = dataset.MAPPABLE[kind]
            with st.expander(s.text("datapage.map.title"), expanded=result is None, icon=":material/table_chart:"):
                st.caption(s.text("datapage.map.intro"))
                grid = st.columns(4)
                for i, role in enumerate(roles):
                    fkey = f"{prefix}{role}"
                    chosen = state.get(fkey)
                    choices = ["", *columns] if chosen in ("", *columns) else ["", chosen, *columns]
                    auto = (
                        s.text("datapage.map.auto", column=used[role])
                        if role in used
                        else s.text("datapage.map.auto_none")
                    )
                    widgets.select(
                        F[fkey],
                        choices,
                        s.lang,
                        chosen,
                        grid[i % 4],
                        label=s.text(F[fkey].label_key) + (" *" if role in required else ""),
                        format_func=lambda c, auto=auto: auto if c == "" else c,
                    )
                st.caption(s.text("datapage.map.required"))
    elif result is not None:
        with st.expander(s.text("datapage.map.title_used"), icon=":material/table_chart:"):
            st.dataframe(
                pd.DataFrame(
                    {
                        s.text("datapage.map.role"): [
                            s.text(f"data.roles.{r}") if r in data.ROLES + data.SUBSCRIPTION_ROLES else r
                            for r in result.mapping
                        ],
                        s.text("datapage.map.column"): list(result.mapping.values()),
                    }
                ),
                hide_index=True,
                key="data_mapping_used",
                placeholder=fmt.NOT_DEFINED,
            )

    if report is None:
        ui.halt()

    # --- Data-quality report -----------------------------------------------------------------------------
    show_report(report, up, kind)

    if result is None:
        ui.halt()

    # --- Preview of the kept rows --------------------------------------------------------------------------
    table = result.table
    with st.expander(s.text("datapage.preview.title"), icon=":material/visibility:"):
        st.caption(
            s.text(
                "datapage.preview.caption",
                shown=fmt.number(min(PREVIEW_ROWS, len(table)), 0, s.digits),
                total=fmt.number(len(table), 0, s.digits),
            )
        )
        st.dataframe(table.head(PREVIEW_ROWS), key="data_preview", placeholder=fmt.NOT_DEFINED)

    # --- What the data says about the calculator's inputs ----------------------------------------------------
    def interval(estimate, show) -> str:
        return s.text("datapage.derived.interval", low=show(estimate.low), high=show(estimate.high))

    st.subheader(s.text("datapage.derived.title"))
    if kind == "summary":
        st.info(s.text("datapage.derived.summary_note"), icon=":material/info:")
        ui.halt()

    if kind == "transactions":
        inactive = widgets.number(F["data_inactive_days"], s.lang, st.columns([1, 2])[0])
        try:
            derived = cache.on_data(data_key, "derived", table, int(inactive))
        except (clv.DataError, clv.InputError) as err:
            widgets.show_error(err, s.lang)
            ui.halt()
        baseline = predict.data_baseline(
            derived.arpu.value,
            derived.monthly_churn.value,
            derived.avg_order_value.value,
            derived.orders_per_year.value,
        )
        cards = st.columns(4)
        shown = (
            ("arpu", s.money),
            ("monthly_churn", lambda v: fmt.percent(v, 2, s.digits)),
            ("orders_per_year", lambda v: fmt.number(v, 2, s.digits)),
            ("avg_order_value", s.money),
        )
        for card, (name, show) in zip(cards, shown):
            estimate = getattr(derived, name)
            widgets.metric(
                card, s.text(f"datapage.derived.{name}"), show(estimate.value), s.text(f"datapage.derived.{name}_help")
            )
            card.caption(interval(estimate, show))
        st.markdown(
            s.text("cohorts.churn_method_inactivity", days=fmt.number(derived.inactivity_days, 0, s.digits))
            + " "
            + s.text(
                "datapage.derived.basis",
                customers=fmt.number(derived.customers, 0, s.digits),
                churned=fmt.number(derived.churned, 0, s.digits),
                months=fmt.number(derived.customer_months, 0, s.digits),
                date=derived.analysis_date,
            )
        )
        if derived.churned == 0:  # nobody inactive long enough: churn is not measured
            st.warning(
                s.text("datapage.notes.no_churn", days=fmt.number(derived.inactivity_days, 0, s.digits)),
                icon=":material/warning:",
            )
        for name in derived.uncertain_fields:
            if name == "monthly_churn" and derived.churned == 0:
                continue
            estimate = getattr(derived, name)
            show = dict(shown)[name]
            st.warning(
                s.text(
                    "cohorts.uncertain",
                    field=s.text(f"datapage.derived.{name}"),
                    low=show(estimate.low),
                    high=show(estimate.high),
                ),
                icon=":material/warning:",
            )
    else:  # subscriptions
        metrics = cache.on_data(data_key, "subscriptions", table)
        pooled = metrics.pooled
        logo, revenue_churn, arpu = pooled["logo_churn"], pooled["revenue_churn"], pooled["arpu"]
        if logo is None:  # no subscriber was ever active in a whole month
            st.warning(s.text("datapage.subs.no_active"), icon=":material/warning:")
            ui.halt()
        last = metrics.monthly.iloc[-1]
        baseline = predict.data_baseline(arpu, logo)
        cards = st.columns(4)
        widgets.metric(
            cards[0],
            s.text("datapage.subs.mrr"),
            s.money(last["mrr_end"], 0),
            s.text("datapage.subs.mrr_help", month=str(metrics.monthly.index[-1])),
        )
        widgets.metric(cards[1], s.text("datapage.subs.arpu"), s.money(arpu), s.text("datapage.subs.arpu_help"))
        widgets.metric(
            cards[2],
            s.text("datapage.subs.logo_churn"),
            fmt.percent(logo, 2, s.digits),
            s.text("datapage.subs.logo_churn_help"),
        )
        widgets.metric(
            cards[3],
            s.text("datapage.subs.revenue_churn"),
            fmt.percent(revenue_churn, 2, s.digits),
            s.text("datapage.subs.revenue_churn_help"),
        )
        st.markdown(
            s.text(
                "datapage.subs.method",
                months=fmt.number(pooled["months"], 0, s.digits),
                subscriber_months=fmt.number(pooled["subscriber_months"], 0, s.digits),
            )
        )
        tab_mrr, tab_survival = st.tabs([s.text("datapage.subs.tab_mrr"), s.text("datapage.subs.tab_survival")])
        widgets.plot(tab_mrr, s, data_charts.mrr_chart(metrics, s.lang, s.currency), key="data_mrr_chart")
        widgets.plot(tab_survival, s, data_charts.survival_chart(metrics, s.lang), key="data_survival_chart")

    left, right = st.columns([1, 2], vertical_alignment="center")
    left.button(
        s.text("datapage.derived.use"),
        key="data_use_baseline",
        type="primary",
        on_click=panels.use_as_baseline,
        args=(inputs.calc_fields(baseline, baseline.fields), s.lang, s.currency),
        icon=":material/input:",
        help=s.text("datapage.derived.use_help"),
    )
    with right:
        ui.page_link("app.py", s.text("datapage.derived.open_calculator"), ":material/calculate:")
    panels.baseline_note()
    st.caption(s.text("datapage.derived.rounding"))

    state.write_url()
