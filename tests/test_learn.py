"""The Learn page's content without Streamlit: hand-worked lesson numbers, quizzes, glossary, simulation."""

import json
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as hs
from scipy import integrate, stats

import clv
from clv import i18n, learn
from clv.charts import learn as charts
from clv.simulate import alive_share, expected_alive_share, simulate_bgnbd
from tests import strategies as strat


# ---------------------------------------------------------------------------------------------- lessons


def test_mixture_effect_by_hand():
    # The lesson's example: ARPU 50, margin 0.8 (g = 40), half at 2% churn, half at 20%.
    e = learn.mixture_effect(50, 0.8, 0.02, 0.20, 0.5)
    assert e.ltv_a == pytest.approx(2000.0)  # 40 / 0.02
    assert e.ltv_b == pytest.approx(200.0)  # 40 / 0.20
    assert e.average_ltv == pytest.approx(1100.0)  # (2000 + 200) / 2
    assert e.average_churn == pytest.approx(0.11)
    assert e.ltv_of_average_churn == pytest.approx(363.6364, abs=1e-4)  # 40 / 0.11
    assert e.effective_churn == pytest.approx(1 / 27.5)  # 1 / ((50 + 5) / 2): the harmonic mean
    assert e.understatement == pytest.approx(1100 / (40 / 0.11))


def test_mixture_effect_with_all_in_one_segment_is_that_segment():
    e = learn.mixture_effect(50, 0.8, 0.02, 0.20, 1.0)
    assert e.average_ltv == pytest.approx(2000.0) and e.ltv_of_average_churn == pytest.approx(2000.0)


@given(arpu=strat.arpu, margin=strat.margin, churn_a=strat.churn, churn_b=strat.churn, share=hs.floats(0.0, 1.0))
def test_averaging_churn_never_overstates_the_ltv(arpu, margin, churn_a, churn_b, share):
    # Jensen: 1 / c is convex, so E[g / c] >= g / E[c]
    e = learn.mixture_effect(arpu, margin, churn_a, churn_b, share)
    assert e.average_ltv >= e.ltv_of_average_churn * (1 - 1e-12)
    assert min(churn_a, churn_b) - 1e-12 <= e.effective_churn <= e.average_churn + 1e-12


def test_mixture_rejects_zero_churn_naming_the_field():
    with pytest.raises(clv.InputError) as err:
        learn.mixture_effect(50, 0.8, 0.0, 0.2, 0.5)
    assert err.value.field == "churn_a" and "more than 0" in str(err.value)


def test_mixture_churn_falls_with_tenure():
    df = learn.mixture_churn_by_month(0.02, 0.20, 0.5, 120)
    assert df["churn"].iloc[0] == pytest.approx(0.11)
    # month 1: survivors 0.49 (2%) and 0.40 (20%): (0.49 x 0.02 + 0.40 x 0.20) / 0.89 = 0.100899
    assert df["churn"].iloc[1] == pytest.approx(0.0898 / 0.89)
    assert (np.diff(df["churn"]) < 0).all() and df["churn"].iloc[-1] == pytest.approx(0.02, abs=1e-3)


def test_simple_formula_by_hand():
    assert learn.simple_formula_ltv(60, 4, 0.3, 3) == pytest.approx(216.0)  # 60 x 4 x 0.3 x 3
    with pytest.raises(clv.InputError) as err:
        learn.simple_formula_ltv(60, 4, 30, 3)  # margin given in percent
    assert err.value.field == "gross_margin"


def test_simple_vs_discounted_by_hand():
    # ARPU = 60 x 4 / 12 = 20, g = 6, c = 1 / 36, d = 1.1^(1/12) - 1 = 0.00797414:
    # 6 x 1.00797414 / (0.02777778 + 0.00797414) = 169.161
    simple, discounted = learn.simple_vs_discounted(60, 4, 0.3, 3, 0.10)
    assert simple == pytest.approx(216.0) and discounted == pytest.approx(169.161, abs=1e-3)
    # without discounting the churn curve gives the same expected value as the simple formula
    assert learn.simple_vs_discounted(60, 4, 0.3, 3, 0.0)[1] == pytest.approx(216.0)


