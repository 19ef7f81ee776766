"""What every fitted model shares: log-parameters optimised with scipy, weights, the Hessian, a summary.

A model subclass declares ``name`` (a catalogue key under ``models.names``), ``param_names`` and
implements ``_loglik(params, data, grad)``: the *summed, weighted* log-likelihood at the natural
parameters, and (optionally) its gradient with respect to them. The base class does the rest:

- optimisation of ``theta = log(params)`` (so every parameter stays positive), on the log-likelihood
  per customer (sum / total weight) so that tolerances do not depend on the size of the customer base:
  BFGS and a polishing Newton step when the model has an analytic gradient, else L-BFGS-B with bounds
  on forward differences and a Newton step with central differences and the numeric Hessian;
- the Hessian of the negative log-likelihood in log-parameter space, by central differences of the
  analytic gradient (or of the log-likelihood itself when a model has none); the covariance of the
  natural parameters follows by the delta method, ``Cov(p) = D Cov(theta) D`` with ``D = diag(p)``
  (exact at the optimum, where the gradient is zero);
- 95% confidence intervals ``exp(theta +- 1.96 se(theta))``: Wald intervals on the log scale, which stay
  positive and are the natural ones for a log-parameterised fit;
- ``aic = 2k - 2 LL`` and ``bic = k ln(n) - 2 LL``, with n the number of customers (the total weight).

Fits never hang and never lie:

- every fit is bounded in time (``max_seconds``, by default MAX_FIT_SECONDS; checked before each
  evaluation of the likelihood, so a fit stops within one evaluation of it) and in iterations (each
  optimiser stage has its own cap: BFGS_MAX_ITERATIONS, LBFGSB_MAX_ITERATIONS,
  NELDER_MEAD_MAX_ITERATIONS); running past either is a FitError, never a half-finished model;
- a fit is returned only when the likelihood is a number at the start and at the end, the optimiser
  converged (gradient per customer under GRADIENT_TOLERANCE), no parameter ran off to the bound
  ``|log p| = LOG_PARAM_BOUND``, the Hessian is positive definite, and no parameter's 95% interval
  ``|log p| + 1.96 se(log p)`` reaches the bound: a parameter the data cannot pin down (only a ratio or
  a product with another identified, as p v in Gamma-Gamma when spend does not vary within customers)
  is a FitError naming it, not an estimate with NaN or astronomic standard errors;
- a summary of (frequency, recency, T) is checked as a customer history before any fit (``check_rfm``
  with ``history=True``).

Errors are ``clv.errors.FitError`` with a catalogue key under ``models.errors``, in plain words with
what to try; scipy's own messages never reach the user.
"""

from __future__ import annotations

import math
import numbers
import time
from abc import ABC, abstractmethod

import numpy as np
import pandas as pd
from scipy import optimize, special

from .. import i18n
from ..errors import FitError, InputError

Z_95 = 1.959963984540054  # two-sided 95% normal quantile
LOG_PARAM_BOUND = 18.0  # |log(param)| above this (param > 6.6e7 or < 1.5e-8): not identified
HESSIAN_STEP = 1e-4  # central-difference step in log-parameter space
MAX_FIT_SECONDS = 20.0  # a fit still running after this (seconds) stops: FitError models.errors.too_slow
BFGS_MAX_ITERATIONS = 500  # iteration cap of the BFGS stage (models with an analytic gradient)
LBFGSB_MAX_ITERATIONS = 2000  # iteration cap of each L-BFGS-B stage
NELDER_MEAD_MAX_ITERATIONS = 20000  # iteration cap of the derivative-free polish
OPTIMISER_OPTIONS = {"ftol": 1e-13, "gtol": 1e-9, "maxcor": 20}  # L-BFGS-B; maxiter: LBFGSB_MAX_ITERATIONS
GRADIENT_TOLERANCE = 1e-4  # |d LL/d log p| per customer above this after optimising: not converged
BFGS_GTOL = 1e-7  # BFGS stops at this gradient per customer; a Newton step then polishes
NEWTON_MAX_STEP = 0.1  # a polishing Newton step longer than this (in log-parameters) is not taken
EXTREME_LOG_PARAM = 6.9  # |log(param)| above this (param > 1e3 or < 1e-3): an estimate far out
RIDGE_SHARE = 0.3  # a parameter whose weight in a flat direction of the Hessian exceeds this is named
WALL = 1e100  # objective outside the bounds or where the likelihood is not a number


