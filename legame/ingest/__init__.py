"""From an export file to rows in the warehouse: detect, read, normalise, validate, merge."""

from legame.ingest.pipeline import ExportLoad, LoadReport, load_demo_if_empty, load_export, load_file

__all__ = ["ExportLoad", "LoadReport", "load_demo_if_empty", "load_export", "load_file"]
