"""Numbers and dates written in any common locale, read in SQL.

Null words. In number, integer, date and timestamp columns the values `--`,
`-`, `N/A` and `NA` (any case) are empty, like a blank cell.

Numbers. Around the number may stand a sign, a currency symbol or a code of
three capital letters (`€ 12,50`, `12.50 EUR`, `-$1,234.00`) and a trailing
`%` (`3,4 %` reads as 3.4: the number as written, not 0.034). The number
itself is digits with at most one decimal mark, `.` or `,`, and thousands
separators each followed by exactly three digits: the other of `.`/`,`, a
space, a no-break space (U+00A0, U+202F) or an apostrophe (`1'234.56`).
Anything else is not a number.

Which of `.` and `,` is the decimal mark is decided once per file column, from
all its values, unless the profile sets `decimal` or `thousands`:
  - a value readable only with `,` as decimal mark (`12,50`, `1.234,5`,
    `1.234.567`) counts for `,`; one readable only with `.` (`12.50`,
    `1,234.5`, `1,234,567`) counts for `.`;
  - the side with such values wins; with values on both sides, the side with
    more wins (`.` on a tie) and the other side's values are rejected;
  - with none (only values like `1,234` or `1.234`, which read either way),
    the decimal mark is `.` in a number column; in a whole-number column the
    separator is read as thousands (`1.234` and `1,234` are 1234).
The load report's notes say what was decided for each column whose values hold
a `,`, or whose decimal mark was decided to be `,`.

Dates. Without a profile `format`, a date is ISO (`2025-03-31`, optionally
with a time and zone) or day, month and year in either order, separated by
`/`, `-` or `.`, with a four-digit year and optionally a space and `HH:MM` or `HH:MM:SS`.
The order is decided once per file column: a first number above 12 means
day-first, a second number above 12 means month-first (both seen: the more
frequent wins, day first on a tie; the others are rejected). When every value reads either way it
is day-first unless config.yaml says `date_order: mdy` (top level or in the
profile), and the notes say so.

The clean common case (plain `1234.5` numbers and ISO dates) is read in one
pass with `PLAIN`, without looking at the column first; a file with any other
value is read again and decided by `decide`, one aggregate query.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

NULL_WORDS = ("--", "-", "n/a", "na")
SPACES = "\\s\\x{00A0}\\x{202F}"
APOSTROPHES = "'’"
_AROUND_BEFORE = f"[-+]?[{SPACES}]*(?:[A-Z]{{3}}|\\p{{Sc}})?[{SPACES}]*[-+]?"
_AROUND_AFTER = f"[{SPACES}]*(?:[A-Z]{{3}}|\\p{{Sc}})?[{SPACES}]*%?"
DAY_MONTH_DATE = "(\\d{1,2})[/.-](\\d{1,2})[/.-](\\d{4})"
DAY_MONTH = DAY_MONTH_DATE + "(?: \\d{1,2}:\\d{2}(?::\\d{2})?)?"
DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S")


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def null_words(text: str) -> str:
    """`text` (already trimmed, '' made null) with the null words made null too."""
    words = ", ".join(literal(w) for w in NULL_WORDS)
    return f"(case when length({text}) <= 3 and lower({text}) in ({words}) then null else {text} end)"


def _body(decimal: str, thousands: str) -> str:
    """The regex of the number itself: digits, groups of three after a thousands separator, a decimal part."""
    integer = "\\d+"
    if thousands:
        integer = f"(?:\\d+|\\d{{1,3}}(?:[{thousands}]\\d{{3}})+)"
    return f"{integer}(?:\\{decimal}\\d+)?" if decimal else integer


def regex_class(chars: str) -> str:
    """`chars` as the body of a regex character class."""
    return "".join("\\" + c if c in "\\]^-." else c for c in chars)


def thousands_for(decimal: str) -> str:
    """The thousands separators allowed beside a decimal mark (as a regex class body)."""
    other = "," if decimal == "." else "\\."
    return other + SPACES + APOSTROPHES


def number_regex(decimal: str, thousands: str) -> str:
    return f"^{_AROUND_BEFORE}{_body(decimal, thousands)}{_AROUND_AFTER}$"


def number_sql(text: str, decimal: str, thousands: str) -> str:
    """SQL double for `text` with this decimal mark and these thousands separators (a regex class body), else null.

    An empty `decimal` allows no decimal part, an empty `thousands` no separators.

    A value that matches the whole pattern keeps only its digits, decimal mark
    and minus sign, so it casts; a second minus sign makes the cast fail.
    """
    keep = "0-9\\-" + decimal
    cleaned = f"regexp_replace({text}, {literal('[^' + keep + ']')}, '', 'g')"
    if decimal == ",":
        cleaned = f"replace({cleaned}, ',', '.')"
    return (
        f"case when regexp_full_match({text}, {literal(number_regex(decimal, thousands))}) "
        f"then try_cast({cleaned} as double) end"
    )


def date_sql(text: str, order: str | None) -> str:
    """SQL timestamp for `text`: ISO, or day/month/year in `order` ('dmy' or 'mdy'); None: ISO only."""
    # The year first (DuckDB's own cast would read 07/01/25 as the year 7).
    iso = f"case when substr({text}, 5, 1) = '-' then try_cast({text} as timestamptz)::timestamp end"
    if order is None:
        return iso
    first, second = ("\\1", "\\2") if order == "dmy" else ("\\2", "\\1")
    to_day_first = literal(f"{first}/{second}/\\3")
    normal = f"regexp_replace({text}, {literal('^' + DAY_MONTH_DATE)}, {to_day_first})"
    formats = "[" + ", ".join(literal(f) for f in DATE_FORMATS) + "]"
    shaped = f"case when regexp_full_match({text}, {literal(DAY_MONTH)}) then try_strptime({normal}, {formats}) end"
    return f"coalesce({iso}, {shaped})"


@dataclass
class Decisions:
    """Per canonical column: the decimal mark of a number column, the order of a date column; and why, in words."""

    decimal: dict[str, str] = field(default_factory=dict)
    date_order: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


# No decisions: undecided numbers are plain (digits, a `.` decimal part only in a number column:
# 1.000 in a whole-number column waits for the column's decision) and dates ISO.
PLAIN = None


def decide(
    con: duckdb.DuckDBPyConnection,
    source: str,
    numbers: list[tuple[str, str, str, bool]],
    dates: list[tuple[str, str, str]],
    default_order: str,
) -> Decisions:
    """Decide every undecided column in one aggregate query over `source`.

    `numbers` and `dates` hold (canonical column, the file's column name, SQL of
    its trimmed text with null words made null) for each undecided column; a
    number column's fourth item says it holds whole numbers.
    """
    decisions = Decisions()
    aggregates: list[str] = []
    dot = literal(number_regex(".", thousands_for(".")))
    comma = literal(number_regex(",", thousands_for(",")))
    for _, _, text, _ in numbers:
        aggregates += [
            f"count(*) filter (where regexp_full_match({text}, {dot}) and not regexp_full_match({text}, {comma}))",
            f"count(*) filter (where regexp_full_match({text}, {comma}) and not regexp_full_match({text}, {dot}))",
            f"count(*) filter (where contains({text}, ','))",
            f"count(*) filter (where regexp_matches({text}, '^[^,]*[.][^,]*$'))",
        ]
    for _, _, text in dates:
        day_month = literal(DAY_MONTH)
        aggregates += [
            f"count(*) filter (where try_cast(regexp_extract({text}, {day_month}, 1) as int) > 12)",
            f"count(*) filter (where try_cast(regexp_extract({text}, {day_month}, 2) as int) > 12)",
            f"count(*) filter (where regexp_full_match({text}, {day_month}))",
        ]
    if not aggregates:
        return decisions
    counts = con.execute(f"select {', '.join(aggregates)} from {source}").fetchone()
    i = 0
    for name, label, _, whole in numbers:
        dot_only, comma_only, with_comma, with_dot = counts[i : i + 4]
        i += 4
        either_way = not dot_only and not comma_only
        if either_way and whole:
            # Only values like 1.234 or 1,234: in a whole-number column the mark is a thousands separator.
            mark = "," if with_dot > with_comma else "."
        else:
            mark = "," if comma_only > dot_only else "."
        decisions.decimal[name] = mark
        if not with_comma and mark == ".":
            continue
        if mark == ",":
            note = f"Column {label}: ',' read as decimal mark, '.' as thousands separator"
        else:
            note = f"Column {label}: ',' read as thousands separator, '.' as decimal mark"
        if dot_only and comma_only:
            note += f"; {min(dot_only, comma_only)} values written the other way are rejected"
        elif either_way:
            kind = "whole numbers" if whole else "the default"
            note += f" (every value could be read either way, like 1,234 or 1.234: {kind})"
        decisions.notes.append(note + ".")
    for name, label, _ in dates:
        day_first, month_first, day_month = counts[i : i + 3]
        i += 3
        if not day_month:
            decisions.date_order[name] = default_order
            continue
        if day_first or month_first:
            order = "mdy" if month_first > day_first else "dmy"
            words = "day first (dd/mm/yyyy)" if order == "dmy" else "month first (mm/dd/yyyy)"
            note = f"Column {label}: dates read {words}"
            if day_first and month_first:
                note += f"; dates written the other way are rejected ({min(day_first, month_first)})"
        else:
            order = default_order
            words = "day first (dd/mm/yyyy)" if order == "dmy" else "month first (mm/dd/yyyy)"
            setting = "date_order: mdy" if order == "dmy" else "date_order: dmy"
            note = (
                f"Column {label}: every date could be day or month first (no day above 12); "
                f"read {words}. Set `{setting}` in config.yaml if that is wrong"
            )
        decisions.date_order[name] = order
        decisions.notes.append(note + ".")
    return decisions
