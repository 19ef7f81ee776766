"""Gamma-Gamma: the published full marginal likelihood, information criteria, and spend it must refuse."""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

from clv.errors import FitError, InputError
from clv.models import GammaGamma

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def cdnow():
    return pd.read_csv(DATA / "cdnow_customers_summary_with_transactions.csv")


@pytest.fixture(scope="module")
def fitted(cdnow):
    return GammaGamma().fit(cdnow["x"], cdnow["zbar"])


def test_log_likelihood_and_estimates_match_lifetimes_and_clvtools_on_cdnow(fitted):
    # lifetimes' GammaGammaFitter and CLVTools on the 946 CDNOW repeat buyers: LL = -4055.92 (the density of
    # the mean spend m_x given x, Fader, Hardie & Lee 2005 "RFM and CLV"); p = 6.25, q = 3.74, v = 15.44,
    # v asserted to 0.015 as lifetimes' own test does. The old constant (x ln x - ln m) gave -809.27.
    assert fitted.n_customers == 946
    assert fitted.log_likelihood == pytest.approx(-4055.92, abs=0.01)
    p = fitted.params
    assert (round(p["p"], 2), round(p["q"], 2)) == (6.25, 3.74)
    assert abs(p["v"] - 15.44) < 0.015


def test_log_likelihood_is_the_density_of_the_mean_spend_integrated_over_customers():
    # independent of the closed form: zbar | nu ~ Gamma(shape px, rate nu x) (the mean of x Gamma(p, nu)
    # spends) and nu ~ Gamma(shape q, rate v); integrate the product over nu numerically, customer by customer
    x = np.array([1.0, 2.0, 3.0, 5.0, 8.0, 1.0, 2.0, 4.0, 6.0, 3.0, 1.0, 7.0])
    m = np.array([20.0, 35.0, 18.5, 60.0, 22.0, 41.0, 27.5, 15.0, 30.0, 52.0, 12.0, 25.0])
    model = GammaGamma().fit(x, m)
    for p, q, v in ((6.0, 3.5, 15.0), (1.5, 2.2, 40.0)):
        total = 0.0
        for xi, mi in zip(x, m):
            density, _ = integrate.quad(
                lambda nu: stats.gamma.pdf(mi, p * xi, scale=1 / (nu * xi)) * stats.gamma.pdf(nu, q, scale=1 / v),
                0,
                np.inf,
                epsabs=0,
                epsrel=1e-12,
                limit=200,
            )
            total += math.log(density)
        assert model._loglik(np.array([p, q, v]), model._data) == pytest.approx(total, abs=1e-7)


def test_aic_and_bic_follow_from_the_full_likelihood(fitted):
    # AIC = 2k - 2 LL, BIC = k ln(n) - 2 LL with k = 3 parameters and n = 946 customers
    assert fitted.aic == pytest.approx(2 * 3 + 2 * 4055.92, abs=0.02)
    assert fitted.bic == pytest.approx(3 * math.log(946) + 2 * 4055.92, abs=0.02)
    assert fitted.aic == pytest.approx(6 - 2 * fitted.log_likelihood, rel=1e-15)
    assert fitted.bic == pytest.approx(3 * math.log(946) - 2 * fitted.log_likelihood, rel=1e-15)


def test_spend_that_does_not_settle_with_more_purchases_is_refused():
    # frequencies spread 1..99, average spend independent of frequency (lognormal, sigma 1): no sign that
    # averages over more purchases lie closer together, so p runs off (it returned p = 3.8e5, v = 3.8e-5
    # with NaN standard errors, and expected_spend was each customer's own mean)
    rng = np.random.default_rng(0)
    x = rng.integers(1, 100, 100).astype(float)
    m = rng.lognormal(3, 1, 100)
    model = GammaGamma()
    with pytest.raises(FitError) as err:
        model.fit(x, m)
    assert err.value.key == "models.errors.gg_not_identified"
    assert "p" in err.value.values["params"].split(", ")
    assert "cannot pin down" in str(err.value) and "own average spend" in str(err.value)
    assert model.params is None


def test_heavy_tailed_spend_with_an_infinite_mean_is_refused():
    # lognormal spend with sigma 3: the fit gives q = 0.40 <= 1, so the population's mean spend v p / (q - 1)
    # is infinite and every customer without a repeat purchase would be worth inf
    rng = np.random.default_rng(1)
    x = rng.integers(1, 10, 500).astype(float)
    m = rng.lognormal(3, 3, 500)
    model = GammaGamma()
    with pytest.raises(FitError) as err:
        model.fit(x, m)
    assert err.value.key == "models.errors.infinite_mean_spend"
    assert float(err.value.values["q"]) <= 1
    assert "infinite" in str(err.value) and "outliers" in str(err.value)
    assert model.params is None


def test_expected_spend_is_the_posterior_mean_even_when_q_is_below_one():
    # E[Z | x, zbar] = p (v + x zbar) / (px + q - 1): finite for a repeat customer whenever px + q > 1;
    # p = 1, q = 0.5, v = 10, x = 2, zbar = 30: 1 x 70 / 1.5. Without repeats it is the (infinite) mean.
    model = GammaGamma()
    model.params = {"p": 1.0, "q": 0.5, "v": 10.0}
    assert model.expected_spend(2, 30.0) == pytest.approx(70 / 1.5)
    assert model.expected_spend(0, 0.0) == math.inf


def test_qualifying_customers_are_counted_in_plain_words():
    # one repeat buyer: "1 customer qualifies", not "1 of 1 qualify"; nobody: "none of the 20"
    with pytest.raises(FitError, match=r"at least 10 customers .*; only 1 customer qualifies \(of 1\)"):
        GammaGamma().fit([3], [25.0])
    with pytest.raises(FitError, match="none of the 20 customers did"):
        GammaGamma().fit(np.zeros(20), np.zeros(20))


def test_lengths_that_do_not_match_name_the_field():
    with pytest.raises(InputError) as err:
        GammaGamma().fit([1, 2, 3], [10.0, 20.0])
    assert err.value.field == "monetary_value"
    assert str(err.value) == (
        "monetary_value must be as long as frequency (3 values, one per customer) or a single value; got 2."
    )
    with pytest.raises(InputError) as err:
        GammaGamma().fit(np.arange(1, 13), np.linspace(10, 40, 12), weights=[1.0, 2.0])
    assert err.value.field == "weights"
