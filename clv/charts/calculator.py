"""The calculator's charts: payback over time, LTV by churn, and the LTV:CAC map over churn x ARPU."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from .. import fmt, i18n
from dataclasses import replace

from ..core import RULE_OF_THUMB_LTV_TO_CAC, Assumptions, Result, evaluate, ltv

from .base import ACCENT, BAD, GOOD, NEUTRAL, PRIMARY, SEQUENTIAL, figure, finish

GRID_POINTS = 200           # points per axis of the LTV:CAC map
ENGINE_CHURN_POINTS = 50    # churn points when tenure churn or expansion needs the month-by-month engine


def ltv_per_unit_arpu(a: Assumptions, churn: np.ndarray) -> np.ndarray:
    """LTV per 1 of ARPU at each (long-run) monthly churn, other assumptions fixed.

    LTV is proportional to ARPU, so a churn x ARPU grid is an outer product. Closed form when churn is
    constant and ARPU flat; otherwise the month-by-month engine at each churn (``ENGINE_CHURN_POINTS``).
    """
    if not a.uses_engine:
        return np.asarray(ltv(1.0, a.gross_margin, churn, a.annual_discount_rate, a.horizon_months), dtype=float)
    if a.retention_curve is not None:
        raise ValueError("churn is not a driver of a retention-curve baseline")
    unit = replace(a, arpu=1.0, cac=0.0)
    return np.array([evaluate(replace(unit, monthly_churn=float(c))).ltv for c in churn])
HEATMAP_CAP = 2 * RULE_OF_THUMB_LTV_TO_CAC   # colours saturate at 6:1; hover shows the true value


def payback(result: Result, lang: str = "en", currency: str = "$") -> go.Figure:
    """Expected cumulative discounted margin of one acquired customer against CAC, payback marked."""
    a, m = result.assumptions, result.months
    fig = figure("charts.payback.title_short", lang, "charts.axis.months", "charts.axis.margin_per_customer",
                 currency=currency)
    # By the end of month x a customer has made x payments (one at the start of each month), so the
    # curves start at (0, 0) and pass through the closed form M(x) that defines the payback point.
    elapsed = np.concatenate([[0], m["month"].to_numpy() + 1])
    expected = np.concatenate([[0.0], m["discounted_cumulative_margin"].to_numpy()])
    fig.add_scatter(x=elapsed, y=expected, mode="lines", line={"color": PRIMARY, "width": 3},
                    name=i18n.text("charts.payback.expected", lang))
    fig.add_scatter(x=elapsed, y=a.monthly_margin * elapsed, mode="lines", line={"color": NEUTRAL, "dash": "dot"},
                    name=i18n.text("charts.payback.no_churn", lang))
    fig.add_hline(y=a.cac, line={"color": BAD, "dash": "dash"},
                  annotation_text=i18n.text("charts.payback.cac", lang, cac=fmt.money(a.cac, currency)))
    t = result.payback_months_churn_adjusted
    if t is not None:
        fig.add_scatter(x=[t], y=[a.cac], mode="markers", marker={"size": 14, "color": BAD, "symbol": "diamond"},
                        name=i18n.text("charts.payback.point", lang, months=fmt.number(t, 1)))
    fig.update_yaxes(range=[0, max(a.cac * 1.6, float(expected[-1]) * 1.05, 1.0)])
    return finish(fig)


def ltv_by_churn(result: Result, lang: str = "en", currency: str = "$") -> go.Figure:
    """LTV as a function of monthly churn, other assumptions fixed, with the current point marked."""
    a = result.assumptions
    top = max(0.20, 3 * a.monthly_churn)
    churn = np.linspace(0.002, min(top, 1.0), ENGINE_CHURN_POINTS if a.uses_engine else GRID_POINTS)
    values = a.arpu * ltv_per_unit_arpu(a, churn)
    fig = figure("charts.ltv_churn.title", lang, "charts.axis.churn_pct", "charts.axis.ltv", currency=currency)
    fig.add_scatter(x=churn * 100, y=values, mode="lines", line={"color": PRIMARY, "width": 3},
                    name=i18n.text("charts.ltv_churn.curve", lang))
    if math.isfinite(result.ltv):
        fig.add_scatter(x=[a.monthly_churn * 100], y=[result.ltv], mode="markers",
                        marker={"size": 14, "color": ACCENT, "symbol": "circle", "line": {"width": 2, "color": "black"}},
                        name=i18n.text("charts.current", lang))
    fig.add_hline(y=RULE_OF_THUMB_LTV_TO_CAC * a.cac, line={"color": GOOD, "dash": "dash"},
                  annotation_text=i18n.text("charts.ltv_churn.rule", lang,
                                            value=fmt.money(RULE_OF_THUMB_LTV_TO_CAC * a.cac, currency, 0)))
    cap = float(np.nanmax(values[np.isfinite(values)])) if np.isfinite(values).any() else 1.0
    fig.update_yaxes(range=[0, max(cap, RULE_OF_THUMB_LTV_TO_CAC * a.cac) * 1.05])
    return finish(fig)


def ltv_cac_map(result: Result, lang: str = "en", currency: str = "$") -> go.Figure:
    """LTV:CAC over monthly churn x ARPU (200 x 200, one vectorised call), the 3:1 line and the current point."""
    a = result.assumptions
    churn = np.linspace(0.005, min(max(0.15, 2 * a.monthly_churn), 1.0),
                        ENGINE_CHURN_POINTS if a.uses_engine else GRID_POINTS)
    arpu_top = max(2 * a.arpu, 10.0)
    arpu = np.linspace(arpu_top / GRID_POINTS, arpu_top, GRID_POINTS)
    values = arpu[:, None] * ltv_per_unit_arpu(a, churn)[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        z = values / a.cac if a.cac > 0 else np.where(values > 0, np.inf, np.nan)
    fig = figure("charts.map.title", lang, "charts.axis.churn_pct", "charts.axis.arpu", currency=currency)
    shown = np.minimum(np.nan_to_num(z, nan=0.0, posinf=HEATMAP_CAP), HEATMAP_CAP)
    fig.add_heatmap(x=churn * 100, y=arpu, z=shown, customdata=z, colorscale=SEQUENTIAL, zmin=0, zmax=HEATMAP_CAP,
                    colorbar={"title": {"text": i18n.text("charts.map.scale", lang)}},
                    hovertemplate=i18n.text("charts.map.hover", lang) + "<extra></extra>",
                    name=i18n.text("charts.map.scale", lang))
    fig.add_contour(x=churn * 100, y=arpu, z=shown, showscale=False, hoverinfo="skip",
                    contours={"start": RULE_OF_THUMB_LTV_TO_CAC, "end": RULE_OF_THUMB_LTV_TO_CAC, "size": 1,
                              "coloring": "lines", "showlabels": True},
                    line={"color": ACCENT, "width": 3}, name=i18n.text("charts.map.rule", lang))
    fig.add_scatter(x=[a.monthly_churn * 100], y=[a.arpu], mode="markers",
                    marker={"size": 14, "color": ACCENT, "line": {"width": 2, "color": "black"}},
                    name=i18n.text("charts.current", lang))
    return finish(fig)
