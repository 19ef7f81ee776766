"""clv.targeting: an offer's expected incremental value per customer, targets, rules and contact lists."""

import copy
import itertools
import math
import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs
from scipy import integrate, special, stats

from clv import i18n, predict, rfm, targeting
from clv.errors import FitError, InputError
from clv.core import monthly_rate
from clv.export import safe_csv
from clv.models import BetaGeo, GammaGamma, ModifiedBetaGeo, ParetoNBD, customer_lifetime_value
from clv.predict import OwnAverageSpend
from clv.scenarios import TEMPLATES
from clv.simulate import simulate_bgnbd
from clv.targeting import Offer, compare_rules, evaluate_target, incremental_values, target_mask

from tests.strategies import rfm_history

# ---------------------------------------------------------------------------------------------- a hand example
# Pareto/NBD with alpha = beta, where P(alive) needs no 2F1, and s = 2, where the alive curve is a ratio.
# Time in days; one month (30 days), no discount, gross margin 0.5.
#   P(alive) = 1 / (1 + s/(r+s+x) [((alpha+T)/(alpha+t_x))^(r+s+x) - 1])                    (FH 2005 note, eq. 36)
#   a (x 0, t_x 0):  1 / (1 + 2/4 (150/100)^4 - 2/4) = 1 / (1 + 0.5 x 4.0625) = 1 / 3.03125 = 0.3298969
#   b (x 3, t_x 40): 1 / (1 + 2/7 ((150/140)^7 - 1)) = 1 / (1 + 2/7 x 0.6208725) = 0.8493395
#   c (x 1, t_x 5):  1 / (1 + 2/5 ((150/105)^5 - 1)) = 1 / (1 + 2/5 x 4.9498959) = 0.3355749
#   g(t) = R/A x B/(s-1) [1 - B/(B+t)] = R t / (150 + t) with A = B = 150, R = r + x: g(30) = R / 6
#   treated (u 0.2, d 0.5): (1+u) g((1-d) t) / (1-d) = 1.2 R 30 / (150 + 15) = R x 0.2181818
#   spend: own average for b (20) and c (40); a has none: the repeat buyers' mean (3 x 20 + 1 x 40) / 4 = 25
# Customer a: baseline purchases 0.3298969 x 2/6 = 0.1099656; value 25 x 0.1099656 = 2.749141;
#   responder: alive or brought back 0.3298969 + 0.2 x 0.6701031 = 0.4639175, purchases x 0.4363636 = 0.2024367,
#   value 25 x 1.1 x 0.2024367 = 5.567010; margin 0.5 (take-up) x 0.5 (margin) x (5.567010 - 2.749141) = 0.7044674;
#   cost 0.2 + 0.5 x (1 + 0.2 x 1 month) = 0.8; net -0.0955326.
# Customer b: 20 x 0.8493395 x 5/6 = 14.155659; responder (0.8493395 + 0.2 x 0.1506605) x 5 x 0.2181818 x 20 x 1.1
#   = 0.8794716 x 1.0909091 x 22 = 21.107319; margin 0.25 x 6.951660 = 1.7379150; net 0.9379150.
# Customer c (R = 3): 40 x 0.3355749 x 3/6 = 6.711498; responder
#   (0.3355749 + 0.2 x 0.6644251) x 3 x 0.2181818 x 44 = 0.4684599 x 0.6545455 x 44 = 13.491646;
#   margin 0.25 x 6.780148 = 1.6950369; net 0.8950369.
HAND_PARAMS = {"r": 2.0, "alpha": 100.0, "s": 2.0, "beta": 100.0}
HAND_OFFER = Offer(
    "Hand",
    purchase_lift=0.2,
    dropout_reduction=0.5,
    spend_lift=0.1,
    reactivation=0.2,
    take_up=0.5,
    cost_per_contact=0.2,
    cost_per_response=1.0,
    cost_per_month=0.2,
)


def hand_models():
    m = ParetoNBD()
    m.params = dict(HAND_PARAMS)
    summary = pd.DataFrame(
        {
            "frequency": [0.0, 3.0, 1.0],
            "recency": [0.0, 40.0, 5.0],
            "T": [50.0, 50.0, 50.0],
            "monetary_value": [0.0, 20.0, 40.0],
            "segment": ["new", "champions", "at_risk"],
        },
        index=pd.Index(["a", "b", "c"], name="customer_id"),
    )
    return m, OwnAverageSpend(summary["frequency"], summary["monetary_value"]), summary


def hand_values(offer=HAND_OFFER):
    return incremental_values(hand_models(), offer, months=1, monthly_discount_rate=0.0, gross_margin=0.5)


