"""The inputs' table: every field of every page, in the units its widget shows.

Keys are ``<page>_<field>``; URL names are short and stable (changing one breaks shared links).
"""

from __future__ import annotations

from .state import Field, register

SUBSCRIPTION, PURCHASES = "subscription", "purchases"
RETENTION, LIFESPAN = "retention", "lifespan"
MONEY_HIGH = 1_000_000.0

CALC = register(
    Field("calc_mode", "mode", SUBSCRIPTION, kind="choice", choices=(SUBSCRIPTION, PURCHASES),
          label_key="calc.mode.label", help_key="calc.mode.help"),
    Field("calc_arpu", "arpu", 50.0, 0.0, MONEY_HIGH, 1.0, slider_high=500.0, core="arpu",
          label_key="calc.arpu.label", help_key="calc.arpu.help"),
    Field("calc_margin", "margin", 80.0, 0.0, 100.0, 1.0, core="gross_margin", percent=True, fmt="%.1f",
          label_key="calc.margin.label", help_key="calc.margin.help"),
    Field("calc_churn", "churn", 5.0, 0.0, 100.0, 0.1, slider_high=30.0, core="monthly_churn", percent=True,
          fmt="%.1f", label_key="calc.churn.label", help_key="calc.churn.help"),
    Field("calc_cac", "cac", 300.0, 0.0, MONEY_HIGH, 10.0, slider_high=3000.0, core="cac",
          label_key="calc.cac.label", help_key="calc.cac.help"),
    Field("calc_discount", "disc", 0.0, 0.0, 100.0, 0.5, slider_high=30.0, core="annual_discount_rate",
          percent=True, fmt="%.1f", label_key="calc.discount.label", help_key="calc.discount.help"),
    Field("calc_horizon", "h", 0, 0, 600, 1, kind="int", slider_high=120, core="horizon_months",
          zero_is_none=True, fmt="%d", label_key="calc.horizon.label", help_key="calc.horizon.help"),
    # The purchases form: order value x orders per year x margin x lifespan.
    Field("calc_aov", "aov", 60.0, 0.0, MONEY_HIGH, 1.0, slider_high=500.0, core="avg_order_value",
          label_key="calc.aov.label", help_key="calc.aov.help"),
    Field("calc_orders", "orders", 4.0, 0.0, 365.0, 0.5, slider_high=52.0, core="orders_per_year",
          fmt="%.1f", label_key="calc.orders.label", help_key="calc.orders.help"),
    Field("calc_life", "life", RETENTION, kind="choice", choices=(RETENTION, LIFESPAN),
          label_key="calc.life.label", help_key="calc.life.help"),
    Field("calc_retention", "ret", 60.0, 0.0, 100.0, 1.0, core="annual_retention", percent=True, fmt="%.1f",
          label_key="calc.retention.label", help_key="calc.retention.help"),
    Field("calc_lifespan", "years", 3.0, 0.1, 100.0, 0.5, slider_high=20.0, core="lifespan_years", fmt="%.1f",
          label_key="calc.lifespan.label", help_key="calc.lifespan.help"),
)
