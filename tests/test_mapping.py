"""The mapping screen's logic: proposals for exports no profile knows, saving them, recognising them next time.

Each file below is a realistic export no built-in profile knows; expected numbers
are worked out by hand from its rows.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from legame.errors import ConfigError, ProfileNotSaved, UnrecognisedExport
from legame.ingest import load_file, mapping
from legame.ingest.mapping import Choice
from legame.ingest.profiles import detect, vendor_profile
from legame.warehouse import TABLES
from tests.conftest import write

# A shop's CRM: emails written in two cases, European decimals, day-first dates (14/02 shows it).
CRM = (
    "Customer E-mail,Order No.,Order date,Total (EUR),Shipping country\n"
    'anna.rossi@example.com,A-1001,03/02/2025,"59,90",IT\n'
    'marco.bianchi@example.com,A-1002,14/02/2025,"120,00",IT\n'
    'Anna.Rossi@Example.com,A-1003,28/02/2025,"1.049,80",FR\n'
)
# A survey tool (Typeform-like): '#' is the response token, the question is the column name.
SURVEY = (
    "#,Respondent,Submitted at,How likely are you to recommend us to a friend? (0-10),"
    "What is the main reason for your score?\n"
    "r1x9,anna.rossi@example.com,2025-03-01 10:12:00,9,Great community\n"
    "r2k4,marco.bianchi@example.com,2025-03-02 18:40:00,6,\n"
    'r3p0,lucia.verdi@example.com,2025-03-03 09:05:00,10,"Fast, friendly"\n'
)
# A spend sheet kept by hand for one channel: semicolons, decimal commas, thousands dots, no channel column.
SPEND = (
    "Date;Campaign;Spend (€);Impressions;Link clicks\n"
    "01/03/2025;Spring launch;21,00;10.034;41\n"
    "01/03/2025;Retargeting;12,90;2.311;12\n"
    "02/03/2025;Spring launch;18,40;9.120;37\n"
)


@pytest.fixture
def config(config, tmp_path):
    """The test config with its saved profiles in the test's own folder, never data/profiles."""
    config.data["warehouse"]["profiles_dir"] = str(tmp_path / "profiles")
    return config


def sample_of(tmp_path: Path, name: str, text: str) -> mapping.Sample:
    return mapping.read_sample(write(tmp_path, name, text), name)


def sources(proposal: mapping.TableProposal) -> dict[str, str | None]:
    return {column: m.source for column, m in proposal.matches.items()}


def test_the_files_below_are_unknown_to_every_profile(tmp_path, config):
    for name, text in (("crm.csv", CRM), ("survey.csv", SURVEY), ("spend.csv", SPEND)):
        sample = sample_of(tmp_path, name, text)
        with pytest.raises(UnrecognisedExport):
            detect(sample.header, config, name)


def test_a_crm_export_is_proposed_as_orders_with_the_email_hashed(tmp_path):
    proposal = mapping.propose(sample_of(tmp_path, "crm.csv", CRM))
    assert proposal.best.table == "orders"
    assert sources(proposal.best) == {
        "order_id": "Order No.",
        "person_id": "Customer E-mail",
        "ordered_at": "Order date",
        "revenue": "Total (EUR)",
        "channel": None,
        "campaign": None,
        "is_refund": None,
    }
    person = proposal.best.matches["person_id"]
    assert person.email is True
    assert person.certainty == "sure"
    assert "all of its values are email addresses" in person.reasons
    assert proposal.best.matches["revenue"].reasons[0] == "its name is like “total”"
    assert {m.certainty for m in proposal.best.matches.values() if m.required} == {"sure"}
    assert proposal.best.missing == []
    assert proposal.best.reasons == ("all 4 columns it needs were found", "4 of the file's 5 columns fit it")


def test_an_email_column_is_never_proposed_for_anything_but_a_person(tmp_path):
    proposal = mapping.propose(sample_of(tmp_path, "crm.csv", CRM))
    for table in proposal.tables:
        for column, match in table.matches.items():
            if match.source == "Customer E-mail":
                assert TABLES[table.table].column(column).kind == "person", (table.table, column)
                assert match.email
    # A column named like an order number that holds emails: never the order id, which is stored as written.
    text = (
        "Order No.,Customer,Order date,Total\n"
        "anna@example.com,Anna,2025-01-01,5\n"
        "marco@example.com,Marco,2025-01-02,7\n"
    )
    orders = mapping.propose(sample_of(tmp_path, "odd.csv", text)).table("orders")
    assert sources(orders)["order_id"] is None
    assert sources(orders)["person_id"] == "Customer"
    assert orders.missing == ["order_id"]


