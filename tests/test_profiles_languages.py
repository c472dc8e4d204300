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


@pytest.mark.parametrize(
    ("fixture", "profile", "rows", "amount", "impressions", "clicks", "totals"),
    [
        # 14,49 + 1.023,25 + 13,16; 1.217 + 12.577 + 230; 62 + 135 + 58
        ("google_ads_campaigns_it.csv", "google_ads_campaigns_it", 3, 1050.90, 14024, 255, 0),
        # 12,34 + 1 020,50 + 3,10 (narrow no-break space thousands); 1 234 + 10 500 + 40; 7 + 88 + 2
        ("google_ads_campaigns_fr.csv", "google_ads_campaigns_fr", 3, 1035.94, 11774, 97, 1),
        # 1.234,56 + 99,90; 12.345 + 900; 120 + 9
        ("google_ads_campaigns_de.csv", "google_ads_campaigns_de", 2, 1334.46, 13245, 129, 1),
        # 48,20 + 51,05 + 12,60; 1.240 + 1.310 + 430; 86 + 92 + 21
        ("google_ads_campaigns_es.csv", "google_ads_campaigns_es", 3, 111.85, 2980, 199, 1),
        # Latin American Spanish: Costo with a decimal point, 1,204.50 + 98.15; 21,310 + 1,907; 2151 + 161
        ("google_ads_campaigns_es_latam.csv", "google_ads_campaigns_es", 2, 1302.65, 23217, 2312, 0),
        # 123,45 + 205,90 + 98,10; 1.234 + 980 + 1.102; 56 + 41 + 48
        ("google_ads_campaigns_pt.csv", "google_ads_campaigns_pt", 3, 427.45, 3316, 145, 1),
    ],
)
def test_google_ads_in_italian_french_german_spanish_and_portuguese(
    con, config, fixture, profile, rows, amount, impressions, clicks, totals
):
    report = load_file(con, config, EXPORTS / fixture)
    assert (report.profile, report.table) == (profile, "spend")
    assert (report.inserted, report.rejected) == (rows, 0)
    assert sum("total row" in note for note in report.notes) == (1 if totals else 0)
    got = con.execute(
        "select sum(amount), sum(impressions), sum(clicks), count(*), min(channel) from spend"
    ).fetchone()
    assert (round(float(got[0]), 2), *got[1:]) == (amount, impressions, clicks, rows, "google")
