"""The ingest pipeline: sniff → detect profile → read → normalise + validate → merge.

One file is one transaction. A preview runs the very same steps and rolls back,
so what the user confirms is exactly what loads.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from concurrent import futures
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb

from legame import aggregates, load_log, queries, raw_archive
from legame.config import Config
from legame.demo_data import delete_demo
from legame.errors import ConfigError, FatalFileError, UnrecognisedExport
from legame.fmt import NumberFormat
from legame.i18n import _, ngettext
from legame.ingest import currency as money
from legame.ingest import reasons
from legame.ingest.locale import Decisions, decide
from legame.ingest.normalise import (
    TIME_ZONE,
    errors_select,
    ident,
    literal,
    parse_expr,
    staging_select,
    total_sql,
    undecided,
)
from legame.ingest.profiles import Profile, bind, default_date_order, detect, profile_label, with_repeats
from legame.ingest.report import (
    LoadReport,
    currency_note,
    encoding_note,
    ignored_columns,
    repeated_column_notes,
    repeated_key_note,
    skipped_notes,
)
from legame.ingest.sniff import (
    PREAMBLE_LINES,
    SAMPLE_BYTES,
    BrokenLine,
    Sniffed,
    blank_lines,
    broken_lines,
    is_comment,
    line_count,
    readable,
    sniff,
    unique_names,
    without_lines,
)
from legame.limits import UploadLimits
from legame.warehouse import TABLES, Table, conflict, is_lake, retrying, rollback_quietly, table_word, take_turn

PREVIEW_ROWS = 20
REJECTS_SHOWN = 500


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sha256_and_lines(path: Path, encoding: str) -> tuple[str, int | None]:
    """The file's sha256 and its line count as `sniff.line_count` counts them, in one read of the file."""
    digest = hashlib.sha256()
    counting = not encoding.startswith("utf-16")
    newlines, previous, block = 0, b"", b""
    with open(path, "rb") as fh:
        while chunk := fh.read(LINE_BLOCK):
            digest.update(chunk)
            if counting:
                newlines += chunk.count(b"\n")
            previous, block = block, chunk
    if not counting:
        return digest.hexdigest(), None
    tail = (previous + block)[-LINE_BLOCK:]
    trailing = tail[len(tail.rstrip(b"\r\n")) :].count(b"\n")
    return digest.hexdigest(), (newlines - trailing + 1 if tail.strip() else 0)


LINE_BLOCK = 1 << 22  # sniff.line_count's block: its tail decides what counts as the last line


def _read_csv(sniffed: Sniffed, parallel: bool, null_padding: bool = False) -> str:
    """The read_csv call for the file, every column as text; $path, $delim, $encoding are bound.

    `null_padding`: a row with fewer values than the header has its last cells empty (DuckDB's
    parallel reader cannot do that with quoted newlines, so it is only asked of a read in order).
    """
    names = "[" + ", ".join(literal(n) for n in unique_names(sniffed.header)) + "]"
    padding = ", null_padding = true" if null_padding else ""
    return (
        "read_csv($path, header = true, delim = $delim, quote = '\"', escape = '\"', encoding = $encoding, "
        f"all_varchar = true, names = {names}, skip = {int(sniffed.skip)}, store_rejects = true, "
        f"parallel = {str(parallel).lower()}{padding})"
    )


def _short_rows(con: duckdb.DuckDBPyConnection) -> dict[int, int]:
    """Rows of the last read with fewer values than the header, and how many values each has."""
    rows = con.execute(
        "select line, min(error_message) from reject_errors where error_type = 'MISSING COLUMNS' "
        "group by line order by line"
    ).fetchall()
    return {int(line): int(m.group(1)) if (m := re.search(r"Found:?\s*(\d+)", msg or "")) else 0 for line, msg in rows}


def _lack_only_unread(short: dict[int, int], header: tuple[str, ...], profile: Profile) -> bool:
    """Whether every short row lacks only columns the profile does not read (Discourse's trailing group_names).

    A row that lacks a column the profile reads may be a download cut short: it stays rejected.
    """
    reads = {c.lower() for c in profile.source_columns}
    names = [n.lower() for n in unique_names(header)]
    return all(not reads.intersection(names[found:]) for found in short.values())


def _csv_params(path: Path, sniffed: Sniffed) -> dict[str, str]:
    return {"path": str(path), "delim": sniffed.delimiter, "encoding": sniffed.encoding}


class _Unreadable(FatalFileError):
    """DuckDB could not read the file: a careful pass may find the lines to blame."""


class _LinesToMend(Exception):
    """Lines of the file that DuckDB could not read as rows, to reject before reading it again."""

    def __init__(self, broken: list[BrokenLine]) -> None:
        self.broken = broken


class _NotAllGood(Exception):
    """The straight insert met a row to explain (bad, short or repeating a key): stage the file instead."""


# The message of the error() a bad row raises in the straight insert; no DuckDB message says it.
_BAD_ROW = "legame: a row needs explaining"


def _unreadable(exc: Exception, sniffed: Sniffed, file_name: str) -> FatalFileError:
    return _Unreadable(
        _(
            "{file_name} could not be read as a {encoding} text file with {delimiters} between values: {error}",
            file_name=file_name,
            encoding=sniffed.encoding,
            delimiters=_delimiter_name(sniffed.delimiter),
            error=_first_line(exc),
        )
    )


