"""Loading exports reads in Italian and in English (issue #14): load reports with their counts, reject
reasons naming row and column, encoding notes, plausibility rejects, export formats' names and refusals.

The expectations are written by hand, as an Italian reader should read them; the stored rejects stay in
English whatever language loaded the file.
"""

from __future__ import annotations

import pytest

from legame import i18n
from legame.errors import FatalFileError, UnrecognisedExport
from legame.fmt import NumberFormat
from legame.ingest import load_file
from legame.ingest.exports import load_export
from legame.ingest.mapping import TABLE_LABELS, column_label
from tests.conftest import write

HEADER = "order_id,email,ordered_at,revenue,channel,campaign,is_refund\n"
ONE_REJECT = HEADER + (
    "A1,ann@example.com,2025-01-03,100.50,web,Spring,false\n"
    "A2,bob@example.com,2025-01-04,abc,web,,false\n"
    "A3,carl@example.com,2025-01-05,20,web,,false\n"
)
THREE_REJECTS = HEADER + (
    "A1,ann@example.com,2025-01-03,100.50,web,Spring,false\n"
    "A2,bob@example.com,2025-01-04,abc,web,,false\n"
    "A3,,2025-01-05,20,web,,false\n"
    "A4,dana@example.com,1900-01-01,20,web,,false\n"
)
EXPORTS = "tests/fixtures/exports"


def _italian(config):
    return NumberFormat.for_reader(config)


def test_an_italian_load_report_counts_rows_in_italian_words_and_numbers(con, config, tmp_path):
    with i18n.language("it"):
        one = load_file(con, config, write(tmp_path, "ordini.csv", ONE_REJECT), commit=False)
        three = load_file(con, config, write(tmp_path, "ordini3.csv", THREE_REJECTS))
        fmt = _italian(config)
        assert one.summary(fmt) == (
            "ordini.csv → ordini (Legame ordini (colonne canoniche)): 3 righe lette; nuove 2, sostituite 0, "
            "invariate 0 (da caricare), scartate 1"
        )
        assert three.summary(fmt) == (
            "ordini3.csv → ordini (Legame ordini (colonne canoniche)): 4 righe lette; nuove 1, sostituite 0, "
            "invariate 0 (caricate), scartate 3"
        )
    rows = HEADER + "".join(f"A{i},p{i}@example.com,2025-01-03,10,web,,false\n" for i in range(1234))
    with i18n.language("it"):
        big = load_file(con, config, write(tmp_path, "tante.csv", rows), commit=False)
        assert big.summary(_italian(config)).startswith(
            "tante.csv → ordini (Legame ordini (colonne canoniche)): 1.234 righe lette;"
        )


def test_a_reject_names_row_and_column_in_italian(con, config, tmp_path):
    with i18n.language("it"):
        report = load_file(con, config, write(tmp_path, "ordini.csv", THREE_REJECTS))
        assert report.rejects == [
            {"row": 3, "column": "revenue", "value": "abc", "reason": "non è un numero"},
            {"row": 4, "column": "email", "value": None, "reason": "valore mancante"},
            {
                "row": 5,
                "column": "ordered_at",
                "value": "1900-01-01",
                "reason": "una data precedente al 1° gen 1990, la prima data plausibile "
                "(config.yaml plausibility.earliest_date)",
            },
        ]
        with pytest.raises(FatalFileError) as refused:
            load_file(
                con, config, write(tmp_path, "una.csv", HEADER + "B1,x@example.com,2025-01-03,dieci,web,,false\n")
            )
        assert str(refused.value) == (
            "una.csv: l'unica riga non si può caricare. Il problema: riga 2, colonna 'revenue', "
            "valore 'dieci': non è un numero."
        )
    # The warehouse keeps the reasons in English, whoever loaded the file.
    stored = con.execute("select row_number, column_name, reason from rejects order by row_number").fetchall()
    assert stored == [
        (3, "revenue", "not a number"),
        (4, "email", "missing value"),
        (
            5,
            "ordered_at",
            "a date before 1 Jan 1990, the earliest plausible date (config.yaml plausibility.earliest_date)",
        ),
    ]


def test_a_row_with_too_few_values_and_an_unclosed_quote_are_explained_in_italian(con, config, tmp_path):
    text = HEADER + "A1,ann@example.com,2025-01-03,10,web,,false\nA2,bob@example.com,2025-01-04,20,web\n"
    with i18n.language("it"):
        report = load_file(con, config, write(tmp_path, "ordini.csv", text), commit=False)
        assert report.rejects[0]["reason"] == "ha 5 valori ma l'intestazione ha 7 colonne"
        quoted = HEADER + 'A1,ann@example.com,2025-01-03,10,web,,false\n"A2,bob@example.com,2025-01-04,20,web,,false\n'
        report = load_file(con, config, write(tmp_path, "virgolette.csv", quoted), commit=False)
        assert report.rejects[0]["reason"] == (
            'ha delle virgolette (") non chiuse: la riga è scartata e le righe successive sono lette a sé'
        )


