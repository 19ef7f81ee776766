"""Where the value is: customers grouped by a column of their first order (acquisition channel, first
product, plan, country), compared on the calculator's figures, and the models fitted per group with
likelihood-ratio tests of whether the groups really differ.

Conventions:

- A customer is someone with at least one purchase (an amount above zero) up to the end of observation,
  as ``clv.cohorts`` counts them. Their group is the value of column ``by`` on their FIRST purchase: the
  earliest date, ties broken by the row order of the file. Rows after the end of observation are not
  used. A missing or blank value is its own group, ``GROUP_MISSING``; a column with more than
  ``MAX_GROUPS`` groups keeps the largest and shows the rest together as ``GROUP_OTHER`` (the folded
  values are listed in ``attrs["folded"]`` and counted in the column ``groups_folded``).
- ``compare``: each group's ARPU, monthly churn, orders per year and order value are exactly what
  ``clv.cohorts.derive_assumptions`` gives on that group's rows alone, with the analysis date at the end
  of observation (the whole file's last day by default, the same for every group); the formula LTV,
  LTV:CAC and payback are ``clv.core.evaluate`` on those assumptions: the calculator's own figures.
- ``fit_groups``: the transaction model (``clv.predict.MODEL_CLASSES``) and Gamma-Gamma fitted on the daily
  summary (``clv.rfm.summarize``, as ``clv.predict.fit_customer_models``) of each group, and on all customers
  together (the pooled fit, which groups too small to fit on their own use). Likelihood-ratio tests compare
  the pooled fit with the separate fits: all the transaction model's parameters, its purchase-rate part
  and its dropout part on their own (a joint fit with the other part per group), and spend.

Order of the groups everywhere: largest first (ties by label), then ``GROUP_MISSING``, then ``GROUP_OTHER``.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, special

from . import fmt, i18n
from .cohorts import DEFAULT_INACTIVITY_DAYS, derive_assumptions
from .core import RULE_OF_THUMB_LTV_TO_CAC, evaluate
from .errors import DataError, FitError, InputError
from .models import GammaGamma
from .models.base import BFGS_GTOL, BFGS_MAX_ITERATIONS, GRADIENT_TOLERANCE, LOG_PARAM_BOUND, WALL
from .predict import FREQ, MODEL_CLASSES, DataBaseline, OwnAverageSpend, data_baseline
from .predict.common import check_models
from .rfm import summarize

GROUP_MISSING = "(none)"  # the group of customers whose first purchase has no value in the column
GROUP_OTHER = "(other)"  # the smaller groups, shown together when there are more than MAX_GROUPS
MAX_GROUPS = 12  # at most this many groups (GROUP_MISSING and GROUP_OTHER included)
MIN_FIT_CUSTOMERS = 100  # a group with fewer customers is not fitted on its own: it uses the pooled fit
SIGNIFICANCE_LEVEL = 0.05  # a test with p below this says the groups differ
P_VALUE_FLOOR = 0.001  # p below this shows as "p < 0.001"
MONTHS_PER_YEAR = 12
# The transaction models' parameters in two parts: how often a customer buys while alive, and how
# long they stay (BG/NBD and MBG/NBD: dropout probability p ~ Beta(a, b); Pareto/NBD: lifetime rate
# mu ~ Gamma(s, beta)). The part names are the keys of ``GroupFits.tests``.
PARTS = {
    "bgnbd": {"purchase": ("r", "alpha"), "dropout": ("a", "b")},
    "mbgnbd": {"purchase": ("r", "alpha"), "dropout": ("a", "b")},
    "pareto_nbd": {"purchase": ("r", "alpha"), "dropout": ("s", "beta")},
}
TEST_PARTS = ("all", "purchase", "dropout", "spend")


# ----------------------------------------------------------------------------------------------
# Groups
# ----------------------------------------------------------------------------------------------


def group_of_customers(
    transactions: pd.DataFrame,
    by: str,
    *,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str | None = "amount",
    max_groups: int = MAX_GROUPS,
) -> pd.Series:
    """Each customer's group: the value of column ``by`` on their first purchase, as text.

    First purchase: the earliest date among the rows with an amount above zero (every row when
    ``amount_col`` is None), ties broken by row order. Customers without a purchase have no group (they
    are not customers, as in ``clv.cohorts``); ``attrs["without_purchase"]`` counts them. A missing or
    blank value gives ``GROUP_MISSING``; a whole number stored as a float (a numeric column with gaps)
    shows without ".0". With more than ``max_groups`` groups the largest stay (``GROUP_MISSING`` always
    stays) and the rest become ``GROUP_OTHER``; ``attrs["folded"]`` lists the values folded, largest first.
    Returns a Series of labels named ``by``, indexed by customer id (sorted). An unknown column is an
    InputError.

    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b", "c"], "channel": ["ads", "web", None, "web"],
    ...     "date": pd.to_datetime(["2024-01-02", "2024-01-01", "2024-01-01", "2024-01-03"]),
    ...     "amount": [10.0, 20.0, 5.0, 7.0]})
    >>> group_of_customers(tx, "channel").to_dict()
    {'a': 'web', 'b': '(none)', 'c': 'web'}
    """
    columns = [by, customer_col, date_col] + ([amount_col] if amount_col is not None else [])
    for col in columns:
        if col not in transactions.columns:
            raise InputError(
                "by" if col == by else "column",
                col,
                "groups.allowed.column",
                columns=", ".join(map(str, transactions.columns)),
            )
    _check_whole("max_groups", max_groups, 2, "groups.allowed.max_groups")
    dates = pd.to_datetime(transactions[date_col])
    codes, uniques = pd.factorize(transactions[customer_col], sort=True)
    valid = (codes >= 0) & dates.notna().to_numpy()
    if amount_col is not None:
        valid &= transactions[amount_col].to_numpy(dtype=float) > 0
    rows = np.flatnonzero(valid)
    stamps = dates.to_numpy(dtype="datetime64[ns]").astype(np.int64)
    rows = rows[np.lexsort((rows, stamps[rows], codes[rows]))]  # by customer, then date, then row
    first = rows[np.r_[True, codes[rows][1:] != codes[rows][:-1]]] if rows.size else rows
    values, distinct = pd.factorize(transactions[by].to_numpy(dtype=object)[first], use_na_sentinel=True)
    names = np.array([_label(v) for v in distinct] + [GROUP_MISSING], dtype=object)
    labels = pd.Series(names[values], index=pd.Index(uniques[codes[first]], name=customer_col), name=by)
    labels, folded = _fold(labels, int(max_groups))
    labels.attrs["folded"] = folded
    labels.attrs["without_purchase"] = int(len(uniques) - first.size)
    return labels


def _label(value) -> str:
    """A group label: the value as text, stripped; GROUP_MISSING for a missing or blank value."""
    if value is None or (pd.api.types.is_scalar(value) and not isinstance(value, str) and pd.isna(value)):
        return GROUP_MISSING
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value).strip() or GROUP_MISSING


def _fold(labels: pd.Series, max_groups: int) -> tuple[pd.Series, tuple[str, ...]]:
    """The labels with all but the largest groups folded into GROUP_OTHER (so at most ``max_groups``)."""
    ranked = group_order(labels)
    if len(ranked) <= max_groups:
        return labels, ()
    real = [g for g in ranked if g != GROUP_MISSING]
    room = max_groups - 1 - (GROUP_MISSING in ranked)
    folded = tuple(real[room:])
    return labels.where(~labels.isin(folded), GROUP_OTHER), folded


def group_order(labels: pd.Series) -> list[str]:
    """The groups in display order: most customers first (ties by label), then GROUP_MISSING, GROUP_OTHER.

    >>> group_order(pd.Series(["b", "(none)", "a", "b", "(other)", "a", "c"]))
    ['a', 'b', 'c', '(none)', '(other)']
    """
    counts = labels.value_counts()
    real = sorted((g for g in counts.index if g not in (GROUP_MISSING, GROUP_OTHER)), key=lambda g: (-counts[g], g))
    return real + [g for g in (GROUP_MISSING, GROUP_OTHER) if g in counts.index]


def display_label(group: str, lang: str = "en") -> str:
    """A group's label as shown: GROUP_MISSING and GROUP_OTHER in ``lang`` (``groups.missing``,
    ``groups.other``); any other label as it is (the user's own text).

    >>> display_label(GROUP_MISSING, "ar"), display_label("web", "ar")
    ('(بلا قيمة)', 'web')
    """
    if group == GROUP_MISSING:
        return i18n.text("groups.missing", lang)
    if group == GROUP_OTHER:
        return i18n.text("groups.other", lang)
    return str(group)


def _observed(transactions, date_col, observation_end):
    """The rows up to the end of observation (its whole day) and that end (midnight). Default end: the
    day of the file's last row; DataError when no row has a date."""
    if date_col not in transactions.columns:
        raise InputError("column", date_col, "groups.allowed.column", columns=", ".join(map(str, transactions.columns)))
    dates = pd.to_datetime(transactions[date_col])
    if observation_end is None:
        if dates.notna().sum() == 0:
            raise DataError("groups.errors.no_rows")
        end = dates.max().normalize()
    else:
        try:
            end = pd.Timestamp(observation_end)
        except (TypeError, ValueError):
            raise InputError("observation_end", observation_end, "groups.allowed.observation_end") from None
        if pd.isna(end):
            raise InputError("observation_end", observation_end, "groups.allowed.observation_end")
        end = end.normalize()
    rows = transactions[(dates < end + pd.Timedelta(days=1)).to_numpy()]
    return rows, end


def _grouped(transactions, by, customer_col, date_col, amount_col, observation_end, max_groups):
    """(rows up to the end, the end, each customer's group, the groups in order); DataError without customers."""
    rows, end = _observed(transactions, date_col, observation_end)
    labels = group_of_customers(
        rows, by, customer_col=customer_col, date_col=date_col, amount_col=amount_col, max_groups=max_groups
    )
    if labels.empty:
        raise DataError("groups.errors.no_customers", date=str(end.date()))
    return rows, end, labels, group_order(labels)


# ----------------------------------------------------------------------------------------------
# The calculator's figures per group
# ----------------------------------------------------------------------------------------------


def compare(
    transactions: pd.DataFrame,
    by: str,
    cac: dict | None = None,
    months: int | None = None,
    monthly_discount_rate: float = 0.0,
    *,
    gross_margin: float = 1.0,
    inactivity_days: int = DEFAULT_INACTIVITY_DAYS,
    observation_end=None,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str = "amount",
    max_groups: int = MAX_GROUPS,
) -> pd.DataFrame:
    """The calculator's figures for each group of customers; one row per group, in display order.

    Columns:
    - ``group`` (label), ``customers`` (with a purchase), ``share_of_customers`` (fraction of all),
      ``orders`` (purchase days: a customer's purchases on one day count once, as everywhere in clv),
      ``revenue`` (currency, returns included), ``repeat_rate`` (fraction of customers with two or more
      purchase days), ``churned`` (customers without a purchase in the last ``inactivity_days`` days),
      ``customer_months`` (exposure, months of 30.4375 days);
    - ``arpu`` (currency per customer per month), ``monthly_churn`` (fraction), ``orders_per_year`` and
      ``avg_order_value`` (currency): ``clv.cohorts.derive_assumptions`` on the group's rows, analysis date
      at the end of observation (ARPU = revenue / customer-months; churn = 1 - exp(-churned /
      customer-months));
    - ``formula_ltv`` = ``clv.core.ltv(arpu, gross_margin, monthly_churn, annual rate, months)`` (currency;
      ``math.inf`` when churn and the discount rate are 0 with no horizon), where the annual rate compounds
      the monthly one: (1 + d)^12 - 1;
    - ``cac`` (currency, from the ``cac`` mapping), ``ltv_to_cac`` (LTV / CAC; inf when the CAC is 0) and
      ``payback_months`` (months until the discounted margin reaches the CAC, churn-adjusted, as the
      calculator shows it): ``clv.core.evaluate``. These three are an object column holding a float or None:
      None where the group has no CAC, where LTV and CAC are both 0 (no ratio), or where the CAC is never
      paid back; never NaN.
    - ``groups_folded``: how many values the row holds folded together (GROUP_OTHER), else 0.

    ``cac``: a mapping from group label to CAC (keys are matched as labels: 2 and "2" are the same group);
    each a finite number >= 0 (InputError naming the group), every key a group of the table. ``months``:
    None (unlimited) or a whole number of months; ``monthly_discount_rate`` a fraction per month.
    ``attrs``: ``by``, ``folded`` (the values folded into GROUP_OTHER), ``observation_end``,
    ``without_purchase`` (customer ids with rows but no purchase: not customers, not in any row).

    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "plan": ["pro", "pro", "basic"],
    ...     "date": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-01-10"]), "amount": [30.0, 30.0, 10.0]})
    >>> t = compare(tx, "plan", cac={"pro": 20.0})
    >>> t[["group", "customers", "orders", "revenue"]].values.tolist()
    [['basic', 1, 1, 10.0], ['pro', 1, 2, 60.0]]
    >>> # "pro": 60 of revenue over 32 days = 32 / 30.4375 months, nobody inactive for 180 days: no churn,
    >>> # so with no horizon and no discount the LTV has no limit; "basic" has no CAC, so no ratio
    >>> round(float(t["arpu"][1]), 4), float(t["monthly_churn"][1]), float(t["formula_ltv"][1]), t["ltv_to_cac"][0]
    (57.0703, 0.0, inf, None)
    """
    _check_number("gross_margin", gross_margin, 0.0, 1.0, "allowed.fraction")
    _check_number("monthly_discount_rate", monthly_discount_rate, 0.0, None, "models.allowed.discount")
    if months is not None:
        _check_whole("months", months, 1, "allowed.horizon")
    _check_whole("inactivity_days", inactivity_days, 1, "cohorts.allowed.inactivity_days")
    if amount_col not in transactions.columns:
        raise InputError(
            "column", amount_col, "groups.allowed.column", columns=", ".join(map(str, transactions.columns))
        )
    rows, end, labels, order = _grouped(
        transactions, by, customer_col, date_col, amount_col, observation_end, max_groups
    )
    costs = _check_cac(cac, order)
    annual = (1.0 + float(monthly_discount_rate)) ** MONTHS_PER_YEAR - 1.0
    group_of_row = rows[customer_col].map(labels)
    amounts = rows[amount_col].to_numpy(dtype=float)
    days = pd.to_datetime(rows[date_col]).dt.normalize()
    folded_counts = {GROUP_OTHER: len(labels.attrs["folded"])}
    out = []
    for g in order:
        mine = (group_of_row == g).to_numpy()
        part = rows[mine]
        derived = derive_assumptions(
            part,
            inactivity_days=int(inactivity_days),
            analysis_date=end,
            bootstrap_samples=0,
            customer_col=customer_col,
            date_col=date_col,
            amount_col=amount_col,
        )
        buys = amounts[mine] > 0
        purchase_days = pd.DataFrame({"c": part[customer_col].to_numpy()[buys], "d": days[mine].to_numpy()[buys]})
        per_customer = purchase_days.drop_duplicates().groupby("c").size()
        cost = costs.get(g)
        result = evaluate(derived.to_assumptions(float(gross_margin), cost or 0.0, annual, months))
        out.append(
            {
                "group": g,
                "customers": derived.customers,
                "share_of_customers": derived.customers / len(labels),
                "orders": int(per_customer.sum()),
                "revenue": float(amounts[mine].sum()),
                "repeat_rate": float((per_customer >= 2).sum() / derived.customers),
                "churned": derived.churned,
                "customer_months": derived.customer_months,
                "arpu": derived.arpu.value,
                "monthly_churn": derived.monthly_churn.value,
                "orders_per_year": derived.orders_per_year.value,
                "avg_order_value": derived.avg_order_value.value,
                "formula_ltv": result.ltv,
                "cac": cost,
                "ltv_to_cac": result.ltv_to_cac if cost is not None else None,
                "payback_months": result.payback_months_churn_adjusted if cost is not None else None,
                "groups_folded": folded_counts.get(g, 0),
            }
        )
    table = pd.DataFrame(out)
    for col in ("cac", "ltv_to_cac", "payback_months"):
        table[col] = pd.Series([row[col] for row in out], dtype=object)
    table.attrs.update(
        by=by, folded=labels.attrs["folded"], observation_end=end, without_purchase=labels.attrs["without_purchase"]
    )
    return table


def group_baseline(
    transactions: pd.DataFrame,
    by: str,
    group: str,
    *,
    inactivity_days: int = DEFAULT_INACTIVITY_DAYS,
    observation_end=None,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str = "amount",
    max_groups: int = MAX_GROUPS,
) -> DataBaseline:
    """The calculator's baseline from one group's rows: ``clv.predict.data_baseline`` on the estimates that
    ``compare`` shows for it (ARPU, churn, order value and orders per year), rounded to the calculator's
    steps as the Your data page rounds a whole file's. InputError for a group not in the table.

    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "plan": ["pro", "pro", "basic"],
    ...     "date": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-01-10"]), "amount": [30.0, 30.0, 10.0]})
    >>> b = group_baseline(tx, "plan", "pro")  # 60 / (32 / 30.4375) = 57.07 a month; 2 orders in 32 days
    >>> b.arpu, b.monthly_churn, b.orders_per_year
    (57.07, 0.0, 22.8)
    """
    _check_whole("inactivity_days", inactivity_days, 1, "cohorts.allowed.inactivity_days")
    rows, end, labels, order = _grouped(
        transactions, by, customer_col, date_col, amount_col, observation_end, max_groups
    )
    label = _label(group)
    if label not in order:
        raise InputError("group", group, "groups.allowed.cac_group", groups=", ".join(order))
    part = rows[rows[customer_col].map(labels).eq(label).to_numpy()]
    derived = derive_assumptions(
        part,
        inactivity_days=int(inactivity_days),
        analysis_date=end,
        bootstrap_samples=0,
        customer_col=customer_col,
        date_col=date_col,
        amount_col=amount_col,
    )
    return data_baseline(
        derived.arpu.value, derived.monthly_churn.value, derived.avg_order_value.value, derived.orders_per_year.value
    )


def _check_cac(cac, groups: list[str]) -> dict[str, float]:
    """The CAC mapping by label; InputError naming the group for a value that is not a finite number >= 0,
    and for a key that is not a group."""
    if cac is None:
        return {}
    if not hasattr(cac, "items"):
        raise InputError("cac", cac, "groups.allowed.cac_map")
    out = {}
    for key, value in cac.items():
        label = _label(key)
        if label not in groups:
            raise InputError("cac", key, "groups.allowed.cac_group", groups=", ".join(groups))
        _check_number("cac", value, 0.0, None, "groups.allowed.cac", group=label)
        out[label] = float(value)
    return out


def _check_number(name, value, low, high, allowed, **values) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputError(name, value, allowed, **values)
    if not math.isfinite(value) or (low is not None and value < low) or (high is not None and value > high):
        raise InputError(name, value, allowed, **values)


def _check_whole(name, value, low, allowed) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not math.isfinite(value)
        or value != int(value)
        or value < low
    ):
        raise InputError(name, value, allowed)


