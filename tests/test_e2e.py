"""End to end: a real `streamlit run` server on a free port, a real DuckDB file, Debian's headless Chromium."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime

import pytest

from legame.config import ROOT
from tests.browser import ARTIFACTS, Server, open_page, settled

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("e2e"))
    yield srv
    srv.stop()


def test_board_shows_kpi_cards_with_numbers(browser, server):
    page = open_page(browser, server.url, height=1700)
    page.get_by_text("Demo data").first.wait_for()
    metrics = page.locator("[data-testid='stMetric']")
    # Each row of four cards arrives as its own block; on a busy machine the check could run between the two.
    metrics.nth(7).wait_for()
    assert metrics.count() == 8
    page.get_by_text("What changed").wait_for()
    # The headline: the value of the community in one sentence, with its interval.
    assert page.get_by_text(re.compile(r"member customers are worth €[\d,]+ more .*90% interval")).count() == 1
    values = [v.inner_text() for v in page.locator("[data-testid='stMetricValue']").all()]
    assert all(any(ch.isdigit() for ch in v) for v in values), values
    assert page.get_by_text("Revenue: community members and other customers").count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "board-1440.png", full_page=True)
    page.close()
    phone = open_page(browser, server.url, width=390)
    phone.locator("[data-testid='stMetric']").first.wait_for()
    phone.screenshot(path=ARTIFACTS / "board-390.png", full_page=True)
    phone.close()
    projector = open_page(browser, server.url, width=1920, height=1400)
    projector.locator("[data-testid='stMetric']").nth(7).wait_for()
    projector.screenshot(path=ARTIFACTS / "board-1920.png", full_page=True)
    projector.close()


def test_period_in_the_url_opens_that_period(browser, server):
    page = open_page(browser, f"{server.url}/?period=custom&from=2025-01-01&to=2025-03-31")
    page.get_by_text("Q1 2025 compared with Q4 2024").wait_for()
    page.close()


def test_facts_view_shows_the_same_numbers_as_a_table(browser, server):
    page = open_page(browser, f"{server.url}/?view=facts")
    page.locator("[data-testid='stDataFrame']").first.wait_for()
    assert page.locator("[data-testid='stMetric']").count() == 0
    page.close()


def test_upload_through_the_browser_shows_the_load_report(browser, server, tmp_path):
    csv = tmp_path / "my_orders.csv"
    csv.write_text(
        "order_id,email,ordered_at,revenue,channel,campaign,is_refund\n"
        "E2E-1,new.buyer@example.com,2026-10-02,59.90,web,,false\n"
        "E2E-2,new.buyer@example.com,2026-10-09,not-a-number,web,,false\n"
    )
    page = open_page(browser, f"{server.url}/upload")
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(csv))
    page.get_by_text("Rows read").wait_for(timeout=30_000)
    settled(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "upload-report.png", full_page=True)
    assert page.get_by_text("my_orders.csv").count() >= 1
    assert page.get_by_text("1 row will not load").count() == 1
    # The later tests compare this server's board with the demo's numbers: keep the demo, mixed.
    page.get_by_text("Loading your first file removes the demo data").wait_for()
    page.get_by_text("Keep it, mixed with my data").click()
    settled(page)
    page.get_by_role("button", name="Load 1 file").click()
    page.get_by_text("Loaded as load #").wait_for(timeout=30_000)
    settled(page)
    assert page.get_by_text("1 new").count() >= 1
    page.close()


def test_an_excel_workbook_uploads_sheet_by_sheet(browser, server, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    orders = book.active
    orders.title = "Orders"
    orders.append(["order_id", "email", "ordered_at", "revenue", "channel"])
    orders.append(["XL-1", "sheet.buyer@example.com", datetime(2026, 10, 3, 11, 30), 42.5, "web"])
    orders.append(["XL-2", "sheet.buyer@example.com", datetime(2026, 10, 20, 9, 0), 17.25, "web"])
    book.create_sheet("Notes").append(["Exported by hand for the board"])
    path = tmp_path / "October.xlsx"
    book.save(path)
    page = open_page(browser, f"{server.url}/upload")
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(path))
    page.get_by_text("October.xlsx › Orders").first.wait_for(timeout=30_000)
    settled(page)
    assert page.get_by_text("Sheet 'Notes' was not loaded").count() == 1
    page.screenshot(path=ARTIFACTS / "upload-xlsx.png", full_page=True)
    page.get_by_text("Keep it, mixed with my data").click()  # the demo stays for the later tests
    settled(page)
    page.get_by_role("button", name="Load 1 file").click()
    page.get_by_text("Loaded as load #").wait_for(timeout=30_000)
    settled(page)
    assert page.get_by_text(re.compile(r"October\.xlsx › Orders → orders .*2 new")).count() >= 1
    page.close()


def test_pages_are_guarded_on_the_first_request_to_a_fresh_server(browser, tmp_path):
    srv = Server(tmp_path, LEGAME_ADMIN_PASSWORD="correct horse")
    try:
        # The very first request to a fresh server goes straight to the admin page.
        page = open_page(browser, f"{srv.url}/upload")
        assert page.get_by_text("Sign in").count() >= 1
        assert page.locator("[data-testid='stFileUploader']").count() == 0
        page.close()
        page = open_page(browser, srv.url)
        assert page.locator("[data-testid='stMetric']").count() == 0
        page.get_by_label("Password", exact=True).fill("correct horse")
        page.get_by_role("button", name="Sign in").click()
        page.locator("[data-testid='stMetric']").first.wait_for(timeout=60_000)
        page.close()
    finally:
        srv.stop()


@pytest.mark.parametrize(
    ("path", "title", "cards", "chart_text"),
    [
        ("community", "Community", 7, "month by month"),
        ("advocacy", "Advocacy", 7, "Who speaks for the brand"),
        ("conversion", "Conversion & ROI", 9, "Funnel: people reached to new customers"),
    ],
)
def test_drill_down_pages_show_cards_charts_and_facts(browser, server, path, title, cards, chart_text):
    page = open_page(browser, f"{server.url}/{path}", height=2100)
    page.get_by_role("heading", name=title).wait_for()
    page.locator("[data-testid='stMetric']").nth(cards - 1).wait_for()
    page.get_by_text(chart_text).first.wait_for()
    page.locator("[data-testid='stPlotlyChart']").nth(1).wait_for()
    settled(page)
    assert page.locator("[data-testid='stMetric']").count() == cards
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{path}-1440.png", full_page=True)
    page.close()
    phone = open_page(browser, f"{server.url}/{path}", width=390, height=4000)
    phone.locator("[data-testid='stMetric']").nth(cards - 1).wait_for()
    settled(phone)
    phone.screenshot(path=ARTIFACTS / f"{path}-390.png", full_page=True)
    phone.close()
    facts = open_page(browser, f"{server.url}/{path}?view=facts&channel=organic_social")
    facts.locator("[data-testid='stDataFrame']").first.wait_for()
    assert facts.locator("[data-testid='stMetric']").count() == 0
    assert facts.get_by_text("channel Organic social").count() == 1
    facts.close()


def test_board_downloads_hold_the_numbers_of_the_cli_json(browser, server, tmp_path):
    import json
    import shutil

    import openpyxl

    page = open_page(browser, server.url, height=2400)
    page.get_by_text("Take it to the board").wait_for()
    saved = {}
    for label in ("Facts table (XLSX)", "Board pack (PDF)"):
        # A click while a rerun (the chart sent after paint, the last download's) redraws the buttons can be lost:
        # one CI run waited 120 s for a download that never started.
        settled(page)
        with page.expect_download(timeout=120_000) as download:
            page.get_by_role("button", name=label).click()
        saved[label] = tmp_path / download.value.suggested_filename
        download.value.save_as(saved[label])
    page.close()
    # The same numbers from the CLI, on its own warehouse loaded with the same demo files and secret.
    sheet = openpyxl.load_workbook(saved["Facts table (XLSX)"])["KPIs"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, [c.value for c in row], strict=True)) for row in sheet.iter_rows(min_row=2)]
    start, end = rows[0]["Period from"].date().isoformat(), rows[0]["Period to"].date().isoformat()
    env = {**os.environ, "LEGAME_DB": str(tmp_path / "cli.duckdb"), "LEGAME_SECRET": "e2e"}
    demo = sorted(str(p) for p in (ROOT / "data" / "demo").iterdir())
    subprocess.run(
        [sys.executable, "-m", "legame", "ingest", *demo], cwd=ROOT, env=env, check=True, capture_output=True
    )
    result = subprocess.run(
        [sys.executable, "-m", "legame", "kpis", "--from", start, "--to", end, "--json"],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    expected = {k["id"]: k for k in json.loads(result.stdout)}
    assert {r["KPI id"] for r in rows} == set(expected)
    for row in rows:
        want = expected[row["KPI id"]]["value"]
        assert (row["Value"] is None) == (want is None), row["KPI id"]
        if want is not None:
            assert row["Value"] == pytest.approx(want, abs=1e-4), row["KPI id"]
    # The PDF shows each board card's value as the board shows it.
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-layout", str(saved["Board pack (PDF)"]), "-"], capture_output=True, text=True, check=True
        ).stdout
        for kpi_id in ("community_value", "nps", "conversion_rate"):
            assert expected[kpi_id]["display"]["value"] in text, kpi_id
