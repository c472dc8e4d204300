"""Survey and web-analytics exports: Typeform, SurveyMonkey, Qualtrics (surveys) and GA4 (visits).

Each fixture in tests/fixtures/exports/ carries the vendor's real columns and quirks;
expected numbers are worked out by hand from the fixture files.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from legame.errors import UnrecognisedExport
from legame.ingest import load_file

EXPORTS = Path(__file__).parent / "fixtures" / "exports"

# Promoters answer 9-10, passives 7-8, detractors 0-6 (KPIS.md, `nps`).
NPS_GROUPS = """
    select count(*) filter (where score >= 9), count(*) filter (where score between 7 and 8),
           count(*) filter (where score <= 6), sum(score)
    from surveys
"""


def scores(con) -> list[tuple]:
    return con.execute(
        "select response_id, answered_at::varchar, score, comment from surveys order by answered_at"
    ).fetchall()


def test_typeform_export_finds_the_nps_question_by_its_text_and_skips_partial_responses(con, config):
    report = load_file(con, config, EXPORTS / "typeform_responses.csv")
    assert (report.profile, report.table) == ("typeform_responses", "surveys")
    # 7 responses (the last one's comment runs over two lines): 1 partial skipped, 2 rejected, 4 loaded.
    assert (report.rows_read, report.inserted, report.rejected) == (7, 4, 2)
    question = "How likely are you to recommend Acme to a friend or colleague?"
    assert [(r["row"], r["column"], r["value"]) for r in report.rejects] == [
        (6, question, None),  # the NPS question left unanswered
        (7, "email", "xxxxx"),  # the share link's hidden-field placeholder
    ]
    assert report.rejects[0]["reason"] == "missing value"
    assert report.rejects[1]["reason"].startswith("not an email address")
    assert (
        "1 row whose Response Type is not completed was skipped, not rejected "
        "(partial responses were never submitted)." in report.notes
    )
    assert scores(con) == [
        (
            "r8k2m5q9v1x4z7b3n6c0d2f5g8h1j4k7",
            "2025-03-03 09:12:40",
            10,
            "Great coffee, and the community events are fun",
        ),
        ("t1y4u7i0o3p6a9s2d5f8g1h4j7k0l3z6", "2025-03-04 18:02:31", 8, None),
        (
            "q3w6e9r2t5y8u1i4o7p0a3s6d9f2g5h8",
            "2025-03-10 07:49:03",
            3,
            "Shipping took three weeks, nobody answered my emails",
        ),
        ("k5j4h3g2f1d0s9a8l7k6j5h4g3f2d1s0", "2025-03-20 15:33:20", 9, "Fast delivery\nand friendly support"),
    ]
    # Promoters 10, 9; passive 8; detractor 3; 10 + 8 + 3 + 9 = 30. NPS = (2 - 1) / 4 = +25.
    assert con.execute(NPS_GROUPS).fetchone() == (2, 1, 1, 30)
    # The email hidden field: Anna, Marco and Sara; the second answer came through a link without one.
    assert con.execute("select count(person_id) from surveys").fetchone()[0] == 3


def test_typeform_chooses_the_current_profile_over_the_older_one_and_says_why(con, config):
    report = load_file(con, config, EXPORTS / "typeform_responses.csv", commit=False)
    # Both profiles match this header; the current one also reads Response Type.
    assert report.profile == "typeform_responses"
    assert (
        "it also matched Typeform responses (older download, without Response Type), "
        "but Typeform responses maps more of its columns" in report.reason
    )


def test_older_typeform_download_in_italian_is_the_legacy_profile(con, config):
    report = load_file(con, config, EXPORTS / "typeform_responses_legacy.csv")
    assert (report.profile, report.table) == ("typeform_responses_legacy", "surveys")
    assert (report.rows_read, report.inserted, report.rejected) == (4, 4, 0)
    assert "Quanto è probabile che consiglieresti Acme a un amico o collega?" in report.reason
    assert [(s[2], s[3]) for s in scores(con)] == [
        (9, "Adoro il caffè"),
        (0, "Macinino rotto, nessun rimborso"),  # a 0 is an answer, not an empty cell
        (10, None),
        (6, "Troppo caro"),
    ]
    # Promoters 9, 10; no passives; detractors 0, 6; 9 + 0 + 10 + 6 = 25. NPS = (2 - 2) / 4 = 0.
    assert con.execute(NPS_GROUPS).fetchone() == (2, 0, 2, 25)


def test_the_same_email_in_two_typeform_downloads_is_one_person(con, config):
    load_file(con, config, EXPORTS / "typeform_responses.csv")
    load_file(con, config, EXPORTS / "typeform_responses_legacy.csv")
    people = dict(con.execute("select response_id, person_id from surveys").fetchall())
    # Anna.Rossi@Example.com and Anna.Rossi@example.com.
    assert people["r8k2m5q9v1x4z7b3n6c0d2f5g8h1j4k7"] == people["a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6"] is not None


def test_surveymonkey_export_skips_its_second_header_row_and_reads_12_hour_dates(con, config):
    report = load_file(con, config, EXPORTS / "surveymonkey_all_responses.csv")
    assert (report.profile, report.table) == ("surveymonkey_all_responses", "surveys")
    # 7 rows below the header: the sub-label row (line 2) and 6 answers, one without a score.
    assert (report.rows_read, report.inserted, report.rejected) == (7, 5, 1)
    assert report.rejects == [
        {
            "row": 6,
            "column": "How likely is it that you would recommend Acme to a friend or colleague?",
            "value": None,
            "reason": "missing value",
        }
    ]
    notes = " ".join(report.notes)
    assert "The row below the header (line 2) holds" in notes
    # 03/14/2025 and 03/25/2025 can only be month first.
    assert "Column End Date: dates read month first (mm/dd/yyyy)." in report.notes
    assert scores(con) == [
        ("114523456781", "2025-03-03 09:12:40", 10, "Great coffee, fast delivery"),
        ("114523456790", "2025-03-04 00:41:55", 6, "The app keeps logging me out"),  # 12:41:55 AM
        ("114523456802", "2025-03-05 13:07:30", 9, None),  # 01:07:30 PM
        ("114523456833", "2025-03-14 23:59:59", 7, 'Good, but the "subscription" is confusing'),
        ("114523456850", "2025-03-25 07:22:18", 2, "Order arrived broken"),
    ]
    # Promoters 10, 9; passive 7; detractors 6, 2; 10 + 6 + 9 + 7 + 2 = 34. NPS = (2 - 2) / 5 = 0.
    assert con.execute(NPS_GROUPS).fetchone() == (2, 1, 2, 34)
    # Only the two answers collected by email invitation name a person.
    assert con.execute("select count(person_id) from surveys").fetchone()[0] == 2


def test_surveymonkey_export_loaded_twice_changes_nothing(con, config):
    load_file(con, config, EXPORTS / "surveymonkey_all_responses.csv")
    again = load_file(con, config, EXPORTS / "surveymonkey_all_responses.csv")
    assert (again.inserted, again.replaced, again.unchanged, again.rejected) == (0, 0, 5, 1)
    assert con.execute("select count(*) from surveys").fetchone()[0] == 5


def test_qualtrics_choice_text_export_keeps_real_answers_only(con, config):
    report = load_file(con, config, EXPORTS / "qualtrics_responses.csv")
    assert (report.profile, report.table) == ("qualtrics_responses", "surveys")
    assert report.encoding == "utf-8"  # with a byte-order mark
    # 2 header rows below the ids + 7 responses: a preview and a spam skipped, 1 closed before Q1 rejected.
    assert (report.rows_read, report.inserted, report.rejected) == (9, 4, 1)
    assert report.rejects == [{"row": 9, "column": "Q1", "value": None, "reason": "missing value"}]
    notes = " ".join(report.notes)
    assert "The 2 rows below the header (lines 2–3) hold the export's question texts or ids" in notes
    assert "2 rows whose Status is not IP Address or Imported or Offline or 0 or 4 or 16 were skipped" in notes
    assert "(survey previews, test responses and spam are not real answers)" in notes
    assert scores(con) == [
        ("R_5ImPoRtEdImPoRt", "2025-02-20 09:05:00", 8, None),  # imported, answered in February
        ("R_1AbCdEfGhIjKlMn", "2025-03-02 10:06:40", 10, None),
        ("R_3XyZaBcDeFgHiJk", "2025-03-06 18:21:40", 5, None),  # closed at 50 %, after answering Q1
        ("R_7OfFlInEoFfLiNe", "2025-03-12 16:47:15", 0, None),  # offline app
    ]
    # The file's own Q1_NPS_GROUP for these four: Passive, Promoter, Detractor, Detractor.
    groups = con.execute(
        "select case when score >= 9 then 'Promoter' when score >= 7 then 'Passive' else 'Detractor' end "
        "from surveys order by answered_at"
    ).fetchall()
    assert [g for (g,) in groups] == ["Passive", "Promoter", "Detractor", "Detractor"]
    # 8 + 10 + 5 + 0 = 23. NPS = (1 - 2) / 4 = -25.
    assert con.execute(NPS_GROUPS).fetchone() == (1, 1, 2, 23)
    assert con.execute("select count(person_id) from surveys").fetchone()[0] == 2  # Anna and Luca


def test_qualtrics_numeric_export_reads_status_codes(con, config):
    report = load_file(con, config, EXPORTS / "qualtrics_responses.numeric.csv")
    assert report.profile == "qualtrics_responses"
    # Status 0, 1 (preview), 0, 2 (test), 16 (offline): 3 loaded.
    assert (report.rows_read, report.inserted, report.rejected) == (7, 3, 0)
    assert [s[2] for s in scores(con)] == [9, 7, 4]
    # The file's Q1_NPS_GROUP: 3 (promoter), 2 (passive), 1 (detractor); 9 + 7 + 4 = 20. NPS = 0.
    assert con.execute(NPS_GROUPS).fetchone() == (1, 1, 1, 20)


def test_qualtrics_export_whose_nps_question_is_not_q1_is_not_guessed(con, config, tmp_path):
    header = "StartDate,EndDate,Status,Finished,RecordedDate,ResponseId,RecipientEmail,Q1,Q2,Q2_NPS_GROUP\n"
    path = tmp_path / "qualtrics.csv"
    path.write_text(header + "2025-03-01 10:00:00,2025-03-01 10:01:00,IP Address,True,2025-03-01 10:01:00,R_1,,4,9,3\n")
    expected = r"a Qualtrics responses \(NPS question Q1\) export would have Q1_NPS_GROUP"
    with pytest.raises(UnrecognisedExport, match=expected):
        load_file(con, config, path)


GA4 = EXPORTS / "ga4_traffic_acquisition.csv"
VISITS = "select day::varchar, channel, campaign, sessions, engaged_sessions, key_events from visits order by all"
VISIT_SUMS = "select sum(sessions), sum(engaged_sessions), sum(key_events) from visits"


def test_ga4_traffic_acquisition_loads_a_days_sessions_by_channel_group(con, config):
    report = load_file(con, config, GA4)
    assert (report.profile, report.table) == ("ga4_traffic_acquisition", "visits")
    # 9 `#` lines and a blank line above the header (line 11); Grand total on line 12 is skipped.
    assert report.lines_before_header == 10
    assert report.reason.endswith("(its header is on line 11, below a preamble)")
    assert "1 total row skipped, not loaded as data: line 12 ('Grand total')." in report.notes
    assert (report.rows_read, report.inserted, report.rejected) == (7, 6, 0)
    assert con.execute(VISITS).fetchall() == [
        ("2025-03-01", "direct", "", 602, 371, 12),
        ("2025-03-01", "organic search", "", 1204, 803, 31),
        ("2025-03-01", "paid social", "", 310, 158, 4),
        ("2025-03-02", "email", "", 95, 71, 6),
        ("2025-03-02", "organic search", "", 836, 554, 27),
        ("2025-03-02", "unassigned", "", 17, 3, 0),
    ]
    # The skipped Grand total row reads 3064, 1960, 80: 1204+602+310+836+95+17, 803+371+158+554+71+3, 31+12+4+27+6+0.
    assert con.execute(VISIT_SUMS).fetchone() == (3064, 1960, 80)


def test_ga4_traffic_acquisition_loaded_again_changes_nothing(con, config):
    load_file(con, config, GA4)
    again = load_file(con, config, GA4)
    assert (again.rows_read, again.inserted, again.replaced, again.unchanged) == (7, 0, 0, 6)
    assert con.execute("select count(*) from visits").fetchone()[0] == 6


def test_ga4_download_from_before_2024_reads_default_channel_group_and_conversions(con, config):
    report = load_file(con, config, EXPORTS / "ga4_traffic_acquisition_2023.csv")
    assert (report.profile, report.table) == ("ga4_traffic_acquisition", "visits")
    assert (report.rows_read, report.inserted, report.rejected) == (4, 3, 0)
    assert con.execute(VISITS).fetchall() == [
        ("2023-10-02", "organic search", "", 640, 418, 9),
        ("2023-10-02", "referral", "", 97, 70, 2),
        ("2023-10-03", "direct", "", 355, 201, 5),
    ]
    # Conversions 9 + 2 + 5 = 16 as key events; Users (512, 88, 301) are not sessions and are not loaded.
    assert con.execute(VISIT_SUMS).fetchone() == (1092, 689, 16)


def test_ga4_campaign_report_loads_each_campaign_as_the_websites_visits(con, config):
    report = load_file(con, config, EXPORTS / "ga4_traffic_acquisition_campaign.csv")
    assert (report.profile, report.table) == ("ga4_traffic_acquisition_campaign", "visits")
    assert (report.rows_read, report.inserted, report.rejected) == (7, 6, 0)
    assert "1 total row skipped, not loaded as data: line 12 ('Grand total')." in report.notes
    # GA4's own campaign words are kept as written; the export names no channel group, so the channel is web.
    assert con.execute(VISITS).fetchall() == [
        ("2025-03-01", "web", "(direct)", 602, 371, 12),
        ("2025-03-01", "web", "(organic)", 1204, 803, 31),
        ("2025-03-01", "web", "spring_sale", 310, 158, 4),
        ("2025-03-02", "web", "(not set)", 17, 3, 0),
        ("2025-03-02", "web", "(organic)", 836, 554, 27),
        ("2025-03-02", "web", "newsletter_march", 95, 71, 6),
    ]


def test_ga4_exploration_with_channel_group_and_campaign_is_read_by_its_own_profile(con, config):
    report = load_file(con, config, EXPORTS / "ga4_exploration_channel_campaign.csv")
    assert (report.profile, report.table) == ("ga4_exploration_channel_campaign", "visits")
    # Its header also fits both report profiles (5 columns each); the exploration's maps 6.
    assert "GA4 traffic acquisition by channel group and day" in report.reason
    assert "GA4 traffic acquisition by campaign and day" in report.reason
    assert report.reason.endswith(
        "but GA4 exploration by day, channel group and campaign maps more of its columns "
        "(its header is on line 7, below a preamble)"
    )
    assert (report.rows_read, report.inserted, report.rejected) == (7, 7, 0)
    # spring_sale came through two channel groups on 1 March: paid social 310 and email 41.
    by_campaign = "select channel, sessions from visits where campaign = 'spring_sale' order by channel"
    assert con.execute(by_campaign).fetchall() == [("email", 41), ("paid social", 310)]
    # Sessions 1204+602+310+41+836+95+17, engaged 803+371+158+30+554+71+3, key events 31+12+4+2+27+6+0.
    assert con.execute(VISIT_SUMS).fetchone() == (3105, 1990, 82)


def test_ga4_date_rewritten_by_a_spreadsheet_is_rejected_on_its_own_line(con, config, tmp_path):
    # The download opened and saved again in a spreadsheet that wrote one date as 2025-03-02.
    text = GA4.read_text(encoding="utf-8").replace("Email,20250302", "Email,2025-03-02")
    path = tmp_path / "ga4_resaved.csv"
    path.write_text(text, encoding="utf-8")
    report = load_file(con, config, path)
    assert (report.rows_read, report.inserted, report.rejected) == (7, 5, 1)
    # Line 17 of the file: 10 preamble lines, the header, Grand total, then the fifth channel row.
    assert report.rejects == [
        {"row": 17, "column": "Date", "value": "2025-03-02", "reason": "not a date in the form yyyymmdd"}
    ]
    assert con.execute("select count(*) from visits where channel = 'email'").fetchone()[0] == 0


@pytest.mark.parametrize(
    "name",
    [
        "typeform_responses.csv",
        "typeform_responses_legacy.csv",
        "surveymonkey_all_responses.csv",
        "qualtrics_responses.csv",
        "qualtrics_responses.numeric.csv",
    ],
)
def test_no_survey_fixture_puts_an_email_in_the_database(con, config, name):
    load_file(con, config, EXPORTS / name)
    assert con.execute("select count(*) from surveys where surveys::varchar like '%@%'").fetchone()[0] == 0
    assert con.execute("select count(person_id) from surveys").fetchone()[0] > 0  # hashed, not dropped
