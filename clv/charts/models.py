"""Charts of the Predictions page: model checks, each customer's predicted value, sBG survival.

Each builder takes what ``clv.predict`` returns (a DataFrame, a Series, a result) and returns a plotly
Figure with its title and axes from the catalogue (``predict.charts``), units and currency included.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import fmt, i18n
from .base import ACCENT, NEUTRAL, PALETTE, PRIMARY, SEQUENTIAL, figure, finish

TOP_SHARE = 0.20         # the value concentration curve marks the top 20% of customers
HISTOGRAM_BINS = 40


def _heatmap(matrix: pd.DataFrame, title_key: str, scale_key: str, lang: str, decimals: int, **values) -> go.Figure:
    fig = figure(title_key, lang, "predict.charts.recency", "predict.charts.frequency", **values)
    fig.add_trace(go.Heatmap(z=matrix.to_numpy(), x=matrix.columns.to_numpy(dtype=float), y=matrix.index.to_numpy(),
                             colorscale=SEQUENTIAL, colorbar={"title": {"text": i18n.text(scale_key, lang)}},
                             hovertemplate=f"%{{x:.0f}} · %{{y}}: %{{z:.{decimals}f}}<extra></extra>"))
    return finish(fig)


def frequency_recency(matrix: pd.DataFrame, horizon_months: int, lang: str = "en") -> go.Figure:
    """Expected purchases in the horizon by frequency (rows) and recency (columns, days), a heatmap."""
    return _heatmap(matrix, "predict.charts.matrix_title", "predict.charts.purchases", lang, 2, months=horizon_months)


def p_alive(matrix: pd.DataFrame, lang: str = "en") -> go.Figure:
    """P(alive) by frequency and recency, a heatmap (0..1)."""
    fig = _heatmap(matrix, "predict.charts.alive_title", "predict.charts.p_alive", lang, 2)
    fig.update_traces(zmin=0.0, zmax=1.0)
    return finish(fig)


def holdout_by_frequency(validations, lang: str = "en") -> go.Figure:
    """Mean holdout repeat purchases by calibration frequency (0..6, 7+): actual, then each model's prediction.

    ``validations``: ``clv.models.validation.ValidationResult`` objects (their ``by_frequency`` tables).
    """
    fig = figure("predict.charts.holdout_title", lang, "predict.charts.holdout_x", "predict.charts.holdout_y")
    validations = list(validations)
    if not validations:
        return finish(fig)
    first = validations[0].by_frequency
    fig.add_trace(go.Bar(x=first["group"], y=first["actual"], name=i18n.text("predict.charts.actual", lang),
                         marker_color=NEUTRAL))
    for i, v in enumerate(validations):
        fig.add_trace(go.Bar(x=v.by_frequency["group"], y=v.by_frequency["predicted"],
                             name=i18n.text("predict.charts.predicted", lang, model=v.model),
                             marker_color=PALETTE[i % len(PALETTE)]))
    fig.update_layout(barmode="group")
    fig.update_xaxes(type="category")
    return finish(fig)


def cumulative_tracking(tracking: pd.DataFrame, calibration_week: float, model_label: str,
                        lang: str = "en") -> go.Figure:
    """Cumulative repeat purchases by week, actual (solid) and predicted (dashed); the calibration end marked
    by a vertical line at ``calibration_week``."""
    fig = figure("predict.charts.tracking_title", lang, "predict.charts.tracking_x", "predict.charts.tracking_y")
    fig.add_trace(go.Scatter(x=tracking["week"], y=tracking["actual"], mode="lines",
                             name=i18n.text("predict.charts.actual", lang), line={"color": NEUTRAL, "width": 3}))
    fig.add_trace(go.Scatter(x=tracking["week"], y=tracking["predicted"], mode="lines",
                             name=i18n.text("predict.charts.predicted", lang, model=model_label),
                             line={"color": PRIMARY, "dash": "dash", "width": 3}))
    fig.add_vline(x=calibration_week, line_dash="dot", line_color=ACCENT,
                  annotation_text=i18n.text("predict.charts.calibration_end", lang), annotation_position="top left")
    return finish(fig)


def clv_distribution(values: pd.Series, lang: str = "en", currency: str = "$") -> go.Figure:
    """Histogram of predicted CLV per customer (currency)."""
    fig = figure("predict.charts.clv_title", lang, "predict.charts.clv_x", "predict.charts.clv_y", currency=currency)
    fig.add_trace(go.Histogram(x=np.asarray(values, dtype=float), nbinsx=HISTOGRAM_BINS, marker_color=PRIMARY,
                               name=i18n.text("predict.charts.clv_y", lang)))
    fig.update_layout(bargap=0.05, showlegend=False)
    return finish(fig)


def concentration_curve(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(share of customers, share of predicted value) from the most valuable down, both starting at 0.

    >>> x, y = concentration_curve(pd.Series([1.0, 3.0, 0.0, 6.0]))
    >>> x.tolist(), y.tolist()
    ([0.0, 0.25, 0.5, 0.75, 1.0], [0.0, 0.6, 0.9, 1.0, 1.0])
    """
    v = np.sort(np.asarray(values, dtype=float))[::-1]
    total = v.sum()
    x = np.arange(v.size + 1) / max(v.size, 1)
    y = np.r_[0.0, np.cumsum(v) / total] if total > 0 else np.zeros(v.size + 1)
    return x, y


