"""sample_data/: the bundled files are what sample_data/generate.py documents, and within each acquisition
channel that process is one the BG/NBD and Gamma-Gamma models describe in daily data (so fits on one
channel's customers can be checked against that channel's truth)."""

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, special, stats

import clv
from clv import cohorts, rfm
from clv.models import BetaGeo, GammaGamma

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("generate", ROOT / "sample_data" / "generate.py")
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)

END = "2025-12-31"
# sample_data/README.md, the channel table (days; CAC in currency per acquired customer)
TRUTH = {
    "web": {"share": 0.40, "r": 0.75, "alpha": 40.0, "a": 0.8, "b": 2.5, "p": 6.0, "q": 4.0, "gamma": 30.0, "cac": 25},
    "app": {"share": 0.25, "r": 0.9, "alpha": 30.0, "a": 0.8, "b": 2.5, "p": 6.0, "q": 4.0, "gamma": 30.0, "cac": 40},
    "marketplace": {
        **{"share": 0.20, "r": 0.6, "alpha": 70.0, "a": 0.8, "b": 2.5},
        **{"p": 6.0, "q": 4.0, "gamma": 22.0, "cac": 12},
    },
    "social_ads": {
        **{"share": 0.15, "r": 0.75, "alpha": 40.0, "a": 0.8, "b": 2.5},
        **{"p": 6.0, "q": 4.0, "gamma": 30.0, "cac": 250},
    },
}
BGNBD = ("r", "alpha", "a", "b")
GG = {"p": "p", "q": "q", "v": "gamma"}  # clv's Gamma-Gamma calls the README's gamma "v"


def _summary(tx: pd.DataFrame) -> pd.DataFrame:
    return rfm.summarize(tx, amount_col="amount", observation_end=END)


def _fits(tx: pd.DataFrame, channel: str) -> tuple[BetaGeo, GammaGamma]:
    s = _summary(tx[tx["channel"] == channel])
    rep = s[s["frequency"] > 0]
    return BetaGeo().fit(s["frequency"], s["recency"], s["T"]), GammaGamma().fit(
        rep["frequency"], rep["monetary_value"]
    )


@pytest.mark.parametrize(
    "name, make", [("transactions.csv", generate.transactions), ("subscriptions.csv", generate.subscriptions)]
)
def test_bundled_files_are_what_the_generator_writes(name, make):
    written = make().to_csv(index=False, float_format="%.2f", lineterminator="\n")
    assert (ROOT / "sample_data" / name).read_text(encoding="utf-8") == written


def test_the_generator_uses_the_readme_channel_table():
    assert generate.CHANNELS == TRUTH
    assert sum(c["share"] for c in TRUTH.values()) == pytest.approx(1.0)


def test_no_customer_orders_twice_on_one_day(transactions):
    # so a daily summary counts every purchase (frequency = orders - 1)
    assert not transactions.duplicated(["customer_id", "date"]).any()
    s = rfm.summarize(transactions, observation_end=END)
    assert s["frequency"].sum() == len(transactions) - s.shape[0]


def test_each_customer_keeps_the_channel_that_acquired_them(transactions):
    assert (transactions.groupby("customer_id")["channel"].nunique() == 1).all()
    first = transactions.sort_values(["date", "order_id"]).drop_duplicates("customer_id")
    n = len(first)
    assert n == 10_000
    counts = first["channel"].value_counts()
    assert set(counts.index) == set(TRUTH)
    for channel, c in TRUTH.items():
        # the customers' shares within 3 binomial standard errors of the documented shares
        assert abs(counts[channel] / n - c["share"]) < 3 * np.sqrt(c["share"] * (1 - c["share"]) / n), counts
    # README's counts of customers and orders per channel
    assert counts.to_dict() == {"web": 3980, "app": 2523, "marketplace": 2050, "social_ads": 1447}
    assert transactions["channel"].value_counts().to_dict() == {
        "web": 15177,
        "app": 11192,
        "social_ads": 5574,
        "marketplace": 5403,
    }


@pytest.mark.parametrize("channel", list(TRUTH))
def test_each_channels_fit_covers_its_true_parameters(transactions, channel):
    bg, gg = _fits(transactions, channel)
    ci = bg.confidence_intervals
    assert all(ci[k][0] <= TRUTH[channel][k] <= ci[k][1] for k in BGNBD), bg.summary()
    ci = gg.confidence_intervals
    assert all(ci[k][0] <= TRUTH[channel][t] <= ci[k][1] for k, t in GG.items()), gg.summary()


@pytest.mark.parametrize("channel", list(TRUTH))
def test_each_channels_mean_order_value_is_p_gamma_over_q_minus_1(transactions, channel):
    # E[z] = p gamma / (q - 1): 60 on web, app and social_ads, 44 on marketplace. The orders of one customer
    # share their spend level nu, so the standard error is the ratio estimator's, by customer.
    c = TRUTH[channel]
    per = transactions[transactions["channel"] == channel].groupby("customer_id")["amount"].agg(["sum", "size"])
    mean = per["sum"].sum() / per["size"].sum()
    n = len(per)
    se = np.sqrt(((per["sum"] - mean * per["size"]) ** 2).sum() / (n * (n - 1))) / per["size"].mean()
    assert abs(mean - c["p"] * c["gamma"] / (c["q"] - 1)) < 3 * se, (mean, se)