# ----------------------------------------------------------------------------------------------
# Sentences
# ----------------------------------------------------------------------------------------------


def ratio_sentence(table: pd.DataFrame, lang: str = "en", digits: str = "western") -> str:
    """Which groups meet the 3 : 1 rule of thumb (LTV:CAC >= ``RULE_OF_THUMB_LTV_TO_CAC``) and which fall
    below it, each with its ratio, in ``lang``; then the groups without a ratio (no CAC entered, or LTV and
    CAC both 0). ``table``: ``compare``'s (columns ``group``, ``cac``, ``ltv_to_cac``), in its order.

    >>> t = pd.DataFrame({"group": ["web", "ads", "shop"], "cac": [10.0, 50.0, None],
    ...                   "ltv_to_cac": [4.25, 1.5, None]})
    >>> ratio_sentence(t)
    'At or above the 3 : 1 rule of thumb: web (4.25 : 1). Below it: ads (1.50 : 1). No CAC entered for: shop.'
    """
    sep = i18n.text("groups.list_separator", lang)
    above, below, no_cac, undefined = [], [], [], []
    for g, cost, ratio in zip(table["group"], table["cac"], table["ltv_to_cac"]):
        if cost is None or (isinstance(cost, float) and math.isnan(cost)):
            no_cac.append(display_label(g, lang))
        elif ratio is None or (isinstance(ratio, float) and math.isnan(ratio)):
            undefined.append(display_label(g, lang))
        else:
            shown = fmt.ratio(float(ratio), 2, digits)
            item = i18n.text("groups.ratio.item", lang, group=display_label(g, lang), ratio=shown)
            (above if ratio >= RULE_OF_THUMB_LTV_TO_CAC else below).append(item)
    rule = fmt.ratio(RULE_OF_THUMB_LTV_TO_CAC, 0, digits)
    if above and below:
        parts = [i18n.text("groups.ratio.split", lang, rule=rule, above=sep.join(above), below=sep.join(below))]
    elif above:
        parts = [i18n.text("groups.ratio.all_above", lang, rule=rule, above=sep.join(above))]
    elif below:
        parts = [i18n.text("groups.ratio.all_below", lang, rule=rule, below=sep.join(below))]
    else:
        parts = [i18n.text("groups.ratio.no_cac", lang, rule=rule)]
    if no_cac and (above or below):
        parts.append(i18n.text("groups.ratio.missing_cac", lang, groups=sep.join(no_cac)))
    if undefined:
        parts.append(i18n.text("groups.ratio.undefined", lang, groups=sep.join(undefined)))
    return " ".join(parts)


