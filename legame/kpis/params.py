"""The named parameters every KPI query in queries/ is run with, built in one place from the view."""

from __future__ import annotations

from typing import Any

from legame.channels import Taxonomy
from legame.config import Config
from legame.kpis.period import Period


def query_params(config: Config, period: Period, filters: dict[str, str]) -> dict[str, Any]:
    """$start, $end, $channel, $campaign and the config values the SQL depends on: the channel taxonomy's
    rules and attribution ($channel_rules, $person_fallback) and $conversion_denominator."""
    from legame.kpis.engine import conversion_denominator

    return {
        "start": period.start,
        "end": period.end,
        "channel": filters.get("channel"),
        "campaign": filters.get("campaign"),
        "conversion_denominator": conversion_denominator(config),
        **Taxonomy.from_config(config).params(),
    }
