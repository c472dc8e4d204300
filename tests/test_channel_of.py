"""channel_of against the taxonomy's rules as config.yaml states them: the first rule naming a table's name
wins (a channel's id or label before the table's own lists), "*" takes any other non-empty name, and a name
no rule covers has no channel. The rules reach the SQL as a map (Taxonomy.lookup).
attributed_channel: the attribution rule's steps, in order, as both relation sets apply them.
channel_map: the map of every name the data carries (and every campaign with spend) to its channel, which KPI
queries read as $channels: as channel_of maps each name, on both relation sets, following the data and the
taxonomy of the computation, on a read-only connection too."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from legame import queries, warehouse
from legame.channels import Taxonomy
from legame.config import Config
from legame.ingest import load_file
from legame.kpis import Period, compute, engine
from legame.kpis.params import channel_map, query_params
from legame.warehouse import RELATION_SETS, RELATIONS_DIR
from tests.conftest import write

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


# of_channel (queries/relations/00_channel_of.sql): the view's channel filter, tested on the names the map puts on
# the channel; the same answer as looking each row's name up in the map, for every name and every channel.
FILTER_MAP = {
    "interactions:forum": "community",
    "interactions:Luma": "events",
    "interactions:luma:live": "events",  # a name holding the separator
    "interactions:tiktok": None,  # a name no rule names
    "orders:forum": "offline",  # another table's name: not the acts'
    "campaign:events": "paid_social",
}


@pytest.mark.parametrize("channel", [None, "community", "events", "offline", "paid_social", "unattributed", "none"])
def test_of_channel_is_the_lookup_of_each_name(con, channel):
    channels = {"key": list(FILTER_MAP), "value": list(FILTER_MAP.values())}
    names = ["forum", "Luma", "luma", "luma:live", "tiktok", "events", "unknown", "", None]
    found = con.execute(
        """select name, of_channel($channels, 'interactions', name, $channel::varchar),
                  $channel is null or coalesce(mapped($channels, 'interactions', name), 'unattributed') = $channel
           from unnest($names::varchar[]) as t(name)""",
        {"channels": channels, "channel": channel, "names": names},
    ).fetchall()
    assert [(name, expected) for name, _, expected in found] == [(name, of) for name, of, _ in found]
    assert any(of for _, of, _ in found) == (channel not in ("offline", "paid_social", "none"))


# --------------------------------------------------------------------------- the map KPI queries read ($channels)

MAPPED_FILES = {
    "people.csv": "person_id,first_seen,acquisition_channel\na,2025-01-01,Newsletter\nb,2025-01-01,\n",
    "orders.csv": "order_id,person_id,ordered_at,revenue,channel,campaign\no1,a,2025-03-10,100,web,Spring\n"
    "o2,b,2025-03-11,50,POS,\n",
    "interactions.csv": "event_id,person_id,occurred_at,channel,kind\ne1,a,2025-03-02,Luma,event\n"
    "e2,b,2025-03-03,forum,comment\n",
    # Spring's spend is mostly on Google: its orders are paid search. Acme is no spend rule's: Autumn has none.
    "spend.csv": "day,channel,campaign,amount\n2025-03-01,meta,Spring,10\n2025-03-02,google,Spring,30\n"
    "2025-03-03,acme,Autumn,5\n",
    "posts.csv": "channel,post_id,published_at\nnewsletter,p1,2025-03-01\n",
}
# config.yaml's taxonomy on MAPPED_FILES: every name of every table, each campaign with spend on a channel.
MAPPED = {
    "people:Newsletter": "email",
    "orders:pos": "offline",  # loaded trimmed and lower-cased
    "interactions:luma": "events",
    "interactions:forum": "community",  # "*"
    "spend:meta": "paid_social",
    "spend:google": "paid_search",
    "posts:newsletter": "organic_social",  # "*"
    "campaign:Spring": "paid_search",
}
MARCH = Period(date(2025, 3, 1), date(2025, 3, 31))


@pytest.fixture
def mapped_warehouse(con, config, tmp_path: Path):
    for name, text in MAPPED_FILES.items():
        report = load_file(con, config, write(tmp_path, name, text), name)
        assert report.rejected == 0, report.rejects
    return con


def named(channels: dict[str, list[str]]) -> dict[str, str]:
    """The map's keys that have a channel (a name no rule names maps to null, as one absent does)."""
    return {k: v for k, v in zip(channels["key"], channels["value"], strict=True) if v is not None}


@pytest.mark.parametrize("over", RELATION_SETS)
def test_channel_map_maps_every_name_and_campaign_as_the_rules_do(mapped_warehouse, config, over):
    con = mapped_warehouse
    try:
        warehouse.install_relations(con, over)
        channels = channel_map(con, config)
        # The one-expression form revenue_trend.sql uses is the same map.
        inline = con.execute("select channel_map($rules)", {"rules": Taxonomy.from_config(config).lookup}).fetchone()[0]
    finally:
        warehouse.install_relations(con)
    assert named(channels) == MAPPED
    assert {k: v for k, v in inline.items() if v is not None} == MAPPED


def test_channel_map_follows_the_data_and_the_taxonomy(mapped_warehouse, config, tmp_path: Path):
    con = mapped_warehouse
    events = {"channel": "events"}
    assert compute_value(con, config, "interactions_per_active_member", events) is None  # no member acts
    load_file(
        con,
        config,
        write(tmp_path, "more.csv", "event_id,person_id,occurred_at,channel,kind\ne3,b,2025-03-04,eventbrite,event\n"),
        "more.csv",
    )
    assert named(channel_map(con, config))["interactions:eventbrite"] == "events"
    # forum named by the events channel's own rule: an exact name comes before the community's "*".
    config.data["channels"]["rules"]["interactions"]["events"].append("forum")
    assert named(channel_map(con, config))["interactions:forum"] == "events"
    rows = engine.family_rows(con, config, MARCH, events, {"community"})["community"]
    assert rows["interactions"] == 3  # Luma, eventbrite and forum, on the same connection


def test_kpis_on_a_read_only_connection_read_the_same_map(mapped_warehouse, config):
    expected = [k.as_dict() for k in compute(mapped_warehouse, config, MARCH, filters={"channel": "paid_search"})]
    mapped_warehouse.close()
    reader = warehouse.connect(config, read_only=True)
    try:
        assert [k.as_dict() for k in compute(reader, config, MARCH, filters={"channel": "paid_search"})] == expected
    finally:
        reader.close()


def test_a_kpi_query_without_the_map_is_refused_not_unattributed(mapped_warehouse, config):
    with pytest.raises(TypeError, match="channels"):
        queries.run(mapped_warehouse, "community", **query_params(config, MARCH, {"channel": "events"}))


def compute_value(con, config, kpi_id: str, filters: dict[str, str]) -> float | None:
    return next(k.value for k in compute(con, config, MARCH, filters=filters) if k.id == kpi_id)
