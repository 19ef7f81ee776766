"""The shared fit engine (clv.models.base): every fit bounded in time and iterations, no silent success at a
boundary, messages in plain words, inputs checked as customer histories."""

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings

from clv import rfm
from clv.errors import FitError, InputError
from clv.models import (
    BetaGeo,
    BetaGeoBetaBinom,
    GammaGamma,
    Model,
    ModifiedBetaGeo,
    ParetoNBD,
    ShiftedBetaGeometric,
    base,
)
from clv.models.base import check_rfm
from tests import strategies

DATA = Path(__file__).parent / "data"
SCIPY_WORDS = ("CONVERGENCE", "ABNORMAL", "PGTOL", "FACTR", "LINE SEARCH")
TEN = (
    [0, 1, 2, 3, 0, 5, 1, 0, 2, 4, 0, 1],
    [0, 5, 20, 30, 0, 35, 9, 0, 11, 30, 0, 2],
    [40, 38, 36, 40, 39, 40, 35, 30, 38, 39, 40, 40],
)  # the BG/NBD docstring's twelve customers


@pytest.fixture(scope="module")
def cdnow():
    return pd.read_csv(DATA / "cdnow_customers_summary_with_transactions.csv")


class Bowl(Model):
    """A toy model: LL = -W sum_i (ln p_i - c_i)^2, maximised at p = exp(c); optional analytic gradient."""

    name = "model"
    param_names = ("mu", "sigma")
    centre = np.array([1.0, -0.5])
    delay = 0.0  # seconds slept in every evaluation
    gradient_offset = None  # an analytic gradient, wrong by this much (None: no analytic gradient)

    def fit(self, n=20):
        return self._fit({"w": np.ones(n)}, float(n))

    def _loglik(self, params, data, grad=False):
        time.sleep(self.delay)
        d = np.log(params) - self.centre
        value = -data["w"].sum() * float(d @ d)
        if not grad:
            return value
        if self.gradient_offset is None:
            return value, None
        return value, -2 * data["w"].sum() * d / params + self.gradient_offset


class Banana(Bowl):
    """Rosenbrock's valley in the log-parameters, LL = -W [(1 - u)^2 + 100 (v - u^2)^2], u, v = ln p: an
    optimiser needs dozens of steps from (0, 0) to its maximum at (1, 1)."""

    def _loglik(self, params, data, grad=False):
        u, v = np.log(params)
        value = -data["w"].sum() * ((1 - u) ** 2 + 100 * (v - u * u) ** 2)
        return (value, None) if grad else value


def _all_recency_at_t():
    """Every repeat buyer bought last at the very end: no sign that anybody dropped out."""
    rng = np.random.default_rng(0)
    big_t = rng.uniform(10, 50, 200).round()
    x = rng.integers(0, 5, 200).astype(float)
    return x, np.where(x > 0, big_t, 0.0), big_t


def _slow(cls, delay):
    class Slow(cls):
        def _loglik(self, params, data, grad=False):
            time.sleep(delay)
            return super()._loglik(params, data, grad=grad)

    return Slow


# ---------------------------------------------------------------------- bounded in time and iterations
def test_a_slow_likelihood_is_stopped_at_max_seconds():
    slow = type("SlowBowl", (Bowl,), {"delay": 0.02})
    model = slow(max_seconds=0.1)
    started = time.monotonic()
    with pytest.raises(FitError) as err:
        model.fit()
    assert time.monotonic() - started < 1.0  # stopped after about 0.1 s (+ one evaluation)
    assert err.value.key == "models.errors.too_slow"
    assert str(err.value) == (
        "Model was stopped after 0.1 seconds, the time one fit may take, before it had "
        "finished (20 customers). Try fewer customers (for example a sample), a longer "
        "calibration period, or another model (BG/NBD is the fastest)."
    )
    assert model.params is None
    # the bound is per fit: the same model, fast again, fits
    model.delay = 0.0
    assert model.fit().params["mu"] == pytest.approx(np.e, rel=1e-6)


@pytest.mark.parametrize(
    "cls, args",
    [
        (BetaGeo, "rfm"),
        (ModifiedBetaGeo, "rfm"),
        (ParetoNBD, "rfm"),
        (GammaGamma, "spend"),
        (BetaGeoBetaBinom, "bgbb"),
        (ShiftedBetaGeometric, "sbg"),
    ],
)
def test_every_model_fit_is_bounded_by_its_max_seconds(cdnow, cls, args):
    # each likelihood evaluation sleeps 20 ms; with max_seconds 0.1 every model stops within a few
    # evaluations, whatever optimiser path it takes (a class attribute lowers the bound as well)
    inputs = {
        "rfm": (cdnow["x"], cdnow["t_x"], cdnow["T"]),
        "spend": (cdnow["x"], cdnow["zbar"]),
        "bgbb": ([0, 1, 2, 3, 3, 4, 5, 6, 1, 2, 0, 6], [0, 1, 4, 5, 6, 6, 6, 6, 3, 2, 0, 6], 6),
        "sbg": ([1000, 631, 468, 382, 326, 289, 262, 241],),
    }[args]
    slow = _slow(cls, 0.02)
    started = time.monotonic()
    with pytest.raises(FitError) as err:
        slow(max_seconds=0.1).fit(*inputs)
    assert time.monotonic() - started < 2.0
    assert err.value.key == "models.errors.too_slow" and "0.1 seconds" in str(err.value)
    slow.max_seconds = 0.1
    with pytest.raises(FitError, match="stopped after 0.1 seconds"):
        slow().fit(*inputs)


