"""Targeting real customers (Segments and Predictions share it): pick a target, an offer from the campaign
templates with its effects, take-up and costs; see what contacting those customers is expected to earn,
customer by customer (``clv.targeting``), how the targeting rules compare, and download whom to contact.

The fields (``tg_*``) are one set for both pages, in the link and the session file: the target and offer
chosen on Segments are the ones Predictions shows.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from clv import fmt, rfm, targeting
from clv.errors import InputError
from clv.export import safe_csv

from . import report, state, widgets, workshop
from .fields import OFFER_MONEY, OFFER_PERCENTS, TARGETING
from .guard import callback

F = {f.key: f for f in TARGETING}
CONTACTS_SHOWN = 20  # rows of the contact list shown on the page (the CSV has all)


@st.cache_data(show_spinner=False, max_entries=8, scope="session")
def _values(dataset: str, model: str, offer: targeting.Offer, months: int, rate: float, margin: float, _models):
    """``clv.targeting.incremental_values`` for one offer and terms (``_models`` named by dataset and model)."""
    return targeting.incremental_values(_models, offer, months, rate, margin)


@st.cache_data(show_spinner=False, max_entries=16, scope="session")
def _outcome(dataset: str, model: str, offer, months, rate, margin, target: tuple, budget, _values, _models):
    """The target's totals with intervals, its break-even effect and take-up, the rules side by side."""
    mask = _mask(_values, target)
    if budget:
        mask = pd.Series(targeting.within_budget(_values, mask, max_contacts=budget), index=_values.index)
    result = targeting.evaluate_target(_values, mask, _models, method="delta")
    effect = targeting.break_even_effect(_values, mask, _models) if offer.has_effect else None
    take_up = targeting.break_even_effect(_values, mask, _models, what="take_up")
    segment = target[1] if target[0] == "segment" else None
    rules = targeting.compare_rules(_values, segment=segment, max_contacts=budget)
    return mask, result, effect, take_up, rules


def _md(text: str) -> str:
    """A sentence of ours for st.markdown: a currency "$" must not open a LaTeX span."""
    return text.replace("$", r"\$")


def _mask(values: pd.DataFrame, target: tuple) -> pd.Series:
    kind, value = target[0], target[1]
    if kind == "group":
        labels, group = value
        return targeting.target_mask(values, "group", (pd.Series(dict(labels)), group))
    return targeting.target_mask(values, kind, value)


@callback
def _template_picked() -> None:
    """A new offer template: its effects, take-up and costs replace the ones shown (the cost per contact stays)."""
    offer = targeting.offer_from_template(st.session_state[F["tg_offer"].key])
    state.put("tg_offer", st.session_state[F["tg_offer"].key])
    values = {f"tg_{name}": F[f"tg_{name}"].from_core(getattr(offer, name)) for name in OFFER_PERCENTS}
    values |= {f"tg_{name}": float(getattr(offer, name)) for name in OFFER_MONEY if name != "cost_per_contact"}
    state.apply({k: round(v, 10) for k, v in values.items()})


def offer(s: state.PageState) -> targeting.Offer:
    """The offer's inputs (template, effects in percent, take-up, costs) and the Offer they make."""
    state.bind(F["tg_offer"].key, state.get("tg_offer"))
    st.selectbox(
        s.text("targeting.page.fields.offer"),
        F["tg_offer"].choices,
        key=F["tg_offer"].key,
        format_func=lambda k: s.text(f"scenarios.templates.{k}.name"),
        on_change=_template_picked,
        help=s.text("targeting.page.fields.offer_help"),
    )
    st.caption(s.text(f"scenarios.templates.{state.get('tg_offer')}.purpose"))
    values = {}
    effects, (take_up,) = OFFER_PERCENTS[:4], OFFER_PERCENTS[4:]
    for cell, name in zip(st.columns(4), effects):  # the four effects, then take-up and the three costs
        values[name] = F[f"tg_{name}"].to_core(widgets.number(F[f"tg_{name}"], s.lang, cell))
    cells = st.columns(4)
    values[take_up] = F[f"tg_{take_up}"].to_core(widgets.number(F[f"tg_{take_up}"], s.lang, cells[0]))
    for cell, name in zip(cells[1:], OFFER_MONEY):
        f = F[f"tg_{name}"]
        values[name] = float(widgets.number(f, s.lang, cell, label=s.text(f.label_key, currency=s.currency)))
    name = s.text(f"scenarios.templates.{state.get('tg_offer')}.name")
    template = targeting.offer_from_template(state.get("tg_offer"), s.lang)
    return targeting.Offer(name, **values, margin_change=template.margin_change)


def target(s: state.PageState, table: pd.DataFrame, groups: pd.Series | None) -> tuple:
    """The target's inputs; returns (kind, value) as ``clv.targeting.target_mask`` takes it (a group as the
    customers' labels and the group, hashable for the cache)."""
    kinds = [k for k in F["tg_kind"].choices if k != "group" or groups is not None]
    left, right = st.columns([1, 2])
    stored = state.get("tg_kind")
    kind = widgets.select(
        F["tg_kind"],
        kinds,
        s.lang,
        stored if stored in kinds else kinds[0],
        container=left,
        format_func=lambda k: s.text(f"targeting.page.kinds.{k}"),
        keep=True,
    )
    with right:
        if kind == "segment":
            present = [c for c in rfm.SEGMENTS if (table["segment"] == c).any()]
            stored = state.get("tg_segment")
            value = widgets.select(
                F["tg_segment"],
                present,
                s.lang,
                stored if stored in present else present[0],
                format_func=lambda c: rfm.segment_name(c, s.lang),
                keep=True,
            )
        elif kind == "group":
            names = sorted(groups.unique(), key=lambda g: -int((groups == g).sum()))
            stored = state.get("tg_group")
            group = widgets.select(F["tg_group"], names, s.lang, stored if stored in names else names[0], keep=True)
            value = (tuple(groups.items()), group)
        elif kind == "p_alive":
            f = F["tg_alive"]
            state.bind(f.key, tuple(float(v) for v in state.get(f.key)))
            st.slider(
                s.text(f.label_key),
                float(f.low),
                float(f.high),
                step=float(f.step),
                key=f.key,
                format=f.fmt,
                on_change=state.commit,
                args=(f.key,),
            )
            state.put(f.key, tuple(float(v) for v in st.session_state[f.key]))
            value = f.to_core(state.get(f.key))
        else:
            value = int(widgets.number(F["tg_top"], s.lang))
    return kind, value


