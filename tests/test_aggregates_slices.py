"""A rebuild by slices of people (aggregates.SLICE_ROWS, for warehouses too big for one pass in memory)
gives the same aggregate rows as one pass."""

from __future__ import annotations

from legame import aggregates


def rows(con, table: str) -> list[tuple]:
    return con.execute(f"select * from {table} order by all").fetchall()  # names are ours


def test_a_rebuild_by_slices_gives_the_rows_of_one_pass(demo, monkeypatch):
    tables = aggregates.PERSON_TABLES + aggregates.WHOLE_TABLES
    aggregates.rebuild(demo)
    whole = {table: rows(demo, table) for table in tables}
    assert all(whole[table] for table in aggregates.PERSON_TABLES)
    monkeypatch.setattr(aggregates, "SLICE_ROWS", 2_000)  # the demo's 20,853 acts: 11 slices
    assert aggregates._slices(demo) == 11
    # Each slice is the people whose hash falls in it: all 11 hold some of the demo's people.
    assert demo.execute("select count(distinct hash(person_id) % 11::ubigint) from people").fetchone()[0] == 11
    aggregates.rebuild(demo)
    for table in tables:
        assert rows(demo, table) == whole[table], table
    # Nothing of the slices is left behind for the next refresh.
    assert demo.execute("select count(*) from _agg_scope").fetchone()[0] == 0
    assert not demo.execute("select * from duckdb_tables() where table_name = '_agg_people'").fetchall()
    assert aggregates.usable(demo)
