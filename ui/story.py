"""One customer's story (Predictions): pick a customer by ID (or by clicking a row of the customers table),
see their purchases, P(alive) over time, what the models expect of them with a range, their RFM segment and
group, and one sentence that explains the numbers (``clv.predict.customer_story``)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from clv import fmt, predict, rfm
from clv.charts import customers as customer_charts
from clv.errors import InputError

from . import state, widgets
from .fields import PREDICTIONS

F = {f.key: f for f in PREDICTIONS}


def pick_from_table(event, shown: pd.DataFrame, id_column: str) -> None:
    """A row clicked in the customers table becomes the customer whose story is told."""
    rows = getattr(getattr(event, "selection", None), "rows", None) or []
    if rows and rows[0] < len(shown):
        picked = str(shown.iloc[rows[0]][id_column])
        if picked != state.get("pred_customer"):
            state.put("pred_customer", picked)
            st.session_state.pop(F["pred_customer"].key, None)


def section(
    s: state.PageState,
    models: predict.CustomerModels,
    transactions: pd.DataFrame,
    values: pd.DataFrame,
    horizon: int,
    annual_rate: float,
    intervals: pd.DataFrame | None,
    groups: pd.Series | None,
) -> None:
    """The story of the customer named in ``pred_customer`` (by default the one with the highest predicted CLV)."""
    st.subheader(s.text("story.page.title"))
    st.caption(s.text("story.page.intro"))
    top = str(values["predicted_clv"].idxmax())  # shown until an ID is typed or a row clicked (not in the link)
    left, _ = st.columns([1, 2])
    wanted = widgets.text_input(F["pred_customer"], s.lang, left, placeholder=top).strip() or top
    try:
        group = None
        if groups is not None and wanted in groups.index.astype(str):
            group = str(groups[groups.index.astype(str) == wanted].iloc[0])
        story = predict.customer_story(models, transactions, wanted, horizon, annual_rate, intervals, group)
    except InputError as err:
        widgets.show_input_error(err, s.lang)
        return
    cards = st.columns(5)
    widgets.metric(cards[0], s.text("story.page.metrics.orders"), fmt.number(story.orders, 0, s.digits))
    widgets.metric(cards[1], s.text("story.page.metrics.p_alive"), fmt.percent(story.p_alive, 0, s.digits))
    widgets.metric(
        cards[2],
        s.text("story.page.metrics.expected", months=horizon),
        fmt.number(story.expected_purchases, 1, s.digits),
    )
    widgets.metric(cards[3], s.text("story.page.metrics.clv", months=horizon), s.money(story.predicted_clv))
    if story.clv_low is not None:
        cards[3].caption(s.text("story.page.metrics.range", low=s.money(story.clv_low), high=s.money(story.clv_high)))
    widgets.metric(
        cards[4],
        s.text("story.page.metrics.segment"),
        rfm.segment_name(story.segment, s.lang) if story.segment else fmt.NOT_DEFINED,
    )
    if story.group is not None:
        cards[4].caption(s.text("story.page.metrics.group", group=widgets.literal(story.group)))
    st.markdown(widgets.literal(predict.story_sentence(story, s.lang, s.digits)))
    widgets.plot(st, s, customer_charts.customer_history(story, s.lang, s.digits, s.currency), key="pred_story_chart")
