"""Campaign what-if charts: value by scenario, the Shapley waterfall, survival and payback curves,
the sensitivity tornado and the simulated net-value histogram.

Each builder takes results from ``clv.scenarios`` and returns a plotly Figure; titles, axes and labels
come from the catalogue (``scenarios.charts.*``) with the currency; money through ``clv.fmt``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import fmt, i18n
from ..scenarios import ScenarioResult, Simulation
from .base import (
    ACCENT,
    BAD,
    GOOD,
    NEUTRAL,
    PALETTE,
    PRIMARY,
    SUBTITLE_PX,
    TOP_MARGIN,
    category_labels,
    figure,
    finish,
    reference_line,
)


def value_bars(results: Mapping[str, ScenarioResult], lang: str = "en", currency: str = "$") -> go.Figure:
    """Grouped bars per scenario: blended LTV and net value after campaign costs; baseline LTV as a line.

    ``results`` maps a label to a result (``clv.scenarios.compare`` gives one per campaign and all together).
    The baseline LTV is named in the legend, not on its line, where it would sit on the bars' labels.
    Per acquired customer, in currency: LTV = sum over segments of share x segment LTV; net value =
    LTV - campaign cost - baseline LTV (green when >= 0, red below).

    >>> from clv.core import Assumptions
    >>> from clv.scenarios import Campaign, evaluate_scenario
    >>> base = Assumptions(arpu=50, gross_margin=0.8, monthly_churn=0.05, cac=300)
    >>> loyalty = evaluate_scenario(base, [Campaign("Loyalty", reach=0.4, churn_reduction=0.2, monthly_cost=1.0)])
    >>> fig = value_bars({"Loyalty": loyalty})
    >>> fig.data[0].text, fig.data[1].text, fig.layout.shapes[0].y0
    (('$880',), ('$70',), 800.0)

    (0.4 x 40 / 0.04 + 0.6 x 40 / 0.05 = 880; the cost, 0.4 x $1 for 25 expected months, is 10: 880 - 10 - 800.)
    """
    labels = list(results)
    fig = figure("scenarios.charts.bars.title", lang, None, "scenarios.charts.axis.per_customer", currency=currency)
    ltv = [results[k].ltv for k in labels]
    net = [results[k].net_value for k in labels]
    fig.add_bar(
        x=labels,
        y=ltv,
        name=i18n.text("scenarios.charts.bars.ltv", lang),
        marker_color=PRIMARY,
        text=[fmt.money(v, currency, 0) for v in ltv],
        textposition="outside",
    )
    fig.add_bar(
        x=labels,
        y=net,
        name=i18n.text("scenarios.charts.bars.net_value", lang),
        marker_color=[GOOD if (v or 0) >= 0 else BAD for v in net],
        text=[fmt.money(v, currency, 0) for v in net],
        textposition="outside",
    )
    if labels:
        base = results[labels[0]].baseline.ltv
        reference_line(
            fig, base, i18n.text("scenarios.charts.bars.baseline", lang, value=fmt.money(base, currency, 0)), NEUTRAL
        )
    category_labels(fig, labels)
    fig.update_layout(barmode="group")
    return finish(fig)


def waterfall(result: ScenarioResult, lang: str = "en", currency: str = "$") -> go.Figure:
    """From the baseline LTV to the combined scenario after campaign costs, one step per campaign
    (its Shapley share of the net value; the steps add up exactly).

    baseline LTV + sum of the campaigns' shares = baseline LTV + net value (currency per acquired
    customer); a share that is not defined (an unlimited LTV) is drawn as 0.

    >>> from clv.core import Assumptions
    >>> from clv.scenarios import Campaign, evaluate_scenario
    >>> base = Assumptions(arpu=50, gross_margin=0.8, monthly_churn=0.05, cac=300)
    >>> loyalty = evaluate_scenario(base, [Campaign("Loyalty", reach=0.4, churn_reduction=0.2, monthly_cost=1.0)])
    >>> bars = waterfall(loyalty).data[0]
    >>> bars.text, bars.measure                                 # 800 + 70 = 870
    (('$800', '$70', '$870'), ('absolute', 'relative', 'total'))
    """
    names = list(result.attribution)
    steps = [result.attribution[n] or 0.0 for n in names]
    base = result.baseline.ltv
    end = base + (result.net_value or 0.0)
    x = [
        i18n.text("scenarios.charts.waterfall.baseline", lang),
        *names,
        i18n.text("scenarios.charts.waterfall.total", lang),
    ]
    fig = figure(
        "scenarios.charts.waterfall.title", lang, None, "scenarios.charts.axis.per_customer", currency=currency
    )
    fig.add_waterfall(
        x=x,
        y=[base, *steps, end],
        measure=["absolute", *["relative"] * len(steps), "total"],
        text=[fmt.money(base, currency, 0), *[fmt.money(s, currency, 0) for s in steps], fmt.money(end, currency, 0)],
        textposition="outside",
        increasing={"marker": {"color": GOOD}},
        decreasing={"marker": {"color": BAD}},
        totals={"marker": {"color": PRIMARY}},
        connector={"line": {"color": NEUTRAL}},
        hovertemplate=i18n.text("scenarios.charts.waterfall.hover", lang) + "<extra></extra>",
        showlegend=False,
    )
    category_labels(fig, x)
    return finish(fig)


def _lines(results: Mapping[str, ScenarioResult], lang: str):
    """(label, months table, colour, dash, payback, CAC): the baseline first, then each scenario.

    An entry without campaigns (a page may pass the baseline itself first) is the baseline already drawn.
    """
    labels = list(results)
    out = []
    if labels:
        b = results[labels[0]].baseline
        m = b.months
        out.append(
            (
                i18n.text("scenarios.baseline", lang),
                pd.DataFrame(
                    {"month": m["month"], "survival": m["survival"], "value": m["discounted_cumulative_margin"]}
                ),
                NEUTRAL,
                "dash",
                b.payback_months_churn_adjusted,
                b.assumptions.cac,
            )
        )
    for i, k in enumerate(k for k in labels if results[k].campaigns):
        m = results[k].months
        out.append(
            (
                k,
                pd.DataFrame({"month": m["month"], "survival": m["survival"], "value": m["discounted_cumulative_net"]}),
                PALETTE[i % (len(PALETTE) - 1)],
                "solid",
                results[k].payback_months,
                results[k].cac,
            )
        )
    return out


def survival_curves(results: Mapping[str, ScenarioResult], lang: str = "en", currency: str = "$") -> go.Figure:
    """Share of customers still active month by month: baseline (dashed) and each scenario.

    y(t) = the share of acquired customers still active at the start of month t, in percent: (1 - c)^t
    for one constant churn; a scenario blends its segments by their shares. x in months.

    >>> from clv.core import Assumptions
    >>> from clv.scenarios import Campaign, evaluate_scenario
    >>> base = Assumptions(arpu=50, gross_margin=0.8, monthly_churn=0.05, cac=300)
    >>> loyalty = evaluate_scenario(base, [Campaign("Loyalty", reach=0.4, churn_reduction=0.2, monthly_cost=1.0)])
    >>> baseline, scenario = survival_curves({"Loyalty": loyalty}).data
    >>> baseline.y[:3].round(6).tolist(), scenario.y[:3].round(6).tolist()   # 0.4 x 0.96^t + 0.6 x 0.95^t
    ([100.0, 95.0, 90.25], [100.0, 95.4, 91.014])
    """
    fig = figure(
        "scenarios.charts.curves.survival_title",
        lang,
        "scenarios.charts.axis.months",
        "scenarios.charts.axis.survival",
        currency=currency,
    )
    for label, m, colour, dash, _, _ in _lines(results, lang):
        fig.add_scatter(
            x=m["month"],
            y=m["survival"] * 100,
            mode="lines",
            name=label,
            line={"color": colour, "dash": dash, "width": 3},
        )
    fig.update_yaxes(range=[0, 102])
    return finish(fig)


def value_curves(results: Mapping[str, ScenarioResult], lang: str = "en", currency: str = "$") -> go.Figure:
    """Expected cumulative discounted value per customer (after campaign costs), CAC as a line and each
    payback marked. x is months elapsed (payments made), as in the calculator's payback chart.

    One legend entry per line, naming its payback; the payback marker belongs to its line's entry.

    After x months: the baseline's discounted cumulative margin, each scenario's discounted cumulative
    margin less its campaign costs (currency per acquired customer); paybacks are where a line meets CAC.

    >>> from clv.core import Assumptions
    >>> from clv.scenarios import Campaign, evaluate_scenario
    >>> base = Assumptions(arpu=50, gross_margin=0.8, monthly_churn=0.05, cac=300)
    >>> loyalty = evaluate_scenario(base, [Campaign("Loyalty", reach=0.4, churn_reduction=0.2, monthly_cost=1.0)])
    >>> fig = value_curves({"Loyalty": loyalty})
    >>> fig.data[1].name, fig.data[1].y[:3].round(6).tolist()     # 40 - 0.4 x $1; + 0.954 x 40 - 0.4 x 0.96
    ('Loyalty: payback at 9.1 months', [0.0, 39.6, 77.376])
    """
    fig = figure(
        "scenarios.charts.curves.value_title",
        lang,
        "scenarios.charts.axis.months",
        "scenarios.charts.axis.cumulative",
        currency=currency,
    )
    top, bottom = 1.0, 0.0
    lines = _lines(results, lang)
    for label, m, colour, dash, payback, _ in lines:
        elapsed = np.concatenate([[0], m["month"].to_numpy() + 1])
        value = np.concatenate([[0.0], m["value"].to_numpy()])
        top, bottom = max(top, float(np.nanmax(value))), min(bottom, float(np.nanmin(value)))
        name = (
            label
            if payback is None
            else i18n.text("scenarios.charts.curves.payback", lang, name=label, months=fmt.number(payback, 1))
        )
        fig.add_scatter(
            x=elapsed,
            y=value,
            mode="lines",
            name=name,
            legendgroup=label,
            line={"color": colour, "dash": dash, "width": 3},
        )
    for cac in sorted({line[5] for line in lines}):
        fig.add_hline(
            y=cac,
            line={"color": BAD, "dash": "dot"},
            annotation_text=i18n.text("scenarios.charts.curves.cac", lang, cac=fmt.money(cac, currency)),
        )
        top = max(top, 1.6 * cac)
    for label, _, colour, _, payback, cac in lines:
        if payback is not None:
            fig.add_scatter(
                x=[payback],
                y=[cac],
                mode="markers",
                marker={"size": 12, "color": colour, "symbol": "diamond", "line": {"width": 1, "color": "black"}},
                name=i18n.text("scenarios.charts.curves.payback", lang, name=label, months=fmt.number(payback, 1)),
                legendgroup=label,
                showlegend=False,
            )
    fig.update_yaxes(range=[bottom * 1.05, top * 1.05])
    return finish(fig)


def tornado(table: pd.DataFrame, lang: str = "en", currency: str = "$") -> go.Figure:
    """Horizontal bars: change in LTV when each driver moves down (left colour) or up, widest on top.

    ``table`` is ``clv.scenarios.sensitivity(...)``: ltv_change = LTV with the driver moved - LTV
    (currency per acquired customer); the title names the move (the largest |change|, in percent).

    >>> from clv.core import Assumptions
    >>> from clv.scenarios import sensitivity
    >>> fig = tornado(sensitivity(Assumptions(arpu=50, gross_margin=0.8, monthly_churn=0.05, cac=300), [], 0.2))
    >>> low, high = fig.data
    >>> low.y[-1], round(float(low.x[-1]), 6), round(float(high.x[-1]), 6)   # 40/0.04 - 800; 40/0.06 - 800
    ('Churn', 200.0, -133.333333)
    """
    pct = float(table["change"].abs().max()) if len(table) else 0.0
    fig = figure(
        "scenarios.charts.tornado.title",
        lang,
        "scenarios.charts.axis.ltv_change",
        None,
        currency=currency,
        pct=fmt.percent(pct, 0),
    )
    order = list(dict.fromkeys(table["label"]))[::-1]  # widest swing at the top
    for direction, colour, key in (
        ("low", ACCENT, "scenarios.charts.tornado.low"),
        ("high", PRIMARY, "scenarios.charts.tornado.high"),
    ):
        rows = table[table["direction"] == direction].set_index("label").reindex(order)
        fig.add_bar(
            y=order,
            x=rows["ltv_change"],
            orientation="h",
            marker_color=colour,
            name=i18n.text(key, lang, pct=fmt.percent(pct, 0)),
            text=[fmt.money(v, currency, 0) for v in rows["ltv_change"]],
            textposition="auto",
        )
    fig.add_vline(x=0, line={"color": NEUTRAL})
    fig.update_layout(barmode="overlay")
    return finish(fig)


def histogram(sim: Simulation, lang: str = "en", currency: str = "$") -> go.Figure:
    """Simulated net values with P10, P50 and P90 marked, zero, and the pay-off probability.

    ``sim`` is ``clv.scenarios.simulate(...)``: net value per acquired customer of each draw (currency),
    its 10th, 50th and 90th percentiles as dotted and dashed lines, zero in red, and the share of draws
    with a net value above zero.

    >>> from clv.scenarios import Simulation
    >>> sim = Simulation(p10=-5.0, p50=20.0, p90=45.0, mean=20.0, probability_positive=0.6,
    ...                  draws=np.array([-10.0, 0.0, 20.0, 40.0, 50.0]), n=5)
    >>> fig = histogram(sim)
    >>> [line.x0 for line in fig.layout.shapes], fig.layout.annotations[-1].text        # 3 of 5 above 0
    ([-5.0, 20.0, 45.0, 0], 'Pays off in 60% of scenarios')
    """
    fig = figure(
        "scenarios.charts.histogram.title",
        lang,
        "scenarios.charts.axis.net_value",
        "scenarios.charts.axis.draws",
        currency=currency,
        n=fmt.number(sim.n),
    )
    fig.add_histogram(
        x=sim.draws,
        nbinsx=60,
        marker_color=PRIMARY,
        opacity=0.8,
        name=i18n.text("scenarios.charts.histogram.draws", lang),
    )
    for key, value, dash in (("p10", sim.p10, "dot"), ("p50", sim.p50, "dash"), ("p90", sim.p90, "dot")):
        fig.add_vline(
            x=value,
            line={"color": ACCENT, "dash": dash, "width": 2},
            annotation_text=i18n.text(f"scenarios.charts.histogram.{key}", lang, value=fmt.money(value, currency, 0)),
        )
    fig.add_vline(x=0, line={"color": BAD, "width": 2})
    # Above the plot area, under the title: inside it, it would sit on the P10 / P50 / P90 labels.
    rtl = i18n.is_rtl(lang)
    fig.add_annotation(
        text=i18n.text(
            "scenarios.charts.histogram.pays_off", lang, probability=fmt.percent(sim.probability_positive, 0)
        ),
        xref="paper",
        yref="paper",
        x=1.0 if rtl else 0.0,
        y=1.0,
        yanchor="bottom",
        xanchor="right" if rtl else "left",
        showarrow=False,
        font={"size": 16, "color": GOOD if sim.probability_positive >= 0.5 else BAD},
    )
    fig.update_layout(bargap=0.02, margin_t=TOP_MARGIN + SUBTITLE_PX)
    return finish(fig)
