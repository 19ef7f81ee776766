"""Imports flow one way, pages -> ui -> clv, and clv does not know the app's widgets.

Read from the source (the boundary test imports every module; this one also catches an import inside a
function that never ran, and a widget key spelled in the core)."""

import ast
import re
from pathlib import Path

from ui import state

ROOT = Path(__file__).resolve().parents[1]
APP_MODULES = ("ui", "pages", "app", "streamlit")
PAGE_KEYS = [f.key for f in state.fields().values() if f.key not in state.GLOBAL_KEYS]  # "<page>_<field>"
PREFIXES = sorted({key.split("_")[0] for key in PAGE_KEYS})  # calc, sc, data, ...
# A page's widget key anywhere in a string ("calc_churn", "calc_churn_num"), or a bare prefix ("calc_" + name).
WIDGET_KEY = re.compile(
    r"\b(?:%s)(?:%s)?\b|^(?:%s)_$"
    % (
        "|".join(sorted(map(re.escape, PAGE_KEYS), key=len, reverse=True)),
        re.escape(state.NUMBER_SUFFIX),
        "|".join(PREFIXES),
    )
)


def _clv_files():
    files = sorted((ROOT / "clv").rglob("*.py"))
    assert len(files) >= 20
    return files


def _imported(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def test_clv_imports_neither_streamlit_nor_the_app():
    found = [
        (path.relative_to(ROOT).as_posix(), name)
        for path in _clv_files()
        for name in _imported(ast.parse(path.read_text(encoding="utf-8")))
        if name.split(".")[0] in APP_MODULES
    ]
    assert found == []


def test_clv_spells_no_widget_key():
    """No "calc_arpu" in the core: a clv value reaches a widget through ui (``ui.inputs.calc_fields``)."""
    found = [
        (path.relative_to(ROOT).as_posix(), node.lineno, node.value[:60])
        for path in _clv_files()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and WIDGET_KEY.search(node.value)
    ]
    assert found == []


def test_the_check_would_see_a_widget_key_and_an_app_import():
    tree = ast.parse(
        "import ui.state\nfrom streamlit import session_state\n"
        'x = {"calc_churn": 5.0, "calc_fields": 1, "data_baseline": 2}\ny = "calc_" + "churn"\n'
    )
    assert [n for n in _imported(tree) if n.split(".")[0] in APP_MODULES] == ["ui.state", "streamlit"]
    assert [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and WIDGET_KEY.search(str(n.value))] == [
        "calc_churn",
        "calc_",
    ]


def test_pages_import_no_other_page_and_ui_imports_no_page():
    for folder in ("pages", "ui"):
        for path in sorted((ROOT / folder).glob("*.py")):
            names = list(_imported(ast.parse(path.read_text(encoding="utf-8"))))
            assert not [n for n in names if n.split(".")[0] in ("pages", "app")], path.name


PAGE_SCRIPTS = sorted((ROOT / "pages").glob("*.py")) + [ROOT / "app.py"]
PERCENT_BY_HAND = re.compile(r"[*/]\s*100(\.0*)?\b(?!_)")  # x 100 or / 100 (not 100_000)


def test_pages_touch_state_only_through_ui():
    """Pages do no arithmetic: no st.session_state, no st.stop (``ui.halt`` writes the link first), no x100 or /100."""
    for path in PAGE_SCRIPTS:
        text = path.read_text(encoding="utf-8")
        assert "session_state" not in text, path.name
        assert "st.stop()" not in text, path.name
        assert not PERCENT_BY_HAND.search(text), (path.name, PERCENT_BY_HAND.search(text))


def test_the_percent_check_would_see_one():
    assert PERCENT_BY_HAND.search("x = churn / 100") and PERCENT_BY_HAND.search("y = 100.0 * a * 100.0")
    assert not PERCENT_BY_HAND.search("n = 1_000 * 100_000") and not PERCENT_BY_HAND.search("PREVIEW_ROWS = 100")


BRACES_THOUSANDS = '.replace(",", "{,}")'  # 1,000 -> 1{,}000: a LaTeX number formatter


def test_one_latex_number_formatter():
    """One LaTeX number formatter: clv.explain.tex_number is the only function that braces thousands for LaTeX."""
    from clv import explain, learn

    formatters = [
        (path.relative_to(ROOT).as_posix(), node.name)
        for path in _clv_files()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef) and BRACES_THOUSANDS in ast.unparse(node).replace("'", '"')
    ]
    assert formatters == [("clv/explain.py", "tex_number")]
    assert learn.tex_number is explain.tex_number
