"""The archive's list of loads: a warehouse file that cannot be opened (a newer DuckDB's, or damaged) is rebuilt
from the archive alone, with the same rows, in the same order, without the demo files it had removed."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from legame import load_log, raw_archive, warehouse
from legame.backup import rebuild
from legame.cli import main
from legame.demo_data import remove_demo
from legame.errors import LegameError, UnreadableDatabase
from legame.forget import forget
from legame.ingest import load_demo_if_empty, load_file
from tests.conftest import write
from tests.test_archive import _cli, _rows
from tests.test_warehouse_newer_file import NEWER

PEOPLE = "email,first_seen,is_member\nana@example.com,2025-07-01,true\nbo@example.com,2025-07-02,false\n"
ORDERS = "order_id,email,ordered_at,revenue\nA-1,ana@example.com,2025-08-01,10\nA-2,bo@example.com,2025-08-02,20\n"
# The same order again, its amount corrected: the second load replaces the first's row, so order matters.
CORRECTED = "order_id,email,ordered_at,revenue\nA-1,ana@example.com,2025-08-01,12\n"


def _loaded(con, config, tmp_path) -> None:
    load_demo_if_empty(con, config)
    load_file(con, config, write(tmp_path, "people.csv", PEOPLE), remove_demo=False)
    assert remove_demo(con, config) is not None  # the demo's files stay archived, but must not come back
    load_file(con, config, write(tmp_path, "orders.csv", ORDERS))
    load_file(con, config, write(tmp_path, "orders-fixed.csv", CORRECTED))
    forget(con, config, "bo@example.com")  # erased from the archived copies too


def _damage(config) -> None:
    path = warehouse.database_path(config)
    path.write_bytes(b"not a database any more" * 100)


def test_a_damaged_warehouse_is_rebuilt_from_the_archive_alone(con, config, tmp_path, monkeypatch, capsys):
    _loaded(con, config, tmp_path)
    before = _rows(con)
    logged = load_log.replays(con)
    logged_last = con.execute("select max(load_id) from loads").fetchone()[0]
    assert [r.file_name for r in logged] == ["people.csv", "orders.csv", "orders-fixed.csv"]
    con.close()
    _damage(config)
    with pytest.raises(UnreadableDatabase, match=r"is damaged and cannot be opened.*python -m legame rebuild"):
        warehouse.connect(config)
    _cli(config, tmp_path, monkeypatch)
    assert main(["rebuild"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("rebuilt from 3 archived uploads: ")
    assert "could not be read" in printed[-1] and f"after load #{logged_last}" in printed[-1]
    with duckdb.connect(config.data["warehouse"]["path"], read_only=True) as rebuilt:
        assert _rows(rebuilt) == before
        # The same uploads in the same order (a person erased from a copy gives that copy another hash).
        assert [r._replace(sha256="") for r in load_log.replays(rebuilt)] == [r._replace(sha256="") for r in logged]
        replayed = load_log.replays(rebuilt)
        assert rebuilt.execute("select revenue from orders").fetchall() == [(12.0,)]  # the correction won
    kept = warehouse.database_path(config).with_name("legame.duckdb.before-rebuild")
    assert kept.read_bytes() == b"not a database any more" * 100  # nothing lost
    assert load_log.read(config).loads == replayed  # the rebuild wrote the list again, whole


def test_a_file_of_a_newer_duckdb_is_rebuilt_from_the_list(con, config, tmp_path, monkeypatch):
    load_file(con, config, write(tmp_path, "orders.csv", ORDERS))
    before = _rows(con)
    con.close()
    path = str(warehouse.database_path(config))
    real = duckdb.connect

    def connect(database=":memory:", *args, **kwargs):
        if str(database) == path:
            raise duckdb.IOException(NEWER)
        return real(database, *args, **kwargs)

    monkeypatch.setattr(duckdb, "connect", connect)
    done = rebuild(config)
    monkeypatch.undo()
    assert done.loads == 1 and done.listed is not None
    with duckdb.connect(path, read_only=True) as rebuilt:
        assert _rows(rebuilt) == before


def test_the_list_follows_every_commit_and_is_encrypted(con, config, tmp_path):
    load_demo_if_empty(con, config)
    assert load_log.read(config).loads == load_log.replays(con) != []
    load_file(con, config, write(tmp_path, "orders.csv", ORDERS), remove_demo=True)
    assert [r.file_name for r in load_log.read(config).loads] == ["orders.csv"]
    sealed = load_log.path(config).read_bytes()
    assert b"orders.csv" not in sealed and b"cli" not in sealed
    # A preview commits nothing and writes nothing.
    load_file(con, config, write(tmp_path, "more.csv", ORDERS.replace("A-", "B-")), commit=False)
    assert load_log.path(config).read_bytes() == sealed


def test_without_a_list_or_with_another_secret_nothing_is_changed(con, config, tmp_path, monkeypatch):
    load_file(con, config, write(tmp_path, "orders.csv", ORDERS))
    con.close()
    _damage(config)
    damaged = warehouse.database_path(config).read_bytes()
    monkeypatch.setenv("LEGAME_SECRET", "another secret")
    config._secret = None
    with pytest.raises(LegameError, match="does not decrypt with this server's secret"):
        rebuild(config)
    load_log.path(config).unlink()
    with pytest.raises(LegameError, match="has no list of loads"):
        rebuild(config)
    assert warehouse.database_path(config).read_bytes() == damaged
    assert raw_archive.archived(config)  # the copies are still there


def test_a_failure_to_write_the_list_leaves_the_load_committed(con, config, tmp_path, monkeypatch, caplog):
    real = os.replace

    def replace(source, target):  # the disk fills up as the list is renamed into place
        if Path(target).name == load_log.NAME:
            raise OSError(28, "No space left on device")
        real(source, target)

    monkeypatch.setattr(os, "replace", replace)
    report = load_file(con, config, write(tmp_path, "orders.csv", ORDERS))
    assert report.inserted == 2
    assert "the next load writes it" in caplog.text
    assert not load_log.path(config).exists()  # and no list was left half written
    assert not [p for p in raw_archive.folder(config).iterdir() if p.name.endswith(".partial")]


def test_a_warehouse_without_a_list_gets_one_when_opened_for_writing(con, config, tmp_path):
    load_file(con, config, write(tmp_path, "orders.csv", ORDERS))
    con.close()
    load_log.path(config).unlink()  # as a Legame that kept no list left it
    warehouse.connect(config, read_only=True).close()
    assert not load_log.path(config).exists()  # a reader writes nothing
    with warehouse.connect(config) as again:
        assert load_log.read(config).loads == load_log.replays(again) != []


MORE = "order_id,email,ordered_at,revenue\nB-1,ana@example.com,2025-09-01,30\n"


def _full(*args):
    raise OSError(28, "No space left on device")


def test_a_list_left_behind_by_a_crash_is_caught_up_by_the_next_connection(con, config, tmp_path, monkeypatch):
    load_file(con, config, write(tmp_path, "orders.csv", ORDERS))
    with monkeypatch.context() as m:
        m.setattr(load_log, "_write", _full)
        load_file(con, config, write(tmp_path, "more.csv", MORE))  # committed; the list stays one load behind
    assert [r.file_name for r in load_log.read(config).loads] == ["orders.csv"]
    con.close()
    with warehouse.connect(config) as again:
        assert load_log.current(again, config)
        assert [r.file_name for r in load_log.read(config).loads] == ["orders.csv", "more.csv"]


def test_a_rebuild_from_a_list_behind_says_up_to_which_load(con, config, tmp_path, monkeypatch):
    load_file(con, config, write(tmp_path, "orders.csv", ORDERS))
    first = con.execute("select max(load_id) from loads").fetchone()[0]
    with monkeypatch.context() as m:
        m.setattr(load_log, "_write", _full)
        load_file(con, config, write(tmp_path, "more.csv", MORE))
    con.close()
    _damage(config)
    done = rebuild(config)
    assert done.loads == 1 and f", after load #{first}: a load after that moment is not in it" in done.lines()[-1]


def test_a_damaged_files_write_ahead_log_stays_with_it(con, config, tmp_path):
    import subprocess
    import sys

    load_file(con, config, write(tmp_path, "orders.csv", ORDERS))
    con.close()
    path = warehouse.database_path(config)
    # A process writes a row that reaches only the write-ahead log, and dies: the log stays beside the file.
    code = f"""
