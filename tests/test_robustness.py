"""Fits that never hang and never lie, on 1,000 data sets: for each of BG/NBD, MBG/NBD, Pareto/NBD and
Gamma-Gamma, 200 resamples of CDNOW (30, 100, 300 and 1,000 customers) and 50 data sets generated from the
model itself (every fifth with heavy buyers, x up to about 2,000). Data and lifetimes' own fits:
tests/data/robustness/ (see tests/robustness.py). Total time: ``.venv/bin/python -m benchmarks.bench_robustness``.

Every fit must finish within ``FIT_SECONDS`` (a timer signal interrupts it otherwise: the bound is
asserted by a timeout, not by timing) and end in either
- a fit whose log-likelihood is at least the one at lifetimes' parameters (where lifetimes fitted),
  evaluated with our own likelihood on the same data, or
- a ``FitError`` whose message says what happened in words (never scipy's internal text alone). Where
  lifetimes returns numbers for parameters the data cannot pin down (Pareto/NBD's s and beta running off
  together on small samples with no visible drop-out), a FitError saying so is the honest answer.
On CDNOW resamples of 1,000 customers every model but Pareto/NBD must fit wherever lifetimes did.
"""

from __future__ import annotations

import pytest

from tests import robustness as R

LL_TOLERANCE = 1e-6  # relative: an optimum found to this precision counts as the same optimum


@pytest.mark.parametrize("model", list(R.MODELS))
def test_every_fit_ends_in_time_in_a_fit_as_good_as_lifetimes_or_a_clear_error(model):
    problems = []
    for key in R.keys(model):
        try:
            o = R.run(key)
        except R.OutOfTime:
            problems.append(f"{key}: no answer within {R.FIT_SECONDS:g} s")
            continue
        if o.error is not None:
            if not o.error.strip() or "CONVERGENCE:" in o.error or "ABNORMAL" in o.error:
                problems.append(f"{key}: unclear FitError {o.error!r}")
            large = "/resample/1000-" in key and model != "pareto"
            if large and o.lifetimes == "fit":
                problems.append(f"{key}: FitError where lifetimes fitted ({o.error[:100]})")
        elif o.at_lifetimes is not None and o.log_likelihood < o.at_lifetimes - LL_TOLERANCE * abs(o.at_lifetimes):
            problems.append(f"{key}: LL {o.log_likelihood:.6f} below lifetimes' {o.at_lifetimes:.6f}")
    assert not problems, f"{len(problems)} of {len(R.keys(model))}:\n" + "\n".join(problems[:20])
