"""One customer's story (clv.predict.story) and its chart (clv.charts.customers): the P(alive) path against
lifetimes and by hand, the predictions against customer_values, the sentence in English and Arabic."""

import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clv import predict
from clv.charts.base import PDF, RLE
from clv.charts.customers import customer_history
from clv.errors import InputError
from clv.models import BetaGeo, ModifiedBetaGeo, ParetoNBD
from clv.predict import MODEL_CLASSES, alive_path, customer_story, story_sentence
from clv.predict.story import plural_category, span

DATA = Path(__file__).resolve().parent / "data"
REFERENCE = json.loads((DATA / "alive_path_reference.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def cdnow_log():
    """The CDNOW sample as the app reads a log: customer_id, date, amount (dollars), one row per line."""
    tx = pd.read_csv(
        DATA / "CDNOW_sample.txt",
        sep=r"\s+",
        header=None,
        names=["customer_id", "sample_id", "date", "cds", "amount"],
        dtype={"date": str},
    )
    tx["date"] = pd.to_datetime(tx["date"], format="%Y%m%d")
    return tx[["customer_id", "date", "amount"]]


@pytest.fixture(scope="module")
def cdnow_models(cdnow_log):
    return predict.fit_customer_models(cdnow_log, "bgnbd", observation_end=REFERENCE["observation_end"])


# ---------------------------------------------------------------------- the path against lifetimes
@pytest.mark.parametrize("key", sorted(REFERENCE["models"]))
@pytest.mark.parametrize("customer", sorted(REFERENCE["customers"]))
def test_alive_path_is_lifetimes_calculate_alive_path(key, customer):
    # tests/data/alive_path_reference.py: lifetimes 0.11.3's calculate_alive_path (freq "D") at its own
    # fitted parameters, every day from the first purchase to 1998-06-30; we set the same parameters.
    ref = REFERENCE["models"][key]
    model = MODEL_CLASSES[key]()
    model.params = dict(ref["params"])
    dates = pd.to_datetime(REFERENCE["customers"][customer]["dates"])  # with customer 1668's same-day pair
    epoch_days = dates.to_numpy().astype("datetime64[D]").astype(np.int64)
    end = int(np.datetime64(REFERENCE["observation_end"], "D").astype(np.int64))
    path = alive_path(model, epoch_days, end)
    expected = np.array(ref["paths"][customer])
    assert path.days.tolist() == list(range(len(expected)))
    np.testing.assert_allclose(path.p_alive, expected, rtol=0, atol=1e-12)
    # the last day is the customer's P(alive) from their summary (lifetimes' daily summary)
    s = REFERENCE["customers"][customer]["summary"]
    assert path.p_alive[-1] == pytest.approx(model.p_alive(s["frequency"], s["recency"], s["T"]), abs=1e-15)


def test_the_reference_holds_what_the_tests_need():
    # one customer who bought once, one with a same-day pair, each path as long as the days observed
    days = {c: len(v["dates"]) for c, v in REFERENCE["customers"].items()}
    assert days == {"18": 1, "1668": 7, "564": 24}
    assert REFERENCE["customers"]["1668"]["summary"]["frequency"] == 5.0  # seven rows, six purchase days
    assert {len(p) for p in REFERENCE["models"]["bgnbd"]["paths"].values()} == {543, 540, 544}
    assert REFERENCE["lifetimes"] == "0.11.3"


# ---------------------------------------------------------------------- the path by hand
def test_a_customer_without_repeat_purchases_is_alive_throughout_under_bgnbd():
    # BG/NBD: a customer drops out only right after a purchase, so with none repeated P(alive) = 1
    m = BetaGeo()
    m.params = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    path = alive_path(m, [100], end_day=160)
    assert path.days.tolist() == list(range(61)) and path.p_alive.tolist() == [1.0] * 61


def test_pareto_nbd_one_purchase_declines_as_by_hand():
    # alpha = beta: P(alive | x = 0, T) = 1 / (1 + s/(r+s) (((alpha+T)/alpha)^(r+s) - 1)) (FH 2005 note,
    # eq. 36 with the 2F1 term in closed form). r = s = 1, alpha = beta = 10: T = 5: 1/(1 + 0.5 x 1.25)
    # = 0.615385; T = 10: 1/(1 + 0.5 x 3) = 0.4.
    m = ParetoNBD()
    m.params = {"r": 1.0, "alpha": 10.0, "s": 1.0, "beta": 10.0}
    path = alive_path(m, [0], end_day=10)
    assert path.p_alive[0] == 1.0
    assert path.p_alive[5] == pytest.approx(1 / 1.625, abs=1e-9)
    assert path.p_alive[10] == pytest.approx(0.4, abs=1e-9)
    assert np.all(np.diff(path.p_alive) < 0)


def test_mbgnbd_one_purchase_by_hand():
    # MBG/NBD: P(alive | x = 0, T) = 1 / (1 + a/b ((alpha+T)/alpha)^r): a = 1, b = 3, r = 1, alpha = 10:
    # 0.75 on the first day, 1/(1 + 2/3) = 0.6 ten days later
    m = ModifiedBetaGeo()
    m.params = {"r": 1.0, "alpha": 10.0, "a": 1.0, "b": 3.0}
    path = alive_path(m, [0], end_day=10)
    assert path.p_alive[[0, 10]].tolist() == pytest.approx([0.75, 0.6], abs=1e-12)


def test_repeat_purchase_jumps_and_same_day_purchases_merge():
    # purchases on day 10 (twice, at 09:00 and 17:30 as fractions of a day) and on day 12, end on day 13:
    # the class doctest's values (0.7537 on day 2, 0.7187 on day 3), the pair counted once
    m = BetaGeo()
    m.params = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    path = alive_path(m, [10.375, 10.73, 12.0], end_day=13)
    assert path.days.tolist() == [0, 1, 2, 3]
    assert path.p_alive.round(4).tolist() == [1.0, 1.0, 0.7537, 0.7187]
    assert alive_path(m, [12, 10], 13).p_alive.tolist() == path.p_alive.tolist()  # order does not matter


def test_a_coarser_step_keeps_purchase_days_and_the_end():
    key = "pareto_nbd"
    m = MODEL_CLASSES[key]()
    m.params = dict(REFERENCE["models"][key]["params"])
    daily = alive_path(m, [0, 31, 33, 200], end_day=365)
    weekly = alive_path(m, [0, 31, 33, 200], end_day=365, step=7)
    assert {0, 7, 28, 31, 33, 35, 200, 364, 365} <= set(weekly.days.tolist())
    assert 30 not in weekly.days and len(weekly.days) == 53 + 4  # 0, 7, ..., 364 and 31, 33, 200, 365
    np.testing.assert_array_equal(weekly.p_alive, daily.p_alive[weekly.days])


@pytest.mark.parametrize(
    "args, field",
    [
        (([], None), "purchase_days"),
        (([0, float("nan")], None), "purchase_days"),
        ((["x"], None), "purchase_days"),
        (([0, 30], 29), "end_day"),
        (([0, 30], float("inf")), "end_day"),
    ],
)
def test_alive_path_rejects_what_is_not_a_history(args, field):
    m = BetaGeo()
    m.params = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    with pytest.raises(InputError) as err:
        alive_path(m, *args)
    assert err.value.field == field


@pytest.mark.parametrize("step", [0, 1.5, -7, True])
def test_alive_path_step_is_a_whole_number_of_days(step):
    m = BetaGeo()
    m.params = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    with pytest.raises(InputError) as err:
        alive_path(m, [0, 3], 10, step=step)
    assert err.value.field == "step"


def test_alive_path_needs_one_of_the_transaction_models():
    with pytest.raises(InputError) as err:
        alive_path(object(), [0])
    assert (err.value.field, err.value.value) == ("model", "object")


# ---------------------------------------------------------------------- the story
def test_story_of_a_cdnow_customer(cdnow_models, cdnow_log):
    story = customer_story(cdnow_models, cdnow_log, 1668, months=12, annual_discount_rate=0.10)
    # CDNOW_sample.txt, customer 1668: seven lines, two of them on 1997-07-31 (9.77 + 9.77 dollars)
    assert [d.strftime("%Y-%m-%d") for d in story.purchase_dates] == [
        "1997-01-07",
        "1997-02-07",
        "1997-05-15",
        "1997-07-05",
        "1997-07-31",
        "1997-12-11",
    ]
    rows = cdnow_log[cdnow_log["customer_id"] == 1668]
    day_sums = rows.groupby("date")["amount"].sum().to_numpy()
    np.testing.assert_allclose(story.purchase_amounts, day_sums, rtol=0, atol=1e-12)
    assert len(rows) == 7 and len(day_sums) == 6
    assert (story.frequency, story.recency, story.T) == (5.0, 338.0, 539.0)  # as lifetimes' daily summary
    assert story.observation_end == pd.Timestamp("1998-06-30") and story.first_purchase == pd.Timestamp("1997-01-07")
    assert story.orders == 6 and story.days_since_last_purchase == 201.0
    # the path runs over every day and ends at the customer's P(alive)
    assert story.alive.days.tolist() == list(range(540))
    assert story.alive_dates[-1] == story.observation_end
    assert story.p_alive == pytest.approx(story.alive.p_alive[-1], abs=1e-15)
    m = cdnow_models.transaction_model
    r, alpha = m.params["r"], m.params["alpha"]
    assert story.typical_gap_days == pytest.approx((alpha + 539.0) / (r + 5.0), rel=1e-15)
    assert story.segment == cdnow_models.summary.loc[1668, "segment"] != ""
    assert story.model == "bgnbd" and story.group is None and story.clv_low is None


@pytest.mark.parametrize("key", ["bgnbd", "pareto_nbd", "mbgnbd"])
def test_story_predictions_are_customer_values(cdnow_models, cdnow_log, key):
    # the same numbers as the page's table, to the last bit (P(alive) is computed once per story)
    models = (
        cdnow_models
        if key == "bgnbd"
        else predict.fit_customer_models(cdnow_log, key, observation_end=REFERENCE["observation_end"])
    )
    values = predict.customer_values(models, 6, 0.08).table
    for customer in (18, 564, 1668):
        story = customer_story(models, cdnow_log, customer, months=6, annual_discount_rate=0.08)
        row = values.loc[customer]
        assert story.predicted_clv == row["predicted_clv"]
        assert story.expected_purchases == row["expected_purchases"]
        assert story.expected_spend == row["expected_spend"]
        assert story.p_alive == row["p_alive"]


def test_story_with_pareto_and_a_one_time_buyer(cdnow_log):
    models = predict.fit_customer_models(cdnow_log, "pareto_nbd", observation_end=REFERENCE["observation_end"])
    story = customer_story(models, cdnow_log, 18)
    assert story.orders == 1 and story.purchase_dates.size == 1 and story.recency == 0.0
    assert np.all(np.diff(story.alive.p_alive) < 0)  # Pareto/NBD: silence lowers P(alive) day by day
    assert story.predicted_clv == predict.customer_values(models).table.loc[18, "predicted_clv"]


def test_an_id_typed_as_text_finds_the_customer(cdnow_models, cdnow_log):
    assert customer_story(cdnow_models, cdnow_log, " 1668 ").customer_id == 1668


@pytest.mark.parametrize(
    "customer, shown",
    [
        (99999, "99999"),
        ("<b>x</b>", "<b>x</b>"),
        ("y" * 100, "y" * 39 + "…"),
        ("", ""),
    ],
)
def test_an_unknown_customer_is_an_input_error(cdnow_models, cdnow_log, customer, shown):
    with pytest.raises(InputError) as err:
        customer_story(cdnow_models, cdnow_log, customer)
    assert (err.value.field, err.value.value) == ("customer_id", shown)  # text, quoted, at most 40 characters
    assert "one of the 2,357 customers the models were fitted to" in str(err.value)


def test_a_log_that_is_not_the_one_fitted_is_an_input_error(cdnow_models, cdnow_log):
    fewer = cdnow_log.drop(cdnow_log.index[cdnow_log["customer_id"] == 1668][-1])  # 1997-12-11 gone
    with pytest.raises(InputError) as err:
        customer_story(cdnow_models, fewer, 1668)
    assert err.value.field == "transactions"
    with pytest.raises(InputError) as err:
        customer_story(cdnow_models, None, 1668)
    assert err.value.field == "transactions"


def test_intervals_give_the_customers_bounds(cdnow_models, cdnow_log):
    frame = pd.DataFrame(
        {"clv": [10.0, 20.0], "clv_low": [4.5, 11.0], "clv_high": [19.25, 33.0]}, index=pd.Index([564, 1668])
    )
    story = customer_story(cdnow_models, cdnow_log, 1668, intervals=frame, group="web")
    assert (story.clv_low, story.clv_high, story.group) == (11.0, 33.0, "web")
    with pytest.raises(InputError) as err:
        customer_story(cdnow_models, cdnow_log, 18, intervals=frame)
    assert err.value.field == "intervals"
    with pytest.raises(InputError) as err:
        customer_story(cdnow_models, cdnow_log, 1668, intervals=frame[["clv"]])
    assert err.value.field == "intervals"


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"months": 0}, "months"),
        ({"months": 2.5}, "months"),
        ({"annual_discount_rate": -0.1}, "annual_discount_rate"),
        ({"annual_discount_rate": float("nan")}, "annual_discount_rate"),
    ],
)
def test_story_checks_horizon_and_rate(cdnow_models, cdnow_log, kwargs, field):
    with pytest.raises(InputError) as err:
        customer_story(cdnow_models, cdnow_log, 1668, **kwargs)
    assert err.value.field == field


