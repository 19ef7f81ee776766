"""Words for a scenario: one plain sentence per campaign (``describe``) and the drivers a sensitivity chart
can leave out (``idle_drivers``)."""

from __future__ import annotations

import math

import pandas as pd

from .. import fmt, i18n
from .breakeven import break_even
from .campaigns import Campaign
from .result import ScenarioResult
from .uncertainty import DRIVERS

THRESHOLD_FIELDS = ("churn_reduction", "arpu_lift", "margin_change")


def idle_drivers(table: pd.DataFrame) -> list[str]:
    """The drivers of a ``sensitivity`` table that do not move the LTV at all (CAC never does; a zero
    discount rate moved by a percentage stays zero), so a chart can leave them out and say why.

    >>> from clv import Assumptions
    >>> from clv.scenarios import sensitivity
    >>> base = Assumptions(arpu=50, gross_margin=0.8, monthly_churn=0.05, cac=300)
    >>> idle_drivers(sensitivity(base, [], 0.1))
    ['cac', 'annual_discount_rate']
    """
    moved = table.groupby("driver", sort=False)["ltv_change"].apply(lambda x: bool((x.abs() > 1e-9).any()))
    return [d for d in DRIVERS if d in moved.index and not moved[d]]


def describe(
    result: ScenarioResult, campaign: Campaign, lang: str = "en", currency: str = "$", digits: str = "western"
) -> str:
    """One plain sentence about a campaign's scenario, from the catalogue (``scenarios.describe.*``).

    The threshold is the campaign's break-even in its main effect (churn cut, else ARPU lift, else
    margin points), or for a campaign with none of those the largest one-off cost per member that
    still pays; a cheaper-acquisition campaign is described by its CAC.

    >>> from clv import Assumptions, evaluate_scenario
    >>> base = Assumptions(arpu=50, gross_margin=0.8, monthly_churn=0.05, cac=300)
    >>> c = Campaign("A loyalty programme", reach=0.4, churn_reduction=0.2, monthly_cost=1.0)
    >>> describe(evaluate_scenario(base, [c]), c)  # doctest: +NORMALIZE_WHITESPACE
    "A loyalty programme for 40% of customers adds $70.00 per customer after its cost; it breaks even if it
    cuts members' churn by at least 2.5%."
    """
    baseline = result.baseline.assumptions
    reach = fmt.percent(campaign.reach, 0, digits)
    net = result.net_value
    name = campaign.name
    if net is None:
        return i18n.text_in_digits("scenarios.describe.undefined", lang, digits, name=name, reach=reach)
    only_cac = (
        campaign.cac_change != 0
        and not campaign.has_cost
        and campaign.annual_billing is None
        and not any(getattr(campaign, f) for f in THRESHOLD_FIELDS)
    )
    if only_cac:
        key = "scenarios.describe.cac" if result.cac <= baseline.cac else "scenarios.describe.cac_up"
        return i18n.text_in_digits(
            key,
            lang,
            digits,
            name=name,
            reach=reach,
            cac=fmt.money(result.cac, currency, 2, digits),
            base_cac=fmt.money(baseline.cac, currency, 2, digits),
            ratio=fmt.ratio(result.ltv_to_cac, digits=digits),
            change=fmt.money(abs(baseline.cac - result.cac), currency, 2, digits),
        )
    mood = "gain" if net >= 0 else "loss"
    value = fmt.money(abs(net), currency, 2, digits)
    main = next((f for f in THRESHOLD_FIELDS if getattr(campaign, f) != 0), "one_off_cost")
    threshold = break_even(baseline, campaign, main)
    if threshold is None or (main != "one_off_cost" and threshold <= 0):  # pays even without this effect
        return i18n.text_in_digits(f"scenarios.describe.{mood}.none", lang, digits, name=name, reach=reach, value=value)
    if main == "one_off_cost":
        shown = (
            fmt.money(threshold, currency, 2, digits) if math.isfinite(threshold) else fmt.number(threshold, 0, digits)
        )
    elif main == "margin_change":
        shown = fmt.number(threshold * 100, 1, digits)
    else:
        shown = fmt.percent(threshold, 1, digits)
    return i18n.text_in_digits(
        f"scenarios.describe.{mood}.{main}", lang, digits, name=name, reach=reach, value=value, threshold=shown
    )
