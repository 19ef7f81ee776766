"""The inputs' table: every field of every page, in the units its widget shows.

Keys are ``<page>_<field>``; URL names are short and stable (changing one breaks shared links).
"""

from __future__ import annotations

from clv import data, predict, scenarios

from .state import Field, register

SUBSCRIPTION, PURCHASES = "subscription", "purchases"
RETENTION, LIFESPAN = "retention", "lifespan"
MONEY_HIGH = 1_000_000.0

CALC = register(
    Field(
        "calc_mode",
        "mode",
        SUBSCRIPTION,
        kind="choice",
        choices=(SUBSCRIPTION, PURCHASES),
        label_key="calc.mode.label",
        help_key="calc.mode.help",
    ),
    Field(
        "calc_arpu",
        "arpu",
        50.0,
        0.0,
        MONEY_HIGH,
        1.0,
        slider_high=500.0,
        core="arpu",
        label_key="calc.arpu.label",
        help_key="calc.arpu.help",
    ),
    Field(
        "calc_margin",
        "margin",
        80.0,
        0.0,
        100.0,
        1.0,
        core="gross_margin",
        percent=True,
        fmt="%.1f",
        label_key="calc.margin.label",
        help_key="calc.margin.help",
    ),
    Field(
        "calc_churn",
        "churn",
        5.0,
        0.0,
        100.0,
        0.1,
        slider_high=30.0,
        core="monthly_churn",
        percent=True,
        fmt="%.1f",
        label_key="calc.churn.label",
        help_key="calc.churn.help",
    ),
    Field(
        "calc_cac",
        "cac",
        300.0,
        0.0,
        MONEY_HIGH,
        10.0,
        slider_high=3000.0,
        core="cac",
        label_key="calc.cac.label",
        help_key="calc.cac.help",
    ),
    Field(
        "calc_discount",
        "disc",
        0.0,
        0.0,
        100.0,
        0.5,
        slider_high=30.0,
        core="annual_discount_rate",
        percent=True,
        fmt="%.1f",
        label_key="calc.discount.label",
        help_key="calc.discount.help",
    ),
    Field(
        "calc_horizon",
        "h",
        0,
        0,
        600,
        1,
        kind="int",
        slider_high=120,
        core="horizon_months",
        zero_is_none=True,
        fmt="%d",
        label_key="calc.horizon.label",
        help_key="calc.horizon.help",
    ),
    # The purchases form: order value x orders per year x margin x lifespan.
    Field(
        "calc_aov",
        "aov",
        60.0,
        0.0,
        MONEY_HIGH,
        1.0,
        slider_high=500.0,
        core="avg_order_value",
        label_key="calc.aov.label",
        help_key="calc.aov.help",
    ),
    Field(
        "calc_orders",
        "orders",
        4.0,
        0.0,
        365.0,
        0.5,
        slider_high=120.0,
        core="orders_per_year",
        fmt="%.1f",
        label_key="calc.orders.label",
        help_key="calc.orders.help",
    ),
    Field(
        "calc_life",
        "life",
        RETENTION,
        kind="choice",
        choices=(RETENTION, LIFESPAN),
        label_key="calc.life.label",
        help_key="calc.life.help",
    ),
    Field(
        "calc_retention",
        "ret",
        60.0,
        0.0,
        100.0,
        1.0,
        core="annual_retention",
        percent=True,
        fmt="%.1f",
        label_key="calc.retention.label",
        help_key="calc.retention.help",
    ),
    Field(
        "calc_lifespan",
        "years",
        3.0,
        0.1,
        100.0,
        0.5,
        slider_high=20.0,
        core="lifespan_years",
        fmt="%.1f",
        label_key="calc.lifespan.label",
        help_key="calc.lifespan.help",
    ),
)

# --- Campaign scenarios: the page's own fields and one block per campaign slot ------------------------
MAX_CAMPAIGNS = scenarios.MAX_CAMPAIGNS  # one campaign slot per campaign clv can evaluate at once
TEMPLATE_KEYS = (
    "repeat_purchase",
    "reminders",
    "cross_sell",
    "upsell",
    "loyalty",
    "annual_billing",
    "price_change",
    "cheaper_acquisition",
    "win_back",
)
EMPTY = ""  # a free slot

