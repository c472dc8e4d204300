"""A value, its comparison and their change as shown (legame.fmt.format_change): one precision for the three, and
the change shown is always the difference of the values shown, on a grid of values, in English and Italian."""

from __future__ import annotations

import re
from decimal import Decimal
from itertools import product

import pytest

from legame import i18n
from legame.fmt import NumberFormat, format_change, format_value, shown

GRID = {
    "%": [0.0, 0.0008, 0.0082, 0.0098, 0.01, 0.01089, 0.0149, 0.05, 0.0951, 0.0999, 0.1, 0.15, 1.05, 4.25, 73.05],
    "points": [-12.5, -0.5, 0.0, 0.5, 1.5, 33.6, 34.4, 39.6, 40.5],
    "x": [0.0, 0.005, 1.115, 2.665, 2.675, 3.2],
    "count": [0, 1, 2.5, 999.5, 12345],
    "months": [0.45, 1.0, 1.05, 11.95],
    "currency": [0.0, 0.125, 2.675, 52.1, 999.99, 999.995, 1234.5, 1234.56, 20500.5],
}
FORMATS = {"en": NumberFormat("en_GB"), "it": NumberFormat("it_IT")}


def number(text: str, fmt: NumberFormat) -> Decimal:
    """The number a reader reads in `text`, and so its decimals: '−0,0027 pp' -> Decimal('-0.0027')."""
    digits = re.sub(f"[^0-9{re.escape(fmt.decimal)}+\u2212-]", "", text).replace("\u2212", "-")
    return Decimal(digits.replace(fmt.decimal, "."))


def places(value: Decimal) -> int:
    return max(0, -value.as_tuple().exponent)  # type: ignore[operator]


@pytest.mark.parametrize(("lang", "unit"), list(product(FORMATS, GRID)))
def test_the_change_shown_is_the_difference_of_the_values_shown(lang, unit):
    fmt = FORMATS[lang]
    with i18n.language(lang):
        for value, comparison in product(GRID[unit], repeat=2):
            shown = format_change(value, comparison, unit, fmt, "EUR")
            now, before, change = (number(shown[k], fmt) for k in ("value", "comparison_value", "delta"))
            assert change == now - before, (value, comparison, shown)
            if unit != "currency":  # money keeps each amount's own decimals: none from 1,000 up
                assert places(now) == places(before) == places(change), (value, comparison, shown)


@pytest.mark.parametrize("lang", list(FORMATS))
def test_a_small_share_and_its_comparison_keep_two_significant_digits(lang):
    unit = "%"
    fmt = FORMATS[lang]
    with i18n.language(lang):
        for value, comparison in product([v for v in GRID[unit] if 0 < v < 0.1], repeat=2):
            shown = format_change(value, comparison, unit, fmt, "EUR")
            for key, raw in (("value", value), ("comparison_value", comparison)):
                digits = number(shown[key], fmt).as_tuple().digits  # significant: 0.010 has two
                assert len(digits) >= 2 or Decimal(repr(raw)).normalize().as_tuple().digits == digits, shown


def test_the_reviewers_cases():
    fmt = FORMATS["en"]
    assert format_change(0.0082, 0.01089, "%", fmt, "EUR") == {
        "value": "0.0082%",
        "comparison_value": "0.0109%",
        "delta": "\u22120.0027 pp",
    }
    assert format_change(39.6, 34.4, "points", fmt, "EUR") == {"value": "+40", "comparison_value": "+34", "delta": "+6"}
    assert [format_value(v, "%", fmt, "EUR") for v in (0.0098, 0.01089, 0.0149, 0.0951, 0.1)] == [
        "0.0098%",
        "0.011%",
        "0.015%",
        "0.095%",
        "0.1%",
    ]


def test_a_value_is_judged_as_shown_beside_its_comparison():
    """Status (cards, `check`) reads the value with the decimals the card writes it with beside its comparison."""
    assert shown(0.0149, "%") == 0.015
    assert shown(0.0149, "%", 0.0082) == 0.0149  # written 0.0149% beside 0.0082%
    assert shown(2.675, "x") == 2.68  # as Babel writes it, not round()'s 2.67
    assert shown(1234.56, "currency", 999.99) == 1235  # money keeps each amount's own decimals
