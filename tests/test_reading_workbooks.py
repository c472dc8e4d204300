"""Workbooks are read by content whatever their name, and refused quickly past config.yaml `limits` (issue #13)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from legame.errors import FatalFileError
from legame.ingest.exports import load_export


def workbook(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "Orders"
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


ORDERS = [
    ["order_id", "email", "ordered_at", "revenue"],
    ["A1", "ann@example.com", "2025-01-03", 10.5],
    ["A2", "bob@example.com", "2025-01-04", 20],
]


def test_a_workbook_saved_with_a_csv_name_is_read_as_a_workbook(con, config, tmp_path):
    xlsx = workbook(tmp_path / "orders.xlsx", ORDERS)
    path = tmp_path / "orders.csv"
    path.write_bytes(xlsx.read_bytes())
    loaded = load_export(con, config, path)
    assert [(r.file_name, r.table, r.inserted) for r in loaded.reports] == [("orders.csv › Orders", "orders", 2)]
    assert con.execute("select sum(revenue) from orders").fetchone() == (30.5,)


def test_a_workbook_unpacking_past_the_limit_is_refused_before_it_is_read(con, config, tmp_path):
    # 100,000 alike cells compress to little and unpack to megabytes of XML.
    path = workbook(tmp_path / "big.xlsx", [ORDERS[0]] + [["A1", "ann@example.com", "2025-01-03", 1]] * 25_000)
    with zipfile.ZipFile(path) as archive:
        expanded = sum(i.file_size for i in archive.infolist())
    assert expanded > 1_000_000 > path.stat().st_size * 2
    config.data["limits"] = {"workbook_expanded_mb": 1, "workbook_cells": 5_000_000}
    with pytest.raises(FatalFileError) as refused:
        load_export(con, config, path)
    assert str(refused.value) == (
        f"big.xlsx is an Excel workbook that unpacks to {expanded / 1_000_000:,.0f} MB, more than the 1 MB "
        "Legame reads (config.yaml limits.workbook_expanded_mb). Export the sheets you need as CSV, or raise "
        "the limit; nothing was loaded."
    )
    assert con.execute("select count(*) from loads").fetchone() == (0,)


def test_a_workbook_with_more_cells_than_the_limit_is_refused(con, config, tmp_path):
    path = workbook(tmp_path / "orders.xlsx", ORDERS)
    config.data["limits"] = {"workbook_expanded_mb": 100, "workbook_cells": 10}
    with pytest.raises(FatalFileError) as refused:
        load_export(con, config, path)
    assert str(refused.value) == (
        "orders.xlsx holds more than 10 cells, the most Legame reads from a workbook (config.yaml "
        "limits.workbook_cells). Export the sheets you need as CSV, or raise the limit; nothing was loaded."
    )
    assert con.execute("select count(*) from orders").fetchone() == (0,)
