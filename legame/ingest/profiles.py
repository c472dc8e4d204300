"""Export profiles: recognise a file by its header and map its columns onto a canonical table.

Vendor profiles are data: the built-in ones in legame/ingest/formats/*.yaml (one
file per tool), those saved from the mapping screen in warehouse.profiles_dir, and
any under `profiles:` in config.yaml, later ones replacing earlier ones of the same
name. The canonical profile of each table is derived from the warehouse schema, so a
file using Legame's own column names always loads without configuration.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from legame.config import Config
from legame.errors import ConfigError, UnrecognisedExport
from legame.i18n import _, ngettext, pgettext
from legame.ingest import currency as money
from legame.ingest.sniff import Sniffed, repeats, unique_names
from legame.warehouse import TABLES, Table, table_word


@dataclass(frozen=True)
class ColumnMap:
    """Where one canonical column comes from and how its text is read."""

    source: str | None = None  # the export's column; None with a fixed value
    # Other names the export has given the column (versions, UI languages): the first present is read.
    alternatives: tuple[str, ...] = ()
    pattern: str | None = None  # or the first header column matching this regex (case-insensitive)
    minus: str | None = None  # a number column: the value is source minus this column (empty = 0)
    prefix: str | None = None  # a text column: written before the value (ids unique across tools)
    hash_of: tuple[str, ...] = ()  # a text column made of these columns together (an id the export lacks)
    value: Any = None  # fixed value for every row
    fmt: str | None = None  # strptime format for dates
    values: dict[str, Any] = field(default_factory=dict)  # vendor word -> canonical value
    email: bool = False  # the source is an email, stored only as a salted hash
    # A value taken from the file's name: the first group of this regex (searched case-insensitively),
    # after `prefix`; the file must match it (a member's Discourse archive names the member only there).
    from_file_name: str | None = None
    # A date column read from a range's start column: its end column, by start column (Meta's export without
    # the day breakdown); `until` is the one `bind` found. A row whose range ends on another day is rejected.
    ends: dict[str, str] = field(default_factory=dict)
    until: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the export may give this column, in the order they are tried."""
        return self.alternatives or ((self.source,) if self.source else ())


@dataclass(frozen=True)
class Profile:
    """How one kind of export maps onto one canonical table."""

    name: str
    label: str
    table: Table
    detect: tuple[str, ...]
    columns: dict[str, ColumnMap]
    # None: decided from each column's values (legame.ingest.locale).
    decimal: str | None = None
    thousands: str | None = None
    date_order: str | None = None  # 'dmy' or 'mdy': the order of dates that read either way
    # The export's column that, when empty, marks a row continuing the row above
    # (Shopify's extra line items of an order): such rows are skipped, not rejected.
    continuation_if_empty: str | None = None
    # Header columns matching these regexes must be present too (columns named after a survey question).
    detect_patterns: tuple[str, ...] = ()
    # One of each group must be present too: a column the export names in more than one way.
    detect_alternatives: tuple[tuple[str, ...], ...] = ()
    skip_rows_after_header: int = 0  # rows below the header that are not data (question texts, ids)
    currency_column: str | None = None  # rows in another currency than config.yaml's are rejected
    # The export's currency column when it has one (the first of these names present): a column the
    # user may leave out of the report (Google Ads' Currency code), read as `currency_column` when there.
    currency_column_if_present: tuple[str, ...] = ()
    # (column, values): only rows whose column holds one of the values (any value, when there are none)
    # are loaded; the rest are counted.
    only_if: tuple[str, tuple[str, ...]] | None = None
    only_if_why: str = ""  # why the other rows are not this table's, in the report's words
    # The person columns whose emails repeat across this file's rows (`with_repeats`): their ids are hashed
    # once per distinct email (normalise.Lookup). A property of one file, not of the export's kind.
    repeated: frozenset[str] = frozenset()
    # Rows of one file sharing the table's key are added up (`repeated_keys: add`: an ad export broken down
    # below the campaign); otherwise the last one counts.
    add_repeats: bool = False

    @property
    def source_columns(self) -> set[str]:
        """The export's columns this profile reads."""
        maps = self.columns.values()
        extra = [self.currency_column, self.only_if[0] if self.only_if else None, self.continuation_if_empty]
        hashed = [c for m in maps for c in m.hash_of]
        ends = [m.until for m in maps]
        return {c for c in [*(m.source for m in maps), *(m.minus for m in maps), *hashed, *ends, *extra] if c}

    @property
    def numbered_read(self) -> bool:
        """Whether rows must be read in file order to be skipped and counted (not only rejected)."""
        return bool(self.continuation_if_empty or self.skip_rows_after_header or self.only_if)


