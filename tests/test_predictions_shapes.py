"""Every prediction method of BG/NBD, MBG/NBD, BG/BB and sBG (and the CLV helper)
takes scalars or arrays and returns the same shape (a float for all-scalar input); horizons that are
not finite and >= 0, or months that are not whole and >= 1, are an InputError naming the field; at
a = 1 (BG/NBD, MBG/NBD) and gamma = 1 (BG/BB) the expected purchases are the limits of the closed forms."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import special

from clv.errors import InputError
from clv.models import BetaGeo, BetaGeoBetaBinom, ModifiedBetaGeo, ShiftedBetaGeometric, customer_lifetime_value

# published BG/NBD estimates, CDNOW 39 weeks (Fader, Hardie & Lee 2005)
BG = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
# lifetimes 0.11.3 ModifiedBetaGeoFitter on CDNOW (tests/test_models.py)
MBG = {"r": 0.5248377, "alpha": 6.1829885, "a": 0.8913563, "b": 1.6140000}
# published BG/BB estimates, donations (Fader, Hardie & Shang 2010)
BGBB = {"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783}
# published sBG estimates, regular cohort (Fader & Hardie 2007)
SBG = {"alpha": 0.704, "beta": 1.182}
NEAR = 1e-6  # a = 1 +- NEAR: the closed forms still hold there (their 0/0 is at 1 exactly)


def _model(cls, params):
    m = cls()
    m.params = dict(params)
    return m


def bg(**change):
    return _model(BetaGeo, {**BG, **change})


def mbg(**change):
    return _model(ModifiedBetaGeo, {**MBG, **change})


def bgbb(**change):
    return _model(BetaGeoBetaBinom, {**BGBB, **change})


def sbg():
    return _model(ShiftedBetaGeometric, SBG)


# (label, model factory, method, one valid scalar argument tuple, a second one of the same kind)
CALLS = [
    ("bg.p_alive", bg, "p_alive", (2, 30.43, 38.86), (0, 0.0, 38.86)),
    ("bg.expected_purchases", bg, "expected_purchases", (39.0, 2, 30.43, 38.86), (52.0, 5, 35.0, 38.86)),
    ("bg.expected_purchases_new_customer", bg, "expected_purchases_new_customer", (39.0,), (78.0,)),
    ("bg.probability_of_purchases", bg, "probability_of_purchases", (2, 39.0), (0, 78.0)),
    ("mbg.p_alive", mbg, "p_alive", (2, 30.43, 38.86), (0, 0.0, 38.86)),
    ("mbg.expected_purchases", mbg, "expected_purchases", (39.0, 2, 30.43, 38.86), (52.0, 5, 35.0, 38.86)),
    ("mbg.expected_purchases_new_customer", mbg, "expected_purchases_new_customer", (39.0,), (78.0,)),
    ("mbg.probability_of_purchases", mbg, "probability_of_purchases", (2, 39.0), (0, 78.0)),
    ("bgbb.p_alive", bgbb, "p_alive", (3, 5, 6), (0, 0, 6)),
    ("bgbb.expected_purchases", bgbb, "expected_purchases", (5, 3, 5, 6), (2, 6, 6, 6)),
    ("bgbb.expected_purchases_new_customer", bgbb, "expected_purchases_new_customer", (6,), (11,)),
    ("bgbb.probability_of_purchases", bgbb, "probability_of_purchases", (2, 6), (0, 6)),
    ("sbg.survival", sbg, "survival", (3,), (7,)),
    ("sbg.churn_probability", sbg, "churn_probability", (1,), (4,)),
    ("sbg.retention_rate", sbg, "retention_rate", (1,), (12,)),
    ("sbg.discounted_expected_lifetime", sbg, "discounted_expected_lifetime", (0.1,), (0.2,)),
    ("sbg.discounted_expected_residual_lifetime", sbg, "discounted_expected_residual_lifetime", (0.1, 0), (0.2, 3)),
]
IDS = [c[0] for c in CALLS]


@pytest.mark.parametrize("label, factory, method, one, two", CALLS, ids=IDS)
def test_scalars_give_a_float_and_arrays_their_shape(label, factory, method, one, two):
    f = getattr(factory(), method)
    a, b = f(*one), f(*two)
    assert type(a) is float and type(b) is float and math.isfinite(a) and math.isfinite(b), (a, b)
    # a list of the two calls, element by element, gives the two values in that shape
    pair = f(*([u, v] for u, v in zip(one, two)))
    assert isinstance(pair, np.ndarray) and pair.shape == (2,)
    np.testing.assert_allclose(pair, [a, b], rtol=1e-12)
    # a 2x3 grid (pandas and NumPy alike) keeps its shape, every cell equal to its scalar call
    grid = [np.array([[u, v, u], [v, u, v]]) for u, v in zip(one, two)]
    out = f(*grid)
    assert out.shape == (2, 3)
    np.testing.assert_allclose(out, [[a, b, a], [b, a, b]], rtol=1e-12)
    series = f(*(pd.Series([u, v]) for u, v in zip(one, two)))
    np.testing.assert_allclose(np.asarray(series), [a, b], rtol=1e-12)


@pytest.mark.parametrize("factory", [bg, mbg], ids=["bgnbd", "mbgnbd"])
def test_a_scalar_history_the_special_function_struggles_with_is_a_float(factory):
    # bg.expected_purchases(39, 5000, 38.0, 38.6) raised TypeError ('numpy.float64' object does
    # not support item assignment) where 2F1 needs Euler's transformation; the array call always worked
    m = factory()
    value = m.expected_purchases(39, 5000, 38.0, 38.6)
    assert type(value) is float and math.isfinite(value)
    assert value == pytest.approx(m.expected_purchases([39], [5000], [38.0], [38.6])[0], rel=1e-12)
    # the same by its definition: P(alive) x the new-customer formula with the posterior r+x, alpha+T
    from clv.models.betageo import repeat_purchases

    extra = 0 if factory is bg else 1
    p = m.params
    by_hand = repeat_purchases(39.0, p["r"] + 5000, p["alpha"] + 38.6, p["a"], p["b"] + 5000 + extra) * m.p_alive(
        5000, 38.0, 38.6
    )
    assert value == pytest.approx(float(by_hand), rel=1e-12)


BAD_HORIZONS = [math.nan, -1.0, -0.001, math.inf]


@pytest.mark.parametrize("bad", BAD_HORIZONS)
@pytest.mark.parametrize("factory", [bg, mbg], ids=["bgnbd", "mbgnbd"])
def test_a_horizon_that_is_not_finite_and_non_negative_is_an_input_error(factory, bad):
    # A negative horizon returned a number (-0.199); NaN raised TypeError
    m = factory()
    calls = [
        lambda: m.expected_purchases(bad, 2, 30.43, 38.86),
        lambda: m.expected_purchases([39.0, bad], 2, 30.43, 38.86),
        lambda: m.expected_purchases_new_customer(bad),
        lambda: m.probability_of_purchases(1, bad),
    ]
    for call in calls:
        with pytest.raises(InputError) as err:
            call()
        assert err.value.field == "t" and err.value.allowed == "models.allowed.horizon"
        assert "finite length of time, zero or more" in str(err.value)


@pytest.mark.parametrize("bad", [math.nan, -1, 1.5])
def test_bgbb_and_sbg_periods_must_be_whole_and_non_negative(bad):
    m = bgbb()
    for field, call in (
        ("n_future", lambda: m.expected_purchases(bad, 3, 5, 6)),
        ("n", lambda: m.expected_purchases_new_customer(bad)),
        ("m_periods_in_future", lambda: m.p_alive(3, 5, 6, bad)),
        ("n", lambda: m.probability_of_purchases(1, bad)),
    ):
        with pytest.raises(InputError) as err:
            call()
        assert err.value.field == field
    s = sbg()
    for field, call in (
        ("t", lambda: s.survival(bad)),
        ("t", lambda: s.churn_probability(bad)),
        ("t", lambda: s.retention_rate(bad)),
        ("renewals", lambda: s.discounted_expected_residual_lifetime(0.1, bad)),
    ):
        with pytest.raises(InputError) as err:
            call()
        assert err.value.field == field


def test_sbg_periods_start_where_the_formula_does_and_rates_are_finite():
    s = sbg()
    for call in (lambda: s.churn_probability(0), lambda: s.retention_rate(0)):
        with pytest.raises(InputError) as err:
            call()
        assert err.value.allowed == "models.allowed.period_from_one"
    for call in (
        lambda: s.discounted_expected_lifetime(math.nan),
        lambda: s.discounted_expected_residual_lifetime(math.nan, 2),
    ):
        with pytest.raises(InputError) as err:
            call()
        assert err.value.field == "discount_rate"
    assert s.survival(0) == 1.0  # zero periods is allowed: the whole cohort


@pytest.mark.parametrize("months", [0, -3, 12.9, math.nan, "12"])
def test_clv_months_must_be_a_whole_number_from_one(months):
    # 0 and -3 months returned zeros, 12.9 was cut to 12
    s = pd.DataFrame({"frequency": [2.0], "recency": [30.43], "T": [38.86], "monetary_value": [22.35]})

    class Mean:
        def expected_spend(self, x, m):
            return 20.0 + 0 * np.asarray(x)

    with pytest.raises(InputError) as err:
        customer_lifetime_value(bg(), Mean(), s, months=months, freq="W")
    assert err.value.field == "months" and "whole number of months, 1 or more" in str(err.value)


def test_clv_of_one_row_equals_that_row_of_many():
    rows = pd.DataFrame(
        {
            "frequency": [2.0, 0.0, 5.0],
            "recency": [30.43, 0.0, 35.0],
            "T": [38.86, 38.86, 38.86],
            "monetary_value": [22.35, 0.0, 40.0],
        }
    )

    class Mean:
        def expected_spend(self, x, m):
            return 20.0 + 0 * np.asarray(x)

    whole = customer_lifetime_value(bg(), Mean(), rows, months=12.0, freq="W")
    assert whole.shape == (3,)
    for i in range(3):
        one = customer_lifetime_value(bg(), Mean(), rows.iloc[[i]], months=12, freq="W")
        assert one.shape == (1,) and one.iloc[0] == pytest.approx(whole.iloc[i], rel=1e-12)


# ---------------------------------------------------------------------- the limits at a = 1 and gamma = 1
def _bg_closed(t, r, alpha, a, b):
    """FHL 2005, eq. 9 by hand with scipy's 2F1 (valid for a != 1)."""
    z = t / (alpha + t)
    return (a + b - 1) / (a - 1) * (1 - (1 - z) ** r * special.hyp2f1(r, b, a + b - 1, z))


