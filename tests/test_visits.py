"""Web visits: the visits table, its migration, and the visits conversion.sql counts for a period and filter.

Expected numbers are worked out by hand from tests/fixtures/exports/ga4_*.csv and the files below.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from legame import queries, warehouse
from legame.errors import ConfigError
from legame.ingest import load_file
from legame.kpis import Period, compute
from legame.kpis.params import channel_map, query_params
from tests.conftest import write

EXPORTS = Path(__file__).parent / "fixtures" / "exports"
BY_CHANNEL = EXPORTS / "ga4_traffic_acquisition.csv"
BY_CAMPAIGN = EXPORTS / "ga4_traffic_acquisition_campaign.csv"
BY_BOTH = EXPORTS / "ga4_exploration_channel_campaign.csv"
MARCH = Period(date(2025, 3, 1), date(2025, 3, 31))

# a bought in February, so is not new in March; b, c and e are (d's only order is refunded).
ORDERS = """order_id,person_id,ordered_at,revenue,channel,campaign,is_refund
o1,a,2025-02-10,100,web,,false
o2,a,2025-03-01,50,web,spring_sale,false
o3,b,2025-03-01,80,web,spring_sale,false
o4,c,2025-03-02,40,web,newsletter_march,false
o5,d,2025-03-02,30,web,,true
o6,e,2025-03-02,60,web,,false
"""
SPEND = """day,channel,campaign,amount,impressions,clicks
2025-03-01,meta,spring_sale,100,10000,60
"""
POSTS = """channel,post_id,published_at,reach,clicks
instagram,p1,2025-03-01,2000,15
"""


def visits(con: duckdb.DuckDBPyConnection, config, start: date, end: date, channel=None, campaign=None) -> int:
    config.data["conversion_denominator"] = "visits"
    params = query_params(
        config, Period(start, end), {"channel": channel, "campaign": campaign}, channel_map(con, config)
    )
    row = queries.run(con, "conversion", **params)[0]
    assert row["arrivals"] == row["visits"]
    return row["visits"]


# -- The table and its migration -------------------------------------------------------------


def test_a_version_2_database_file_gets_the_visits_table_and_keeps_its_data(config, tmp_path):
    path = tmp_path / "v2.duckdb"
    old = duckdb.connect(str(path))
    old.execute("create table schema_version (version integer not null, applied_at timestamp not null)")
    for version, statements in enumerate(warehouse.MIGRATIONS[:2], start=1):
        for statement in statements:
            old.execute(statement)
        old.execute("insert into schema_version values ($v, current_timestamp::timestamp)", {"v": version})
    old.execute("insert into spend values ('2025-03-01', 'meta', 'spring_sale', 100, 10000, 60, 1)")
    assert "visits" not in {r[0] for r in old.execute("show tables").fetchall()}
    old.close()

    config.data["warehouse"]["path"] = str(path)
    con = warehouse.connect(config)
    # Every later migration is applied in order, the visits table's (3) among them.
    versions = list(range(1, warehouse.SCHEMA_VERSION + 1))
    assert warehouse.SCHEMA_VERSION >= 3
    assert [v for (v,) in con.execute("select version from schema_version order by version").fetchall()] == versions
    assert con.execute("select count(*) from visits").fetchone()[0] == 0
    assert con.execute("select amount, clicks from spend").fetchall() == [(100.0, 60)]
    report = load_file(con, config, BY_CHANNEL)
    assert (report.table, report.inserted) == ("visits", 6)
    con.close()
    con = warehouse.connect(config)  # opening it again applies nothing twice
    assert con.execute("select count(*) from schema_version").fetchone()[0] == warehouse.SCHEMA_VERSION
    con.close()


def test_the_migrated_visits_table_has_the_canonical_columns(con):
    # Migration 3 spells the table out; it must agree with TABLES, which the ingest casts to.
    columns = con.execute(
        "select column_name, data_type, is_nullable from information_schema.columns "
        "where table_name = 'visits' order by ordinal_position"
    ).fetchall()
    table = warehouse.TABLES["visits"]
    expected = [(c.name, c.sql_type.upper(), "NO" if c.name in table.key else "YES") for c in table.columns]
    assert columns == [*expected, ("load_id", "INTEGER", "NO")]
    assert (table.key, table.date_column) == (("day", "channel", "campaign"), "day")


def test_a_file_in_legames_own_visits_columns_loads_without_a_profile(con, config, tmp_path):
    text = "day,channel,campaign,sessions,engaged_sessions,key_events\n2025-03-01,Newsletter,,40,31,\n"
    report = load_file(con, config, write(tmp_path, "visits.csv", text))
    assert (report.profile, report.inserted, report.rejected) == ("canonical_visits", 1, 0)
    # The channel is lower-cased as in every table; an absent campaign is '' so the key still matches.
    assert con.execute("select channel, campaign, sessions, key_events from visits").fetchall() == [
        ("newsletter", "", 40, None)
    ]


# -- Visits in conversion.sql ----------------------------------------------------------------


def test_visits_count_each_session_once_when_both_ga4_cuts_are_loaded(con, config):
    load_file(con, config, BY_CHANNEL)
    load_file(con, config, BY_CAMPAIGN)
    first, second = date(2025, 3, 1), date(2025, 3, 2)
    # Both files hold 3064 sessions (1204+602+310 on 1 March, 836+95+17 on 2 March), not 6128.
    assert visits(con, config, first, second) == 3064
    assert visits(con, config, second, second) == 836 + 95 + 17
    # A channel of the taxonomy: GA4's Organic Search on both days, from the channel file only.
    assert visits(con, config, first, second, channel="organic_search") == 1204 + 836
    # A campaign: its rows of the campaign file.
    assert visits(con, config, first, second, campaign="spring_sale") == 310
    assert visits(con, config, first, second, campaign="newsletter_march") == 95
    # The campaign file names no channel group (its rows are the website's: unattributed): by channel, the
    # channel file alone counts, so channels add up to the total (GA4's Unassigned is unattributed too).
    assert visits(con, config, first, second, channel="unattributed") == 17
    channels = ("organic_search", "direct", "paid_social", "email", "unattributed")
    assert sum(visits(con, config, first, second, channel=c) for c in channels) == 3064
    assert visits(con, config, first, second, channel="unattributed", campaign="spring_sale") == 310
    assert visits(con, config, first, second, channel="email", campaign="spring_sale") == 0
    assert visits(con, config, date(2025, 3, 3), date(2025, 3, 31)) == 0


def test_visits_from_the_campaign_cut_alone_count_every_row(con, config):
    load_file(con, config, BY_CAMPAIGN)
    # No day has a row without a campaign: the day's visits are all its campaign rows.
    assert visits(con, config, date(2025, 3, 1), date(2025, 3, 2)) == 1204 + 602 + 310 + 836 + 95 + 17


def test_visits_from_an_exploration_split_by_channel_and_campaign(con, config):
    load_file(con, config, BY_BOTH)
    first, second = date(2025, 3, 1), date(2025, 3, 2)
    assert visits(con, config, first, second) == 1204 + 602 + 310 + 41 + 836 + 95 + 17
    assert visits(con, config, first, second, channel="email") == 41 + 95
    assert visits(con, config, first, second, campaign="spring_sale") == 310 + 41
    assert visits(con, config, first, second, channel="email", campaign="spring_sale") == 41


# -- KPIs ------------------------------------------------------------------------------------


@pytest.fixture
def loaded(con, config, tmp_path):
    for name, text in [("orders.csv", ORDERS), ("spend.csv", SPEND), ("posts.csv", POSTS)]:
        assert load_file(con, config, write(tmp_path, name, text)).rejected == 0
    for path in (BY_CHANNEL, BY_CAMPAIGN):
        assert load_file(con, config, path).rejected == 0
    return con


def kpis_for(con, config, period: Period = MARCH, **filters) -> dict:
    return {k.id: k for k in compute(con, config, period, filters=filters)}


def test_with_clicks_the_default_visits_change_nothing(loaded, config):
    assert config.get("conversion_denominator") == "clicks"
    kpis = kpis_for(loaded, config)
    # New customers in March: b, c, e. Clicks: 60 ad clicks + 15 link clicks on p1; the 3064 visits play no part.
    assert kpis["conversion_rate"].value == pytest.approx(3 / 75 * 100)
    assert kpis["conversion_rate"].label == "Conversion rate (by clicks)"
    assert kpis["conversion_rate"].sentence.startswith("4.0% of clicks turned into a new customer")
    assert kpis["conversion_rate"].assumptions[0].startswith("New customers are set against clicks (")
    # Clicks are events, not people: never a step of the funnel.
    assert "clicks" not in kpis["funnel"].definition
    assert "Clicks" not in kpis["funnel"].extras["breakdown"]["steps"]
    # A campaign: b is spring_sale's only new customer; its 60 ad clicks (posts carry no campaign).
    assert kpis_for(loaded, config, campaign="spring_sale")["conversion_rate"].value == pytest.approx(1 / 60 * 100)


def test_with_visits_conversion_divides_new_customers_by_web_sessions(loaded, config):
    config.data["conversion_denominator"] = "visits"
    kpis = kpis_for(loaded, config)
    # b, c, e over the 3064 sessions of 1-2 March (each counted once though both GA4 cuts are loaded).
    rate = kpis["conversion_rate"]
    assert rate.value == pytest.approx(3 / 3064 * 100)
    assert rate.label == "Conversion rate (by visits)"
    assert "of visits turned into a new customer" in rate.sentence
    assert rate.assumptions[0].startswith(
        "New customers are set against visits (conversion_denominator in config.yaml)."
    )
    # spring_sale: b over its 310 sessions. Paid social: b (spring_sale ran on meta) over GA4's Paid Social 310.
    assert kpis_for(loaded, config, campaign="spring_sale")["conversion_rate"].value == pytest.approx(1 / 310 * 100)
    assert kpis_for(loaded, config, channel="paid_social")["conversion_rate"].value == pytest.approx(1 / 310 * 100)


def test_with_visits_the_funnel_still_counts_people(loaded, config):
    config.data["conversion_denominator"] = "visits"
    funnel = kpis_for(loaded, config)["funnel"]
    assert "visits" not in funnel.definition
    # p1 reached 2,000; nobody interacted, so no step below it has anyone.
    assert funnel.extras["breakdown"]["steps"] == {
        "People reached": 2000,
        "People who engaged": 0,
        "Known in the CRM": 0,
        "New customers": 0,
    }
    assert funnel.value == 0


def test_a_period_without_visits_says_so(loaded, config):
    config.data["conversion_denominator"] = "visits"
    april = Period(date(2025, 4, 1), date(2025, 4, 30))
    rate = kpis_for(loaded, config, april)["conversion_rate"]
    assert (rate.value, rate.na_reason) == (None, "no visits were recorded in this period")


def test_conversion_denominator_must_be_clicks_or_visits(loaded, config):
    config.data["conversion_denominator"] = "sessions"
    with pytest.raises(
        ConfigError, match=r"conversion_denominator in config\.yaml must be one of clicks, visits, not 'sessions'\."
    ):
        compute(loaded, config, MARCH)


def test_channels_and_campaigns_seen_only_in_visits_are_offered_as_filters(con, config):
    from legame.kpis.series import dimensions

    load_file(con, config, BY_CHANNEL)
    load_file(con, config, BY_CAMPAIGN)
    found = dimensions(con, config)
    # Only visits are loaded: GA4's channel groups, on the taxonomy, and its campaigns are the filters.
    assert {"organic_search", "paid_social"} <= set(found["channel"])
    assert "spring_sale" in found["campaign"]
