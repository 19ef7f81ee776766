"""Unit economics: hand-worked reference values and invariants (clv.core)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

import clv
from clv import Assumptions, evaluate, ltv
from tests import strategies as S

BASE = dict(arpu=50, gross_margin=0.8, monthly_churn=0.05, cac=300)


# README reference values, worked by hand:
# LTV = 50 x 0.8 / 0.05 = 800; LTV:CAC = 800 / 300; payback = 300 / 40 = 7.5;
# churn-adjusted: q = 0.95, t = ln(1 - 300 x 0.05 / 40) / ln 0.95 = ln 0.625 / ln 0.95 = 9.1630.
def test_reference_no_discount():
    r = evaluate(Assumptions(**BASE))
    assert r.ltv == pytest.approx(800.0, abs=1e-9)
    assert r.revenue_ltv == pytest.approx(1000.0, abs=1e-9)
    assert r.ltv_to_cac == pytest.approx(2.667, abs=5e-4)
    assert r.payback_months == pytest.approx(7.5)
    assert r.payback_months_churn_adjusted == pytest.approx(9.163, abs=5e-4)
    assert r.expected_lifetime_months == pytest.approx(20.0)
    assert not r.meets_rule_of_thumb


# d = 1.1^(1/12) - 1 = 0.0079741; LTV = 40 x 1.0079741 / 0.0579741 = 695.46;
# q = 0.95 / 1.0079741 = 0.942485; t = ln(1 - 300 x 0.057515 / 40) / ln q = 9.530.
def test_reference_with_discount():
    r = evaluate(Assumptions(**BASE, annual_discount_rate=0.10))
    assert r.ltv == pytest.approx(695.46, abs=5e-3)
    assert r.payback_months_churn_adjusted == pytest.approx(9.530, abs=5e-4)
    assert r.payback_months == pytest.approx(7.5)  # the simple payback ignores churn and discounting


# 24 months: 695.46 x (1 - 0.942485^24) = 695.46 x 0.75869 = 527.64.
def test_reference_with_discount_and_horizon():
    r = evaluate(Assumptions(**BASE, annual_discount_rate=0.10, horizon_months=24))
    assert r.ltv == pytest.approx(527.64, abs=5e-3)
    assert len(r.months) == 24
    assert r.months["discounted_cumulative_margin"].iloc[-1] == pytest.approx(r.ltv, rel=1e-12)


# ARPU = 60 x 4 / 12 = 20; churn = 1 - 0.6^(1/12) = 0.041673; LTV = 20 x 0.3 / 0.041673 = 143.97.
def test_reference_from_purchases():
    a = Assumptions.from_purchases(60, 4, 0.3, 50, annual_retention=0.6)
    assert a.arpu == pytest.approx(20.0)
    assert a.monthly_churn == pytest.approx(1 - 0.6 ** (1 / 12))
    assert evaluate(a).ltv == pytest.approx(143.97, abs=5e-3)


# Lifespan form: 3 years -> churn 1/36; LTV = 20 x 0.3 x 36 = 216.
def test_from_purchases_lifespan():
    a = Assumptions.from_purchases(60, 4, 0.3, 50, lifespan_years=3)
    assert a.monthly_churn == pytest.approx(1 / 36)
    assert evaluate(a).ltv == pytest.approx(216.0)


@pytest.mark.parametrize("kwargs", [{}, {"annual_retention": 0.5, "lifespan_years": 2}])
def test_from_purchases_needs_exactly_one_lifetime(kwargs):
    with pytest.raises(clv.InputError, match="annual_retention"):
        Assumptions.from_purchases(60, 4, 0.3, 50, **kwargs)


@pytest.mark.parametrize(
    "field, value",
    [
        ("arpu", -1),
        ("gross_margin", 1.5),
        ("monthly_churn", 5),
        ("monthly_churn", -0.1),
        ("cac", -10),
        ("annual_discount_rate", -0.01),
        ("arpu", math.nan),
        ("cac", math.inf),
        ("arpu", "50"),
        ("horizon_months", 0),
        ("horizon_months", 2.5),
        ("horizon_months", True),
    ],
)
def test_invalid_inputs_name_the_field_and_value(field, value):
    with pytest.raises(clv.InputError) as err:
        Assumptions(**{**BASE, field: value})
    assert err.value.field == field
    assert field in str(err.value) and "got" in str(err.value)


def test_error_message_is_a_plain_sentence():
    with pytest.raises(clv.InputError) as err:
        Assumptions(**{**BASE, "monthly_churn": 5})
    assert str(err.value) == "monthly_churn must be between 0 and 1 (0.05 means 5%); got 5."
    assert err.value.message("en", label="Monthly churn (%)").startswith("Monthly churn (%) must be")


def test_zero_churn_no_discount_is_infinite_and_never_nan():
    r = evaluate(Assumptions(**{**BASE, "monthly_churn": 0.0}))
    assert r.ltv == math.inf and r.ltv_to_cac == math.inf
    assert r.expected_lifetime_months == math.inf
    assert r.payback_months_churn_adjusted == pytest.approx(7.5)  # no churn, no discount: 300 / 40
    # With a horizon it is finite: 40 x 60.
    assert evaluate(Assumptions(**{**BASE, "monthly_churn": 0.0, "horizon_months": 60})).ltv == pytest.approx(2400)


def test_payback_that_never_happens_is_none():
    # Margin 40 a month, churn 20%: LTV = 200 < CAC 300, so the expected margin never reaches CAC.
    r = evaluate(Assumptions(**{**BASE, "monthly_churn": 0.2}))
    assert r.ltv == pytest.approx(200.0) and r.payback_months_churn_adjusted is None
    # Zero margin: neither payback happens.
    r = evaluate(Assumptions(**{**BASE, "gross_margin": 0.0}))
    assert r.payback_months is None and r.payback_months_churn_adjusted is None and r.ltv == 0.0
    # A horizon shorter than the payback: none within the horizon (9.163 > 9).
    assert evaluate(Assumptions(**BASE, horizon_months=9)).payback_months_churn_adjusted is None
    assert evaluate(Assumptions(**BASE, horizon_months=10)).payback_months_churn_adjusted == pytest.approx(
        9.163, abs=5e-4
    )


def test_zero_cac():
    r = evaluate(Assumptions(**{**BASE, "cac": 0}))
    assert r.ltv_to_cac == math.inf and r.payback_months == 0.0 and r.payback_months_churn_adjusted == 0.0
    assert evaluate(Assumptions(arpu=0, gross_margin=0.8, monthly_churn=0.05, cac=0)).ltv_to_cac is None


def test_full_churn_pays_once():
    # Churn 100%: one payment at month 0, LTV = 40.
    r = evaluate(Assumptions(**{**BASE, "monthly_churn": 1.0}))
    assert r.ltv == pytest.approx(40.0) and r.expected_lifetime_months == pytest.approx(1.0)


def test_month_table_matches_closed_forms():
    r = evaluate(Assumptions(**BASE, annual_discount_rate=0.10))
    m = r.months
    assert list(m.columns) == [
        "month",
        "survival",
        "expected_margin",
        "discount_factor",
        "discounted_cumulative_margin",
        "cumulative_minus_cac",
    ]
    assert m["survival"].iloc[12] == pytest.approx(0.95**12)
    assert m["discount_factor"].iloc[12] == pytest.approx(1 / 1.1)  # one year out
    # After n payments the cumulative value is the n-month LTV.
    assert m["discounted_cumulative_margin"].iloc[23] == pytest.approx(527.64, abs=5e-3)
    assert (m["cumulative_minus_cac"] == m["discounted_cumulative_margin"] - 300).all()
    # The churn-adjusted payback falls between the 9th and 10th payment.
    assert m["discounted_cumulative_margin"].iloc[8] < 300 < m["discounted_cumulative_margin"].iloc[9]


def test_grid_is_vectorised_and_agrees_with_scalars():
    churn = np.linspace(0.01, 0.3, 200)
    arpu = np.linspace(1, 400, 200)
    grid = clv.ltv_to_cac(arpu[:, None], 0.8, churn[None, :], 300, 0.1, 36)
    assert grid.shape == (200, 200)
    i, j = 57, 143
    assert grid[i, j] == pytest.approx(ltv(arpu[i], 0.8, churn[j], 0.1, 36) / 300, rel=1e-12)
    assert clv.ltv_to_cac(50, 0.8, 0.05, 0) == math.inf


@given(a=S.arpu, m=S.margin, c=S.churn, bump=hs.floats(0.001, 0.5))
def test_ltv_never_rises_with_churn(a, m, c, bump):
    assert ltv(a, m, min(c + bump, 1.0)) <= ltv(a, m, c)


@given(a=S.arpu, m=S.margin, c=S.churn, d=S.annual_discount, bump=hs.floats(0.01, 0.5), h=hs.none() | S.horizon)
def test_ltv_rises_with_arpu_and_margin_falls_with_discount(a, m, c, d, bump, h):
    base = ltv(a, m, c, d, h)
    assert ltv(a * (1 + bump), m, c, d, h) >= base
    assert ltv(a, min(m + bump, 1.0), c, d, h) >= base
    assert ltv(a, m, c, d + bump, h) <= base * (1 + 1e-12)


@given(a=S.arpu, m=S.margin, c=S.churn, d=S.annual_discount, h=S.horizon)
def test_horizon_never_raises_ltv_and_converges(a, m, c, d, h):
    unlimited = ltv(a, m, c, d)
    assert ltv(a, m, c, d, h) <= unlimited * (1 + 1e-12)
    assert ltv(a, m, c, d, h) <= ltv(a, m, c, d, h + 1) * (1 + 1e-12)
    assert ltv(a, m, c, d, 100_000) == pytest.approx(unlimited, rel=1e-9)


@given(a=S.arpu, m=S.margin, c=S.churn, k=S.cac, d=S.annual_discount, h=hs.none() | S.horizon)
def test_churn_adjusted_payback_never_shorter_than_simple(a, m, c, k, d, h):
    r = evaluate(Assumptions(arpu=a, gross_margin=m, monthly_churn=c, cac=k, annual_discount_rate=d, horizon_months=h))
    if r.payback_months_churn_adjusted is not None:
        assert r.payback_months_churn_adjusted >= r.payback_months * (1 - 1e-12)
        # and at that point the closed-form cumulative margin equals CAC
        g, q = a * m, (1 - c) / (1 + clv.monthly_rate(d))
        t = r.payback_months_churn_adjusted
        reached = g * (1 - q**t) / (1 - q) if q < 1 and t > 1 else g * t
        assert reached == pytest.approx(k, rel=1e-9, abs=1e-9)


@settings(deadline=None)  # the sBG engine's first call is slower than the default deadline
@given(
    churn=hs.sampled_from([0.0, 0.01, 0.05, 0.3]),
    rate=hs.sampled_from([0.0, 0.1]),
    horizon=hs.sampled_from([None, 24]),
    kind=hs.sampled_from(["plain", "first", "sbg", "expansion"]),
    alpha=hs.floats(0.3, 3.0),
    growth=hs.floats(0.0, 0.5),
)
def test_infinite_reason_names_exactly_the_unlimited_cases(churn, rate, horizon, kind, alpha, growth):
    # The sBG curve (alpha 0.704) and expansion >= churn showed a message blaming zero churn.
    from clv.core import infinite_reason

    extra = {
        "first": {"first_month_churn": 0.2},
        "sbg": {"retention_curve": (alpha, 1.2)},
        "expansion": {"monthly_expansion": growth},
        "plain": {},
    }[kind]
    a = Assumptions(50, 0.8, churn, 300, annual_discount_rate=rate, horizon_months=horizon, **extra)
    reason = infinite_reason(a)
    assert math.isinf(evaluate(a).ltv) == (reason is not None)
    if reason == "zero_churn":
        assert churn == 0 and kind != "sbg"
    if kind == "sbg" and reason is not None:
        assert reason == "curve"
