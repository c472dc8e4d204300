"""The same demo data gives the same numbers from the embedded file and from DuckLake on PostgreSQL."""

from __future__ import annotations

import json
import os
from pathlib import Path

from legame.config import Config
from tests.conftest import DEMO, legame

PERIODS = (("2025-07-01", "2025-09-30"), ("2025-01-01", "2025-12-31"))


def rounded(found: object) -> object:
    """Floats to 10 significant digits: sums over Parquet and over the file may add in another order
    (a breakdown's 9354.540000000003 against 9354.54); every number shown is the same."""
    if isinstance(found, float):
        return float(f"{found:.10g}")
    if isinstance(found, dict):
        return {key: rounded(value) for key, value in found.items()}
    if isinstance(found, list):
        return [rounded(value) for value in found]
    return found


def kpis_json(db: Path, start: str, end: str, **env: str) -> list[dict]:
    result = legame(db, "kpis", "--from", start, "--to", end, "--json", **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_kpis_json_is_the_same_from_the_file_and_from_ducklake(lake: Config, tmp_path: Path, monkeypatch) -> None:
    lake_url = os.environ["LEGAME_WAREHOUSE"]
    monkeypatch.delenv("LEGAME_WAREHOUSE")
    db = tmp_path / "embedded.duckdb"
    assert legame(db, "ingest", *DEMO).returncode == 0
    embedded = [kpis_json(db, *period) for period in PERIODS]

    monkeypatch.setenv("LEGAME_WAREHOUSE", lake_url)
    loaded = legame(db, "ingest", *DEMO)  # LEGAME_WAREHOUSE wins over the LEGAME_DB the helper sets
    assert loaded.returncode == 0, loaded.stderr
    on_lake = [kpis_json(db, *period) for period in PERIODS]

    assert rounded(on_lake) == rounded(embedded)
    assert [[k["display"] for k in kpis] for kpis in on_lake] == [[k["display"] for k in kpis] for kpis in embedded]
    assert any(k["value"] is not None for k in embedded[0])