def _fresh_rejects(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("drop table if exists reject_errors")
    con.execute("drop table if exists reject_scans")


def _stage_in_one_pass(
    con: duckdb.DuckDBPyConnection, path: Path, sniffed: Sniffed, profile: Profile, config: Config, file_name: str
) -> bool:
    """Read and parse the file in one parallel pass into `_staged`; True when every row is good and unique.

    This is the common case and the fast one. Otherwise the caller re-reads the
    file in order, numbering rows, to say where the problems are and which
    duplicate came last. A small file read so before with the same select gets its rows back (_KeptReads).
    """
    _fresh_rejects(con)
    select = staging_select(profile, source=_read_csv(sniffed, parallel=True), numbered=False, currency=config.currency)
    params = _csv_params(path, sniffed) | _bound(select, config)
    key = _KEPT_READS.key(path, select, params)
    if _KEPT_READS.restore(con, key):
        return True
    _read_in_one_pass(con, select, params, sniffed, file_name)
    keys = ", ".join(profile.table.key)
    bad, repeats = con.execute(
        f"select count(*) filter (where _bad), count(*) filter (where not _bad) - count(distinct ({keys})) "
        "filter (where not _bad) from _staged"
    ).fetchone()
    good = bad == 0 and repeats == 0 and not _short_rows(con)
    if good:
        _KEPT_READS.keep(con, key)
    return good


def _read_in_one_pass(
    con: duckdb.DuckDBPyConnection, select: str, params: dict[str, object], sniffed: Sniffed, file_name: str
) -> None:
    """`_staged`: the file read and parsed by `select`, in one parallel pass."""
    try:
        con.execute(f"create or replace temp table _staged as {select}", params)
    except duckdb.Error as exc:
        raise _unreadable(exc, sniffed, file_name) from None


class _KeptReads:
    """The staged rows of the last few small files read in one pass with every row good, by the bytes read and
    the select with its bound values: what they hold depends on these alone, not on the database.

    The Upload page previews a dropped file, previews it again after the demo choice, then loads it: each read
    of a small file costs mostly the planning of its select (a posts export of 1,886 rows: ~70 ms CPU of a
    ~90 ms preview), so the second preview and the load take the first one's rows back. Only a read with no
    reject at all is kept (there is nothing of DuckDB's rejects to give back), as its rows and their types;
    files above `max_bytes` are read again rather than held in memory.
    """

    def __init__(self, max_entries: int = 4, max_bytes: int = 4 * 1024 * 1024) -> None:
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._kept: OrderedDict[str, tuple[list[tuple[str, str]], object]] = OrderedDict()
        self._lock = threading.Lock()

    def key(self, path: Path, select: str, params: dict[str, object]) -> str | None:
        """What a read depends on, digested (the salt among the bound values is never kept); None: not kept."""
        if self.max_entries <= 0 or path.stat().st_size > self.max_bytes:
            return None
        bound = sorted((k, str(v)) for k, v in params.items() if k != "path")  # the file's name is not its bytes
        read = hashlib.sha256(path.read_bytes()).hexdigest()
        return hashlib.sha256(json.dumps([read, select, bound]).encode()).hexdigest()

    def keep(self, con: duckdb.DuckDBPyConnection, key: str | None) -> None:
        """Keep `_staged` as read (a read with a reject of DuckDB's is not kept)."""
        if key is None or con.execute("select count(*) from reject_errors").fetchone()[0]:
            return
        types = [(row[0], row[1]) for row in con.execute("describe _staged").fetchall()]
        rows = con.execute("select * from _staged").to_arrow_table()
        with self._lock:
            self._kept[key] = (types, rows)
            self._kept.move_to_end(key)
            while len(self._kept) > self.max_entries:
                self._kept.popitem(last=False)

    def restore(self, con: duckdb.DuckDBPyConnection, key: str | None) -> bool:
        """`_staged` as the kept read left it, with its column types, and DuckDB's rejects tables empty, as
        that read left them; False when no read is kept for `key`."""
        with self._lock:
            kept = self._kept.get(key) if key is not None else None
        if kept is None:
            return False
        types, rows = kept
        columns = ", ".join(f"{ident(name)}::{kind} as {ident(name)}" for name, kind in types)
        con.register("_kept_read", rows)
        try:
            con.execute(f"create or replace temp table _staged as select {columns} from _kept_read")
        finally:
            con.unregister("_kept_read")
        con.execute(
            "create temp table reject_errors (scan_id ubigint, file_id ubigint, line ubigint, line_byte_position "
            "ubigint, byte_position ubigint, column_idx ubigint, column_name varchar, error_type varchar, "
            "csv_line varchar, error_message varchar)"
        )  # DuckDB's columns (its error_type an enum of the same words)
        return True

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()


_KEPT_READS = _KeptReads()


def _insert_in_one_pass(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    sniffed: Sniffed,
    profile: Profile,
    config: Config,
    file_name: str,
    load_id: int,
) -> tuple[int, tuple[int, int]]:
    """Read, parse and insert the file in one parallel pass into its empty table, as load `load_id`.

    A first load's common case: no staging copy to write and read back, no join with stored
    rows. `_good` becomes a view of the inserted rows; returns their count and their `_fingerprint`
    (the table's, since it was empty). Raises _NotAllGood (the caller rolls back and stages the
    file) at a bad row, a short row or a repeated key.
    """
    _fresh_rejects(con)
    table = profile.table
    columns = ", ".join(c.name for c in table.columns)
    select = staging_select(profile, source=_read_csv(sniffed, parallel=True), numbered=False, currency=config.currency)
    params = _csv_params(path, sniffed) | _bound(select, config) | {"load_id": load_id}
    try:
        con.execute(
            f"insert into {table.name} ({columns}, load_id) select {columns}, $load_id from ({select}) "
            f"where case when _bad then error({literal(_BAD_ROW)}) else true end",
            params,
        )
    except duckdb.Error as exc:
        if _BAD_ROW in str(exc):
            raise _NotAllGood from None
        raise _unreadable(exc, sniffed, file_name) from None
    keys = ", ".join(table.key)
    written = f"{table.name} where load_id = {int(load_id)}"
    # One scan for the repeated keys and the fingerprint. Distinct hashes are distinct keys, and counting
    # 64-bit hashes costs less than counting the texts; only when two hashes meet are the keys compared.
    rows, hashes, digest = con.execute(
        f"select count(*), count(distinct hash({keys})), {_FINGERPRINT.format(columns=_fingerprinted(table))} "
        f"from {written}"
    ).fetchone()
    if hashes != rows and con.execute(f"select count(distinct ({keys})) from {written}").fetchone()[0] != rows:
        raise _NotAllGood
    if _short_rows(con):
        raise _NotAllGood
    _all_good(con, profile, rows=written)
    return rows, (int(rows), int(digest))


def _read_raw(
    con: duckdb.DuckDBPyConnection, path: Path, sniffed: Sniffed, file_name: str, profile: Profile
) -> list[int]:
    """`_raw`: the file's rows as text, numbered in file order (a single-threaded read keeps the order).

    When the rows with fewer values than the header lack only columns the profile does not read,
    they are data: the file is read again with those cells empty, and their row numbers are
    returned for the report to say so. Otherwise they are rejected, each with its count of values.
    """
    short: dict[int, int] = {}
    for null_padding in (False, True):
        _fresh_rejects(con)
        try:
            con.execute(
                f"create or replace temp table _raw as select row_number() over () as _row, * "
                f"from {_read_csv(sniffed, parallel=False, null_padding=null_padding)}",
                _csv_params(path, sniffed),
            )
        except duckdb.Error as exc:
            raise _unreadable(exc, sniffed, file_name) from None
        if null_padding or not (short := _short_rows(con)) or not _lack_only_unread(short, sniffed.header, profile):
            return sorted(short) if null_padding else []
    return []


def _bound(select: str, config: Config) -> dict[str, object]:
    """The parameters a staging select uses: the salt (only a profile that hashes emails), the time zone of zoned
    times and plausibility."""
    params: dict[str, object] = {"salt": config.secret} if "$salt" in select else {}
    if TIME_ZONE in select:
        params["time_zone"] = time_zone(config)
    if "$earliest" in select or "$latest" in select or "$negatives" in select:
        params |= {k: v for k, v in plausibility(config).items() if f"${k}" in select}
    return params


def time_zone(config: Config) -> str:
    """config.yaml `time_zone` (default UTC): the clock a time written with an offset or a zone is stored on."""
    zone = str(config.get("time_zone", default="UTC"))
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            _("config.yaml time_zone: {zone} is not a time zone name (such as Europe/Rome or UTC).", zone=repr(zone))
        ) from None
    return zone