def test_three_customers_worked_by_hand():
    v = hand_values()
    alive = np.array([1 / 3.03125, 1 / (1 + 2 / 7 * ((150 / 140) ** 7 - 1)), 1 / (1 + 2 / 5 * ((150 / 105) ** 5 - 1))])
    big_r = np.array([2.0, 5.0, 3.0])
    spend = np.array([25.0, 20.0, 40.0])
    reached = alive + 0.2 * (1 - alive)
    baseline = spend * alive * big_r * 30 / 180
    treated = spend * 1.1 * reached * 1.2 * big_r * 30 / 165
    margin = 0.5 * (treated * 0.5 - baseline * 0.5)
    np.testing.assert_allclose(v["p_alive"], alive, rtol=1e-12)
    np.testing.assert_allclose(v["baseline_value"], baseline, rtol=1e-12)
    np.testing.assert_allclose(v["treated_value"], treated, rtol=1e-12)
    np.testing.assert_allclose(v["incremental_margin"], margin, rtol=1e-12)
    np.testing.assert_allclose(v["cost"], 0.8, rtol=1e-15)
    # the rounded figures of the comment above
    np.testing.assert_allclose(v["p_alive"], [0.3298969, 0.8493395, 0.3355749], atol=5e-8)
    np.testing.assert_allclose(v["treated_purchases"], [0.2024367, 0.9594236, 0.3066283], atol=5e-8)
    np.testing.assert_allclose(v["net"], [-0.0955326, 0.9379150, 0.8950369], atol=5e-8)
    assert v["segment"].tolist() == ["new", "champions", "at_risk"]
    assert list(v.columns[:9]) == list(targeting.VALUE_COLUMNS)


def test_costs_discounted_month_by_month():
    # 3 months at 1% a month: the monthly cost is paid at the start of months 1, 2, 3:
    # 0.2 x (1 + 1/1.01 + 1/1.01^2) = 0.2 x 2.9703951 = 0.5940790; cost 0.2 + 0.5 x (1 + 0.5940790) = 0.9970395
    v = incremental_values(hand_models(), HAND_OFFER, months=3, monthly_discount_rate=0.01, gross_margin=0.5)
    np.testing.assert_allclose(v["cost"], 0.2 + 0.5 * (1 + 0.2 * (1 + 1 / 1.01 + 1 / 1.01**2)), rtol=1e-14)
    assert v["cost"].iloc[0] == pytest.approx(0.9970395, abs=5e-8)


# ---------------------------------------------------------------------------------------------- the models
BG = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}  # published CDNOW estimates (FHL 2005), weeks
MBG = {"r": 0.525, "alpha": 6.183, "a": 0.891, "b": 1.614}
PARETO = {"r": 0.553, "alpha": 10.58, "s": 0.606, "beta": 11.67}  # published CDNOW estimates (FH 2005 note)
HISTORIES = pd.DataFrame(
    {
        "frequency": [0.0, 2.0, 1.0, 7.0, 14.0, 0.0],
        "recency": [0.0, 30.43, 1.71, 29.43, 36.0, 0.0],
        "T": [38.86, 38.86, 38.86, 32.0, 38.0, 2.0],
        "monetary_value": [0.0, 22.35, 11.77, 40.0, 35.5, 0.0],
    }
)


def model(cls, params):
    m = cls()
    m.params = dict(params)
    return m


MODELS = [(BetaGeo, BG), (ModifiedBetaGeo, MBG), (ParetoNBD, PARETO)]
SPEND = OwnAverageSpend(HISTORIES["frequency"], HISTORIES["monetary_value"])


@pytest.mark.parametrize("cls, params", MODELS)
def test_alive_share_times_alive_purchases_is_the_models_prediction(cls, params):
    # P(alive) x E[X(t) | alive] = E[Y(t) | x, t_x, T], and the baseline value is customer_lifetime_value
    m = model(cls, params)
    for months, rate in ((1, 0.0), (12, 0.01), (30, 0.005)):
        v = incremental_values((m, SPEND, HISTORIES), Offer("none"), months, rate, freq="W")
        expected = m.expected_purchases(months * 4.345, HISTORIES["frequency"], HISTORIES["recency"], HISTORIES["T"])
        np.testing.assert_allclose(v["expected_purchases"], expected, rtol=1e-12, atol=0)
        clv = customer_lifetime_value(m, SPEND, HISTORIES, months=months, monthly_discount_rate=rate, freq="W")
        np.testing.assert_allclose(v["baseline_value"], clv, rtol=1e-12, atol=0)


@pytest.mark.parametrize("cls, params", MODELS)
def test_an_offer_without_effect_adds_exactly_nothing(cls, params):
    m = model(cls, params)
    offer = Offer("Costs only", take_up=0.3, cost_per_contact=0.5, cost_per_response=2.0, cost_per_month=0.1)
    v = incremental_values((m, SPEND, HISTORIES), offer, 12, 0.01, gross_margin=0.6, freq="W")
    assert (v["incremental_margin"] == 0.0).all()
    assert (v["treated_value"] == v["baseline_value"]).all()
    np.testing.assert_array_equal(v["net"], -v["cost"])