def _names(spec: Any) -> tuple[str, ...]:
    """A column's name, or its alternative names (`[Created date (UTC), Created (UTC)]`)."""
    if isinstance(spec, list) and spec and all(isinstance(s, str) for s in spec):
        return tuple(spec)
    raise ConfigError(_("A profile column's alternative names must be a list of names, not {spec}.", spec=repr(spec)))


def _currency_names(spec: Any) -> tuple[str, ...]:
    """`currency_column_if_present`: one name or a list of the names the export gives it."""
    if not spec:
        return ()
    return (spec,) if isinstance(spec, str) else _names(spec)


def _column_map(spec: Any) -> ColumnMap:
    if isinstance(spec, str):
        return ColumnMap(source=spec)
    if isinstance(spec, list):
        names = _names(spec)
        return ColumnMap(source=names[0], alternatives=names)
    if isinstance(spec, dict):
        if spec.get("match") is not None:
            _regex(spec["match"])
        if spec.get("from_file_name") is not None:
            _regex(spec["from_file_name"])
        hash_of = tuple(str(c) for c in spec.get("hash_of") or ())
        column = spec.get("column")
        alternatives = _names(column) if isinstance(column, list) else ()
        return ColumnMap(
            source=hash_of[0] if hash_of else alternatives[0] if alternatives else column,
            alternatives=alternatives,
            from_file_name=spec.get("from_file_name"),
            hash_of=hash_of,
            pattern=spec.get("match"),
            minus=spec.get("minus"),
            prefix=spec.get("prefix"),
            value=spec.get("value"),
            fmt=spec.get("format"),
            values={_word(k): v for k, v in (spec.get("values") or {}).items()},
            email=bool(spec.get("email", False)),
            ends={str(k): str(v) for k, v in (spec.get("ends") or {}).items()},
        )
    raise ConfigError(_("A profile column must be a column name or a mapping, not {spec}.", spec=repr(spec)))


def _word(word: Any) -> str:
    """A word of an export, as a profile names it; YAML reads a bare Yes, No, On or Off as true/false."""
    if isinstance(word, bool):
        raise ConfigError(
            _(
                "A profile names the word {word}: YAML reads a bare Yes, No, On, Off, True or False as that. "
                "Put the export's word in quotes, e.g. 'Yes'.",
                word=repr(word),
            )
        )
    return str(word)


def _regex(pattern: Any) -> re.Pattern[str]:
    try:
        return re.compile(str(pattern), re.IGNORECASE)
    except re.error as exc:
        raise ConfigError(_("{pattern} is not a valid pattern: {error}", pattern=repr(pattern), error=exc)) from None


def _only_if(name: str, spec: Any) -> tuple[str, tuple[str, ...]] | None:
    if spec is None:
        return None
    if isinstance(spec, dict) and spec.get("column") and spec.get("not_empty") is True:
        return str(spec["column"]), ()  # no values: any value will do
    if not isinstance(spec, dict) or not spec.get("column") or not isinstance(spec.get("values"), list):
        raise ConfigError(
            _("Profile {name}: only_if needs a column and a list of values (or not_empty: true).", name=name)
        )
    return str(spec["column"]), tuple("" if v is None else _word(v) for v in spec["values"])


def _only_if_why(spec: Any) -> str:
    return str(spec.get("why", "")) if isinstance(spec, dict) else ""


