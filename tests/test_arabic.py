"""The app in Arabic: labels from ar.toml, the same numbers as in English, Arabic-Indic digits on
request, the language switch, chart text, the right-to-left style, and every page without an error."""

import json

from clv.charts.base import rtl_text

import pytest

from clv import i18n
from tests.apptest import PAGES, app, link, metrics, query_value

# Strings copied from clv/locales/ar.toml: if a translation changes on purpose, change it here too.
AR_LTV = "القيمة الدائمة (LTV)"
AR_RATIO = "نسبة LTV إلى CAC"
AR_PAYBACK = "استرداد بسيط (أشهر)"
AR_TITLE = "حاسبة القيمة الدائمة للعميل"
AR_PAYBACK_CHART = "متى يسترد العميل تكلفة اكتسابه؟"
RTL_RULE = "direction: rtl"


def _shown_text(at) -> list[str]:
    """Every text a visitor reads in the main area and the sidebar (titles, captions, markdown, alerts)."""
    kinds = ("title", "header", "subheader", "caption", "markdown", "info", "warning", "success", "error")
    return [str(el.value) for kind in kinds for el in getattr(at, kind)]


def _rtl_styles(at) -> list:
    return [el for el in at.get("html") if RTL_RULE in el.proto.body]


def test_the_labels_used_here_are_the_catalogue_strings():
    assert i18n.text("calc.metric.ltv", "ar") == AR_LTV
    assert i18n.text("calc.metric.ltv_to_cac", "ar") == AR_RATIO
    assert i18n.text("calc.metric.payback", "ar") == AR_PAYBACK
    assert i18n.text("calc.title", "ar") == AR_TITLE
    assert i18n.text("charts.payback.title", "ar") == AR_PAYBACK_CHART
    assert i18n.is_rtl("ar") and i18n.text("lang.direction", "ar") == "rtl"


def test_calculator_in_arabic_shows_arabic_labels_and_the_english_numbers():
    english = app().run()
    arabic = app(lang="ar").run()
    assert not arabic.exception
    shown = metrics(arabic)
    # README worked example: 50 x 0.8 / 0.05 = 800; 800 / 300 = 2.67; payback 300 / 40 = 7.5 months.
    assert shown[AR_LTV] == "$800.00"
    assert shown[AR_RATIO] == "2.67 : 1"
    assert shown[AR_PAYBACK] == "7.5"
    assert list(shown.values()) == list(metrics(english).values())
    assert not set(shown) & set(metrics(english))  # every label is translated
    assert arabic.title[0].value == AR_TITLE


def test_arabic_indic_digits_change_the_digits_not_the_value():
    at = app(lang="ar", digits="arabic").run()
    assert not at.exception
    shown = metrics(at)
    assert shown[AR_LTV] == "$٨٠٠٫٠٠"  # $800.00 with Arabic-Indic digits
    assert shown[AR_PAYBACK] == "٧٫٥"  # 7.5
    assert at.sidebar.radio(key="digits").value == "arabic"


def test_digits_choice_appears_only_in_arabic():
    english = app().run()
    arabic = app(lang="ar").run()
    assert "digits" not in [r.key for r in english.sidebar.radio]
    assert arabic.sidebar.radio(key="digits").value == "western"


def test_switching_language_in_the_sidebar_changes_the_text_keeps_the_numbers_and_the_link():
    at = app(churn="4").run()
    before = metrics(at)
    assert before["Lifetime value (LTV)"] == "$1,000.00"  # 50 x 0.8 / 0.04
    at.sidebar.selectbox(key="lang").select("ar").run()
    assert not at.exception
    after = metrics(at)
    assert after[AR_LTV] == "$1,000.00"
    assert list(after.values()) == list(before.values())
    assert at.title[0].value == AR_TITLE
    assert query_value(at, "lang") == "ar" and query_value(at, "churn") == "4"
    # And back: the English labels return and the link drops the default language.
    at.sidebar.selectbox(key="lang").select("en").run()
    assert metrics(at) == before
    assert "lang" not in link(at)


def test_switching_to_arabic_turns_the_sidebar_and_the_direction_in_the_same_run():
    at = app().run()
    at.sidebar.selectbox(key="lang").select("ar").run()
    assert at.title[0].value == AR_TITLE  # the main area follows at once
    assert at.sidebar.markdown[0].value.endswith(i18n.text("app.name", "ar"))
    assert _rtl_styles(at)


