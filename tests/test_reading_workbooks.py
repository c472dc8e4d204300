"""Workbooks are read by content whatever their name, and refused quickly past config.yaml `limits` (issue #13).

The whole path a user takes is tried: `python -m legame ingest book.csv`, and the Upload page under
AppTest, down to matching by hand a sheet of a workbook named `.csv` that no format knows.
"""

from __future__ import annotations

import copy
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import pytest
import streamlit as st
import yaml
from openpyxl import Workbook
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from legame.config import ROOT
from legame.errors import FatalFileError
from legame.ingest import uploads
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


def bomb(path: Path) -> Path:
    """A workbook of 100,000 alike cells: little on disk, megabytes of XML unpacked."""
    return workbook(path, [ORDERS[0]] + [["A1", "ann@example.com", "2025-01-03", 1]] * 25_000)


def expanded_mb(path: Path) -> float:
    with zipfile.ZipFile(path) as archive:
        return sum(i.file_size for i in archive.infolist()) / 1_000_000


@pytest.mark.parametrize("name", ["big.csv", "big.txt", "big"])
def test_the_unpacked_size_limit_holds_when_the_name_lies(con, config, tmp_path, name):
    path = tmp_path / name
    path.write_bytes(bomb(tmp_path / "big.xlsx").read_bytes())
    config.data["limits"] = {"workbook_expanded_mb": 1, "workbook_cells": 5_000_000}
    with pytest.raises(
        FatalFileError, match=rf"^{name} is an Excel workbook that unpacks to [\d.]+ MB, more than the 1 MB"
    ):
        load_export(con, config, path)
    # As an upload (held in a temporary file named after the upload's suffix), the same.
    with pytest.raises(FatalFileError, match=rf"^{name} is an Excel workbook that unpacks to"):
        uploads.preview_export(con, config, name, path.read_bytes())
    assert con.execute("select count(*) from loads").fetchone() == (0,)


def test_the_cell_limit_holds_when_the_name_lies(con, config, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_bytes(workbook(tmp_path / "orders.xlsx", ORDERS).read_bytes())
    config.data["limits"] = {"workbook_expanded_mb": 100, "workbook_cells": 10}  # the workbook has 12
    refused = (
        "orders.csv holds more than 10 cells, the most Legame reads from a workbook (config.yaml "
        "limits.workbook_cells). Export the sheets you need as CSV, or raise the limit; nothing was loaded."
    )
    with pytest.raises(FatalFileError) as error:
        load_export(con, config, path)
    assert str(error.value) == refused
    with pytest.raises(FatalFileError) as error:
        uploads.commit_export(con, config, "orders.csv", path.read_bytes(), loaded_by="test")
    assert str(error.value) == refused
    assert con.execute("select count(*) from loads").fetchone() == (0,)
    config.data["limits"]["workbook_cells"] = 12
    assert [r.inserted for r in load_export(con, config, path).reports] == [2]


def test_a_damaged_workbook_named_csv_is_refused_as_a_workbook(con, config, tmp_path):
    data = workbook(tmp_path / "orders.xlsx", ORDERS).read_bytes()
    path = tmp_path / "orders.csv"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(FatalFileError) as refused:
        load_export(con, config, path)
    assert str(refused.value) == "orders.csv could not be opened as an Excel workbook: it is not a complete zip file."


def test_a_zip_archive_or_an_xls_file_named_csv_is_refused_for_what_it_is(con, config, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("orders.csv", "order_id,email,ordered_at,revenue\nA1,ann@example.com,2025-01-03,10.5\n")
    path = tmp_path / "export.csv"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(FatalFileError) as refused:
        load_export(con, config, path)
    assert str(refused.value) == (
        "export.csv is a zip archive, not a CSV export or an Excel workbook: unzip it and load the files inside; "
        "nothing was loaded."
    )
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))  # an OLE2 header, as Excel 97-2003 writes
    with pytest.raises(FatalFileError) as refused:
        load_export(con, config, path)
    assert str(refused.value).startswith("export.csv is an Excel 97-2003 workbook (.xls), which Legame does not read")
    assert con.execute("select count(*) from loads").fetchone() == (0,)


# -- The whole path: the command line and the Upload page ------------------------------------------


