"""End to end: an export Legame does not know, matched on the mapping screen, saved, then recognised by itself.

A real `streamlit run` server on its own config file, so the database, the archived
uploads and the saved profile all live in the test's folder, never in data/.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import yaml
from playwright.sync_api import Page

from legame.config import ROOT, load_config
from tests.browser import ARTIFACTS, Server, open_page, settled

pytestmark = pytest.mark.e2e

HEADER = "Order No.,Customer E-mail,Order date,Total (EUR),Shop\n"
FEBRUARY = (
    HEADER + "A-1001,anna.rossi@example.com,03/02/2026,59.90,web\n"
    "A-1002,marco.bianchi@example.com,14/02/2026,120.00,store\n"
    "A-1003,Anna.Rossi@Example.com,28/02/2026,15.50,web\n"
)
MARCH = HEADER + "A-1004,lucia.verdi@example.com,02/03/2026,80.00,store\n"


class MappingServer(Server):
    """A server whose config.yaml is a copy of the real one in a temporary folder (paths resolve there)."""

    def __init__(self, folder: Path) -> None:
        data = copy.deepcopy(load_config(ROOT / "config.yaml").data)
        data["warehouse"]["demo_dir"] = str(ROOT / "data" / "demo")
        (folder / "config.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        self.folder = folder
        super().__init__(folder, LEGAME_CONFIG=str(folder / "config.yaml"))


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[MappingServer]:
    srv = MappingServer(tmp_path_factory.mktemp("e2e_mapping"))
    yield srv
    srv.stop()


def screenshot(page: Page, name: str) -> None:
    """The whole page: Streamlit scrolls inside its main block, so grow the window to its height first."""
    page.mouse.move(0, 0)
    page.evaluate("document.querySelector(\"[data-testid='stMain']\").scrollTo(0, 0)")
    measure = "document.querySelector(\"[data-testid='stMainBlockContainer']\").getBoundingClientRect().bottom"
    height = int(page.evaluate(measure)) + 80
    if height > page.viewport_size["height"]:
        page.set_viewport_size({"width": page.viewport_size["width"], "height": height})
        settled(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / name, full_page=True)


def drop(page: Page, path: Path) -> None:
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(path))


def test_an_unknown_export_is_matched_saved_and_recognised_next_time(browser, server, tmp_path):
    february, march = tmp_path / "crm_orders_february.csv", tmp_path / "crm_orders_march.csv"
    february.write_text(FEBRUARY, encoding="utf-8")
    march.write_text(MARCH, encoding="utf-8")
    page = open_page(browser, f"{server.url}/upload")
    page.set_default_timeout(60_000)
    drop(page, february)
    page.get_by_text("Legame does not know this kind of file yet").wait_for()
    # The proposal is complete, so the preview of what would load is already there.
    page.get_by_text("Rows read").wait_for()
    settled(page)
    assert page.get_by_role("combobox", name="This file lists").input_value() == "Orders: purchases and their amounts"
    assert page.get_by_text("Sure: its name says so; all of its values are email addresses").count() == 1
    screenshot(page, "mapping.png")

    # Nothing in the name 'Shop' says channel: the user picks it.
    page.get_by_role("combobox", name="Channel").click()
    page.get_by_role("option", name=re.compile(r"^Shop")).click()
    page.get_by_text("Your choice.").wait_for()
    settled(page)
    page.get_by_label("Name for this kind of file").fill("Acme CRM orders")
    page.get_by_label("Name for this kind of file").press("Enter")
    settled(page)
    page.get_by_text("is read as “Acme CRM orders”").wait_for()
    page.get_by_role("button", name="Save as profile and load").click()
    page.get_by_text(re.compile(r"Saved as the profile “Acme CRM orders” and loaded as load #\d+")).wait_for()
    settled(page)

    saved = server.folder / "data" / "profiles" / "acme_crm_orders.yaml"
    spec = yaml.safe_load(saved.read_text(encoding="utf-8"))["acme_crm_orders"]
    assert spec["table"] == "orders"
    assert spec["columns"]["channel"] == "Shop"
    assert spec["columns"]["person_id"] == {"column": "Customer E-mail", "email": True}

    # March's export from the same CRM is recognised by the saved profile, no mapping screen.
    drop(page, march)
    page.get_by_text("read as Acme CRM orders").wait_for()
    settled(page)
    assert page.get_by_text("Legame does not know this kind of file yet").count() == 0
    page.get_by_role("button", name="Load 1 file").click()
    page.get_by_text(re.compile(r"Loaded as load #\d+: crm_orders_march\.csv")).wait_for()
    settled(page)
    page.close()

    server.stop()  # the server holds the database file: read it once it is closed
    with duckdb.connect(str(server.folder / "e2e.duckdb"), read_only=True) as con:
        rows = con.execute(
            "select order_id, ordered_at::date::varchar, revenue, channel from orders "
            "where order_id like 'A-100%' order by order_id"
        ).fetchall()
        people = dict(con.execute("select order_id, person_id from orders where order_id like 'A-100%'").fetchall())
        profiles = con.execute(
            "select file_name, profile from loads where file_name like 'crm_orders_%' order by load_id"
        ).fetchall()
    # Day-first dates (14/02 shows it), the channel from Shop in lower case.
    assert rows == [
        ("A-1001", "2026-02-03", 59.9, "web"),
        ("A-1002", "2026-02-14", 120.0, "store"),
        ("A-1003", "2026-02-28", 15.5, "web"),
        ("A-1004", "2026-03-02", 80.0, "store"),
    ]
    assert people["A-1001"] == people["A-1003"] != people["A-1002"]  # one Anna, however her address is written
    assert not any("@" in p for p in people.values())
    assert profiles == [("crm_orders_february.csv", "acme_crm_orders"), ("crm_orders_march.csv", "acme_crm_orders")]


def test_a_workbook_sheet_no_format_knows_is_matched_by_hand(browser, tmp_path):
    (tmp_path / "server").mkdir()
    server = MappingServer(tmp_path / "server")
    try:
        _match_a_sheet(browser, server, tmp_path)
    finally:
        server.stop()


def _match_a_sheet(browser, server: MappingServer, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Ad costs"
    sheet.append(["Week of", "Network", "Campaign name", "Cost (EUR)"])
    sheet.append(["2026-03-02", "Meta", "Spring launch", 120.5])
    sheet.append(["2026-03-09", "Meta", "Spring launch", 99.5])
    book.create_sheet("Read me").append(["Costs copied from the agency's invoices"])
    path = tmp_path / "agency_costs.xlsx"
    book.save(path)
    page = open_page(browser, f"{server.url}/upload")
    page.set_default_timeout(60_000)
    drop(page, path)
    page.get_by_text("no sheet of this workbook is an export Legame knows yet").wait_for()
    # Each sheet no format knows has its own mapping screen; the notes sheet is left alone.
    sheet = page.get_by_test_id("stExpander").filter(has_text="Match the sheet “Ad costs” by hand")
    sheet.get_by_text("Match the sheet “Ad costs” by hand").click()
    sheet.get_by_text("Rows read").wait_for()
    settled(page)
    assert sheet.get_by_role("combobox", name="This file lists").input_value().startswith("Ad spend")
    screenshot(page, "mapping-sheet.png")
    sheet.get_by_label("Name for this kind of file").fill("Agency costs")
    sheet.get_by_label("Name for this kind of file").press("Enter")
    settled(page)
    sheet.get_by_role("button", name="Save as profile and load").click()
    page.get_by_text(re.compile(r"Saved as the profile “Agency costs” and loaded as load #\d+")).wait_for()
    settled(page)
    # The workbook is now recognised: its sheet reads with the new profile.
    page.get_by_text("agency_costs.xlsx › Ad costs").first.wait_for()
    assert page.get_by_text("read as Agency costs").count() >= 1
    page.close()