# ---------------------------------------------------------------------- the sentence
@pytest.fixture(scope="module")
def story(cdnow_models, cdnow_log):
    return customer_story(cdnow_models, cdnow_log, 1668)


def _told(story, orders, since, gap, p, model="pareto_nbd"):
    return dataclasses.replace(
        story, frequency=float(orders - 1), recency=400.0 - since, T=400.0, typical_gap_days=gap, p_alive=p, model=model
    )


@pytest.mark.parametrize(
    "orders, since, gap, p, model, english",
    [
        (
            6,
            98,
            35,
            0.38,
            "pareto_nbd",
            "Bought 6 times, last 14 weeks ago; customers like this usually buy every 5 weeks, "
            "so the chance they are still active is 38%.",
        ),
        (
            2,
            0,
            1.2,
            0.996,
            "bgnbd",
            "Bought twice, last today; customers like this usually buy every day, "
            "so the chance they are still active is 100%.",
        ),
        (
            12,
            13,
            16,
            0.9,
            "mbgnbd",
            "Bought 12 times, last 13 days ago; customers like this usually buy every two weeks, "
            "so the chance they are still active is 90%.",
        ),
        (
            1,
            400,
            1222,
            0.27,
            "pareto_nbd",
            "Bought once, 13 months ago; customers like this usually buy every 3 years, "
            "so the chance they are still active is 27%.",
        ),
        (
            1,
            7,
            700,
            1.0,
            "bgnbd",
            "Bought once, 7 days ago; customers like this usually buy every 23 months. BG/NBD lets a customer "
            "drop out only right after a repeat purchase, so it counts one who has never bought again as still "
            "active (100%).",
        ),
    ],
)
def test_sentence_in_english(story, orders, since, gap, p, model, english):
    assert story_sentence(_told(story, orders, since, gap, p, model)) == english


