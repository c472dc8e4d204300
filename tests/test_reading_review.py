"""Issue #13 tried as its users would: files written by hand, not copies of the fixtures.

Column orders, extra and trailing empty columns, byte-order marks, CRLF, semicolons,
quotes, Excel re-saves, total rows and the number and date styles of one locale; each
time the table, the row count, a hand-worked sum, the rejected rows' line, column and
reason, and the notes.
"""

from __future__ import annotations

import zipfile

import pytest

from legame import i18n
from legame.errors import FatalFileError, UnrecognisedExport
from legame.ingest import load_export, load_file, mapping
from tests.conftest import write


def count_and_sum(con, sql: str) -> tuple:
    return con.execute(sql).fetchone()


# --- Italian exports as an Italian marketer saves them ------------------------------------------

# Meta Ads Manager without the day breakdown, each row a one-day range (a row over several days is refused:
# test_spend_ranges.py), opened in Italian Excel and saved again: a BOM, CRLF, `;`
# between values, day-first dates, "1.234,56", columns in another order than Meta writes
# them, an extra column, a quoted campaign holding the delimiter, two trailing empty
# columns and a last row of totals with no day.
META_IT_EXCEL = (
    "\ufeffNome della campagna;Consegna della campagna;Copertura;Impression;Importo speso (EUR);"
    "Clic sul link;Inizio dei report;Fine dei report;;\r\n"
    '"Saldi; estate";active;1.234;5.678;1.234,56;12;01/07/2025;01/07/2025;;\r\n'
    "Autunno;inactive;100;200;10,50;3;01/08/2025;01/08/2025;;\r\n"
    ";;;;1.245,06;15;;;;\r\n"
)


def test_an_italian_meta_ads_export_saved_again_by_excel(con, config, tmp_path):
    report = load_file(con, config, write(tmp_path, "meta.csv", META_IT_EXCEL))
    assert (report.profile, report.table, report.inserted, report.rejected) == ("meta_ads_manager_it", "spend", 2, 1)
    # 1.234,56 + 10,50 = 1245.06; impressions 5.678 + 200 = 5878; clicks 12 + 3 = 15.
    assert count_and_sum(con, "select count(*), round(sum(amount), 2), sum(impressions), sum(clicks) from spend") == (
        2,
        1245.06,
        5878,
        15,
    )
    assert con.execute("select campaign, day::varchar from spend order by day").fetchall() == [
        ("Saldi; estate", "2025-07-01"),
        ("Autunno", "2025-08-01"),
    ]
    # The totals row has no day: rejected under its own line (the header is line 1).
    assert [(r["row"], r["column"]) for r in report.rejects] == [(4, "Inizio dei report")]
    assert "Column Importo speso (EUR): ',' read as decimal mark, '.' as thousands separator." in report.notes


# Google Ads in the Italian UI downloaded as "Excel CSV": UTF-16 with tabs, the report's
# title and date range above the header, extra columns (status, currency, CTR, CPC) in the
# order the account shows them, and the total rows Google writes below.
GOOGLE_ADS_IT = (
    "Rapporto sulle campagne\r\n"
    "1 luglio 2025 - 31 luglio 2025\r\n"
    "Stato della campagna\tCampagna\tGiorno\tCodice valuta\tCosto\tImpr.\tClic\tCTR\tCPC medio\r\n"
    "Attiva\tBrand IT\t2025-07-01\tEUR\t1.234,56\t10.000\t321\t3,21%\t3,85\r\n"
    "Attiva\tSaldi\t2025-07-02\tEUR\t65,44\t2.000\t40\t2,00%\t1,64\r\n"
    "Totale: account\t--\t--\tEUR\t1.300,00\t12.000\t361\t3,01%\t3,60\r\n"
    "Totale: campagne\t--\t--\tEUR\t1.300,00\t12.000\t361\t3,01%\t3,60\r\n"
)