def plausibility(config: Config) -> dict[str, object]:
    """config.yaml `plausibility`, with its defaults: the earliest and latest dates, negatives allowed."""
    settings = {"earliest_date": "1990-01-01", "latest_days_ahead": 1, "negatives": False}
    settings |= config.get("plausibility", default=None) or {}
    try:
        earliest = date.fromisoformat(str(settings["earliest_date"]))
        ahead = int(settings["latest_days_ahead"])
    except ValueError:
        raise ConfigError(
            _(
                "config.yaml plausibility: earliest_date must be a date (1990-01-01) and latest_days_ahead "
                "a whole number of days."
            )
        ) from None
    today = datetime.now(UTC).date()
    return {"earliest": earliest, "latest": today + timedelta(days=ahead), "negatives": bool(settings["negatives"])}


def _delimiter_name(delimiter: str) -> str:
    return {",": _("commas"), ";": _("semicolons"), "\t": _("tabs"), "|": _("pipes")}[delimiter]


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0]


def _structural_rejects(
    con: duckdb.DuckDBPyConnection, n_columns: int, fmt: NumberFormat, rows: list[tuple] | None = None
) -> list[tuple]:
    """Lines DuckDB could not split into the header's columns, kept in `_structural` (reasons in English).

    Returns (line, column, text, reason, its values) tuples in line order (legame.ingest.reasons).
    `rows`: the last read's reject_errors rows, when known (none, for a file not read).
    """
    if rows is None:
        rows = con.execute(
            "select line, column_name, csv_line, error_type, error_message from reject_errors order by line"
        ).fetchall()
    out = []
    seen: set[int] = set()
    for line, column, text, kind, message in rows:
        if line in seen:  # DuckDB may report several errors for one line; one reject per row
            continue
        seen.add(line)
        found = re.search(r"Found:?\s*(\d+)", message or "")
        if kind in ("MISSING COLUMNS", "TOO MANY COLUMNS") and found:
            reason, args = reasons.VALUES_NOT_COLUMNS, {"count": int(found.group(1)), "columns": n_columns}
        else:
            reason, args = reasons.DUCKDB, {"error": _first_line(Exception(message or kind))}
        out.append((int(line), column, (text or "").strip()[:200], reason, args))
    con.execute(
        "create or replace temp table _structural "
        "(row_number bigint, column_name varchar, value varchar, reason varchar)"
    )
    _store_structural(con, out, fmt)
    return out


def _store_structural(con: duckdb.DuckDBPyConnection, rows: list[tuple], fmt: NumberFormat) -> None:
    if rows:
        stored = [(line, column, text, reasons.english(why, args, fmt)) for line, column, text, why, args in rows]
        con.executemany("insert into _structural values (?, ?, ?, ?)", stored)


def _stage(
    con: duckdb.DuckDBPyConnection, profile: Profile, config: Config, decisions: Decisions, header: list[str]
) -> dict[str, int]:
    """Parse the numbered `_raw` rows into `_staged`, explain bad rows in `_errors`, keep the last duplicate.

    Rows that are not data are left out and counted by why: 'below_header',
    'continued', 'only_if' (the profile says so) and 'total' (a total row that
    would otherwise be rejected; their row numbers are kept in `_totals`).
    """
    currency = config.currency
    select = staging_select(profile, decisions=decisions, currency=currency, header=header)
    salted = _bound(select, config)
    con.execute(f"create or replace temp table _staged as {select}", salted)
    # A total row is one that could not be read as data and reads like a total: only such rows are looked at
    # (materialized first, or the test of the text would be pushed down to every row of _raw).
    con.execute(
        "create or replace temp table _totals as with unread as materialized "
        "(select * from _raw where _row in (select _row from _staged where _skip is null and _bad)) "
        f"select _row, {ident(header[0])} as text from unread where coalesce({total_sql(header)}, false)"
    )
    con.execute("update _staged set _skip = 'total' where _row in (select _row from _totals)")
    skipped = dict(con.execute("select _skip, count(*) from _staged where _skip is not null group by _skip").fetchall())
    con.execute("delete from _staged where _skip is not null")
    con.execute(f"create or replace temp table _errors as {errors_select(profile, decisions, currency)}", salted)
    keys = ", ".join(profile.table.key)
    columns = ", ".join(c.name for c in profile.table.columns)
    table = profile.table
    if table.merge == "combine":
        # Rows of one person within a file combine as a later file's would (Table.merge).
        combined = ", ".join(
            c.name
            if c.name in table.key
            else f"min({c.name}) as {c.name}"
            if c.name in table.earliest
            else f"arg_max({c.name}, _row) filter (where {c.name} is not null) as {c.name}"
            for c in table.columns
        )
        con.execute(
            f"create or replace temp table _deduplicated as "
            f"select {combined} from _staged where not _bad group by {keys}"
        )
    elif profile.add_repeats:
        # Rows of one key are one campaign's day broken down further (ad sets, ages): added up (Profile.add_repeats).
        added = ", ".join(
            c.name if c.name in table.key else f"sum({c.name})::{c.sql_type} as {c.name}" for c in table.columns
        )
        con.execute(
            f"create or replace temp table _deduplicated as select {added} from _staged where not _bad group by {keys}"
        )
    else:
        # Within one file the last row for a key wins, like a later export would.
        con.execute(
            f"""create or replace temp table _deduplicated as
                select {columns} from _staged where not _bad
                qualify row_number() over (partition by {keys} order by _row desc) = 1"""
        )
    con.execute("create or replace temp view _good as select * from _deduplicated")
    return skipped


def _all_good(con: duckdb.DuckDBPyConnection, profile: Profile, rows: str = "_staged") -> None:
    """The one-pass result needs no sorting out: `_good` is `rows` (`_staged`), and nothing is explained."""
    columns = ", ".join(c.name for c in profile.table.columns)
    # A view, not a copy: at millions of rows the copy costs as much as a tenth of the load.
    con.execute(f"create or replace temp view _good as select {columns} from {rows}")
    con.execute(
        "create or replace temp table _errors "
        '(_row bigint, _errors struct("column" varchar, value varchar, reason varchar, args varchar)[])'
    )


def _row_lines(con: duckdb.DuckDBPyConnection, structural: list[tuple], skip: int, blank: list[int]) -> None:
    """Map each parsed row to its line in the file, past the lines DuckDB rejected or skipped as empty.

    The k-th parsed row follows every such line j whose count of parsed rows before
    it (line_j - 1 - skip - j) is below k; `skip` lines precede the header.
    """
    lines = sorted([line for line, *_rest in structural] + blank)
    gaps = [line - 1 - skip - j for j, line in enumerate(lines, start=1)]
    con.execute("create or replace temp table _gaps (gap bigint)")
    if gaps:
        con.executemany("insert into _gaps values (?)", [(g,) for g in gaps])


