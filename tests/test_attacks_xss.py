"""XSS and link payloads in every text column, checked in the DOM of every page of a real server.

One database gets the demo plus a canonical file per table whose every text column holds a
payload; every page is opened as the admin with a payload campaign as the filter, and as a
viewer of a link pinning it. No page may hold a link, image or script that came from the data,
and no dialog may open; the payload shows as text.
"""

from __future__ import annotations

import csv
import urllib.parse
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from legame import share, warehouse
from legame.config import load_config
from legame.ingest import load_demo_if_empty, load_file
from tests.browser import Server

pytestmark = pytest.mark.e2e
LINK = '<a href="https://evil.example/">click</a>'
PAYLOADS = [
    LINK,
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "[click](https://evil.example/)",
    "https://evil.example/",
    "www.evil.example",
    "javascript:alert(1)",
    "<svg onload=alert(1)>",
]
# One canonical file per table; {p} is a payload, {i} the row's number.
TABLES = {
    "people": (
        ["email", "first_seen", "is_member", "acquisition_channel", "segment"],
        ["xss{i}@example.com", "2025-08-0{d}", "true", "{p}", "{p}"],
    ),
    "posts": (
        ["channel", "post_id", "published_at", "author_type", "reach", "impressions"],
        ["{p}", "{p}", "2025-08-0{d}", "customer", "10", "20"],
    ),
    "interactions": (
        ["event_id", "email", "occurred_at", "channel", "kind", "post_id"],
        ["{p}", "xss{i}@example.com", "2025-08-0{d}", "{p}", "comment", "{p}"],
    ),
    "orders": (
        ["order_id", "email", "ordered_at", "revenue", "channel", "campaign"],
        ["{p}", "xss{i}@example.com", "2025-08-0{d}", "25", "{p}", "{p}"],
    ),
    "spend": (["day", "channel", "campaign", "amount"], ["2025-08-0{d}", "{p}", "{p}", "5"]),
    "surveys": (
        ["response_id", "email", "answered_at", "score", "comment"],
        ["{p}", "xss{i}@example.com", "2025-08-0{d}", "10", "{p}"],
    ),
}
VIEWER_PAGES = ("board", "value", "community", "advocacy", "conversion")
ADMIN_PAGES = ("upload", "share")
FIND_INJECTED = """() => {
    const hrefs = [...document.querySelectorAll('a')]
        .map(a => a.getAttribute('href') || a.getAttribute('xlink:href') || '')
        .filter(h => !h.startsWith('#') && /evil|javascript:/i.test(h));
    const images = [...document.querySelectorAll('img')].filter(i => i.getAttribute('src') === 'x').length;
    const scripts = [...document.querySelectorAll('script')].filter(s => s.textContent.includes('alert(1)')).length;
    const svgs = [...document.querySelectorAll('svg[onload]')].length;
    return {hrefs, images, scripts, svgs};
}"""


def write_payload_files(folder: Path) -> list[Path]:
    paths = []
    for table, (header, row) in TABLES.items():
        path = folder / f"{table}.csv"
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(header)
            for i, payload in enumerate(PAYLOADS, start=1):
                writer.writerow([cell.format(p=payload, i=i, d=i % 9 + 1) for cell in row])
        paths.append(path)
    return paths


class HostileServer(Server):
    """A server on the demo plus a payload in every text column, with a link pinning a payload campaign."""

    def __init__(self, folder: Path) -> None:
        with pytest.MonkeyPatch.context() as env:
            env.setenv("LEGAME_DB", str(folder / "e2e.duckdb"))
            env.setenv("LEGAME_SECRET", "e2e")
            env.setenv("LEGAME_LINK_SECRET", "e2e links")
            config = load_config()
            con = warehouse.connect(config)
            load_demo_if_empty(con, config)
            self.loaded = {
                path.stem: load_file(con, config, path, path.name) for path in write_payload_files(folder)
            }
            view = share.View(VIEWER_PAGES, date(2025, 7, 1), date(2025, 9, 30), campaign=LINK)
            _, url = share.create_link(con, config, label=LINK, view=view, days=30)
            con.close()
        self.token = url.split("?share=")[1]
        super().__init__(folder, LEGAME_LINK_SECRET="e2e links")


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[HostileServer]:
    srv = HostileServer(tmp_path_factory.mktemp("e2e-xss"))
    yield srv
    srv.stop()


def _assert_inert(browser, url: str, shows_payload: bool) -> None:
    dialogs = []
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(url)
    page.wait_for_selector("h1", timeout=60_000)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)
    page.wait_for_timeout(500)  # charts draw after the script ends
    try:
        assert page.evaluate(FIND_INJECTED) == {"hrefs": [], "images": 0, "scripts": 0, "svgs": 0}, url
        assert dialogs == [], url
        if shows_payload:
            text = page.locator("[data-testid='stMain']").inner_text().replace("\u200b", "")
            assert LINK in text, url
    finally:
        page.close()


def test_every_table_took_its_payload_rows(server):
    assert {table: report.rows_to_load for table, report in server.loaded.items()} == dict.fromkeys(
        TABLES, len(PAYLOADS)
    )


# The board pages as a viewer pinned to the payload campaign (below) and as the admin filtering on it
# (the board here) draw the same elements; the admin's own pages only the admin sees.
@pytest.mark.parametrize("page", ("board", *ADMIN_PAGES))
def test_payloads_are_inert_for_the_admin(browser, server, page):
    query = urllib.parse.urlencode({"period": "last_quarter", "campaign": LINK})
    path = "" if page == "board" else page
    _assert_inert(browser, f"{server.url}/{path}?{query}", shows_payload=page in VIEWER_PAGES)


@pytest.mark.parametrize("page", VIEWER_PAGES)
def test_payloads_are_inert_for_a_viewer(browser, server, page):
    path = "" if page == "board" else page
    _assert_inert(browser, f"{server.url}/{path}?share={server.token}", shows_payload=True)