def _mbg_closed(t, r, alpha, a, b):
    """Batislam et al. 2007, E[X(t)] by hand (valid for a != 1)."""
    z = t / (alpha + t)
    return b / (a - 1) * (1 - (1 - z) ** r * special.hyp2f1(r, b + 1, a + b, z))


def _bg_limit_series(t, r, alpha, b, terms=20000):
    """lim a->1 of eq. 9: d/dc 2F1(r, b; c; z) at c = b gives b (1-z)^r sum_n (r)_n z^n/n! [psi(b+n) - psi(b)]."""
    z = t / (alpha + t)
    n = np.arange(terms)
    log_w = special.gammaln(r + n) - special.gammaln(r) - special.gammaln(n + 1) + n * np.log(z) + r * np.log1p(-z)
    return b * float(np.sum(np.exp(log_w) * (special.digamma(b + n) - special.digamma(b))))


@pytest.mark.parametrize("t", [0.5, 39.0, 78.0, 300.0])
def test_bgnbd_new_customer_at_a_equal_one_is_the_limit(t):
    # a = 1 raised ZeroDivisionError
    r, alpha, b = BG["r"], BG["alpha"], BG["b"]
    value = bg(a=1.0).expected_purchases_new_customer(t)
    assert value == pytest.approx(_bg_limit_series(t, r, alpha, b), rel=1e-12)
    below, above = _bg_closed(t, r, alpha, 1 - NEAR, b), _bg_closed(t, r, alpha, 1 + NEAR, b)
    # the closed form is smooth in a: its mean at 1 -+ 1e-6 is the value at 1 to O(1e-12), plus the hand
    # formula's own rounding, which 1e-6 from the 0/0 is amplified to about 1e-8
    assert value == pytest.approx((below + above) / 2, rel=1e-7)
    # and the model itself is continuous through a = 1: its values at 1 -+ 1e-6 straddle the limit and
    # average to it (they are integrated, with no rounding to amplify)
    m_below = bg(a=1 - NEAR).expected_purchases_new_customer(t)
    m_above = bg(a=1 + NEAR).expected_purchases_new_customer(t)
    assert min(m_below, m_above) < value < max(m_below, m_above)
    assert value == pytest.approx((m_below + m_above) / 2, rel=1e-11)
    assert m_above == pytest.approx(above, rel=1e-7) and m_below == pytest.approx(below, rel=1e-7)


