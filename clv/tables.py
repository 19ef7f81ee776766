"""Tables the app shows and exports, with headers from the catalogue (numbers stay numbers)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import groups, i18n
from .export import DECIMALS_ATTR
from .scenarios import ScenarioResult, totals

SCENARIO_COLUMNS = (
    "ltv",
    "ltv_change",
    "campaign_cost",
    "net_value",
    "roi",
    "ltv_to_cac",
    "payback_months",
    "cohort_net_value",
)
SCENARIO_MONEY = ("ltv", "ltv_change", "campaign_cost", "net_value", "cohort_net_value")


def scenario_table(results: dict[str, ScenarioResult], cohort_size: float, lang: str = "en") -> pd.DataFrame:
    """One row for the baseline, then one per scenario (``results``: name -> result, in order).

    Columns (catalogue ``tables.scenario.<column>``): LTV, change against the baseline, campaign cost,
    net value and ROI per acquired customer, LTV:CAC (net of campaign cost), payback in months, and
    the net value for the whole cohort of ``cohort_size`` customers. Undefined values are empty (NaN;
    pages show them as an em dash). In CSV, money is written to cents and the other figures to 2 decimals.

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
        rows.append(
            {
                "scenario": i18n.text("tables.scenario.baseline", lang),
                "ltv": b.ltv,
                "ltv_change": 0.0,
                "campaign_cost": 0.0,
                "net_value": 0.0,
                "roi": None,
                "ltv_to_cac": b.ltv_to_cac,
                "payback_months": b.payback_months_churn_adjusted,
                "cohort_net_value": 0.0,
            }
        )
    for name, r in results.items():
        rows.append(
            {
                "scenario": name,
                "ltv": r.ltv,
                "ltv_change": r.ltv_change,
                "campaign_cost": r.campaign_cost,
                "net_value": r.net_value,
                "roi": r.roi,
                "ltv_to_cac": r.ltv_to_cac,
                "payback_months": r.payback_months,
                "cohort_net_value": totals(r, cohort_size).net_value,
            }
        )
    table = pd.DataFrame(rows, columns=["scenario", *SCENARIO_COLUMNS])
    for column in SCENARIO_COLUMNS:
        table[column] = pd.to_numeric(table[column], errors="coerce")
    headers = {c: i18n.text(f"tables.scenario.{c}", lang) for c in ("scenario", *SCENARIO_COLUMNS)}
    decimals = {headers[c]: MONEY_DECIMALS if c in SCENARIO_MONEY else FIGURE_DECIMALS for c in SCENARIO_COLUMNS}
    return _with_decimals(table.rename(columns=headers), decimals)


# ---- Precision at export (``clv.export.safe_csv`` reads a table's ``attrs["decimals"]``) -------------------
MONEY_DECIMALS = 2  # cents
SHARE_DECIMALS = 4  # fractions such as 0.1234 (12.34%)
FIGURE_DECIMALS = 2  # ratios, averages of scores, months
COUNT_DECIMALS = 0  # customers, days, orders
PARAMETER_DECIMALS = 6  # fitted model parameters and their errors
PROBABILITY_DECIMALS = 4


def _with_decimals(table: pd.DataFrame, decimals: dict[str, int]) -> pd.DataFrame:
    """``table`` with ``attrs["decimals"]``: column name -> decimals written by ``clv.export.safe_csv``."""
    table.attrs[DECIMALS_ATTR] = {c: d for c, d in decimals.items() if c in table.columns}
    return table


def _headers(prefix: str, columns, lang: str, **values) -> dict[str, str]:
    return {c: i18n.text(f"{prefix}.{c}", lang, **values) for c in columns}


SEGMENT_DECIMALS = {
    "customers": COUNT_DECIMALS,
    "share": SHARE_DECIMALS,
    "revenue": MONEY_DECIMALS,
    "revenue_share": SHARE_DECIMALS,
    "R": FIGURE_DECIMALS,
    "F": FIGURE_DECIMALS,
    "M": FIGURE_DECIMALS,
}


