"""The built-in demo data in the warehouse: how much of it there is, and removing it in one transaction.

Demo rows are known by their loads (`loads.is_demo`): a row whose load_id is a demo load is demo
data. A real load that replaced a demo row, or combined with a demo person, wrote its own load_id
on that row, so the row is the user's and stays.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from legame import aggregates, i18n, load_log, warehouse
from legame.config import Config
from legame.fmt import NumberFormat
from legame.i18n import _, ngettext
from legame.warehouse import TABLES, take_turn

# The fictional brand of the demo exports (legame/demo.py's PAGE_NAME), named in every warning.
BRAND = "Ardesia Outdoor"
# A removal is recorded in the load history under this profile: the history says when and how
# much, the data version moves on (caches keyed on it are refreshed), and a warehouse emptied of
# its demo data is not filled with it again on the next start.
REMOVAL_PROFILE = "demo_removed"

_DEMO_LOADS = "(select load_id from loads where is_demo)"


@dataclass(frozen=True)
class DemoRemoval:
    """What removing the demo data took away: rows per canonical table, their rejects, the demo loads."""

    rows: dict[str, int]
    rejects: int
    loads: int

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    def lines(self, preview: bool = False) -> list[str]:
        """One line per table that lost rows, then the loads: what the CLI prints (a preview's: "would be")."""
        fmt = _number_format()
        lines = []
        for table, n in self.rows.items():
            if not n:
                continue
            values = {"table": warehouse.table_word(table), "count": fmt.number(n)}
            if preview:
                lines.append(
                    ngettext(
                        "demo data would be removed: {table}, {count} row",
                        "demo data would be removed: {table}, {count} rows",
                        n,
                        **values,
                    )
                )
            else:
                lines.append(
                    ngettext(
                        "demo data removed: {table}, {count} row",
                        "demo data removed: {table}, {count} rows",
                        n,
                        **values,
                    )
                )
        values = {"count": fmt.number(self.total), "loads": self.loads, "brand": BRAND}
        if preview:
            summary = _(
                "demo data would be removed: {count} rows in all, from {loads} loads of the fictional brand {brand}",
                **values,
            )
        else:
            summary = _(
                "demo data removed: {count} rows in all, from {loads} loads of the fictional brand {brand}", **values
            )
        if self.rejects:
            summary += ngettext(
                ", and the {count} rejected row they recorded",
                ", and the {count} rejected rows they recorded",
                self.rejects,
                count=fmt.number(self.rejects),
            )
        return [*lines, summary]

    def __str__(self) -> str:
        fmt = _number_format()
        parts = ", ".join(
            _("{table} {count}", table=warehouse.table_word(table), count=fmt.number(n))
            for table, n in self.rows.items()
            if n
        )
        return _("{count} rows of demo data removed ({tables})", count=fmt.number(self.total), tables=parts)


def _number_format() -> NumberFormat:
    """The reader's language's own locale (no config here): 7.339 in Italian, 7,339 in English."""
    return NumberFormat.for_locale(i18n.locale_for(i18n.current(), None))


def demo_rows(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows of demo data per canonical table (0 where there are none)."""
    if not con.execute("select count(*) from loads where is_demo").fetchall()[0][0]:
        return dict.fromkeys(TABLES, 0)
    counts = ", ".join(
        f"(select count(*) from {name} where load_id in {_DEMO_LOADS})"  # names are ours
        for name in TABLES
    )
    return dict(zip(TABLES, con.execute(f"select {counts}").fetchall()[0], strict=True))


def delete_demo(con: duckdb.DuckDBPyConnection, removed_by: str, aggregates_too: bool = True) -> DemoRemoval | None:
    """Delete the demo rows, their rejects and the demo loads, inside the caller's transaction.

    Returns None, changing nothing, when there is no demo load. The caller commits or rolls back:
    the ingest pipeline calls it at the start of a load's transaction, so the file's rows are
    compared and merged with the user's data alone. `aggregates_too=False` leaves the aggregates as they
    were: a preview's transaction, rolled back with nothing reading them, need not rebuild them (most of
    a removal's cost on the demo).
    """
    loads = con.execute("select count(*) from loads where is_demo").fetchall()[0][0]
    if not loads:
        return None
    rows = {}
    for name in TABLES:
        if aggregates_too:
            aggregates.mark(con, name, f"load_id in {_DEMO_LOADS}")
        # DuckDB's DELETE returns the number of rows it removed.
        rows[name] = con.execute(f"delete from {name} where load_id in {_DEMO_LOADS}").fetchall()[0][0]
    if aggregates_too:
        aggregates.refresh(con)
    rejects = con.execute(f"delete from rejects where load_id in {_DEMO_LOADS}").fetchall()[0][0]
    con.execute("delete from loads where is_demo")
    removal = DemoRemoval(rows, rejects, loads)
    take_turn(con)  # its load id is max + 1, like a load's
    con.execute(
        """insert into loads values ((select coalesce(max(load_id), 0) + 1 from loads), $file, '', $profile,
                                     'all', 0, 0, 0, 0, 0, 0, null, null, current_timestamp::timestamp, $by, false)""",
        {"file": f"{BRAND} demo data removed: {removal.total:,} rows", "profile": REMOVAL_PROFILE, "by": removed_by},
    )
    return removal


def remove_demo(con: duckdb.DuckDBPyConnection, config: Config, removed_by: str = "cli") -> DemoRemoval | None:
    """Remove every row of demo data in one transaction: all of it, or on any error nothing.

    Returns what was removed, or None when there was no demo data. The archive's list of loads
    (legame/load_log.py) then leaves the demo files out.
    """
    con.execute("begin transaction")
    try:
        removal = delete_demo(con, removed_by)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    if removal is not None:
        load_log.record(con, config)
    return removal
