"""Two readers, two languages, one server: each session reads its own language at the same time.

A real `streamlit run` on a demo warehouse and headless Chromium. An Italian and an English reader
open the board in two browser contexts (two sessions) and reload in turn: every reload reads in its
own language, so neither the language nor the cached words (KPI sentences, the board) leak from
one session to the other. The sidebar switch changes the language and the choice holds on the next
page. In Italian, the same number reads the same on a card and on its chart.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

from tests.browser import Server, settled

pytestmark = pytest.mark.e2e

VIEWPORT = {"width": 1440, "height": 1800}
# What each language's board reads, written by hand (the demo's periods are quarters).
BOARD = {
    "it": {
        "title": "Cruscotto",
        "subtitle": re.compile(r"^T[1-4] \d{4} e T[1-4] \d{4} a confronto$"),
        "first_card": re.compile(r"^Valore della community\n[\d.]+\xa0€\n.+\nvs T[1-4] \d{4}$"),
        "section": "Cosa è cambiato",
        "months": {"gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic"},
        "money_tick": re.compile(r"^\d{1,3}(\.\d{3})* €$"),
    },
    "en": {
        "title": "Board",
        "subtitle": re.compile(r"^Q[1-4] \d{4} compared with Q[1-4] \d{4}$"),
        "first_card": re.compile(r"^Value of the community\n€[\d,]+\n.+\nvs Q[1-4] \d{4}$"),
        "section": "What changed",
        "months": {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct", "Nov", "Dec"},
        "money_tick": re.compile(r"^€\d{1,3}(,\d{3})*$"),
    },
}


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("i18n"))
    yield srv
    srv.stop()


def _cards_shown(page: Page) -> None:
    settled(page)
    page.locator("[data-testid='stMetric']").first.wait_for(timeout=60_000)
    page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
    settled(page)


def _first_card(page: Page) -> str:
    text = page.locator("[data-testid='stMetric']").first.inner_text()
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _board_reads(page: Page, lang: str) -> None:
    want = BOARD[lang]
    assert page.locator("h1").first.inner_text() == want["title"]
    subtitles = page.locator("h3").all_inner_texts()
    assert want["subtitle"].match(subtitles[0]), subtitles
    assert want["section"] in subtitles
    card = _first_card(page)
    assert want["first_card"].match(card), card
    # The revenue chart: months named in the reader's language, amounts with the currency where it goes.
    chart = page.locator(".js-plotly-plot").first
    months = {re.sub(r"\d", "", t) for t in chart.locator(".xtick text").all_text_contents()}
    assert months and months <= want["months"], months
    ticks = [t for t in chart.locator(".ytick text").all_text_contents() if t.strip()]
    assert ticks and all(want["money_tick"].match(t) for t in ticks), ticks


def test_two_sessions_read_two_languages_at_once(browser, server):
    contexts = {lang: browser.new_context(viewport=VIEWPORT) for lang in ("it", "en")}
    pages = {lang: context.new_page() for lang, context in contexts.items()}
    try:
        for lang, page in pages.items():
            page.goto(f"{server.url}/?lang={lang}")
        for lang, page in pages.items():
            _cards_shown(page)
            _board_reads(page, lang)
        # Interleaved: both reloads are under way before either is read (the server runs both scripts at once).
        for _round in range(3):
            for page in pages.values():
                page.reload(wait_until="commit")
            for lang, page in pages.items():
                page.wait_for_selector("h1", timeout=60_000)
                _cards_shown(page)
                _board_reads(page, lang)
        # Each session goes on to another page in its own language, the other one still open.
        pages["it"].get_by_role("link", name="Valore dei clienti").click()
        pages["en"].get_by_role("link", name="Customer value").click()
        for lang, title in (("it", "Valore dei clienti"), ("en", "Customer value")):
            pages[lang].get_by_role("heading", name=title, level=1).wait_for(timeout=60_000)
            settled(pages[lang], timeout=120_000)
        assert "Membri della community e altri clienti" in pages["it"].locator("h3").all_inner_texts()
        assert "Community members and other customers" in pages["en"].locator("h3").all_inner_texts()
    finally:
        for context in contexts.values():
            context.close()


def test_the_sidebar_switch_changes_the_language_for_the_session(browser, server):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        page.goto(server.url)  # the server's tests speak English (LEGAME_LANG=en)
        _cards_shown(page)
        _board_reads(page, "en")
        page.locator("[data-testid='stSidebar']").get_by_role("radio", name="Italiano").click()
        page.get_by_role("heading", name="Cruscotto", level=1).wait_for(timeout=60_000)
        _cards_shown(page)
        _board_reads(page, "it")
        assert "lang=it" in page.url
        # The choice holds on the next page, reached through the (Italian) navigation.
        page.get_by_role("link", name="Carica dati").click()
        page.get_by_role("heading", name="Carica dati", level=1).wait_for(timeout=60_000)
        settled(page)
        assert page.get_by_text("Caricamenti finora").count() == 1
        # And back to English the same way.
        page.locator("[data-testid='stSidebar']").get_by_role("radio", name="English").click()
        page.get_by_role("heading", name="Upload data", level=1).wait_for(timeout=60_000)
        settled(page)
        assert page.get_by_text("Loads so far").count() == 1
    finally:
        context.close()


def test_in_italian_a_number_reads_the_same_on_a_card_and_its_chart(browser, server):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        # Conversion & ROI: the first card (conversion rate, target 1.5 in config.yaml) and its trend chart.
        page.goto(f"{server.url}/conversion?lang=it")
        page.get_by_role("heading", name="Conversione e ROI", level=1).wait_for(timeout=60_000)
        _cards_shown(page)
        card = page.locator("[data-testid='stMetric']").first.locator(
            "xpath=ancestor::*[@data-testid='stVerticalBlock'][1]"
        )
        target = re.search(r"obiettivo \d+(,\d+)?%", card.inner_text())
        assert target and target.group(0) == "obiettivo 1,5%", card.inner_text()
        annotations = page.locator(".js-plotly-plot .annotation-text").all_text_contents()
        assert target.group(0) in annotations, annotations
        # Ticks as the cards write numbers: decimal comma, the % sign after, never "1.5" nor "10k".
        ticks = [t for t in page.locator(".js-plotly-plot .ytick text").all_text_contents() if re.search(r"\d", t)]
        assert any("," in t for t in ticks) and not any("." in t or "k" in t for t in ticks if "%" in t), ticks
        # The board's value of the community and the Customer value page's are the same string.
        page.goto(f"{server.url}/?lang=it")
        _cards_shown(page)
        board_value = _first_card(page).split("\n")[1]  # the label, then the value
        page.get_by_role("link", name="Valore dei clienti").click()
        page.get_by_role("heading", name="Valore dei clienti", level=1).wait_for(timeout=60_000)
        settled(page, timeout=120_000)
        headline = page.locator("[data-testid='stMetric']").first
        headline.wait_for(timeout=120_000)
        assert headline.locator("[data-testid='stMetricValue']").inner_text().strip() == board_value
    finally:
        context.close()