def test_an_encoding_note_in_italian_and_english(con, config, tmp_path):
    spend = (
        "day,channel,campaign,amount\n2025-03-01,meta,東京店 春のセール,12.5\n2025-03-02,meta,大阪店 ポイント2倍,20\n"
    )
    path = write(tmp_path, "spesa.csv", spend, encoding="shift_jis")
    with i18n.language("it"):
        report = load_file(con, config, path, commit=False)
    assert report.notes[0] == (
        "Il file non è in UTF-8: i suoi byte sono testo in giapponese (Shift-JIS) (cp932) e sono stati letti così. "
        "Se i nomi non sembrano giusti, esporta di nuovo il file in UTF-8."
    )
    report = load_file(con, config, path, commit=False)
    assert report.notes[0] == (
        "The file is not in UTF-8: its bytes are Japanese (Shift-JIS) text (cp932) and were read as such. "
        "If names look wrong, export the file again as UTF-8."
    )


def test_a_format_label_and_its_skipped_rows_read_in_italian(con, config):
    with i18n.language("it"):
        report = load_file(con, config, f"{EXPORTS}/stripe_payments.csv", commit=False)
        assert report.profile_label == "Pagamenti Stripe"
        skipped = [n for n in report.notes if "saltat" in n]
        assert skipped and skipped[0].endswith(
            "(i tentativi di pagamento falliti o mai completati non hanno spostato denaro)."
        ), skipped
    assert load_file(con, config, f"{EXPORTS}/stripe_payments.csv", commit=False).profile_label == "Stripe payments"


def test_a_refused_file_says_why_in_italian_and_english(con, config, tmp_path):
    path = write(tmp_path, "misterioso.csv", "foo,bar\n1,2\n")
    with i18n.language("it"), pytest.raises(UnrecognisedExport) as refused:
        load_export(con, config, path)
    assert str(refused.value) == (
        "misterioso.csv: nessun formato di esportazione noto ha le colonne foo, bar. Rinomina le colonne con i nomi "
        "di Legame (vedi il README, “Load your own exports”) oppure abbinale nella pagina Carica dati."
    )
    with pytest.raises(UnrecognisedExport) as refused:
        load_export(con, config, path)
    assert str(refused.value) == (
        "misterioso.csv: no known export format has the columns foo, bar. Rename the columns to Legame's own names "
        "(see README, 'Load your own exports') or map them on the upload page."
    )
    empty = write(tmp_path, "vuoto.csv", "order_id,email,ordered_at,revenue\n")
    with (
        i18n.language("it"),
        pytest.raises(FatalFileError, match=r"^vuoto\.csv ha un'intestazione ma nessuna riga di dati\.$"),
    ):
        load_file(con, config, empty)


def test_the_same_report_in_english(con, config, tmp_path):
    one = load_file(con, config, write(tmp_path, "orders.csv", ONE_REJECT), commit=False)
    fmt = NumberFormat.for_reader(config)
    assert one.summary(fmt) == (
        "orders.csv → orders (Legame orders (canonical columns)): 3 rows read, 2 new, 0 replaced, 0 unchanged "
        "(to load), 1 rejected"
    )
    assert one.rejects == [{"row": 3, "column": "revenue", "value": "abc", "reason": "not a number"}]
    report = load_file(con, config, write(tmp_path, "early.csv", THREE_REJECTS), commit=False)
    assert report.rejects[-1]["reason"] == (
        "a date before 1 Jan 1990, the earliest plausible date (config.yaml plausibility.earliest_date)"
    )
    with pytest.raises(FatalFileError) as refused:
        load_file(con, config, write(tmp_path, "one.csv", HEADER + "B1,x@example.com,2025-01-03,ten,web,,false\n"))
    assert str(refused.value) == (
        "one.csv: its only row cannot be loaded. The problem: row 2, column 'revenue', value 'ten': not a number."
    )


def test_the_mapping_screen_words_are_italian(config):
    with i18n.language("it"):
        assert TABLE_LABELS["orders"] == "Ordini: acquisti e relativi importi"
        assert column_label("orders", "person_id") == "Cliente (e-mail o id)"
    assert TABLE_LABELS["orders"] == "Orders: purchases and their amounts"
    assert not {m for m in i18n.misses("it") if "ordini" in m.lower()}
