"""The board's pickers in Chromium: no select box before the cards, each choice a click (or a key) away and in the
URL, the channel and campaign pickers on asking (#15: a select box's script delayed the first card)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.browser import Server, open_page, settled

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("e2e-controls"))
    yield srv
    srv.stop()


def test_the_pickers_are_buttons_and_the_filters_come_on_asking(browser, server):
    page = open_page(browser, f"{server.url}/?lang=en", width=1280)
    page.locator("[data-testid='stMetric']").first.wait_for()
    assert page.get_by_role("combobox").count() == 0
    period = page.get_by_role("radiogroup", name="Period")
    assert period.get_by_role("radio", name="Last quarter").get_attribute("aria-checked") == "true"

    period.get_by_role("radio", name="Last month").click()
    page.wait_for_url(re.compile(r"period=last_month"))
    settled(page)
    assert period.get_by_role("radio", name="Last month").get_attribute("aria-checked") == "true"

    assert page.get_by_role("radiogroup", name="Channel").count() == 0
    # From the keyboard: the button takes the focus and Enter opens the channel's and the campaign's pickers.
    page.get_by_role("button", name="Filter by channel or campaign").focus()
    page.keyboard.press("Enter")
    page.get_by_role("combobox", name="Campaign").wait_for()
    settled(page)
    assert page.get_by_role("button", name="Filter by channel or campaign").count() == 0
    assert re.search(r"period=last_month", page.url) and "campaign=" not in page.url

    page.get_by_role("radiogroup", name="Channel").get_by_role("radio", name="Organic social").click()
    page.wait_for_url(re.compile(r"channel=organic_social"))
    settled(page)
    assert page.get_by_text(re.compile(r"· channel Organic social$")).count() == 1
    page.close()
