"""clv.groups: customers grouped by the column of their first purchase; the calculator's figures per group
(checked by hand on a small log), CAC checks, folding, sentences, per-group fits and the likelihood-ratio
tests (on data simulated from the BG/NBD with known parameters)."""

import math
import time

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import clv
from clv import cohorts, groups, predict, rfm
from clv.errors import FitError, InputError
from clv.groups import GROUP_MISSING, GROUP_OTHER
from clv.models import BetaGeo, GammaGamma
from clv.simulate import simulate_bgnbd

DAYS_PER_MONTH = 30.4375  # clv.cohorts' exposure month

# ---------------------------------------------------------------------- a small log, worked by hand
# Seven customers; "channel" on each row. Day numbers count from 2024-01-01 (2024 is a leap year).
#   a: day 0 social 100 and day 0 ads 50 (same date: the first row, social, decides)   -> social
#   b: day 4 web 40, day 40 web 60, day 79 ads 30 (a later value does not matter)        -> web
#   c: day 9, channel missing (None)                                                   -> (none)
#   f: day 19 social 200, day 182 social 100                                           -> social
#   d: day 31 blank "  " 80 and 20 (two rows, one purchase day), day 166 web 50          -> (none)
#   e: day 50 ads -10 (a return: not a purchase), day 60 web 70                        -> web
#   g: day 121 web 25                                                                  -> web
#   h: day 91 web 0.00 (no purchase: not a customer)
# End of observation: the last row, day 182 (2024-07-01). Inactivity window 120 days: churned when
# 182 - last purchase day >= 120: a (182), c (173), e (122); not b (103), d (16), f (0), g (61).
# Exposure (months of 30.4375 days): churned customers to their last purchase, at least 1 month: a, c, e
# 1 each; the others from their first purchase to day 182, both days counted: b 179, d 152, f 164, g 62 days.
LOG = [
    ("a", "2024-01-01", "social", 100.0),
    ("a", "2024-01-01", "ads", 50.0),
    ("b", "2024-01-05", "web", 40.0),
    ("c", "2024-01-10", None, 20.0),
    ("f", "2024-01-20", "social", 200.0),
    ("d", "2024-02-01", "  ", 80.0),
    ("d", "2024-02-01", "  ", 20.0),
    ("b", "2024-02-10", "web", 60.0),
    ("e", "2024-02-20", "ads", -10.0),
    ("e", "2024-03-01", "web", 70.0),
    ("b", "2024-03-20", "ads", 30.0),
    ("h", "2024-04-01", "web", 0.0),
    ("g", "2024-05-01", "web", 25.0),
    ("d", "2024-06-15", "web", 50.0),
    ("f", "2024-07-01", "social", 100.0),
]


def small_log() -> pd.DataFrame:
    c, d, ch, a = zip(*LOG)
    return pd.DataFrame({"customer_id": c, "date": pd.to_datetime(d), "channel": ch, "amount": a})


def test_each_customer_is_grouped_by_the_first_purchase_ties_by_row_order():
    labels = groups.group_of_customers(small_log(), "channel")
    # a: the tie on 2024-01-01 goes to the first row (social), not to "ads" (first in sort order);
    # e: the return on an "ads" row comes before the first purchase (web); h bought nothing
    assert labels.to_dict() == {"a": "social", "b": "web", "c": GROUP_MISSING, "d": GROUP_MISSING, "e": "web"} | {
        "f": "social",
        "g": "web",
    }
    assert labels.attrs == {"folded": (), "without_purchase": 1}
    # the same log with the two tied rows swapped: a is now "ads"
    swapped = small_log().iloc[[1, 0, *range(2, len(LOG))]]
    assert groups.group_of_customers(swapped, "channel")["a"] == "ads"
    # every row an order (no amount column): e's return row is now their first, and h is a customer
    every = groups.group_of_customers(small_log(), "channel", amount_col=None)
    assert every["e"] == "ads" and every["h"] == "web" and every.attrs["without_purchase"] == 0


