"""The board's revenue chart (revenue_trend, read per day and buyer from the aggregates) holds exactly the
monthly revenue and orders of the raw orders: every sale attributed by attributed_orders' rule, a member's
when the buyer was a member on the order's day (member_on over people), with and without a filter."""

from __future__ import annotations

import math
from datetime import date

import pytest

from legame import queries, warehouse
from legame.board import trend_period
from legame.ingest import load_file
from legame.kpis import Period
from legame.kpis.params import query_params
from legame.kpis.series import dimensions
from tests.test_aggregates import random_exports

PERIODS = (Period(date(2026, 7, 1), date(2026, 9, 30)), Period(date(2025, 1, 1), date(2026, 12, 31)))

# The computation from the raw orders, written here apart from every relation but the stated attribution rule
# and member_on: one row per order, grouped by its month and its buyer's membership on the order's day.
FROM_ORDERS = """
    select
        date_trunc('month', o.ordered_at)::date as month,
        member_on(p.is_member, p.member_since, o.ordered_at::date) as is_member_sale,
        sum(o.revenue) as revenue,
        count(*) as orders
    from attributed_orders(channel_map($channel_rules), $person_fallback) as o
    left join people as p using (person_id)
    where o.ordered_at >= $start and o.ordered_at < $end + interval 1 day
        and ($channel is null or o.channel = $channel)
        and ($campaign is null or coalesce(o.campaign, 'unattributed') = $campaign)
    group by all
    order by month, is_member_sale
"""


def trend_differences(con, config) -> list[str]:
    found = dimensions(con, config)
    views = [{}, *({"channel": c} for c in [*found["channel"], "unattributed"])]
    views += [{"campaign": c} for c in found["campaign"][:2]]
    wrong, compared = [], 0
    for period in PERIODS:
        for view in views:
            params = query_params(config, trend_period(period), view)
            chart = queries.run(con, "revenue_trend", **params)
            used = {k: v for k, v in params.items() if "$" + k in FROM_ORDERS}
            cursor = con.execute(FROM_ORDERS, used)
            names = [d[0] for d in cursor.description]
            expected = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
            compared += len(expected)
            keys = [(r["month"], r["is_member_sale"], r["orders"]) for r in chart]
            if keys != [(r["month"], r["is_member_sale"], r["orders"]) for r in expected]:
                wrong.append(f"{period} {view}: {keys} against {expected}")
                continue
            for got, want in zip(chart, expected, strict=True):
                if not math.isclose(got["revenue"], want["revenue"], rel_tol=1e-12, abs_tol=1e-9):
                    wrong.append(f"{period} {view} {got['month']}: revenue {got['revenue']} against {want['revenue']}")
    assert compared > 10, "the warehouse has sales to compare"
    return wrong


@pytest.mark.parametrize("over", ["aggregated", "raw"])
def test_the_revenue_chart_is_the_raw_orders_computation_on_the_demo(demo, config, over):
    try:
        warehouse.install_relations(demo, over)
        assert trend_differences(demo, config) == []
    finally:
        warehouse.install_relations(demo)


def test_the_revenue_chart_is_the_raw_orders_computation_on_a_random_warehouse(con, config, tmp_path):
    for path in random_exports(tmp_path, 7):
        assert load_file(con, config, path).rejected == 0, path
    assert trend_differences(con, config) == []