def test_an_italian_google_ads_report_in_utf_16_with_its_total_rows(con, config, tmp_path):
    with i18n.language("it"):
        report = load_file(con, config, write(tmp_path, "campagne.csv", GOOGLE_ADS_IT, encoding="utf-16"))
    assert (report.profile, report.inserted, report.rejected) == ("google_ads_campaigns_it", 2, 0)
    # 1.234,56 + 65,44 = 1300.00, as the file's own total says; 10.000 + 2.000 impressions.
    assert count_and_sum(con, "select round(sum(amount), 2), sum(impressions), sum(clicks) from spend") == (
        1300.0,
        12000,
        361,
    )
    assert (
        "2 righe di totale saltate, non caricate come dati: riga 6 ('Totale: account'), riga 7 ('Totale: campagne')."
        in report.notes
    )


# --- Encodings -------------------------------------------------------------------------------

ORDERS_TSV = (
    "order_id\temail\tordered_at\trevenue\tchannel\r\n"
    "A1\tanna@example.com\t2025-03-01\t1234.50\tnegozio città\r\n"
    "A2\tbruno@example.com\t2025-03-02\t10.25\tpiù online\r\n"
)


@pytest.mark.parametrize(("codec", "name"), [("utf-16-le", "utf-16-le-nobom"), ("utf-16-be", "utf-16-be-nobom")])
def test_utf_16_without_a_byte_order_mark_is_read_not_shown_as_spaced_letters(con, config, tmp_path, codec, name):
    # SQL Server's bcp -w and .NET writers without a preamble write UTF-16 with no BOM. Read as
    # 8-bit text, every other byte is a NUL and the header came back as " o r d e r _ i d".
    report = load_file(con, config, write(tmp_path, "orders.csv", ORDERS_TSV, encoding=codec))
    assert (report.table, report.encoding, report.inserted, report.rejected) == ("orders", name, 2, 0)
    # 1234.50 + 10.25 = 1244.75
    assert count_and_sum(con, "select round(sum(revenue), 2), list(channel order by order_id) from orders") == (
        1244.75,
        ["negozio città", "più online"],
    )
    assert report.notes[0].startswith("The file is not in UTF-8: its bytes are UTF-16")


def test_text_with_a_few_nul_bytes_is_not_taken_for_utf_16(con, config, tmp_path):
    # A stray NUL or two (a database dump's padding) must not turn an 8-bit file into UTF-16.
    text = "order_id,email,ordered_at,revenue\r\nA1,anna@example.com,2025-03-01,12.50\x00\r\n"
    text += "".join(f"A{n},p{n}@example.com,2025-03-0{n},1.00\r\n" for n in range(2, 10))
    report = load_file(con, config, write(tmp_path, "orders.csv", text))
    assert report.encoding == "utf-8"
    assert report.table == "orders"


def test_windows_1252_italian_with_euro_signs_semicolons_and_day_first_dates(con, config, tmp_path):
    text = (
        "order_id;email;ordered_at;revenue;channel\r\n"
        "A1;anna@example.com;01/03/2025;€ 1.234,50;negozio città\r\n"
        "A2;bruno@example.com;13/03/2025;€ 10,00;più\r\n"
    )
    report = load_file(con, config, write(tmp_path, "ordini.csv", text, encoding="cp1252"))
    assert (report.encoding, report.inserted, report.rejected) == ("windows-1252", 2, 0)
    # € 1.234,50 + € 10,00 = 1244.50
    assert count_and_sum(con, "select round(sum(revenue), 2), min(ordered_at)::date::varchar from orders") == (
        1244.5,
        "2025-03-01",
    )


# --- One bad line, ragged rows, repeated columns, implausible values ---------------------------

ORDERS_HEADER = "order_id;email;ordered_at;revenue\r\n"


def _order(n: int) -> str:
    return f"B{n};p{n}@example.com;{n:02d}/03/2025;{n},00\r\n"


@pytest.mark.parametrize("where", ["middle", "end"])
def test_an_unclosed_quote_in_a_semicolon_file_rejects_its_line_only(con, config, tmp_path, where):
    bad = 'B9;p9@example.com;09/03/2025;"9,00\r\n'
    lines = [_order(1), _order(2), bad, _order(4)] if where == "middle" else [_order(1), _order(2), _order(4), bad]
    with i18n.language("it"):
        report = load_file(con, config, write(tmp_path, "ordini.csv", ORDERS_HEADER + "".join(lines)))
    assert (report.inserted, report.rejected) == (3, 1)
    # 1 + 2 + 4 = 7: the bad line's 9 is not loaded.
    assert count_and_sum(con, "select round(sum(revenue), 2) from orders") == (7.0,)
    reject = report.rejects[0]
    assert reject["row"] == (4 if where == "middle" else 5)  # the header is line 1
    assert reject["reason"].startswith("ha un") or "virgolett" in reject["reason"], reject["reason"]