def value_concentration(values: pd.Series, lang: str = "en", digits: str = "western") -> go.Figure:
    """The value concentration (Lorenz-type) curve: the top x% of customers hold y% of predicted value; the
    top 20% marked (trace 2, one point) and the equal-value diagonal for reference (trace 1)."""
    x, y = concentration_curve(values)
    fig = figure("predict.charts.concentration_title", lang, "predict.charts.concentration_x",
                 "predict.charts.concentration_y")
    fig.add_trace(go.Scatter(x=x, y=y, mode="lines", line={"color": PRIMARY, "width": 3},
                             name=i18n.text("predict.charts.concentration_curve", lang)))
    fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", line={"color": NEUTRAL, "dash": "dot"},
                             name=i18n.text("predict.charts.concentration_equal", lang)))
    top = float(np.interp(TOP_SHARE, x, y))
    label = i18n.text("predict.charts.top_point", lang, top=fmt.percent(TOP_SHARE, 0, digits),
                      value=fmt.percent(top, 0, digits))
    fig.add_trace(go.Scatter(x=[TOP_SHARE], y=[top], mode="markers+text", marker={"color": ACCENT, "size": 12},
                             text=[label], textposition="middle right", name=label))
    fig.update_xaxes(tickformat=".0%", range=[0, 1])
    fig.update_yaxes(tickformat=".0%", range=[0, 1.02])
    return finish(fig)


def survival(projection: pd.DataFrame, lang: str = "en") -> go.Figure:
    """sBG survival: observed share still active (markers, where data exist), the projection (line) and
    the retention rate r(t) (dotted)."""
    fig = figure("predict.charts.survival_title", lang, "predict.charts.survival_x", "predict.charts.survival_y")
    seen = projection.dropna(subset=["observed"])
    fig.add_trace(go.Scatter(x=projection["period"], y=projection["survival"], mode="lines",
                             name=i18n.text("predict.charts.projected", lang), line={"color": PRIMARY, "width": 3}))
    fig.add_trace(go.Scatter(x=seen["period"], y=seen["observed"], mode="markers",
                             name=i18n.text("predict.charts.observed", lang), marker={"color": NEUTRAL, "size": 9}))
    fig.add_trace(go.Scatter(x=projection["period"], y=projection["retention"], mode="lines",
                             name=i18n.text("predict.charts.retention", lang),
                             line={"color": ACCENT, "dash": "dot"}))
    fig.update_yaxes(tickformat=".0%", range=[0, 1.02])
    return finish(fig)