def test_sentence_in_arabic_with_arabic_indic_digits(story):
    told = _told(story, 6, 98, 35, 0.38)
    assert story_sentence(told, "ar", "arabic") == (
        "اشترى ٦ مرات، آخرها قبل ١٤ أسبوعًا؛ والعملاء المشابهون له يشترون عادةً كل ٥ أسابيع، "
        "لذا فاحتمال أنه ما زال نشطًا ٣٨%."
    )
    assert story_sentence(told, "ar") == (
        "اشترى 6 مرات، آخرها قبل 14 أسبوعًا؛ والعملاء المشابهون له يشترون عادةً كل 5 أسابيع، "
        "لذا فاحتمال أنه ما زال نشطًا 38%."
    )


@pytest.mark.parametrize(
    "orders, since, gap, arabic",
    [
        # the noun after 2 is the dual, after 3-10 the plural, after 11-99 the singular accusative,
        # after 100 the singular; 1 has no number
        (2, 14, 800, "اشترى مرتين، آخرها قبل أسبوعين؛ والعملاء المشابهون له يشترون عادةً كل سنتين، "),
        (11, 77, 20, "اشترى ١١ مرة، آخرها قبل ١١ أسبوعًا؛ والعملاء المشابهون له يشترون عادةً كل ٣ أسابيع، "),
        (100, 1, 1, "اشترى ١٠٠ مرة، آخرها قبل يوم؛ والعملاء المشابهون له يشترون عادةً كل يوم، "),
        (103, 2, 2, "اشترى ١٠٣ مرات، آخرها قبل يومين؛ والعملاء المشابهون له يشترون عادةً كل يومين، "),
        (1, 30 * 20, 4000, "اشترى مرة واحدة قبل ٢٠ شهرًا؛ والعملاء المشابهون له يشترون عادةً كل ١١ سنةً، "),
    ],
)
def test_arabic_counted_nouns(story, orders, since, gap, arabic):
    told = _told(story, orders, since, gap, 0.5)
    assert story_sentence(told, "ar", "arabic") == arabic + "لذا فاحتمال أنه ما زال نشطًا ٥٠%."