def test_geometric_series_terms_sum_and_limit():
    df = learn.geometric_lifetime_terms(0.05, 24)
    assert df["term"].tolist()[:3] == pytest.approx([1.0, 0.95, 0.9025])
    # partial sum of n terms = (1 - (1 - c)^n) / c; the limit 1 / c = 20 months
    assert df["partial_sum"].iloc[-1] == pytest.approx((1 - 0.95**24) / 0.05)
    assert df.attrs["limit"] == 20.0
    assert learn.geometric_lifetime_terms(0.05, 2000)["partial_sum"].iloc[-1] == pytest.approx(20.0)
    assert learn.geometric_lifetime_terms(0.0, 5).attrs["limit"] == math.inf
    # the partial sum is the core's expected lifetime over a horizon
    assert df["partial_sum"].iloc[-1] == pytest.approx(clv.expected_lifetime(0.05, 24))


def test_discounting_table_matches_the_core():
    df = learn.discounting_table(50, 0.8, 0.05, 0.10, 24)
    assert df["cumulative_discounted"].iloc[-1] == pytest.approx(527.64, abs=0.01)  # README reference value
    assert df["cumulative"].iloc[-1] == pytest.approx(clv.ltv(50, 0.8, 0.05, 0.0, 24))


def test_payback_never_churn():
    # g = 40, CAC 300: total expected margin 40 / c covers 300 only while c < 40 / 300 = 13.3%
    assert learn.payback_never_churn(40, 300) == pytest.approx(0.13333, abs=1e-5)
    assert clv.payback_churn_adjusted(40, 300, 0.134) is None
    assert clv.payback_churn_adjusted(40, 300, 0.13) is not None


def test_latex_worked_examples_carry_the_numbers():
    assert learn.churn_ltv_latex(50, 0.8, 0.04)[1] == r"LTV = \frac{50.00 \times 0.80}{0.0400} = 1{,}000.00"
    worked = learn.mixture_latex(50, 0.8, 0.02, 0.2, 0.5)[1]
    assert "1{,}100.00" in worked and "363.64" in worked


def test_rfm_example_scores_ana_as_a_champion_and_then_cannot_lose():
    from clv import rfm

    table = learn.rfm_example()
    assert rfm.rfm_scores(table).loc["Ana", "segment"] == "champions"
    table.loc["Ana", "recency_days"] = 365  # same orders and spend, long silent
    assert rfm.rfm_scores(table).loc["Ana", "segment"] == "cannot_lose"


# ---------------------------------------------------------------------------------------------- quizzes


def test_quiz_right_and_wrong_answers_and_score():
    assert learn.is_correct("mixture", "q1", "understates") is True
    assert learn.is_correct("mixture", "q1", "overstates") is False
    assert learn.is_correct("mixture", "q1", None) is None
    assert learn.score("churn", {"q1": "twenty", "q2": "doubles", "q3": "linear"}) == (2, 3, 3)
    assert learn.score("churn", {}) == (0, 0, 3)
    with pytest.raises(clv.InputError):
        learn.is_correct("churn", "q1", "forty")
    with pytest.raises(KeyError):
        learn.question("churn", "q9")


def test_every_lesson_has_two_or_three_questions_with_strings():
    assert set(learn.QUIZ) == set(learn.LESSONS)
    for lesson, questions in learn.QUIZ.items():
        assert 2 <= len(questions) <= 3
        for q in questions:
            assert q.correct in q.options and len(set(q.options)) == len(q.options) >= 3
            for key in ("question", "why", *[f"options.{o}" for o in q.options]):
                assert i18n.has(f"{q.catalogue_key}.{key}"), f"{q.catalogue_key}.{key}"


# ---------------------------------------------------------------------------------------------- glossary


def test_glossary_terms_have_a_name_and_a_definition():
    terms = learn.GLOSSARY_TERMS
    assert len(terms) == len(set(terms))
    named_in_the_brief = {
        "ltv",
        "arpu",
        "gross_margin",
        "churn",
        "retention",
        "cac",
        "ltv_to_cac",
        "payback",
        "discount_rate",
        "horizon",
        "cohort",
        "rfm",
        "recency",
        "frequency",
        "monetary_value",
        "bgnbd",
        "pareto_nbd",
        "gamma_gamma",
        "sbg",
        "p_alive",
        "calibration_holdout",
        "shapley",
        "break_even",
        "nrr",
        "expansion",
        "mrr",
    }
    assert named_in_the_brief <= set(terms)
    for term in terms:
        assert i18n.text(f"glossary.{term}.name") and len(i18n.text(f"glossary.{term}.definition")) > 40


