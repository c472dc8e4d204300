"""Numbers, money, dates and months written the way the reader's locale writes them, by CLDR (Babel).

One `NumberFormat` per reader: the cards, tables, charts, PDF and XLSX all take their separators,
currency placement and month names from it, so a number reads the same on every surface.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
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


def decimals(value: float, unit: str) -> int:
    """How many decimals a value of this unit is shown with (money: none from 1,000 up)."""
    if unit == "currency":
        return 0 if abs(value) >= 1000 else 2
    if unit in ("%", "pp"):
        # Small shares keep two significant digits, so 0.0082% does not read as 0.0% or 0.01%.
        if 0 < abs(value) < 0.01:
            return min(4, 1 - math.floor(math.log10(abs(value))))
        return 2 if 0 < abs(value) < 0.1 else 1
    return {"points": 0, "x": 2, "count": 0, "months": 1}.get(unit, 1)


def shown(value: float | None, unit: str) -> float | None:
    """The value as a card shows it: status, deltas and sentences are worked out on this, never on hidden decimals."""
    return None if value is None else round(value, decimals(value, unit))


def format_value(value: float | None, unit: str, fmt: NumberFormat, currency: str, signed: bool = False) -> str:
    """A KPI value with its unit: '4,1%', '52,10 €', '+42', '3,20x', 'n/a'."""
    if value is None:
        return _("n/a")
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
