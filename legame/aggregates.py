"""Compact aggregates of the big tables, kept current inside every transaction that changes them.

A board reads a period's slice of these through the aggregated relations (queries/relations/aggregated/),
which have the same names and columns as the raw-row definitions (queries/relations/raw/), so one set of
KPI queries (queries/*.sql) runs over either and tests hold the two equal. Every
aggregate is keyed by person: whoever writes orders, interactions, people or referrals first marks the people
its rows name (`mark`), then `refresh` recomputes those people's aggregate rows, in the same
transaction. The SQL lives in queries/aggregates/, one file per table, run in file-name order.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import duckdb

AGGREGATES_DIR = Path(__file__).resolve().parent.parent / "queries" / "aggregates"
# The people recomputed now (_agg_scope, and the in_scope test every person table's SQL selects them by).
SCOPE_SQL = AGGREGATES_DIR.parent / "aggregate_scope.sql"
# The raw tables the aggregates are computed from, and the column naming the person each row is about.
SOURCES = {"orders": "person_id", "interactions": "person_id", "people": "person_id", "referrals": "referrer_id"}
# Aggregate table of each file in AGGREGATES_DIR (the file name after its order prefix).
PERSON_TABLES = (
    "agg_first_sales",
    "agg_sale_days",
    "agg_interaction_days",
    "agg_customer_acts",
    "agg_referrals",
    "agg_advocacy_days",
)
# Small: recomputed whole on every refresh. agg_referred_customers is keyed by the referred person, whom a referrals
# load does not mark (SOURCES): whole, it follows referrals and first sales alike.
WHOLE_TABLES = ("agg_members", "agg_channel_names", "agg_order_days", "agg_referred_customers")
# Above this share of all people, a refresh rebuilds the tables whole rather than by person.
WHOLE_SHARE = 0.5
# ...and above this many people marked at once (`mark` decides on an estimate; a few people are listed).
WHOLE_AT_LEAST = 10_000
# DuckDB's memory cap while the aggregates are rebuilt: the process stays under DESIGN.md's 2 GB at 20 M rows.
# Since slices select their people by hash, 2 M-row slices under the usual 1 GB cost no more CPU than 4 M-row
# slices under 1.5 GB: 5 M-row first load 33.5 / 32.7 against 34.2 / 33.0 CPU-s (interleaved); 20 M-row first
# load 122.0 against 123.6 CPU-s, peak RSS 1,313 against 1,632 MB.
REBUILD_MEMORY_LIMIT = "1GB"
# Raw rows one pass of a rebuild groups at most: above it, the person tables are rebuilt by slices of people,
# so that memory stays under the cap whatever the size. In one pass, 20 M acts ran out of memory under a
# 1.5 GB cap (agg_interaction_days' grouping and window, DuckDB 1.5.5). Every table a slice's SQL joins is
# restricted to the slice's people too: 3_interaction_days joined all 4 M people with agg_first_sales in each of
# 11 slices, and at 20 M acts a whole rebuild, in a load or on its own, ran out of the 1 GB cap (the
# transaction's own table data held ~480 MB of it); tests/test_aggregates_in_load.py profiles a slice.
SLICE_ROWS = 2_000_000
# Where a slice of agg_interaction_days goes (5 M acts, slice of 1.66 M, CPU-s): grouping 1.1 and its
# (occurred_at, event_id) tie-break 0.5, the lag window 1.45 (0.97 on the keys alone: moving the row is the
# cost), the order by day 0.65 (0.22 on the keys alone), the insert 0.35. Needed, each: the tie-break decides
# the channel of a person's first act (tests/test_aggregates.py); without the order by day a warm board cost
# 1.02 CPU-s against 0.38; a sort of the whole table by day instead of each slice's read no less (0.457
# against 0.440). Inside a first load's transaction 2 M-row slices spill 120-145 MB, 1 M-row ones 35-72 MB,
# at the same CPU (12.9-13.4 against 13.5-13.6 for the whole rebuild).
# Tried and not kept (#15, agg15; CPU-s of the statement, interleaved runs on a machine at load 8-15, so only
# differences above ~10 % would have shown): the window over the keys alone joined back on (person, day, channel),
# 12.2 against 10.4 at 5 M (the grouping read twice); the counts as integer and the window ordered by first_at alone
# (day is its date), 1.60 against 1.72 at 1 M with threads=1 outside a load, but 11.3 against 11.2 at 5 M and
# 2.50-3.24 against 2.65-3.26 inside 1 M first loads; the tie-break as first(event_id order by occurred_at, event_id)
# (0.83 against 1.02 per 5 M slice when every group is one act, no better on groups of four; its per-group state not
# measured under the 1 GB cap at 20 M) or as min(create_sort_key(occurred_at, event_id)) ordering the window alone (no
# gain); previous_advocacy_day as lag(... ignore nulls) or last_value(... ignore nulls) (no gain); threads=1 (the same
# CPU, twice the wall).


def _files() -> list[Path]:
    return sorted(AGGREGATES_DIR.glob("*.sql"))


def _table(file: Path) -> str:
    return "agg_" + file.stem.split("_", 1)[1]


@cache
def digest() -> str:
    """The version of the aggregates' definitions: a change of their SQL rebuilds them (`ensure`)."""
    text = "\n".join(f.name + "\n" + f.read_text(encoding="utf-8") for f in [SCOPE_SQL, *_files()])
    return hashlib.sha256(text.encode()).hexdigest()


