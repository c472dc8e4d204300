"""Dated marks on the trend charts: the admin's notes (a campaign launch, a price change) and the
community events found in the data (days with event acts).

Notes live in the `annotations` table with their author and when they were written; only the
admin adds or deletes them (a viewer's read-only cursor refuses both). Events are read from the
interactions, never stored. The charts (legame/charts.py) and the board pack draw both.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime

import duckdb

from legame import queries, warehouse
from legame.errors import LegameError
from legame.i18n import _

NOTE_MAX_CHARS = 140
AUTHOR_MAX_CHARS = 60
NOTE, EVENT = "note", "event"
EVENT_TABLES = ("interactions",)  # what the community events are read from (queries/community_events.sql)


@dataclass(frozen=True)
class Mark:
    """One dated mark on a trend chart: an admin's note, or a day of community events."""

    kind: str  # NOTE or EVENT
    day: date
    text: str = ""  # the note (empty for an event)
    author: str = ""
    id: str = ""  # a note's id, for deleting it
    people: int = 0  # people who took part in the day's events
    created_at: datetime | None = None


def add(con: duckdb.DuckDBPyConnection, day: date, note: str, author: str, now: datetime | None = None) -> Mark:
    """Store a note for `day`; LegameError when it is empty or too long."""
    note, author = " ".join(note.split()), " ".join(author.split())
    if not note:
        raise LegameError(_("Write the note first (for example “Autumn campaign starts”)."))
    if len(note) > NOTE_MAX_CHARS:
        raise LegameError(_("Keep the note under {n} characters: it is read on a chart.", n=NOTE_MAX_CHARS))
    if not author:
        raise LegameError(_("Say who writes the note, so readers know whom to ask."))
    if len(author) > AUTHOR_MAX_CHARS:
        raise LegameError(_("Keep the name under {n} characters.", n=AUTHOR_MAX_CHARS))
    mark = Mark(
        NOTE,
        day,
        note,
        author,
        id=secrets.token_hex(6),
        created_at=now or datetime.now(UTC).replace(tzinfo=None, microsecond=0),
    )
    queries.run(
        con,
        "annotations_insert",
        annotation_id=mark.id,
        day=day,
        note=note,
        author=author,
        created_at=mark.created_at,
    )
    return mark


def delete(con: duckdb.DuckDBPyConnection, annotation_id: str) -> None:
    """Remove a note; LegameError when there is none with that id (already deleted)."""
    if not queries.run(con, "annotations_delete", annotation_id=annotation_id):
        raise LegameError(_("That note is no longer there: someone deleted it already."))


def notes(con: duckdb.DuckDBPyConnection, start: date, end: date) -> list[Mark]:
    """The admin's notes dated from `start` to `end`, oldest first."""
    return [
        Mark(NOTE, row["day"], row["note"], row["author"], id=row["annotation_id"], created_at=row["created_at"])
        for row in queries.run(con, "annotations_list", start=start, end=end)
    ]


def events(con: duckdb.DuckDBPyConnection, start: date, end: date) -> list[Mark]:
    """The days from `start` to `end` with community events in the data, and how many people took part."""
    return [m for m in _every_event_day(con) if start <= m.day <= end]


# Every event day of a warehouse file, per version of EVENT_TABLES: one scan of the interactions per upload of
# them, not one per period (a board for a new period would otherwise rescan millions of acts) nor per upload of
# another table.
_EVENT_DAYS: dict[tuple[str, int], tuple[Mark, ...]] = {}
_EVENT_DAYS_LOCK = threading.Lock()


def _every_event_day(con: duckdb.DuckDBPyConnection) -> tuple[Mark, ...]:
    path = con.execute("select path from duckdb_databases() where database_name = current_database()").fetchall()[0][0]
    key = (path, warehouse.tables_version(con, EVENT_TABLES))
    with _EVENT_DAYS_LOCK:
        found = _EVENT_DAYS.get(key) if path else None
    if found is None:
        rows = queries.run(con, "community_events", start=date.min, end=date.max)
        found = tuple(Mark(EVENT, row["day"], people=row["people"]) for row in rows)
    if path:
        with _EVENT_DAYS_LOCK:
            if len(_EVENT_DAYS) > 16:
                _EVENT_DAYS.clear()
            _EVENT_DAYS[key] = found
    return found


def marks(con: duckdb.DuckDBPyConnection, start: date, end: date) -> list[Mark]:
    """Everything a trend chart from `start` to `end` marks: events, then notes."""
    return [*events(con, start, end), *notes(con, start, end)]


def version(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """Changes whenever a note is added or deleted: the caches of annotated charts are keyed on it."""
    return warehouse.versions(con).notes