def test_lesson_links_point_at_glossary_terms():
    import re

    links = set()
    for key, value in i18n.catalogue("en").items():
        if key.startswith("learn."):
            links |= set(re.findall(r"\(#glossary-([a-z_]+)\)", value))
    assert links and links <= set(learn.GLOSSARY_TERMS)


# ---------------------------------------------------------------------------------------------- simulation

PARAMS = {"r": 0.5, "alpha": 5.0, "a": 1.0, "b": 3.0}


def test_simulation_is_reproducible_with_a_seed_or_a_generator():
    one = simulate_bgnbd(300, T=52, rng=11, **PARAMS)
    assert one.equals(simulate_bgnbd(300, T=52, rng=11, **PARAMS))
    assert one.equals(simulate_bgnbd(300, T=52, rng=np.random.default_rng(11), **PARAMS))
    assert not one["frequency"].equals(simulate_bgnbd(300, T=52, rng=12, **PARAMS)["frequency"])


def test_simulated_summaries_are_consistent():
    df = simulate_bgnbd(2000, T=52, rng=3, spend=(6.0, 4.0, 30.0), **PARAMS)
    assert (df["frequency"] == df["purchase_times"].map(len)).all()
    assert (df["recency"] == df["purchase_times"].map(lambda t: max(t, default=0.0))).all()
    assert (df["recency"] <= df["T"]).all() and (df["T"] == 52).all()
    gone = ~df["alive"]
    assert (df.loc[gone, "dropout_time"] == df.loc[gone, "recency"]).all()  # dropout right after the last purchase
    assert df.loc[df["alive"], "dropout_time"].isna().all()
    assert (df.loc[df["frequency"] == 0, "monetary_value"] == 0).all()
    assert (df["amounts"].map(len) == df["frequency"]).all()
    assert df.attrs["time_unit"] == "weeks" and df.attrs["r"] == 0.5


def test_mean_purchase_rate_and_dropout_probability_match_the_parameters():
    n = 20_000
    df = simulate_bgnbd(n, T=52, rng=2024, **PARAMS)
    # lambda ~ Gamma(r, alpha): mean r / alpha = 0.1, sd sqrt(r) / alpha = 0.1414; the mean of n draws has
    # standard error 0.1414 / sqrt(20000) = 0.0010. Four standard errors: a false alarm about 1 in 16,000.
    se = math.sqrt(PARAMS["r"]) / PARAMS["alpha"] / math.sqrt(n)
    assert abs(df["purchase_rate"].mean() - 0.1) < 4 * se
    # p ~ Beta(1, 3): mean 0.25, variance ab / ((a + b)^2 (a + b + 1)) = 3 / 80
    se_p = math.sqrt(3 / 80 / n)
    assert abs(df["dropout_probability"].mean() - 0.25) < 4 * se_p


def test_share_alive_matches_the_closed_form():
    n = 20_000
    df = simulate_bgnbd(n, T=52, rng=7, **PARAMS)
    for t in (4.0, 26.0, 52.0):
        expected = expected_alive_share(t, **PARAMS)
        se = math.sqrt(expected * (1 - expected) / n)  # binomial standard error
        assert abs(alive_share(df, t) - expected) < 4 * se


def test_expected_alive_share_is_the_beta_average_of_the_gamma_survival():
    # (1 + p t / alpha)^-r averaged over p ~ Beta(a, b), by numerical integration
    r, alpha, a, b, t = 0.7, 6.0, 1.3, 2.2, 30.0
    numeric, _ = integrate.quad(lambda p: (1 + p * t / alpha) ** -r * stats.beta.pdf(p, a, b), 0, 1)
    assert expected_alive_share(t, r, alpha, a, b) == pytest.approx(numeric, rel=1e-8)


def test_simulation_rejects_bad_parameters():
    with pytest.raises(clv.InputError) as err:
        simulate_bgnbd(100, 0.5, -1.0, 1.0, 1.0, 52, rng=1)
    assert err.value.field == "alpha"
    with pytest.raises(clv.InputError):
        simulate_bgnbd(0, 0.5, 5.0, 1.0, 1.0, 52, rng=1)
    with pytest.raises(clv.InputError):
        simulate_bgnbd(10, 0.5, 5.0, 1.0, 1.0, 52, rng=1, time_unit="months")


