"""KPI values over time and across channels, for the drill-down pages' charts."""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb

from legame import queries
from legame.config import Config
from legame.kpis.engine import kpi_value, settings, split_values, views_rows
from legame.kpis.params import channel_map, query_params
from legame.kpis.period import Period, preset
from legame.kpis.registry import KPIS

Channels = dict[str, list[str]]  # the data's channel map (params.channel_map)


def values(
    con: duckdb.DuckDBPyConnection, config: Config, period: Period, filters: dict[str, str], kpi_ids: list[str]
) -> dict[str, float | None]:
    """The value of each KPI in `kpi_ids` for one period (no comparison, no words): the engine's own."""
    return views_values(con, config, [(period, filters)], kpi_ids)[0]


def views_values(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    views: list[tuple[Period, dict[str, str]]],
    kpi_ids: list[str],
    channels: Channels | None = None,
) -> list[dict[str, float | None]]:
    """`values` for each (period, filters) view, the views read at once (engine.views_rows; `channels` as there)."""
    found = views_rows(con, config, views, {KPIS[i].family for i in kpi_ids}, channels)
    out = []
    for (period, filters), rows in zip(views, found, strict=True):
        values_ = settings(config, period, filters)
        out.append({i: kpi_value(KPIS[i], rows[KPIS[i].family], values_, filters)[0] for i in kpi_ids})
    return out


def monthly(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    end: date,
    filters: dict[str, str],
    kpi_ids: list[str],
    months: int = 12,
    channels: Channels | None = None,
) -> list[dict[str, Any]]:
    """One row per calendar month up to the month of `end`: {"month": first day, kpi_id: value, ...}.
    `channels`: the data's channel map when the caller holds it (engine.views_rows)."""
    periods = [preset("this_month", end)]
    for _ in range(months - 1):
        periods.insert(0, periods[0].comparison())
    found = views_values(con, config, [(month, filters) for month in periods], kpi_ids, channels)
    return [{"month": month.start, **row} for month, row in zip(periods, found, strict=True)]


def dimensions(
    con: duckdb.DuckDBPyConnection, config: Config, kind: str | None = None, channels: Channels | None = None
) -> dict[str, list[str]]:
    """The channels (taxonomy ids, unattributed included) and campaigns in the data, for the filter pickers;
    `kind` ("channel" or "campaign"): that one alone, the other left empty. `channels`: the data's channel map
    when the caller holds it; read here otherwise."""
    found: dict[str, list[str]] = {"channel": [], "campaign": []}
    channels = channel_map(con, config) if channels is None else channels
    params = query_params(config, Period(date.min, date.min), {}, channels)
    for row in queries.run(con, "dimensions", **params, kind=kind):
        found[row["kind"]].append(row["name"])
    return found


def by_channel(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    period: Period,
    filters: dict[str, str],
    kpi_ids: list[str],
    found: list[str] | None = None,
    channels: Channels | None = None,
) -> list[dict[str, Any]]:
    """One row per channel of the taxonomy with data, unattributed last: {"channel": id, kpi_id: value, ...}.

    Only KPIs measurable by channel (none: no row, nothing read); a channel where every one of them is n/a or
    zero is left out. `found`: the channels with data (dimensions()["channel"]) when the caller holds them
    already (the app, once per data version); read here otherwise. `channels`: the data's channel map, likewise.
    """
    split = [i for i in kpi_ids if KPIS[i].unsplittable("channel") is None]
    if not split:
        return []
    names = split_values(con, config, "channel", period, found)
    rows = views_values(con, config, [(period, {**filters, "channel": c}) for c in names], split, channels)
    return [{"channel": c, **row} for c, row in zip(names, rows, strict=True) if any(v for v in row.values())]