def posterior_alive_purchases(cls, params, x, big_t, t, lift, cut):
    """E_treated[X(t) | alive at T] by scipy's adaptive quadrature over the posterior, written from the
    processes themselves (not from the time-rescaling identity the module uses)."""
    r, alpha = params["r"], params["alpha"]
    big_r, big_a = r + x, alpha + big_t
    if cls is ParetoNBD:
        s, big_b = params["s"], params["beta"] + big_t
        # E[lambda (1+u)] x E_mu[(1 - exp(-mu (1-d) t)) / (mu (1-d))], mu ~ Gamma(s, rate B)
        f = stats.gamma(s, scale=1 / big_b).pdf
        inner, _ = integrate.quad(
            lambda mu: f(mu) * -math.expm1(-mu * (1 - cut) * t) / (mu * (1 - cut)), 0, np.inf, epsrel=1e-12, limit=400
        )
        return (1 + lift) * big_r / big_a * inner
    b = params["b"] + x + (1.0 if cls is ModifiedBetaGeo else 0.0)
    a = params["a"]

    # E_p[(1 - E_lambda exp(-lambda (1+u) p (1-d) t)) / (p (1-d))], lambda ~ Gamma(R, rate A), p ~ Beta(a, b)
    def integrand(p):
        q = p * (1 - cut)
        if q == 0:  # the limit: an alive customer who never drops out buys R (1+u) t / A
            return big_r * (1 + lift) * t / big_a
        return -math.expm1(-big_r * math.log1p((1 + lift) * q * t / big_a)) / q

    value, _ = integrate.quad(integrand, 0, 1, weight="alg", wvar=(a - 1, b - 1), epsabs=0, epsrel=1e-12, limit=400)
    return value / math.exp(special.betaln(a, b))


@pytest.mark.parametrize("cls, params", MODELS)
@pytest.mark.parametrize("lift, cut", [(0.0, 0.0), (0.3, 0.0), (0.0, 0.4), (0.25, 0.6), (-0.2, 0.9), (0.5, 0.9999)])
def test_treated_purchases_match_the_posterior_integral(cls, params, lift, cut):
    m = model(cls, params)
    offer = Offer("o", purchase_lift=lift, dropout_reduction=cut, reactivation=0.3)
    v = incremental_values((m, SPEND, HISTORIES), offer, months=6, monthly_discount_rate=0.0, freq="W")
    t = 6 * 4.345
    for i, row in HISTORIES.iterrows():
        alive = v["p_alive"].iloc[i]
        want = (alive + 0.3 * (1 - alive)) * posterior_alive_purchases(
            cls, params, row["frequency"], row["T"], t, lift, cut
        )
        assert v["treated_purchases"].iloc[i] == pytest.approx(want, rel=1e-9)


@pytest.mark.parametrize("cls, params", MODELS)
def test_no_dropout_at_all_is_the_poisson_limit(cls, params):
    # d = 1: an alive responder buys at rate lambda (1+u) for ever: E = (1+u) (r+x) t / (alpha+T); at d just
    # below 1 the closed form tends to it
    m = model(cls, params)
    t = 3 * 4.345
    at_one = incremental_values((m, SPEND, HISTORIES), Offer("o", 0.1, 1.0), 3, 0.0, freq="W")
    limit = 1.1 * (params["r"] + HISTORIES["frequency"]) * t / (params["alpha"] + HISTORIES["T"])
    np.testing.assert_allclose(at_one["treated_purchases"], at_one["p_alive"] * limit, rtol=1e-12)
    # the gap closes linearly in 1 - d, digits kept (the closed form's ln 2F1 alone lost 1e-5 at 1 - 1e-9)
    gaps = [
        incremental_values((m, SPEND, HISTORIES), Offer("o", 0.1, 1 - eps), 3, 0.0, freq="W")["treated_purchases"]
        / at_one["treated_purchases"]
        - 1
        for eps in (1e-6, 1e-9)
    ]
    assert (np.abs(gaps[1]) < 1e-9).all()
    np.testing.assert_allclose(gaps[0], 1000 * gaps[1], rtol=1e-3)


def test_more_of_any_effect_adds_more():
    m = model(BetaGeo, BG)
    base = Offer("o", purchase_lift=0.1, dropout_reduction=0.1, spend_lift=0.1, reactivation=0.1, take_up=0.5)
    before = incremental_values((m, SPEND, HISTORIES), base, 12, 0.01, freq="W")["incremental_margin"]
    for effect in targeting.EFFECTS:
        more = Offer(**{**{f: getattr(base, f) for f in ("name", *targeting.EFFECTS, "take_up")}, effect: 0.3})
        after = incremental_values((m, SPEND, HISTORIES), more, 12, 0.01, freq="W")["incremental_margin"]
        assert (after >= before - 1e-12).all() and (after > before).any(), effect
    # reactivation does nothing for BG/NBD customers without repeat purchases (they are alive for sure)
    v = incremental_values((m, SPEND, HISTORIES), Offer("o", reactivation=0.5), 12, 0.01, freq="W")
    assert (v.loc[HISTORIES["frequency"] == 0, "incremental_margin"] == 0).all()


