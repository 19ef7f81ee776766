"""Campaign what-ifs (clv.scenarios): hand-worked references, the engine against closed forms, properties."""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as hs
from scipy.special import gammaln

import clv
from clv import engine, i18n
from clv.scenarios import (
    TEMPLATES,
    AnnualBilling,
    Campaign,
    break_even,
    compare,
    describe,
    evaluate_scenario,
    price_change,
    sensitivity,
    simulate,
    totals,
)

from tests import strategies as S

BASE = clv.Assumptions(arpu=50, gross_margin=0.8, monthly_churn=0.05, cac=300)  # README reference
LOYALTY = Campaign("Loyalty", reach=0.4, churn_reduction=0.2, monthly_cost=1.0)
CROSS = Campaign("Cross-sell", reach=0.15, arpu_lift=0.3)
ANNUAL = Campaign("Annual", annual_billing=AnnualBilling(discount=0.15, renewal_rate=0.7))
REL = 1e-12


# ---------------------------------------------------------------- hand-worked references


def test_loyalty_reference():
    # README worked example: members churn 0.05 x 0.8 = 0.04 -> LTV 40 / 0.04 = 1000; others 40 / 0.05 = 800;
    # blended 0.4 x 1000 + 0.6 x 800 = 880; cost 0.4 x 1 x 25 expected months = 10; net 70; ROI 7.
    r = evaluate_scenario(BASE, [LOYALTY])
    seg = r.segments.set_index(r.segments["campaigns"].map(len))
    assert seg.loc[1, "ltv"] == pytest.approx(1000, rel=REL) and seg.loc[0, "ltv"] == pytest.approx(800, rel=REL)
    assert seg.loc[1, "share"] == pytest.approx(0.4) and seg.loc[1, "campaign_cost"] == pytest.approx(25, rel=REL)
    assert r.ltv == pytest.approx(880, rel=REL)
    assert r.ltv_change == pytest.approx(80, rel=1e-11)
    assert r.campaign_cost == pytest.approx(10, rel=REL)
    assert r.net_value == pytest.approx(70, rel=1e-11)
    assert r.roi == pytest.approx(7.0, rel=1e-11)
    assert r.attribution == {"Loyalty": pytest.approx(70, rel=1e-11)}
    assert r.ltv_to_cac == pytest.approx((880 - 10) / 300, rel=REL)  # value after campaign costs / CAC
    assert r.cac == 300
    # Payback by hand: blended net flow x(t) = 0.4 x 39 x 0.96^t + 0.6 x 40 x 0.95^t;
    # C(n) = 390 (1 - 0.96^n) + 480 (1 - 0.95^n): C(9) = 297.39 < 300 <= C(10) = 323.33,
    # interpolated within month 9 with q = x(10) / x(9).
    x = lambda t: 15.6 * 0.96**t + 24 * 0.95**t  # noqa: E731
    c9 = 390 * (1 - 0.96**9) + 480 * (1 - 0.95**9)
    q = x(10) / x(9)
    assert r.payback_months == pytest.approx(9 + math.log(1 - (300 - c9) * (1 - q) / x(9)) / math.log(q), rel=REL)
    m = r.months
    assert list(m.columns) == [
        "month",
        "survival",
        "expected_revenue",
        "expected_margin",
        "campaign_cost",
        "discount_factor",
        "discounted_cumulative_net",
        "cumulative_minus_cac",
    ]
    t = m["month"].to_numpy()
    np.testing.assert_allclose(m["survival"], 0.4 * 0.96**t + 0.6 * 0.95**t, rtol=1e-12)
    np.testing.assert_allclose(m["campaign_cost"], 0.4 * 0.96**t, rtol=1e-12)
    np.testing.assert_allclose(
        m["cumulative_minus_cac"], 390 * (1 - 0.96 ** (t + 1)) + 480 * (1 - 0.95 ** (t + 1)) - 300, rtol=1e-10
    )


def test_loyalty_break_even_is_two_and_a_half_percent():
    # net = 0.4 x (39 / (0.05 (1 - r)) - 800) = 0  =>  1 - r = 780 / 800  =>  r = 0.025 (README)
    assert break_even(BASE, LOYALTY) == pytest.approx(0.025, abs=1e-10)


