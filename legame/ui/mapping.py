"""The mapping screen: for a file Legame does not know, say what it holds, check the result, save it for next time.

Layout only; the proposal, the checks and the saving are legame.ingest.mapping.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import streamlit as st

from legame.config import Config
from legame.errors import LegameError, UnrecognisedExport
from legame.i18n import N_, _
from legame.ingest import LoadReport, mapping, uploads
from legame.ingest.mapping import Choice, Proposal, TableProposal
from legame.ingest.profiles import vendor_profile
from legame.ui import reports, session
from legame.warehouse import TABLES, Column

# Two options of every column picker beside the file's columns; ids no column name can be (no NUL in names).
NOT_IN_FILE, SAME_EVERY_ROW = "\x00none", "\x00same"
_CERTAINTY = {
    "sure": (":material/check_circle:", N_("Sure: {reasons}.")),
    "likely": (":material/help:", N_("Probably: {reasons}.")),
    "guess": (":material/warning:", N_("A guess, please check: {reasons}.")),
}


def _proposal(file_name: str, data: bytes, key: str) -> Proposal:
    # Read once per dropped file: widget changes rerun the page, the file does not change.
    cache = f"{key}-proposal"
    if cache not in st.session_state:
        st.session_state[cache] = mapping.propose(mapping.sample_upload(file_name, data))
    return st.session_state[cache]


def _step(number: int, title: str, explanation: str) -> None:
    st.markdown(f"**{number} · {title}**")
    st.caption(explanation)


def _choose_table(proposal: Proposal, key: str) -> TableProposal:
    names = [t.table for t in proposal.tables]
    table = st.selectbox(
        _("This file lists"),
        names,
        format_func=lambda t: _(mapping.TABLE_LABELS[t]),
        key=f"{key}-table",
    )
    chosen = proposal.table(table)
    why = "; ".join(chosen.reasons)
    st.caption(_("Our guess: {why}.", why=why) if table == proposal.best.table else _("Your choice: {why}.", why=why))
    return chosen


def _option_text(proposal: Proposal, name: str) -> str:
    if name == NOT_IN_FILE:
        return _("— not in this file —")
    if name == SAME_EVERY_ROW:
        return _("— the same for every row —")
    examples = proposal.sample.stats[name].examples
    shown = "  ·  " + (_("e.g. {examples}", examples=", ".join(examples)) if examples else _("empty"))
    text = proposal.sample.header_name(name) + shown
    return text if len(text) <= 90 else text[:89] + "…"


def _choose_column(proposal: Proposal, table: TableProposal, column: str, key: str) -> Choice | None:
    """One canonical column's selectbox (and its email box or fixed value); the user's choice."""
    match = table.matches[column]
    fixed = mapping.can_be_fixed(table.table, column)
    options = [NOT_IN_FILE, *([SAME_EVERY_ROW] if fixed else []), *proposal.sample.names]
    picked = st.selectbox(
        _("{column} · needed", column=match.label) if match.required else match.label,
        options,
        index=options.index(match.source) if match.source else 0,
        format_func=lambda name: _option_text(proposal, name),
        key=f"{key}-{table.table}-{column}",
    )
    if picked == NOT_IN_FILE:
        if match.required:
            st.caption(
                ":material/error: "
                + (
                    _("Needed: pick the column that holds it, or “the same for every row”.")
                    if fixed
                    else _("Needed: pick the column that holds it.")
                )
            )
        return None
    if picked == SAME_EVERY_ROW:
        value = st.text_input(
            _("Value for every row"), key=f"{key}-{table.table}-{column}-value", placeholder=_("e.g. meta")
        )
        return Choice(value=value)
    if picked == match.source:
        icon, words = _CERTAINTY[match.certainty]
        st.caption(f"{icon} " + _(words, reasons="; ".join(match.reasons)))
    else:
        st.caption(":material/person: " + _("Your choice."))
    col = TABLES[table.table].column(column)
    if mapping.translatable(col):
        return Choice(source=picked, words=_translate_words(proposal, col, picked, f"{key}-{table.table}-{column}"))
    email = False
    if col.kind == "person":
        stats = proposal.sample.stats[picked]
        are_emails = stats.share(stats.emails) >= 0.5
        email = st.checkbox(
            _("These are email addresses: keep only an anonymous code"),
            value=are_emails,
            disabled=are_emails,
            key=f"{key}-{table.table}-{column}-email-{picked}",
            help=_("Legame never stores email addresses; the same address always gives the same code."),
        )
    return Choice(source=picked, email=email)


def _translate_words(proposal: Proposal, col: Column, source: str, key: str) -> tuple[tuple[str, object], ...]:
    """A selectbox per word of the file's column that Legame does not read by itself; each word's meaning."""
    guesses = mapping.propose_words(proposal.sample.stats[source], col)
    known = mapping.readable_words(col)
    unknown = [w for w in guesses if w.strip().lower() not in known]
    if not unknown:
        return ()
    options = [*dict.fromkeys(known.values()), mapping.NO_WORD]
    shown = {True: _("Yes"), False: _("No")} if col.kind == "boolean" else {}

    def text(option: object) -> str:
        if option == mapping.NO_WORD:
            return _("— none of these: reject the row —")
        return shown.get(option, str(option))

    meanings_shown = ", ".join(text(c) for c in dict.fromkeys(known.values()))
    st.caption(_("What the file's words mean ({meanings}):", meanings=meanings_shown))
    meanings = []
    for i, word in enumerate(unknown):
        meaning = st.selectbox(
            _("“{word}” means", word=word),
            options,
            index=options.index(guesses[word]),
            format_func=text,
            key=f"{key}-word-{i}",
        )
        meanings.append((word, meaning))
    return tuple(meanings)


def _choose_columns(proposal: Proposal, table: TableProposal, key: str) -> dict[str, Choice]:
    choices: dict[str, Choice] = {}
    columns = list(table.matches)
    for start in range(0, len(columns), 2):
        # One row of widgets per pair of columns, so the rows line up whatever each one shows.
        for cell, column in zip(st.columns(2, gap="medium"), columns[start : start + 2], strict=False):
            with cell:
                choice = _choose_column(proposal, table, column, key)
            if choice is not None:
                choices[column] = choice
    return choices


def _preview(
    con: duckdb.DuckDBPyConnection, config: Config, file_name: str, data: bytes, spec: dict
) -> LoadReport | None:
    try:
        report = uploads.preview(con, config, file_name, data, profile=vendor_profile("your_matching", spec))
    except LegameError as exc:
        session.show_error(exc)
        return None
    reports.load_report(report)
    return report


def _default_label(file_name: str) -> str:
    words = Path(file_name).stem.replace("_", " ").replace("-", " ").split()
    return " ".join(words).capitalize() or _("My export")


def screen(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    file_name: str,
    data: bytes,
    error: UnrecognisedExport,
    key: str,
) -> str | None:
    """The mapping screen for one unrecognised file; once saved and loaded, what was done, in words.

    `key` is unique per dropped file: every widget key starts with it.
    """
    st.markdown(_("**{file}**: Legame does not know this kind of file yet.", file=session.plain(file_name)))
    st.caption(str(error))
    try:
        proposal = _proposal(file_name, data, key)
    except LegameError as exc:
        session.show_error(exc)
        return None
    st.info(
        _(
            "Tell Legame once what this file holds. It has made a first guess from the column names and "
            "values: check it, correct what is wrong, and save. Files with the same columns are then "
            "recognised by themselves."
        ),
        icon=":material/lightbulb:",
    )
    _step(1, _("What is in this file?"), _("Each kind of data goes into its own place in Legame."))
    table = _choose_table(proposal, key)
    weak = mapping.weak_fit(proposal, table)
    if weak:
        st.warning(weak, icon=":material/help:")
    _step(
        2,
        _("Which column holds what?"),
        _(
            "For each item Legame keeps, the column of your file that holds it. Items marked “needed” must "
            "have one; leave the others as “not in this file” if your file does not have them."
        ),
    )
    choices = _choose_columns(proposal, table, key)

    _step(3, _("Check the result"), _("What Legame would load with this matching. Nothing is loaded yet."))
    blocking = mapping.problems(proposal.sample, table.table, choices)
    label_key = f"{key}-label"
    label = st.session_state.get(label_key, _default_label(file_name))
    spec = mapping.profile_spec(proposal.sample, table.table, choices, label or _("My export"))
    report = None
    if blocking:
        for problem in blocking:
            st.warning(problem, icon=":material/arrow_upward:")
    else:
        report = _preview(con, config, file_name, data, spec)

    _step(
        4,
        _("Save and load"),
        _("Legame remembers this matching under the name you give it (a profile) and loads the file."),
    )
    label = st.text_input(_("Name for this kind of file"), value=_default_label(file_name), key=label_key)
    name = mapping.profile_name(label)
    replace = False
    if name and mapping.saved_profile_path(config, name).exists():
        replace = st.checkbox(_("Replace the profile already saved under this name"), key=f"{key}-replace")
    if spec["detect"]:
        st.caption(
            _(
                "From now on, a file with the columns {columns} is read as “{name}”.",
                columns=", ".join(spec["detect"]),
                name=label.strip(),
            )
        )
    # A weak fit is saved only once the user says the table is right: one click must not file orders as people.
    what = _(mapping.TABLE_LABELS[table.table]).split(":")[0]
    confirmed = not weak or st.checkbox(
        _("Yes, this file lists {what}", what=what[:1].lower() + what[1:]), key=f"{key}-confirm-{table.table}"
    )
    pressed = st.button(
        _("Save as profile and load"),
        type="primary",
        key=f"{key}-save",
        disabled=report is None or not label.strip() or not confirmed,
    )
    if not pressed:
        return None
    spec = mapping.profile_spec(proposal.sample, table.table, choices, label)
    try:
        mapping.save_profile(config, name, spec, overwrite=replace)
        # The Upload page's choice: the first real file removes the demo data unless the user keeps it.
        remove_demo = st.session_state.get("remove_demo", True)
        loaded = uploads.commit(
            con, config, file_name, data, loaded_by="app", profile=vendor_profile(name, spec), remove_demo=remove_demo
        )
    except LegameError as exc:
        session.show_error(exc)
        return None
    return _(
        "Saved as the profile “{name}” and loaded as load #{load_id}: {summary}",
        name=label.strip(),
        load_id=loaded.load_id,
        summary=loaded.summary(),
    )