def test_a_survey_export_is_proposed_as_survey_answers(tmp_path):
    proposal = mapping.propose(sample_of(tmp_path, "survey.csv", SURVEY))
    assert proposal.best.table == "surveys"
    assert sources(proposal.best) == {
        "response_id": "#",
        "person_id": "Respondent",
        "answered_at": "Submitted at",
        "score": "How likely are you to recommend us to a friend? (0-10)",
        "comment": "What is the main reason for your score?",
    }
    assert proposal.best.matches["person_id"].email
    # Scores 9, 6 and 10: whole numbers within 0 to 10.
    assert "all of its values are whole numbers" in proposal.best.matches["score"].reasons


def test_a_spend_sheet_without_a_channel_needs_one_value_for_every_row(tmp_path, con, config):
    path = write(tmp_path, "spend.csv", SPEND)
    sample = mapping.read_sample(path, "spend.csv")
    proposal = mapping.propose(sample)
    assert proposal.best.table == "spend"
    assert sources(proposal.best) == {
        "day": "Date",
        "channel": None,
        "campaign": "Campaign",
        "amount": "Spend (€)",
        "impressions": "Impressions",
        "clicks": "Link clicks",
    }
    assert proposal.best.missing == ["channel"]
    assert proposal.best.reasons[0] == "2 of the 3 columns it needs were found"
    choices = mapping.choices_from(proposal.best)
    assert mapping.problems(sample, "spend", choices) == [
        "Channel is needed: pick the column of the file that holds it, or choose to give every row the same value."
    ]
    assert mapping.problems(sample, "spend", {**choices, "channel": Choice(value=" ")}) == [
        "Channel: type the value every row should get."
    ]
    choices["channel"] = Choice(value="Meta")
    assert mapping.problems(sample, "spend", choices) == []
    spec = mapping.profile_spec(sample, "spend", choices, "Meta spend sheet")
    assert spec["columns"]["channel"] == {"value": "meta"}  # lower case, like a channel column's values
    report = load_file(con, config, path, profile=vendor_profile("meta_spend_sheet", spec))
    assert (report.rows_read, report.inserted, report.rejected) == (3, 3, 0)
    # 21,00 + 12,90 + 18,40 = 52.30; 10.034 + 2.311 + 9.120 = 21465 impressions; 41 + 12 + 37 = 90 clicks.
    # 01/03 and 02/03 read either way: day first by default, so 1 and 2 March.
    assert con.execute(
        "select round(sum(amount), 2), sum(impressions), sum(clicks), min(day)::varchar, max(day)::varchar, "
        "list(distinct channel) from spend"
    ).fetchone() == (52.3, 21465, 90, "2025-03-01", "2025-03-02", ["meta"])


def test_values_decide_when_the_names_say_nothing(tmp_path):
    text = (
        "Ref;Who;Moment;Amount\n"
        "T-1;anna.rossi@example.com;2025-03-01 10:00;12.50\n"
        "T-2;marco.bianchi@example.com;2025-03-02 11:30;7.00\n"
    )
    proposal = mapping.propose(sample_of(tmp_path, "t.csv", text))
    assert proposal.best.table == "orders"
    moment, who = proposal.best.matches["ordered_at"], proposal.best.matches["person_id"]
    assert (moment.source, moment.certainty) == ("Moment", "guess")
    assert moment.reasons[0] == "it is the only column with dates"
    assert (who.source, who.certainty, who.email) == ("Who", "guess", True)
    assert who.reasons[0] == "it is the only column with email addresses"


@pytest.mark.parametrize(
    ("name", "column", "expected"),
    [
        ("E-mail", "person_id", 1.0),  # 'e mail' reads as 'email', a synonym
        ("Order No.", "order_id", 0.95),  # {order, id} is 'order id' as concepts, not as words
        ("#", "response_id", 0.95),
        ("Amount spent (EUR)", "amount", 0.95),
        # 'order' is one of the two concepts of 'Order date': 0.95 * (0.7 * 1/1 + 0.3 * 1/2) = 0.8075.
        ("Order date", "order_id", 0.8075),
        ("Follower count", "revenue", 0.0),
    ],
)
def test_name_similarity(name, column, expected):
    assert mapping.name_similarity(name, column)[0] == pytest.approx(expected)