class Model(ABC):
    """Base class of the fitted models (BG/NBD, Pareto/NBD, MBG/NBD, BG/BB, Gamma-Gamma, sBG)."""

    name: str = "model"  # catalogue key under models.names
    param_names: tuple[str, ...] = ()
    min_customers: int = 10  # fewer than this: FitError("models.errors.too_few_customers")
    max_seconds: float = MAX_FIT_SECONDS  # time allowed for one fit; a subclass or an instance may lower it
    not_identified_key: str = "models.errors.not_identified"  # the FitError when the data cannot pin down a parameter

    def __init__(self, max_seconds: float | None = None):
        """``max_seconds`` (optional) replaces the class's time allowed for one fit (seconds, > 0), e.g.
        ``BetaGeo(max_seconds=5).fit(...)``; a fit still running then raises FitError models.errors.too_slow.

        >>> Toy = type("Toy", (Model,), {"_loglik": lambda self, params, data, grad=False: 0.0})
        >>> Toy().max_seconds, Toy(max_seconds=5).max_seconds
        (20.0, 5.0)
        """
        if max_seconds is not None:
            if (
                isinstance(max_seconds, bool)
                or not isinstance(max_seconds, numbers.Real)
                or not math.isfinite(max_seconds)
                or max_seconds <= 0
            ):
                raise InputError("max_seconds", max_seconds, "models.allowed.positive")
            self.max_seconds = float(max_seconds)
        self._clear()
        self._deadline: float | None = None  # time.monotonic() at which a running fit stops
        self._fit_customers = 0.0

    def _clear(self):
        """Forget any earlier fit (a refit that fails must not leave the old estimates in place)."""
        self.params: dict[str, float] | None = None
        self.log_likelihood: float | None = None
        self.n_customers: float | None = None
        self.covariance: np.ndarray | None = None
        self.log_covariance: np.ndarray | None = None
        self.hessian_ok: bool | None = None
        self._data: dict | None = None

    # ------------------------------------------------------------------ to implement
    @abstractmethod
    def _loglik(self, params: np.ndarray, data: dict, grad: bool = False):
        """Summed weighted log-likelihood at natural ``params``; with ``grad``, (value, d/dparams or None)."""

    def _initial(self, data: dict) -> np.ndarray:
        """Starting values of the natural parameters."""
        return np.ones(len(self.param_names))

    # ------------------------------------------------------------------ shared machinery
    @property
    def label(self) -> str:
        """The model's display name, e.g. 'BG/NBD'."""
        return i18n.text(f"models.names.{self.name}")

    def _require_fitted(self):
        if self.params is None:
            raise FitError("models.errors.not_fitted", model=self.label)

    def _p(self, *names: str) -> tuple[float, ...]:
        self._require_fitted()
        return tuple(self.params[n] for n in names)

    def _eval(self, params: np.ndarray, data: dict, grad: bool = False):
        """``_loglik`` behind the fit's time bound: every evaluation during a fit goes through here, and
        one asked for after the deadline raises FitError("models.errors.too_slow")."""
        if self._deadline is not None and time.monotonic() > self._deadline:
            raise FitError(
                "models.errors.too_slow",
                model=self.label,
                seconds=f"{self.max_seconds:g}",
                count=_count(self._fit_customers),
            )
        return self._loglik(params, data, grad=grad) if grad else self._loglik(params, data)

    def _objective(self, theta: np.ndarray, data: dict, total_weight: float, has_grad: bool):
        params = np.exp(theta)
        if has_grad:
            value, g = self._eval(params, data, grad=True)
            if not np.isfinite(value):
                return WALL, np.zeros_like(theta)
            return -value / total_weight, -(np.asarray(g) * params) / total_weight
        value = self._eval(params, data)
        if not np.isfinite(value):
            return WALL, np.zeros_like(theta)
        f0 = -value / total_weight
        return f0, _forward_gradient(lambda t: -self._eval(np.exp(t), data) / total_weight, theta, f0)

    def _has_grad(self, data: dict) -> bool:
        out = self._eval(self._initial(data), data, grad=True)
        return isinstance(out, tuple) and out[1] is not None

    def _check_data(self, data: dict):
        """Checks of the data a fit receives (after ``dedupe``), for every model: columns ``x``, ``tx``
        and ``T`` are a (frequency, recency, T) summary and must be customer histories (``check_rfm``
        with ``history=True``: recency 0 exactly when frequency is 0)."""
        if all(k in data for k in ("x", "tx", "T")):
            check_rfm(data["x"], data["tx"], data["T"], history=True)

    def _check_fitted(self):
        """Checks of a fitted model before it is returned; a model overrides it to refuse estimates its
        predictions cannot use (Gamma-Gamma: an infinite mean spend). Raises FitError."""

    def _fit(self, data: dict, n_customers: float):
        """Maximise the likelihood; set params, log_likelihood, covariance. ``data`` holds arrays + 'w'.

        Bounded by ``max_seconds`` (FitError models.errors.too_slow) and the optimisers' iteration caps.
        On any FitError the model is left unfitted (no estimates from an earlier fit remain).
        """
        self._clear()
        if n_customers < self.min_customers:
            raise FitError(
                "models.errors.too_few_customers",
                model=self.label,
                minimum=self.min_customers,
                count=_count(n_customers),
            )
        self._check_data(data)
        self._fit_customers = n_customers
        self._deadline = time.monotonic() + self.max_seconds
        try:
            self._optimise(data, n_customers)
            self._check_fitted()
        except BaseException:
            self._clear()
            raise
        finally:
            self._deadline = None
        return self

    def _optimise(self, data: dict, n_customers: float):
        """With an analytic gradient: BFGS on the log-parameters (scipy's L-BFGS-B wakes BLAS threads on
        every iteration, which costs more than the likelihood on a busy machine), then one Newton step
        with the Hessian that the standard errors need anyway, which takes the optimum to machine
        precision. Without one, or when BFGS stops early: L-BFGS-B with bounds, then a Nelder-Mead polish.
        """
        theta0 = np.log(self._initial(data))
        with np.errstate(all="ignore"):
            start = self._eval(np.exp(theta0), data)
        if not np.isfinite(start):
            raise FitError("models.errors.nan_start", model=self.label, params=self._show(theta0))
        has_grad = self._has_grad(data)
        if has_grad and self._fit_bfgs(theta0, data, n_customers):
            return
        bounds = [(-LOG_PARAM_BOUND, LOG_PARAM_BOUND)] * len(theta0)
        options = {**OPTIMISER_OPTIONS, "maxiter": LBFGSB_MAX_ITERATIONS}
        with np.errstate(all="ignore"):
            res = optimize.minimize(
                self._objective,
                theta0,
                args=(data, n_customers, has_grad),
                jac=True,
                method="L-BFGS-B",
                bounds=bounds,
                options=options,
            )
            theta, grad, capped = res.x, res.jac, res.nit >= LBFGSB_MAX_ITERATIONS
            if not _converged(grad):
                # a second start from where the first one stopped, with a derivative-free polish
                res2 = optimize.minimize(
                    lambda t: self._objective(t, data, n_customers, has_grad)[0],
                    theta,
                    method="Nelder-Mead",
                    options={"xatol": 1e-10, "fatol": 1e-14, "maxiter": NELDER_MEAD_MAX_ITERATIONS},
                )
                theta = np.clip(res2.x, -LOG_PARAM_BOUND, LOG_PARAM_BOUND)
                res = optimize.minimize(
                    self._objective,
                    theta,
                    args=(data, n_customers, has_grad),
                    jac=True,
                    method="L-BFGS-B",
                    bounds=bounds,
                    options=options,
                )
                theta, grad, capped = res.x, res.jac, res.nit >= LBFGSB_MAX_ITERATIONS
            value = self._eval(np.exp(theta), data)
        self._check_bounds(theta)
        if not np.isfinite(value) or not np.all(np.isfinite(grad)):
            raise FitError("models.errors.nan_likelihood", model=self.label, params=self._show(theta))
        if not _converged(grad):
            if capped:
                raise FitError(
                    "models.errors.iteration_limit", model=self.label, iterations=f"{LBFGSB_MAX_ITERATIONS:,}"
                )
            raise FitError("models.errors.not_converged", model=self.label, slope=f"{np.max(np.abs(grad)):.2g}")
        if has_grad:
            self._store(theta, value, data, n_customers)
            self._set_covariance(theta, data, has_grad)
        else:
            self._polish_numeric(theta, value, data, n_customers)

    def _show(self, theta: np.ndarray) -> str:
        """'r = 0.5, alpha = 10' for log-parameters ``theta`` (for messages)."""
        return ", ".join(f"{n} = {v:.4g}" for n, v in zip(self.param_names, np.exp(theta)))

    def _polish_numeric(self, theta: np.ndarray, value: float, data: dict, n_customers: float):
        """Without an analytic gradient: one Newton step with the Hessian the standard errors need anyway
        and a central-difference gradient, which takes the optimiser's point (forward differences,
        about 1e-6 off) to the optimum; the model is set at the better of the two points."""

        def negative(t):
            return -self._eval(np.exp(t), data)

        with np.errstate(all="ignore"):
            hess = _numeric_hessian(negative, theta, 10 * HESSIAN_STEP)
            hess = (hess + hess.T) / 2
            theta, value = _newton_step(theta, value, hess, _numeric_gradient(negative, theta), lambda t: -negative(t))
        self._store(theta, value, data, n_customers)
        self._set_hessian(theta, hess)  # at the optimiser's point: O(step) away

    def _fit_bfgs(self, theta0: np.ndarray, data: dict, n_customers: float) -> bool:
        """The fast path (analytic gradient): True when it converged inside the bounds, model set."""

        def objective(theta):
            if np.any(np.abs(theta) > LOG_PARAM_BOUND):  # outside: a wall the line search backs off
                return WALL, np.zeros_like(theta)
            return self._objective(theta, data, n_customers, True)

        with np.errstate(all="ignore"):
            res = optimize.minimize(
                objective, theta0, jac=True, method="BFGS", options={"gtol": BFGS_GTOL, "maxiter": BFGS_MAX_ITERATIONS}
            )
        theta = res.x
        if not _converged(res.jac) or np.any(np.abs(theta) >= LOG_PARAM_BOUND - 1e-6):
            return False
        hess = self._hessian(theta, data)
        value, grad_total = self._value_and_log_grad(theta, data)
        theta, value = _newton_step(theta, value, hess, grad_total, lambda t: self._value_and_log_grad(t, data)[0])
        if not np.isfinite(value):
            return False
        self._store(theta, value, data, n_customers)
        self._set_hessian(theta, hess)  # at the BFGS point: O(step) away, 1e-6 or less
        return True

    def _value_and_log_grad(self, theta: np.ndarray, data: dict) -> tuple[float, np.ndarray]:
        """LL and d(-LL)/d log p at log-parameters ``theta`` (analytic gradient)."""
        p = np.exp(theta)
        with np.errstate(all="ignore"):
            value, g = self._eval(p, data, grad=True)
        return float(value), -np.asarray(g) * p

    def _check_bounds(self, theta: np.ndarray):
        """FitError models.errors.boundary when a parameter ran off to ``|log p| = LOG_PARAM_BOUND``."""
        at_bound = np.abs(theta) >= LOG_PARAM_BOUND - 1e-6
        if np.any(at_bound):
            i = int(np.argmax(at_bound))
            raise FitError(
                "models.errors.boundary", model=self.label, param=self.param_names[i], value=f"{math.exp(theta[i]):.3g}"
            )

    def _store(self, theta: np.ndarray, value: float, data: dict, n_customers: float):
        self.params = {n: float(v) for n, v in zip(self.param_names, np.exp(theta))}
        self.log_likelihood = float(value)
        self.n_customers = float(n_customers)
        self._data = data

    def _hessian(self, theta: np.ndarray, data: dict) -> np.ndarray:
        """Hessian of -LL in log-parameter space: central differences of the analytic gradient."""
        k = len(theta)
        hess = np.empty((k, k))
        for i in range(k):
            e = np.zeros(k)
            e[i] = HESSIAN_STEP
            hess[i] = (self._value_and_log_grad(theta + e, data)[1] - self._value_and_log_grad(theta - e, data)[1]) / (
                2 * HESSIAN_STEP
            )
        return (hess + hess.T) / 2

    def _set_covariance(self, theta: np.ndarray, data: dict, has_grad: bool):
        if has_grad:
            hess = self._hessian(theta, data)
        else:
            with np.errstate(all="ignore"):
                hess = _numeric_hessian(lambda t: -self._eval(np.exp(t), data), theta, 10 * HESSIAN_STEP)
            hess = (hess + hess.T) / 2
        self._set_hessian(theta, hess)

    def _set_hessian(self, theta: np.ndarray, hess: np.ndarray):
        """Covariance of the natural parameters from the Hessian of -LL in log-parameter space.

        Refuses a fit the data cannot pin down (FitError ``not_identified_key`` naming the parameters):
        a Hessian that is not finite or not positive definite (the likelihood is flat or curves upwards
        along some direction: the parameters with weight above RIDGE_SHARE in that eigenvector are
        named), or an estimate far out (beyond EXTREME_LOG_PARAM on the log scale) whose 95% interval,
        ``|log p| + 1.96 se(log p)``, reaches LOG_PARAM_BOUND (it could as well be 1e8 or 1e-8). A moderate
        estimate with a wide interval (BG/NBD's a = 47, b = 195 on 1,000 CDNOW customers: only a / (a + b)
        is sharp) is the maximum of the likelihood and is reported with that interval, as lifetimes does.
        """
        k = len(theta)
        if not np.all(np.isfinite(hess)):
            self._not_identified(range(k))
        try:
            eig, vec = np.linalg.eigh(hess)
        except np.linalg.LinAlgError:
            self._not_identified(range(k))
        if eig[0] <= 0:
            self._not_identified(np.flatnonzero(np.abs(vec[:, 0]) > RIDGE_SHARE))
        log_cov = np.linalg.inv(hess)
        reach = np.abs(theta) + Z_95 * np.sqrt(np.abs(np.diag(log_cov)))
        adrift = (reach >= LOG_PARAM_BOUND) & (np.abs(theta) >= EXTREME_LOG_PARAM)
        if np.any(adrift):
            self._not_identified(np.flatnonzero(adrift))
        self.hessian_ok = True
        self.log_covariance = log_cov
        d = np.diag(np.exp(theta))
        self.covariance = d @ self.log_covariance @ d

    def _not_identified(self, which):
        names = [self.param_names[i] for i in which] or list(self.param_names)
        raise FitError(self.not_identified_key, model=self.label, params=", ".join(names))

    @property
    def standard_errors(self) -> dict[str, float]:
        """Standard errors of the natural parameters (delta method from the log-parameter Hessian).

        A fitted model always has them: a fit whose Hessian is not positive definite is refused
        (``hessian_ok`` is True on every fitted model; kept for callers that check it).
        """
        self._require_fitted()
        return {
            n: float(math.sqrt(v)) if v >= 0 else math.nan for n, v in zip(self.param_names, np.diag(self.covariance))
        }

    @property
    def confidence_intervals(self) -> dict[str, tuple[float, float]]:
        """95% intervals ``exp(log p +- 1.96 se(log p))`` (log-scale Wald; always positive)."""
        self._require_fitted()
        se_log = np.sqrt(np.abs(np.diag(self.log_covariance)))
        out = {}
        for n, s in zip(self.param_names, se_log):
            lp = math.log(self.params[n])
            out[n] = (math.exp(lp - Z_95 * s), math.exp(lp + Z_95 * s)) if np.isfinite(s) else (math.nan, math.nan)
        return out

    def summary(self) -> pd.DataFrame:
        """One row per parameter: param, estimate, se, lower_95, upper_95."""
        self._require_fitted()
        se, ci = self.standard_errors, self.confidence_intervals
        return pd.DataFrame(
            {
                "param": list(self.param_names),
                "estimate": [self.params[n] for n in self.param_names],
                "se": [se[n] for n in self.param_names],
                "lower_95": [ci[n][0] for n in self.param_names],
                "upper_95": [ci[n][1] for n in self.param_names],
            }
        )

    @property
    def aic(self) -> float:
        """Akaike information criterion, 2k - 2 LL (lower is better)."""
        self._require_fitted()
        return 2 * len(self.param_names) - 2 * self.log_likelihood

    @property
    def bic(self) -> float:
        """Bayesian information criterion, k ln(n) - 2 LL with n customers (lower is better)."""
        self._require_fitted()
        return len(self.param_names) * math.log(self.n_customers) - 2 * self.log_likelihood

    def __repr__(self) -> str:
        if self.params is None:
            return f"{type(self).__name__}(not fitted)"
        inner = ", ".join(f"{k}={v:.4g}" for k, v in self.params.items())
        return f"{type(self).__name__}({inner}, LL={self.log_likelihood:.1f})"


