"""Helpers for AppTest page tests."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["app.py", *sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))]


def app(script: str = "app.py", **query: str) -> AppTest:
    """An AppTest of one page script, opened as if from a link with these query parameters."""
    at = AppTest.from_file(str(ROOT / script), default_timeout=60)
    at.query_params.update(query)
    return at


def metrics(at: AppTest) -> dict[str, str]:
    """Shown metric cards: label -> displayed value."""
    return {m.label: m.value for m in at.metric}


def plain(markdown: str) -> str:
    """Markdown source as the reader sees it: backslash escapes and the invisible word joiners that stop
    autolinks removed (user text goes through ui.widgets.literal)."""
    import re

    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def shown_cells(element) -> list[str]:
    """A table's cells as the browser shows them: a missing value is the table's placeholder."""
    import pandas as pd

    frame = element.value.reset_index()
    return [element.proto.placeholder if pd.isna(v) else str(v) for v in frame.to_numpy().ravel()]
