"""Community export profiles (Discourse posts, Circle members, Slack member analytics, Eventbrite attendees).

Each is loaded from a fixture with the vendor's columns and quirks; expected numbers are
worked out by hand from the fixture files.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from legame.ingest import load_file
from legame.ingest.profiles import detect, profile_specs
from legame.ingest.sniff import sniff

EXPORTS = Path(__file__).parent / "fixtures" / "exports"
OURS = {
    "discourse_posts",
    "circle_members",
    "slack_member_analytics",
    "slack_member_analytics_user_id",
    "eventbrite_attendees",
}


def person(con, config, email: str) -> str:
    """The person id an email becomes (the same salted hash every profile uses)."""
    return con.execute("select left(sha256($salt || lower($e)), 24)", {"salt": config.secret, "e": email}).fetchone()[0]


def test_discourse_posts_are_posts_and_replies_by_email(con, config):
    report = load_file(con, config, EXPORTS / "discourse_posts.csv")
    assert (report.profile, report.table) == ("discourse_posts", "interactions")
    # 6 posts; 105's author was deleted (no username, no email): rejected, the rest load.
    assert (report.rows_read, report.inserted, report.rejected) == (6, 5, 1)
    assert [(r["row"], r["column"], r["value"], r["reason"]) for r in report.rejects] == [
        (6, "email", None, "missing value")
    ]
    rows = con.execute("select event_id, kind, occurred_at::varchar, channel from interactions order by 1").fetchall()
    # is_first_post t -> post (101, 104), f -> reply (102, 103, 106); PostgreSQL's microseconds kept.
    assert rows == [
        ("discourse-post-101", "post", "2025-03-01 09:12:03.512204", "discourse"),
        ("discourse-post-102", "reply", "2025-03-01 10:40:00", "discourse"),
        ("discourse-post-103", "reply", "2025-03-01 11:02:17.000931", "discourse"),
        ("discourse-post-104", "post", "2025-03-02 23:59:59.999999", "discourse"),
        ("discourse-post-106", "reply", "2025-03-04 17:45:10.25", "discourse"),
    ]
    # Anna wrote 101 and 103, Bruno 102 and 106, Carla 104.
    per_person = dict(con.execute("select person_id, count(*) from interactions group by 1").fetchall())
    assert per_person == {
        person(con, config, "anna.rossi@example.com"): 2,
        person(con, config, "bruno.esposito@example.com"): 2,
        person(con, config, "carla.verdi@example.com"): 1,
    }


def test_discourse_writers_are_the_people_of_the_user_list(con, config):
    load_file(con, config, EXPORTS / "discourse_users.csv")
    load_file(con, config, EXPORTS / "discourse_posts.csv")
    # Every one of the 5 loaded posts has its author in the user list (Bruno's email is in
    # capitals there); Carla is staged there, so 4 posts (Anna 2 + Bruno 2) are by members.
    known, by_members = con.execute(
        "select count(p.person_id), count(*) filter (where p.is_member) "
        "from interactions i left join people p using (person_id)"
    ).fetchone()
    assert (known, by_members) == (5, 4)


def test_circle_members_list_makes_every_row_a_member_since_the_join_date(con, config):
    report = load_file(con, config, EXPORTS / "circle_members.csv")
    assert (report.profile, report.table) == ("circle_members", "people")
    # 5 members; Fabio's Email is blank: rejected on its own line (row 5 of the file).
    assert (report.rows_read, report.inserted, report.rejected) == (5, 4, 1)
    assert [(r["row"], r["column"], r["value"], r["reason"]) for r in report.rejects] == [
        (5, "Email", None, "missing value")
    ]
    rows = con.execute(
        "select first_seen::varchar, is_member, member_since::varchar from people order by first_seen"
    ).fetchall()
    assert rows == [
        ("2024-01-10 09:05:12", True, "2024-01-10"),
        ("2024-06-15 22:41:03", True, "2024-06-15"),
        ("2025-03-01 00:59:59", True, "2025-03-01"),  # 23:59:59 UTC on 28 Feb is 1 March in Rome
        ("2025-03-02 13:30:00", True, "2025-03-02"),
    ]
    assert person(con, config, "bruno.esposito@example.com") in {r[0] for r in con.execute("from people").fetchall()}


def test_circle_members_list_with_a_joined_column(con, config, tmp_path):
    # The join date is found by pattern: "Joined at" reads like "Member since".
    text = (EXPORTS / "circle_members.csv").read_text().replace("Member since", "Joined at", 1)
    path = tmp_path / "members.csv"
    path.write_text(text)
    report = load_file(con, config, path)
    assert report.profile == "circle_members"
    assert report.reason == "its header has the columns Name, Email, Headline, Joined at"
    assert (report.rows_read, report.inserted, report.rejected) == (5, 4, 1)
    # 2024-01-10 + 2024-06-15 + 2025-02-28 + 2025-03-02: the earliest and latest member.
    assert con.execute("select min(member_since)::varchar, max(member_since)::varchar from people").fetchone() == (
        "2024-01-10",
        "2025-03-02",
    )


def test_a_later_people_export_adds_to_the_rows_of_people_already_known(con, config):
    load_file(con, config, EXPORTS / "discourse_users.csv")
    before = dict(con.execute("select person_id, first_seen from people").fetchall())
    report = load_file(con, config, EXPORTS / "circle_members.csv")
    # Anna and Bruno are in both; Circle adds their member_since, so their rows are
    # updated; Elena and Giulia are new.
    assert (report.inserted, report.replaced, report.unchanged) == (2, 2, 0)
    assert con.execute("select count(*) from people").fetchone()[0] == 6  # 4 Discourse + 2 new
    # Combined, not replaced: Discourse's first_seen (Circle has none) is kept for both.
    after = dict(con.execute("select person_id, first_seen from people").fetchall())
    assert all(after[pid] == seen for pid, seen in before.items() if seen is not None)
    assert con.execute("select count(*) from people where member_since is not null").fetchone()[0] == 4


def test_slack_member_analytics_with_emails(con, config):
    report = load_file(con, config, EXPORTS / "slack_member_analytics.csv")
    assert (report.profile, report.table) == ("slack_member_analytics", "people")
    # The user-id profile matches this header too and maps as many columns (User ID where this
    # one maps Email); this one is recognised by one more column, so the choice is fixed.
    assert report.reason.endswith(
        "it also matched Slack member analytics (Slack user ids), but both map 5 of its columns and "
        "Slack member analytics (with emails) is recognised by more of them (6 against 5)"
    )
    # 6 accounts: Luca is deactivated (skipped, counted), Tommaso has no Email (rejected), 4 load.
    assert (report.rows_read, report.inserted, report.rejected) == (6, 4, 1)
    assert [(r["row"], r["column"], r["reason"]) for r in report.rejects] == [(7, "Email", "missing value")]
    assert (
        "1 row whose Deactivated date (UTC) is not empty was skipped, not rejected "
        "(deactivated accounts are no longer members)." in report.notes
    )
    rows = {
        pid: rest
        for pid, *rest in con.execute(
            "select person_id, first_seen::varchar, is_member, member_since::varchar from people"
        ).fetchall()
    }
    assert rows == {
        # Primary Owner; "Jan 10, 2024" dates.
        person(con, config, "anna.rossi@example.com"): ["2024-01-10 00:00:00", True, "2024-01-10"],
        # Member, signed in the day after the account was made.
        person(con, config, "bruno.esposito@example.com"): ["2024-06-15 00:00:00", True, "2024-06-16"],
        # Multi-Channel Guest: in Slack, not a community member.
        person(con, config, "marta@agency.example"): ["2024-11-04 00:00:00", False, "2024-11-04"],
        # Invited, never signed in: no Claimed Date.
        person(con, config, "sara.bassi@example.com"): ["2025-03-01 00:00:00", True, None],
    }


def test_slack_member_analytics_without_emails_uses_slack_user_ids(con, config):
    report = load_file(con, config, EXPORTS / "slack_member_analytics_user_id.csv")
    assert (report.profile, report.table) == ("slack_member_analytics_user_id", "people")
    assert report.reason == (
        "its header has the columns User ID, Account type, Account created (UTC), Claimed Date (UTC), Days active"
    )
    # 4 accounts; Piero's creation date was retyped as 2024-05-05, not Slack's "May 5, 2024".
    assert (report.rows_read, report.inserted, report.rejected) == (4, 3, 1)
    assert [(r["row"], r["column"], r["value"]) for r in report.rejects] == [(5, "Account created (UTC)", "2024-05-05")]
    assert report.rejects[0]["reason"].startswith("not a date in the form")
    rows = con.execute("select person_id, is_member from people order by person_id").fetchall()
    # "Single-channel guest" in other capitals is still a guest.
    assert rows == [("U01AR0001", True), ("U01BE0002", True), ("U01NC0007", False)]


def test_eventbrite_attendance_counts_only_checked_in_tickets(con, config):
    report = load_file(con, config, EXPORTS / "eventbrite_attendees.csv")
    assert (report.profile, report.table) == ("eventbrite_attendees", "interactions")
    assert report.profile_label == "Eventbrite attendee summary (dated by order)"
    # 7 tickets: Chiara only Attending, Dario Not Attending (refunded), Giulia Deleted: 3
    # skipped and counted; Fabio's Order Date typed as 2025-03-02 10:00: rejected; 3 load.
    assert (report.rows_read, report.inserted, report.rejected) == (7, 3, 1)
    assert (
        "3 rows whose Attendee Status is not Checked In were skipped, not rejected "
        "(only attendees checked in at the door were there)."
    ) in report.notes
    assert [(r["row"], r["column"], r["value"], r["reason"]) for r in report.rejects] == [
        (7, "Order Date", "2025-03-02 10:00", "not a date in the form mm/dd/yy hh:mm")
    ]
    rows = con.execute("select event_id, person_id, occurred_at::varchar from interactions order by 1").fetchall()
    # Dated by the order: 02/14/25 09:30, 02/15/25 18:02, 03/01/25 08:15 (month/day/year).
    assert rows == [
        ("18500000001", person(con, config, "anna.rossi@example.com"), "2025-02-14 09:30:00"),
        ("18500000002", person(con, config, "bruno.esposito@example.com"), "2025-02-15 18:02:00"),
        ("18500000005", person(con, config, "elena.galli@example.com"), "2025-03-01 08:15:00"),
    ]
    assert con.execute("select distinct kind, channel from interactions").fetchall() == [("event", "eventbrite")]


def test_event_attendees_are_found_among_circle_members(con, config):
    load_file(con, config, EXPORTS / "circle_members.csv")
    load_file(con, config, EXPORTS / "eventbrite_attendees.csv")
    # Anna, Bruno and Elena checked in; all three are Circle members.
    members_at_events = con.execute(
        "select count(*) from interactions join people using (person_id) where kind = 'event' and is_member"
    ).fetchone()[0]
    assert members_at_events == 3


def test_eventbrite_without_door_scanning_can_count_attending_tickets(con, config):
    # The override the profile's comment describes, as a config.yaml `profiles:` entry.
    spec = dict(profile_specs(config)["eventbrite_attendees"])
    spec["only_if"] = {"column": "Attendee Status", "values": ["Checked In", "Attending"], "why": "no door scanning"}
    config.data["profiles"] = {"eventbrite_attendees": spec}
    report = load_file(con, config, EXPORTS / "eventbrite_attendees.csv")
    # Chiara's Attending ticket now counts too: 3 + 1 = 4; Dario and Giulia are still skipped.
    assert (report.rows_read, report.inserted, report.rejected) == (7, 4, 1)
    assert any(n.startswith("2 rows whose Attendee Status is not Checked In or Attending") for n in report.notes)


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
def test_no_community_profile_takes_another_tools_file(config, name):
    sniffed = sniff(EXPORTS / name, name)
    if name == "linkedin_campaign_performance.csv":
        sniffed = sniff(EXPORTS / name, name, skip=5)  # its header is below a 5-line preamble
    profile, _ = detect(sniffed.header, config, name)
    assert profile.name not in OURS


@pytest.mark.parametrize(
    "name",
    [
        "discourse_posts.csv",
        "circle_members.csv",
        "slack_member_analytics.csv",
        "eventbrite_attendees.csv",
    ],
)
def test_no_community_fixture_puts_an_email_in_the_database(con, config, name):
    load_file(con, config, EXPORTS / name)
    for table in ("people", "interactions"):
        assert con.execute(f"select count(*) from {table} where {table}::varchar like '%@%'").fetchone()[0] == 0


def test_luma_guest_list_counts_only_guests_who_checked_in(con, config):
    report = load_file(con, config, EXPORTS / "luma_guests.csv")
    assert (report.profile, report.table) == ("luma_guests", "interactions")
    # 6 guests: Bruno (approved), Dario (waitlist) and Elena (declined) never checked in: 3
    # skipped and counted; Fabio's check-in "ieri sera" is no time: rejected; 2 load.
    assert (report.rows_read, report.inserted, report.rejected) == (6, 2, 1)
    assert (
        "3 rows whose checked_in_at is empty were skipped, not rejected (guests who did not check in were not there)."
        in report.notes
    )
    assert [(r["row"], r["column"], r["value"]) for r in report.rejects] == [(7, "checked_in_at", "ieri sera")]
    rows = con.execute("select event_id, person_id, occurred_at::varchar from interactions order by 1").fetchall()
    # Check-in times in UTC; event ids prefixed so no other tool's ids can meet them.
    assert rows == [
        ("luma-gst-5cWq1PoL3d", person(con, config, "chiara.bianchi@example.com"), "2025-03-06 19:20:10"),
        ("luma-gst-8fQk2LmN1a", person(con, config, "anna.rossi@example.com"), "2025-03-06 19:04:51"),
    ]
    assert con.execute("select distinct kind, channel from interactions").fetchall() == [("event", "luma")]


def test_discord_messages_are_interactions_with_ids_made_from_the_message(con, config):
    report = load_file(con, config, EXPORTS / "discord_messages.csv")
    assert (report.profile, report.table) == ("discord_messages", "interactions")
    # 6 rows: Bruno's two-line message appears twice (one interaction), Chiara's "yesterday"
    # is no date (rejected on row 6, counting rows as a spreadsheet does), 4 load.
    assert (report.rows_read, report.inserted, report.rejected, report.duplicates_in_file) == (6, 4, 1, 1)
    assert [(r["row"], r["column"], r["value"]) for r in report.rejects] == [(6, "Date", "yesterday")]
    rows = con.execute(
        "select person_id, occurred_at::varchar, length(event_id) from interactions order by occurred_at"
    ).fetchall()
    # Month first, 12-hour clock: 3/13/2025 9:15 AM is 13 March, 09:15.
    assert rows == [
        ("discord:381295873048281099", "2025-03-01 14:05:00", 24),
        ("discord:512944107283861504", "2025-03-01 14:07:00", 24),
        ("discord:381295873048281099", "2025-03-01 14:09:00", 24),
        ("discord:730011823311323136", "2025-03-13 09:15:00", 24),
    ]
    again = load_file(con, config, EXPORTS / "discord_messages.csv")
    assert (again.inserted, again.unchanged) == (0, 4)
