"""What every chart shares: one colour-blind-safe palette, titles and axes from the catalogue, and one
layout that stays legible on a 390 px phone and on a projector.

Builders (in the modules beside this one) take a result or DataFrame and return a plotly Figure;
pages only call ``st.plotly_chart``. Tests read ``fig.data`` and ``fig.layout``.

The layout is explicit rather than inherited, because Streamlit's chart theme replaces the template's
sizes (12 px ticks and legend, its own axis-title standoffs): every size below is set on the figure
itself, so the app, the HTML report and an exported PNG look the same.
- The title sits under a band kept free for plotly's toolbar (top right, shown on hover or tap).
- The legend is anchored to the bottom of the whole figure (``yref="container"``): plotly reserves its
  height below whatever the x axis needs (tick labels, rotated names, axis title), so it never covers
  them, however many rows it wraps to on a phone.
- Axes push the margins for their labels (``automargin``); long axis titles wrap onto a second line.
"""

from __future__ import annotations

import copy
import functools
import math
import numbers
import re
import textwrap

import plotly.graph_objects as go

from .. import i18n

# Okabe & Ito (2008), the palette designed to stay distinct for colour-blind readers and on projectors.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
PRIMARY, ACCENT, GOOD, BAD = PALETTE[0], PALETTE[1], PALETTE[2], PALETTE[3]
NEUTRAL = "#6B7280"
# A sequential scale that reads in greyscale too (light to dark blue) and a diverging one (orange-blue).
SEQUENTIAL = "Blues"
DIVERGING = [[0.0, "#D55E00"], [0.5, "#F7F7F7"], [1.0, "#0072B2"]]
FONT = "DejaVu Sans, Arial, sans-serif"

FONT_SIZE = 14  # px: ticks, legend, hover, line labels (>= 13 px reads on a projector)
TITLE_SIZE = 17  # px
AXIS_TITLE_SIZE = 15  # px
CELL_TEXT_SIZE = 12  # px: numbers printed in heatmap cells (plotly would shrink them to fit)
MODEBAR_PX = 36  # band at the top kept free for plotly's toolbar: the title starts below it
TITLE_GAP_PX = 14  # between the title and the plot area
AXIS_TITLE_STANDOFF = 12  # px between an axis's tick labels and its title
AXIS_TITLE_CHARS = 40  # longest line of an axis title (a y title must fit a short plot area)
TICK_LABEL_CHARS = 16  # longest line of a category label (long campaign names wrap, not rotate)
LINE_HEIGHT = 1.3  # plotly's line spacing, in font sizes
MARGIN = {"l": 60, "r": 30, "b": 10}
TOP_MARGIN = MODEBAR_PX + round(TITLE_SIZE * LINE_HEIGHT) + TITLE_GAP_PX
SUBTITLE_PX = 26  # a line of FONT_SIZE text between the title and the plot area
TITLE_CHARS = 48  # a longer title takes two lines (one line of it fits a 390 px phone)
TITLE_LINE_PX = round(TITLE_SIZE * LINE_HEIGHT)


def wrap(text: str, width: int) -> str:
    """``text`` unchanged if it has at most ``width`` characters, else broken at spaces into as few lines
    of at most ``width`` as it needs, of even length, joined with plotly's <br>.

    >>> wrap("Cumulative discounted value per customer, after campaign costs ($)", 40)
    'Cumulative discounted value per<br>customer, after campaign costs ($)'
    >>> wrap("All campaigns together", 16)
    'All campaigns<br>together'
    """
    if len(text) <= width:
        return text
    lines = math.ceil(len(text) / width)
    for even in range(math.ceil(len(text) / lines), width + 1):
        parts = textwrap.wrap(text, even, break_long_words=False, break_on_hyphens=False)
        if len(parts) <= lines:
            return "<br>".join(parts)
    return "<br>".join(textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False))


def _axis_style() -> dict:
    return {
        "automargin": True,
        "tickfont": {"size": FONT_SIZE},
        "title": {"font": {"size": AXIS_TITLE_SIZE}, "standoff": AXIS_TITLE_STANDOFF},
    }


