"""A self-contained HTML report of the current scenarios: it opens offline in any browser.

Assumptions, the results table, the formulas, one plain sentence per campaign and the interactive
charts (plotly.js is embedded once, so nothing loads from the network). Every piece of user text
(campaign names) is escaped: nothing the user typed becomes markup.
"""

from __future__ import annotations

import html
import re
from datetime import datetime, timezone

import plotly.io as pio

from . import fmt, i18n
from .charts import calculator as calc_charts
from .charts import scenarios as scenario_charts
from .explain import formulas
from .core import Assumptions
from .scenarios import Campaign, ScenarioResult, describe, evaluate_scenario
from .tables import SCENARIO_MONEY, scenario_table

STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 2rem auto; max-width: 1100px; color: #111827;
       line-height: 1.5; padding: 0 1rem; }
h1 { font-size: 1.9rem; } h2 { margin-top: 2.2rem; border-bottom: 2px solid #0F766E; padding-bottom: .2rem; }
h3 { margin: 1.2rem 0 .3rem; font-size: 1.1rem; }
table { border-collapse: collapse; width: 100%; margin: .8rem 0; }
th, td { border: 1px solid #D1D5DB; padding: .35rem .6rem; text-align: start; }
th { background: #F3F4F6; } td.num { text-align: end; font-variant-numeric: tabular-nums; }
.muted { color: #6B7280; font-size: .9rem; }
.formula { font-family: "DejaVu Serif", "Times New Roman", serif; font-size: 1.05rem; unicode-bidi: isolate; }
.formula sup, .formula sub { font-size: .75em; }
"""

NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
MINUS = "\u2212"
LATEX_SYMBOLS = {
    "times": "×",
    "cdot": "·",
    "ge": "≥",
    "le": "≤",
    "infty": "∞",
    "alpha": "α",
    "beta": "β",
    "sum": "Σ",
    "ln": "ln",
    "min": "min",
    "quad": "\u2003",
    ",": "\u2009",
    ";": " ",
    "{": "{",
    "}": "}",
    "textstyle": "",
    "displaystyle": "",
    "left": "",
    "right": "",
}
NUMERATOR_OPS = "+" + MINUS
DENOMINATOR_OPS = " +×/·\u2009\u2003" + MINUS


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def localise_digits(text: str, digits: str = "western", keep: tuple[str, ...] = ()) -> str:
    """Numbers in ``text`` in the chosen digits (``clv.fmt``); the strings in ``keep`` (user text such as
    campaign names) stay exactly as typed.

    >>> localise_digits("Plan 2 adds $1,234.50 for 40% of customers.", "arabic", keep=("Plan 2",))
    'Plan 2 adds $١٬٢٣٤٫٥٠ for ٤٠% of customers.'
    """
    if digits != "arabic":
        return text
    for name in sorted((k for k in keep if k), key=len, reverse=True):
        if name in text:
            return name.join(localise_digits(part, digits, keep) for part in text.split(name))
    return NUMBER.sub(lambda m: m.group(0).translate(fmt.ARABIC_INDIC), text)


def _top_level(plain: str, ops: str) -> bool:
    depth = 0
    for ch in plain:
        if ch in "({[":
            depth += 1
        elif ch in ")}]":
            depth -= 1
        elif depth == 0 and ch in ops:
            return True
    return False


def _latex(src: str, i: int, digits: str, stop: str | None = None) -> tuple[str, str, int]:
    """Parse ``src`` from ``i`` up to ``stop``: (HTML, plain text with {} around scripts, next index)."""
    out_html, out_plain, run = [], [], []

    def flush():
        if run:
            text = "".join(run).replace("-", MINUS)
            text = localise_digits(" ".join(text.split(" ")), digits)
            out_html.append(_esc(text))
            out_plain.append(text)
            run.clear()

    while i < len(src):
        ch = src[i]
        if stop is not None and ch == stop:
            flush()
            return "".join(out_html), "".join(out_plain), i + 1
        if ch == "\\":
            flush()
            m = re.match(r"\\([A-Za-z]+|.)", src[i:])
            name, i = m.group(1), i + m.end()
            if name == "frac":
                num_h, num_p, i = _latex(src, i + 1, digits, "}")
                den_h, den_p, i = _latex(src, i + 1, digits, "}")
                if _top_level(num_p, NUMERATOR_OPS):
                    num_h, num_p = f"({num_h})", f"({num_p})"
                if _top_level(den_p.strip(), DENOMINATOR_OPS):
                    den_h, den_p = f"({den_h})", f"({den_p})"
                out_html.append(f"{num_h} / {den_h}")
                out_plain.append(f"{num_p} / {den_p}")
            elif name == "text":
                close = src.index("}", i)
                shown = src[i + 1 : close].replace("--", fmt.NOT_DEFINED)
                out_html.append(_esc(shown))
                out_plain.append(shown)
                i = close + 1
            else:
                symbol = LATEX_SYMBOLS.get(name, name)
                out_html.append(_esc(symbol))
                out_plain.append(symbol)
        elif ch in "^_":
            flush()
            if src[i + 1] == "{":
                inner_h, inner_p, i = _latex(src, i + 2, digits, "}")
            else:
                inner_h, inner_p, i = _esc(src[i + 1].replace("-", MINUS)), src[i + 1], i + 2
            tag = "sup" if ch == "^" else "sub"
            out_html.append(f"<{tag}>{inner_h}</{tag}>")
            out_plain.append("{" + inner_p + "}")
        elif ch == "{":
            flush()
            inner_h, inner_p, i = _latex(src, i + 1, digits, "}")
            out_html.append(inner_h)
            out_plain.append(inner_p)
        else:
            run.append(ch)
            i += 1
    flush()
    return "".join(out_html), "".join(out_plain), i


def formula_html(latex: str, digits: str = "western") -> str:
    r"""A formula from ``clv.explain`` (LaTeX) as plain HTML that reads offline without any script:
    Unicode symbols, fractions written with a slash (brackets where needed), powers as superscripts.

    >>> formula_html(r"LTV = \frac{ARPU \times m}{c}")
    'LTV = ARPU × m / c'
    >>> formula_html(r"LTV = \frac{1{,}250.00 \times 0.80}{0.0500 + 0.0080} = 17{,}241.38", "arabic")
    'LTV = ١٬٢٥٠٫٠٠ × ٠٫٨٠ / (٠٫٠٥٠٠ + ٠٫٠٠٨٠) = ١٧٬٢٤١٫٣٨'
    >>> formula_html(r"\frac{1 - (1 - c)^{H}}{c}")
    '(1 − (1 − c)<sup>H</sup>) / c'
    """
    return _latex(latex.replace("{,}", ","), 0, digits)[0]


def _table(rows: list[tuple[str, str]]) -> str:
    body = "".join(f"<tr><th>{_esc(k)}</th><td class='num'>{_esc(v)}</td></tr>" for k, v in rows)
    return f"<table>{body}</table>"


def campaign_inputs(
    campaign: Campaign, lang: str = "en", currency: str = "$", digits: str = "western"
) -> list[tuple[str, str]]:
    """A campaign's inputs as (label, value) rows in the user's units: percentages, margin points and
    money, as typed on the scenarios page (labels ``scenarios.card.<field>``).

    >>> rows = campaign_inputs(__import__("clv").scenarios.Campaign("Loyalty", reach=0.4, churn_reduction=0.2,
    ...                                                                monthly_cost=1.0))
    >>> rows[0], rows[2], rows[5]
    (('Reach (%)', '40.0%'), ('Churn cut (%)', '20.0%'), ('Monthly cost', '$1.00'))
    """

    def label(field: str) -> str:
        return i18n.text(f"scenarios.card.{field}", lang)

    pct = lambda v: fmt.percent(v, 1, digits)  # noqa: E731
    money = lambda v: fmt.money(v, currency, 2, digits)  # noqa: E731
    rows = [
        (label("reach"), pct(campaign.reach)),
        (label("arpu_lift"), pct(campaign.arpu_lift)),
        (label("churn_reduction"), pct(campaign.churn_reduction)),
        (label("margin_change"), fmt.number(campaign.margin_change * 100, 1, digits)),
        (label("one_off_cost"), money(campaign.one_off_cost)),
        (label("monthly_cost"), money(campaign.monthly_cost)),
        (label("revenue_share_cost"), pct(campaign.revenue_share_cost)),
        (label("cac_change"), pct(campaign.cac_change)),
    ]
    if campaign.annual_billing is not None:
        rows += [
            (label("billing_discount"), pct(campaign.annual_billing.discount)),
            (label("renewal_rate"), pct(campaign.annual_billing.renewal_rate)),
        ]
    return rows


def baseline_inputs(
    a: Assumptions, lang: str = "en", currency: str = "$", digits: str = "western"
) -> list[tuple[str, str]]:
    """The baseline's inputs as (label, value) rows, with the advanced settings: churn shape, first-month
    churn or the sBG curve's alpha and beta, monthly expansion, discount rate and horizon."""
    t = lambda key: i18n.text(key, lang)  # noqa: E731
    shape = (
        "curve" if a.retention_curve is not None else "first_month" if a.first_month_churn is not None else "constant"
    )
    rows = [
        (t("calc.arpu.label"), fmt.money(a.arpu, currency, 2, digits)),
        (t("calc.margin.label"), fmt.percent(a.gross_margin, 1, digits)),
        (t("calc.churn.label"), fmt.percent(a.monthly_churn, 2, digits)),
        (t("calc.cac.label"), fmt.money(a.cac, currency, 2, digits)),
        (t("calc.shape.label"), t(f"calc.shape.{shape}")),
    ]
    if a.first_month_churn is not None:
        rows.append((t("calc.first_churn.label"), fmt.percent(a.first_month_churn, 2, digits)))
    if a.retention_curve is not None:
        rows += [
            (t("calc.sbg_alpha.label"), fmt.number(a.retention_curve[0], 3, digits)),
            (t("calc.sbg_beta.label"), fmt.number(a.retention_curve[1], 3, digits)),
        ]
    rows += [
        (t("calc.expansion.label"), fmt.percent(a.monthly_expansion, 2, digits)),
        (t("calc.discount.label"), fmt.percent(a.annual_discount_rate, 1, digits)),
        (
            t("calc.horizon.label"),
            t("report.no_limit") if a.horizon_months is None else fmt.number(a.horizon_months, 0, digits),
        ),
    ]
    return rows


def scenario_report(
    results: dict[str, ScenarioResult],
    lang: str = "en",
    currency: str = "$",
    cohort_size: float = 1000,
    generated_at: str | None = None,
    *,
    digits: str = "western",
) -> str:
    """The report as one HTML document (a string). ``results``: name -> result (``clv.scenarios.compare``).

    Sections: the baseline's inputs (with the advanced settings), each campaign's inputs, the results
    table, one plain sentence per campaign, the formulas (general and with the numbers, as plain HTML)
    and the charts. ``digits="arabic"`` writes the figures in Arabic-Indic digits (``clv.fmt``).

    >>> import clv
    >>> base = clv.Assumptions(arpu=50, gross_margin=0.8, monthly_churn=0.05, cac=300)
    >>> c = clv.scenarios.Campaign("Loyalty <b>", reach=0.4, churn_reduction=0.2, monthly_cost=1.0)
    >>> page = scenario_report({c.name: clv.scenarios.evaluate_scenario(base, [c])}, generated_at="today")
    >>> "$880.00" in page, "Loyalty &lt;b&gt;" in page, "<b>" in page, "40.0%" in page
    (True, True, False, True)
    """
    t = lambda key, **v: i18n.text(key, lang, **v)  # noqa: E731  (a short alias keeps the markup readable)
    first = next(iter(results.values()))
    base = first.baseline
    a = base.assumptions
    stamp = generated_at or datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    direction = "rtl" if i18n.is_rtl(lang) else "ltr"
    campaigns: list[Campaign] = []
    for r in results.values():
        campaigns += [c for c in r.campaigns if c not in campaigns]
    names = tuple(c.name for c in campaigns) + tuple(results)

    assumptions = _table(
        [*baseline_inputs(a, lang, currency, digits), (t("report.cohort"), fmt.number(cohort_size, 0, digits))]
    )
    campaign_tables = "".join(
        f"<h3>{_esc(c.name)}</h3>{_table(campaign_inputs(c, lang, currency, digits))}" for c in campaigns
    )

    table = scenario_table(results, cohort_size, lang)
    money_cols = {t(f"tables.scenario.{c}") for c in SCENARIO_MONEY}
    head = "".join(f"<th>{_esc(c)}</th>" for c in table.columns)
    body = ""
    for _, row in table.iterrows():
        cells = [f"<th>{_esc(row.iloc[0])}</th>"]
        for column in table.columns[1:]:
            v = row[column]
            shown = (
                fmt.NOT_DEFINED
                if v != v
                else (fmt.money(v, currency, 2, digits) if column in money_cols else fmt.number(v, 2, digits))
            )
            cells.append(f"<td class='num'>{_esc(shown)}</td>")
        body += "<tr>" + "".join(cells) + "</tr>"
    results_table = f"<table><tr>{head}</tr>{body}</table>"

    sentences = []
    for name, r in results.items():
        if len(r.campaigns) == 1:
            alone = r if r.campaigns[0].name == name else evaluate_scenario(a, list(r.campaigns))
            sentence = localise_digits(describe(alone, r.campaigns[0], lang, currency), digits, keep=names)
            sentences.append(f"<li>{_esc(sentence)}</li>")
    formula_items = "".join(
        f"<li><strong>{_esc(t(f'explain.{f.figure}.name'))}</strong>: {_esc(t(f'explain.{f.figure}.sentence'))}"
        f"<br>{_esc(t('report.formula_general'))}: "
        f"<span class='formula' dir='ltr'>{formula_html(f.general, digits)}</span>"
        f"<br>{_esc(t('report.formula_worked'))}: "
        f"<span class='formula' dir='ltr'>{formula_html(f.worked, digits)}</span>"
        f"</li>"
        for f in formulas(base)
    )

    combined = list(results.values())[-1]
    figures = [
        calc_charts.payback(base, lang, currency),
        scenario_charts.value_bars(results, lang, currency),
        scenario_charts.waterfall(combined, lang, currency),
    ]
    charts = "".join(
        pio.to_html(fig, full_html=False, include_plotlyjs=(i == 0), config={"displaylogo": False})
        for i, fig in enumerate(figures)
    )

    return f"""<!DOCTYPE html>
<html lang="{_esc(lang)}" dir="{direction}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_esc(t("report.title"))}</title><style>{STYLE}</style></head>
<body>
<h1>{_esc(t("report.title"))}</h1>
<p class="muted">{_esc(t("report.generated", when=localise_digits(stamp, digits)))}</p>
<h2>{_esc(t("report.assumptions"))}</h2>{assumptions}
<h2>{_esc(t("report.campaigns"))}</h2>{campaign_tables}
<h2>{_esc(t("report.results"))}</h2>{results_table}
<h2>{_esc(t("report.conclusions"))}</h2><ul>{"".join(sentences)}</ul>
<h2>{_esc(t("report.formulas"))}</h2><p class="muted">{_esc(t("calc.conventions"))}</p><ul>{formula_items}</ul>
<h2>{_esc(t("report.charts"))}</h2>{charts}
</body></html>"""


def frame_html(table, currency: str = "$", digits: str = "western") -> str:
    """A table (a DataFrame with headers from the catalogue, ``attrs["decimals"]`` as ``clv.export`` reads it)
    as escaped HTML: numbers with their decimals (money columns, named with ``currency``, as money), missing
    values as an em dash.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"Group": ["<b>web"], "CAC ($)": [25.0], "LTV:CAC": [None]})
    >>> t.attrs["decimals"] = {"CAC ($)": 2, "LTV:CAC": 2}
    >>> frame_html(t).split("</tr>")[1]
    "<tr><td>&lt;b&gt;web</td><td class='num'>25.00</td><td class='num'>—</td>"
    """
    decimals = table.attrs.get("decimals", {})
    head = "".join(f"<th>{_esc(c)}</th>" for c in table.columns)
    rows = ""
    for _, row in table.iterrows():
        cells = []
        for column in table.columns:
            v = row[column]
            if column in decimals:
                shown = fmt.NOT_DEFINED if v is None or v != v else fmt.number(float(v), decimals[column], digits)
                cells.append(f"<td class='num'>{_esc(shown)}</td>")
            else:
                cells.append(f"<td>{_esc(fmt.NOT_DEFINED if v is None or v != v else v)}</td>")
        rows += "<tr>" + "".join(cells) + "</tr>"
    return f"<table><tr>{head}</tr>{rows}</table>"


def value_report(
    sections: list[tuple[str, list[str], list, list]],
    lang: str = "en",
    generated_at: str | None = None,
    *,
    currency: str = "$",
    digits: str = "western",
) -> str:
    """The sections "Where the value is" and "Target real customers" as one self-contained HTML document
    (plotly.js embedded once: it opens offline). ``sections``: (title, sentences, tables, figures) each, in
    order; every text is escaped (group names, customer IDs and file names are the user's).

    >>> import pandas as pd
    >>> page = value_report([("By channel", ["<i>web</i> pays back."], [pd.DataFrame({"Group": ["web"]})], [])],
    ...                     generated_at="today")
    >>> "&lt;i&gt;web&lt;/i&gt; pays back." in page, "<i>" in page, "<h2>By channel</h2>" in page
    (True, False, True)
    """
    t = lambda key, **v: i18n.text(key, lang, **v)  # noqa: E731
    stamp = generated_at or datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    direction = "rtl" if i18n.is_rtl(lang) else "ltr"
    body, first_figure = "", True
    for title, sentences, tables_, figures in sections:
        body += f"<h2>{_esc(title)}</h2>"
        body += "".join(f"<p>{_esc(localise_digits(s, digits))}</p>" for s in sentences)
        body += "".join(frame_html(table, currency, digits) for table in tables_)
        for fig in figures:
            body += pio.to_html(fig, full_html=False, include_plotlyjs=first_figure, config={"displaylogo": False})
            first_figure = False
    return f"""<!DOCTYPE html>
<html lang="{_esc(lang)}" dir="{direction}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_esc(t("report.value_title"))}</title><style>{STYLE}</style></head>
<body>
<h1>{_esc(t("report.value_title"))}</h1>
<p class="muted">{_esc(t("report.value_generated", when=localise_digits(stamp, digits)))}</p>
{body}
</body></html>"""