def test_annual_billing_reference():
    # Worked example: 12 x 50 x 0.85 = 510 a year, renewal 0.7: revenue 510 / 0.3 = 1700; x 0.8 = 1360.
    r = evaluate_scenario(BASE, [ANNUAL])
    assert r.revenue_ltv == pytest.approx(1700, rel=REL)
    assert r.ltv == pytest.approx(1360, rel=REL)
    assert list(r.segments["billing"]) == ["monthly", "annual"]
    # survival steps at renewals only
    np.testing.assert_allclose(r.months["survival"][:25], 0.7 ** (np.arange(25) // 12))


def test_annual_billing_with_a_horizon_that_ends_mid_year():
    # 18 months: payments at months 0 and 12 -> 510 + 0.7 x 510 = 867; active months 12 + 6 x 0.7 = 16.2,
    # so a monthly cost of 1 costs 16.2.
    base = clv.Assumptions(50, 0.8, 0.05, 300, horizon_months=18)
    r = evaluate_scenario(base, [Campaign("Annual", monthly_cost=1.0, annual_billing=AnnualBilling(0.15, 0.7))])
    assert r.revenue_ltv == pytest.approx(867, rel=REL)
    assert r.campaign_cost == pytest.approx(16.2, rel=REL)


def test_cross_sell_reference():
    # By hand: buyers 65 x 0.8 / 0.05 = 1040; 0.15 x 1040 + 0.85 x 800 = 836; net 36, free so no ROI.
    r = evaluate_scenario(BASE, [CROSS])
    assert r.ltv == pytest.approx(836, rel=REL)
    assert r.net_value == pytest.approx(36, rel=1e-11)
    assert r.roi is None and r.campaign_cost == 0


def test_price_rise_with_churn_elasticity():
    # +10% price, elasticity 1.5: ARPU 55, churn 0.05 x 1.15 = 0.0575 -> 44 / 0.0575 = 765.2174 (a loss);
    # elasticity 0.5: churn 0.0525 -> 44 / 0.0525 = 838.0952 (a gain).
    steep = evaluate_scenario(BASE, [price_change(0.10, churn_elasticity=1.5)])
    assert steep.ltv == pytest.approx(44 / 0.0575, rel=REL)
    assert steep.net_value == pytest.approx(44 / 0.0575 - 800, rel=1e-10) and steep.net_value < 0
    mild = evaluate_scenario(BASE, [price_change(0.10, churn_elasticity=0.5)])
    assert mild.ltv == pytest.approx(44 / 0.0525, rel=REL)


def test_two_campaigns_against_a_hand_built_four_segment_cohort():
    # Loyalty (40%) and cross-sell (15%), reached independently:
    #   both      0.4 x 0.15 = 0.06  ARPU 65, churn 0.04: 52 / 0.04 = 1300, cost 25
    #   loyalty   0.4 x 0.85 = 0.34  1000, cost 25
    #   cross     0.6 x 0.15 = 0.09  1040
    #   neither   0.6 x 0.85 = 0.51  800
    # LTV 78 + 340 + 93.6 + 408 = 919.6; cost 0.4 x 25 = 10; net 109.6.
    # Shapley: v(L) = 70, v(X) = 36, v(LX) = 109.6: phi_L = (70 + 73.6) / 2 = 71.8, phi_X = (36 + 39.6) / 2 = 37.8.
    r = evaluate_scenario(BASE, [LOYALTY, CROSS])
    seg = r.segments.set_index("campaigns")
    expected = {
        (): (0.51, 800),
        ("Loyalty",): (0.34, 1000),
        ("Cross-sell",): (0.09, 1040),
        ("Loyalty", "Cross-sell"): (0.06, 1300),
    }
    for names, (share, value) in expected.items():
        assert seg.loc[[names], "share"].iloc[0] == pytest.approx(share, rel=REL)
        assert seg.loc[[names], "ltv"].iloc[0] == pytest.approx(value, rel=REL)
    assert r.ltv == pytest.approx(919.6, rel=REL)
    assert r.net_value == pytest.approx(109.6, rel=1e-11)
    assert r.attribution["Loyalty"] == pytest.approx(71.8, rel=1e-11)
    assert r.attribution["Cross-sell"] == pytest.approx(37.8, rel=1e-11)


def test_tenure_churn_baseline_by_hand():
    # First month 20%, then 5%: 40 + 0.8 x 800 = 680; lifetime 1 + 0.8 / 0.05 = 17 months;
    # payback: 40 in month 0, then 32 x 0.95^(t-1): 40 + 640 (1 - 0.95^n) = 300 -> n = ln(0.59375) / ln 0.95.
    a = clv.Assumptions(50, 0.8, 0.05, 300, first_month_churn=0.2)
    r = clv.evaluate(a)
    assert r.ltv == pytest.approx(680, rel=REL)
    assert r.revenue_ltv == pytest.approx(850, rel=REL)
    assert r.expected_lifetime_months == pytest.approx(17, rel=REL)
    assert r.payback_months_churn_adjusted == pytest.approx(1 + math.log(0.59375) / math.log(0.95), rel=REL)
    assert r.payback_months == pytest.approx(7.5)
    assert list(r.months.columns) == list(clv.evaluate(BASE).months.columns)
    np.testing.assert_allclose(r.months["survival"][:4], [1, 0.8, 0.76, 0.722])
    # with a loyalty programme on top: members 40 + 0.84 x 1000 = 880 (churn 16%, then 4%)
    s = evaluate_scenario(a, [LOYALTY])
    assert s.ltv == pytest.approx(0.4 * 880 + 0.6 * 680, rel=REL)


def test_expansion_closed_form():
    # Expansion 1% a month, churn 5%: 40 / (1 - 1.01 x 0.95) = 987.654...
    r = clv.evaluate(clv.Assumptions(50, 0.8, 0.05, 300, monthly_expansion=0.01))
    assert r.ltv == pytest.approx(40 / (1 - 1.01 * 0.95), rel=REL)
    np.testing.assert_allclose(r.months["expected_margin"][:3], [40, 40 * 1.01 * 0.95, 40 * (1.01 * 0.95) ** 2])
    # expansion at or above churn never converges without discounting
    assert clv.evaluate(clv.Assumptions(50, 0.8, 0.05, 300, monthly_expansion=0.06)).ltv == math.inf


@pytest.mark.parametrize(
    "alpha, beta, annual, horizon",
    [
        (0.7, 1.5, 0.12, None),
        (1.0, 2.0, 0.0, 50),
        (3.0, 1.0, 0.03, 300),
        (0.5, 0.5, 0.0, 100),
        (2.0, 300.0, 0.04, None),
        (1.5, 200.0, 0.01, None),
        (1.3, 4.0, 0.1, 37),
    ],
)
def test_sbg_curve_against_a_long_explicit_sum(alpha, beta, annual, horizon):
    # S(t) = B(alpha, beta + t) / B(alpha, beta) (Fader & Hardie 2007, eq. 2), summed month by month
    # over 3 million months (or the horizon); the rest of that sum is far below the tolerance here.
    r = clv.evaluate(
        clv.Assumptions(
            50, 1.0, 0.05, 300, annual_discount_rate=annual, horizon_months=horizon, retention_curve=(alpha, beta)
        )
    )
    t = np.arange(horizon or 3_000_000, dtype=float)
    surv = np.exp(gammaln(beta + t) - gammaln(beta) + gammaln(alpha + beta) - gammaln(alpha + beta + t))
    v = (1 + annual) ** (-t / 12)
    assert r.ltv == pytest.approx(50 * np.sum(surv * v), rel=1e-9)
    np.testing.assert_allclose(r.months["survival"][:5], surv[:5], rtol=1e-12)


def test_sbg_expected_lifetime_and_infinite_cases():
    # E[lifetime] = (alpha + beta - 1) / (alpha - 1) for alpha > 1; infinite for alpha <= 1 (no discount)
    r = clv.evaluate(clv.Assumptions(50, 0.8, 0.05, 300, retention_curve=(2.0, 3.0)))
    assert r.expected_lifetime_months == pytest.approx(4.0, rel=REL) and r.ltv == pytest.approx(160, rel=REL)
    inf = clv.evaluate(clv.Assumptions(50, 0.8, 0.05, 300, retention_curve=(0.8, 3.0)))
    assert inf.ltv == math.inf and inf.expected_lifetime_months == math.inf


def test_sbg_churn_cut_is_again_an_sbg_curve():
    # Churn x k on the sBG hazard alpha / (alpha + beta + t) gives alpha' = k alpha, beta' = beta + (1 - k) alpha.
    base = clv.Assumptions(50, 0.8, 0.05, 300, retention_curve=(3.0, 4.0))
    r = evaluate_scenario(base, [Campaign("Cut", churn_reduction=0.25)])
    same = clv.evaluate(clv.Assumptions(50, 0.8, 0.05, 300, retention_curve=(2.25, 4.75)))
    assert r.ltv == pytest.approx(same.ltv, rel=1e-12)


def test_cheaper_acquisition_changes_cac_not_ltv():
    # 30% of new customers 25% cheaper: CAC 300 x (1 - 0.3 x 0.25) = 277.5; LTV and net value unchanged.
    c = TEMPLATES["cheaper_acquisition"].make()
    r = evaluate_scenario(BASE, [c])
    assert r.cac == pytest.approx(277.5) and r.ltv == pytest.approx(800, rel=REL) and r.net_value == pytest.approx(0)
    assert r.ltv_to_cac == pytest.approx(800 / 277.5, rel=REL)
    assert r.payback_months == pytest.approx(clv.payback_churn_adjusted(40, 277.5, 0.05), rel=1e-12)
    assert r.payback_months < clv.evaluate(BASE).payback_months_churn_adjusted


def test_break_even_in_each_field_by_hand():
    # loyalty: net = 0.4 (1000 - 800 - 25 x monthly - one_off - 1250 x share)
    assert break_even(BASE, LOYALTY, "monthly_cost") == pytest.approx(8.0, rel=1e-10)
    assert break_even(BASE, LOYALTY, "one_off_cost") == pytest.approx(175.0, rel=1e-10)
    free = Campaign("Loyalty", reach=0.4, churn_reduction=0.2)
    assert break_even(BASE, free, "revenue_share_cost") == pytest.approx(200 / 1250, rel=1e-10)
    # cross-sell with a one-off cost 5: 800 x lift = 5 -> lift 0.00625; margin: 1300 (0.8 + p) = 805
    offer = Campaign("Offer", reach=0.15, arpu_lift=0.3, one_off_cost=5.0)
    assert break_even(BASE, offer, "arpu_lift") == pytest.approx(5 / 800, rel=1e-9)
    assert break_even(BASE, offer, "margin_change") == pytest.approx(805 / 1300 - 0.8, rel=1e-9)
    # reach: value is proportional to reach, so a paying campaign breaks even at 0, a losing one never
    assert break_even(BASE, LOYALTY, "reach") == 0.0
    assert break_even(BASE, Campaign("Costly", reach=0.5, churn_reduction=0.01, monthly_cost=5), "reach") is None
    # a campaign whose cost exceeds any churn cut's value cannot pay back
    assert break_even(BASE, Campaign("Costly", reach=0.5, churn_reduction=0.2, monthly_cost=50)) is None
    with pytest.raises(clv.InputError) as err:
        break_even(BASE, LOYALTY, "cac_change")
    assert err.value.field == "field"


def test_templates_are_complete_and_editable():
    kinds = {
        "repeat_purchase",
        "reminders",
        "cross_sell",
        "upsell",
        "loyalty",
        "annual_billing",
        "price_change",
        "cheaper_acquisition",
        "win_back",
    }
    assert set(TEMPLATES) == kinds
    for key, template in TEMPLATES.items():
        made = template.make()
        assert made.name == i18n.text(f"scenarios.templates.{key}.name") and template.description()
        r = evaluate_scenario(BASE, [made])
        assert math.isfinite(r.ltv)
    loyalty = TEMPLATES["loyalty"].make(reach=0.5, monthly_cost=2.0, name="Club")
    assert (loyalty.name, loyalty.reach, loyalty.monthly_cost, loyalty.churn_reduction) == ("Club", 0.5, 2.0, 0.2)
    assert TEMPLATES["annual_billing"].make().annual_billing == AnnualBilling(0.15, 0.7)
    assert TEMPLATES["price_change"].make().churn_reduction == pytest.approx(-0.05)


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"reach": 1.2}, "reach"),
        ({"churn_reduction": 1.5}, "churn_reduction"),
        ({"arpu_lift": -2}, "arpu_lift"),
        ({"monthly_cost": -1}, "monthly_cost"),
        ({"margin_change": 2}, "margin_change"),
        ({"revenue_share_cost": 1.5}, "revenue_share_cost"),
        ({"cac_change": -1.5}, "cac_change"),
        ({"reach": float("nan")}, "reach"),
        ({"annual_billing": 0.1}, "annual_billing"),
    ],
)
def test_campaign_validation_names_the_field(kwargs, field):
    with pytest.raises(clv.InputError) as err:
        Campaign("X", **kwargs)
    assert err.value.field == field


