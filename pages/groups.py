"""Where the value is: LTV, LTV:CAC and payback by acquisition channel, first product or another grouping
(plan, country), with a CAC per group; the models fitted per group, with intervals, and a test of whether
the groups really differ."""

import streamlit as st

import clv
import ui
from clv import fmt, groups, tables
from clv.charts import groups as group_charts
from clv.export import safe_csv
from ui import cache, dataset, panels, state, widgets
from ui import groups as group_inputs
from ui.fields import GROUPS_PAGE
from ui.inputs import calc_assumptions, calc_fields

KIND = "transactions"
HORIZON_MONTHS = 12  # the models' value per group: the next year (as the intro says)
F = {f.key: f for f in GROUPS_PAGE}

with ui.guard():
    s = ui.page_setup("groups")
    st.title(s.text("grppage.title"))
    st.caption(s.text("grppage.intro"))

    # --- The data in use -------------------------------------------------------------------------------
    key, tx = panels.transactions_in_use(s, "grppage.in_use_sample")
    offered = [role for role in ("channel", "product", "group") if role in tx.columns]
    if not offered:
        st.info(s.text("grppage.no_column"), icon=":material/info:")
        ui.halt()

    # --- The grouping and the calculator's terms --------------------------------------------------------
    left, right = st.columns([1, 2])
    stored = state.get("grp_by")
    by = widgets.select(
        F["grp_by"],
        offered,
        s.lang,
        stored if stored in offered else offered[0],
        container=left,
        format_func=lambda role: s.text(f"data.roles.{role}"),
        keep=True,
    )
    try:
        calc = calc_assumptions()
    except clv.InputError as err:
        widgets.show_input_error(err, s.lang)
        ui.halt()
    terms_text = s.text(
        "grppage.terms",
        margin=fmt.percent(calc.gross_margin, 0, s.digits),
        rate=fmt.percent(calc.annual_discount_rate, 1, s.digits),
        horizon=s.text("grppage.unlimited")
        if calc.horizon_months is None
        else s.text("grppage.months", months=calc.horizon_months),
    )
    right.caption(terms_text)
    inactive = int(state.get("data_inactive_days"))
    names = cache.on_data(key, "group_names", tx, by)

    st.subheader(s.text("grppage.cac_title"))
    st.caption(s.text("grppage.cac_intro"))
    defaults = {g: dataset.sample_cac().get(g, calc.cac) if dataset.is_sample(KIND) else calc.cac for g in names}
    cacs = group_inputs.cac_inputs(names, defaults, s.lang, s.currency)

    fingerprint = repr((key, by, sorted(cacs.items()), calc))
    if not ui.workshop.revealed("groups", fingerprint, s.lang):
        state.write_url()
        ui.halt()

    # --- Formula LTV, LTV:CAC and payback by group -------------------------------------------------------
    try:
        table = cache.on_data(
            key,
            "groups",
            tx,
            by,
            tuple(sorted(cacs.items())),
            calc.gross_margin,
            calc.horizon_months,
            clv.monthly_rate(calc.annual_discount_rate),
            inactive,
        )
    except (clv.InputError, clv.DataError) as err:
        widgets.show_error(err, s.lang)
        ui.halt()
    st.subheader(s.text("grppage.ratio_title"))
    st.markdown(widgets.literal(groups.ratio_sentence(table, s.lang, s.digits)))  # names groups: user text
    widgets.plot(st, s, group_charts.ltv_to_cac_bars(table, s.lang), key="grp_ratio_chart")
    shown = tables.group_table(table, s.lang, s.currency)
    widgets.grid(
        st,
        shown,
        s,
        "grp_table",
        hide_index=True,
        money=tables.group_columns("money", s.lang, s.currency),
        percent=tables.group_columns("percent", s.lang, s.currency),
        counts=tables.group_columns("counts", s.lang, s.currency),
        column_config={
            header: st.column_config.NumberColumn(format=form)
            for header, form in tables.group_formats(s.lang, s.currency).items()
        },
    )
    st.download_button(
        s.text("grppage.download"),
        safe_csv(shown),
        file_name=f"ltv-by-{by}.csv",
        mime="text/csv",
        key="grp_download",
        on_click="ignore",
        icon=":material/download:",
    )
    st.caption(s.text("grppage.method", days=fmt.number(inactive, 0, s.digits)))
    ui.report.remember(
        "groups",
        s.text("grppage.ratio_title"),
        [groups.ratio_sentence(table, s.lang, s.digits), terms_text],
        [shown],
        [group_charts.ltv_to_cac_bars(table, s.lang)],
    )

    # --- One group as the calculator's baseline ------------------------------------------------------------
    with st.container(border=True):
        st.markdown(f"**{s.text('grppage.base_title')}**")
        pick, press = st.columns([2, 1], vertical_alignment="bottom")
        options = [str(g) for g in table["group"]]
        stored = state.get("grp_base")
        base = widgets.select(
            F["grp_base"], options, s.lang, stored if stored in options else options[0], container=pick, keep=True
        )
        row = table[table["group"].astype(str) == base].iloc[0]
        baseline = groups.group_baseline(tx, by, base, inactivity_days=inactive)
        values = calc_fields(baseline, baseline.fields) | {"calc_cac": float(cacs.get(base, calc.cac))}
        press.button(
            s.text("grppage.base_use"),
            key="grp_use_baseline",
            type="primary",
            on_click=panels.use_as_baseline,
            args=(values, s.lang, s.currency),
            icon=":material/input:",
        )
        st.caption(
            s.text(
                "grppage.base_help",
                group=widgets.literal(base),
                arpu=s.money(baseline.arpu),
                churn=fmt.percent(baseline.monthly_churn, 1, s.digits),
                cac=s.money(float(cacs.get(base, calc.cac)), 0),
            )
        )
        panels.baseline_note()

    # --- The models per group: mean CLV with intervals, and whether the groups differ ---------------------
    st.subheader(s.text("grppage.models_title"))
    st.caption(s.text("grppage.models_intro"))
    try:
        with st.spinner(s.text("predict.page.fitting")):
            fits = cache.on_data(key, "group_fits", tx, by)
            values = cache.group_values(key, by, HORIZON_MONTHS, calc.annual_discount_rate, fits)
    except (clv.InputError, clv.DataError, clv.FitError) as err:
        widgets.show_error(err, s.lang)
    else:
        st.markdown(widgets.literal(fits.sentence(s.lang, s.digits)))
        for note in fits.notes(s.lang):
            st.caption(widgets.literal(note))
        widgets.plot(st, s, group_charts.clv_by_group(values, s.lang, s.currency), key="grp_clv_chart")
        shown = tables.group_models_table(values, fits, s.lang, s.currency)
        widgets.grid(st, shown, s, "grp_models_table", hide_index=True)
        ui.report.remember(
            "models",
            s.text("grppage.models_title"),
            [fits.sentence(s.lang, s.digits), *fits.notes(s.lang)],
            [shown],
            [group_charts.clv_by_group(values, s.lang, s.currency)],
        )
        st.download_button(
            s.text("grppage.models_download"),
            safe_csv(shown),
            file_name=f"models-by-{by}.csv",
            mime="text/csv",
            key="grp_models_download",
            on_click="ignore",
            icon=":material/download:",
        )

    ui.report.download(s, "grp_report")
    state.write_url()
