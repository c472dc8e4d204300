"""The load report: what a file held, what loading it did, and every assumption, in a marketer's words."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from legame import i18n
from legame.config import Config
from legame.demo_data import DemoRemoval
from legame.fmt import NumberFormat
from legame.i18n import _, ngettext, pgettext
from legame.ingest import currency as money
from legame.ingest.normalise import TOTAL_ROW
from legame.ingest.profiles import Profile
from legame.ingest.sniff import DETECTED, unique_names
from legame.warehouse import table_word


@dataclass
class LoadReport:
    """What a file held and what loading it did (or would do, for a preview)."""

    file_name: str
    sha256: str
    profile: str
    profile_label: str
    table: str
    reason: str
    encoding: str
    delimiter: str
    rows_read: int
    inserted: int
    replaced: int
    unchanged: int
    rejected: int
    duplicates_in_file: int
    min_date: date | None
    max_date: date | None
    ignored_columns: list[str]
    rejects: list[dict[str, object]]
    preview_columns: list[str]
    preview_rows: list[tuple]
    previously_loaded: str | None = None
    load_id: int | None = None
    notes: list[str] = field(default_factory=list)
    lines_before_header: int = 0
    demo_removed: DemoRemoval | None = None  # the demo data this load removed first (pipeline.load_file)

    @property
    def rows_to_load(self) -> int:
        return self.inserted + self.replaced

    @property
    def committed(self) -> bool:
        return self.load_id is not None

    def summary(self, fmt: NumberFormat | None = None) -> str:
        """One line on the load: '{file} → ordini (Shopify): 20.853 righe lette, …' in the reader's language."""
        fmt = fmt or NumberFormat(i18n.DEFAULT_LOCALE[i18n.current()])
        values = {
            "file_name": self.file_name,
            "table": table_word(self.table),
            "profile": self.profile_label,
            "count": fmt.number(self.rows_read),
            "inserted": fmt.number(self.inserted),
            "replaced": fmt.number(self.replaced),
            "unchanged": fmt.number(self.unchanged),
            "rejected": fmt.number(self.rejected),
        }
        if self.committed:
            return ngettext(
                "{file_name} → {table} ({profile}): {count} row read, {inserted} new, {replaced} replaced, "
                "{unchanged} unchanged (loaded), {rejected} rejected",
                "{file_name} → {table} ({profile}): {count} rows read, {inserted} new, {replaced} replaced, "
                "{unchanged} unchanged (loaded), {rejected} rejected",
                self.rows_read,
                **values,
            )
        return ngettext(
            "{file_name} → {table} ({profile}): {count} row read, {inserted} new, {replaced} replaced, "
            "{unchanged} unchanged (to load), {rejected} rejected",
            "{file_name} → {table} ({profile}): {count} rows read, {inserted} new, {replaced} replaced, "
            "{unchanged} unchanged (to load), {rejected} rejected",
            self.rows_read,
            **values,
        )


def ignored_columns(header: tuple[str, ...], profile: Profile) -> list[str]:
    """The file's columns the profile does not read, as the header writes them (a second Cost is "Cost (2nd)")."""
    used = {s.lower() for s in profile.source_columns}
    ignored = []
    for i, (written, name) in enumerate(zip(header, unique_names(header), strict=True)):
        if name.lower() in used:
            continue
        repeats = [h.lower() for h in header[:i]].count(written.lower())
        if not written:
            ignored.append(_("(no name, column {number})", number=i + 1))
        else:
            ignored.append(_("{name} (column {number})", name=written, number=i + 1) if repeats else written)
    return ignored


def _and(items: list[str]) -> str:
    """'1, 2 and 3' ('1, 2 e 3')."""
    if len(items) == 1:
        return items[0]
    return _("{items} and {last}", items=", ".join(items[:-1]), last=items[-1])


def repeated_column_notes(header: tuple[str, ...], profile: Profile) -> list[str]:
    """A note for each column the profile reads that the header names more than once: which one was read."""
    used = {s.lower() for s in profile.source_columns}
    positions: dict[str, list[int]] = {}
    for i, written in enumerate(header):
        if written and written.lower() in used:
            positions.setdefault(written.lower(), []).append(i + 1)
    notes = []
    for places in positions.values():
        if len(places) > 1:
            others = [str(p) for p in places[1:]]
            notes.append(
                ngettext(
                    "The file has {count} columns named {name} (columns {where}): column {first} was read and "
                    "column {others} ignored. If the other holds the right values, rename or remove the first and "
                    "load the file again.",
                    "The file has {count} columns named {name} (columns {where}): column {first} was read and "
                    "columns {others} ignored. If another holds the right values, rename or remove the first and "
                    "load the file again.",
                    len(others),
                    count=len(places),
                    name=repr(header[places[0] - 1]),
                    where=_and([str(p) for p in places]),
                    first=places[0],
                    others=", ".join(others),
                )
            )
    return notes


