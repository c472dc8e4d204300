"""Numbers, money, dates and months written the way the reader's locale writes them, by CLDR (Babel).

One `NumberFormat` per reader: the cards, tables, charts, PDF and XLSX all take their separators,
currency placement and month names from it, so a number reads the same on every surface.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cached_property
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_skeleton
from babel.numbers import format_currency, format_decimal, get_currency_symbol

from legame import i18n
from legame.i18n import _, ngettext

MINUS = "\u2212"  # the typographic minus: "−4,2%" never reads as a dash


@dataclass(frozen=True)
class NumberFormat:
    """How one reader's locale writes numbers, money and dates, and the time zone times are shown in."""

    locale: str  # a CLDR locale id: it_IT, en_GB, fr_FR
    time_zone: str = "UTC"

    @classmethod
    def for_locale(cls, locale: str, time_zone: str = "UTC") -> NumberFormat:
        return cls(str(Locale.parse(locale.replace("-", "_"))), time_zone)

    @classmethod
    def for_reader(cls, config: object) -> NumberFormat:
        """The format of the current language (legame.i18n) with config.yaml's `locale` and `time_zone`."""
        configured = config.get("locale", default="en-GB")  # type: ignore[attr-defined]
        zone = config.get("time_zone", default="UTC")  # type: ignore[attr-defined]
        return cls(i18n.locale_for(i18n.current(), configured), zone)

    @cached_property
    def _locale(self) -> Locale:
        return Locale.parse(self.locale)

    @property
    def language(self) -> str:
        return self._locale.language

    @property
    def decimal(self) -> str:
        return self._locale.number_symbols["latn"]["decimal"]

    @property
    def thousands(self) -> str:
        return self._locale.number_symbols["latn"]["group"]

    @property
    def plotly_separators(self) -> str:
        """Plotly's `separators`: the decimal mark then the thousands mark."""
        return self.decimal + self.thousands

    @property
    def date_input(self) -> str:
        """The order (and mark) a date picker shows day, month and year in: DD/MM/YYYY, MM/DD/YYYY, YYYY/MM/DD."""
        pattern = self._locale.date_formats["short"].pattern
        mark = next((c for c in pattern if c in "/.-"), "/")
        order = [c for c in pattern if c in "dMy"]
        fields = {"d": "DD", "M": "MM", "y": "YYYY"}
        seen = list(dict.fromkeys(order))
        if seen not in (["d", "M", "y"], ["M", "d", "y"], ["y", "M", "d"]):
            seen = ["d", "M", "y"]
        return mark.join(fields[c] for c in seen)

    def number(self, value: float, decimals: int = 0, signed: bool = False) -> str:
        pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
        text = format_decimal(abs(value), format=pattern, locale=self._locale)
        if value < 0 and any(c.isdigit() and c != "0" for c in text):
            return MINUS + text
        return ("+" if signed and value > 0 and text.strip("0" + self.decimal + self.thousands) else "") + text

    def money(self, value: float, currency: str, decimals: int | None = None, signed: bool = False) -> str:
        """An amount with its currency where the locale puts it: 13.623 € (it), €13,623 (en)."""
        if decimals is None:
            decimals = 0 if abs(value) >= 1000 else 2
        text = format_currency(
            abs(value), currency, format=self._money_pattern(decimals), locale=self._locale, currency_digits=False
        )
        if value < 0 and any(c.isdigit() and c != "0" for c in text):
            return MINUS + text
        return ("+" if signed and value > 0 else "") + text

    def _money_pattern(self, decimals: int) -> str:
        pattern = self._locale.currency_formats["standard"].pattern.split(";")[0]
        return re.sub(r"0\.0+", "0" + ("." + "0" * decimals if decimals > 0 else ""), pattern)

    def currency_affixes(self, currency: str) -> tuple[str, str]:
        """What goes before and after an amount (for chart ticks): ('€', '') in English, ('', ' €') in Italian."""
        pattern = self._money_pattern(0)
        symbol = get_currency_symbol(currency, locale=self._locale)
        before, _digits, after = re.split(r"([#,0.]+)", pattern, maxsplit=1)
        nbsp = "\u00a0"
        return before.replace("¤", symbol).replace(nbsp, " "), after.replace("¤", symbol).replace(nbsp, " ")

    def percent(self, value: float, decimals: int = 1, signed: bool = False) -> str:
        """A share already in percent (12.5 -> '12,5%'); the % sign as the locale writes it."""
        pattern = self._locale.percent_formats[None].pattern
        sign_at_end = pattern.rstrip().endswith("%")
        spaced = "\u00a0%" in pattern or " %" in pattern
        number = self.number(value, decimals, signed)
        mark = "\u00a0%" if spaced else "%"
        return number + mark if sign_at_end else "%" + number

    def date(self, day: date, style: str = "medium") -> str:
        """'30 set 2026' (it), '30 Sept 2026' (en); style 'long' writes the month in full."""
        return format_date(day, style, locale=self._locale)

    def span(self, start: date, end: date) -> str:
        """A range of days as a label: '3 Jan – 9 Feb 2025', '20 Dec 2025 – 5 Jan 2026', one day as itself."""
        last = self.date(end)
        if start == end:
            return last
        if start.year != end.year:
            return f"{self.date(start)} – {last}"
        return f"{format_skeleton('MMMd', start, locale=self._locale)} – {last}"

    def month(self, day: date, short: bool = False) -> str:
        """'settembre 2026', or 'set 2026' when short."""
        return format_skeleton("yMMM" if short else "yMMMM", day, locale=self._locale)

    def month_name(self, month: int, short: bool = False) -> str:
        width = "abbreviated" if short else "wide"
        return self._locale.months["stand-alone"][width][month]

    def datetime(self, moment: datetime) -> str:
        """A moment in the configured time zone, with the zone: '30 set 2026, 12:14 CEST'."""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        zone = ZoneInfo(self.time_zone)
        text = format_datetime(moment, "medium", tzinfo=zone, locale=self._locale)
        text = re.sub(r":\d\d(?=\D*$)", "", text)  # no seconds
        return f"{text} {moment.astimezone(zone).tzname()}"


