"""The Upload page previews a file, previews it again after the demo choice, then loads it: a small file read in one
pass with every row good is read once (legame/ingest/pipeline.py, _KeptReads), and what is loaded is exactly what a
load of the file alone loads. Other bytes, or the same bytes read otherwise, are read again."""

from __future__ import annotations

import copy
from collections import Counter

import pytest

from legame import warehouse
from legame.config import Config
from legame.ingest import pipeline, uploads
from tests.conftest import ROOT

DEMO_POSTS = (ROOT / "data" / "demo" / "meta_posts.csv").read_bytes()
NAME = "meta_posts_upload.csv"


def new_posts(data: bytes) -> bytes:
    """The posts export as other posts (new ids): loaded beside the demo's, into a table that has rows."""
    header, *rows = data.decode("utf-8-sig").split("\n")
    return "\n".join([header, *(f"9{row}" if row else row for row in rows)]).encode()


POSTS = new_posts(DEMO_POSTS)


@pytest.fixture
def reads(counting) -> Counter:
    """The files read and parsed in one pass (not taken back from a kept read)."""
    pipeline._KEPT_READS.clear()
    yield counting(pipeline, "_read_in_one_pass", "read")
    pipeline._KEPT_READS.clear()


def other_posts(data: bytes) -> bytes:
    """The posts export with one post's reach changed: the same name and shape, other bytes."""
    text = data.decode("utf-8-sig")
    header, first, *rest = text.split("\n")
    cells = first.split(",")
    reach = header.split(",").index("Reach")
    cells[reach] = str(int(cells[reach]) + 7)
    return "\n".join([header, ",".join(cells), *rest]).encode()


def stored(con) -> dict[str, list]:
    """What a load leaves: the posts, the load's log (but its time) and rejects, and the table's fingerprint."""
    return {
        "posts": con.execute("select * from posts order by post_id").fetchall(),
        "loads": con.execute("select * exclude (loaded_at) from loads order by load_id").fetchall(),
        "rejects": con.execute("select * from rejects order by all").fetchall(),
        "fingerprints": con.execute("select * from table_fingerprints order by all").fetchall(),
    }


def counts(load) -> list[tuple]:
    """What each report of a preview or a load says of the file's rows."""
    fields = (
        "rows_read",
        "inserted",
        "replaced",
        "unchanged",
        "rejected",
        "duplicates_in_file",
        "min_date",
        "max_date",
    )
    return [
        (*(getattr(report, name) for name in fields), report.rejects, report.preview_rows) for report in load.reports
    ]


def with_posts(con, config: Config) -> None:
    """The demo's posts loaded first: a later load stages its file and merges it (an empty table is inserted into
    straight from the file, with no staging)."""
    uploads.commit_export(con, config, "meta_posts.csv", DEMO_POSTS, loaded_by="cli", remove_demo=False)


def other_warehouse(config: Config, tmp_path) -> tuple[Config, object]:
    """Another warehouse with the demo's posts, as the fixture's."""
    data = copy.deepcopy(config.data)
    data["warehouse"].update(path=str(tmp_path / "other.duckdb"), raw_dir=str(tmp_path / "other-raw"))
    other = Config(data=data, root=config.root)
    connection = warehouse.connect(other)
    with_posts(connection, other)
    return other, connection


def test_a_preview_its_second_preview_and_its_load_read_the_file_once(con, config, reads, tmp_path):
    with_posts(con, config)
    reads.clear()
    first = uploads.preview_export(con, config, NAME, POSTS, remove_demo=True)
    again = uploads.preview_export(con, config, NAME, POSTS, remove_demo=False)
    assert reads == Counter({"read": 1}), reads
    assert counts(first) == counts(again)
    loaded = uploads.commit_export(con, config, NAME, POSTS, loaded_by="app", remove_demo=False)
    assert reads == Counter({"read": 1}), reads
    assert counts(loaded) == counts(again)

    # The same file loaded alone, in another warehouse, with nothing kept: the same rows, log and fingerprint.
    pipeline._KEPT_READS.clear()
    other_config, other = other_warehouse(config, tmp_path)
    reads.clear()
    try:
        alone = uploads.commit_export(other, other_config, NAME, POSTS, loaded_by="app", remove_demo=False)
        assert reads == Counter({"read": 1}), reads  # its own (its demo posts went straight in)
        assert counts(alone) == counts(loaded)
        assert stored(other) == stored(con)
        assert loaded.reports[0].inserted > 1000 and loaded.reports[0].replaced == 0
        assert len(stored(con)["posts"]) == 2 * loaded.reports[0].inserted
    finally:
        other.close()


def test_other_bytes_under_the_same_name_are_read_again(con, config, reads, tmp_path):
    with_posts(con, config)
    reads.clear()
    uploads.preview_export(con, config, NAME, POSTS, remove_demo=False)
    changed = other_posts(POSTS)
    uploads.commit_export(con, config, NAME, changed, loaded_by="app", remove_demo=False)
    assert reads == Counter({"read": 2}), reads
    pipeline._KEPT_READS.clear()
    other_config, other = other_warehouse(config, tmp_path)
    try:
        uploads.commit_export(other, other_config, NAME, changed, loaded_by="app", remove_demo=False)
        assert stored(other)["posts"] == stored(con)["posts"]
    finally:
        other.close()


def test_a_read_with_a_reject_is_not_kept(con, config, reads):
    with_posts(con, config)
    text = POSTS.decode("utf-8-sig").split("\n")
    text.insert(3, text[3] + ",one,too,many")  # a line with more values than the header: DuckDB rejects it
    data = "\n".join(text).encode()
    previewed = uploads.preview_export(con, config, NAME, data, remove_demo=False)
    assert previewed.reports[0].rejected == 1
    loaded = uploads.commit_export(con, config, NAME, data, loaded_by="app", remove_demo=False)
    assert loaded.reports[0].rejected == 1
    assert con.execute("select count(*) from rejects").fetchone()[0] == 1
