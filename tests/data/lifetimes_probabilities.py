"""Reference count probabilities from lifetimes 0.11.3 on the CDNOW sample, for tests/test_intervals.py.

lifetimes does not install beside the app's pandas and numpy; it runs in the peer environment
(/work/shared/peers/lifetimes/README.md). Run once from the repository root:

    .venv-lifetimes/bin/python tests/data/lifetimes_probabilities.py   # writes lifetimes_probabilities.json

What it writes (the tests read the JSON and never import lifetimes):

- ``bgnbd``: ``BetaGeoFitter().fit`` on the 2,357 CDNOW customers (39 weeks) and its fitted parameters;
  ``probability_of_n_purchases_up_to_time(t, n)`` (Fader, Hardie & Lee 2005, eq. 8: P(X(t) = n) for a new
  customer) for t in T_GRID weeks and n = 0..N_MAX.
- ``pareto_nbd``: ``ParetoNBDFitter().fit`` on the same data and its parameters;
  ``conditional_probability_of_n_purchases_up_to_time(n, t, frequency, recency, T)`` (Fader & Hardie,
  note 028, eq. 16: P(X(T, T+t] = n | x, t_x, T)) for the CUSTOMERS below, t in T_GRID and n = 0..N_MAX.

The parameters are stored with the values, so the tests compare the formulas at the same parameters (not
two fits that agree to 1e-5). Values are written with repr (17 significant digits).
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent
OUT = HERE / "lifetimes_probabilities.json"
T_GRID = (1.0, 10.0, 39.0, 78.0)  # weeks
N_MAX = 12
# (frequency, recency, T) in weeks: the first CDNOW customers, no repeat purchase, the heaviest buyer,
# a recent buyer (t_x = T) and a long-silent one
CUSTOMERS = (
    (2, 30.43, 38.86),
    (1, 1.71, 38.86),
    (0, 0.0, 38.86),
    (0, 0.0, 27.0),
    (7, 29.43, 38.86),
    (29, 33.71, 35.29),
    (5, 32.0, 32.0),
    (3, 2.0, 37.0),
)


def main() -> None:
    import lifetimes
    import pandas as pd
    from lifetimes import BetaGeoFitter, ParetoNBDFitter

    cdnow = pd.read_csv(HERE / "cdnow_customers_summary_with_transactions.csv")
    bgf = BetaGeoFitter().fit(cdnow["x"], cdnow["t_x"], cdnow["T"])
    bg_rows = [[t, n, float(bgf.probability_of_n_purchases_up_to_time(t, n))] for t in T_GRID for n in range(N_MAX + 1)]
    pnbd = ParetoNBDFitter().fit(cdnow["x"], cdnow["t_x"], cdnow["T"])
    pareto_rows = [
        [n, t, x, tx, big_t, float(pnbd.conditional_probability_of_n_purchases_up_to_time(n, t, x, tx, big_t))]
        for (x, tx, big_t) in CUSTOMERS
        for t in T_GRID
        for n in range(N_MAX + 1)
    ]
    out = {
        "source": "lifetimes 0.11.3 in the peer environment; tests/data/lifetimes_probabilities.py",
        "lifetimes_version": lifetimes.__version__,
        "time_unit": "weeks",
        "bgnbd": {
            "params": {k: float(v) for k, v in bgf.params_.items()},
            "columns": ["t", "n", "probability"],
            "rows": bg_rows,
        },
        "pareto_nbd": {
            "params": {k: float(v) for k, v in pnbd.params_.items()},
            "columns": ["n", "t", "frequency", "recency", "T", "probability"],
            "rows": pareto_rows,
        },
    }
    OUT.write_text(_compact(out) + "\n", encoding="utf-8")
    print(f"wrote {OUT}: {len(bg_rows)} BG/NBD and {len(pareto_rows)} Pareto/NBD values")


def _compact(value, indent: str = "") -> str:
    """JSON with one row of numbers per line (a diff of the file then shows which values changed)."""
    if isinstance(value, dict):
        inner = ",\n".join(f"{indent} {json.dumps(k)}: {_compact(v, indent + ' ')}" for k, v in value.items())
        return "{\n" + inner + "\n" + indent + "}"
    if isinstance(value, list) and value and isinstance(value[0], list):
        return "[\n" + ",\n".join(f"{indent} {json.dumps(row)}" for row in value) + "\n" + indent + "]"
    return json.dumps(value)


if __name__ == "__main__":
    main()