# ---------------------------------------------------------------------------------------------- known truth


def test_known_truth_compares_fits_with_the_truth():
    kt = learn.known_truth(3000, 0.25, 4.0, 0.8, 2.4, 52, 5, spend=(6.0, 4.0, 30.0))
    c = kt.comparison
    assert c["param"].tolist() == ["r", "alpha", "a", "b", "p", "q", "v"]
    assert c["truth"].tolist() == [0.25, 4.0, 0.8, 2.4, 6.0, 4.0, 30.0]
    assert (c["lower_95"] <= c["estimate"]).all() and (c["estimate"] <= c["upper_95"]).all()
    assert c["inside"].tolist() == ((c["lower_95"] <= c["truth"]) & (c["truth"] <= c["upper_95"])).tolist()
    # 3000 customers over a year recover the purchase process well
    assert ((c["estimate"] / c["truth"] - 1).abs()[:2] < 0.25).all()
    assert kt.worst["relative_error"] == pytest.approx((c["estimate"] / c["truth"] - 1).abs().max())
    assert kt.p_alive.shape == (3000,) and ((0 <= kt.p_alive) & (kt.p_alive <= 1)).all()


def test_known_truth_without_models_shows_only_the_simulation():
    kt = learn.known_truth(300, 0.25, 4.0, 0.8, 2.4, 52, 5, models=(None, None))
    assert kt.comparison is None and not kt.fitted and kt.customers == 300 and kt.inside == 0


# ---------------------------------------------------------------------------------------------- charts


def test_mixture_chart_shows_the_four_values_with_catalogue_labels():
    fig = charts.mixture_bars(learn.mixture_effect(50, 0.8, 0.02, 0.2, 0.5), "en", "€")
    bars = fig.data[0]
    assert list(bars.y) == pytest.approx([2000, 200, 1100, 40 / 0.11])
    assert list(bars.x)[2:] == ["Average of the LTVs (right)", "LTV at the average churn (wrong)"]
    assert fig.layout.yaxis.title.text == "Lifetime value (€)"


def test_timeline_chart_draws_every_purchase_and_dropout():
    df = simulate_bgnbd(50, T=52, rng=4, **PARAMS)
    fig = charts.timelines(df, "en")
    shown = df.head(charts.TIMELINE_CUSTOMERS)
    purchases, dropouts = fig.data[1], fig.data[2]
    assert len(purchases.x) == len(shown) + shown["frequency"].sum()  # the first purchase at 0 too
    assert len(dropouts.x) == (~shown["alive"]).sum()
    assert fig.layout.title.text.replace("<br>", " ") == "Simulated customers: purchases and (unseen) dropouts"


def test_geometric_and_alive_charts():
    fig = charts.geometric_series(learn.geometric_lifetime_terms(0.05, 12), "en")
    assert fig.data[0].y[0] == 1.0 and fig.layout.shapes[0].y0 == 20.0
    t = np.linspace(0, 52, 5)
    df = simulate_bgnbd(200, T=52, rng=1, **PARAMS)
    fig = charts.alive_share(t, alive_share(df, t), expected_alive_share(t, **PARAMS), "en")
    assert fig.data[0].y[0] == 100.0 and fig.data[1].y[0] == pytest.approx(100.0)
    assert json.loads(fig.to_json())["layout"]["yaxis"]["title"]["text"] == "Customers still alive (%)"


# ---------------------------------------------------------------------------------------------- lesson numbers
# What the Learn page shows, computed in clv.learn (pages without arithmetic).


def test_cohort_totals_by_hand():
    # README defaults: LTV 800, CAC 300; 100 customers -> 80,000 of value, 30,000 spent, 50,000 net
    assert learn.cohort_totals(800.0, 300.0, 100) == (80_000.0, 30_000.0, 50_000.0)


def test_simple_from_monthly_is_the_churn_formula_without_discounting():
    # 12 x 50 = 600 a year, lifespan 1 / (12 x 0.05) = 1.667 years: 600 x 0.8 x 1.667 = 800 = 50 x 0.8 / 0.05
    w = learn.simple_from_monthly(50, 0.8, 0.05)
    assert (w.annual_revenue, w.lifespan_years) == (600.0, pytest.approx(1 / 0.6))
    assert w.ltv == pytest.approx(clv.ltv(50, 0.8, 0.05))
    assert learn.simple_from_monthly(50, 0.8, 0.0) is None


