"""How big an upload may be (config.yaml `limits`): size, rows and columns, each refused with the fix.

The workbook limits (expanded size, cells) live beside these in the same block (legame/ingest/excel.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from legame.config import Config
from legame.errors import FatalFileError
from legame.fmt import NumberFormat
from legame.i18n import _


@dataclass(frozen=True)
class UploadLimits:
    """The largest file, row count and column count one upload may have."""

    upload_mb: float = 500
    rows: int = 20_000_000
    columns: int = 500

    @classmethod
    def from_config(cls, config: Config) -> UploadLimits:
        limits = config.get("limits", default=None) or {}
        return cls(
            upload_mb=float(limits.get("upload_mb", cls.upload_mb)),
            rows=int(limits.get("rows", cls.rows)),
            columns=int(limits.get("columns", cls.columns)),
        )

    def check_file(self, path: Path, file_name: str, columns: int, fmt: NumberFormat) -> None:
        """Before reading: the file's size and its header's column count."""
        size = Path(path).stat().st_size
        if size > self.upload_mb * 1_000_000:
            most = self.upload_mb
            raise FatalFileError(
                _(
                    "{file_name} is {size}; Legame loads files of at most {most} MB "
                    "(limits.upload_mb in config.yaml). Export a shorter date range, or raise the limit.",
                    file_name=file_name,
                    size=_size(size, fmt),
                    most=fmt.number(most, len(f"{most:g}".partition(".")[2])),
                )
            )
        if columns > self.columns:
            raise FatalFileError(
                _(
                    "{file_name} has {columns} columns; Legame reads at most {most} "
                    "(limits.columns in config.yaml). Export only the columns you need, or raise the limit.",
                    file_name=file_name,
                    columns=fmt.number(columns),
                    most=fmt.number(self.columns),
                )
            )

    def check_rows(self, rows: int, file_name: str, fmt: NumberFormat) -> None:
        """After reading, before anything is written: the file's row count."""
        if rows > self.rows:
            raise FatalFileError(
                _(
                    "{file_name} has {rows} rows; Legame loads at most {most} per file "
                    "(limits.rows in config.yaml). Export a shorter date range, or raise the limit.",
                    file_name=file_name,
                    rows=fmt.number(rows),
                    most=fmt.number(self.rows),
                )
            )


def _size(size: int, fmt: NumberFormat) -> str:
    if size >= 100_000:
        return _("{size} MB", size=fmt.number(size / 1_000_000, 1))
    return _("{size} bytes", size=fmt.number(size))