def test_units_and_plural_categories_at_their_edges():
    assert [span(d) for d in (0.2, 13.4, 13.6, 14, 118, 119, 719, 720)] == [
        ("days", 1),
        ("days", 13),
        ("days", 14),
        ("weeks", 2),
        ("weeks", 17),
        ("months", 4),
        ("months", 24),
        ("years", 2),
    ]
    assert [plural_category(n) for n in (1, 2, 3, 10, 11, 99, 100, 101, 102, 103, 111, 1000)] == [
        "one",
        "two",
        "few",
        "few",
        "many",
        "many",
        "other",
        "other",
        "other",
        "few",
        "many",
        "other",
    ]


# ---------------------------------------------------------------------- the chart
def test_chart_draws_the_path_the_purchases_and_the_end(story):
    fig = customer_history(story, currency="$")
    line, bars, points, end, label = fig.data
    assert [t.name for t in fig.data[:4]] == ["P(alive)", "Purchases", "Purchases", "End of the data, 1998-06-30"]
    assert pd.DatetimeIndex(line.x).equals(story.alive_dates)
    np.testing.assert_allclose(line.y, 100 * story.alive.p_alive)
    assert list(pd.DatetimeIndex(points.x)) == list(story.purchase_dates)
    # each point sits on the line on its purchase day: P(alive) just after the purchase
    days = (story.purchase_dates - story.first_purchase).days
    np.testing.assert_allclose(points.y, 100 * story.alive.p_alive[days])
    assert points.hovertext[4] == "1997-07-31: bought for $19.54"  # 9.77 + 9.77, the same-day pair
    assert bars.y[:3] == (0.0, 100.0, None) and len(bars.x) == 3 * 6
    assert list(pd.DatetimeIndex(end.x)) == [story.observation_end] * 2
    assert label.y == (pytest.approx(100 * story.p_alive),) and label.text == (f"{100 * story.p_alive:.0f}%",)
    assert fig.layout.title.text == "Chance that customer 1668 is still active"
    assert fig.layout.xaxis.ticktext == ("1997-04", "1997-07", "1997-10", "1998-01", "1998-04")
    assert fig.layout.yaxis.range == (0.0, 105.0) and fig.layout.font.size == 14


def test_chart_in_arabic_is_right_to_left_with_arabic_indic_digits(story):
    fig = customer_history(story, lang="ar", digits="arabic", currency="SAR")
    assert fig.layout.title.text == RLE + "احتمال أن يكون العميل 1668 ما زال نشطًا" + PDF
    assert fig.layout.title.xanchor == "right" and fig.layout.legend.xanchor == "right"
    # tick labels embedded right to left like every Arabic chart's (clv.charts.base.rtl_text)
    assert fig.layout.xaxis.ticktext[0] == RLE + "١٩٩٧-٠٤" + PDF and fig.layout.yaxis.ticktext[-1] == RLE + "١٠٠" + PDF
    assert fig.data[2].hovertext[4] == "١٩٩٧-٠٧-٣١: اشترى بمبلغ SAR ١٩٫٥٤"
    assert fig.data[3].name == "نهاية البيانات، ١٩٩٨-٠٦-٣٠"


def test_chart_shows_a_customer_id_as_text(story):
    fig = customer_history(dataclasses.replace(story, customer_id='<a href="https://x.example">c</a>'))
    title = fig.layout.title.text
    assert title.startswith("Chance that customer &lt;a") and "<a" not in title and "&lt;/a&gt;" in title
