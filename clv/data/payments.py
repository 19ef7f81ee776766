"""What real exports mean: a payment's status, its currency, and e-mail addresses as customer ids.

Shopify (``Financial Status``), Stripe (``Status``), WooCommerce (``Status``, ``wc-completed``), PayPal
(``Status``) and similar exports list every attempt: refunded, voided, pending and failed payments next to
paid ones. Only completed payments are revenue, so a status column is recognised (by its name and its
values) and, by default, only rows whose status is in ``PAID`` are kept; the rest are reported by status.
Amounts in different currencies are never summed: one currency is analysed at a time.

>>> normalise_status(pa.array(["Paid", "wc-completed", " Partially refunded ", None])).to_pylist()
['paid', 'completed', 'partially_refunded', None]
>>> is_status_column("Financial Status", pa.array(["paid", "refunded", "pending", None]))
True
>>> is_status_column("Status", pa.array(["gold", "silver"]))
False
>>> normalise_currency(pa.array(["usd", " EUR", "€", None])).to_pylist()
['USD', 'EUR', 'EUR', None]
"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# Statuses of a completed payment (revenue), and of payments that are not (or no longer) revenue.
PAID = (
    "paid",
    "completed",
    "complete",
    "succeeded",
    "success",
    "successful",
    "captured",
    "settled",
    "processing",
    "partially_refunded",
    "approved",
    "مدفوع",
    "مكتمل",
    "تم_الدفع",
)
NOT_PAID = (
    "refunded",
    "voided",
    "void",
    "pending",
    "failed",
    "declined",
    "denied",
    "cancelled",
    "canceled",
    "authorized",
    "authorised",
    "expired",
    "reversed",
    "on_hold",
    "unpaid",
    "partially_paid",
    "draft",
    "disputed",
    "chargeback",
    "incomplete",
    "uncaptured",
    "requires_payment_method",
    "trash",
    "checkout_draft",
    "ملغي",
    "مسترد",
    "معلق",
    "مرفوض",
    "فشل",
)
STATUS_HEADERS = (
    "financial_status",
    "payment_status",
    "status",
    "order_status",
    "transaction_status",
    "state",
    "payment_state",
    "zahlungsstatus",
    "statut",
    "estado",
    "الحاله",
    "حاله_الدفع",
    "حاله_الطلب",
)
CURRENCY_HEADERS = (
    "currency",
    "currency_code",
    "curr",
    "ccy",
    "wahrung",
    "waehrung",
    "währung",
    "devise",
    "moneda",
    "valuta",
    "العمله",
)
STATUS_SHARE = 0.8  # share of a column's values that must be known statuses for it to be one
# Currency signs with one meaning; "$" (dollars of many countries) and "¥" stay as written.
CURRENCY_SIGNS = {"€": "EUR", "£": "GBP", "₹": "INR", "ر.س": "SAR", "د.إ": "AED", "ج.م": "EGP", "US$": "USD"}


def _norm_name(name: str) -> str:
    s = str(name).strip().lower()
    s = re.sub(r"[\u064B-\u0652\u0640]", "", s).translate(str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه"}))
    return re.sub(r"[\s\-./#]+", "_", s).strip("_")


def normalise_status(col: pa.Array) -> pa.Array:
    """Statuses as lower-case words joined by "_" (WooCommerce's "wc-" prefix dropped); empty -> null."""
    if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
        col = pc.cast(col, pa.string())
    col = pc.utf8_lower(pc.utf8_trim_whitespace(col))
    col = pc.replace_substring_regex(col, r"^wc-", "")
    col = pc.replace_substring_regex(col, r"[\s\-]+", "_")
    return pc.if_else(pc.equal(col, ""), pa.scalar(None, pa.string()), col)


def is_status_column(name: str, col: pa.Array, sample: int = 2000) -> bool:
    """A column named like a status whose values (a sample) are mostly payment statuses."""
    if _norm_name(name) not in STATUS_HEADERS and not any(
        _norm_name(name).endswith("_" + h) for h in ("status", "state")
    ):
        return False
    values = normalise_status(col.slice(0, sample)).drop_null()
    if len(values) == 0:
        return False
    known = pc.is_in(values, pa.array(PAID + NOT_PAID)).to_numpy(zero_copy_only=False)
    return bool(known.mean() >= STATUS_SHARE)


def is_currency_column(name: str, col: pa.Array) -> bool:
    """A column named like a currency whose values look like currency codes or signs."""
    if _norm_name(name) not in CURRENCY_HEADERS:
        return False
    values = normalise_currency(col.slice(0, 2000)).drop_null()
    if len(values) == 0:
        return False
    ok = pc.match_substring_regex(values, r"^([A-Z]{3}|[$€£¥₹]|US\$|ر\.س|د\.إ|ج\.م)$").to_numpy(zero_copy_only=False)
    return bool(ok.mean() >= STATUS_SHARE)


def normalise_currency(col: pa.Array) -> pa.Array:
    """Currency codes upper case, one-meaning signs as their code (€ -> EUR); empty -> null."""
    if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
        col = pc.cast(col, pa.string())
    col = pc.utf8_upper(pc.utf8_trim_whitespace(col))
    for sign, code in CURRENCY_SIGNS.items():
        col = pc.if_else(pc.equal(col, sign), pa.scalar(code), col)
    return pc.if_else(pc.equal(col, ""), pa.scalar(None, pa.string()), col)


def counts(values: np.ndarray) -> dict[str, int]:
    """How many times each value occurs, most frequent first (ties by name)."""
    uniq, n = np.unique(np.asarray(values, dtype=object).astype(str), return_counts=True)
    return {str(u): int(-c) for c, u in sorted(zip(-n, uniq))} if len(uniq) else {}