def _rejects_sql(skip: int) -> str:
    return f"""
        select _row + 1 + {int(skip)} + (select count(*) from _gaps where gap < _row) as row_number,
               e.column as column_name, e.value as value, e.reason as reason, e.args as args
        from (select _row, unnest(_errors) as e from _errors)
    """


def _combined(table: Table, column: str) -> str:
    """The stored row `t` and the loaded row `g` of one key, combined in one column (Table.merge)."""
    if table.merge != "combine":
        return f"g.{column}"
    if column in table.earliest:
        return f"least(g.{column}, t.{column})"
    return f"coalesce(g.{column}, t.{column})"


def _differs(table: Table) -> str:
    """SQL true when merging the loaded row `g` would change the stored row `t` of its key."""
    data_cols = [c.name for c in table.columns if c.name not in table.key]
    return " or ".join(f"{_combined(table, c)} is distinct from t.{c}" for c in data_cols) or "false"


def _loaded_before_untouched(con: duckdb.DuckDBPyConnection, profile: Profile, sha: str) -> bool:
    """Whether a load of these very bytes, read the same way, is the last to have changed its table.

    Every row of `loads` is a committed load; removing the demo data and forgetting a person
    log themselves as touching table 'all'. Then the file's rows are likely all stored as they
    are, which `_all_unchanged` checks before the merge is skipped.
    """
    return bool(
        con.execute(
            """select count(*) from loads l
               where sha256 = $sha and profile = $profile and table_name = $table
                 and not exists (select 1 from loads later
                                 where later.load_id > l.load_id and later.table_name in ($table, 'all'))""",
            {"sha": sha, "profile": profile.name, "table": profile.table.name},
        ).fetchone()[0]
    )


def _all_unchanged(con: duckdb.DuckDBPyConnection, profile: Profile) -> bool:
    """Whether every loaded row meets a stored row that merging would leave as it is.

    The merge would then insert, replace and delete nothing: `_diff_counts` would say
    (0, 0, all), so neither its copy of the matched rows nor the merge is needed.
    """
    table = profile.table
    on = " and ".join(f"g.{k} = t.{k}" for k in table.key)
    # Stored keys are never null (warehouse._table_ddl): a null t.<key> is a loaded row with no stored one.
    missing = f"t.{table.key[0]} is null"
    changed = con.execute(
        f"select count(*) filter (where {missing} or {_differs(table)}) from _good g left join {table.name} t on {on}"
    ).fetchone()[0]
    return changed == 0


def _diff_counts(con: duckdb.DuckDBPyConnection, profile: Profile) -> tuple[int, int, int]:
    """Counts of new, replaced and unchanged rows; `_matched` holds the loaded rows that meet a stored one."""
    table = profile.table
    on = " and ".join(f"g.{k} = t.{k}" for k in table.key)
    values = [f"g.{k}" if k in table.key else f"{_combined(table, k)} as {k}" for k in (c.name for c in table.columns)]
    differs = _differs(table)
    con.execute(
        f"""create or replace temp table _matched as
            select {", ".join(values)}, ({differs}) as _differs from _good g join {table.name} t on {on}"""
    )
    total = con.execute("select count(*) from _good").fetchone()[0]
    replaced, unchanged = con.execute(
        "select count(*) filter (where _differs), count(*) filter (where not _differs) from _matched"
    ).fetchone()
    return total - replaced - unchanged, replaced, unchanged


def _merge(con: duckdb.DuckDBPyConnection, profile: Profile, load_id: int) -> tuple[int, int]:
    """Insert the new rows of `_good` and replace the changed ones; returns the `_fingerprint` of the rows deleted."""
    table = profile.table
    on = " and ".join(f"{table.name}.{k} = m.{k}" for k in table.key)
    keys = ", ".join(table.key)
    columns = ", ".join(c.name for c in table.columns)
    insert = f"insert into {table.name} ({columns}, load_id)"
    if con.execute("select count(*) from _matched").fetchone()[0] == 0:
        # Nothing loaded before shares a key with this file (a first load): no join needed.
        con.execute(f"{insert} select {columns}, $load_id from _good", {"load_id": load_id})
        return 0, 0
    # The rows replaced may name other people than their new versions: their aggregates change too.
    replaced = f"exists (select 1 from _matched m where m._differs and {on})"
    aggregates.mark(con, table.name, replaced)
    deleted = _fingerprint(con, table, replaced)
    con.execute(f"delete from {table.name} using _matched m where m._differs and {on}")
    # New rows as loaded; changed rows as `_matched` has them (combined with the stored row, for people).
    con.execute(
        f"""{insert} select {columns}, $load_id from _good g anti join _matched m using ({keys})
            union all select {columns}, $load_id from _matched where _differs""",
        {"load_id": load_id},
    )
    return deleted


def _reading(profile: Profile, sniffed: Sniffed, config: Config) -> str:
    """A digest of how a file is read: the parsing select (profile, header, delimiter, encoding) and the
    settings bound to it (salt, currency, plausibility), so that a reload read another way is never skipped."""
    select = staging_select(profile, source=_read_csv(sniffed, parallel=True), numbered=False, currency=config.currency)
    bound = _bound(select, config)
    bound.pop("latest", None)  # tomorrow moves every day; a row it let in stays in
    text = json.dumps([select, config.currency, sorted((k, str(v)) for k, v in bound.items())])
    return hashlib.sha256(text.encode()).hexdigest()


_FINGERPRINT = "coalesce(bit_xor(hash({columns})), 0)"


def _fingerprinted(table: Table) -> str:
    return ", ".join([*(c.name for c in table.columns), "load_id"])


def _fingerprint(con: duckdb.DuckDBPyConnection, table: Table, where: str = "true") -> tuple[int, int]:
    """The rows of `table` matching `where` summed up: their count, and the xor of a hash of each row's
    values (its load id included). Rows are unique by key, so the xor of a table's parts is the table's."""
    rows, digest = con.execute(
        f"select count(*), {_FINGERPRINT.format(columns=_fingerprinted(table))} from {table.name} where {where}"
    ).fetchone()
    return int(rows), int(digest)


def _after(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    load_id: int,
    before: tuple[int, int] | None,
    deleted: tuple[int, int],
) -> tuple[int, int]:
    """The table's fingerprint after load `load_id`: its fingerprint `before`, less the rows the load
    `deleted`, plus the rows it wrote (only they carry its load id); the whole table when `before` is unknown."""
    if before is None:
        return _fingerprint(con, table)
    written = _fingerprint(con, table, f"load_id = {int(load_id)}")
    return before[0] - deleted[0] + written[0], before[1] ^ deleted[1] ^ written[1]


def _fingerprint_text(fingerprint: tuple[int, int]) -> str:
    return f"{fingerprint[0]}:{fingerprint[1]}"


def _kept_fingerprint(con: duckdb.DuckDBPyConnection, table: Table) -> tuple[int, int] | None:
    """The fingerprint the table's last load kept, when nothing logged has changed the table since
    (a row changed by hand goes unseen until the next reload of the last file: `_unchanged_reload`)."""
    found = queries.run(con, "fingerprint_kept", table=table.name)
    if not found:
        return None
    rows, digest = found[0]["fingerprint"].split(":")
    return int(rows), int(digest)


