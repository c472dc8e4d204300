"""How a load report is shown: what was recognised, what will load, what was rejected and why."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from legame.fmt import NumberFormat
from legame.i18n import _, ngettext, pgettext
from legame.ingest import LoadReport
from legame.ui import controls, session


def load_report(report: LoadReport) -> None:
    fmt = NumberFormat.for_reader(session.config())
    st.markdown(
        _(
            "**{file}** → the **{table}** table, read as *{profile}*",
            file=session.plain(report.file_name),
            table=controls.table_name(report.table),
            profile=session.plain(report.profile_label),
        )
    )
    st.caption(_("Recognised because {reason}.", reason=report.reason))
    cols = st.columns(5)
    cols[0].metric(_("Rows read"), fmt.number(report.rows_read))
    cols[1].metric(pgettext("rows", "New"), fmt.number(report.inserted))
    cols[2].metric(
        pgettext("rows", "Replaced"), fmt.number(report.replaced), help=_("Rows already loaded whose values changed.")
    )
    cols[3].metric(
        pgettext("rows", "Unchanged"), fmt.number(report.unchanged), help=_("Rows already loaded with the same values.")
    )
    cols[4].metric(pgettext("rows", "Rejected"), fmt.number(report.rejected))
    if report.min_date:
        st.caption(_("Dates: {dates}.", dates=fmt.span(report.min_date, report.max_date)))
    for note in report.notes:
        st.caption(note)
    if report.previously_loaded:
        st.caption(_("This exact file was loaded before ({when}).", when=report.previously_loaded))
    if report.ignored_columns:
        st.caption(_("Columns not used: {columns}", columns=", ".join(report.ignored_columns)))
    if report.rejects:
        st.warning(
            ngettext(
                "{rows} row will not load. It is listed with its reason:",
                "{rows} rows will not load. Each is listed with its reason:",
                report.rejected,
                rows=fmt.number(report.rejected),
            )
        )
        st.dataframe(rejects_table(report.rejects), hide_index=True, height=min(400, 40 + 35 * len(report.rejects)))
    with st.expander(_("Preview of the rows as Legame reads them (first {n})", n=fmt.number(len(report.preview_rows)))):
        st.dataframe(pd.DataFrame(report.preview_rows, columns=report.preview_columns), hide_index=True)


def rejects_table(rejects: list[dict[str, object]]) -> pd.DataFrame:
    """The rejected rows with their headers in the reader's language (row numbers written as the file counts them)."""
    headers = {"row": _("Row"), "column": _("Column"), "value": _("Value"), "reason": _("Reason")}
    table = pd.DataFrame(rejects)
    # A line that could not be read is no one column's, a missing value has none: a dash, not None.
    for name in ("column", "value"):
        if name in table.columns:
            table[name] = table[name].fillna("—")
    return table.rename(columns={k: v for k, v in headers.items() if k in table.columns})