def test_simple_vs_discounted_gap():
    both = learn.simple_vs_discounted(60, 4, 0.3, 3, 0.10)
    assert both.gap == pytest.approx(both.simple - both.discounted) and both.gap > 0


@given(churn=hs.floats(0.005, 0.5), n=hs.integers(1, 200))
def test_lifetime_progress_is_one_minus_survival(churn, n):
    partial, limit, share = learn.lifetime_progress(learn.geometric_lifetime_terms(churn, n))
    assert limit == pytest.approx(1 / churn) and share == pytest.approx(1 - (1 - churn) ** n)
    assert partial == pytest.approx(share * limit)


def test_discounting_at_reads_the_table_at_the_horizon():
    # 36 months: 40 x (1 - 0.95^36) / 0.05 = 673.78 undiscounted; q = 0.95 / 1.1^(1/12), 40 (1 - q^36) / (1 - q)
    table, plain, discounted = learn.discounting_at(50, 0.8, 0.05, 0.10, 36)
    q = 0.95 / 1.1 ** (1 / 12)
    assert len(table) == 54 and plain == pytest.approx(40 * (1 - 0.95**36) / 0.05)
    assert discounted == pytest.approx(40 * (1 - q**36) / (1 - q))
    assert len(learn.discounting_at(50, 0.8, 0.05, 0.10, 6)[0]) == 24  # at least two years shown


def test_ratio_and_cac_for_the_rule():
    assert learn.ratio_at_cac(50, 0.8, 0.05, 400) == pytest.approx(2.0)  # 800 / 400
    assert learn.ratio_at_cac(0, 0.8, 0.05, 0) is None  # 0 / 0: not a number
    assert learn.cac_for_rule(900.0) == pytest.approx(300.0)  # 3 : 1


def test_payback_at_churn_by_hand():
    # g = 40, CAC 300: 7.5 months simple; never pays back above 40 / 300 = 13.3% a month
    simple, adjusted, threshold = learn.payback_at_churn(40, 300, 0.05)
    assert simple == 7.5 and threshold == pytest.approx(40 / 300)
    assert adjusted == pytest.approx(clv.payback_churn_adjusted(40, 300, 0.05))
    assert learn.payback_at_churn(40, 300, 0.20)[1] is None


def test_btyd_reading_is_churn_over_the_monthly_purchase_rate():
    # r / alpha = 0.25 / 4 = 0.0625 a week = 0.2708 a month (52 / 12 weeks); p = 0.05 / 0.2708 = 18.5%
    x = learn.btyd_reading(0.25, 4.0, 0.8, 2.4, 0.05)
    assert x.weekly_rate == 0.0625 and x.dropout == 0.25
    assert x.monthly_rate == pytest.approx(0.0625 * 52 / 12) and x.p == pytest.approx(0.05 / (0.0625 * 52 / 12))
    assert x.status == "ok" and "0.185" in learn.btyd_latex(x)
    assert learn.btyd_reading(0.25, 4.0, 0.8, 2.4, 0.30).status == "too_high"  # 0.30 / 0.27 > 1
    assert learn.btyd_reading(0.25, 4.0, 0.8, 2.4, 0.0).status == "none"
    assert learn.btyd_latex(learn.btyd_reading(0.25, 4.0, 0.8, 2.4, 0.0)) == ""


def test_alive_curves_start_alive_and_follow_the_simulation():
    from clv.simulate import simulate_bgnbd

    sim = simulate_bgnbd(2000, 0.25, 4.0, 0.8, 2.4, 52, 7)
    c = learn.alive_curves(sim, 0.25, 4.0, 0.8, 2.4, 52)
    assert c.weeks[0] == 0 and c.weeks[-1] == 52 and len(c.weeks) == learn.ALIVE_POINTS
    assert c.simulated[0] == 1.0 and c.alive_now == pytest.approx(float(sim["alive"].mean()))
    assert abs(c.simulated[-1] - c.expected[-1]) < 0.05  # 2,000 customers: close to the expectation