def _date_order(value: Any, where: str) -> str | None:
    if value not in (None, "dmy", "mdy"):
        raise ConfigError(_("{where}: date_order must be dmy or mdy, not {value}.", where=where, value=repr(value)))
    return value


def default_date_order(profile: Profile, config: Config) -> str:
    """The order of dates that read either way: the profile's `date_order`, else config.yaml's, else day first."""
    return profile.date_order or _date_order(config.get("date_order", default=None), "config.yaml") or "dmy"


def profile_label(profile: Profile) -> str:
    """The profile's name as the reader reads it: a built-in format's label in their language, a saved
    profile's as the user typed it."""
    if profile.name.startswith("canonical_"):
        return _("Legame {table} (canonical columns)", table=table_word(profile.table.name))
    if profile.label in _builtin_labels():
        return pgettext("format", profile.label)
    return profile.label


@lru_cache(maxsize=1)
def _builtin_labels() -> frozenset[str]:
    return frozenset(s["label"] for _name, s in _builtin_specs() if isinstance(s.get("label"), str))


def vendor_profile(name: str, spec: dict[str, Any]) -> Profile:
    """Build one profile from its config.yaml entry, checking it against the schema."""
    table = TABLES.get(spec.get("table", ""))
    if table is None:
        raise ConfigError(
            _(
                "Profile {name}: table must be one of {tables}, not {table}.",
                name=name,
                tables=", ".join(TABLES),
                table=repr(spec.get("table")),
            )
        )
    columns = {canonical: _column_map(s) for canonical, s in (spec.get("columns") or {}).items()}
    unknown = set(columns) - {c.name for c in table.columns}
    if unknown:
        raise ConfigError(
            _(
                "Profile {name}: {table} has no column {columns}.",
                name=name,
                table=table.name,
                columns=", ".join(sorted(unknown)),
            )
        )
    missing = [c.name for c in table.columns if c.required and c.name not in columns]
    for canonical, cmap in columns.items():
        if cmap.hash_of and table.column(canonical).kind != "text":
            raise ConfigError(_("Profile {name}: hash_of makes a text id, not {column}.", name=name, column=canonical))
        if cmap.minus and table.column(canonical).kind != "number":
            raise ConfigError(
                _("Profile {name}: minus works only on a number column, not {column}.", name=name, column=canonical)
            )
    if missing:
        raise ConfigError(
            ngettext(
                "Profile {name}: required column {columns} is not mapped.",
                "Profile {name}: required columns {columns} are not mapped.",
                len(missing),
                name=name,
                columns=", ".join(missing),
            )
        )
    detect_spec = spec.get("detect") or [
        *sorted({m.source for m in columns.values() if m.source and not m.alternatives}),
        *(list(m.alternatives) for m in columns.values() if m.alternatives),
    ]
    detect_columns = tuple(str(d) for d in detect_spec if not isinstance(d, dict | list))
    detect_alternatives = tuple(_names(d) for d in detect_spec if isinstance(d, list))
    detect_patterns = tuple(str(d["match"]) for d in detect_spec if isinstance(d, dict) and "match" in d)
    for pattern in detect_patterns:
        _regex(pattern)
    continuation = spec.get("continuation_if_empty")
    if continuation is not None and continuation not in detect_columns:
        raise ConfigError(_("Profile {name}: continuation_if_empty must be one of its detect columns.", name=name))
    return Profile(
        name=name,
        label=spec.get("label", name),
        table=table,
        detect=detect_columns,
        columns=columns,
        decimal=spec.get("decimal"),
        thousands=spec.get("thousands"),
        date_order=_date_order(spec.get("date_order"), f"Profile {name}"),
        continuation_if_empty=continuation,
        detect_patterns=detect_patterns,
        detect_alternatives=detect_alternatives,
        skip_rows_after_header=int(spec.get("skip_rows_after_header", 0)),
        currency_column=spec.get("currency_column"),
        currency_column_if_present=_currency_names(spec.get("currency_column_if_present")),
        only_if=_only_if(name, spec.get("only_if")),
        only_if_why=_only_if_why(spec.get("only_if")),
        add_repeats=_add_repeats(name, spec.get("repeated_keys"), table),
    )


