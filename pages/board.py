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
    columns = st.columns(4)
    for i, kpi in enumerate(board.cards):
        with columns[i % 4]:
            cards.kpi_card(kpi)
    st.subheader("Revenue: community members and other customers")
    st.plotly_chart(charts.revenue_by_membership(board.trend, period, config.currency))
controls.freshness_line(board.freshness)
