"""Survey and web-analytics exports: Typeform, SurveyMonkey, Qualtrics (surveys) and GA4 (no table yet).

Each fixture in tests/fixtures/exports/ carries the vendor's real columns and quirks;
expected numbers are worked out by hand from the fixture files.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from legame.config import Config
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


def test_a_ga4_report_is_not_loaded_into_any_table(con, config):
    # No canonical table holds sessions or visits (see the GA4 note in the report to the lead).
    with pytest.raises(UnrecognisedExport, match="no known export format"):
        load_file(con, config, GA4)


def test_a_ga4_header_is_found_below_its_comment_block_and_blank_line(con, config):
    # A stand-in profile, only to show where the pipeline finds the header of a GA4 download
    # (6 comment lines, a blank line, then the header); previewed, never loaded.
    stand_in = {
        "label": "GA4 stand-in",
        "table": "spend",
        "detect": ["Session default channel group", "Date", "Sessions"],
        "columns": {
            "day": {"column": "Date", "format": "%Y%m%d"},
            "channel": "Session default channel group",
            "amount": {"value": 0},
        },
    }
    data = copy.deepcopy(config.data)
    data["profiles"] = {"ga4_stand_in": stand_in}
    report = load_file(con, Config(data=data, root=config.root), GA4, commit=False)
    assert report.profile == "ga4_stand_in"
    assert report.lines_before_header == 7
    assert report.reason.endswith("(its header is on line 8, below a preamble)")
    # Grand total (line 9) and 4 rows of channel × day.
    assert (report.rows_read, report.inserted, report.rejected) == (5, 4, 0)
    assert "1 total row skipped, not loaded as data: line 9 ('Grand total')." in report.notes
    assert [(str(r[0]), r[1]) for r in report.preview_rows] == [
        ("2025-03-01", "organic search"),
        ("2025-03-01", "direct"),
        ("2025-03-01", "organic social"),
        ("2025-03-02", "organic search"),
    ]
    assert con.execute("select count(*) from spend").fetchone()[0] == 0


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
