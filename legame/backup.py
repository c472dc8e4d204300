"""Rebuild the warehouse from the raw archive, and write a consistent copy of it (backup).

Rebuild replays every upload the loads log names, in its order, from the encrypted archive into
a new file, carries the share links over, and swaps the new file in only when every upload
loaded again; the old file is kept beside it. Backup copies every table through DuckDB's own
COPY FROM DATABASE on the connection given, so the app's connection can do it while it runs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from legame import aggregates, load_log, raw_archive, warehouse
from legame.config import Config
from legame.errors import LegameError, UnreadableDatabase
from legame.fmt import NumberFormat
from legame.i18n import _, ngettext

READABLE_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xlsm"}
# What no upload holds, carried over as it is: share links, their frozen numbers, the admin's chart notes.
KEPT_ON_REBUILD = ("links", "link_snapshots", "annotations")


@dataclass
class Rebuilt:
    """What a rebuild replayed: loads, their rows, and where the previous file went."""

    loads: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    previous: Path | None = None
    listed: load_log.LoadList | None = None  # the archive's list replayed, when the file could not be read

    def lines(self, fmt: NumberFormat | None = None) -> list[str]:
        counts = table_counts(self.rows, fmt)
        return [
            ngettext(
                "rebuilt from {n} archived upload: {counts}",
                "rebuilt from {n} archived uploads: {counts}",
                self.loads,
                counts=counts,
            ),
            _("previous file kept as {path}", path=self.previous),
            *(
                []
                if self.listed is None
                else [
                    _(
                        "the previous file could not be read, so the uploads were replayed from the archive's list "
                        "of loads, written on {written}, after load #{load}: a load after that moment is not in it. "
                        "Its share links and chart notes stay in the previous file.",
                        written=(fmt or NumberFormat.for_locale("en_GB")).datetime(
                            datetime.fromisoformat(self.listed.written_at)
                        ),
                        load=self.listed.last_load_id,
                    )
                ]
            ),
        ]


def table_counts(rows: dict[str, int], fmt: NumberFormat | None = None) -> str:
    """'orders 7.339, people 2.104': the tables that hold rows, with their counts written by `fmt`."""
    fmt = fmt or NumberFormat.for_locale("en_GB")
    return ", ".join(
        _("{table} {count}", table=warehouse.table_word(table), count=fmt.number(count))
        for table, count in rows.items()
        if count
    )


def _open(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    con.execute("set TimeZone = 'UTC'")
    warehouse.limit_memory(con)
    warehouse.migrate(con)
    warehouse.install_relations(con)
    warehouse.install_turns(con)
    aggregates.ensure(con)
    return con


def _suffix(file_name: str) -> str:
    # A workbook's sheet was loaded (and archived) as CSV: "book.xlsx › Orders".
    suffix = Path(file_name).suffix.lower()
    return suffix if suffix in READABLE_SUFFIXES and " › " not in file_name else ".csv"


def rebuild(config: Config) -> Rebuilt:
    """Recreate the warehouse from data/raw/ alone (the app must be stopped: it holds the file)."""
    from legame.ingest import load_file

    path = warehouse.database_path(config)
    listed = None
    try:
        con = warehouse.connect(config)
        try:
            loads = load_log.replays(con)
            kept = {table: con.execute(f"select * from {table}").fetchall() for table in KEPT_ON_REBUILD}  # ours
        finally:
            con.close()
    except (UnreadableDatabase, duckdb.Error):
        # A file this DuckDB cannot open (a newer DuckDB's, or damaged), or damaged where it is read: the
        # archive's own list says what to replay; what no upload holds (share links, notes) is in the old
        # file alone, kept beside the new. (A file another process holds is DatabaseBusy: not replaced.)
        listed = load_log.read(config)
        loads, kept = listed.loads, {}
    missing = [name for name, sha, _, _ in loads if not raw_archive.intact(config, sha)]
    if missing:
        raise LegameError(
            ngettext(
                "The archive cannot rebuild the warehouse: {n} upload has no intact copy ({files}). "
                "Nothing was changed.",
                "The archive cannot rebuild the warehouse: {n} uploads have no intact copy ({files}). "
                "Nothing was changed.",
                len(missing),
                files=", ".join(missing[:5]),
            )
        )
    fresh = path.with_name(path.name + ".rebuilding")
    for leftover in (fresh, _wal(fresh)):
        leftover.unlink(missing_ok=True)
    new = _open(fresh)
    try:
        for file_name, sha, loaded_by, is_demo in loads:
            with raw_archive.restored(config, sha, _suffix(file_name)) as plain:
                load_file(new, config, plain, file_name, loaded_by=loaded_by, is_demo=is_demo, replay=True)
        for table, rows in kept.items():
            if rows:
                marks = ", ".join("?" * len(rows[0]))
                new.executemany(f"insert into {table} values ({marks})", rows)
        rows = warehouse.table_counts(new)
        new.execute("checkpoint")
        load_log.record(new, config)
    except BaseException:
        new.close()
        fresh.unlink(missing_ok=True)
        raise
    new.close()
    previous = _free(path.with_name(path.name + ".before-rebuild"))
    os.replace(path, previous)
    # The old file's write-ahead log goes with it: DuckDB would replay it into the new file at its name.
    if _wal(path).exists():
        os.replace(_wal(path), _wal(previous))
    os.replace(fresh, path)
    return Rebuilt(len(loads), rows, previous, listed=listed)


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _free(path: Path) -> Path:
    """`path`, or when an earlier rebuild kept a file there, the same name with the time: no kept file is lost."""
    if not path.exists():
        return path
    return path.with_name(f"{path.name}-{datetime.now(UTC):%Y%m%dT%H%M%S%f}")


def backup(con: duckdb.DuckDBPyConnection, out: Path) -> dict[str, int]:
    """Copy every table of `con`'s database into a new DuckDB file `out`, consistently; returns row counts.

    Works on the app's own connection while it serves (one statement, one snapshot).
    """
    out = Path(out).resolve()
    if out.exists():
        raise LegameError(_("{path} already exists: pick a new file name for the backup.", path=out))
    out.parent.mkdir(parents=True, exist_ok=True)
    source = con.execute("select current_database()").fetchone()[0]
    # The path as a quoted literal: DuckDB 1.5 (pinned for the DuckLake wheels) binds no parameter in ATTACH.
    con.execute(f"attach {warehouse.literal(str(out))} as legame_backup")
    try:
        con.execute(f'copy from database "{source}" to legame_backup')
        con.execute("checkpoint legame_backup")
    finally:
        con.execute("detach legame_backup")
    with duckdb.connect(str(out), read_only=True) as copy:
        return warehouse.table_counts(copy)
