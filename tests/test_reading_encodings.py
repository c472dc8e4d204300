"""A file in an East Asian encoding is read as written and the report names the encoding (issue #13)."""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

import pytest

from legame import i18n
from legame.ingest import load_file
from legame.ingest.sniff import EAST_ASIAN, sniff
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


# Western text read as East Asian: in a two-byte encoding an accented letter and the byte after it
# make one character, and charset-normalizer took more than one Western file in a hundred for
# GBK (Anaïs Bérénice, Köln -> Ana齭 B閞閚ice, K鰈n). Generated from a fixed seed, many files of the
# kind users load: names, cities, accented words, amounts and dates in CSV rows, of every length.
FIRST_NAMES = (
    "Giulia", "Niccolò", "Agnès", "Jérôme", "Björn", "Jürgen", "João", "Inês", "Chloé", "Hélène", "Zoë", "Søren",
    "Renée", "Mónica", "Raúl", "André", "François", "Léa", "Maël", "Anaïs", "Élodie", "Jörg", "José", "Begoña",
    "Íñigo", "Stéphane", "Cécile", "Noémie", "Thérèse", "Åsa", "Ève", "Luca", "Marco", "Sofia", "Pierre", "Ana",
)  # fmt: skip
LAST_NAMES = (
    "Rossi", "D'Alessandro", "Lefèvre", "Dupré", "Müller", "Schröder", "Großmann", "Peña", "Muñoz", "Gonçalves",
    "Conceição", "Ibáñez", "Fernández", "Bérénice", "Lévêque", "Köhler", "Weiß", "Ferrè", "Lucà", "Jäger",
    "Castañeda", "Sánchez", "Añón", "Brontë", "Blümel", "Bianchi",
)  # fmt: skip
CITIES = (
    "Città di Castello", "Forlì", "Cantù", "Canicattì", "Paternò", "Zürich", "München", "Köln", "Düsseldorf",
    "Nürnberg", "Genève", "Besançon", "Orléans", "Nîmes", "Évry", "Montréal", "São Paulo", "Brasília", "Goiânia",
    "Málaga", "Córdoba", "Cádiz", "León", "A Coruña", "Logroño", "Liège", "Malmö", "Göteborg", "Århus", "Tromsø",
    "Reykjavík", "Bogotá", "Medellín", "Jönköping", "Saint-Étienne", "Lübeck",
)  # fmt: skip
WORDS = (
    "città", "più", "perché", "già", "così", "caffè", "qualità", "novità", "sconto", "offerta", "été", "noël",
    "crème", "brûlée", "fête", "hôtel", "déjà", "réduction", "prêt", "forêt", "größe", "straße", "grüße", "schön",
    "für", "mädchen", "bücher", "año", "niño", "señor", "pequeño", "mañana", "canción", "coração", "promoção",
    "não", "lições", "ação", "preço", "café", "naïve", "façade", "über", "jalapeño", "garçon", "œuvre", "soirée",
    "müsli", "Bräu", "Käse", "Öl", "«nuovo»", "élégance", "Spätzle", "Crêpe", "Économie", "Équipe", "Øre", "L’Oréal",
    "È", "à", "saldi", "promo", "estate", "summer", "sale", "neu", "nouveau", "nuevo", "€", "5€", "–", "—", "…",
    "20°C", "½", "£", "§", "Marca™", "µg", "¿Qué?", "¡Olé!", "“Città”", "l’été",
)  # fmt: skip
DOMAINS = ("gmail.com", "libero.it", "orange.fr", "web.de", "gmx.de", "uol.com.br", "telefonica.es")
HEADERS = (
    ("order_id", "email", "name", "city", "date", "total", "note"),
    ("Nome", "Cognome", "Città", "E-mail", "Data", "Totale (€)", "Nota"),
    ("Prénom", "Nom", "Ville", "Courriel", "Date", "Montant", "Remarque"),
    ("Vorname", "Nachname", "Straße", "Ort", "Datum", "Betrag", "Bemerkung"),
    ("day", "channel", "campaign", "amount"),
)


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if c.isascii() and c.isalpha()).lower()


