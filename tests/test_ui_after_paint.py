"""The board's cards reach the screen before its chart is sent (legame/ui/after_paint.py), and the chart's
arrival moves nothing above it; what comes later, and a drill-down's chart picked again, speak the page's
language. A real `streamlit run` on the demo and headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from legame import i18n
from legame.i18n import _
from tests.browser import Server, settled

pytestmark = pytest.mark.e2e

CARD, CHART = "[data-testid='stMetric']", "[data-testid='stPlotlyChart']"
# Before the page's own scripts: when the first card and the first chart were put in the page (ms).
INSERTED = """
window.__inserted = {};
new MutationObserver(() => {
  for (const [name, selector] of [["card", "$CARD"], ["chart", "$CHART"]]) {
    if (!(name in window.__inserted) && document.querySelector(selector)) {
      window.__inserted[name] = performance.now();
    }
  }
}).observe(document, { childList: true, subtree: true });
""".replace("$CARD", CARD).replace("$CHART", CHART)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("after_paint"))
    yield srv
    srv.stop()


def italian(message: str, **values) -> str:
    with i18n.language("it"):
        return _(message, **values)


def test_the_cards_are_on_screen_before_the_chart_is_sent_and_stay_where_they_are(browser, server):
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    page.add_init_script(INSERTED)
    try:
        page.goto(f"{server.url}/?lang=it")
        card = page.locator(CARD).first
        card.wait_for(timeout=60_000)
        before = card.bounding_box()
        page.locator(f"{CHART} .js-plotly-plot").first.wait_for(timeout=60_000)
        inserted = page.evaluate("window.__inserted")
        # Sent in one run, the chart and the cards were put in the page together.
        assert inserted["card"] < inserted["chart"]
        assert card.bounding_box() == before
        # The part sent later (a rerun of its fragment alone) is in the page's language too.
        page.get_by_role("heading", name=italian("Take it to the board")).wait_for(timeout=30_000)
    finally:
        page.close()


def test_a_drill_downs_chart_picked_again_speaks_the_pages_language(browser, server):
    page = browser.new_page(viewport={"width": 1440, "height": 1400})
    try:
        page.goto(f"{server.url}/community?lang=it")
        page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
        settled(page)
        picker = page.get_by_label(italian("Show over time and by channel"))
        picker.click()
        option = page.get_by_role("option").nth(1)
        kpi = option.inner_text().strip()
        option.click()
        # Only the fragment reruns: its headings and picker must not fall back to the source language.
        page.get_by_text(italian("**{kpi}, month by month**", kpi=kpi).replace("**", "")).first.wait_for(timeout=30_000)
        page.get_by_label(italian("Show over time and by channel")).wait_for(timeout=30_000)
    finally:
        page.close()