# ---------------------------------------------------------------------- helpers shared by the models
def _count(n: float) -> str:
    return f"{n:,.0f}"


def _converged(grad) -> bool:
    """The optimiser's gradient per customer is finite and under GRADIENT_TOLERANCE in every direction."""
    grad = np.asarray(grad, dtype=float)
    return bool(np.all(np.isfinite(grad)) and np.max(np.abs(grad)) <= GRADIENT_TOLERANCE)


def _numeric_gradient(f, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    g = np.empty_like(x)
    for i in range(len(x)):
        e = np.zeros_like(x)
        e[i] = h
        g[i] = (f(x + e) - f(x - e)) / (2 * h)
    return g


def _newton_step(theta: np.ndarray, value: float, hess: np.ndarray, grad: np.ndarray, loglik):
    """One Newton step ``theta - H^-1 grad`` (``grad`` and ``hess`` of -LL in log-parameters), taken when
    it is short (under NEWTON_MAX_STEP) and does not lower ``loglik``; returns (theta, LL)."""
    try:
        step = np.linalg.solve(hess, grad)
    except np.linalg.LinAlgError:
        return theta, value
    if np.all(np.isfinite(step)) and np.max(np.abs(step)) < NEWTON_MAX_STEP:
        new_value = loglik(theta - step)
        if np.isfinite(new_value) and new_value >= value:
            return theta - step, new_value
    return theta, value


def _forward_gradient(f, x: np.ndarray, f0: float, h: float = 1e-7) -> np.ndarray:
    """Forward differences (k evaluations instead of 2k): enough to steer the optimiser, which a
    Newton step with central differences then polishes."""
    g = np.empty_like(x)
    for i in range(len(x)):
        e = np.zeros_like(x)
        e[i] = h
        g[i] = (f(x + e) - f0) / h
    return g


def _numeric_hessian(f, x: np.ndarray, h: float) -> np.ndarray:
    k = len(x)
    hess = np.empty((k, k))
    f0 = f(x)
    for i in range(k):
        ei = np.zeros(k)
        ei[i] = h
        hess[i, i] = (f(x + ei) - 2 * f0 + f(x - ei)) / h**2
        for j in range(i):
            ej = np.zeros(k)
            ej[j] = h
            hess[i, j] = hess[j, i] = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)) / (4 * h * h)
    return hess