@pytest.mark.parametrize("t", [0.5, 39.0, 78.0, 300.0])
def test_mbgnbd_new_customer_at_a_equal_one_is_the_limit(t):
    r, alpha, b = MBG["r"], MBG["alpha"], MBG["b"]
    value = mbg(a=1.0).expected_purchases_new_customer(t)
    # E[(1-p)/p ...] with p ~ Beta(1, b) is b/(1+b) x the BG/NBD's with b+1
    assert value == pytest.approx(b / (1 + b) * _bg_limit_series(t, r, alpha, b + 1), rel=1e-12)
    below, above = _mbg_closed(t, r, alpha, 1 - NEAR, b), _mbg_closed(t, r, alpha, 1 + NEAR, b)
    assert value == pytest.approx((below + above) / 2, rel=1e-7)
    m_below, m_above = (mbg(a=a).expected_purchases_new_customer(t) for a in (1 - NEAR, 1 + NEAR))
    assert value == pytest.approx((m_below + m_above) / 2, rel=1e-11)


@pytest.mark.parametrize("factory", [bg, mbg], ids=["bgnbd", "mbgnbd"])
def test_conditional_expectation_at_a_equal_one_is_continuous(factory):
    x, tx, big_t = [0, 2, 7], [0.0, 30.43, 35.0], 38.86
    at_one = factory(a=1.0).expected_purchases(39.0, x, tx, big_t)
    assert np.all(np.isfinite(at_one)) and np.all(at_one > 0)
    below = factory(a=1 - NEAR).expected_purchases(39.0, x, tx, big_t)
    above = factory(a=1 + NEAR).expected_purchases(39.0, x, tx, big_t)
    np.testing.assert_allclose(at_one, (below + above) / 2, rtol=1e-9)
    # at the edge of the band where it integrates (|a - 1| = 1e-4), the closed form and the integral agree
    np.testing.assert_allclose(
        factory(a=1.0001).expected_purchases(39.0, x, tx, big_t),
        factory(a=1.00009999).expected_purchases(39.0, x, tx, big_t),
        rtol=1e-8,
    )


