"""Turn a profile into one SQL select that parses raw text into canonical columns.

Every column yields its parsed value and, when the text could not be read, a
reason; the pipeline rejects rows with a reason and loads the rest. Names and
words from the profile and the file header enter the SQL only quoted
(`ident`, `literal`); row values never do, and the salt is a bound parameter.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from legame.ingest import currency as money
from legame.ingest import locale
from legame.ingest.locale import PLAIN, Decisions
from legame.ingest.profiles import ColumnMap, Profile
from legame.warehouse import Column

TRUE_WORDS = ("true", "1", "yes", "y", "t", "si", "sì")
FALSE_WORDS = ("false", "0", "no", "n", "f")
PERSON_ID_CHARS = 24
# A time written with an offset or a zone (Shopify's +0200, Stripe's UTC) is stored on the clock of config.yaml's
# `time_zone`, bound here: a sale at 00:30 on 1 April in Rome counts on 1 April, as one written without an offset.
TIME_ZONE = "$time_zone"
EMAIL = r"[^\s<>()\[\];,:\"']+@[^\s<>()\[\];,:\"']+\.[^\s<>()\[\];,:\"'.]+"


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def cell(name: str) -> str:
    """SQL of the text of the file's column `name`, trimmed (DuckDB's trim: Unicode spaces), null when empty.

    trim() copies every string it is given (0.38 of the 1.8 CPU-s that parsing a million rows of six
    columns took): a plain-ASCII value with no space at either end, nearly all, is taken as it is,
    which is what trim() would return.
    """
    col = ident(name)
    may_trim = f"{col} like ' %' or {col} like '% ' or strlen({col}) <> length({col})"
    return f"nullif(case when {may_trim} then trim({col}) else {col} end, '')"


class Cells:
    """The file's columns a staging select reads, each trimmed once (`cell`) in a select of its own below the
    parsing, which reads them by alias: the parsing inlines a column's text several times (null words, number
    and date forms), and with `cell` inlined in each, one Meta posts export's select was 82 K characters that
    DuckDB took 0.29 CPU-s to plan, on every preview and load of the file."""

    def __init__(self) -> None:
        self.aliases: dict[str, str] = {}

    def __call__(self, name: str) -> str:
        return self.aliases.setdefault(name, f"_c{len(self.aliases)}")

    def select(self) -> list[str]:
        """`cell(column) as alias` of every column read so far (a constant when none is)."""
        return [f"{cell(name)} as {alias}" for name, alias in self.aliases.items()] or ["null as _c"]


def args_sql(values: dict[str, Any] | None) -> str:
    """SQL of a reason's values known when the select is built, as JSON text (legame.ingest.reasons)."""
    return literal(json.dumps(values, ensure_ascii=False)) if values else "null::varchar"


