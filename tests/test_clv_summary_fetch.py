"""The customer summary read through Arrow is the one DuckDB's .df() gave, customer by customer.

customer_summary fetches queries/clv_summary.sql's result as Arrow (person ids never become
Python strings); a viewer's read-only cursor passes Arrow through as well.
Both must hand the models and the Customer value page the same table: same customers in the
same order, same columns and dtypes, same x, t_x, T, first purchase day, spend and revenue.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from legame import clv, share
from legame.clv.summary import SUMMARY_SQL, as_date, unit_days
from tests.test_clv import ORDERS_DDL, RULES_ORDERS, orders_connection

EXACT = ["person_id", "first_purchase_date", "x", "t_x", "T"]
# Sums of money: DuckDB adds a customer's days in whatever order its threads meet them, so two
# runs of the same query (either fetch) may differ in the last bit; nothing else may differ.
MONEY = ["monetary_value", "historic_revenue"]


def through_df(con, calibration_end, time_unit: str) -> pd.DataFrame:
    """The summary as customer_summary read it before Arrow: the oracle."""
    params = {"calibration_end": as_date(calibration_end), "unit_days": unit_days(time_unit)}
    return con.execute(SUMMARY_SQL.read_text(), params).df()


def assert_same_summary(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert list(got.columns) == list(expected.columns)
    assert got.dtypes.to_dict() == expected.dtypes.to_dict()
    pd.testing.assert_frame_equal(got[EXACT], expected[EXACT], check_exact=True)
    pd.testing.assert_frame_equal(got[MONEY], expected[MONEY], check_exact=False, rtol=1e-12, atol=0)


def random_warehouse(seed: int, people: int = 300) -> duckdb.DuckDBPyConnection:
    """Orders with every case the summary's rules name: several orders on a day, refunds that
    cancel a day or fall on a day of their own, rows flagged is_refund, free orders, unknown
    amounts, orders after the calibration end."""
    rng = np.random.default_rng(seed)
    rows = []
    for person in range(people):
        for _ in range(rng.integers(1, 7)):
            day = np.datetime64("2024-01-01") + int(rng.integers(0, 120))
            at = f"{day} {rng.integers(0, 24):02d}:{rng.integers(0, 60):02d}"
            kind = rng.random()
            if kind < 0.1:
                revenue = 0.0
            elif kind < 0.15:
                revenue = None
            elif kind < 0.3:
                revenue = -float(rng.integers(1, 80))
            else:
                revenue = float(np.round(rng.gamma(2.0, 30.0), 2))
            is_refund = None if rng.random() < 0.05 else bool(rng.random() < 0.08)
            rows.append((f"p{person:04d}", at, revenue, is_refund))
            if rng.random() < 0.25:  # another order the same day
                rows.append((f"p{person:04d}", f"{day} 23:30", float(rng.integers(-30, 60)), False))
    con = duckdb.connect()
    con.execute(ORDERS_DDL)
    # From a frame: executemany takes seconds for a thousand rows.
    con.register("generated", pd.DataFrame(rows, columns=["person_id", "ordered_at", "revenue", "is_refund"]))
    con.execute(
        "insert into orders select 'o' || row_number() over (), person_id, ordered_at::timestamp, revenue, "
        "null, null, is_refund from generated"
    )
    return con


@pytest.mark.parametrize("time_unit", ["day", "week", "month"])
def test_the_rules_orders_read_the_same_through_arrow(time_unit: str) -> None:
    con = orders_connection(RULES_ORDERS)
    assert_same_summary(clv.customer_summary(con, "2024-01-31", time_unit), through_df(con, "2024-01-31", time_unit))


@pytest.mark.parametrize("seed", [1, 2])
def test_a_random_warehouse_reads_the_same_through_arrow(seed: int) -> None:
    con = random_warehouse(seed)
    got = clv.customer_summary(con, "2024-03-31", "week")
    assert_same_summary(got, through_df(con, "2024-03-31", "week"))
    # The cases are there: refund-only and cancelled days, free orders, unknown amounts.
    assert (got["historic_revenue"] < 0).any() and (got["monetary_value"] == 0).any()
    assert got["x"].max() >= 3 and len(got) > 250


def test_the_demo_reads_the_same_through_arrow_and_through_a_viewers_cursor(demo) -> None:
    expected = through_df(demo, "2026-06-30", "week")
    got = clv.customer_summary(demo, "2026-06-30", "week")
    assert len(got) > 1000
    assert_same_summary(got, expected)
    # A viewer's read-only cursor passes Arrow through (share.ReadOnlyCursor): the same table.
    viewer = share.ReadOnlyCursor(demo.cursor())
    assert_same_summary(clv.customer_summary(viewer, "2026-06-30", "week"), expected)


def test_no_customers_reads_as_an_empty_summary() -> None:
    got = clv.customer_summary(orders_connection([]), "2024-03-31", "week")
    assert got.empty and list(got.columns) == list(through_df(orders_connection([]), "2024-03-31", "week").columns)
    assert got["first_purchase_date"].dtype == "datetime64[us]" and got["x"].dtype == "int64"