def usable(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether this warehouse's aggregates are current (an older file opened read-only has none)."""
    try:
        found = con.execute("select sha256 from aggregates_version").fetchall()
    except duckdb.CatalogException:
        return False
    return found == [(digest(),)]


def _scope(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCOPE_SQL.read_text(encoding="utf-8"))


def mark(con: duckdb.DuckDBPyConnection, table: str, where: str = "true", params: dict | None = None) -> None:
    """Note the people named by the rows of `table` matching `where`, before those rows change.

    A no-op for tables the aggregates do not read. `where` is SQL of ours, with named `params`.
    """
    column = SOURCES.get(table)
    if column is None:
        return
    _scope(con)
    if _whole(con):
        return  # everything is recomputed anyway
    # A load of most people (a first load) rebuilds everything: no list of them to keep. An estimate
    # decides, which only picks between two ways to the same rows.
    many = con.execute(
        f"select approx_count_distinct({column}) from {table} where ({where}) and {column} is not null", params or {}
    ).fetchone()[0]
    if many > WHOLE_SHARE * max(_people(con), 1) and many > WHOLE_AT_LEAST:
        con.execute("create temp table _agg_whole as select 1")
        return
    con.execute(
        f"insert into _agg_scope select distinct {column} from {table} where ({where}) and {column} is not null",
        params or {},
    )


def _whole(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether a `mark` of this transaction found so many people that `refresh` rebuilds everything."""
    return bool(
        con.execute("select count(*) from duckdb_tables() where temporary and table_name = '_agg_whole'").fetchone()[0]
    )


def _people(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("select count(*) from people").fetchone()[0]


def refresh(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute the aggregate rows of the people marked since the last refresh (caller's transaction)."""
    _scope(con)
    if _whole(con):
        _rebuild(con)
        return
    marked = con.execute("select count(distinct person_id) from _agg_scope").fetchone()[0]
    if not marked:
        return
    if marked > WHOLE_SHARE * max(_people(con), 1):
        _rebuild(con)
        return
    con.execute("create or replace temp table _agg_scope as select distinct person_id from _agg_scope")
    for file in _files():
        name = _table(file)
        if name in PERSON_TABLES:
            con.execute(f"delete from {name} where person_id in (select person_id from _agg_scope)")
        else:
            con.execute(f"delete from {name}")
        _insert(con, file, everyone=False)
    con.execute("delete from _agg_scope")


def _insert(con: duckdb.DuckDBPyConnection, file: Path, everyone: bool, part: tuple[int, int] = (0, 0)) -> None:
    # in_scope's arguments (queries/aggregate_scope.sql): $everyone, every person's rows with no lookup in
    # _agg_scope (a rebuild); `part` (slice, slices), with slices > 0: the people whose hash falls in that slice.
    text = file.read_text(encoding="utf-8")
    params = {"everyone": everyone, "slice": part[0], "slices": part[1]} if "$everyone" in text else {}
    con.execute(f"insert into {_table(file)} {text}", params)


def _rebuild(con: duckdb.DuckDBPyConnection) -> None:
    """Every aggregate from every raw row (inside the caller's transaction)."""
    from legame import warehouse

    _scope(con)
    con.execute("delete from _agg_scope")
    con.execute("drop table if exists _agg_whole")
    # In one pass, grouping 5 M acts spilled under the connection's 1 GB cap (19 s wall, 13.7 CPU-s against
    # 10.4 and 10.5 under 1.5 GB); slices of SLICE_ROWS now keep each pass small. The cap stays a setting of
    # its own, set back whatever happens.
    con.execute(f"set memory_limit = '{REBUILD_MEMORY_LIMIT}'")
    try:
        slices = _slices(con)
        for file in _files():
            table = _table(file)
            con.execute(f"delete from {table}")
            if slices == 1 or table not in PERSON_TABLES:
                _insert(con, file, everyone=True)
                continue
            for i in range(slices):
                _insert(con, file, everyone=False, part=(i, slices))
    finally:
        # After a DuckDB error the transaction is aborted and refuses every statement but a rollback, so the
        # cap (a setting of the whole database, not of the transaction) is set back through a cursor of its own.
        with con.cursor() as own:
            warehouse.limit_memory(own)
    con.execute("delete from aggregates_version")
    con.execute("insert into aggregates_version values ($d)", {"d": digest()})


def _slices(con: duckdb.DuckDBPyConnection) -> int:
    """How many slices of people a rebuild takes (SLICE_ROWS). Slice i is the people whose hash(person_id) is i
    modulo the count: each person table's SQL selects them by that test, so no list of people is built (a
    union of every source's people cost 1.7 CPU-s at 5 M acts, and each slice's lookup in it a join)."""
    rows = max(con.execute(f"select count(*) from {table}").fetchone()[0] for table in SOURCES)  # names are ours
    return max(1, -(-rows // SLICE_ROWS))


def rebuild(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute every aggregate from the raw tables, in one transaction of its own."""
    con.execute("begin transaction")
    try:
        _rebuild(con)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def ensure(con: duckdb.DuckDBPyConnection) -> bool:
    """Rebuild the aggregates when their definitions changed (or a file predates them); True if rebuilt."""
    if usable(con):
        return False
    rebuild(con)
    return True
