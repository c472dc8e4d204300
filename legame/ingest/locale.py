"""Numbers and dates written in any common locale, read in SQL.

Null words. In number, integer, date and timestamp columns the values `--`,
`-`, `N/A` and `NA` (any case) are empty, like a blank cell.

Numbers. Around the number may stand a sign, a currency symbol or a code of
three capital letters (`€ 12,50`, `12.50 EUR`, `-$1,234.00`) and a trailing
`%` (`3,4 %` reads as 3.4: the number as written, not 0.034). A negative
number may instead be in brackets, as accounting writes it (`(12.50)`,
`(€ 12,50)`, `$ (1,234.00)`), or end in a minus (`1.234,56-`); one sign at
most. The number itself is digits with at most one decimal mark, `.` or `,`,
and thousands separators each followed by exactly three digits: the other of
`.`/`,`, a space, a no-break space (U+00A0, U+202F) or an apostrophe
(`1'234.56`). Anything else is not a number.

Which of `.` and `,` is the decimal mark is decided once per file column, from
all its values, unless the profile sets `decimal` or `thousands`:
  - a value readable only with `,` as decimal mark (`12,50`, `1.234,5`,
    `1.234.567`) counts for `,`; one readable only with `.` (`12.50`,
    `1,234.5`, `1,234,567`) counts for `.`;
  - the side with such values wins; with values on both sides, the side with
    more wins (`.` on a tie) and the other side's values are rejected;
  - with none (only values like `1,234` or `1.500`, which read either way),
    in a whole-number column the separator is read as thousands (`1.234` and
    `1,234` are 1234); in a number column the file's evidence decides, then
    config.yaml's locale (`either_way_mark`): its other number columns, a `;`
    separator (`,`), month-first dates (`.`), the locale's decimal mark,
    day-first dates (`,`), else `.`.
The load report's notes say what was decided for each column whose values hold
a `,`, or whose decimal mark was decided to be `,`; for a number column whose
values all read either way, always, with an example value as read and as it
would have read the other way, and what decided it.

Dates. Without a profile `format`, a date is one of:
  - ISO (`2025-03-31`, optionally with a time and zone);
  - day, month and year as numbers in either order, separated by `/`, `-` or
    `.`, the year of four digits or two (`31/12/25`: 00-68 are 2000-2068,
    69-99 are 1969-1999, as Python's `%y` reads them);
  - a month name or abbreviation in English, Italian, French, German or
    Spanish, any case, with or without a dot, before the day (`Mar 1, 2025`,
    `March 1st 2025`) or after it (`1 Mar 2025`, `01-Mar-25`, `01MAR2025`,
    `1 marzo 2025`, `1er mars 2025`, `1. März 2025`, `3 dic. 2025`,
    `1 de marzo de 2025`), optionally after a weekday in those languages
    (`Sat, Mar 1, 2025`, `sabato 1 marzo 2025`). These are never ambiguous.
Any of these but ISO may be followed, after a space or a comma, by a time:
`HH:MM`, `HH:MM:SS` or `HH:MM:SS.ffffff`, on the 24-hour clock or on the
12-hour clock with AM or PM in any case (`10:15 PM`, `10:15 p.m.`). In a date
with a month name, `at`, `à`, `um` or `alle` may stand before the time
(`March 1, 2025 at 10:15 AM`, `1 mars 2025 à 10:15`).
The order of numeric dates is decided once per file column: a first number above 12 means
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

from legame import i18n
from legame.fmt import NumberFormat
from legame.i18n import _, ngettext

NULL_WORDS = ("--", "-", "n/a", "na")
SPACES = "\\s\\x{00A0}\\x{202F}"
APOSTROPHES = "'’"
_GAP = f"[{SPACES}]*"
_MARK = "(?:[A-Z]{3}|\\p{Sc})"
_MARK_BEFORE = f"(?:{_MARK}{_GAP})?"
_MARK_AFTER = f"{_GAP}{_MARK}?{_GAP}%?"

# Month names and abbreviations (lower case) in English, Italian, French, German and Spanish.
# No word names two months: `mar` is March in English, Italian and Spanish alike.
MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "gennaio", "gen", "janvier", "janv", "januar", "jänner", "jän", "enero", "ene"),
    2: ("february", "feb", "febbraio", "février", "fevrier", "févr", "fevr", "fév", "fev", "februar", "febrero"),
    3: ("march", "mar", "marzo", "mars", "märz", "maerz", "marz", "mär", "mrz"),
    4: ("april", "apr", "aprile", "avril", "avr", "abril", "abr"),
    5: ("may", "maggio", "mag", "mai", "mayo"),
    6: ("june", "jun", "giugno", "giu", "juin", "juni", "junio"),
    7: ("july", "jul", "luglio", "lug", "juillet", "juil", "juli", "julio"),
    8: ("august", "aug", "agosto", "ago", "août", "aout", "aoû"),
    9: ("september", "sep", "sept", "settembre", "set", "septembre", "septiembre", "setiembre"),
    10: ("october", "oct", "ottobre", "ott", "octobre", "oktober", "okt", "octubre"),
    11: ("november", "nov", "novembre", "noviembre"),
    12: ("december", "dec", "dicembre", "dic", "décembre", "decembre", "déc", "dezember", "dez", "diciembre"),
}
# Weekday names and abbreviations that may open a written-out date (Sat, Mar 1, 2025; sabato 1 marzo 2025).
WEEKDAY_NAMES = (
    "monday", "mon", "tuesday", "tue", "tues", "wednesday", "wed", "thursday", "thu", "thur", "thurs",
    "friday", "fri", "saturday", "sat", "sunday", "sun",
    "lunedì", "lunedi", "lun", "martedì", "martedi", "mar", "mercoledì", "mercoledi", "mer", "giovedì",
    "giovedi", "gio", "venerdì", "venerdi", "ven", "sabato", "sab", "domenica", "dom",
    "lundi", "mardi", "mercredi", "jeudi", "jeu", "vendredi", "samedi", "sam", "dimanche", "dim",
    "montag", "mo", "dienstag", "di", "mittwoch", "mi", "donnerstag", "do", "freitag", "fr", "samstag",
    "sonnabend", "sa", "sonntag", "so",
    "lunes", "martes", "miércoles", "miercoles", "mié", "mie", "jueves", "jue", "viernes", "vie",
    "sábado", "sabado", "sáb", "domingo",
)  # fmt: skip
# Any word is taken as the month, and read by `MONTH_NAMES` (an unknown word is not a date): a class of
# characters keeps the regex small, and so fast, where the list of names (or \p{L}) makes it several times slower.
_MONTH = f"([^\\d{SPACES},./-]+)\\.?"
_YEAR = "(\\d{4}|\\d{2})"
_SPACE = f"[{SPACES}]"
_SEPARATOR = f"(?:{_GAP}[-/.]{_GAP}|{_SPACE}+)"
_DE = f"{_SPACE}+(?i:de){_SPACE}+"  # Spanish: 1 de marzo de 2025
# Groups 1-3: the two numbers and the year of 31/12/2025.
NUMERIC_DATE = f"(\\d{{1,2}})[/.-](\\d{{1,2}})[/.-]{_YEAR}"
# Groups 1-3: month, day, year of Mar 1, 2025; 4-6: day, month, year of 1 Mar 2025, 01-Mar-25, 1. März 2025,
# 1er mars 2025, 1 de marzo de 2025.
_MONTH_FIRST = f"{_MONTH}{_SEPARATOR}(\\d{{1,2}})(?i:st|nd|rd|th)?(?:,{_GAP}|{_SEPARATOR}){_YEAR}"
_DAY_FIRST = (
    f"(\\d{{1,2}})(?:\\.|(?i:er|st|nd|rd|th))?(?:{_SEPARATOR}|{_DE})?{_MONTH}(?:{_SEPARATOR}|{_DE}|,{_GAP})?{_YEAR}"
)
# The groups after the date: hours (0-23, or 1-12 before AM/PM), minutes, seconds with any fraction, a or p of AM/PM.
_CLOCK = f"([01]?\\d|2[0-3]):([0-5]\\d)(?::([0-5]\\d(?:\\.\\d{{1,6}})?))?(?:{_SPACE}*([AaPp])\\.?[Mm]\\.?)?"
_TIME = f"(?:,?{_SPACE}+{_CLOCK})?"
# Written out, a date may join its time with a word: March 1, 2025 at 10:15 AM, 1 mars 2025 à 10:15,
# 1. März 2025 um 10:15, 1 marzo 2025 alle 10:15.
_AT = f"(?:(?i:at|à|um|alle){_SPACE}+)?"
_NAMED_TIME = f"(?:,?{_SPACE}+{_AT}{_CLOCK})?"
_TIME_PARTS = ("hh", "mi", "ss", "ap")
DAY_MONTH = f"^{NUMERIC_DATE}{_TIME}$"
_DAY_MONTH_PARTS = ("a", "b", "y", *_TIME_PARTS)
# An optional weekday in front (group 1, checked against WEEKDAY_NAMES): Sat, Mar 1, 2025.
_WEEKDAY = f"(?:([^\\d{SPACES},./-]+)\\.?,?{_SPACE}+)?"
NAMED_DATE = f"^{_WEEKDAY}(?:{_MONTH_FIRST}|{_DAY_FIRST}){_NAMED_TIME}$"
_NAMED_DATE_PARTS = ("weekday", "month_f", "day_f", "year_f", "day_d", "month_d", "year_d", *_TIME_PARTS)
# Most numeric dates are read the fast way: with a 24-hour time after one space, or none, and a year whose century
# the regex tells, their date becomes year first, which casts. The regex capturing the date runs without backtracking.
_PLAIN_TIME = "(?: (?:[01]?\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:\\.\\d{1,6})?)?)?"
_PLAIN_YEARS = (("\\d{4}", ""), ("[0-5]\\d|6[0-8]", "20"), ("69|[7-9]\\d", "19"))  # see _century
_DAY_MONTH_START = "^(\\d{1,2})[/.-](\\d{1,2})[/.-](\\d\\d(?:\\d\\d)?)"


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
    """A number with at most one sign: leading (`-12`, `-€ 12`, `€ -12`), trailing (`12-`) or brackets (`(12)`)."""
    body = _body(decimal, thousands)
    forms = (
        f"[-+]?{_GAP}{_MARK_BEFORE}{body}{_MARK_AFTER}",
        f"{_MARK_BEFORE}[-+]{_GAP}{body}{_MARK_AFTER}",
        f"{_MARK_BEFORE}{body}-{_MARK_AFTER}",
        f"\\({_GAP}{_MARK_BEFORE}{body}{_MARK_AFTER}{_GAP}\\)",
        f"{_MARK_BEFORE}\\({_GAP}{body}{_GAP}\\){_MARK_AFTER}",
    )
    return f"^{_GAP}(?:{'|'.join(forms)}){_GAP}$"


def number_sql(text: str, decimal: str, thousands: str) -> str:
    """SQL double for `text` with this decimal mark and these thousands separators (a regex class body), else null.

    An empty `decimal` allows no decimal part, an empty `thousands` no separators.

    A value that matches the whole pattern (which allows one sign at most)
    keeps only its digits, decimal mark, minus sign and opening bracket, so a
    leading minus casts as it stands. A bracket or a trailing minus makes that
    cast fail: such a value is the negative of its digits (`(12.50)` and
    `12.50-` are -12.5). Most values take the first, cheaper cast.
    """
    signed = _cast_digits(text, decimal, "(\\-")
    return (
        f"case when regexp_full_match({text}, {literal(number_regex(decimal, thousands))}) "
        f"then coalesce({signed}, -{_cast_digits(text, decimal, '')}) end"
    )


def _cast_digits(text: str, decimal: str, keep: str) -> str:
    """SQL double of `text` keeping only its digits, its decimal mark and the characters `keep` (a class body)."""
    cleaned = f"regexp_replace({text}, {literal('[^0-9' + keep + decimal + ']')}, '', 'g')"
    if decimal == ",":
        cleaned = f"replace({cleaned}, ',', '.')"
    return f"try_cast({cleaned} as double)"


def _month_number(name: str) -> str:
    """SQL of the month number (as text) of a month name in lower case, null for any other word."""
    # list_position in two lists costs a third of a 12-way case in a lambda.
    names = [n for ns in MONTH_NAMES.values() for n in ns]
    numbers = [str(number) for number, ns in MONTH_NAMES.items() for _ in ns]
    return f"{_sql_list(numbers)}[list_position({_sql_list(names)}, {name})]"


def _sql_list(items: list[str]) -> str:
    return "[" + ", ".join(literal(i) for i in items) + "]"


def _century(year: str, two_digits: str) -> str:
    """SQL of the century to write before `year` (SQL text starting with the year), when `two_digits` is true."""
    # Two-digit years as Python's %y (and POSIX) reads them: 00-68 are 2000-2068, 69-99 are 1969-1999.
    return f"case when not ({two_digits}) then '' when {year} < '69' then '20' else '19' end"


def _stamp(year: str, month: str, day: str) -> str:
    """SQL of the timestamp of these parts (SQL text) and the time groups of a struct `p`, null when not a date."""
    hour = (
        "case when p.ap = '' then p.hh when p.hh::int between 1 and 12 "
        "then (p.hh::int % 12 + case when p.ap in ('p', 'P') then 12 else 0 end)::varchar end"
    )
    seconds = "case when p.ss = '' then '' else ':' || p.ss end"
    time = f"case when p.hh = '' then '' else ' ' || ({hour}) || ':' || p.mi || {seconds} end"
    century = _century(year, f"length({year}) = 2")
    return f"try_cast(({century}) || {year} || '-' || {month} || '-' || {day} || ({time}) as timestamp)"


def _parsed(text: str, regex: str, parts: tuple[str, ...], stamp: str) -> str:
    """SQL applying `stamp` (SQL reading the struct `p` of `regex`'s groups, named `parts`) to `text`."""
    # The lambda reads the regex's groups once per value; repeating regexp_extract would run the regex each time.
    groups = f"regexp_extract({text}, {literal(regex)}, [{', '.join(literal(p) for p in parts)}])"
    return f"list_transform([{groups}], lambda p: {stamp})[1]"


def iso_sql(text: str, zone: str | None = None) -> str:
    """SQL of the wall time of an ISO timestamp `text`, zoned (an offset, Z, a zone name) or not.

    A zoned time is read on the clock of `zone` (SQL of a time zone name; None: the connection's, UTC), so
    that it falls on the day it was there, as a time without an offset is taken to be written.

    A zoned time needs the time-zone cast (ICU), ten times dearer than the plain one, which reads the
    same text the same way but drops an offset. So a text with no offset sign past its date part
    (`+`, or `-` from the 11th character) and not in UTC (a final `Z` or ` UTC`, which the plain cast
    accepts and drops) is read plain, and only texts the plain cast refuses (another zone name) or that
    carry an offset or UTC pay for the zoned cast (`test_locale_dates` holds the two equal).
    """
    moment = f"try_cast({text} as timestamptz)"
    zoned = f"{moment}::timestamp" if zone is None else f"timezone({zone}, {moment})"
    unsigned = (
        f"strpos({text}, '+') = 0 and strpos(substr({text}, 11), '-') = 0 "
        f"and not suffix({text}, 'Z') and not suffix(upper({text}), ' UTC')"
    )
    return f"case when {unsigned} then coalesce(try_cast({text} as timestamp), {zoned}) else {zoned} end"


def date_sql(text: str, order: str | None, zone: str | None = None) -> str:
    """SQL timestamp for `text`: ISO, else `DAY_MONTH` in `order` ('dmy' or 'mdy') or `NAMED_DATE`; None: ISO only.

    `zone`: SQL of the time zone a zoned time's clock is read in (iso_sql)."""
    # The year first (DuckDB's own cast would read 07/01/25 as the year 7).
    iso = f"case when substr({text}, 5, 1) = '-' then {iso_sql(text, zone)} end"
    if order is None:
        return iso
    branches = []
    for year, century in _PLAIN_YEARS:
        plain_date = f"^\\d{{1,2}}[/.-]\\d{{1,2}}[/.-](?:{year}){_PLAIN_TIME}$"
        year_first = century + ("\\3-\\2-\\1" if order == "dmy" else "\\3-\\1-\\2")
        as_iso = f"regexp_replace({text}, {literal(_DAY_MONTH_START)}, {literal(year_first)})"
        branches.append(f"when regexp_full_match({text}, {literal(plain_date)}) then try_cast({as_iso} as timestamp)")
    # Any other numeric date: a 12-hour time, a comma before the time.
    day, month = ("p.a", "p.b") if order == "dmy" else ("p.b", "p.a")
    numeric = _parsed(text, DAY_MONTH, _DAY_MONTH_PARTS, _stamp("p.y", month, day))
    branches.append(f"when regexp_full_match({text}, {literal(DAY_MONTH)}) then {numeric}")
    # A month name. The regex finds at most one of its two forms, so the other's groups are empty.
    name = "lower(p.month_f || p.month_d)"
    named_stamp = _stamp("(p.year_f || p.year_d)", f"({_month_number(name)})", "(p.day_f || p.day_d)")
    weekday_ok = f"(p.weekday = '' or list_contains({_sql_list(list(WEEKDAY_NAMES))}, lower(p.weekday)))"
    named = _parsed(
        text,
        NAMED_DATE,
        _NAMED_DATE_PARTS,
        f"case when p.year_f || p.year_d <> '' and {weekday_ok} then {named_stamp} end",
    )
    return f"coalesce({iso}, case {' '.join(branches)} else {named} end)"


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
    fmt: NumberFormat | None = None,
    *,
    delimiter: str | None = None,
    locale: str | None = None,
) -> Decisions:
    """Decide every undecided column in one aggregate query over `source`.

    `numbers` and `dates` hold (canonical column, the file's column name, SQL of
    its trimmed text with null words made null) for each undecided column; a
    number column's fourth item says it holds whole numbers. `fmt` writes the counts in the notes.
    `delimiter` (the file's separator) and `locale` (config.yaml's, a CLDR id like it-IT) decide a number
    column whose values all read either way when the file's other columns do not (`either_way_mark`).
    """
    fmt = fmt or NumberFormat(i18n.DEFAULT_LOCALE[i18n.current()])
    decisions = Decisions()
    aggregates: list[str] = []
    dot = literal(number_regex(".", thousands_for(".")))
    comma = literal(number_regex(",", thousands_for(",")))
    for _name, _label, text, _whole in numbers:
        aggregates += [
            f"count(*) filter (where regexp_full_match({text}, {dot}) and not regexp_full_match({text}, {comma}))",
            f"count(*) filter (where regexp_full_match({text}, {comma}) and not regexp_full_match({text}, {dot}))",
            f"count(*) filter (where contains({text}, ','))",
            f"count(*) filter (where regexp_matches({text}, '^[^,]*[.][^,]*$'))",
            # A value that reads either way (1.500, 2,250), shown in the note as an example of the reading taken.
            f"min({text}) filter (where regexp_full_match({text}, {dot}) and regexp_full_match({text}, {comma}) "
            f"and regexp_matches({text}, '[.,]'))",
        ]
    day_month = literal(DAY_MONTH)
    for _name, _label, text in dates:
        aggregates += [
            f"count(*) filter (where try_cast(regexp_extract({text}, {day_month}, 1) as int) > 12)",
            f"count(*) filter (where try_cast(regexp_extract({text}, {day_month}, 2) as int) > 12)",
            f"count(*) filter (where regexp_full_match({text}, {day_month}))",
        ]
    if not aggregates:
        return decisions
    counts = con.execute(f"select {', '.join(aggregates)} from {source}").fetchone()
    width = 5 * len(numbers)
    number_counts = [counts[j : j + 5] for j in range(0, width, 5)]
    date_counts = [counts[j : j + 3] for j in range(width, len(counts), 3)]
    evidence = Evidence(
        dot=sum(c[0] for c in number_counts),
        comma=sum(c[1] for c in number_counts),
        day_first=sum(c[0] for c in date_counts),
        month_first=sum(c[1] for c in date_counts),
        delimiter=delimiter,
        locale=locale,
    )
    for (name, label, _text, whole), (dot_only, comma_only, with_comma, with_dot, example) in zip(
        numbers, number_counts, strict=True
    ):
        either_way = not dot_only and not comma_only
        if either_way and whole:
            # Only values like 1.234 or 1,234: in a whole-number column the mark is a thousands separator.
            mark = "," if with_dot > with_comma else "."
        elif either_way and example is not None:
            mark, why = either_way_mark(evidence, commas=with_comma > 0)
            decisions.decimal[name] = mark
            decisions.notes.append(_either_way_note(label, mark, example, why, locale, fmt))
            continue
        else:
            mark = "," if comma_only > dot_only else "."
        decisions.decimal[name] = mark
        if not with_comma and mark == ".":
            continue
        decisions.notes.append(_number_note(label, mark, dot_only, comma_only, whole, fmt))
    i = width
    for name, label, _text in dates:
        day_first, month_first, day_month = counts[i : i + 3]
        i += 3
        if not day_month:
            decisions.date_order[name] = default_order
            continue
        if day_first or month_first:
            order = "mdy" if month_first > day_first else "dmy"
            decisions.notes.append(_date_note(label, order, min(day_first, month_first), fmt))
        else:
            order = default_order
            if order == "dmy":
                note = _(
                    "Column {column}: every date could be day or month first (no day above 12); read day first "
                    "(dd/mm/yyyy). Set `date_order: mdy` in config.yaml if that is wrong.",
                    column=label,
                )
            else:
                note = _(
                    "Column {column}: every date could be day or month first (no day above 12); read month first "
                    "(mm/dd/yyyy). Set `date_order: dmy` in config.yaml if that is wrong.",
                    column=label,
                )
            decisions.notes.append(note)
        decisions.date_order[name] = order
    return decisions


