"""channel_of against the taxonomy's rules as config.yaml states them: the first rule naming a table's name
wins (a channel's id or label before the table's own lists), "*" takes any other non-empty name, and a name
no rule covers has no channel. The rules reach the SQL as a map (Taxonomy.lookup)."""

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
