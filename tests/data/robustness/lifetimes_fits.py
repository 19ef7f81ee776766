"""Fit the ``lifetimes`` package (0.11.3) to every data set of ``datasets.npz`` and write what it found to
``lifetimes_fits.json``: per data set its parameters (in the data's own time unit) or why it gave none.

Run from the repository root with the peer environment (see /work/shared/peers/lifetimes/README.md):
``.venv-lifetimes/bin/python tests/data/robustness/lifetimes_fits.py``. Each fit has ``TIMEOUT`` seconds
(``signal.alarm``); a fit that raises, returns non-finite parameters or runs out of time is recorded as
such. tests/test_robustness.py then requires our fit's log-likelihood to be at least the one at
lifetimes' parameters (evaluated with our own likelihood, so time scaling cannot confuse the comparison).
"""

from __future__ import annotations

import json
import signal
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
TIMEOUT = 60


class TimedOut(Exception):
    pass


def _alarm(signum, frame):
    raise TimedOut


def data_set(d, cdnow: pd.DataFrame, model: str, key: str) -> dict[str, np.ndarray]:
    if key.split("/")[1] == "resample":
        rows = cdnow.loc[d[f"{key}/rows"].astype(int)]
        if model == "gamma_gamma":
            return {"x": rows["x"].to_numpy(float), "m": rows["zbar"].to_numpy(float)}
        return {"x": rows["x"].to_numpy(float), "tx": rows["t_x"].to_numpy(float), "T": rows["T"].to_numpy(float)}
    cols = ("x", "m") if model == "gamma_gamma" else ("x", "tx", "T")
    return {c: d[f"{key}/{c}"] for c in cols}


def fit(model: str, data: dict) -> dict:
    from lifetimes import BetaGeoFitter, GammaGammaFitter, ModifiedBetaGeoFitter, ParetoNBDFitter

    fitter = {
        "bgnbd": BetaGeoFitter,
        "mbgnbd": ModifiedBetaGeoFitter,
        "pareto": ParetoNBDFitter,
        "gamma_gamma": GammaGammaFitter,
    }[model](penalizer_coef=0.0)
    if model == "gamma_gamma":
        keep = data["m"] > 0
        fitter.fit(pd.Series(data["x"][keep]), pd.Series(data["m"][keep]))
    else:
        fitter.fit(pd.Series(data["x"]), pd.Series(data["tx"]), pd.Series(data["T"]))
    return {k: float(v) for k, v in fitter.params_.items()}


def main() -> None:
    d = np.load(HERE / "datasets.npz")
    cdnow = pd.read_csv(HERE.parent / "cdnow_customers_summary_with_transactions.csv")
    keys = sorted({"/".join(k.split("/")[:3]) for k in d.files})
    out = {}
    signal.signal(signal.SIGALRM, _alarm)
    for i, key in enumerate(keys):
        model = key.split("/")[0]
        data = data_set(d, cdnow, model, key)
        start = time.perf_counter()
        signal.alarm(TIMEOUT)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                params = fit(model, data)
            ok = all(np.isfinite(v) for v in params.values())
            out[key] = {"params": params if ok else None, "outcome": "fit" if ok else "non-finite"}
        except TimedOut:
            out[key] = {"params": None, "outcome": f"no answer within {TIMEOUT} s"}
        except Exception as err:  # noqa: BLE001  (whatever lifetimes raises is recorded)
            out[key] = {"params": None, "outcome": f"{type(err).__name__}: {str(err)[:120]}"}
        finally:
            signal.alarm(0)
        out[key]["seconds"] = round(time.perf_counter() - start, 3)
        print(
            f"{i + 1}/{len(keys)} {key}: {out[key]['outcome']} ({out[key]['seconds']} s)", file=sys.stderr, flush=True
        )
    meta = {"lifetimes": __import__("lifetimes").__version__, "timeout_seconds": TIMEOUT}
    (HERE / "lifetimes_fits.json").write_text(json.dumps({"meta": meta, "fits": out}, indent=0, sort_keys=True))


if __name__ == "__main__":
    main()
