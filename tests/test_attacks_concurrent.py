"""20 viewers of a shared link and one admin upload at once, on a real server: no errors, old or new numbers.

The viewers open the link together; while their pages run, the admin loads an orders export for
the linked quarter through the Upload page. Every viewer must finish without an exception or an
error alert and show the board's eight cards exactly as before the upload or exactly as after.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from legame import share, warehouse
from legame.config import load_config
from legame.ingest import load_demo_if_empty
from tests.browser import Server, settled

pytestmark = pytest.mark.e2e
VIEWERS = 20
VIEW = share.View(("board",), date(2025, 7, 1), date(2025, 9, 30), "previous")
UPLOAD = "order_id,email,ordered_at,revenue\n" + "".join(
    f"C-{i},concurrent{i}@example.com,2025-08-{i % 28 + 1:02d},{100 + i}\n" for i in range(200)
)


def cards(page) -> list[tuple[str, str]]:
    """The board's cards as the page shows them: (label, value)."""
    page.wait_for_selector("h1", timeout=120_000)
    settled(page, timeout=120_000)
    page.locator("[data-testid='stMetric']").nth(7).wait_for(timeout=60_000)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("[data-testid='stAlertContentError']").count() == 0
    labels = page.locator("[data-testid='stMetricLabel']").all_inner_texts()
    values = page.locator("[data-testid='stMetricValue']").all_inner_texts()
    page.context.close()
    return list(zip(labels, values, strict=True))


def viewer(browser, server, wait: str = "load"):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{server.url}/?share={server.token}", wait_until=wait, timeout=120_000)
    return page


class LinkServer(Server):
    def __init__(self, folder: Path) -> None:
        with pytest.MonkeyPatch.context() as env:
            env.setenv("LEGAME_DB", str(folder / "e2e.duckdb"))
            env.setenv("LEGAME_SECRET", "e2e")
            env.setenv("LEGAME_LINK_SECRET", "e2e links")
            config = load_config()
            con = warehouse.connect(config)
            load_demo_if_empty(con, config)
            _, url = share.create_link(con, config, label="board", view=VIEW, days=30)
            con.close()
        self.token = url.split("?share=")[1]
        super().__init__(folder, LEGAME_LINK_SECRET="e2e links")


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[LinkServer]:
    srv = LinkServer(tmp_path_factory.mktemp("e2e-concurrent"))
    yield srv
    srv.stop()


def test_twenty_viewers_and_one_upload_at_once(browser, server, tmp_path):
    before = cards(viewer(browser, server))
    viewers = [viewer(browser, server, wait="commit") for _ in range(VIEWERS)]
    export = tmp_path / "concurrent_orders.csv"
    export.write_text(UPLOAD)
    admin = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    admin.goto(f"{server.url}/upload", timeout=120_000)
    admin.wait_for_selector("h1", timeout=120_000)
    settled(admin, timeout=120_000)
    admin.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(export))
    admin.get_by_text("Rows read").wait_for(timeout=120_000)
    settled(admin)
    admin.get_by_text("Keep it, mixed with my data").click()
    settled(admin)
    admin.get_by_role("button", name="Load 1 file").click()
    admin.get_by_text("Loaded as load #").wait_for(timeout=120_000)
    admin.context.close()
    seen = [cards(page) for page in viewers]
    after = cards(viewer(browser, server))
    assert after != before  # the upload changed the numbers
    assert [s for s in seen if s not in (before, after)] == []
    log = Path(server.log.name).read_text()
    assert "Traceback" not in log and "failed" not in log
    print(
        f"\n{VIEWERS} viewers and one upload, 0 errors: {seen.count(before)} saw the numbers before it, "
        f"{seen.count(after)} after"
    )
