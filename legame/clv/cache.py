"""One cache of fitted CLV models per process, shared by every reader of a fit, and its copy
in the warehouse, read by every process.

A fit takes seconds and the same one is asked for by several readers: the board's CLV KPIs,
the community's value, the Customer value page. Fits are kept per database, fit version
(`fit_version`: a new upload of a table the fit reads is a new version; posts, ad spend and
web visits are not read), CLV settings and date, the least recently used dropped
first. Streamlit runs sessions in threads: a second reader of a fit under way waits for it
instead of fitting again, while fits of other keys go ahead.

A fit made through a writable connection is also stored in the warehouse (tables clv_fits
and clv_fit_customers, migration 4), so a new process (the CLI, a restarted app) reads it
instead of refitting: `read_fit` and `store_fit`. The stored numbers are the fitted ones to
the last bit, so KPIs from a stored fit equal those from the fit that stored it. A new data
version makes the stored fits of the older ones unreachable, and the next fit stored deletes
them. A viewer's read-only cursor reads stored fits and never stores one.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import date
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeVar

import duckdb

from legame.warehouse import conflict, retrying, tables_version, take_turn

if TYPE_CHECKING:
    import pandas as pd

T = TypeVar("T")

log = logging.getLogger(__name__)

# Stored fits kept for the current data version: one per settings and date asked for (each
# quarter's end the board is read for), the oldest deleted first beyond this.
STORED_FITS_KEPT = 32


class FitKey(NamedTuple):
    """What a fit depends on."""

    database: str  # the warehouse file's path: tests open many, the app one
    data_version: int  # fit_version: every load of a table the fit reads changes it
    settings: Hashable  # the config values predicted CLV depends on (legame.value.ClvSettings)
    as_of: date  # orders up to this day inclusive


def fit_tables() -> tuple[str, ...]:
    """The tables a fit reads: orders, the people and their community acts, referrals and NPS answers (the
    registry's FAMILY_TABLES["clv_model"]). tests/test_clv_persist.py holds a fit unchanged by a change to
    every other table."""
    # Read on use: the registry imports legame.clv, and importing legame.value imports no KPI module.
    from legame.kpis.registry import FAMILY_TABLES

    return FAMILY_TABLES["clv_model"]


def fit_version(con: duckdb.DuckDBPyConnection) -> int:
    """The data version of what a fit reads (fit_tables()): an upload of posts or spend leaves it."""
    return tables_version(con, fit_tables())


class _Entry(Generic[T]):
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.done = False
        self.value: T | None = None


class FitCache(Generic[T]):
    """Bounded, thread-safe map from FitKey to what `fit` made for it, each made once.

    >>> fits = FitCache[str](max_entries=2)
    >>> key = FitKey("a.duckdb", 1, "settings", date(2026, 9, 30))
    >>> fits.get(key, lambda: "fitted"), fits.get(key, lambda: "again")
    ('fitted', 'fitted')
    """

    def __init__(self, max_entries: int = 16) -> None:
        if max_entries < 1:
            raise ValueError(f"A fit cache keeps at least 1 fit, not {max_entries}.")
        self.max_entries = max_entries
        self._entries: OrderedDict[FitKey, _Entry[T]] = OrderedDict()
        self._lock = threading.Lock()  # guards _entries; never held during a fit

    def get(self, key: FitKey, fit: Callable[[], T]) -> T:
        """The value kept for `key`, made by `fit()` the first time. An exception from `fit`
        reaches the caller and nothing is kept: the next reader tries again."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                entry = self._entries[key] = _Entry()
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
            else:
                self._entries.move_to_end(key)
        with entry.lock:
            if not entry.done:
                entry.value = fit()
                entry.done = True
            return entry.value  # type: ignore[return-value]  # set when done

    def __contains__(self, key: object) -> bool:
        with self._lock:
            entry = self._entries.get(key)  # type: ignore[call-overload]
            return entry is not None and entry.done

    def __len__(self) -> int:
        with self._lock:
            return sum(entry.done for entry in self._entries.values())

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


# --------------------------------------------------------------------------- the warehouse's copy


class StoredFit(NamedTuple):
    """A fit as the warehouse keeps it."""

    fit: dict[str, Any]  # the clv_fits row but its key: the parameters, or `error` when no fit could be made
    customers: pd.DataFrame | None  # clv_fit_customers' rows but fit_id, in stored order; None with an error


def writable(con: object) -> bool:
    """Whether a fit may be stored through `con`: a DuckDB connection or cursor on a file opened
    read-write. A viewer's share.ReadOnlyCursor is not one, whatever it wraps."""
    if not isinstance(con, duckdb.DuckDBPyConnection):
        return False
    found = con.execute("select readonly from duckdb_databases() where database_name = current_database()").fetchall()
    return bool(found) and not found[0][0]


def read_fit(con: Any, key: FitKey, settings_digest: str) -> StoredFit | None:
    """The fit stored for `key` and the settings' digest, or None (also when the file predates
    the tables: a read-only connection does not migrate it). Reads only, through any cursor."""
    cursor = con.cursor()  # its own: a result the caller left unfetched on `con` cannot get in the way
    try:
        found = cursor.execute(
            """select * exclude (data_version, settings_digest, as_of, fitted_at)
            from clv_fits
            where data_version = $data_version and settings_digest = $digest and as_of = $as_of
            order by fit_id desc
            limit 1""",
            {"data_version": key.data_version, "digest": settings_digest, "as_of": key.as_of},
        )
        rows = found.fetchall()
        if not rows:
            return None
        fit = dict(zip((d[0] for d in found.description), rows[0], strict=True))
        fit_id = fit.pop("fit_id")
        if fit["error"] is not None:
            return StoredFit(fit, None)
        # In the order they were stored, the fit's own (rowid follows insertion): the same order
        # gives the same sums to the last bit, and costs no sort of a million names.
        customers = cursor.execute(
            "select * exclude (fit_id) from clv_fit_customers where fit_id = $fit_id order by rowid",
            {"fit_id": fit_id},
        ).df()
    except duckdb.CatalogException:
        return None
    finally:
        cursor.close()
    return StoredFit(fit, customers)


def store_fit(
    con: duckdb.DuckDBPyConnection,
    key: FitKey,
    settings_digest: str,
    fit: dict[str, Any],
    customers: pd.DataFrame | None,
) -> bool:
    """Store a fit made on `con` under `key`, in one transaction that also deletes the fits of
    other data versions and the oldest beyond STORED_FITS_KEPT. Returns whether it was stored.

    Storing is a saving, not a duty: when the data changed since `key.data_version` was read (a
    load in another thread), or another writer's transaction still conflicts after CONFLICT_RETRIES
    tries, nothing is stored, the caller keeps its fit in memory and a later process fits again.
    A conflict is retried: the board fits a period and its comparison at once, on two threads, and
    both fits take their turn. Only through a connection that is `writable`."""
    try:
        return retrying(lambda: _store_once(con, key, settings_digest, fit, customers))
    except duckdb.Error as exc:
        if not conflict(exc):
            raise
        log.info("CLV fit to %s not stored: %s", key.as_of, exc)
        return False


def _store_once(
    con: duckdb.DuckDBPyConnection,
    key: FitKey,
    settings_digest: str,
    fit: dict[str, Any],
    customers: pd.DataFrame | None,
) -> bool:
    """One try of store_fit: raises a conflict for the caller to retry."""
    import pandas as pd

    cursor = con.cursor()
    try:
        cursor.execute("begin transaction")
        if fit_version(cursor) != key.data_version:
            cursor.execute("rollback")
            return False
        # The next id while holding the turn: DuckLake has no sequences, and of two fits stored at
        # once (two processes) one commit fails, so no id is given twice.
        take_turn(cursor)
        fit_id = cursor.execute("select coalesce(max(fit_id), 0) + 1 from clv_fits").fetchall()[0][0]
        cursor.register("clv_fit_row", pd.DataFrame([fit]))
        cursor.execute(
            """insert into clv_fits by name
            select
                $fit_id as fit_id,
                $data_version as data_version,
                $digest as settings_digest,
                $as_of as as_of,
                current_timestamp::timestamp as fitted_at,
                *
            from clv_fit_row""",
            {"fit_id": fit_id, "data_version": key.data_version, "digest": settings_digest, "as_of": key.as_of},
        )
        if customers is not None:
            cursor.register("clv_fit_rows", customers)
            cursor.execute(
                "insert into clv_fit_customers by name select $fit_id as fit_id, * from clv_fit_rows",
                {"fit_id": fit_id},
            )
        cursor.execute(
            """delete from clv_fits
            where data_version <> $data_version
                or fit_id not in (
                    select fit_id from clv_fits where data_version = $data_version order by fit_id desc limit $kept
                )""",
            {"data_version": key.data_version, "kept": STORED_FITS_KEPT},
        )
        cursor.execute("delete from clv_fit_customers where fit_id not in (select fit_id from clv_fits)")
        cursor.execute("commit")
    except duckdb.CatalogException as exc:
        # A file that predates the tables.
        _rollback(cursor)
        log.info("CLV fit to %s not stored: %s", key.as_of, exc)
        return False
    except Exception:
        _rollback(cursor)
        raise
    finally:
        cursor.close()
    return True


def _rollback(cursor: duckdb.DuckDBPyConnection) -> None:
    try:
        cursor.execute("rollback")
    except duckdb.TransactionException:
        pass  # DuckDB already rolled back a commit that failed
