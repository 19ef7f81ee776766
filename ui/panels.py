"""Panels more than one page draws: the assumptions panel (calculator and scenarios' baseline)."""

from __future__ import annotations

import math
from typing import Any

import streamlit as st

import clv
from clv.presets import presets

from dataclasses import replace

from . import state, widgets
from .guard import callback

from .fields import ADVANCED, CALC, CHURN_CURVE, CHURN_FIRST_MONTH, PURCHASES, RETENTION
from .inputs import FIELD_WIDGETS, calc_assumptions, widget_values

F = {f.key: f for f in (*CALC, *ADVANCED)}
SUBSCRIPTION_FIELDS = ("calc_arpu", "calc_churn")
PURCHASE_FIELDS = ("calc_aov", "calc_orders")
SHARED_FIELDS = ("calc_margin", "calc_cac", "calc_discount", "calc_horizon")


def preset_widget_values(key: str) -> dict[str, Any]:
    """A preset's values as the calculator's widgets show them (``inputs.widget_values``)."""
    p = presets()[key]
    return {"calc_mode": p.form, **widget_values(p.values)}


BASELINE_NOTE = "_baseline_note"  # session state: what "use as baseline" changed, said on the next pages drawn
KEPT_FIELDS = ("calc_margin", "calc_cac", "calc_discount", "calc_horizon")


def _shown(key: str, value: Any, lang: str, currency: str) -> str:
    f = F[key]
    if f.kind == "choice":
        return clv.i18n.text(f"{f.label_key.rsplit('.', 1)[0]}.{value}", lang)
    if f.percent:  # as precise as the value: 8.45% stays 8.45%
        return clv.fmt.percent(f.to_core(value), 1 if round(value, 1) == value else 2)
    if f.kind == "int":
        return clv.fmt.number(value, 0)
    return (
        clv.fmt.money(value, currency) if f.key in ("calc_arpu", "calc_aov", "calc_cac") else clv.fmt.number(value, 1)
    )


@callback
def use_as_baseline(values: dict[str, Any], lang: str, currency: str) -> None:
    """on_click: make these the calculator's values and note what changed (old -> new) and what was kept,
    so the change is never silent. Values that are not finite numbers (a measure the data cannot give)
    are never sent: nothing is applied and the note says which."""
    bad = [
        clv.i18n.text(F[k].label_key, lang) if k in F else k
        for k, v in values.items()
        if isinstance(v, (int, float)) and not isinstance(v, bool) and not math.isfinite(v)
    ]
    if bad:
        st.session_state[BASELINE_NOTE] = (
            "error",
            clv.i18n.text("baseline_note.not_finite", lang, fields=", ".join(bad)),
        )
        return
    changed = []
    for key, value in values.items():
        if key in F and state.get(key) != value and F[key].kind != "choice":
            changed.append(
                f"{clv.i18n.text(F[key].label_key, lang)} {_shown(key, state.get(key), lang, currency)} → "
                f"{_shown(key, value, lang, currency)}"
            )
    kept = [
        f"{clv.i18n.text(F[k].label_key, lang)} {_shown(k, state.get(k), lang, currency)}"
        for k in KEPT_FIELDS
        if k not in values
    ]
    state.apply(values)
    st.session_state[BASELINE_NOTE] = clv.i18n.text(
        "baseline_note.applied",
        lang,
        changed="; ".join(changed) or clv.i18n.text("baseline_note.nothing", lang),
        kept="; ".join(kept),
    )


def baseline_note(where: Any = None) -> None:
    """Say once what the last "use as baseline" changed (on the page it was clicked on)."""
    note = st.session_state.pop(BASELINE_NOTE, None)
    if isinstance(note, tuple):
        (where or st).error(widgets.literal(note[1]), icon=":material/error:")
    elif note:
        (where or st).success(widgets.literal(note), icon=":material/check:")


@callback
def _apply_preset() -> None:
    chosen = st.session_state.get("calc_preset")
    if chosen:
        state.reset(("calc_",))
        state.apply(preset_widget_values(chosen))


def assumptions_panel(s: state.PageState) -> tuple[clv.Assumptions | None, dict[str, Any]]:
    """Draw the calculator's inputs; return the assumptions (None when invalid) and a slot per field
    for messages shown beside it. An invalid combination shows its message next to the input."""
    slots: dict[str, Any] = {}
    left, right = st.columns([2, 1], vertical_alignment="bottom")
    left.selectbox(
        s.text("calc.preset.label"),
        list(presets()),
        index=None,
        key="calc_preset",
        format_func=lambda k: s.text(f"presets.{k}.name"),
        placeholder=s.text("calc.preset.placeholder"),
        help=s.text("calc.preset.help"),
    )
    right.button(
        s.text("calc.preset.apply"),
        key="calc_preset_apply",
        on_click=_apply_preset,
        disabled=not st.session_state.get("calc_preset"),
    )
    mode = widgets.choice(F["calc_mode"], s.lang)
    keys = SUBSCRIPTION_FIELDS if mode != PURCHASES else PURCHASE_FIELDS
    for key in keys:
        widgets.paired(F[key], s.lang)
        slots[key] = st.empty()
    if mode == PURCHASES:
        life = widgets.choice(F["calc_life"], s.lang)
        key = "calc_retention" if life == RETENTION else "calc_lifespan"
        widgets.paired(F[key], s.lang)
        slots[key] = st.empty()
    for key in SHARED_FIELDS:
        widgets.paired(F[key], s.lang)
        slots[key] = st.empty()
    try:
        return calc_assumptions(), slots
    except clv.InputError as err:
        key = FIELD_WIDGETS.get(err.field)
        where = slots.get(key) if key else None
        label = s.text(F[key].label_key) if key in F else None
        widgets.show_input_error(err, s.lang, where=where, label=label)
        return None, slots