SCENARIOS = register(
    Field(
        "sc_cohort",
        "n",
        1000,
        1,
        100_000_000,
        100,
        kind="int",
        fmt="%d",
        label_key="scenarios.page.cohort",
        help_key="scenarios.page.cohort_help",
    ),
    Field(
        "sc_sens",
        "sens",
        10.0,
        1.0,
        50.0,
        1.0,
        percent=True,
        fmt="%.0f",
        label_key="scenarios.page.sens",
        help_key="scenarios.page.sens_help",
    ),
    Field("sc_template", "add", "loyalty", kind="choice", choices=TEMPLATE_KEYS, label_key="scenarios.page.template"),
)

# (field name in clv.scenarios.Campaign or AnnualBilling, URL letter, default, low, high, step, percent)
CAMPAIGN_NUMBERS = (
    ("reach", "r", 100.0, 0.0, 100.0, 1.0, True),
    ("arpu_lift", "a", 0.0, -90.0, 500.0, 1.0, True),
    ("churn_reduction", "c", 0.0, -200.0, 100.0, 1.0, True),
    ("margin_change", "m", 0.0, -100.0, 100.0, 0.5, True),
    ("one_off_cost", "o", 0.0, 0.0, MONEY_HIGH, 1.0, False),
    ("monthly_cost", "p", 0.0, 0.0, MONEY_HIGH, 0.1, False),
    ("revenue_share_cost", "s", 0.0, 0.0, 100.0, 0.5, True),
    ("cac_change", "q", 0.0, -100.0, 500.0, 1.0, True),
    ("billing_discount", "d", 15.0, 0.0, 99.0, 1.0, True),
    ("renewal_rate", "w", 70.0, 0.0, 100.0, 1.0, True),
)
UNCERTAIN = ("reach", "arpu_lift", "churn_reduction", "margin_change")  # effects that may take a range


def campaign_key(slot: int, name: str) -> str:
    return f"sc_c{slot}_{name}"


for _slot in range(1, MAX_CAMPAIGNS + 1):
    register(
        Field(
            campaign_key(_slot, "kind"),
            f"c{_slot}",
            EMPTY,
            kind="choice",
            choices=(EMPTY, *TEMPLATE_KEYS),
            label_key="scenarios.card.kind",
        ),
        Field(campaign_key(_slot, "name"), f"c{_slot}n", "", kind="text", label_key="scenarios.card.name"),
        *(
            Field(
                campaign_key(_slot, name),
                f"c{_slot}{letter}",
                default,
                low,
                high,
                step,
                core=name,
                percent=pct,
                fmt="%.1f" if pct else "%.2f",
                label_key=f"scenarios.card.{name}",
                help_key=f"scenarios.card.{name}_help",
            )
            for name, letter, default, low, high, step, pct in CAMPAIGN_NUMBERS
        ),
        *(
            Field(
                campaign_key(_slot, name + "_range"),
                f"c{_slot}{letter}x",
                None,
                low,
                high,
                step,
                kind="range",
                core=name + "_range",
                percent=pct,
                fmt="%.1f",
                label_key="scenarios.card.range",
            )
            for name, letter, default, low, high, step, pct in CAMPAIGN_NUMBERS
            if name in UNCERTAIN
        ),
    )

# --- Your data: how files are read (the file itself is never in the URL or a saved session) ---------
DATA = register(
    Field(
        "data_dayfirst",
        "dayfirst",
        "auto",
        kind="choice",
        choices=("auto", "day", "month"),
        label_key="datapage.dayfirst.label",
        help_key="datapage.dayfirst.help",
    ),
    Field(
        "data_returns",
        "returns",
        "net",
        kind="choice",
        choices=("net", "set_aside"),
        label_key="datapage.returns.label",
        help_key="datapage.returns.help",
    ),
    Field(
        "data_inactive_days",
        "inactive",
        180,
        7,
        3650,
        1,
        kind="int",
        fmt="%d",
        label_key="datapage.inactive.label",
        help_key="datapage.inactive.help",
    ),
    *(
        Field(f"data_map_{role}", f"map_{role}", "", kind="text", label_key=f"datapage.map.{role}")
        for role in data.ROLES
    ),
    *(
        Field(f"data_smap_{role}", f"smap_{role}", "", kind="text", label_key=f"datapage.map.{role}")
        for role in data.SUBSCRIPTION_ROLES
    ),
    Field("data_paid", "paid", "", kind="text", label_key="datapage.paid.label", help_key="datapage.paid.help"),
    Field(
        "data_currency",
        "dcur",
        "",
        kind="text",
        label_key="datapage.data_currency.label",
        help_key="datapage.data_currency.help",
    ),
)

