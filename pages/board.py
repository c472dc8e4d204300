"""Board: the executive summary of a period against its comparison."""

from legame.ui import session

session.guard(session.VIEWER, "board")

import pandas as pd
import streamlit as st

from legame import charts, export
from legame.kpis.facts import shown_facts
from legame.ui import cache, cards, controls, notes

config = session.config()
st.title("Board")
period, comparison, view = controls.period_controls(cache.anchor())
filters = controls.filter_controls(cache.dimensions())
board = cache.board_for(period, comparison, filters)
controls.demo_banner(board.demo_state)

shown_filters = " · ".join(f"{k} {controls.dimension_label(k, v)}" for k, v in filters.items())
# Channel and campaign names are data: shown literally, never as Markdown.
st.subheader(
    f"{period.label} compared with {period.comparison(comparison).label}"
    + (f" · {cards.plain(shown_filters)}" if shown_filters else "")
)
st.markdown(f"#### {cards.plain(board.headline)}")
if view == "facts":
    st.dataframe(pd.DataFrame(shown_facts(board.kpis)), hide_index=True, height="content")
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
    st.subheader("Revenue: community members and other customers" + (" (this view's sales)" if filters else ""))
    st.plotly_chart(charts.revenue_by_membership(board.trend, period, config.currency, board.marks))
    notes.editor(period)
controls.freshness_line(board.freshness)

st.subheader("Take it to the board")
meta = export.about(board.kpis, filters, board.freshness, board.demo_state)
stem = f"legame-{period.start}-{period.end}"
left, middle, right = st.columns(3)
left.download_button(
    "Board pack (PDF)",
    data=lambda: cache.board_pack(period, comparison, filters),
    file_name=f"{stem}-board-pack.pdf",
    mime="application/pdf",
    icon=":material/picture_as_pdf:",
    help="Cover, KPI table with status, charts, definitions and assumptions; a few seconds to prepare.",
)
middle.download_button(
    "Facts table (XLSX)",
    data=export.facts_xlsx(board.kpis, config.currency, meta),
    file_name=f"{stem}-facts.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/table_view:",
)
right.download_button(
    "Facts table (CSV)",
    data=export.facts_csv(board.kpis, config.currency),
    file_name=f"{stem}-facts.csv",
    mime="text/csv",
    icon=":material/download:",
)
