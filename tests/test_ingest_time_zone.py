"""Times written with an offset or a zone are stored on the clock of config.yaml's `time_zone`.

A sale at 00:30 on 1 April in Rome, exported by Shopify as `2026-04-01 00:30:00 +0200` (or by a tool in UTC
as 2026-03-31T22:30:00Z), counts on 1 April, as the same time written without an offset does: days, months and
quarters are the business's, whatever clock the export wrote.
"""

from __future__ import annotations

import copy
from datetime import datetime

import pytest

from legame.config import Config
from legame.errors import ConfigError
from legame.ingest import load_file
from tests.conftest import write

SHOPIFY = (
    "Name,Email,Financial Status,Created at,Currency,Subtotal,Shipping,Taxes,Total,Source,Referring Site,"
    "UTM Campaign\n#1,x@example.com,paid,2026-04-01 00:30:00 +0200,EUR,100.00,0.00,0.00,100.00,web,,\n"
)
CANONICAL = (
    "order_id,email,ordered_at,revenue\n"
    "o1,a@example.com,2026-03-31T22:30:00Z,10\n"
    "o2,b@example.com,2026-03-31 23:30:00+01:00,10\n"
    "o3,c@example.com,2026-04-01 00:30:00,10\n"
    "o4,d@example.com,2026-07-15T12:00:00-04:00,10\n"
)


def in_zone(config: Config, zone: str) -> Config:
    data = copy.deepcopy(config.data)
    data["time_zone"] = zone
    return Config(data=data, root=config.root)


def stored(con) -> dict[str, datetime]:
    return dict(con.execute("select order_id, ordered_at from orders").fetchall())


@pytest.mark.parametrize(
    ("zone", "expected"),
    [("Europe/Rome", datetime(2026, 4, 1, 0, 30)), ("UTC", datetime(2026, 3, 31, 22, 30))],
)
def test_an_export_with_offsets_is_read_on_the_configured_clock(con, config, tmp_path, zone, expected):
    load_file(con, in_zone(config, zone), write(tmp_path, "orders_export.csv", SHOPIFY))
    assert stored(con) == {"#1": expected}


def test_every_zoned_form_lands_on_the_configured_day_and_plain_times_are_kept(con, config, tmp_path):
    load_file(con, in_zone(config, "Europe/Rome"), write(tmp_path, "orders.csv", CANONICAL))
    assert stored(con) == {
        "o1": datetime(2026, 4, 1, 0, 30),  # Z: UTC, two hours behind Rome in summer time
        "o2": datetime(2026, 4, 1, 0, 30),
        "o3": datetime(2026, 4, 1, 0, 30),  # no offset: as written
        "o4": datetime(2026, 7, 15, 18, 0),
    }


def test_a_reload_after_the_time_zone_changed_is_read_again(con, config, tmp_path):
    path = write(tmp_path, "orders.csv", CANONICAL)
    load_file(con, in_zone(config, "UTC"), path)
    assert stored(con)["o1"] == datetime(2026, 3, 31, 22, 30)
    report = load_file(con, in_zone(config, "Europe/Rome"), path)
    assert report.replaced == 3  # the zoned rows; the plain one is unchanged
    assert stored(con)["o1"] == datetime(2026, 4, 1, 0, 30)


def test_an_unknown_time_zone_is_named(con, config, tmp_path):
    before = con.execute("select count(*) from orders").fetchone()[0]
    with pytest.raises(ConfigError, match="Europe/Roma"):
        load_file(con, in_zone(config, "Europe/Roma"), write(tmp_path, "orders.csv", CANONICAL))
    assert con.execute("select count(*) from orders").fetchone()[0] == before
