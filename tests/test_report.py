"""clv.report.scenario_report: the downloadable HTML report: readable formulas without
any script, each campaign's inputs, the advanced baseline settings, Arabic-Indic digits, escaped user text."""

import re

import clv
from clv.report import formula_html, localise_digits, scenario_report
from clv.scenarios import AnnualBilling, Campaign, compare

BASE = clv.Assumptions(arpu=50, gross_margin=0.8, monthly_churn=0.05, cac=300)  # README worked example
LOYALTY = Campaign("Loyalty", reach=0.4, churn_reduction=0.2, monthly_cost=1.0)
ANNUAL = Campaign(
    "Plan 2 <b>",
    reach=0.25,
    one_off_cost=12.5,
    revenue_share_cost=0.03,
    cac_change=-0.1,
    annual_billing=AnnualBilling(discount=0.15, renewal_rate=0.7),
)


def rows(page: str) -> dict[str, list[str]]:
    """Every two-cell table row of the report: label -> the values shown for it, in order."""
    found: dict[str, list[str]] = {}
    for label, value in re.findall(r"<tr><th>([^<]*)</th><td class='num'>([^<]*)</td></tr>", page):
        found.setdefault(label, []).append(value)
    return found


def formulas_section(page: str) -> str:
    return page.split("How the figures are calculated")[1].split("<h2>")[0]


def test_formulas_read_as_plain_html_without_latex_or_scripts():
    page = scenario_report(compare(BASE, [LOYALTY]), generated_at="today")
    section = formulas_section(page)
    assert "\\" not in section and "frac" not in section and "\\times" not in page
    # README worked example: LTV = 50 x 0.8 / 0.05 = 800; payback 300 / (50 x 0.8) = 7.5 months
    assert "Formula: <span class='formula' dir='ltr'>LTV = ARPU × m / c</span>" in section
    assert "With these numbers: <span class='formula' dir='ltr'>LTV = 50.00 × 0.80 / 0.0500 = 800.00</span>" in section
    assert "CAC / (ARPU × m)" in section and "300.00 / (50.00 × 0.80) = 7.5" in section
    assert not re.search(r"<script[^>]*\bsrc=", page)  # nothing loads from the network
    markup = re.sub(r"<script[^>]*>.*?</script>", "", page, flags=re.S)  # the page's own tags, not plotly.js
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", markup)  # no CDN, no remote style


def test_formula_html_brackets_powers_and_symbols():
    # the horizon formula and the sBG survival, as clv.explain writes them
    assert (
        formula_html(r"LTV = ARPU \times m \times \frac{1 - q^{H}}{1 - q},\quad q = \frac{1 - c}{1 + d}")
        == "LTV = ARPU × m × (1 − q<sup>H</sup>) / (1 − q),\u2003 q = (1 − c) / (1 + d)"
    )
    assert formula_html(r"S(t) = \frac{B(\alpha, \beta + t)}{B(\alpha, \beta)}") == "S(t) = B(α, β + t) / B(α, β)"
    assert formula_html(r"\frac{1{,}234.50}{\infty} = \text{--}") == "1,234.50 / ∞ = —"
    assert formula_html(r"x^{<b>}") == "x<sup>&lt;b&gt;</sup>"


def test_each_campaigns_inputs_in_percent_and_currency():
    page = scenario_report(compare(BASE, [LOYALTY, ANNUAL]), currency="€", generated_at="today")
    shown = rows(page)
    assert "<h3>Loyalty</h3>" in page and "<h3>Plan 2 &lt;b&gt;</h3>" in page
    assert shown["Reach (%)"] == ["40.0%", "25.0%"]
    assert shown["Churn cut (%)"] == ["20.0%", "0.0%"]
    assert shown["ARPU lift (%)"] == ["0.0%", "0.0%"]
    assert shown["Margin change (points)"] == ["0.0", "0.0"]
    assert shown["Monthly cost"] == ["€1.00", "€0.00"]
    assert shown["One-off cost"] == ["€0.00", "€12.50"]
    assert shown["Revenue share (%)"] == ["0.0%", "3.0%"]
    assert shown["CAC change (%)"] == ["0.0%", "-10.0%"]
    assert shown["Annual plan discount (%)"] == ["15.0%"] and shown["Annual renewal (%)"] == ["70.0%"]