# ---------------------------------------------------------------------------------------------- targets, rules
def test_targets():
    v = hand_values()
    assert target_mask(v, "segment", "champions").tolist() == [False, True, False]
    assert target_mask(v, "p_alive", (0.3, 0.34)).tolist() == [True, False, True]
    assert target_mask(v, "top_n", 1).tolist() == [False, True, False]  # baseline values 2.75, 14.16, 6.71
    assert target_mask(v, "top_n", 2).tolist() == [False, True, True]
    assert target_mask(v, "best_n", 2).tolist() == [False, True, True]  # nets -0.096, 0.938, 0.895
    assert target_mask(v, "top_n", 10).all() and not target_mask(v, "top_n", 0).any()
    labels = pd.Series({"c": "web", "a": "shop", "b": "web"})
    assert target_mask(v, "group", (labels, "web")).tolist() == [False, True, True]
    assert target_mask(v.assign(channel=["shop", "web", "web"]), "group", ("channel", "shop")).tolist() == [
        True,
        False,
        False,
    ]


def test_evaluate_target_sums_the_contacted():
    v = hand_values()
    r = evaluate_target(v, ["b", "c"])
    # value 1.7379150 + 1.6950369 = 3.4329520; cost 2 x 0.8 = 1.6; net 1.8329520; ROI 1.8329520 / 1.6 = 1.1455950
    assert (r.contacted, r.responders) == (2, 1.0)
    assert r.value == pytest.approx(3.4329520, abs=5e-7) and r.cost == pytest.approx(1.6, rel=1e-14)
    assert r.net == pytest.approx(1.8329520, abs=5e-7) and r.roi == pytest.approx(1.1455950, abs=5e-7)
    assert r.net_interval is None and r.roi_interval is None and r.draws == 0
    same = evaluate_target(v, target_mask(v, "best_n", 2))
    assert (same.net, same.cost) == (r.net, r.cost)
    free = evaluate_target(hand_values(Offer("Free", purchase_lift=0.1)), ["a"])
    assert free.cost == 0 and free.roi is None and free.net > 0


def test_rules_side_by_side_on_the_example():
    v = hand_values()
    c = compare_rules(v, segment="at_risk")
    assert list(c.index) == ["everyone", "segment", "top_decile", "positive_net"]
    # everyone: -0.0955326 + 0.9379150 + 0.8950369 = 1.7374193; the segment at_risk: c, 0.8950369;
    # top decile of 3 customers: round(0.3) -> at least 1, the best net: b, 0.9379150; positive net: b + c, 1.8329520
    np.testing.assert_allclose(c["net"], [1.7374193, 0.8950369, 0.9379150, 1.8329520], atol=5e-7)
    assert c["contacted"].tolist() == [3, 1, 1, 2]
    np.testing.assert_allclose(c["roi"], c["net"] / c["cost"], rtol=1e-14)
    assert targeting.best_rule(c) == "positive_net"
    assert targeting.rules_sentence(c) == (
        "Only customers expected to bring in more than they cost earns the most: 2 customers contacted, "
        "net $1.83 after $1.60 of cost (return on cost 115%)."
    )
    ar = targeting.rules_sentence(c, "ar")
    assert i18n.text("targeting.rules.positive_net", "ar") in ar and "$1.83" in ar
    assert c.loc["segment", "name"] == "The segment At risk"
    # a budget of one contact: every rule keeps its best customer (b, except the segment: c); a tie goes to
    # the first rule
    one = compare_rules(v, segment="at_risk", max_contacts=1)
    np.testing.assert_allclose(one["net"], [0.9379150, 0.8950369, 0.9379150, 0.9379150], atol=5e-7)
    assert targeting.best_rule(one) == "everyone"
    # a money budget of 1.6 buys two contacts at 0.8
    assert compare_rules(v, max_cost=1.6)["contacted"].tolist() == [2, 1, 2]
    assert compare_rules(v, max_cost=1.59)["contacted"].tolist() == [1, 1, 1]


def test_when_nobody_pays_contacting_nobody_earns_most():
    v = hand_values(Offer("Dear", purchase_lift=0.1, take_up=0.1, cost_per_contact=5.0))
    c = compare_rules(v)
    assert c.loc["positive_net", "contacted"] == 0 and c.loc["positive_net", "net"] == 0
    assert (c.loc[["everyone", "top_decile"], "net"] < 0).all()
    assert targeting.rules_sentence(c) == i18n.text("targeting.best.nobody")


