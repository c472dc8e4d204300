"""Board: the executive summary of a period against its comparison."""

from legame.ui import session

session.guard(session.VIEWER)

import pandas as pd
import streamlit as st

from legame import charts
from legame.kpis.facts import facts
from legame.ui import cache, cards, controls

config = session.config()
st.title("Board")
period, comparison, view = controls.period_controls(cache.anchor())
board = cache.board_for(period, comparison)
if board.only_demo:
    controls.demo_banner()

st.subheader(f"{period.label} compared with {period.comparison(comparison).label}")
if view == "facts":
    st.dataframe(pd.DataFrame(facts(board.kpis, config.currency)), hide_index=True)
else:
    # One row of columns per four cards, so a phone stacks them in reading order.
    for row_start in range(0, len(board.cards), 4):
        for column, kpi in zip(st.columns(4), board.cards[row_start : row_start + 4], strict=False):
            with column:
                cards.kpi_card(kpi)
    st.subheader("Revenue: community members and other customers")
    st.plotly_chart(charts.revenue_by_membership(board.trend, period, config.currency))
controls.freshness_line(board.freshness)