def _number_note(label: str, mark: str, dot_only: int, comma_only: int, whole: bool, fmt: NumberFormat) -> str:
    """What the load report says of a number column's decimal mark."""
    values = {"column": label}
    if dot_only and comma_only:
        n = min(dot_only, comma_only)
        values["count"] = fmt.number(n)
        if mark == ",":
            return ngettext(
                "Column {column}: ',' read as decimal mark, '.' as thousands separator; "
                "{count} value written the other way is rejected.",
                "Column {column}: ',' read as decimal mark, '.' as thousands separator; "
                "{count} values written the other way are rejected.",
                n,
                **values,
            )
        return ngettext(
            "Column {column}: ',' read as thousands separator, '.' as decimal mark; "
            "{count} value written the other way is rejected.",
            "Column {column}: ',' read as thousands separator, '.' as decimal mark; "
            "{count} values written the other way are rejected.",
            n,
            **values,
        )
    if not dot_only and not comma_only:  # every value reads either way
        if mark == ",":
            return _(
                "Column {column}: ',' read as decimal mark, '.' as thousands separator (every value could be "
                "read either way, like 1,234 or 1.234: whole numbers).",
                **values,
            )
        return _(
            "Column {column}: ',' read as thousands separator, '.' as decimal mark (every value could be "
            "read either way, like 1,234 or 1.234: whole numbers).",
            **values,
        )
    if mark == ",":
        return _("Column {column}: ',' read as decimal mark, '.' as thousands separator.", **values)
    return _("Column {column}: ',' read as thousands separator, '.' as decimal mark.", **values)