@pytest.fixture
def app_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config.yaml of an empty warehouse in tmp_path (no demo), for the CLI and for app.py under AppTest."""
    from legame.config import load_config

    data = copy.deepcopy(load_config(ROOT / "config.yaml").data)
    (tmp_path / "no-demo").mkdir()
    data["warehouse"].update(
        path=str(tmp_path / "legame.duckdb"),
        raw_dir=str(tmp_path / "raw"),
        secret_file=str(tmp_path / "secret"),
        demo_dir=str(tmp_path / "no-demo"),
        profiles_dir=str(tmp_path / "profiles"),
    )
    data["share"].update(
        link_secret_file=str(tmp_path / "link_secret"), admin_password_file=str(tmp_path / "admin_password")
    )
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    for name in ("LEGAME_DB", "LEGAME_LINK_SECRET", "LEGAME_ADMIN_PASSWORD", "LEGAME_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LEGAME_CONFIG", str(path))
    monkeypatch.setenv("LEGAME_SECRET", "workbooks")
    return path


def rows(app_config: Path, sql: str) -> list[tuple]:
    # Read-write, as the app under AppTest holds it open in this process.
    with duckdb.connect(str(app_config.parent / "legame.duckdb")) as con:
        return con.execute(sql).fetchall()


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "legame", *args], cwd=ROOT, env=dict(os.environ), capture_output=True, text=True
    )


def test_the_cli_loads_a_workbook_named_csv(app_config, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_bytes(workbook(tmp_path / "book.xlsx", ORDERS).read_bytes())
    result = cli("ingest", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("orders.csv › Orders: table orders, 2 rows loaded (2 new, ")
    assert rows(app_config, "select order_id, revenue from orders order by order_id") == [("A1", 10.5), ("A2", 20.0)]


def test_the_cli_refuses_a_workbook_named_csv_past_the_cell_limit(app_config, tmp_path):
    data = yaml.safe_load(app_config.read_text(encoding="utf-8"))
    data["limits"]["workbook_cells"] = 10
    app_config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    path = tmp_path / "orders.csv"
    path.write_bytes(workbook(tmp_path / "book.xlsx", ORDERS).read_bytes())
    result = cli("ingest", str(path))
    assert result.returncode == 1
    assert result.stderr.startswith("orders.csv: NOT LOADED — orders.csv holds more than 10 cells, the most")
    assert rows(app_config, "select count(*) from loads") == [(0,)]


ITALIAN_ORDERS = [
    ["Numero ordine", "E-mail cliente", "Data ordine", "Totale (€)", "Canale vendita", "Rimborso"],
    [1001, "anna@example.com", "2025-03-01", 49.9, "online", "no"],
    [1002, "bruno@example.com", "2025-03-02", 120, "negozio", "no"],
    [1003, "carla@example.com", "2025-03-03", 15, "online", "sì"],
]


@pytest.fixture
def upload_page(app_config):
    st_config.set_option("server.address", "127.0.0.1")  # the local admin, as `make run` serves it
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    at.switch_page("pages/upload.py").run()
    assert not at.exception
    yield at
    st.cache_resource.clear()
    st.cache_data.clear()
    st_config.set_option("server.address", None)


def drop(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key="files").set_value((name, data, "text/csv")).run()
    assert not at.exception
    return at


def test_the_upload_page_loads_a_workbook_named_csv(upload_page, app_config, tmp_path):
    at = drop(upload_page, "orders.csv", workbook(tmp_path / "book.xlsx", ORDERS).read_bytes())
    assert not at.error
    assert "**orders\\.csv › Orders** → the **orders** table" in [m.value for m in at.markdown][-1]
    next(b for b in at.button if b.label == "Load 1 file").click().run()
    assert not at.exception and not at.error
    assert at.success[0].value.startswith("Loaded as load #1: orders.csv › Orders → orders")
    assert rows(app_config, "select sum(revenue) from orders") == [(30.5,)]  # 10.5 + 20


def test_a_workbook_named_csv_that_no_format_knows_is_matched_by_hand(upload_page, app_config, tmp_path):
    book = Workbook()
    book.active.title = "Ordini"
    for row in ITALIAN_ORDERS:
        book.active.append(row)
    book.create_sheet("Note").append(["Esportato dal gestionale"])
    book.save(tmp_path / "book.xlsx")
    at = drop(upload_page, "ordini.csv", (tmp_path / "book.xlsx").read_bytes())
    # Read as a workbook, not as text: a mapping screen for each sheet, none for the file's zip bytes.
    assert not at.error
    assert "**ordini\\.csv**: no sheet of this workbook is an export Legame knows yet." in [
        m.value for m in at.markdown
    ]
    assert [e.label for e in at.expander if e.label.startswith("Match")] == [
        "Match the sheet “Ordini” by hand",
        "Match the sheet “Note” by hand",
    ]
    sheet = next(s for s in at.selectbox if s.key.endswith("-sheet-Ordini-table"))
    assert sheet.value == "orders"
    save = [b for b in at.button if b.label == "Save as profile and load"]
    assert [b.disabled for b in save] == [False, True]  # the notes sheet has no matching to save
    save[0].click().run()
    assert not at.exception
    assert at.success[0].value.startswith("Saved as the profile “Ordini” and loaded as load #1: ordini.csv › Ordini")
    # Once the first sheet is matched, the notes sheet keeps its own screen: no error from the other's choices.
    assert not at.error
    assert rows(app_config, "select file_name, rows_inserted from loads") == [("ordini.csv › Ordini", 3)]
    assert rows(app_config, "select order_id, revenue, is_refund from orders order by order_id") == [
        ("1001", 49.9, False),
        ("1002", 120.0, False),
        ("1003", 15.0, True),
    ]
    assert rows(app_config, "select round(sum(revenue), 2) from orders") == [(184.9,)]  # 49.9 + 120 + 15


def test_past_the_unpacked_size_limit_the_workbook_is_never_opened(con, config, tmp_path, monkeypatch):
    # The 462 KB file took 37 s and 306 MB to refuse: the zip's own sizes must decide, unread.
    def never(*args, **kwargs):
        raise AssertionError("openpyxl opened a workbook the limit refuses")

    monkeypatch.setattr("openpyxl.load_workbook", never)
    path = tmp_path / "big.csv"
    path.write_bytes(bomb(tmp_path / "big.xlsx").read_bytes())
    config.data["limits"] = {"workbook_expanded_mb": 1, "workbook_cells": 5_000_000}
    with pytest.raises(FatalFileError, match=r"^big\.csv is an Excel workbook that unpacks to"):
        load_export(con, config, path)


def test_reading_stops_at_the_cell_limit(con, config, tmp_path, monkeypatch):
    from legame.ingest import excel

    read = []
    monkeypatch.setattr(excel, "cell_text", lambda value: read.append(value) or str(value))
    path = bomb(tmp_path / "big.xlsx")  # 25,001 rows of 4 cells
    config.data["limits"] = {"workbook_expanded_mb": 100, "workbook_cells": 1_000}
    with pytest.raises(FatalFileError, match="holds more than 1,000 cells"):
        load_export(con, config, path)
    # Refused on the row that passes the limit (250 rows of 4 cells), not after the 100,004 cells of the sheet.
    assert len(read) == 1_000