def test_problems_refuse_an_email_anywhere_but_a_hashed_person_column(tmp_path):
    sample = sample_of(tmp_path, "crm.csv", CRM)
    choices = mapping.choices_from(mapping.propose(sample).best)
    refused = (
        "Customer E-mail holds email addresses: Legame keeps them only as anonymous codes, so it can only be a "
        "person's column, with “email addresses” ticked."
    )
    assert mapping.problems(sample, "orders", {**choices, "campaign": Choice(source="Customer E-mail")}) == [refused]
    unhashed = {**choices, "person_id": Choice(source="Customer E-mail", email=False)}
    assert mapping.problems(sample, "orders", unhashed) == [refused]


def test_the_spec_detects_the_mapped_columns_as_the_header_writes_them(tmp_path):
    sample = sample_of(tmp_path, "crm.csv", CRM)
    choices = mapping.choices_from(mapping.propose(sample).best)
    assert mapping.profile_spec(sample, "orders", choices, " Acme CRM orders ") == {
        "label": "Acme CRM orders",
        "table": "orders",
        "detect": ["Customer E-mail", "Order No.", "Order date", "Total (EUR)"],
        "columns": {
            "order_id": "Order No.",
            "person_id": {"column": "Customer E-mail", "email": True},
            "ordered_at": "Order date",
            "revenue": "Total (EUR)",
        },
    }


def test_a_repeated_column_name_is_read_with_a_suffix_and_detected_by_its_header_name(tmp_path):
    sample = sample_of(tmp_path, "d.csv", "Date,Campaign,Date,Cost\n2025-03-01,a,2025-03-02,1.5\n")
    assert sample.names == ("Date", "Campaign", "Date_2", "Cost")
    choices = {
        "day": Choice(source="Date_2"),
        "channel": Choice(value="google"),
        "campaign": Choice(source="Campaign"),
        "amount": Choice(source="Cost"),
    }
    spec = mapping.profile_spec(sample, "spend", choices, "Two dates")
    assert spec["detect"] == ["Campaign", "Date", "Cost"]
    assert spec["columns"]["day"] == "Date_2"


def test_the_sample_is_the_first_200_rows(tmp_path):
    rows = "".join(f"{i},2025-01-01\n" for i in range(250))
    sample = sample_of(tmp_path, "big.csv", "id,date\n" + rows)
    assert sample.rows == 200
    assert sample.stats["id"].distinct == 200
    assert sample.stats["id"].examples == ("0", "1", "2")


@pytest.mark.parametrize(
    ("label", "name"),
    [("Acme CRM – orders", "acme_crm_orders"), ("Café e-mail list", "cafe_e_mail_list"), ("  ", "")],
)
def test_profile_name_from_the_label(label, name):
    assert mapping.profile_name(label) == name


def crm_spec(tmp_path: Path) -> dict:
    sample = sample_of(tmp_path, "crm.csv", CRM)
    return mapping.profile_spec(sample, "orders", mapping.choices_from(mapping.propose(sample).best), "Acme CRM")


def test_a_saved_profile_recognises_the_next_file_with_the_same_header(tmp_path, con, config):
    path = mapping.save_profile(config, "acme_crm", crm_spec(tmp_path))
    assert path == tmp_path / "profiles" / "acme_crm.yaml"
    assert yaml.safe_load(path.read_text(encoding="utf-8")) == {"acme_crm": crm_spec(tmp_path)}
    # The next export from the same CRM, other rows, no profile given: detection finds the saved one.
    later = write(tmp_path, "crm_march.csv", CRM.replace("/02/", "/03/").replace("A-100", "A-200"))
    report = load_file(con, config, later)
    assert (report.profile, report.profile_label, report.table) == ("acme_crm", "Acme CRM", "orders")
    assert (report.rows_read, report.inserted, report.rejected) == (3, 3, 0)
    rows = con.execute("select order_id, ordered_at::date::varchar, revenue from orders order by 1").fetchall()
    # 59,90 / 120,00 / 1.049,80 with a decimal comma; 14/03 makes the dates day first.
    assert rows == [("A-2001", "2025-03-03", 59.9), ("A-2002", "2025-03-14", 120.0), ("A-2003", "2025-03-28", 1049.8)]
    # Anna's two addresses, written in two cases, are one anonymous person; no email is stored.
    people = dict(con.execute("select order_id, person_id from orders").fetchall())
    assert people["A-2001"] == people["A-2003"] != people["A-2002"]
    assert con.execute("select count(*) from orders where person_id like '%@%'").fetchone()[0] == 0


