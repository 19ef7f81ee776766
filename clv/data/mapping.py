"""Which column plays each role: header names (English, Arabic, German, French, Spanish and the usual shop
exports) and each column's content (dates, numbers, whole numbers, distinct values), plus a user's corrections."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import DataError
from . import payments
from .amounts import IMPLAUSIBLE as AMOUNT_IMPLAUSIBLE
from .amounts import NOT_A_NUMBER as AMOUNT_NOT_A_NUMBER
from .amounts import read_amounts
from .dates import date_share as _date_share
from .text import as_array as _as_array

ROLES = ("customer_id", "date", "amount", "order_id", "quantity", "product", "channel", "group", "status", "currency")
GROUP_ROLES = ("product", "channel", "group")  # categorical roles a customer can be grouped by (first order's value);
# "group" (plan, country, region...) is never guessed: the user maps it on the data page
REQUIRED_ROLES = ("customer_id", "date", "amount")
SUBSCRIPTION_ROLES = ("customer_id", "plan", "start_date", "end_date", "monthly_amount")
SUBSCRIPTION_REQUIRED = ("customer_id", "start_date", "monthly_amount")
PROFILE_VALUES = 300  # values looked at to guess a column's role
EXCEL_PLAUSIBLE_SERIALS = (18264.0, 73051.0)  # 1950-01-01 .. 2100-01-01: a whole-number column here may be dates

# Header names per role (normalised: lower case, "_" for spaces; Arabic without diacritics/tatweel,
# alef forms unified). Exact matches score highest, then a name containing one of these as a word.
HEADER_NAMES = {
    "customer_id": (
        "customer_id",
        "customer",
        "customerid",
        "cust_id",
        "customer_no",
        "customer_number",
        "client",
        "client_id",
        "clientid",
        "user",
        "user_id",
        "userid",
        "member",
        "member_id",
        "account",
        "account_id",
        "buyer",
        "buyer_id",
        "email",
        "shopper",
        "id_customer",
        "رقم_العميل",
        "العميل",
        "عميل",
        "معرف_العميل",
        "كود_العميل",
        "الزبون",
        "رقم_الزبون",
        "زبون",
        "المشتري",
        "رقم_الحساب",
        "billing_email",
        "customer_email",
        "from_email_address",
        "customer_user",
        "kunde",
        "kundennummer",
        "kunden_nr",
        "kundenummer",
        "e_mail",
        "numero_client",
        "cliente",
        "id_cliente",
        "klant",
    ),
    "date": (
        "date",
        "order_date",
        "invoice_date",
        "invoicedate",
        "purchase_date",
        "transaction_date",
        "datetime",
        "timestamp",
        "time",
        "ts",
        "created_at",
        "created",
        "day",
        "orderdate",
        "sale_date",
        "التاريخ",
        "تاريخ",
        "تاريخ_الطلب",
        "تاريخ_الشراء",
        "تاريخ_الفاتوره",
        "تاريخ_العمليه",
        "اليوم",
        "paid_at",
        "created_(utc)",
        "created_date_(utc)",
        "datum",
        "bestelldatum",
        "rechnungsdatum",
        "date_de_commande",
        "fecha",
        "fecha_pedido",
        "data",
    ),
    "amount": (
        "amount",
        "revenue",
        "sales",
        "total",
        "value",
        "spend",
        "order_value",
        "order_total",
        "net_amount",
        "amount_paid",
        "gross",
        "payment",
        "price",
        "dollars",
        "monetary",
        "sum",
        "total_amount",
        "sale_amount",
        "line_total",
        "المبلغ",
        "القيمه",
        "الاجمالي",
        "المبيعات",
        "السعر",
        "مبلغ",
        "قيمه",
        "المجموع",
        "الايراد",
        "order_total_amount",
        "net",
        "betrag",
        "umsatz",
        "summe",
        "gesamt",
        "gesamtbetrag",
        "montant",
        "montant_ttc",
        "importe",
        "bedrag",
    ),
    "order_id": (
        "order_id",
        "order",
        "orderid",
        "order_no",
        "order_number",
        "invoice",
        "invoice_no",
        "invoiceno",
        "invoice_id",
        "transaction_id",
        "transaction",
        "receipt",
        "receipt_no",
        "رقم_الطلب",
        "رقم_الفاتوره",
        "الفاتوره",
        "الطلب",
        "رقم_العمليه",
        "bestellnummer",
        "rechnungsnummer",
        "commande",
        "numero_de_commande",
        "pedido",
    ),
    "quantity": ("quantity", "qty", "units", "items", "item_count", "count", "الكميه", "كميه", "العدد"),
    "product": (
        "product",
        "category",
        "product_category",
        "item",
        "sku",
        "product_name",
        "description",
        "المنتج",
        "الفئه",
        "الصنف",
        "منتج",
        "التصنيف",
    ),
    "channel": ("channel", "source", "medium", "platform", "store", "sales_channel", "القناه", "المصدر", "قناه_البيع"),
}


def _norm_header(name: str) -> str:
    return _norm_text(str(name))


@functools.lru_cache(maxsize=4096)
def _norm_text(name: str) -> str:
    """A header as compared: lower case, Arabic letters folded, runs of spaces and punctuation as "_"
    (cached: every column is scored against every known name of every role)."""
    s = name.strip().lower().lstrip("\ufeff")
    s = re.sub(r"[\u064B-\u0652\u0640]", "", s)  # Arabic diacritics and tatweel
    s = s.translate(str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي"}))
    return re.sub(r"[\s\-./#]+", "_", s).strip("_")


def _header_score(role: str, name: str) -> int:
    n = _norm_header(name)
    names = [_norm_header(x) for x in HEADER_NAMES[role]]
    if n in names:
        return 3
    words = set(n.split("_"))
    if any(x in words or (len(x) > 3 and "_" in x and x in n) for x in names):
        return 2
    return 0


@dataclass
class _Profile:
    date_share: float
    number_share: float
    integer_share: float
    distinct_share: float
    text: bool


def _profile(col, excel: bool = False) -> _Profile:
    col = _as_array(col.slice(0, PROFILE_VALUES))  # (not a copy of the whole column first)
    nonnull = col.drop_null()
    n = max(len(nonnull), 1)
    if len(nonnull) == 0:
        return _Profile(0, 0, 0, 0, False)
    t = col.type
    distinct = len(pc.unique(nonnull)) / n
    if pa.types.is_timestamp(t) or pa.types.is_date(t):
        return _Profile(1.0, 0, 0, distinct, False)
    amounts = read_amounts(nonnull)
    values = amounts.values
    numeric = amounts.status != AMOUNT_NOT_A_NUMBER  # an ambiguous "1.500" is still a number
    number_share = numeric.mean()
    integer_share = ((amounts.ok & (values == np.round(values))) | (amounts.status == AMOUNT_IMPLAUSIBLE)).mean()
    if pa.types.is_floating(t) or pa.types.is_integer(t):
        serial = numeric & (values >= EXCEL_PLAUSIBLE_SERIALS[0]) & (values <= EXCEL_PLAUSIBLE_SERIALS[1])
        date_share = float(serial.mean()) if excel and integer_share > 0.5 else 0.0
        return _Profile(date_share, number_share, integer_share, distinct, False)
    date_share = _date_share(nonnull)
    return _Profile(date_share, number_share, integer_share, distinct, True)


def _guess(table: pa.Table, excel: bool = False, need: tuple[str, ...] = REQUIRED_ROLES) -> dict[str, str]:
    names = table.column_names
    profiles = {n: _profile(table[n], excel) for n in names}
    taken: set[str] = set()
    found: dict[str, str] = {}

    def content_ok(role: str, p: _Profile) -> bool:
        if role == "date":
            return p.date_share >= 0.5
        if role in ("amount", "quantity"):
            return p.number_share >= 0.5 and p.date_share < 0.5
        if role == "customer_id":  # any text or whole numbers; not mostly dates or amounts with decimals
            return p.date_share < 0.5 and p.number_share - p.integer_share < 0.5
        return p.date_share < 0.5

    def named_id(role: str, name: str, p: _Profile) -> bool:
        """A column named exactly as an ID (``customer_id``, ``order_id``) holding whole numbers: an ID, even
        when its numbers could also be Excel date serials (ids 11372 and 34106 read as 1931-02-18 and 1993-05-17)."""
        return (
            role in ("customer_id", "order_id")
            and not p.text
            and _header_score(role, name) == 3
            and p.number_share - p.integer_share < 0.5
        )

    for role in ("date", "amount", "customer_id", "order_id", "quantity", "product", "channel"):
        scored = [
            (_header_score(role, n), -i, n)
            for i, n in enumerate(names)
            if n not in taken and (content_ok(role, profiles[n]) or named_id(role, n, profiles[n]))
        ]
        scored = [s for s in scored if s[0] > 0]
        if scored:
            found[role] = max(scored)[2]
            taken.add(found[role])
    # content only, for required roles the headers did not name
    free = [n for n in names if n not in taken]
    if "date" not in found:
        dates = [n for n in free if profiles[n].date_share >= 0.8]
        if dates:
            found["date"] = dates[0]
            free.remove(dates[0])
    if "amount" not in found:
        nums = [n for n in free if profiles[n].number_share >= 0.8 and profiles[n].date_share < 0.5]
        if nums:  # prefer values with cents, then the last numeric column
            pick = max(nums, key=lambda n: (profiles[n].number_share - profiles[n].integer_share, names.index(n)))
            found["amount"] = pick
            free.remove(pick)
    if "customer_id" not in found:
        ids = [
            n
            for n in free
            if profiles[n].date_share < 0.5
            and profiles[n].distinct_share < 0.95
            and (profiles[n].integer_share > 0.5 or profiles[n].number_share < 0.5)
        ]
        if ids:
            found["customer_id"] = ids[0]
    for n in names:  # a payment status and a currency column, by name and values
        if n in found.values():
            continue
        if "status" not in found and payments.is_status_column(n, _as_array(table[n])):
            found["status"] = n
        elif "currency" not in found and payments.is_currency_column(n, _as_array(table[n])):
            found["currency"] = n
    for role, key in (
        ("date", "data.errors.no_date"),
        ("amount", "data.errors.no_amount"),
        ("customer_id", "data.errors.no_customer"),
    ):
        if role in need and role not in found:
            raise DataError(key, columns=", ".join(names))
    return {role: found[role] for role in ROLES if role in found}


def _resolve_mapping(
    table: pa.Table, mapping: dict | None, roles: tuple[str, ...], required: tuple[str, ...], guess
) -> dict[str, str]:
    names = table.column_names
    given = {k: v for k, v in (mapping or {}).items() if v is not None and v != ""}
    for role, column in given.items():
        if role not in roles:
            raise DataError("data.errors.unknown_role", role=role, roles=", ".join(roles))
        if column not in names:
            raise DataError("data.errors.missing_column", column=column, role=role, columns=", ".join(names))
    # the other roles are still guessed (a payment status column counts even when the user mapped the rest)
    guessed = guess(
        table.select([n for n in names if n not in given.values()]), tuple(r for r in required if r not in given)
    )
    merged = {**{k: v for k, v in guessed.items() if k not in given}, **given}
    used = list(merged.values())
    if len(used) != len(set(used)):
        raise DataError("data.errors.column_twice", columns=", ".join(sorted({c for c in used if used.count(c) > 1})))
    return {r: merged[r] for r in roles if r in merged}


def _guess_subscriptions(table: pa.Table, need: tuple[str, ...] = SUBSCRIPTION_REQUIRED) -> dict[str, str]:
    names = table.column_names
    synonyms = {
        "start_date": (
            "start_date",
            "start",
            "started",
            "signup_date",
            "subscribed_at",
            "created_at",
            "تاريخ_البدء",
            "البدايه",
        ),
        "end_date": (
            "end_date",
            "end",
            "cancel_date",
            "cancelled_at",
            "canceled_at",
            "churn_date",
            "ended_at",
            "تاريخ_الالغاء",
            "تاريخ_الانتهاء",
            "النهايه",
        ),
        "monthly_amount": (
            "monthly_amount",
            "mrr",
            "amount",
            "price",
            "monthly_price",
            "fee",
            "المبلغ_الشهري",
            "المبلغ",
            "السعر",
        ),
        "plan": ("plan", "tier", "package", "الباقه", "الخطه"),
    }
    found: dict[str, str] = {}
    for role, alias in synonyms.items():
        alias_n = [_norm_header(a) for a in alias]
        hit = next((n for a in alias_n for n in names if _norm_header(n) == a and n not in found.values()), None)
        if hit:
            found[role] = hit
    cust = next((n for n in names if _header_score("customer_id", n) > 0 and n not in found.values()), None)
    if cust:
        found["customer_id"] = cust
    for role, key in (
        ("customer_id", "data.errors.no_customer"),
        ("start_date", "data.errors.no_start_date"),
        ("monthly_amount", "data.errors.no_monthly_amount"),
    ):
        if role in need and role not in found:
            raise DataError(key, columns=", ".join(names))
    return found
