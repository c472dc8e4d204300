"""Board: the executive summary of a period against its comparison."""

from legame.ui import session

session.guard(session.VIEWER, "board")

import pandas as pd
import streamlit as st

from legame import i18n
from legame.fmt import NumberFormat
from legame.i18n import _
from legame.kpis.facts import shown_facts
from legame.ui import after_paint, cache, cards, controls, notes

config = session.config()
fmt = NumberFormat.for_reader(config)
st.title(_("Board"))
period, comparison, view = controls.period_controls(cache.anchor())
filters = controls.filter_controls(cache.dimensions())
board = cache.board_for(period, comparison, filters)
controls.demo_banner(board.demo_state)

controls.view_subtitle(period, comparison, filters)
st.markdown(f"#### {cards.plain(board.headline)}")


def take_it_to_the_board() -> None:
    controls.freshness_line(board.freshness)
    st.subheader(_("Take it to the board"))
    facts_xlsx, facts_csv = cache.facts_files(period, comparison, filters)
    stem = f"legame-{period.start}-{period.end}"
    lang = i18n.current()  # the PDF is made when the button is pressed: in this run's language
    left, middle, right = st.columns(3)
    left.download_button(
        _("Board pack (PDF)"),
        data=cache.deferred_board_pack(period, comparison, filters, lang),
        file_name=f"{stem}-board-pack.pdf",
        mime="application/pdf",
        icon=":material/picture_as_pdf:",
        help=_("Cover, KPI table with status, charts, definitions and assumptions; a few seconds to prepare."),
    )
    middle.download_button(
        _("Facts table (XLSX)"),
        data=facts_xlsx,
        file_name=f"{stem}-facts.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/table_view:",
    )
    right.download_button(
        _("Facts table (CSV)"),
        data=facts_csv,
        file_name=f"{stem}-facts.csv",
        mime="text/csv",
        icon=":material/download:",
    )


if view == "facts":
    st.dataframe(pd.DataFrame(shown_facts(board.kpis, fmt)), hide_index=True, height="content")
    take_it_to_the_board()
else:
    cards.card_grid(board.cards)
    st.subheader(_("What changed"))
    moves = board.what_changed()
    if moves:
        st.markdown("\n".join(f"- **{kpi.plain_label}**: {cards.plain(kpi.sentence)}" for kpi in moves))
        st.caption(
            _("The biggest movements against the previous figures, ranked by how far they exceed normal variation.")
        )
    else:
        st.caption(_("No KPI moved beyond its normal variation."))
    st.subheader(
        _("Revenue: community members and other customers (this view's sales)")
        if filters
        else _("Revenue: community members and other customers")
    )
    revenue = cache.revenue_chart(period, comparison, filters)

    def below_the_cards() -> None:
        st.plotly_chart(revenue)
        notes.editor(period)
        take_it_to_the_board()

    after_paint.section("board", below_the_cards, height=revenue.layout.height)