def as_array(name: str, values, allowed: str = "models.allowed.non_negative") -> np.ndarray:
    """A float array from a list, Series or scalar; finite and >= 0, or InputError naming the field."""
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise InputError(name, _preview(values), allowed) from None
    if arr.size and (not np.all(np.isfinite(arr)) or np.any(arr < 0)):
        bad = arr[~np.isfinite(arr) | (arr < 0)].ravel()[0]
        raise InputError(name, float(bad), allowed)
    return arr


def _preview(values) -> str:
    text = repr(values)
    return text if len(text) <= 40 else text[:37] + "..."


def broadcast_fields(**arrays: np.ndarray) -> list[np.ndarray]:
    """The arrays broadcast to one shape (NumPy's rules: equal lengths, or a single value for all).

    Arrays that cannot be broadcast are an InputError naming the later field, with its length and the
    length of the first field with more than one value ("models.allowed.same_length").

    >>> [a.tolist() for a in broadcast_fields(frequency=np.array([1.0, 2.0]), T=np.array(5.0))]
    [[1.0, 2.0], [5.0, 5.0]]
    >>> broadcast_fields(frequency=np.zeros(3), recency=np.zeros(2))
    Traceback (most recent call last):
    ...
    clv.errors.InputError: recency must be as long as frequency (3 values, one per customer) or a single value; got 2.
    """
    try:
        return list(np.broadcast_arrays(*arrays.values()))
    except ValueError:
        pass
    ref_name, ref = None, None
    for name, arr in arrays.items():
        if ref is not None:
            try:
                np.broadcast_shapes(ref.shape, arr.shape)
            except ValueError:
                raise InputError(
                    name, int(arr.size), "models.allowed.same_length", other=ref_name, count=int(ref.size)
                ) from None
        elif arr.size != 1:
            ref_name, ref = name, arr
    raise AssertionError("unreachable: some pair of arrays must be incompatible")  # pragma: no cover