def test_compare_every_column_by_hand():
    table = groups.compare(
        small_log(), "channel", cac={"web": 30, "social": 100}, gross_margin=0.8, inactivity_days=120
    )
    assert list(table["group"]) == ["web", "social", GROUP_MISSING]  # most customers first, (none) last
    t = table.set_index("group")
    # customers, purchase days, revenue (returns included), repeat buyers (2+ purchase days), churned
    # web: b (3 days, 130), e (1 day, 70 - 10), g (1 day, 25); social: a (1 day: two rows on one day, 150),
    # f (2 days, 300); (none): c (1 day, 20), d (2 days, 150)
    assert t["customers"].tolist() == [3, 2, 2]
    assert t["share_of_customers"].tolist() == pytest.approx([3 / 7, 2 / 7, 2 / 7], rel=1e-12)
    assert t["orders"].tolist() == [5, 3, 3]
    assert t["revenue"].tolist() == pytest.approx([215.0, 450.0, 170.0], rel=1e-12)
    assert t["repeat_rate"].tolist() == pytest.approx([1 / 3, 1 / 2, 1 / 2], rel=1e-12)
    assert t["churned"].tolist() == [1, 1, 1]
    # customer-months: web (179 + 62) / 30.4375 + 1 = 8.917864; social 1 + 164 / 30.4375 = 6.388090;
    # (none) 1 + 152 / 30.4375 = 5.993840
    months = [1 + 241 / DAYS_PER_MONTH, 1 + 164 / DAYS_PER_MONTH, 1 + 152 / DAYS_PER_MONTH]
    assert t["customer_months"].tolist() == pytest.approx(months, rel=1e-12)
    assert t["customer_months"].tolist() == pytest.approx([8.917864, 6.388090, 5.993840], abs=1e-6)
    # ARPU = revenue / customer-months: 215 / 8.917864 = 24.108911, 450 / 6.388090 = 70.443587,
    # 170 / 5.993840 = 28.362453
    assert t["arpu"].tolist() == pytest.approx([24.108911, 70.443587, 28.362453], abs=1e-6)
    # churn = 1 - exp(-1 churned / customer-months): 1 - exp(-0.112135) = 0.106076, 1 - exp(-0.156542) =
    # 0.144904, 1 - exp(-0.166838) = 0.153663
    assert t["monthly_churn"].tolist() == pytest.approx([0.106076, 0.144904, 0.153663], abs=1e-6)
    # orders per year = purchase days / (customer-months / 12): 5 / 0.743155 = 6.728068, 3 / 0.532341 =
    # 5.635487, 3 / 0.499487 = 6.006166; order value = revenue / purchase days: 43, 150, 56.67
    assert t["orders_per_year"].tolist() == pytest.approx([6.728068, 5.635487, 6.006166], abs=1e-6)
    assert t["avg_order_value"].tolist() == pytest.approx([43.0, 150.0, 170 / 3], rel=1e-12)
    # LTV = ARPU x 0.8 / churn (no discount, no horizon): 24.108911 x 0.8 / 0.106076 = 181.823756,
    # 70.443587 x 0.8 / 0.144904 = 388.912290, 28.362453 x 0.8 / 0.153663 = 147.660297
    assert t["formula_ltv"].tolist() == pytest.approx([181.823756, 388.912290, 147.660297], abs=1e-5)
    # LTV:CAC 181.823756 / 30 = 6.060792, 388.912290 / 100 = 3.889123; (none) has no CAC: None
    assert t["cac"].tolist() == [30.0, 100.0, None]
    assert t.loc["web", "ltv_to_cac"] == pytest.approx(6.060792, abs=1e-6)
    assert t.loc["social", "ltv_to_cac"] == pytest.approx(3.889123, abs=1e-6)
    # payback with churn: t = ln(1 - CAC c / g) / ln(1 - c), g = ARPU x 0.8 (19.287129 and 56.354870):
    # ln(1 - 30 x 0.106076 / 19.287129) / ln(0.893924) = 1.608047; ln(1 - 100 x 0.144904 / 56.354870) /
    # ln(0.855096) = 1.898737
    assert t.loc["web", "payback_months"] == pytest.approx(1.608047, abs=1e-6)
    assert t.loc["social", "payback_months"] == pytest.approx(1.898737, abs=1e-6)
    for col in ("cac", "ltv_to_cac", "payback_months"):  # not defined: None in an object column, never NaN
        assert table[col].dtype == object and table[col].iloc[2] is None
    assert table["groups_folded"].tolist() == [0, 0, 0]
    assert table.attrs["without_purchase"] == 1 and table.attrs["folded"] == ()
    assert table.attrs["observation_end"] == pd.Timestamp("2024-07-01")


