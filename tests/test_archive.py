"""The raw archive: encrypted, complete or absent, repaired when damaged; a person can be erased from it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest
import yaml

from legame import load_log, raw_archive, warehouse
from legame.backup import backup
from legame.cli import main
from legame.config import ROOT
from legame.errors import LegameError
from legame.forget import forget
from legame.ingest import load_file
from tests.conftest import write

ORDERS = "order_id,email,ordered_at,revenue\nA-1,ana@example.com,2025-08-01,10\nA-2,bo@example.com,2025-08-02,20\n"
EMAIL = re.compile(rb"[a-z0-9._+-]{3,}@[a-z0-9-]{3,}\.(?:example|org|com|it)\b", re.IGNORECASE)


def _archived(config) -> list[Path]:
    """Every file in the archive's folder but its list of loads (legame/load_log.py) and hidden ones."""
    return sorted(
        p for p in raw_archive.folder(config).iterdir() if not p.name.startswith(".") and p.name != load_log.NAME
    )


def test_an_upload_is_archived_once_by_its_hash_and_restores_byte_for_byte(con, config, tmp_path):
    path = write(tmp_path, "orders.csv", ORDERS)
    load_file(con, config, path)
    load_file(con, config, path)
    sha = raw_archive.file_sha256(path)
    assert [p.name for p in _archived(config)] == [f"{sha}.enc"]
    assert raw_archive.intact(config, sha)
    with raw_archive.restored(config, sha) as plain:
        assert plain.read_bytes() == path.read_bytes()


def test_a_truncated_or_altered_copy_is_repaired_by_the_next_upload(con, config, tmp_path):
    path = write(tmp_path, "orders.csv", ORDERS)
    sha = raw_archive.file_sha256(path)
    load_file(con, config, path)
    (copy,) = _archived(config)
    whole = copy.read_bytes()
    for damaged in (whole[:-5], whole[:-1] + bytes([whole[-1] ^ 1]), whole + b"x"):
        copy.write_bytes(damaged)  # what a kill during the copy, or a flipped bit, leaves
        assert not raw_archive.intact(config, sha)
        load_file(con, config, path)
        assert raw_archive.intact(config, sha)


def test_a_copy_under_another_secret_does_not_read(con, config, tmp_path, monkeypatch):
    path = write(tmp_path, "orders.csv", ORDERS)
    load_file(con, config, path)
    monkeypatch.setattr(config, "_secret", "another server")
    assert not raw_archive.intact(config, raw_archive.file_sha256(path))
    with pytest.raises(raw_archive.ArchiveDamaged, match="damaged, or was written with another secret"):
        with raw_archive.restored(config, raw_archive.file_sha256(path)):
            pass


def test_a_partial_copy_never_takes_the_real_name(config, tmp_path, monkeypatch):
    path = write(tmp_path, "orders.csv", ORDERS)

    def cut_short(*args):
        raise KeyboardInterrupt  # a kill between the copy and the rename

    monkeypatch.setattr(raw_archive.os, "replace", cut_short)
    with pytest.raises(KeyboardInterrupt):
        raw_archive.store(path, raw_archive.file_sha256(path), "orders.csv", config)
    assert list(raw_archive.folder(config).iterdir()) == []


def test_the_demo_archive_holds_no_plain_email(demo, config):
    files = _archived(config)
    assert len(files) >= 8
    found = [p.name for p in files if EMAIL.search(p.read_bytes())]
    assert found == []
    # ... and the same files in the demo folder are full of them (the check can fail).
    assert sum(len(EMAIL.findall(p.read_bytes())) for p in (ROOT / "data" / "demo").glob("crm*.csv")) >= 5000


def test_plain_copies_of_an_older_legame_are_encrypted(config, tmp_path):
    raw = raw_archive.folder(config)
    raw.mkdir(parents=True)
    path = write(tmp_path, "orders.csv", ORDERS)
    sha = raw_archive.file_sha256(path)
    (raw / f"{sha}.csv").write_bytes(path.read_bytes())
    (raw / f"{'0' * 64}.csv").write_bytes(b"cut short")  # a plain copy whose hash is wrong
    assert raw_archive.encrypt_plain_copies(config) == 2
    assert [p.name for p in _archived(config)] == [f"{sha}.enc"]


CRM = (
    "email,first_seen,is_member,referred_by,segment\n"
    "ana@example.com,2025-01-01,true,,Core\n"
    "bo@example.com,2025-01-02,false,ana@example.com,Casual\n"
    "cy@example.com,2025-01-03,false,,Casual\n"
)
SURVEYS = (
    "response_id,email,answered_at,score,comment\n"
    "S-1,ANA@example.com,2025-08-03,9,great\n"
    "S-2,cy@example.com,2025-08-03,3,meh\n"
)
REFERRALS = "referrer_id,referred_id,referred_at\nana@example.com,bo@example.com,2025-01-02\n"


def _rows(con) -> dict[str, list]:
    return {t: con.execute(f"select * exclude (load_id) from {t} order by all").fetchall() for t in warehouse.TABLES}