@pytest.mark.parametrize("name", ["My CRM", "../crm", "", "x", "9lives", "crm.yaml", "canonical_orders"])
def test_saving_refuses_a_name_that_cannot_name_a_file(tmp_path, config, name):
    with pytest.raises(ProfileNotSaved, match="cannot name a profile"):
        mapping.save_profile(config, name, crm_spec(tmp_path))
    assert not (tmp_path / "profiles").exists()


def test_saving_refuses_a_built_in_name_and_a_saved_one_unless_replacing(tmp_path, config):
    spec = crm_spec(tmp_path)
    with pytest.raises(ProfileNotSaved, match="“shopify_orders” is the name of a built-in export format"):
        mapping.save_profile(config, "shopify_orders", spec)
    mapping.save_profile(config, "acme_crm", spec)
    with pytest.raises(ProfileNotSaved, match="A profile named “acme_crm” is already saved"):
        mapping.save_profile(config, "acme_crm", {**spec, "label": "Other"})
    mapping.save_profile(config, "acme_crm", {**spec, "label": "Other"}, overwrite=True)
    saved = yaml.safe_load((tmp_path / "profiles" / "acme_crm.yaml").read_text(encoding="utf-8"))
    assert saved["acme_crm"]["label"] == "Other"


def test_saving_refuses_a_spec_the_schema_does_not_accept(tmp_path, config):
    spec = crm_spec(tmp_path)
    del spec["columns"]["revenue"]
    with pytest.raises(ConfigError, match="Profile acme_crm: required column revenue is not mapped"):
        mapping.save_profile(config, "acme_crm", spec)
    assert not (tmp_path / "profiles" / "acme_crm.yaml").exists()


def test_every_table_and_column_has_words_for_the_mapping_screen():
    from legame.ingest.mapping import _COLUMN_LABELS, TABLE_LABELS
    from legame.warehouse import TABLES

    assert set(TABLE_LABELS) == set(TABLES)
    assert {c.name for t in TABLES.values() for c in t.columns} <= set(_COLUMN_LABELS)


def test_a_file_with_a_title_above_its_header_is_matched_from_its_header(con, config, tmp_path):
    text = (
        "Agency report: March 2025\n"
        "\n"
        "Customer E-mail,Order No.,Order date,Total (EUR)\n"
        "ann@example.com,A-1,2025-03-01,10.00\n"
        "bob@example.com,A-2,2025-03-02,15.50\n"
    )
    path = write(tmp_path, "agency.csv", text)
    sample = mapping.read_sample(path, "agency.csv")
    assert sample.header == ("Customer E-mail", "Order No.", "Order date", "Total (EUR)")
    proposal = mapping.propose(sample)
    assert proposal.best.table == "orders"
    spec = mapping.profile_spec(sample, "orders", mapping.choices_from(proposal.best), "Agency orders")
    report = load_file(con, config, path, profile=vendor_profile("agency_orders", spec))
    # The header on line 3; 10.00 + 15.50.
    assert (report.rows_read, report.inserted, report.rejected) == (2, 2, 0)
    assert con.execute("select sum(revenue) from orders").fetchone()[0] == 25.5


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a,b,c\n1,2,3\n", 0),
        ("Report\nFrom 1 March\n\na,b,c\n1,2,3\n", 3),
        ("# ----\n# GA4, traffic\n# ----\n\nDate,Sessions\n20250301,4\n", 4),
        ("#,Respondent,Score\nr1,ann,9\n", 0),  # Typeform's first column is named #
    ],
)
def test_the_header_line_of_an_unknown_file(tmp_path, text, line):
    from legame.ingest.sniff import header_line

    assert header_line(write(tmp_path, "f.csv", text), "f.csv") == line