def test_compare_with_a_horizon_and_a_discount_rate_by_hand():
    table = groups.compare(
        small_log(),
        "channel",
        {"web": 30},
        months=12,
        monthly_discount_rate=0.01,
        gross_margin=0.8,
        inactivity_days=120,
    ).set_index("group")
    # q = (1 - c) / 1.01; LTV = g (1 - q^12) / (1 - q): web 19.287129 x (1 - 0.885073^12) / 0.114927 = 129.042056,
    # social 56.354870 (...) = 317.611001, (none) 22.689962 (...) = 123.241622
    assert table["formula_ltv"].tolist() == pytest.approx([129.042056, 317.611001, 123.241622], abs=1e-5)
    # payback: ln(1 - 30 (1 - q) / g) / ln q = ln(1 - 30 x 0.114927 / 19.287129) / ln 0.885073 = 1.613157
    assert table.loc["web", "payback_months"] == pytest.approx(1.613157, abs=1e-6)
    assert table.loc["web", "ltv_to_cac"] == pytest.approx(129.042056 / 30, abs=1e-6)
    # a CAC the 12 months never earn back (social's LTV over them is 317.61): payback None, the ratio below 1
    late = groups.compare(small_log(), "channel", {"social": 400}, 12, 0.01, gross_margin=0.8, inactivity_days=120)
    row = late.set_index("group").loc["social"]
    assert row["payback_months"] is None and row["ltv_to_cac"] == pytest.approx(317.611001 / 400, abs=1e-6)
    # unlimited horizon: a CAC above the LTV (388.91) is never paid back either
    never = groups.compare(small_log(), "channel", {"social": 400}, gross_margin=0.8, inactivity_days=120)
    assert never.set_index("group").loc["social", "payback_months"] is None


def test_each_row_is_what_the_calculator_gives_for_that_group_alone():
    # ARPU and churn are derive_assumptions on the group's rows (analysis date: the end of observation), and
    # the figures clv.evaluate on them: "use this group as the baseline" gives the numbers shown.
    tx = small_log()
    table = groups.compare(tx, "channel", cac={"social": 100}, gross_margin=0.6, inactivity_days=120).set_index("group")
    only = tx[tx["customer_id"].isin(["a", "f"])]
    derived = cohorts.derive_assumptions(only, inactivity_days=120, analysis_date="2024-07-01")
    assert table.loc["social", "arpu"] == derived.arpu.value
    assert table.loc["social", "monthly_churn"] == derived.monthly_churn.value
    result = clv.evaluate(derived.to_assumptions(0.6, 100.0))
    assert table.loc["social", "formula_ltv"] == result.ltv
    assert table.loc["social", "ltv_to_cac"] == result.ltv_to_cac
    assert table.loc["social", "payback_months"] == result.payback_months_churn_adjusted
    # the last purchase of social is the file's last day, so loading its rows alone gives the same too
    alone = cohorts.derive_assumptions(only, inactivity_days=120)
    assert (alone.arpu.value, alone.monthly_churn.value) == (derived.arpu.value, derived.monthly_churn.value)
    assert groups.group_baseline(tx, "channel", "social", inactivity_days=120) == predict.data_baseline(
        derived.arpu.value, derived.monthly_churn.value, derived.avg_order_value.value, derived.orders_per_year.value
    )


def test_an_earlier_end_of_observation_drops_later_rows_and_later_customers():
    # end 2024-03-01: g (first purchase in May) is not yet a customer; b has 2 purchase days; f 1
    table = groups.compare(small_log(), "channel", observation_end="2024-03-01", inactivity_days=120)
    t = table.set_index("group")
    assert t["customers"].to_dict() == {"web": 2, "social": 2, GROUP_MISSING: 2}
    assert t["orders"].to_dict() == {"web": 3, "social": 2, GROUP_MISSING: 2}
    assert t["revenue"].to_dict() == pytest.approx({"web": 160.0, "social": 350.0, GROUP_MISSING: 120.0})