def figure(
    title_key: str, lang: str = "en", x_key: str | None = None, y_key: str | None = None, **values: object
) -> go.Figure:
    """An empty figure with the shared look, its title and axis titles taken from the catalogue.

    Placeholders in the keys' strings (``{currency}``) are filled from ``values``. Builders return
    ``finish(fig)`` once their traces are in. Sizes in px: the title starts ``MODEBAR_PX`` (36) below
    the top, the plot ``TOP_MARGIN`` = 36 + round(17 x 1.3) + 14 = 72 below it; a right-to-left
    language puts the title and legend on the right.

    >>> fig = figure("charts.ltv_churn.title", "en", "charts.axis.churn_pct", "charts.axis.ltv", currency="€")
    >>> fig.layout.title.text, fig.layout.xaxis.title.text, fig.layout.yaxis.title.text
    ('Lifetime value by monthly churn', 'Monthly churn (%)', 'Lifetime value (€)')
    >>> fig.layout.margin.t, figure("charts.ltv_churn.title", "ar").layout.title.xanchor
    (72, 'right')
    """
    key = (title_key, lang, x_key, y_key, tuple(sorted(values.items())))
    try:
        layout = _base_layout(*key)
    except TypeError:  # a value that cannot be a cache key: build it afresh
        layout = _base_layout.__wrapped__(*key)
    return go.Figure(layout=copy.deepcopy(layout))


@functools.lru_cache(maxsize=512)
def _base_layout(title_key: str, lang: str, x_key: str | None, y_key: str | None, items: tuple) -> dict:
    """The styled layout of ``figure`` as a plain dict, built (and validated) once per title, language
    and values: building it with plotly's validating objects took ~19 ms of a ~25 ms chart, on every
    slider move."""
    values = dict(items)
    fig = go.Figure()
    rtl = i18n.is_rtl(lang)
    fig.update_layout(
        title={
            "text": i18n.text(title_key, lang, **values),
            "font": {"size": TITLE_SIZE},
            "x": 0.98 if rtl else 0.02,
            "xanchor": "right" if rtl else "left",
            "yref": "container",
            "y": 1.0,
            "yanchor": "top",
            "pad": {"t": MODEBAR_PX},
        },
        template="plotly_white",
        colorway=list(PALETTE),
        font={"family": FONT, "size": FONT_SIZE},
        margin={**MARGIN, "t": TOP_MARGIN},
        legend={
            "orientation": "h",
            "yref": "container",
            "y": 0.0,
            "yanchor": "bottom",
            "x": 1.0 if rtl else 0.0,
            "xanchor": "right" if rtl else "left",
            "font": {"size": FONT_SIZE},
        },
        hoverlabel={"font": {"family": FONT, "size": FONT_SIZE}},
        xaxis=_axis_style(),
        yaxis=_axis_style(),
    )
    if x_key:
        fig.update_xaxes(title_text=i18n.text(x_key, lang, **values))
    if y_key:
        fig.update_yaxes(title_text=i18n.text(y_key, lang, **values))
    return fig.to_dict()["layout"]


def category_labels(fig: go.Figure, labels, axis: str = "x") -> None:
    """Category names on ``axis`` wrapped onto short lines, upright or, when they still do not fit,
    vertical (never slanted: slanted right-to-left names run into each other). The data keep the names.

    Lines of at most ``TICK_LABEL_CHARS`` (16) characters (``wrap``); tick angles 0 or 90 degrees.

    >>> fig = go.Figure(go.Bar(x=["Loyalty", "All campaigns together"], y=[1, 2]))
    >>> category_labels(fig, fig.data[0].x)
    >>> fig.layout.xaxis.ticktext, fig.layout.xaxis.autotickangles
    (('Loyalty', 'All campaigns<br>together'), (0, 90))
    """
    labels = [str(v) for v in labels]
    getattr(fig, f"update_{axis}axes")(
        tickmode="array", tickvals=labels, ticktext=[wrap(v, TICK_LABEL_CHARS) for v in labels], autotickangles=[0, 90]
    )


def reference_line(fig: go.Figure, y: float, label: str, colour: str, dash: str = "dash") -> None:
    """A horizontal line across the plot named in the legend rather than by a label on the line, which
    would land on the bars' or curves' own labels.

    ``y`` in the y axis's data units; the legend entry is an empty line trace of the same colour and dash.

    >>> fig = go.Figure()
    >>> reference_line(fig, 800.0, "Baseline LTV $800", NEUTRAL)
    >>> fig.layout.shapes[0].y0, fig.layout.shapes[0].line.dash, fig.data[0].name
    (800.0, 'dash', 'Baseline LTV $800')
    """
    fig.add_hline(y=y, line={"color": colour, "dash": dash})
    fig.add_scatter(
        x=[None],
        y=[None],
        mode="lines",
        line={"color": colour, "dash": dash},
        name=label,
        hoverinfo="skip",
        showlegend=True,
    )


