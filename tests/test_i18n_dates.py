"""Dates in sentences and period labels as a reader expects them, in English and Italian.

Italian articles and prepositions agree with the day after them ("dall'8", "all'11", "l'8"; the first of a month is
"1°": "dal 1° ago"), wherever a date fills a placeholder (legame.i18n); one day reads as one day; a calendar month,
quarter or year is compared with the whole same unit a year earlier (legame.kpis.period)."""

from __future__ import annotations

from datetime import date

import pytest

from legame import i18n
from legame.fmt import NumberFormat
from legame.i18n import _, ngettext, pgettext
from legame.ingest import reasons
from legame.kpis import Period

AFTER = "a date after {latest}, the latest plausible date (config.yaml plausibility.latest_days_ahead)"


@pytest.mark.parametrize(
    ("start", "end", "english", "italian"),
    [
        (date(2026, 8, 1), date(2026, 8, 11), "From 1 Aug 2026 to 11 Aug 2026", "Dal 1° ago 2026 all'11 ago 2026"),
        (date(2026, 8, 8), date(2026, 9, 1), "From 8 Aug 2026 to 1 Sept 2026", "Dall'8 ago 2026 al 1° set 2026"),
        (date(2026, 8, 11), date(2026, 9, 8), "From 11 Aug 2026 to 8 Sept 2026", "Dall'11 ago 2026 all'8 set 2026"),
        (date(2026, 8, 2), date(2026, 9, 21), "From 2 Aug 2026 to 21 Sept 2026", "Dal 2 ago 2026 al 21 set 2026"),
    ],
)
def test_a_range_opening_a_sentence(start, end, english, italian):
    with i18n.language("en"):
        assert Period.custom(start, end).during == english
    with i18n.language("it"):
        assert Period.custom(start, end).during == italian


def test_a_reject_reason_before_or_after_a_date_agrees_with_its_day():
    for day, italian in ((8, "successiva all'8 dic 2026"), (1, "successiva al 1° dic 2026"), (9, "successiva al 9")):
        args = {"latest": f"2026-12-{day:02d}"}
        with i18n.language("it"):
            assert italian in reasons.text(AFTER, args, NumberFormat("it_IT"))
        with i18n.language("en"):
            assert reasons.text(AFTER, args, NumberFormat("en_GB")).startswith(f"a date after {day} Dec 2026, ")


def test_every_way_a_message_is_filled_agrees_and_other_values_are_left_alone():
    with i18n.language("it"):
        assert _("Link created: it opens until {expires}. Copy it and send it.", expires="11 dic 2026, 12:14 CET") == (
            "Link creato, valido fino all'11 dic 2026, 12:14 CET: copialo e invialo."
        )
        assert pgettext("day", "On {day}", day="8 ago 2026") == "L'8 ago 2026"
        assert pgettext("day", "On {day}", day="1 ago 2026") == "Il 1° ago 2026"
        assert ngettext("{value} month", "{value} months", 2, value="8") == "8 mesi"
        # Not a date (no month after the day): as written.
        assert _("channel {name}", name="8 canali") == "canale 8 canali"
        assert _("{method}. {level} interval {low} to {high}.", method="M", level="90%", low="1", high="8") == (
            "M. Intervallo al 90%: da 1 a 8."
        )


def test_one_day_reads_as_one_day():
    day = Period.custom(date(2024, 2, 29), date(2024, 2, 29))
    with i18n.language("en"):
        assert (day.label, day.during) == ("29 Feb 2024", "On 29 Feb 2024")
    with i18n.language("it"):
        assert (day.label, day.during) == ("29 feb 2024", "Il 29 feb 2024")
        assert Period(date(2026, 8, 8), date(2026, 8, 8)).during == "L'8 ago 2026"
    assert NumberFormat("en_GB").span(date(2024, 2, 29), date(2024, 2, 29)) == "29 Feb 2024"
    assert NumberFormat("it_IT").span(date(2026, 8, 8), date(2026, 9, 1)) == "8 ago – 1 set 2026"


@pytest.mark.parametrize(
    ("period", "year_before"),
    [
        ((date(2025, 2, 1), date(2025, 2, 28)), (date(2024, 2, 1), date(2024, 2, 29))),  # the whole February
        ((date(2024, 2, 1), date(2024, 2, 29)), (date(2023, 2, 1), date(2023, 2, 28))),
        ((date(2025, 1, 1), date(2025, 3, 31)), (date(2024, 1, 1), date(2024, 3, 31))),
        ((date(2025, 1, 1), date(2025, 12, 31)), (date(2024, 1, 1), date(2024, 12, 31))),
        # Other periods keep the same days a year earlier.
        ((date(2025, 2, 10), date(2025, 2, 28)), (date(2024, 2, 10), date(2024, 2, 28))),
        ((date(2025, 1, 1), date(2025, 2, 28)), (date(2024, 1, 1), date(2024, 2, 28))),
        ((date(2024, 2, 29), date(2024, 2, 29)), (date(2023, 2, 28), date(2023, 2, 28))),
    ],
)
def test_a_calendar_unit_is_compared_with_the_whole_same_unit_a_year_earlier(period, year_before):
    assert Period(*period).comparison("year") == Period(*year_before)
    with i18n.language("en"):
        if Period(*period).kind == "month":
            assert Period(*period).comparison("year").label == "February " + str(year_before[0].year)
