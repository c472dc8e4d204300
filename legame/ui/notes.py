"""The admin's notes on the trend charts, on the board: add one for a day, see them all, delete one.

Only an admin session gets the form; a viewer's session shows nothing of it, and its read-only
cursor would refuse the write anyway (legame/share.py ReadOnlyCursor).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from legame import annotations
from legame.errors import LegameError
from legame.fmt import NumberFormat
from legame.i18n import _
from legame.kpis import Period
from legame.ui import cache, session

AUTHOR, DONE = "notes_author", "notes_done"  # the last name typed, and what the last action did


def editor(period: Period) -> None:
    """The 'Notes on the charts' expander, for the admin only."""
    if session.current().role != session.ADMIN:
        return
    fmt = NumberFormat.for_reader(session.config())
    done = st.session_state.pop(DONE, None)
    with st.expander(_("Notes on the charts"), expanded=done is not None, icon=":material/edit_note:"):
        st.caption(
            _(
                "A dated note (a campaign launch, a community event, a price change) shows as a numbered flag on "
                "every trend chart and in the board pack, with your name. Community events in the data are marked "
                "by themselves, as diamonds along the bottom."
            )
        )
        if done:
            st.success(done, icon=":material/check:")
        with st.form("add_note", clear_on_submit=True, border=False):
            day_column, note_column, author_column = st.columns([2, 5, 2], vertical_alignment="bottom")
            day = day_column.date_input(_("Day"), value=min(period.end, date.today()), format=fmt.date_input)
            text = note_column.text_input(
                _("Note"), max_chars=annotations.NOTE_MAX_CHARS, placeholder=_("Autumn campaign starts")
            )
            author = author_column.text_input(
                _("Your name"), value=st.session_state.get(AUTHOR, ""), max_chars=annotations.AUTHOR_MAX_CHARS
            )
            if st.form_submit_button(_("Add the note"), icon=":material/add_comment:", type="primary"):
                try:
                    annotations.add(session.cursor(), day, text, author)
                except LegameError as exc:
                    session.show_error(exc)
                else:
                    st.session_state[AUTHOR] = author
                    st.session_state[DONE] = _("Note added for {day}.", day=fmt.date(day))
                    st.rerun()
        written = cache.notes()
        if not written:
            st.caption(_("No notes yet."))
            return
        st.dataframe(
            pd.DataFrame(
                {
                    _("Day"): [fmt.date(m.day) for m in written],
                    _("Note"): [m.text for m in written],
                    _("Written by"): [m.author for m in written],
                    _("Added on"): [fmt.datetime(m.created_at) for m in written],
                }
            ),
            hide_index=True,
        )
        by_id = {m.id: m for m in written}
        pick_column, button_column = st.columns([5, 2], vertical_alignment="bottom")
        chosen = pick_column.selectbox(
            _("Delete a note"), list(by_id), format_func=lambda i: f"{fmt.date(by_id[i].day)} · {by_id[i].text}"
        )
        if button_column.button(_("Delete this note"), icon=":material/delete:"):
            annotations.delete(session.cursor(), chosen)
            st.session_state[DONE] = _("Note of {day} deleted.", day=fmt.date(by_id[chosen].day))
            st.rerun()
