"""End to end: the Customer value page on the demo data, in a real browser, on a desktop and a phone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

from tests.browser import ARTIFACTS, Server, open_page, settled

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("e2e_value"))
    yield srv
    srv.stop()


def screenshot(page: Page, name: str) -> None:
    """The whole page: Streamlit scrolls inside its main block, so grow the window to its height first."""
    page.mouse.move(0, 0)  # no hover toolbars in the picture
    # Clicking the expander scrolled the main block: measure from its top.
    page.evaluate("document.querySelector(\"[data-testid='stMain']\").scrollTo(0, 0)")
    measure = "document.querySelector(\"[data-testid='stMainBlockContainer']\").getBoundingClientRect().bottom"
    for _ in range(5):  # charts redraw to the new width and may change the height once or twice
        height = int(page.evaluate(measure)) + 80
        if height <= page.viewport_size["height"]:
            break
        page.set_viewport_size({"width": page.viewport_size["width"], "height": height})
        settled(page)
        page.wait_for_timeout(500)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / name, full_page=True)


def value_page(browser, server: Server, width: int = 1440, query: str = "") -> Page:
    page = open_page(browser, f"{server.url}/value{query}", width=width)
    # The first request to a fresh server loads the demo data and fits the models: allow for a busy machine.
    page.set_default_timeout(60_000)
    page.get_by_text("mean absolute error").wait_for()
    settled(page)
    return page


def test_value_page_shows_the_value_of_the_community(browser, server):
    page = value_page(browser, server)
    assert page.get_by_text("Demo data").count() == 1
    assert page.get_by_text("Value of the community over the next 36 months", exact=True).count() == 1
    assert page.get_by_text("community members are worth").count() == 1
    # Last quarter by default: the demo's orders run to 31 Oct 2026, so Q3 2026, valued at its end.
    assert page.get_by_text("from the orders up to 30 Sept 2026, the end of Q3 2026").count() == 1
    assert page.get_by_text("Customer value covers every channel").count() == 0
    metrics = page.locator("[data-testid='stMetricValue']")
    # The headline, then three cards for each of members (predicted, historic), promoters and advocates.
    assert metrics.count() == 13
    values = [v.inner_text() for v in metrics.all()]
    assert all("€" in v and any(ch.isdigit() for ch in v) for v in values), values
    assert page.locator("[data-testid='stPlotlyChart']").count() == 3
    page.get_by_text("How this is computed").click()
    page.get_by_text("Independence check:").wait_for()
    screenshot(page, "value-1440.png")
    page.close()

    phone = value_page(browser, server, width=390)
    screenshot(phone, "value-390.png")
    phone.close()


def test_a_new_split_date_reruns_the_holdout_check(browser, server):
    page = value_page(browser, server)
    page.get_by_role("spinbutton", name="day, Split date").click()
    page.keyboard.type("31102025")
    # The typed date is committed when the field loses focus.
    page.get_by_text("Check the model on the past").click()
    page.get_by_text("Fitted on orders up to 31 Oct 2025").wait_for()
    settled(page)
    page.close()


def test_the_page_follows_the_period_and_says_filters_do_not_split_it(browser, server):
    page = value_page(browser, server, query="?period=last_12_months&campaign=Spring+Trail+2026")
    assert page.get_by_text("Customer value covers every channel and campaign").count() == 1
    # The last twelve months end on the latest order: the page fits to that day.
    assert page.get_by_text("from the orders up to 31 Oct 2026").count() == 1
    headline = page.locator("[data-testid='stMetricValue']").first.inner_text()
    page.close()
    quarter = value_page(browser, server)
    assert quarter.locator("[data-testid='stMetricValue']").first.inner_text() != headline
    quarter.close()
