"""The profile options any vendor profile may use: pattern columns, rows below the header,
net amounts, currencies, row filters and total rows. Each on a small hand-written file.
"""

from __future__ import annotations

import copy

import pytest
from test_ingest import content

from legame.config import Config
from legame.errors import ConfigError, FatalFileError, UnrecognisedExport
from legame.ingest import load_file
from legame.ingest.currency import named_in_header
from legame.ingest.profiles import vendor_profile


def with_profiles(config: Config, **profiles) -> Config:
    data = copy.deepcopy(config.data)
    data["profiles"] = profiles
    return Config(data=data, root=config.root)


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


SURVEY = {
    "label": "Test survey",
    "table": "surveys",
    "detect": ["Response ID", {"match": "recommend"}],
    "skip_rows_after_header": 2,
    "columns": {
        "response_id": "Response ID",
        "answered_at": "Recorded Date",
        "score": {"match": "how likely.*recommend"},
    },
}


def test_a_column_named_after_its_question_is_found_by_pattern(con, config, tmp_path):
    text = (
        "Response ID,Recorded Date,How likely are you to recommend Acme to a friend? (0-10),Why?\n"
        "Response ID,Recorded Date,How likely are you to recommend Acme to a friend? (0-10),Why?\n"
        '{"ImportId":"_recordId"},{"ImportId":"recordedDate"},{"ImportId":"QID1"},{"ImportId":"QID2"}\n'
        "R_1,2025-03-01 10:00:00,10,Great\n"
        "R_2,2025-03-02 11:00:00,6,Meh\n"
        "R_3,2025-03-03 12:00:00,eleven,?\n"
    )
    report = load_file(con, with_profiles(config, test_survey=SURVEY), write(tmp_path, "s.csv", text))
    assert (report.profile, report.rows_read, report.inserted, report.rejected) == ("test_survey", 5, 2, 1)
    assert "How likely are you to recommend Acme to a friend? (0-10)" in report.reason
    # Lines 2 and 3 are the question texts and import ids; the bad answer keeps its own line, 6.
    assert report.rejects == [
        {
            "row": 6,
            "column": "How likely are you to recommend Acme to a friend? (0-10)",
            "value": "eleven",
            "reason": "not a whole number from 0 to 10",
        }
    ]
    assert "The 2 rows below the header (lines 2–3) hold the export's question texts or ids" in " ".join(report.notes)
    assert con.execute("select sum(score) from surveys").fetchone()[0] == 16  # 10 + 6


def test_a_detect_pattern_that_matches_nothing_does_not_claim_the_file(con, config, tmp_path):
    text = "Response ID,Recorded Date,Score\nR_1,2025-03-01,10\n"
    with pytest.raises(
        UnrecognisedExport, match="a Test survey export would have a column whose name matches 'recommend'"
    ):
        load_file(con, with_profiles(config, test_survey=SURVEY), write(tmp_path, "s.csv", text))


def test_a_bad_pattern_is_a_config_error():
    with pytest.raises(ConfigError, match="not a valid pattern"):
        vendor_profile("broken", {**SURVEY, "columns": {**SURVEY["columns"], "score": {"match": "(unclosed"}}})


PAYMENTS = {
    "label": "Test payments",
    "table": "orders",
    "detect": ["id", "Amount", "Amount Refunded", "Currency", "Status"],
    "currency_column": "Currency",
    "only_if": {"column": "Status", "values": ["Paid", "Refunded"], "why": "failed payments are not sales"},
    "columns": {
        "order_id": "id",
        "person_id": {"column": "Customer Email", "email": True},
        "ordered_at": "Created date (UTC)",
        "revenue": {"column": "Amount", "minus": "Amount Refunded"},
    },
}
PAYMENTS_HEADER = "id,Created date (UTC),Amount,Amount Refunded,Currency,Status,Customer Email\n"