def _add_repeats(name: str, value: Any, table: Table) -> bool:
    """`repeated_keys`: last (the last row of a key counts) or add (they are added up, which only a table
    whose every other column is a count or an amount allows: a reach or a date cannot be added)."""
    if value in (None, "last"):
        return False
    additive = all(c.kind in ("number", "integer") and not c.bounds for c in table.columns if c.name not in table.key)
    if value != "add" or not additive:
        raise ConfigError(
            _("Profile {name}: repeated_keys must be last, or add for a table of counts and amounts.", name=name)
        )
    return True


def bind(profile: Profile, header: tuple[str, ...], file_name: str = "") -> Profile | None:
    """`profile` fitted to `header` (and `file_name`); None when the header is not its export.

    Every `detect` column must be present (any case), one name of each group of
    alternatives, and every detect pattern must match a column; a column with
    alternative names reads the first one present, a column mapped by pattern the
    first header column it matches. An optional column the file lacks is left out (an
    export without Meta's Platform column still loads); a required one, or a column read
    besides a value (minus, hash_of, the currency column, only_if), that the file lacks
    means it is not the export; so does a file name that a column taken from it does not match.
    """
    present = {h.strip().lower() for h in header}
    if any(d.lower() not in present for d in profile.detect):
        return None
    chosen = [next((a for a in group if a.lower() in present), None) for group in profile.detect_alternatives]
    if None in chosen:
        return None
    # Columns are read by the names the pipeline gives them (a repeated Cost is also Cost_2).
    present |= {n.lower() for n in unique_names(header)}

    def first_match(pattern: str) -> str | None:
        regex = _regex(pattern)
        return next((h for h in header if regex.search(h)), None)

    found = [first_match(p) for p in profile.detect_patterns]
    if None in found:
        return None
    besides = [profile.currency_column, profile.only_if[0] if profile.only_if else None]
    besides += [c for m in profile.columns.values() for c in (m.minus, *m.hash_of)]
    if any(c and c.lower() not in present for c in besides):
        return None
    columns: dict[str, ColumnMap] = {}
    for name, cmap in profile.columns.items():
        if cmap.from_file_name:
            found_in_name = _regex(cmap.from_file_name).search(Path(file_name).name)
            if found_in_name is None or not found_in_name.group(1):
                return None
            value = (cmap.prefix or "") + found_in_name.group(1)
            columns[name] = replace(cmap, source=None, value=value, prefix=None, from_file_name=None)
            continue
        source = first_match(cmap.pattern) if cmap.pattern else cmap.source
        if cmap.alternatives:
            source = next((a for a in cmap.alternatives if a.lower() in present), None)
        if source is not None and source.lower() not in present:
            source = None
        if source is None and (cmap.pattern or cmap.source):
            if cmap.value is not None:  # the value to use when the file lacks the column
                columns[name] = replace(cmap, source=None, pattern=None)
                continue
            if profile.table.column(name).required:
                return None
            continue
        if cmap.ends:
            end = next((e for s_, e in cmap.ends.items() if source and s_.lower() == source.lower()), None)
            cmap = replace(cmap, until=end if end and end.lower() in present else None)
        columns[name] = replace(cmap, source=source, pattern=None) if cmap.pattern or cmap.alternatives else cmap
    detected = profile.detect + tuple(f for f in [*chosen, *found] if f and f not in profile.detect)
    currency = profile.currency_column or next(
        (h for n in profile.currency_column_if_present for h in header if h.strip().lower() == n.lower()), None
    )
    return replace(
        profile,
        columns=columns,
        detect=detected,
        detect_patterns=(),
        detect_alternatives=(),
        currency_column=currency,
        currency_column_if_present=(),
    )