def test_advanced_baseline_settings_are_listed():
    curve = clv.Assumptions(
        arpu=50,
        gross_margin=0.8,
        monthly_churn=0.05,
        cac=300,
        annual_discount_rate=0.1,
        horizon_months=36,
        retention_curve=(1.2, 8.5),
        monthly_expansion=0.01,
    )
    shown = rows(scenario_report(compare(curve, [LOYALTY]), generated_at="today"))
    assert shown["How churn changes with tenure"] == ["Retention curve (shifted-beta-geometric)"]
    assert shown["Curve alpha"] == ["1.200"] and shown["Curve beta"] == ["8.500"]
    assert shown["Monthly expansion of ARPU (%)"] == ["1.00%"]
    assert shown["Annual discount rate (%)"] == ["10.0%"]
    assert shown["Horizon in months (0 = no limit)"] == ["36"]
    assert "First-month churn (%)" not in shown
    first = clv.Assumptions(arpu=50, gross_margin=0.8, monthly_churn=0.05, cac=300, first_month_churn=0.2)
    shown = rows(scenario_report(compare(first, [LOYALTY]), generated_at="today"))
    assert shown["How churn changes with tenure"] == ["Higher churn in the first month"]
    assert shown["First-month churn (%)"] == ["20.00%"]
    assert shown["Horizon in months (0 = no limit)"] == ["No limit"] and "Curve alpha" not in shown


def test_arabic_digits_throughout_and_names_kept_as_typed():
    page = scenario_report(compare(BASE, [LOYALTY, ANNUAL], "ar"), "ar", "$", 1000, "2025-01-31", digits="arabic")
    shown = rows(page)
    assert shown["نسبة الوصول (%)"] == ["٤٠٫٠%", "٢٥٫٠%"]
    assert shown["متوسط الإيراد لكل عميل شهريًا (ARPU)"] == ["$٥٠٫٠٠"]
    assert "<td class='num'>$٨٨٠٫٠٠</td>" in page  # LTV with Loyalty (README: 880)
    assert "LTV = ٥٠٫٠٠ × ٠٫٨٠ / ٠٫٠٥٠٠ = ٨٠٠٫٠٠" in formulas_section(
        page.replace("كيف تُحسب الأرقام", "How the figures are calculated")
    )
    assert "٢٠٢٥-٠١-٣١" in page
    conclusions = page.split("<ul>")[1].split("</ul>")[0]
    assert "$٧٠٫٠٠" in conclusions and "Plan 2 &lt;b&gt;" in conclusions  # the name keeps its digit
    tables = re.findall(r"<td class='num'>([^<]*)</td>", page)
    assert tables and not any(re.search(r"[0-9]", v) for v in tables)  # no western digit in any figure


def test_digit_localising_keeps_sentences_and_names():
    assert (
        localise_digits("Ends 2025. Plan 2 pays $1,234.5 a month.", "arabic", keep=("Plan 2",))
        == "Ends ٢٠٢٥. Plan 2 pays $١٬٢٣٤٫٥ a month."
    )
    assert localise_digits("Plan 2 pays 3.", "western", keep=("Plan 2",)) == "Plan 2 pays 3."


def test_the_pages_existing_positional_call_still_works():
    results = compare(BASE, [LOYALTY])
    page = scenario_report(results, "en", "$", 500)  # pages/scenarios.py's call
    assert rows(page)["Customers in the cohort"] == ["500"] and "<h3>Loyalty</h3>" in page