def test_net_amounts_currency_column_and_row_filter(con, config, tmp_path):
    rows = (
        "ch_1,2025-03-01 10:00,100.00,0.00,eur,Paid,a@example.com\n"
        "ch_2,2025-03-02 10:00,80.00,30.00,eur,Refunded,b@example.com\n"
        "ch_3,2025-03-03 10:00,50.00,,EUR,Paid,c@example.com\n"
        "ch_4,2025-03-04 10:00,70.00,0.00,usd,Paid,d@example.com\n"
        "ch_5,2025-03-05 10:00,60.00,0.00,eur,Failed,e@example.com\n"
        "ch_6,2025-03-06 10:00,40.00,abc,eur,Paid,f@example.com\n"
    )
    path = write(tmp_path, "payments.csv", PAYMENTS_HEADER + rows)
    report = load_file(con, with_profiles(config, test_payments=PAYMENTS), path)
    # 6 rows read: ch_5 failed (skipped, counted), ch_4 in USD and ch_6's refund unreadable (rejected).
    assert (report.rows_read, report.inserted, report.rejected) == (6, 3, 2)
    assert [(r["row"], r["column"], r["value"], r["reason"]) for r in report.rejects] == [
        (5, "Currency", "usd", "in USD, but Legame counts in EUR: convert it first"),
        (7, "Amount Refunded", "abc", "not a number"),
    ]
    notes = " ".join(report.notes)
    assert "1 row whose Status is not Paid or Refunded was skipped, not rejected (failed payments are not sales)" in (
        notes
    )
    assert "Amounts are in EUR, as the Currency column says" in notes
    # 100 - 0, 80 - 30, 50 - (empty = 0).
    assert con.execute("select list(revenue order by order_id) from orders").fetchone()[0] == [100.0, 50.0, 50.0]
    assert "Amount Refunded" not in report.ignored_columns


def test_minus_works_only_on_numbers():
    spec = copy.deepcopy(PAYMENTS)
    spec["columns"]["order_id"] = {"column": "id", "minus": "Amount"}
    with pytest.raises(ConfigError, match="minus works only on a number column"):
        vendor_profile("broken", spec)


SPEND = "day,channel,campaign,amount,impressions,clicks\n"


@pytest.mark.parametrize(
    ("amount", "mark"),
    [("$12.50", "$"), ("12.50 USD", "USD"), ("£ 3.00", "£"), ("CHF 2'000.5", "CHF")],
)
def test_an_amount_marked_with_another_currency_is_rejected(con, config, tmp_path, amount, mark):
    rows = f'2025-03-01,meta,a,"€ 1.00",,\n2025-03-02,meta,b,"{amount}",,\n'
    report = load_file(con, config, write(tmp_path, "spend.csv", SPEND + rows))
    assert (report.inserted, report.rejected) == (1, 1)
    assert report.rejects[0]["reason"] == f"marked {mark}, but Legame counts in EUR: convert it first"


def test_a_money_column_named_in_another_currency_loads_nothing(con, config, tmp_path):
    profile = {
        "table": "spend",
        "detect": ["Day", {"match": r"^Amount spent \("}],
        "columns": {"day": "Day", "channel": {"value": "meta"}, "amount": {"match": r"^Amount spent \("}},
    }
    before = content(con)
    path = write(tmp_path, "ads.csv", "Day,Amount spent (USD)\n2025-03-01,12.50\n")
    with pytest.raises(FatalFileError, match=r"column 'Amount spent \(USD\)' is in USD, but Legame counts in EUR"):
        load_file(con, with_profiles(config, test_ads=profile), path)
    assert content(con) == before
    path = write(tmp_path, "ads_eur.csv", "Day,Amount spent (EUR)\n2025-03-01,12.50\n")
    report = load_file(con, with_profiles(config, test_ads=profile), path)
    assert "Amounts are in EUR, as the column name 'Amount spent (EUR)' says." in report.notes


@pytest.mark.parametrize(
    ("column", "currency"),
    [("Amount spent (EUR)", "EUR"), ("Spend (£)", "GBP"), ("Cost", None), ("Click through rate (CTR)", None)],
)
def test_currency_named_in_a_column(column, currency):
    assert named_in_header(column) == currency


