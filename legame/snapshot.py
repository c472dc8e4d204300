"""Frozen links: what a link's pages showed when it was made, stored with it, shown instead of live numbers.

A snapshot keeps the computed objects the shared pages lay out (the Board with every KPI, the
monthly series and the channel split of the drill-down charts, freshness, demo state), as JSON
in `link_snapshots`. The numbers are stored once; the words computed with them (KPI names,
sentences, the headline, definitions) are stored in every language Legame speaks, each computed
in that language, so a viewer who switches language reads the snapshot's own sentences in it.
The pages' own words (titles, captions, period labels) are written at view time, as for any page.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import duckdb

from legame import i18n, queries
from legame.config import Config
from legame.errors import LegameError
from legame.i18n import _
from legame.kpis.period import Period

FORMAT = 1
# The pages a frozen link can show: the customer value page refits its models on the reader's
# split date, so it has no fixed numbers to freeze.
PAGES = ("board", "community", "advocacy", "conversion")
DRILL_DOWNS = ("community", "advocacy", "conversion")


@dataclass
class Snapshot:
    """One link's frozen numbers, read back from the warehouse."""

    link_id: str
    taken_at: datetime  # naive UTC, like every timestamp in the warehouse
    data_version: int
    boards: dict[str, Any]  # language -> board.Board, words in that language
    monthly: list[dict[str, Any]]  # {"month": first day, kpi_id: value, ...}, twelve months to the period's end
    channels: list[dict[str, Any]]  # {"channel": id, kpi_id: value, ...} for the period
    dimensions: dict[str, list[str]]
    anchor: date

    def board(self, lang: str | None = None) -> Any:
        """The board in `lang` (default: the current language), else in the language it was made in."""
        lang = lang or i18n.current()
        return self.boards.get(lang) or next(iter(self.boards.values()))

    def monthly_for(self, kpi_id: str) -> list[dict[str, Any]]:
        return [{"month": row["month"], kpi_id: row.get(kpi_id)} for row in self.monthly]

    def channels_for(self, kpi_id: str) -> list[dict[str, Any]]:
        return [{"channel": row["channel"], kpi_id: row[kpi_id]} for row in self.channels if kpi_id in row]


def check_pages(pages: tuple[str, ...]) -> None:
    """Refuse a frozen link to a page that has no fixed numbers to freeze."""
    live = [p for p in pages if p not in PAGES]
    if live:
        raise LegameError(
            _(
                "A link with frozen numbers can show the Board, Community, Advocacy and Conversion & ROI pages; "
                "Customer value refits its models as you read it, so share it with a live link."
            )
        )


def take(con: duckdb.DuckDBPyConnection, config: Config, view: Any) -> dict[str, Any]:
    """Compute what `view`'s pages show, now, as the JSON-ready body of a snapshot."""
    from legame import board, warehouse
    from legame.kpis import series
    from legame.kpis.registry import KPIS

    check_pages(view.pages)
    period, filters = view.period, view.filters
    boards = {}
    for lang in i18n.LANGUAGES:
        with i18n.language(lang):
            boards[lang] = board.build(con, config, period, view.compare, filters)
    body: dict[str, Any] = {
        "format": FORMAT,
        "data_version": warehouse.data_version(con),
        "boards": boards,
        "monthly": [],
        "channels": [],
        "dimensions": series.dimensions(con, config),
        "anchor": board.anchor_date(con),
    }
    if set(view.pages) & set(DRILL_DOWNS):
        body["monthly"] = series.monthly(con, config, period.end, filters, list(KPIS))
        body["channels"] = series.by_channel(con, config, period, filters, list(KPIS))
    return body


def store(con: duckdb.DuckDBPyConnection, link_id: str, body: dict[str, Any], taken_at: datetime) -> None:
    queries.run(
        con,
        "snapshots_insert",
        link_id=link_id,
        taken_at=taken_at,
        data_version=body["data_version"],
        languages=",".join(body["boards"]),
        body=dumps(body),
    )


def load(con: duckdb.DuckDBPyConnection, link_id: str) -> Snapshot:
    """The snapshot stored with a link; LegameError when it is missing (a frozen link never falls back to live
    numbers)."""
    rows = queries.run(con, "snapshots_get", link_id=link_id)
    if not rows:
        raise LegameError(_("The numbers of this link were not kept. Ask whoever shared it for a new link."))
    body = loads(rows[0]["body"])
    return Snapshot(
        link_id=link_id,
        taken_at=rows[0]["taken_at"],
        data_version=body["data_version"],
        boards=body["boards"],
        monthly=body["monthly"],
        channels=body["channels"],
        dimensions=body["dimensions"],
        anchor=body["anchor"],
    )


# -- JSON with the few types the computed objects hold -----------------------------------------
# Tagged objects ({"$date": "2026-09-30"}); decoding builds only the classes listed here.


def _classes() -> dict[str, type]:
    from legame.annotations import Mark
    from legame.board import Board
    from legame.kpis.engine import Kpi

    return {"kpi": Kpi, "board": Board, "mark": Mark}


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, Period):
        return {"$period": [value.start.isoformat(), value.end.isoformat()]}
    for tag, cls in _classes().items():
        if isinstance(value, cls):
            return {f"${tag}": {f.name: _tuple(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if hasattr(value, "item"):  # a numpy scalar
        return value.item()
    raise TypeError(f"A snapshot cannot hold a {type(value).__name__}")


def _tuple(value: Any) -> Any:
    # JSON writes a tuple as a list: a field declared as a tuple (Kpi.not_measurable) is tagged to come back one.
    return {"$tuple": list(value)} if isinstance(value, tuple) else value


def _decode(data: dict[str, Any]) -> Any:
    if len(data) == 1:
        ((key, value),) = data.items()
        if key == "$date":
            return date.fromisoformat(value)
        if key == "$datetime":
            return datetime.fromisoformat(value)
        if key == "$tuple":
            return tuple(value)
        if key == "$period":
            return Period(date.fromisoformat(value[0]), date.fromisoformat(value[1]))
        if key.startswith("$") and key[1:] in _classes():
            return _classes()[key[1:]](**value)
    return data


def dumps(body: dict[str, Any]) -> str:
    return json.dumps(body, default=_encode, ensure_ascii=False, separators=(",", ":"))


def loads(text: str) -> dict[str, Any]:
    return json.loads(text, object_hook=_decode)
