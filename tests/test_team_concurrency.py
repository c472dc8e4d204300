"""A team's warehouse on DuckLake + a real PostgreSQL: many processes at once, nothing lost, nothing twice.

Two app processes and the CLI share one warehouse: an upload in one app is seen by the other on
its next run, `legame ingest` runs while both serve, two loads of different files at once both
land, and two loads of the same file at once count its rows once (DuckLake has no primary key:
the loads take turns, a conflicting commit is retried, and the merge by key holds).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from legame import warehouse
from legame.config import ROOT, Config
from legame.ingest import load_file, pipeline
from tests.conftest import DEMO, legame, write
from tests.team import APP_PROCESS

QUARTER = ("2025-07-01", "2025-09-30")


def orders_file(folder: Path, name: str, prefix: str, rows: int) -> Path:
    """A canonical orders export of `rows` orders in the third quarter of 2025, ids C-<prefix>-<n>."""
    lines = "".join(
        f"{prefix}-{i},person-{i % 997}@example.com,2025-{7 + i % 3:02d}-{i % 28 + 1:02d},{10 + i % 90}.5\n"
        for i in range(rows)
    )
    return write(folder, name, "order_id,email,ordered_at,revenue\n" + lines)


def counts(config: Config) -> tuple[int, int, int]:
    """Orders stored, distinct order ids among them, and loads logged: read by a fresh connection."""
    con = warehouse.connect(config)
    try:
        rows, distinct = con.execute("select count(*), count(distinct order_id) from orders").fetchone()
        loads = con.execute("select count(*) from loads").fetchone()[0]
        return rows, distinct, loads
    finally:
        con.close()


class App:
    """An app server process on the shared warehouse (tests/team.py's APP_PROCESS)."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", APP_PROCESS],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.ask(None) == "ready"

    def ask(self, command: str | None) -> str:
        if command is not None:
            self.process.stdin.write(command + "\n")
            self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, f"the app process died on {command!r}"
        return line.strip()

    def board(self) -> dict[str, object]:
        """Every KPI's value for the quarter, as this app computes it on its next run."""
        return {k["id"]: k["value"] for k in json.loads(self.ask("kpis " + " ".join(QUARTER)))}

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=60)


def test_the_warehouse_is_ducklake_on_postgres(lake: Config) -> None:
    con = warehouse.connect(lake)
    try:
        assert warehouse.is_lake(con)
        # The lake is the connection's own database: a cursor (one per query or thread in the app) reads it too.
        assert con.cursor().execute("select count(*) from loads").fetchone()[0] == 0
        # Every migration ran: the tables of the last one are there, the schema version is current.
        assert con.execute("select max(version) from schema_version").fetchone()[0] == warehouse.SCHEMA_VERSION
        assert con.execute("select count(*) from clv_fits").fetchone()[0] == 0
    finally:
        con.close()


# A process that opens the warehouse once every one of them is ready, so that all open a new catalogue at once.
OPEN_AT_ONCE = """
import sys, time
from pathlib import Path
from legame import warehouse
from legame.config import load_config

config = load_config()
folder, me, everyone = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
(folder / me).touch()
while len(list(folder.iterdir())) < everyone:
    time.sleep(0.01)
warehouse.connect(config).close()
"""


def test_servers_started_together_on_a_new_warehouse_all_open_it(lake: Config, tmp_path: Path) -> None:
    """Two app servers and a CLI run started at once on an empty catalogue: each tries to create it,
    one does, and the others, retried, open what it made (seen: "duplicate key" from PostgreSQL)."""
    ready = tmp_path / "ready"
    ready.mkdir()
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", OPEN_AT_ONCE, str(ready), str(n), "3"], cwd=ROOT, stderr=subprocess.PIPE, text=True
        )
        for n in range(3)
    ]
    for run in runs:
        assert run.wait(timeout=180) == 0, run.stderr.read()
    con = warehouse.connect(lake)
    try:
        versions = [v for (v,) in con.execute("select version from schema_version order by 1").fetchall()]
        assert versions == list(range(1, warehouse.SCHEMA_VERSION + 1))  # each migration ran once
        assert con.execute("select count(*) from loads").fetchone()[0] == 0
    finally:
        con.close()