@hs.composite
def customer_bases(draw):
    # histories of real customers: a repeat purchase comes after the first (recency > 0 when frequency > 0)
    rows = draw(hs.lists(rfm_history(max_frequency=20, max_T=80.0), min_size=1, max_size=8))
    rows = [(x, tx if x == 0 or tx > 0 else big_t / 2, big_t) for x, tx, big_t in rows]
    spend = draw(hs.lists(hs.floats(1.0, 200.0), min_size=len(rows), max_size=len(rows)))
    summary = pd.DataFrame(rows, columns=["frequency", "recency", "T"])
    summary["monetary_value"] = np.where(summary["frequency"] > 0, spend, 0.0)
    return summary


offers = hs.builds(
    Offer,
    name=hs.just("o"),
    purchase_lift=hs.floats(-0.5, 1.0),
    dropout_reduction=hs.floats(0.0, 1.0),
    spend_lift=hs.floats(-0.5, 1.0),
    reactivation=hs.floats(0.0, 1.0),
    take_up=hs.floats(0.0, 1.0),
    cost_per_contact=hs.floats(0.0, 5.0),
    cost_per_response=hs.floats(0.0, 10.0),
)


@settings(max_examples=60, deadline=None)
@given(summary=customer_bases(), offer=offers, k=hs.integers(0, 8), which=hs.sampled_from([0, 1, 2]))
def test_the_best_k_earn_at_least_as_much_as_any_k(summary, offer, k, which):
    cls, params = MODELS[which]
    spend = OwnAverageSpend(summary["frequency"], summary["monetary_value"])
    v = incremental_values((model(cls, params), spend, summary), offer, months=6, freq="W")
    k = min(k, len(v))
    best = evaluate_target(v, target_mask(v, "best_n", k)).net
    nets = v["net"].to_numpy()
    tolerance = 1e-9 * (1 + np.abs(nets).sum())
    # every subset of the same size (all of them: at most 8 customers)
    sums = {size: [sum(nets[list(c)]) for c in itertools.combinations(range(len(v)), size)] for size in range(k + 1)}
    assert best == pytest.approx(max(sums[k]), rel=1e-12, abs=1e-12)
    # every rule held to the same budget of k contacts: none beats the best subset of at most k customers,
    # which the positive-net rule reaches; a rule that spends its whole budget earns at most the best k
    rules = compare_rules(v, max_contacts=k)
    most = max(max(sums[size]) for size in sums)
    assert (rules["net"] <= most + tolerance).all() and (rules["contacted"] <= k).all()
    assert rules.loc["positive_net", "net"] == pytest.approx(most, rel=1e-12, abs=1e-12)
    full = rules[rules["contacted"] == k]
    assert (full["net"] <= best + tolerance).all()


# ---------------------------------------------------------------------------------------------- break-even
def test_break_even_effect_is_where_net_crosses_zero():
    m, spend, summary = hand_models()
    v = hand_values()
    k = targeting.break_even_effect(v, ["a"], (m, spend, summary))
    assert 1.0 < k < targeting.MAX_EFFECT_SCALE  # a loses at the offer's effects (net -0.0955), breaks even above

    def net(factor):
        return hand_values(HAND_OFFER.scaled(factor)).loc["a", "net"]

    assert net(k) == pytest.approx(0.0, abs=1e-9)
    assert net(k - 1e-6) < 0 < net(k + 1e-6)
    # b and c earn already: with no effect at all they lose the cost, so the break-even factor is below 1
    kb = targeting.break_even_effect(v, ["b", "c"], (m, spend, summary))
    assert 0 < kb < 1 and hand_values(HAND_OFFER.scaled(kb)).loc[["b", "c"], "net"].sum() == pytest.approx(0, abs=1e-9)
    # nothing to pay for: any effect breaks even
    free = hand_values(Offer("Free", purchase_lift=0.1))
    assert targeting.break_even_effect(free, ["a"], (m, spend, summary)) == 0.0
    # a cost no effect within the allowed range can earn back: the reactivation caps the factor at 1 / 0.2 = 5
    dear = hand_values(Offer("Dear", reactivation=0.2, take_up=0.5, cost_per_contact=50.0))
    assert targeting.break_even_effect(dear, ["a"], (m, spend, summary)) is None


