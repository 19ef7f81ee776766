"""Numbers, money, percentages and durations as text, the one place that formats them.

``None`` (not defined: a payback that never happens) shows as an em dash; ``math.inf`` as the
infinity sign. Arabic-Indic digits are available for Arabic readers (``digits="arabic"``).
"""

from __future__ import annotations

import math

from . import i18n

NOT_DEFINED = "—"
INFINITE = "∞"
CURRENCIES = ("$", "€", "£", "¥", "₹", "SAR", "AED", "EGP")
ARABIC_INDIC = str.maketrans("0123456789.,", "٠١٢٣٤٥٦٧٨٩٫٬")


def number(value: float | None, decimals: int = 0, digits: str = "western") -> str:
    """A number with thousands separators.

    >>> number(1234.567, 1)
    '1,234.6'
    >>> number(1234.5, 0, digits="arabic")
    '١٬٢٣٤'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NOT_DEFINED
    if math.isinf(value):
        return ("-" if value < 0 else "") + INFINITE
    out = f"{value:,.{decimals}f}"
    if out.startswith("-") and float(out.replace(",", "")) == 0:
        out = out[1:]
    return out.translate(ARABIC_INDIC) if digits == "arabic" else out


def money(value: float | None, currency: str = "$", decimals: int = 2, digits: str = "western") -> str:
    """Money with the currency symbol before it (a code such as SAR is followed by a space).

    >>> money(800)
    '$800.00'
    >>> money(-1454.549, "€")
    '-€1,454.55'
    >>> money(12, "SAR", 0)
    'SAR 12'
    """
    if value is None or (isinstance(value, float) and (math.isnan(value) or math.isinf(value))):
        return number(value)
    sign = "-" if value < 0 and round(abs(value), decimals) > 0 else ""
    sep = " " if currency[-1:].isalpha() else ""
    return f"{sign}{currency}{sep}{number(abs(value), decimals, digits)}"


def percent(fraction: float | None, decimals: int = 1, digits: str = "western") -> str:
    """A fraction as a percentage.

    >>> percent(0.05)
    '5.0%'
    """
    if fraction is None:
        return NOT_DEFINED
    return number(fraction * 100, decimals, digits) + "%"


def ratio(value: float | None, decimals: int = 2, digits: str = "western") -> str:
    """A ratio such as LTV:CAC.

    >>> ratio(2.6667)
    '2.67 : 1'
    >>> ratio(2.6667, digits="arabic")
    '٢٫٦٧ : ١'
    """
    if value is None:
        return NOT_DEFINED
    return f"{number(value, decimals, digits)} : {number(1, 0, digits)}"


def times(value: float | None, decimals: int = 2, digits: str = "western") -> str:
    """A multiple such as a return on cost.

    >>> times(7.0)
    '7.00×'
    """
    if value is None:
        return NOT_DEFINED
    return f"{number(value, decimals, digits)}×"


def months(value: float | None, lang: str = "en", decimals: int = 1, digits: str = "western") -> str:
    """A duration in months, in words (``—`` when it never happens).

    >>> months(9.163)
    '9.2 months'
    """
    if value is None:
        return NOT_DEFINED
    if math.isinf(value):
        return INFINITE
    return i18n.text("units.months", lang, n=number(value, decimals, digits))
