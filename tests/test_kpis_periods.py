"""A period and its comparison are read together (engine.periods_rows: two readers at once); each must be exactly
what that period gives read alone, on the demo and on a random warehouse, unfiltered and filtered."""

from __future__ import annotations

import math
from datetime import date

import pytest

from legame.ingest import load_file
from legame.kpis import Period, compute, engine
from legame.kpis.params import channel_map
from legame.kpis.registry import KPIS
from tests.test_aggregates import random_exports

FAMILIES = {k.family for k in KPIS.values()}
CASES = (
    (Period(date(2026, 4, 1), date(2026, 6, 30)), "previous"),
    (Period(date(2026, 8, 1), date(2026, 8, 31)), "year"),
)


def views(con, config, period: Period) -> list[dict[str, str]]:
    # The unfiltered view, a channel with data, a campaign with data, and the unattributed channel.
    channels = engine.split_values(con, config, "channel", period)
    campaigns = engine.split_values(con, config, "campaign", period)
    return [{}, {"channel": channels[0]}, {"campaign": campaigns[0]}, {"channel": "unattributed"}]


def _same(a: float | None, b: float | None) -> bool:
    return a == b or (a is not None and b is not None and math.isnan(a) and math.isnan(b))


def together_is_alone(con, config) -> list[str]:
    """Where a period read with its comparison differs from that period read alone: inputs, values, comparison."""
    channels = channel_map(con, config)
    found = []
    for period, kind in CASES:
        comparison = period.comparison(kind)
        for view in views(con, config, period):
            together = engine.periods_rows(con, config, (period, comparison), view, FAMILIES, channels)
            alone = [engine.family_rows(con, config, p, view, set(FAMILIES), channels) for p in (period, comparison)]
            found += [
                f"rows {p} {view}" for p, a, b in zip((period, comparison), together, alone, strict=True) if a != b
            ]
            board = {k.id: k for k in compute(con, config, period, kind, view, channels=channels)}
            before = {k.id: k for k in compute(con, config, comparison, kind, view, channels=channels)}
            for kpi_id, kpi in board.items():
                if not _same(kpi.comparison_value, before[kpi_id].value):
                    found.append(f"{kpi_id} {period} {view}: {kpi.comparison_value} != {before[kpi_id].value}")
    return found


def test_the_demos_period_and_comparison_read_together_are_each_as_read_alone(demo, config):
    assert together_is_alone(demo, config) == []


@pytest.mark.parametrize("seed", [3])
def test_a_random_warehouses_period_and_comparison_read_together_are_each_as_read_alone(con, config, tmp_path, seed):
    for path in random_exports(tmp_path, seed):
        assert load_file(con, config, path).rejected == 0, path
    assert together_is_alone(con, config) == []
