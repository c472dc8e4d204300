"""Person ids hashed once per distinct email cell (normalise.Lookup) are the ids hashed on every row.

Stored warehouses hold these ids and emails are never stored: a load must give a person the very id every
earlier version gave, whatever the path (a first load's straight insert, a later file's one-pass staging,
the numbered read of a file with rows to reject, a preview) and however the address is written.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

import duckdb
import pytest

from legame.ingest import load_file, profiles
from legame.ingest.normalise import PERSON_ID_CHARS, staging_select
from legame.ingest.profiles import detect, with_repeats
from legame.ingest.sniff import SPREAD_CHUNK_BYTES, SPREAD_CHUNKS, repeats, sniff
from tests.conftest import write

HEADER = "event_id,email,occurred_at,channel,kind,post_id\n"
# The address each cell names, however the export writes it (the same person on many rows, in many forms).
FORMS = [
    "{a}",
    "{A}",
    "  {a}  ",
    "Ana Rossi <{a}>",
    "({A})",
    '"Rossi, Ana <{a}>"',
]
ADDRESSES = [f"person{i}@example.com" for i in range(30)]
ADDRESSES += ["chiara.lucà@example.it", "Anna-Maria.O_Neil+tag@Example.IE"]


def person(salt: str, address: str) -> str:
    """A person id by its definition: the salted sha256 of the lower-case address, its first characters."""
    return hashlib.sha256((salt + address.lower()).encode()).hexdigest()[:PERSON_ID_CHARS]


def export(start: int, bad: bool = False) -> tuple[str, dict[str, str]]:
    """A canonical interactions file naming each address in every form, and the address of each event id."""
    lines, expected = [], {}
    n = start
    for form in FORMS * 2:  # each address on 12 rows (in 4 distinct cells once trimmed and in lower case)
        for address in ADDRESSES:
            cell = form.format(a=address, A=address.upper())
            lines.append(f"ev{n},{cell},2025-03-{1 + n % 28:02d} 10:00:00,forum,comment,")
            expected[f"ev{n}"] = address
            n += 1
    if bad:
        # Rows whose cell names no address, or two: rejected, on either way of hashing.
        lines.append(f"ev{n},not an address,2025-03-02 10:00:00,forum,comment,")
        lines.append(f'ev{n + 1},"a@example.com; b@example.com",2025-03-02 10:00:00,forum,comment,')
        lines.append(f"ev{n + 2},,2025-03-02 10:00:00,forum,comment,")
    return HEADER + "\n".join(lines) + "\n", expected


def stored(con, events: dict[str, str]) -> dict[str, str]:
    found = dict(
        con.execute(
            "select event_id, person_id from interactions where event_id in (select unnest($e))", {"e": list(events)}
        ).fetchall()
    )
    return found


def test_interactions_hash_each_distinct_email_once_when_people_repeat_and_people_on_their_rows(config):
    interactions, _ = detect(HEADER.strip().split(","), config, "x.csv")
    assert "_cells" not in staging_select(interactions)  # every row another person: hashed on each row
    repeated = replace(interactions, repeated=frozenset({"person_id"}))
    assert "_cells" in staging_select(repeated)  # the path the test below compares is the one taken
    people, _ = detect(["email", "first_seen", "is_member", "member_since"], config, "p.csv")
    assert people.table.name == "people"  # a key: distinct per row, whatever the file says
    assert "_cells" not in staging_select(replace(people, repeated=frozenset({"person_id"})))


def big_export(path, rows: int, people: int) -> None:
    """A canonical interactions file naming `people` people in a cycle (row i, person i % people), as
    bench/ingest.py's does: its first rows name each person once. Every row has the same length, so that chunks
    read at evenly spaced places would fall on the same place of the cycle, between one another's people."""
    duckdb.sql(
        f"""copy (select 'ev' || lpad(i::varchar, 9, '0') as event_id,
                         'Person' || lpad((i % {people})::varchar, 9, '0') || '@example.com ' as email,
                         timestamp '2024-01-01' + to_seconds(i * 7) as occurred_at, 'forum' as channel,
                         'comment' as kind, null as post_id
                  from range({rows}) t(i)) to '{path}' (header, delimiter ',')"""
    )