ACTIVITY = (
    "Activity ID,Member email,When,Activity,Staff?\n"
    "a1,ann@example.com,2025-03-01 10:00,Comment,No\n"
    "a2,bob@example.com,2025-03-01 11:00,Like,No\n"
    "a3,ann@example.com,2025-03-02 09:00,Replied,Sì\n"
    "a4,cid@example.com,2025-03-03 18:00,Attended,nope\n"
    "a5,bob@example.com,2025-03-04 12:00,Poll vote,No\n"
)


def test_words_of_a_choice_column_are_translated_and_the_rest_rejected(con, config, tmp_path):
    path = write(tmp_path, "activity.csv", ACTIVITY)
    sample = mapping.read_sample(path, "activity.csv")
    assert sample.stats["Activity"].words == ("Attended", "Comment", "Like", "Poll vote", "Replied")
    kind = TABLES["interactions"].column("kind")
    # Comment is Legame's own word; Like, Replied and Attended are known synonyms; Poll vote is none.
    assert mapping.propose_words(sample.stats["Activity"], kind) == {
        "Attended": "event",
        "Comment": "comment",
        "Like": "reaction",
        "Poll vote": mapping.NO_WORD,
        "Replied": "reply",
    }
    choices = {
        "event_id": Choice(source="Activity ID"),
        "person_id": Choice(source="Member email", email=True),
        "occurred_at": Choice(source="When"),
        "kind": Choice(source="Activity", words=tuple(mapping.propose_words(sample.stats["Activity"], kind).items())),
    }
    spec = mapping.profile_spec(sample, "interactions", choices, "Forum activity")
    assert spec["columns"]["kind"] == {
        "column": "Activity",
        "values": {"Attended": "event", "Comment": "comment", "Like": "reaction", "Replied": "reply"},
    }
    report = load_file(con, config, path, profile=vendor_profile("forum_activity", spec))
    # Poll vote is none of Legame's kinds: its row is rejected, shown with its word.
    assert (report.inserted, report.rejected) == (4, 1)
    assert (report.rejects[0]["row"], report.rejects[0]["value"]) == (6, "Poll vote")
    assert con.execute("select list(kind order by event_id) from interactions").fetchone()[0] == [
        "comment",
        "reaction",
        "reply",
        "event",
    ]


def test_words_of_a_yes_no_column_keep_the_usual_words(tmp_path):
    sample = mapping.read_sample(write(tmp_path, "activity.csv", ACTIVITY), "activity.csv")
    is_member = TABLES["people"].column("is_member")
    # No and Sì are read as they are; "nope" is no yes/no word Legame knows.
    assert mapping.propose_words(sample.stats["Staff?"], is_member) == {
        "No": False,
        "Sì": True,
        "nope": mapping.NO_WORD,
    }
    choice = Choice(source="Staff?", words=(("nope", False),))
    spec = mapping.profile_spec(
        sample, "people", {"person_id": Choice(source="Member email", email=True), "is_member": choice}, "Staff list"
    )
    assert spec["columns"]["is_member"]["values"]["nope"] is False
    assert spec["columns"]["is_member"]["values"]["yes"] is True  # the usual words still read


def test_a_header_with_a_blank_name_is_still_the_header(tmp_path):
    # pandas writes its index column with no name: the header has one value fewer than the rows.
    text = ",Date,Customer,Order No,Total\n0,2025-01-01,a@x.com,A1,10\n1,2025-01-02,b@x.com,A2,12\n"
    sample = mapping.read_sample(write(tmp_path, "pandas.csv", text), "pandas.csv")
    assert sample.header == ("", "Date", "Customer", "Order No", "Total")
    assert sample.rows == 2


def test_a_repeated_or_blank_named_column_can_be_mapped_and_loaded(con, config, tmp_path):
    text = "When,Cost,Cost,,Src\n2025-03-01,1,2,3,meta\n2025-03-02,4,5,6,meta\n"
    path = write(tmp_path, "costs.csv", text)
    sample = mapping.read_sample(path, "costs.csv")
    assert sample.names == ("When", "Cost", "Cost_2", "column4", "Src")
    choices = {"day": Choice(source="When"), "channel": Choice(source="Src"), "amount": Choice(source="Cost_2")}
    spec = mapping.profile_spec(sample, "spend", choices, "Costs")
    assert "" not in spec["detect"]
    report = load_file(con, config, path, profile=vendor_profile("costs", spec))
    assert report.inserted == 2
    assert con.execute("select sum(amount) from spend").fetchone()[0] == 7.0  # 2 + 5, the second Cost
