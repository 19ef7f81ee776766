"""The segments and cohorts page (pages/segments.py) with AppTest: RFM on the data in use, the segment
table and charts, a segment's customers, cohorts, uploads, and caching across widget changes."""

import hashlib
import json

import pytest

from apptest import app, metrics, shown_cells
from clv import i18n, cohorts, data, rfm
from ui.dataset import UPLOAD, Upload

PAGE = "pages/segments.py"
SMALL = (
    b"customer,date,amount\n"
    b"A,2024-01-05,10\nA,2024-02-07,30\nB,2024-01-20,20\nC,2024-02-11,8\nD,2024-03-01,50\nA,2024-03-09,12\n"
)


def with_upload(at, raw: bytes, name: str = "t.csv"):
    at.session_state[UPLOAD] = {"transactions": Upload(name, hashlib.sha256(raw).hexdigest(), raw)}
    return at


def segment_table(at):
    """The segment table as shown (a wrapping st.table of text), with the counts and shares read back."""
    shown = next(t.value for t in at.table if "Share of customers" in t.value.columns).copy()
    shown["Customers"] = shown["Customers"].str.replace(",", "").astype(int)
    for column in ("Share of customers", "Share of revenue"):
        shown[column] = shown[column].str.rstrip("%").astype(float) / 100
    return shown


def test_sample_segments_sum_to_everyone():
    at = app(PAGE).run()
    assert not at.exception
    assert metrics(at)["Customers"] == "10,000"  # sample_data/README.md
    seg = segment_table(at)
    assert seg["Customers"].sum() == 10_000
    # shares are shown to 0.1 percentage point: 11 rows add up to 100% within 11 x 0.05
    assert seg["Share of customers"].sum() == pytest.approx(1.0, abs=0.0055)
    assert seg["Share of revenue"].sum() == pytest.approx(1.0, abs=0.0055)
    expected = rfm.segment_table(rfm.rfm_table(data.load_sample("transactions").transactions))
    assert seg["Segment"].tolist() == expected["name"].tolist()
    assert seg["Customers"].tolist() == expected["customers"].tolist()
    assert set(seg["Suggested action"]) == set(expected["action"])


def test_sample_charts_carry_the_counts():
    at = app(PAGE).run()
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    treemap = next(s for s in specs if s["data"][0]["type"] == "treemap")
    assert sum(treemap["data"][0]["values"]) == 10_000
    heatmap = next(
        s
        for s in specs
        if s["data"][0]["type"] == "heatmap"
        and s["layout"]["title"]["text"] == "Customers by recency and frequency score"
    )
    assert sum(map(sum, heatmap["data"][0]["z"])) == 10_000
    titles = [s["layout"]["title"]["text"] for s in specs]
    for title in (
        "Customer retention by cohort",
        "Revenue retention by cohort",
        "Cumulative revenue per customer by cohort age",
        "Average order value and orders per customer",
    ):
        assert title in titles
    retention = next(s for s in specs if s["layout"]["title"]["text"] == "Customer retention by cohort")
    t = cohorts.cohort_tables(data.load_sample("transactions").transactions)
    assert retention["data"][0]["z"][0][0] == 1.0 and len(retention["data"][0]["y"]) == len(t.sizes) == 24


def test_tie_rule_and_grid_are_shown():
    at = app(PAGE).run()
    texts = " ".join(m.value for m in at.markdown)
    assert "Ties:" in texts and "rounded half up" in texts
    grid = next(d.value for d in at.dataframe if "FM 1" in d.value.columns)
    assert grid.loc["R 5", "FM 5"] == "Champions" and grid.loc["R 1", "FM 1"] == "Lost"
    assert grid.loc["R 1", "FM 5"] == "Cannot lose them"


def test_segment_picker_lists_and_links_its_customers():
    at = app(PAGE).run()
    at.selectbox(key="seg_segment").select("lost").run()
    assert not at.exception
    scores = rfm.rfm_table(data.load_sample("transactions").transactions)
    lost = rfm.segment_customers(scores, "lost")
    listed = next(d.value for d in at.dataframe if "RFM code" in d.value.columns)
    assert len(listed) == len(lost) and listed.index.tolist() == lost.index.tolist()
    assert at.query_params["seg"] == "lost"
    downloads = [b for b in at.get("download_button") if b.key == "seg_download"]
    assert [b.label for b in downloads] == ["Download this segment's customers (CSV)"]


def test_link_opens_a_segment():
    at = app(PAGE, seg="at_risk").run()
    assert not at.exception and at.selectbox(key="seg_segment").value == "at_risk"
    listed = next(d.value for d in at.dataframe if "RFM code" in d.value.columns)
    assert len(listed) == int(segment_table(at).set_index("Segment").loc["At risk", "Customers"])


def test_uploaded_log_is_segmented():
    at = with_upload(app(PAGE), SMALL).run()
    assert not at.exception
    assert metrics(at)["Customers"] == "4"
    assert segment_table(at)["Customers"].sum() == 4
    assert at.text[0].value == "t.csv"
    assert any("uploaded transaction log" in m.value for m in at.markdown)


