"""The archive's own list of the uploads to replay, so a warehouse that cannot be opened can still be rebuilt.

`rebuild` replays the uploads the warehouse's `loads` names, in order (queries/replay_loads.sql). A file
that cannot be opened at all (written by a newer DuckDB, or damaged) cannot say which archived copies were
loaded, in which order, by whom: copies of removed demo data and of files loaded twice sit in the archive
too. So after every commit that changes `loads` (a load, a demo removal, a rebuild) the same list is
written beside the archived copies, encrypted with a key derived from the server secret like them (it
names the uploaders), through a temporary name renamed into place: it is either the old list or the new.

The list is written after the commit, under a lock, from what the warehouse holds then: two servers of a
team writing at once each write every load committed before their own read. It says which warehouse it
is of (when that was created) and the latest load it knows: a crash between a commit and the write leaves
it behind, and the next read-write connection writes it again (`current`); a rebuild from it says up to
which load and moment it goes. A list of another warehouse (a file moved aside, a new one started in its
place on the same archive) is kept as loads.<created>.log rather than written over.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import re
from pathlib import Path
from typing import NamedTuple

import duckdb
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from legame import queries, raw_archive
from legame.config import Config
from legame.errors import LegameError
from legame.i18n import _

NAME = "loads.log"
_VERSION = b"legame load log v1"
_NONCE = 12
_log = logging.getLogger(__name__)


class Replay(NamedTuple):
    """One upload to load again, as `loads` logged it."""

    file_name: str
    sha256: str
    loaded_by: str
    is_demo: bool


class LoadList(NamedTuple):
    """The archive's list: the uploads in load order, and what it was written from."""

    warehouse: str  # when the warehouse was created (queries/load_log_head.sql)
    last_load_id: int  # the latest load it knows of
    written_at: str  # UTC, ISO 8601
    loads: list[Replay]


def path(config: Config) -> Path:
    return raw_archive.folder(config) / NAME


def _key(config: Config) -> bytes:
    return raw_archive.derive_key(config, _VERSION)


def replays(con: duckdb.DuckDBPyConnection) -> list[Replay]:
    """The uploads the warehouse holds, in load order (queries/replay_loads.sql)."""
    return [Replay(**row) for row in queries.run(con, "replay_loads")]


def _head(con: duckdb.DuckDBPyConnection) -> tuple[str, int]:
    row = queries.run(con, "load_log_head")[0]
    return row["warehouse"] or "", row["last_load_id"]


def record(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    """Write the list of the warehouse's uploads beside the archive; call it after the commit.

    The commit stands whatever happens here: a failure is logged, and the next commit or read-write
    connection writes the list again.
    """
    try:
        _write(con, config)
    except (OSError, duckdb.Error) as exc:
        _log.warning("the archive's list of loads was not written (%s); the next load writes it", exc)


def current(con: duckdb.DuckDBPyConnection, config: Config) -> bool:
    """Whether the archive's list is this warehouse's and knows its latest load (a warehouse with no load needs
    none: a new one writes nothing until its first load)."""
    found, head = _read(path(config), config), _head(con)
    return head[1] == 0 if found is None else (found.warehouse, found.last_load_id) == head


def _write(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    final = path(config)
    final.parent.mkdir(parents=True, exist_ok=True)
    # The archive's folder itself is the lock (no lock file left behind): released when it is closed.
    lock = os.open(final.parent, os.O_RDONLY)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        warehouse, last = _head(con)
        listed = LoadList(warehouse, last, dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), replays(con))
        before = _read(final, config)
        if before is not None and before.warehouse != warehouse and before.loads:
            # Another warehouse's list (its file moved aside, this one new in its place): kept, not written over.
            os.replace(final, final.with_name(f"loads.{re.sub(r'[^0-9A-Za-z.]', '', before.warehouse)}.log"))
        plain = json.dumps(listed._replace(loads=[r._asdict() for r in listed.loads])._asdict()).encode()
        nonce = os.urandom(_NONCE)
        raw_archive.write_atomically(final, nonce + AESGCM(_key(config)).encrypt(nonce, plain, _VERSION))
    finally:
        os.close(lock)


def _read(where: Path, config: Config) -> LoadList | None:
    """The list at `where`, or None when there is none or it does not decrypt."""
    try:
        return _decrypt(where, config)
    except (FileNotFoundError, LegameError):
        return None


def _decrypt(where: Path, config: Config) -> LoadList:
    sealed = where.read_bytes()
    try:
        plain = AESGCM(_key(config)).decrypt(sealed[:_NONCE], sealed[_NONCE:], _VERSION)
    except (InvalidTag, ValueError):
        raise LegameError(
            _(
                "The archive's list of loads ({path}) does not decrypt with this server's secret, or is damaged. "
                "Nothing was changed.",
                path=where,
            )
        ) from None
    found = json.loads(plain)
    return LoadList(**{**found, "loads": [Replay(**row) for row in found["loads"]]})


def read(config: Config) -> LoadList:
    """The archive's list; a clear error when there is none, or it does not decrypt."""
    where = path(config)
    try:
        return _decrypt(where, config)
    except FileNotFoundError:
        raise LegameError(
            _(
                "The archive has no list of loads ({path}): it was written by a Legame that kept none, so the "
                "order of the archived uploads is unknown. Nothing was changed.",
                path=where,
            )
        ) from None
