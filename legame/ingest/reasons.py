"""Why a row was rejected, as a message and its values: shown in the reader's language, stored in English.

A reject's reason is worked out in SQL (legame.ingest.normalise) or in Python (lines DuckDB could
not split) as its English message with `{placeholders}` and the values as a JSON object. The
warehouse's `rejects` table stores the reason written out in English, the same whoever loaded the
file; a report translates each distinct reason once, never row by row.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache

from legame import i18n
from legame.fmt import NumberFormat
from legame.i18n import N_, _, ngettext, pgettext

# The reasons with a count, by their singular message: their plural form goes through ngettext.
VALUES_NOT_COLUMNS = "has {count} value but the header has {columns} columns"
DUCKDB = "{error}"  # DuckDB's own words for a line it could not read: shown as DuckDB writes them
_DATE_VALUES = ("earliest", "latest", "start", "end")
_NUMBER_VALUES = ("count", "columns", "low", "high", "size", "limit")


def human_format(fmt: str) -> str:
    """'%d/%m/%Y %H:%M' -> 'dd/mm/yyyy hh:mm' ('gg/mm/aaaa hh:mm' in Italian), for messages a marketer reads."""
    for code, word in (
        ("%d", pgettext("date format", "dd")),
        ("%m", "mm"),
        ("%Y", pgettext("date format", "yyyy")),
        ("%y", pgettext("date format", "yy")),
        ("%H", "hh"),
        ("%M", "mm"),
        ("%S", "ss"),
        ("%z", "+zzzz"),
        ("%I", "hh"),
        ("%p", "AM/PM"),
        ("%b", pgettext("date format", "Mon")),
        ("%B", pgettext("date format", "Month")),
        ("%a", pgettext("date format", "Day")),
        ("%A", pgettext("date format", "Day")),
    ):
        fmt = fmt.replace(code, word)
    return fmt


def _values(args: str | dict[str, object] | None, fmt: NumberFormat) -> dict[str, object]:
    values = json.loads(args) if isinstance(args, str) else dict(args or {})
    for key, value in values.items():
        if key in _DATE_VALUES and isinstance(value, str):
            values[key] = fmt.date(date.fromisoformat(value))
        elif key in _NUMBER_VALUES and isinstance(value, int | float):
            values[key] = fmt.number(value)
        elif key == "format" and isinstance(value, str):
            values[key] = human_format(value)
    return values


def text(reason: str, args: str | dict[str, object] | None, fmt: NumberFormat) -> str:
    """The reason in the current language, its values written by `fmt`."""
    values = _values(args, fmt)
    if reason == DUCKDB:
        return str(values["error"])
    if reason == VALUES_NOT_COLUMNS:
        count = int((json.loads(args) if isinstance(args, str) else args or {})["count"])
        return ngettext(
            "has {count} value but the header has {columns} columns",
            "has {count} values but the header has {columns} columns",
            count,
            **values,
        )
    return _(reason, **values) if values else _(reason)


@cache
def _english_format(locale: str, time_zone: str) -> NumberFormat:
    return NumberFormat(locale, time_zone)


def english(reason: str, args: str | dict[str, object] | None, fmt: NumberFormat) -> str:
    """The reason as the warehouse stores it: in English, whatever the reader's language."""
    with i18n.language("en"):
        return text(reason, args, _english_format(i18n.locale_for("en", fmt.locale), fmt.time_zone))


# The reasons worked out in SQL, marked for the catalogue (legame.ingest.normalise writes them).
MESSAGES = (
    N_("missing value"),
    N_("not a number"),
    N_("not a whole number"),
    N_("not a whole number from {low} to {high}"),
    N_("not true/false (or yes/no, 1/0)"),
    N_("not an email address (or several in one cell)"),
    N_("unknown value; expected one of {expected}"),
    N_("not a date in the form {format}"),
    N_("not a date in the form yyyy-mm-dd (optionally with a time)"),
    N_("not a date in the form yyyy-mm-dd, dd/mm/yyyy, dd/mm/yy or 1 Mar 2025 (optionally with a time)"),
    N_("not a date in the form yyyy-mm-dd, mm/dd/yyyy, mm/dd/yy or Mar 1, 2025 (optionally with a time)"),
    N_("marked {mark}, but Legame counts in {currency}: convert it first"),
    N_("in {code}, but Legame counts in {currency}: convert it first"),
    N_("rounded by Excel into a number: export the file again without opening it in Excel"),
    N_("a date before {earliest}, the earliest plausible date (config.yaml plausibility.earliest_date)"),
    N_("a date after {latest}, the latest plausible date (config.yaml plausibility.latest_days_ahead)"),
    N_("covers {start} to {end} in one row, but Legame needs one row per day: export it again broken down by day"),
    N_("below zero on a row that is not a refund (config.yaml plausibility.negatives)"),
    N_("below zero: a count or amount cannot be negative (config.yaml plausibility.negatives)"),
    N_("is {size} bytes long, more than the {limit} a row may have"),
    N_('has a quote (") that is not closed: the line is rejected and the lines below it are read on their own'),
)
