"""P(alive) paths computed by the ``lifetimes`` package (0.11.3), for ``tests/test_story.py``.

For three CDNOW customers (18: one purchase; 1668: six purchase days from seven rows, the two of 1997-07-31
merged into one; 564: 23 purchase days from 24 rows) and each of BG/NBD, Pareto/NBD and MBG/NBD, the
path ``lifetimes.utils.calculate_alive_path(model, transactions, "date", t, freq="D")``: P(alive) on
every day from the first purchase (day 0) to the end of the data, 1998-06-30 (day t), with the
frequency and recency as of that day. The models' parameters are lifetimes' own fits
(``penalizer_coef=0``) to the daily summary of the whole sample
(``summary_data_from_transaction_data(..., freq="D", observation_period_end="1998-06-30")``), so the
reference depends on lifetimes alone; the test sets our models to the same parameters.

Run from the repository root with the peer environment (/work/shared/peers/lifetimes/README.md):
``.venv-lifetimes/bin/python tests/data/alive_path_reference.py`` (a few seconds);
it writes ``alive_path_reference.json`` beside itself. lifetimes is needed only to regenerate the file.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
END = "1998-06-30"
CUSTOMERS = (18, 1668, 564)


def main() -> None:
    import lifetimes
    from lifetimes import BetaGeoFitter, ModifiedBetaGeoFitter, ParetoNBDFitter
    from lifetimes.utils import calculate_alive_path, summary_data_from_transaction_data

    warnings.simplefilter("ignore")  # lifetimes' pandas deprecation notices
    tx = pd.read_csv(
        HERE / "CDNOW_sample.txt",
        sep=r"\s+",
        header=None,
        names=["customer", "sample_id", "date", "cds", "dollars"],
        dtype={"date": str},
    )
    tx["date"] = pd.to_datetime(tx["date"], format="%Y%m%d")
    summary = summary_data_from_transaction_data(tx, "customer", "date", freq="D", observation_period_end=END)
    out = {"lifetimes": lifetimes.__version__, "observation_end": END, "models": {}, "customers": {}}
    for key, fitter in (("bgnbd", BetaGeoFitter), ("pareto_nbd", ParetoNBDFitter), ("mbgnbd", ModifiedBetaGeoFitter)):
        model = fitter(penalizer_coef=0.0).fit(summary["frequency"], summary["recency"], summary["T"])
        paths = {}
        for customer in CUSTOMERS:
            rows = tx[tx["customer"] == customer]
            t = int((pd.Timestamp(END) - rows["date"].min()).days)
            path = calculate_alive_path(model, rows, "date", t, freq="D")  # each value a 1-element array
            paths[str(customer)] = [float(np.ravel(v)[0]) for v in path]
        out["models"][key] = {"params": {k: float(v) for k, v in model.params_.items()}, "paths": paths}
    for customer in CUSTOMERS:
        rows = tx[tx["customer"] == customer]
        out["customers"][str(customer)] = {
            "dates": rows["date"].dt.strftime("%Y-%m-%d").tolist(),
            "summary": {k: float(v) for k, v in summary.loc[customer].items()},
        }
    (HERE / "alive_path_reference.json").write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
