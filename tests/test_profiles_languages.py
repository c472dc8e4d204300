"""Ads exports in the UI's language: the same format family with its translated header.

Column names as public importers of such exports read them (see the comments in
legame/ingest/formats/meta_ads_manager.yaml); expected numbers are worked out by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from legame.ingest import load_file

EXPORTS = Path(__file__).parent / "fixtures" / "exports"


@pytest.mark.parametrize(
    ("fixture", "profile", "rows", "amount", "impressions", "clicks", "days"),
    [
        # 21,00 + 12,90 + 22,35; 10034 + 2311 + 11876; 41 + 55 (one blank)
        ("meta_ads_manager_fr.csv", "meta_ads_manager_fr", 3, 56.25, 24221, 96, 2),
        # 18,40 + 19,60 + 7,25; 9034 + 9876 + 1987; 38 + 44 (one blank): Día, not the range start
        ("meta_ads_manager_es.csv", "meta_ads_manager_es", 3, 45.25, 20897, 82, 2),
        # 54,30 + 19,95; 30034 + 7120; 120 + 33: the week counts on its first day
        ("meta_ads_manager_pt.csv", "meta_ads_manager_pt", 2, 74.25, 37154, 153, 1),
    ],
)
def test_meta_ads_manager_in_french_spanish_and_portuguese(
    con, config, fixture, profile, rows, amount, impressions, clicks, days
):
    report = load_file(con, config, EXPORTS / fixture)
    assert (report.profile, report.table) == (profile, "spend")
    assert (report.rows_read, report.inserted, report.rejected) == (rows, rows, 0)
    got = con.execute(
        "select sum(amount), sum(impressions), sum(clicks), count(distinct day), min(channel) from spend"
    ).fetchone()
    assert (round(float(got[0]), 2), *got[1:]) == (amount, impressions, clicks, days, "meta")


def test_spanish_daily_export_reads_the_day_not_the_reporting_range(con, config):
    load_file(con, config, EXPORTS / "meta_ads_manager_es.csv")
    by_day = con.execute("select day::varchar, sum(amount) from spend group by 1 order by 1").fetchall()
    assert [(d, round(float(a), 2)) for d, a in by_day] == [("2025-03-01", 18.4), ("2025-03-02", 26.85)]