def test_the_generating_process_is_unbiased_per_channel():
    # 30 samples (seeds 1..30, 20,000 customers each, so 3,000 to 8,000 per channel): for every channel and
    # every BG/NBD and Gamma-Gamma parameter, the mean estimate lies within 3 standard errors of the truth, and
    # each 95% interval covers the truth in at least 25 of 30. With 10,000 customers a seed the smallest
    # channels' fits carry the MLE's own small-sample bias (Gamma-Gamma p on marketplace's ~900 repeat buyers
    # came out 3.1 standard errors high, social_ads' r 2.7), which is not the generator's; at 20,000 all are
    # within 2. (With app's alpha at 22, the day rounding's 1.2% bias put its mean alpha 2.7 high at 20,000 and
    # 4.3 at 10,000; README.)
    fits = {channel: [] for channel in TRUTH}
    for seed in range(1, 31):
        tx = generate.transactions(seed, n_customers=20_000)
        for channel in TRUTH:
            fits[channel].append(_fits(tx, channel))
    for channel, truth in TRUTH.items():
        for which, names in ((0, {k: k for k in BGNBD}), (1, GG)):
            models = [f[which] for f in fits[channel]]
            for name, key in names.items():
                est = np.array([m.params[name] for m in models])
                assert abs(est.mean() - truth[key]) < 3 * est.std(ddof=1) / np.sqrt(est.size), (channel, name, est)
                cis = [m.confidence_intervals[name] for m in models]
                covered = sum(lo <= truth[key] <= hi for lo, hi in cis)
                assert covered >= 25, (channel, name, covered)


# README's table: each channel's ARPU and monthly churn as the data page measures them, the calculator's
# formula LTV at margin 100%, and LTV:CAC at margins 100% / 80% / 60%.
README_LTV = {
    "web": (40.38, 0.0721, 559.81, (22.4, 17.9, 13.4)),
    "app": (47.42, 0.0724, 655.36, (16.4, 13.1, 9.8)),
    "marketplace": (21.89, 0.0806, 271.46, (22.6, 18.1, 13.6)),
    "social_ads": (40.85, 0.0711, 574.35, (2.3, 1.8, 1.4)),
}


@pytest.mark.parametrize("channel", list(TRUTH))
def test_formula_ltv_to_cac_by_channel_is_the_readmes(transactions, channel):
    arpu, churn, ltv, ratios = README_LTV[channel]
    d = cohorts.derive_assumptions(transactions[transactions["channel"] == channel], bootstrap_samples=0)
    assert round(d.arpu.value, 2) == arpu
    assert round(d.monthly_churn.value, 4) == churn
    assert round(clv.ltv(d.arpu.value, 1.0, d.monthly_churn.value), 2) == ltv
    got = tuple(
        round(clv.ltv(d.arpu.value, m, d.monthly_churn.value) / TRUTH[channel]["cac"], 1) for m in (1, 0.8, 0.6)
    )
    assert got == ratios
    # web, app and marketplace far above the 3:1 rule of thumb at any margin from 60%; social_ads below at 100%
    assert (min(got) > 9) if channel != "social_ads" else (max(got) < 2.5)


def _bgnbd_loglik(r, alpha, a, b, s: pd.DataFrame) -> float:
    """BG/NBD log-likelihood of a summary (Fader, Hardie & Lee 2005, eq. 6), written out for the joint fits."""
    x, tx, big_t = (s[k].to_numpy(float) for k in ("frequency", "recency", "T"))
    head = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha) + special.betaln(a, b + x)
    head -= special.betaln(a, b)
    with np.errstate(divide="ignore"):
        repeat = np.where(
            x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + tx), -np.inf
        )
    return float(np.sum(head + np.logaddexp(-(r + x) * np.log(alpha + big_t), repeat)))


def test_channels_differ_in_how_often_customers_buy_not_in_how_long_they_stay(transactions):
    # Likelihood-ratio tests on the bundled file (README): one (a, b) for all four channels against one per
    # channel, chi-square 2.2 on 6 df (p = 0.90: the same dropout, as generated); one (r, alpha) for all,
    # 739 (p < 1e-150).
    summaries = {c: _summary(transactions[transactions["channel"] == c]) for c in TRUTH}
    separate = {c: BetaGeo().fit(s["frequency"], s["recency"], s["T"]) for c, s in summaries.items()}
    for c, m in separate.items():  # the written-out likelihood is clv's
        assert _bgnbd_loglik(*(m.params[k] for k in BGNBD), summaries[c]) == pytest.approx(m.log_likelihood, rel=1e-9)
    ll_separate = sum(m.log_likelihood for m in separate.values())

    def shared(pair: tuple[str, str]) -> float:
        """Maximised log-likelihood with ``pair`` common to all channels, the other two per channel."""
        own = [k for k in BGNBD if k not in pair]
        start = [np.log(np.mean([m.params[k] for m in separate.values()])) for k in pair]
        start += [np.log(m.params[k]) for m in separate.values() for k in own]

        def negative(theta):
            common = dict(zip(pair, np.exp(theta[:2])))
            total = 0.0
            for i, (c, s) in enumerate(summaries.items()):
                p = {**common, **dict(zip(own, np.exp(theta[2 + 2 * i : 4 + 2 * i])))}
                total += _bgnbd_loglik(*(p[k] for k in BGNBD), s)
            return -total

        res = optimize.minimize(negative, np.array(start), method="L-BFGS-B", options={"ftol": 1e-13, "gtol": 1e-9})
        return -res.fun

    df = 2 * (len(TRUTH) - 1)
    dropout = 2 * (ll_separate - shared(("a", "b")))
    purchase = 2 * (ll_separate - shared(("r", "alpha")))
    assert dropout == pytest.approx(2.16, abs=0.01)
    assert stats.chi2.sf(dropout, df) == pytest.approx(0.904, abs=0.001)
    assert purchase == pytest.approx(738.8, abs=0.1)
    assert stats.chi2.sf(purchase, df) < 1e-150
