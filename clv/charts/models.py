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

TOP_SHARE = 0.20  # the value concentration curve marks the top 20% of customers
HISTOGRAM_BINS = 40


def _heatmap(matrix: pd.DataFrame, title_key: str, scale_key: str, lang: str, decimals: int, **values) -> go.Figure:
    fig = figure(title_key, lang, "predict.charts.recency", "predict.charts.frequency", **values)
    fig.add_trace(
        go.Heatmap(
            z=matrix.to_numpy(),
            x=matrix.columns.to_numpy(dtype=float),
            y=matrix.index.to_numpy(),
            colorscale=SEQUENTIAL,
            colorbar={"title": {"text": i18n.text(scale_key, lang)}},
            hovertemplate=f"%{{x:.0f}} · %{{y}}: %{{z:.{decimals}f}}<extra></extra>",
        )
    )
    return finish(fig)


def frequency_recency(matrix: pd.DataFrame, horizon_months: int, lang: str = "en") -> go.Figure:
    """Expected purchases in the horizon by frequency (rows) and recency (columns, days), a heatmap.

    z = E[purchases in the next ``horizon_months`` | frequency, recency] per customer (a count; the
    fitted model's conditional expectation, e.g. FHL 2005 eq. 10 for BG/NBD), as the matrix gives it.

    >>> matrix = pd.DataFrame([[0.1, 0.5], [0.2, 1.4]], index=[0, 1], columns=[0.0, 30.0])
    >>> fig = frequency_recency(matrix, 6)
    >>> fig.layout.title.text, fig.data[0].z.tolist(), fig.data[0].x.tolist()
    ('Expected purchases in the next 6<br>months, by frequency and recency', [[0.1, 0.5], [0.2, 1.4]], [0.0, 30.0])
    """
    return _heatmap(matrix, "predict.charts.matrix_title", "predict.charts.purchases", lang, 2, months=horizon_months)


def p_alive(matrix: pd.DataFrame, lang: str = "en") -> go.Figure:
    """P(alive) by frequency and recency, a heatmap (0..1).

    z = P(alive | frequency, recency) (a probability, e.g. FHL 2005 eq. 11 for BG/NBD); the colour scale
    is fixed to 0..1 so two models' maps compare.

    >>> fig = p_alive(pd.DataFrame([[0.3, 0.9]], index=[1], columns=[0.0, 30.0]))
    >>> fig.data[0].z.tolist(), (fig.data[0].zmin, fig.data[0].zmax)
    ([[0.3, 0.9]], (0.0, 1.0))
    """
    fig = _heatmap(matrix, "predict.charts.alive_title", "predict.charts.p_alive", lang, 2)
    fig.update_traces(zmin=0.0, zmax=1.0)
    return finish(fig)


def holdout_by_frequency(validations, lang: str = "en") -> go.Figure:
    """Mean holdout repeat purchases by calibration frequency (0..6, 7+): actual, then each model's prediction.

    ``validations``: ``clv.models.validation.ValidationResult`` objects (their ``by_frequency`` tables:
    group, actual, predicted, each a mean count of holdout purchases per customer of the group). Bar 0
    is the actual (from the first), then one bar per model.

    >>> from types import SimpleNamespace
    >>> table = pd.DataFrame({"group": ["0", "1", "7+"], "actual": [0.2, 0.9, 4.0], "predicted": [0.25, 0.8, 3.5]})
    >>> fig = holdout_by_frequency([SimpleNamespace(model="BG/NBD", by_frequency=table)])
    >>> [(bar.name, bar.y.tolist()) for bar in fig.data]
    [('Actual', [0.2, 0.9, 4.0]), ('BG/NBD predicted', [0.25, 0.8, 3.5])]
    """
    fig = figure("predict.charts.holdout_title", lang, "predict.charts.holdout_x", "predict.charts.holdout_y")
    validations = list(validations)
    if not validations:
        return finish(fig)
    first = validations[0].by_frequency
    fig.add_trace(
        go.Bar(x=first["group"], y=first["actual"], name=i18n.text("predict.charts.actual", lang), marker_color=NEUTRAL)
    )
    for i, v in enumerate(validations):
        fig.add_trace(
            go.Bar(
                x=v.by_frequency["group"],
                y=v.by_frequency["predicted"],
                name=i18n.text("predict.charts.predicted", lang, model=v.model),
                marker_color=PALETTE[i % len(PALETTE)],
            )
        )
    fig.update_layout(barmode="group")
    fig.update_xaxes(type="category")
    return finish(fig)


def cumulative_tracking(
    tracking: pd.DataFrame, calibration_week: float, model_label: str, lang: str = "en"
) -> go.Figure:
    """Cumulative repeat purchases by week, actual (solid) and predicted (dashed); the calibration end marked
    by a vertical line at ``calibration_week``.

    ``tracking``: week, actual, predicted (repeat purchases of the whole cohort up to that week, counts;
    the prediction sums E[X(t)] over customers, FHL 2005 eq. 9). x in weeks.

    >>> tracking = pd.DataFrame({"week": [1, 2, 3], "actual": [5.0, 12.0, 20.0], "predicted": [6.0, 11.5, 18.0]})
    >>> fig = cumulative_tracking(tracking, 2.0, "BG/NBD")
    >>> fig.data[1].name, fig.data[1].y.tolist(), fig.layout.shapes[0].x0
    ('BG/NBD predicted', [6.0, 11.5, 18.0], 2.0)
    """
    fig = figure("predict.charts.tracking_title", lang, "predict.charts.tracking_x", "predict.charts.tracking_y")
    fig.add_trace(
        go.Scatter(
            x=tracking["week"],
            y=tracking["actual"],
            mode="lines",
            name=i18n.text("predict.charts.actual", lang),
            line={"color": NEUTRAL, "width": 3},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=tracking["week"],
            y=tracking["predicted"],
            mode="lines",
            name=i18n.text("predict.charts.predicted", lang, model=model_label),
            line={"color": PRIMARY, "dash": "dash", "width": 3},
        )
    )
    fig.add_vline(
        x=calibration_week,
        line_dash="dot",
        line_color=ACCENT,
        annotation_text=i18n.text("predict.charts.calibration_end", lang),
        annotation_position="top left",
    )
    return finish(fig)


