"""known_on (queries/relations/06_people.sql): a person is known in the CRM by a day when they have a record in
people first seen on or before that day (any time of it), or with no first-seen date; without a record, never."""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pytest

from legame.warehouse import RELATIONS_DIR

DAY = date(2026, 6, 30)


@pytest.fixture(scope="module")
def people_macros():
    con = duckdb.connect()
    con.execute("create table people (person_id varchar, first_seen timestamp, is_member boolean, member_since date)")
    for name in ("01_member_on.sql", "06_people.sql"):
        con.execute((RELATIONS_DIR / name).read_text(encoding="utf-8"))
    yield con
    con.close()


@pytest.mark.parametrize(
    ("in_people", "first_seen", "known"),
    [
        (True, datetime(2026, 6, 30, 23, 59, 59, 999999), True),  # the day's last instant
        (True, datetime(2026, 6, 30), True),
        (True, datetime(2020, 1, 1), True),
        (True, datetime(2026, 7, 1), False),  # the next day's first instant
        (True, None, True),  # a record without a first-seen date
        (False, datetime(2020, 1, 1), False),  # no record: never known
        (None, None, False),
    ],
)
def test_known_on_is_first_seen_by_the_end_of_the_day(people_macros, in_people, first_seen, known):
    found = people_macros.execute(
        "select known_on($in_people::boolean, $first_seen::timestamp, $day)",
        {"in_people": in_people, "first_seen": first_seen, "day": DAY},
    ).fetchone()[0]
    assert found is known