@pytest.mark.parametrize("a, b", [(0.8, 0.2), (0.5, 0.5)])
def test_bgnbd_where_a_plus_b_is_one_is_finite(a, b):
    # at a + b = 1, eq. 9's 2F1(r, b; a+b-1; z) has its pole at c = 0, cancelled by the factor c: the
    # closed form gave NaN for a new customer (and for x = 0 in the conditional expectation)
    r, alpha = BG["r"], BG["alpha"]
    t = np.array([1.0, 39.0, 78.0])
    value = bg(a=a, b=b).expected_purchases_new_customer(t)
    # Richardson on the hand closed form at b -+ h and b -+ 2h: O(h^4) from the value at b itself
    limit = (4 * _bg_closed_b(t, r, alpha, a, b, 1e-3) - _bg_closed_b(t, r, alpha, a, b, 2e-3)) / 3
    np.testing.assert_allclose(value, limit, rtol=1e-8)
    # x = 0: P(alive) is 1 and the posterior is r, alpha + T, b, so E[Y(t)] is eq. 9 with alpha + T
    conditional = bg(a=a, b=b).expected_purchases(39.0, [0, 2], [0.0, 30.43], 38.86)
    assert np.all(np.isfinite(conditional))
    assert conditional[0] == pytest.approx(
        (4 * _bg_closed_b(39.0, r, alpha + 38.86, a, b, 1e-3) - _bg_closed_b(39.0, r, alpha + 38.86, a, b, 2e-3)) / 3,
        rel=1e-8,
    )


def _bg_closed_b(t, r, alpha, a, b, h):
    """The hand closed form's mean at b -+ h (it has no value at a + b = 1 itself)."""
    return (_bg_closed(t, r, alpha, a, b - h) + _bg_closed(t, r, alpha, a, b + h)) / 2


@pytest.mark.parametrize("b", [0.2, 200.0, 1e5])
def test_the_limit_holds_for_long_histories_and_any_b(b):
    # x = 1,000 puts b + x = 1,000+ in the posterior; QUADPACK's Beta weight fails for b near 1e5 (NaN),
    # so (1-p)^(b-1) moves into the integrand there; b < 1 keeps its end-point singularity in the weight
    m = {a: bg(r=5.0, alpha=0.5, a=a, b=b) for a in (1 - NEAR, 1.0, 1 + NEAR)}
    x, tx, big_t = [0, 3, 1000], [0.0, 0.5, 0.9], 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no IntegrationWarning either
        at = {a: model.expected_purchases([1e-3, 39.0, 1e4], x, tx, big_t) for a, model in m.items()}
        new = {a: model.expected_purchases_new_customer([1e-3, 39.0, 1e4]) for a, model in m.items()}
    for values in (at, new):
        assert np.all(np.isfinite(values[1.0])) and np.all(values[1.0] > 0)
        np.testing.assert_allclose(values[1.0], (values[1 - NEAR] + values[1 + NEAR]) / 2, rtol=1e-9)
    # a tiny horizon: E[X(t)] -> r t / alpha for a new customer (E[lambda] t; the next term is smaller by
    # about (r+1)/2 x t/alpha x E[p], under 1e-5 here)
    assert m[1.0].expected_purchases_new_customer(1e-6) == pytest.approx(5.0 * 1e-6 / 0.5, rel=1e-5)


