"""clv.data.amounts: each amount read only under a decimal convention it fits, or set aside with its
own status; the bound; per-value currencies; typed columns that never raise.

Provenance: the reproductions are reported defects (silently wrong amounts, typed columns that raised,
no bound, one currency assumed for all); the other expected values are worked out by hand from the rules
in the module docstring."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as hs

from clv.data.amounts import (
    AMBIGUOUS_DECIMAL,
    IMPLAUSIBLE,
    MAX_ABS_AMOUNT,
    NOT_A_NUMBER,
    OK,
    _read_plain,
    _read_text,
    parse_amounts,
    read_amounts,
)
from clv.data.text import to_text
from clv.errors import InputError

NAN = float("nan")


def read(values, **kw):
    p = read_amounts(pa.array(values, pa.string()), **kw)
    assert not np.isinf(p.values).any()
    assert np.isnan(p.values[p.status != OK]).all() and not np.isnan(p.values[p.status == OK]).any()
    return p


def same(a, b) -> bool:
    return np.array_equal(np.asarray(a, float), np.asarray(b, float), equal_nan=True)


# ---- silently wrong amounts --------------------------------------------------------------------
def test_a_comma_value_among_dot_values_is_set_aside_not_read_as_fifteen():
    p = read(["12.50", "7.99", "1,5"])
    assert same(p.values, [12.5, 7.99, NAN]) and p.status.tolist() == [OK, OK, AMBIGUOUS_DECIMAL]
    assert p.decimal == "."


def test_a_decimal_comma_amount_among_dot_values_is_not_1_2345():
    p = read(["12.50", "7.99", "€1.234,50"])
    assert same(p.values, [12.5, 7.99, NAN]) and p.status[2] == AMBIGUOUS_DECIMAL
    assert p.currency.tolist() == [None, None, "EUR"]


def test_twelve_fifty_in_euros_among_dot_values_is_not_1250():
    p = read(["12.50", "3.99", "€12,50"])
    assert same(p.values, [12.5, 3.99, NAN]) and p.status[2] == AMBIGUOUS_DECIMAL


# ---- conventions -----------------------------------------------------------------------------
def test_decimal_comma_column():
    p = read(["1.234,56", "1 234,56", "1\u00a0234,56", "12,5", "-12,5", "12,50-", "SAR 1.000,00", "1.234.567", "7"])
    assert p.decimal == ","
    assert same(p.values, [1234.56, 1234.56, 1234.56, 12.5, -12.5, -12.5, 1000.0, 1234567.0, 7.0])


def test_us_column_with_thousands():
    p = read(["1,234", "12.50", "$1,234,567.89", "1'234.5", "1\u202f234.5", "1 234"])
    assert p.decimal == "."
    assert same(p.values, [1234.0, 12.5, 1234567.89, 1234.5, 1234.5, 1234.0])


def test_forced_decimal_is_the_convention_and_the_other_is_set_aside():
    assert same(read(["1.500", "2.250", "750"], decimal=".").values, [1.5, 2.25, 750.0])
    p = read(["1.500", "2.250", "750", "12.5"], decimal=",")
    assert same(p.values, [1500.0, 2250.0, 750.0, NAN]) and p.decimal == ","
    assert p.status[3] == AMBIGUOUS_DECIMAL
    assert read(["12.5", "3,25"], decimal=".").status.tolist() == [OK, AMBIGUOUS_DECIMAL]


def test_without_evidence_a_value_with_two_readings_is_set_aside():
    # "1,234" is 1234 or 1.234; "1.500" is 1.5 or 1500 (a ";" file is no evidence either way)
    p = read(["1,234", "1.500", "1234", "1 000"])
    assert p.status.tolist() == [AMBIGUOUS_DECIMAL, AMBIGUOUS_DECIMAL, OK, OK]
    assert same(p.values, [NAN, NAN, 1234.0, 1000.0]) and p.decimal is None
    assert read(["1.500", "2.250", "750"], delimiter=";").status.tolist() == [2, 2, 0]


def test_when_both_conventions_have_evidence_the_larger_wins_and_two_readings_are_set_aside():
    p = read(["12.50", "7.99", "0.25", "1,5", "1,234", "1.234", "100"])
    assert p.decimal == "."
    assert p.status.tolist() == [OK, OK, OK, AMBIGUOUS_DECIMAL, AMBIGUOUS_DECIMAL, AMBIGUOUS_DECIMAL, OK]
    tie = read(["12.5", "3,25", "100"])
    assert tie.decimal is None and tie.status.tolist() == [AMBIGUOUS_DECIMAL, AMBIGUOUS_DECIMAL, OK]


def test_what_fits_which_convention():
    # "1.234.567" fits only the comma; "1,234,567" only the dot; "0,123" only the comma
    assert read(["1.234.567"]).decimal == "," and read(["1,234,567"]).decimal == "."
    assert same(read(["0,123"]).values, [0.123])
    assert same(read(["1,234", "1,234,567"]).values, [1234.0, 1234567.0])


def test_not_a_number_forms():
    p = read(
        [
            "12.5.3",
            "1,23,456",
            "x",
            "",
            "  ",
            None,
            "12abc",
            "1 2",
            "12.",
            "-",
            "EUR",
            "(12",
            "(-1)",
            "+-1",
            "1,2345,678",
            "12,50 EUR USD",
        ]
    )
    assert (p.status == NOT_A_NUMBER).all()


# ---- the bound, nothing non-finite ---------------------------------------------------------------
def test_huge_and_non_finite_text():
    p = read(["1e308", "inf", "-inf", "nan", "Infinity", "1e400", "1.5E3", "1,5E3", "12.50"])
    assert p.status.tolist() == [
        IMPLAUSIBLE,
        NOT_A_NUMBER,
        NOT_A_NUMBER,
        NOT_A_NUMBER,
        NOT_A_NUMBER,
        IMPLAUSIBLE,
        OK,
        AMBIGUOUS_DECIMAL,
        OK,
    ]
    assert p.values[6] == 1500.0


def test_bound_is_inclusive():
    ok, over = f"{MAX_ABS_AMOUNT:.0f}", f"{MAX_ABS_AMOUNT + 1:.0f}"
    assert read([ok, "-" + ok, over, "-" + over]).status.tolist() == [OK, OK, IMPLAUSIBLE, IMPLAUSIBLE]


# ---- typed columns never raise ---------------------------------------------------------------------
def test_int64_beyond_2_53_is_implausible_not_an_arrow_error():
    p = read_amounts(pa.array([2**60, 5, None, -(2**63)], pa.int64()))
    assert p.status.tolist() == [IMPLAUSIBLE, OK, NOT_A_NUMBER, IMPLAUSIBLE]
    assert same(p.values, [NAN, 5.0, NAN, NAN]) and p.decimal is None
    assert p.currency.tolist() == [None] * 4


def test_typed_floats_decimals_and_unsigned():
    p = read_amounts(pa.array([1.5, NAN, float("inf"), None, 1e13]))
    assert p.status.tolist() == [OK, NOT_A_NUMBER, NOT_A_NUMBER, NOT_A_NUMBER, IMPLAUSIBLE]
    assert same(read_amounts(pa.array([Decimal("12.50"), None], pa.decimal128(10, 2))).values, [12.5, NAN])
    assert read_amounts(pa.array([2**64 - 1, 7], pa.uint64())).status.tolist() == [IMPLAUSIBLE, OK]
    assert same(read_amounts(pa.chunked_array([[1, 2], [3]])).values, [1.0, 2.0, 3.0])


# ---- the currency of each value -----------------------------------------------------------------------
def test_currency_per_value():
    p = read(["$12.50", "€3.00", "EUR 4.00", "4.00 eur", "£5", "6.00", "US$ 7", "$8 USD", "ر.س ١٢٫٥", "¥9"])
    assert p.currency.tolist() == ["$", "EUR", "EUR", "EUR", "GBP", None, "USD", "USD", "SAR", "¥"]
    assert (p.status == OK).all()
    assert p.currencies == ("$", "EUR", "GBP", "SAR", "USD", "¥")
    clash = read(["$8 EUR", "€8 GBP"])
    assert (clash.status == NOT_A_NUMBER).all() and clash.currency.tolist() == [None, None]


def test_accounting_negatives_and_signs():
    p = read(["(12.50)", "($12.50)", "$(12.50)", "(12.50 €)", "12.50-", "−12.50", "-$12.50", "$-12.50", "+12.50"])
    assert same(p.values, [-12.5] * 8 + [12.5])
    assert p.currency.tolist() == [None, "$", "$", "EUR", None, None, "$", "$", None]


def test_arabic_indic_and_persian_digits():
    p = read(["١٬٢٣٤٫٥", "١٢٣٫٥", "٢٬٠٠٠", "۱۲۳٫۵", "\u200f١٢٫٥ ر.س"])
    assert same(p.values, [1234.5, 123.5, 2000.0, 123.5, 12.5]) and p.decimal is None
    # "٫" is a decimal mark in any column: not 1234 next to decimal-comma values, and no evidence
    p = read(["١٫٢٣٤", "12,5", "1.000"])
    assert same(p.values, [1.234, 12.5, 1000.0]) and p.decimal == ","


def test_parse_amounts_is_the_old_signature():
    values, mark = parse_amounts(pa.array(["1.234,56", "12,5", "(3,00)", "x", "€ 1 000,00"]))
    assert same(values, [1234.56, 12.5, -3.0, NAN, 1000.0]) and mark == ","
    assert parse_amounts(pa.array(["5", "7"]))[1] == "."


def test_decimal_must_be_a_mark():
    with pytest.raises(InputError) as err:
        read_amounts(pa.array(["1"]), decimal=";")
    assert err.value.field == "decimal" and err.value.value == ";"


def test_status_counts_and_mask():
    p = read(["1.5", "x", "1e308", "2.5"])
    assert p.counts == {OK: 2, NOT_A_NUMBER: 1, IMPLAUSIBLE: 1} and p.ok.tolist() == [True, False, False, True]


# ---- properties ------------------------------------------------------------------------------------
SPACES = (" ", "\u00a0", "\u202f", "'", "’")
THOUSANDS = {".": (None, ",") + SPACES, ",": (None, ".") + SPACES}
CURRENCIES = (None, "$", "€", "EUR", "£", "USD", "ر.س", "eur")
ARABIC = "٠١٢٣٤٥٦٧٨٩"
PERSIAN = "۰۱۲۳۴۵۶۷۸۹"


@hs.composite
def written_amounts(draw, decimal):
    """(text, exact value) for a number written in the ``decimal`` convention, any decoration."""
    places = draw(hs.integers(0, 2))
    units = draw(hs.integers(0, 10**15))  # up to 1e15: some beyond MAX_ABS_AMOUNT
    negative = draw(hs.booleans())
    whole, frac = divmod(units, 10**places)
    digits, mark, point = str(whole), draw(hs.sampled_from(THOUSANDS[decimal])), decimal
    script = draw(hs.sampled_from([None, ARABIC, PERSIAN]))
    if script and draw(hs.booleans()):
        mark, point = (mark and "٬"), "٫"  # Arabic separators
    if mark:
        digits = f"{whole:,}".replace(",", mark)
    text = digits + (point + str(frac).zfill(places) if places else "")
    if script:
        text = text.translate(str.maketrans("0123456789", script))
    currency = draw(hs.sampled_from(CURRENCIES))
    if currency:
        gap = draw(hs.sampled_from(["", " "]))
        text = currency + gap + text if draw(hs.booleans()) else text + gap + currency
    if negative:
        style = draw(hs.sampled_from(["-", "−", "()", "trailing"]))
        text = {"-": "-" + text, "−": "−" + text, "()": f"({text})", "trailing": text + "-"}[style]
    value = Decimal(units).scaleb(-places) * (-1 if negative else 1)
    return text, float(value)


def check_never_another_number(texts, expected, p):
    for text, x, v, s in zip(texts, expected, p.values, p.status):
        if s == OK:
            assert v == x, (text, x, v, p.decimal)
        else:
            assert np.isnan(v), (text, v, s)


@given(hs.sampled_from([".", ","]).flatmap(lambda d: hs.lists(written_amounts(d), min_size=1, max_size=12)))
def test_a_number_in_one_convention_reads_back_exactly_or_is_set_aside(column):
    texts, expected = zip(*column)
    p = read(list(texts))
    check_never_another_number(texts, expected, p)


@given(
    hs.sampled_from([".", ","]).flatmap(
        lambda d: hs.tuples(hs.just(d), hs.lists(written_amounts(d), min_size=1, max_size=12))
    )
)
def test_with_evidence_every_number_of_the_convention_is_read(case):
    decimal, column = case
    texts, expected = zip(*column)
    p = read([*texts, f"0{decimal}5"])  # "0.5" / "0,5" fits only its own convention
    assert p.decimal == decimal
    check_never_another_number(texts, expected, p)
    within = np.abs(np.array(expected)) <= MAX_ABS_AMOUNT
    assert (p.status[:-1][within] == OK).all() and (p.status[:-1][~within] == IMPLAUSIBLE).all()


@given(
    dots=hs.lists(written_amounts("."), max_size=10),
    commas=hs.lists(written_amounts(","), max_size=10),
    dot_anchors=hs.integers(1, 3),
    comma_anchors=hs.integers(1, 3),
    order=hs.randoms(use_true_random=False),
)
def test_a_column_mixing_conventions_never_gives_another_number(dots, commas, dot_anchors, comma_anchors, order):
    # Each convention shows itself at least once (an anchor such as "0.25" or "0,25"); without that, a
    # column of "12.50" and a decimal-comma "1.234" (meaning 1234) cannot be told from a dot column.
    anchors = [(f"0.{k + 1}5", float(f"0.{k + 1}5")) for k in range(dot_anchors)]
    anchors += [(f"0,{k + 1}5", float(f"0.{k + 1}5")) for k in range(comma_anchors)]
    column = dots + commas + anchors
    order.shuffle(column)
    texts, expected = zip(*column)
    p = read(list(texts))
    check_never_another_number(texts, expected, p)


plain_numbers = hs.one_of(
    hs.floats(allow_nan=True, allow_infinity=True).map(repr),
    hs.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
    hs.integers(-(10**20), 10**20).map(str),
    hs.from_regex(r"\A[-+]?[0-9]{0,5}\.?[0-9]{0,4}([eE][-+]?[0-9]{1,3})?\Z"),
    hs.sampled_from(
        [
            "1.234",
            "-1.234",
            "+1.234",
            "0.234",
            "01.234",
            "100.000",
            "1.5e0",
            "1.2e5",
            "5.",
            "1.e5",
            "inf",
            "NaN",
            "-Infinity",
            "1e400",
        ]
    ),
)


@given(hs.lists(plain_numbers, min_size=1, max_size=8), hs.sampled_from([None, "."]))
def test_the_fast_path_agrees_with_the_general_one(texts, decimal):
    text = to_text(pa.array(texts, pa.string()))  # as read_amounts passes it: trimmed, "" -> null
    fast = _read_plain(text, decimal)
    if fast is None:  # not a column of plain numbers: nothing to compare
        return
    slow = _read_text(text, decimal)
    assert fast.status.tolist() == slow.status.tolist(), texts
    assert same(fast.values, slow.values) and fast.decimal == slow.decimal