def format_p_value(p: float, lang: str = "en", digits: str = "western") -> str:
    """A p-value as shown: "p < 0.001" below ``P_VALUE_FLOOR``, else "p = " with 2 decimals (3 below 0.1),
    one more decimal while rounding would move it across ``SIGNIFICANCE_LEVEL`` (0.0496 is "p = 0.0496",
    not "p = 0.050").

    >>> format_p_value(2e-9), format_p_value(0.4149), format_p_value(0.0123), format_p_value(0.0496)
    ('p < 0.001', 'p = 0.41', 'p = 0.012', 'p = 0.0496')
    """
    if p < P_VALUE_FLOOR:
        return i18n.text("groups.p_below", lang, p=fmt.number(P_VALUE_FLOOR, 3, digits))
    decimals = 2 if p >= 0.1 else 3
    while decimals < 6 and (round(p, decimals) < SIGNIFICANCE_LEVEL) != (p < SIGNIFICANCE_LEVEL):
        decimals += 1
    return i18n.text("groups.p_equal", lang, p=fmt.number(p, decimals, digits))


# ----------------------------------------------------------------------------------------------
# The models per group and the likelihood-ratio tests
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LikelihoodRatioTest:
    """Pooled against separate fits: do the groups differ in ``params``?

    statistic = 2 (LL_separate - LL_pooled) >= 0, where LL_pooled is the maximum log-likelihood with
    ``params`` shared by the ``groups`` (the other parameters, if any, still per group) and LL_separate
    with every parameter per group; under "no difference" it is chi-squared with
    df = (groups - 1) x len(params) (Wilks), so p = P(chi2_df >= statistic): ``scipy.special.chdtrc``, what
    ``scipy.stats.chi2.sf`` computes (scipy.stats is not imported: it would add 0.3 s to ``import clv``).

    >>> t = LikelihoodRatioTest("purchase", ("web", "ads"), ("r", "alpha"), -1003.0, -1000.0)
    >>> t.statistic, t.df, round(t.p_value, 4), t.differs
    (6.0, 2, 0.0498, True)
    """

    part: str  # "all", "purchase", "dropout" (the transaction model) or "spend" (Gamma-Gamma)
    groups: tuple[str, ...]  # the groups compared (those fitted on their own)
    params: tuple[str, ...]  # the parameters shared under the pooled fit
    log_likelihood_pooled: float
    log_likelihood_separate: float

    @property
    def statistic(self) -> float:
        return max(2.0 * (self.log_likelihood_separate - self.log_likelihood_pooled), 0.0)

    @property
    def df(self) -> int:
        return (len(self.groups) - 1) * len(self.params)

    @property
    def p_value(self) -> float:
        return float(special.chdtrc(self.df, self.statistic))  # scipy.stats.chi2.sf, without importing scipy.stats

    @property
    def differs(self) -> bool:
        """True when p < SIGNIFICANCE_LEVEL: the groups differ in these parameters."""
        return self.p_value < SIGNIFICANCE_LEVEL


