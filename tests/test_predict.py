"""clv.predict: parameter recovery on the sample, holdout comparison, per-customer values, readings,
formula against model, the calculator baseline, and the contractual (sBG) tab's computations."""

import math

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import special

import clv
from clv import data, predict, rfm
from clv.errors import FitError, InputError
from clv.models import BetaGeo, GammaGamma, ShiftedBetaGeometric, customer_lifetime_value
from clv.simulate import simulate_bgnbd

# sample_data/README.md: the TRUE generating parameters of transactions.csv (days), per acquisition channel;
# the whole file is a mixture of the four, so only a fit on one channel's customers has a truth to recover.
TRUE_BY_CHANNEL = {
    "web": ({"r": 0.75, "alpha": 40.0, "a": 0.8, "b": 2.5}, {"p": 6.0, "q": 4.0, "v": 30.0}),  # README's gamma is v
    "app": ({"r": 0.9, "alpha": 30.0, "a": 0.8, "b": 2.5}, {"p": 6.0, "q": 4.0, "v": 30.0}),
    "marketplace": ({"r": 0.6, "alpha": 70.0, "a": 0.8, "b": 2.5}, {"p": 6.0, "q": 4.0, "v": 22.0}),
    "social_ads": ({"r": 0.75, "alpha": 40.0, "a": 0.8, "b": 2.5}, {"p": 6.0, "q": 4.0, "v": 30.0}),
}
TRUE_BGNBD, TRUE_GG = TRUE_BY_CHANNEL["web"]
FH_2007_REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241]


def _inside(model, truth, names):
    ci = model.confidence_intervals
    return {n: ci[n][0] <= truth[n] <= ci[n][1] for n in names}


# ---------------------------------------------------------------------- recovering the true parameters
@pytest.mark.parametrize("channel", list(TRUE_BY_CHANNEL))
def test_fit_on_one_channel_recovers_its_true_spend_and_purchase_parameters(transactions, channel):
    # whole period, daily summary of one acquisition channel's customers against the README's true values
    m = predict.fit_customer_models(transactions[transactions["channel"] == channel], "bgnbd")
    bgnbd, gg = TRUE_BY_CHANNEL[channel]
    assert all(_inside(m.spend_model, gg, gg).values()), m.spend_model.summary()
    assert all(_inside(m.transaction_model, bgnbd, bgnbd).values()), m.transaction_model.summary()


def test_bgnbd_on_the_sample_by_channel_and_pooled(transactions, full):
    # web's customers, whole period, daily: r 0.790, alpha 41.78, a 0.818, b 2.663 (truth 0.75, 40, 0.8, 2.5)
    web = predict.fit_customer_models(transactions[transactions["channel"] == "web"], "bgnbd").transaction_model
    assert {k: round(v, 3) for k, v in web.params.items()} == pytest.approx(
        {"r": 0.790, "alpha": 41.783, "a": 0.818, "b": 2.663}, abs=1e-3
    )
    # all 10,000 customers: a mixture of four channels' purchase rates, so no truth to cover: the pooled
    # estimates are a compromise (r 0.714 and alpha 37.50 have intervals that miss web's 0.75 and 40)
    pooled = full.transaction_model
    assert {k: round(v, 3) for k, v in pooled.params.items()} == pytest.approx(
        {"r": 0.714, "alpha": 37.497, "a": 0.826, "b": 2.641}, abs=1e-3
    )
    assert _inside(pooled, TRUE_BGNBD, ("r", "alpha")) == {"r": False, "alpha": False}


def test_bgnbd_recovers_all_four_parameters_from_the_exact_process(transactions):
    # the sample's customers (their T, days) simulated from the exact BG/NBD process with web's README values
    big_t = rfm.summarize(transactions, observation_end="2025-12-31")["T"].to_numpy()
    big_t = big_t[big_t > 0]  # customers first seen on the last day have no time to buy
    sim = simulate_bgnbd(big_t.size, T=big_t, rng=11, time_unit="days", **TRUE_BGNBD)
    m = BetaGeo().fit(sim["frequency"], sim["recency"], sim["T"])
    assert all(_inside(m, TRUE_BGNBD, TRUE_BGNBD).values()), m.summary()


