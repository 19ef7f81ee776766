"""No user action shows a traceback: every page runs under ui.guard, which turns an
unexpected error into a plain, translated message with a reference that the server log repeats."""

import ast
import logging
import re

import pytest
from streamlit.errors import FragmentHandledException
from streamlit.runtime.scriptrunner_utils.exceptions import RerunException, StopException
from streamlit.runtime.scriptrunner_utils.script_requests import RerunData
from streamlit.testing.v1 import AppTest

import ui
from tests.apptest import PAGES, ROOT, app, plain

REFERENCE = re.compile(r"\b[0-9a-f]{8}\b")


def _is_call(node, owner: str, name: str) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == name
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == owner
    )


def _allowed_outside_guard(stmt) -> bool:
    """What a page may hold outside its guard: its docstring, imports, definitions and constants that use
    neither Streamlit (``st``) nor the page's state (``s``): everything a user can touch runs guarded."""
    if isinstance(stmt, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)):
        return True
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
        return True
    if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
        return not any(isinstance(n, ast.Name) and n.id in ("st", "s") for n in ast.walk(stmt.value))
    return False


@pytest.mark.parametrize("script", PAGES)
def test_every_page_runs_its_body_under_the_guard(script):
    tree = ast.parse((ROOT / script).read_text(encoding="utf-8"))
    guards = [
        s
        for s in tree.body
        if isinstance(s, ast.With) and len(s.items) == 1 and _is_call(s.items[0].context_expr, "ui", "guard")
    ]
    assert len(guards) == 1, f"{script}: one top-level `with ui.guard():` around the page"
    guard = guards[0]
    assert tree.body[-1] is guard, f"{script}: nothing may run after the guarded body"
    first = guard.body[0]
    assert isinstance(first, ast.Assign) and _is_call(first.value, "ui", "page_setup"), (
        f"{script}: the guarded body starts with `s = ui.page_setup(...)`"
    )
    setups = [n for n in ast.walk(tree) if _is_call(n, "ui", "page_setup")]
    assert setups == [first.value], f"{script}: ui.page_setup is called once, inside the guard"
    outside = [ast.unparse(s)[:60] for s in tree.body[:-1] if not _allowed_outside_guard(s)]
    assert not outside, f"{script}: statements that run outside the guard: {outside}"
    # A fragment reruns alone, outside the page's `with`: it carries the guard itself.
    for fn in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
        names = [ast.unparse(d) for d in fn.decorator_list]
        if any(n.startswith("st.fragment") for n in names):
            assert "ui.guard()" in names and names.index("ui.guard()") > next(
                i for i, n in enumerate(names) if n.startswith("st.fragment")
            ), f"{script}: fragment {fn.name} needs @ui.guard() under @st.fragment"


