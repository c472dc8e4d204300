"""The raw archive (data/raw/): every accepted upload's bytes by content hash, so the warehouse can be rebuilt.

A copy is written under a temporary name, checked against the upload's hash and only then renamed
into place, so a copy cut short (a kill, a full disk) never takes the real name; a copy found with
the wrong hash is written again.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from legame.config import Config
from legame.errors import FatalFileError

CHUNK = 1 << 20


def folder(config: Config) -> Path:
    return config.path("warehouse", "raw_dir")


def target(config: Config, sha: str, file_name: str) -> Path:
    return folder(config) / f"{sha}{Path(file_name).suffix.lower()}"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def is_intact(path: Path, sha: str) -> bool:
    """True when the archived copy exists and holds exactly the bytes hashed as `sha`."""
    return path.is_file() and file_sha256(path) == sha


def intact(config: Config, sha: str, file_name: str) -> bool:
    """True when the upload hashed as `sha` has an intact copy in the archive."""
    return is_intact(target(config, sha, file_name), sha)


def store(path: Path, sha: str, file_name: str, config: Config) -> Path:
    """Archive the upload at `path` (hashed as `sha`): keep an intact copy, write a missing or damaged one."""
    raw_dir = folder(config)
    raw_dir.mkdir(parents=True, exist_ok=True)
    final = target(config, sha, file_name)
    if is_intact(final, sha):
        return final
    temporary = raw_dir / f".{final.name}.{os.getpid()}.partial"
    try:
        with open(path, "rb") as source, open(temporary, "wb") as copy:
            while block := source.read(CHUNK):
                copy.write(block)
            copy.flush()
            os.fsync(copy.fileno())
        if not is_intact(temporary, sha):
            raise FatalFileError(f"{file_name}: the file changed while it was being archived; upload it again.")
        os.replace(temporary, final)
        _sync_folder(raw_dir)
    finally:
        temporary.unlink(missing_ok=True)
    return final


def _sync_folder(path: Path) -> None:
    # The rename itself is durable only once the folder's entry is on disk.
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