def test_scenario_validation():
    with pytest.raises(clv.InputError) as err:  # total margin above 1
        evaluate_scenario(clv.Assumptions(50, 0.98, 0.05, 300), [Campaign("M", margin_change=0.05)])
    assert err.value.field == "margin_change" and "0.98" not in str(err.value) and "98.0%" in str(err.value)
    with pytest.raises(clv.InputError) as err:
        evaluate_scenario(BASE, [Campaign(f"C{i}") for i in range(9)])
    assert err.value.field == "campaigns" and "at most 8" in str(err.value)
    with pytest.raises(clv.InputError) as err:
        evaluate_scenario(BASE, [LOYALTY, LOYALTY])
    assert err.value.field == "name"
    with pytest.raises(clv.InputError) as err:
        AnnualBilling(discount=1.0)
    assert err.value.field == "discount"


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"retention_curve": (0, 1)}, "retention_curve"),
        ({"retention_curve": (1.0,)}, "retention_curve"),
        ({"retention_curve": "ab"}, "retention_curve"),
        ({"first_month_churn": 1.5}, "first_month_churn"),
        ({"first_month_churn": 0.2, "retention_curve": (1, 2)}, "first_month_churn"),
        ({"monthly_expansion": -1.0}, "monthly_expansion"),
        ({"monthly_expansion": float("inf")}, "monthly_expansion"),
    ],
)
def test_assumption_extensions_are_validated(kwargs, field):
    with pytest.raises(clv.InputError) as err:
        clv.Assumptions(50, 0.8, 0.05, 300, **kwargs)
    assert err.value.field == field


