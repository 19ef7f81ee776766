"""What every chart shares: one colour-blind-safe palette, titles and axes from the catalogue.

Builders (in the modules beside this one) take a result or DataFrame and return a plotly Figure;
pages only call ``st.plotly_chart``. Tests read ``fig.data`` and ``fig.layout``.
"""

from __future__ import annotations

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


def figure(title_key: str, lang: str = "en", x_key: str | None = None, y_key: str | None = None,
           **values: object) -> go.Figure:
    """An empty figure with the shared look, its title and axis titles taken from the catalogue.

    Placeholders in the keys' strings (``{currency}``) are filled from ``values``.
    """
    fig = go.Figure()
    rtl = i18n.is_rtl(lang)
    fig.update_layout(
        title={"text": i18n.text(title_key, lang, **values), "x": 0.98 if rtl else 0.02,
               "xanchor": "right" if rtl else "left"},
        template="plotly_white", colorway=list(PALETTE),
        font={"family": FONT, "size": 14}, margin={"l": 60, "r": 30, "t": 60, "b": 40},
        legend={"orientation": "h", "yanchor": "top", "y": -0.18, "xanchor": "left", "x": 0.0},
        hoverlabel={"font": {"family": FONT}},
    )
    if x_key:
        fig.update_xaxes(title_text=i18n.text(x_key, lang, **values))
    if y_key:
        fig.update_yaxes(title_text=i18n.text(y_key, lang, **values))
    return fig
