"""clv.export.safe_csv: formula neutralising (OWASP "CSV injection" prefixes) and UTF-8 with BOM."""

import io

import pandas as pd
from hypothesis import given, strategies as hs

from clv.export import FORMULA_PREFIXES, UTF8_BOM, safe_csv


def test_formula_cells_are_quoted_and_numbers_untouched():
    df = pd.DataFrame({"customer": ["=cmd|' /C calc'!A0", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "ok", None],
                       "amount": [-20.5, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]})
    data = safe_csv(df)
    assert data.startswith(UTF8_BOM)
    back = pd.read_csv(io.BytesIO(data[3:]), keep_default_na=False)
    assert back["customer"].tolist() == ["'=cmd|' /C calc'!A0", "'+1", "'-2", "'@SUM(A1)", "'\tx", "'\rx", "ok", ""]
    assert back["amount"].tolist() == [-20.5, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]   # numbers stay numbers


def test_header_and_index_are_neutralised_and_arabic_kept():
    df = pd.DataFrame({"=evil": ["سارة"]}, index=pd.Index(["-x"], name="id"))
    text = safe_csv(df, index=True)[3:].decode("utf-8")
    assert text == "id,'=evil\r\n'-x,سارة\r\n"


@given(hs.lists(hs.text(min_size=1, max_size=8), min_size=1, max_size=20))
def test_no_text_cell_starts_a_formula(values):
    back = pd.read_csv(io.BytesIO(safe_csv(pd.DataFrame({"v": values}))[3:]), dtype=str, keep_default_na=False)
    # cells round-trip except the added quote; none starts with a formula prefix
    for original, cell in zip(values, back["v"]):
        if original.startswith(FORMULA_PREFIXES):
            assert cell.startswith("'")
