"""Every test gets a real DuckDB file in its own temporary folder, and a config pointing there."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from legame import warehouse
from legame.config import ROOT, Config, load_config


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Config:
    monkeypatch.delenv("LEGAME_DB", raising=False)
    monkeypatch.setenv("LEGAME_SECRET", "test-secret")
    base = load_config(ROOT / "config.yaml")
    data = copy.deepcopy(base.data)
    data["warehouse"].update(
        path=str(tmp_path / "legame.duckdb"),
        raw_dir=str(tmp_path / "raw"),
        secret_file=str(tmp_path / "secret"),
        demo_dir=str(ROOT / "data" / "demo"),
    )
    return Config(data=data, root=ROOT)


@pytest.fixture
def con(config: Config):
    connection = warehouse.connect(config)
    yield connection
    connection.close()


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    """Write a small export file for a test."""
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def demo(con, config):
    """The warehouse with every built-in demo export loaded, as on a first start."""
    from legame.ingest import load_file

    for path in sorted((ROOT / "data" / "demo").iterdir()):
        if path.suffix in (".csv", ".tsv"):
            assert load_file(con, config, path, path.name).rejected == 0
    return con
