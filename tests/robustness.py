"""The fit-robustness suite's data and its one loop, shared by tests/test_robustness.py (which asserts)
and benchmarks/bench_robustness.py (which prints the total time).

Data: tests/data/robustness/ (``make_datasets.py`` wrote the resamples of CDNOW and the generated sets;
``lifetimes_fits.py`` recorded what ``lifetimes`` 0.11.3 fits on each). For every data set, our model is
fitted under a per-fit time limit (``FIT_SECONDS``, enforced with a timer signal) and the outcome is
either a fit, with its log-likelihood and the log-likelihood our own likelihood gives at lifetimes'
parameters, or a ``FitError`` with its message.
"""

from __future__ import annotations

import json
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from clv.errors import FitError
from clv.models import BetaGeo, GammaGamma, ModifiedBetaGeo, ParetoNBD

HERE = Path(__file__).resolve().parent / "data" / "robustness"
CDNOW = Path(__file__).resolve().parent / "data" / "cdnow_customers_summary_with_transactions.csv"
MODELS = {"bgnbd": BetaGeo, "mbgnbd": ModifiedBetaGeo, "pareto": ParetoNBD, "gamma_gamma": GammaGamma}
FIT_SECONDS = 30.0  # the bound on one fit (the suite fails a fit that takes longer)


class OutOfTime(Exception):
    pass


@dataclass(frozen=True)
class Outcome:
    key: str
    seconds: float
    log_likelihood: float | None  # our fit's
    at_lifetimes: float | None  # our likelihood at lifetimes' parameters (None: lifetimes gave none)
    lifetimes: str  # lifetimes' outcome ("fit", or why not)
    error: str | None  # our FitError's message
    error_key: str | None


def keys(model: str) -> list[str]:
    d = _datasets()
    return sorted({"/".join(k.split("/")[:3]) for k in d.files if k.startswith(model + "/")})


_cache: dict = {}


def _datasets():
    if "d" not in _cache:
        _cache["d"] = np.load(HERE / "datasets.npz")
        _cache["cdnow"] = pd.read_csv(CDNOW)
        _cache["peer"] = json.loads((HERE / "lifetimes_fits.json").read_text())["fits"]
    return _cache["d"]


def data_set(key: str) -> dict[str, np.ndarray]:
    d, model = _datasets(), key.split("/")[0]
    if key.split("/")[1] == "resample":
        rows = _cache["cdnow"].loc[d[f"{key}/rows"].astype(int)]
        if model == "gamma_gamma":
            return {"x": rows["x"].to_numpy(float), "m": rows["zbar"].to_numpy(float)}
        return {"x": rows["x"].to_numpy(float), "tx": rows["t_x"].to_numpy(float), "T": rows["T"].to_numpy(float)}
    cols = ("x", "m") if model == "gamma_gamma" else ("x", "tx", "T")
    return {c: d[f"{key}/{c}"] for c in cols}


def _raise(signum, frame):
    raise OutOfTime


def run(key: str, seconds: float = FIT_SECONDS) -> Outcome:
    """Fit one data set under the time limit (raises ``OutOfTime`` past it)."""
    _datasets()
    model_name = key.split("/")[0]
    data = data_set(key)
    peer = _cache["peer"][key]
    model = MODELS[model_name]()
    previous = signal.signal(signal.SIGALRM, _raise)
    start = time.perf_counter()
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        if model_name == "gamma_gamma":
            model.fit(data["x"], data["m"])
        else:
            model.fit(data["x"], data["tx"], data["T"])
    except FitError as err:
        return Outcome(key, time.perf_counter() - start, None, None, peer["outcome"], str(err), err.key)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    at_peer = None
    if peer["params"] is not None:
        params = np.array([peer["params"][n] for n in model.param_names])
        with np.errstate(all="ignore"):
            at_peer = float(model._loglik(params, model._data))
    return Outcome(key, time.perf_counter() - start, model.log_likelihood, at_peer, peer["outcome"], None, None)
