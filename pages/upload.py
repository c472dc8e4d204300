"""Upload: drop exports, check what Legame recognised, then load them in one transaction each."""

from legame.ui import session

session.guard(session.ADMIN, "upload")

import pandas as pd
import streamlit as st

from legame import demo_data, warehouse
from legame.errors import LegameError, UnrecognisedExport
from legame.ingest import excel, uploads
from legame.ui import controls, mapping, reports

REMOVE_DEMO, KEEP_DEMO = "Remove the demo data (recommended)", "Keep it, mixed with my data"

st.title("Upload data")
demo_state = warehouse.demo_state(session.cursor())
controls.demo_banner(demo_state, upload_page=True)
if demo_state == "mixed" and st.button(
    "Remove demo data",
    icon=":material/delete:",
    help=f"Deletes every row of the fictional brand {demo_data.BRAND}, in one go; every row of yours stays.",
):
    removed = demo_data.remove_demo(session.cursor(), removed_by="app")
    st.session_state["demo_removed"] = f"{removed}." if removed else "There was no demo data left to remove."
    st.rerun()
if "demo_removed" in st.session_state:
    st.success(st.session_state.pop("demo_removed"), icon=":material/check:")
# What the Load button will do with the demo data, so that the previews below show it already.
remove_demo = st.session_state.get("demo_choice", REMOVE_DEMO) == REMOVE_DEMO
st.session_state["remove_demo"] = remove_demo  # the mapping screen's loads follow the same choice
st.write(
    "Drop the exports you download from your tools (CSV, TSV or Excel). Legame recognises each file from "
    "its header, shows what it will load and what it rejects, and loads nothing until you confirm. "
    "A file it does not know yet you match once, column by column; Legame remembers it for next time."
)
files = st.file_uploader(
    "Export files", type=["csv", "tsv", "txt", "xlsx", "xlsm"], accept_multiple_files=True, key="files"
)
config = session.config()
loaded = st.session_state.setdefault("loaded", {})


def match_sheets(file, data: bytes, sheets: list) -> None:
    """The mapping screen for each sheet of a workbook that no format knows."""
    for i, sheet in enumerate(s for s in sheets if s.unrecognised):
        with st.expander(f"Match the sheet “{sheet.name}” by hand", expanded=len(sheets) == 1):
            name = f"{file.name} › {sheet.name}"
            text = uploads.sheet_of(file.name, data, sheet.name)
            done = mapping.screen(
                session.cursor(), config, name, text, UnrecognisedExport(sheet.reason), key=f"map-{file.file_id}-{i}"
            )
            if done:
                st.session_state.setdefault("matched", []).append(done)
                st.rerun()


for done in st.session_state.get("matched", []):
    st.success(done, icon=":material/check:")

ready = []
for file in files or []:
    data = file.getvalue()
    with st.container(border=True):
        if uploads.digest(data) in loaded:
            st.success(loaded[uploads.digest(data)], icon=":material/check:")
            continue
        try:
            previewed = uploads.preview_export(session.cursor(), config, file.name, data, remove_demo=remove_demo)
        except UnrecognisedExport as exc:
            if excel.is_workbook_name(file.name):
                st.markdown(f"**{file.name}**: no sheet of this workbook is an export Legame knows yet.")
                st.caption("Match a sheet by hand below; sheets of notes or pivots can be left as they are.")
                match_sheets(file, data, getattr(exc, "skipped", []))
                continue
            done = mapping.screen(session.cursor(), config, file.name, data, exc, key=f"map-{file.file_id}")
            if done:
                loaded[uploads.digest(data)] = done
                st.rerun()
            continue
        except LegameError as exc:
            session.show_error(exc)
            continue
        for report in previewed.reports:
            reports.load_report(report)
        for skipped in previewed.skipped:
            st.caption(str(skipped))
        match_sheets(file, data, previewed.skipped)
        ready.append((file.name, data))

if ready and demo_state in ("demo", "mixed"):
    demo_rows = sum(demo_data.demo_rows(session.cursor()).values())
    first = "your first file" if demo_state == "demo" else "these files"
    st.warning(
        f"Loading {first} removes the demo data ({demo_rows:,} rows from the fictional brand {demo_data.BRAND}).",
        icon=":material/warning:",
    )
    st.radio(
        "The demo data",
        [REMOVE_DEMO, KEEP_DEMO],
        key="demo_choice",
        captions=[
            "Every page then shows your numbers only.",
            "Every page then warns that the numbers mix the fictional brand's with yours, until you remove it.",
        ],
    )
if ready and st.button(f"Load {len(ready)} file{'s' if len(ready) > 1 else ''}", type="primary"):
    for name, data in ready:
        try:
            committed = uploads.commit_export(
                session.cursor(), config, name, data, loaded_by="app", remove_demo=remove_demo
            )
        except LegameError as exc:
            session.show_error(exc)
            continue
        loaded[uploads.digest(data)] = " · ".join(
            f"Loaded as load #{report.load_id}: {report.summary()}"
            + (f" · {report.demo_removed} first" if report.demo_removed else "")
            for report in committed.reports
        )
    st.rerun()

st.subheader("Loads so far")
history = uploads.history(session.cursor())
if history:
    st.dataframe(pd.DataFrame(history), hide_index=True)
else:
    st.caption("Nothing loaded yet.")