@pytest.mark.parametrize(
    "rows, people, repeated",
    [
        (150_000, 150_000, False),  # every row another person
        (150_000, 30_000, True),  # five rows a person, the first 30,000 rows each a new one
        (150_000, 100_000, True),  # one and a half
        (150_000, 130_000, False),  # fewer than 1.2
        (300, 300, False),  # a small file is not read: its ids are hashed on every row (sniff.SMALL_FILE_BYTES)
        (300, 100, False),  # however often its people repeat
    ],
)
def test_a_file_whose_people_repeat_is_told_from_its_sample(tmp_path, rows, people, repeated):
    path = tmp_path / "acts.csv"
    big_export(path, rows, people)
    sniffed = sniff(path, "acts.csv")
    assert (path.stat().st_size > SPREAD_CHUNKS * 2 * SPREAD_CHUNK_BYTES) == (rows > 1000)  # sampled, or small
    assert repeats(path, sniffed, "email") is repeated


def test_person_ids_per_distinct_email_equal_the_definition_on_every_path(con, config, tmp_path, monkeypatch):
    salt = config.secret
    # These files are small, which the lookup does not pay for (sniff.SMALL_FILE_BYTES): it is taken all the same.
    monkeypatch.setattr(profiles, "repeats", lambda *_: True)
    first, first_expected = export(0)
    path = write(tmp_path, "first.csv", first)
    interactions, _ = detect(HEADER.strip().split(","), config, "x.csv")
    assert with_repeats(interactions, path, sniff(path, "first.csv")).repeated == {"person_id"}  # the lookup
    report = load_file(con, config, path)  # empty table: the straight insert
    assert (report.inserted, report.rejected) == (len(first_expected), 0)
    assert stored(con, first_expected) == {e: person(salt, a) for e, a in first_expected.items()}

    later, later_expected = export(1000)  # a table with rows: read in one pass into _staged, then merged
    report = load_file(con, config, write(tmp_path, "later.csv", later))
    assert (report.inserted, report.rejected) == (len(later_expected), 0)
    assert stored(con, later_expected) == {e: person(salt, a) for e, a in later_expected.items()}

    mixed, mixed_expected = export(2000, bad=True)  # rows to reject: the numbered read
    preview = load_file(con, config, write(tmp_path, "mixed.csv", mixed), commit=False)
    report = load_file(con, config, write(tmp_path, "mixed.csv", mixed))
    assert (report.inserted, report.rejected) == (len(mixed_expected), 3) == (preview.inserted, preview.rejected)
    assert stored(con, mixed_expected) == {e: person(salt, a) for e, a in mixed_expected.items()}
    assert sorted(r["reason"] for r in report.rejects) == sorted(
        ["missing value"] + ["not an email address (or several in one cell)"] * 2
    )
    # Every form of one address is one person: 32 people, however many rows and files named them.
    assert con.execute("select count(distinct person_id) from interactions").fetchone()[0] == len(ADDRESSES)


def test_the_lookup_reads_the_file_twice_and_keeps_no_cells(config, tmp_path):
    """The raw cells (addresses included) are never kept: DuckDB materializes a CTE over read_csv, even one
    declared `not materialized`, into memory that spills to the warehouse's temporary folder. The plan of the
    lookup's select reads the file twice and holds no CTE."""
    first, _ = export(0)
    path = write(tmp_path, "first.csv", first)
    interactions, _ = detect(HEADER.strip().split(","), config, "x.csv")
    select = staging_select(
        replace(interactions, repeated=frozenset({"person_id"})),
        source=f"read_csv('{path}', header = true, all_varchar = true)",
        numbered=False,
    )
    con = duckdb.connect()
    con.execute("set explain_output = 'physical_only'")
    params = {"salt": "s", "time_zone": "UTC", "earliest": "1990-01-01", "latest": "2100-01-01", "negatives": False}
    params = {k: v for k, v in params.items() if f"${k}" in select}
    plan = "".join(r[1] for r in con.execute(f"explain {select}", params).fetchall())
    assert "CTE" not in plan
    assert plan.count("READ_CSV") >= 2
    con.close()


def test_the_preview_of_an_unchanged_reload_reads_the_file_once(con, config, tmp_path):
    """The preview hashes its few person ids on their rows: a lookup would read the file and sort it twice."""
    from legame.ingest import pipeline

    first, _ = export(0)
    path = write(tmp_path, "first.csv", first)
    interactions, _ = detect(HEADER.strip().split(","), config, "x.csv")
    repeated = replace(interactions, repeated=frozenset({"person_id"}))
    sent: list[str] = []

    class Recording:
        def execute(self, sql, *args):
            sent.append(sql)
            return con.execute(sql, *args)

    rows = pipeline._preview(Recording(), path, sniff(path, "first.csv"), repeated, config)
    assert len(rows) == pipeline.PREVIEW_ROWS
    assert sent[-1].count("read_csv(") == 1