def test_numeric_group_values_match_their_cac_keys_and_missing_is_a_group():
    tx = small_log().assign(plan=[1, 1, 2, np.nan, 1, np.nan, np.nan, 2, 2, 2, 2, 2, 2, 2, 1])
    table = groups.compare(tx, "plan", cac={1: 100.0, "2": 30.0})  # a float column with gaps: "1", not "1.0"
    assert table["group"].tolist() == ["2", "1", GROUP_MISSING]
    assert table["cac"].tolist() == [30.0, 100.0, None]


def test_cac_is_checked_and_the_error_names_the_group():
    tx = small_log()
    for bad in (-5, float("nan"), float("inf"), "40", True, None):
        with pytest.raises(InputError) as err:
            groups.compare(tx, "channel", cac={"web": 30, "social": bad})
        assert err.value.field == "cac" and err.value.values == {"group": "social"}
        assert "social" in str(err.value) and "social" in err.value.message("ar")
    with pytest.raises(InputError) as err:
        groups.compare(tx, "channel", cac={"webb": 30})  # a key that is no group is not ignored
    assert err.value.allowed == "groups.allowed.cac_group" and "web, social, (none)" in str(err.value)
    with pytest.raises(InputError) as err:
        groups.compare(tx, "channel", cac=[30, 100])
    assert err.value.allowed == "groups.allowed.cac_map"
    # a CAC of zero is allowed: an unlimited ratio, paid back at once
    row = groups.compare(tx, "channel", cac={"web": 0}).iloc[0]
    assert row["ltv_to_cac"] == math.inf and row["payback_months"] == 0.0


def test_unknown_columns_and_other_inputs_are_input_errors():
    tx = small_log()
    with pytest.raises(InputError) as err:
        groups.compare(tx, "chanel")
    assert err.value.field == "by" and "customer_id, date, channel, amount" in str(err.value)
    with pytest.raises(InputError) as err:
        groups.group_of_customers(tx.drop(columns="amount"), "channel")
    assert err.value.field == "column" and err.value.value == "amount"
    for kwargs, field in (
        ({"months": 0}, "months"),
        ({"months": 2.5}, "months"),
        ({"monthly_discount_rate": -0.01}, "monthly_discount_rate"),
        ({"gross_margin": 1.5}, "gross_margin"),
        ({"max_groups": 1}, "max_groups"),
        ({"observation_end": "not a date"}, "observation_end"),
    ):
        with pytest.raises(InputError) as err:
            groups.compare(tx, "channel", **kwargs)
        assert err.value.field == field
    with pytest.raises(clv.DataError) as err:
        groups.compare(tx, "channel", observation_end="2023-12-31")
    assert err.value.key == "groups.errors.no_customers" and "2023-12-31" in str(err.value)
    with pytest.raises(InputError):
        groups.group_baseline(tx, "channel", "shop")
    with pytest.raises(clv.DataError) as err:
        groups.compare(tx.iloc[:0], "channel")
    assert err.value.key == "groups.errors.no_rows"