def segment_summary(segments: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """``clv.rfm.segment_table`` with the page's headers (catalogue ``segpage.table.<column>``), for
    showing and for CSV: counts whole, shares to 4 decimals, revenue to cents, mean scores to 2.

    >>> import clv
    >>> s = clv.rfm.rfm_scores(pd.DataFrame({"recency_days": [1, 300], "orders": [9, 1], "revenue": [90, 10]}))
    >>> t = segment_summary(clv.rfm.segment_table(s))
    >>> list(t.columns[:3]), t.attrs["decimals"]["Revenue"]
    (['Segment', 'Customers', 'Share of customers'], 2)
    """
    headers = _headers("segpage.table", segments.columns, lang)
    table = segments.rename(columns=headers).reset_index(drop=True)
    return _with_decimals(table, {headers[c]: d for c, d in SEGMENT_DECIMALS.items() if c in headers})


CUSTOMER_COLUMNS = ("recency_days", "orders", "revenue", "R", "F", "M", "rfm", "first_purchase", "last_purchase")
CUSTOMER_DECIMALS = {"recency_days": COUNT_DECIMALS, "orders": COUNT_DECIMALS, "revenue": MONEY_DECIMALS}


def segment_customers(members: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """One segment's customers (``clv.rfm.segment_customers``) with the page's headers (catalogue
    ``segpage.customers.<column>``); the index is the customer ID. Revenue to cents, days and orders whole.

    >>> import clv
    >>> s = clv.rfm.rfm_table(pd.DataFrame({"customer_id": ["a", "a", "b"], "date": pd.to_datetime(
    ...     ["2024-01-01", "2024-02-01", "2024-01-15"]), "amount": [10.0, 20.0, 5.0]}))
    >>> t = segment_customers(s)
    >>> t.index.name, list(t.columns[:3])
    ('Customer ID', ['Days since last purchase', 'Purchase days', 'Revenue'])
    """
    columns = [c for c in CUSTOMER_COLUMNS if c in members.columns]
    headers = _headers("segpage.customers", columns, lang)
    table = members[columns].rename(columns=headers)
    table.index.name = i18n.text("segpage.customers.customer_id", lang)
    return _with_decimals(table, {headers[c]: d for c, d in CUSTOMER_DECIMALS.items() if c in headers})


COHORT_DECIMALS = {
    "retention": SHARE_DECIMALS,
    "revenue_retention": SHARE_DECIMALS,
    "cumulative_revenue_per_customer": MONEY_DECIMALS,
}


def cohort_matrix(tables, kind: str, lang: str = "en") -> pd.DataFrame:
    """One cohort matrix of ``clv.cohorts.cohort_tables`` (``kind``: retention, revenue_retention or
    cumulative_revenue_per_customer) as a table: the cohort month, its customers, then one column per
    month of age (catalogue ``tables.cohort``); months not yet observed are empty.

    >>> import clv
    >>> tx = pd.DataFrame({"customer_id": ["a", "b", "a", "c"], "date": pd.to_datetime(["2024-01-03",
    ...     "2024-01-20", "2024-02-11", "2024-02-05"]), "amount": [10.0, 20.0, 5.0, 8.0]})
    >>> cohort_matrix(clv.cohorts.cohort_tables(tx), "retention").values.tolist()
    [['2024-01', 2, 1.0, 0.5], ['2024-02', 1, 1.0, nan]]
    """
    if kind not in COHORT_DECIMALS:
        raise ValueError(f"kind must be one of {', '.join(COHORT_DECIMALS)}; got {kind!r}")
    matrix = getattr(tables, kind)
    cohort, customers = i18n.text("tables.cohort.cohort", lang), i18n.text("tables.cohort.customers", lang)
    ages = [i18n.text("tables.cohort.age", lang, age=int(a)) for a in matrix.columns]
    table = pd.DataFrame(matrix.to_numpy(dtype=float), columns=ages)
    table.insert(0, customers, tables.sizes.reindex(matrix.index).to_numpy())
    table.insert(0, cohort, [str(p) for p in matrix.index])
    return _with_decimals(table, dict.fromkeys(ages, COHORT_DECIMALS[kind]))


COMPARISON_DECIMALS = {
    "log_likelihood": FIGURE_DECIMALS,
    "aic": FIGURE_DECIMALS,
    "bic": FIGURE_DECIMALS,
    "mae": PROBABILITY_DECIMALS,
    "rmse": PROBABILITY_DECIMALS,
    "holdout_predicted": FIGURE_DECIMALS,
    "holdout_actual": COUNT_DECIMALS,
}


def model_comparison(comparison: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """``clv.predict.Comparison.table`` with headers from the catalogue (``predict.columns``): fit
    statistics to 2 decimals, errors per customer to 4, actual holdout purchases whole."""
    headers = _headers("predict.columns", comparison.columns, lang)
    table = comparison.rename(columns=headers)
    return _with_decimals(table, {headers[c]: d for c, d in COMPARISON_DECIMALS.items() if c in headers})


def model_parameters(summary: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """A fitted model's ``summary()`` (param, estimate, se, 95% interval) with headers from the
    catalogue (``predict.columns``); figures to 6 decimals in CSV.

    >>> t = model_parameters(pd.DataFrame({"param": ["r"], "estimate": [0.2425], "se": [0.0126],
    ...                                    "lower_95": [0.2178], "upper_95": [0.2672]}))
    >>> list(t.columns), t.attrs["decimals"]["Estimate"]
    (['Parameter', 'Estimate', 'Std. error', '95% low', '95% high'], 6)
    """
    headers = _headers("predict.columns", summary.columns, lang)
    table = summary.rename(columns=headers)
    return _with_decimals(
        table, {headers[c]: PARAMETER_DECIMALS for c in ("estimate", "se", "lower_95", "upper_95") if c in headers}
    )


PREDICTION_DECIMALS = {
    "p_alive": PROBABILITY_DECIMALS,
    "expected_purchases": PROBABILITY_DECIMALS,
    "expected_spend": MONEY_DECIMALS,
    "predicted_clv": MONEY_DECIMALS,
    "clv_low": MONEY_DECIMALS,
    "clv_high": MONEY_DECIMALS,
}


def customer_predictions(
    values: pd.DataFrame, segment_names: dict[str, str], lang: str = "en", currency: str = "$"
) -> pd.DataFrame:
    """``clv.predict.CustomerValues.table`` for showing and CSV: the customer ID as the first column,
    headers from the catalogue (``predict.columns``, money headers with ``currency``), segment codes as
    names (``segment_names``: code -> name; no segment is empty); money to cents, P(alive) and purchases
    to 4 decimals."""
    shown = values.copy()
    shown["segment"] = shown["segment"].map(lambda code: segment_names.get(code, "") if code else "")
    headers = _headers("predict.columns", shown.columns, lang, currency=currency)
    table = shown.rename(columns=headers).rename_axis(i18n.text("predict.columns.customer", lang)).reset_index()
    return _with_decimals(table, {headers[c]: d for c, d in PREDICTION_DECIMALS.items() if c in headers})


def set_aside_rows(rows: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Set-aside rows (``clv.data.LoadReport.set_aside`` or one reason's examples) with the file's own
    columns as they were, the row number and the reason in words (catalogue ``tables.set_aside``,
    ``data.reasons``)."""
    table = rows.copy()
    if "reason" in table:
        table["reason"] = table["reason"].map(
            lambda r: i18n.text(f"data.reasons.{r}", lang) if isinstance(r, str) else r
        )
    return table.rename(
        columns={c: i18n.text(f"tables.set_aside.{c}", lang) for c in ("row", "reason") if c in table.columns}
    )


GROUP_COLUMNS = (
    "group",
    "customers",
    "share_of_customers",
    "orders",
    "repeat_rate",
    "arpu",
    "monthly_churn",
    "formula_ltv",
    "cac",
    "ltv_to_cac",
    "payback_months",
)
GROUP_MONEY = ("arpu", "formula_ltv", "cac")
GROUP_DECIMALS = {
    "customers": COUNT_DECIMALS,
    "share_of_customers": SHARE_DECIMALS,
    "orders": COUNT_DECIMALS,
    "repeat_rate": SHARE_DECIMALS,
    "arpu": MONEY_DECIMALS,
    "monthly_churn": SHARE_DECIMALS,
    "formula_ltv": MONEY_DECIMALS,
    "cac": MONEY_DECIMALS,
    "ltv_to_cac": FIGURE_DECIMALS,
    "payback_months": FIGURE_DECIMALS,
}


def group_table(table: pd.DataFrame, lang: str = "en", currency: str = "$") -> pd.DataFrame:
    """``clv.groups.compare`` for showing and CSV: the page's columns with headers from the catalogue
    (``grppage.table.<column>``, money headers with ``currency``), the groups' labels in ``lang`` ("(none)",
    "(other)"), undefined figures empty (NaN: no CAC, never paid back); money to cents, shares to 4 decimals.

    >>> import clv
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "plan": ["pro", "pro", "basic"],
    ...     "date": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-01-10"]), "amount": [30.0, 30.0, 10.0]})
    >>> t = group_table(clv.groups.compare(tx, "plan", cac={"pro": 20.0}, months=12))
    >>> list(t.columns[:3]), t["LTV:CAC"].isna().tolist(), t.attrs["decimals"]["ARPU ($/month)"]
    (['Group', 'Customers', 'Share'], [True, False], 2)
    """
    shown = table[list(GROUP_COLUMNS)].copy()
    shown.attrs.clear()  # compare's attrs (the observation end, the folded values) are not the CSV's
    shown["group"] = [groups.display_label(g, lang) for g in shown["group"]]
    for col in ("cac", "ltv_to_cac", "payback_months"):
        shown[col] = pd.to_numeric(shown[col].astype(object).where(shown[col].notna(), None), errors="coerce")
    shown[["formula_ltv", "ltv_to_cac"]] = shown[["formula_ltv", "ltv_to_cac"]].replace([np.inf], np.nan)
    headers = _headers("grppage.table", shown.columns, lang, currency=currency)
    return _with_decimals(shown.rename(columns=headers), {headers[c]: d for c, d in GROUP_DECIMALS.items()})


def group_money_columns(lang: str = "en", currency: str = "$") -> tuple[str, ...]:
    """The headers of ``group_table``'s money columns (for formatting them as money on the page)."""
    return tuple(i18n.text(f"grppage.table.{c}", lang, currency=currency) for c in GROUP_MONEY)


GROUP_MODEL_DECIMALS = {"customers": COUNT_DECIMALS, "mean_clv": MONEY_DECIMALS, "mean_clv_low": MONEY_DECIMALS}


def group_models_table(values: pd.DataFrame, fits, lang: str = "en", currency: str = "$") -> pd.DataFrame:
    """The models per group for showing and CSV: group, customers, whether it was pooled, the transaction
    model's and Gamma-Gamma's parameters in use (its own fit, or the pooled one), and the mean predicted CLV
    per customer with its interval (``values``: ``clv.groups.group_values``). Parameters to 6 decimals."""
    params = fits.table(lang).set_index("group")
    names = [c for c in params.columns if c not in ("customers", "pooled", "status", "reason", "spend_pooled")]
    names = [c for c in names if c != "spend_reason"]
    shown = pd.DataFrame(
        {
            "group": [groups.display_label(g, lang) for g in values["group"]],
            "customers": values["customers"].to_numpy(),
            "status": [params.loc[g, "status"] or "" for g in values["group"]],
            **{n: [params.loc[g, n] for g in values["group"]] for n in names},
            **{n: [fits.spend_model(g).params[n] for g in values["group"]] for n in ("p", "q", "v")},
            "mean_clv": values["mean_clv"].to_numpy(),
            "mean_clv_low": values["mean_clv_low"].to_numpy(),
            "mean_clv_high": values["mean_clv_high"].to_numpy(),
        }
    )
    headers = {
        c: i18n.text(f"grppage.models.{c}", lang, currency=currency)
        for c in ("group", "customers", "status", "mean_clv", "mean_clv_low", "mean_clv_high")
    }
    decimals = {headers[c]: d for c, d in GROUP_MODEL_DECIMALS.items()} | {
        headers["mean_clv_high"]: MONEY_DECIMALS,
        **{n: PARAMETER_DECIMALS for n in (*names, "p", "q", "v")},
    }
    return _with_decimals(shown.rename(columns=headers), decimals)


GROUP_FORMATS = {
    "customers": "%d",
    "share_of_customers": "percent",
    "orders": "%d",
    "repeat_rate": "percent",
    "arpu": "%.2f",
    "monthly_churn": "percent",
    "formula_ltv": "%.2f",
    "cac": "%.2f",
    "ltv_to_cac": "%.2f",
    "payback_months": "%.1f",
}


def group_columns(kind: str, lang: str = "en", currency: str = "$") -> tuple[str, ...]:
    """The headers of ``group_table``'s columns shown as ``kind``: "percent", "counts" or "money"."""
    wanted = {"percent": ("percent",), "counts": ("%d",), "money": ()}[kind]
    if kind == "money":
        return group_money_columns(lang, currency)
    return tuple(
        i18n.text(f"grppage.table.{c}", lang, currency=currency) for c, f in GROUP_FORMATS.items() if f in wanted
    )


def group_formats(lang: str = "en", currency: str = "$") -> dict[str, str]:
    """How the page's grid shows ``group_table``'s numbers: header -> a number format (printf style, or
    "percent" for fractions shown as percent)."""
    return {i18n.text(f"grppage.table.{c}", lang, currency=currency): f for c, f in GROUP_FORMATS.items()}
