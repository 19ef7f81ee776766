"""A self-contained HTML report of the current scenarios: it opens offline in any browser.

Assumptions, the results table, the formulas, one plain sentence per campaign and the interactive
charts (plotly.js is embedded once, so nothing loads from the network). Every piece of user text
(campaign names) is escaped: nothing the user typed becomes markup.
"""

from __future__ import annotations

import html
from datetime import datetime, timezone

import plotly.io as pio

from . import fmt, i18n
from .charts import calculator as calc_charts
from .charts import scenarios as scenario_charts
from .explain import formulas
from .scenarios import ScenarioResult, describe, evaluate_scenario
from .tables import scenario_table

STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 2rem auto; max-width: 1100px; color: #111827;
       line-height: 1.5; padding: 0 1rem; }
h1 { font-size: 1.9rem; } h2 { margin-top: 2.2rem; border-bottom: 2px solid #0F766E; padding-bottom: .2rem; }
table { border-collapse: collapse; width: 100%; margin: .8rem 0; }
th, td { border: 1px solid #D1D5DB; padding: .35rem .6rem; text-align: start; }
th { background: #F3F4F6; } td.num { text-align: end; font-variant-numeric: tabular-nums; }
.muted { color: #6B7280; font-size: .9rem; } .formula { font-family: "DejaVu Sans Mono", monospace; }
"""


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _table(rows: list[tuple[str, str]]) -> str:
    body = "".join(f"<tr><th>{_esc(k)}</th><td class='num'>{_esc(v)}</td></tr>" for k, v in rows)
    return f"<table>{body}</table>"


def scenario_report(results: dict[str, ScenarioResult], lang: str = "en", currency: str = "$",
                    cohort_size: float = 1000, generated_at: str | None = None) -> str:
    """The report as one HTML document (a string). ``results``: name -> result (``clv.scenarios.compare``).

    >>> import clv
    >>> base = clv.Assumptions(arpu=50, gross_margin=0.8, monthly_churn=0.05, cac=300)
    >>> c = clv.scenarios.Campaign("Loyalty <b>", reach=0.4, churn_reduction=0.2, monthly_cost=1.0)
    >>> page = scenario_report({c.name: clv.scenarios.evaluate_scenario(base, [c])}, generated_at="today")
    >>> "$880.00" in page, "Loyalty &lt;b&gt;" in page, "<b>" in page
    (True, True, False)
    """
    t = lambda key, **v: i18n.text(key, lang, **v)     # noqa: E731  (a short alias keeps the markup readable)
    first = next(iter(results.values()))
    base = first.baseline
    a = base.assumptions
    stamp = generated_at or datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    direction = "rtl" if i18n.is_rtl(lang) else "ltr"

    assumptions = _table([
        (t("calc.arpu.label"), fmt.money(a.arpu, currency)),
        (t("calc.margin.label"), fmt.percent(a.gross_margin)),
        (t("calc.churn.label"), fmt.percent(a.monthly_churn, 2)),
        (t("calc.cac.label"), fmt.money(a.cac, currency)),
        (t("calc.discount.label"), fmt.percent(a.annual_discount_rate)),
        (t("calc.horizon.label"), str(a.horizon_months or "—")),
        (t("report.cohort"), fmt.number(cohort_size)),
    ])
    table = scenario_table(results, cohort_size, lang)
    money_cols = {t(f"tables.scenario.{c}") for c in ("ltv", "ltv_change", "campaign_cost", "net_value",
                                                       "cohort_net_value")}
    head = "".join(f"<th>{_esc(c)}</th>" for c in table.columns)
    body = ""
    for _, row in table.iterrows():
        cells = [f"<th>{_esc(row.iloc[0])}</th>"]
        for column in table.columns[1:]:
            v = row[column]
            shown = fmt.NOT_DEFINED if v != v else (fmt.money(v, currency) if column in money_cols else fmt.number(v, 2))
            cells.append(f"<td class='num'>{_esc(shown)}</td>")
        body += "<tr>" + "".join(cells) + "</tr>"
    results_table = f"<table><tr>{head}</tr>{body}</table>"

    sentences = []
    for name, r in results.items():
        if len(r.campaigns) == 1:
            alone = r if r.campaigns[0].name == name else evaluate_scenario(a, list(r.campaigns))
            sentences.append(f"<li>{_esc(describe(alone, r.campaigns[0], lang, currency))}</li>")
    formula_items = "".join(
        f"<li><strong>{_esc(t(f'explain.{f.figure}.name'))}</strong>: {_esc(t(f'explain.{f.figure}.sentence'))}"
        f"<br><span class='formula'>{_esc(f.worked)}</span></li>" for f in formulas(base))

    combined = list(results.values())[-1]
    figures = [calc_charts.payback(base, lang, currency), scenario_charts.value_bars(results, lang, currency),
               scenario_charts.waterfall(combined, lang, currency)]
    charts = "".join(pio.to_html(fig, full_html=False, include_plotlyjs=(i == 0), config={"displaylogo": False})
                     for i, fig in enumerate(figures))

    return f"""<!DOCTYPE html>
<html lang="{_esc(lang)}" dir="{direction}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_esc(t("report.title"))}</title><style>{STYLE}</style></head>
<body>
<h1>{_esc(t("report.title"))}</h1>
<p class="muted">{_esc(t("report.generated", when=stamp))}</p>
<h2>{_esc(t("report.assumptions"))}</h2>{assumptions}
<h2>{_esc(t("report.results"))}</h2>{results_table}
<h2>{_esc(t("report.conclusions"))}</h2><ul>{"".join(sentences)}</ul>
<h2>{_esc(t("report.formulas"))}</h2><p class="muted">{_esc(t("calc.conventions"))}</p><ul>{formula_items}</ul>
<h2>{_esc(t("report.charts"))}</h2>{charts}
</body></html>"""
