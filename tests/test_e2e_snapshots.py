"""A frozen link in a real browser: made before a new load, it still shows the old numbers under its
"Numbers as of" banner, and its board pack (made when the button is pressed, after the run) holds them too."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from legame import share, warehouse
from legame.config import load_config
from legame.ingest import load_demo_if_empty
from legame.ingest.pipeline import load_file
from tests.browser import ARTIFACTS, Server, open_page, settled
from tests.conftest import write

pytestmark = pytest.mark.e2e
LINK_SECRET = "e2e frozen"
Q3 = (date(2026, 7, 1), date(2026, 9, 30))
BIG_ORDERS = "order_id,email,ordered_at,revenue\n" + "".join(
    f"BIG-{i},big{i}@example.com,2026-08-{i + 1:02d},25000\n" for i in range(20)
)


class FrozenServer(Server):
    """A demo database with a frozen link and a live one made before a large load that changes Q3's numbers."""

    def __init__(self, folder: Path) -> None:
        with pytest.MonkeyPatch.context() as env:
            env.setenv("LEGAME_DB", str(folder / "e2e.duckdb"))
            env.setenv("LEGAME_SECRET", "e2e")
            env.setenv("LEGAME_LINK_SECRET", LINK_SECRET)
            env.setenv("LEGAME_LANG", "en")
            config = load_config()
            con = warehouse.connect(config)
            load_demo_if_empty(con, config)
            frozen = share.View(("board",), *Q3, snapshot=True, lang="en")
            live = share.View(("board",), *Q3, lang="en")
            _, frozen_url = share.create_link(con, config, label="Frozen", view=frozen, days=30)
            _, live_url = share.create_link(con, config, label="Live", view=live, days=30)
            load_file(con, config, write(folder, "orders.csv", BIG_ORDERS), "orders.csv")
            con.close()
        self.frozen, self.live = (url.split("?share=")[1] for url in (frozen_url, live_url))
        super().__init__(folder, LEGAME_LINK_SECRET=LINK_SECRET, LEGAME_LANG="en")


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[FrozenServer]:
    srv = FrozenServer(tmp_path_factory.mktemp("e2e-frozen"))
    yield srv
    srv.stop()


def metric_values(page, expected: int | None = None) -> list[str]:
    """The board's card values once all are shown: `expected` of them, or as many as stay shown for a second
    (the cards arrive one message at a time; a count read mid-run missed the last ones once)."""
    values = page.locator("[data-testid='stMetricValue']")
    values.first.wait_for()
    if expected is not None:
        page.wait_for_function(
            "n => document.querySelectorAll(\"[data-testid='stMetricValue']\").length >= n", arg=expected
        )
    else:
        counts = [-1]
        while counts[-3:] != [counts[-1]] * 3:
            page.wait_for_timeout(500)
            counts.append(values.count())
    return [v.inner_text() for v in values.all()]


def test_a_frozen_link_keeps_its_numbers_and_its_board_pack(browser, server, tmp_path):
    live = open_page(browser, f"{server.url}/?share={server.live}", height=2400)
    live_values = metric_values(live)
    assert live.get_by_text("Numbers as of").count() == 0
    live.close()

    page = browser.new_page(viewport={"width": 1440, "height": 2400}, color_scheme="dark")
    page.goto(f"{server.url}/?share={server.frozen}")
    page.wait_for_selector("h1", timeout=60_000)
    settled(page)
    frozen_values = metric_values(page, expected=len(live_values))
    assert page.get_by_text("Numbers as of").count() == 1
    assert frozen_values != live_values, "the load after the link changed the live numbers"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "frozen-link-dark.png", full_page=True)
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name="Board pack (PDF)").click()
    pdf = tmp_path / "frozen.pdf"
    download.value.save_as(pdf)
    page.close()
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
        changed = [i for i, (old, new) in enumerate(zip(frozen_values, live_values, strict=True)) if old != new]
        for i in changed:
            assert frozen_values[i].replace("−", "-") in text.replace("−", "-"), frozen_values[i]
