"""One cache of fitted CLV models per process, shared by every reader of a fit.

A fit takes seconds and the same one is asked for by several readers: the board's CLV KPIs,
the community's value, the Customer value page. Fits are kept per database, data version
(a new upload is a new version), CLV settings and date, the least recently used dropped
first. Streamlit runs sessions in threads: a second reader of a fit under way waits for it
instead of fitting again, while fits of other keys go ahead.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import date
from typing import Generic, NamedTuple, TypeVar

T = TypeVar("T")


class FitKey(NamedTuple):
    """What a fit depends on."""

    database: str  # the warehouse file's path: tests open many, the app one
    data_version: int  # warehouse.data_version: every load changes it
    settings: Hashable  # the config values predicted CLV depends on (legame.value.ClvSettings)
    as_of: date  # orders up to this day inclusive


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