def _canonical_columns(table: Table, header: tuple[str, ...]) -> dict[str, ColumnMap]:
    """The header's columns that carry `table`'s canonical names (an email may stand for person_id)."""
    by_name = {h.strip().lower(): h for h in header}
    columns: dict[str, ColumnMap] = {}
    for col in table.columns:
        if col.name in by_name:
            columns[col.name] = ColumnMap(source=by_name[col.name])
        elif col.name == "person_id" and "email" in by_name:
            columns[col.name] = ColumnMap(source=by_name["email"], email=True)
    return columns


def _mostly_this_table(columns: dict[str, ColumnMap], header: tuple[str, ...]) -> bool:
    # A file of orders that lacks `revenue` must not pass for a people file just
    # because it has person_id: at least half its columns must belong here.
    return 2 * len(columns) >= len(header)


def canonical_profile(table: Table, header: tuple[str, ...]) -> Profile | None:
    """The canonical profile of `table` if `header` uses its column names, else None."""
    columns = _canonical_columns(table, header)
    if any(c.required and c.name not in columns for c in table.columns):
        return None
    if not _mostly_this_table(columns, header):
        return None
    return Profile(
        name=f"canonical_{table.name}",
        label=f"Legame {table.name} (canonical columns)",
        table=table,
        detect=tuple(m.source for m in columns.values() if m.source),
        columns=columns,
    )


FORMATS_DIR = Path(__file__).parent / "formats"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's safe loader when built in: 10x faster


def _read_profiles(path: Path) -> dict[str, dict[str, Any]]:
    try:
        specs = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(_("{path} is not valid YAML: {error}", path=path, error=exc)) from None
    if not isinstance(specs, dict) or not all(isinstance(s, dict) for s in specs.values()):
        raise ConfigError(_("{path} must map profile names to profiles.", path=path))
    return specs


@lru_cache(maxsize=1)
def _builtin_specs() -> tuple[tuple[str, dict[str, Any]], ...]:
    return tuple((n, s) for path in sorted(FORMATS_DIR.glob("*.yaml")) for n, s in _read_profiles(path).items())


def saved_profiles_dir(config: Config) -> Path:
    """Where the mapping screen saves profiles (warehouse.profiles_dir in config.yaml)."""
    return config.root / config.get("warehouse", "profiles_dir", default="data/profiles")


def profile_specs(config: Config) -> dict[str, dict[str, Any]]:
    """Every vendor profile's spec by name: built-in, then saved, then config.yaml's (a later name replaces)."""
    specs = dict(_builtin_specs())
    saved = saved_profiles_dir(config)
    if saved.is_dir():
        for path in sorted(saved.glob("*.yaml")):
            specs.update(_read_profiles(path))
    specs.update(config.get("profiles", default={}) or {})
    return specs


def vendor_profiles(config: Config) -> list[Profile]:
    return [vendor_profile(name, spec) for name, spec in profile_specs(config).items()]


def detect(header: tuple[str, ...], config: Config, file_name: str) -> tuple[Profile, str]:
    """Pick the profile for a header, with the reason in words.

    Candidates are every vendor profile whose `detect` columns are all present and
    every canonical profile whose required columns are. The one that maps the most
    of the file's columns wins; among those mapping as many, a vendor profile beats
    a canonical one, then the one recognised by more header columns (the more
    specific `detect`), then the one listed first, so the choice never depends on chance.
    """
    present = {h.strip().lower() for h in header}
    vendors = [b for p in vendor_profiles(config) if (b := bind(p, header, file_name))]
    canonicals = [p for t in TABLES.values() if (p := canonical_profile(t, header))]
    candidates: list[Profile] = vendors + canonicals
    if not candidates:
        raise UnrecognisedExport(_unrecognised_message(header, config, file_name))

    def mapped(p: Profile) -> int:
        return len({s.lower() for s in p.source_columns} & present)

    def rank(ip: tuple[int, Profile]) -> tuple[int, bool, int, int]:
        i, p = ip
        return (-mapped(p), p in canonicals, -len(p.detect), i)

    scored = [p for _i, p in sorted(enumerate(candidates), key=rank)]
    chosen = scored[0]
    columns = ", ".join(chosen.detect)
    if len(scored) == 1:
        return chosen, _("its header has the columns {columns}", columns=columns)
    others = ", ".join(profile_label(p) for p in scored[1:])
    runner_up = scored[1]
    label, count = profile_label(chosen), mapped(chosen)
    if mapped(runner_up) < count:
        why = _("{profile} maps more of its columns", profile=label)
    elif (runner_up in canonicals) != (chosen in canonicals):
        why = _("both map {count} of its columns and a named export format comes before Legame's own", count=count)
    elif len(runner_up.detect) < len(chosen.detect):
        why = _(
            "both map {count} of its columns and {profile} is recognised by more of them ({more} against {fewer})",
            count=count,
            profile=label,
            more=len(chosen.detect),
            fewer=len(runner_up.detect),
        )
    else:
        why = _(
            "both map {count} of its columns and {profile} comes first in the list of profiles",
            count=count,
            profile=label,
        )
    reason = _(
        "its header has the columns {columns}; it also matched {others}, but {why}",
        columns=columns,
        others=others,
        why=why,
    )
    return chosen, reason


