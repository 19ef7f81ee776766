"""clv.export.safe_csv: formula neutralising (OWASP "CSV injection" prefixes) and UTF-8 with BOM."""

import io

import pandas as pd
from hypothesis import given, strategies as hs

from clv.export import FORMULA_PREFIXES, UTF8_BOM, safe_csv


def test_formula_cells_are_quoted_and_numbers_untouched():
    df = pd.DataFrame(
        {
            "customer": ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "ok", None],
            "amount": [-20.5, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0],
        }
    )
    data = safe_csv(df)
    assert data.startswith(UTF8_BOM)
    back = pd.read_csv(io.BytesIO(data[3:]), keep_default_na=False)
    assert back["customer"].tolist() == ["'=cmd|' /C calc'!A0", "'+1+1", "'-2+3", "'@SUM(A1)", "'\tx", "'\rx", "ok", ""]
    assert back["amount"].tolist() == [-20.5, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]  # numbers stay numbers


def test_a_negative_amount_written_as_text_stays_a_number():
    """The set-aside rows keep the file's text; a return of "-12.50" must open as the number -12.50."""
    df = pd.DataFrame({"amount": ["-12.50", "-1,234.50", "+5", "-", "-12.50x"]})
    back = pd.read_csv(io.BytesIO(safe_csv(df)[3:]), dtype=str, keep_default_na=False)
    assert back["amount"].tolist() == ["-12.50", "-1,234.50", "+5", "'-", "'-12.50x"]


def test_header_and_index_are_neutralised_and_arabic_kept():
    df = pd.DataFrame({"=evil": ["سارة"]}, index=pd.Index(["-x"], name="id"))
    text = safe_csv(df, index=True)[3:].decode("utf-8")
    assert text == "id,'=evil\r\n'-x,سارة\r\n"


@given(hs.lists(hs.text(min_size=1, max_size=8), min_size=1, max_size=20))
def test_no_text_cell_starts_a_formula(values):
    back = pd.read_csv(
        io.BytesIO(safe_csv(pd.DataFrame({"v": values}))[3:]), dtype=str, keep_default_na=False, skip_blank_lines=False
    )  # a cell of spaces is a row, not a blank line
    # cells round-trip except the added quote; none starts with a formula prefix
    for original, cell in zip(values, back["v"]):
        if original.startswith(FORMULA_PREFIXES):
            assert cell.startswith("'")


def test_set_decimals_are_written_exactly_and_negatives_stay_numbers():
    # hand-made: binary noise from sums (0.1 * 3, 920 - 1e-13) and a missing value
    df = pd.DataFrame(
        {
            "Customer": ["-A", "B", "C"],
            "Revenue": [919.9999999999998, -20.499999999999996, None],
            "Share": [0.1 * 3, 1 / 3, 0.0],
            "Orders": [3.0, 12.0, 1.0],
        }
    )
    text = safe_csv(df, decimals={"Revenue": 2, "Share": 4, "Orders": 0})[3:].decode("utf-8")
    assert text == "Customer,Revenue,Share,Orders\r\n'-A,920.00,0.3000,3\r\nB,-20.50,0.3333,12\r\nC,,0.0000,1\r\n"
    back = pd.read_csv(io.BytesIO(safe_csv(df, decimals=2)[3:]))
    assert back["Revenue"].tolist()[:2] == [920.0, -20.5]  # numbers, not quoted text


def test_float_noise_is_removed_without_set_decimals():
    df = pd.DataFrame({"x": [0.1 + 0.2, 919.9999999999998, -0.0, 1.5e-9, 2.0]})
    assert safe_csv(df)[3:].decode("utf-8") == "x\r\n0.3\r\n920.0\r\n0.0\r\n0.0\r\n2.0\r\n"


def test_table_attrs_give_the_decimals_and_infinities_are_safe():
    df = pd.DataFrame({"LTV": [float("inf"), float("-inf"), 1 / 3], "n": [1, 2, 3]})
    df.attrs["decimals"] = {"LTV": 2}
    assert safe_csv(df)[3:].decode("utf-8") == "LTV,n\r\n∞,1\r\n'-∞,2\r\n0.33,3\r\n"
    assert safe_csv(df, decimals={"LTV": 1})[3:].decode("utf-8") == "LTV,n\r\n∞,1\r\n'-∞,2\r\n0.3,3\r\n"
