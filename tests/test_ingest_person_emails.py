"""An id column holding email addresses stores the people's ids, never the addresses.

People loaded by email have ids no user knows (a salted hash), so a referrals file or a people file's
referred_by names them by address: each is stored as the id that address gives in an email column, so the
referral joins its people, and no address enters the database.
"""

from __future__ import annotations

import hashlib

from legame.ingest import load_file
from legame.ingest.normalise import PERSON_ID_CHARS
from tests.conftest import write

ORDERS = "order_id,email,ordered_at,revenue\no1,Ana@Example.it,2026-03-01,100\no2,dario@example.it,2026-03-10,40\n"


def person(salt: str, address: str) -> str:
    return hashlib.sha256((salt + address.lower()).encode()).hexdigest()[:PERSON_ID_CHARS]


def test_referrals_written_with_addresses_join_the_people_loaded_by_email(con, config, tmp_path):
    load_file(con, config, write(tmp_path, "orders.csv", ORDERS))
    report = load_file(
        con,
        config,
        write(
            tmp_path,
            "referrals.csv",
            "referrer_id,referred_id,referred_at\n"
            " ana@example.it ,Dario Bianchi <DARIO@example.it>,2026-03-05\n"
            "ana@example.it,c-42,2026-03-06\n"
            "a@x.it b@x.it,c-43,2026-03-07\n",
        ),
    )
    assert report.inserted == 2
    assert [(r["row"], r["column"]) for r in report.rejects] == [(4, "referrer_id")]
    buyers = {row[0] for row in con.execute("select person_id from orders").fetchall()}
    stored = con.execute("select referrer_id, referred_id from referrals order by referred_at").fetchall()
    salt = config.secret
    assert stored == [
        (person(salt, "ana@example.it"), person(salt, "dario@example.it")),
        (person(salt, "ana@example.it"), "c-42"),
    ]
    assert {stored[0][0], stored[0][1]} <= buyers


def test_no_address_is_stored_from_an_id_column(con, config, tmp_path):
    load_file(
        con,
        config,
        write(tmp_path, "people.csv", "person_id,referred_by\np-1,Ana@Example.it\nana@example.it,\np-2,p-1\n"),
    )
    rows = con.execute("select person_id, referred_by from people order by all").fetchall()
    salt = config.secret
    ana = person(salt, "ana@example.it")
    assert sorted(rows, key=str) == sorted([("p-1", ana), (ana, None), ("p-2", "p-1")], key=str)
    assert not any("@" in (value or "") for row in rows for value in row)
