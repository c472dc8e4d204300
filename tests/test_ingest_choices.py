"""The checks the staging select makes cheaply still reject exactly what they did: a kind outside the list
(list_contains, not an IN that DuckDB plans as a join) and an id Excel rounded (its regex only on values with a
'+'), on the straight first load and on a later load that stages the file."""

from __future__ import annotations

import pytest

from legame.ingest import load_file
from tests.conftest import write

HEADER = "event_id,email,occurred_at,channel,kind,post_id\n"
FILE = (
    HEADER + "e1,ann@example.com,2025-01-03 10:00,forum,Comment,\n"  # any case: a known kind
    "e2,ann@example.com,2025-01-03 11:00,forum, reply ,\n"  # spaces around it: trimmed
    "e3,bob@example.com,2025-01-04 09:00,forum,like,\n"  # not a kind Legame knows
    "1.2E+17,bob@example.com,2025-01-04 10:00,forum,share,\n"  # an id Excel rounded
    "1,2E+17,bob@example.com,2025-01-04 10:30,forum,share,\n"  # ...in a decimal-comma locale: a row too long
    "e+4,carl@example.com,2025-01-05 08:00,forum,answer,\n"  # a '+' but no rounded number
    "e5,carl@example.com,2025-01-05 08:30,forum,ugc,\n"
)


@pytest.mark.parametrize("first", [True, False], ids=["first load", "staged"])
def test_unknown_kinds_and_rounded_ids_are_rejected_the_rest_loads(con, config, tmp_path, first):
    if not first:  # the table holds a row: the file is staged and merged, not inserted straight
        load_file(con, config, write(tmp_path, "one.csv", HEADER + "e0,zoe@example.com,2025-01-02,forum,event,\n"))
    report = load_file(con, config, write(tmp_path, "interactions.csv", FILE))
    shown = {(r["row"], r["column"], r["value"]) for r in report.rejects}
    assert (4, "kind", "like") in shown
    assert (5, "event_id", "1.2E+17") in shown
    assert all(r["row"] in (4, 5, 6) for r in report.rejects), report.rejects
    kinds = dict(con.execute("select event_id, kind from interactions").fetchall())
    loaded = {"e1": "comment", "e2": "reply", "e+4": "answer", "e5": "ugc"}
    assert {k: v for k, v in kinds.items() if k != "e0"} == loaded
    assert report.inserted == 4
