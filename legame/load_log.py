"""The archive's own list of the uploads to replay, so a warehouse that cannot be opened can still be rebuilt.

`rebuild` replays the uploads the warehouse's `loads` names, in order (queries/replay_loads.sql). A file
that cannot be opened at all (written by a newer DuckDB, or damaged) cannot say which archived copies were
loaded, in which order, by whom: copies of removed demo data and of files loaded twice sit in the archive
too. So after every commit that changes `loads` (a load, a demo removal, a rebuild) the same list is
written beside the archived copies, encrypted with a key derived from the server secret like them (it
names the uploaders), through a temporary name renamed into place: it is either the old list or the new.

The list is written after the commit, under a lock, from what the warehouse holds then: two servers of a
team writing at once each write every load committed before their own read. A crash between a commit and
the write leaves the list one load behind; the next write brings it up to date.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
from pathlib import Path
from typing import NamedTuple

import duckdb
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

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


def path(config: Config) -> Path:
    return raw_archive.folder(config) / NAME


def _key(config: Config) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_VERSION).derive(config.secret.encode())


def replays(con: duckdb.DuckDBPyConnection) -> list[Replay]:
    """The uploads the warehouse holds, in load order (queries/replay_loads.sql)."""
    return [Replay(**row) for row in queries.run(con, "replay_loads")]


def record(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    """Write the list of the warehouse's uploads beside the archive; call it after the commit.

    The commit stands whatever happens here: a failure is logged, and the next commit writes the list again.
    """
    try:
        _write(con, config)
    except (OSError, duckdb.Error) as exc:
        _log.warning("the archive's list of loads was not written (%s); the next load writes it", exc)


def _write(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    final = path(config)
    final.parent.mkdir(parents=True, exist_ok=True)
    # The archive's folder itself is the lock (no lock file left behind): released when it is closed.
    lock = os.open(final.parent, os.O_RDONLY)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        plain = json.dumps([row._asdict() for row in replays(con)]).encode()
        nonce = os.urandom(_NONCE)
        sealed = nonce + AESGCM(_key(config)).encrypt(nonce, plain, _VERSION)
        temporary = final.with_name(f".{NAME}.{os.getpid()}.{threading.get_ident()}.partial")
        try:
            with open(temporary, "wb") as out:
                out.write(sealed)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, final)
            raw_archive.sync_folder(final.parent)
        finally:
            temporary.unlink(missing_ok=True)
    finally:
        os.close(lock)


def read(config: Config) -> list[Replay]:
    """The uploads the list names, in load order; a clear error when there is no readable list."""
    where = path(config)
    try:
        sealed = where.read_bytes()
    except FileNotFoundError:
        raise LegameError(
            _(
                "The archive has no list of loads ({path}): it was written by a Legame that kept none, so the "
                "order of the archived uploads is unknown. Nothing was changed.",
                path=where,
            )
        ) from None
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
    return [Replay(**row) for row in json.loads(plain)]