# ---------------------------------------------------------------------- holdout comparison
def test_default_calibration_end_is_two_thirds_of_the_period(transactions):
    # 2024-01-01 .. 2025-12-31 is 730 days; 2/3 of it is 486 days -> 2025-05-01
    assert predict.default_calibration_end(transactions) == pd.Timestamp("2025-05-01")


def test_comparison_table_recommendation_and_tracking(comparison):
    table = comparison.table()
    assert list(table["model"]) == ["BG/NBD", "MBG/NBD"]
    assert (table["holdout_actual"] == comparison.holdout["frequency_holdout"].sum()).all()
    best = comparison.best
    assert best == min(comparison.ok_fits, key=lambda f: f.validation.mae).key
    assert comparison.recommendation().startswith(f"{clv.i18n.text('models.names.' + best)} fits the holdout best")
    # the last week covers every repeat purchase of the calibration cohort: calibration + holdout
    t = comparison.tracking
    assert (
        t["actual"].iloc[-1]
        == comparison.holdout["frequency_cal"].sum() + comparison.holdout["frequency_holdout"].sum()
    )
    assert (np.diff(t["actual"]) >= 0).all() and (np.diff(t["predicted"]) >= 0).all()
    # the 2025-05-01 calibration end is day 486 from 2024-01-01: week 486/7 + 1/7 = 69.57
    assert comparison.calibration_weeks == pytest.approx(487 / 7)


def test_comparison_rejects_bad_inputs_with_the_allowed_range(transactions):
    with pytest.raises(InputError, match="from 2024-01-08 to 2025-12-24"):
        predict.compare_models(transactions, calibration_end="2026-01-15")
    with pytest.raises(InputError, match="one or more of"):
        predict.compare_models(transactions, models=())
    with pytest.raises(InputError):
        predict.compare_models(transactions, models=("bgnbd", "nonsense"))


def test_a_model_that_cannot_be_fitted_is_kept_with_its_message():
    # three customers: below every model's minimum, so each keeps a translated FitError
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b", "c", "c"],
            "date": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-01-05", "2024-01-10", "2024-03-01"]),
            "amount": [10.0, 12.0, 5.0, 8.0, 9.0],
        }
    )
    c = predict.compare_models(tx, calibration_end="2024-02-15", models=("bgnbd",))
    assert c.best is None and not c.ok_fits
    assert "needs at least 10 customers" in c.fits[0].error("en")


# ---------------------------------------------------------------------- each customer's value
def test_customer_values_use_the_lifetimes_clv_and_grow_with_the_horizon(full):
    v12 = predict.customer_values(full, 12, 0.10)
    assert list(v12.table.columns) == ["p_alive", "expected_purchases", "expected_spend", "predicted_clv", "segment"]
    direct = customer_lifetime_value(
        full.transaction_model,
        full.spend_model,
        full.summary,
        months=12,
        monthly_discount_rate=clv.monthly_rate(0.10),
        freq="D",
    )
    assert np.allclose(v12.table["predicted_clv"], direct)
    assert set(v12.table["segment"]) <= set(rfm.SEGMENTS)
    assert ((v12.table["p_alive"] >= 0) & (v12.table["p_alive"] <= 1)).all()
    v24 = predict.customer_values(full, 24, 0.10)
    assert v24.mean_clv > v12.mean_clv
    assert 0 < v12.top_share() <= 1 and v12.top_share() > predict.TOP_SHARE  # value is concentrated


def test_implied_churn_and_baseline_reproduce_the_mean_clv(full):
    values = predict.customer_values(full, 12, 0.10)
    # implied churn: (month-12 revenue / month-1 revenue)^(1/11) = 1 - churn
    hand = 1 - (values.last_month_revenue / values.first_month_revenue) ** (1 / 11)
    assert values.implied_monthly_churn == pytest.approx(hand)
    a = predict.baseline_fields(values, gross_margin=0.8, cac=300)
    assert a.monthly_churn == round(hand, 4)
    assert (a.horizon_months, a.annual_discount_rate, a.gross_margin, a.cac) == (12, 0.10, 0.8, 300)
    # the calculator with these inputs shows margin x mean CLV (to the cent, up to ARPU's rounding)
    assert clv.evaluate(a).ltv == pytest.approx(0.8 * values.mean_clv, abs=0.05)