RLE, PDF = "\u202b", "\u202c"  # right-to-left embedding and its end (Unicode bidi controls)


def _has_rtl(text: str) -> bool:
    return any("\u0590" <= c <= "\u08ff" for c in text)


def _mixed(line: str) -> bool:
    """Right-to-left text with Latin letters, digits or symbols in it (only those lines can reorder)."""
    return _has_rtl(line) and any(c.isascii() and (c.isalnum() or c in "$%") for c in line)


def rtl_text(text, force: bool = False):
    """Each line of a right-to-left string embedded right to left, so a line that starts with a Latin word
    ("LTV حسب السيناريو") keeps its word order in the chart's SVG text, which has no paragraph direction
    of its own. Lines without Latin characters (unless ``force``: category names, which may be drawn
    rotated), other text and non-strings unchanged; idempotent.

    >>> rtl_text("LTV حسب السيناريو") == "\u202bLTV حسب السيناريو\u202c"
    True
    >>> rtl_text("LTV by scenario")
    'LTV by scenario'
    """
    if not isinstance(text, str) or not _has_rtl(text) or text.startswith(RLE):
        return text
    lines = text.split("<br>")
    if not force and not any(_mixed(line) for line in lines):
        return text
    return "<br>".join(f"{RLE}{line}{PDF}" for line in lines)


def _embed_rtl(fig: go.Figure) -> None:
    fig.layout.title.text = rtl_text(fig.layout.title.text)
    for name in fig.layout.to_plotly_json():
        if name.startswith(("xaxis", "yaxis")):
            axis = fig.layout[name]
            axis.title.text = rtl_text(axis.title.text)
            if axis.ticktext is not None:
                axis.ticktext = [rtl_text(t, force=True) for t in axis.ticktext]  # rotated names too
    for trace in fig.data:
        if isinstance(getattr(trace, "name", None), str):
            trace.name = rtl_text(trace.name)
    for note in fig.layout.annotations:
        note.text = rtl_text(note.text)


OWN_TAGS = re.compile(r"(<br>|<extra></extra>)")  # the only markup the builders write themselves


def inert(text):
    """``text`` shown as typed in a chart: plotly renders a subset of HTML (``<a href>``, ``<b>``, ``<i>``,
    ``<sup>``) in names, labels and hover text, so a campaign named ``<a href="…">Claim</a>`` made a
    clickable link. Everything but the builders' own line breaks is escaped; idempotent on plain text.

    >>> inert('<a href="https://evil.example">Claim</a> & co<br>2')
    '&lt;a href="https://evil.example"&gt;Claim&lt;/a&gt; &amp; co<br>2'
    """
    if not isinstance(text, str) or not any(c in text for c in "<>&"):
        return text
    parts = OWN_TAGS.split(text)
    return "".join(
        p if i % 2 else p.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for i, p in enumerate(parts)
    )


def _inert_figure(fig: go.Figure) -> None:
    """Every text a figure carries made inert (``inert``): category values and their tick labels alike,
    so ticks still match their categories."""

    def each(values):
        return None if values is None else [inert(v) if isinstance(v, str) else v for v in values]

    for trace in fig.data:
        if isinstance(getattr(trace, "name", None), str):
            trace.name = inert(trace.name)
        for attr in ("x", "y", "labels", "text", "hovertext", "customdata"):
            values = getattr(trace, attr, None) if attr in trace else None
            if isinstance(values, str):
                setattr(trace, attr, inert(values))
            elif values is not None and len(values) and any(isinstance(v, str) for v in values):
                setattr(trace, attr, each(values))
    for name in fig.layout.to_plotly_json():
        if name.startswith(("xaxis", "yaxis")):
            axis = fig.layout[name]
            if axis.ticktext is not None:
                axis.ticktext = each(axis.ticktext)
            if axis.tickvals is not None and any(isinstance(v, str) for v in axis.tickvals):
                axis.tickvals = each(axis.tickvals)
            axis.title.text = inert(axis.title.text)
    for note in fig.layout.annotations:
        note.text = inert(note.text)
    fig.layout.title.text = inert(fig.layout.title.text)


