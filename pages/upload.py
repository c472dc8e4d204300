"""Upload: drop exports, check what Legame recognised, then load them in one transaction each."""

from legame.ui import session

session.guard(session.ADMIN, "upload")

import pandas as pd
import streamlit as st

from legame import demo_data, i18n
from legame.errors import LegameError, UnrecognisedExport
from legame.fmt import NumberFormat
from legame.i18n import _, ngettext, pgettext
from legame.ingest import uploads
from legame.ingest.exports import ExportLoad
from legame.ui import cache, controls, mapping, reports

REMOVE_DEMO, KEEP_DEMO = "remove", "keep"  # the demo choice's ids

config = session.config()
fmt = NumberFormat.for_reader(config)
st.title(_("Upload data"))
demo_state = cache.demo_state()
controls.demo_banner(demo_state, upload_page=True)
if demo_state == "mixed" and st.button(
    _("Remove demo data"),
    icon=":material/delete:",
    help=_(
        "Deletes every row of the fictional brand {brand}, in one go; every row of yours stays.", brand=demo_data.BRAND
    ),
):
    removed = demo_data.remove_demo(session.cursor(), config, removed_by="app")
    st.session_state["demo_removed"] = f"{removed}." if removed else _("There was no demo data left to remove.")
    st.rerun()
if "demo_removed" in st.session_state:
    st.success(st.session_state.pop("demo_removed"), icon=":material/check:")
# What the Load button will do with the demo data, so that the previews below show it already.
remove_demo = st.session_state.get("demo_choice", REMOVE_DEMO) == REMOVE_DEMO
st.session_state["remove_demo"] = remove_demo  # the mapping screen's loads follow the same choice
st.write(
    _(
        "Drop the exports you download from your tools (CSV, TSV or Excel). Legame recognises each file from "
        "its header, shows what it will load and what it rejects, and loads nothing until you confirm. "
        "A file it does not know yet you match once, column by column; Legame remembers it for next time."
    )
)
files = st.file_uploader(
    _("Export files"), type=["csv", "tsv", "txt", "xlsx", "xlsm"], accept_multiple_files=True, key="files"
)
loaded = st.session_state.setdefault("loaded", {})


def match_sheets(file, data: bytes, sheets: list) -> None:
    """The mapping screen for each sheet of a workbook that no format knows."""
    for sheet in (s for s in sheets if s.unrecognised):
        with st.expander(_("Match the sheet “{sheet}” by hand", sheet=sheet.name), expanded=len(sheets) == 1):
            name = f"{file.name} › {sheet.name}"
            text = uploads.sheet_of(file.name, data, sheet.name)
            # Keyed by the sheet's name: once one sheet is matched, the others keep their own screens.
            key = f"map-{file.file_id}-sheet-{sheet.name}"
            done = mapping.screen(session.cursor(), config, name, text, UnrecognisedExport(sheet.reason), key=key)
            if done:
                st.session_state.setdefault("matched", []).append(done)
                st.rerun()


def load_history(history: list[dict]) -> tuple[pd.DataFrame, list[str]]:
    """The loads as the reader reads them: headers in their language, counts and times as the cards write
    them (times in the configured time zone); and the headers of the count columns."""
    headers = {
        "Load": _("Load"),
        "File": _("File"),
        "Table": _("Table"),
        "Profile": _("Profile"),
        "Read": pgettext("rows", "Read"),
        "New": pgettext("rows", "New"),
        "Replaced": pgettext("rows", "Replaced"),
        "Unchanged": pgettext("rows", "Unchanged"),
        "Rejected": pgettext("rows", "Rejected"),
        "Loaded at (UTC)": _("Loaded at"),
        "By": _("By"),
    }
    counts = ["Read", "New", "Replaced", "Unchanged", "Rejected"]
    rows = []
    for load in history:
        row = dict(load)
        row["Table"] = controls.table_name(row["Table"])
        row["Loaded at (UTC)"] = fmt.datetime(row["Loaded at (UTC)"]) if row["Loaded at (UTC)"] else ""
        for name in ["Load", *counts]:
            row[name] = "" if row[name] is None else fmt.number(row[name])
        rows.append(row)
    # The counts and the time before the profile's id, the least read, which the table's width may hide.
    order = ["Load", "File", "Table", *counts, "Loaded at (UTC)", "By", "Profile"]
    table = pd.DataFrame(rows)[order].rename(columns=headers)
    return table, [headers[name] for name in ["Load", *counts]]


def preview(name: str, data: bytes) -> ExportLoad:
    """The file's preview, made once for the data as it is, the demo choice and the language: each click on
    the page reruns it (the demo choice, the Load button), and a preview reads the whole file again."""
    key = (name, uploads.digest(data), remove_demo, cache.data_version(), i18n.current())
    kept = st.session_state.setdefault("previews", {})
    if key not in kept:
        if len(kept) > 16:  # older data versions' previews are never asked for again
            kept.clear()
        kept[key] = uploads.preview_export(session.cursor(), config, name, data, remove_demo=remove_demo)
    return kept[key]


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
            previewed = preview(file.name, data)
        except UnrecognisedExport as exc:
            if uploads.is_workbook(file.name, data):
                st.markdown(
                    _(
                        "**{file}**: no sheet of this workbook is an export Legame knows yet.",
                        file=session.plain(file.name),
                    )
                )
                st.caption(_("Match a sheet by hand below; sheets of notes or pivots can be left as they are."))
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
    words = {"rows": fmt.number(cache.demo_rows()), "brand": demo_data.BRAND}
    st.warning(
        _("Loading your first file removes the demo data ({rows} rows from the fictional brand {brand}).", **words)
        if demo_state == "demo"
        else _("Loading these files removes the demo data ({rows} rows from the fictional brand {brand}).", **words),
        icon=":material/warning:",
    )
    choices = {REMOVE_DEMO: _("Remove the demo data (recommended)"), KEEP_DEMO: _("Keep it, mixed with my data")}
    st.radio(
        _("The demo data"),
        list(choices),
        format_func=choices.get,
        key="demo_choice",
        captions=[
            _("Every page then shows your numbers only."),
            _("Every page then warns that the numbers mix the fictional brand's with yours, until you remove it."),
        ],
    )
if ready and st.button(ngettext("Load {n} file", "Load {n} files", len(ready)), type="primary"):
    for name, data in ready:
        try:
            committed = uploads.commit_export(
                session.cursor(), config, name, data, loaded_by="app", remove_demo=remove_demo
            )
        except LegameError as exc:
            session.show_error(exc)
            continue
        loaded[uploads.digest(data)] = " · ".join(
            _(
                "Loaded as load #{load_id}: {summary} · {removed} first",
                load_id=report.load_id,
                summary=report.summary(),
                removed=report.demo_removed,
            )
            if report.demo_removed
            else _("Loaded as load #{load_id}: {summary}", load_id=report.load_id, summary=report.summary())
            for report in committed.reports
        )
    st.rerun()

st.subheader(_("Loads so far"))
history = uploads.history(session.cursor())
if history:
    table, numbers = load_history(history)
    right = st.column_config.TextColumn(alignment="right")
    st.dataframe(table, hide_index=True, column_config=dict.fromkeys(numbers, right))
else:
    st.caption(_("Nothing loaded yet."))
