"""KPI values over time and across channels, for the drill-down pages' charts."""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb

from legame import queries
from legame.config import Config
from legame.kpis.engine import family_rows, kpi_value, settings, split_values
from legame.kpis.params import query_params
from legame.kpis.period import Period, preset
from legame.kpis.registry import KPIS


def values(
    con: duckdb.DuckDBPyConnection, config: Config, period: Period, filters: dict[str, str], kpi_ids: list[str]
) -> dict[str, float | None]:
    """The value of each KPI in `kpi_ids` for one period (no comparison, no words): the engine's own."""
    rows = family_rows(con, config, period, filters, {KPIS[i].family for i in kpi_ids})
    values_ = settings(config, period, filters)
    return {i: kpi_value(KPIS[i], rows[KPIS[i].family], values_, filters)[0] for i in kpi_ids}


def monthly(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    end: date,
    filters: dict[str, str],
    kpi_ids: list[str],
    months: int = 12,
) -> list[dict[str, Any]]:
    """One row per calendar month up to the month of `end`: {"month": first day, kpi_id: value, ...}."""
    out = []
    month = preset("this_month", end)
    for _ in range(months):
        out.append({"month": month.start, **values(con, config, month, filters, kpi_ids)})
        month = month.comparison()
    return out[::-1]


def dimensions(con: duckdb.DuckDBPyConnection, config: Config) -> dict[str, list[str]]:
    """The channels (taxonomy ids, unattributed included) and campaigns in the data, for the filter pickers."""
    found: dict[str, list[str]] = {"channel": [], "campaign": []}
    params = query_params(config, Period(date.min, date.min), {})
    for row in queries.run(con, "dimensions", **params):
        found[row["kind"]].append(row["name"])
    return found


def by_channel(
    con: duckdb.DuckDBPyConnection, config: Config, period: Period, filters: dict[str, str], kpi_ids: list[str]
) -> list[dict[str, Any]]:
    """One row per channel of the taxonomy with data, unattributed last: {"channel": id, kpi_id: value, ...}.

    Only KPIs measurable by channel; a channel where every one of them is n/a or zero is left out.
    """
    split = [i for i in kpi_ids if KPIS[i].unsplittable("channel") is None]
    rows = []
    for channel in split_values(con, config, "channel", period):
        found = values(con, config, period, {**filters, "channel": channel}, split)
        if any(v for v in found.values()):
            rows.append({"channel": channel, **found})
    return rows