@dataclass(frozen=True)
class GroupFit:
    """One group's fits. ``transaction_model`` / ``spend_model``: fitted on the group alone, or None when the
    group uses the pooled fit, with the reason (a FitError: too few customers, or why its fit failed)."""

    group: str
    customers: int
    transaction_model: object | None
    spend_model: GammaGamma | None
    reason: FitError | None = None
    spend_reason: FitError | None = None

    @property
    def pooled(self) -> bool:
        """True when the transaction model is the pooled fit ("too small to fit on its own: pooled")."""
        return self.transaction_model is None


@dataclass(frozen=True)
class GroupFits:
    """``fit_groups``'s result: the fits per group, the pooled fits, the likelihood-ratio tests.

    ``groups``: label -> GroupFit, in display order. ``pooled``: the transaction model on every customer;
    ``pooled_spend``: Gamma-Gamma on every customer (or ``clv.predict.OwnAverageSpend`` when it cannot be
    fitted, ``pooled_spend_error`` saying why). ``tests``: part -> LikelihoodRatioTest for the parts that
    could be tested ("all", "purchase", "dropout", "spend"); ``test_errors``: part -> why not.
    ``summary``: the daily summary (frequency, recency, T in days, monetary_value) with each ``group``.
    """

    by: str
    model: str
    groups: dict[str, GroupFit]
    pooled: object
    pooled_spend: object
    pooled_spend_error: FitError | None
    tests: dict[str, LikelihoodRatioTest]
    test_errors: dict[str, FitError]
    summary: pd.DataFrame = field(repr=False)
    folded: tuple[str, ...] = ()

    def transaction_model(self, group: str):
        """The transaction model that values ``group``: its own, or the pooled fit."""
        return self.groups[group].transaction_model or self.pooled

    def spend_model(self, group: str):
        """The spend model that values ``group``: its own Gamma-Gamma, or the pooled one."""
        return self.groups[group].spend_model or self.pooled_spend

    def table(self, lang: str = "en") -> pd.DataFrame:
        """One row per group: ``group``, ``customers``, ``pooled`` (bool), ``status`` ("too small to fit on its
        own: pooled" in ``lang``, or None), ``reason`` (text in ``lang``, or None), the transaction model's
        parameters in use (its own or the pooled fit's), ``spend_pooled`` and ``spend_reason``."""
        rows = []
        for g, fit in self.groups.items():
            params = self.transaction_model(g).params
            rows.append(
                {
                    "group": g,
                    "customers": fit.customers,
                    "pooled": fit.pooled,
                    "status": i18n.text("groups.pooled", lang) if fit.pooled else None,
                    "reason": fit.reason.message(lang) if fit.reason is not None else None,
                    **params,
                    "spend_pooled": fit.spend_model is None,
                    "spend_reason": fit.spend_reason.message(lang) if fit.spend_reason is not None else None,
                }
            )
        return pd.DataFrame(rows)

    def notes(self, lang: str = "en") -> list[str]:
        """Plain sentences about what was pooled or folded (empty when every group was fitted on its own)."""
        out = []
        for g, fit in self.groups.items():
            label = display_label(g, lang)
            if fit.pooled:
                out.append(i18n.text("groups.pooled_note", lang, group=label, reason=fit.reason.message(lang)))
            elif fit.spend_model is None:
                reason = fit.spend_reason.message(lang)
                out.append(i18n.text("groups.spend_pooled_note", lang, group=label, reason=reason))
        if self.folded:
            sep = i18n.text("groups.list_separator", lang)
            other = i18n.text("groups.other", lang)
            out.append(
                i18n.text("groups.folded_note", lang, count=len(self.folded), other=other, groups=sep.join(self.folded))
            )
        return out

    def sentence(self, lang: str = "en", digits: str = "western") -> str:
        """What the tests say, in ``lang``: ``differences_sentence``."""
        return differences_sentence(self, lang, digits)