def test_total_rows_are_skipped_and_reported_but_real_rows_named_total_are_kept(con, config, tmp_path):
    text = (
        "Campaign,Day,Cost\n"
        "Total: Account,--,30.00\n"
        "Spring,2025-03-01,10.00\n"
        "Total Eclipse launch,2025-03-01,20.00\n"
        "Grand total,,30.00\n"
        "Autumn,2025-13-01,5.00\n"
    )
    profile = {
        "table": "spend",
        "detect": ["Campaign", "Day", "Cost"],
        "columns": {"day": "Day", "channel": {"value": "google"}, "campaign": "Campaign", "amount": "Cost"},
    }
    report = load_file(con, with_profiles(config, test_google=profile), write(tmp_path, "g.csv", text))
    # 5 rows: 2 totals skipped; a campaign whose name starts with Total is data; a bad date is still rejected.
    assert (report.rows_read, report.inserted, report.rejected) == (5, 2, 1)
    assert report.rejects[0]["row"] == 6
    assert "2 total rows skipped, not loaded as data: line 2 ('Total: Account'), line 5 ('Grand total')." in (
        report.notes
    )
    assert con.execute("select sum(amount) from spend").fetchone()[0] == 30.0


PEOPLE_A = "email,first_seen,acquisition_channel,is_member,member_since\n"
PEOPLE_B = "email,first_seen,segment,is_member\n"


def test_people_from_two_tools_combine_column_by_column(con, config, tmp_path):
    # A CRM knows where Ann came from; the community tool knows she joined, and saw her later.
    load_file(con, config, write(tmp_path, "crm.csv", PEOPLE_A + "ann@example.com,2024-05-01,ads,false,\n"))
    report = load_file(
        con, config, write(tmp_path, "community.csv", PEOPLE_B + "ann@example.com,2024-09-01,gold,true\n")
    )
    assert (report.inserted, report.replaced, report.unchanged) == (0, 1, 0)
    row = con.execute(
        "select first_seen::date::varchar, acquisition_channel, segment, is_member from people"
    ).fetchone()
    # The earliest first_seen; the CRM's channel kept (the community file has none); the later is_member wins.
    assert row == ("2024-05-01", "ads", "gold", True)
    again = load_file(
        con, config, write(tmp_path, "community2.csv", PEOPLE_B + "ann@example.com,2024-09-01,gold,true\n")
    )
    assert (again.replaced, again.unchanged) == (0, 1)


def test_words_for_empty_and_any_other_value_and_id_prefixes(con, config, tmp_path):
    profile = {
        "table": "interactions",
        "detect": ["id", "Author", "When", "Post number"],
        "columns": {
            "event_id": {"column": "id", "prefix": "forum-"},
            "person_id": {"column": "Author", "email": True},
            "occurred_at": "When",
            "kind": {"column": "Post number", "values": {"1": "post", "*": "reply", "": "comment"}},
        },
    }
    text = (
        "id,Author,When,Post number\n"
        "7,Ann Rossi <ann@example.com>,2025-03-01,1\n"
        "8,bob@example.com,2025-03-02,2\n"
        "9,Carl (carl@example.com),2025-03-03,\n"
        "10,ann@example.com; bob@example.com,2025-03-04,3\n"
    )
    report = load_file(con, with_profiles(config, forum=profile), write(tmp_path, "forum.csv", text))
    assert (report.inserted, report.rejected) == (3, 1)
    assert report.rejects[0]["reason"] == "not an email address (or several in one cell)"
    rows = con.execute("select event_id, kind, person_id from interactions order by occurred_at").fetchall()
    assert [r[:2] for r in rows] == [("forum-7", "post"), ("forum-8", "reply"), ("forum-9", "comment")]
    # "Ann Rossi <ann@example.com>" is the same person as a plain ann@example.com elsewhere.
    load_file(con, config, write(tmp_path, "people.csv", "email,first_seen\nann@example.com,2025-01-01\n"))
    assert con.execute("select count(*) from people join interactions using (person_id)").fetchone()[0] == 1


