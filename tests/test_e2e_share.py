"""Shared links in a real browser: a viewer cannot reach admin pages, an admin creates and revokes a link."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page

from legame import share, warehouse
from legame.config import ROOT, load_config
from legame.ingest import load_demo_if_empty
from tests.browser import Server, open_page, settled

pytestmark = pytest.mark.e2e
ARTIFACTS = ROOT / "test-artifacts"
LINK_SECRET = "e2e links"
ADMIN_TEXT = ("Upload data", "Create a link", "Export files")


class SharedServer(Server):
    """A server started on a demo database that already holds one link (board only, Q3 2025, Instagram)."""

    def __init__(self, folder: Path) -> None:
        with pytest.MonkeyPatch.context() as env:
            # The same database file, salt and link secret the server gets.
            env.setenv("LEGAME_DB", str(folder / "e2e.duckdb"))
            env.setenv("LEGAME_SECRET", "e2e")
            env.setenv("LEGAME_LINK_SECRET", LINK_SECRET)
            config = load_config()
            con = warehouse.connect(config)
            load_demo_if_empty(con, config)
            view = share.View(("board",), date(2025, 7, 1), date(2025, 9, 30), channel="organic_social")
            _, url = share.create_link(con, config, label="Board, before start", view=view, days=30)
            con.close()
        self.token = url.split("?share=")[1]
        super().__init__(folder, LEGAME_LINK_SECRET=LINK_SECRET)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[SharedServer]:
    srv = SharedServer(tmp_path_factory.mktemp("e2e-share"))
    yield srv
    srv.stop()


def assert_no_admin_page(page: Page) -> None:
    assert page.locator("[data-testid='stFileUploader']").count() == 0
    for text in ADMIN_TEXT:
        assert page.get_by_text(text).count() == 0, text


def nav_links(page: Page) -> list[str]:
    return [link.inner_text().split("\n")[-1] for link in page.locator("[data-testid='stSidebarNavLink']").all()]


def test_a_viewer_url_to_admin_pages_is_refused_from_the_first_request(browser, server):
    # The very first requests to this fresh server: a viewer's token on the admin pages' URLs.
    for path in ("upload", "share"):
        page = open_page(browser, f"{server.url}/{path}?share={server.token}")
        page.get_by_text("Shared view · expires on").wait_for()
        settled(page)
        assert_no_admin_page(page)
        page.close()
    page = open_page(browser, f"{server.url}/?share={server.token}", height=1400)
    page.locator("[data-testid='stMetric']").nth(6).wait_for()
    page.locator("[data-testid='stPlotlyChart'] .main-svg").first.wait_for()
    settled(page)
    assert page.get_by_role("heading", name="Q3 2025 compared with Q2 2025").count() == 1
    # The pinned channel, by its name in the taxonomy: in the shared-view banner and in the heading.
    assert page.get_by_text("channel Organic social").count() == 2
    assert page.get_by_label("Period").count() == 0
    assert_no_admin_page(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "share-viewer-board-1440.png", full_page=True)
    # An address the link does not pin shows no page of it either.
    page.goto(f"{server.url}/upload?share={server.token}")
    settled(page)
    assert_no_admin_page(page)
    page.close()


def test_an_invalid_link_shows_the_refusal_and_nothing_else(browser, server):
    tampered = server.token[:-4] + ("AAAA" if not server.token.endswith("AAAA") else "BBBB")
    page = open_page(browser, f"{server.url}/upload?share={tampered}")
    heading = page.locator("h1")
    assert heading.inner_text() == "This link is not valid (expired / revoked)"
    assert page.locator("[data-testid='stMain'] [data-testid='stMarkdownContainer']").all_inner_texts() == [
        "This link is not valid (expired / revoked)",
        "Ask the person who sent it to you for a new link.",
    ]
    assert page.locator("[data-testid='stSidebar']").count() == 0
    assert page.get_by_text("Page not found").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "share-refused-1440.png", full_page=True)
    page.close()


def test_admin_creates_a_link_the_viewer_sees_only_it_then_revocation_refuses_it(browser, server):
    admin = open_page(browser, f"{server.url}/share", height=1800)
    admin.get_by_label("Label", exact=True).fill("Q3 board pack")
    admin.get_by_label("Label", exact=True).press("Enter")
    settled(admin)
    admin.get_by_role("combobox", name="Pages").click()
    admin.get_by_role("option", name="Advocacy").click()
    admin.keyboard.press("Escape")
    settled(admin)
    admin.get_by_role("button", name="Create link").click()
    admin.get_by_text("Link created: it opens until").wait_for()
    settled(admin)
    url = admin.locator("[data-testid='stCode'] code").first.inner_text().strip()
    assert re.fullmatch(r"http://localhost:8501/\?share=[\w-]+\.[\w-]+", url), url
    ARTIFACTS.mkdir(exist_ok=True)
    admin.screenshot(path=ARTIFACTS / "share-page-1440.png", full_page=True)

    # The board member: a fresh browser context, no cookies or session of the admin's.
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    viewer = context.new_page()
    viewer_url = f"{server.url}/?share={url.split('?share=')[1]}"
    viewer.goto(viewer_url)
    viewer.get_by_text("Shared view · expires on").wait_for(timeout=60_000)
    viewer.locator("[data-testid='stMetric']").first.wait_for()
    settled(viewer)
    assert nav_links(viewer) == ["Board", "Advocacy"]
    assert viewer.get_by_label("Period").count() == 0
    assert_no_admin_page(viewer)
    viewer.get_by_role("link", name="Advocacy").click()
    viewer.get_by_role("heading", name="Advocacy").wait_for()
    settled(viewer)
    assert viewer.get_by_text("Shared view · expires on").count() == 1

    admin.get_by_role("combobox", name="Copy or revoke a link").click()
    admin.get_by_role("option", name=re.compile(r"^Q3 board pack · ")).click()
    settled(admin)
    admin.get_by_role("button", name="Revoke this link").click()
    admin.get_by_text("Revoked “Q3 board pack”: it no longer opens.").wait_for()
    admin.close()

    viewer.goto(viewer_url)
    viewer.locator("h1").wait_for()
    settled(viewer)
    assert viewer.locator("h1").inner_text() == "This link is not valid (expired / revoked)"
    assert viewer.locator("[data-testid='stMetric']").count() == 0
    context.close()
    assert "Refused a shared link: revoked" in Path(server.log.name).read_text()