def test_break_even_take_up_is_exact():
    # a: net(tau) = tau x (0.5 x (5.567010 - 2.749141) - 1.2) - 0.2 = tau x 0.2089347 - 0.2: tau = 0.9572368
    m, spend, summary = hand_models()
    v = hand_values()
    tau = targeting.break_even_effect(v, ["a"], (m, spend, summary), what="take_up")
    assert tau == pytest.approx(0.9572368, abs=5e-8)
    from dataclasses import replace

    assert hand_values(replace(HAND_OFFER, take_up=tau)).loc["a", "net"] == pytest.approx(0, abs=1e-12)
    # b earns more than it costs at any take-up above 0.2 / (0.5 x 6.951660 - 1.2) = 0.0879...
    assert targeting.break_even_effect(v, ["b"], (m, spend, summary), what="take_up") == pytest.approx(
        0.2 / (0.5 * (21.1073191 - 14.1556589) - 1.2), rel=1e-6
    )
    none = hand_values(Offer("Weak", purchase_lift=0.01, cost_per_contact=3.0))
    assert targeting.break_even_effect(none, ["a"], (m, spend, summary), what="take_up") is None


# ---------------------------------------------------------------------------------------------- intervals
@pytest.fixture(scope="module")
def fitted():
    sim = simulate_bgnbd(
        3000, r=0.25, alpha=30.0, a=0.8, b=2.4, T=np.linspace(30, 365, 3000).round(), rng=5, time_unit="days",
        spend=(6.0, 4.0, 15.0),
    )  # fmt: skip
    summary = sim[["frequency", "recency", "T", "monetary_value"]].astype(float)
    return predict.fit_customer_models(summary=summary, model="bgnbd")


def test_interval_from_parameter_draws(fitted):
    offer = targeting.offer_from_template("repeat_purchase", cost_per_contact=0.2)
    v = incremental_values(fitted, offer, months=12, gross_margin=0.4)
    everyone = np.ones(len(v), dtype=bool)
    r = evaluate_target(v, everyone, models=fitted, draws=100, seed=3)
    assert r.draws == 100
    low, high = r.net_interval
    assert low < r.net < high and high - low < abs(r.net)  # a fit on 3,000 customers pins it down
    assert r.roi_interval == pytest.approx((low / r.cost, high / r.cost), rel=1e-14)
    again = evaluate_target(v, everyone, models=fitted, draws=100, seed=3)
    assert again.net_interval == r.net_interval
    assert evaluate_target(v, everyone, models=fitted, draws=100, seed=4).net_interval != r.net_interval
    narrow = evaluate_target(v, everyone, models=fitted, draws=100, seed=3, level=0.5).net_interval
    assert low < narrow[0] < narrow[1] < high
    # against the delta method: the total net's gradient in the log-parameters of both models (central
    # differences), sd = sqrt(g' Cov g) with the two fits independent; the draws' 95% half-width is 1.96 sd
    # give or take the sampling error of two quantiles from 100 draws
    tm, sm, summary = fitted.transaction_model, fitted.spend_model, fitted.summary
    assert isinstance(sm, GammaGamma)

    def total(tm_params, sm_params):
        a, b = copy.copy(tm), copy.copy(sm)
        a.params, b.params = tm_params, sm_params
        return incremental_values((a, b, summary), offer, months=12, gross_margin=0.4)["net"].sum()

    gradient = []
    for which, m in ((0, tm), (1, sm)):
        for name in m.param_names:
            sides = []
            for step in (1e-4, -1e-4):
                changed = {**m.params, name: m.params[name] * math.exp(step)}
                sides.append(total(changed, sm.params) if which == 0 else total(tm.params, changed))
            gradient.append((sides[0] - sides[1]) / 2e-4)
    k = len(tm.param_names)
    g_t, g_s = np.array(gradient[:k]), np.array(gradient[k:])
    sd = math.sqrt(g_t @ tm.log_covariance @ g_t + g_s @ sm.log_covariance @ g_s)
    assert (high - low) / 2 == pytest.approx(1.959964 * sd, rel=0.25)
    # the pages' method: exactly that, centred on the net
    delta = evaluate_target(v, everyone, models=fitted, method="delta")
    assert delta.net_interval == pytest.approx((r.net - 1.959963985 * sd, r.net + 1.959963985 * sd), rel=1e-9)
    assert delta.roi_interval == pytest.approx((delta.net_interval[0] / r.cost, delta.net_interval[1] / r.cost))
    with pytest.raises(InputError, match="method"):
        evaluate_target(v, everyone, models=fitted, method="bootstrap")


def test_the_predictions_pages_figures_are_the_baseline(fitted):
    # customer_values at 10% a year: the same P(alive), purchases, spend and CLV as the offer's baseline
    table = predict.customer_values(fitted, horizon_months=12, annual_discount_rate=0.10).table
    v = incremental_values(fitted, Offer("none"), months=12, monthly_discount_rate=monthly_rate(0.10))
    for column in ("p_alive", "expected_purchases", "expected_spend"):
        np.testing.assert_allclose(v[column], table[column], rtol=1e-12, atol=0)
    np.testing.assert_allclose(v["baseline_value"], table["predicted_clv"], rtol=1e-12, atol=0)
    assert (v["segment"] == table["segment"]).all()


