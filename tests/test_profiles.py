"""Vendor export profiles (legame/ingest/formats/), each loaded from a fixture with the real columns and quirks.

Expected numbers are worked out by hand from the fixture files.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from legame.errors import ConfigError, UnrecognisedExport
from legame.ingest import load_file
from legame.ingest.profiles import profile_specs, vendor_profile

EXPORTS = Path(__file__).parent / "fixtures" / "exports"


def test_shopify_line_item_export_takes_each_orders_total_from_its_first_row(con, config):
    report = load_file(con, config, EXPORTS / "shopify_orders_line_items.csv")
    assert (report.profile, report.table) == ("shopify_orders_line_items", "orders")
    # 7 rows: 4 orders, 3 further line items (1 of #1001, 2 of #1003) skipped, none rejected.
    assert (report.rows_read, report.inserted, report.rejected, report.duplicates_in_file) == (7, 4, 0, 0)
    assert "3 rows have no Total and continue the row above" in " ".join(report.notes)
    # The plain Shopify profile matches this header too and maps as many columns (Source but no
    # UTM Campaign here); the line-item profile is recognised by more of them and wins.
    assert "it also matched Shopify orders, but both map 6 of its columns" in report.reason
    assert "Shopify orders (one row per line item) is recognised by more of them (6 against 5)" in report.reason
    rows = con.execute(
        "select order_id, ordered_at::varchar, revenue, channel, is_refund from orders order by order_id"
    ).fetchall()
    assert rows == [
        ("#1001", "2025-03-03 10:15:00", 62.13, "web", False),
        ("#1002", "2025-03-04 18:40:12", 28.33, "web", True),  # refunded
        ("#1003", "2025-03-30 23:30:00", 1049.80, "shopify_draft_order", False),  # partially refunded; +0200 (DST)
        ("#1004", "2025-04-01 12:05:30", 15.90, "pos", False),
    ]
    assert con.execute("select round(sum(revenue), 2) from orders").fetchone()[0] == 1156.16
    # Anna's two orders, her email written differently, are one person.
    people = dict(con.execute("select order_id, person_id from orders").fetchall())
    assert people["#1001"] == people["#1004"] != people["#1002"]


def test_shopify_line_item_export_loaded_twice_changes_nothing(con, config):
    load_file(con, config, EXPORTS / "shopify_orders_line_items.csv")
    again = load_file(con, config, EXPORTS / "shopify_orders_line_items.csv")
    assert (again.inserted, again.replaced, again.unchanged, again.rejected) == (0, 0, 4, 0)
    assert con.execute("select count(*) from orders").fetchone()[0] == 4


def test_continuation_rows_are_only_skipped_for_a_profile_that_asks(con, config, tmp_path):
    # Legame's own orders format has no continuation rows: a missing revenue is still rejected.
    path = tmp_path / "orders.csv"
    path.write_text("order_id,person_id,ordered_at,revenue\nX1,p,2025-01-01,10\nX1,p,2025-01-01,\n")
    report = load_file(con, config, path)
    assert (report.rows_read, report.inserted, report.rejected) == (2, 1, 1)
    assert report.rejects[0]["reason"] == "missing value"


def test_a_continuation_column_must_be_one_the_profile_detects(config):
    spec = dict(profile_specs(config)["shopify_orders_line_items"], continuation_if_empty="Lineitem price")
    with pytest.raises(ConfigError, match="continuation_if_empty must be one of its detect columns"):
        vendor_profile("broken", spec)


def test_meta_ads_manager_english_export_is_meta_spend_per_day_and_campaign(con, config):
    report = load_file(con, config, EXPORTS / "meta_ads_manager_en.csv")
    assert (report.profile, report.table) == ("meta_ads_manager_en", "spend")
    assert (report.rows_read, report.inserted, report.rejected) == (4, 4, 0)
    totals = con.execute(
        "select round(sum(amount), 2), sum(impressions), sum(clicks), count(clicks), "
        "list(distinct channel), min(day)::varchar, max(day)::varchar from spend"
    ).fetchone()
    # 21.00 + 12.90 + 22.00 + 9.35; 10034 + 2311 + 11876 + 1987; 41 + (blank) + 55 + 0.
    assert totals == (65.25, 26208, 96, 3, ["meta"], "2025-03-01", "2025-03-02")
    # A quoted campaign name with a comma stays one campaign.
    retargeting = con.execute(
        "select round(sum(amount), 2) from spend where campaign = 'Retargeting, cart abandoners'"
    ).fetchone()[0]
    assert retargeting == 22.25


def test_meta_ads_manager_by_platform_wins_over_the_plain_profile(con, config):
    report = load_file(con, config, EXPORTS / "meta_ads_manager_en_platform.csv")
    assert (report.profile, report.table) == ("meta_ads_manager_en_platform", "spend")
    assert report.reason == (
        "its header has the columns Reporting starts, Reporting ends, Campaign name, Amount spent (EUR), Platform; "
        "it also matched Meta Ads Manager (English locale), "
        "but Meta Ads Manager by platform (English locale) maps more of its columns"
    )
    assert (report.rows_read, report.inserted, report.rejected) == (3, 3, 0)
    rows = con.execute("select channel, amount, impressions, clicks from spend order by channel").fetchall()
    assert rows == [
        ("audience_network", 0.0, 0, None),
        ("facebook", 8.40, 3804, 15),
        ("instagram", 12.60, 6230, 26),
    ]


def test_linkedin_export_is_found_below_its_preamble_in_utf16_with_tabs(con, config):
    report = load_file(con, config, EXPORTS / "linkedin_campaign_performance.csv")
    assert (report.profile, report.table) == ("linkedin_campaign_performance", "spend")
    assert (report.encoding, report.delimiter) == ("utf-16", "\t")
    assert report.reason.endswith("(its header is on line 6, below a preamble)")
    assert (report.rows_read, report.inserted, report.rejected) == (4, 4, 0)
    totals = con.execute(
        "select round(sum(amount), 2), sum(impressions), sum(clicks), list(distinct channel), "
        "min(day)::varchar, max(day)::varchar from spend"
    ).fetchone()
    # 84.37 + 12.05 + 91.10 + 0.00; 5210 + 9876 + 5874 + 0; 37 + 6 + 44 + 0; unpadded month/day/year dates.
    assert totals == (187.52, 20960, 87, ["linkedin"], "2025-03-01", "2025-03-02")
    decision_makers = con.execute(
        "select round(sum(amount), 2) from spend where campaign = 'Decision makers, EU - Sponsored Content'"
    ).fetchone()[0]
    assert decision_makers == 175.47


def test_rejects_below_a_preamble_name_the_files_own_line_numbers(con, config, tmp_path):
    text = (
        "Campaign Performance Report (in UTC)\n"
        "Report Start: 3/1/2025, 12:00 AM\n"
        "\n"
        "Start Date (in UTC),Campaign Name,Total Spent,Impressions,Clicks\n"
        "3/1/2025,Alpha,10.00,100,1\n"
        "3/1/2025,Beta,ten,100\n"
        "3/2/2025,Beta,ten,100,1\n"
        "3/2/2025,Alpha,5.50,80,2\n"
    )
    path = tmp_path / "linkedin.csv"
    path.write_text(text)
    report = load_file(con, config, path)
    assert report.profile == "linkedin_campaign_performance"
    assert (report.rows_read, report.inserted, report.rejected) == (4, 2, 2)
    assert [(r["row"], r["reason"]) for r in report.rejects] == [
        (6, "has 4 values but the header has 5 columns"),
        (7, "not a number"),
    ]
    stored = con.execute("select row_number from rejects order by 1").fetchall()
    assert stored == [(6,), (7,)]
    assert con.execute("select round(sum(amount), 2) from spend").fetchone()[0] == 15.5


def test_an_unknown_file_with_a_preamble_is_still_unrecognised_by_its_first_line(con, config, tmp_path):
    path = tmp_path / "mystery.csv"
    path.write_text("Weekly report\nfoo,bar\n1,2\n")
    with pytest.raises(UnrecognisedExport, match="no known export format has the columns Weekly report"):
        load_file(con, config, path)


def test_discourse_user_list_members_are_everyone_but_staged_accounts(con, config):
    report = load_file(con, config, EXPORTS / "discourse_users.csv")
    assert (report.profile, report.table) == ("discourse_users", "people")
    # 6 accounts: the system and discobot accounts have no email address and are rejected.
    assert (report.rows_read, report.inserted, report.rejected) == (6, 4, 2)
    assert [(r["row"], r["column"], r["value"], r["reason"]) for r in report.rejects] == [
        (2, "email", "no_email", "not an email address (or several in one cell)"),
        (3, "email", "discobot_email", "not an email address (or several in one cell)"),
    ]
    # Ruby's "2024-01-10 09:05:12 UTC" times; Carla is staged (wrote in by email only): not a member.
    rows = con.execute("select first_seen::varchar, is_member from people order by first_seen").fetchall()
    assert rows == [
        ("2024-01-10 09:05:12", True),
        ("2024-06-15 22:41:03", True),
        ("2025-02-12 00:59:59", False),
        ("2025-03-01 01:30:00", True),
    ]


@pytest.mark.parametrize(
    "name",
    [
        "shopify_orders_line_items.csv",
        "meta_ads_manager_en.csv",
        "meta_ads_manager_en_platform.csv",
        "linkedin_campaign_performance.csv",
        "discourse_users.csv",
    ],
)
def test_no_fixture_puts_an_email_in_the_database(con, config, name):
    load_file(con, config, EXPORTS / name)
    for table in ("orders", "spend", "people", "surveys", "interactions"):
        assert con.execute(f"select count(*) from {table} where {table}::varchar like '%@%'").fetchone()[0] == 0
