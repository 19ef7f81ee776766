"""Plain-language readings of a fitted model's parameters, with numbers."""

from __future__ import annotations

import math

from .. import fmt, i18n
from ..models import BetaGeo, GammaGamma, ModifiedBetaGeo, ParetoNBD, ShiftedBetaGeometric
from .common import DAYS_PER_MONTH, DAYS_PER_WEEK


def readings(model, lang: str = "en", currency: str = "$", digits: str = "western") -> list[str]:
    """Sentences reading a fitted model's parameters with numbers (time unit: days).

    BG/NBD and MBG/NBD: mean purchase rate r/alpha per day (one purchase every alpha/r days, in weeks)
    and the mean dropout probability a/(a+b) after each purchase. Pareto/NBD: the same rate and the
    mean dropout rate s/beta per day, as a monthly probability 1 - exp(-30 s/beta). Gamma-Gamma: the
    mean spend per purchase p v/(q-1) and, for q > 2, how much customers' means vary (CV 1/sqrt(q-2)).
    sBG: mean churn alpha/(alpha+beta) per period and the retention rate in periods 1 and 12.

    >>> m = BetaGeo(); m.params = {"r": 0.75, "alpha": 40.0, "a": 0.8, "b": 2.5}
    >>> readings(m)[0]
    'A typical active customer buys about once every 7.6 weeks (0.019 purchases a day, r / alpha).'
    """
    p = model.params
    n = lambda v, d=1: fmt.number(v, d, digits)  # noqa: E731
    pct = lambda v: fmt.percent(v, 0, digits)  # noqa: E731
    out = []
    if isinstance(model, (BetaGeo, ModifiedBetaGeo, ParetoNBD)):
        rate = p["r"] / p["alpha"]
        out.append(
            i18n.text_in_digits(
                "predict.reading.rate", lang, digits, weeks=n(1 / rate / DAYS_PER_WEEK), rate=n(rate, 3)
            )
        )
        key = "predict.reading.heterogeneity_high" if p["r"] < 1 else "predict.reading.heterogeneity_low"
        out.append(i18n.text_in_digits(key, lang, digits, r=n(p["r"], 2)))
    if isinstance(model, BetaGeo):
        out.append(i18n.text_in_digits("predict.reading.dropout", lang, digits, share=pct(p["a"] / (p["a"] + p["b"]))))
    elif isinstance(model, ModifiedBetaGeo):
        out.append(
            i18n.text_in_digits("predict.reading.dropout_mbg", lang, digits, share=pct(p["a"] / (p["a"] + p["b"])))
        )
    elif isinstance(model, ParetoNBD):
        monthly = 1 - math.exp(-DAYS_PER_MONTH * p["s"] / p["beta"])
        out.append(i18n.text_in_digits("predict.reading.dropout_pareto", lang, digits, share=pct(monthly)))
    elif isinstance(model, GammaGamma):
        out.append(
            i18n.text_in_digits(
                "predict.reading.spend",
                lang,
                digits,
                amount=fmt.money(model.population_mean_spend, currency, 2, digits),
            )
        )
        if p["q"] > 2:
            out.append(
                i18n.text_in_digits("predict.reading.spend_spread", lang, digits, share=pct(1 / math.sqrt(p["q"] - 2)))
            )
    elif isinstance(model, ShiftedBetaGeometric):
        out.append(
            i18n.text_in_digits(
                "predict.reading.sbg",
                lang,
                digits,
                share=pct(p["alpha"] / (p["alpha"] + p["beta"])),
                first=pct(model.retention_rate(1)),
                later=pct(model.retention_rate(12)),
            )
        )
    return out
