"""A file in an East Asian encoding is read as written and the report names the encoding (issue #13)."""

from __future__ import annotations

import pytest

from legame import i18n
from legame.ingest import load_file
from tests.conftest import write

SPEND = "day,channel,campaign,amount\n2025-03-01,meta,東京店 春のセール,12.5\n2025-03-02,meta,大阪店 ポイント2倍,20\n"


def test_a_shift_jis_file_is_read_as_japanese_not_as_windows_1252(con, config, tmp_path):
    report = load_file(con, config, write(tmp_path, "spend.csv", SPEND, encoding="shift_jis"))
    assert (report.encoding, report.inserted, report.rejected) == ("cp932", 2, 0)
    assert con.execute("select campaign from spend order by day").fetchall() == [
        ("東京店 春のセール",),
        ("大阪店 ポイント2倍",),
    ]
    assert report.notes[0] == (
        "The file is not in UTF-8: its bytes are Japanese (Shift-JIS) text (cp932) and were read as such. "
        "If names look wrong, export the file again as UTF-8."
    )


def test_gbk_and_euc_kr_files_are_read_as_written(con, config, tmp_path):
    for encoding, campaign in (("gbk", "北京市朝阳区 春季促销活动"), ("euc_kr", "서울 봄 세일 이벤트 할인")):
        text = f"day,channel,campaign,amount\n2025-03-01,meta,{campaign},12.5\n"
        report = load_file(con, config, write(tmp_path, f"{encoding}.csv", text, encoding=encoding))
        assert report.notes[0].startswith("The file is not in UTF-8: its bytes are ")
        assert con.execute("select campaign from spend where load_id = $id", {"id": report.load_id}).fetchone() == (
            campaign,
        )


def test_latin_1_text_is_still_read_as_windows_1252(con, config, tmp_path):
    text = "day,channel,campaign,amount\n2025-03-01,meta,Città più bella,12.5\n2025-03-02,meta,Zürich – Süd,1\n"
    report = load_file(con, config, write(tmp_path, "spend.csv", text, encoding="cp1252"))
    assert report.encoding == "windows-1252"
    assert not any("UTF-8" in note for note in report.notes)
    assert con.execute("select campaign from spend order by day").fetchall() == [
        ("Città più bella",),
        ("Zürich – Süd",),
    ]


# Single-byte Cyrillic and Greek code pages: Windows-1252 would read every letter as an accented Latin one.
RUSSIAN = (
    "Москва: весенняя распродажа",
    "Санкт-Петербург - скидки недели",
    "Новосибирск: новая коллекция",
    "Екатеринбург летняя акция",
    "Казань подарки клиентам",
    "Ёлки для Нижнего Новгорода",
)
# Ά is where ISO-8859-7 and Windows-1253 differ (0xB6 and 0xA2): each file must be read with its own.
GREEK = (
    "Αθήνα: ανοιξιάτικες εκπτώσεις",
    "Άργος - νέα συλλογή",
    "Πάτρα καλοκαιρινή προσφορά",
    "Ηράκλειο: δώρα για πελάτες",
    "Λάρισα εβδομάδα προσφορών",
    "Άνοιξη στη Θεσσαλονίκη",
)


def _spend(campaigns: tuple[str, ...]) -> str:
    rows = "".join(f"2025-03-0{day},meta,{name},{10 + day}.5\n" for day, name in enumerate(campaigns, start=1))
    return "day,channel,campaign,amount\n" + rows


@pytest.mark.parametrize(
    ("encoding", "campaigns", "script"),
    [
        ("cp1251", RUSSIAN, "Cyrillic (Windows-1251)"),
        ("koi8_r", RUSSIAN, "Cyrillic (KOI8-R)"),
        ("iso8859_7", GREEK, "Greek (ISO-8859-7)"),
        ("cp1253", GREEK, "Greek (Windows-1253)"),
    ],
)
def test_a_cyrillic_or_greek_code_page_is_read_as_written(con, config, tmp_path, encoding, campaigns, script):
    report = load_file(con, config, write(tmp_path, "spend.csv", _spend(campaigns), encoding=encoding))
    assert (report.encoding, report.inserted, report.rejected) == (encoding, len(campaigns), 0)
    assert con.execute("select campaign from spend order by day").fetchall() == [(c,) for c in campaigns]
    assert report.notes[0] == (
        f"The file is not in UTF-8: its bytes are {script} text ({encoding}) and were read as such. "
        "If names look wrong, export the file again as UTF-8."
    )


def test_a_greek_file_has_its_note_in_italian(con, config, tmp_path):
    with i18n.language("it"):
        report = load_file(con, config, write(tmp_path, "spesa.csv", _spend(GREEK), encoding="cp1253"), commit=False)
    assert report.notes[0] == (
        "Il file non è in UTF-8: i suoi byte sono testo in greco (Windows-1253) (cp1253) e sono stati letti così. "
        "Se i nomi non sembrano giusti, esporta di nuovo il file in UTF-8."
    )


@pytest.mark.parametrize(
    "campaigns",
    [
        ("Città più bella", "Zürich – Süd"),
        ("Soldes d'été à Paris", "Crème brûlée", "Noël à l'hôtel", "Fête de la bière"),
        ("Saldi è qui", "Perché sì", "Caffè già pronto", "Così è più facile", "Offerta €5 à la carte"),
        ("Größe Übergrößen", "Straße München", "Köln Düsseldorf", "Grüße aus Österreich"),
    ],
)
def test_western_accents_are_not_taken_for_cyrillic_or_greek(con, config, tmp_path, campaigns):
    report = load_file(con, config, write(tmp_path, "spend.csv", _spend(campaigns), encoding="cp1252"))
    assert report.encoding == "windows-1252"
    assert not any("UTF-8" in note for note in report.notes)
    assert con.execute("select campaign from spend order by day").fetchall() == [(c,) for c in campaigns]
