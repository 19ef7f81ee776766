"""Campaign slots on the scenarios page: their fields -> ``clv.scenarios.Campaign``; add and remove."""

from __future__ import annotations

from dataclasses import dataclass, replace

import streamlit as st

import clv
from clv import fmt, i18n, scenarios

from . import state
from .guard import callback
from .fields import CAMPAIGN_NUMBERS, EMPTY, MAX_CAMPAIGNS, UNCERTAIN, campaign_key

PERCENT = {name: pct for name, _, _, _, _, _, pct in CAMPAIGN_NUMBERS}


def active_slots() -> list[int]:
    return [i for i in range(1, MAX_CAMPAIGNS + 1) if state.get(campaign_key(i, "kind")) != EMPTY]


def free_slot() -> int | None:
    return next((i for i in range(1, MAX_CAMPAIGNS + 1) if state.get(campaign_key(i, "kind")) == EMPTY), None)


def template_values(slot: int, kind: str) -> dict:
    """A template's defaults as the card's widgets show them (``Field.from_core``)."""
    c = scenarios.TEMPLATES[kind].defaults
    values = {campaign_key(slot, "kind"): kind, campaign_key(slot, "name"): ""}
    shown = {name: getattr(c, name) for name in scenarios.EFFECT_FIELDS}
    if c.annual_billing is not None:
        shown.update(billing_discount=c.annual_billing.discount, renewal_rate=c.annual_billing.renewal_rate)
    fields = state.fields()
    for name, value in shown.items():
        values[campaign_key(slot, name)] = fields[campaign_key(slot, name)].from_core(value)
    return values


@callback
def add(kind: str | None = None) -> None:
    """on_click: put a template's campaign into the first free slot."""
    slot = free_slot()
    kind = kind or state.get("sc_template")
    if slot is not None and kind in scenarios.TEMPLATES:
        state.reset((campaign_key(slot, ""),))
        state.apply(template_values(slot, kind))


@callback
def remove(slot: int) -> None:
    """on_click: empty a slot (its fields back to their defaults)."""
    state.reset((campaign_key(slot, ""),))
    for name in UNCERTAIN:
        st.session_state.pop(campaign_key(slot, name + "_range") + "_on", None)


@dataclass(frozen=True)
class Card:
    slot: int
    kind: str
    name: str  # unique among the cards
    campaign: clv.scenarios.Campaign | None  # None when an input is not allowed
    error: clv.InputError | None
    ranges: dict  # (campaign name, field) -> (low, high), clv units
    result: scenarios.ScenarioResult | None = None  # the campaign alone on the baseline (``check``)


def display_name(slot: int, lang: str) -> str:
    name = (state.get(campaign_key(slot, "name")) or "").strip()
    return name or scenarios.TEMPLATES[state.get(campaign_key(slot, "kind"))].name(lang)


def card(slot: int, lang: str, taken: set[str]) -> Card:
    """The slot's campaign from its fields (core units). Names are made unique with a number."""
    kind = state.get(campaign_key(slot, "kind"))
    name, n = display_name(slot, lang), 2
    while name in taken:
        name, n = f"{display_name(slot, lang)} ({n})", n + 1
    taken.add(name)
    values = state.core_values(campaign_key(slot, ""))
    billing = None
    try:
        if kind == "annual_billing":
            billing = scenarios.AnnualBilling(discount=values["billing_discount"], renewal_rate=values["renewal_rate"])
        fields = {
            k: values[k]
            for k in (
                "reach",
                "arpu_lift",
                "churn_reduction",
                "margin_change",
                "one_off_cost",
                "monthly_cost",
                "revenue_share_cost",
                "cac_change",
            )
        }
        campaign = scenarios.Campaign(name, annual_billing=billing, **fields)
    except clv.InputError as err:
        return Card(slot, kind, name, None, err, {})
    ranges = {}
    for field in UNCERTAIN:
        r = values.get(field + "_range")
        if r is not None and r[0] < r[1]:
            ranges[(name, field)] = r
    return Card(slot, kind, name, campaign, None, ranges)


def check(c: Card, baseline: clv.Assumptions) -> Card:
    """The card's campaign alone on the baseline: its result, or the error that combination raises
    (a margin change that takes the total margin past 100%), so the error shows on that card."""
    if c.campaign is None:
        return c
    try:
        return replace(c, result=scenarios.evaluate_scenario(baseline, [c.campaign]))
    except clv.InputError as err:
        return replace(c, campaign=None, error=err)


def evaluate(baseline: clv.Assumptions, cards: list[Card], lang: str) -> tuple[dict, clv.InputError | None]:
    """Each checked card's result, then all valid campaigns together (``clv.scenarios.compare``'s
    layout). When only the combination is not allowed, the cards' own results stay and its error is
    returned beside them."""
    results = {c.campaign.name: c.result for c in cards if c.campaign is not None}
    campaigns = [c.campaign for c in cards if c.campaign is not None]
    if len(campaigns) > 1:
        try:
            results[i18n.text("scenarios.combined", lang)] = scenarios.evaluate_scenario(baseline, campaigns)
        except clv.InputError as err:
            return results, err
    return results, None


def error_text(err: clv.InputError, lang: str, digits: str = "western", combined: bool = False) -> str:
    """A campaign's error in the user's units (percent and points, the card's labels), not in fractions."""
    if err.allowed == "scenarios.allowed.margin_total":
        key = "combined_margin_total" if combined else "margin_total"
        return i18n.text(
            f"scenarios.card_error.{key}",
            lang,
            total=fmt.percent(err.value, 1, digits),
            margin=err.values.get("margin", ""),
        )
    name = err.field.split(".")[-1]
    label_key = f"scenarios.card.{name}"
    label = i18n.text(label_key, lang) if i18n.has(label_key, lang) else name
    value = (
        fmt.percent(err.value, 1, digits)
        if PERCENT.get(name) and isinstance(err.value, (int, float))
        else str(err.value)
    )
    return i18n.text(
        "scenarios.card_error.other", lang, label=label, value=value, message=i18n.text(err.allowed, lang, **err.values)
    )


def current(lang: str) -> tuple[clv.Assumptions, list[Card]]:
    """The scenario the page state describes, without drawing anything (the presentation view).
    Raises ``clv.InputError`` when the baseline is not valid."""
    from . import inputs, panels

    baseline = panels.with_advanced(inputs.calc_assumptions())
    taken: set[str] = set()
    return baseline, [card(slot, lang, taken) for slot in active_slots()]
