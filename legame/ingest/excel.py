"""Excel workbooks: each sheet becomes a CSV file the pipeline reads like any export.

A sheet's CSV keeps the sheet's row numbers as line numbers (empty rows are
written as empty rows, not dropped), so a reject names the row a marketer sees
in Excel. Cell values are written as Excel holds them, not as it displays them:
dates and times in ISO form, numbers in full with a decimal point, booleans as
true/false; nothing is rounded to the cell's display format.
"""

from __future__ import annotations

import csv
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from legame.config import Config
from legame.errors import FatalFileError
from legame.fmt import NumberFormat
from legame.i18n import _

SUFFIXES = (".xlsx", ".xlsm")
ZIP_MAGIC = b"PK\x03\x04"  # the first bytes of a zip file, which an .xlsx workbook is
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # those of an Excel 97-2003 .xls file


@dataclass(frozen=True)
class Limits:
    """How much a workbook may hold (config.yaml `limits`): a small zip can unpack to gigabytes of XML."""

    expanded_mb: int = 100
    cells: int = 5_000_000

    # How the refusals write numbers: the reader's, from config.yaml (from_config).
    fmt: NumberFormat = field(default_factory=lambda: NumberFormat("en_GB"))

    @classmethod
    def from_config(cls, config: Config) -> Limits:
        limits = config.get("limits", default=None) or {}
        return cls(
            expanded_mb=int(limits.get("workbook_expanded_mb", cls.expanded_mb)),
            cells=int(limits.get("workbook_cells", cls.cells)),
            fmt=NumberFormat.for_reader(config),
        )


def _refuse_if_too_large(path: Path, file_name: str, limits: Limits) -> None:
    """Refuse a workbook whose parts, as its zip declares them, unpack to more than the limit (nothing is unpacked)."""
    try:
        with zipfile.ZipFile(path) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise FatalFileError(
            _(
                "{file_name} could not be opened as an Excel workbook: it is not a complete zip file.",
                file_name=file_name,
            )
        ) from None
    if expanded > limits.expanded_mb * 1_000_000:
        raise FatalFileError(
            _(
                "{file_name} is an Excel workbook that unpacks to {size} MB, more than the {most} MB Legame reads "
                "(config.yaml limits.workbook_expanded_mb). Export the sheets you need as CSV, or raise the limit; "
                "nothing was loaded.",
                file_name=file_name,
                size=limits.fmt.number(expanded / 1_000_000),
                most=limits.fmt.number(limits.expanded_mb),
            )
        )


def _too_many_cells(file_name: str, limits: Limits) -> FatalFileError:
    return FatalFileError(
        _(
            "{file_name} holds more than {most} cells, the most Legame reads from a workbook "
            "(config.yaml limits.workbook_cells). Export the sheets you need as CSV, or raise the limit; "
            "nothing was loaded.",
            file_name=file_name,
            most=limits.fmt.number(limits.cells),
        )
    )


@dataclass(frozen=True)
class Sheet:
    name: str
    path: Path  # the sheet as a UTF-8 CSV file
    rows: int  # rows written, up to the last non-empty one


def is_workbook_name(file_name: str) -> bool:
    return Path(file_name).suffix.lower() in SUFFIXES


def _head(path: Path) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(len(OLE2_MAGIC))


def is_workbook(path: Path) -> bool:
    """An Office Open XML workbook, by its suffix or by its content (a zip with xl/workbook.xml).

    A zip cut short (no directory at its end) is taken for a workbook too, whatever its name, so
    that it is refused as a damaged workbook rather than read as text.
    """
    if is_workbook_name(path.name):
        return True
    if not _head(path).startswith(ZIP_MAGIC):
        return False
    if not zipfile.is_zipfile(path):
        return True
    with zipfile.ZipFile(path) as archive:
        return "xl/workbook.xml" in archive.namelist()


def refuse_if_not_text(path: Path, file_name: str) -> None:
    """Refuse, naming what it is, a file that is not a workbook and whose content is no text either.

    Read as CSV, a zip archive or an Excel 97-2003 file would be refused for a header of binary noise.
    """
    head = _head(path)
    if head.startswith(ZIP_MAGIC):
        raise FatalFileError(
            _(
                "{file_name} is a zip archive, not a CSV export or an Excel workbook: unzip it and load "
                "the files inside; nothing was loaded.",
                file_name=file_name,
            )
        )
    if head == OLE2_MAGIC:
        raise FatalFileError(
            _(
                "{file_name} is an Excel 97-2003 workbook (.xls), which Legame does not read: open it in Excel, "
                "save it as an Excel workbook (.xlsx) or as CSV, and load that; nothing was loaded.",
                file_name=file_name,
            )
        )


def cell_text(value: object) -> str:
    """A cell's value as text the pipeline's parsers read back exactly."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ") if value.time() != time(0) else value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value).strip()


@contextmanager
def sheets_as_csv(path: Path, file_name: str, limits: Limits | None = None) -> Iterator[list[Sheet]]:
    """Every sheet with a value in it, written to a temporary CSV file for as long as the block runs.

    The workbook is read by its content whatever its name (a workbook saved as `.csv` too), and
    refused before it is unpacked when it would unpack to more than `limits` allow.
    """
    from openpyxl import load_workbook  # only workbooks need it

    limits = limits or Limits()
    _refuse_if_too_large(path, file_name, limits)
    handle = open(path, "rb")  # a file object: openpyxl refuses a path whose suffix is not .xlsx
    try:
        book = load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        handle.close()
        raise FatalFileError(
            _("{file_name} could not be opened as an Excel workbook: {error}", file_name=file_name, error=exc)
        ) from None
    cells = 0
    try:
        with tempfile.TemporaryDirectory(prefix="legame-xlsx-") as folder:
            sheets = []
            for i, sheet in enumerate(book.worksheets):
                rows = []
                for row in sheet.iter_rows(values_only=True):
                    cells += len(row)
                    if cells > limits.cells:
                        raise _too_many_cells(file_name, limits)
                    rows.append([cell_text(v) for v in row])
                while rows and not any(rows[-1]):
                    rows.pop()
                if not rows:
                    continue
                width = max((i + 1 for r in rows for i, v in enumerate(r) if v), default=0)
                target = Path(folder) / f"sheet{i + 1}.csv"
                with open(target, "w", newline="", encoding="utf-8") as fh:
                    writer = csv.writer(fh)
                    writer.writerows((r + [""] * width)[:width] for r in rows)
                sheets.append(Sheet(sheet.title, target, len(rows)))
            if not sheets:
                raise FatalFileError(
                    _("{file_name} is an Excel workbook with no values in any sheet.", file_name=file_name)
                )
            yield sheets
    finally:
        book.close()
        handle.close()


def sheet_csv(path: Path, file_name: str, sheet_name: str, limits: Limits | None = None) -> bytes:
    """One sheet of a workbook as the CSV the pipeline reads (for matching it by hand)."""
    with sheets_as_csv(path, file_name, limits) as sheets:
        for sheet in sheets:
            if sheet.name == sheet_name:
                return sheet.path.read_bytes()
    raise FatalFileError(
        _("{file_name} has no sheet {sheet} with values in it.", file_name=file_name, sheet=repr(sheet_name))
    )
