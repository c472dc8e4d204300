"""A load that rebuilds the aggregates whole (it names most people) does so inside its own transaction, by
slices of people (aggregates.SLICE_ROWS). Each slice must work on its share of people only: at 20 M acts and
4 M people, 3_interaction_days joined every person's record in each of 11 slices, and the load of the demo's
acts ran out of DuckDB's 1 GB cap (REBUILD_MEMORY_LIMIT) on slice 2, where a rebuild on its own had fit.
"""

from __future__ import annotations

import json

from legame import aggregates
from legame.ingest import load_file
from tests.conftest import write
from tests.test_aggregates import rebuilt_equal

PEOPLE, ACTS, ORDERS = 30_000, 12_000, 24_000
SLICES = 6


def fill(con) -> None:
    """People with few acts and orders each: a slice's people are a small share of all people."""
    con.execute(
        """insert into people select 'p' || i, timestamp '2025-01-01' + to_hours(i % 5000), i % 5 = 0,
                  date '2025-01-01' + (i % 400)::integer, 'Organic', null, 'Hikers', 1 from range($n) t(i)""",
        {"n": PEOPLE},
    )
    con.execute(
        """insert into interactions select 'e' || i, 'p' || ((i * 31) % $people), timestamp '2025-01-01' + to_hours(i),
                  'forum', (['comment', 'answer', 'ugc', 'share'])[i % 4 + 1], null, 1 from range($n) t(i)""",
        {"n": ACTS, "people": PEOPLE},
    )
    con.execute(
        """insert into orders select 'o' || i, 'p' || ((i * 7) % $people), timestamp '2025-01-01' + to_hours(i * 3),
                  20 + i % 50, 'web', null, i % 40 = 0, 1 from range($n) t(i)""",
        {"n": ORDERS, "people": PEOPLE},
    )
    con.execute(
        """insert into loads values (1, 'fill', '', 'test', 'all', 0, 0, 0, 0, 0, 0, null, null,
                                     current_timestamp::timestamp, 'test', false)"""
    )
    aggregates.rebuild(con)


def largest_joins(con, tmp_path, part: tuple[int, int]) -> dict[str, int]:
    """Per person table: the most rows any join, window or grouping of its SQL gives for slice `part`."""
    profile = tmp_path / "profile.json"
    found = {}
    for file in aggregates._files():
        table = aggregates._table(file)
        if table not in aggregates.PERSON_TABLES:
            continue
        con.execute("begin transaction")
        con.execute(f"delete from {table}")  # names are ours
        con.execute("set enable_profiling = 'json'")
        con.execute(f"set profiling_output = '{profile}'")
        try:
            aggregates._insert(con, file, everyone=False, part=part)
        finally:
            con.execute("set enable_profiling = 'no_output'")
            con.execute("rollback")
        found[table] = max(joined(json.loads(profile.read_text())), default=0)
    return found


def joined(node: dict) -> list[int]:
    """The rows each join, window or grouping of a profiled plan (DuckDB's JSON profile) gave."""
    kind = str(node.get("operator_type") or node.get("operator_name") or "")
    rows = [node.get("operator_cardinality", 0)] if any(w in kind for w in ("JOIN", "WINDOW", "GROUP_BY")) else []
    return rows + [n for child in node.get("children", []) for n in joined(child)]


def test_each_slice_of_a_rebuild_joins_its_own_people_only(con, tmp_path):
    fill(con)
    aggregates._scope(con)
    # Before: 3_interaction_days' full join of people and agg_first_sales gave all 30,000 people in every slice.
    share = PEOPLE // SLICES
    largest = largest_joins(con, tmp_path, (0, SLICES))
    assert set(largest) == set(aggregates.PERSON_TABLES)
    assert all(rows < 2 * share for rows in largest.values()), largest


def test_a_load_that_rebuilds_whole_by_slices_keeps_every_aggregate_exact(con, config, tmp_path, monkeypatch):
    fill(con)
    # A small warehouse taken for a big one: the load names "most" people, the rebuild takes 6 slices.
    monkeypatch.setattr(aggregates, "WHOLE_SHARE", 0.001)
    monkeypatch.setattr(aggregates, "WHOLE_AT_LEAST", 10)
    monkeypatch.setattr(aggregates, "SLICE_ROWS", PEOPLE // SLICES)
    assert aggregates._slices(con) == SLICES
    rebuilds = []
    real = aggregates._rebuild
    monkeypatch.setattr(aggregates, "_rebuild", lambda c: (rebuilds.append(1), real(c)))
    lines = "".join(f"x{i},p{i * 13},2026-05-0{1 + i % 9} 10:00:00,forum,answer\n" for i in range(300))
    path = write(tmp_path, "acts.csv", "event_id,person_id,occurred_at,channel,kind\n" + lines)
    assert load_file(con, config, path).inserted == 300
    assert rebuilds == [1]
    monkeypatch.setattr(aggregates, "SLICE_ROWS", 10**9)  # the reference: one pass
    assert rebuilt_equal(con) == []
