"""Tables the app shows and exports, with headers from the catalogue (numbers stay numbers)."""

from __future__ import annotations

import pandas as pd

from . import i18n
from .scenarios import ScenarioResult, totals

SCENARIO_COLUMNS = ("ltv", "ltv_change", "campaign_cost", "net_value", "roi", "ltv_to_cac", "payback_months",
                    "cohort_net_value")


def scenario_table(results: dict[str, ScenarioResult], cohort_size: float, lang: str = "en") -> pd.DataFrame:
    """One row for the baseline, then one per scenario (``results``: name -> result, in order).

    Columns (catalogue ``tables.scenario.<column>``): LTV, change against the baseline, campaign cost,
    net value and ROI per acquired customer, LTV:CAC (net of campaign cost), payback in months, and
    the net value for the whole cohort of ``cohort_size`` customers. Undefined values are empty.

    >>> import clv
    >>> base = clv.Assumptions(arpu=50, gross_margin=0.8, monthly_churn=0.05, cac=300)
    >>> r = clv.scenarios.evaluate_scenario(base, [clv.scenarios.Campaign("Loyalty", reach=0.4,
    ...                                     churn_reduction=0.2, monthly_cost=1.0)])
    >>> t = scenario_table({"Loyalty": r}, 1000)
    >>> [round(float(v), 2) for v in t.iloc[1][["LTV", "Net value", "ROI", "Net value, cohort"]]]
    [880.0, 70.0, 7.0, 70000.0]
    """
    rows = []
    first = next(iter(results.values()), None)
    if first is not None:
        b = first.baseline
        rows.append({"scenario": i18n.text("tables.scenario.baseline", lang), "ltv": b.ltv, "ltv_change": 0.0,
                     "campaign_cost": 0.0, "net_value": 0.0, "roi": None, "ltv_to_cac": b.ltv_to_cac,
                     "payback_months": b.payback_months_churn_adjusted, "cohort_net_value": 0.0})
    for name, r in results.items():
        rows.append({"scenario": name, "ltv": r.ltv, "ltv_change": r.ltv_change, "campaign_cost": r.campaign_cost,
                     "net_value": r.net_value, "roi": r.roi, "ltv_to_cac": r.ltv_to_cac,
                     "payback_months": r.payback_months, "cohort_net_value": totals(r, cohort_size).net_value})
    table = pd.DataFrame(rows, columns=["scenario", *SCENARIO_COLUMNS])
    for column in SCENARIO_COLUMNS:
        table[column] = pd.to_numeric(table[column], errors="coerce")
    headers = {c: i18n.text(f"tables.scenario.{c}", lang) for c in ("scenario", *SCENARIO_COLUMNS)}
    return table.rename(columns=headers)
