"""The bad-input corpus (tests/fixtures/attacks/): each hostile or broken file does what manifest.json says.

A fatal file is refused whole, by name, and the digest of every table (and the archive) is
unchanged; a row-level file loads with exactly the listed lines rejected. Each file meets a
copy of the same small warehouse on a real DuckDB file.
"""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
from pathlib import Path

import pytest

from legame import warehouse
from legame.config import ROOT, load_config
from legame.errors import LegameError
from legame.ingest import load_export, load_file
from tests.conftest import write

CORPUS = ROOT / "tests" / "fixtures" / "attacks"
MANIFEST = {k: v for k, v in json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8")).items() if k[0] != "_"}
BASE_ORDERS = (
    "order_id,email,ordered_at,revenue\nB-1,base1@example.com,2025-07-01,100\nB-2,base2@example.com,2025-07-02,50\n"
)


def digest(con) -> dict[str, str]:
    """A content digest of every table of the warehouse."""
    tables = [t for (t,) in con.execute("select table_name from duckdb_tables() order by 1").fetchall()]
    return {
        table: hashlib.sha256(repr(con.execute(f"select * from {table} order by all").fetchall()).encode()).hexdigest()
        for table in tables
    }


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """The small warehouse (two orders) built once: each test gets a copy of its file and archive."""
    folder = tmp_path_factory.mktemp("corpus-base")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("LEGAME_SECRET", "test-secret")
        config = copy.deepcopy(load_config(ROOT / "config.yaml"))
        config.data["warehouse"].update(path=str(folder / "base.duckdb"), raw_dir=str(folder / "raw"))
        env.delenv("LEGAME_DB", raising=False)
        con = warehouse.connect(config)
        load_file(con, config, write(folder, "base.csv", BASE_ORDERS))
        con.close()
    return folder


@pytest.fixture
def warehouse_copy(config, base):
    shutil.copyfile(base / "base.duckdb", config.data["warehouse"]["path"])
    shutil.copytree(base / "raw", config.data["warehouse"]["raw_dir"])
    con = warehouse.connect(config)
    yield con
    con.close()


def test_the_corpus_is_complete():
    files = sorted(p.name for p in CORPUS.iterdir() if p.suffix in (".csv", ".tsv", ".xlsx"))
    assert files == sorted(MANIFEST)
    assert len(files) >= 60
    outcomes = [v["outcome"] for v in MANIFEST.values()]
    assert outcomes.count("fatal") >= 25 and outcomes.count("rows") >= 25


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_each_attack_does_what_the_manifest_says(warehouse_copy, config, tmp_path, name):
    con, expected = warehouse_copy, MANIFEST[name]
    raw = Path(config.data["warehouse"]["raw_dir"])
    before, archived = digest(con), sorted(raw.iterdir())
    # A copy under its own name: the file's name is what the messages must carry.
    path = tmp_path / "upload" / name
    path.parent.mkdir()
    shutil.copyfile(CORPUS / name, path)
    if expected["outcome"] == "fatal":
        with pytest.raises(LegameError) as refused:
            load_export(con, config, path)
        assert str(refused.value).startswith(expected["message_starts"])
        assert digest(con) == before
        assert sorted(raw.iterdir()) == archived
        return
    (report,) = load_export(con, config, path).reports
    assert (report.table, report.rows_to_load) == (expected["table"], expected["loaded"])
    assert sorted({reject["row"] for reject in report.rejects}) == expected["rejected_lines"]
    stored = con.execute("select rows_rejected, rows_read from loads where load_id = $id", {"id": report.load_id})
    rejected, _ = stored.fetchone()
    assert rejected == len(expected["rejected_lines"])
    assert digest(con)[expected["table"]] != before[expected["table"]] or expected["loaded"] == 0