def test_a_repeated_column_with_other_values_is_named_in_italian(con, config, tmp_path):
    text = "order_id,email,ordered_at,revenue,order_id\r\nA1,a@example.com,2025-03-01,10,Z9\r\n"
    text += "A2,b@example.com,2025-03-02,20,Z8\r\n"
    with i18n.language("it"):
        report = load_file(con, config, write(tmp_path, "ordini.csv", text))
    assert con.execute("select list(order_id order by order_id) from orders").fetchone() == (["A1", "A2"],)
    assert any(n.startswith("Il file ha 2 colonne chiamate 'order_id' (colonne 1 e 5)") for n in report.notes)


def test_implausible_values_of_an_italian_meta_export_are_rejected_with_their_reason(con, config, tmp_path):
    text = (
        "Inizio dei report,Fine dei report,Nome della campagna,Importo speso (EUR),Impression,Clic sul link\r\n"
        "2025-07-01,2025-07-01,A,-12.50,100,5\r\n"
        "2025-07-01,2025-07-01,B,12.50,-100,5\r\n"
        "2025-07-01,2025-07-01,C,12.50,100,-5\r\n"
        "2025-07-01,2025-07-01,D,7.25,100,5\r\n"
        "1900-01-01,1900-01-01,E,1,1,1\r\n"
        "2099-01-01,2099-01-01,F,1,1,1\r\n"
    )
    with i18n.language("it"):
        report = load_file(con, config, write(tmp_path, "meta.csv", text))
    assert (report.inserted, report.rejected) == (1, 5)
    assert count_and_sum(con, "select sum(amount) from spend") == (7.25,)  # only D
    assert [(r["row"], r["column"]) for r in report.rejects] == [
        (2, "Importo speso (EUR)"),
        (3, "Impression"),
        (4, "Clic sul link"),
        (6, "Inizio dei report"),
        (7, "Inizio dei report"),
    ]
    assert report.rejects[0]["reason"].startswith("sotto zero")


# --- The message when a file is refused ----------------------------------------------------------


def test_a_canonical_orders_file_lacking_revenue_among_extra_columns_says_what_is_missing(con, config, tmp_path):
    # Legame's own names, but the amount is headed "totale", and eight columns of the shop's own.
    text = "order_id,email,ordered_at,totale,a,b,c,d,e,f,g,h\nA1,a@example.com,2025-03-01,10,1,2,3,4,5,6,7,8\n"
    with pytest.raises(UnrecognisedExport) as refused:
        load_file(con, config, write(tmp_path, "orders.csv", text))
    message = str(refused.value)
    assert "revenue" in message.split("Closest:")[-1], message
    assert "half of its columns" in message, message
    assert "(3 of this file's 12 are)" in message, message  # order_id, email (the person), ordered_at
    with i18n.language("it"), pytest.raises(UnrecognisedExport) as rifiutato:
        load_file(con, config, write(tmp_path, "ordini.csv", text))
    assert "il formato “ordini” di Legame richiede la colonna revenue" in str(rifiutato.value)
    assert con.execute("select count(*) from loads").fetchone() == (0,)


def test_a_refused_workbook_leaves_the_database_as_it_was(con, config, tmp_path):
    text = "order_id,email,ordered_at,revenue\nA1,a@example.com,2025-03-01,5\n"
    load_file(con, config, write(tmp_path, "ok.csv", text))
    # Mailchimp's audience export comes as a zip of CSVs: dropped as it is, it is refused for what it is.
    book = tmp_path / "audience.zip"
    with zipfile.ZipFile(book, "w") as archive:
        archive.writestr("subscribed_members_export_1.csv", "Email Address,MEMBER_RATING\na@example.com,2\n")
    with pytest.raises(FatalFileError, match="is a zip archive"):
        load_export(con, config, book)
    assert con.execute("select count(*), sum(revenue) from orders").fetchone() == (1, 5.0)
    assert con.execute("select count(*) from loads").fetchone() == (1,)