def test_unusable_upload_explains_and_stops():
    at = with_upload(app(PAGE), b"customer,date,amount\nA,2024-01-05,10\n").run()
    assert not at.exception
    assert len(at.error) == 2 and "Fix it on the data page" in at.error[0].value
    assert "one customer" in at.error[1].value
    assert "Customers" not in metrics(at)


def test_picking_a_segment_does_not_recompute(monkeypatch):
    calls = {"rfm": 0, "cohorts": 0}
    real_rfm, real_cohorts = rfm.rfm_table, cohorts.cohort_tables

    def counted_rfm(*a, **k):
        calls["rfm"] += 1
        return real_rfm(*a, **k)

    def counted_cohorts(*a, **k):
        calls["cohorts"] += 1
        return real_cohorts(*a, **k)

    monkeypatch.setattr(rfm, "rfm_table", counted_rfm)
    monkeypatch.setattr(cohorts, "cohort_tables", counted_cohorts)
    at = app(PAGE).run()
    at.selectbox(key="seg_segment").select("new").run()
    at.selectbox(key="seg_segment").select("loyal").run()
    at.sidebar.selectbox(key="currency").select("€").run()
    assert not at.exception
    # once for the page's segments, once inside the models' fit for targeting (each customer's segment)
    assert calls == {"rfm": 2, "cohorts": 1}


def served_csv(monkeypatch) -> dict:
    """Record what each download button on the page serves: the pages import clv.export.safe_csv on
    every run, so the recorder sees the bytes (first column's name -> each CSV text, in page order)."""
    import clv.export

    served, real = {}, clv.export.safe_csv

    def recording(df, *args, **kwargs):
        out = real(df, *args, **kwargs)
        name = str(df.index.name if kwargs.get("index") else df.columns[0])
        served.setdefault(name, []).append(out[3:].decode("utf-8"))
        return out

    monkeypatch.setattr(clv.export, "safe_csv", recording)
    return served


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_every_table_shows_a_dash_for_missing_values(lang):
    at = app(PAGE, seg="lost", lang=lang).run()
    assert not at.exception
    assert len(at.dataframe) == 4
    for table in at.dataframe:  # rules grid, a segment's customers, targeting's rules and contacts
        assert table.proto.placeholder == "—"
        assert "None" not in shown_cells(table) and "nan" not in shown_cells(table)
    share = i18n.text("segpage.table.share", lang)
    cells = next(t.value for t in at.table if share in t.value.columns).to_numpy().ravel()  # the segment table
    assert len(cells) > 0
    assert "None" not in cells and "nan" not in cells


def test_segment_table_and_cohort_matrices_download_rounded_with_headers(monkeypatch):
    served = served_csv(monkeypatch)
    scores = rfm.rfm_table(data.read_transactions(SMALL, filename="t.csv").transactions)
    at = with_upload(app(PAGE, seg=scores.loc["A", "segment"]), SMALL).run()
    assert not at.exception
    keys = [b.key for b in at.get("download_button")]
    for key in (
        "seg_table_download",
        "seg_cohort_download_retention",
        "seg_cohort_download_revenue_retention",
        "seg_cohort_download_cumulative_revenue_per_customer",
        "seg_download",
    ):
        assert keys.count(key) == 1
    segments = served["Segment"][0].split("\r\n")
    assert segments[0] == (
        "Segment,Customers,Share of customers,Revenue,Share of revenue,Average R,Average F,Average M,Suggested action"
    )
    # SMALL: A 52 of 130 revenue, B 20, C 8, D 50; four customers, so each share is 0.2500
    assert sorted(line.split(",")[1:5] for line in segments[1:-1]) == sorted(
        [
            ["1", "0.2500", "52.00", "0.4000"],
            ["1", "0.2500", "20.00", "0.1538"],
            ["1", "0.2500", "8.00", "0.0615"],
            ["1", "0.2500", "50.00", "0.3846"],
        ]
    )
    # retention: January A and B, February C (A came back), March D (A again); months to come are empty
    retention, _, cumulative = served["Cohort (month of first purchase)"]
    assert retention == (
        "Cohort (month of first purchase),Customers acquired,Month 0,Month 1,Month 2\r\n"
        "2024-01,2,1.0000,0.5000,0.5000\r\n2024-02,1,1.0000,0.0000,\r\n2024-03,1,1.0000,,\r\n"
    )
    # cumulative revenue per customer, January: (10 + 20) / 2, then + 30, then + 12
    assert cumulative.split("\r\n")[1] == "2024-01,2,15.00,30.00,36.00"
    a = scores.loc["A"]  # A: 10 + 30 + 12 on three days, last on 9 March
    assert served["Customer ID"][0].split("\r\n")[:2] == [
        "Customer ID,Days since last purchase,Purchase days,Revenue,R,F,M,RFM code,First purchase,Last purchase",
        f"A,0,3,52.00,{a['R']},{a['F']},{a['M']},{a['rfm']},2024-01-05,2024-03-09",
    ]
