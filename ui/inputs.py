"""The calculator's assumptions from the page state, and back: shared by every page that reads or sets them.

``calc_assumptions`` reads the calculator's fields into ``clv.Assumptions``; ``calc_fields`` is its inverse
(``clv`` values -> the widgets' values), so a page never converts percent or names a widget by hand.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

import clv

from . import state
from .fields import (
    ADVANCED,
    CALC,
    CHURN_CONSTANT,
    CHURN_CURVE,
    CHURN_FIRST_MONTH,
    LIFESPAN,
    PURCHASES,
    RETENTION,
    SUBSCRIPTION,
)

BY_CORE = {f.core: f for f in CALC if f.core}  # clv name -> the calculator's field that feeds it
ADVANCED_FIELDS = {f.key: f for f in ADVANCED}
SUBSCRIPTION_NAMES = ("arpu", "gross_margin", "monthly_churn", "cac", "annual_discount_rate", "horizon_months")


def calc_assumptions() -> clv.Assumptions:
    """``clv.Assumptions`` from the calculator's fields (either form); raises ``clv.InputError``."""
    v = state.core_values("calc_")
    common = {
        "gross_margin": v["gross_margin"],
        "cac": v["cac"],
        "annual_discount_rate": v["annual_discount_rate"],
        "horizon_months": v["horizon_months"],
    }
    if state.get("calc_mode") == PURCHASES:
        life = state.get("calc_life")
        return clv.Assumptions.from_purchases(
            v["avg_order_value"],
            v["orders_per_year"],
            annual_retention=v["annual_retention"] if life == RETENTION else None,
            lifespan_years=v["lifespan_years"] if life == LIFESPAN else None,
            **common,
        )
    return clv.Assumptions(arpu=v["arpu"], monthly_churn=v["monthly_churn"], **common)


def calc_defaults() -> clv.Assumptions:
    """The calculator's default assumptions (its fields' defaults, the subscription form).

    >>> a = calc_defaults(); a.arpu, a.gross_margin, a.monthly_churn, a.cac, a.horizon_months
    (50.0, 0.8, 0.05, 300.0, None)
    """
    return clv.Assumptions(**{name: BY_CORE[name].to_core(BY_CORE[name].default) for name in SUBSCRIPTION_NAMES})


def widget_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """clv values by their clv name as the calculator's widgets show them, by widget key; with the purchases
    form's annual retention or lifespan, which of the two the form uses.

    >>> widget_values({"monthly_churn": 0.0845, "horizon_months": None, "annual_retention": 0.6})
    {'calc_churn': 8.45, 'calc_horizon': 0, 'calc_retention': 60.0, 'calc_life': 'retention'}
    """
    out = {BY_CORE[name].key: BY_CORE[name].from_core(value) for name, value in values.items()}
    if "annual_retention" in values:
        out["calc_life"] = RETENTION
    elif "lifespan_years" in values:
        out["calc_life"] = LIFESPAN
    return out


def calc_fields(a: Any, names: Iterable[str] = SUBSCRIPTION_NAMES) -> dict[str, Any]:
    """The calculator's widget values for ``a``: the inverse of ``calc_assumptions`` (with ``panels.with_advanced``).

    ``a`` is a ``clv.Assumptions`` (or a baseline with the same attribute names: ``clv.predict.DataBaseline``);
    ``names`` are the clv fields to set (the calculator keeps its own value of the others). Always the
    subscription form, and the churn shape ``a`` has (with its first-month churn or sBG curve, and its
    expansion when there is one).

    >>> a = clv.Assumptions(arpu=32.38, gross_margin=0.8, monthly_churn=0.0845, cac=300, annual_discount_rate=0.1,
    ...                     horizon_months=12)
    >>> calc_fields(a, ("arpu", "monthly_churn", "annual_discount_rate"))  # doctest: +NORMALIZE_WHITESPACE
    {'calc_mode': 'subscription', 'calc_churn_shape': 'constant', 'calc_arpu': 32.38, 'calc_churn': 8.45,
     'calc_discount': 10.0}
    """
    out: dict[str, Any] = {"calc_mode": SUBSCRIPTION, "calc_churn_shape": CHURN_CONSTANT}
    out.update(widget_values({name: getattr(a, name) for name in names}))
    curve, first = getattr(a, "retention_curve", None), getattr(a, "first_month_churn", None)
    if curve is not None:
        out.update({"calc_churn_shape": CHURN_CURVE, "calc_sbg_alpha": curve[0], "calc_sbg_beta": curve[1]})
    elif first is not None:
        out.update(
            {
                "calc_churn_shape": CHURN_FIRST_MONTH,
                "calc_first_churn": ADVANCED_FIELDS["calc_first_churn"].from_core(first),
            }
        )
    if getattr(a, "monthly_expansion", 0.0):
        out["calc_expansion"] = ADVANCED_FIELDS["calc_expansion"].from_core(a.monthly_expansion)
    return out


# The widget key that each clv field name is entered in, to show an error beside its input.
FIELD_WIDGETS = {name: f.key for name, f in BY_CORE.items()}