# --- The mapping screen on an Italian LinkedIn Campaign Manager export -----------------------------

# LinkedIn Campaign Manager in Italian has no format yet (README): a realistic file, UTF-16 with
# tabs below LinkedIn's two title lines, with the account's own columns around the ones that matter.
LINKEDIN_IT_HEADER = [
    *("Data di inizio (in UTC)", "Data di fine (in UTC)", "Nome account", "ID account", "Valuta"),
    *("Nome gruppo di campagne", "ID gruppo di campagne", "Nome campagna", "ID campagna", "Stato campagna"),
    *("Tipo di campagna", "Importo speso", "Impressioni", "Clic", "CTR", "CPC medio", "Reazioni", "Commenti"),
    *("Condivisioni", "Follow", "Altri clic", "Conversioni", "Lead"),
]
LINKEDIN_IT_ROWS = [
    "1/7/2025,1/7/2025,Brand Srl,5001,EUR,Gruppo A,601,Brand IT,701,Attiva,Sponsored Content,"
    "1.234,56|10000|321|3,21%|3,85|5|1|2|3|10|2|1",
    "2/7/2025,2/7/2025,Brand Srl,5001,EUR,Gruppo A,601,Saldi,702,Attiva,Sponsored Content,65,44|2000|40|2,00%|1,64|"
    "0|0|0|0|0|0|0",
    "13/7/2025,13/7/2025,Brand Srl,5001,EUR,Gruppo A,601,Saldi,702,Attiva,Sponsored Content,5,00|200|4|2,00%|1,25|"
    "0|0|0|0|0|0|0",
]


def _linkedin_row(text: str) -> str:
    """A row written above with `,` up to the campaign type and `|` after (the amounts hold commas)."""
    head, tail = text.split(",Sponsored Content,")
    return "\t".join([*head.split(","), "Sponsored Content", *tail.split("|")])


LINKEDIN_IT = "\r\n".join(
    [
        "Rapporto sul rendimento della campagna",
        "Data di inizio del rapporto: 1/7/2025",
        "",
        "\t".join(LINKEDIN_IT_HEADER),
        *(_linkedin_row(r) for r in LINKEDIN_IT_ROWS),
    ]
)


def test_an_italian_linkedin_export_is_guessed_as_spend_with_its_italian_names():
    proposal = mapping.propose(mapping.sample_upload("linkedin.csv", LINKEDIN_IT.encode("utf-16")))
    assert proposal.best.table == "spend"
    assert {c: m.source for c, m in proposal.best.matches.items() if m.source} == {
        "day": "Data di inizio (in UTC)",
        "campaign": "Nome campagna",
        "amount": "Importo speso",
        "impressions": "Impressioni",
        "clicks": "Clic",
    }


# --- Total rows wherever the columns stand --------------------------------------------------------


def test_a_youtube_total_row_is_skipped_when_excel_moved_its_content_column(con, config, tmp_path):
    # YouTube Studio's Italian Table data saved again by Excel with the title first: the "Totale" row's
    # label now stands in the second column, and the first is empty.
    text = (
        "\ufeffTitolo video;Contenuti;Visualizzazioni;Ora pubblicazione video;"
        "Tempo di visualizzazione (ore);Iscritti\r\n"
        ";Totale;23.786;;1290,4113;58\r\n"
        "Come scegliere;kT3mV9xQp2A;12.034;1 mar 2025;801,2213;31\r\n"
        'Test al freddo;" -Hx81bLwQ0s";9.870;12 mar 2025;61,6875;19\r\n'
    )
    with i18n.language("it"):
        report = load_file(con, config, write(tmp_path, "contenuti.csv", text))
    assert (report.table, report.inserted, report.rejected) == ("posts", 2, 0)
    assert con.execute("select list(post_id order by published_at) from posts").fetchone() == (
        ["kT3mV9xQp2A", "-Hx81bLwQ0s"],
    )
    assert any(n.startswith("1 riga di totale saltata, non caricata come dati: riga 2") for n in report.notes)


