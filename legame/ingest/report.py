"""The load report: what a file held, what loading it did, and every assumption, in a marketer's words."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from legame.config import Config
from legame.demo_data import DemoRemoval
from legame.ingest import currency as money
from legame.ingest.profiles import Profile
from legame.ingest.sniff import EAST_ASIAN, unique_names


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

    def summary(self) -> str:
        verb = "loaded" if self.committed else "to load"
        return (
            f"{self.file_name} → {self.table} ({self.profile_label}): {self.rows_read} rows read, "
            f"{self.inserted} new, {self.replaced} replaced, {self.unchanged} unchanged ({verb}), "
            f"{self.rejected} rejected"
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
            ignored.append(f"(no name, column {i + 1})")
        else:
            ignored.append(f"{written} (column {i + 1})" if repeats else written)
    return ignored


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
            name = header[places[0] - 1]
            others = ", ".join(str(p) for p in places[1:])
            where = ", ".join(str(p) for p in places[:-1]) + f" and {places[-1]}"
            notes.append(
                f"The file has {len(places)} columns named {name!r} (columns {where}): "
                f"column {places[0]} was read and column{'s' if len(places) > 2 else ''} {others} ignored. "
                "If the other holds the right values, rename or remove the first and load the file again."
            )
    return notes


def encoding_note(encoding: str) -> str | None:
    """The report's word on an encoding read from the file's bytes rather than declared by them."""
    if encoding not in EAST_ASIAN:
        return None
    return (
        f"The file is not in UTF-8: its bytes are {EAST_ASIAN[encoding]} text ({encoding}) and were read as such. "
        "If names look wrong, export the file again as UTF-8."
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
        return f"Amounts are in {currency}, as the {profile.currency_column} column says; rows in another are rejected."
    if any(money.named_in_header(s) for s in sources):
        return f"Amounts are in {currency}, as the column name {sources[0]!r} says."
    return (
        f"The file does not say which currency its amounts are in: they are taken to be in {currency}, "
        "Legame's currency (config.yaml). Amounts marked with another currency are rejected."
    )


def skipped_notes(profile: Profile, skipped: dict[str, int], skip: int, totals: list[tuple[int, str]]) -> list[str]:
    """What the report says of rows that were not data, none of them rejected (`totals`: line and first cell)."""
    notes = []
    if n := skipped.get("below_header"):
        first = skip + 2
        rows = (
            f"The row below the header (line {first}) holds"
            if n == 1
            else (f"The {n} rows below the header (lines {first}–{first + n - 1}) hold")
        )
        notes.append(f"{rows} the export's question texts or ids, not data: skipped.")
    if n := skipped.get("empty"):
        notes.append(f"{n} empty row{'s' if n > 1 else ''} skipped.")
    if n := skipped.get("continued"):
        rows = "1 row has" if n == 1 else f"{n} rows have"
        notes.append(
            f"{rows} no {profile.continuation_if_empty} and continue{'s' if n == 1 else ''} the row above "
            "(e.g. an order's further line items): skipped, not rejected."
        )
    if (n := skipped.get("only_if")) and profile.only_if:
        column, values = profile.only_if
        why = f" ({profile.only_if_why})" if profile.only_if_why else ""
        rows = "1 row" if n == 1 else f"{n} rows"
        condition = "is empty" if not values else f"is not {' or '.join(v or 'empty' for v in values)}"
        notes.append(f"{rows} whose {column} {condition} {'was' if n == 1 else 'were'} skipped, not rejected{why}.")
    if n := skipped.get("total"):
        where = ", ".join(f"line {line} ({text!r})" for line, text in totals[:3])
        notes.append(f"{n} total row{'s' if n > 1 else ''} skipped, not loaded as data: {where}.")
    return notes
