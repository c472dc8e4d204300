"""A vendor's header as it varies between versions and accounts, and rows cut short of optional columns.

A format names the alternatives of a column (`column: [Created date (UTC), Created (UTC)]`)
and the loader reads the first one present. Expected numbers are worked out by hand from
the fixture files.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from legame.errors import FatalFileError
from legame.ingest import load_file
from legame.ingest.profiles import bind, vendor_profile
from tests.conftest import write

EXPORTS = Path(__file__).parent / "fixtures" / "exports"


def test_stripe_payments_with_created_utc_load_like_created_date_utc(con, config):
    report = load_file(con, config, EXPORTS / "stripe_payments_created_utc.csv")
    assert (report.profile, report.table) == ("stripe_payments", "orders")
    assert "Created (UTC)" in report.reason
    # Four attempts: the Failed one is skipped, the rest load.
    assert (report.rows_read, report.inserted, report.rejected) == (4, 3, 0)
    # 30.00 + (80.00 - 15.00) + (20.00 - 20.00) = 95.00; only ch_...0103 is a refund.
    total, refunds, first = con.execute(
        "select sum(revenue), count(*) filter (where is_refund), min(ordered_at)::varchar from orders"
    ).fetchone()
    assert (float(total), refunds, first) == (95.0, 1, "2019-05-02 10:15:00")


def test_meta_ads_manager_italian_without_day_breakdown_is_recognised_and_refused_for_its_range(con, config):
    # Inizio dei report is read as the day only to refuse a row whose range ends on another day (test_spend_ranges.py).
    with pytest.raises(FatalFileError, match=r"none of its 3 rows can be loaded.*'Fine dei report'.*1 Mar 2025"):
        load_file(con, config, EXPORTS / "meta_ads_manager_it_range.csv")
    assert con.execute("select count(*) from spend").fetchone()[0] == 0


def test_a_column_with_alternatives_reads_the_first_one_present():
    profile = vendor_profile(
        "t",
        {
            "table": "orders",
            "detect": ["Order", ["Created date (UTC)", "Created (UTC)"]],
            "columns": {
                "order_id": "Order",
                "person_id": "Email",
                "ordered_at": ["Created date (UTC)", "Created (UTC)"],
                "revenue": "Total",
            },
        },
    )
    both = bind(profile, ("Order", "Email", "Created (UTC)", "Created date (UTC)", "Total"))
    assert both.columns["ordered_at"].source == "Created date (UTC)"
    older = bind(profile, ("Order", "Email", "created (utc)", "Total"))
    assert older.columns["ordered_at"].source == "Created (UTC)"
    assert "Created (UTC)" in older.detect
    assert bind(profile, ("Order", "Email", "Created", "Total")) is None


def test_discourse_user_list_rows_without_group_names_are_data(con, config):
    # 13 users; 8 belong to no group, so Discourse writes 30 values under a 31-column header.
    report = load_file(con, config, EXPORTS / "discourse_users_ragged.csv")
    assert (report.profile, report.table) == ("discourse_users", "people")
    assert (report.rows_read, report.inserted, report.rejected) == (13, 13, 0)
    assert any("8 rows have fewer values than the header" in n for n in report.notes), report.notes
    # carla_v and newsletter_reply are staged: 11 members; the earliest account is Anna's.
    members, first = con.execute(
        "select count(*) filter (where is_member), min(first_seen)::varchar from people"
    ).fetchone()
    assert (members, first[:10]) == (11, "2024-01-10")


def test_a_row_short_of_a_column_the_format_reads_stays_rejected(con, config, tmp_path):
    text = "Order,Email,Created (UTC),Total,Note\nA1,a@example.com,2025-01-01,10,\nA2,b@example.com,2025-01-02\n"
    config.data["profiles"] = {
        "shop": {
            "table": "orders",
            "columns": {
                "order_id": "Order",
                "person_id": {"column": "Email", "email": True},
                "ordered_at": "Created (UTC)",
                "revenue": "Total",
            },
        }
    }
    report = load_file(con, config, write(tmp_path, "shop.csv", text))
    assert (report.rows_read, report.inserted, report.rejected) == (2, 1, 1)
    assert report.rejects[0]["reason"] == "has 3 values but the header has 5 columns"