def test_default_extensions_keep_the_closed_forms():
    a = clv.Assumptions(50, 0.8, 0.05, 300, annual_discount_rate=0.1, horizon_months=24)
    assert not a.uses_engine and round(clv.evaluate(a).ltv, 2) == 527.64
    assert clv.Assumptions(50, 0.8, 0.05, 300, retention_curve=[2, 3]).retention_curve == (2.0, 3.0)


def test_sensitivity_by_hand():
    # No campaigns: ARPU or margin +-10% moves LTV by +-80; churn x 1.1 -> 40 / 0.055 - 800 = -72.73,
    # x 0.9 -> 40 / 0.045 - 800 = +88.89; CAC moves only LTV:CAC (800 / 330 - 8 / 3); a zero discount stays zero.
    t = sensitivity(BASE, [], 0.1).set_index(["driver", "direction"])
    assert t.loc[("arpu", "high"), "ltv_change"] == pytest.approx(80, rel=1e-10)
    assert t.loc[("gross_margin", "low"), "ltv_change"] == pytest.approx(-80, rel=1e-10)
    assert t.loc[("monthly_churn", "high"), "ltv_change"] == pytest.approx(40 / 0.055 - 800, rel=1e-10)
    assert t.loc[("monthly_churn", "low"), "ltv_change"] == pytest.approx(40 / 0.045 - 800, rel=1e-10)
    assert t.loc[("cac", "high"), "ltv_change"] == 0
    assert t.loc[("cac", "high"), "ltv_to_cac_change"] == pytest.approx(800 / 330 - 8 / 3, rel=1e-10)
    assert t.loc[("annual_discount_rate", "high"), "ltv_change"] == 0
    assert sensitivity(BASE, [], 0.1)["driver"].iloc[0] == "monthly_churn"  # widest swing first
    assert t.loc[("monthly_churn", "low"), "label"] == i18n.text("scenarios.drivers.monthly_churn")
    with_loyalty = sensitivity(BASE, [LOYALTY], 0.1).set_index(["driver", "direction"])
    # ARPU +10%: members 1100, others 880 -> 968, +88 on 880
    assert with_loyalty.loc[("arpu", "high"), "ltv_change"] == pytest.approx(88, rel=1e-10)