def fit_groups(
    transactions: pd.DataFrame,
    by: str,
    model: str = "bgnbd",
    observation_end=None,
    min_customers: int = MIN_FIT_CUSTOMERS,
    *,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str = "amount",
    max_groups: int = MAX_GROUPS,
) -> GroupFits:
    """The transaction model ``model`` and Gamma-Gamma fitted per group, pooled, and the tests between them.

    Data: the daily summary (``clv.rfm.summarize``, freq "D": frequency, recency and T in days) up to
    ``observation_end`` (default: the last day), as ``clv.predict.fit_customer_models`` builds it; groups
    from ``group_of_customers``. The pooled fits use every customer; a group with fewer than
    ``min_customers`` customers, or whose own fit raises FitError, is marked and uses the pooled fit ("too
    small to fit on its own: pooled"), with the reason kept. Gamma-Gamma the same way, per group.

    Tests (``LikelihoodRatioTest``), on the groups fitted on their own (G of them, at least two; customers
    of pooled groups take no part): "all": every parameter shared against none, df = (G - 1) x 4; "purchase":
    the purchase-rate parameters (r, alpha) shared, the dropout ones per group, against all per group,
    df = (G - 1) x 2; "dropout": the dropout parameters (a, b; Pareto/NBD s, beta) shared, df = (G - 1) x 2;
    "spend": Gamma-Gamma's p, q, v shared, df = (G - 1) x 3. A fit with one part shared maximises the summed
    log-likelihood of the groups (the models' own, on their weighted distinct rows) over the shared part and
    each group's other part (BFGS on log-parameters with the analytic gradient, from the separate fits' free
    part and the pooled fit's shared part). FitError when the pooled transaction model cannot be fitted;
    InputError for an unknown model or column.

    Customers drawn from one BG/NBD process (``clv.simulate``) and dealt alternately to channels a and b do
    not differ (seeded):

    >>> from clv.simulate import simulate_bgnbd
    >>> sim = simulate_bgnbd(600, 0.75, 40.0, 0.8, 2.5, 300, rng=1, time_unit="days", spend=(6, 4, 30))
    >>> tx = pd.DataFrame([(i, pd.Timestamp("2025-01-01") + pd.Timedelta(days=int(t)), z, "ab"[i % 2])
    ...     for i, (times, amounts) in enumerate(zip(sim["purchase_times"], sim["amounts"]))
    ...     for t, z in zip((0.0, *times), (50.0, *amounts))], columns=["customer_id", "date", "amount", "channel"])
    >>> fits = fit_groups(tx, "channel")
    >>> fits.groups["a"].customers, fits.tests["purchase"].df, fits.tests["all"].df
    (300, 2, 4)
    >>> fits.sentence()  # doctest: +NORMALIZE_WHITESPACE
    'Customers grouped by channel do not differ clearly in how often they buy (p = 0.15) or in how long they
     stay (p = 0.63). Spend per purchase does not differ clearly between the groups (p = 0.88).'
    """
    (key,) = check_models([model])
    _check_whole("min_customers", min_customers, 1, "groups.allowed.min_customers")
    if amount_col not in transactions.columns or customer_col not in transactions.columns:
        missing = amount_col if amount_col not in transactions.columns else customer_col
        raise InputError("column", missing, "groups.allowed.column", columns=", ".join(map(str, transactions.columns)))
    rows, end, labels, order = _grouped(
        transactions, by, customer_col, date_col, amount_col, observation_end, max_groups
    )
    summary = summarize(rows, customer_col, date_col, amount_col, freq=FREQ, observation_end=end)
    summary = summary[summary.index.isin(labels.index)]
    summary = summary.assign(group=labels.reindex(summary.index).to_numpy())
    cls = MODEL_CLASSES[key]
    pooled = _fit_transactions(cls, summary)  # FitError: nothing can be shown
    try:
        pooled_spend, pooled_spend_error = _fit_spend(summary), None
    except FitError as err:
        pooled_spend, pooled_spend_error = OwnAverageSpend(summary["frequency"], summary["monetary_value"]), err
    fits = {}
    for g in order:
        part = summary[summary["group"] == g]
        own, reason, spend, spend_reason = None, None, None, None
        if len(part) < min_customers:
            reason = spend_reason = FitError("groups.errors.too_small", count=len(part), minimum=int(min_customers))
        else:
            try:
                own = _fit_transactions(cls, part)
            except FitError as err:
                reason = err
            try:
                spend = _fit_spend(part)
            except FitError as err:
                spend_reason = err
        fits[g] = GroupFit(g, len(part), own, spend, reason, spend_reason)
    tests, errors = _tests(key, cls, summary, fits, pooled, pooled_spend)
    return GroupFits(
        by, key, fits, pooled, pooled_spend, pooled_spend_error, tests, errors, summary, labels.attrs["folded"]
    )