def test_customer_models_segments_and_contact_list(fitted):
    v = incremental_values(fitted, targeting.offer_from_template("win_back", cost_per_contact=0.1), months=6)
    assert set(v["segment"]) <= set(rfm.SEGMENTS) | {""}
    lapsed = target_mask(v, "p_alive", (0.0, 0.5))
    assert lapsed.any() and (v.loc[lapsed, "p_alive"] <= 0.5).all()
    # reactivation helps most where P(alive) is low: per unit of baseline purchases, lapsed customers gain more
    gain = v["treated_purchases"] / v["expected_purchases"]
    assert gain[lapsed].mean() > gain[~lapsed].mean()
    contacts = targeting.contact_list(v, lapsed)
    assert list(contacts.columns) == ["customer_id", "segment", "p_alive", "incremental_margin", "net"]
    assert len(contacts) == lapsed.sum() and contacts["net"].is_monotonic_decreasing
    assert set(contacts["customer_id"]) == set(v.index[lapsed])
    csv = safe_csv(contacts).decode("utf-8-sig").splitlines()
    assert csv[0] == "customer_id,segment,p_alive,incremental_margin,net"
    first = contacts.iloc[0]
    assert csv[1].split(",")[3:] == [f"{first['incremental_margin']:.2f}", f"{first['net']:.2f}"]
    ar = targeting.contact_list(v, lapsed, lang="ar")
    assert list(ar.columns)[0] == i18n.text("targeting.columns.customer_id", "ar")
    assert safe_csv(ar).decode("utf-8-sig").splitlines()[1].split(",")[-1] == f"{first['net']:.2f}"


def test_contact_list_is_spreadsheet_safe():
    v = hand_values().rename(index={"a": "=cmd|' /C calc'!A0"})
    out = safe_csv(targeting.contact_list(v, [True, True, True], lang="en")).decode("utf-8-sig").splitlines()
    assert out[0] == "Customer,Segment,P(alive),Expected incremental margin,Expected net"
    assert out[1] == "b,Champions,0.8493,1.74,0.94"
    assert out[3].startswith("'=cmd") and out[3].endswith(",-0.10")


# ---------------------------------------------------------------------------------------------- templates
def test_templates_map_onto_offers():
    o = targeting.offer_from_template("repeat_purchase")
    assert (o.take_up, o.purchase_lift, o.dropout_reduction, o.cost_per_response) == (0.3, 0.08, 0.05, 3.0)
    assert targeting.offer_from_template("cross_sell").spend_lift == 0.3
    assert targeting.offer_from_template("cross_sell").margin_change == -0.05
    assert targeting.offer_from_template("upsell").spend_lift == 0.4
    assert targeting.offer_from_template("reminders").cost_per_month == 0.1
    loyalty = targeting.offer_from_template("loyalty", lang="ar", take_up=0.5)
    assert loyalty.name == i18n.text("scenarios.templates.loyalty.name", "ar") and loyalty.take_up == 0.5
    assert loyalty.margin_change == pytest.approx(-0.02)
    win = targeting.offer_from_template("win_back")
    assert (win.reactivation, win.dropout_reduction, win.take_up) == (0.25, 0.0, 0.1)
    assert set(targeting.OFFER_TEMPLATES) | {"annual_billing", "price_change", "cheaper_acquisition"} == set(TEMPLATES)
    for key in ("annual_billing", "price_change", "cheaper_acquisition", "nope"):
        with pytest.raises(InputError) as err:
            targeting.offer_from_template(key)
        assert err.value.field == "template"
    for lang in ("en", "ar"):
        for part in ("name", "description", "purpose"):
            assert i18n.text(f"scenarios.templates.win_back.{part}", lang)


# ---------------------------------------------------------------------------------------------- validation
@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"purchase_lift": -1.0}, "purchase_lift"),
        ({"dropout_reduction": 1.2}, "dropout_reduction"),
        ({"dropout_reduction": -0.1}, "dropout_reduction"),
        ({"spend_lift": -1.0}, "spend_lift"),
        ({"reactivation": 1.5}, "reactivation"),
        ({"take_up": -0.1}, "take_up"),
        ({"cost_per_contact": -1}, "cost_per_contact"),
        ({"cost_per_response": float("nan")}, "cost_per_response"),
        ({"cost_per_month": float("inf")}, "cost_per_month"),
        ({"margin_change": 2}, "margin_change"),
        ({"take_up": True}, "take_up"),
        ({"name": " "}, "name"),
    ],
)
def test_offer_validation_names_the_field(kwargs, field):
    with pytest.raises(InputError) as err:
        Offer(**{"name": "o", **kwargs})
    assert err.value.field == field