def test_many_groups_keep_the_largest_and_fold_the_rest_into_other():
    # 15 channels: channel k has k + 1 customers (c0 one, ..., c14 fifteen), plus 3 customers without one;
    # at most 12 groups: the 10 largest, (none) and (other) with the 5 smallest (c0..c4: 1+2+3+4+5 = 15)
    rows = []
    for k in range(15):
        rows += [(f"k{k}-{i}", "2024-01-01", f"c{k:02d}", 10.0 + k) for i in range(k + 1)]
    rows += [(f"m{i}", "2024-01-02", None, 5.0) for i in range(3)]
    c, d, ch, a = zip(*rows)
    tx = pd.DataFrame({"customer_id": c, "date": pd.to_datetime(d), "channel": ch, "amount": a})
    table = groups.compare(tx, "channel")
    assert len(table) == groups.MAX_GROUPS == 12
    assert table["group"].tolist() == [f"c{k:02d}" for k in range(14, 4, -1)] + [GROUP_MISSING, GROUP_OTHER]
    assert table.attrs["folded"] == ("c04", "c03", "c02", "c01", "c00")
    other = table.set_index("group").loc[GROUP_OTHER]
    assert other["customers"] == 15 and other["groups_folded"] == 5
    assert other["revenue"] == pytest.approx(1 * 10 + 2 * 11 + 3 * 12 + 4 * 13 + 5 * 14)
    assert table["customers"].sum() == tx["customer_id"].nunique()  # nobody lost
    assert (table["groups_folded"] == 0).sum() == 11
    labels = groups.group_of_customers(tx, "channel", max_groups=3)  # the largest, (none), (other)
    assert sorted(labels.unique()) == sorted(["c14", GROUP_MISSING, GROUP_OTHER])
    assert len(labels.attrs["folded"]) == 14


def test_the_ratio_sentence_in_english_and_arabic():
    table = groups.compare(
        small_log(), "channel", cac={"web": 30, "social": 150}, gross_margin=0.8, inactivity_days=120
    )
    # web 181.82 / 30 = 6.06; social 388.91 / 150 = 2.59; (none) has no CAC
    assert groups.ratio_sentence(table) == (
        "At or above the 3 : 1 rule of thumb: web (6.06 : 1). Below it: social (2.59 : 1). No CAC entered for: (none)."
    )
    assert groups.ratio_sentence(table, "ar") == (
        "تبلغ القاعدة التقريبية 3 : 1 أو تتجاوزها: web (6.06 : 1). ودونها: social (2.59 : 1). "
        "لم تُدخَل تكلفة اكتساب لـ: (بلا قيمة)."
    )
    assert groups.ratio_sentence(table, "ar", "arabic").startswith(
        "تبلغ القاعدة التقريبية ٣ : ١ أو تتجاوزها: web (٦٫٠٦ : ١)"
    )
    both = groups.compare(small_log(), "channel", cac={"web": 30, "social": 100}, gross_margin=0.8, inactivity_days=120)
    assert groups.ratio_sentence(both) == (
        "Every group with a CAC meets the 3 : 1 rule of thumb: web (6.06 : 1), social (3.89 : 1). "
        "No CAC entered for: (none)."
    )
    low = groups.compare(
        small_log(),
        "channel",
        cac={"web": 300, "social": 300, GROUP_MISSING: 300},
        gross_margin=0.8,
        inactivity_days=120,
    )
    # 181.82 / 300 = 0.61, 388.91 / 300 = 1.30, 147.66 / 300 = 0.49
    assert groups.ratio_sentence(low) == (
        "No group meets the 3 : 1 rule of thumb: web (0.61 : 1), social (1.30 : 1), (none) (0.49 : 1)."
    )
    # no churn in 180 days for web and (none): an unlimited LTV, so an unlimited ratio
    unlimited = groups.compare(small_log(), "channel", cac={"web": 300, "social": 300})
    assert groups.ratio_sentence(unlimited) == (
        "At or above the 3 : 1 rule of thumb: web (∞ : 1). Below it: social (1.62 : 1). No CAC entered for: (none)."
    )
    assert groups.ratio_sentence(groups.compare(small_log(), "channel")) == (
        "Enter a CAC for a group to compare its LTV with the 3 : 1 rule of thumb."
    )


def test_p_values_are_shown_honestly():
    assert groups.format_p_value(1e-40) == "p < 0.001"
    assert groups.format_p_value(0.00099) == "p < 0.001"
    assert groups.format_p_value(0.001) == "p = 0.001"
    assert groups.format_p_value(0.41) == "p = 0.41"
    assert groups.format_p_value(0.0496) == "p = 0.0496"  # "0.050" would read as not below 0.05
    assert groups.format_p_value(0.0504) == "p = 0.050"
    assert groups.format_p_value(0.41, "ar", "arabic") == "p = ٠٫٤١"


