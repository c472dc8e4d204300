"""The raw archive: a copy is complete or absent, a damaged one is repaired, the database can be rebuilt from it."""

from __future__ import annotations

from pathlib import Path

from legame import raw_archive
from legame.ingest import load_file
from tests.conftest import write

ORDERS = "order_id,email,ordered_at,revenue\nA-1,ana@example.com,2025-08-01,10\nA-2,bo@example.com,2025-08-02,20\n"


def _archived(config) -> list[Path]:
    return sorted(p for p in raw_archive.folder(config).iterdir() if not p.name.startswith("."))


def test_an_upload_is_archived_once_by_its_hash(con, config, tmp_path):
    path = write(tmp_path, "orders.csv", ORDERS)
    load_file(con, config, path)
    load_file(con, config, path)
    sha = raw_archive.file_sha256(path)
    assert [p.name.split(".")[0] for p in _archived(config)] == [sha]
    assert raw_archive.intact(config, sha, "orders.csv")


def test_a_truncated_copy_is_repaired_by_the_next_upload(con, config, tmp_path):
    path = write(tmp_path, "orders.csv", ORDERS)
    load_file(con, config, path)
    (copy,) = _archived(config)
    copy.write_bytes(copy.read_bytes()[:20])  # what a kill during the copy used to leave
    assert not raw_archive.intact(config, raw_archive.file_sha256(path), "orders.csv")
    load_file(con, config, path)
    assert raw_archive.intact(config, raw_archive.file_sha256(path), "orders.csv")


def test_a_partial_copy_never_takes_the_real_name(config, tmp_path, monkeypatch):
    path = write(tmp_path, "orders.csv", ORDERS)
    sha = raw_archive.file_sha256(path)

    def cut_short(*args):
        raise KeyboardInterrupt  # a kill between the copy and the rename

    monkeypatch.setattr(raw_archive.os, "replace", cut_short)
    try:
        raw_archive.store(path, sha, "orders.csv", config)
    except KeyboardInterrupt:
        pass
    assert list(raw_archive.folder(config).iterdir()) == []
