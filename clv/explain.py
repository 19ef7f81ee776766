"""Each calculator figure's formula with the user's own numbers substituted (LaTeX), for teaching.

The symbols are those of the README's conventions; the sentences around them are in the catalogue
under ``explain.<figure>``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .core import Result


@dataclass(frozen=True, slots=True)
class Formula:
    figure: str  # ltv | ltv_to_cac | payback | payback_adjusted | lifetime (catalogue: explain.<figure>)
    general: str  # the formula in symbols
    worked: str  # the same with the numbers in


def tex_number(x: float | None, decimals: int = 2) -> str:
    r"""A number for LaTeX: thousands separators braced (``1{,}000.00``), inf as infinity, None as a dash.
    The one formatter of every worked formula (this module's and ``clv.learn``'s).

    >>> tex_number(1000), tex_number(float("inf")), tex_number(0.04, 4), tex_number(None)
    ('1{,}000.00', '\\infty', '0.0400', '\\text{--}')
    """
    if x is None:
        return r"\text{--}"
    if math.isinf(x):
        return r"\infty"
    return f"{x:,.{decimals}f}".replace(",", "{,}")


_n = tex_number  # the short name the formulas below use


def formulas(result: Result) -> list[Formula]:
    """The formulas behind ``result``'s figures, general and worked.

    >>> [f.figure for f in formulas(__import__("clv").evaluate(__import__("clv").Assumptions(50, 0.8, 0.05, 300)))]
    ['ltv', 'ltv_to_cac', 'payback', 'payback_adjusted', 'lifetime']
    >>> formulas(__import__("clv").evaluate(__import__("clv").Assumptions(50, 0.8, 0.05, 300)))[0].worked
    'LTV = \\\\frac{50.00 \\\\times 0.80}{0.0500} = 800.00'
    """
    a = result.assumptions
    d = a.monthly_discount_rate
    c = a.monthly_churn
    g = a.monthly_margin
    q = (1 - c) / (1 + d)
    if a.uses_engine:
        return _engine_formulas(result)
    out = []
    if a.horizon_months is None and d == 0:
        out.append(
            Formula(
                "ltv",
                r"LTV = \frac{ARPU \times m}{c}",
                rf"LTV = \frac{{{_n(a.arpu)} \times {_n(a.gross_margin)}}}{{{_n(c, 4)}}} = {_n(result.ltv)}",
            )
        )
    elif a.horizon_months is None:
        out.append(
            Formula(
                "ltv",
                r"LTV = \frac{ARPU \times m \times (1 + d)}{c + d}",
                rf"LTV = \frac{{{_n(a.arpu)} \times {_n(a.gross_margin)} \times {_n(1 + d, 4)}}}"
                rf"{{{_n(c, 4)} + {_n(d, 4)}}} = {_n(result.ltv)}",
            )
        )
    else:
        h = a.horizon_months
        out.append(
            Formula(
                "ltv",
                r"LTV = ARPU \times m \times \frac{1 - q^{H}}{1 - q},\quad q = \frac{1 - c}{1 + d}",
                rf"LTV = {_n(a.arpu)} \times {_n(a.gross_margin)} \times \frac{{1 - {_n(q, 4)}^{{{h}}}}}"
                rf"{{1 - {_n(q, 4)}}} = {_n(result.ltv)}",
            )
        )
    out.append(
        Formula(
            "ltv_to_cac", r"\frac{LTV}{CAC}", rf"\frac{{{_n(result.ltv)}}}{{{_n(a.cac)}}} = {_n(result.ltv_to_cac)}"
        )
    )
    out.append(
        Formula(
            "payback",
            r"\frac{CAC}{ARPU \times m}",
            rf"\frac{{{_n(a.cac)}}}{{{_n(a.arpu)} \times {_n(a.gross_margin)}}} = {_n(result.payback_months, 1)}",
        )
    )
    if q < 1:
        out.append(
            Formula(
                "payback_adjusted",
                r"t = \frac{\ln\left(1 - \frac{CAC\,(1 - q)}{ARPU \times m}\right)}{\ln q}",
                rf"t = \frac{{\ln\left(1 - \frac{{{_n(a.cac)} \times {_n(1 - q, 4)}}}{{{_n(g)}}}\right)}}"
                rf"{{\ln {_n(q, 4)}}} = {_n(result.payback_months_churn_adjusted, 2)}",
            )
        )
    else:
        out.append(
            Formula(
                "payback_adjusted",
                r"t = \frac{CAC}{ARPU \times m}",
                rf"t = \frac{{{_n(a.cac)}}}{{{_n(g)}}} = {_n(result.payback_months_churn_adjusted, 2)}",
            )
        )
    if a.horizon_months is None:
        out.append(
            Formula("lifetime", r"\frac{1}{c}", rf"\frac{{1}}{{{_n(c, 4)}}} = {_n(result.expected_lifetime_months, 1)}")
        )
    else:
        out.append(
            Formula(
                "lifetime",
                r"\frac{1 - (1 - c)^{H}}{c}",
                rf"\frac{{1 - {_n(1 - c, 4)}^{{{a.horizon_months}}}}}{{{_n(c, 4)}}} = "
                rf"{_n(result.expected_lifetime_months, 1)}",
            )
        )
    return out


def _engine_formulas(result: Result) -> list[Formula]:
    """Churn that changes with tenure or growing ARPU: the sums the month-by-month engine evaluates."""
    a = result.assumptions
    s_of_t = (
        r"S(t) = \frac{B(\alpha, \beta + t)}{B(\alpha, \beta)}"
        if a.retention_curve is not None
        else r"S(t) = (1 - c_0)(1 - c)^{t - 1}"
        if a.first_month_churn is not None
        else r"S(t) = (1 - c)^{t}"
    )
    return [
        Formula(
            "ltv",
            r"LTV = \sum_{t \ge 0} ARPU\,(1 + e)^{t}\, m\, S(t)\,(1 + d)^{-t},\quad " + s_of_t,
            rf"LTV = {_n(result.ltv)}",
        ),
        Formula(
            "ltv_to_cac", r"\frac{LTV}{CAC}", rf"\frac{{{_n(result.ltv)}}}{{{_n(a.cac)}}} = {_n(result.ltv_to_cac)}"
        ),
        Formula(
            "payback",
            r"\frac{CAC}{ARPU \times m}",
            rf"\frac{{{_n(a.cac)}}}{{{_n(a.arpu)} \times {_n(a.gross_margin)}}} = {_n(result.payback_months, 1)}",
        ),
        Formula(
            "payback_adjusted",
            r"\min\{t : \textstyle\sum_{k < t} ARPU\,(1 + e)^{k} m\, S(k)(1 + d)^{-k} \ge CAC\}",
            rf"t = {_n(result.payback_months_churn_adjusted, 2)}",
        ),
        Formula(
            "lifetime", r"\sum_{t \ge 0} S(t)", rf"\sum_{{t \ge 0}} S(t) = {_n(result.expected_lifetime_months, 1)}"
        ),
    ]
