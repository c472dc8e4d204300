"""channel_of against the taxonomy's rules as config.yaml states them: the first rule naming a table's name
wins (a channel's id or label before the table's own lists), "*" takes any other non-empty name, and a name
no rule covers has no channel. The rules reach the SQL as a map (Taxonomy.lookup).
attributed_channel: the attribution rule's steps, in order, as both relation sets apply them."""

from __future__ import annotations

import duckdb
import pytest

from legame.channels import Taxonomy
from legame.config import Config
from legame.warehouse import RELATIONS_DIR

SPEC = {
    "groups": {"paid_social": "Paid social", "community": "Community", "events": "Events"},
    "rules": {
        "spend": {"paid_social": ["meta", "Events"]},  # "events" is a label: the events channel keeps it
        "interactions": {"events": ["luma"], "community": ["*"]},
    },
}


@pytest.fixture(scope="module")
def channel_of():
    taxonomy = Taxonomy.from_config(Config(data={"channels": SPEC}))
    con = duckdb.connect()
    con.execute((RELATIONS_DIR / "00_channel_of.sql").read_text(encoding="utf-8"))
    rules = taxonomy.params()["channel_rules"]

    def mapped(table: str, name: str | None) -> str | None:
        return con.execute(
            "select channel_of($rules, $table, $name)", {"rules": rules, "table": table, "name": name}
        ).fetchone()[0]

    yield mapped
    con.close()


@pytest.mark.parametrize(
    ("table", "name", "channel"),
    [
        ("spend", "meta", "paid_social"),
        ("spend", "  META ", "paid_social"),  # trimmed, any case
        ("spend", "events", "events"),  # a label names its channel in every table, before the table's lists
        ("spend", "paid social", "paid_social"),
        ("spend", "tiktok", None),  # no rule, no "*": unattributed to the callers
        ("interactions", "luma", "events"),
        ("interactions", "forum", "community"),  # "*"
        ("interactions", "", None),  # "*" takes non-empty names only
        ("interactions", None, None),
        ("orders", "meta", None),  # a table's rules are its own
    ],
)
def test_channel_of_follows_the_first_rule(channel_of, table, name, channel):
    assert channel_of(table, name) == channel


# attributed_orders' rule (queries/relations/04_attributed_orders.sql), the one definition both relation sets
# apply: what each step found (null: nothing), and whether the buyer's acquisition channel may decide.
@pytest.mark.parametrize(
    ("person_fallback", "by_campaign", "by_order", "by_person", "channel"),
    [
        (True, "paid_social", "web", "events", "paid_social"),  # 1. the campaign's channel first
        (True, None, "web", "events", "web"),  # 2. else the order's own channel
        (True, None, None, "events", "events"),  # 3. else the buyer's acquisition channel
        (False, None, None, "events", "unattributed"),  # ...only with the person fallback
        (False, None, "web", "events", "web"),
        (True, None, None, None, "unattributed"),  # 4. else unattributed
    ],
)
def test_attributed_channel_applies_the_steps_in_order(con, person_fallback, by_campaign, by_order, by_person, channel):
    found = con.execute(
        "select attributed_channel($fallback, $campaign::varchar, $order::varchar, $person::varchar)",
        {"fallback": person_fallback, "campaign": by_campaign, "order": by_order, "person": by_person},
    ).fetchone()[0]
    assert found == channel