@pytest.mark.parametrize("script", PAGES)
def test_an_error_in_a_page_is_a_message_with_a_reference(script, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("/srv/secret/path exploded")

    monkeypatch.setattr(ui.state, "write_url", broken)  # every page calls it on its way
    with caplog.at_level(logging.ERROR, logger="clv.app"):
        at = app(script).run()
    assert not at.exception  # nothing reached Streamlit's own handler
    shown = [plain(e.value) for e in at.error if "Something unexpected went wrong" in e.value]
    assert shown  # one, and one more from a fragment that failed too
    for message in shown:
        assert "Traceback" not in message and "secret" not in message and "RuntimeError" not in message
        ref = REFERENCE.search(message).group(0)
        logged = [r for r in caplog.records if r.name == "clv.app" and ref in r.getMessage()]
        assert len(logged) == 1 and logged[0].exc_info[0] is RuntimeError  # the traceback is in the log


def test_the_message_is_translated():
    at = app(lang="ar")
    at.session_state["_guard_pending"] = ["0badc0de"]  # as a failed callback leaves it
    at.run()
    shown = [e.value for e in at.error if "0badc0de" in e.value]
    assert len(shown) == 1 and "خطأ غير متوقع" in shown[0]


@pytest.mark.parametrize(
    "control",
    [
        StopException(),
        RerunException(RerunData()),
        KeyboardInterrupt(),
        FragmentHandledException(ValueError("shown already")),
    ],
)
def test_streamlit_control_flow_passes_through(control, caplog):
    with caplog.at_level(logging.ERROR, logger="clv.app"), pytest.raises(type(control)):
        with ui.guard():
            raise control
    assert not [r for r in caplog.records if r.name == "clv.app"]


def _stops_and_reruns():
    import streamlit as st

    import ui

    with ui.guard():
        runs = st.session_state.get("runs", 0) + 1
        st.session_state["runs"] = runs
        if runs < 3:
            st.rerun()  # RerunException: the guard must not catch it
        st.markdown(f"run {runs}")
        st.stop()  # StopException: nor this
        st.markdown("after stop")


def test_stop_and_rerun_work_under_the_guard():
    at = AppTest.from_function(_stops_and_reruns, default_timeout=30).run()
    assert not at.exception and not at.error
    assert [m.value for m in at.markdown] == ["run 3"]


def _fragment_and_callback():
    import streamlit as st

    import ui

    def failing_callback():
        raise ValueError("callback broke")

    with ui.guard():
        ui.guard.show_pending()

        @st.fragment
        @ui.guard()
        def part():
            st.markdown("fragment start")
            raise KeyError("fragment broke")

        part()
        st.markdown("after the fragment")
        st.button("go", key="go", on_click=ui.guard.callback(failing_callback))


def test_fragment_and_callback_errors_are_messages_and_the_page_goes_on(caplog):
    with caplog.at_level(logging.ERROR, logger="clv.app"):
        at = AppTest.from_function(_fragment_and_callback, default_timeout=30).run()
        assert not at.exception
        assert "after the fragment" in [m.value for m in at.markdown]  # the rest of the page is drawn
        assert len(at.error) == 1
        at.button(key="go").click().run()
    assert not at.exception
    refs = [REFERENCE.search(plain(e.value)).group(0) for e in at.error]
    assert len(refs) == 2  # the fragment's (again) and the callback's
    logged = " ".join(r.getMessage() for r in caplog.records if r.name == "clv.app")
    assert all(ref in logged for ref in refs) and "callback" in logged


def _is_guarded_decorator(node: ast.expr) -> bool:
    return (isinstance(node, ast.Name) and node.id == "callback") or (
        isinstance(node, ast.Attribute) and node.attr == "callback"
    )


def test_every_widget_callback_is_guarded():
    """A callback runs before the page script, outside the page's guard: each one given to a widget is a
    function decorated with ``callback`` (``ui.guard.callback``), a call wrapping one, or Streamlit's own
    "rerun" / "ignore"."""
    files = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "ui").glob("*.py"))]
    trees = {f: ast.parse(f.read_text(encoding="utf-8")) for f in files}
    guarded = {
        n.name
        for tree in trees.values()
        for n in ast.walk(tree)
        if isinstance(n, ast.FunctionDef) and any(_is_guarded_decorator(d) for d in n.decorator_list)
    }
    unguarded = []
    for f, tree in trees.items():
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            for kw in call.keywords:
                if kw.arg not in ("on_click", "on_change", "on_submit"):
                    continue
                v = kw.value
                ok = (
                    (isinstance(v, ast.Constant) and v.value in ("rerun", "ignore"))
                    or (isinstance(v, ast.Call) and _is_guarded_decorator(v.func))
                    or (isinstance(v, ast.Name) and v.id in guarded)
                    or (isinstance(v, ast.Attribute) and v.attr in guarded)
                )
                if not ok:
                    unguarded.append(f"{f.relative_to(ROOT)}:{kw.lineno} {ast.unparse(v)}")
    assert guarded and not unguarded, unguarded
