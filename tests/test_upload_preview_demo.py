"""The Upload page's first preview, with the demo data to be removed, says what the removal would take away without
rebuilding the aggregates: its transaction is rolled back, and nothing reads them before (legame/demo_data.py,
delete_demo's `aggregates_too`). A load that removes the demo still brings every aggregate up to date."""

from __future__ import annotations

from collections import Counter

import pytest

from legame import aggregates, demo_data, warehouse
from legame.ingest import load_demo_if_empty, uploads
from tests.conftest import ROOT

NAME = "meta_posts_upload.csv"


def new_posts() -> bytes:
    """The demo's posts export as other posts (new ids): a file the Upload page recognises and would load."""
    header, *rows = (ROOT / "data" / "demo" / "meta_posts.csv").read_bytes().decode("utf-8-sig").split("\n")
    return "\n".join([header, *(f"9{row}" if row else row for row in rows)]).encode()


def aggregate_rows(con) -> dict[str, list]:
    return {
        name: con.execute(f"select * from {name} order by all").fetchall()  # names are ours
        for name in (*aggregates.PERSON_TABLES, *aggregates.WHOLE_TABLES)
    }


@pytest.fixture
def demo_db(con, config):
    """The warehouse as on a first start: the built-in demo exports loaded as demo loads."""
    assert load_demo_if_empty(con, config)
    return con


def test_a_preview_that_removes_the_demo_leaves_the_aggregates_alone(demo_db, config, counting):
    before = aggregate_rows(demo_db)
    demo_rows = sum(demo_data.demo_rows(demo_db).values())
    counted = counting(aggregates, "mark")
    counting(aggregates, "refresh")
    report = uploads.preview_export(demo_db, config, NAME, new_posts(), remove_demo=True).reports[0]
    assert report.demo_removed.total == demo_rows > 0
    assert report.inserted > 1000
    assert counted == Counter(), counted
    assert aggregate_rows(demo_db) == before
    assert warehouse.demo_state(demo_db) == "demo"


def test_a_load_that_removes_the_demo_keeps_every_aggregate_exact(demo_db, config):
    loaded = uploads.commit_export(demo_db, config, NAME, new_posts(), loaded_by="app", remove_demo=True)
    assert loaded.reports[0].demo_removed.total > 0
    assert warehouse.demo_state(demo_db) == "real"
    kept = aggregate_rows(demo_db)
    assert not any(kept.values()), "posts alone: no person, no order, no interaction left to aggregate"
    aggregates.rebuild(demo_db)
    assert aggregate_rows(demo_db) == kept
