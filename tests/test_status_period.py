"""Targets, status in both directions, periods and their comparisons."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from legame.errors import ConfigError
from legame.fmt import NumberFormat, format_value
from legame.kpis.period import Period, preset
from legame.kpis.status import Target, status


@pytest.mark.parametrize(
    ("value", "expected"), [(45, "on track"), (40, "on track"), (35, "watch"), (30, "watch"), (29.9, "off track")]
)
def test_status_higher_is_better(value, expected):
    assert status(value, Target(40, 10), "higher") == expected


@pytest.mark.parametrize(("value", "expected"), [(50, "on track"), (70, "watch"), (75, "watch"), (80, "off track")])
def test_status_lower_is_better(value, expected):
    assert status(value, Target(60, 15), "lower") == expected


def test_no_status_without_value_or_target():
    assert status(None, Target(1, 1), "higher") is None
    assert status(3.0, None, "higher") is None


def test_target_config_errors_are_plain():
    with pytest.raises(ConfigError, match="target: 40"):
        Target.from_config({"goal": 3})
    assert Target.from_config(50) == Target(50.0, 5.0)


def test_previous_month_quarter_and_custom():
    march = Period(date(2025, 3, 1), date(2025, 3, 31))
    assert march.comparison() == Period(date(2025, 2, 1), date(2025, 2, 28))
    q1 = Period(date(2025, 1, 1), date(2025, 3, 31))
    assert q1.comparison() == Period(date(2024, 10, 1), date(2024, 12, 31))
    assert q1.comparison("year") == Period(date(2024, 1, 1), date(2024, 3, 31))
    custom = Period(date(2025, 3, 10), date(2025, 3, 19))
    assert custom.comparison() == Period(date(2025, 2, 28), date(2025, 3, 9))
    month_to_date = Period(date(2025, 3, 1), date(2025, 3, 15))
    assert month_to_date.comparison() == Period(date(2025, 2, 1), date(2025, 2, 15))


def test_labels():
    assert Period(date(2025, 3, 1), date(2025, 3, 31)).label == "March 2025"
    assert Period(date(2025, 4, 1), date(2025, 6, 30)).label == "Q2 2025"
    assert Period(date(2025, 1, 1), date(2025, 12, 31)).label == "2025"
    assert Period(date(2024, 12, 3), date(2025, 1, 9)).label == "3 Dec 2024 – 9 Jan 2025"


def test_presets_count_back_from_anchor():
    anchor = date(2026, 10, 31)
    assert preset("last_quarter", anchor) == Period(date(2026, 7, 1), date(2026, 9, 30))
    assert preset("this_quarter", anchor) == Period(date(2026, 10, 1), date(2026, 10, 31))
    assert preset("last_month", date(2026, 3, 15)) == Period(date(2026, 2, 1), date(2026, 2, 28))
    assert preset("year_to_date", anchor) == Period(date(2026, 1, 1), anchor)
    assert preset("last_12_months", anchor) == Period(date(2025, 11, 1), anchor)


def test_locale_formats():
    """CLDR's forms (Babel): the euro after the amount in Italian, before it in English."""
    it, us = NumberFormat.for_locale("it-IT"), NumberFormat.for_locale("en-US")
    assert format_value(1234.5, "currency", it, "EUR") == "1.234\u00a0€"
    assert format_value(52.1, "currency", it, "EUR") == "52,10\u00a0€"
    assert format_value(-52.1, "currency", it, "EUR") == "−52,10\u00a0€"
    assert format_value(1234.56, "currency", us, "USD") == "$1,235"
    assert format_value(-3.25, "%", us, "USD") == "−3.2%"
    assert format_value(0.4, "pp", it, "EUR", signed=True) == "+0,4 pp"
    assert format_value(42, "points", it, "EUR") == "+42"
    assert format_value(None, "x", it, "EUR") == "n/a"
    assert format_value(0.04, "%", it, "EUR") == "0,040%"  # two significant digits below 0.1%


def test_locales_that_hand_written_rules_got_wrong():
    """fr-FR groups with a narrow no-break space and writes '74,6 %'; de-CH groups with an apostrophe."""
    fr, ch = NumberFormat.for_locale("fr-FR"), NumberFormat.for_locale("de-CH")
    assert fr.money(1234.5, "EUR", 2) == "1\u202f234,50\u00a0€"
    assert fr.percent(74.6, 1) == "74,6\u00a0%"
    assert ch.number(1234567.25, 2) == "1’234’567.25"
    assert ch.money(1234.5, "CHF", 0) == "CHF\u00a01’234"
    assert (fr.plotly_separators, ch.plotly_separators) == (",\u202f", ".’")
    assert NumberFormat.for_locale("it-IT").currency_affixes("EUR") == ("", " €")
    assert NumberFormat.for_locale("en-GB").currency_affixes("EUR") == ("€", "")


def test_dates_months_and_times_in_the_readers_language():
    it = NumberFormat.for_locale("it-IT", "Europe/Rome")
    en = NumberFormat.for_locale("en-GB", "Europe/Rome")
    assert it.date(date(2026, 9, 30)) == "30 set 2026"
    assert en.date(date(2026, 9, 30)) == "30 Sept 2026"
    assert (it.month(date(2026, 9, 1)), en.month(date(2026, 9, 1))) == ("settembre 2026", "September 2026")
    assert it.month_name(2, short=True) == "feb"
    # 08:14 UTC is 10:14 in Rome in summer: times are shown in the configured zone, not UTC.
    assert it.datetime(datetime(2026, 9, 30, 8, 14, tzinfo=UTC)) == "30 set 2026, 10:14 CEST"
    assert en.datetime(datetime(2026, 12, 30, 8, 14, tzinfo=UTC)) == "30 Dec 2026, 09:14 CET"


def test_date_pickers_follow_the_locale():
    assert NumberFormat.for_locale("it-IT").date_input == "DD/MM/YYYY"
    assert NumberFormat.for_locale("en-US").date_input == "MM/DD/YYYY"