def repeated_key_note(profile: Profile, count: int, fmt: NumberFormat) -> str:
    """What became of a file's `count` rows that repeat an earlier row's key (Table.merge, Profile.add_repeats)."""
    n = fmt.number(count)
    if profile.table.merge == "combine":
        return ngettext(
            "1 row repeats a key seen earlier in the file; it is combined with it "
            "(a later value wins, a blank keeps the earlier one).",
            "{count} rows repeat a key seen earlier in the file; they are combined with it "
            "(a later value wins, a blank keeps the earlier one).",
            count,
            count=n,
        )
    if profile.add_repeats:
        return ngettext(
            "1 row has the same day and campaign as an earlier row of the file: the export breaks campaigns "
            "down (by ad set or ad group, ad, age or placement), so the two are added up.",
            "{count} rows have the same day and campaign as an earlier row of the file: the export breaks "
            "campaigns down (by ad set or ad group, ad, age or placement), so they are added up.",
            count,
            count=n,
        )
    return ngettext(
        "1 row repeats a key seen earlier in the file; the last one counts.",
        "{count} rows repeat a key seen earlier in the file; the last one counts.",
        count,
        count=n,
    )


def encoding_note(encoding: str) -> str | None:
    """The report's word on an encoding read from the file's bytes rather than declared by them."""
    if encoding not in DETECTED:
        return None
    return _(
        "The file is not in UTF-8: its bytes are {script} text ({encoding}) and were read as such. "
        "If names look wrong, export the file again as UTF-8.",
        script=_(DETECTED[encoding]),
        encoding=encoding,
    )


def currency_note(profile: Profile, config: Config) -> str | None:
    """The load report's statement of which currency the amounts were taken to be in."""
    sources = [
        cmap.source for c in profile.table.columns if c.money and (cmap := profile.columns.get(c.name)) and cmap.source
    ]
    if not sources:
        return None
    currency = config.currency
    if profile.currency_column:
        return _(
            "Amounts are in {currency}, as the {column} column says; rows in another are rejected.",
            currency=currency,
            column=profile.currency_column,
        )
    if any(money.named_in_header(s) for s in sources):
        return _(
            "Amounts are in {currency}, as the column name {column} says.", currency=currency, column=repr(sources[0])
        )
    return _(
        "The file does not say which currency its amounts are in: they are taken to be in {currency}, "
        "Legame's currency (config.yaml). Amounts marked with another currency are rejected.",
        currency=currency,
    )


def skipped_notes(
    profile: Profile, skipped: dict[str, int], skip: int, totals: list[tuple[int, str]], fmt: NumberFormat
) -> list[str]:
    """What the report says of rows that were not data, none of them rejected (`totals`: line and first cell)."""
    notes = []
    if n := skipped.get("below_header"):
        first = skip + 2
        notes.append(
            ngettext(
                "The row below the header (line {first}) holds the export's question texts or ids, not data: skipped.",
                "The {count} rows below the header (lines {first}–{last}) hold the export's question texts or ids, "
                "not data: skipped.",
                n,
                count=fmt.number(n),
                first=first,
                last=first + n - 1,
            )
        )
    if n := skipped.get("empty"):
        notes.append(ngettext("{count} empty row skipped.", "{count} empty rows skipped.", n, count=fmt.number(n)))
    if n := skipped.get("continued"):
        notes.append(
            ngettext(
                "1 row has no {column} and continues the row above (e.g. an order's further line items): "
                "skipped, not rejected.",
                "{count} rows have no {column} and continue the row above (e.g. an order's further line items): "
                "skipped, not rejected.",
                n,
                count=fmt.number(n),
                column=profile.continuation_if_empty,
            )
        )
    if (n := skipped.get("only_if")) and profile.only_if:
        column, values = profile.only_if
        why = f" ({_(profile.only_if_why)})" if profile.only_if_why else ""
        if not values:
            note = ngettext(
                "1 row whose {column} is empty was skipped, not rejected{why}.",
                "{count} rows whose {column} is empty were skipped, not rejected{why}.",
                n,
                count=fmt.number(n),
                column=column,
                why=why,
            )
        else:
            words = [v or pgettext("value", "empty") for v in values]
            either = words[0]
            for word in words[1:]:
                either = _("{first} or {second}", first=either, second=word)
            note = ngettext(
                "1 row whose {column} is not {values} was skipped, not rejected{why}.",
                "{count} rows whose {column} is not {values} were skipped, not rejected{why}.",
                n,
                count=fmt.number(n),
                column=column,
                values=either,
                why=why,
            )
        notes.append(note)
    if n := skipped.get("total"):
        # `text` is the row's first cell: named only when it is the total's label, not a moved column's value.
        where = ", ".join(
            _("line {line} ({text})", line=line, text=repr(text))
            if text and re.match(TOTAL_ROW, text, re.IGNORECASE)
            else _("line {line}", line=line)
            for line, text in totals[:3]
        )
        notes.append(
            ngettext(
                "{count} total row skipped, not loaded as data: {where}.",
                "{count} total rows skipped, not loaded as data: {where}.",
                n,
                count=fmt.number(n),
                where=where,
            )
        )
    return notes
