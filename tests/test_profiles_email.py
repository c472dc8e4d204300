"""Email marketing exports (Mailchimp audience) and a member's own Discourse archive.

Expected numbers are worked out by hand from the fixture files.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from legame.errors import UnrecognisedExport
from legame.ingest import load_file

EXPORTS = Path(__file__).parent / "fixtures" / "exports"


def person(con, config, email: str) -> str:
    return con.execute("select left(sha256($salt || lower($e)), 24)", {"salt": config.secret, "e": email}).fetchone()[0]


def test_mailchimp_subscribed_export_is_people_first_seen_when_confirmed(con, config):
    report = load_file(con, config, EXPORTS / "mailchimp_subscribed_members.csv")
    assert (report.profile, report.table) == ("mailchimp_audience", "people")
    assert (report.rows_read, report.inserted, report.rejected) == (3, 3, 0)
    rows = dict(con.execute("select person_id, first_seen::varchar from people").fetchall())
    # Luca has no OPTIN_TIME (imported): CONFIRM_TIME is when he joined the audience.
    assert rows == {
        person(con, config, "anna.rossi@example.it"): "2025-01-10 08:02:40",
        person(con, config, "luca.conti@example.com"): "2024-11-05 17:30:00",
        person(con, config, "sara.neri@example.it"): "2025-02-28 21:12:05",
    }
    # Membership, channel and segment are another tool's to say.
    assert (
        con.execute(
            "select count(*) from people where is_member is not null or acquisition_channel is not null"
        ).fetchone()[0]
        == 0
    )


def test_mailchimp_unsubscribed_export_is_read_by_the_same_format(con, config):
    report = load_file(con, config, EXPORTS / "mailchimp_unsubscribed_members.csv")
    assert (report.profile, report.rows_read, report.inserted) == ("mailchimp_audience", 1, 1)
    assert con.execute("select first_seen::varchar from people").fetchone() == ("2024-06-01 09:01:30",)


def test_mailchimp_export_saved_again_by_excel_in_windows_1252(con, config):
    report = load_file(con, config, EXPORTS / "mailchimp_subscribed_members_excel.csv")
    assert (report.profile, report.encoding, report.delimiter) == ("mailchimp_audience", "windows-1252", ";")
    assert (report.rows_read, report.inserted, report.rejected) == (2, 2, 0)
    rows = dict(con.execute("select person_id, first_seen::varchar from people").fetchall())
    # Day-first times; the accented address hashes as written, not as mojibake.
    assert rows == {
        person(con, config, "niccolo.fabbri@example.it"): "2025-01-13 08:02:00",
        person(con, config, "chiara.lucà@example.it"): "2025-02-25 19:45:00",
    }


def test_discourse_user_archive_is_the_members_posts_named_by_the_file(con, config):
    report = load_file(con, config, EXPORTS / "user-archive-anna_r-250302-101500-42.csv")
    assert (report.profile, report.table) == ("discourse_user_archive", "interactions")
    # 4 posts; the private message is skipped and counted, not rejected.
    assert (report.rows_read, report.inserted, report.rejected) == (4, 3, 0)
    rows = con.execute("select person_id, kind, channel, count(*) from interactions group by all").fetchall()
    assert rows == [("discourse:anna_r", "post", "discourse", 3)]
    assert con.execute("select min(occurred_at)::varchar, max(occurred_at)::varchar from interactions").fetchone() == (
        "2025-03-01 10:12:03",
        "2025-03-02 09:30:00",
    )


def test_discourse_user_archive_from_the_zip_keeps_its_underscore_name(con, config, tmp_path):
    path = tmp_path / "user_archive-bruno.e-250302-101500-43.csv"
    shutil.copyfile(EXPORTS / "user-archive-anna_r-250302-101500-42.csv", path)
    report = load_file(con, config, path)
    assert report.profile == "discourse_user_archive"
    assert con.execute("select distinct person_id from interactions").fetchall() == [("discourse:bruno.e",)]


def test_an_archive_under_another_name_is_not_a_members_archive(con, config, tmp_path):
    path = tmp_path / "posts.csv"
    shutil.copyfile(EXPORTS / "user-archive-anna_r-250302-101500-42.csv", path)
    with pytest.raises(UnrecognisedExport, match=r"posts\.csv"):
        load_file(con, config, path)


def test_klaviyo_profiles_export_is_people_first_seen_when_created(con, config):
    report = load_file(con, config, EXPORTS / "klaviyo_profiles.csv")
    assert (report.profile, report.table) == ("klaviyo_profiles", "people")
    assert (report.rows_read, report.inserted, report.rejected) == (3, 3, 0)
    rows = dict(con.execute("select person_id, first_seen::varchar from people").fetchall())
    # Profile Created On, not Date Added (when the segment took them) nor First Active (empty for Marco).
    assert rows == {
        person(con, config, "giulia.bianchi@example.it"): "2024-09-02 10:14:55",
        person(con, config, "marco.ferri@example.com"): "2025-01-20 16:02:10",
        person(con, config, "elena.russo@example.it"): "2023-11-11 08:59:30",
    }
    # Source and the list are not membership, channel or segment.
    assert (
        con.execute(
            "select count(*) from people where is_member is not null or acquisition_channel is not null "
            "or segment is not null"
        ).fetchone()[0]
        == 0
    )


def test_brevo_contacts_export_is_people_first_seen_when_added(con, config):
    report = load_file(con, config, EXPORTS / "brevo_contacts.csv")
    assert (report.profile, report.table, report.delimiter) == ("brevo_contacts", "people", ";")
    assert (report.rows_read, report.inserted, report.rejected) == (3, 3, 0)
    rows = dict(con.execute("select person_id, first_seen::varchar from people").fetchall())
    assert rows == {
        person(con, config, "paola.gallo@example.it"): "2024-10-03 09:12:44",
        person(con, config, "nicolò.sala@example.it"): "2025-01-28 18:30:05",
        person(con, config, "tom.weber@example.de"): "2023-05-17 07:45:00",
    }
    assert con.execute("select count(*) from people where is_member is not null").fetchone() == (0,)


# Public importers of Mailchimp's audience zip (a 2020 SQL import of all three files; a test fixture of
# another) show the unsubscribed and cleaned files without LAST_CHANGED, which only the subscribed one has.
@pytest.mark.parametrize(
    ("fixture", "first_seen"),
    [
        # Giorgio confirmed on 2023-09-12; Elena was imported (no OPTIN_TIME), confirmed on 2024-04-03.
        (
            "mailchimp_cleaned_members.csv",
            {"giorgio.verdi@example.it": "2023-09-12 10:02:11", "elena.moro@example.com": "2024-04-03 16:45:00"},
        ),
        ("mailchimp_unsubscribed_members_2020.csv", {"paola.riva@example.it": "2022-05-10 07:16:20"}),
    ],
)
def test_mailchimp_cleaned_and_unsubscribed_exports_without_last_changed(con, config, fixture, first_seen):
    report = load_file(con, config, EXPORTS / fixture)
    assert (report.profile, report.table) == ("mailchimp_audience", "people")
    assert (report.rows_read, report.inserted, report.rejected) == (len(first_seen), len(first_seen), 0)
    rows = dict(con.execute("select person_id, first_seen::varchar from people").fetchall())
    assert rows == {person(con, config, email): seen for email, seen in first_seen.items()}
