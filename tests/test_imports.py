"""The import graph of clv: every module imports on its own, there are no circles, clv never reaches for
streamlit, ui or pages, and the core stands below the scenarios (clv.core -> clv.cashflows -> clv.engine).

The graph is read from the source (every import statement, those inside functions included, except under
``if TYPE_CHECKING:``), so a lazy import that hides a circle still counts."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTSIDE = ("streamlit", "ui", "pages")  # pages -> ui -> clv: never the other way


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted((ROOT / "clv").rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return getattr(test, "id", None) == "TYPE_CHECKING" or getattr(test, "attr", None) == "TYPE_CHECKING"


def _import_nodes(tree: ast.AST, top_level_only: bool = False):
    """Import statements, skipping ``if TYPE_CHECKING:`` blocks (and function bodies when ``top_level_only``)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                yield from _import_nodes(ast.Module(body=[child], type_ignores=[]), top_level_only)
        elif not (top_level_only and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))):
            yield from _import_nodes(node, top_level_only)


def _imported(name: str, top_level_only: bool = False) -> set[str]:
    """Everything module ``name`` imports: clv modules by their full name, other packages by their top name."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in _import_nodes(ast.parse(path.read_text(encoding="utf-8")), top_level_only):
        if isinstance(node, ast.Import):
            out.update(alias.name if alias.name in MODULES else alias.name.split(".")[0] for alias in node.names)
            continue
        if node.level:
            parts = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join(parts + ([node.module] if node.module else []))
        else:
            base = node.module
        for alias in node.names:
            full = f"{base}.{alias.name}"
            out.add(full if full in MODULES else base if base in MODULES else base.split(".")[0])
    return out


GRAPH = {name: _imported(name) & MODULES.keys() for name in MODULES}


def _reachable(start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for nxt in GRAPH[todo.pop()] - seen:
            seen.add(nxt)
            todo.append(nxt)
    return seen


def test_the_graph_is_read():
    # The reader itself: known edges of this checkout, so an empty graph cannot pass the tests below.
    assert len(MODULES) >= 40
    assert {"clv.cashflows", "clv.errors"} <= GRAPH["clv.core"]
    assert "clv.engine" in GRAPH["clv.cashflows"] and "clv.core" in _reachable("clv.scenarios")


def test_no_circles_among_clv_modules():
    for name in MODULES:
        assert name not in _reachable(name), f"{name} imports itself through " + ", ".join(
            sorted(m for m in _reachable(name) if name in _reachable(m))
        )


def test_core_stands_below_the_scenarios():
    below = _reachable("clv.core")
    assert not {m for m in below if m.startswith("clv.scenarios")}, below
    assert "clv" not in below  # the package imports the scenarios
    assert {"clv.cashflows", "clv.engine"} <= below
    # no lazy import: everything the core uses from clv is imported at the top
    assert GRAPH["clv.core"] == _imported("clv.core", top_level_only=True) & MODULES.keys()
    # the engine is the bottom: it imports nothing from clv
    assert GRAPH["clv.engine"] == set()


def test_every_clv_module_imports_alone_in_a_fresh_interpreter():
    # One fresh interpreter; before each module every clv module is dropped, so each is imported first,
    # alone (third-party packages stay loaded: they are not what is tested). Then nothing outside clv's
    # side of the graph is loaded.
    code = (
        "import importlib, sys\n"
        f"names = {sorted(MODULES)!r}\n"
        "failed = []\n"
        "for name in names:\n"
        "    for loaded in [m for m in sys.modules if m == 'clv' or m.startswith('clv.')]:\n"
        "        del sys.modules[loaded]\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception as err:\n"
        "        failed.append(f'{name}: {type(err).__name__}: {err}')\n"
        f"outside = sorted(m for m in sys.modules if m.split('.')[0] in {OUTSIDE!r})\n"
        "print(len(names), failed, outside, sep='\\n')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True, timeout=300
    ).stdout.splitlines()
    assert out == [str(len(MODULES)), "[]", "[]"]


# docs/architecture.md: what each room of clv may import (besides the base rooms). A new edge is a design
# decision: change the table there and here together.
BASE_ROOMS = {"clv.errors", "clv.i18n", "clv.fmt"}
MAY_IMPORT = {
    "clv.engine": set(),
    "clv.cashflows": {"clv.engine"},
    "clv.core": {"clv.cashflows", "clv.engine"},
    "clv.explain": {"clv.core"},
    "clv.presets": {"clv.core"},
    "clv.scenarios": {"clv.core", "clv.cashflows", "clv.engine"},
    "clv.data": set(),
    "clv.rfm": set(),
    "clv.cohorts": {"clv.core", "clv.data", "clv.rfm"},
    "clv.warehouse": {"clv.data", "clv.rfm"},
    "clv.models": set(),
    "clv.simulate": set(),
    "clv.predict": {"clv.core", "clv.cohorts", "clv.models", "clv.rfm"},
    "clv.groups": {"clv.core", "clv.cohorts", "clv.models", "clv.predict", "clv.rfm"},
    "clv.learn": {"clv.core", "clv.explain", "clv.models", "clv.simulate"},
    "clv.targeting": {"clv.core", "clv.export", "clv.models", "clv.predict", "clv.rfm", "clv.scenarios"},
    "clv.charts": {"clv.core", "clv.cohorts", "clv.learn", "clv.rfm", "clv.scenarios"},
    "clv.tables": {"clv.scenarios", "clv.export", "clv.groups"},
    "clv.export": set(),
    "clv.report": {"clv.core", "clv.explain", "clv.scenarios", "clv.charts", "clv.tables"},
    "clv.session": set(),
    "clv.errors": {"clv.i18n"},
    "clv.i18n": set(),
    "clv.fmt": {"clv.i18n"},
}


def _room(module: str) -> str:
    return ".".join(module.split(".")[:2])


def test_each_room_imports_only_what_the_architecture_allows():
    rooms = {_room(m) for m in MODULES} - {"clv"}
    assert rooms <= MAY_IMPORT.keys(), f"rooms missing from docs/architecture.md: {rooms - MAY_IMPORT.keys()}"
    for name, deps in GRAPH.items():
        room = _room(name)
        if room == "clv":
            continue
        extra = {_room(d) for d in deps} - {room} - MAY_IMPORT[room] - BASE_ROOMS
        assert not extra, f"{name} imports {sorted(extra)}, which docs/architecture.md does not allow for {room}"
