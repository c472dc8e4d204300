"""One KPI, one verdict on every surface: the card's colour, its sentence, "What changed", the board pack's
change column, the facts table on screen and in its CSV and XLSX files.

Each surface is read back in its own terms (a colour, English words, a list) and mapped to a verdict here, not
through narrative.verdict, so a surface that decides for itself is caught."""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import date
from typing import Any

import openpyxl
import pytest

from legame import board, boardpack, export
from legame.fmt import NumberFormat
from legame.kpis import Kpi, Period
from legame.kpis.facts import facts, shown_facts
from legame.ui import cards

NONE, FLAT, NOISE, BETTER, WORSE = "none", "flat", "noise", "better", "worse"
Q3_2026 = Period(date(2026, 7, 1), date(2026, 9, 30))
WORDS = {"about the same": FLAT, "within normal variation": NOISE, "better": BETTER, "worse": WORSE, "n/a": NONE}


class _Streamlit:
    """What kpi_card asks of Streamlit, recorded."""

    def __init__(self) -> None:
        self.metric_kwargs: dict[str, Any] = {}

    def metric(self, *args: Any, **kwargs: Any) -> None:
        self.metric_kwargs = kwargs

    def markdown(self, body: str, *args: Any, **kwargs: Any) -> None:
        self.markdown_body = body


def card_verdict(kpi: Kpi, monkeypatch: pytest.MonkeyPatch) -> str:
    fake = _Streamlit()
    monkeypatch.setattr(cards, "st", fake)
    cards.kpi_card(kpi)
    colour = fake.metric_kwargs["delta_color"]
    if kpi.delta is None:
        return NONE
    if colour == "off":
        # Grey, with the badge when the change is within normal variation, without it when it is too small.
        return NOISE if "Within normal variation" in fake.markdown_body else FLAT
    return BETTER if (kpi.delta > 0) == (colour == "normal") else WORSE


def sentence_verdict(kpi: Kpi) -> str:
    text = kpi.sentence
    if "about the same as" in text:
        return FLAT
    if "within normal variation of" in text:
        return NOISE
    if "up from" in text or "down from" in text:
        return BETTER if ("up from" in text) == (kpi.direction == "higher") else WORSE
    return NONE


def pack_verdict(kpi: Kpi) -> str:
    if kpi.delta is None:
        return NONE
    _arrow, words, colour = boardpack._change_words(kpi)
    expected = {BETTER: boardpack.GOOD, WORSE: boardpack.BAD}.get(WORDS[words], boardpack.MUTED)
    assert colour == expected, (kpi.id, words, colour)
    return WORDS[words]


def surfaces(b: board.Board, kpis: list[Kpi], monkeypatch: pytest.MonkeyPatch) -> dict[str, dict[str, str]]:
    """For every KPI, the verdict each surface shows."""
    moved = {k.id for k in b.what_changed(n=len(kpis))}
    table = {row["KPI"]: WORDS[row["Change"]] for row in facts(kpis, "EUR")}
    screen = {row["KPI"]: WORDS[row["Variation"]] for row in shown_facts(kpis, NumberFormat("en_GB"))}
    rows = csv.DictReader(io.StringIO(export.facts_csv(kpis, "EUR").decode("utf-8-sig")))
    in_csv = {row["KPI id"]: WORDS[row["Change"]] for row in rows}
    book = openpyxl.load_workbook(io.BytesIO(export.facts_xlsx(kpis, "EUR", {})))["KPIs"]
    header, *lines = list(book.values)
    in_xlsx = {line[header.index("KPI id")]: WORDS[line[header.index("Change")]] for line in lines}
    found = {}
    for k in kpis:
        seen = {
            "card": card_verdict(k, monkeypatch),
            "sentence": sentence_verdict(k),
            "board pack": pack_verdict(k),
            "facts table": table[k.plain_label],
            "facts on screen": screen[k.plain_label],
            "CSV": in_csv[k.id],
            "XLSX": in_xlsx[k.id],
            "kpis --json": k.as_dict()["verdict"],
        }
        if k.signal is not None:  # "What changed" ranks the movements it can measure: it lists every real one
            seen["what changed"] = "real" if k.id in moved else "not real"
        found[k.id] = seen
    return found


def agree(seen: dict[str, str]) -> bool:
    words = {v for s, v in seen.items() if s != "what changed"}
    if len(words) != 1:
        return False
    (one,) = words
    return seen.get("what changed", "real" if one in (BETTER, WORSE) else "not real") == (
        "real" if one in (BETTER, WORSE) else "not real"
    )


@pytest.mark.parametrize("comparison", ["previous", "year"])
def test_every_surface_shows_the_same_verdict_on_the_demo(demo, config, monkeypatch, comparison):
    b = board.build(demo, config, Q3_2026, comparison)
    found = surfaces(b, b.kpis, monkeypatch)
    assert {k: v for k, v in found.items() if not agree(v)} == {}
    # The demo's Q3 holds every kind of verdict, so each is checked: clv_cac, 2.91x against 2.93x, is flat.
    kinds = {sentence_verdict(k) for k in b.kpis}
    assert {FLAT, NOISE, BETTER, WORSE} <= kinds if comparison == "previous" else {FLAT, NOISE, BETTER} <= kinds
    if comparison == "previous":
        assert found["clv_cac"]["board pack"] == FLAT and found["clv_cac"]["facts table"] == FLAT


def test_a_flat_change_that_is_statistically_real_is_still_about_the_same(demo, config, monkeypatch):
    # known_share moves by under half a percent on thousands of people: said "about the same" in its sentence, it
    # must not be listed in "What changed" nor coloured anywhere, however large its signal.
    b = board.build(demo, config, Q3_2026, "previous")
    flat = next(k for k in b.kpis if k.id == "known_share")
    assert flat.is_flat
    real = dataclasses.replace(flat, noise=None, signal=50.0)
    b = dataclasses.replace(b, kpis=[real])
    seen = surfaces(b, [real], monkeypatch)["known_share"]
    assert agree(seen) and seen["board pack"] == FLAT, seen
