"""One day is one day in the board pack's subtitle and the exports' period, in English and Italian, never a range
from the day to itself ("29 Feb 2024 – 29 Feb 2024")."""

from __future__ import annotations

from datetime import date

import pytest

from legame import boardpack, export, i18n
from legame.fmt import NumberFormat
from legame.kpis import Period, compute


@pytest.mark.parametrize(
    ("lang", "locale", "subtitle", "day", "day_before"),
    [
        (
            "en",
            "en_GB",
            "15 September 2026, compared with 14 Sept 2026, the day before",
            "15 Sept 2026",
            "14 Sept 2026",
        ),
        (
            "it",
            "it_IT",
            "15 settembre 2026, a confronto con il giorno precedente (14 set 2026)",
            "15 set 2026",
            "14 set 2026",
        ),
    ],
)
def test_a_single_day_reads_as_one_day(demo, config, lang, locale, subtitle, day, day_before):
    with i18n.language(lang):
        kpis = compute(demo, config, Period(date(2026, 9, 15), date(2026, 9, 15)))
        fmt = NumberFormat(locale)
        shown = boardpack._subtitle(kpis, fmt)
        about = export.about(kpis, {}, {}, "none", fmt)
    assert shown == subtitle
    assert about["Period"] == day
    assert about["Compared with"].startswith(day_before + ", ")
