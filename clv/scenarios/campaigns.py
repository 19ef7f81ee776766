"""Campaigns (what a retention or growth action changes, for whom, at what cost) and named templates.

Conventions:
- ``reach`` is the share of acquired customers reached *and* taking part (reach x take-up), 0..1.
- ``arpu_lift`` and ``churn_reduction`` are relative: 0.3 means ARPU x 1.3; 0.2 means churn x 0.8
  (a negative ``churn_reduction`` raises churn: -0.1 means churn x 1.1).
- ``margin_change`` is in margin points, added to the gross margin (-0.02 = two points less).
- Costs are per reached customer: ``one_off_cost`` at month 0 (undiscounted), ``monthly_cost`` in each
  active month (paid with the month's payment, at its start), ``revenue_share_cost`` a share of the
  reached customers' revenue (loyalty rewards, commissions), 0..1.
- ``annual_billing`` moves the reached customers to a yearly plan paid up front:
  12 x ARPU x (1 - discount) at the start of each year, churn only at renewals (annual renewal rate).
- ``cac_change`` is a relative change in acquisition cost for the share ``reach`` of new customers
  (-0.25 = a quarter cheaper). It changes CAC, so LTV:CAC and payback, never LTV or net value:
  the scenario's CAC is ``CAC x prod_i (1 + reach_i x cac_change_i)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace

import numpy as np

from .. import fmt, i18n
from ..errors import InputError


def _number(
    name: str, value: object, low: float | None, high: float | None, allowed: str, low_open: bool = False
) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise InputError(name, value, allowed)
    value = float(value)
    if (
        not math.isfinite(value)
        or (low is not None and (value < low or (low_open and value == low)))
        or (high is not None and value > high)
    ):
        raise InputError(name, value, allowed)
    return value


@dataclass(frozen=True, slots=True)
class AnnualBilling:
    """A yearly plan paid up front: 12 x ARPU x (1 - discount) at months 0, 12, 24, ...; a share
    ``renewal_rate`` renews each year (no churn between renewals).

    >>> AnnualBilling(discount=0.15, renewal_rate=0.7).price_factor
    10.2
    """

    discount: float = 0.15  # fraction off twelve monthly payments, 0..1 (not 1)
    renewal_rate: float = 0.7  # fraction of annual customers renewing each year, 0..1

    def __post_init__(self):
        object.__setattr__(self, "discount", _number("discount", self.discount, 0, 1, "scenarios.allowed.discount"))
        if self.discount >= 1:
            raise InputError("discount", self.discount, "scenarios.allowed.discount")
        object.__setattr__(self, "renewal_rate", _number("renewal_rate", self.renewal_rate, 0, 1, "allowed.fraction"))

    @property
    def price_factor(self) -> float:
        """The yearly payment in months of ARPU: 12 x (1 - discount)."""
        return round(12.0 * (1.0 - self.discount), 12)


EFFECT_FIELDS = (
    "reach",
    "arpu_lift",
    "churn_reduction",
    "margin_change",
    "one_off_cost",
    "monthly_cost",
    "revenue_share_cost",
    "cac_change",
)
COST_FIELDS = ("one_off_cost", "monthly_cost", "revenue_share_cost")
BILLING_FIELDS = ("billing_discount", "renewal_rate")  # the annual plan's two numbers (simulation ranges)


@dataclass(frozen=True, slots=True)
class Campaign:
    """One campaign. Validated here; errors name the field.

    >>> c = Campaign("Loyalty", reach=0.4, churn_reduction=0.2, monthly_cost=1.0)
    >>> c.churn_factor, c.arpu_factor
    (0.8, 1.0)
    """

    name: str
    reach: float = 1.0  # share of customers reached and taking part, 0..1
    arpu_lift: float = 0.0  # relative ARPU change of reached customers, >= -1
    churn_reduction: float = 0.0  # relative churn cut of reached customers, <= 1 (negative: churn rises)
    margin_change: float = 0.0  # gross-margin points added, -1..1 (the total must stay 0..1)
    one_off_cost: float = 0.0  # currency per reached customer at month 0, >= 0
    monthly_cost: float = 0.0  # currency per reached customer per active month, >= 0
    revenue_share_cost: float = 0.0  # fraction of the reached customers' revenue, 0..1
    annual_billing: AnnualBilling | None = None
    cac_change: float = 0.0  # relative CAC change for the share ``reach`` of new customers, >= -1

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name.strip():
            raise InputError("name", self.name, "scenarios.allowed.name")
        checks = {
            "reach": (0, 1, "allowed.fraction"),
            "arpu_lift": (-1, None, "scenarios.allowed.arpu_lift"),
            "churn_reduction": (None, 1, "scenarios.allowed.churn_reduction"),
            "margin_change": (-1, 1, "scenarios.allowed.margin_change"),
            "one_off_cost": (0, None, "allowed.non_negative"),
            "monthly_cost": (0, None, "allowed.non_negative"),
            "revenue_share_cost": (0, 1, "allowed.fraction"),
            "cac_change": (-1, None, "scenarios.allowed.cac_change"),
        }
        for name, (low, high, allowed) in checks.items():
            object.__setattr__(self, name, _number(name, getattr(self, name), low, high, allowed))
        if self.annual_billing is not None and not isinstance(self.annual_billing, AnnualBilling):
            raise InputError("annual_billing", self.annual_billing, "scenarios.allowed.annual_billing")

    @property
    def arpu_factor(self) -> float:
        return 1.0 + self.arpu_lift

    @property
    def churn_factor(self) -> float:
        return 1.0 - self.churn_reduction

    @property
    def has_cost(self) -> bool:
        return self.one_off_cost > 0 or self.monthly_cost > 0 or self.revenue_share_cost > 0

    def with_value(self, field: str, value: float) -> "Campaign":
        """A copy with one effect (or ``billing_discount`` / ``renewal_rate``) changed."""
        if field in EFFECT_FIELDS:
            return replace(self, **{field: value})
        if field in BILLING_FIELDS and self.annual_billing is not None:
            key = "discount" if field == "billing_discount" else field
            return replace(self, annual_billing=replace(self.annual_billing, **{key: value}))
        raise InputError("field", field, "scenarios.allowed.field")


def price_change(pct: float, churn_elasticity: float = 1.0, name: str = "Price change", reach: float = 1.0) -> Campaign:
    """A price change of ``pct`` (0.05 = 5% dearer) with churn responding through an elasticity.

    ``churn_elasticity`` is the relative change in churn per relative change in price: churn becomes
    churn x (1 + elasticity x pct), so ``churn_reduction = -elasticity x pct``. ARPU becomes
    ARPU x (1 + pct). ``reach`` is the share of customers whose price changes (1 = everyone).

    >>> c = price_change(0.10, churn_elasticity=1.5)
    >>> c.arpu_lift, round(c.churn_reduction, 12)
    (0.1, -0.15)
    """
    pct = _number("pct", pct, -1, None, "scenarios.allowed.arpu_lift")
    churn_elasticity = _number("churn_elasticity", churn_elasticity, None, None, "scenarios.allowed.elasticity")
    return Campaign(name, reach=reach, arpu_lift=pct, churn_reduction=-churn_elasticity * pct)


@dataclass(frozen=True, slots=True)
class Template:
    """A named kind of campaign with documented defaults. Name and description are catalogue keys
    (``scenarios.templates.<key>.name`` / ``.description``); every field can be changed in ``make``.

    >>> TEMPLATES["loyalty"].make(reach=0.5).reach
    0.5
    """

    key: str
    defaults: Campaign

    @property
    def name_key(self) -> str:
        return f"scenarios.templates.{self.key}.name"

    @property
    def description_key(self) -> str:
        return f"scenarios.templates.{self.key}.description"

    def name(self, lang: str = "en") -> str:
        return i18n.text(self.name_key, lang)

    def description(self, lang: str = "en") -> str:
        return i18n.text(self.description_key, lang)

    def purpose(self, lang: str = "en") -> str:
        """What the campaign is, without numbers (the numbers are the card's own: ``effects``)."""
        return i18n.text(f"scenarios.templates.{self.key}.purpose", lang)

    def make(self, lang: str = "en", **changes) -> Campaign:
        """The template's campaign named in ``lang``, with any fields changed (``reach=0.5``)."""
        base = replace(self.defaults, name=changes.pop("name", self.name(lang)))
        unknown = set(changes) - {f.name for f in fields(Campaign)}
        if unknown:
            raise InputError("field", sorted(unknown)[0], "scenarios.allowed.field")
        return replace(base, **changes)


# Defaults are illustrative starting points for a subscription-like business, not benchmarks:
# each is a plausible order of magnitude the user is expected to replace with their own numbers.
TEMPLATES: dict[str, Template] = {
    t.key: t
    for t in (
        # "Buy again" series with a second-order voucher: a few more orders, slightly stickier; voucher cost.
        Template(
            "repeat_purchase",
            Campaign("repeat_purchase", reach=0.30, arpu_lift=0.08, churn_reduction=0.05, one_off_cost=3.0),
        ),
        # Renewal / replenishment reminders (email, SMS): cheap, wide, fewer customers lapse by forgetting.
        Template("reminders", Campaign("reminders", reach=0.60, churn_reduction=0.10, monthly_cost=0.10)),
        # Cross-sell of a second product line: more revenue at a lower margin; a one-off offer cost.
        Template(
            "cross_sell", Campaign("cross_sell", reach=0.15, arpu_lift=0.30, margin_change=-0.05, one_off_cost=5.0)
        ),
        # Upsell to a higher tier: fewer take it up, a bigger lift, a little stickier; sales time up front.
        Template("upsell", Campaign("upsell", reach=0.10, arpu_lift=0.40, churn_reduction=0.05, one_off_cost=10.0)),
        # Loyalty programme: members churn less; running cost per member and rewards worth 2% of revenue.
        Template(
            "loyalty", Campaign("loyalty", reach=0.40, churn_reduction=0.20, monthly_cost=1.0, revenue_share_cost=0.02)
        ),
        # Annual billing switch: 15% off for paying a year up front; 70% renew each year.
        Template(
            "annual_billing",
            Campaign("annual_billing", reach=0.25, annual_billing=AnnualBilling(discount=0.15, renewal_rate=0.70)),
        ),
        # Price change: 5% dearer for everyone, churn elasticity 1 (churn up 5%); see ``price_change``.
        Template("price_change", price_change(0.05, churn_elasticity=1.0, name="price_change")),
        # Cheaper acquisition (referrals, a better channel): 30% of new customers cost 25% less to acquire.
        Template("cheaper_acquisition", Campaign("cheaper_acquisition", reach=0.30, cac_change=-0.25)),
        # Win-back offer to customers gone quiet: a tenth respond, a quarter fewer of them are lost (on real
        # customers, clv.targeting: a quarter of those who had lapsed come back); 5 per responder.
        Template("win_back", Campaign("win_back", reach=0.10, churn_reduction=0.25, one_off_cost=5.0)),
    )
}


def effects(campaign: Campaign, lang: str = "en", currency: str = "$", digits: str = "western") -> list[str]:
    """What the campaign does, one short item per effect, from its own values (so a card's summary
    follows every edit): its reach, then each non-zero effect and cost, in the user's units.

    >>> effects(Campaign("Loyalty", reach=0.6, churn_reduction=0.2, monthly_cost=1.0, revenue_share_cost=0.02))
    ['reaches 60% of customers', 'churn 20% lower', '$1.00 a member a month', "2% of members' revenue"]
    """

    def pct(fraction: float) -> str:  # 60%, 2.5%: no decimal when the percent is whole
        whole = abs(round(fraction * 100, 1) - round(fraction * 100)) < 1e-9
        return fmt.percent(abs(fraction), 0 if whole else 1, digits)

    items = [i18n.text("scenarios.effect.reach", lang, value=pct(campaign.reach))]
    signed = {
        "arpu_lift": campaign.arpu_lift,
        "churn_reduction": -campaign.churn_reduction,
        "cac_change": campaign.cac_change,
    }
    for name in ("arpu_lift", "churn_reduction"):
        v = signed[name]
        if v:
            items.append(i18n.text(f"scenarios.effect.{name}.{'up' if v > 0 else 'down'}", lang, value=pct(v)))
    if campaign.margin_change:
        items.append(
            i18n.text(
                f"scenarios.effect.margin_change.{'up' if campaign.margin_change > 0 else 'down'}",
                lang,
                value=fmt.number(abs(campaign.margin_change) * 100, 1, digits),
            )
        )
    for name in ("one_off_cost", "monthly_cost"):
        if getattr(campaign, name):
            items.append(
                i18n.text(
                    f"scenarios.effect.{name}", lang, value=fmt.money(getattr(campaign, name), currency, 2, digits)
                )
            )
    if campaign.revenue_share_cost:
        items.append(i18n.text("scenarios.effect.revenue_share_cost", lang, value=pct(campaign.revenue_share_cost)))
    if campaign.annual_billing is not None:
        items.append(
            i18n.text(
                "scenarios.effect.annual_billing",
                lang,
                discount=pct(campaign.annual_billing.discount),
                renewal=pct(campaign.annual_billing.renewal_rate),
            )
        )
    if campaign.cac_change:
        v = campaign.cac_change
        items.append(i18n.text(f"scenarios.effect.cac_change.{'up' if v > 0 else 'down'}", lang, value=pct(v)))
    return items
