"""Where the value is (pages/groups.py) with AppTest: the figures by acquisition channel on the sample, the
CAC per group in the link and the session, one group as the calculator's baseline, the models per group,
an upload without a grouping column, Arabic and workshop mode."""

import hashlib
import json

import pytest

from apptest import app, link, plain
from clv import data, groups
from ui.dataset import UPLOAD, Upload
from ui.groups import widget_key

PAGE = "pages/groups.py"
SAMPLE_CAC = {"web": 25.0, "app": 40.0, "marketplace": 12.0, "social_ads": 250.0}  # sample_data/README.md


def table(at, title: str = "LTV:CAC") -> "pd.DataFrame":  # noqa: F821
    return next(d.value for d in at.dataframe if title in d.value.columns)


def chart(at, title: str) -> dict:
    return next(
        s for s in (json.loads(c.proto.spec) for c in at.get("plotly_chart")) if s["layout"]["title"]["text"] == title
    )


def test_the_sample_by_channel_shows_each_channels_figures_and_who_is_below_three_to_one():
    at = app(PAGE).run()
    assert not at.exception and not at.error
    expected = groups.compare(
        data.load_sample("transactions").transactions, "channel", SAMPLE_CAC, gross_margin=0.8
    ).set_index("group")
    shown = table(at).set_index("Group")
    assert list(shown.index) == ["web", "app", "marketplace", "social_ads"]  # most customers first
    assert shown["Customers"].tolist() == [3980, 2523, 2050, 1447]  # sample_data/README.md
    assert shown["CAC ($)"].tolist() == [25.0, 40.0, 12.0, 250.0]
    # the calculator's defaults: margin 80%, no discount, no horizon; README: 17.9, 13.1, 18.1, 1.8 at 80%
    assert shown["LTV:CAC"].round(1).tolist() == [17.9, 13.1, 18.1, 1.8]
    assert shown["LTV:CAC"].tolist() == pytest.approx([float(v) for v in expected["ltv_to_cac"]], rel=1e-12)
    sentence = plain(next(m.value for m in at.markdown if "rule of thumb" in m.value))
    assert sentence == (
        "At or above the 3 : 1 rule of thumb: web (17.91 : 1), app (13.11 : 1), marketplace (18.10 : 1). "
        "Below it: social_ads (1.84 : 1)."
    )
    bars = chart(at, "LTV:CAC by group")
    assert bars["data"][0]["x"] == ["web", "app", "marketplace", "social_ads"]
    assert bars["layout"]["shapes"][0]["y0"] == 3.0  # the 3:1 line
    # the models per group: the likelihood-ratio sentence (README: dropout p = 0.90, purchase rates differ)
    tests = plain(next(m.value for m in at.markdown if "how often they buy" in m.value))
    assert tests.startswith("Customers grouped by channel differ in how often they buy (p < 0.001), not in how")
    assert "(p = 0.90)" in tests
    models = table(at, "Mean predicted CLV ($)").set_index("Group")
    assert (models["90% low ($)"] < models["Mean predicted CLV ($)"]).all()
    assert (models["Mean predicted CLV ($)"] < models["90% high ($)"]).all()


def test_a_typed_cac_changes_the_ratio_and_goes_into_the_link():
    at = app(PAGE).run()
    before = table(at).set_index("Group").loc["social_ads", "LTV:CAC"]
    at.number_input(key=widget_key("social_ads")).set_value(50.0).run()
    assert not at.exception
    shown = table(at).set_index("Group")
    assert shown.loc["social_ads", "CAC ($)"] == 50.0
    assert shown.loc["social_ads", "LTV:CAC"] == pytest.approx(before * 5, rel=1e-12)  # a fifth of the CAC
    assert link(at)["gcac"] == "social_ads:50"
    assert "Every group with a CAC meets" in plain(next(m.value for m in at.markdown if "rule of thumb" in m.value))


def test_a_link_reopens_the_cacs_and_a_hostile_one_is_refused():
    at = app(PAGE, gcac="web:100;social_ads:30").run()
    shown = table(at).set_index("Group")
    assert shown["CAC ($)"].tolist() == [100.0, 40.0, 12.0, 30.0]
    bad = app(PAGE, gcac="web:-5;" + "x:1;" * 40).run()
    assert not bad.exception
    assert table(bad).set_index("Group")["CAC ($)"].tolist() == [25.0, 40.0, 12.0, 250.0]
    assert any("gcac" in t.body for t in bad.toast)