# --- Advanced baseline (calculator and scenarios): churn that falls with tenure, expansion revenue ------
CHURN_CONSTANT, CHURN_FIRST_MONTH, CHURN_CURVE = "constant", "first_month", "curve"
ADVANCED = register(
    Field(
        "calc_churn_shape",
        "shape",
        CHURN_CONSTANT,
        kind="choice",
        choices=(CHURN_CONSTANT, CHURN_FIRST_MONTH, CHURN_CURVE),
        label_key="calc.shape.label",
        help_key="calc.shape.help",
    ),
    Field(
        "calc_first_churn",
        "c0",
        20.0,
        0.0,
        100.0,
        0.5,
        percent=True,
        fmt="%.1f",
        label_key="calc.first_churn.label",
        help_key="calc.first_churn.help",
    ),
    Field(
        "calc_sbg_alpha",
        "sa",
        0.704,
        0.001,
        1000.0,
        0.01,
        fmt="%.3f",
        label_key="calc.sbg_alpha.label",
        help_key="calc.sbg_alpha.help",
    ),
    Field(
        "calc_sbg_beta",
        "sb",
        1.182,
        0.001,
        1000.0,
        0.01,
        fmt="%.3f",
        label_key="calc.sbg_beta.label",
        help_key="calc.sbg_beta.help",
    ),
    Field(
        "calc_expansion",
        "exp",
        0.0,
        -50.0,
        50.0,
        0.1,
        slider_high=5.0,
        percent=True,
        fmt="%.1f",
        label_key="calc.expansion.label",
        help_key="calc.expansion.help",
    ),
)

# --- Your data page: which kind of file, and the Excel sheet read (appended for pages/data.py) --------
DATA_KINDS = ("transactions", "summary", "subscriptions")
DATA_PAGE = register(
    Field(
        "data_kind",
        "kind",
        "transactions",
        kind="choice",
        choices=DATA_KINDS,
        label_key="datapage.kind.label",
        help_key="datapage.kind.help",
    ),
    Field("data_sheet", "sheet", "", kind="text", label_key="datapage.sheet.label", help_key="datapage.sheet.help"),
)

# --- Segments page: the segment whose customers are listed (appended for pages/segments.py) ----------
from clv.rfm import SEGMENTS as SEGMENT_CODES  # noqa: E402  (one spelling of the segment codes)

SEGMENTS_PAGE = register(
    Field(
        "seg_segment",
        "seg",
        "champions",
        kind="choice",
        choices=SEGMENT_CODES,
        label_key="segpage.customers.label",
        help_key="segpage.customers.help",
    ),
)