DELTA_UNIT = {"%": "pp"}  # a change of a share is in percentage points
_MOST_DECIMALS = 6  # a share of 0.0000012% shows as 0.000001%: smaller ones read as 0


def decimals(value: float, unit: str) -> int:
    """How many decimals a value of this unit is shown with (money: none from 1,000 up)."""
    if unit == "currency":
        return 0 if abs(value) >= 1000 else 2
    if unit in ("%", "pp"):
        # Below 0.1, two significant digits: 0.0082% and 0.015% read as they are, not as 0.0% or 0.01%.
        if 0 < abs(value) < 0.1:
            return min(_MOST_DECIMALS, 1 - math.floor(math.log10(abs(value))))
        return 1
    return {"points": 0, "x": 2, "count": 0, "months": 1}.get(unit, 1)


def pair_decimals(value: float | None, comparison: float | None, unit: str) -> int:
    """The decimals a value and its comparison are both shown with, and their change: as many as the one needing
    more (the smaller share: 0.0082% against 0.0110%, not 0.01%)."""
    return max((decimals(v, unit) for v in (value, comparison) if v is not None), default=0)


def shown(value: float | None, unit: str, comparison: float | None = None) -> float | None:
    """The value as a card shows it (beside `comparison` when given): status, deltas and sentences are worked out
    on this, never on hidden decimals."""
    if value is None:
        return None
    if unit == "currency":
        return as_written(value, decimals(value, unit))
    return as_written(value, pair_decimals(value, comparison, unit))


def as_written(value: float, digits: int) -> float:
    """`value` rounded to `digits` decimals as `NumberFormat` writes it (Babel rounds the shortest decimal text of a
    float half to even: 2.675 is written 2.68, where round() gives 2.67 from the binary value)."""
    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_EVEN))


def shown_delta(value: float | None, comparison: float | None, unit: str) -> float | None:
    """The change as shown: the shown value less the shown comparison, so '+40 vs +34' reads '+6', never '+5'."""
    if value is None or comparison is None:
        return None
    now, before = shown(value, unit, comparison), shown(comparison, unit, value)
    return as_written(now - before, pair_decimals(value, comparison, unit))  # type: ignore[operator]


def format_change(
    value: float | None, comparison: float | None, unit: str, fmt: NumberFormat, currency: str
) -> dict[str, str]:
    """A value, its comparison and their change, written with one precision: `value`, `comparison_value`, `delta`.

    Money keeps each amount's own decimals (none from 1,000 up). The change is the difference of the two values
    as written (`shown_delta`), in the change's unit (a share's change is in percentage points), with the
    decimals of the more precise of the two."""
    if unit == "currency":
        value_text = format_value(value, unit, fmt, currency)
        comparison_text = format_value(comparison, unit, fmt, currency)
    else:
        digits = pair_decimals(value, comparison, unit)
        value_text = format_value(value, unit, fmt, currency, digits=digits)
        comparison_text = format_value(comparison, unit, fmt, currency, digits=digits)
    delta, digits = shown_delta(value, comparison, unit), pair_decimals(value, comparison, unit)
    delta_text = format_value(delta, DELTA_UNIT.get(unit, unit), fmt, currency, signed=True, digits=digits)
    return {"value": value_text, "comparison_value": comparison_text, "delta": delta_text}


def format_value(
    value: float | None, unit: str, fmt: NumberFormat, currency: str, signed: bool = False, digits: int | None = None
) -> str:
    """A KPI value with its unit: '4,1%', '52,10 €', '+42', '3,20x', 'n/a'; `digits`: decimals other than its own."""
    if value is None:
        return _("n/a")
    if digits is None:
        digits = decimals(value, unit)
    if unit == "currency":
        return fmt.money(value, currency, digits, signed=signed)
    if unit == "%":
        return fmt.percent(value, digits, signed)
    if unit == "pp":
        return _("{number} pp", number=fmt.number(value, digits, signed))
    if unit == "points":
        return fmt.number(value, digits, signed=True)
    if unit == "x":
        return fmt.number(value, digits, signed) + "x"
    if unit == "months":
        return ngettext(
            "{value} month", "{value} months", 1 if abs(value) == 1 else 2, value=fmt.number(value, digits, signed)
        )
    return fmt.number(value, digits, signed)
