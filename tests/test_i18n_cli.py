"""The command line, the board pack, the XLSX and shared links speak the reader's language: real CLI
processes on the demo data, the PDF read back with poppler's pdftotext, the workbook with openpyxl.

Ids stay English whatever the language (JSON keys, KPI and status ids, the ids column): scripts read them.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
import yaml

from legame.config import ROOT
from legame.fmt import NumberFormat
from tests.conftest import legame

Q3 = ("--from", "2026-07-01", "--to", "2026-09-30")
NO_LANG = {"LEGAME_LANG": ""}  # as a user's shell: no override, config.yaml's `language: it` decides
LINKS = {"LEGAME_LINK_SECRET": "i18n links", "LEGAME_BASE_URL": "https://legame.example.com"}

# Written by hand, as an Italian reader should read them (the demo's Q3 2026 against Q2 2026).
ITALIAN = {
    "nps": "Il Net Promoter Score è stato +40 (obiettivo +40), entro la normale variabilità rispetto al periodo "
    "precedente (T2 2026: +34).",
    # 471 new customers against 584: a cost per customer 8% lower is within its Poisson noise.
    "cac": "Ogni nuovo cliente è costato 29,16\u00a0€ di marketing (obiettivo 60,00\u00a0€), entro la normale "
    "variabilità rispetto al periodo precedente (T2 2026: 31,73\u00a0€).",
    "active_community_ratio": "Quota di membri della community che hanno partecipato almeno una volta: 74,6% "
    "(obiettivo 50,0%), in calo rispetto al periodo precedente (T2 2026: 78,5%).",
}
ENGLISH = {
    "nps": "Net Promoter Score was +40 (target +40), within normal variation of +34 in the previous period (Q2 2026).",
    "cac": "Each new customer cost €29.16 in marketing (target €60.00), within normal variation of €31.73 in the "
    "previous period (Q2 2026).",
    "active_community_ratio": "74.6% of community members took part at least once (target 50.0%), down from 78.5% "
    "in the previous period (Q2 2026).",
}


def kpis_json(db: Path, *args: str, **env: str) -> dict[str, dict]:
    result = legame(db, "kpis", *Q3, "--json", *args, **env)
    assert result.returncode == 0, result.stderr
    return {k["id"]: k for k in json.loads(result.stdout)}


def test_kpis_json_in_italian_keeps_english_keys_and_ids(demo_db):
    italian, english = kpis_json(demo_db, "--lang", "it"), kpis_json(demo_db, "--lang", "en")
    for kpi_id, sentence in ITALIAN.items():
        assert italian[kpi_id]["sentence"] == sentence
        assert english[kpi_id]["sentence"] == ENGLISH[kpi_id]
    assert italian["nps"]["plain_label"] == "Propensione a raccomandare"
    assert italian["nps"]["period"]["label"] == "T3 2026" and english["nps"]["period"]["label"] == "Q3 2026"
    # Keys, ids, status ids and numbers are the same in both languages.
    assert list(italian) == list(english)
    for kpi_id in italian:
        assert sorted(italian[kpi_id]) == sorted(english[kpi_id])
        for field in ("id", "status", "unit", "direction", "value", "target", "delta", "family"):
            assert italian[kpi_id][field] == english[kpi_id][field], (kpi_id, field)
    assert italian["cac"]["status"] == "on track"


def test_without_lang_config_yaml_decides(demo_db, tmp_path):
    assert kpis_json(demo_db, **NO_LANG)["nps"]["sentence"] == ITALIAN["nps"]  # the shipped config: language: it
    # --lang wins over LEGAME_LANG, and goes before the command as well as after it.
    result = legame(demo_db, "--lang", "it", "kpis", *Q3, "--json", LEGAME_LANG="en")
    assert {k["id"]: k["sentence"] for k in json.loads(result.stdout)}["cac"] == ITALIAN["cac"]
    # A config.yaml in English: no language, an English locale.
    data = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    del data["language"]
    data["locale"] = "en-GB"
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert kpis_json(demo_db, LEGAME_CONFIG=str(path), **NO_LANG)["nps"]["sentence"] == ENGLISH["nps"]


def test_the_table_check_and_help_speak_italian_with_exit_codes_unchanged(demo_db):
    table = legame(demo_db, "kpis", *Q3, **NO_LANG)
    assert table.stdout.splitlines()[0].split() == [
        "kpi", "valore", "confronto", "variazione", "obiettivo", "stato", "cambiamento"
    ]  # fmt: skip
    assert re.search(r"^nps +\+40 +\+34 +\+6 +\+40 +in linea +entro la normale variabilità$", table.stdout, re.M)

    check = legame(demo_db, "check", "--period", "last-quarter", "--lang", "it")
    assert check.returncode == 1, check.stderr
    assert check.stdout.startswith("T3 2026: 1 KPI su 9 con un obiettivo non è in linea.\n")
    assert "- “Valore nel tempo rispetto al costo” è da tenere d'occhio: 2,91x a fronte di un obiettivo di 3,00x" in (
        check.stdout
    )
    found = json.loads(legame(demo_db, "check", "--period", "last-quarter", "--json", "--lang", "it").stdout)
    assert [(f["id"], f["status"]) for f in found["findings"]] == [("clv_cac", "watch")]
    assert found["findings"][0]["label"] == "Valore nel tempo rispetto al costo"

    usage = legame(demo_db, "check", "--period", "last-fortnight", "--lang", "it")
    assert usage.returncode == 3
    assert "errore: argomento --period: scelta non valida: 'last-fortnight'" in usage.stderr
    helped = legame(demo_db, "--lang", "it", "boardpack", "--help")
    assert helped.stdout.startswith("uso: python -m legame boardpack")
    assert "Poche pagine per una riunione del CdA" in helped.stdout and "opzioni:" in helped.stdout

    missing = legame(demo_db, "kpis", *Q3, "--format", "xlsx", **NO_LANG)
    assert (missing.returncode, missing.stderr) == (
        1,
        "errore: --format xlsx scrive un file: aggiungi --out FILE.xlsx.\n",
    )


def pdf_text(path: Path) -> str:
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


def test_board_pack_in_italian(demo_db, tmp_path):
    out = tmp_path / "pack.pdf"
    result = legame(demo_db, "boardpack", *Q3, "--out", str(out), "--lang", "it")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{out}: report per il CdA del periodo T3 2026, ")
    text = pdf_text(out)
    for words in (
        "LEGAME · REPORT PER IL CDA",
        "1 luglio 2026 – 30 settembre 2026, a confronto con il periodo precedente (T2 2026)",
        "Su 5 KPI con un obiettivo: ✔ 4 in linea, ◆ 1 da tenere d'occhio.",
        "Periodo T3 2026 (1 lug 2026 – 30 set 2026)",
        "Canale tutti i canali Campagna tutte le campagne",
        "Ultimi dati persone 31 ott 2026,",
        "Numeri chiave: T3 2026 e T2 2026 a confronto",
        "KPI T3 2026 T2 2026 Variazione Obiettivo Stato",
        "Ricavi: membri della community e altri clienti",
        "Ogni KPI a confronto con il periodo di riferimento e con l'obiettivo",
        "Definizioni e ipotesi",
        "Meglio se più alto; obiettivo +40.",
        "Legame, report per il CdA · T3 2026 vs T2 2026 · tutti i canali · tutte le campagne Pagina 1",
        ITALIAN["nps"].replace("\u00a0", " "),
    ):
        assert words in text, words
    assert re.search(r"Generato il \d{1,2} dic 2026, \d\d:\d\d CET", text)
    assert re.search(r"\b13\.623 €", text)  # money the Italian way, the € after the number
    for english in (
        "BOARD PACK", "Key figures", "compared with", "Definitions", "Revenue", "Page ", "Target", "Status",
        "Better when", "no target", "n/a", "all channels", "Data up to", "Generated", "September", "July",
    ):  # fmt: skip
        assert english not in text, english


def test_xlsx_in_italian_keeps_the_ids_and_formats_money_the_italian_way(demo_db, tmp_path):
    sheets = {}
    for lang in ("it", "en"):
        out = tmp_path / f"facts-{lang}.xlsx"
        result = legame(demo_db, "kpis", *Q3, "--format", "xlsx", "--out", str(out), "--lang", lang)
        assert result.returncode == 0, result.stderr
        sheets[lang] = openpyxl.load_workbook(out)
    assert sheets["it"].sheetnames == ["KPI", "Informazioni"] and sheets["en"].sheetnames == ["KPIs", "About"]
    italian, english = sheets["it"]["KPI"], sheets["en"]["KPIs"]
    header = [c.value for c in italian[1]]
    assert header[:6] == ["ID del KPI", "KPI", "Nome tecnico", "Valore", "Come appare", "Unità"]
    assert {"Obiettivo", "Stato", "Periodo dal", "Confronto al", "Canale", "Campagna"} <= set(header)
    assert [c.value for c in english[1]][:4] == ["KPI id", "KPI", "Technical name", "Value"]
    ids = [c.value for c in italian["A"]][1:]
    assert ids == [c.value for c in english["A"]][1:] and "nps" in ids  # the same English ids, row for row

    row = next(r for r in italian.iter_rows(min_row=2) if r[0].value == "cac")
    cells = dict(zip(header, row, strict=True))
    assert cells["Valore"].value == pytest.approx(29.16, abs=0.01)
    assert cells["Valore"].number_format == '#,##0.00" €"'
    assert cells["Stato"].value == "in linea"
    assert isinstance(cells["Periodo dal"].value, datetime) and cells["Periodo dal"].value.date() == date(2026, 7, 1)
    assert cells["Periodo dal"].number_format == "dd/mm/yyyy"
    english_row = next(r for r in english.iter_rows(min_row=2) if r[0].value == "cac")
    english_header = [c.value for c in english[1]]
    assert dict(zip(english_header, english_row, strict=True))["Value"].number_format == '"€"#,##0.00'

    about = dict(sheets["it"]["Informazioni"].values)
    assert about["Periodo"] == "T3 2026 (1 lug 2026 – 30 set 2026)"
    assert about["Confronto con"] == "T2 2026 (1 apr 2026 – 30 giu 2026), il periodo precedente"


def token_view(url: str) -> dict:
    payload = url.split("?share=")[1].split(".")[0]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["view"]


def test_share_create_in_italian_pins_the_language_and_shows_rome_time(demo_db):
    made = legame(
        demo_db, "share", "create", "--label", "CdA T3", *Q3, "--pages", "board,advocacy", "--channel",
        "organic_social", "--lang", "it", **LINKS,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    first, opens, url = made.stdout.splitlines()
    assert first.endswith(
        "(CdA T3): Cruscotto, Advocacy · T3 2026 a confronto con il periodo precedente · canale Social organico"
    )
    listed = json.loads(legame(demo_db, "share", "list", "--json", **LINKS).stdout)
    link = next(row for row in listed if row["label"] == "CdA T3")
    assert link["view"]["lang"] == "it" and token_view(url)["lang"] == "it"
    assert link["status"] == "active"  # ids stay English
    # The expiry in config.yaml's time zone (Europe/Rome), the Italian way: 'Valido fino al 5 gen 2027, 08:19 CET:'.
    expires = datetime.fromisoformat(link["expires"])
    assert opens == f"Valido fino al {NumberFormat('it_IT', 'Europe/Rome').datetime(expires)}:"
    assert re.fullmatch(r"Valido fino al \d{1,2} [a-z]{3} \d{4}, \d\d:\d\d CES?T:", opens)
    assert "UTC" not in made.stdout

    english = legame(demo_db, "share", "create", "--label", "Q3 board", *Q3, "--lang", "en", "--json", **LINKS)
    assert token_view(json.loads(english.stdout)["url"])["lang"] == "en"
    table = legame(demo_db, "share", "list", "--lang", "it", **LINKS).stdout.splitlines()
    assert re.split(r"\s{2,}", table[0]) == [
        "id",
        "etichetta",
        "stato",
        "scadenza",
        "aperture",
        "ultima apertura",
        "mostra",
    ]
    row = next(re.split(r"\s{2,}", line) for line in table[1:] if "CdA T3" in line)
    assert row[1:3] == ["CdA T3", "attivo"] and row[5] == "mai" and row[3] in opens


def test_kpis_by_channel_name_each_channel_as_the_board_does(demo_db):
    table = legame(demo_db, "kpis", *Q3, "--by", "channel", **NO_LANG)
    headings = [line for line in table.stdout.splitlines() if line.startswith("== ")]
    assert headings[:2] == ["== canale Social a pagamento", "== canale Social organico"]
    assert headings[-2:] == ["== canale Non attribuito", "== totale"]
    english = legame(demo_db, "kpis", *Q3, "--by", "channel", "--lang", "en")
    assert "== channel Paid social" in english.stdout and "paid_social" not in english.stdout