def test_forget_erases_a_person_from_every_table_and_the_archive(con, config, tmp_path, capsys):
    for name, text in (("people.csv", CRM), ("orders.csv", ORDERS), ("surveys.csv", SURVEYS), ("ref.csv", REFERRALS)):
        load_file(con, config, write(tmp_path, name, text))
    erasure = forget(con, config, " Ana@Example.com ")
    erased = {table: n for table, n in erasure.rows.items() if n}
    assert erased == {"people": 1, "orders": 1, "surveys": 1, "referrals": 1}
    assert erasure.mentions == 1 and erasure.files == 4
    rows = _rows(con)
    assert len(rows["people"]) == 2 and all(r[4] is None for r in rows["people"])  # bo's referrer cleared
    assert [r[0] for r in rows["orders"]] == ["A-2"]
    log = con.execute("select file_name, sha256, profile from loads order by load_id desc limit 1").fetchone()
    assert log == ("one person erased: 4 rows", "", "person_erased")
    everything = str(con.execute("select * from loads").fetchall()) + str(
        con.execute("select * from rejects").fetchall()
    )
    assert "ana@" not in everything.lower()
    for sha in raw_archive.archived(config):
        with raw_archive.restored(config, sha) as plain:
            text = plain.read_text()
            assert "ana@example.com" not in text.lower()
            assert "bo@example.com" in text or "cy@example.com" in text  # other people stay
        assert raw_archive.intact(config, sha)


def test_forget_from_the_command_line(config, tmp_path, monkeypatch, capsys):
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config.data, allow_unicode=True))
    monkeypatch.setenv("LEGAME_CONFIG", str(tmp_path / "config.yaml"))
    monkeypatch.setenv("LEGAME_DB", str(tmp_path / "cli.duckdb"))
    assert main(["forget", "nobody@example.com"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "erased: no rows held this person",
        "mentions cleared: 0, rejected values deleted: 0",
        "archived uploads rewritten without them: 0",
    ]
    assert main(["forget", "not an address"]) == 1
    assert capsys.readouterr().err == (
        "error: 'not an address' is not an e-mail address: forget takes the address the person gave.\n"
    )
    with duckdb.connect(str(tmp_path / "cli.duckdb")) as check:
        assert check.execute("select profile from loads").fetchall() == [("person_erased",)]


# -- Rebuild and backup ------------------------------------------------------------------------


def _cli(config, tmp_path, monkeypatch):
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config.data, allow_unicode=True))
    monkeypatch.setenv("LEGAME_CONFIG", str(tmp_path / "config.yaml"))
    monkeypatch.setenv("LEGAME_DB", config.data["warehouse"]["path"])


def _kpis_json(capsys) -> object:
    """The KPI JSON, floats to 7 significant digits: DuckDB sums doubles in parallel, in no fixed order, and
    the CLV model's optimiser carries a last-digit difference in its inputs to about the 9th digit of its fit."""

    def stable(node: object) -> object:
        if isinstance(node, float):
            return float(f"{node:.7g}")
        if isinstance(node, dict):
            return {k: stable(v) for k, v in node.items()}
        return [stable(v) for v in node] if isinstance(node, list) else node

    capsys.readouterr()
    assert main(["kpis", "--from", "2025-07-01", "--to", "2025-09-30", "--json"]) == 0
    return stable(json.loads(capsys.readouterr().out))


