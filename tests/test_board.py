"""The board on the demo data: the value of the community, its headline, the cards and what changed."""

from __future__ import annotations

from datetime import date

import pytest

from legame import board, value
from legame.kpis import Period

Q3_2026 = Period(date(2026, 7, 1), date(2026, 9, 30))


@pytest.fixture
def q3(demo, config):
    return board.build(demo, config, Q3_2026, "previous")


def test_community_value_is_the_uplift_times_members_as_of_the_period_end(q3, demo, config):
    values = value.customer_values(demo, config, Q3_2026.end)
    members = values[values["is_member"] == True]  # noqa: E712 - a pandas mask
    others = values[values["is_member"] == False]  # noqa: E712
    expected_uplift = members["clv_predicted"].mean() - others["clv_predicted"].mean()
    kpis = {k.id: k for k in q3.kpis}
    assert kpis["community_uplift"].value == pytest.approx(expected_uplift)
    assert kpis["community_value"].value == pytest.approx(expected_uplift * len(members))
    assert kpis["clv_predicted"].value == pytest.approx(values["clv_predicted"].mean())
    parts = kpis["community_value"].extras["breakdown"]
    assert parts["members"] == len(members)
    assert parts["low"] < kpis["community_value"].value < parts["high"]
    assert "cause" not in kpis["community_value"].sentence and "made" not in kpis["community_value"].sentence


def test_headline_and_cards(q3):
    assert [k.id for k in q3.cards] == list(board.BOARD_KPIS)
    assert len(q3.cards) == 8
    value_kpi = q3.cards[0]
    assert q3.headline == (
        f"In Q3 2026 the community's {value_kpi.extras['breakdown']['members']:,} member customers are worth "
        f"{value_kpi.display['value']} more in predicted margin over the next 36 months than as many other "
        f"customers (90% interval {value_kpi.display['low']} to {value_kpi.display['high']})."
    )
    assert all(k.value is not None for k in q3.cards), [(k.id, k.na_reason) for k in q3.cards]


def test_what_changed_lists_only_real_movements(q3):
    moves = q3.what_changed()
    assert 0 < len(moves) <= 3
    assert all(k.noise is None and k.signal is not None for k in moves)
    assert [abs(k.signal) for k in moves] == sorted((abs(k.signal) for k in moves), reverse=True)


def test_an_empty_warehouse_says_why_there_is_no_value(con, config):
    empty = board.build(con, config, Q3_2026, "previous")
    assert empty.headline == ("The value of the community cannot be worked out yet: there are no orders yet.")