def test_max_seconds_must_be_a_positive_number():
    for bad in (0, -1.0, float("nan"), float("inf"), "20"):
        with pytest.raises(InputError) as err:
            BetaGeo(max_seconds=bad)
        assert err.value.field == "max_seconds"


def test_an_optimiser_at_its_iteration_cap_says_so(monkeypatch):
    # caps of 3 steps per stage: Rosenbrock's valley takes dozens; with the real caps it fits
    monkeypatch.setattr(base, "LBFGSB_MAX_ITERATIONS", 3)
    monkeypatch.setattr(base, "NELDER_MEAD_MAX_ITERATIONS", 3)
    monkeypatch.setattr(base, "BFGS_MAX_ITERATIONS", 3)
    with pytest.raises(FitError) as err:
        Banana().fit()
    assert err.value.key == "models.errors.iteration_limit"
    assert str(err.value).startswith("Model did not converge within 3 optimiser steps, the most one fit may take")
    monkeypatch.undo()
    assert Banana().fit().params["mu"] == pytest.approx(np.e, rel=1e-4)


# ---------------------------------------------------------------------- messages in plain words
def test_a_likelihood_that_is_not_a_number_at_the_start_says_so():
    # it used to read "did not converge (CONVERGENCE: NORM OF PROJECTED GRADIENT <= PGTOL)"
    nan = type("NanBowl", (Bowl,), {"_loglik": lambda self, params, data, grad=False: float("nan")})
    with pytest.raises(FitError) as err:
        nan().fit()
    assert err.value.key == "models.errors.nan_start"
    assert "its likelihood is not a number at the starting values (mu = 1, sigma = 1)" in str(err.value)
    assert not any(word in str(err.value) for word in SCIPY_WORDS)


def test_an_optimiser_that_cannot_improve_says_so_in_plain_words():
    # an analytic gradient that is off by a constant: no step improves, the slope never reaches zero
    # (scipy's own text was "ABNORMAL: ", or "ABNORMAL_TERMINATION_IN_LNSRCH")
    wrong = type("WrongBowl", (Bowl,), {"gradient_offset": np.array([5.0, 0.0])})
    with pytest.raises(FitError) as err:
        wrong().fit()
    assert err.value.key == "models.errors.not_converged"
    assert "could not improve the fit any further" in str(err.value)
    assert float(err.value.values["slope"]) > base.GRADIENT_TOLERANCE
    assert not any(word in str(err.value) for word in SCIPY_WORDS)


# ---------------------------------------------------------------------- never a silent success at a boundary
@pytest.mark.parametrize("cls", [BetaGeo, ModifiedBetaGeo, ParetoNBD])
def test_every_recency_at_t_is_refused_not_fitted_at_the_boundary(cls):
    # nobody has dropped out: the dropout parameters run off (BG/NBD returned a = 1.6e-8, NaN errors)
    model = cls()
    with pytest.raises(FitError) as err:
        model.fit(*_all_recency_at_t())
    assert err.value.key in ("models.errors.not_identified", "models.errors.boundary")
    named = err.value.values.get("params", err.value.values.get("param", "")).split(", ")
    assert set(named) & {"a", "b", "s", "beta"}
    assert "cannot pin" in str(err.value) and not any(word in str(err.value) for word in SCIPY_WORDS)
    assert model.params is None


@pytest.mark.parametrize("cls", [BetaGeo, ModifiedBetaGeo, ParetoNBD])
def test_a_refit_that_fails_leaves_no_old_estimates(cdnow, cls):
    # CDNOW is pinned down (finite errors, accepted); the same model refitted where it is not keeps nothing
    model = cls().fit(cdnow["x"], cdnow["t_x"], cdnow["T"])
    assert model.hessian_ok and all(np.isfinite(list(model.standard_errors.values())))
    with pytest.raises(FitError):
        model.fit(*_all_recency_at_t())
    assert model.params is None and model.log_likelihood is None and model.covariance is None
    with pytest.raises(FitError, match="has not been fitted"):
        model.p_alive(1, 5, 10)


