"""The command line as a script would use it: real processes, a real DuckDB file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb

from legame.config import ROOT
from legame.warehouse import TABLES

DEMO = sorted(str(p) for p in (ROOT / "data" / "demo").iterdir())
SKELETON_KPIS = ("engagement_rate", "active_community_ratio", "nps", "conversion_rate", "cac", "roas", "clv_historic")


def legame(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "LEGAME_DB": str(tmp_path / "cli.duckdb"), "LEGAME_SECRET": "cli"}
    return subprocess.run([sys.executable, "-m", "legame", *args], cwd=ROOT, env=env, capture_output=True, text=True)


def counts(tmp_path: Path) -> dict[str, int]:
    with duckdb.connect(str(tmp_path / "cli.duckdb"), read_only=True) as con:
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}


def test_ingest_demo_twice_equals_once_and_kpis_json(tmp_path):
    first = legame(tmp_path, "ingest", *DEMO)
    assert first.returncode == 0, first.stderr
    assert "shopify_orders.csv: table orders, 7339 rows loaded" in first.stdout
    after_first = counts(tmp_path)
    # Every table but visits: the demo has no web analytics export yet.
    assert all(n for t, n in after_first.items() if t != "visits"), after_first
    second = legame(tmp_path, "ingest", *DEMO)
    assert second.returncode == 0
    assert "0 rows loaded (0 new, 0 replaced, 7339 unchanged)" in second.stdout
    assert counts(tmp_path) == after_first

    result = legame(tmp_path, "kpis", "--from", "2025-01-01", "--to", "2025-03-31", "--json")
    assert result.returncode == 0, result.stderr
    kpis = {k["id"]: k for k in json.loads(result.stdout)}
    for kpi_id in SKELETON_KPIS:
        kpi = kpis[kpi_id]
        assert isinstance(kpi["value"], float), kpi
        for field in ("label", "unit", "comparison_value", "delta", "target", "status", "sentence"):
            assert field in kpi
        assert kpi["period"]["label"] == "Q1 2025"

    table = legame(tmp_path, "kpis", "--from", "2025-01-01", "--to", "2025-03-31")
    assert table.stdout.splitlines()[0].split() == ["kpi", "value", "comparison", "delta", "target", "status", "change"]


def test_a_failed_file_exits_1_and_loads_nothing_from_it(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("order_id,person_id,ordered_at,revenue\nX1,p,32/12/2025,10\n")
    result = legame(tmp_path, "ingest", str(bad), DEMO[-1])
    assert result.returncode == 1
    assert "bad.csv: NOT LOADED" in result.stderr
    assert "value '32/12/2025': not a date in the form yyyy-mm-dd" in result.stderr
    assert counts(tmp_path)["orders"] == 7339  # the good file after it still loaded


def test_cli_imports_neither_streamlit_nor_plotly(tmp_path):
    code = (
        "import sys; from legame.cli import main; "
        "main(['kpis', '--from', '2025-01-01', '--to', '2025-01-31', '--json']); "
        "print('LOADED', sorted(m for m in ('streamlit', 'plotly') if m in sys.modules), file=sys.stderr)"
    )
    env = {**os.environ, "LEGAME_DB": str(tmp_path / "cli.duckdb"), "LEGAME_SECRET": "cli"}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert "LOADED []" in result.stderr, result.stderr


def test_ingest_reads_an_excel_workbook_sheet_by_sheet(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Notes"
    book.active.append(["Prepared for the board"])
    orders = book.create_sheet("Orders")
    orders.append(["order_id", "email", "ordered_at", "revenue"])
    orders.append(["W1", "ann@example.com", "2025-03-01", 12.5])
    orders.append(["W2", "bob@example.com", "not a date", 3])
    path = tmp_path / "book.xlsx"
    book.save(path)
    result = legame(tmp_path, "ingest", str(path))
    assert result.returncode == 0, result.stderr
    assert "book.xlsx › Orders: table orders, 1 row loaded" in result.stdout
    assert "row 3, column 'ordered_at', value 'not a date'" in result.stdout  # Excel's row number
    assert "Sheet 'Notes' was not loaded: no known export format" in result.stdout
    assert counts(tmp_path)["orders"] == 1
