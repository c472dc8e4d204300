"""Periods: the presets on the board, custom ranges, and the period each is compared with."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from babel.dates import format_date, format_skeleton

from legame import i18n
from legame.errors import LegameError
from legame.fmt import NumberFormat
from legame.i18n import N_, _, pgettext

# Shown through _() where they are picked (the keys are the ids of URLs and the CLI).
PRESETS = {
    "this_month": N_("This month"),
    "last_month": N_("Last month"),
    "this_quarter": N_("This quarter"),
    "last_quarter": N_("Last quarter"),
    "year_to_date": N_("Year to date"),
    "last_12_months": N_("Last 12 months"),
    "custom": N_("Custom"),
}
COMPARISONS = {"previous": N_("previous period"), "year": N_("same period last year")}
# The days a period may cover: wide enough for any real data, narrow enough that the comparison
# period of the longest one still has valid dates (a 300-year period compares with the 300 before).
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2199, 12, 31)


def _add_months(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@dataclass(frozen=True)
class Period:
    """A closed range of days, [start, end]."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise LegameError(_("The period ends ({end}) before it starts ({start}).", end=self.end, start=self.start))

    @classmethod
    def custom(cls, start: date, end: date) -> Period:
        """A period someone typed (a URL, the command line): refused unless within FIRST_DAY..LAST_DAY."""
        outside = [day for day in (start, end) if not FIRST_DAY <= day <= LAST_DAY]
        if outside:
            raise LegameError(
                _(
                    "{day} is outside the dates Legame works with: pick days between {first} and {last}.",
                    day=outside[0].isoformat(),
                    first=FIRST_DAY.isoformat(),
                    last=LAST_DAY.isoformat(),
                )
            )
        return cls(start, end)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def whole_months(self) -> int | None:
        """Number of calendar months when the period is made of whole months, else None."""
        if self.start.day != 1 or self.end != _month_end(self.end):
            return None
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    def comparison(self, kind: str = "previous") -> Period:
        """The previous period of equal length (whole months shift by months), or a year earlier."""
        try:
            return self._comparison(kind)
        except (ValueError, OverflowError):
            # Only a period reaching far outside FIRST_DAY..LAST_DAY gets here (Period.custom refuses those).
            message = (
                N_(
                    "The period {start} to {end} has no same period last year"
                    " in the calendar: pick a shorter or later period."
                )
                if kind == "year"
                else N_(
                    "The period {start} to {end} has no previous period"
                    " in the calendar: pick a shorter or later period."
                )
            )
            raise LegameError(_(message, start=self.start.isoformat(), end=self.end.isoformat())) from None

    def _comparison(self, kind: str) -> Period:
        if kind == "year":
            if self.kind in ("month", "quarter", "year"):
                # The whole same calendar unit: February 2025 with 1-29 February 2024, not 1-28.
                return Period(_add_months(self.start, -12), _month_end(_add_months(self.end, -12)))
            return Period(_add_months(self.start, -12), _add_months(self.end, -12))
        if kind != "previous":
            raise LegameError(
                _("Comparison must be one of {choices}, not {kind!r}.", choices=", ".join(COMPARISONS), kind=kind)
            )
        months = self.whole_months
        if months:
            start = _add_months(self.start, -months)
            return Period(start, _month_end(_add_months(start, months - 1)))
        if self.start.day == 1:
            # Month to date and the like: the same days of the months before.
            span = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
            return Period(_add_months(self.start, -span), _add_months(self.end, -span))
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    @property
    def label(self) -> str:
        """In the reader's language, by CLDR: 'March 2025' / 'marzo 2025', 'Q1 2025' / 'T1 2025', '2025',
        '3 Jan – 9 Feb 2025' / '3 gen – 9 feb 2025', or one day: '29 Feb 2024'."""
        return self.label_in(i18n.locale_for(i18n.current(), None))

    def label_in(self, locale: str) -> str:
        """The label as the CLDR locale `locale` (en_GB, it_IT) writes it."""
        if self.kind == "month":
            return format_skeleton("yMMMM", self.start, locale=locale)
        if self.kind == "quarter":
            return format_date(self.start, "QQQ y", locale=locale)
        if self.kind == "year":
            return str(self.start.year)
        return NumberFormat(locale).span(self.start, self.end)

    @property
    def kind(self) -> str:
        """day, month, quarter, year (whole calendar ones) or range: how the period is named."""
        if self.start == self.end:
            return "day"
        months = self.whole_months
        if months == 1:
            return "month"
        if months == 3 and self.start.month % 3 == 1:
            return "quarter"
        if months == 12 and self.start.month == 1:
            return "year"
        return "range"

    @property
    def during(self) -> str:
        """The period as a time phrase opening a sentence, with the preposition its kind takes: 'In Q3 2026' /
        'Nel T3 2026', 'In September 2026' / 'A settembre 2026', 'From 3 Jan to 9 Feb 2025' / 'Dal 3 gen al 9 feb
        2025', 'On 8 Aug 2026' / "L'8 ago 2026" (Italian articles agree with the day: `i18n`)."""
        if self.kind in ("day", "range"):
            fmt = NumberFormat(i18n.locale_for(i18n.current(), None))
            if self.kind == "day":
                return pgettext("day", "On {day}", day=fmt.date(self.start))
            return pgettext("range", "From {start} to {end}", start=fmt.date(self.start), end=fmt.date(self.end))
        if self.kind == "month":
            return pgettext("month", "In {period}", period=self.label)
        if self.kind == "quarter":
            return pgettext("quarter", "In {period}", period=self.label)
        return pgettext("year", "In {period}", period=self.label)

    def as_dict(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "label": self.label}


def preset(name: str, anchor: date) -> Period:
    """A named period ending at or before `anchor` (the latest day with data, or today)."""
    quarter_start = date(anchor.year, 3 * ((anchor.month - 1) // 3) + 1, 1)
    if name == "this_month":
        return Period(anchor.replace(day=1), anchor)
    if name == "last_month":
        start = _add_months(anchor.replace(day=1), -1)
        return Period(start, _month_end(start))
    if name == "this_quarter":
        return Period(quarter_start, anchor)
    if name == "last_quarter":
        start = _add_months(quarter_start, -3)
        return Period(start, _month_end(_add_months(start, 2)))
    if name == "year_to_date":
        return Period(date(anchor.year, 1, 1), anchor)
    if name == "last_12_months":
        return Period(_add_months(anchor.replace(day=1), -11), anchor)
    raise LegameError(_("Unknown period {name!r}; choose one of {choices}.", name=name, choices=", ".join(PRESETS)))