def check_rfm(frequency, recency, T, history: bool = False):
    """Validate a (frequency, recency, T) summary; returns the three float arrays, broadcast.

    Always: frequency x a whole number >= 0; recency t_x and T finite and >= 0 (T = 0 is a customer whose
    first purchase is at the end of the period); t_x <= T; equal lengths (or a single value for all).
    With ``history`` (every fit, and a table of real customers): also t_x = 0 when x = 0 (no repeat
    purchase, no recency) and t_x > 0 when x > 0 (a repeat purchase comes after the first; ``clv.rfm
    .summarize`` merges purchases in the same period). Without it, predictions may be asked at any point
    of the (x, t_x) plane, as the frequency/recency matrices do. Each violation is an InputError naming
    the field.

    >>> [a.tolist() for a in check_rfm([0, 2], [0, 7.5], 10)]
    [[0.0, 2.0], [0.0, 7.5], [10.0, 10.0]]
    >>> check_rfm([0, 2], [3, 7.5], 10, history=True)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    clv.errors.InputError: recency must be 0 when frequency is 0 (a customer without repeat purchases ...; got 3.
    """
    x = as_array("frequency", frequency, "models.allowed.whole_non_negative")
    tx = as_array("recency", recency)
    big_t = as_array("T", T, "models.allowed.non_negative")
    x, tx, big_t = broadcast_fields(frequency=x, recency=tx, T=big_t)
    if np.any(x != np.round(x)):
        raise InputError("frequency", float(x[x != np.round(x)][0]), "models.allowed.whole_non_negative")
    if np.any(tx > big_t * (1 + 1e-12)):
        i = int(np.argmax(tx > big_t * (1 + 1e-12)))
        raise InputError("recency", float(tx.ravel()[i]), "models.allowed.recency_le_T", T=f"{big_t.ravel()[i]:g}")
    if history:
        bad = (x == 0) & (tx > 0)
        if np.any(bad):
            raise InputError("recency", float(tx[bad].ravel()[0]), "models.allowed.recency_without_repeat")
        bad = (x > 0) & (tx == 0)
        if np.any(bad):
            raise InputError("recency", 0.0, "models.allowed.recency_with_repeat", frequency=f"{x[bad].ravel()[0]:g}")
    return x, tx, big_t