def _date_note(label: str, order: str, other_way: int, fmt: NumberFormat) -> str:
    """What the load report says of a date column whose order its values decided."""
    if not other_way:
        if order == "dmy":
            return _("Column {column}: dates read day first (dd/mm/yyyy).", column=label)
        return _("Column {column}: dates read month first (mm/dd/yyyy).", column=label)
    values = {"column": label, "count": fmt.number(other_way)}
    if order == "dmy":
        return _(
            "Column {column}: dates read day first (dd/mm/yyyy); dates written the other way are rejected ({count}).",
            **values,
        )
    return _(
        "Column {column}: dates read month first (mm/dd/yyyy); dates written the other way are rejected ({count}).",
        **values,
    )


@dataclass(frozen=True)
class Evidence:
    """What a file says of its decimal mark besides a column whose values all read either way (1.500, 2,250).

    `dot` and `comma`: values of its number columns readable only with `.` or only with `,` as decimal mark;
    `day_first` and `month_first`: its numeric dates that only read day first or only month first;
    `delimiter`: its separator; `locale`: config.yaml's locale (it-IT), None when not known.
    """

    dot: int = 0
    comma: int = 0
    day_first: int = 0
    month_first: int = 0
    delimiter: str | None = None
    locale: str | None = None


def either_way_mark(evidence: Evidence, commas: bool = False) -> tuple[str, str]:
    """The decimal mark of a number column whose values all read either way, and why (a key of `_WHY`).

    The file first: its other number columns, a `;` separator (a file with `,` as decimal mark cannot use
    `,` between values) or, for values like `1,500`, a `,` one (files with `,` as decimal mark use `;`),
    month-first dates (the US writes `.`); then config.yaml's locale; then day-first
    dates (continental Europe writes `,`, but so do not the UK and India, hence after the locale); else `.`.
    """
    if evidence.dot != evidence.comma:
        return ("," if evidence.comma > evidence.dot else "."), "columns"
    if evidence.delimiter == ";":
        return ",", "separator"
    if evidence.delimiter == "," and commas:
        # Values with a ',' in them (`commas`: 1,500) in a file separated by ',' had to be quoted: what tools
        # writing '.' as decimal mark do (Excel in English); those writing ',' separate values with ';' instead.
        return ".", "comma_separator"
    if evidence.month_first > evidence.day_first:
        return ".", "month_first"
    if evidence.locale:
        try:
            return NumberFormat.for_locale(evidence.locale).decimal, "locale"
        except (ValueError, TypeError):
            pass
    if evidence.day_first > evidence.month_first:
        return ",", "day_first"
    return ".", "default"