def test_implied_churn_by_hand():
    v = predict.CustomerValues(pd.DataFrame({"predicted_clv": [1.0]}), 12, 0.0, 10.0, 5.0)
    assert v.implied_monthly_churn == pytest.approx(1 - 0.5 ** (1 / 11))  # 6.1% a month


def test_formula_against_model_margin_adjusted_alike(transactions, full):
    values = predict.customer_values(full, 12, 0.10)
    f = predict.formula_against_model(transactions, values, gross_margin=0.8, cac=300, analysis_date="2025-12-31")
    # the calculator's closed form with the data's ARPU and churn, same margin, horizon and discount
    assert f.formula_ltv == pytest.approx(clv.ltv(f.arpu, 0.8, f.monthly_churn, 0.10, 12))
    assert f.model_clv == pytest.approx(0.8 * values.mean_clv)
    # the whole sample's figures (clv.cohorts.derive_assumptions): ARPU 38.58 a month, churn 7.37% a month
    assert (round(f.arpu, 2), round(f.monthly_churn, 4)) == (38.58, 0.0737)
    sentence = f.sentence()
    assert clv.fmt.money(f.formula_ltv) in sentence and clv.fmt.money(f.model_clv) in sentence


def test_summary_upload_fits_like_the_transactions(transactions, full):
    summary = rfm.summarize(transactions, "customer_id", "date", "amount", observation_end="2025-12-31")
    from_summary = predict.fit_customer_models(model="bgnbd", summary=summary)
    assert from_summary.source == "summary"
    for name, value in full.transaction_model.params.items():
        assert from_summary.transaction_model.params[name] == pytest.approx(value, rel=1e-6)
    assert set(from_summary.summary["segment"]) <= set(rfm.SEGMENTS)


def test_summary_segments_by_hand():
    # days since last purchase = T - recency: 1 (recent, frequent, valuable) .. 300 (lapsed, one purchase)
    s = pd.DataFrame(
        {
            "frequency": [9, 4, 2, 1, 0],
            "recency": [399, 250, 150, 100, 0],
            "T": [400, 300, 250, 300, 300],
            "monetary_value": [90, 40, 20, 10, 0],
        }
    )
    assert predict.summary_segments(s).tolist() == ["champions", "loyal", "need_attention", "hibernating", "lost"]


def test_matrices_cover_the_grid_and_mark_impossible_cells(full):
    expected, alive = predict.frequency_recency_matrices(full, 12)
    assert expected.index[0] == 0 and expected.columns[0] == 0 and expected.columns[-1] == full.summary["T"].max()
    assert np.isnan(expected.loc[0].iloc[1:]).all() and alive.loc[0, 0] == 1.0  # BG/NBD: P(alive | x=0) = 1
    assert np.isnan(expected.iloc[1:, 0]).all()  # repeat purchases with recency 0: impossible, not evaluated
    # more purchases, more recent: more expected purchases (last column = bought at the end)
    assert expected.iloc[-1, -1] > expected.iloc[1, -1] > expected.iloc[1, 1]


# ---------------------------------------------------------------------- plain-language readings
def test_readings_say_the_numbers():
    bg = BetaGeo()
    bg.params = dict(TRUE_BGNBD)
    # 40 / 0.75 = 53.3 days = 7.6 weeks; 0.8 / 3.3 = 24%
    assert predict.readings(bg) == [
        "A typical active customer buys about once every 7.6 weeks (0.019 purchases a day, r / alpha).",
        "Buying rates differ a lot between customers (r = 0.75, below 1): most buy rarely and a few buy often.",
        "24% of customers drop out after any given purchase, on average (a / (a + b)).",
    ]
    gg = GammaGamma()
    gg.params = dict(TRUE_GG)
    # p v / (q - 1) = 6 x 30 / 3 = 60; 1 / sqrt(q - 2) = 71%
    assert predict.readings(gg, currency="€") == [
        "The average customer spends about €60.00 per purchase (p × v / (q − 1)).",
        "Customers' own average spend varies by about ±71% around that (the smaller q, the more it varies).",
    ]
    sbg = ShiftedBetaGeometric()
    sbg.params = {"alpha": 0.704, "beta": 1.182}
    # 0.704 / 1.886 = 37%; r(1) = 1.182 / 1.886 = 63%; r(12) = 12.182 / 12.886 = 95%
    assert predict.readings(sbg)[0].startswith("On average 37% of a new cohort cancel")
    assert "63% renew in period 1, 95% in period 12" in predict.readings(sbg)[0]


