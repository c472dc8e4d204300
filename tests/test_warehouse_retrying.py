"""warehouse.retrying: the one retry loop of conflicting transactions (connect, DuckLake opens, stored CLV fits)."""

from __future__ import annotations

import duckdb
import pytest

from legame import warehouse


@pytest.fixture(autouse=True)
def no_wait(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    waits: list[int] = []
    monkeypatch.setattr(warehouse, "retry_wait", waits.append)
    return waits


def failing(times: int, error: duckdb.Error, calls: list[int]):
    def once() -> str:
        calls.append(len(calls))
        if len(calls) <= times:
            raise error
        return "done"

    return once


def test_a_conflict_is_tried_again_until_it_goes_through(no_wait):
    calls: list[int] = []
    rollbacks: list[int] = []
    once = failing(3, duckdb.TransactionException("Conflict on tuple"), calls)
    assert warehouse.retrying(once, after_failure=lambda: rollbacks.append(1)) == "done"
    assert len(calls) == 4 and len(rollbacks) == 3
    assert no_wait == [0, 1, 2]  # backing off longer each time


def test_the_last_conflict_reaches_the_caller_after_every_try():
    calls: list[int] = []
    once = failing(100, duckdb.TransactionException("Conflict on tuple"), calls)
    with pytest.raises(duckdb.TransactionException):
        warehouse.retrying(once)
    assert len(calls) == warehouse.CONFLICT_RETRIES


def test_an_error_that_is_no_conflict_is_not_tried_again(no_wait):
    calls: list[int] = []
    rollbacks: list[int] = []
    once = failing(1, duckdb.CatalogException("Table with name nope does not exist"), calls)
    with pytest.raises(duckdb.CatalogException):
        warehouse.retrying(once, after_failure=lambda: rollbacks.append(1))
    assert len(calls) == 1 and rollbacks == [1] and no_wait == []


def test_the_caller_decides_what_is_worth_retrying():
    calls: list[int] = []
    once = failing(2, duckdb.CatalogException('Table "loads" already exists'), calls)
    assert warehouse.retrying(once, lambda exc: "already exists" in str(exc)) == "done"
    assert len(calls) == 3