def _keep_fingerprint(
    con: duckdb.DuckDBPyConnection, table: Table, load_id: int, fingerprint: tuple[int, int], reading: str
) -> None:
    """Remember how load `load_id` left its table and how it read its file (the reload shortcut's evidence)."""
    con.execute("delete from table_fingerprints where table_name = $t", {"t": table.name})
    con.execute(
        "insert into table_fingerprints values ($t, $id, $f, $r)",
        {"t": table.name, "id": load_id, "f": _fingerprint_text(fingerprint), "r": reading},
    )


def _unchanged_reload(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    path: Path,
    file_name: str,
    sniffed: Sniffed,
    profile: Profile,
    reason: str,
    sha: str,
    reading: str,
) -> tuple[LoadReport | None, tuple[int, int] | None]:
    """The report of reloading the very file the table's last load read, when nothing changed since: no read.

    The same bytes, read the same way (`_reading`) by the last load to touch the table, which had no
    rejected or repeated row, and the table's rows exactly as that load left them (`_fingerprint`):
    then every row of the file is stored as merging it would leave it, and the report is that load's,
    every row unchanged; only the preview reads the file (its first rows by date). Anything else (a
    later load, an erasure, a demo removal, a row changed by hand, another setting) returns no report and
    the file is read and compared as usual. Also returns the table's fingerprint when it was taken.
    """
    table = profile.table
    if profile.numbered_read:
        return None, None
    found = queries.run(con, "fingerprint_for_reload", table=table.name, sha=sha, profile=profile.name, reading=reading)
    if not found:
        return None, None
    last = found[0]
    rows_read, stored, min_date, max_date = last["rows_read"], last["rows_stored"], last["min_date"], last["max_date"]
    fingerprint = _fingerprint(con, table)
    if _fingerprint_text(fingerprint) != last["fingerprint"]:
        return None, fingerprint
    fmt = NumberFormat.for_reader(config)
    # Nothing to explain: the tables `_record` reads are empty.
    _all_good(con, profile, rows=f"{table.name} where false")
    _structural_rejects(con, len(sniffed.header), NumberFormat.for_reader(config), rows=[])
    _row_lines(con, [], sniffed.skip, [])
    with _readable_without(path, sniffed, None) as (read_path, read_sniffed):
        preview = _preview(con, read_path, read_sniffed, profile, config)
    report = LoadReport(
        file_name=file_name,
        sha256=sha,
        profile=profile.name,
        profile_label=profile_label(profile),
        table=table.name,
        reason=reason,
        encoding=sniffed.encoding,
        delimiter=sniffed.delimiter,
        rows_read=rows_read,
        inserted=0,
        replaced=0,
        unchanged=stored,
        rejected=0,
        duplicates_in_file=0,
        min_date=min_date,
        max_date=max_date,
        ignored_columns=ignored_columns(sniffed.header, profile),
        rejects=[],
        preview_columns=[c.name for c in table.columns],
        preview_rows=preview,
        previously_loaded=_previous_load(con, sha, fmt),
        lines_before_header=sniffed.skip,
    )
    report.notes.extend(repeated_column_notes(sniffed.header, profile))
    report.notes.extend(_closing_notes(profile, config))
    return report, fingerprint


def _preview(
    con: duckdb.DuckDBPyConnection, path: Path, sniffed: Sniffed, profile: Profile, config: Config
) -> list[tuple]:
    """The file's first rows by date as Legame reads them, for a file whose every row is good: only the date
    column is parsed for every row, the rest for the few shown."""
    table = profile.table
    date_col = table.date_column
    cmap = profile.columns.get(date_col)
    order = parse_expr(table.column(date_col), cmap, profile)[0] if cmap is not None else "1"
    source = f"(select * from {_read_csv(sniffed, parallel=True)} order by {order} limit {PREVIEW_ROWS})"
    # Its few person ids hashed on their rows: a lookup (normalise.Lookup) would read `source`, the whole file
    # and its sort, a second time (an unchanged reload of 5 M rows: 4.5 CPU-s instead of 2.9).
    unrepeated = replace(profile, repeated=frozenset())
    select = staging_select(unrepeated, source=source, numbered=False, currency=config.currency)
    columns = ", ".join(c.name for c in table.columns)
    _fresh_rejects(con)
    return con.execute(
        f"select {columns} from ({select}) order by {date_col} limit {PREVIEW_ROWS}",
        _csv_params(path, sniffed) | _bound(select, config),
    ).fetchall()


def _closing_notes(profile: Profile, config: Config) -> list[str]:
    """The notes every report of the profile ends with: the currency, and that emails are stored hashed."""
    notes = []
    if note := currency_note(profile, config):
        notes.append(note)
    if any(c.email for c in profile.columns.values()):
        notes.append(_("Emails are stored only as salted hashes: no personal data enters the database."))
    return notes


def _latest_load_of(con: duckdb.DuckDBPyConnection, sha: str) -> tuple[int, datetime] | None:
    """The latest committed load of the file hashed `sha`: its id and when it was loaded; None if none."""
    return con.execute(
        "select load_id, loaded_at from loads where sha256 = $sha order by load_id desc limit 1",
        {"sha": sha},
    ).fetchone()


def _previous_load(con: duckdb.DuckDBPyConnection, sha: str, fmt: NumberFormat) -> str | None:
    row = _latest_load_of(con, sha)
    return _("load #{load_id} on {moment}", load_id=row[0], moment=fmt.datetime(row[1])) if row else None


# Archives the uploads being loaded (`archive`), beside the load's SQL.
_copier = futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="legame-archive")


def archive(path: Path, sha: str, file_name: str, config: Config) -> None:
    """Keep the upload's bytes in the raw archive before the load commits (legame/raw_archive.py)."""
    raw_archive.store(path, sha, file_name, config)


def _logged(con: duckdb.DuckDBPyConnection, sha: str) -> bool:
    """Whether the copy of the upload hashed `sha` may belong to a load other than this failed one: a committed
    load read it (asked after the rollback), or, on DuckLake, a load of another server now in flight may (the
    servers share the archive, and only this process's loads are known to raw_archive.hold)."""
    try:
        if is_lake(con):
            return True
        return _latest_load_of(con, sha) is not None
    except duckdb.Error:
        return True  # a database that cannot answer: keep the copy


