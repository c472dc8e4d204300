"""The drill-down series (series.monthly, series.by_channel) read their months and channels at once, on cursors
of their own (engine.views_rows): each month and each channel must still get exactly its own values, the ones
that period or that channel gives alone, over the raw rows and over the aggregates."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from legame import warehouse
from legame.kpis import Period, engine, series
from legame.kpis.registry import KPIS, MODEL_FAMILIES

END = date(2026, 9, 30)  # a month's last day: every month of the trend is whole
# Every KPI read from SQL (the model families are fitted per period's end, the same on either path).
KPI_IDS = [k.id for k in KPIS.values() if k.family not in MODEL_FAMILIES]


@pytest.mark.parametrize("over", ["aggregated", "raw"])
def test_each_month_of_a_trend_is_that_month_alone(demo, config, over):
    try:
        warehouse.install_relations(demo, over)
        trend = series.monthly(demo, config, END, {}, KPI_IDS)
        assert [row["month"] for row in trend] == [date(2025, m, 1) for m in (10, 11, 12)] + [
            date(2026, m, 1) for m in range(1, 10)
        ]
        for row in trend:
            alone = series.values(demo, config, Period(row["month"], _month_end(row["month"])), {}, KPI_IDS)
            assert {k: row[k] for k in KPI_IDS} == _exactly(alone), row["month"]
        # Months differ from each other: a trend that repeated one month would not pass the loop above.
        assert len({tuple(row[k] for k in KPI_IDS) for row in trend}) == len(trend)
    finally:
        warehouse.install_relations(demo)


@pytest.mark.parametrize("over", ["aggregated", "raw"])
def test_each_channel_of_a_split_is_that_channel_alone(demo, config, over):
    period = Period(date(2026, 7, 1), date(2026, 9, 30))
    try:
        warehouse.install_relations(demo, over)
        rows = series.by_channel(demo, config, period, {}, KPI_IDS)
        assert len(rows) > 2
        for row in rows:
            ids = [k for k in KPI_IDS if k in row]
            alone = series.values(demo, config, period, {"channel": row["channel"]}, ids)
            assert {k: row[k] for k in ids} == _exactly(alone), row["channel"]
    finally:
        warehouse.install_relations(demo)


def _exactly(values: dict) -> dict:
    # Money sums may add in another order (DuckDB's threads): equal to the last few bits; everything else exactly.
    return {k: v if v is None else pytest.approx(v, rel=1e-12, abs=1e-9) for k, v in values.items()}


def _month_end(first: date) -> date:
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def test_a_split_by_channel_from_the_channels_given_is_the_one_read_here(demo, config):
    """The app gives the channels it holds (series.dimensions, once per data version): the same rows, in the same
    order, as the channels read by the split itself (engine.split_values)."""
    period = Period(date(2026, 7, 1), date(2026, 9, 30))
    found = series.dimensions(demo, config)["channel"]
    given = series.by_channel(demo, config, period, {}, KPI_IDS, found)
    assert len(given) > 2
    assert given == series.by_channel(demo, config, period, {}, KPI_IDS)


def test_a_split_of_kpis_none_measurable_by_channel_reads_nothing(demo, config, counting):
    unsplittable = [k for k in KPI_IDS if KPIS[k].unsplittable("channel")]
    assert unsplittable
    reads = counting(engine, "family_rows")
    assert series.by_channel(demo, config, Period(date(2026, 7, 1), date(2026, 9, 30)), {}, unsplittable) == []
    assert reads == Counter(), reads