def dedupe(columns: dict[str, np.ndarray], weights=None) -> tuple[dict[str, np.ndarray], float]:
    """Distinct rows of ``columns`` with their counts as weights 'w' (or the given weights, rows kept).

    Returns the dict with 'w' added and the total weight (number of customers). Weights of another
    length than the columns (other than a single weight for all) are an InputError naming ``weights``.
    """
    if weights is not None:
        w = as_array("weights", weights)
        out = {k: np.ascontiguousarray(v, dtype=float) for k, v in columns.items()}
        name, first = next(iter(out.items()))
        if w.shape != first.shape:
            if w.size != 1:
                raise InputError(
                    "weights",
                    int(w.size),
                    "models.allowed.same_length",
                    other="frequency" if name == "x" else name,
                    count=int(first.size),
                )
            w = np.broadcast_to(w.reshape(()), first.shape).astype(float)
        keep = w > 0
        out = {k: v[keep] for k, v in out.items()}
        out["w"] = w[keep]
        return out, float(w.sum())
    flat = {k: np.asarray(v, dtype=float).ravel() for k, v in columns.items()}
    n = next(iter(flat.values())).size
    codes, groups = _row_codes(list(flat.values()))
    first = np.empty(groups, dtype=np.int64)
    first[codes[::-1]] = np.arange(n - 1, -1, -1)  # each group's first row
    out = {k: v[first] for k, v in flat.items()}
    out["w"] = np.bincount(codes, minlength=groups).astype(float)
    return out, float(n)


