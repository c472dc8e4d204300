"""What a killed process spilled beside the warehouse is deleted when the warehouse is next opened to write.

DuckDB 1.5.5 leaves its spill files in `<file>.tmp` when a process is killed mid-query (duckdb#24576), and they
hold cells as read (here, email addresses); `warehouse.connect` deletes them (`drop_stale_spill`), never the live
spill of another connection of the same process, nor anything when the file is opened read-only.
"""

from __future__ import annotations

import copy
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from legame import warehouse
from legame.config import Config, load_config

# A sort far bigger than its memory cap: DuckDB spills the rows, addresses included.
SPILLING = (
    "create table sorted as select email, r from (select 'person' || i || '@example.com' as email, random() as r "
    "from range(6000000) t(i)) order by r"
)


@pytest.fixture
def config(tmp_path, monkeypatch) -> Config:
    monkeypatch.setenv("LEGAME_SECRET", "spill")
    monkeypatch.delenv("LEGAME_DB", raising=False)
    base = load_config()
    data = copy.deepcopy(base.data)
    data["warehouse"].update(
        path=str(tmp_path / "legame.duckdb"), raw_dir=str(tmp_path / "raw"), secret_file=str(tmp_path / "s")
    )
    config = Config(data=data, root=base.root)
    warehouse.connect(config).close()
    return config


def spill_folder(config: Config) -> Path:
    return Path(str(warehouse.location(config).path) + ".tmp")


def spilled(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.glob("duckdb_temp_*")) if folder.exists() else 0


def kill_while_spilling(config: Config) -> None:
    """A process sorts a big table under a small memory cap in the warehouse and is killed -9 while it spills."""
    script = (
        "import duckdb, sys; con = duckdb.connect(sys.argv[1]); "
        "con.execute(\"set memory_limit = '64MB'\"); con.execute('set threads = 1'); con.execute(sys.argv[2])"
    )
    folder = spill_folder(config)
    child = subprocess.Popen([sys.executable, "-c", script, str(warehouse.location(config).path), SPILLING])
    try:
        deadline = time.monotonic() + 60
        while spilled(folder) < 20_000_000 and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert child.poll() is None, "the sort ended before it spilled 20 MB"
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait()


def test_a_killed_process_spill_is_deleted_when_the_warehouse_is_opened_to_write(config):
    kill_while_spilling(config)
    folder = spill_folder(config)
    # DuckDB leaves the spill behind, addresses readable: what this test is about.
    assert spilled(folder) > 0
    assert any(b"@example.com" in f.read_bytes() for f in folder.glob("duckdb_temp_*"))
    warehouse.connect(config, read_only=True).close()
    assert spilled(folder) > 0, "a read-only open may share the folder with other readers: nothing deleted"
    con = warehouse.connect(config)
    assert list(folder.glob("duckdb_temp_*")) == []
    con.close()


def test_the_live_spill_of_another_connection_of_this_process_is_kept(config):
    con = warehouse.connect(config)
    con.execute("set memory_limit = '64MB'")
    con.execute("set threads = 1")
    folder = spill_folder(config)
    failure: list[BaseException] = []

    def sort() -> None:
        try:
            con.cursor().execute(SPILLING)
        except BaseException as exc:  # reported by the assertion below
            failure.append(exc)

    worker = threading.Thread(target=sort)
    worker.start()
    deadline = time.monotonic() + 60
    while spilled(folder) < 20_000_000 and worker.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert worker.is_alive(), "the sort ended before it spilled 20 MB"
    live = set(folder.glob("duckdb_temp_*"))
    # The same file opened again in this process shares the database, and its spill.
    other = warehouse.connect(config)
    assert live <= set(folder.glob("duckdb_temp_*"))
    worker.join()
    assert failure == []
    assert con.execute("select count(*) from sorted").fetchone()[0] == 6_000_000
    other.close()
    con.close()


def test_the_folder_is_read_from_duckdb(config, tmp_path):
    """The folder deleted in is DuckDB's own setting, not a guess: set elsewhere, the default one is not touched."""
    default = spill_folder(config)
    default.mkdir(exist_ok=True)
    (default / "duckdb_temp_storage_DEFAULT-0.tmp").write_bytes(b"someone@example.com")
    elsewhere = tmp_path / "spill"
    elsewhere.mkdir()
    (elsewhere / "duckdb_temp_storage_DEFAULT-0.tmp").write_bytes(b"someone@example.com")
    con = duckdb.connect(str(warehouse.location(config).path))
    con.execute(f"set temp_directory = '{elsewhere}'")
    warehouse.drop_stale_spill(con)
    con.close()
    assert list(elsewhere.iterdir()) == []
    assert (default / "duckdb_temp_storage_DEFAULT-0.tmp").exists()