def _western_cell(rng: random.Random, column: str) -> str:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    phrase = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 8)))
    return {
        "order_id": str(rng.randint(1000, 99999)),
        "email": f"{_ascii(first)}.{_ascii(last)}@{rng.choice(DOMAINS)}",
        "name": f"{first} {last}",
        "first": first,
        "last": last,
        "city": rng.choice(CITIES),
        "street": f"{rng.choice(('Hauptstraße', 'Königsallee', 'Schloßweg'))} {rng.randint(1, 200)}",
        "date": f"{rng.choice((2024, 2025))}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "amount": f"{rng.randint(0, 9999)}{rng.choice('.,')}{rng.randint(0, 99):02d}",
        "channel": rng.choice(("meta", "google", "newsletter", "negozio")),
        "campaign": f"{rng.choice(CITIES)} {' '.join(rng.choice(WORDS) for _ in range(rng.randint(1, 4)))}",
        "note": phrase,
    }[column]


_KINDS = dict(
    zip(
        (h for header in HEADERS for h in header),
        "order_id email name city date amount note first last city email date amount note first last city email "
        "date amount note first last street city date amount note date channel campaign amount".split(),
        strict=True,
    )
)


def western_csv(rng: random.Random) -> str:
    """A Western European CSV export of 1 to 80 rows, as Excel on Windows saves it."""
    header = rng.choice(HEADERS)
    delimiter = rng.choice(",;")
    lines = [delimiter.join(header)]
    for _ in range(rng.choice((1, 1, 2, 3, 5, 8, 13, 30, 80))):
        cells = []
        for column in header:
            value = _western_cell(rng, _KINDS[column])
            if delimiter in value or '"' in value or (" " in value and rng.random() < 0.3):
                value = '"' + value.replace('"', '""') + '"'
            cells.append(value)
        lines.append(delimiter.join(cells))
    return rng.choice(("\r\n", "\n")).join(lines) + "\n"


WESTERN_SAMPLES = 1500  # before the guard, 21 of these 1,500 were read as GBK


def test_western_csv_files_are_not_taken_for_east_asian_text(tmp_path):
    rng = random.Random(13)
    misread = []
    for n in range(WESTERN_SAMPLES):
        text = western_csv(rng)
        path = write(tmp_path, f"w{n}.csv", text, encoding="cp1252")
        encoding = sniff(path, path.name).encoding
        if encoding != "windows-1252":
            misread.append((encoding, text[:120]))
    assert misread == []


def test_the_generated_western_files_carry_accents_in_every_position():
    # The samples must be able to fail: the accents the two-byte misreadings are made of are in them.
    rng = random.Random(13)
    texts = [western_csv(rng) for _ in range(200)]
    assert all(not t.isascii() for t in texts)
    assert sum("Anaïs" in t for t in texts) > 5 and sum(len(t.splitlines()) == 2 for t in texts) > 20


# East Asian files as users have them: a few words of the script among dates, channels and amounts.
EAST_ASIAN_WORDS = {
    "gbk": ("北京", "上海", "春季促销", "会员", "张伟", "王芳", "新品上市", "优惠券", "朝阳区", "第3期", "满100减20"),
    "big5": ("台北", "高雄", "臺中", "會員", "春季促銷", "陳美玲", "林志明", "優惠券", "旗艦店", "第3期"),
    "shift_jis": ("東京店", "大阪店", "春のセール", "ポイント2倍", "田中太郎", "鈴木花子", "送料無料", "第3回セミナー"),
    "euc_jp": ("東京店", "大阪店", "春のセール", "ポイント2倍", "田中太郎", "鈴木花子", "送料無料", "第3回セミナー"),
    "euc_kr": ("서울", "부산", "봄 세일", "이벤트", "할인", "김민수", "이지은", "회원 가입", "제3회 세미나"),
}


@pytest.mark.parametrize("encoding", sorted(EAST_ASIAN_WORDS))
def test_generated_east_asian_files_are_still_read_as_east_asian(tmp_path, encoding):
    rng = random.Random(5)
    words = EAST_ASIAN_WORDS[encoding]
    western = []
    for n in range(60):
        rows = [
            f"2025-03-{rng.randint(1, 28):02d},{rng.choice(('meta', 'google'))},"
            f"{' '.join(rng.choice(words) for _ in range(rng.randint(1, 3)))},{rng.randint(1, 999)}.5"
            for _ in range(rng.choice((1, 2, 3, 5, 10, 40)))
        ]
        path = write(tmp_path, f"e{n}.csv", "day,channel,campaign,amount\n" + "\n".join(rows) + "\n", encoding=encoding)
        if sniff(path, path.name).encoding not in EAST_ASIAN:
            western.append(rows[0])
    assert western == []