def _recognise(path: Path, config: Config, file_name: str) -> tuple[Sniffed, Profile, str]:
    """Sniff the file and pick its profile, looking past a few lines of preamble for the header.

    Some tools (LinkedIn Campaign Manager) write a report title and date range
    above the header: when line one is no known header, the next lines are tried.
    """
    try:
        sniffed = sniff(path, file_name)
    except FatalFileError:
        with open(path, "rb") as fh:
            if not fh.read(SAMPLE_BYTES).strip():
                raise  # an empty file
        # A blank line (or a sheet's empty rows) above the header: the first header found is what to talk about.
        first, commented = None, True
    else:
        try:
            return sniffed, *detect(sniffed.header, config, file_name)
        except UnrecognisedExport as unrecognised:
            first = unrecognised
        commented = is_comment(sniffed.header[0])
    for skip in range(1, PREAMBLE_LINES + 1):
        try:
            later = sniff(path, file_name, skip)
            profile, reason = detect(later.header, config, file_name)
        except FatalFileError:
            continue
        except UnrecognisedExport as unrecognised:
            if commented and not is_comment(later.header[0]):
                # Below a block of # comments (GA4), the first other line is what to talk about.
                first, commented = unrecognised, False
            continue
        return (
            later,
            profile,
            _("{reason} (its header is on line {line}, below a preamble)", reason=reason, line=skip + 1),
        )
    raise first or FatalFileError(
        _("{file_name}: no header found in its first {lines} lines.", file_name=file_name, lines=PREAMBLE_LINES + 1)
    )


def _refuse_other_currency(profile: Profile, config: Config, file_name: str) -> None:
    """A money column whose name states another currency (`Amount spent (USD)`) cannot be loaded as ours."""
    for col in profile.table.columns:
        cmap = profile.columns.get(col.name)
        if not (col.money and cmap and cmap.source):
            continue
        named = money.named_in_header(cmap.source)
        if named and named != config.currency.upper():
            raise FatalFileError(
                _(
                    "{file_name}: column {column} is in {named}, but Legame counts in {currency} "
                    "(config.yaml currency). Export it in that currency, or convert it first; nothing was loaded.",
                    file_name=file_name,
                    column=repr(cmap.source),
                    named=named,
                    currency=config.currency,
                )
            )


def _bind_below_preamble(path: Path, file_name: str, profile: Profile) -> tuple[Sniffed, Profile]:
    """The file's header for a profile given by hand: on line one or below a few lines of title."""
    for skip in range(PREAMBLE_LINES + 1):
        try:
            sniffed = sniff(path, file_name, skip)
        except FatalFileError:
            continue
        if bound := bind(profile, sniffed.header):
            return sniffed, bound
    raise UnrecognisedExport(
        _("{file_name} lacks columns the profile {profile} reads.", file_name=file_name, profile=profile_label(profile))
    )


def load_file(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    path: Path,
    file_name: str | None = None,
    *,
    commit: bool = True,
    loaded_by: str = "cli",
    is_demo: bool = False,
    profile: Profile | None = None,
    remove_demo: bool = False,
    replay: bool = False,
) -> LoadReport:
    """Load one export into the warehouse in one transaction (or preview it, commit=False).

    `profile`: read the file with this profile (its header on line one) instead of
    recognising it, as the mapping screen does for a file no profile knows.
    `remove_demo`: first remove the built-in demo data (legame/demo_data.py), in the same
    transaction, so the file is compared and merged with the user's data alone; the report's
    `demo_removed` says what went (or, in a preview, would go).
    `replay`: a rebuild's replay of an archived upload into a new file (legame/backup.py). Its copy belongs to
    the old warehouse's loads, so a failed replay keeps it; and the archive's list of loads (legame/load_log.py),
    written after any other load's commit, is written once at the rebuild's end.
    Raises UnrecognisedExport or FatalFileError, leaving the database unchanged,
    when the file cannot be loaded at all; row-level problems become rejects.
    """
    path = Path(path)
    file_name = file_name or path.name
    if profile is None:
        sniffed, profile, reason = _recognise(path, config, file_name)
    else:
        sniffed, profile = _bind_below_preamble(path, file_name, profile)
        reason = _("you matched its columns by hand as {profile}", profile=profile_label(profile))
    _refuse_other_currency(profile, config, file_name)
    profile = with_repeats(profile, path, sniffed)  # which person ids to hash once per distinct email
    limits = UploadLimits.from_config(config)
    fmt = NumberFormat.for_reader(config)
    limits.check_file(path, file_name, len(sniffed.header), fmt)
    sha, lines = _sha256_and_lines(path, sniffed.encoding)
    # One unreadable line (an unmatched quote, a line past DuckDB's size limit) must not refuse the
    # whole file nor swallow the lines below it: the file is read again with those lines rejected.
    broken: list[BrokenLine] | None = None
    # Whether a read in one parallel pass may find every row good and unique: a first load into an empty table
    # then inserts straight from it. Once a row to explain is met, the file is read in order, numbered, at once.
    one_pass = not profile.numbered_read
    reading = _reading(profile, sniffed, config)

    def once() -> LoadReport:
        nonlocal one_pass, broken
        while True:
            copying: Future | None = None
            committed = False
            con.execute("begin transaction")
            try:
                # A preview (rolled back) leaves the aggregates alone: nothing reads them before the rollback.
                removed = delete_demo(con, loaded_by, aggregates_too=commit) if remove_demo and not is_demo else None
                load_id = _next_load_id(con) if commit and one_pass and _is_empty(con, profile.table) else None
                # The file the table's last load read, and the table as that load left it: nothing to read.
                unchanged, fingerprint, plain, written = None, None, False, None
                if load_id is None and broken is None:
                    unchanged, fingerprint = _unchanged_reload(
                        con, config, path, file_name, sniffed, profile, reason, sha, reading
                    )
                if unchanged is not None:
                    report = unchanged
                    limits.check_rows(report.rows_read, file_name, fmt)
                else:
                    with _readable_without(path, sniffed, broken) as (read_path, read_sniffed):
                        report, plain, written = _run(
                            con,
                            config,
                            read_path,
                            file_name,
                            read_sniffed,
                            profile,
                            reason,
                            sha,
                            broken,
                            load_id,
                            lines if read_path == path else None,
                            one_pass=one_pass,
                        )
                        limits.check_rows(report.rows_read, file_name, fmt)
                report.encoding = sniffed.encoding
                if note := encoding_note(sniffed.encoding):
                    report.notes.insert(0, note)
                report.demo_removed = removed
                if commit:
                    # The file is read and will load: its copy into the raw archive is written meanwhile, on a
                    # thread of its own (file and cipher work, which the SQL below leaves a core for), and the
                    # commit waits for it, so a committed load always has its upload archived.
                    raw_archive.hold(sha)
                    try:
                        copying = _copier.submit(archive, path, sha, file_name, config)
                    except BaseException:
                        raw_archive.release(config, sha, failed=False, logged=lambda: True)
                        raise
                    report.load_id = load_id or _next_load_id(con)
                    if unchanged is None:
                        # The table's fingerprint before the load: taken just now, or kept by the last load.
                        if fingerprint is None and removed is None and load_id is None:
                            fingerprint = _kept_fingerprint(con, profile.table)
                        deleted = (0, 0)
                        if load_id is None and (report.inserted or report.replaced):
                            deleted = _merge(con, profile, report.load_id)
                        aggregates.mark(con, profile.table.name, "load_id = $id", {"id": report.load_id})
                        aggregates.refresh(con)
                        # A straight insert into the empty table took the table's fingerprint as it checked its keys.
                        fingerprint = written or _after(con, profile.table, report.load_id, fingerprint, deleted)
                    # Only a plain read is known to read the same again (decisions or skips: read anew).
                    known = reading if plain or unchanged else ""
                    _keep_fingerprint(con, profile.table, report.load_id, fingerprint, known)
                    take_turn(con)
                    _record(con, report, loaded_by, is_demo, config)
                    copying.result()
                    con.execute("commit")
                    committed = True
                else:
                    con.execute("rollback")
            except _NotAllGood:
                con.execute("rollback")
                one_pass = False
                continue
            except (_Unreadable, _LinesToMend) as trouble:
                con.execute("rollback")
                found = trouble.broken if isinstance(trouble, _LinesToMend) else broken_lines(path, sniffed)
                if broken is not None or not found:
                    raise
                broken = found
                continue
            except BaseException:
                rollback_quietly(con)
                raise
            finally:
                if copying is not None:
                    futures.wait([copying])  # a failed load never leaves its copy being written
                    # ...nor a copy with no load logged for it.
                    raw_archive.release(config, sha, not committed and not replay, lambda: _logged(con, sha))
            return report

    # Another load committed first (another process on DuckLake, another thread on the file):
    # load again on the newer snapshot, where its rows and load id are seen.
    report = retrying(once, lambda exc: commit and conflict(exc))
    if commit and not replay:
        load_log.record(con, config)
    return report