def test_two_apps_and_the_cli_share_one_warehouse(lake: Config, tmp_path: Path) -> None:
    first, second = App(), App()
    try:
        empty = second.board()
        assert first.board() == empty and empty["clv_historic"] is None
        # An upload in one app is seen by the other on its next run.
        uploaded = json.loads(first.ask(f"upload {orders_file(tmp_path, 'app.csv', 'A', 300)}"))
        assert uploaded["inserted"] == 300
        assert second.ask("version") == str(uploaded["load_id"])
        after_upload = second.board()
        assert after_upload == first.board() and after_upload["clv_historic"] is not None
        # The CLI loads while both apps hold their connections open, and both see it.
        cli = legame(tmp_path / "unused.duckdb", "ingest", str(orders_file(tmp_path, "cli.csv", "B", 200)))
        assert cli.returncode == 0, cli.stderr
        after_cli = first.board()
        assert after_cli == second.board() and after_cli["clv_historic"] != after_upload["clv_historic"]
    finally:
        first.close()
        second.close()
    assert counts(lake) == (500, 500, 2)


def test_two_loads_of_different_files_at_once_both_land(lake: Config, tmp_path: Path) -> None:
    warehouse.connect(lake).close()  # migrated once, so the two loads race on the data, not the schema
    files = [orders_file(tmp_path, f"part{n}.csv", f"P{n}", 20_000) for n in range(2)]
    runs = [_ingest(path) for path in files]
    for run in runs:
        assert run.wait(timeout=300) == 0, run.stderr.read()
    assert counts(lake) == (40_000, 40_000, 2)
    con = warehouse.connect(lake)
    assert con.execute("select count(distinct load_id) from loads").fetchone()[0] == 2
    con.close()


def test_two_loads_of_one_file_at_once_count_it_once(lake: Config, tmp_path: Path) -> None:
    warehouse.connect(lake).close()
    path = orders_file(tmp_path, "same.csv", "S", 20_000)
    runs = [_ingest(path) for _ in range(2)]
    for run in runs:
        assert run.wait(timeout=300) == 0, run.stderr.read()
    rows, distinct, loads = counts(lake)
    assert rows == distinct == 20_000
    con = warehouse.connect(lake)
    inserted = con.execute("select sum(rows_inserted), count(distinct load_id) from loads").fetchone()
    con.close()
    assert inserted == (20_000, loads)


def test_a_load_that_loses_the_race_is_retried_and_counts_nothing_twice(
    lake: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deterministic: while this process's load is about to commit, another process commits the same file."""
    path = orders_file(tmp_path, "race.csv", "R", 1_000)
    con = warehouse.connect(lake)
    archive = pipeline.archive
    attempts = []

    def other_process_commits_first(*args, **kwargs) -> None:
        attempts.append(1)
        if len(attempts) == 1:
            other = _ingest(path)
            assert other.wait(timeout=300) == 0, other.stderr.read()
        archive(*args, **kwargs)

    monkeypatch.setattr(pipeline, "archive", other_process_commits_first)
    report = load_file(con, lake, path, "race.csv")
    assert len(attempts) == 2  # the first commit conflicted; the retry, on the newer snapshot, found every row
    assert (report.inserted, report.unchanged, report.load_id) == (0, 1_000, 2)
    assert con.execute("select count(*), count(distinct order_id) from orders").fetchone() == (1_000, 1_000)
    con.close()
    # Reopened in this process after the failed commit: DuckDB 1.5.5 never releases the instance that saw it,
    # and waited for it for ever when the same URL was opened again (warehouse.connect opens a new one).
    assert counts(lake) == (1_000, 1_000, 2)


def test_links_and_fits_work_on_the_lake(lake: Config) -> None:
    from datetime import date

    from legame import share
    from legame.clv import cache

    con = warehouse.connect(lake)
    try:
        view = share.View(("board",), date(2025, 7, 1), date(2025, 9, 30), "previous")
        link, _ = share.create_link(con, lake, label="board", view=view, days=7)
        share.record_open(con, link.id)
        assert share.get_link(con, link.id).open_count == 1
        assert share.revoke(con, link.id).revoked_at is not None
        key = cache.FitKey("lake", cache.fit_version(con), "settings", date(2025, 9, 30))
        assert cache.writable(con)
        assert cache.store_fit(con, key, "digest", {"error": "no orders"}, None)
        assert cache.store_fit(con, key, "digest", {"error": "no orders"}, None)
        ids = [r[0] for r in con.execute("select fit_id from clv_fits order by fit_id").fetchall()]
        assert ids == [1, 2]
        assert cache.read_fit(con, key, "digest") is not None
    finally:
        con.close()


def test_the_raw_archive_sits_beside_the_lake_data(lake: Config, tmp_path: Path) -> None:
    from legame import raw_archive

    orders = next(Path(p) for p in DEMO if p.endswith("shopify_orders.csv"))
    con = warehouse.connect(lake)
    report = load_file(con, lake, orders, orders.name)
    con.close()
    assert raw_archive.folder(lake) == tmp_path / "lake" / "raw"
    assert raw_archive.intact(lake, report.sha256)


def _ingest(path: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "legame", "ingest", str(path)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