def panel(
    s: state.PageState,
    dataset: str,
    model_key: str,
    models,
    months: int,
    annual_rate: float,
    margin: float,
    groups: pd.Series | None = None,
    key: str = "tg",
) -> None:
    """The whole targeting section for fitted ``models`` (``clv.predict.CustomerModels``) over ``months``."""
    st.subheader(s.text("targeting.page.title"))
    st.caption(
        s.text(
            "targeting.page.intro",
            model=s.text(f"models.names.{model_key}"),
            months=months,
            margin=fmt.percent(margin, 0, s.digits),
        )
    )
    with st.container(border=True):
        st.markdown(f"**{s.text('targeting.page.who')}**")
        chosen = target(s, models.summary, groups)
        st.markdown(f"**{s.text('targeting.page.what')}**")
        try:
            the_offer = offer(s)
        except InputError as err:
            widgets.show_input_error(err, s.lang)
            return
        budget = widgets.number(F["tg_budget"], s.lang, st.columns(4)[0])
        budget = F["tg_budget"].to_core(budget)
    rate = (1.0 + annual_rate) ** (1.0 / 12.0) - 1.0
    if not workshop.revealed("targeting", repr((dataset, model_key, the_offer, chosen, budget, months)), s.lang):
        return
    with st.spinner(s.text("targeting.page.computing")):
        values = _values(dataset, model_key, the_offer, months, rate, margin, models)
        mask, result, effect, take_up, rules = _outcome(
            dataset, model_key, the_offer, months, rate, margin, chosen, budget, values, models
        )
    if result.contacted == 0:
        st.info(s.text("targeting.page.empty"), icon=":material/group_off:")
        return
    cards = st.columns(5)
    widgets.metric(cards[0], s.text("targeting.page.metrics.contacted"), fmt.number(result.contacted, 0, s.digits))
    widgets.metric(cards[1], s.text("targeting.page.metrics.value"), s.money(result.value, 0))
    widgets.metric(cards[2], s.text("targeting.page.metrics.cost"), s.money(result.cost, 0))
    widgets.metric(cards[3], s.text("targeting.page.metrics.net"), s.money(result.net, 0))
    widgets.metric(
        cards[4],
        s.text("targeting.page.metrics.roi"),
        fmt.NOT_DEFINED if result.roi is None else fmt.percent(result.roi, 0, s.digits),
    )
    st.markdown(_md(targeting.result_sentence(result, s.lang, s.currency, s.digits)))
    st.markdown(_md(targeting.break_even_sentence(effect, take_up, the_offer, s.lang, s.digits)))

    st.markdown(f"**{s.text('targeting.page.rules_title')}**")
    st.markdown(_md(targeting.rules_sentence(rules, s.lang, s.currency, s.digits)))
    shown = targeting.rules_table(rules, s.lang, s.currency)
    formats = {"contacted": "%d", "value": "%.2f", "cost": "%.2f", "net": "%.2f", "roi": "percent"}
    widgets.grid(
        st,
        shown,
        s,
        f"{key}_rules",
        hide_index=True,
        money=targeting.rules_money_columns(s.lang, s.currency),
        column_config={
            s.text(f"targeting.table.{c}", currency=s.currency): st.column_config.NumberColumn(format=f)
            for c, f in formats.items()
        },
    )

    contacts = targeting.contact_list(values, mask, s.lang)
    report.remember(
        "targeting",
        s.text("targeting.page.title"),
        [
            targeting.result_sentence(result, s.lang, s.currency, s.digits),
            targeting.break_even_sentence(effect, take_up, the_offer, s.lang, s.digits),
            targeting.rules_sentence(rules, s.lang, s.currency, s.digits),
        ],
        [shown, contacts.head(CONTACTS_SHOWN)],
        [],
    )
    st.markdown(f"**{s.text('targeting.page.contacts_title', count=fmt.number(len(contacts), 0, s.digits))}**")
    formats = {"p_alive": "%.3f", "incremental_margin": "%.2f", "net": "%.2f"}
    widgets.grid(
        st,
        contacts.head(CONTACTS_SHOWN),
        s,
        f"{key}_contacts",
        hide_index=True,
        column_config={
            s.text(f"targeting.columns.{c}"): st.column_config.NumberColumn(format=f) for c, f in formats.items()
        },
    )
    st.download_button(
        s.text("targeting.page.download"),
        lambda table=contacts: safe_csv(table),
        file_name="customers-to-contact.csv",
        mime="text/csv",
        key=f"{key}_download",
        on_click="ignore",
        icon=":material/download:",
        help=s.text("targeting.page.download_help"),
    )
    report.download(s, f"{key}_report")