def clv_distribution(values: pd.Series, lang: str = "en", currency: str = "$") -> go.Figure:
    """Histogram of predicted CLV per customer (currency).

    Up to ``HISTOGRAM_BINS`` (40) bins of the customers' predicted CLV (currency per customer: expected
    transactions x expected spend, discounted; ``clv.models.customer_lifetime_value``); y counts customers.

    >>> fig = clv_distribution(pd.Series([10.0, 20.0, 20.0, 400.0]), currency="€")
    >>> fig.data[0].x.tolist(), fig.data[0].nbinsx, fig.layout.xaxis.title.text
    ([10.0, 20.0, 20.0, 400.0], 40, 'Predicted CLV (€)')
    """
    fig = figure("predict.charts.clv_title", lang, "predict.charts.clv_x", "predict.charts.clv_y", currency=currency)
    fig.add_trace(
        go.Histogram(
            x=np.asarray(values, dtype=float),
            nbinsx=HISTOGRAM_BINS,
            marker_color=PRIMARY,
            name=i18n.text("predict.charts.clv_y", lang),
        )
    )
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
    top 20% marked (trace 2, one point) and the equal-value diagonal for reference (trace 1).

    ``concentration_curve`` gives the points; the marked share is interpolated linearly at
    ``TOP_SHARE`` (0.2). Both axes are fractions shown as percent.

    >>> fig = value_concentration(pd.Series([50.0, 30.0, 10.0, 10.0, 0.0]))     # the top one of five: 50%
    >>> fig.data[2].x, fig.data[2].y, fig.data[2].name
    ((0.2,), (0.5,), 'The top 20% hold 50%')
    """
    x, y = concentration_curve(values)
    fig = figure(
        "predict.charts.concentration_title", lang, "predict.charts.concentration_x", "predict.charts.concentration_y"
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=y,
            mode="lines",
            line={"color": PRIMARY, "width": 3},
            name=i18n.text("predict.charts.concentration_curve", lang),
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[0, 1],
            y=[0, 1],
            mode="lines",
            line={"color": NEUTRAL, "dash": "dot"},
            name=i18n.text("predict.charts.concentration_equal", lang),
        )
    )
    top = float(np.interp(TOP_SHARE, x, y))
    label = i18n.text(
        "predict.charts.top_point", lang, top=fmt.percent(TOP_SHARE, 0, digits), value=fmt.percent(top, 0, digits)
    )
    fig.add_trace(
        go.Scatter(
            x=[TOP_SHARE],
            y=[top],
            mode="markers+text",
            marker={"color": ACCENT, "size": 12},
            text=[label],
            textposition="middle right",
            name=label,
        )
    )
    fig.update_xaxes(tickformat=".0%", range=[0, 1])
    fig.update_yaxes(tickformat=".0%", range=[0, 1.02])
    return finish(fig)


def survival(projection: pd.DataFrame, lang: str = "en") -> go.Figure:
    """sBG survival: observed share still active (markers, where data exist), the projection (line) and
    the retention rate r(t) (dotted).

    ``projection``: period, survival S(t) = B(alpha, beta + t) / B(alpha, beta), retention
    r(t) = S(t) / S(t - 1) = (beta + t - 1) / (alpha + beta + t - 1) (Fader & Hardie 2007, eqs. 8 and 9),
    observed (NaN where not observed); fractions, shown as percent; x in periods.

    >>> t = np.arange(4)                                    # alpha = beta = 1: S(t) = 1 / (1 + t)
    >>> proj = pd.DataFrame({"period": t, "survival": 1 / (1 + t), "observed": [1.0, 0.52, None, None],
    ...                      "retention": np.r_[np.nan, t[1:] / (t[1:] + 1)]})
    >>> line, seen, rate = survival(proj).data
    >>> line.y.round(4).tolist(), seen.x.tolist(), seen.y.tolist(), rate.y[1:].round(4).tolist()
    ([1.0, 0.5, 0.3333, 0.25], [0, 1], [1.0, 0.52], [0.5, 0.6667, 0.75])
    """
    fig = figure("predict.charts.survival_title", lang, "predict.charts.survival_x", "predict.charts.survival_y")
    seen = projection.dropna(subset=["observed"])
    fig.add_trace(
        go.Scatter(
            x=projection["period"],
            y=projection["survival"],
            mode="lines",
            name=i18n.text("predict.charts.projected", lang),
            line={"color": PRIMARY, "width": 3},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=seen["period"],
            y=seen["observed"],
            mode="markers",
            name=i18n.text("predict.charts.observed", lang),
            marker={"color": NEUTRAL, "size": 9},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=projection["period"],
            y=projection["retention"],
            mode="lines",
            name=i18n.text("predict.charts.retention", lang),
            line={"color": ACCENT, "dash": "dot"},
        )
    )
    fig.update_yaxes(tickformat=".0%", range=[0, 1.02])
    return finish(fig)