def test_simulation_matches_the_draws_by_hand():
    # Loyalty churn cut drawn uniformly in (0.1, 0.3): net = 0.4 (39 / (0.05 (1 - r)) - 800), monotone in r.
    ranges = {("Loyalty", "churn_reduction"): (0.1, 0.3)}
    sim = simulate(BASE, [LOYALTY], ranges, n=10_000, seed=0)
    r = np.random.default_rng(0).uniform(0.1, 0.3, 10_000)
    expected = 0.4 * (39 / (0.05 * (1 - r)) - 800)
    np.testing.assert_allclose(sim.draws, expected, rtol=1e-10)
    assert sim.p50 == pytest.approx(np.percentile(expected, 50), rel=1e-10)
    assert (sim.p10, sim.p90) == (
        pytest.approx(np.percentile(expected, 10)),
        pytest.approx(np.percentile(expected, 90)),
    )
    assert sim.probability_positive == 1.0 and sim.distribution == "uniform"
    # break-even at 2.5%: a cut drawn in (0, 0.05) pays off about half the time, exactly when r > 0.025
    half = simulate(BASE, [LOYALTY], {("Loyalty", "churn_reduction"): (0.0, 0.05)}, n=4000, seed=3)
    r = np.random.default_rng(3).uniform(0.0, 0.05, 4000)
    assert half.probability_positive == pytest.approx(np.mean(r > 0.025), abs=1e-12)


def test_simulation_triangular_several_campaigns_and_validation():
    campaigns = [LOYALTY, CROSS, ANNUAL]
    ranges = {
        ("Loyalty", "churn_reduction"): (0.1, 0.2, 0.3),
        ("Cross-sell", "reach"): (0.1, 0.2),
        ("Annual", "renewal_rate"): (0.6, 0.8),
        ("Annual", "reach"): (0.2, 0.3),
    }
    sim = simulate(BASE, campaigns, ranges, n=3000, seed=np.random.default_rng(5))
    assert sim.distribution == "triangular+uniform" and sim.draws.shape == (3000,)
    # draw 0 by hand through evaluate_scenario
    rng = np.random.default_rng(5)
    tri = rng.triangular(0.1, 0.2, 0.3, 3000)
    reach = rng.uniform(0.1, 0.2, 3000)
    renew = rng.uniform(0.6, 0.8, 3000)
    reach_a = rng.uniform(0.2, 0.3, 3000)
    one = evaluate_scenario(
        BASE,
        [
            Campaign("Loyalty", reach=0.4, churn_reduction=tri[0], monthly_cost=1.0),
            Campaign("Cross-sell", reach=reach[0], arpu_lift=0.3),
            Campaign("Annual", reach=reach_a[0], annual_billing=AnnualBilling(0.15, renew[0])),
        ],
    )
    assert sim.draws[0] == pytest.approx(one.net_value, rel=1e-10)
    for bad in [
        {("Nope", "reach"): (0, 1)},
        {("Loyalty", "reach"): (0.5, 0.1)},
        {("Loyalty", "reach"): (0, 2)},
        {("Loyalty", "renewal_rate"): (0.5, 0.6)},
        {("Loyalty", "colour"): (0, 1)},
    ]:
        with pytest.raises(clv.InputError):
            simulate(BASE, campaigns, bad, n=10)


def test_describe_sentences():
    # The README's sentence, with money through clv.fmt
    c = Campaign("A loyalty programme", reach=0.4, churn_reduction=0.2, monthly_cost=1.0)
    assert describe(evaluate_scenario(BASE, [c]), c) == (
        "A loyalty programme for 40% of customers adds $70.00 per customer after its cost; "
        "it breaks even if it cuts members' churn by at least 2.5%."
    )
    costly = Campaign("Club", reach=0.5, churn_reduction=0.02, monthly_cost=1.0)
    # net = 0.5 (39 / 0.049 - 800) = -2.04...; break-even 1 - 780 / 800 = 2.5%
    text = describe(evaluate_scenario(BASE, [costly]), costly, currency="€")
    assert text.startswith("Club for 50% of customers loses €2.04 per customer") and "at least 2.5%" in text
    cheap = TEMPLATES["cheaper_acquisition"].make()
    assert "277.50" in describe(evaluate_scenario(BASE, [cheap]), cheap)
    hopeless = Campaign("Hopeless", reach=0.5, churn_reduction=0.2, monthly_cost=50)
    assert describe(evaluate_scenario(BASE, [hopeless]), hopeless).endswith("cannot pay back.")


def test_totals_and_compare():
    r = evaluate_scenario(BASE, [LOYALTY])
    t = totals(r, 1000)
    assert (t.ltv, t.baseline_ltv, t.campaign_cost, t.net_value, t.acquisition_cost) == (
        pytest.approx(880_000),
        pytest.approx(800_000),
        pytest.approx(10_000),
        pytest.approx(70_000),
        300_000,
    )
    with pytest.raises(clv.InputError):
        totals(r, -1)
    both = compare(BASE, [LOYALTY, CROSS])
    assert list(both) == ["Loyalty", "Cross-sell", i18n.text("scenarios.combined")]
    assert both[i18n.text("scenarios.combined")].net_value == pytest.approx(109.6, rel=1e-11)


def test_infinite_baseline_never_gives_nan():
    a = clv.Assumptions(50, 0.8, 0.0, 300)  # no churn, no discount: unlimited LTV
    r = evaluate_scenario(a, [LOYALTY])
    assert r.ltv == math.inf and r.net_value is None and r.ltv_change is None and r.roi is None
    assert r.attribution == {"Loyalty": None}
    assert break_even(a, LOYALTY) is None


