"""Email campaign reports as posts on channel email: one campaign is one piece of content.

Column names as public importers of these exports read them (see the comments in
legame/ingest/formats/mailchimp.yaml and klaviyo.yaml); expected numbers are worked out
by hand from the fixture files.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from legame.errors import UnrecognisedExport
from legame.ingest import load_file, mapping

EXPORTS = Path(__file__).parent / "fixtures" / "exports"

TOTALS = "select count(*), sum(reach), sum(impressions), sum(clicks), min(channel), max(channel) from posts"
EMPTY = (
    "select count(*) from posts where reactions is not null or comments is not null "
    "or shares is not null or saves is not null"
)


def test_mailchimp_campaign_reports_are_email_posts(con, config):
    report = load_file(con, config, EXPORTS / "mailchimp_campaigns.csv")
    assert (report.profile, report.table) == ("mailchimp_campaigns", "posts")
    assert (report.rows_read, report.inserted, report.rejected) == (3, 3, 0)
    # Successful Deliveries 1232 + 1249 + 85; Unique Opens 514 + 488 + 61; Unique Clicks 96 + 75 + 22.
    assert con.execute(TOTALS).fetchone() == (3, 2566, 1063, 193, "email", "email")
    # Two campaigns share a Title: each is its own post, by Unique Id.
    rows = con.execute("select post_id, published_at::varchar from posts order by published_at").fetchall()
    assert rows == [
        ("a1b2c3d4e5", "2025-03-03 09:30:00"),
        ("f6e7d8c9b0", "2025-03-17 18:05:00"),
        ("0a9b8c7d6e", "2025-03-20 12:00:00"),
    ]
    assert con.execute(EMPTY).fetchone() == (0,)


def test_klaviyo_campaign_export_keeps_email_campaigns_only(con, config):
    report = load_file(con, config, EXPORTS / "klaviyo_campaigns.csv")
    assert (report.profile, report.table) == ("klaviyo_campaigns", "posts")
    # Four campaigns: the SMS one is skipped and counted, not rejected.
    assert (report.rows_read, report.inserted, report.rejected) == (4, 3, 0)
    # Successful Deliveries 4167 + 645 + 4156; Unique Opens 1890 + 402 + 1602; Unique Clicks 305 + 88 + 142.
    assert con.execute(TOTALS).fetchone() == (3, 8968, 3894, 535, "email", "email")
    assert con.execute("select count(*) from posts where post_id = '01JNB4X2T7Q1'").fetchone() == (0,)
    assert con.execute("select min(published_at)::varchar from posts").fetchone() == ("2025-03-04 10:00:00",)
    assert con.execute(EMPTY).fetchone() == (0,)


def test_a_brevo_campaign_recipients_export_is_not_taken_for_a_format(con, config):
    # Brevo's one public campaign file: one row per recipient (Email_ID, Open_Date, Clicked_Links_Count...),
    # as public importers read it (see legame/ingest/formats/brevo.yaml). A post needs the campaign's totals,
    # which no format adds up from rows: the file is refused as unknown, nothing is loaded.
    path = EXPORTS / "brevo_campaign_recipients.csv"
    with pytest.raises(UnrecognisedExport, match="no known export format has the columns Campaign ID, Campaign Name"):
        load_file(con, config, path)
    assert con.execute("select count(*) from loads").fetchone() == (0,)
    # Nor is it brevo_contacts, whose EMAIL, ADDED_TIME and MODIFIED_TIME it lacks; matched by hand, the
    # screen's best guess (counts of opens read as an order's revenue) is weak and must be confirmed.
    proposal = mapping.propose(mapping.sample_upload(path.name, path.read_bytes()))
    assert mapping.weak_fit(proposal, proposal.best) is not None