def literal(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def _values_case(raw: str, values: dict[str, Any], fallback: str) -> str:
    """Translate the export's words (exact, then case-insensitive) into canonical values.

    The word "" stands for an empty cell and "*" for any other word.
    """
    if not values:
        return fallback
    words = {k: v for k, v in values.items() if k not in ("", "*")}
    empty = f"when {raw} is null then {literal(values[''])}" if "" in values else ""
    exact = " ".join(f"when {raw} = {literal(k)} then {literal(v)}" for k, v in words.items())
    folded = " ".join(f"when lower({raw}) = {literal(k.lower())} then {literal(v)}" for k, v in words.items())
    otherwise = literal(values["*"]) if "*" in values else fallback
    return f"(case {empty} {exact} {folded} else {otherwise} end)"


READ_AS_NUMBER = ("number", "integer", "date", "timestamp")  # kinds whose null words (N/A, --...) read as empty


def raw_text(col: Column, cmap: ColumnMap, cells: Callable[[str], str] = cell) -> str:
    """SQL of the column's trimmed text, null when empty (or a null word, for numbers and dates).

    `cells`: the SQL of a file column's trimmed text (`cell`, or a `Cells` alias)."""
    if cmap.hash_of:
        # The columns as a JSON list: an empty cell and a | in a value cannot make two rows alike.
        texts = [cells(c) for c in cmap.hash_of]
        return f"case when coalesce({', '.join(texts)}) is not null then to_json([{', '.join(texts)}])::varchar end"
    raw = cells(cmap.source)
    return locale.null_words(raw) if col.kind in READ_AS_NUMBER and not cmap.values else raw


def number_style(col: Column, profile: Profile, decisions: Decisions | None) -> tuple[str, str]:
    """(decimal mark, thousands separators as a regex class body): the profile's, else decided, else plain."""
    if profile.decimal is not None or profile.thousands is not None:
        decimal = profile.decimal or ("," if profile.thousands == "." else ".")
        if profile.thousands is None:
            return decimal, locale.thousands_for(decimal)
        return decimal, locale.regex_class(profile.thousands) + locale.SPACES + locale.APOSTROPHES
    if decisions is PLAIN:
        return ("." if col.kind == "number" else ""), ""
    decimal = decisions.decimal.get(col.name, ".")
    return decimal, locale.thousands_for(decimal)


def _number(raw: str, col: Column, profile: Profile, decisions: Decisions | None) -> str:
    return locale.number_sql(raw, *number_style(col, profile, decisions))


def undecided(profile: Profile) -> tuple[list[tuple[str, str, str, bool]], list[tuple[str, str, str]]]:
    """The number and date columns whose decimal mark or date order is decided from the file's values."""
    numbers: list[tuple[str, str, str, bool]] = []
    dates: list[tuple[str, str, str]] = []
    explicit_number = profile.decimal is not None or profile.thousands is not None
    for col in profile.table.columns:
        cmap = profile.columns.get(col.name)
        if cmap is None or cmap.source is None or cmap.values:
            continue
        column = (col.name, cmap.source, raw_text(col, cmap))
        if col.kind in ("number", "integer") and not explicit_number:
            numbers.append((*column, col.kind == "integer"))
        elif col.kind in ("date", "timestamp") and not cmap.fmt:
            dates.append(column)
    return numbers, dates


def _address_id(raw: str) -> str:
    """The `when` branches of a cell's person id from its address: the salted sha256 of the address, also from
    "Ana Rossi <ana@example.com>" or "Ana Rossi (ana@example.com)"; no branch for a cell naming none or several.
    A cell that is just an address (nearly all) skips the extraction."""
    found = f"regexp_extract_all({raw}, {literal(EMAIL)})"
    hashed = f"left(sha256($salt || lower({{}})), {PERSON_ID_CHARS})"
    return (
        f"when regexp_full_match({raw}, {literal(EMAIL)}) then {hashed.format(raw)} "
        f"when len({found}) = 1 then {hashed.format(found + '[1]')}"
    )


def parse_expr(
    col: Column,
    cmap: ColumnMap,
    profile: Profile,
    decisions: Decisions | None = PLAIN,
    cells: Callable[[str], str] = cell,
) -> tuple[str, str, dict[str, Any] | None]:
    """SQL for the parsed value of one column, and the reason given when it fails to parse, with its values.

    The reason is an English message of legame.ingest.reasons, translated when it is shown.

    `decisions`: each undecided column's decimal mark and date order (`locale.decide`);
    PLAIN reads undecided numbers as plain `1234.5` and dates as ISO only.
    `cells`: the SQL of a file column's trimmed text (`cell`, or a `Cells` alias).
    """
    if cmap.source is None:
        return f"{literal(cmap.value)}::{col.sql_type}", "", None
    raw = raw_text(col, cmap, cells)
    if cmap.values and col.kind not in ("choice",):
        expected = ", ".join(cmap.values)
        mapped = _values_case(raw, cmap.values, "null")
        return f"({mapped})::{col.sql_type}", "unknown value; expected one of {expected}", {"expected": expected}
    if col.kind == "person" and cmap.email:
        return f"case {_address_id(raw)} end", "not an email address (or several in one cell)", None
    if col.kind == "person" and not cmap.hash_of:
        # An id column holding an address (a referrer or referred_by written as an email, the only id a user
        # knows of people loaded by email): stored as that person's id, the salted hash of the address as an
        # email column's, never as written; a cell naming several addresses is rejected; other ids are kept as
        # they are (with the export's prefix).
        kept = f"{literal(cmap.prefix)} || {raw}" if cmap.prefix else raw
        found = f"regexp_extract_all({raw}, {literal(EMAIL)})"
        unnamed = f"when len({found}) = 0 then {kept}"
        expr = f"case when not contains({raw}, '@') then {kept} {_address_id(raw)} {unnamed} end"
        return expr, "not an email address (or several in one cell)", None
    if col.kind in ("text", "person"):
        text = f"lower({raw})" if col.name == "channel" else raw
        if cmap.hash_of:
            text = f"left(sha256({raw}), {PERSON_ID_CHARS})"
        return (f"{literal(cmap.prefix)} || {text}" if cmap.prefix else text), "", None
    if col.kind == "choice":
        mapped = _values_case(raw, cmap.values, f"lower({raw})")
        allowed = ", ".join(literal(c) for c in col.choices)
        # list_contains, not IN: DuckDB 1.5.5 turns an IN of ten words into a join, per row of the file.
        expr = f"case when list_contains([{allowed}], {mapped}) then {mapped} end"
        return expr, "unknown value; expected one of {expected}", {"expected": ", ".join(col.choices)}
    if col.kind in ("timestamp", "date"):
        if cmap.fmt:
            parsed = f"try_strptime({raw}, {literal(cmap.fmt)})"
            if "%z" in cmap.fmt:
                parsed = f"timezone({TIME_ZONE}, ({parsed})::timestamptz)"
            reason, args = "not a date in the form {format}", {"format": cmap.fmt}
        else:
            order = None if decisions is PLAIN else decisions.date_order.get(col.name)
            parsed = locale.date_sql(raw, order, zone=TIME_ZONE)
            reason, args = "not a date in the form yyyy-mm-dd (optionally with a time)", None
            if order == "dmy":
                reason = (
                    "not a date in the form yyyy-mm-dd, dd/mm/yyyy, dd/mm/yy or 1 Mar 2025 (optionally with a time)"
                )
            elif order:
                reason = (
                    "not a date in the form yyyy-mm-dd, mm/dd/yyyy, mm/dd/yy or Mar 1, 2025 (optionally with a time)"
                )
        return f"({parsed})::timestamp::{col.sql_type}", reason, args
    if col.kind == "number":
        number = _number(raw, col, profile, decisions)
        if cmap.minus:
            less = _number(locale.null_words(cells(cmap.minus)), col, profile, decisions)
            number = f"({number}) - coalesce({less}, 0)"
        return number, "not a number", None
    if col.kind == "integer":
        number = _number(raw, col, profile, decisions)
        if col.bounds:
            low, high = col.bounds
            return (
                f"case when {number} = round({number}) and {number} between {low} and {high} "
                f"then ({number})::bigint end",
                "not a whole number from {low} to {high}",
                {"low": low, "high": high},
            )
        # Beyond a 64-bit integer (a count that large is a typo, or an id in the wrong column): rejected.
        fits = f"abs({number}) < 9e18"
        return (
            f"case when {number} = round({number}) and {fits} then ({number})::bigint end",
            "not a whole number",
            None,
        )
    if col.kind == "boolean":
        words = " ".join(
            [f"when lower({raw}) = {literal(w)} then true" for w in TRUE_WORDS]
            + [f"when lower({raw}) = {literal(w)} then false" for w in FALSE_WORDS]
        )
        return f"(case {words} end)", "not true/false (or yes/no, 1/0)", None
    raise ValueError(f"unknown column kind {col.kind}")


def _extra_checks(
    profile: Profile, decisions: Decisions | None, currency: str, cells: Cells
) -> list[tuple[str, str, str, str, str]]:
    """What is read besides each column's own value: (source column, raw text SQL, test, reason, its values' SQL).

    The minus column must be a number, money must carry no other currency's mark,
    and the currency column must say ours. Test and values read the raw text as `_x`.
    """
    mark = f"regexp_extract(_x, {literal(money.MARK_REGEX)}, 1)"
    ours = literal(currency)
    accepted = ", ".join(literal(m) for m in money.marks(currency))
    checks = []
    for col in profile.table.columns:
        cmap = profile.columns.get(col.name)
        if cmap is None or cmap.source is None:
            continue
        if cmap.minus:
            raw = locale.null_words(cells(cmap.minus))
            parsed = _number("_x", col, profile, decisions)
            checks.append((cmap.minus, raw, f"_x is not null and {parsed} is null", "not a number", args_sql(None)))
        if col.money:
            for source in filter(None, (cmap.source, cmap.minus)):
                test = f"{mark} <> '' and {mark} not in ({accepted})"
                reason = "marked {mark}, but Legame counts in {currency}: convert it first"
                values = f"json_object('mark', {mark}, 'currency', {ours})::varchar"
                checks.append((source, cells(source), test, reason, values))
    for name in profile.table.key:
        cmap = profile.columns.get(name)
        if cmap and cmap.source and profile.table.column(name).kind == "text":
            # 1.22158E+17: an id Excel turned into a rounded number when the file was opened and saved
            # (1,22158E+17 in a language that writes a decimal comma, Italian among them).
            # The regex runs only on a value with a '+', which it needs: not on every id of the file.
            test = "case when contains(_x, '+') then regexp_full_match(_x, '\\d([.,]\\d+)?[eE]\\+\\d+') else false end"
            reason = "rounded by Excel into a number: export the file again without opening it in Excel"
            checks.append((cmap.source, cells(cmap.source), test, reason, args_sql(None)))
    for i, col in enumerate(profile.table.columns):
        cmap = profile.columns.get(col.name)
        if cmap is not None and cmap.source is not None and cmap.until and col.kind == "date":
            # The row's range ends on its end column's date: one day, or the row is not that day's (`_p<i>`).
            until = replace(cmap, source=cmap.until, alternatives=())
            end = parse_expr(col, until, profile, decisions, lambda _: "_x")[0]
            # A daily export writes the same text twice (`_r<i>` is the day's): only other text is parsed.
            test = f"_x <> _r{i} and {end} <> _p{i}"
            values = f"json_object('start', strftime(_p{i}, '%Y-%m-%d'), 'end', strftime({end}, '%Y-%m-%d'))::varchar"
            checks.append((cmap.until, cells(cmap.until), test, RANGE_REASON, values))
    if profile.currency_column:
        raw = cells(profile.currency_column)
        test = f"upper(_x) <> {literal(currency.upper())}"
        reason = "in {code}, but Legame counts in {currency}: convert it first"
        values = f"json_object('code', upper(_x), 'currency', {ours})::varchar"
        checks.append((profile.currency_column, raw, test, reason, values))
    return checks


def once_per_email(col: Column, cmap: ColumnMap, profile: Profile) -> bool:
    """Whether the column's person id is computed once per distinct cell of the file (`Lookup`): an email that
    is not the table's key and whose people repeat in the file (profiles.with_repeats: a person's acts, orders).

    A person id is a salted sha256 of the address, which costs DuckDB ~0.55 CPU-s per million rows: the single
    largest piece of a first load's parsing. When every row names another person, the lookup's distinct, join
    and copy of the cells cost more than they save (0.2-0.35 CPU-s per million rows): each is hashed on its row."""
    return (
        col.kind == "person" and bool(cmap.email) and col.name in profile.repeated and col.name not in profile.table.key
    )


class Lookup:
    """One column parsed once per distinct trimmed cell, in a select the parsing joins on the cell: the
    same SQL (`parse_expr`) over the same text, so the same values, null for an empty cell as on its row."""

    def __init__(self, name: str, cell: str, expr: str) -> None:
        self.name, self.cell, self.expr = name, cell, expr

    def join(self, rows: str, read: str) -> str:
        """The left join of `rows` (the alias of the file's trimmed cells) with this column's value per distinct
        cell, the distinct cells taken from `read` (a select of the trimmed cells: a read of the file of their own)."""
        distinct = f"select distinct {self.cell} as _e from ({read}) where {self.cell} is not null"
        return (
            f"left join (select _e, {self.expr} as _v from ({distinct})) as {self.name} "
            f"on {rows}.{self.cell} = {self.name}._e"
        )


def _parts(
    profile: Profile, decisions: Decisions | None, currency: str, lookups: list[Lookup] | None = None
) -> tuple[Cells, list[str], list[str], list[str], list[str]]:
    """SQL fragments: the file's columns trimmed (innermost select), parsed and raw values (inner select), output
    columns, bad-row tests, error structs.

    `lookups`: when a list, the columns `once_per_email` parses are appended to it as `Lookup`s, and the inner
    select reads their values from the lookup's join (`staging_select`) instead of parsing them on every row."""
    cells = Cells()
    table = profile.table
    inner: list[str] = []
    outputs: list[str] = []
    bad: list[str] = []
    errors: list[str] = []
    for j, (source, raw, test, reason, values) in enumerate(_extra_checks(profile, decisions, currency, cells)):
        # Each check reads its own copy of the raw text, named _x<j> in the outer select.
        alias = f"_x{j}"
        failed, args = (re.sub(r"\b_x\b", alias, sql) for sql in (test, values))
        failed = f"coalesce({failed}, false)"  # an empty value fails no check
        inner.append(f"{raw} as {alias}")
        bad.append(failed)
        errors.append(_error(failed, literal(source), alias, reason, args))
    refund = next(
        (f"_p{i}" for i, c in enumerate(table.columns) if c.name == "is_refund" and c.name in profile.columns), None
    )
    for i, col in enumerate(table.columns):
        cmap = profile.columns.get(col.name)
        if cmap is None:
            # A key column that may be absent becomes '' so the key can still match.
            empty = "''" if col.name in table.key else "null"
            outputs.append(f"{empty}::{col.sql_type} as {col.name}")
            continue
        expr, reason, values = parse_expr(col, cmap, profile, decisions, cells)
        parsed, raw = f"_p{i}", f"_r{i}"
        if lookups is not None and once_per_email(col, cmap, profile):
            lookup = Lookup(f"_l{i}", cells(cmap.source), parse_expr(col, cmap, profile, decisions, lambda _: "_e")[0])
            lookups.append(lookup)
            expr = f"{lookup.name}._v"
        inner.append(f"{expr} as {parsed}")
        keyed = col.name in table.key and not col.required
        outputs.append(f"{f'coalesce({parsed}, {chr(39) * 2})' if keyed else parsed} as {col.name}")
        if cmap.source is None:
            continue
        inner.append(f"{raw_text(col, cmap, cells)} as {raw}")
        label = literal(cmap.source)
        if col.required and "" not in cmap.values:  # unless the profile names a value for an empty cell
            bad.append(f"{raw} is null")
            errors.append(_error(f"{raw} is null", label, "null", "missing value", args_sql(None)))
        if reason:
            bad.append(f"({raw} is not null and {parsed} is null)")
            errors.append(_error(f"{raw} is not null and {parsed} is null", label, raw, reason, args_sql(values)))
        for test, why, args in _implausible(col, parsed, refund):
            failed = f"coalesce({test}, false)"
            bad.append(failed)
            errors.append(_error(failed, label, raw, why, args))
    return cells, inner, outputs, bad, errors


def _error(failed: str, column: str, value: str, reason: str, args: str) -> str:
    """SQL of one error struct, null unless `failed`: the column, the raw value, the reason and its values."""
    return (
        f"case when {failed} then {{'column': {column}, 'value': {value}, "
        f"'reason': {literal(reason)}, 'args': {args}}} end"
    )


RANGE_REASON = (
    "covers {start} to {end} in one row, but Legame needs one row per day: export it again broken down by day"
)

# Plausibility (config.yaml `plausibility`), bound as parameters of every staging select:
# $earliest and $latest (dates), $negatives (true: counts and amounts may be below zero).
EARLIEST_REASON = "a date before {earliest}, the earliest plausible date (config.yaml plausibility.earliest_date)"
LATEST_REASON = "a date after {latest}, the latest plausible date (config.yaml plausibility.latest_days_ahead)"


def _implausible(col: Column, parsed: str, refund: str | None) -> list[tuple[str, str, str]]:
    """(test, reason, its values' SQL) for a parsed value outside the plausible range: a date too early or
    too late, a count or amount below zero (unless the row is a refund, `refund` its parsed flag)."""
    if col.kind in ("date", "timestamp"):
        day = f"({parsed})::date"
        earliest = "json_object('earliest', strftime($earliest::date, '%Y-%m-%d'))::varchar"
        latest = "json_object('latest', strftime($latest::date, '%Y-%m-%d'))::varchar"
        return [
            (f"{day} < $earliest::date", EARLIEST_REASON, earliest),
            (f"{day} > $latest::date", LATEST_REASON, latest),
        ]
    if col.kind in ("number", "integer") and not col.bounds:
        none = args_sql(None)
        if col.money and refund:
            why = "below zero on a row that is not a refund (config.yaml plausibility.negatives)"
            return [(f"not $negatives and {parsed} < 0 and not coalesce({refund}, false)", why, none)]
        why = "below zero: a count or amount cannot be negative (config.yaml plausibility.negatives)"
        return [(f"not $negatives and {parsed} < 0", why, none)]
    return []


# A first cell like `Total`, `Total: Account`, `Grand total`, `Totale`, `Gesamt`: a report's total row.
TOTAL_ROW = r"^\s*(grand\s+)?(totals?|totale|totali|totaux|gesamt|summe|suma)\b"
# Further along the row, only a whole cell that is a total's label (`Total: Account`, `Totale`):
# a user may move the label's column (Google Ads' Campaign after Cost, a title before YouTube's
# Contenuti), and a campaign named "Total Injury Law" is no label. The cells are joined by a
# unit separator and searched once.
TOTAL_CELLS = 6  # the first cells of a row looked at
_TOTAL_CELL = r"(^|\x1f)\s*(grand\s+)?(totals?|totale|totali|totaux|gesamt|summe|suma)\s*(:[^\x1f]*)?(\x1f|$)"


def total_sql(header: list[str]) -> str:
    """Whether a row of `_raw` (its first cell) reads like a total row's, or one of its next cells is a total's label.

    Two case-insensitive regular expressions per row: the pipeline asks it only of rows that could not be read.
    """
    if not header:
        return "false"
    first = f"regexp_matches({ident(header[0])}, {literal(TOTAL_ROW)}, 'i')"
    further = header[1:TOTAL_CELLS]
    if not further:
        return first
    cells = ", ".join(f"coalesce({ident(h)}, '')" for h in further)
    return f"({first} or regexp_matches(concat_ws(chr(31), {cells}), {literal(_TOTAL_CELL)}, 'i'))"


def _skip_sql(profile: Profile, header: list[str]) -> str:
    """Why a numbered row is skipped rather than read, else null.

    'below_header': one of the profile's rows below the header; 'continued' and
    'only_if': the profile's options say the row is not a record of its own;
    'empty': no cell of the row has a value (a blank spreadsheet row).
    """
    cases = []
    if profile.skip_rows_after_header:
        cases.append(f"when _row <= {int(profile.skip_rows_after_header)} then 'below_header'")
    if profile.continuation_if_empty:
        cases.append(f"when {cell(profile.continuation_if_empty)} is null then 'continued'")
    if header:
        empty = " and ".join(f"{cell(h)} is null" for h in header)
        cases.append(f"when {empty} then 'empty'")
    if profile.only_if:
        column, values = profile.only_if
        if values:
            kept = ", ".join(literal(v.lower()) for v in values)
            cases.append(f"when lower(trim(coalesce({ident(column)}, ''))) not in ({kept}) then 'only_if'")
        else:  # only rows where the column has a value
            cases.append(f"when {cell(column)} is null then 'only_if'")
    return f"case {' '.join(cases)} end" if cases else "null::varchar"


def staging_select(
    profile: Profile,
    source: str = "_raw",
    numbered: bool = True,
    decisions: Decisions | None = PLAIN,
    currency: str = "EUR",
    header: list[str] | None = None,
) -> str:
    """select [_row, _skip,] <canonical columns>, _bad from `source`, each value parsed once.

    `_bad` is true for a row with a missing required value or a value that
    could not be read; `errors_select` says which and why, for those rows only.
    `numbered`: the source carries `_row`, the row's position in the file; then
    `_skip` says why a row is not data (`_skip_sql`, on the file's `header` columns).
    """
    lookups: list[Lookup] = []
    cells, inner, outputs, bad, _ = _parts(profile, decisions, currency, lookups)
    row = []
    if numbered:
        row = ["_row", f"{_skip_sql(profile, header or [])} as _skip"]
    kept = ["_row", "_skip"] if numbered else []
    read = f"select {', '.join([*row, *cells.select()])} from {source}"
    parsed = f"select {', '.join([*kept, *outputs])}, {' or '.join(bad) or 'false'} as _bad"
    if not lookups:
        return f"{parsed} from (select {', '.join([*kept, *inner])} from ({read}))"
    # The file is read twice, each lookup's distinct cells from a read of their own: kept (materialized) so as to
    # read it once, the cells of a 20 M-row file spilled ~1.2 GB under the 1 GB cap, raw addresses included, into
    # the warehouse's .tmp folder, which DuckDB 1.5 leaves behind when the process is killed (duckdb#24576); and
    # the kept cells added 400 MB to a 5 M-row load's peak RSS. Two subqueries, not a CTE: DuckDB 1.5.5
    # materializes a CTE over read_csv even when it is declared `not materialized` (its plan shows CTE and
    # CTE_SCAN, one READ_CSV). Read twice, the insert of 5 M rows with 1 M people costs ~0.5-1 CPU-s more than
    # with the cells kept (medians of interleaved rounds in one process: kept 8.95-9.51, twice 9.96-10.04) and
    # still less than hashing on every row (12.48).
    joins = " ".join(lookup.join("_cells", read) for lookup in lookups)
    kept = [f"_cells.{k}" for k in kept]
    return f"{parsed} from (select {', '.join([*kept, *inner])} from ({read}) as _cells {joins})"


def errors_select(profile: Profile, decisions: Decisions | None = PLAIN, currency: str = "EUR") -> str:
    """select _row, _errors (a list of {column, value, reason, args}) for the rows `staging_select` marked bad."""
    cells, inner, _, _, errors = _parts(profile, decisions, currency)
    error_list = f"list_filter([{', '.join(errors)}], lambda e: e is not null)" if errors else "[]"
    bad_rows = "_row in (select _row from _staged where _bad)"
    return (
        f"select _row, {error_list} as _errors from (select {', '.join(['_row', *inner])} from "
        f"(select {', '.join(['_row', *cells.select()])} from _raw where {bad_rows}))"
    )