def test_inputs_validation_names_the_field():
    models = hand_models()
    v = hand_values()
    cases = [
        (lambda: incremental_values(models, "offer"), "offer"),
        (lambda: incremental_values(models, HAND_OFFER, months=0), "months"),
        (lambda: incremental_values(models, HAND_OFFER, monthly_discount_rate=-0.1), "monthly_discount_rate"),
        (lambda: incremental_values(models, HAND_OFFER, gross_margin=1.5), "gross_margin"),
        (lambda: incremental_values(models, Offer("o", margin_change=-0.6), gross_margin=0.5), "margin_change"),
        (lambda: incremental_values(models[:2], HAND_OFFER), "models"),
        (lambda: incremental_values((GammaGamma(), models[1], models[2]), HAND_OFFER), "transaction_model"),
        (lambda: incremental_values((models[0], None, models[2]), HAND_OFFER), "spend_model"),
        (lambda: incremental_values((models[0], models[1], models[2][["T"]]), HAND_OFFER), "summary"),
        (lambda: incremental_values(models, HAND_OFFER, freq="Y"), "freq"),
        (lambda: target_mask(v, "vip", 1), "kind"),
        (lambda: target_mask(v, "segment", "vip"), "segment"),
        (lambda: target_mask(v, "p_alive", (0.8, 0.2)), "p_alive"),
        (lambda: target_mask(v, "p_alive", 0.5), "p_alive"),
        (lambda: target_mask(v, "top_n", -1), "top_n"),
        (lambda: target_mask(v, "top_n", 2.5), "top_n"),
        (lambda: target_mask(v, "group", ("channel", "web")), "group"),
        (lambda: evaluate_target(v, ["a", "zz"]), "contacted"),
        (lambda: evaluate_target(v, [True, False]), "contacted"),
        (lambda: evaluate_target(v, ["a"], draws=0), "draws"),
        (lambda: evaluate_target(v, ["a"], level=1.0), "level"),
        (lambda: evaluate_target(v, ["a"], models=(models[0], models[1], models[2].iloc[:2])), "models"),
        (lambda: targeting.break_even_effect(v, ["a"], models, what="cost"), "what"),
        (lambda: compare_rules(v, max_contacts=-1), "max_contacts"),
        (lambda: compare_rules(v, max_cost=-5.0), "max_cost"),
        (lambda: compare_rules(v.drop(columns="segment"), segment="lost"), "values"),
        (lambda: targeting.rule_name("random"), "rule"),
    ]
    for call, field in cases:
        with pytest.raises(InputError) as err:
            call()
        assert err.value.field == field, (field, err.value)
    # a table without the values' terms (not from incremental_values)
    bare = pd.DataFrame(v.to_dict())
    with pytest.raises(InputError) as err:
        evaluate_target(bare, ["a"])
    assert err.value.field == "values"
    # an unfitted model
    with pytest.raises(FitError) as err:
        incremental_values((BetaGeo(), models[1], models[2]), HAND_OFFER)
    assert err.value.key == "models.errors.not_fitted"


def test_error_messages_exist_in_every_language():
    for lang in i18n.languages():
        for key in i18n.catalogue("en"):
            if key.startswith("targeting."):
                assert key in i18n.catalogue(lang), (lang, key)


# ---------------------------------------------------------------------------------------------- speed
def test_values_for_25000_customers_are_fast():
    sim = simulate_bgnbd(
        25_000, r=0.25, alpha=30.0, a=0.8, b=2.4, T=np.linspace(1, 365, 25_000).round(), rng=1, time_unit="days",
        spend=(6.0, 4.0, 15.0),
    )  # fmt: skip
    summary = sim[["frequency", "recency", "T", "monetary_value"]].astype(float)
    spend = OwnAverageSpend(summary["frequency"], summary["monetary_value"])
    models = (model(BetaGeo, {"r": 0.25, "alpha": 30.0, "a": 0.8, "b": 2.4}), spend, summary)
    offer = Offer("o", purchase_lift=0.1, dropout_reduction=0.2, spend_lift=0.05, reactivation=0.1, take_up=0.3)
    incremental_values(models, offer)
    best = math.inf
    for _ in range(3):
        start = time.perf_counter()
        incremental_values(models, offer)
        best = min(best, time.perf_counter() - start)
    assert best < 0.5, best


def test_a_budget_keeps_the_best_ranked():
    v = hand_values()  # nets a -0.0955, b 0.9379, c 0.8950; cost 0.8 each
    assert targeting.within_budget(v, [True, True, True], max_contacts=2).tolist() == [False, True, True]
    assert targeting.within_budget(v, ["a", "c"], max_contacts=1).tolist() == [False, False, True]
    assert targeting.within_budget(v, [True, True, True], max_cost=0.8).tolist() == [False, True, False]
    assert targeting.within_budget(v, [True, True, True]).all()  # no budget: everyone asked for
    with pytest.raises(InputError) as err:
        targeting.within_budget(v, ["a"], max_contacts=1.5)
    assert err.value.field == "max_contacts"