# Every table whose rows carry a load id.
LOAD_ID_TABLES = ("loads", "rejects", "table_fingerprints", *TABLES)


def _next_load_id(con: duckdb.DuckDBPyConnection) -> int:
    """One above every load id in the warehouse, not only in `loads`: rows left with the id of a load
    whose log row is gone are never taken for the new load's (nor deleted or fingerprinted with them)."""
    highest = " union all ".join(f"select max(load_id) as id from {name}" for name in LOAD_ID_TABLES)
    return con.execute(f"select coalesce(max(id), 0) + 1 from ({highest})").fetchone()[0]


def _is_empty(con: duckdb.DuckDBPyConnection, table: Table) -> bool:
    return con.execute(f"select count(*) = 0 from (select 1 from {table.name} limit 1)").fetchone()[0]


@contextmanager
def _readable_without(path: Path, sniffed: Sniffed, broken: list[BrokenLine] | None) -> Iterator[tuple[Path, Sniffed]]:
    """The file as DuckDB reads it (`readable`), with the `broken` lines left empty when there are any."""
    if broken:
        with without_lines(path, sniffed, broken) as mended:
            yield mended
    else:
        with readable(path, sniffed) as as_is:
            yield as_is


def _run(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    path: Path,
    file_name: str,
    sniffed: Sniffed,
    profile: Profile,
    reason: str,
    sha: str,
    broken: list[BrokenLine] | None = None,
    load_id: int | None = None,
    lines: int | None = None,
    *,
    one_pass: bool = True,
) -> tuple[LoadReport, bool, tuple[int, int] | None]:
    """Read, stage and explain one file. `broken`: lines already found unreadable (None: not yet looked for).

    `load_id`: insert the rows straight into their empty table as this load (`_insert_in_one_pass`).
    `lines`: the file's line count when already counted (`_sha256_and_lines`).
    `one_pass`: False when a read in one pass already met a row to explain (it would again).
    Also returns whether the file was read in one plain pass (every row good and unique, none skipped),
    and the table's fingerprint after a straight insert (None otherwise).
    """
    fmt = NumberFormat.for_reader(config)
    skipped: dict[str, int] = {}
    decisions = Decisions()
    blank: list[int] = []
    short: list[int] = []
    inserted_now, written = None, None
    # Rows skipped rather than rejected must be counted, which needs the numbered read.
    plain = True  # read in one pass as the plain select (`_reading`) reads it: every row good and unique
    if load_id is not None:
        inserted_now, written = _insert_in_one_pass(con, path, sniffed, profile, config, file_name, load_id)
    elif one_pass and _stage_in_one_pass(con, path, sniffed, profile, config, file_name):
        _all_good(con, profile)
    else:
        plain = False
        blank = blank_lines(path, sniffed.encoding, after=sniffed.skip + 1)
        short = _read_raw(con, path, sniffed, file_name, profile)
        # Numbers and dates in a locale's style: decimal mark and date order decided per column, in one query.
        data_rows = f"(select * from _raw where _row > {int(profile.skip_rows_after_header)})"
        decisions = decide(
            con,
            data_rows,
            *undecided(profile),
            default_date_order(profile, config),
            fmt,
            delimiter=sniffed.delimiter,
            locale=config.get("locale", default=None),
        )
        skipped = _stage(con, profile, config, decisions, unique_names(sniffed.header))
    structural = _structural_rejects(con, len(sniffed.header), fmt)
    staged = inserted_now is None
    parsed = con.execute("select count(*) from _staged").fetchone()[0] if staged else inserted_now
    if broken is None:
        _look_for_broken_lines(path, sniffed, parsed + sum(skipped.values()) + len(structural), blank, lines)
    else:
        _add_broken_lines(con, structural, broken, fmt)
        blank = [line for line in blank if line not in {b.line for b in broken}]
    rows_read = parsed + sum(skipped.values()) + len(structural)
    if rows_read == 0:
        raise FatalFileError(_("{file_name} has a header but no data rows.", file_name=file_name))
    _row_lines(con, structural, sniffed.skip, blank)
    value_rejects = con.execute(
        "select count(distinct row_number) from (" + _rejects_sql(sniffed.skip) + ")"
    ).fetchone()[0]
    good = con.execute("select count(*) from _good").fetchone()[0]
    valid_rows = con.execute("select count(*) filter (where not _bad) from _staged").fetchone()[0] if staged else good
    shown = con.execute(_rejects_sql(sniffed.skip) + f" order by row_number limit {REJECTS_SHOWN}").fetchall()
    said: dict[tuple[str, str | None], str] = {}  # each distinct reason is translated once

    def reason_text(reason: str, args: str | dict | None) -> str:
        key = (reason, args if isinstance(args, str | None) else json.dumps(args, sort_keys=True))
        if key not in said:
            said[key] = reasons.text(reason, args, fmt)
        return said[key]

    rejects = [
        {"row": line, "column": column, "value": text, "reason": reason_text(why, args)}
        for line, column, text, why, args in structural
    ] + [{"row": r, "column": c, "value": v, "reason": reason_text(why, args)} for r, c, v, why, args in shown]
    rejects.sort(key=lambda r: r["row"])
    if good == 0:
        if not rejects:
            why = " ".join(_skipped_notes(con, profile, skipped, sniffed.skip, fmt))
            message = ngettext(
                "{file_name}: its only row is not {table} to load.",
                "{file_name}: none of its {count} rows are {table} to load.",
                rows_read,
                file_name=file_name,
                count=fmt.number(rows_read),
                table=table_word(profile.table.name),
            )
            raise FatalFileError(f"{message} {why}".strip())
        first = rejects[0]
        raise FatalFileError(
            ngettext(
                "{file_name}: its only row cannot be loaded. The problem: row {row}, column {column}, "
                "value {value}: {reason}.",
                "{file_name}: none of its {count} rows can be loaded. First problem: row {row}, column {column}, "
                "value {value}: {reason}.",
                rows_read,
                file_name=file_name,
                count=fmt.number(rows_read),
                row=first["row"],
                column=repr(first["column"]),
                value=repr(first["value"]),
                reason=first["reason"],
            )
        )
    if not staged:
        inserted, replaced, unchanged = good, 0, 0
    elif _loaded_before_untouched(con, profile, sha) and _all_unchanged(con, profile):
        inserted, replaced, unchanged = 0, 0, good
    else:
        inserted, replaced, unchanged = _diff_counts(con, profile)
    date_col = profile.table.date_column
    min_date, max_date = con.execute(f"select min({date_col})::date, max({date_col})::date from _good").fetchone()
    preview = con.execute(f"select * from _good order by {date_col} limit {PREVIEW_ROWS}")
    report = LoadReport(
        file_name=file_name,
        sha256=sha,
        profile=profile.name,
        profile_label=profile_label(profile),
        table=profile.table.name,
        reason=reason,
        encoding=sniffed.encoding,
        delimiter=sniffed.delimiter,
        rows_read=rows_read,
        inserted=inserted,
        replaced=replaced,
        unchanged=unchanged,
        rejected=value_rejects + len(structural),
        duplicates_in_file=valid_rows - good,
        min_date=min_date,
        max_date=max_date,
        ignored_columns=ignored_columns(sniffed.header, profile),
        rejects=rejects[:REJECTS_SHOWN],
        preview_columns=[d[0] for d in preview.description],
        preview_rows=preview.fetchall(),
        previously_loaded=_previous_load(con, sha, fmt),
        lines_before_header=sniffed.skip,
    )
    report.notes.extend(repeated_column_notes(sniffed.header, profile))
    report.notes.extend(decisions.notes)
    if short:
        lines = ", ".join(str(line) for line in short[:5]) + (", …" if len(short) > 5 else "")
        report.notes.append(
            ngettext(
                "1 row has fewer values than the header (row {rows}): its missing last cells are read as empty.",
                "{count} rows have fewer values than the header (rows {rows}): "
                "their missing last cells are read as empty.",
                len(short),
                count=fmt.number(len(short)),
                rows=lines,
            )
        )
    if n := report.duplicates_in_file:
        report.notes.append(repeated_key_note(profile, n, fmt))
    report.notes.extend(_skipped_notes(con, profile, skipped, sniffed.skip, fmt))
    report.notes.extend(_closing_notes(profile, config))
    return report, plain and not structural, written


