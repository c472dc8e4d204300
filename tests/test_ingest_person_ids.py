"""Person ids hashed once per distinct email cell (normalise.Lookup) are the ids hashed on every row.

Stored warehouses hold these ids and emails are never stored: a load must give a person the very id every
earlier version gave, whatever the path (a first load's straight insert, a later file's one-pass staging,
the numbered read of a file with rows to reject, a preview) and however the address is written.
"""

from __future__ import annotations

import hashlib

from legame.ingest import load_file
from legame.ingest.normalise import PERSON_ID_CHARS, staging_select
from legame.ingest.profiles import detect
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
    for form in FORMS:
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


def test_interactions_hash_each_distinct_email_once_and_people_on_their_rows(config):
    interactions, _ = detect(HEADER.strip().split(","), config, "x.csv")
    assert "_cells" in staging_select(interactions)  # the path the tests below compare is the one taken
    people, _ = detect(["email", "first_seen", "is_member", "member_since"], config, "p.csv")
    assert people.table.name == "people" and "_cells" not in staging_select(people)  # a key: distinct per row


def test_person_ids_per_distinct_email_equal_the_definition_on_every_path(con, config, tmp_path):
    salt = config.secret
    first, first_expected = export(0)
    report = load_file(con, config, write(tmp_path, "first.csv", first))  # empty table: the straight insert
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