def test_chart_titles_and_axes_come_from_the_arabic_catalogue():
    at = app(lang="ar").run()
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    layout = spec["layout"]
    assert layout["title"]["text"] == AR_PAYBACK_CHART
    assert layout["xaxis"]["title"]["text"] == i18n.text("charts.axis.months", "ar")
    # mixed Arabic and Latin ("($)") is embedded right to left, so the SVG keeps its word order
    assert layout["yaxis"]["title"]["text"] == rtl_text(
        i18n.text("charts.axis.margin_per_customer", "ar", currency="$")
    )
    assert layout["yaxis"]["title"]["text"].startswith("\u202b")
    names = {trace.get("name") for trace in spec["data"]}
    assert i18n.text("charts.payback.expected", "ar") in names


def test_right_to_left_style_only_in_arabic():
    assert _rtl_styles(app(lang="ar").run())
    assert not _rtl_styles(app().run())


ENGLISH_ONLY = {v for k, v in i18n.catalogue("en").items() if v != i18n.catalogue("ar").get(k) and len(v) > 3}


@pytest.mark.parametrize("script", PAGES)
def test_every_page_renders_in_arabic(script):
    at = app(script, lang="ar").run()
    assert not at.exception
    assert _rtl_styles(at)
    shown = _shown_text(at)
    assert any(i18n.text("app.name", "ar") in text for text in shown)  # the shared sidebar
    assert at.title and any("\u0600" <= ch <= "\u06ff" for ch in at.title[0].value)
    leaked = sorted(text for text in shown if text in ENGLISH_ONLY)
    assert leaked == []  # no English string left


@pytest.mark.parametrize(
    "script, extra",
    [
        ("app.py", {}),
        ("pages/scenarios.py", {}),
        ("pages/present.py", {}),
        ("pages/data.py", {}),
        ("pages/segments.py", {}),
        ("pages/predictions.py", {}),
        *[
            ("pages/learn.py", {"lesson": lesson})
            for lesson in ("what", "churn", "ltv_cac", "payback", "mixture", "btyd")
        ],
    ],
)
def test_arabic_indic_digits_in_every_sentence_and_figure(script, extra):
    # With Arabic-Indic digits chosen, sentences (the break-even lines, the model verdict, dates,
    # counts) kept Latin digits. Formulas (LaTeX) and user text are exempt.
    import re

    at = app(script, lang="ar", digits="arabic", c1="loyalty", c1r="40", c1c="20", c1p="1", **extra).run()
    assert not at.exception
    latin = []
    for kind in ("caption", "markdown", "metric", "info", "success", "warning", "subheader", "error"):
        for element in getattr(at, kind):
            text = re.sub(r"<style>.*?</style>", "", str(element.value), flags=re.S)
            if re.search("[0-9]", text):
                latin.append(text[:120])
    assert latin == []


def test_charts_speak_arabic_indic_digits():
    # With Arabic-Indic digits the charts kept Western ticks and labels (plotly draws only those).
    import re

    at = app("pages/scenarios.py", lang="ar", digits="arabic", c1="loyalty", c1r="40", c1c="20", c1p="1").run()
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    y = spec["layout"]["yaxis"]
    assert y["tickmode"] == "array" and len(y["tickvals"]) >= 3
    assert all(not re.search("[0-9]", t) for t in y["ticktext"]) and "٠" in "".join(y["ticktext"])
    labels = [t for trace in spec["data"] for t in (trace.get("text") or []) if isinstance(t, str)]
    assert labels and not any(re.search("[0-9]", t) for t in labels)
    # Western digits: plotly's own ticks, untouched
    plain = json.loads(app("pages/scenarios.py", lang="ar", c1="loyalty").run().get("plotly_chart")[0].proto.spec)
    assert "tickvals" not in plain["layout"]["yaxis"]


def test_grid_tables_follow_the_digit_choice():
    # The model comparison and parameter grids kept Western digits with Arabic-Indic chosen.
    import re

    at = app("pages/predictions.py", lang="ar", digits="arabic").run()
    assert not at.exception
    compare = at.dataframe[0].value
    figures = compare.drop(columns=[compare.columns[0]]).to_numpy().ravel()  # the model's name is a name
    assert len(figures) and not any(re.search("[0-9]", str(v)) for v in figures)
    western = app("pages/predictions.py", lang="ar").run().dataframe[0].value
    assert western.select_dtypes("number").shape[1] >= 5  # sortable numbers otherwise