def _look_for_broken_lines(
    path: Path, sniffed: Sniffed, records: int, blank: list[int], lines: int | None = None
) -> None:
    """Raise _LinesToMend when the file has more lines than DuckDB gave rows and a careful pass finds why.

    A quote never closed makes DuckDB read every line below it as one value, silently. Values
    spanning lines (a post's text) also make fewer rows than lines: then nothing is broken.
    """
    lines = lines if lines is not None else line_count(path, sniffed.encoding)
    if lines is None or records >= lines - sniffed.skip - 1:
        return
    blank = blank or blank_lines(path, sniffed.encoding, after=sniffed.skip + 1)
    if records + len(blank) < lines - sniffed.skip - 1 and (broken := broken_lines(path, sniffed)):
        raise _LinesToMend(broken)


def _add_broken_lines(
    con: duckdb.DuckDBPyConnection, structural: list[tuple], broken: list[BrokenLine], fmt: NumberFormat
) -> None:
    """The careful pass's broken lines join DuckDB's structural rejects (`_structural` and the list)."""
    rows = [(b.line, None, b.text, b.reason, b.args) for b in broken]
    _store_structural(con, rows, fmt)
    structural.extend(rows)
    structural.sort(key=lambda r: r[0])


def _skipped_notes(
    con: duckdb.DuckDBPyConnection, profile: Profile, skipped: dict[str, int], skip: int, fmt: NumberFormat
) -> list[str]:
    """The report's notes on rows that were not data, with the file's lines of the first total rows."""
    totals = []
    if skipped.get("total"):
        totals = con.execute(
            f"select _row + 1 + {int(skip)} + (select count(*) from _gaps where gap < _row), text from _totals "
            "order by _row limit 3"
        ).fetchall()
    return skipped_notes(profile, skipped, skip, totals, fmt)


def _record(con: duckdb.DuckDBPyConnection, report: LoadReport, loaded_by: str, is_demo: bool, config: Config) -> None:
    """Log the load and store its rejects, each reason written out in English (legame.ingest.reasons)."""
    con.execute(
        """insert into loads values ($id, $file, $sha, $profile, $table, $read, $inserted, $replaced,
                                     $unchanged, $rejected, $dups, $min, $max,
                                     current_timestamp::timestamp, $by, $demo)""",
        {
            "id": report.load_id,
            "file": report.file_name,
            "sha": report.sha256,
            "profile": report.profile,
            "table": report.table,
            "read": report.rows_read,
            "inserted": report.inserted,
            "replaced": report.replaced,
            "unchanged": report.unchanged,
            "rejected": report.rejected,
            "dups": report.duplicates_in_file,
            "min": report.min_date,
            "max": report.max_date,
            "by": loaded_by,
            "demo": is_demo,
        },
    )
    rejects = _rejects_sql(report.lines_before_header)
    fmt = NumberFormat.for_reader(config)
    said = [
        (reason, args, reasons.english(reason, args, fmt))
        for reason, args in con.execute(f"select distinct reason, args from ({rejects})").fetchall()
    ]
    con.execute("create or replace temp table _reasons (reason varchar, args varchar, english varchar)")
    if said:
        con.executemany("insert into _reasons values (?, ?, ?)", said)
    con.execute(
        f"""insert into rejects select $id, r.row_number, r.column_name, r.value, t.english
            from ({rejects}) r join _reasons t on r.reason = t.reason and r.args is not distinct from t.args""",
        {"id": report.load_id},
    )
    con.execute("insert into rejects select $id, * from _structural", {"id": report.load_id})


def load_demo_if_empty(con: duckdb.DuckDBPyConnection, config: Config) -> list[LoadReport]:
    """On a first start with an empty database, load the built-in demo exports like uploads."""
    if con.execute("select count(*) from loads").fetchone()[0]:
        return []
    demo_dir = config.path("warehouse", "demo_dir")
    files = sorted(p for p in demo_dir.iterdir() if p.suffix.lower() in (".csv", ".tsv", ".txt"))
    return [load_file(con, config, p, loaded_by="demo", is_demo=True) for p in files]
