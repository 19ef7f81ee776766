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


def link(at: AppTest) -> dict[str, str]:
    """The query parameters the page wrote (what its shared link carries): URL name -> value.

    AppTest gives a name that appears once as a str and a repeated name as a list; no page writes a name
    twice, so a list fails here instead of being read either way.
    """
    written = dict(at.query_params)
    repeated = {name: value for name, value in written.items() if not isinstance(value, str)}
    assert not repeated, f"query parameters not written as one value each: {repeated}"
    return written


def query_value(at: AppTest, name: str) -> str:
    """The value of one query parameter the page wrote (KeyError when it wrote none)."""
    return link(at)[name]


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


# What remark-gfm would turn into a link in the browser, in markdown source: a web address or an e-mail left
# once the backslash escapes are read (mdast-util-gfm-autolink-literal's patterns; \w is ASCII in them).
_AUTOLINK = __import__("re").compile(r"(?:https?://|www\.)[-.\w]|[-.\w+]+@[-\w]+(?:\.[-\w]+)+", 2 | 256)  # I, ASCII
_TAG = __import__("re").compile(r"(?<!\\)<[A-Za-z/!?]")


def linkable(markdown: str) -> list[str]:
    """The GFM autolink literals (``www.x.y``, ``http(s)://``, ``a@b.c``) and raw HTML tags in markdown source."""
    import re

    text = re.sub(r"\\(.)", r"\1", markdown)
    return [m.group(0) for m in _AUTOLINK.finditer(text)] + [m.group(0) for m in _TAG.finditer(markdown)]


def markdown_bodies(at: AppTest) -> list[str]:
    """Every string the page sends that the browser renders as markdown: bodies of markdown, captions, titles,
    alerts and toasts; labels and help of widgets, metrics, expanders and tabs; radio options; st.table cells."""
    out = []

    def walk(node):
        proto = getattr(node, "proto", None)
        kind = getattr(node, "type", None)
        if proto is not None and kind not in ("html", "plotly_chart", "arrow_data_frame", "dataframe", "text"):
            fields = proto.DESCRIPTOR.fields_by_name
            for name in ("body", "label", "help"):
                if name in fields and isinstance(getattr(proto, name), str):
                    out.append(getattr(proto, name))
            if kind == "radio":
                out.extend(proto.options)
            for block in ("expandable", "tab"):
                if block in fields and proto.HasField(block):
                    out.append(getattr(proto, block).label)
            if kind == "table":
                frame = node.value
                out.extend(str(v) for v in [*frame.columns, *frame.to_numpy().ravel()])
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return [b for b in out if b]