# ---------------------------------------------------------------------- contractual (sBG)
def test_contractual_reproduces_fader_hardie_and_values_a_customer():
    c = predict.contractual([FH_2007_REGULAR], arpu=100.0, gross_margin=0.5, discount_rate=0.10)
    # published sBG estimates, regular cohort: Fader & Hardie (2007)
    assert (round(c.model.params["alpha"], 3), round(c.model.params["beta"], 3)) == (0.704, 1.182)
    # DEL = sum_t S(t) / 1.1^t, the defining sum (FH 2010, eq. 4), to 2,000 periods
    a, b = c.model.params["alpha"], c.model.params["beta"]
    t = np.arange(2000)
    defining = np.sum(np.exp(special.betaln(a, b + t) - special.betaln(a, b)) / 1.1**t)
    assert c.discounted_expected_lifetime == pytest.approx(defining, rel=1e-6)
    assert c.ltv == pytest.approx(100 * 0.5 * defining, rel=1e-6)
    p = c.projection
    assert p["observed"].iloc[:8].round(3).tolist() == [1.0, 0.631, 0.468, 0.382, 0.326, 0.289, 0.262, 0.241]
    assert p["observed"].iloc[8:].isna().all() and math.isnan(p["retention"].iloc[0])


@pytest.mark.parametrize("text", ["", "1000", "1000, abc", "0, 0", "100, 200, 50", "1,000, 631", "1000, -5"])
def test_bad_counts_say_what_is_allowed(text):
    with pytest.raises(InputError) as err:
        predict.parse_counts(text)
    assert "starting above zero and never rising" in err.value.message("en")


def test_counts_from_subscriptions_fit_the_sample_truth():
    subs = data.load_sample("subscriptions").table
    cohorts = predict.subscription_cohorts(subs)
    assert len(cohorts) > 12 and all(c[0] >= c[-1] for c in cohorts)
    m = predict.contractual(cohorts, 40.0, 0.8, 0.01).model
    # sample_data/README.md: theta ~ Beta(0.9, 4.5) per month
    ci = m.confidence_intervals
    assert ci["alpha"][0] <= 0.9 <= ci["alpha"][1] and ci["beta"][0] <= 4.5 <= ci["beta"][1]


def test_no_rows_is_a_data_error():
    with pytest.raises(clv.DataError):
        predict.default_calibration_end(pd.DataFrame({"date": pd.to_datetime([])}))
    with pytest.raises(FitError):
        predict.fit_customer_models(model="bgnbd", summary=data.load_sample("summary").table)  # 8 customers


def test_new_customer_baseline_by_hand():
    # Fader, Hardie & Lee (2005) eq. 9, E[X(t)] for a new customer, at t = 12 x 30 days with r 0.75, alpha 40,
    # a 0.8, b 2.5 (scipy's 2F1 by hand); Gamma-Gamma mean spend v p / (q - 1) = 30 x 6 / 3 = 60.
    from scipy.special import hyp2f1

    from clv.models import BetaGeo, GammaGamma

    m = BetaGeo()
    m.params = {"r": 0.75, "alpha": 40.0, "a": 0.8, "b": 2.5}
    g = GammaGamma()
    g.params = {"p": 6.0, "q": 4.0, "v": 30.0}
    b = predict.new_customer_baseline(predict.CustomerModels("bgnbd", m, g, None), 12, 0.10)
    t = 12 * predict.DAYS_PER_MONTH
    hand = (0.8 + 2.5 - 1) / (0.8 - 1) * (1 - (40 / (40 + t)) ** 0.75 * hyp2f1(0.75, 2.5, 0.8 + 2.5 - 1, t / (40 + t)))
    assert b.repeat_purchases == pytest.approx(hand, rel=1e-9)
    assert b.monthly_revenue.sum() == pytest.approx(60 * (1 + hand), rel=1e-9)
    # the calculator with these inputs shows margin x the discounted revenue of a new customer
    a = b.assumptions(gross_margin=0.8, cac=300)
    assert (a.arpu, a.monthly_churn) == (round(b.arpu, 2), round(b.monthly_churn, 4))
    assert (a.horizon_months, a.annual_discount_rate, a.gross_margin, a.cac) == (12, 0.10, 0.8, 300)
    assert clv.evaluate(a).ltv == pytest.approx(0.8 * b.revenue, abs=0.05)


