"""How a load report is shown: what was recognised, what will load, what was rejected and why."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from legame.ingest import LoadReport


def load_report(report: LoadReport) -> None:
    st.markdown(f"**{report.file_name}** → the **{report.table}** table, read as *{report.profile_label}*")
    st.caption(f"Recognised because {report.reason}.")
    cols = st.columns(5)
    cols[0].metric("Rows read", f"{report.rows_read:,}")
    cols[1].metric("New", f"{report.inserted:,}")
    cols[2].metric("Replaced", f"{report.replaced:,}", help="Rows already loaded whose values changed.")
    cols[3].metric("Unchanged", f"{report.unchanged:,}", help="Rows already loaded with the same values.")
    cols[4].metric("Rejected", f"{report.rejected:,}")
    if report.min_date:
        st.caption(f"Dates from {report.min_date:%d %b %Y} to {report.max_date:%d %b %Y}.")
    for note in report.notes:
        st.caption(note)
    if report.previously_loaded:
        st.caption(f"This exact file was loaded before ({report.previously_loaded}).")
    if report.ignored_columns:
        st.caption("Columns not used: " + ", ".join(report.ignored_columns))
    if report.rejects:
        rows = "1 row" if report.rejected == 1 else f"{report.rejected:,} rows"
        st.warning(f"{rows} will not load. Each is listed with its reason:")
        st.dataframe(pd.DataFrame(report.rejects), hide_index=True, height=min(400, 40 + 35 * len(report.rejects)))
    with st.expander(f"Preview of the rows as Legame reads them (first {len(report.preview_rows)})"):
        st.dataframe(pd.DataFrame(report.preview_rows, columns=report.preview_columns), hide_index=True)