# ---------------------------------------------------------------------- per-group fits and the tests
END = pd.Timestamp("2025-12-31")
SPEND = (6.0, 4.0, 30.0)  # Gamma-Gamma p, q, v of the repeat purchases (mean spend v p / (q - 1) = 60)
SLOW = (0.75, 40.0, 0.8, 2.5)  # BG/NBD r, alpha (days), a, b: one purchase every 53 days on average
FAST = (0.75, 20.0, 0.8, 2.5)  # the same dropout, purchases twice as often


def simulated_log(specs, seed: int) -> pd.DataFrame:
    """A transaction log from the BG/NBD with Gamma-Gamma spend (clv.simulate), one channel per spec
    (name, customers, (r, alpha, a, b)): each customer first buys (50.00) T days before END, T drawn from
    180..365; repeat purchases on the day of their simulated time."""
    rng = np.random.default_rng(seed)
    frames = []
    for name, n, (r, alpha, a, b) in specs:
        big_t = rng.integers(180, 366, n).astype(float)
        sim = simulate_bgnbd(n, r, alpha, a, b, big_t, rng=rng, time_unit="days", spend=SPEND)
        start = END - pd.to_timedelta(big_t, unit="D")
        who = np.repeat(np.arange(n), sim["frequency"].to_numpy())
        days = np.concatenate([np.floor(t) for t in sim["purchase_times"] if t] or [np.array([])])
        amounts = np.concatenate([np.array(z) for z in sim["amounts"] if z] or [np.array([])])
        ids = np.array([f"{name}-{i}" for i in range(n)])
        frames.append(
            pd.DataFrame(
                {
                    "customer_id": np.r_[ids, ids[who]],
                    "date": np.r_[start, start[who] + pd.to_timedelta(days, unit="D")],
                    "amount": np.r_[np.full(n, 50.0), amounts],
                    "channel": name,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def differ_in_purchase_rate():
    # two channels, same dropout (a, b), purchase rate twice as high in "fast"; seed fixed
    return groups.fit_groups(simulated_log([("slow", 2000, SLOW), ("fast", 2000, FAST)], seed=1), "channel")


def test_groups_that_differ_only_in_purchase_rate(differ_in_purchase_rate):
    fits = differ_in_purchase_rate
    t = fits.tests
    assert t["purchase"].p_value < 0.001 and t["all"].p_value < 0.001
    assert t["dropout"].p_value > 0.05 and t["spend"].p_value > 0.05  # what is the same is not rejected
    assert (t["all"].df, t["purchase"].df, t["dropout"].df, t["spend"].df) == (4, 2, 2, 3)
    assert t["purchase"].params == ("r", "alpha") and t["dropout"].params == ("a", "b")
    for test in t.values():
        assert test.p_value == pytest.approx(stats.chi2.sf(test.statistic, test.df), rel=1e-9, abs=1e-300)
    # the joint fits lie between the pooled fit and the separate ones (they nest it and are nested)
    separate = sum(fits.groups[g].transaction_model.log_likelihood for g in ("slow", "fast"))
    assert t["all"].log_likelihood_separate == pytest.approx(separate, rel=1e-12)
    assert t["all"].log_likelihood_pooled == fits.pooled.log_likelihood
    for part in ("purchase", "dropout"):
        assert fits.pooled.log_likelihood <= t[part].log_likelihood_pooled <= separate
    # the separate fits recover each channel's purchase scale alpha (40 and 20 days) within their intervals
    for g, truth in (("slow", SLOW), ("fast", FAST)):
        low, high = fits.groups[g].transaction_model.confidence_intervals["alpha"]
        assert low <= truth[1] <= high
    p_dropout = groups.format_p_value(t["dropout"].p_value)
    p_spend = groups.format_p_value(t["spend"].p_value)
    assert fits.sentence() == (
        f"Customers grouped by channel differ in how often they buy (p < 0.001), not in how long they stay "
        f"({p_dropout}). Spend per purchase does not differ clearly between the groups ({p_spend})."
    )
    assert fits.sentence("ar") == (
        f"يختلف العملاء المجمَّعون حسب «channel» في عدد مرات شرائهم (p < 0.001)، لا في مدة بقائهم ({p_dropout}). "
        f"لا يتضح اختلاف في الإنفاق لكل عملية شراء بين المجموعات ({p_spend})."
    )
    assert fits.notes() == []


def test_each_group_is_fitted_on_its_own_daily_summary(differ_in_purchase_rate):
    fits = differ_in_purchase_rate
    fast = fits.summary[fits.summary["group"] == "fast"]
    alone = BetaGeo().fit(fast["frequency"], fast["recency"], fast["T"])
    assert fits.groups["fast"].transaction_model.params == pytest.approx(alone.params, rel=1e-9)
    spend = GammaGamma().fit(fast["frequency"], fast["monetary_value"])
    assert fits.groups["fast"].spend_model.params == pytest.approx(spend.params, rel=1e-9)
    # the summary is clv.rfm.summarize's, daily, to the last day (as clv.predict.fit_customer_models)
    tx = simulated_log([("slow", 2000, SLOW), ("fast", 2000, FAST)], seed=1)
    expected = rfm.summarize(tx, "customer_id", "date", "amount", freq="D")
    pd.testing.assert_frame_equal(fits.summary.drop(columns="group"), expected)


def test_identical_groups_are_not_told_apart():
    fits = groups.fit_groups(simulated_log([(c, 1500, SLOW) for c in ("web", "app", "shop")], seed=1), "channel")
    assert set(fits.tests) == {"all", "purchase", "dropout", "spend"}
    assert all(test.p_value > 0.05 for test in fits.tests.values()), {k: v.p_value for k, v in fits.tests.items()}
    assert (fits.tests["all"].df, fits.tests["purchase"].df, fits.tests["spend"].df) == (8, 4, 6)
    assert fits.sentence().startswith("Customers grouped by channel do not differ clearly in how often they buy (p = ")


def test_the_same_customers_twice_give_statistics_of_zero():
    # Two channels with exactly the same histories: every separate fit is the pooled one, so each joint fit
    # must find the pooled maximum and every statistic is 0 (p = 1): the constrained fits reach the optimum.
    one = simulated_log([("web", 800, SLOW)], seed=4)
    twin = one.assign(customer_id="twin-" + one["customer_id"], channel="app")
    fits = groups.fit_groups(pd.concat([one, twin], ignore_index=True), "channel")
    for test in fits.tests.values():
        assert test.statistic < 1e-6 and test.p_value > 0.999


def test_a_small_group_uses_the_pooled_fit_and_says_why():
    tx = simulated_log([("slow", 600, SLOW), ("fast", 600, FAST), ("tiny", 30, SLOW)], seed=2)
    fits = groups.fit_groups(tx, "channel")
    tiny = fits.groups["tiny"]
    assert tiny.pooled and tiny.customers == 30 and tiny.transaction_model is None
    assert tiny.reason.key == "groups.errors.too_small" and tiny.reason.values == {"count": 30, "minimum": 100}
    assert fits.transaction_model("tiny") is fits.pooled and fits.spend_model("tiny") is fits.pooled_spend
    assert fits.pooled.n_customers == 1230  # the pooled fit has every customer
    assert fits.tests["all"].groups == ("fast", "slow")  # the tests compare the groups fitted on their own
    assert fits.notes() == [
        "tiny: too small to fit on its own: pooled. It has 30 customers; a group needs at least 100 to be "
        "fitted on its own."
    ]
    table = fits.table()
    row = table.set_index("group").loc["tiny"]
    assert row["pooled"] and row["status"] == "too small to fit on its own: pooled"
    assert row["r"] == fits.pooled.params["r"]
    assert fits.table("ar").set_index("group").loc["tiny", "status"] == "أصغر من أن يُقدَّر وحده: ضُمّ إلى التقدير المجمَّع"


def test_a_group_whose_fit_fails_is_pooled_with_the_models_reason():
    # "once": 40 customers who never buy again; BG/NBD cannot be fitted to them (no repeat purchase)
    tx = simulated_log([("slow", 400, SLOW), ("fast", 400, FAST)], seed=3)
    once = pd.DataFrame(
        {
            "customer_id": [f"o{i}" for i in range(40)],
            "date": END - pd.to_timedelta(np.arange(40) + 200, unit="D"),
            "amount": 50.0,
            "channel": "once",
        }
    )
    fits = groups.fit_groups(pd.concat([tx, once], ignore_index=True), "channel", min_customers=20)
    assert fits.groups["once"].pooled and fits.groups["once"].reason.key == "models.errors.no_repeat"
    assert fits.groups["once"].spend_reason.key == "models.errors.no_spend"
    assert set(fits.tests["all"].groups) == {"slow", "fast"}


def test_one_group_fitted_on_its_own_cannot_be_compared():
    tx = simulated_log([("slow", 500, SLOW), ("tiny", 40, FAST)], seed=5)
    fits = groups.fit_groups(tx, "channel")
    assert fits.tests == {}
    assert set(fits.test_errors) == {"all", "purchase", "dropout", "spend"}
    assert fits.test_errors["all"].key == "groups.errors.few_groups"
    assert fits.sentence() == (
        "Only 1 of the groups could be fitted on its own, and a comparison needs at least two. Use a longer "
        "period or more customers, or group by a column with fewer, larger groups."
    )


def test_fit_groups_checks_its_inputs():
    tx = simulated_log([("slow", 200, SLOW)], seed=6)
    with pytest.raises(InputError) as err:
        groups.fit_groups(tx, "channel", model="cox")
    assert err.value.field == "models"
    with pytest.raises(InputError) as err:
        groups.fit_groups(tx, "channel", min_customers=0)
    assert err.value.field == "min_customers"
    with pytest.raises(InputError) as err:
        groups.fit_groups(tx, "region")
    assert err.value.field == "by"
    with pytest.raises(FitError):  # nobody bought again: not even the pooled fit is possible
        groups.fit_groups(tx.groupby("customer_id").head(1), "channel")


def test_fit_groups_on_ten_thousand_customers_in_four_groups_takes_seconds():
    tx = simulated_log(
        [("web", 2500, SLOW), ("app", 2500, FAST), ("shop", 2500, (0.75, 40.0, 0.8, 5.0)), ("ads", 2500, SLOW)],
        seed=7,
    )
    start = time.perf_counter()
    fits = groups.fit_groups(tx, "channel")
    elapsed = time.perf_counter() - start
    assert len(fits.summary) == 10_000 and set(fits.tests) == {"all", "purchase", "dropout", "spend"}
    # "shop" keeps customers longer (b 5 against 2.5): the dropout part differs, and so do purchases ("app")
    assert fits.tests["dropout"].p_value < 0.001 and fits.tests["purchase"].p_value < 0.001
    assert elapsed < 10.0, f"{elapsed:.1f} s"  # measured 0.1-0.3 s on the CI machine (BG/NBD)


def test_group_values_are_the_mean_predicted_clv_of_each_groups_own_or_pooled_models():
    tx = simulated_log([("slow", 600, SLOW), ("fast", 600, FAST), ("tiny", 30, SLOW)], seed=2)
    fits = groups.fit_groups(tx, "channel")
    values = groups.group_values(fits, months=12, annual_discount_rate=0.10, draws=200).set_index("group")
    monthly = 1.1 ** (1 / 12) - 1
    for g in ("slow", "fast", "tiny"):
        summary = fits.summary[fits.summary["group"] == g]
        clv_each = clv.models.customer_lifetime_value(
            fits.transaction_model(g), fits.spend_model(g), summary, months=12, monthly_discount_rate=monthly
        )
        row = values.loc[g]
        assert row["customers"] == len(summary)
        assert row["mean_clv"] == pytest.approx(clv_each.mean(), rel=1e-12)
        assert row["total_clv"] == pytest.approx(clv_each.sum(), rel=1e-12)
        assert row["mean_clv_low"] < row["mean_clv"] < row["mean_clv_high"]
        assert row["pooled"] == (g == "tiny")
    # a group of 30 customers is less certain than one of 600 (relative width of its range)
    width = (values["mean_clv_high"] - values["mean_clv_low"]) / values["mean_clv"]
    assert width["tiny"] > width["slow"]