def _either(items: list[str]) -> str:
    """'A or B or C' in the reader's language."""
    text = items[0]
    for item in items[1:]:
        text = _("{first} or {second}", first=text, second=item)
    return text


def _matching(pattern: str) -> str:
    return _("a column whose name matches {pattern}", pattern=repr(pattern))


def _without_currency(name: str) -> str:
    """A column name with its currency code taken out: 'Importo speso (USD)' -> 'importo speso ()'."""
    return re.sub(r"\b[A-Z]{3}\b", "", name).strip().lower()


def _in_another_currency(header: tuple[str, ...], config: Config, file_name: str) -> str | None:
    """Why a file an export format would know is refused, when all it lacks is its money column in our currency.

    Meta's Italian export names the currency in the amount's column, `Importo speso (EUR)`; the
    same export from an account billed in dollars has `Importo speso (USD)`. Naming the euro column
    as what the file lacks would invite renaming dollars into euros.
    """
    present = {h.strip().lower() for h in header}
    ours = config.currency.upper()
    for profile in vendor_profiles(config):
        lacking = [d for d in profile.detect if d.lower() not in present]
        if not lacking or any(money.named_in_header(d) != ours for d in lacking):
            continue
        if any(not any(a.lower() in present for a in group) for group in profile.detect_alternatives):
            continue
        theirs = [
            h
            for d in lacking
            for h in header
            if (code := money.named_in_header(h)) and code != ours and _without_currency(h) == _without_currency(d)
        ]
        if len(theirs) == len(lacking):
            return _(
                "{file_name} has the columns of {profile}, but its amounts are in {code} ({column}) and Legame "
                "counts every amount in {currency} (config.yaml), converting none. Export the report from an "
                "account billed in {currency}, or convert the amounts first.",
                file_name=file_name,
                profile=profile_label(profile),
                code=money.named_in_header(theirs[0]),
                column=theirs[0],
                currency=ours,
            )
    return None


