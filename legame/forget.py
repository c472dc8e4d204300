"""Erasure of one person (the right to be forgotten): their rows in every table and their lines in the raw archive.

The person is found by their e-mail address, hashed with the server secret exactly as a load hashes
it; the address itself is never stored, and the loads log records only that an erasure happened.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from legame import aggregates, load_log, raw_archive, warehouse
from legame.config import Config
from legame.errors import LegameError
from legame.i18n import _, ngettext
from legame.ingest.normalise import PERSON_ID_CHARS
from legame.warehouse import TABLES, take_turn

ERASURE_PROFILE = "person_erased"
# A person named in someone else's row (who referred them) loses the mention, not the row.
MENTIONS = {("people", "referred_by")}


@dataclass(frozen=True)
class Erasure:
    """What forgetting one person removed: rows per table, rejected values, archived files rewritten."""

    rows: dict[str, int]
    mentions: int
    rejects: int
    files: int

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    def lines(self) -> list[str]:

        found = [
            ngettext("{table}: {n} row", "{table}: {n} rows", count, table=warehouse.table_word(table))
            for table, count in self.rows.items()
            if count
        ]
        return [
            _("erased: {rows}", rows=", ".join(found)) if found else _("erased: no rows held this person"),
            _(
                "mentions cleared: {mentions}, rejected values deleted: {rejects}",
                mentions=self.mentions,
                rejects=self.rejects,
            ),
            _("archived uploads rewritten without them: {files}", files=self.files),
        ]


def person_id(con: duckdb.DuckDBPyConnection, config: Config, email: str) -> str:
    """The id a load gives this address (normalise.py's salted hash), computed by the same SQL."""
    address = email.strip().lower()
    if "@" not in address or any(c.isspace() for c in address):
        raise LegameError(
            _("{email} is not an e-mail address: forget takes the address the person gave.", email=repr(email))
        )
    return con.execute(
        f"select left(sha256($salt || lower($email)), {PERSON_ID_CHARS})", {"salt": config.secret, "email": address}
    ).fetchone()[0]


def _person_columns(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """Every (table, column) of the warehouse holding a person's id: the canonical tables' person
    columns and any table derived from them (a CLV fit's customers), found in the catalogue."""
    names = {column for table in TABLES.values() for column in table.person_columns}
    found = con.execute(
        """select table_name, column_name from duckdb_columns()
           where database_name = current_database() and schema_name = 'main' and column_name in $names
           and table_name in (select table_name from duckdb_tables() where database_name = current_database())
           order by all""",
        {"names": sorted(names)},
    ).fetchall()
    return [(table, column) for table, column in found]


def forget(con: duckdb.DuckDBPyConnection, config: Config, email: str, erased_by: str = "cli") -> Erasure:
    """Erase the person with this address from the raw archive, then from every table in one transaction."""
    pid = person_id(con, config, email)
    files = raw_archive.erase(config, email)
    rows: dict[str, int] = dict.fromkeys(TABLES, 0)
    mentions = 0
    con.execute("begin transaction")
    try:
        for name, column in _person_columns(con):
            # An id column a file filled with the address itself (a canonical id is taken as given).
            match = f"({column} = $pid or lower({column}) = $email)"
            params = {"pid": pid, "email": email.strip().lower()}
            if name in aggregates.PERSON_TABLES:
                continue  # recomputed from the other tables by the refresh below
            aggregates.mark(con, name, match, params)  # the people of the rows about to change
            if (name, column) in MENTIONS:
                mentions += con.execute(f"update {name} set {column} = null where {match}", params).fetchone()[0]
            else:
                rows[name] = rows.get(name, 0) + con.execute(f"delete from {name} where {match}", params).fetchone()[0]
        aggregates.refresh(con)
        rejects = con.execute(
            "delete from rejects where contains(lower(value), $email)", {"email": email.strip().lower()}
        ).fetchone()[0]
        erasure = Erasure(rows, mentions, rejects, files)
        take_turn(con)  # its load id is max + 1, like a load's
        con.execute(
            """insert into loads values ((select coalesce(max(load_id), 0) + 1 from loads), $file, '', $profile, 'all',
                                         0, 0, 0, 0, 0, 0, null, null, current_timestamp::timestamp, $by, false)""",
            {"file": f"one person erased: {erasure.total:,} rows", "profile": ERASURE_PROFILE, "by": erased_by},
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    load_log.record(con, config)
    return erasure
