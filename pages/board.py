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


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def take_it_to_the_board() -> None:
    controls.freshness_line(board.freshness)
    st.subheader(_("Take it to the board"))
    facts_xlsx, facts_csv = cache.facts_files(period, comparison, filters)
    lang = i18n.current()  # the PDF is made when the button is pressed: in this run's language
    # (label, the file's bytes or what makes them when pressed, the file name's end, type, icon, help)
    files = [
        (
            _("Board pack (PDF)"),
            cache.deferred_board_pack(period, comparison, filters, lang),
            "board-pack.pdf",
            "application/pdf",
            ":material/picture_as_pdf:",
            _("Cover, KPI table with status, charts, definitions and assumptions; a few seconds to prepare."),
        ),
        (_("Facts table (XLSX)"), facts_xlsx, "facts.xlsx", XLSX, ":material/table_view:", None),
        (_("Facts table (CSV)"), facts_csv, "facts.csv", "text/csv", ":material/download:", None),
    ]
    for column, (label, data, name, mime, icon, about) in zip(st.columns(len(files)), files, strict=True):
        file_name = f"legame-{period.start}-{period.end}-{name}"
        # on_click="ignore": a press downloads and nothing else. A rerun on the press (Streamlit's default) would
        # register the buttons again and drop the pressed one's file maker while it may still be asked for: the
        # download was lost now and then, and the whole board was laid out again for nothing.
        column.download_button(
            label, data=data, file_name=file_name, mime=mime, icon=icon, help=about, on_click="ignore"
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
