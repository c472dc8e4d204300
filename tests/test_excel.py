"""Excel workbooks: every sheet an export of its own, rows numbered as Excel numbers them."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import Workbook
from test_ingest import content

from legame.errors import FatalFileError, UnrecognisedExport
from legame.ingest import load_export, uploads
from legame.ingest.excel import cell_text


def workbook(path, sheets: dict[str, list[list[object]]]):
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


ORDERS = [
    ["order_id", "email", "ordered_at", "revenue", "channel"],
    ["A1", "ann@example.com", datetime(2025, 3, 1, 10, 15), 19.9, "web"],
    ["A2", "bob@example.com", datetime(2025, 3, 2, 0, 0), 120, "pos"],
    [None, None, None, None, None],  # a blank row in the middle: skipped, not rejected
    ["A3", "cid@example.com", "not a date", 5.5, "web"],
    ["A4", "ann@example.com", date(2025, 3, 4), 1234.5678, "web"],
]
SPEND = [
    ["Campaign report"],  # a title and a blank line above the header
    [],
    ["Day", "Campaign", "Cost", "Impr.", "Clicks"],
    [date(2025, 3, 1), "Spring", 10.25, 1000, 12],
    [date(2025, 3, 2), "Spring", 4.75, 800, 3],
    ["Total", None, 15.0, 1800, 15],
]


def test_each_sheet_loads_as_its_own_export(con, config, tmp_path):
    path = workbook(tmp_path / "Q1 report.xlsx", {"Orders": ORDERS, "Notes": [["Made by Ann"]], "Spend": SPEND})
    loaded = load_export(con, config, path)
    orders, spend = loaded.reports
    assert orders.file_name == "Q1 report.xlsx › Orders"
    # 5 rows below the header: the blank one skipped, A3's date rejected on Excel row 5.
    assert (orders.table, orders.rows_read, orders.inserted, orders.rejected) == ("orders", 5, 3, 1)
    assert [(r["row"], r["column"], r["value"]) for r in orders.rejects] == [(5, "ordered_at", "not a date")]
    assert "1 empty row skipped." in orders.notes
    rows = con.execute("select order_id, ordered_at::varchar, revenue from orders order by order_id").fetchall()
    # Times and amounts exactly as the cells hold them, not as Excel displays them.
    assert rows == [
        ("A1", "2025-03-01 10:15:00", 19.9),
        ("A2", "2025-03-02 00:00:00", 120.0),
        ("A4", "2025-03-04 00:00:00", 1234.5678),
    ]
    assert (spend.profile, spend.file_name) == ("google_ads_campaigns", "Q1 report.xlsx › Spend")
    assert spend.reason.endswith("(its header is on line 3, below a preamble)")
    assert (spend.rows_read, spend.inserted, spend.rejected) == (3, 2, 0)
    assert "1 total row skipped, not loaded as data: line 6 ('Total')." in spend.notes
    assert con.execute("select sum(amount), sum(clicks) from spend").fetchone() == (15.0, 15)
    [notes] = loaded.skipped
    assert (notes.name, notes.unrecognised) == ("Notes", True)
    assert str(notes).startswith("Sheet 'Notes' was not loaded: no known export format has the columns Made by Ann")


def test_a_workbook_with_no_loadable_sheet_changes_nothing(con, config, tmp_path):
    before = content(con)
    path = workbook(tmp_path / "notes.xlsx", {"Notes": [["Made by", "Ann"], ["on", "Monday"]]})
    with pytest.raises(UnrecognisedExport, match=r"no sheet could be loaded\. Sheet 'Notes' was not loaded") as error:
        load_export(con, config, path)
    assert [s.name for s in error.value.skipped] == ["Notes"]
    assert content(con) == before


def test_a_sheet_no_format_knows_can_be_matched_as_its_own_csv(tmp_path):
    path = workbook(tmp_path / "b.xlsx", {"Orders": ORDERS, "Spend": SPEND})
    text = uploads.sheet_of("b.xlsx", path.read_bytes(), "Spend").decode()
    # Excel's rows as CSV lines: the title, the blank row, the header on line 3.
    assert text.splitlines()[:4] == [
        "Campaign report,,,,",
        ",,,,",
        "Day,Campaign,Cost,Impr.,Clicks",
        "2025-03-01,Spring,10.25,1000,12",
    ]
    with pytest.raises(FatalFileError, match="no sheet 'Totals'"):
        uploads.sheet_of("b.xlsx", path.read_bytes(), "Totals")


def test_a_damaged_workbook_is_refused_by_name(con, config, tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a workbook")
    with pytest.raises(FatalFileError, match=r"broken\.xlsx could not be opened as an Excel workbook"):
        load_export(con, config, path)


def test_a_preview_of_a_workbook_loads_nothing(con, config, tmp_path):
    before = content(con)
    path = workbook(tmp_path / "b.xlsx", {"Orders": ORDERS})
    loaded = load_export(con, config, path, commit=False)
    assert loaded.reports[0].inserted == 3
    assert content(con) == before


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (True, "true"),
        (3.0, "3"),
        (0.1 + 0.2, "0.30000000000000004"),
        (datetime(2025, 3, 1, 9, 5, 7), "2025-03-01 09:05:07"),
        (datetime(2025, 3, 1), "2025-03-01"),
        ("  Spring ", "Spring"),
    ],
)
def test_cells_are_written_as_held(value, text):
    assert cell_text(value) == text
