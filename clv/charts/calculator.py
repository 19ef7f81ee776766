"""The calculator's charts: payback over time, LTV by churn, and the LTV:CAC map over churn x ARPU."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from .. import fmt, i18n
from dataclasses import replace

from ..core import RULE_OF_THUMB_LTV_TO_CAC, Assumptions, Result, evaluate, ltv

from .base import ACCENT, BAD, GOOD, NEUTRAL, PRIMARY, SEQUENTIAL, figure, finish

GRID_POINTS = 200  # points per axis of the LTV:CAC map
ENGINE_CHURN_POINTS = 50  # churn points when tenure churn or expansion needs the month-by-month engine


def ltv_per_unit_arpu(a: Assumptions, churn: np.ndarray) -> np.ndarray:
    """LTV per 1 of ARPU at each (long-run) monthly churn, other assumptions fixed.

    LTV / ARPU = m (1 - q^H) / (1 - q), q = (1 - c) / (1 + d); with no horizon m (1 + d) / (c + d), and
    m / c undiscounted (``clv.core.ltv`` with ARPU 1). Units: churn a fraction per month; the result is
    currency of LTV per currency of monthly ARPU (months of margin). LTV is proportional to ARPU, so a
    churn x ARPU grid is an outer product. Closed form when churn is constant and ARPU flat; otherwise
    the month-by-month engine at each churn (``ENGINE_CHURN_POINTS``). ValueError for a retention curve
    (churn is then not a driver).

    >>> a = Assumptions(arpu=50, gross_margin=0.8, monthly_churn=0.05, cac=300)
    >>> ltv_per_unit_arpu(a, np.array([0.05, 0.10])).tolist()          # 0.8 / 0.05, 0.8 / 0.10
    [16.0, 8.0]
    """
    if not a.uses_engine:
        return np.asarray(ltv(1.0, a.gross_margin, churn, a.annual_discount_rate, a.horizon_months), dtype=float)
    if a.retention_curve is not None:
        raise ValueError("churn is not a driver of a retention-curve baseline")
    unit = replace(a, arpu=1.0, cac=0.0)
    return np.array([evaluate(replace(unit, monthly_churn=float(c))).ltv for c in churn])


HEATMAP_CAP = 2 * RULE_OF_THUMB_LTV_TO_CAC  # colours saturate at 6:1; hover shows the true value


def payback(result: Result, lang: str = "en", currency: str = "$") -> go.Figure:
    """Expected cumulative discounted margin of one acquired customer against CAC, payback marked.

    Traces: 0, the expected cumulative margin after x months M(x) = g sum_{t<x} (1 - c)^t / (1 + d)^t
    (g = ARPU x m, paid at the start of each active month, so M(0) = 0 and M(1) = g); 1, the same with
    no churn, g x; 2, the payback point (t, CAC) where M(t) = CAC (``Result.payback_months_churn_adjusted``;
    absent when it never pays back). CAC is a dashed line. Units: x in months elapsed, y in currency
    per acquired customer.

    >>> fig = payback(evaluate(Assumptions(arpu=50, gross_margin=0.8, monthly_churn=0.05, cac=300)))
    >>> fig.data[0].y[:3].tolist(), fig.data[1].y[:3].tolist()     # 0, 40, 40 + 40 x 0.95; no churn 40 x
    ([0.0, 40.0, 78.0], [0.0, 40.0, 80.0])
    >>> round(fig.data[2].x[0], 3), fig.data[2].y[0]   # 40 (1 - 0.95^t) / 0.05 = 300: t = ln 0.625 / ln 0.95
    (9.163, 300.0)
    """
    a, m = result.assumptions, result.months
    fig = figure(
        "charts.payback.title_short", lang, "charts.axis.months", "charts.axis.margin_per_customer", currency=currency
    )
    # By the end of month x a customer has made x payments (one at the start of each month), so the
    # curves start at (0, 0) and pass through the closed form M(x) that defines the payback point.
    elapsed = np.concatenate([[0], m["month"].to_numpy() + 1])
    expected = np.concatenate([[0.0], m["discounted_cumulative_margin"].to_numpy()])
    fig.add_scatter(
        x=elapsed,
        y=expected,
        mode="lines",
        line={"color": PRIMARY, "width": 3},
        name=i18n.text("charts.payback.expected", lang),
    )
    fig.add_scatter(
        x=elapsed,
        y=a.monthly_margin * elapsed,
        mode="lines",
        line={"color": NEUTRAL, "dash": "dot"},
        name=i18n.text("charts.payback.no_churn", lang),
    )
    fig.add_hline(
        y=a.cac,
        line={"color": BAD, "dash": "dash"},
        annotation_text=i18n.text("charts.payback.cac", lang, cac=fmt.money(a.cac, currency)),
    )
    t = result.payback_months_churn_adjusted
    if t is not None:
        fig.add_scatter(
            x=[t],
            y=[a.cac],
            mode="markers",
            marker={"size": 14, "color": BAD, "symbol": "diamond"},
            name=i18n.text("charts.payback.point", lang, months=fmt.number(t, 1)),
        )
    fig.update_yaxes(range=[0, max(a.cac * 1.6, float(expected[-1]) * 1.05, 1.0)])
    return finish(fig)


def ltv_by_churn(result: Result, lang: str = "en", currency: str = "$") -> go.Figure:
    """LTV as a function of monthly churn, other assumptions fixed, with the current point marked.

    Trace 0: LTV(c) = ARPU x ``ltv_per_unit_arpu`` over churn from 0.2% to max(20%, 3 x the current
    churn); trace 1: the current (churn, LTV), when finite; a dashed line at 3 x CAC (the 3:1 rule).
    Units: x in percent a month, y in currency per acquired customer.

    >>> fig = ltv_by_churn(evaluate(Assumptions(arpu=50, gross_margin=0.8, monthly_churn=0.05, cac=300)))
    >>> fig.data[1].x[0], fig.data[1].y[0], fig.layout.shapes[0].y0      # 50 x 0.8 / 0.05; 3 x 300
    (5.0, 800.0, 900.0)
    >>> round(float(fig.data[0].x[0]), 6), round(float(fig.data[0].y[0]), 6)   # the curve from 0.2%: 40 / 0.002
    (0.2, 20000.0)
    """
    a = result.assumptions
    top = max(0.20, 3 * a.monthly_churn)
    churn = np.linspace(0.002, min(top, 1.0), ENGINE_CHURN_POINTS if a.uses_engine else GRID_POINTS)
    values = a.arpu * ltv_per_unit_arpu(a, churn)
    fig = figure("charts.ltv_churn.title", lang, "charts.axis.churn_pct", "charts.axis.ltv", currency=currency)
    fig.add_scatter(
        x=churn * 100,
        y=values,
        mode="lines",
        line={"color": PRIMARY, "width": 3},
        name=i18n.text("charts.ltv_churn.curve", lang),
    )
    if math.isfinite(result.ltv):
        fig.add_scatter(
            x=[a.monthly_churn * 100],
            y=[result.ltv],
            mode="markers",
            marker={"size": 14, "color": ACCENT, "symbol": "circle", "line": {"width": 2, "color": "black"}},
            name=i18n.text("charts.current", lang),
        )
    fig.add_hline(
        y=RULE_OF_THUMB_LTV_TO_CAC * a.cac,
        line={"color": GOOD, "dash": "dash"},
        annotation_text=i18n.text(
            "charts.ltv_churn.rule", lang, value=fmt.money(RULE_OF_THUMB_LTV_TO_CAC * a.cac, currency, 0)
        ),
    )
    cap = float(np.nanmax(values[np.isfinite(values)])) if np.isfinite(values).any() else 1.0
    fig.update_yaxes(range=[0, max(cap, RULE_OF_THUMB_LTV_TO_CAC * a.cac) * 1.05])
    return finish(fig)


def ltv_cac_map(result: Result, lang: str = "en", currency: str = "$") -> go.Figure:
    """LTV:CAC over monthly churn x ARPU (200 x 200, one vectorised call), the 3:1 line and the current point.

    z = ARPU x ``ltv_per_unit_arpu``(c) / CAC over churn 0.5% .. max(15%, 2 x churn) and ARPU up to
    max(2 x ARPU, 10); colours saturate at ``HEATMAP_CAP`` (6:1), the true ratio is the hover's
    ``customdata`` (inf with no CAC). Trace 1 is the 3:1 contour, trace 2 the current point. Units: x in
    percent a month, y in currency per month, z a ratio.

    >>> fig = ltv_cac_map(evaluate(Assumptions(arpu=50, gross_margin=0.8, monthly_churn=0.05, cac=300)))
    >>> z = fig.data[0]                   # the top-left cell: ARPU 100, churn 0.5%: 100 x 0.8 / 0.005 / 300
    >>> float(z.y[-1]), float(z.x[0]), round(float(z.customdata[-1][0]), 2)
    (100.0, 0.5, 53.33)
    >>> float(z.z[-1][0]), (fig.data[2].x[0], fig.data[2].y[0])        # shown capped at 6; you: (5%, $50)
    (6.0, (5.0, 50.0))
    """
    a = result.assumptions
    churn = np.linspace(
        0.005, min(max(0.15, 2 * a.monthly_churn), 1.0), ENGINE_CHURN_POINTS if a.uses_engine else GRID_POINTS
    )
    arpu_top = max(2 * a.arpu, 10.0)
    arpu = np.linspace(arpu_top / GRID_POINTS, arpu_top, GRID_POINTS)
    values = arpu[:, None] * ltv_per_unit_arpu(a, churn)[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        z = values / a.cac if a.cac > 0 else np.where(values > 0, np.inf, np.nan)
    fig = figure("charts.map.title", lang, "charts.axis.churn_pct", "charts.axis.arpu", currency=currency)
    shown = np.minimum(np.nan_to_num(z, nan=0.0, posinf=HEATMAP_CAP), HEATMAP_CAP)
    fig.add_heatmap(
        x=churn * 100,
        y=arpu,
        z=shown,
        customdata=z,
        colorscale=SEQUENTIAL,
        zmin=0,
        zmax=HEATMAP_CAP,
        colorbar={"title": {"text": i18n.text("charts.map.scale", lang)}},
        hovertemplate=i18n.text("charts.map.hover", lang) + "<extra></extra>",
        name=i18n.text("charts.map.scale", lang),
    )
    fig.add_contour(
        x=churn * 100,
        y=arpu,
        z=shown,
        showscale=False,
        hoverinfo="skip",
        contours={
            "start": RULE_OF_THUMB_LTV_TO_CAC,
            "end": RULE_OF_THUMB_LTV_TO_CAC,
            "size": 1,
            "coloring": "lines",
            "showlabels": True,
        },
        line={"color": ACCENT, "width": 3},
        name=i18n.text("charts.map.rule", lang),
    )
    fig.add_scatter(
        x=[a.monthly_churn * 100],
        y=[a.arpu],
        mode="markers",
        marker={"size": 14, "color": ACCENT, "line": {"width": 2, "color": "black"}},
        name=i18n.text("charts.current", lang),
    )
    return finish(fig)