# ---------------------------------------------------------------- properties


def rel_close(x, y, rel=1e-9):
    if math.isinf(x) or math.isinf(y):
        return x == y
    return abs(x - y) <= rel * max(1.0, abs(x), abs(y))


@settings(max_examples=300, deadline=None)
@given(
    a=S.arpu,
    m=S.margin,
    c=S.churn,
    d=S.annual_discount,
    h=hs.one_of(hs.none(), S.horizon),
    lift=S.campaign_lift,
    cut=S.campaign_churn_cut,
)
def test_engine_equals_the_closed_forms(a, m, c, d, h, lift, cut):
    base = clv.Assumptions(a, m, c, 100.0, annual_discount_rate=d, horizon_months=h)
    alone = evaluate_scenario(base, [])
    assert rel_close(alone.ltv, clv.ltv(a, m, c, d, h))
    reached = evaluate_scenario(base, [Campaign("All", reach=1.0, arpu_lift=lift, churn_reduction=cut)])
    assert rel_close(reached.ltv, clv.ltv(a * (1 + lift), m, min(c * (1 - cut), 1.0), d, h))
    # the month-by-month evaluate (expansion 0 but a first-month churn equal to the long-run one)
    engine_result = clv.evaluate(
        clv.Assumptions(a, m, c, 100.0, annual_discount_rate=d, horizon_months=h, first_month_churn=c)
    )
    closed = clv.evaluate(base)
    assert rel_close(engine_result.ltv, closed.ltv)
    assert rel_close(engine_result.expected_lifetime_months, closed.expected_lifetime_months)
    p, q = engine_result.payback_months_churn_adjusted, closed.payback_months_churn_adjusted
    assert (p is None and q is None) or rel_close(p, q)


@settings(max_examples=300, deadline=None)
@given(
    a=S.arpu,
    m=S.margin,
    c=S.churn,
    f=hs.floats(0.0, 1.0),
    e=hs.floats(-0.2, 0.99),
    d=S.annual_discount,
    h=hs.one_of(hs.none(), S.horizon),
)
def test_first_month_churn_and_expansion_closed_form(a, m, c, f, e, d, h):
    # LTV = g [1 + (1 - f)(1 + e) v sum_{j < H-1} rho^j], rho = (1 - c)(1 + e) v, g = ARPU x m
    e = e * c  # growth below churn, so the sum converges
    v = (1 + d) ** (-1 / 12)
    rho = (1 - c) * (1 + e) * v
    rest = 1 / (1 - rho) if h is None else (1 - rho ** (h - 1)) / (1 - rho)
    expected = a * m * (1 + (1 - f) * (1 + e) * v * rest)
    r = clv.evaluate(
        clv.Assumptions(
            a, m, c, 100.0, annual_discount_rate=d, horizon_months=h, first_month_churn=f, monthly_expansion=e
        )
    )
    assert rel_close(r.ltv, expected)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base=S.scenario_baselines(), campaigns=S.campaign_sets())
def test_shapley_parts_add_up_to_the_net_value(base, campaigns):
    r = evaluate_scenario(base, campaigns)
    if r.net_value is None or not math.isfinite(r.net_value):
        return  # unlimited values: see test_unlimited_revenue_with_a_revenue_share_cost...
    if any(p is None for p in r.attribution.values()):  # a coalition is unlimited: no shares at all
        assert all(p is None for p in r.attribution.values())
        return
    parts = sum(r.attribution.values())
    assert abs(parts - r.net_value) <= 1e-9 * max(1.0, abs(r.ltv), abs(r.campaign_cost))
    assert r.ltv - r.campaign_cost - r.baseline.ltv == pytest.approx(r.net_value, rel=1e-12, abs=1e-9)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base=S.scenario_baselines(), reach=S.campaign_reach, others=S.campaign_sets(min_size=0, max_size=2))
def test_a_campaign_with_no_effect_and_no_cost_changes_nothing(base, reach, others):
    without = evaluate_scenario(base, others)
    nothing = evaluate_scenario(base, [*others, Campaign("Nothing", reach=reach)])
    assert rel_close(nothing.ltv, without.ltv, 1e-11) and rel_close(nothing.campaign_cost, without.campaign_cost, 1e-11)
    if math.isfinite(without.ltv):
        assert nothing.attribution["Nothing"] == pytest.approx(0.0, abs=1e-9 * max(1.0, without.ltv))
    else:  # an unlimited LTV (e.g. an sBG churn cut below alpha' = 1)
        assert nothing.attribution["Nothing"] is None  # a share of an infinite change is not defined
        assert nothing.net_value == without.net_value or nothing.net_value is without.net_value is None
        if not math.isfinite(without.baseline.ltv):  # unlimited before and after: no difference
            assert nothing.net_value is None


