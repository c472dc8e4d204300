"""The fit cache: one fit per key however many threads ask, bounded, and nothing kept from a failure."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest

from legame.clv.cache import FitCache, FitKey


def key(version: int, as_of: date = date(2026, 9, 30)) -> FitKey:
    return FitKey("warehouse.duckdb", version, ("week", 36), as_of)


def test_threads_asking_for_one_key_share_one_fit():
    fits = FitCache[object]()
    made = []
    start = threading.Barrier(8)

    def fit() -> object:
        time.sleep(0.05)  # long enough for every thread to ask while the first is fitting
        made.append(object())
        return made[-1]

    got = []

    def ask() -> None:
        start.wait()
        got.append(fits.get(key(1), fit))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 1
    assert all(value is made[0] for value in got) and len(got) == 8


def test_a_fit_under_way_does_not_hold_up_other_keys():
    fits = FitCache[str]()
    slow_started, release = threading.Event(), threading.Event()

    def slow() -> str:
        slow_started.set()
        release.wait(5)
        return "slow"

    thread = threading.Thread(target=lambda: fits.get(key(1), slow))
    thread.start()
    slow_started.wait(5)
    assert fits.get(key(2), lambda: "quick") == "quick"  # would wait 5 s on a global lock
    assert key(1) not in fits
    release.set()
    thread.join()
    assert key(1) in fits


def test_the_least_recently_used_fit_goes_first():
    fits = FitCache[str](max_entries=2)
    fits.get(key(1), lambda: "one")
    fits.get(key(2), lambda: "two")
    fits.get(key(1), lambda: "refitted")  # a hit: key 1 is now the most recent
    fits.get(key(3), lambda: "three")
    assert len(fits) == 2
    assert key(1) in fits and key(3) in fits and key(2) not in fits
    assert fits.get(key(2), lambda: "two again") == "two again"


def test_every_part_of_the_key_tells_fits_apart():
    fits = FitCache[str]()
    base = key(1)
    others = [
        base._replace(database="other.duckdb"),
        base._replace(data_version=2),
        base._replace(settings=("week", 12)),
        base._replace(as_of=date(2026, 6, 30)),
    ]
    fits.get(base, lambda: "base")
    for n, other in enumerate(others):
        assert fits.get(other, lambda n=n: f"other {n}") == f"other {n}"
    assert len(fits) == 5


def test_a_failed_fit_is_not_kept():
    fits = FitCache[str]()

    def failing() -> str:
        raise RuntimeError("no orders")

    with pytest.raises(RuntimeError, match="no orders"):
        fits.get(key(1), failing)
    assert key(1) not in fits
    assert fits.get(key(1), lambda: "fitted") == "fitted"


def test_a_cache_keeps_at_least_one_fit():
    with pytest.raises(ValueError, match="at least 1 fit"):
        FitCache(max_entries=0)