def _fit_transactions(cls, summary: pd.DataFrame):
    return cls().fit(summary["frequency"], summary["recency"], summary["T"])


def _fit_spend(summary: pd.DataFrame) -> GammaGamma:
    return GammaGamma().fit(summary["frequency"], summary["monetary_value"])


def _tests(key, cls, summary, fits, pooled, pooled_spend):
    tests, errors = {}, {}
    own = [g for g, f in fits.items() if not f.pooled]
    if len(own) < 2:
        err = FitError("groups.errors.few_groups", count=len(own))
        errors.update(all=err, purchase=err, dropout=err)
    else:
        models = [fits[g].transaction_model for g in own]
        separate = sum(m.log_likelihood for m in models)
        try:
            null = pooled if len(own) == len(fits) else _fit_transactions(cls, summary[summary["group"].isin(own)])
        except FitError as err:
            errors.update(all=err, purchase=err, dropout=err)
        else:
            tests["all"] = LikelihoodRatioTest("all", tuple(own), tuple(cls.param_names), null.log_likelihood, separate)
            for part, shared in PARTS[key].items():
                try:
                    ll = _shared_fit(models, null, shared)
                except FitError as err:
                    errors[part] = err
                else:
                    tests[part] = LikelihoodRatioTest(part, tuple(own), shared, ll, separate)
    spenders = [g for g, f in fits.items() if f.spend_model is not None]
    if len(spenders) < 2:
        errors["spend"] = FitError("groups.errors.few_groups", count=len(spenders))
    else:
        separate = sum(fits[g].spend_model.log_likelihood for g in spenders)
        try:
            if len(spenders) == len(fits) and isinstance(pooled_spend, GammaGamma):
                null = pooled_spend
            else:
                null = _fit_spend(summary[summary["group"].isin(spenders)])
        except FitError as err:
            errors["spend"] = err
        else:
            names = tuple(GammaGamma.param_names)
            tests["spend"] = LikelihoodRatioTest("spend", tuple(spenders), names, null.log_likelihood, separate)
    return tests, errors