def _unrecognised_message(header: tuple[str, ...], config: Config, file_name: str) -> str:
    """Name the closest table or profile and what the file lacks for it."""
    present = {h.strip().lower() for h in header}
    best_gap: tuple[int, str] | None = None
    too_many: tuple[int, str] | None = None  # the file has a table's needed columns among too many others
    for table in TABLES.values():
        columns = _canonical_columns(table, header)
        lacking = [c.name for c in table.columns if c.required and c.name not in columns]
        if not _mostly_this_table(columns, header):
            if not lacking and len(columns) >= 2 and (too_many is None or len(columns) > too_many[0]):
                read = {m.source.lower() for m in columns.values() if m.source}
                others = [h for h in header if h.strip().lower() not in read]
                shown = ", ".join(others[:8]) + (" …" if len(others) > 8 else "")
                needed = ", ".join(c.name for c in table.columns if c.required)
                too_many = (
                    len(columns),
                    _(
                        "{file_name} has every column Legame's {table} format needs ({needed}), but {others} of its "
                        "{columns} columns are not {table} columns ({shown}), and a file is read in Legame's own "
                        "format only when at least half of its columns are. Remove the other columns, or map the "
                        "file on the upload page.",
                        file_name=file_name,
                        table=table_word(table.name),
                        needed=needed,
                        others=len(others),
                        columns=len(header),
                        shown=shown,
                    ),
                )
            elif lacking and len(columns) >= 2:
                # Two rules fail, not one: name both, or the file is refused with no word on either.
                gap = (
                    len(lacking),
                    ngettext(
                        "Legame's {table} format needs the column {columns}, and a file is read in it only when at "
                        "least half of its columns are {table} columns ({found} of this file's {count} are)",
                        "Legame's {table} format needs the columns {columns}, and a file is read in it only when at "
                        "least half of its columns are {table} columns ({found} of this file's {count} are)",
                        len(lacking),
                        table=table_word(table.name),
                        columns=", ".join(lacking),
                        found=len(columns),
                        count=len(header),
                    ),
                )
                if best_gap is None or gap[0] < best_gap[0]:
                    best_gap = gap
            continue
        gap = (
            len(lacking),
            ngettext(
                "Legame's {table} format needs the column {columns}",
                "Legame's {table} format needs the columns {columns}",
                len(lacking),
                table=table_word(table.name),
                columns=", ".join(lacking),
            ),
        )
        if best_gap is None or gap[0] < best_gap[0]:
            best_gap = gap
    for profile in vendor_profiles(config):
        lacking = [d for d in profile.detect if d.lower() not in present]
        lacking += [
            _either(list(group))
            for group in profile.detect_alternatives
            if not any(a.lower() in present for a in group)
        ]
        lacking += [_matching(p) for p in profile.detect_patterns if not any(_regex(p).search(h) for h in header)]
        if not lacking:  # recognised, but a column it needs is missing
            lacking = sorted(
                _either(list(m.names)) if m.names else _matching(str(m.pattern))
                for c, m in profile.columns.items()
                if profile.table.column(c).required
                and (m.source or m.pattern)
                and m.value is None
                and not any(n.lower() in present for n in m.names)
                and not (m.pattern and any(_regex(m.pattern).search(h) for h in header))
            )
        # Only a near miss is worth naming: the file has most of what recognises the export.
        recognised_by = len(profile.detect) + len(profile.detect_patterns) + len(profile.detect_alternatives)
        if 2 * len(lacking) > recognised_by:
            continue
        label = profile_label(profile)
        values = {"profile": label, "columns": ", ".join(lacking)}
        if label[:1].lower() in "aeiou":
            gap = (len(lacking), _("an {profile} export would have {columns}", **values))
        else:
            gap = (len(lacking), _("a {profile} export would have {columns}", **values))
        if best_gap is None or gap[0] < best_gap[0]:
            best_gap = gap
    if other_currency := _in_another_currency(header, config, file_name):
        return other_currency
    if too_many:
        return too_many[1]
    shown = ", ".join(header[:12]) + (" …" if len(header) > 12 else "")
    if best_gap:
        return _(
            "{file_name}: no known export format has the columns {shown}. Closest: {closest}. Rename the columns "
            "to Legame's own names (see README, 'Load your own exports') or map them on the upload page.",
            file_name=file_name,
            shown=shown,
            closest=best_gap[1],
        )
    return _(
        "{file_name}: no known export format has the columns {shown}. Rename the columns to Legame's own names "
        "(see README, 'Load your own exports') or map them on the upload page.",
        file_name=file_name,
        shown=shown,
    )


def with_repeats(profile: Profile, path: Path, sniffed: Sniffed) -> Profile:
    """The profile for this file, with the email columns (not the table's key) whose people repeat in it."""
    repeated = frozenset(
        name
        for name, cmap in profile.columns.items()
        if cmap.email and cmap.source and name not in profile.table.key and repeats(path, sniffed, cmap.source)
    )
    return replace(profile, repeated=repeated)