def test_only_a_ratio_identified_is_refused_for_every_kind_of_model():
    # MBG/NBD on twelve customers: r and alpha ran off together (r = 5.0e6, alpha = 4.6e7: only r / alpha,
    # the purchase rate, is determined); BG/BB where half buy at every opportunity and half at every other:
    # gamma ran off to 2e-4. An estimate that far out (beyond 1e3 or 1e-3) whose interval reaches the bound
    # is refused. (FH 2007's "regular" cohort, with heterogeneity, is still fitted.)
    assert ShiftedBetaGeometric().fit([1000, 631, 468, 382, 326, 289, 262, 241]).hessian_ok
    cases = [
        (ModifiedBetaGeo(), TEN, {"r", "alpha"}),
        (BetaGeoBetaBinom(), (np.r_[np.full(50, 6), np.full(50, 3)], np.full(100, 6), 6), {"gamma"}),
    ]
    for model, args, names in cases:
        with pytest.raises(FitError) as err:
            model.fit(*args)
        assert err.value.key == "models.errors.not_identified", model
        assert set(err.value.values["params"].split(", ")) == names
        assert model.params is None


def test_a_moderate_estimate_with_a_wide_interval_is_a_fit_reported_with_that_interval(cdnow):
    """Only a ratio is sharp, but the estimates are the likelihood's maximum and moderate: a fit, as lifetimes
    gives, with the wide interval the page shows. sBG on a cohort losing exactly 20% a period (no
    heterogeneity): alpha 177, beta 705, alpha / (alpha + beta) = 0.2; BG/NBD on 1,000 CDNOW customers
    (a tests/data/robustness resample): a = 47, b = 195."""
    sbg = ShiftedBetaGeometric().fit([1000, 800, 640, 512, 410, 328, 262, 210])
    alpha, beta = sbg.params["alpha"], sbg.params["beta"]
    assert alpha / (alpha + beta) == pytest.approx(0.2, abs=1e-3) and sbg.standard_errors["alpha"] > alpha
    from tests import robustness

    data = robustness.data_set("bgnbd/resample/1000-4")
    bg = BetaGeo().fit(data["x"], data["tx"], data["T"])
    assert bg.params["a"] == pytest.approx(46.97, rel=1e-3) and bg.params["b"] == pytest.approx(195.48, rel=1e-3)
    low, high = bg.confidence_intervals["a"]
    assert low < 1e-6 and high > 1e9


def test_a_parameter_at_the_bound_is_named_not_abnormal():
    # BG/BB where half the donors give at every opportunity and half never: gamma runs to the lower bound;
    # this read "BG/BB did not converge (ABNORMAL: )"
    with pytest.raises(FitError) as err:
        BetaGeoBetaBinom().fit(np.r_[np.full(50, 6), np.zeros(50)], np.r_[np.full(50, 6), np.zeros(50)], 6)
    assert err.value.key == "models.errors.boundary"
    assert err.value.values["param"] == "gamma" and float(err.value.values["value"]) < 1e-7
    assert not any(word in str(err.value) for word in SCIPY_WORDS)


# ---------------------------------------------------------------------- inputs checked as customer histories
@pytest.mark.parametrize("cls", [BetaGeo, ModifiedBetaGeo, ParetoNBD])
def test_no_repeat_purchase_with_a_recency_is_refused(cdnow, cls):
    # one such customer moved the Pareto/NBD fit from s = 0.6059 to 0.615 and MBG/NBD P(alive) 0.417 -> 0.558
    x, tx, big_t = (np.r_[cdnow[c].to_numpy(dtype=float), v] for c, v in (("x", 0), ("t_x", 5.0), ("T", 38.86)))
    with pytest.raises(InputError) as err:
        cls().fit(x, tx, big_t)
    assert err.value.field == "recency"
    assert str(err.value) == (
        "recency must be 0 when frequency is 0 (a customer without repeat purchases has no recency); got 5."
    )


@pytest.mark.parametrize("cls", [BetaGeo, ModifiedBetaGeo, ParetoNBD])
def test_repeat_purchases_without_a_recency_are_refused(cls):
    x, tx, big_t = (np.array(a, dtype=float) for a in TEN)
    x[0], tx[0] = 2, 0.0
    with pytest.raises(InputError) as err:
        cls().fit(x, tx, big_t)
    assert err.value.field == "recency"
    assert str(err.value) == (
        "recency must be more than 0 when frequency is more than 0 (2 here): a repeat "
        "purchase comes on a later day or period than the first; got 0."
    )