# --- Predictions (pages/predictions.py): calibration, horizon, models, the contractual tab ---------------
PRED_MODELS = predict.TRANSACTION_MODELS  # bgnbd, pareto_nbd, mbgnbd: one spelling, clv's
PRED_AUTO = predict.AUTO
PRED_TYPED, PRED_DATA = "typed", "data"
PRED_COUNTS_EXAMPLE = "1000, 631, 468, 382, 326, 289, 262, 241"  # Fader & Hardie (2007), regular cohort
PREDICTIONS = register(
    Field("pred_cal", "pcal", "", kind="text", label_key="predict.fields.cal", help_key="predict.fields.cal_help"),
    Field(
        "pred_horizon",
        "phz",
        12,
        1,
        120,
        1,
        kind="int",
        fmt="%d",
        label_key="predict.fields.horizon",
        help_key="predict.fields.horizon_help",
    ),
    Field(
        "pred_rate",
        "prate",
        10.0,
        0.0,
        100.0,
        0.5,
        percent=True,
        fmt="%.1f",
        label_key="predict.fields.rate",
        help_key="predict.fields.rate_help",
    ),
    Field("pred_bgnbd", "pbg", True, kind="bool", label_key="predict.fields.bgnbd"),
    Field("pred_pareto_nbd", "ppn", True, kind="bool", label_key="predict.fields.pareto_nbd"),
    Field("pred_mbgnbd", "pmbg", True, kind="bool", label_key="predict.fields.mbgnbd"),
    Field(
        "pred_model",
        "pmod",
        PRED_AUTO,
        kind="choice",
        choices=(PRED_AUTO, *PRED_MODELS),
        label_key="predict.fields.model",
        help_key="predict.fields.model_help",
    ),
    Field("pred_search", "pq", "", kind="text", label_key="predict.page.search", help_key="predict.page.search_help"),
    Field(
        "pred_customer", "pcust", "", kind="text", label_key="story.page.customer", help_key="story.page.customer_help"
    ),
    Field(
        "pred_source",
        "psrc",
        PRED_TYPED,
        kind="choice",
        choices=(PRED_TYPED, PRED_DATA),
        label_key="predict.page.contract_source",
    ),
    Field(
        "pred_counts",
        "pcnt",
        PRED_COUNTS_EXAMPLE,
        kind="text",
        label_key="predict.page.contract_counts",
        help_key="predict.page.contract_counts_help",
    ),
    Field("pred_arpu", "parpu", 50.0, 0.0, MONEY_HIGH, 1.0, fmt="%.2f", label_key="predict.page.contract_arpu"),
    Field(
        "pred_period", "pper", "month", kind="choice", choices=predict.PERIODS, label_key="predict.page.contract_period"
    ),
)

# --- Learn (pages/learn.py): the open lesson ----------------------------------------------------------
from clv.learn import LESSONS  # noqa: E402

LEARN = register(
    Field(
        "learn_lesson", "lesson", LESSONS[0], kind="choice", choices=(*LESSONS, "truth"), label_key="learn.lesson.label"
    ),
)

# --- Where the value is (pages/groups.py): the grouping column, a CAC per group, the baseline group ------
GROUP_ROLES = data.GROUP_ROLES  # product, channel, group: one spelling, clv's
GROUPS_PAGE = register(
    Field(
        "grp_by",
        "gby",
        "channel",
        kind="choice",
        choices=GROUP_ROLES,
        label_key="grppage.fields.by",
        help_key="grppage.fields.by_help",
    ),
    Field(
        "grp_cac",
        "gcac",
        (),
        0.0,
        MONEY_HIGH,
        kind="pairs",
        label_key="grppage.fields.cac",
        help_key="grppage.fields.cac_help",
    ),
    Field(
        "grp_base",
        "gbase",
        "",
        kind="text",
        label_key="grppage.fields.base",
        help_key="grppage.fields.base_help",
    ),
)

# --- Targeting real customers (Segments and Predictions; ui/targeting.py): the target, the offer, its terms ----
from clv import targeting  # noqa: E402