def test_a_google_ads_total_row_is_skipped_whatever_the_column_order(con, config, tmp_path):
    # The account shows Cost first: Google writes "Total: Account" under Campaign, a number first.
    text = (
        "Campaign report\r\n"
        '"March 1, 2025 - March 2, 2025"\r\n'
        "Cost,Campaign,Day,Impr.,Clicks\r\n"
        "10.00,Spring,2025-03-01,100,2\r\n"
        '"1,234.50",Total Injury Law,2025-03-02,"2,000",40\r\n'
        '"1,244.50",Total: Account,--,"2,100",42\r\n'
    )
    report = load_file(con, config, write(tmp_path, "campaigns.csv", text))
    assert (report.profile, report.inserted, report.rejected) == ("google_ads_campaigns", 2, 0)
    # 10.00 + 1,234.50 = 1244.50; a campaign whose name starts with "Total" is data, not a total row.
    assert count_and_sum(con, "select round(sum(amount), 2), count(*) from spend") == (1244.5, 2)
    assert "1 total row skipped, not loaded as data: line 6." in report.notes


def test_a_bad_row_whose_campaign_starts_with_total_is_rejected_not_skipped(con, config, tmp_path):
    text = "Cost,Campaign,Day,Impr.,Clicks\r\n10.00,Spring,2025-03-01,100,2\r\n5.00,Total Injury Law,,10,1\r\n"
    report = load_file(con, config, write(tmp_path, "campaigns.csv", text))
    assert (report.inserted, report.rejected) == (1, 1)
    assert [(r["row"], r["column"]) for r in report.rejects] == [(3, "Day")]


def test_an_italian_linkedin_export_is_not_taken_for_orders_without_customers():
    # Spend lacks only its channel, which the user types once ("linkedin"); Orders lacks the customer,
    # which no value for every row can give. Before: spend 0.427, orders 0.424, a coin toss.
    proposal = mapping.propose(mapping.sample_upload("linkedin.csv", LINKEDIN_IT.encode("utf-16")))
    assert proposal.table("spend").score - proposal.table("orders").score > mapping.CLOSE_FIT
    assert "Orders" not in (mapping.weak_fit(proposal, proposal.best) or "")


def linkedin_screen(config_path: str, file_path: str) -> None:
    from pathlib import Path

    from legame import warehouse
    from legame.config import load_config
    from legame.errors import UnrecognisedExport
    from legame.ui import mapping

    config = load_config(Path(config_path))
    con = warehouse.connect(config)
    done = mapping.screen(
        con, config, "linkedin.csv", Path(file_path).read_bytes(), UnrecognisedExport("unknown"), key="m"
    )
    if done:
        import streamlit as st

        st.success(done)
    con.close()


def test_the_mapping_screen_loads_the_italian_linkedin_export_once_confirmed(tmp_path):
    import copy

    import yaml
    from streamlit.testing.v1 import AppTest

    from legame.config import ROOT, load_config
    from legame.ui.mapping import SAME_EVERY_ROW

    data = copy.deepcopy(load_config(ROOT / "config.yaml").data)
    data["warehouse"].update(path=str(tmp_path / "legame.duckdb"), profiles_dir=str(tmp_path / "profiles"))
    data["warehouse"].update(raw_dir=str(tmp_path / "raw"), secret_file=str(tmp_path / "secret"))
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (tmp_path / "linkedin.csv").write_bytes(LINKEDIN_IT.encode("utf-16"))
    args = (str(tmp_path / "config.yaml"), str(tmp_path / "linkedin.csv"))
    at = AppTest.from_function(linkedin_screen, args=args, default_timeout=120).run()
    assert at.selectbox(key="m-table").value == "spend"
    assert [at.selectbox(key=f"m-spend-{c}").value for c in ("day", "campaign", "amount", "impressions", "clicks")] == [
        "Data di inizio (in UTC)",
        "Nome campagna",
        "Importo speso",
        "Impressioni",
        "Clic",
    ]
    at.selectbox(key="m-spend-channel").set_value(SAME_EVERY_ROW).run()
    at.text_input(key="m-spend-channel-value").input("LinkedIn").run()
    save = at.button(key="m-save")
    # 5 of the file's 23 columns fit: a weak fit, saved only once the user says it is spend.
    assert save.disabled
    assert next(w.value for w in at.warning if "may not be" in w.value).startswith(
        "This file may not be Ad spend: only 5 of the file's 23 columns fit Ad spend"
    )
    at.checkbox(key="m-confirm-spend").check().run()
    at.button(key="m-save").click().run()
    assert not at.exception
    assert at.success and "3 rows read, 3 new" in at.success[0].value, [s.value for s in at.success]
    import duckdb

    with duckdb.connect(str(tmp_path / "legame.duckdb"), read_only=True) as db:
        # 1.234,56 + 65,44 + 5,00 = 1305.00; 13/7/2025 says the days come first.
        assert db.execute("select round(sum(amount), 2), max(day)::varchar, min(channel) from spend").fetchone() == (
            1305.0,
            "2025-07-13",
            "linkedin",
        )