def test_t_is_zero_or_more_and_zero_only_without_repeats(cdnow):
    # T = 0 is a customer whose first purchase is on the last day (clv.rfm.summarize gives 19 in the sample
    # transactions): allowed, and it adds nothing to the likelihood; the message no longer says "more than zero"
    with pytest.raises(InputError, match=r"^T must be a finite number, zero or more; got -1\.$"):
        BetaGeo().fit([0, 1], [0, 1], [-1, 5])
    with pytest.raises(InputError, match="recency must be more than 0 when frequency is more than 0"):
        BetaGeo().fit(*(np.r_[np.array(a, dtype=float), v] for a, v in zip(TEN, (1, 0, 0))))
    plain = BetaGeo().fit(cdnow["x"], cdnow["t_x"], cdnow["T"])
    more = BetaGeo().fit(
        np.r_[cdnow["x"], np.zeros(5)], np.r_[cdnow["t_x"], np.zeros(5)], np.r_[cdnow["T"], np.zeros(5)]
    )
    assert more.n_customers == 2362 and more.log_likelihood == pytest.approx(plain.log_likelihood, abs=1e-6)


def test_lengths_and_weights_that_do_not_match_name_the_field(cdnow):
    with pytest.raises(InputError) as err:
        BetaGeo().fit([1, 2, 3], [1, 2], [5, 5, 5])
    assert err.value.field == "recency"
    assert (
        str(err.value) == "recency must be as long as frequency (3 values, one per customer) or a single value; got 2."
    )
    with pytest.raises(InputError) as err:
        BetaGeo().fit(*TEN, weights=[1.0, 2.0])
    assert (err.value.field, err.value.value) == ("weights", 2)
    with pytest.raises(InputError) as err:
        BetaGeoBetaBinom().fit([1, 2, 0], [2, 3, 0], 6, weights=[5.0, 1.0])
    assert err.value.field == "weights"
    fitted = BetaGeo().fit(cdnow["x"], cdnow["t_x"], cdnow["T"])
    with pytest.raises(InputError) as err:
        fitted.p_alive([1, 2], [1.0, 2.0, 3.0], 39)
    assert err.value.field == "recency"
    # a single value for all is still fine
    assert np.asarray(fitted.p_alive([1, 2], [1.0, 2.0], 39)).shape == (2,)


def test_real_summaries_are_customer_histories():
    # the app's summaries come from clv.rfm.summarize: two purchases on one day merge (x = 0, recency 0), a
    # repeat on a later day has recency > 0; the sample transactions pass whole and at a calibration end
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b", "b", "c"],
            "date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-01", "2024-01-03", "2024-01-05"]),
            "amount": [10.0, 5.0, 8.0, 9.0, 7.0],
        }
    )
    s = rfm.summarize(tx, "customer_id", "date", "amount")
    assert s[["frequency", "recency", "T"]].values.tolist() == [[0, 0, 4], [1, 2, 4], [0, 0, 0]]
    check_rfm(s["frequency"], s["recency"], s["T"], history=True)
    sample = pd.read_csv(Path(__file__).parents[1] / "sample_data" / "transactions.csv", parse_dates=["date"])
    for cal in (None, "2025-04-30"):
        s = rfm.summarize(sample, "customer_id", "date", "amount", calibration_end=cal)
        check_rfm(s["frequency"], s["recency"], s["T"], history=True)
        assert (s["T"] == 0).any()  # customers first seen on the last day: T = 0 must stay allowed


@settings(max_examples=60, deadline=None)
@given(log=strategies.transaction_logs())
def test_every_summary_of_a_transaction_log_is_a_customer_history(log):
    for freq in ("D", "W"):
        s = rfm.summarize(log, "customer_id", "date", "amount", freq=freq)
        check_rfm(s["frequency"], s["recency"], s["T"], history=True)


def test_a_holdout_summary_is_checked_column_by_column():
    # clv.models.validation.validate: the calibration columns are customer histories, the holdout counts
    # whole numbers, the holdout length zero or more; the error names the column
    from clv.models.validation import validate

    model = BetaGeo().fit(*TEN)
    good = pd.DataFrame(
        {
            "frequency_cal": TEN[0],
            "recency_cal": TEN[1],
            "T_cal": TEN[2],
            "frequency_holdout": [0, 1, 2, 2, 0, 4, 0, 0, 1, 3, 1, 0],
            "duration_holdout": 40.0,
        }
    ).astype(float)
    assert validate(model, good).actual_total == 14
    for column, value, field in (
        ("recency_cal", 3.0, "recency_cal"),
        ("frequency_cal", 1.0, "recency_cal"),
        ("T_cal", -2.0, "T_cal"),
        ("frequency_holdout", 1.5, "frequency_holdout"),
        ("duration_holdout", -1.0, "duration_holdout"),
    ):
        bad = good.copy()
        bad.loc[0, column] = value  # customer 0 has frequency 0, recency 0, T 40
        with pytest.raises(InputError) as err:
            validate(model, bad)
        assert err.value.field == field, column