def advanced_panel(s: state.PageState) -> None:
    """Churn that falls with tenure and expansion revenue (off by default)."""
    with st.expander(
        s.text("calc.advanced"),
        icon=":material/tune:",
        expanded=state.get("calc_churn_shape") != "constant" or state.get("calc_expansion") != 0,
    ):
        shape = widgets.choice(F["calc_churn_shape"], s.lang, horizontal=False)
        if shape == CHURN_FIRST_MONTH:
            widgets.paired(F["calc_first_churn"], s.lang)
        elif shape == CHURN_CURVE:
            left, right = st.columns(2)
            widgets.number(F["calc_sbg_alpha"], s.lang, left)
            widgets.number(F["calc_sbg_beta"], s.lang, right)
            st.caption(s.text("calc.sbg_note"))
        widgets.paired(F["calc_expansion"], s.lang)


def with_advanced(a: clv.Assumptions) -> clv.Assumptions:
    """The assumptions with the advanced baseline applied; raises ``clv.InputError``."""
    shape = state.get("calc_churn_shape")
    changes = {"monthly_expansion": F["calc_expansion"].to_core(state.get("calc_expansion"))}
    if shape == CHURN_FIRST_MONTH:
        changes["first_month_churn"] = F["calc_first_churn"].to_core(state.get("calc_first_churn"))
    elif shape == CHURN_CURVE:
        changes["retention_curve"] = (state.get("calc_sbg_alpha"), state.get("calc_sbg_beta"))
    return replace(a, **changes)


def transactions_in_use(s: state.PageState, sample_key: str) -> tuple[str, Any]:
    """The transaction log pages work on, said at the top of the page: the sample (``sample_key``: the
    catalogue sentence about it) or the user's upload by name (plain text), with the link to Your data. An
    upload that cannot be used says why and stops the page. Returns (the data's cache key, the log)."""
    from . import dataset

    kind = "transactions"
    try:
        loaded = dataset.current(kind)
    except clv.DataError as err:
        st.error(s.text("segpage.upload_unusable"), icon=":material/error:")
        widgets.show_error(err, s.lang)
        _data_link(s)
        state.write_url()  # ui.halt(): the link still reopens the page
        st.stop()
    up = dataset.upload(kind)
    if up is None:
        st.info(s.text(sample_key), icon=":material/dataset:")
    else:
        with st.container(border=True):
            st.markdown(s.text("segpage.in_use_upload"))
            st.text(up.name)  # the user's file name: plain text only
    _data_link(s)
    return dataset.dataset_id(kind), loaded.transactions


def _data_link(s: state.PageState) -> None:
    """The link to Your data (upload, check and map a file)."""
    import ui  # the package's page_link (imported when drawn: ui imports this module)

    ui.page_link("pages/data.py", s.text("segpage.open_data"), ":material/upload_file:")


def model_baseline(s: state.PageState, models, horizon: int, annual_rate: float) -> None:
    """Predictions' "use as the calculator's baseline" from fitted models: what the models expect of a customer
    acquired today over ``horizon`` months (not the mean remaining value of customers already on the books),
    the button, what it sets, and the note of what changed."""
    from clv import fmt, predict

    from .inputs import calc_fields

    newcomer = predict.new_customer_baseline(models, horizon, annual_rate)
    baseline = calc_fields(newcomer.assumptions(), predict.MODEL_FIELDS)
    st.button(
        s.text("predict.page.baseline"),
        key="pred_baseline",
        on_click=use_as_baseline,
        args=(baseline, s.lang, s.currency),
        icon=":material/move_up:",
        type="primary",
    )
    st.caption(
        s.md(
            "predict.page.baseline_help",
            months=fmt.number(horizon, 0, s.digits),
            revenue=s.money(newcomer.revenue),
            spend=s.money(newcomer.mean_spend),
            repeat=fmt.number(newcomer.repeat_purchases, 2, s.digits),
            arpu=s.money(baseline["calc_arpu"]),
            churn=fmt.number(baseline["calc_churn"], 2, s.digits),
            rate=fmt.number(baseline["calc_discount"], 1, s.digits),
        )
    )
    baseline_note()
