"""Uploads from the app: bytes in memory go through the same pipeline as files on disk.

An upload removes the built-in demo data in its own transaction unless told to keep it
(`remove_demo=False`): the Upload page warns first and lets the user keep it mixed.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import Any

import duckdb

from legame import queries
from legame.config import Config
from legame.ingest import excel
from legame.ingest.exports import ExportLoad, load_export
from legame.ingest.pipeline import load_file
from legame.ingest.profiles import Profile
from legame.ingest.report import LoadReport

SUFFIXES = (".csv", ".tsv", ".txt", *excel.SUFFIXES)


def suffix(name: str) -> str:
    """The file's kind from its name; a workbook's sheet ("book.xlsx › Orders") is CSV text."""
    ending = Path(name).suffix.lower()
    return ending if ending in SUFFIXES else ".csv"


def is_workbook(name: str, data: bytes) -> bool:
    """Whether an upload is an Excel workbook, by its content as the pipeline tells it (a `.csv` name may hide one)."""
    with tempfile.TemporaryDirectory(prefix="legame-upload-") as folder:
        path = Path(folder) / f"upload{suffix(name)}"
        path.write_bytes(data)
        return excel.is_workbook(path)


def sheet_of(name: str, data: bytes, sheet: str) -> bytes:
    """The CSV of one sheet of an uploaded workbook."""
    with tempfile.TemporaryDirectory(prefix="legame-upload-") as folder:
        path = Path(folder) / f"upload{suffix(name)}"
        path.write_bytes(data)
        return excel.sheet_csv(path, name, sheet)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _with_temp_file(
    con: duckdb.DuckDBPyConnection, config: Config, name: str, data: bytes, load: Any = load_file, **options: Any
) -> Any:
    # DuckDB's reader needs a path; the suffix is kept for the raw archive.
    with tempfile.TemporaryDirectory(prefix="legame-upload-") as folder:
        path = Path(folder) / f"upload{suffix(name)}"
        path.write_bytes(data)
        return load(con, config, path, name, **options)


def preview_export(
    con: duckdb.DuckDBPyConnection, config: Config, name: str, data: bytes, remove_demo: bool = True
) -> ExportLoad:
    """What loading a dropped file would do, a report per sheet for a workbook; nothing changes."""
    return _with_temp_file(con, config, name, data, load=load_export, commit=False, remove_demo=remove_demo)


def commit_export(
    con: duckdb.DuckDBPyConnection, config: Config, name: str, data: bytes, loaded_by: str, remove_demo: bool = True
) -> ExportLoad:
    return _with_temp_file(con, config, name, data, load=load_export, loaded_by=loaded_by, remove_demo=remove_demo)


def preview(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    name: str,
    data: bytes,
    profile: Profile | None = None,
    remove_demo: bool = True,
) -> LoadReport:
    """What loading would do (with `profile`, or the one recognised); the database is left as it was."""
    return _with_temp_file(con, config, name, data, commit=False, profile=profile, remove_demo=remove_demo)


def commit(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    name: str,
    data: bytes,
    loaded_by: str,
    profile: Profile | None = None,
    remove_demo: bool = True,
) -> LoadReport:
    return _with_temp_file(con, config, name, data, loaded_by=loaded_by, profile=profile, remove_demo=remove_demo)


def history(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every load, newest first, as the upload page lists them."""
    return queries.run(con, "loads")
