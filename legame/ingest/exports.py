"""One dropped file, CSV or Excel workbook, loaded as one export or as one export per sheet."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from legame.config import Config
from legame.errors import FatalFileError, UnrecognisedExport
from legame.i18n import _
from legame.ingest import excel
from legame.ingest.pipeline import archive, file_sha256, load_file
from legame.ingest.report import LoadReport


@dataclass(frozen=True)
class SkippedSheet:
    """A workbook sheet that was not loaded, and why."""

    name: str
    reason: str
    unrecognised: bool  # no format knows its header (it can be matched by hand)

    def __str__(self) -> str:
        return _("Sheet {sheet} was not loaded: {reason}", sheet=repr(self.name), reason=self.reason)


@dataclass
class ExportLoad:
    """What one dropped file gave: a report per table it fed (a sheet each, for a workbook), and what was not read."""

    reports: list[LoadReport]
    skipped: list[SkippedSheet] = field(default_factory=list)


def load_export(
    con: duckdb.DuckDBPyConnection, config: Config, path: Path, file_name: str | None = None, **options
) -> ExportLoad:
    """Load a CSV export, or every sheet of an Excel workbook, each as `load_file` does.

    A workbook's sheets are named `book.xlsx › Sheet`; a sheet no profile knows (a
    notes or pivot sheet) is skipped with its reason. When no sheet loads, the error
    raised carries the sheets in its `skipped` attribute.
    """
    path = Path(path)
    file_name = file_name or path.name
    if not excel.is_workbook(path):
        excel.refuse_if_not_text(path, file_name)
        return ExportLoad([load_file(con, config, path, file_name, **options)])
    reports, skipped = [], []
    with excel.sheets_as_csv(path, file_name, excel.Limits.from_config(config)) as sheets:
        for sheet in sheets:
            name = f"{file_name} › {sheet.name}"
            try:
                reports.append(load_file(con, config, sheet.path, name, **options))
            except (UnrecognisedExport, FatalFileError) as exc:
                reason = str(exc).removeprefix(name + ": ")
                skipped.append(SkippedSheet(sheet.name, reason, isinstance(exc, UnrecognisedExport)))
    if not reports:
        error_class = UnrecognisedExport if any(s.unrecognised for s in skipped) else FatalFileError
        sheets = " ".join(str(s) for s in skipped)
        error = error_class(_("{file_name}: no sheet could be loaded. {sheets}", file_name=file_name, sheets=sheets))
        error.skipped = skipped
        raise error
    if options.get("commit", True):
        archive(path, file_sha256(path), file_name, config)
    return ExportLoad(reports, skipped)