def test_only_rows_with_a_value_and_ids_rounded_by_excel(con, config, tmp_path):
    profile = {
        "table": "interactions",
        "detect": ["api_id", "email", "checked_in_at"],
        "only_if": {"column": "checked_in_at", "not_empty": True, "why": "guests who did not come"},
        "columns": {
            "event_id": "api_id",
            "person_id": {"column": "email", "email": True},
            "occurred_at": "checked_in_at",
            "kind": {"value": "event"},
        },
    }
    text = (
        "api_id,email,checked_in_at\n"
        "gst-1,ann@example.com,2025-03-01 18:00\n"
        "gst-2,bob@example.com,\n"
        "1.22158E+17,carl@example.com,2025-03-01 18:05\n"
    )
    report = load_file(con, with_profiles(config, luma=profile), write(tmp_path, "guests.csv", text))
    assert (report.rows_read, report.inserted, report.rejected) == (3, 1, 1)
    assert "1 row whose checked_in_at is empty was skipped, not rejected (guests who did not come)." in report.notes
    assert report.rejects[0]["row"] == 4
    assert report.rejects[0]["reason"].startswith("rounded by Excel into a number")


def test_a_file_whose_rows_are_all_skipped_says_why(con, config, tmp_path):
    path = write(tmp_path, "payments.csv", PAYMENTS_HEADER + "ch_5,2025-03-05 10:00,60.00,0.00,eur,Failed,e@x.com\n")
    with pytest.raises(FatalFileError, match=r"its only row is not orders to load\. 1 row whose Status is not Paid"):
        load_file(con, with_profiles(config, test_payments=PAYMENTS), path)


def test_a_score_outside_0_to_10_is_rejected(con, config, tmp_path):
    text = "response_id,answered_at,score\nr1,2025-03-01,10\nr2,2025-03-01,0\nr3,2025-03-01,11\nr4,2025-03-01,-1\n"
    report = load_file(con, config, write(tmp_path, "nps.csv", text))
    assert (report.inserted, report.rejected) == (2, 2)
    assert [(r["row"], r["value"], r["reason"]) for r in report.rejects] == [
        (4, "11", "not a whole number from 0 to 10"),
        (5, "-1", "not a whole number from 0 to 10"),
    ]


def test_a_file_recognised_but_lacking_a_needed_column_says_which(con, config, tmp_path):
    profile = {
        "label": "Test CRM",
        "table": "orders",
        "detect": ["Ref", "Buyer"],
        "columns": {"order_id": "Ref", "person_id": "Buyer", "ordered_at": "Placed", "revenue": "Gross"},
    }
    path = write(tmp_path, "crm.csv", "Ref,Buyer,Placed\nA1,ann,2025-03-01\n")
    with pytest.raises(UnrecognisedExport, match="Closest: a Test CRM export would have Gross"):
        load_file(con, with_profiles(config, test_crm=profile), path)


def test_ids_made_from_columns_never_confuse_an_empty_cell_or_a_bar(con, config, tmp_path):
    profile = {
        "table": "interactions",
        "detect": ["Who", "When", "Text", "File"],
        "columns": {
            "event_id": {"hash_of": ["Who", "When", "Text", "File"]},
            "person_id": "Who",
            "occurred_at": "When",
            "kind": {"value": "comment"},
        },
    }
    text = "Who,When,Text,File\nu1,2025-03-01,see pic,\nu1,2025-03-01,,see pic\nu1,2025-03-01,a|b,\nu1,2025-03-01,a,b\n"
    report = load_file(con, with_profiles(config, chat=profile), write(tmp_path, "chat.csv", text))
    assert (report.inserted, report.duplicates_in_file) == (4, 0)


def test_rows_of_one_person_within_a_file_combine(con, config, tmp_path):
    text = "person_id,first_seen,segment,is_member\ndan,2025-02-01,Gold,\ndan,,,true\ndan,2025-01-01,,\n"
    report = load_file(con, config, write(tmp_path, "people.csv", text))
    assert (report.inserted, report.duplicates_in_file) == (1, 2)
    assert "they are combined with it" in " ".join(report.notes)
    row = con.execute("select first_seen::date::varchar, segment, is_member from people").fetchone()
    assert row == ("2025-01-01", "Gold", True)


def test_a_bare_yes_in_a_profile_is_refused_with_how_to_write_it():
    with pytest.raises(ConfigError, match="Put the export's word in quotes"):
        vendor_profile("broken", {**PAYMENTS, "only_if": {"column": "Status", "values": [True]}})
