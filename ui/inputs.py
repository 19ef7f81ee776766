"""The calculator's assumptions from the page state: shared by the calculator and the scenarios page."""

from __future__ import annotations

import clv

from . import state
from .fields import LIFESPAN, PURCHASES, RETENTION


def calc_assumptions() -> clv.Assumptions:
    """``clv.Assumptions`` from the calculator's fields (either form); raises ``clv.InputError``."""
    v = state.core_values("calc_")
    common = {"gross_margin": v["gross_margin"], "cac": v["cac"],
              "annual_discount_rate": v["annual_discount_rate"], "horizon_months": v["horizon_months"]}
    if state.get("calc_mode") == PURCHASES:
        life = state.get("calc_life")
        return clv.Assumptions.from_purchases(
            v["avg_order_value"], v["orders_per_year"],
            annual_retention=v["annual_retention"] if life == RETENTION else None,
            lifespan_years=v["lifespan_years"] if life == LIFESPAN else None, **common)
    return clv.Assumptions(arpu=v["arpu"], monthly_churn=v["monthly_churn"], **common)


# The widget key that each clv field name is entered in, to show an error beside its input.
FIELD_WIDGETS = {"arpu": "calc_arpu", "gross_margin": "calc_margin", "monthly_churn": "calc_churn",
                 "cac": "calc_cac", "annual_discount_rate": "calc_discount", "horizon_months": "calc_horizon",
                 "avg_order_value": "calc_aov", "orders_per_year": "calc_orders",
                 "annual_retention": "calc_retention", "lifespan_years": "calc_lifespan"}