def finish(fig: go.Figure) -> go.Figure:
    """The shared sizes on what a builder added after ``figure``: every axis (a second y axis too) with
    its title wrapped, colour bars, labels on lines; right-to-left text embedded (``rtl_text``).
    Returns ``fig``.

    Sizes in px and characters: axis titles wrap at ``AXIS_TITLE_CHARS`` (40); a title over
    ``TITLE_CHARS`` (48) takes two lines and the top margin grows by one line, round(17 x 1.3) = 22 px.
    All text is made inert (``inert``).

    >>> fig = figure("charts.ltv_churn.title")
    >>> fig.layout.title.text = "Cumulative discounted value per customer, after campaign costs"
    >>> finish(fig).layout.title.text, fig.layout.margin.t                  # 72 + 22
    ('Cumulative discounted value per<br>customer, after campaign costs', 94)
    """
    layout = fig.layout.to_plotly_json()
    for name in layout:
        if name.startswith(("xaxis", "yaxis")):
            axis = fig.layout[name]
            axis.update(automargin=True, tickfont_size=axis.tickfont.size or FONT_SIZE)
            axis.title.update(
                font_size=axis.title.font.size or AXIS_TITLE_SIZE,
                standoff=AXIS_TITLE_STANDOFF if axis.title.standoff is None else axis.title.standoff,
            )
            if axis.title.text and "<br>" not in axis.title.text:
                axis.title.text = wrap(axis.title.text, AXIS_TITLE_CHARS)
    for trace in fig.data:
        if "colorbar" in trace and getattr(trace, "showscale", None) is not False:
            trace.colorbar.update(tickfont_size=FONT_SIZE, title_font_size=FONT_SIZE)
    for note in fig.layout.annotations:
        if note.font.size is None:
            note.font.size = FONT_SIZE
    _inert_figure(fig)  # user text (campaign names) can never become markup
    title = fig.layout.title.text
    if isinstance(title, str) and "<br>" not in title and len(title) > TITLE_CHARS:
        fig.layout.title.text = wrap(title, TITLE_CHARS)
        fig.layout.margin.t = (fig.layout.margin.t or TOP_MARGIN) + TITLE_LINE_PX  # room for the second line
    if _has_rtl(str(fig.layout.title.text or "")):
        _embed_rtl(fig)
    return fig


NICE_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)
TICKS_WANTED = 6


def nice_ticks(low: float, high: float, wanted: int = TICKS_WANTED) -> list[float]:
    """Round tick values covering [low, high], about ``wanted`` of them (1, 2, 2.5 or 5 times a power of ten).

    >>> nice_ticks(0, 1000)
    [0.0, 200.0, 400.0, 600.0, 800.0, 1000.0]
    >>> nice_ticks(0.02, 0.13)
    [0.0, 0.025, 0.05, 0.075, 0.1, 0.125, 0.15]
    """
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return [low] if math.isfinite(low) else []
    raw = (high - low) / max(wanted - 1, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in NICE_STEPS if m * power >= raw)
    first = math.floor(low / step + 1e-9) * step
    count = int(math.ceil((high - first) / step - 1e-9)) + 1
    return [round(first + i * step, 12) for i in range(count)]


def _decimals(ticks: list[float]) -> int:
    return max((len(f"{abs(t):.10g}".split(".")[1]) if "." in f"{abs(t):.10g}" else 0) for t in ticks) if ticks else 0


def _axis_values(fig: go.Figure, axis: str) -> list[float]:
    """The numeric values plotted on an axis ("x" or "y"), from the traces drawn against it."""
    import numpy as np

    values = []
    for trace in fig.data:
        if trace.type not in ("scatter", "bar", "waterfall"):
            continue
        ref = getattr(trace, f"{axis}axis", None) or axis
        if ref != axis:
            continue
        data = getattr(trace, axis, None)
        if data is None:
            continue
        arr = np.asarray([v for v in data if isinstance(v, numbers.Real) and not isinstance(v, bool)], dtype=float)
        arr = arr[np.isfinite(arr)]
        if not len(arr):
            continue
        if trace.type == "bar" and (trace.orientation or "v") == ("h" if axis == "x" else "v"):
            arr = np.append(arr, 0.0)  # bars start at zero
        if trace.type == "waterfall":
            arr = np.append(np.cumsum(arr), 0.0)
        values.extend(arr.tolist())
    for shape in fig.layout.shapes:  # reference lines (CAC, 3:1, baseline) in data units
        if (getattr(shape, f"{axis}ref", None) or axis) != axis:
            continue
        for end in (f"{axis}0", f"{axis}1"):
            v = getattr(shape, end, None)
            if isinstance(v, (int, float)) and math.isfinite(v):
                values.append(float(v))
    return values