@pytest.mark.parametrize(
    ("encoding", "campaign", "detected"),
    [
        ("big5", "台北市 春季促銷活動", "big5"),
        ("euc_jp", "東京店 春のセール", "euc_jp"),
        ("gbk", "张伟", "gb18030"),
    ],
)
def test_big5_euc_jp_and_a_two_character_gbk_name_are_read(con, config, tmp_path, encoding, campaign, detected):
    text = f"day,channel,campaign,amount\n2025-03-01,meta,{campaign},12.5\n2025-03-02,meta,{campaign},7\n"
    report = load_file(con, config, write(tmp_path, "spend.csv", text, encoding=encoding))
    assert (report.encoding, report.inserted, report.rejected) == (detected, 2, 0)
    assert con.execute("select campaign, sum(amount) from spend group by campaign").fetchall() == [(campaign, 19.5)]


def test_charset_normalizer_is_a_direct_dependency():
    # sniff.py imports it: it must not depend on another package happening to pull it in.
    requirements = (Path(__file__).parents[1] / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert any(line.split("==")[0].strip().lower() == "charset-normalizer" for line in requirements)


# Short files whose text decodes in a neighbouring encoding too: kanji-only Japanese names read as
# rare Korean syllables in Windows-949, Big5 read as GBK. Each must come back as written.
@pytest.mark.parametrize(
    ("encoding", "campaigns", "detected", "total"),
    [
        ("shift_jis", ("田中太郎", "東京店"), "cp932", 22.0),  # 10.5 + 11.5
        ("shift_jis", ("鈴木花子", "大阪店", "送料無料"), "cp932", 34.5),  # 10.5 + 11.5 + 12.5
        ("big5", ("台北 優惠券", "陳美玲"), "big5", 22.0),
        ("big5", ("高雄 會員", "林志明"), "big5", 22.0),
        ("big5", ("臺中 旗艦店",), "big5", 10.5),
        ("gbk", ("北京 会员", "张伟"), "gb18030", 22.0),
        ("euc_kr", ("서울 할인", "김민수"), "cp949", 22.0),
    ],
)
def test_short_east_asian_files_are_read_in_their_own_encoding(
    con, config, tmp_path, encoding, campaigns, detected, total
):
    rows = "".join(f"2025-03-0{i + 1},meta,{name},1{i}.5\n" for i, name in enumerate(campaigns))
    path = write(tmp_path, "spend.csv", "day,channel,campaign,amount\n" + rows, encoding=encoding)
    report = load_file(con, config, path)
    assert (report.encoding, report.inserted, report.rejected) == (detected, len(campaigns), 0)
    assert con.execute("select campaign from spend order by day").fetchall() == [(c,) for c in campaigns]
    assert con.execute("select sum(amount) from spend").fetchone() == (total,)


# Code pages Legame does not detect: read as Windows-1252, their text is no Western European text
# (Ł reads £, Arabic and Hebrew letters read as accented Latin ones), so the report names the
# encoding assumed rather than storing mojibake without a word.
@pytest.mark.parametrize(
    ("encoding", "campaigns"),
    [
        ("cp1250", ("Łódź wyprzedaż wiosenna", "Gdańsk promocja świąteczna")),
        ("cp1256", ("القاهرة تخفيضات الربيع", "الرياض مجموعة جديدة")),
        ("cp1255", ("תל אביב מבצע אביב", "ירושלים קולקציה חדשה")),
        ("cp874", ("กรุงเทพ ลดราคา", "เชียงใหม่ สินค้าใหม่")),
    ],
)
def test_a_code_page_not_detected_is_not_read_silently(con, config, tmp_path, encoding, campaigns):
    report = load_file(con, config, write(tmp_path, "spend.csv", _spend(campaigns), encoding=encoding))
    assert (report.encoding, report.inserted, report.rejected) == ("cp1252", 2, 0)
    assert report.notes[0] == (
        "The file is not in UTF-8: its bytes are Western European (Windows-1252) text (cp1252) and were read as "
        "such. If names look wrong, export the file again as UTF-8."
    )
    # What was stored is the Windows-1252 reading of the bytes, as the note says (11.5 + 12.5).
    stored = con.execute("select list(campaign order by day), sum(amount) from spend").fetchone()
    assert stored == ([c.encode(encoding).decode("cp1252", errors="replace") for c in campaigns], 24.0)