def test_rebuild_from_the_archive_gives_the_same_kpis_and_tables(demo, config, tmp_path, monkeypatch, capsys):
    from legame import share
    from tests.test_share import Q3

    share.create_link(demo, config, label="kept", view=Q3, days=30)
    forget(demo, config, "chiara.bonetti@ardesia.example")  # the archive rebuilds the erasure too
    before_rows = _rows(demo)
    links = demo.execute("select link_id from links").fetchall()
    demo.close()
    _cli(config, tmp_path, monkeypatch)
    before = _kpis_json(capsys)
    assert main(["rebuild"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("rebuilt from 8 archived uploads: people ")
    assert _kpis_json(capsys) == before
    with duckdb.connect(config.data["warehouse"]["path"], read_only=True) as rebuilt:
        assert _rows(rebuilt) == before_rows
        assert rebuilt.execute("select link_id from links").fetchall() == links


def test_rebuild_refuses_when_an_upload_has_no_intact_copy(con, config, tmp_path, monkeypatch, capsys):
    path = write(tmp_path, "orders.csv", ORDERS)
    load_file(con, config, path)
    con.close()
    raw_archive.target(config, raw_archive.file_sha256(path)).write_bytes(b"cut")
    _cli(config, tmp_path, monkeypatch)
    assert main(["rebuild"]) == 1
    assert capsys.readouterr().err == (
        "error: The archive cannot rebuild the warehouse: 1 upload has no intact copy (orders.csv). "
        "Nothing was changed.\n"
    )


def test_backup_through_the_connection_that_holds_the_file(demo, config, tmp_path):
    # The app's situation: its connection holds the lock, and it alone can copy the file.
    counts = backup(demo, tmp_path / "copy.duckdb")
    assert counts == warehouse.table_counts(demo)
    with duckdb.connect(str(tmp_path / "copy.duckdb"), read_only=True) as copy:
        assert _rows(copy) == _rows(demo)
    with pytest.raises(LegameError, match="already exists: pick a new file name"):
        backup(demo, tmp_path / "copy.duckdb")


def test_threads_archiving_the_same_upload_at_once_all_succeed_and_leave_one_intact_copy(config, tmp_path):
    # Two sessions of one server are two threads of one process; a load also writes its copy on a thread of
    # its own. Each writes through a temporary name of its own (process and thread), so none truncates or
    # renames away another's copy while it is being written and checked.
    import threading

    path = tmp_path / "orders.csv"
    path.write_text(
        "order_id,email,ordered_at,revenue\n"
        + "".join(f"A-{i},p{i % 997}@example.com,2025-08-01,{i % 50}\n" for i in range(300_000))
    )
    sha = raw_archive.file_sha256(path)
    start, errors = threading.Barrier(6), []

    def store() -> None:
        start.wait()
        try:
            raw_archive.store(path, sha, "orders.csv", config)
        except Exception as exc:  # collected: a thread's exception would not fail the test
            errors.append(exc)

    threads = [threading.Thread(target=store) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert [p.name for p in raw_archive.folder(config).iterdir()] == [f"{sha}.enc"]
    with raw_archive.restored(config, sha) as plain:
        assert plain.read_bytes() == path.read_bytes()


class _FailingCommit:
    """A connection whose commit fails, as a full disk or a lost lock would fail it."""

    def __init__(self, con) -> None:
        self._con = con

    def __getattr__(self, name: str):
        return getattr(self._con, name)

    def execute(self, sql: str, *args, **kwargs):
        if sql == "commit":
            raise duckdb.IOException("IO Error: could not write the file")
        return self._con.execute(sql, *args, **kwargs)


def _fail_at(step: str, monkeypatch) -> None:
    from legame import aggregates
    from legame.ingest import pipeline

    def broken(*args, **kwargs):
        raise duckdb.IOException(f"IO Error: {step} failed")

    owner = aggregates if step == "refresh" else pipeline
    monkeypatch.setattr(owner, step, broken)


MORE_ORDERS = "order_id,email,ordered_at,revenue\nA-2,bo@example.com,2025-08-02,25\nA-3,cy@example.com,2025-08-03,30\n"


@pytest.mark.parametrize("step", ["_merge", "refresh", "_record", "commit"])
def test_a_load_that_fails_after_its_copy_started_leaves_no_copy(con, config, tmp_path, monkeypatch, step):
    # The copy is written while the load merges, refreshes the aggregates, logs itself and commits: a failure
    # in any of those (not in the file) loads nothing, and an archived copy with no load would be personal data
    # kept for nothing. The merge runs on a table with rows: a first file is loaded before.
    first = load_file(con, config, write(tmp_path, "orders.csv", ORDERS))
    before = (warehouse.table_counts(con), con.execute("select count(*) from loads").fetchone())
    path = write(tmp_path, "more.csv", MORE_ORDERS)
    loading = con
    if step == "commit":
        loading = _FailingCommit(con)
    else:
        _fail_at(step, monkeypatch)
    with pytest.raises(duckdb.IOException, match="IO Error"):
        load_file(loading, config, path)
    assert (warehouse.table_counts(con), con.execute("select count(*) from loads").fetchone()) == before
    assert [p.name for p in _archived(config)] == [f"{first.sha256}.enc"]
    monkeypatch.undo()
    load_file(con, config, path)
    assert raw_archive.intact(config, raw_archive.file_sha256(path))


def test_a_failed_load_keeps_the_copy_a_logged_load_or_a_load_in_flight_has(con, config, tmp_path, monkeypatch):
    path = write(tmp_path, "orders.csv", ORDERS)
    sha = load_file(con, config, path).sha256
    _fail_at("_record", monkeypatch)
    with pytest.raises(duckdb.IOException):
        load_file(con, config, path)  # a reload: the copy belongs to the first load
    assert raw_archive.intact(config, sha)
    # Another session's load of the same upload, in flight: the failed load wrote the copy, the other one
    # found it written and will commit with it; when that one fails too, the copy goes.
    other = write(tmp_path, "more.csv", MORE_ORDERS)
    other_sha = raw_archive.file_sha256(other)
    raw_archive.hold(other_sha)
    try:
        with pytest.raises(duckdb.IOException):
            load_file(con, config, other)
        assert raw_archive.intact(config, other_sha)
    finally:
        raw_archive.release(config, other_sha, True, lambda: False)
    assert not raw_archive.target(config, other_sha).exists()


def test_a_rebuild_that_fails_keeps_every_archived_copy(con, config, tmp_path, monkeypatch):
    from legame.backup import rebuild

    # A rebuild replays the logged loads into a new file from their copies, the only ones: a replay that fails
    # finds its load logged nowhere in that file, and must still leave the copy it read.
    path = write(tmp_path, "orders.csv", ORDERS)
    sha = load_file(con, config, path).sha256
    con.close()
    _fail_at("_record", monkeypatch)
    with pytest.raises(duckdb.IOException):
        rebuild(config)
    assert raw_archive.intact(config, sha)
