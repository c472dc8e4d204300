"""Every page reads wholly in Italian with ?lang=it, and wholly in English with ?lang=en.

Each page is rendered with AppTest on the demo data as an admin; every string the page sends to
the browser (titles, text, labels, help, options, chart specs) is collected. A string the code
asked the catalogue for in Italian and did not find fails the test (i18n.misses), and so does an
English word left in the Italian page that is not part of the loaded data (names of campaigns,
segments and people's text are the user's own words, shown as they are).
"""

from __future__ import annotations

import re

import duckdb
import pytest
from google.protobuf.json_format import MessageToDict

from legame import i18n
from tests import test_share

app, demo_database, local_server = test_share.app, test_share.demo_database, test_share.local_server

PAGES = ["board", "value", "community", "advocacy", "conversion", "upload", "share"]
# Words that are English and never Italian; none may be left in an Italian page. ("link" is not one:
# Italian keeps it, as the glossary in legame/locale/README.md says; its English plural is.)
ENGLISH = re.compile(
    r"\b(the|and|with|from|this|that|these|were|was|has|have|are|is|of|for|your|you|not|by|each|"
    r"which|when|than|customers?|members?|period|previous|target|revenue|spend|people|shows?|"
    r"loaded|rows?|upload|choose|share|shared|links|revoked|expires?)\b",
    re.IGNORECASE,
)


def _strings(node: object) -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        for value in node.values():
            found += _strings(value)
    elif isinstance(node, list):
        for value in node:
            found += _strings(value)
    elif isinstance(node, str):
        found.append(node)
    return found


def _shown(at) -> list[str]:
    """Every string of every element on the page (main area and sidebar)."""
    texts: list[str] = []

    def walk(node: object) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "DESCRIPTOR"):
            texts.extend(_strings(MessageToDict(proto)))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return texts


def _data_words(db) -> set[str]:
    """Every word in the loaded data's text columns: the user's own words, never translated."""
    words: set[str] = set()
    with duckdb.connect(str(db), read_only=True) as con:
        columns = con.execute(
            "select table_name, column_name from duckdb_columns() where data_type = 'VARCHAR' and internal = false"
        ).fetchall()
        for table, column in columns:
            for (value,) in con.execute(f'select distinct "{column}" from "{table}" limit 5000').fetchall():
                words.update(w.lower() for w in re.findall(r"[A-Za-z]+", value or ""))
    return words


def _render(app, page: str, lang: str):
    at = app.test()
    at.query_params["lang"] = lang
    at.run()
    if page != "board":
        at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, at.exception[0].stack_trace if at.exception else None
    return at


@pytest.mark.parametrize("page", PAGES)
def test_the_page_reads_wholly_in_italian(app, demo_database, local_server, page):
    before = i18n.misses("it")
    at = _render(app, page, "it")
    missed = i18n.misses("it") - before
    assert not missed, f"{page}: shown untranslated in Italian:\n" + "\n".join(sorted(missed))
    data = _data_words(demo_database)
    leftovers = sorted(
        {
            text
            for text in _shown(at)
            if any(m.lower() not in data for m in ENGLISH.findall(re.sub(r"https?://\S+|`[^`]*`", "", text)))
        }
    )
    assert not leftovers, f"{page}: English left in the Italian page:\n" + "\n".join(leftovers[:40])


@pytest.mark.parametrize("page", ["board", "upload"])
def test_the_same_page_in_english_has_no_italian(app, local_server, page):
    at = _render(app, page, "en")
    italian = re.compile(r"\b(il|della|dei|clienti|periodo|obiettivo|rispetto|carica|condividi)\b", re.IGNORECASE)
    assert not [t for t in _shown(at) if italian.search(t)]
