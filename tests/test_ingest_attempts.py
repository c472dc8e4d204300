"""A load's attempts: its id is above every load id stored, a conflict is tried again, a read that met a row
to explain is not tried again."""

from __future__ import annotations

import duckdb
import pytest

from legame import warehouse
from legame.errors import FatalFileError
from legame.ingest import load_file, pipeline
from tests.conftest import write

ACTS = "event_id,person_id,occurred_at,channel,kind\nE-1,p1,2025-08-01,forum,comment\nE-2,p2,2025-08-02,forum,reply\n"
ORDERS = "order_id,email,ordered_at,revenue\nA-1,ana@example.com,2025-08-01,10\n"


def test_a_new_load_id_is_above_every_load_id_stored_not_only_in_loads(con, config, tmp_path):
    # Rows left by loads whose log rows are gone: a reject of load 4, an act of load 9.
    con.execute("insert into rejects values (4, 2, 'revenue', 'x', 'not a number')")
    con.execute(
        "insert into interactions (event_id, person_id, occurred_at, channel, kind, load_id) "
        "values ('STRAY', 'p9', timestamp '2025-07-01', 'forum', 'comment', 9)"
    )
    first = load_file(con, config, write(tmp_path, "orders.csv", ORDERS))
    assert first.load_id == 10
    acts = load_file(con, config, write(tmp_path, "acts.csv", ACTS))
    assert acts.load_id == 11
    stored = con.execute("select load_id, count(*) from interactions group by 1 order by 1").fetchall()
    assert stored == [(9, 1), (11, 2)]
    assert con.execute("select load_id, count(*) from rejects group by 1").fetchall() == [(4, 1)]


def test_every_table_with_a_load_id_is_looked_at(con):
    found = {
        name
        for (name,) in con.execute(
            "select table_name from duckdb_columns() where column_name = 'load_id' and not internal"
            " and database_name = current_database()"
        ).fetchall()
    }
    assert found and found <= set(pipeline.LOAD_ID_TABLES)


def test_a_conflicting_commit_is_tried_again_on_the_shared_helper(con, config, tmp_path, monkeypatch):
    turns, waits = [], []
    took = pipeline.take_turn

    def conflicting_once(connection):
        turns.append(1)
        if len(turns) == 1:
            raise duckdb.TransactionException("TransactionContext Error: Catalog write-write conflict")
        took(connection)

    monkeypatch.setattr(pipeline, "take_turn", conflicting_once)
    monkeypatch.setattr(warehouse, "retry_wait", waits.append)
    report = load_file(con, config, write(tmp_path, "orders.csv", ORDERS))
    assert (len(turns), waits, report.load_id) == (2, [0], 1)
    assert con.execute("select count(*) from orders").fetchone()[0] == 1
    assert con.execute("select count(*) from loads").fetchone()[0] == 1


def test_a_file_that_cannot_load_is_not_tried_again(con, config, tmp_path, monkeypatch):
    waits = []
    monkeypatch.setattr(warehouse, "retry_wait", waits.append)
    with pytest.raises(FatalFileError):
        load_file(con, config, write(tmp_path, "orders.csv", "order_id,email,ordered_at,revenue\n"))
    assert waits == []


TIED = (
    "order_id,email,ordered_at,revenue\n"
    "T1,ana@example.com,2025-08-01,10\n"
    "T2,bo@example.com,2025-08-02,oops\n"
    "T1,ana@example.com,2025-08-03,12\n"
    "T3,cy@example.com,2025-08-04,7\n"
)


@pytest.mark.parametrize("text", [TIED, TIED.replace(",oops", ",20")], ids=["tied-and-bad", "tied"])
def test_after_the_straight_insert_meets_a_row_to_explain_the_file_is_read_in_order_at_once(
    con, config, tmp_path, monkeypatch, text
):
    path = write(tmp_path, "orders.csv", text)
    preview = load_file(con, config, path, commit=False)  # read in one pass, then in order: no straight insert
    one_pass_reads = []
    staged = pipeline._stage_in_one_pass
    monkeypatch.setattr(pipeline, "_stage_in_one_pass", lambda *a: one_pass_reads.append(1) or staged(*a))
    report = load_file(con, config, path)
    assert one_pass_reads == []
    assert report.duplicates_in_file == preview.duplicates_in_file == 1
    assert (report.rejects, report.notes, report.rows_read) == (preview.rejects, preview.notes, preview.rows_read)
    assert report.inserted == preview.inserted
    assert con.execute("select order_id, revenue from orders order by 1").fetchall()[0] == ("T1", 12.0)
