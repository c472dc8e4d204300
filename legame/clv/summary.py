"""Customers' purchase histories read from the `orders` table (the warehouse's, or a CSV's view).

queries/clv_summary.sql is the one definition of a customer's history: one row per customer
for the per-customer predictions, or counted per distinct history inside DuckDB for a fit
that never builds a per-customer table (and so needs no pandas).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import numpy as np

from legame.clv.errors import ClvError
from legame.i18n import _

if TYPE_CHECKING:
    import pandas as pd

SUMMARY_SQL = Path(__file__).resolve().parent.parent.parent / "queries" / "clv_summary.sql"

DAYS_PER_MONTH = 30.4375  # 365.25 / 12
TIME_UNIT_DAYS = {"day": 1.0, "week": 7.0, "month": DAYS_PER_MONTH}


def unit_days(time_unit: str) -> float:
    """Days in one model time unit ("day", "week" or "month")."""
    try:
        return TIME_UNIT_DAYS[time_unit]
    except KeyError:
        raise ClvError(
            _("Unknown time unit {unit!r}: use one of {choices}.", unit=time_unit, choices=", ".join(TIME_UNIT_DAYS))
        ) from None


def customer_summary(
    con: duckdb.DuckDBPyConnection, calibration_end: dt.date | str, time_unit: str = "week"
) -> pd.DataFrame:
    """One row per customer from the `orders` table, as of `calibration_end` (inclusive).

    Columns: person_id, first_purchase_date, x, t_x, T, monetary_value (NaN when
    x = 0), historic_revenue. The rules are in queries/clv_summary.sql.
    """
    params = {"calibration_end": as_date(calibration_end), "unit_days": unit_days(time_unit)}
    result = con.execute(SUMMARY_SQL.read_text(), params)
    # Through Arrow rather than .df(), which made a Python string of each person id on the way to
    # pandas' Arrow-backed strings: 0.2 of the 1.5 CPU-s of a 1 M-customer fit.
    summary = result.to_arrow_table().to_pandas(date_as_object=False)
    summary["first_purchase_date"] = summary["first_purchase_date"].astype("datetime64[us]")  # .df()'s unit
    return summary


def as_date(value: dt.date | str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ClvError(_("Cannot read {value!r} as a date: use YYYY-MM-DD.", value=value)) from None


def grouped_histories(
    con: duckdb.DuckDBPyConnection, calibration_end: dt.date | str, time_unit: str = "week"
) -> dict[str, np.ndarray]:
    """The customer summary counted per distinct history, without leaving the database.

    Rows with is_spend_group 0 are the distinct (x, t_x, T) histories BG/NBD reads; rows with
    is_spend_group 1 the distinct (x, monetary_value) pairs Gamma-Gamma reads; `customers`
    counts the customers of each. Every column comes as floats.
    """
    # The two parameters written in as typed literals, not bound: DuckDB 1.5 imports pandas to bind any
    # parameter, and the CLI's CSV fit runs without pandas (importing it took half of the job's time).
    sql = (
        SUMMARY_SQL.read_text()
        .replace("$calibration_end", f"date '{as_date(calibration_end).isoformat()}'")
        .replace("$unit_days", f"cast({float(unit_days(time_unit))!r} as double)")
    )
    # A cursor of its own: a result the caller left unfetched on `con` cannot block the relation.
    cursor = con.cursor()
    try:
        groups = (
            cursor.sql(sql)
            .aggregate(
                # No nulls in the result (NaN for no spend, 0 for the columns a set does not
                # group by): fetchnumpy would hand them over as masked arrays, whose module
                # alone takes 20 ms to import.
                'x, coalesce(t_x, 0) as t_x, coalesce("T", 0) as "T", '
                "coalesce(monetary_value, 'NaN'::double) as monetary_value, "
                "grouping(t_x) as is_spend_group, count(*) as customers",
                'grouping sets ((x, t_x, "T"), (x, monetary_value))',
            )
            .fetchnumpy()
        )
    finally:
        cursor.close()
    return {name: np.asarray(values, dtype=float) for name, values in groups.items()}