# --- Ids an Italian Excel rounded -----------------------------------------------------------------


def test_post_ids_rounded_by_an_italian_excel_are_rejected_not_merged(con, config, tmp_path):
    # Italian Excel writes 1827720132094663 back as "1,82772E+15" (a decimal comma): two posts would
    # share that id and the second would replace the first. English Excel's "1.82772E+15" is already
    # rejected; the Italian one must be too.
    text = (
        "ID del post;Titolo;Descrizione;Orario di pubblicazione;Visualizzazioni;Copertura;"
        "Reazioni, commenti e condivisioni;Reazioni;Commenti;Condivisioni\r\n"
        "1,82772E+15;Nuovi guanti;;03/01/2025 10:15;2710;1980;75;61;9;5\r\n"
        "1,82772E+15;Tre cose;;03/02/2025 11:00;1000;900;10;8;1;1\r\n"
        "1828100456781299;Altro;;03/03/2025 11:00;500;400;3;2;1;0\r\n"
    )
    with i18n.language("it"):
        report = load_file(con, config, write(tmp_path, "post.csv", text))
    assert (report.profile, report.inserted, report.rejected) == ("meta_business_suite_facebook_posts_it", 1, 2)
    assert count_and_sum(con, "select count(*), sum(reach) from posts") == (1, 400)
    assert [(r["row"], r["column"]) for r in report.rejects] == [(2, "ID del post"), (3, "ID del post")]
    assert "Excel" in report.rejects[0]["reason"]


# --- A row too long and a row too short in one file ---------------------------------------------


def test_a_row_with_one_value_too_many_beside_a_short_row_rejects_that_row_only(con, config, tmp_path):
    # Each alone loaded; together DuckDB's padded re-read said "Error when sniffing file" and the
    # whole file was refused. `note` is not read: the short row is data, the long one is rejected.
    text = (
        "order_id,email,ordered_at,revenue,note\r\n"
        "A1,a@example.com,2025-03-01,10,x,y\r\n"
        "A2,b@example.com,2025-03-02,20\r\n"
        "A3,c@example.com,2025-03-03,30,z\r\n"
    )
    with i18n.language("it"):
        report = load_file(con, config, write(tmp_path, "ordini.csv", text))
    assert (report.inserted, report.rejected) == (2, 1)
    assert count_and_sum(con, "select round(sum(revenue), 2) from orders") == (50.0,)  # 20 + 30
    assert [(r["row"], r["reason"]) for r in report.rejects] == [(2, "ha 6 valori ma l'intestazione ha 5 colonne")]


# --- A currency the file states in a column --------------------------------------------------------


def test_an_italian_google_ads_report_of_a_dollar_account_is_refused_not_read_as_euros(con, config, tmp_path):
    # The account bills in USD: Google says so in "Codice valuta" on every row. Before, the rows
    # loaded as euros and the note said the file named no currency.
    text = GOOGLE_ADS_IT.replace("\tEUR\t", "\tUSD\t")
    with i18n.language("it"), pytest.raises(FatalFileError, match="in USD"):
        load_file(con, config, write(tmp_path, "campagne.csv", text, encoding="utf-16"))
    assert con.execute("select count(*) from spend").fetchone() == (0,)