def _shared_fit(models: list, null, shared: tuple[str, ...]) -> float:
    """Maximum of the summed log-likelihood of the groups' models with the parameters ``shared`` equal
    across groups and the others per group; FitError when the optimiser does not converge.

    Each model's ``_loglik`` (the fit engine's summed, weighted log-likelihood on its distinct rows, with
    the gradient) is evaluated on the data it was fitted to; the objective is -LL per customer in
    log-parameters (as the fit engine optimises), started from the better of: the separate fits' free
    parameters with the pooled fit's shared ones, and the pooled fit everywhere."""
    names = list(models[0].param_names)
    s_idx = np.array([names.index(n) for n in shared])
    f_idx = np.array([i for i in range(len(names)) if names[i] not in shared])
    n_shared, n_free, n_groups = len(s_idx), len(f_idx), len(models)
    customers = float(sum(m.n_customers for m in models))

    def objective(theta):
        if np.any(np.abs(theta) > LOG_PARAM_BOUND):
            return WALL, np.zeros_like(theta)
        total, grad = 0.0, np.zeros_like(theta)
        for g, m in enumerate(models):
            params = np.empty(len(names))
            params[s_idx] = np.exp(theta[:n_shared])
            params[f_idx] = np.exp(theta[n_shared + g * n_free : n_shared + (g + 1) * n_free])
            value, d = m._loglik(params, m._data, grad=True)
            if not np.isfinite(value) or not np.all(np.isfinite(d)):
                return WALL, np.zeros_like(theta)
            d_log = np.asarray(d) * params
            total += value
            grad[:n_shared] += d_log[s_idx]
            grad[n_shared + g * n_free : n_shared + (g + 1) * n_free] = d_log[f_idx]
        return -total / customers, -grad / customers

    # The separate fits' curvature: each group's Hessian of -LL in log-parameters (the inverse of its
    # log-parameter covariance), added up in the joint fit's coordinates (shared part, then each group's
    # free part). It gives BFGS its starting curvature, and a start: the optimum of the separate fits'
    # quadratic approximations with the shared part equal, (sum E' H E) u = sum E' H theta_g.
    size = n_shared + n_groups * n_free
    hessian, rhs = np.zeros((size, size)), np.zeros(size)
    order = np.r_[s_idx, f_idx]
    for g, m in enumerate(models):
        at = np.r_[np.arange(n_shared), n_shared + g * n_free + np.arange(n_free)]
        h = _symmetric_inverse(m.log_covariance)[np.ix_(order, order)]
        hessian[np.ix_(at, at)] += h
        rhs[at] += h @ np.log([m.params[names[i]] for i in order])
    pooled_log = np.log([null.params[n] for n in names])
    own = np.concatenate([np.log([m.params[names[i]] for i in f_idx]) for m in models])
    starts = [
        np.linalg.solve(hessian, rhs),
        np.concatenate([pooled_log[s_idx], own]),
        np.concatenate([pooled_log[s_idx], np.tile(pooled_log[f_idx], n_groups)]),
    ]
    with np.errstate(all="ignore"):
        theta0 = min(starts, key=lambda t: objective(t)[0])
        res = optimize.minimize(
            objective,
            theta0,
            jac=True,
            method="BFGS",
            options={
                "gtol": BFGS_GTOL,
                "maxiter": BFGS_MAX_ITERATIONS,
                "hess_inv0": customers * _symmetric_inverse(hessian),
            },
        )
        value, grad = objective(res.x)
    slope = float(np.max(np.abs(grad)))
    if value >= WALL or not slope <= GRADIENT_TOLERANCE:
        raise FitError(
            "groups.errors.not_converged", params=", ".join(shared), slope=f"{slope:.2g}" if value < WALL else "—"
        )
    return -value * customers


