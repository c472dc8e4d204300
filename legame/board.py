"""What the board page shows, computed in one place: KPIs, freshness, trend, demo flag."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb

from legame import annotations, i18n, queries, warehouse
from legame.config import Config
from legame.fmt import NumberFormat
from legame.i18n import _, ngettext
from legame.kpis import Kpi, Period, compute, narrative
from legame.kpis.params import query_params

# The cards on the board, in the order an executive reads them: money first, then
# advocacy, then participation; at most eight (issue: "readable in one minute").
BOARD_KPIS = (
    "community_value",
    "clv_predicted",
    "clv_cac",
    "romi",
    "nps",
    "advocates",
    "active_community_ratio",
    "conversion_rate",
)
TREND_MONTHS = 12
# What the revenue trend's numbers depend on (queries/revenue_trend.sql): the orders, their buyers and, for a
# campaign's channel, the ad spend. Its channel map also lists the names in posts, acts and visits, but a sale is
# looked up by its order's, its buyer's and its campaign's keys alone (attributed_orders): a posts upload leaves it.
TREND_TABLES = ("orders", "people", "spend")


@dataclass
class Board:
    """Everything on the board for one period and comparison."""

    period: Period
    kpis: list[Kpi]
    freshness: dict[str, date | None]
    demo_state: str  # warehouse.demo_state: "empty", "demo", "mixed" or "real"
    trend: list[dict[str, Any]]
    horizon_months: int = 36  # how far ahead predicted values look (config.yaml clv.horizon_months)
    locale: str = "en-GB"  # config.yaml's locale: the headline's numbers follow it in the reader's language
    marks: list[annotations.Mark] = field(default_factory=list)  # events and notes on the trend's months

    def what_changed(self, n: int = 3) -> list[Kpi]:
        """The n biggest real movements, ranked by size relative to their normal variation."""
        moved = [
            k for k in self.kpis if k.signal is not None and narrative.verdict(k) in (narrative.BETTER, narrative.WORSE)
        ]
        return sorted(moved, key=lambda k: -abs(k.signal))[:n]

    @property
    def headline(self) -> str:
        """One sentence for the top of the board, in the reader's language: the value of the community,
        or why it is missing."""
        value = next(k for k in self.kpis if k.id == "community_value")
        if value.value is None and value.not_measurable:
            return _(
                "The value of the community is shown for all channels and campaigns together: {why}.",
                why=value.not_measurable[1],
            )
        if value.value is None:
            return _("The value of the community cannot be worked out yet: {reason}.", reason=value.na_reason)
        members = int(value.extras["breakdown"]["members"])
        fmt = NumberFormat(i18n.locale_for(i18n.current(), self.locale))
        return ngettext(
            "{during} the community's {members} member customer is worth {value} more in predicted margin over "
            "the next {horizon} than another customer (90% interval {low} to {high}).",
            "{during} the community's {members} member customers are worth {value} more in predicted margin over "
            "the next {horizon} than as many other customers (90% interval {low} to {high}).",
            members,
            during=self.period.during,
            members=fmt.number(members),
            value=value.display["value"],
            horizon=ngettext("{n} month", "{n} months", self.horizon_months),
            low=value.display["low"],
            high=value.display["high"],
        )

    @property
    def cards(self) -> list[Kpi]:
        by_id = {k.id: k for k in self.kpis}
        return [by_id[i] for i in BOARD_KPIS]


def anchor_date(
    con: duckdb.DuckDBPyConnection, today: date | None = None, freshness: dict[str, date | None] | None = None
) -> date:
    """The day presets count back from: the latest day with data, never after today. `freshness`: the caller's
    warehouse.freshness, when it holds it."""
    today = today or date.today()
    freshness = warehouse.freshness(con) if freshness is None else freshness
    latest = [d for d in freshness.values() if d is not None]
    return min(max(latest), today) if latest else today


def trend_period(period: Period) -> Period:
    """The months shown in the trend: the twelve months up to the period's end."""
    end = period.end
    months_back = end.year * 12 + end.month - 1 - (TREND_MONTHS - 1)
    start = date(months_back // 12, months_back % 12 + 1, 1)
    return Period(min(start, period.start), end)


def revenue_trend(
    con: duckdb.DuckDBPyConnection, config: Config, period: Period, filters: dict[str, str]
) -> list[dict[str, Any]]:
    """Members' and other customers' sales month by month over trend_period(period) (queries/revenue_trend.sql).
    Of the data it reads only the orders, the people and the ad spend (TREND_TABLES)."""
    return queries.run(con, "revenue_trend", **query_params(config, trend_period(period), filters))


def build(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    period: Period,
    comparison: str,
    filters: dict[str, str] | None = None,
    *,
    kpis: list[Kpi] | None = None,
    freshness: dict[str, date | None] | None = None,
    demo_state: str | None = None,
    trend: list[dict[str, Any]] | None = None,
    marks: list[annotations.Mark] | None = None,
) -> Board:
    """The board of the view. A part given is the app's cached one for the view (legame/ui/cache.py keeps each
    on the version of what it reads: the KPIs each family's, the trend TREND_TABLES', the marks the events' and
    the notes'); the others are read here."""
    filters = filters or {}
    return Board(
        period=period,
        kpis=compute(con, config, period, comparison, filters) if kpis is None else kpis,
        freshness=warehouse.freshness(con) if freshness is None else freshness,
        demo_state=warehouse.demo_state(con) if demo_state is None else demo_state,
        horizon_months=int(config.get("clv", "horizon_months")),
        locale=str(config.get("locale", default="en-GB")),
        trend=revenue_trend(con, config, period, filters) if trend is None else trend,
        marks=annotations.marks(con, trend_period(period).start, period.end) if marks is None else marks,
    )