def test_the_currency_column_of_a_google_ads_report_is_read_when_there(con, config, tmp_path):
    report = load_file(con, config, write(tmp_path, "campagne.csv", GOOGLE_ADS_IT, encoding="utf-16"))
    assert "Amounts are in EUR, as the Codice valuta column says; rows in another are rejected." in report.notes
    # A mixed file: the USD row is rejected under its line, the EUR rows load (1.234,56 + 65,44 less
    # the USD row's 65,44 = 1234.56).
    mixed = GOOGLE_ADS_IT.replace("\tSaldi\t2025-07-02\tEUR\t", "\tSaldi\t2025-07-02\tUSD\t")
    report = load_file(con, config, write(tmp_path, "misto.csv", mixed, encoding="utf-16"))
    assert (report.inserted, report.replaced, report.unchanged, report.rejected) == (0, 0, 1, 1)
    assert [(r["row"], r["column"]) for r in report.rejects] == [(5, "Codice valuta")]


def test_a_google_ads_report_without_its_currency_column_still_loads(con, config, tmp_path):
    text = 'Giorno,Campagna,Costo,Impr.,Clic\r\n2025-03-01,Brand,"14,49","1.217",62\r\n'
    report = load_file(con, config, write(tmp_path, "campagne.csv", text))
    assert (report.profile, report.inserted) == ("google_ads_campaigns_it", 1)
    assert count_and_sum(con, "select sum(amount) from spend") == (14.49,)


def test_an_italian_meta_export_in_dollars_is_refused_for_its_currency_not_its_column_names(con, config, tmp_path):
    # Before: "Closest: a Meta Ads Manager (Italian locale) export would have Importo speso (EUR)",
    # an invitation to rename the dollars into euros.
    text = (
        "Inizio dei report,Fine dei report,Nome della campagna,Importo speso (USD),Impression,Clic sul link\r\n"
        "2025-07-01,2025-07-31,A,12.50,100,5\r\n"
    )
    with pytest.raises(UnrecognisedExport) as refused:
        load_file(con, config, write(tmp_path, "meta.csv", text))
    message = str(refused.value)
    assert "Importo speso (EUR)" not in message, message
    assert "USD" in message and "EUR" in message and "Importo speso (USD)" in message, message
    with i18n.language("it"), pytest.raises(UnrecognisedExport) as rifiutato:
        load_file(con, config, write(tmp_path, "meta.csv", text))
    assert "USD" in str(rifiutato.value) and "converti" in str(rifiutato.value), str(rifiutato.value)
    assert con.execute("select count(*) from loads").fetchone() == (0,)


# --- How a rejected line is shown ------------------------------------------------------------------


def test_a_rejected_line_is_shown_with_a_dash_for_its_column_not_none(config, tmp_path):
    import os
    import subprocess
    import sys

    import yaml

    from legame.config import ROOT
    from legame.ui.reports import rejects_table

    path = write(
        tmp_path, "ordini.csv", ORDERS_HEADER + _order(1) + 'B9;p9@example.com;09/03/2025;"9,00\r\n' + _order(4)
    )
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config.data, allow_unicode=True), encoding="utf-8")
    env = {**os.environ, "LEGAME_CONFIG": str(tmp_path / "config.yaml"), "LEGAME_LANG": "it"}
    result = subprocess.run(
        [sys.executable, "-m", "legame", "ingest", "--keep-demo", str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if x.strip().startswith("riga 3"))
    assert line.strip().startswith("riga 3, colonna —, valore 'B9;p9@example.com;09/03/2025;\"9,00'"), line
    table = rejects_table([{"row": 3, "column": None, "value": "B9", "reason": "x"}])
    assert table.iloc[0, 1] == "—"
    # A missing value: "valore —: valore mancante", not "valore None".
    missing = write(tmp_path, "vuoto.csv", ORDERS_HEADER + "B7;p7@example.com;;7,00\r\n" + _order(8))
    result = subprocess.run(
        [sys.executable, "-m", "legame", "ingest", "--keep-demo", str(missing)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert "  riga 2, colonna 'ordered_at', valore —: valore mancante" in result.stdout.splitlines(), result.stdout
    table = rejects_table([{"row": 2, "column": "ordered_at", "value": None, "reason": "x"}])
    assert table.iloc[0, 2] == "—"
