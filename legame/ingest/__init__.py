"""From an export file to rows in the warehouse: detect, read, normalise, validate, merge."""

from legame.ingest.pipeline import LoadReport, load_demo_if_empty, load_file

__all__ = ["LoadReport", "load_demo_if_empty", "load_file"]