def _read_as(text: str, mark: str) -> tuple[float, int]:
    """A value that reads either way (`1.500`), read with `mark` as decimal mark, and its decimals to show."""
    kept = "".join(c for c in text if c.isdigit() or c == mark)
    whole, _sep, fraction = kept.partition(mark)
    fraction = fraction.rstrip("0")
    value = float(f"{whole or 0}.{fraction or 0}")
    negative = "-" in text or "(" in text
    return (-value if negative else value), len(fraction)


def _either_way_note(label: str, mark: str, example: str, why: str, locale: str | None, fmt: NumberFormat) -> str:
    """What the load report says of a number column whose values all read either way: the reading taken, with an
    example value and what it would have been the other way, and what decided it."""
    taken, other = _read_as(example, mark), _read_as(example, "," if mark == "." else ".")
    values = {
        "column": label,
        "example": example,
        "value": fmt.number(taken[0], taken[1]),
        "other": fmt.number(other[0], other[1]),
    }
    if mark == ",":
        reading = _(
            "Column {column}: every value could be read either way; ',' read as decimal mark, '.' as thousands "
            "separator: {example} is read as {value}, not {other}.",
            **values,
        )
    else:
        reading = _(
            "Column {column}: every value could be read either way; '.' read as decimal mark, ',' as thousands "
            "separator: {example} is read as {value}, not {other}.",
            **values,
        )
    if why == "columns":
        reason = _("The file's other number columns are written that way.")
    elif why == "separator":
        reason = _("The file separates its values with semicolons, as files with ',' as decimal mark do.")
    elif why == "comma_separator":
        reason = _("The file separates its values with commas, as files with '.' as decimal mark do.")
    elif why == "month_first":
        reason = _("The file's dates are month first (mm/dd/yyyy), as in files with '.' as decimal mark.")
    elif why == "locale":
        reason = _("config.yaml's locale ({locale}) writes numbers that way.", locale=locale)
    elif why == "day_first":
        reason = _("The file's dates are day first (dd/mm/yyyy), as in files with ',' as decimal mark.")
    else:
        reason = _("'.' is the default.")
    return f"{reading} {reason}"
