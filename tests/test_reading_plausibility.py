"""Implausible values are rejected with row, column and reason: config.yaml `plausibility` (issue #13)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from legame.errors import FatalFileError
from legame.fmt import NumberFormat
from legame.ingest import load_file
from tests.conftest import write

ORDERS = """order_id,email,ordered_at,revenue,channel,campaign,is_refund
A1,ann@example.com,1900-01-01,10,web,,false
A2,bob@example.com,2099-06-30,20,web,,false
A3,carl@example.com,9999-12-31,30,web,,false
A4,dana@example.com,2025-01-05,-99999,web,,false
A5,emma@example.com,2025-01-05,-40,web,,true
A6,fred@example.com,2025-01-06,50,web,,
"""
EARLY = "a date before 1 Jan 1990, the earliest plausible date (config.yaml plausibility.earliest_date)"


def late() -> str:
    tomorrow = NumberFormat("en_GB").date(datetime.now(UTC).date() + timedelta(days=1))
    return f"a date after {tomorrow}, the latest plausible date (config.yaml plausibility.latest_days_ahead)"


def test_order_dates_in_1900_2099_and_9999_and_a_negative_sale_are_rejected(con, config, tmp_path):
    report = load_file(con, config, write(tmp_path, "orders.csv", ORDERS))
    assert (report.rows_read, report.inserted, report.rejected) == (6, 2, 4)
    assert report.rejects == [
        {"row": 2, "column": "ordered_at", "value": "1900-01-01", "reason": EARLY},
        {"row": 3, "column": "ordered_at", "value": "2099-06-30", "reason": late()},
        {"row": 4, "column": "ordered_at", "value": "9999-12-31", "reason": late()},
        {
            "row": 5,
            "column": "revenue",
            "value": "-99999",
            "reason": "below zero on a row that is not a refund (config.yaml plausibility.negatives)",
        },
    ]
    # A refund may be negative.
    assert con.execute("select order_id, revenue from orders order by order_id").fetchall() == [
        ("A5", -40.0),
        ("A6", 50.0),
    ]


def test_negative_reach_clicks_and_spend_are_rejected(con, config, tmp_path):
    posts = (
        "channel,post_id,published_at,reach,clicks\n"
        "instagram,p1,2025-02-01,100,3\n"
        "instagram,p2,2025-02-02,-5,3\n"
        "instagram,p3,2025-02-03,100,-1\n"
    )
    report = load_file(con, config, write(tmp_path, "posts.csv", posts))
    negative = "below zero: a count or amount cannot be negative (config.yaml plausibility.negatives)"
    assert report.rejects == [
        {"row": 3, "column": "reach", "value": "-5", "reason": negative},
        {"row": 4, "column": "clicks", "value": "-1", "reason": negative},
    ]
    spend = "day,channel,campaign,amount\n2025-02-01,meta,c1,12.5\n2025-02-02,meta,c2,-7\n"
    report = load_file(con, config, write(tmp_path, "spend.csv", spend))
    assert report.rejects == [{"row": 3, "column": "amount", "value": "-7", "reason": negative}]
    assert con.execute("select count(*) from posts").fetchone() == (1,)
    assert con.execute("select campaign from spend").fetchall() == [("c1",)]


def test_the_ranges_come_from_config(con, config, tmp_path):
    config.data["plausibility"] = {"earliest_date": "2025-01-06", "latest_days_ahead": 30000, "negatives": True}
    report = load_file(con, config, write(tmp_path, "orders.csv", ORDERS))
    assert [(r["row"], r["reason"][:25]) for r in report.rejects] == [
        (2, "a date before 6 Jan 2025,"),
        (4, f"a date after {NumberFormat('en_GB').date(datetime.now(UTC).date() + timedelta(days=30000))}, "[:25]),
        (5, "a date before 6 Jan 2025,"),
        (6, "a date before 6 Jan 2025,"),
    ]
    # 2099 is within 30,000 days, 9999 is not; with negatives allowed, -99,999 is no longer the reason.
    assert con.execute("select order_id from orders order by all").fetchall() == [("A2",), ("A6",)]


def test_a_rejected_file_leaves_the_database_unchanged(con, config, tmp_path):
    text = "order_id,email,ordered_at,revenue\nA1,ann@example.com,1900-01-01,10\n"
    with pytest.raises(FatalFileError) as refused:
        load_file(con, config, write(tmp_path, "orders.csv", text))
    assert str(refused.value) == (
        "orders.csv: its only row cannot be loaded. The problem: row 2, column 'ordered_at', value "
        f"'1900-01-01': {EARLY}."
    )
    assert con.execute("select count(*) from orders").fetchone() == (0,)