def test_unlimited_revenue_with_a_revenue_share_cost_is_an_unlimited_net_value():
    # (found by hypothesis) ARPU growing 25% a month, churn 50% (finite: 1.25 x 0.5 < 1); annual billing
    # with 50% renewal is 5.6% a month, so revenue has no limit, and so has the 3.125% revenue-share cost.
    # Each unit of revenue keeps margin - share = 0.5 - 0.03125 > 0: the net value is +inf, not inf - inf.
    base = clv.Assumptions(
        arpu=1.0, gross_margin=0.5, monthly_churn=0.5, cac=0.0, annual_discount_rate=0.0, monthly_expansion=0.25
    )
    annual = Campaign("C0", revenue_share_cost=0.03125, annual_billing=AnnualBilling(discount=0.0, renewal_rate=0.5))
    r = evaluate_scenario(base, [annual])
    assert r.ltv == math.inf and r.campaign_cost == math.inf and r.net_value == math.inf
    assert evaluate_scenario(base, [annual, Campaign("Nothing", reach=0.0)]).net_value == math.inf
    costly = Campaign("C1", revenue_share_cost=0.75, annual_billing=AnnualBilling(discount=0.0, renewal_rate=0.5))
    assert evaluate_scenario(base, [costly]).net_value == -math.inf  # keeps 0.5 - 0.75 < 0 of each unit


def test_unlimited_lifetime_with_a_monthly_cost_takes_the_sign_of_the_monthly_flow():
    # (found by hypothesis) sBG churn with alpha 2, beta 1, no discounting: a 50% churn cut makes alpha' = 1,
    # an expected lifetime without end; revenue and the monthly cost's months are both unlimited. Each
    # month keeps 0.5 x $1 of margin: a $1 monthly cost loses without limit, a $0.20 one gains.
    base = clv.Assumptions(
        arpu=1.0, gross_margin=0.5, monthly_churn=0.5, cac=0.0, annual_discount_rate=0.0, retention_curve=(2.0, 1.0)
    )
    assert math.isfinite(clv.evaluate(base).ltv)
    losing = evaluate_scenario(base, [Campaign("C0", churn_reduction=0.5, monthly_cost=1.0)])
    assert losing.ltv == math.inf and losing.campaign_cost == math.inf and losing.net_value == -math.inf
    gaining = evaluate_scenario(base, [Campaign("C0", churn_reduction=0.5, monthly_cost=0.2)])
    assert gaining.net_value == math.inf
    assert evaluate_scenario(base, [Campaign("C0", churn_reduction=0.5, monthly_cost=0.5)]).net_value is None


def test_no_shares_when_a_campaign_alone_is_unlimited_but_the_whole_scenario_is_not():
    # (found by hypothesis) ARPU +25% a month, churn 50%: a 62.5% churn cut alone makes the LTV unlimited
    # (1.25 x 0.8125 > 1), but with a campaign that raises churn by half it is 4.92. Shapley shares would be
    # -inf and +inf around a finite net value: they are not defined, and are None.
    base = clv.Assumptions(
        arpu=1.0, gross_margin=0.5, monthly_churn=0.5, cac=0.0, annual_discount_rate=0.0, monthly_expansion=0.25
    )
    r = evaluate_scenario(base, [Campaign("C0", churn_reduction=-0.5), Campaign("C2", churn_reduction=0.625)])
    assert r.ltv == pytest.approx(0.5 / (1 - 1.25 * (1 - 0.28125)))  # churn 0.5 x 1.5 x (1 - 0.625)
    assert math.isfinite(r.net_value) and r.attribution == {"C0": None, "C2": None}


