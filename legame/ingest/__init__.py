"""From an export file to rows in the warehouse: detect, read, normalise, validate, merge."""

from legame.ingest.exports import ExportLoad, SkippedSheet, load_export
from legame.ingest.pipeline import load_demo_if_empty, load_file
from legame.ingest.report import LoadReport

__all__ = ["ExportLoad", "LoadReport", "SkippedSheet", "load_demo_if_empty", "load_export", "load_file"]