def test_one_group_becomes_the_calculators_baseline():
    at = app(PAGE).run()
    at.selectbox(key="grp_base").set_value("social_ads").run()
    at.button(key="grp_use_baseline").click().run()
    assert not at.exception
    store = at.session_state["_store"]
    expected = groups.group_baseline(data.load_sample("transactions").transactions, "channel", "social_ads")
    assert store["calc_arpu"] == expected.arpu == 40.85  # README's social_ads ARPU
    assert store["calc_churn"] == pytest.approx(expected.monthly_churn * 100)
    assert store["calc_cac"] == 250.0


def test_grouping_by_first_product():
    at = app(PAGE, gby="product").run()
    assert not at.exception
    shown = table(at).set_index("Group")
    assert shown["Customers"].sum() == 10_000
    assert set(shown.index) == {"Apparel", "Shoes", "Accessories", "Home", "Beauty"}
    assert link(at)["gby"] == "product"


def test_an_upload_without_a_grouping_column_says_what_to_map():
    raw = b"customer,date,amount\nA,2024-01-05,10\nA,2024-02-07,30\nB,2024-01-20,20\nC,2024-02-11,8\n"
    at = app(PAGE)
    at.session_state[UPLOAD] = {"transactions": Upload("t.csv", hashlib.sha256(raw).hexdigest(), raw)}
    at.run()
    assert not at.exception
    assert any("map a column to Channel" in i.body for i in at.info)
    assert not at.dataframe


def test_in_arabic_and_in_workshop_mode():
    at = app(PAGE, lang="ar").run()
    assert not at.exception
    assert at.title[0].value == "أين تكمن القيمة"
    assert "المجموعة" in table(at, "القيمة الدائمة ÷ تكلفة الاكتساب").columns
    hidden = app(PAGE, ws="1").run()
    assert not hidden.dataframe  # results wait for the reveal
    hidden.button(key="groups_reveal").click().run()
    assert table(hidden)["LTV:CAC"].round(1).tolist() == [17.9, 13.1, 18.1, 1.8]


def test_a_saved_session_restores_the_cacs_and_the_target():
    from clv import session

    raw = session.dump({"gcac": "social_ads:50;web:30", "tgk": "top_n", "tgn": "250"}, saved_at="x")
    at = app(PAGE).run()
    at.sidebar.file_uploader(key="session_file").set_value(("s.json", raw, "application/json")).run()
    assert not at.exception
    assert any("3 inputs restored" in s.value for s in at.sidebar.success)
    shown = table(at).set_index("Group")
    assert shown.loc["social_ads", "CAC ($)"] == 50.0 and shown.loc["web", "CAC ($)"] == 30.0
    assert link(at)["gcac"] == "social_ads:50;web:30"
    segments = app("pages/segments.py", **{"tgk": "top_n", "tgn": "250"}).run()
    assert segments.number_input(key="tg_top").value == 250


def test_hostile_group_names_are_shown_as_typed():
    from apptest import linkable, markdown_bodies

    rows = ["customer,date,amount,channel"]
    names = ["**bold**", "[x](http://evil.example)", "<img src=x onerror=alert(1)>", "www.evil.example"]
    for i in range(40):
        name = names[i % len(names)]
        rows += [f"C{i},2024-01-{1 + i % 28:02d},{10 + i},{name}", f"C{i},2024-03-{1 + i % 28:02d},{5 + i},{name}"]
    raw = ("\n".join(rows) + "\n").encode()
    at = app(PAGE, gcac="**bold**:10")
    at.session_state[UPLOAD] = {"transactions": Upload("t.csv", hashlib.sha256(raw).hexdigest(), raw)}
    at.run()
    assert not at.exception
    bodies = markdown_bodies(at)
    assert not [m for body in bodies for m in linkable(body)]  # no link, no tag
    sentence = next(b for b in bodies if "rule of thumb" in b)
    assert "\\*\\*bold\\*\\*" in sentence  # the name shown with its asterisks, not in bold
    assert table(at).set_index("Group").loc["**bold**", "CAC ($)"] == 10.0