def test_a_spend_gamma_gamma_cannot_fit_falls_back_to_own_averages_and_keeps_the_purchase_predictions():
    """Heavy-tailed spend (q <= 1: an infinite mean) makes Gamma-Gamma refuse; the customer predictions
    then use each customer's own average spend instead of failing as a whole."""
    from clv.predict import OwnAverageSpend, customer_values, fit_customer_models

    cdnow = pd.read_csv(Path(__file__).parent / "data" / "cdnow_customers_summary_with_transactions.csv")
    x, tx, big_t = (cdnow[c].to_numpy(float) * k for c, k in (("x", 1), ("t_x", 7), ("T", 7)))  # days
    n = len(x)
    rng = np.random.default_rng(3)
    m = np.where(x > 0, np.exp(rng.normal(3, 3, n)), 0.0)  # spend: lognormal, sigma 3
    summary = pd.DataFrame(
        {"frequency": x, "recency": tx, "T": big_t, "monetary_value": m},
        index=pd.Index([f"C{i}" for i in range(n)], name="customer_id"),
    )
    with pytest.raises(FitError):
        GammaGamma().fit(x, m)
    models = fit_customer_models(model="bgnbd", summary=summary)
    assert isinstance(models.transaction_model, BetaGeo) and isinstance(models.spend_model, OwnAverageSpend)
    assert models.spend_error is not None and models.spend_error.message("en")
    values = customer_values(models, 12, 0.1)
    repeat = x > 0
    assert np.allclose(values.table["expected_spend"].to_numpy()[repeat], m[repeat])
    assert values.table["predicted_clv"].notna().all()


# --------------------------------------------------------- the page's rules, in clv (pages without arithmetic)
def test_pick_model_follows_the_choice_then_the_holdout_then_the_ticks():
    assert predict.pick_model("mbgnbd", best="bgnbd", ticked=("pareto_nbd",)) == "mbgnbd"  # chosen by name
    assert predict.pick_model(predict.AUTO, best="pareto_nbd", ticked=("bgnbd",)) == "pareto_nbd"  # the best
    assert predict.pick_model(predict.AUTO, best=None, ticked=("mbgnbd", "bgnbd")) == "mbgnbd"  # no comparison
    assert predict.pick_model(predict.AUTO) == predict.TRANSACTION_MODELS[0] == "bgnbd"  # nothing ticked
    with pytest.raises(InputError):
        predict.pick_model("nonsense")


def test_period_rate_compounds_to_the_annual_rate():
    assert (1 + predict.period_rate(0.10, "month")) ** 12 == pytest.approx(1.10)
    assert predict.period_rate(0.10, "year") == 0.10
    with pytest.raises(InputError) as err:
        predict.period_rate(0.10, "week")
    assert err.value.field == "period" and "month or year" in err.value.message("en")


def test_customer_count_and_last_day(transactions):
    assert predict.customer_count(transactions) == transactions["customer_id"].nunique()
    assert predict.customer_count(pd.DataFrame({"frequency": [1, 0, 3]}), "summary") == 3
    assert predict.last_day(transactions) == pd.to_datetime(transactions["date"]).max().normalize()


def test_data_baseline_rounds_to_the_calculators_steps():
    # datapage.derived.rounding: money to the cent, churn and retention to a tenth of a percent, orders to 0.1;
    # the retention is that of the churn as rounded: (1 - 0.074)^12 = 0.39718 -> 0.397
    b = predict.data_baseline(39.7412, 0.07354, avg_order_value=60.128, orders_per_year=4.56)
    assert (b.arpu, b.monthly_churn, b.avg_order_value, b.orders_per_year) == (39.74, 0.074, 60.13, 4.6)
    assert b.annual_retention == round((1 - 0.074) ** 12, 3) == 0.397
    assert b.fields == ("arpu", "monthly_churn", "avg_order_value", "orders_per_year", "annual_retention")
    s = predict.data_baseline(25.004, 0.0312)  # subscriptions: no orders, no purchases form
    assert (s.arpu, s.monthly_churn, s.annual_retention, s.fields) == (25.0, 0.031, None, ("arpu", "monthly_churn"))
    assert math.isinf(predict.data_baseline(math.inf, 0.05).arpu)  # passed on: the app refuses it and says why
