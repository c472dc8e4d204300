"""kill -9 during a large load, at 22 points: the warehouse is never corrupt and never holds part of the file.

Each kill hits `python -m legame ingest` of a 300,000-row export in a subprocess, on its own copy of
a small warehouse; afterwards the file must open, hold either none or all of the export (with
its loads row, or without), and every archived copy under its real name must be intact.
"""

from __future__ import annotations

import copy
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
import yaml

from legame import raw_archive, warehouse
from legame.config import ROOT, load_config
from tests.conftest import write

# Its kills are spread over a timed load: another test beside it moves the load's time (10 of 22 kills left
# none, 11 needed, on two pytest-xdist workers), so `make test` runs it alone, after the others.
pytestmark = pytest.mark.alone
ROWS = 300_000
POINTS = 22
BASE_ORDERS = "order_id,email,ordered_at,revenue\nB-1,base1@example.com,2025-07-01,100\n"


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kill")
    big = folder / "big_orders.csv"
    with big.open("w") as out:
        out.write("order_id,email,ordered_at,revenue,channel,campaign\n")
        for i in range(ROWS):
            day = f"2025-{i % 12 + 1:02d}-{i % 28 + 1:02d}"
            out.write(f"K-{i},p{i % 50_000}@example.com,{day},{i % 300 + 1}.5,email,C{i % 40}\n")
    data = copy.deepcopy(load_config(ROOT / "config.yaml").data)
    data["warehouse"].update(
        path=str(folder / "base.duckdb"), raw_dir=str(folder / "raw"), secret_file=str(folder / "s")
    )
    (folder / "config.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.MonkeyPatch.context() as env:
        env.setenv("LEGAME_SECRET", "kill")
        env.delenv("LEGAME_DB", raising=False)
        config = load_config(folder / "config.yaml")
        con = warehouse.connect(config)
        from legame.ingest import load_file

        load_file(con, config, write(folder, "base.csv", BASE_ORDERS))
        con.close()
    return folder, big


def _run(folder: Path, run: Path, big: Path, kill_after: float | None) -> tuple[float, int | None]:
    """One ingest of `big` on a copy of the base warehouse in `run`; killed after `kill_after` seconds."""
    run.mkdir()
    shutil.copyfile(folder / "base.duckdb", run / "legame.duckdb")
    shutil.copytree(folder / "raw", run / "raw")
    data = yaml.safe_load((folder / "config.yaml").read_text())
    data["warehouse"].update(path=str(run / "legame.duckdb"), raw_dir=str(run / "raw"))
    (run / "config.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    env = {"PATH": "/usr/bin:/bin", "LEGAME_CONFIG": str(run / "config.yaml"), "LEGAME_SECRET": "kill"}
    start = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "legame", "ingest", str(big)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    if kill_after is None:
        code = process.wait(timeout=120)
        return time.monotonic() - start, code
    try:
        code = process.wait(timeout=kill_after)
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        code = None
    return time.monotonic() - start, code


def _state(run: Path) -> str:
    """'none' or 'all' of the export; anything else is a failure."""
    config = load_config(run / "config.yaml")
    try:
        con = duckdb.connect(str(run / "legame.duckdb"))  # replays the WAL, as the next start would
    except duckdb.Error as exc:
        return f"corrupt: {exc}"
    try:
        orders = con.execute("select count(*) from orders").fetchone()[0]
        loads = con.execute("select count(*) from loads").fetchone()[0]
    finally:
        con.close()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("LEGAME_SECRET", "kill")
        damaged = [sha for sha in raw_archive.archived(config) if not raw_archive.intact(config, sha)]
    if damaged:
        return f"archive damaged: {damaged}"
    if (orders, loads) == (1, 1):
        return "none"
    if (orders, loads) == (1 + ROWS, 2):
        return "all"
    return f"partial: {orders} orders, {loads} loads"


def test_kill_9_during_a_large_load_leaves_none_or_all_of_it(setup, tmp_path):
    folder, big = setup
    # The faster of two whole loads: one slowed by other work on the machine would put most kills after the end.
    full, code = _run(folder, tmp_path / "full", big, None)
    assert code == 0 and _state(tmp_path / "full") == "all"
    again, code = _run(folder, tmp_path / "again", big, None)
    assert code == 0 and _state(tmp_path / "again") == "all"
    full = min(full, again)
    states = []
    for point in range(POINTS):
        # From about when Python has imported DuckDB and Legame to the end of a whole load.
        at = full * (0.35 + 0.65 * point / (POINTS - 1))
        states.append(_state_after(folder, tmp_path / f"kill{point}", big, at))
    failures = [s for s in states if s not in ("none", "all")]
    assert failures == []
    print(f"\n{POINTS} kills over {full:.1f} s: {states.count('none')} left none, {states.count('all')} all")
    assert states.count("none") >= POINTS // 2  # the kills did land during the load


def _state_after(folder: Path, run: Path, big: Path, kill_after: float) -> str:
    _run(folder, run, big, kill_after)
    return _state(run)