import duckdb, os
c = duckdb.connect({str(path)!r})
c.execute("set wal_autocheckpoint = '1TB'")
c.execute("insert into orders select * replace ('A-9' as order_id) from orders limit 1")
os._exit(0)
"""
    subprocess.run([sys.executable, "-c", code], check=True)
    wal = path.with_name(path.name + ".wal")
    assert wal.exists()
    with open(path, "r+b") as damaged:
        damaged.write(b"\0" * 4096)
    done = rebuild(config)
    assert not wal.exists() and done.previous.with_name(done.previous.name + ".wal").exists()
    with duckdb.connect(str(path), read_only=True) as rebuilt:
        assert rebuilt.execute("select order_id from orders order by 1").fetchall() == [("A-1",), ("A-2",)]


def test_a_file_cut_short_is_unreadable_and_rebuilt(con, config, tmp_path):
    load_file(con, config, write(tmp_path, "orders.csv", ORDERS))
    before = _rows(con)
    con.close()
    path = warehouse.database_path(config)
    with open(path, "r+b") as cut:
        cut.truncate(path.stat().st_size // 2)
    with pytest.raises(UnreadableDatabase):
        warehouse.connect(config)
    rebuild(config)
    with duckdb.connect(str(path), read_only=True) as rebuilt:
        assert _rows(rebuilt) == before


def test_a_new_warehouse_in_place_of_one_moved_aside_keeps_the_old_list(con, config, tmp_path):
    load_file(con, config, write(tmp_path, "orders.csv", ORDERS))
    old = load_log.read(config)
    con.close()
    path = warehouse.database_path(config)
    path.rename(path.with_name("moved-aside.duckdb"))
    with warehouse.connect(config) as new:
        load_file(new, config, write(tmp_path, "more.csv", MORE))
    assert [r.file_name for r in load_log.read(config).loads] == ["more.csv"]
    (kept,) = load_log.path(config).parent.glob("loads.*.log")
    assert load_log._decrypt(kept, config) == old


def test_a_second_rebuild_keeps_the_file_the_first_kept(con, config, tmp_path):
    load_file(con, config, write(tmp_path, "orders.csv", ORDERS))
    con.close()
    _damage(config)
    first = rebuild(config).previous
    second = rebuild(config).previous
    assert first != second and first.read_bytes() == b"not a database any more" * 100 and second.exists()