@pytest.mark.parametrize("n", [1, 6, 11])
def test_bgbb_at_gamma_equal_one_is_the_limit(n):
    al, be, de = BGBB["alpha"], BGBB["beta"], BGBB["delta"]
    # lim gamma->1 of FHS 2010 eq. 9: alpha/(alpha+beta) delta [psi(1+delta+n) - psi(1+delta)]
    limit = al / (al + be) * de * (special.digamma(1 + de + n) - special.digamma(1 + de))
    assert bgbb(gamma=1.0).expected_purchases_new_customer(n) == pytest.approx(limit, rel=1e-13)

    def closed(g):  # FHS 2010 eq. 9 by hand (valid for gamma != 1)
        ratio = math.exp(math.lgamma(g + de) - math.lgamma(g + de + n) + math.lgamma(1 + de + n) - math.lgamma(1 + de))
        return al / (al + be) * de / (g - 1) * (1 - ratio)

    assert limit == pytest.approx((closed(1 - NEAR) + closed(1 + NEAR)) / 2, rel=1e-8)
    assert bgbb(gamma=1 + NEAR).expected_purchases_new_customer(n) == pytest.approx(closed(1 + NEAR), rel=1e-8)
    # conditional (eq. 13): continuous through gamma = 1 as well
    x, tx = [0, 3, 6], [0, 5, 6]
    at_one = bgbb(gamma=1.0).expected_purchases(n, x, tx, 6)
    below, above = (bgbb(gamma=g).expected_purchases(n, x, tx, 6) for g in (1 - NEAR, 1 + NEAR))
    np.testing.assert_allclose(at_one, (below + above) / 2, rtol=1e-9)
    assert np.all(at_one > 0)


def test_bgbb_closed_form_is_unchanged_away_from_gamma_one():
    # FHS 2010 eq. 9 and 13 by hand at the published estimates (gamma = 0.657)
    al, be, ga, de = BGBB["alpha"], BGBB["beta"], BGBB["gamma"], BGBB["delta"]
    lg = special.gammaln
    n = 6.0
    ratio = math.exp(lg(ga + de) - lg(ga + de + n) + lg(1 + de + n) - lg(1 + de))
    by_hand = al / (al + be) * de / (ga - 1) * (1 - ratio)
    m = bgbb()
    assert m.expected_purchases_new_customer(n) == pytest.approx(by_hand, rel=1e-12)
    x, tx, nn, ns = 3.0, 5.0, 6.0, 5.0
    like = math.exp(m._log_l((al, be, ga, de), np.array([x]), np.array([tx]), np.array([nn]))[0])
    eq13 = (
        1
        / like
        * math.exp(special.betaln(al + x + 1, be + nn - x) - special.betaln(al, be))
        * de
        / (ga - 1)
        * math.exp(lg(ga + de) - lg(1 + de))
        * (math.exp(lg(1 + de + nn) - lg(ga + de + nn)) - math.exp(lg(1 + de + nn + ns) - lg(ga + de + nn + ns)))
    )
    assert m.expected_purchases(ns, x, tx, nn) == pytest.approx(eq13, rel=1e-12)


def test_bgbb_histories_of_different_lengths_name_the_field():
    from clv.models import BetaGeoBetaBinom

    with pytest.raises(InputError) as err:
        BetaGeoBetaBinom().fit([1, 2, 0], [3, 4], 6)
    assert err.value.field == "recency"


def test_clv_refuses_a_history_that_cannot_happen():
    """A recency without a repeat purchase is refused by customer_lifetime_value (as by every fit)."""
    import pandas as pd

    from clv.models import BetaGeo, customer_lifetime_value

    bg = BetaGeo()
    bg.params = {"r": 0.24, "alpha": 4.41, "a": 0.79, "b": 2.43}
    spend = type("Spend", (), {"expected_spend": staticmethod(lambda x, m: 20.0 + 0 * x)})()
    bad = pd.DataFrame({"frequency": [0.0], "recency": [5.0], "T": [30.0], "monetary_value": [0.0]})
    with pytest.raises(InputError) as err:
        customer_lifetime_value(bg, spend, bad, months=12)
    assert err.value.field == "recency"
