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
filters = controls.filter_controls(cache.dimensions())
board = cache.board_for(period, comparison, filters)
if board.only_demo:
    controls.demo_banner()

st.subheader(f"{period.label} compared with {period.comparison(comparison).label}")
st.markdown(f"#### {cards.plain(board.headline)}")
if view == "facts":
    st.dataframe(pd.DataFrame(facts(board.kpis, config.currency)), hide_index=True)
else:
    cards.card_grid(board.cards)
    st.subheader("What changed")
    moves = board.what_changed()
    if moves:
        for kpi in moves:
            st.markdown(f"- **{kpi.plain_label}**: {cards.plain(kpi.sentence)}")
        st.caption(
            "The biggest movements against the previous figures, ranked by how far they exceed normal variation."
        )
    else:
        st.caption("No KPI moved beyond its normal variation.")
    st.subheader("Revenue: community members and other customers")
    st.plotly_chart(charts.revenue_by_membership(board.trend, period, config.currency))
controls.freshness_line(board.freshness)
