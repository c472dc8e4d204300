"""Exports on the demo data: the facts table as CSV and XLSX, charts as PNG, and the board pack PDF.

The PDF is read back with poppler's pdftotext and turned into PNG pages with pdftoppm
(test-artifacts/boardpack/), so a person can look at what the test produced.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import shutil
import struct
import subprocess
from datetime import date
from pathlib import Path

import openpyxl
import plotly.graph_objects as go
import pytest

from legame import boardpack, export
from legame.board import build
from legame.config import ROOT
from legame.ingest import load_demo_if_empty
from legame.kpis import Period, compute
from tests.conftest import legame

Q1 = Period(date(2025, 1, 1), date(2025, 3, 31))
Q3 = Period(date(2026, 7, 1), date(2026, 9, 30))  # late enough in the demo data for the CLV models to fit
NUMBERS = {"Value": "value", "Comparison": "comparison_value", "Delta": "delta", "Target": "target"}
ARTIFACTS = ROOT / "test-artifacts" / "boardpack"


@pytest.fixture
def demo(con, config):
    load_demo_if_empty(con, config)
    return con


def pdf_text(pdf: bytes, tmp_path: Path) -> list[str]:
    """The text of each page, in drawing order, whitespace collapsed (a wrapped paragraph reads as one line)."""
    path = tmp_path / "pack.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [" ".join(page.split()) for page in text.split("\f")[:-1]]


def test_csv_and_xlsx_hold_the_numbers_of_the_json(demo_db, tmp_path):
    period = ("--from", "2025-01-01", "--to", "2025-03-31", "--compare", "year")
    result = legame(demo_db, "kpis", *period, "--json")
    assert result.returncode == 0, result.stderr
    by_id = {k["id"]: k for k in json.loads(result.stdout)}
    for fmt in ("csv", "xlsx"):
        result = legame(demo_db, "kpis", *period, "--format", fmt, "--out", str(tmp_path / f"facts.{fmt}"))
        assert result.returncode == 0, result.stderr
        assert f"facts.{fmt}: {len(by_id)} KPIs for Q1 2025" in result.stdout

    with open(tmp_path / "facts.csv", encoding="utf-8-sig", newline="") as f:
        csv_rows = list(csv.DictReader(f))
    sheet = openpyxl.load_workbook(tmp_path / "facts.xlsx")["KPIs"]
    header = [c.value for c in sheet[1]]
    xlsx_rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    assert [r["KPI id"] for r in csv_rows] == [r["KPI id"] for r in xlsx_rows] == list(by_id)

    for csv_row, xlsx_row in zip(csv_rows, xlsx_rows, strict=True):
        kpi = by_id[csv_row["KPI id"]]
        for column, field in NUMBERS.items():
            expected = kpi[field]
            if expected is None:
                assert csv_row[column] == "" and xlsx_row[column] is None, (kpi["id"], column)
                continue
            # The facts table rounds to 4 decimals, the JSON to 6: equal to the 4th decimal.
            assert float(csv_row[column]) == pytest.approx(expected, abs=1e-4), (kpi["id"], column)
            assert isinstance(xlsx_row[column], int | float), (kpi["id"], column)
            assert xlsx_row[column] == pytest.approx(expected, abs=1e-4), (kpi["id"], column)
        if kpi["delta_pct"] is not None:
            assert xlsx_row["Delta %"] == pytest.approx(kpi["delta_pct"], abs=0.005)
        assert csv_row["Unit"] == xlsx_row["Unit"]
        if kpi["unit"] == "currency":
            assert csv_row["Unit"] == "EUR"
        assert csv_row["Period from"] == "2025-01-01" and csv_row["Compared to"] == "2024-03-31"
        assert xlsx_row["Period to"].date() == date(2025, 3, 31)

    about = dict(openpyxl.load_workbook(tmp_path / "facts.xlsx")["About"].values)
    # Dates as the reader's locale writes them (English under config.yaml's it-IT: en-GB's).
    assert about["Period"] == "Q1 2025 (1 Jan 2025 to 31 Mar 2025)"
    assert about["Compared with"] == "Q1 2024 (1 Jan 2024 to 31 Mar 2024), the same period last year"


def test_an_xlsx_export_needs_a_file(demo_db):
    result = legame(demo_db, "kpis", "--from", "2025-01-01", "--to", "2025-03-31", "--format", "xlsx")
    assert result.returncode == 1
    assert "error: --format xlsx writes a file: add --out FILE.xlsx." in result.stderr


@pytest.mark.parametrize("text", ["=1+2", "+41 555", "-1+1", "@SUM(A1:A2)", "\t=1", "\r=1"])
def test_text_that_a_spreadsheet_would_evaluate_gets_a_quote(text):
    assert export.safe_text(text) == "'" + text


@pytest.mark.parametrize("text", ["Cost of a new customer", "1-2", "a=b", ""])
def test_other_text_is_left_alone(text):
    assert export.safe_text(text) == text


def test_labels_and_filters_never_run_as_formulas(demo, config):
    hyperlink = '=HYPERLINK("http://example.invalid","open me")'
    filters = {"channel": "paid_social", "campaign": hyperlink}
    # Campaign names are the data's own: one read from a hostile export, pinned on the KPIs' filters.
    kpis = [
        dataclasses.replace(k, filters={**k.filters, "campaign": hyperlink})
        for k in compute(demo, config, Q1, "previous", {"channel": "paid_social"})
    ]
    kpis[0] = dataclasses.replace(kpis[0], plain_label="-1+1", definition="@SUM(A1:A9)")
    by_campaign = kpis[1]

    rows = list(csv.DictReader(io.StringIO(export.facts_csv(kpis, "EUR").decode("utf-8-sig"))))
    assert rows[0]["KPI"] == "'-1+1" and rows[0]["Definition"] == "'@SUM(A1:A9)"
    row_of = {r["KPI id"]: r for r in rows}
    assert row_of[by_campaign.id]["Campaign"] == "'" + hyperlink
    assert row_of[by_campaign.id]["Channel"] == "paid_social"

    meta = export.about(kpis, filters, {}, demo_state="demo")
    book = openpyxl.load_workbook(io.BytesIO(export.facts_xlsx(kpis, "EUR", meta)))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c.value for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert "'" + hyperlink in texts and "'-1+1" in texts and "'@SUM(A1:A9)" in texts
    assert not [t for t in texts if t.startswith(export.FORMULA_TRIGGERS)]
    # Numbers are not text: a negative delta stays a number.
    assert any(isinstance(c.value, float) and c.value < 0 for c in cells)


def test_figure_png_is_a_png_of_the_figure_size():
    png = export.figure_png(go.Figure(go.Bar(x=["a", "b"], y=[1, 2]), layout={"width": 300, "height": 200}))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (300 * export.PNG_SCALE, 200 * export.PNG_SCALE)


def test_board_pack_pdf_shows_the_period_values_definitions_and_filters(demo, config, tmp_path):
    filters = {"campaign": "Spring <sale> & more"}
    board = build(demo, config, Q3, "previous", filters)
    headline = "The community is worth more than last quarter."
    pdf = boardpack.board_pack_pdf(board, config, headline=headline, filters=filters)

    pages = pdf_text(pdf, tmp_path)
    text = " ".join(pages)
    assert 4 <= len(pages) <= 8
    cover = pages[0]
    for words in (
        "Q3 2026",
        "1 July 2026 – 30 September 2026, compared with Q2 2026, the previous period",
        headline,
        "Demo data",
        "Campaign Spring <sale> & more",
        "Channel all channels",
        "Data up to people 31 Oct 2026, posts ",  # the demo's latest days, in the reader's way
    ):
        assert words in cover, words
    for kpi in board.cards:
        assert kpi.plain_label in pages[1] + pages[2]
        assert kpi.display["value"] in text, kpi.id
        assert " ".join(kpi.definition.split()) in text, kpi.id
    # Filtered by campaign, a KPI whose data carries no campaign says so instead of a number.
    assert "not measurable by campaign: surveys carry no campaign" in text
    assert "✔" in text or "✖" in text or "◆" in text  # status marks readable without colour
    assert all("Q3 2026 vs Q2 2026 · all channels · Spring <sale> & more · Demo data" in page for page in pages)
    assert pdf.count(b"/Subtype /Image") >= 2  # the revenue chart and at least one family chart

    # Pages as pictures, for a person to look at.
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    (ARTIFACTS / "boardpack.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "80", "-png", str(ARTIFACTS / "boardpack.pdf"), str(ARTIFACTS / "page")], check=True
    )
    assert len(list(ARTIFACTS.glob("page-*.png"))) == len(pages)


@pytest.mark.parametrize(
    ("direction", "delta", "noise", "expected"),
    [
        ("lower", -5.0, None, ("▼", "better")),  # a cost that fell
        ("lower", 5.0, None, ("▲", "worse")),
        ("higher", -5.0, None, ("▼", "worse")),
        ("higher", 5.0, "the 90% interval of the change includes zero", ("▲", "within normal variation")),
    ],
)
def test_a_change_reads_against_the_kpis_direction(demo, config, direction, delta, noise, expected):
    kpi = dataclasses.replace(compute(demo, config, Q1)[0], direction=direction, delta=delta, noise=noise)
    assert boardpack._change_words(kpi)[:2] == expected


def test_boardpack_command_writes_the_pdf(demo_db, tmp_path):
    out = tmp_path / "pack.pdf"
    result = legame(demo_db, "boardpack", "--from", "2025-01-01", "--to", "2025-03-31", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{out}: board pack for Q1 2025, ")
    assert result.stderr == ""
    assert out.read_bytes().startswith(b"%PDF")


def test_boardpack_without_chromium_names_the_fix(demo_db, tmp_path):
    out = tmp_path / "pack.pdf"
    args = ("boardpack", "--from", "2025-01-01", "--to", "2025-03-31", "--out", str(out))
    result = legame(demo_db, *args, BROWSER_PATH=str(tmp_path / "no-chromium"))
    assert result.returncode == 1
    assert f"there is none at {tmp_path / 'no-chromium'}. Install Debian's chromium" in result.stderr
    assert not out.exists()
