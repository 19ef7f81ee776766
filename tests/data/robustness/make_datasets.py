"""Write the data sets of the fit-robustness suite (tests/test_robustness.py) to ``datasets.npz``.

Run from the repository root with the project's environment: ``.venv/bin/python
tests/data/robustness/make_datasets.py`` (deterministic: seeded numpy generators). Then run
``lifetimes_fits.py`` with the peer environment (``.venv-lifetimes``, see /work/shared/peers/lifetimes) to
record what the ``lifetimes`` package fits on the same data.

Contents, per model (``bgnbd``, ``mbgnbd``, ``pareto``, ``gamma_gamma``):
- 200 resamples of the CDNOW calibration summary (tests/data/cdnow_customers_summary_with_transactions.csv),
  50 each of 30, 100, 300 and 1,000 customers drawn with replacement (Gamma-Gamma: from the 946 repeat
  buyers; with 30 of them some resamples have fewer than 10, which must end in a clear FitError);
- 50 data sets generated from the model itself, 300 customers over 52 weeks, parameters drawn over wide
  ranges, every fifth one with heavy buyers (purchase rates so high that x reaches the hundreds or 2,000).
Arrays are stored as ``<model>/<kind>/<i>/<column>``: a resample as ``rows`` (row numbers of the CDNOW
summary), a generated set as columns x, tx, T (Gamma-Gamma x, m) and its true parameters ``truth``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
CDNOW = HERE.parent / "cdnow_customers_summary_with_transactions.csv"
MODELS = ("bgnbd", "mbgnbd", "pareto", "gamma_gamma")
RESAMPLE_SIZES = (30, 100, 300, 1000)
RESAMPLES_PER_SIZE = 50
GENERATED = 50
GENERATED_CUSTOMERS = 300
WEEKS = 52.0
MAX_RATE = 2000 / WEEKS  # purchases a week: the heaviest buyer makes about 2,000 repeat purchases


def _rfm_from_times(times: list[np.ndarray], big_t: np.ndarray) -> dict[str, np.ndarray]:
    x = np.array([len(t) for t in times], dtype=float)
    tx = np.array([t[-1] if len(t) else 0.0 for t in times])
    return {"x": x, "tx": np.round(tx, 6), "T": big_t}


def _purchases(rng, rate: float, until: float) -> np.ndarray:
    """Repeat purchase times of a Poisson process with ``rate`` on (0, until]."""
    n = rng.poisson(rate * until)
    return np.sort(rng.uniform(0.0, until, n))


def generate(model: str, rng: np.random.Generator, heavy: bool) -> tuple[dict, dict]:
    n, big_t = GENERATED_CUSTOMERS, np.full(GENERATED_CUSTOMERS, WEEKS)
    if model == "gamma_gamma":
        p, q, v = rng.uniform(1.5, 10), rng.uniform(1.5, 10), rng.uniform(5, 50)
        x = rng.integers(1, 2001 if heavy else 15, n).astype(float)
        nu = rng.gamma(q, 1.0 / v, n)
        m = np.array([rng.gamma(p * k, 1.0 / (nu_i * k)) for k, nu_i in zip(x, nu)])  # mean of k Gamma(p, nu)
        return {"x": x, "m": np.round(m, 6)}, {"p": p, "q": q, "v": v}
    r = rng.uniform(0.1, 3.0) * (20 if heavy else 1)
    alpha = rng.uniform(1.0, 20.0) / (5 if heavy else 1)
    rates = np.minimum(rng.gamma(r, 1.0 / alpha, n), MAX_RATE)
    times = []
    if model == "pareto":
        s, beta = rng.uniform(0.2, 3.0), rng.uniform(2.0, 40.0)
        death = rng.exponential(1.0 / rng.gamma(s, 1.0 / beta, n))
        for lam, d in zip(rates, death):
            times.append(_purchases(rng, lam, min(d, WEEKS)))
        truth = {"r": r, "alpha": alpha, "s": s, "beta": beta}
    else:
        a, b = rng.uniform(0.2, 3.0), rng.uniform(0.5, 10.0)
        p_drop = rng.beta(a, b, n)
        for lam, p in zip(rates, p_drop):
            if model == "mbgnbd" and rng.random() < p:  # MBG/NBD: may drop out right after the first purchase
                times.append(np.empty(0))
                continue
            t, out = 0.0, []
            while True:
                t += rng.exponential(1.0 / lam) if lam > 0 else np.inf
                if t > WEEKS:
                    break
                out.append(t)
                if rng.random() < p:
                    break
            times.append(np.array(out))
        truth = {"r": r, "alpha": alpha, "a": a, "b": b}
    return _rfm_from_times(times, big_t), truth


def main() -> None:
    cdnow = pd.read_csv(CDNOW)
    arrays: dict[str, np.ndarray] = {}
    rng = np.random.default_rng(20261130)
    for model in MODELS:
        base = cdnow[cdnow["x"] > 0] if model == "gamma_gamma" else cdnow
        for size in RESAMPLE_SIZES:
            for k in range(RESAMPLES_PER_SIZE):
                idx = rng.integers(0, len(base), size)
                arrays[f"{model}/resample/{size}-{k}/rows"] = base.index.to_numpy()[idx].astype(np.uint16)
        for k in range(GENERATED):
            data, truth = generate(model, rng, heavy=k % 5 == 4)
            key = f"{model}/generated/{k}"
            for col, values in data.items():
                arrays[f"{key}/{col}"] = values
            arrays[f"{key}/truth"] = np.array(list(truth.values()))
    np.savez_compressed(HERE / "datasets.npz", **arrays)


if __name__ == "__main__":
    main()
