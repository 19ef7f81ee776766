"""The strings catalogue: every language has every key with the same placeholders; code uses real keys."""

import re
import string
from pathlib import Path

import pytest

from clv import fmt, i18n

ROOT = Path(__file__).resolve().parents[1]


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_english_is_the_default_and_loads():
    assert i18n.languages()[0] == "en"
    assert i18n.text("calc.metric.ltv", "en") == "Lifetime value (LTV)"
    assert i18n.text("units.months", "en", n="9.2") == "9.2 months"


@pytest.mark.parametrize("lang", [code for code in i18n.languages() if code != "en"])
def test_every_language_has_the_same_keys_and_placeholders(lang):
    en, other = i18n.catalogue("en"), i18n.catalogue(lang)
    assert sorted(set(en) - set(other)) == [], f"missing in {lang}"
    assert sorted(set(other) - set(en)) == [], f"only in {lang}"
    wrong = [k for k in en if placeholders(en[k]) != placeholders(other[k])]
    assert wrong == []


def test_unknown_key_raises_and_unknown_language_falls_back():
    with pytest.raises(KeyError):
        i18n.text("no.such.key", "en")
    assert i18n.text("calc.metric.ltv", "xx") == "Lifetime value (LTV)"


LITERAL_KEY = re.compile(r"""(?:text|s\.text|i18n\.text)\(\s*f?["']([a-z_]+(?:\.[a-z0-9_]+)+)["']""")


def test_every_literal_key_in_the_code_exists():
    used = set()
    for path in [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py"), *ROOT.glob("clv/**/*.py")]:
        used |= {k for k in LITERAL_KEY.findall(path.read_text(encoding="utf-8")) if "{" not in k}
    missing = sorted(k for k in used if not i18n.has(k))
    assert len(used) > 40 and missing == []


def test_formats():
    assert fmt.money(1454.549) == "$1,454.55"
    assert fmt.money(-0.001) == "$0.00"
    assert fmt.money(float("inf")) == "∞"
    assert fmt.money(None) == "—"
    assert fmt.percent(0.0512) == "5.1%"
    assert fmt.number(1234.5, 1, digits="arabic") == "١٬٢٣٤٫٥"
    assert fmt.months(None) == "—"
