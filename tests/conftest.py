"""Every test gets a real DuckDB file in its own temporary folder, and a config pointing there."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from legame import warehouse
from legame.config import ROOT, Config, load_config

# The shipped config.yaml speaks Italian. Tests read English unless they ask for Italian (`--lang it`,
# `?lang=it`, `i18n.language("it")`); LEGAME_LANG reaches every CLI and server subprocess too.
os.environ["LEGAME_LANG"] = "en"


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
        profiles_dir=str(tmp_path / "profiles"),
    )
    return Config(data=data, root=ROOT)


@pytest.fixture
def con(config: Config):
    connection = warehouse.connect(config)
    yield connection
    connection.close()


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Counter]:
    """Count the calls of functions for the test: `counting(module, name)` replaces module.name by a wrapper that
    counts each call under `name` (or `label`), or under each key `keys(*args, **kwargs)` gives, and calls the
    original; it returns the test's one Counter, shared by every function counted."""
    counted: Counter = Counter()

    def count(
        module: Any, name: str, label: str | None = None, keys: Callable[..., Iterable[str]] | None = None
    ) -> Counter:
        original = getattr(module, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            counted.update(keys(*args, **kwargs) if keys else [label or name])
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)
        return counted

    return count


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    """Write a small export file for a test."""
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


DEMO = sorted(str(p) for p in (ROOT / "data" / "demo").iterdir())


def legame(db: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """`python -m legame ARGS` in a subprocess, on the database file `db`."""
    env = {**os.environ, "LEGAME_DB": str(db), "LEGAME_SECRET": "export", **env}
    return subprocess.run([sys.executable, "-m", "legame", *args], cwd=ROOT, env=env, capture_output=True, text=True)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    """A database file with every demo export loaded by the CLI, shared by a test module."""
    db = tmp_path_factory.mktemp("demo-cli") / "cli.duckdb"
    result = legame(db, "ingest", *DEMO)
    assert result.returncode == 0, result.stderr
    return db


@pytest.fixture
def demo(con, config):
    """The warehouse with every built-in demo export loaded, as on a first start."""
    from legame.ingest import load_file

    for path in sorted((ROOT / "data" / "demo").iterdir()):
        if path.suffix in (".csv", ".tsv"):
            assert load_file(con, config, path, path.name).rejected == 0
    return con


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium per browser-test module (Debian's, with the flags this machine needs).

    Module-scoped: Playwright's event loop must be gone before tests that drive their own
    (kaleido's chart rendering) run.
    """
    from playwright.sync_api import sync_playwright

    from tests.browser import launch

    with sync_playwright() as p:
        chromium = launch(p)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def team_postgres():
    """A real PostgreSQL for the team tests (tests/team.py): started once, deleted at the end."""
    from tests.team import CannotInstall, install_postgres, postgres

    try:
        install_postgres()
    except CannotInstall as exc:
        if os.environ.get("CI"):
            raise  # CI runs as root and installs it (the Makefile's postgresql target): missing there is a failure
        pytest.skip(str(exc))
    with postgres() as cluster:
        yield cluster


@pytest.fixture
def lake(
    team_postgres, config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[Config]:
    """`config` on a new, empty DuckLake warehouse: its own database in the test cluster, Parquet in tmp_path.

    Set through the environment, so the CLI and app processes a test starts share it too.
    """
    import uuid

    from tests.team import DEADLINE_SECONDS, deadline

    dsn = team_postgres.create_database(f"lake_{uuid.uuid4().hex[:12]}")
    monkeypatch.setenv("LEGAME_WAREHOUSE", f"ducklake:postgres:{dsn}")
    monkeypatch.setenv("LEGAME_DATA_PATH", str(tmp_path / "lake"))
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with deadline(DEADLINE_SECONDS, team_postgres, capture.suspend_global_capture if capture else None):
        yield config
