"""Social content export profiles (posts table): LinkedIn Page, X, YouTube Studio, TikTok, Meta Business Suite.

Each fixture in tests/fixtures/exports/ has the vendor's columns in the vendor's order;
expected numbers are worked out by hand from the fixture files, with the sums written out.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from legame.config import ROOT
from legame.ingest import load_export, load_file

EXPORTS = Path(__file__).parent / "fixtures" / "exports"
METRICS = (
    "select count(*), sum(reach), sum(impressions), sum(reactions), sum(comments), sum(shares), sum(saves), "
    "sum(clicks) from posts"
)


def channels_and_authors(con) -> list[tuple]:
    return con.execute("select distinct channel, author_type from posts order by 1").fetchall()


def test_linkedin_page_content_is_read_below_its_note_line(con, config):
    report = load_file(con, config, EXPORTS / "linkedin_page_content.csv")
    assert (report.profile, report.table) == ("linkedin_page_content", "posts")
    assert report.reason.endswith("(its header is on line 2, below a preamble)")
    # 5 posts; the deleted one (line 6) has no link, so no id.
    assert (report.rows_read, report.inserted, report.rejected) == (5, 4, 1)
    assert [(r["row"], r["column"], r["reason"]) for r in report.rejects] == [(6, "Post link", "missing value")]
    # 03/13, 03/20 and 03/27 can only be month first.
    assert "Column Created date: dates read month first (mm/dd/yyyy)." in report.notes
    # Impressions 1204 + 15872 + 2310 + 3021; Likes 52 + 140 + 63 + 88; Comments 6 + 11 + 9 + 14;
    # Reposts 4 + 9 + 7 + 21; Clicks 37 + 212 + 41 + 96. No reach or saves in this export.
    assert con.execute(METRICS).fetchone() == (4, None, 22407, 343, 40, 41, None, 386)
    assert channels_and_authors(con) == [("linkedin", "brand")]
    days = con.execute("select published_at::date::varchar from posts order by 1").fetchall()
    assert days == [("2025-03-03",), ("2025-03-05",), ("2025-03-13",), ("2025-03-27",)]
    # The title with a comma stayed in its column: the sponsored post's link is its id.
    sponsored = con.execute("select impressions from posts where post_id like '%ugcPost:7303%'").fetchone()
    assert sponsored == (15872,)


def test_linkedin_page_content_workbook_loads_its_all_posts_sheet(con, config):
    # The same posts as the CSV, in the workbook LinkedIn sends (saved as .xlsx): the daily
    # Metrics sheet is no posts export and is skipped; the All posts sheet loads.
    loaded = load_export(con, config, EXPORTS / "linkedin_page_content.xlsx")
    (report,) = loaded.reports
    assert (report.file_name, report.profile) == ("linkedin_page_content.xlsx › All posts", "linkedin_page_content")
    assert len(loaded.skipped) == 1 and str(loaded.skipped[0]).startswith("Sheet 'Metrics' was not loaded")
    assert (report.rows_read, report.inserted, report.rejected) == (5, 4, 1)
    assert [(r["row"], r["column"]) for r in report.rejects] == [(6, "Post link")]  # Excel's row 6
    # The same sums as the CSV: 1204 + 15872 + 2310 + 3021 impressions ... 37 + 212 + 41 + 96 clicks.
    assert con.execute(METRICS).fetchone() == (4, None, 22407, 343, 40, 41, None, 386)


def test_linkedin_dates_that_read_either_way_are_month_first_and_older_files_say_shares(con, config, tmp_path):
    # An export from before LinkedIn renamed Shares to Reposts, every date readable both ways.
    header = (
        "Post title,Post link,Post type,Campaign name,Posted by,Created date,Campaign start date,Campaign end date,"
        "Audience,Impressions,Views (excluding off-site video views),Off-site views,Clicks,"
        "Click through rate (CTR),Likes,Comments,Shares,Follows,Engagement rate,Content Type\n"
    )
    row = (
        "Hello,https://www.linkedin.com/feed/update/urn:li:activity:1,Organic,,Ada,03/05/2023,,,All followers,"
        "100,,,4,0.04,5,1,2,,0.12,Text\n"
    )
    path = tmp_path / "content.csv"
    path.write_text("Note line\n" + header + row)
    report = load_file(con, config, path)
    assert report.profile == "linkedin_page_content"
    assert (report.rows_read, report.inserted, report.rejected) == (1, 1, 0)
    assert con.execute("select published_at::date::varchar, shares from posts").fetchone() == ("2023-03-05", 2)


def test_x_tweet_activity_loads_organic_metrics_and_rejects_a_cut_last_line(con, config):
    report = load_file(con, config, EXPORTS / "x_tweet_activity.csv")
    assert (report.profile, report.table) == ("x_tweet_activity", "posts")
    assert (report.rows_read, report.inserted, report.rejected) == (5, 4, 1)
    # The download stopped after six values. It is row 6 as a spreadsheet shows it (the post
    # above is one row over four text lines), and the first column it lacks is named.
    (cut,) = report.rejects
    assert (cut["row"], cut["column"], cut["reason"]) == (
        6,
        "engagement rate",
        "has 6 values but the header has 40 columns",
    )
    assert "Ultimi giorni di saldi" in cut["value"]
    # impressions 2450.0 + 310.0 + 15820.0 + 1890.0; likes 22 + 6 + 96 + 41; replies 3 + 1 + 4 + 2;
    # retweets 5 + 0 + 12 + 9; url clicks 18 + 0 + 211 + 0. The promoted columns (12900 paid
    # impressions on one post, "-" on the others) are not added in.
    assert con.execute(METRICS).fetchone() == (4, None, 20470, 165, 10, 26, None, 229)
    assert channels_and_authors(con) == [("x", "brand")]
    # Times are UTC (+0000): the 23:30 post stays on 3 March.
    times = con.execute("select post_id, published_at::varchar from posts order by published_at").fetchall()
    assert times == [
        ("1896000000000000001", "2025-03-01 11:15:00"),
        ("1896100000000000002", "2025-03-02 19:40:00"),
        ("1896200000000000003", "2025-03-04 00:30:00"),
        ("1896300000000000004", "2025-03-04 08:05:00"),
    ]


def test_x_account_content_reads_weekday_and_month_name_dates(con, config):
    report = load_file(con, config, EXPORTS / "x_account_content.csv")
    assert (report.profile, report.table) == ("x_account_content", "posts")
    assert (report.rows_read, report.inserted, report.rejected) == (4, 4, 0)
    # Impressions 2450 + 310 + "15,820" + (empty); Likes 22 + 6 + 96 + 41; Replies 3 + 1 + 4 + 2;
    # Reposts 5 + 0 + 12 + 9; Bookmarks 4 + 0 + 14 + 6; URL Clicks 18 + 0 + 211 + 0.
    assert con.execute(METRICS).fetchone() == (4, None, 18580, 165, 10, 26, 24, 229)
    assert con.execute("select count(impressions) from posts").fetchone() == (3,)
    days = con.execute("select published_at::varchar from posts order by 1").fetchall()
    assert days == [
        ("2025-03-01 00:00:00",),
        ("2025-03-02 00:00:00",),
        ("2025-03-03 00:00:00",),
        ("2025-03-04 00:00:00",),
    ]
    assert channels_and_authors(con) == [("x", "brand")]


def test_youtube_studio_table_data_skips_its_total_row(con, config):
    report = load_file(con, config, EXPORTS / "youtube_studio_content.csv")
    assert (report.profile, report.table) == ("youtube_studio_content", "posts")
    # The Total row is read and skipped (said in the notes), not rejected; four videos load.
    assert (report.rows_read, report.inserted, report.rejected) == (5, 4, 0)
    assert "1 total row skipped, not loaded as data: line 2 ('Total')." in report.notes
    # Impressions 150220 + (Short: empty) + 151025 + 20480, not the Total row's 321725 again.
    assert con.execute(METRICS).fetchone() == (4, None, 321725, None, None, None, None, None)
    rows = con.execute("select post_id, published_at::varchar, impressions from posts order by published_at").fetchall()
    assert rows == [
        ("Qm7Lr2sVt8E", "2025-02-03 00:00:00", 20480),
        ("Zp0dR4nYw7c", "2025-02-27 00:00:00", 151025),
        ("kT3mV9xQp2A", "2025-03-01 00:00:00", 150220),
        ("-Hx81bLwQ0s", "2025-03-12 00:00:00", None),  # " -Hx81bLwQ0s" in the file: the space is trimmed
    ]
    assert channels_and_authors(con) == [("youtube", "brand")]


def test_youtube_studio_reads_the_engagement_columns_added_in_studio(con, config, tmp_path):
    # Likes, Comments added and Shares added to the table, and the newer "Thumbnail impressions".
    path = tmp_path / "Table data.csv"
    path.write_text(
        "Content,Video title,Video publish time,Views,Likes,Comments added,Shares,Thumbnail impressions,"
        "Thumbnail click-through rate (%)\n"
        "Total,,,300,21,4,3,5000,6\n"
        'aaaaaaaaaaa,One,"Jan 5, 2025",200,15,3,2,3000,6.67\n'
        'bbbbbbbbbbb,Two,"Jan 20, 2025",100,6,1,1,2000,5\n'
    )
    report = load_file(con, config, path)
    assert report.profile == "youtube_studio_content"
    assert (report.inserted, report.rejected) == (2, 0)
    # Thumbnail impressions 3000 + 2000; Likes 15 + 6; Comments added 3 + 1; Shares 2 + 1.
    assert con.execute(METRICS).fetchone() == (2, None, 5000, 21, 4, 3, None, None)


def test_tiktok_content_rejects_a_shortened_count_and_reads_thousands_commas(con, config):
    report = load_file(con, config, EXPORTS / "tiktok_studio_content.csv")
    assert (report.profile, report.table) == ("tiktok_studio_content", "posts")
    assert (report.rows_read, report.inserted, report.rejected) == (4, 3, 1)
    # "1.2K" is not an exact count: the row is refused, naming the column, never read as 1200 or 1.2.
    assert [(r["row"], r["column"], r["value"], r["reason"]) for r in report.rejects] == [
        (4, "Total likes", "1.2K", "not a whole number")
    ]
    # Total views "18,400" + 9100 + 3300; Total likes "1,204" + 640 + 210; comments 48 + 12 + 30;
    # shares 31 + 9 + 4; Add to favorites 95 + 40 + (empty).
    assert con.execute(METRICS).fetchone() == (3, None, 30800, 2054, 90, 44, 135, None)
    assert con.execute("select count(saves) from posts").fetchone() == (2,)
    first = con.execute("select post_id, published_at::varchar from posts order by published_at limit 1").fetchone()
    assert first == ("https://www.tiktok.com/@ardesia_outdoor/video/7477000000000000001", "2025-03-02 19:05:00")
    assert channels_and_authors(con) == [("tiktok", "brand")]


def test_meta_business_suite_facebook_export(con, config):
    report = load_file(con, config, EXPORTS / "meta_business_suite_facebook_posts.csv")
    assert (report.profile, report.table) == ("meta_business_suite_facebook_posts", "posts")
    # No other profile takes this header: not the demo's (it has no Platform), not Instagram's.
    assert report.reason == (
        "its header has the columns Post ID, Page ID, Page name, Publish time, Permalink, Post type, Reach, "
        "Reactions, Comments, Shares"
    )
    assert (report.rows_read, report.inserted, report.rejected) == (4, 4, 0)
    assert "Column Publish time: dates read month first (mm/dd/yyyy)." in report.notes
    # Reach 1980 + 1210 + 9431 + 2400; Views 2710 + 1502 + 12880 + (empty); Reactions 61 + 33 + 270 + 40;
    # Comments 9 + 4 + 19 + 7; Shares 5 + 3 + 12 + 5; Link Clicks 3 + 0 + 0 + 155 (not Total clicks).
    assert con.execute(METRICS).fetchone() == (4, 15021, 17092, 404, 39, 25, None, 158)
    rows = con.execute("select post_id, published_at::varchar from posts order by published_at").fetchall()
    assert rows == [
        ("1827720132094663", "2025-03-01 10:15:00"),
        ("1828100456781234", "2025-03-04 07:05:00"),  # the caption over four lines is one post
        ("1829004455667788", "2025-03-12 18:30:00"),
        ("1830112233445566", "2025-03-20 12:00:00"),
    ]
    assert channels_and_authors(con) == [("facebook", "brand")]


def test_meta_business_suite_instagram_export(con, config):
    report = load_file(con, config, EXPORTS / "meta_business_suite_instagram_posts.csv")
    assert (report.profile, report.table) == ("meta_business_suite_instagram_posts", "posts")
    assert "it also matched" not in report.reason
    assert (report.rows_read, report.inserted, report.rejected) == (4, 4, 0)
    # Reach 2875 + "11,032" + 2104 + 1102; Views "4,210" + "18,400" + 2980 + 1502; Likes 312 + 905 + 188 + 97;
    # Comments 21 + 57 + 12 + 5; Shares 14 + 88 + 9 + 2; Saves 48 + 230 + 76 + 11. Follows are not a post metric.
    assert con.execute(METRICS).fetchone() == (4, 17113, 27092, 1502, 95, 113, 365, None)
    reel = con.execute("select published_at::varchar, reach from posts where post_id = '18011000000000002'").fetchone()
    assert reel == ("2025-03-09 20:10:00", 11032)
    assert channels_and_authors(con) == [("instagram", "brand")]


def test_older_meta_exports_with_impressions_instead_of_views(con, config, tmp_path):
    path = tmp_path / "ig.csv"
    path.write_text(
        "Post ID,Account ID,Account username,Description,Duration (sec),Publish time,Permalink,Post type,"
        "Data comment,Date,Impressions,Reach,Likes,Comments,Saves,Shares,Follows\n"
        "1,2,acct,Hi,0,03/05/2024 09:00,https://www.instagram.com/p/x/,IG image,,Lifetime,500,400,30,2,5,1,0\n"
    )
    report = load_file(con, config, path)
    assert report.profile == "meta_business_suite_instagram_posts"
    # Every date reads either way: month first for Meta. Impressions are the impressions.
    assert con.execute("select published_at::varchar, impressions, reach from posts").fetchone() == (
        "2024-03-05 09:00:00",
        500,
        400,
    )


def test_the_demo_posts_file_keeps_the_demo_profile(con, config):
    report = load_file(con, config, ROOT / "data" / "demo" / "meta_posts.csv")
    assert report.profile == "meta_business_suite_posts"
    assert "Facebook posts" not in report.reason and "Instagram posts" not in report.reason
    assert report.rejected == 0


def test_a_demo_shaped_file_with_a_page_id_stays_with_the_demo_profile(con, config, tmp_path):
    # Both the demo profile and the real Facebook one accept this header; the demo one maps
    # 12 of its columns (Platform, Author type, Is UGC, Saves... included), the Facebook one 8.
    path = tmp_path / "posts.csv"
    path.write_text(
        "Post ID,Page ID,Page name,Title,Publish time,Post type,Permalink,Platform,Author type,Is UGC,Reach,"
        "Impressions,Reactions,Comments,Shares,Saves,Link clicks\n"
        "9,1,Ardesia,Hi,03/05/2025 10:00,Photos,https://www.facebook.com/x,Facebook,customer,Yes,10,20,1,0,0,0,0\n"
    )
    report = load_file(con, config, path)
    assert report.profile == "meta_business_suite_posts"
    assert report.reason.endswith(
        "it also matched Meta Business Suite Facebook posts, but Meta Business Suite posts maps more of its columns"
    )
    assert channels_and_authors(con) == [("facebook", "customer")]


SOCIAL_FIXTURES = [
    ("linkedin_page_content.csv", 4, 1),
    ("linkedin_page_content.xlsx", 4, 1),
    ("x_tweet_activity.csv", 4, 1),
    ("x_account_content.csv", 4, 0),
    ("youtube_studio_content.csv", 4, 0),
    ("tiktok_studio_content.csv", 3, 1),
    ("meta_business_suite_facebook_posts.csv", 4, 0),
    ("meta_business_suite_instagram_posts.csv", 4, 0),
]


@pytest.mark.parametrize(("name", "posts", "rejected"), SOCIAL_FIXTURES)
def test_loading_a_social_export_twice_changes_nothing(con, config, name, posts, rejected):
    load_export(con, config, EXPORTS / name)
    (again,) = load_export(con, config, EXPORTS / name).reports
    assert (again.inserted, again.replaced, again.unchanged, again.rejected) == (0, 0, posts, rejected)
    assert con.execute("select count(*) from posts").fetchone() == (posts,)