INTEGER_CODE_SPAN = 1 << 20  # whole-number columns spanning fewer values than this are coded by offset


def _row_codes(arrays: list[np.ndarray]) -> tuple[np.ndarray, int]:
    """An integer code per row (0..groups-1, equal rows equal codes) and the number of distinct rows.

    Each column becomes small integers (whole numbers by their offset from the minimum, which needs
    no hashing; others by ``pd.factorize``); the columns combine into one int64 key, factorized once.
    """
    key = np.zeros(arrays[0].size, dtype=np.int64)
    for a in arrays:
        low = a.min() if a.size else 0.0
        span = a.max() - low + 1 if a.size else 1.0
        if a.size and span < INTEGER_CODE_SPAN and np.array_equal(a, np.floor(a)):
            c, size = (a - low).astype(np.int64), int(span)
        else:
            c, uniq = pd.factorize(a)
            size = len(uniq)
        if size and key.size and int(key.max()) >= (np.iinfo(np.int64).max // (size + 1)):
            key, _ = pd.factorize(key)  # compact before the product overflows
        key = key * size + c
    codes, uniq = pd.factorize(key)
    return codes, len(uniq)


def wdot(w: np.ndarray, v: np.ndarray) -> float:
    """sum(w * v) for two 1-D arrays, without BLAS.

    ``np.dot`` hands long vectors to a multi-threaded BLAS; in an optimiser loop the threads' wake-ups
    and spinning cost more than the sum itself (3-6x slower fits on a busy 2-core machine).
    """
    return float(np.einsum("i,i->", w, v))


def by_value(x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values of ``x`` and the total weight at each (for terms that depend on x only)."""
    values, inverse = np.unique(x, return_inverse=True)
    return values, np.bincount(inverse, weights=w, minlength=len(values))


def log_hyp2f1(a, b, c, z):
    """log of the Gauss hypergeometric function 2F1(a, b; c; z) for 0 <= z < 1 where it is positive.

    Uses scipy's ``hyp2f1``; where that overflows or loses the sign, Euler's transformation
    2F1(a, b; c; z) = (1 - z)^(c - a - b) 2F1(c - a, c - b; c; z) (Abramowitz & Stegun 15.3.3).
    """
    a, b, c, z = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (a, b, c, z)))
    with np.errstate(all="ignore"):
        direct = special.hyp2f1(a, b, c, z)
        out = np.log(np.where(direct > 0, direct, np.nan))
        bad = ~np.isfinite(out)
        if np.any(bad):
            alt = special.hyp2f1(c[bad] - a[bad], c[bad] - b[bad], c[bad], z[bad])
            out[bad] = np.log(np.where(alt > 0, alt, np.nan)) + (c[bad] - a[bad] - b[bad]) * np.log1p(-z[bad])
    return out


def scalar_or_array(values: np.ndarray):
    """A float for a 0-d result, the array otherwise (the core's convention)."""
    values = np.asarray(values, dtype=float)
    return float(values) if values.ndim == 0 else values


def identical_history(model: Model, count: float, history: str):
    raise FitError("models.errors.identical", model=model.label, count=_count(count), history=history)


def distinct_rows(*arrays: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For 1-D arrays of one length: a code per row (equal rows, equal codes) and one row index per code,
    so ``f(*(a[idx] for a in arrays))[code]`` evaluates ``f`` once per distinct row."""
    code, groups = _row_codes(list(arrays))
    idx = np.empty(groups, dtype=np.int64)
    idx[code] = np.arange(code.size)  # any one row of each group
    return code, idx


def on_unique(func, *arrays):
    """``func(*arrays)`` evaluated once per distinct row of the broadcast arrays, mapped back.

    Large customer bases repeat the same (frequency, T) many times; special functions (2F1) then run on
    the distinct combinations only. Small inputs are passed straight through.
    """
    arrays = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in arrays))
    shape = arrays[0].shape
    if arrays[0].size < 5000:
        return func(*arrays)
    flat = [a.ravel() for a in arrays]
    code, idx = distinct_rows(*flat)
    values = func(*(a[idx] for a in flat))
    return np.asarray(values)[code].reshape(shape)


def check_horizon(name: str, t) -> np.ndarray:
    """A prediction horizon as a float array: finite and >= 0, or InputError naming ``name``.

    >>> check_horizon("t", [0, 39.5]).tolist()
    [0.0, 39.5]
    >>> check_horizon("t", -1)
    Traceback (most recent call last):
    ...
    clv.errors.InputError: t must be a finite length of time, zero or more (in the time unit of the summary); got -1.
    """
    return as_array(name, t, "models.allowed.horizon")


def check_count(name: str, n) -> np.ndarray:
    """A number of purchases as a float array: a whole number >= 0, or InputError naming ``name``."""
    n = as_array(name, n, "models.allowed.whole_non_negative")
    if np.any(n != np.round(n)):
        raise InputError(name, float(n[n != np.round(n)].ravel()[0]), "models.allowed.whole_non_negative")
    return n


class RFMModel(Model):
    """Shared input handling for the continuous-time models fitted to (frequency, recency, T)."""

    def fit(self, frequency, recency, T, weights=None):
        """Maximum-likelihood fit to a customer summary; returns the model.

        ``weights`` (optional) counts customers per row; without it identical rows are merged first, so
        a large base with repeated histories costs little. Raises FitError when the data cannot support
        a fit (too few customers, no repeat purchases, all customers identical, no convergence).
        """
        x, tx, big_t = check_rfm(frequency, recency, T)
        data, n = dedupe({"x": x.ravel(), "tx": tx.ravel(), "T": big_t.ravel()}, weights)
        if n >= self.min_customers:
            if not np.any(data["x"] > 0):
                raise FitError("models.errors.no_repeat", model=self.label, count=_count(n))
            if len(data["x"]) == 1 or (np.ptp(data["x"]) == 0 and np.ptp(data["tx"]) == 0 and np.ptp(data["T"]) == 0):
                identical_history(self, n, f"frequency {data['x'][0]:g}, recency {data['tx'][0]:g}, T {data['T'][0]:g}")
        self._prepare(data)
        return self._fit(data, n)

    def _prepare(self, data: dict):
        data["xs"], data["wx"] = by_value(data["x"], data["w"])
        data["W"] = float(data["w"].sum())

    def _initial(self, data: dict) -> np.ndarray:
        rate = np.sum(data["w"] * data["x"]) / max(np.sum(data["w"] * data["T"]), 1e-12)
        return np.array([1.0, 1.0 / max(rate, 1e-6), 1.0, 1.0])
