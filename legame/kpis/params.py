"""The named parameters every KPI query in queries/ is run with, built in one place from the view."""

from __future__ import annotations

from typing import Any

import duckdb

from legame import queries
from legame.channels import Taxonomy
from legame.config import Config
from legame.kpis.period import Period


def channel_map(con: duckdb.DuckDBPyConnection, config: Config) -> dict[str, list[str]]:
    """$channels: the taxonomy channel of every channel name the data carries and of every campaign with spend,
    as a DuckDB MAP the relations look rows up in (mapped, queries/relations/on_either/channel_map.sql).

    Read once per computation and bound to each of its queries: a query plans one small constant instead of
    mapping the names through the taxonomy's rules in a subquery per lookup (at 5 M acts an empty period's
    advocacy planned in 6 ms instead of 19, conversion in 10 instead of 31). Two queries, the names and then the
    campaigns given the names' map: in one, the map built in a subquery cost about 3x the two. It reads the data
    as it is now, so a load or a new config.yaml is in the next computation's map.
    """
    names = queries.run(con, "name_channels", channel_rules=Taxonomy.from_config(config).lookup)
    by_name = _as_map(names)
    return _as_map([*names, *queries.run(con, "campaign_keys", channels=by_name)])


def _as_map(rows: list[dict[str, Any]]) -> dict[str, list[str]]:
    # The form DuckDB binds as a MAP parameter (a plain dict would be a STRUCT).
    return {"key": [row["key"] for row in rows], "value": [row["channel"] for row in rows]}


def query_params(
    config: Config, period: Period, filters: dict[str, str], channels: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    """$start, $end, $channel, $campaign and the config values the SQL depends on: the channel taxonomy's
    rules and attribution ($channel_rules, $person_fallback) and $conversion_denominator; and, given, the
    computation's channel map ($channels, channel_map). Without it, a query that reads $channels is refused
    (queries.run names the missing parameter) rather than run with no channel for any name."""
    from legame.kpis.engine import conversion_denominator

    return {
        "start": period.start,
        "end": period.end,
        "channel": filters.get("channel"),
        "campaign": filters.get("campaign"),
        "conversion_denominator": conversion_denominator(config),
        **Taxonomy.from_config(config).params(),
        **({} if channels is None else {"channels": channels}),
    }