TARGET_KINDS = ("segment", "group", "p_alive", "top_n")  # what the user picks (clv.targeting.TARGET_KINDS)
OFFER_DEFAULT = "win_back"
_OFFER = targeting.offer_from_template(OFFER_DEFAULT)
OFFER_PERCENTS = ("purchase_lift", "dropout_reduction", "spend_lift", "reactivation", "take_up")
OFFER_MONEY = ("cost_per_contact", "cost_per_response", "cost_per_month")
OFFER_CONTACT_COST = 0.5  # templates carry no cost per contact: an e-mail with a voucher, say
TARGETING = register(
    Field(
        "tg_kind",
        "tgk",
        "segment",
        kind="choice",
        choices=TARGET_KINDS,
        label_key="targeting.page.fields.kind",
        help_key="targeting.page.fields.kind_help",
    ),
    Field(
        "tg_segment",
        "tgs",
        "at_risk",
        kind="choice",
        choices=SEGMENT_CODES,
        label_key="targeting.page.fields.segment",
    ),
    Field("tg_group", "tgg", "", kind="text", label_key="targeting.page.fields.group"),
    Field(
        "tg_alive",
        "tga",
        (0.0, 50.0),
        0.0,
        100.0,
        1.0,
        kind="range",
        percent=True,
        fmt="%.0f%%",
        label_key="targeting.page.fields.p_alive",
    ),
    Field("tg_top", "tgn", 1000, 1, 10_000_000, 1, kind="int", fmt="%d", label_key="targeting.page.fields.top_n"),
    Field(
        "tg_offer",
        "tgo",
        OFFER_DEFAULT,
        kind="choice",
        choices=targeting.OFFER_TEMPLATES,
        label_key="targeting.page.fields.offer",
        help_key="targeting.page.fields.offer_help",
    ),
    *(
        Field(
            f"tg_{name}",
            f"tg_{name}",
            round(getattr(_OFFER, name) * 100.0, 10),
            -99.0 if name in ("purchase_lift", "spend_lift") else 0.0,
            1000.0 if name in ("purchase_lift", "spend_lift") else 100.0,
            1.0,
            percent=True,
            fmt="%.1f",
            label_key=f"targeting.page.fields.{name}",
            help_key=f"targeting.page.fields.{name}_help",
        )
        for name in OFFER_PERCENTS
    ),
    *(
        Field(
            f"tg_{name}",
            f"tg_{name}",
            OFFER_CONTACT_COST if name == "cost_per_contact" else float(getattr(_OFFER, name)),
            0.0,
            MONEY_HIGH,
            0.1,
            fmt="%.2f",
            label_key=f"targeting.page.fields.{name}",
            help_key=f"targeting.page.fields.{name}_help",
        )
        for name in OFFER_MONEY
    ),
    Field(
        "tg_budget",
        "tgb",
        0,
        0,
        10_000_000,
        100,
        kind="int",
        fmt="%d",
        zero_is_none=True,
        label_key="targeting.page.fields.budget",
        help_key="targeting.page.fields.budget_help",
    ),
)


# ---- Your data: from a database (issue 15; ui/database.py) -----------------------------------------------------
# The connection's NAME only (a section of .streamlit/secrets.toml): no field ever holds a credential.
from clv import session as _session  # noqa: E402

DATA_SOURCES = ("file", "database")
DB_KINDS = ("sample", "files", "connection")  # ui.database.KINDS
DB_ROLES = ("customer_id", "date", "amount", "channel", "status")  # ui.database.ROLES


class LongText(Field):
    """A text field up to ``session.MAX_VALUE_CHARS`` (a path, a query) instead of 80 characters, on one line
    (links and session files hold no line breaks: the page stores a query on one line)."""

    def parse(self, raw: str) -> str:
        if not isinstance(raw, str):
            raise TypeError(type(raw).__name__)
        if len(raw) > _session.MAX_VALUE_CHARS or not _session.is_text(raw):
            raise ValueError("not a short plain text")
        return raw


DATABASE = register(
    Field(
        "data_source",
        "src",
        "file",
        kind="choice",
        choices=DATA_SOURCES,
        label_key="dbpage.source.label",
        help_key="dbpage.source.help",
    ),
    Field(
        "data_db_kind",
        "dbk",
        "sample",
        kind="choice",
        choices=DB_KINDS,
        label_key="dbpage.kind.label",
        help_key="dbpage.kind.help",
    ),
    Field("data_db", "db", "", kind="text", label_key="dbpage.connection.label", help_key="dbpage.connection.help"),
    LongText("data_db_path", "dbpath", "", kind="text", label_key="dbpage.path.label", help_key="dbpage.path.help"),
    LongText("data_db_query", "dbq", "", kind="text", label_key="dbpage.query.label", help_key="dbpage.query.help"),
    *(
        Field(f"data_db_map_{role}", f"dbmap_{role}", "", kind="text", label_key=f"data.roles.{role}")
        for role in DB_ROLES
    ),
)