def _typed(text) -> bool:
    """Text with Latin letters (other than the LTV and CAC acronyms): a typed name, kept as typed."""
    return isinstance(text, str) and bool(re.search("[A-Za-z]", text.replace("LTV", "").replace("CAC", "")))


def _categories(fig: go.Figure, axis: str) -> list[str]:
    """The category labels on an axis (text values of the traces drawn against it), in order."""
    seen: dict[str, None] = {}
    for trace in fig.data:
        if trace.type not in ("scatter", "bar") or (getattr(trace, f"{axis}axis", None) or axis) != axis:
            continue
        values = getattr(trace, axis, None)
        for v in () if values is None else values:
            if isinstance(v, str):
                seen.setdefault(v, None)
    return list(seen)


def in_digits(fig: go.Figure, digits: str) -> go.Figure:
    """The figure's numbers in ``digits`` ("arabic": Arabic-Indic). Plotly draws Western digits only, so
    numeric axes get explicit round ticks written in those digits, and every text the figure carries
    (title, axis titles, labels on bars and lines, notes, legend entries) has its digits translated.
    Legend entries with Latin letters (a typed campaign name) keep their text as typed. Returns ``fig``
    (changed in place); "western" changes nothing. Ticks: ``nice_ticks`` over the plotted values (or the
    axis range the builder set), with the decimal and thousands separators ٫ and ٬.

    >>> fig = figure("charts.ltv_churn.title", "ar", "charts.axis.churn_pct", "charts.axis.ltv")
    >>> fig.add_scatter(x=[0, 10], y=[0.0, 1000.0]).layout.yaxis.ticktext is None
    True
    >>> in_digits(fig, "arabic").layout.yaxis.ticktext                    # 0, 200, ..., 1,000
    ('٠', '٢٠٠', '٤٠٠', '٦٠٠', '٨٠٠', '١٬٠٠٠')
    """
    if digits != "arabic":
        return fig
    table = str.maketrans("0123456789.,", "٠١٢٣٤٥٦٧٨٩٫٬")

    def tr(text):
        return text.translate(table) if isinstance(text, str) else text

    def tr_text(text):  # keep <br> and markup intact; digits only
        return (
            re.sub(
                r"<[^>]*>|[0-9.,]+",
                lambda m: (
                    m.group(0)
                    if m.group(0).startswith("<")
                    else (tr(m.group(0)) if any(c.isdigit() for c in m.group(0)) else m.group(0))
                ),
                text,
            )
            if isinstance(text, str)
            else text
        )

    fig.layout.title.text = tr_text(fig.layout.title.text)
    for note in fig.layout.annotations:
        note.text = tr_text(note.text)
    for trace in fig.data:
        name = getattr(trace, "name", None)
        if isinstance(name, str) and not _typed(name):
            trace.name = tr_text(name)  # a catalogue label with a number, not a typed name
        text = getattr(trace, "text", None)
        if isinstance(text, str):
            trace.text = tr_text(text)
        elif text is not None:
            trace.text = [[tr_text(u) for u in t] if isinstance(t, (list, tuple)) else tr_text(t) for t in text]
    for name in fig.layout.to_plotly_json():
        if not name.startswith(("xaxis", "yaxis")):
            continue
        axis = fig.layout[name]
        axis.title.text = tr_text(axis.title.text)
        if axis.ticktext is not None:
            axis.ticktext = [t if _typed(t) else tr_text(t) for t in axis.ticktext]
            continue
        categories = _categories(fig, name[0])
        if categories:  # "0", "1", ... "7+": numbers written as categories
            if any(re.search("[0-9]", c) for c in categories) and not any(_typed(c) for c in categories):
                axis.update(tickmode="array", tickvals=categories, ticktext=[tr(c) for c in categories])
            continue
        if axis.type in ("category", "log", "date") or axis.tickvals is not None:
            continue
        if axis.range is not None and all(isinstance(v, numbers.Real) for v in axis.range):
            values = [float(v) for v in axis.range]  # the range the builder chose is what is shown
        else:
            values = _axis_values(fig, name[0])
        if not values:
            continue
        ticks = nice_ticks(min(values), max(values))
        decimals = _decimals(ticks)
        axis.update(tickmode="array", tickvals=ticks, ticktext=[tr(f"{t:,.{decimals}f}") for t in ticks])
    return fig