def test_a_campaign_that_makes_ltv_unlimited():
    # Churn 50%, ARPU growing 25% a month: 1.25 x 0.5 < 1, finite. Cutting churn by 75% (to 12.5%):
    # 1.25 x 0.875 > 1, so every month is worth more than the last and the LTV has no limit.
    base = clv.Assumptions(arpu=1.0, gross_margin=0.5, monthly_churn=0.5, cac=0.0, monthly_expansion=0.25)
    assert clv.evaluate(base).ltv == pytest.approx(0.5 / (1 - 0.625))
    r = evaluate_scenario(base, [Campaign("C0", churn_reduction=0.75), Campaign("Nothing", reach=0.0)])
    assert r.ltv == math.inf and r.net_value == math.inf
    assert r.attribution["Nothing"] is None
    assert break_even(base, Campaign("C0", churn_reduction=0.75), "arpu_lift") is None  # no threshold


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    base=S.scenario_baselines(),
    r1=S.campaign_reach,
    r2=S.campaign_reach,
    lift=hs.floats(0, 1),
    cut=hs.floats(0, 0.9),
    points=hs.floats(0, 0.05),
    others=S.campaign_sets(min_size=0, max_size=2),
)
def test_more_reach_of_a_free_beneficial_campaign_never_lowers_ltv(base, r1, r2, lift, cut, points, others):
    low, high = sorted((r1, r2))
    make = lambda r: Campaign("Good", reach=r, arpu_lift=lift, churn_reduction=cut, margin_change=points)  # noqa: E731
    a, b = evaluate_scenario(base, [*others, make(low)]), evaluate_scenario(base, [*others, make(high)])
    assert b.ltv == math.inf if a.ltv == math.inf else b.ltv >= a.ltv - 1e-9 * max(1.0, abs(a.ltv))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    base=S.scenario_baselines(),
    campaign=S.campaign_sets(max_size=1),
    fld=hs.sampled_from(
        ["churn_reduction", "arpu_lift", "margin_change", "one_off_cost", "monthly_cost", "revenue_share_cost"]
    ),
)
@example(
    base=clv.Assumptions(
        arpu=1.0,
        gross_margin=0.5,
        monthly_churn=0.5,
        cac=0.0,
        annual_discount_rate=0.0,
        horizon_months=169,
        monthly_expansion=0.25,
    ),
    campaign=[Campaign("C0", one_off_cost=5.0, annual_billing=AnnualBilling(discount=0.0, renewal_rate=0.5))],
    fld="arpu_lift",
)  # a root at lift -1 + 7.8e-13 where net rises ~8e12 per unit of lift
def test_break_even_solutions_really_break_even(base, campaign, fld):
    c = campaign[0]
    value = break_even(base, c, fld)

    def net(x):
        return evaluate_scenario(base, [c.with_value(fld, x)]).net_value

    # break_even's documented search ranges: effects over their brackets, costs from 0 up
    low, high = {
        "churn_reduction": (-1.0, 1.0 - 1e-9),
        "arpu_lift": (-1.0, 10.0),
        "margin_change": (-base.gross_margin, 1.0 - base.gross_margin),
        "revenue_share_cost": (0.0, 1.0),
    }.get(fld, (0.0, math.inf))
    if value is None:
        # No threshold: the campaign as given makes the LTV unlimited, or it pays nowhere in the range
        # searched (a cost: it loses even for free; an effect: it loses at both ends of its bracket).
        ends = (low,) if fld.endswith("_cost") else (low, high)
        assert evaluate_scenario(base, [c]).ltv == math.inf or all(net(x) < 0 for x in ends)
    elif value == math.inf:
        # "its cost never matters (nobody reached)": even at the largest cost searched (the doublings end at
        # 2^63 x max(1, |net at no cost|)) the cost per acquired customer is lost in the LTV's rounding
        top = evaluate_scenario(base, [c.with_value(fld, max(1.0, abs(net(0.0))) * 2.0**63)])
        assert top.net_value >= 0 and top.campaign_cost <= 1e-12 * max(1.0, top.ltv)
    elif value == low or (fld == "revenue_share_cost" and value == 1.0) or c.reach == 0:
        r = evaluate_scenario(base, [c.with_value(fld, value)])
        assert r.net_value >= -1e-9 * max(1.0, r.ltv)  # pays across the whole bracket
    else:
        # A root: brentq stops within xtol + rtol |x| (1e-12 + 4 eps |x|) of a sign change, so the net value
        # left there is up to that distance times the slope, plus rounding in the value itself. The slope can
        # be huge (an annual plan renewing at 50% with ARPU growing 25% a month over 169 months is worth
        # ~8e12 per unit of ARPU lift: a net value of 5.7e-7 one xtol away), so the tolerance scales with it.
        r = evaluate_scenario(base, [c.with_value(fld, value)])
        step = 1e-6 * max(1.0, abs(value))
        a, b = max(value - step, low), min(value + step, high)
        slope = abs(net(b) - net(a)) / (b - a)  # |d net / dx| near the root
        solver = 2 * (1e-12 + 4 * np.finfo(float).eps * abs(value)) * slope  # 2: slack on the slope
        assert abs(r.net_value) <= 1e-7 * max(1.0, r.ltv, r.baseline.ltv) + solver


def test_engine_sums_agree_with_explicit_months_for_mixed_segments():
    # A direct check of the tails: four segments (monthly/annual, churn factors) summed month by month.
    base = engine.Base("first_month", 0.05, 0.3, 1.0, 1.0, 0.004, 0.006)
    seg = engine.Segments(
        np.array([1.0, 0.7, 1.0, 0.5]),
        np.array([False, False, True, True]),
        np.array([1.0, 1.0, 0.6, 0.8]),
        np.array([1.0, 1.0, 10.2, 9.0]),
    )
    for h in (None, 5, 12, 13, 30, 251):
        u, a = engine.sums(base, seg, h)
        t = np.arange(h or 20_000, dtype=float)
        rev, s = engine.flows(base, seg, t)
        v = 1.006**-t
        np.testing.assert_allclose(u, (rev * v).sum(-1), rtol=1e-11)
        np.testing.assert_allclose(a, (s * v).sum(-1), rtol=1e-11)


def test_continued_fraction_and_its_chebyshev_interpolation():
    # 2F1(1, b; c; x) by continued fraction against scipy where scipy is reliable (b < 150) and against
    # a long direct sum where scipy overflows (b = 300); the Chebyshev path against the fraction itself.
    from scipy.special import hyp2f1

    for x in (0.3, 0.9, 0.99, 0.997):
        for b, a in ((13.0, 0.5), (14.0, 2.0), (12.5, 7.0)):
            assert float(engine.hyp1(b, b + a, x)) == pytest.approx(hyp2f1(1.0, b, b + a, x), rel=1e-12)
    j = np.arange(200_000, dtype=float)
    direct = np.exp(gammaln(300 + j) - gammaln(300) + gammaln(302) - gammaln(302 + j) + j * np.log(0.99)).sum()
    assert float(engine.hyp1(300.0, 302.0, 0.99)) == pytest.approx(direct, rel=1e-12)
    base = engine.Base("sbg", 0.05, 0.05, 1.2, 6.0, 0.005, 0.008)
    k = np.random.default_rng(0).uniform(0.3, 1.3, (2000, 8))
    fast = engine._sbg_hyp(base, k, np.ones(k.shape, bool), 12, 0.997)
    a, b = engine._sbg_params(base, k[:40])
    np.testing.assert_allclose(fast[:40], engine.hyp1(b + 12, a + b + 12, 0.997), rtol=1e-12)
