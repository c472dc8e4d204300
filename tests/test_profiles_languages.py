"""Ads exports in the UI's language: the same format family with its translated header.

Column names as public importers of such exports read them (see the comments in
legame/ingest/formats/meta_ads_manager.yaml); expected numbers are worked out by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from legame.errors import UnrecognisedExport
from legame.ingest import load_file

EXPORTS = Path(__file__).parent / "fixtures" / "exports"


@pytest.mark.parametrize(
    ("fixture", "profile", "rows", "amount", "impressions", "clicks", "days"),
    [
        # 21,00 + 12,90 + 22,35; 10034 + 2311 + 11876; 41 + 55 (one blank)
        ("meta_ads_manager_fr.csv", "meta_ads_manager_fr", 3, 56.25, 24221, 96, 2),
        # 18,40 + 19,60 + 7,25; 9034 + 9876 + 1987; 38 + 44 (one blank): Día, not the range start
        ("meta_ads_manager_es.csv", "meta_ads_manager_es", 3, 45.25, 20897, 82, 2),
        # 18,40 + 6,15 + 1.019,60; 9034 + 2011 + 9876; 38 + 44 (one blank): Tag, not Berichtsstart
        ("meta_ads_manager_de.csv", "meta_ads_manager_de", 3, 1044.15, 20921, 82, 2),
        # The Portuguese week and the German month without the day breakdown are refused: test_spend_ranges.py.
    ],
)
def test_meta_ads_manager_in_french_spanish_and_german(
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
    got = con.execute("select sum(amount), sum(impressions), sum(clicks), count(*), min(channel) from spend").fetchone()
    assert (round(float(got[0]), 2), *got[1:]) == (amount, impressions, clicks, rows, "google")


@pytest.mark.parametrize(
    ("fixture", "profile", "amount", "impressions", "clicks", "days"),
    [
        # 84,37 + 12,05 + 1.090,10; 5210 + 9876 + 41230; 37 + 6 + 288: 1.3.2025 is the 1st of March
        (
            "linkedin_campaign_performance_de.csv",
            "linkedin_campaign_performance_de",
            1186.52,
            56316,
            331,
            [("2025-03-01", 96.42), ("2025-03-02", 1090.1)],
        ),
        # 130,25 + 9,80 + 1.204,00; 6120 + 8710 + 38050; 41 + 5 + 301
        (
            "linkedin_campaign_performance_pt.csv",
            "linkedin_campaign_performance_pt",
            1344.05,
            52880,
            347,
            [("2025-03-01", 140.05), ("2025-03-02", 1204.0)],
        ),
    ],
)
def test_linkedin_campaign_manager_in_german_and_portuguese(
    con, config, fixture, profile, amount, impressions, clicks, days
):
    report = load_file(con, config, EXPORTS / fixture)
    assert (report.profile, report.table) == (profile, "spend")
    assert (report.inserted, report.rejected) == (3, 0)
    got = con.execute("select sum(amount), sum(impressions), sum(clicks), min(channel) from spend").fetchone()
    assert (round(float(got[0]), 2), *got[1:]) == (amount, impressions, clicks, "linkedin")
    by_day = con.execute("select day::varchar, sum(amount) from spend group by 1 order by 1").fetchall()
    assert [(d, round(float(a), 2)) for d, a in by_day] == days
    # The row level (ad group, formerly campaign) is the campaign: two of them share a day.
    assert con.execute("select count(distinct campaign) from spend").fetchone()[0] == 2


def test_german_meta_export_without_a_campaign_is_not_taken_for_meta_ads_manager(con, config, tmp_path):
    # The anonymised public German export has no campaign column: two campaigns of one day would
    # share a spend key, so the format requires Kampagnenname and such a file is not recognised.
    path = tmp_path / "meta_de_ohne_kampagne.csv"
    path.write_text(
        "Berichtsstart,Berichtsende,Plattform,Ausgegebener Betrag (EUR),Impressionen,Reichweite,Link-Klicks\n"
        '2025-03-01,2025-03-01,facebook,"12,40",1200,900,12\n',
        encoding="utf-8",
    )
    with pytest.raises(UnrecognisedExport):
        load_file(con, config, path)


@pytest.mark.parametrize(
    ("fixture", "profile", "channel", "sums", "first_id", "days"),
    [
        # reach 1980 + 1210 + 9431; views 2710 + 1502 + 12880; reactions 61 + 33 + 270; comments 9 + 4 + 19;
        # shares 5 + 3 + 12; no saves column. 03/12/2025 is the 12th of March (month first).
        (
            "meta_business_suite_facebook_posts_it.csv",
            "meta_business_suite_facebook_posts_it",
            "facebook",
            (12621, 17092, 364, 32, 20, None),
            "1827720132094663",
            ["2025-03-01", "2025-03-04", "2025-03-12"],
        ),
        # reach 2875 + 11032 + 2104; views 4210 + 18400 + 2980; likes 312 + 905 + 188; comments 21 + 57 + 12;
        # shares 14 + 88 + 9; saves 48 + 230 + 76. The post is its Permalink (no post id column).
        (
            "meta_business_suite_instagram_posts_it.csv",
            "meta_business_suite_instagram_posts_it",
            "instagram",
            (16011, 25590, 1405, 90, 111, 354),
            "https://www.instagram.com/p/DGx0000001/",
            ["2025-03-01", "2025-03-09", "2025-03-13"],
        ),
    ],
)
def test_meta_business_suite_in_italian(con, config, fixture, profile, channel, sums, first_id, days):
    report = load_file(con, config, EXPORTS / fixture)
    assert (report.profile, report.table) == (profile, "posts")
    assert (report.rows_read, report.inserted, report.rejected) == (3, 3, 0)
    got = con.execute(
        "select sum(reach), sum(impressions), sum(reactions), sum(comments), sum(shares), sum(saves) from posts"
    ).fetchone()
    assert got == sums
    rows = con.execute(
        "select channel, post_id, author_type, published_at::date::varchar from posts order by published_at"
    ).fetchall()
    assert {r[0] for r in rows} == {channel} and {r[2] for r in rows} == {"brand"}
    assert rows[0][1] == first_id
    assert [r[3] for r in rows] == days


def test_youtube_studio_table_data_in_italian_skips_its_totale_row(con, config):
    report = load_file(con, config, EXPORTS / "youtube_studio_content_it.csv")
    assert (report.profile, report.table) == ("youtube_studio_content_it", "posts")
    # Four rows read: the Totale row is skipped (said in the notes), three videos load.
    assert (report.rows_read, report.inserted, report.rejected) == (4, 3, 0)
    assert "1 total row skipped, not loaded as data: line 2 ('Totale')." in report.notes
    rows = con.execute(
        "select post_id, published_at::date::varchar, channel, author_type, impressions from posts order by 2"
    ).fetchall()
    assert rows == [
        ("Zp0dR4nYw7c", "2025-02-27", "youtube", "brand", None),
        ("kT3mV9xQp2A", "2025-03-01", "youtube", "brand", None),
        ("-Hx81bLwQ0s", "2025-03-12", "youtube", "brand", None),  # the leading space is trimmed
    ]


@pytest.mark.parametrize(
    ("fixture", "profile", "impressions"),
    [
        # No French impressions column: none is read.
        ("youtube_studio_content_fr.csv", "youtube_studio_content_fr", None),
        # 150220 + (the Short: empty) + 151025, not the Total row's 321725 again
        ("youtube_studio_content_es.csv", "youtube_studio_content_es", 301245),
        ("youtube_studio_content_pt.csv", "youtube_studio_content_pt", 301245),
    ],
)
def test_youtube_studio_table_data_in_french_spanish_and_portuguese(con, config, fixture, profile, impressions):
    report = load_file(con, config, EXPORTS / fixture)
    assert (report.profile, report.table) == (profile, "posts")
    assert (report.rows_read, report.inserted, report.rejected) == (4, 3, 0)
    assert "1 total row skipped, not loaded as data: line 2 ('Total')." in report.notes
    assert con.execute("select sum(impressions) from posts").fetchone()[0] == impressions
    rows = con.execute("select post_id, published_at::date::varchar from posts order by 2").fetchall()
    # "27 févr. 2025" and "Feb 27, 2025" alike; the Short's leading space trimmed
    assert rows == [("Zp0dR4nYw7c", "2025-02-27"), ("kT3mV9xQp2A", "2025-03-01"), ("-Hx81bLwQ0s", "2025-03-12")]