def _symmetric_inverse(matrix: np.ndarray) -> np.ndarray:
    """The inverse of a symmetric positive definite matrix, exactly symmetric (as BFGS's check wants)."""
    inverse = np.linalg.inv((matrix + matrix.T) / 2)
    return (inverse + inverse.T) / 2


def differences_sentence(fits: GroupFits, lang: str = "en", digits: str = "western") -> str:
    """What the likelihood-ratio tests say, in plain words: whether the groups differ in how often customers
    buy (the "purchase" test) and in how long they stay ("dropout"), each with its p-value
    (``format_p_value``); when only the joint test ran, that; then spend per purchase ("spend"). A test that
    could not run is replaced by why (its FitError's message)."""
    t, by = fits.tests, fits.by

    def p(part):
        return format_p_value(t[part].p_value, lang, digits)

    if "purchase" in t and "dropout" in t:
        buy, stay = t["purchase"].differs, t["dropout"].differs
        if buy and stay:
            key = "both"
        elif buy or stay:
            key = "purchase_only" if buy else "dropout_only"
        else:
            key = "jointly" if t["all"].differs else "neither"
        values = {"p_purchase": p("purchase"), "p_dropout": p("dropout")} | (
            {"p_all": p("all")} if key == "jointly" else {}
        )
        parts = [i18n.text(f"groups.tests.{key}", lang, by=by, **values)]
    elif "all" in t:
        key = "all_differ" if t["all"].differs else "all_same"
        parts = [i18n.text(f"groups.tests.{key}", lang, by=by, p_all=p("all"))]
        parts += [fits.test_errors[k].message(lang) for k in ("purchase", "dropout") if k in fits.test_errors][:1]
    else:
        parts = [fits.test_errors["all"].message(lang)]
    if "spend" in t:
        key = "spend_differs" if t["spend"].differs else "spend_same"
        parts.append(i18n.text(f"groups.tests.{key}", lang, p_spend=p("spend")))
    return " ".join(parts)


def group_values(
    fits: GroupFits,
    months: int = 12,
    annual_discount_rate: float = 0.10,
    level: float = 0.9,
    draws: int = 1000,
    seed=0,
) -> pd.DataFrame:
    """Each group's predicted value over the next ``months`` from the models that value it (its own fits, or
    the pooled ones for a group too small to fit alone), with a ``level`` interval.

    One row per group (display order): ``group``, ``customers``, ``pooled`` (bool), ``total_clv`` with
    ``total_clv_low`` / ``total_clv_high`` (currency: the group's customers' predicted revenue over the
    horizon, discounted monthly at the monthly rate compounding to ``annual_discount_rate``;
    ``clv.predict.value_intervals``' revenue total, whose range holds both the parameters' uncertainty and the
    randomness of purchasing), and the same per customer: ``mean_clv``, ``mean_clv_low``, ``mean_clv_high``
    (the totals divided by the group's customers). The mean equals the mean of
    ``clv.models.customer_lifetime_value`` over the group's customers (``tests/test_groups.py``).
    """
    from .predict.intervals import value_intervals  # the intervals' module is heavy: loaded when used

    _check_number("annual_discount_rate", annual_discount_rate, 0.0, None, "allowed.rate")
    monthly = (1.0 + float(annual_discount_rate)) ** (1.0 / MONTHS_PER_YEAR) - 1.0
    rows = []
    for g, fit in fits.groups.items():
        summary = fits.summary[fits.summary["group"] == g]
        frame = value_intervals(
            fits.transaction_model(g),
            fits.spend_model(g),
            summary,
            months=months,
            monthly_discount_rate=monthly,
            freq=FREQ,
            level=level,
            draws=draws,
            seed=seed,
        )
        total = frame.attrs["totals"].loc["revenue"]
        n = len(summary)
        rows.append(
            {
                "group": g,
                "customers": n,
                "pooled": fit.pooled,
                "total_clv": float(total["estimate"]),
                "total_clv_low": float(total["low"]),
                "total_clv_high": float(total["high"]),
                "mean_clv": float(total["estimate"]) / n,
                "mean_clv_low": float(total["low"]) / n,
                "mean_clv_high": float(total["high"]) / n,
            }
        )
    return pd.DataFrame(rows)
