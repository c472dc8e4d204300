"""Computations the pages show, cached per data version: a new upload invalidates them.

A viewer of a frozen link gets the numbers stored with the link instead (session.snapshot()).
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from legame import annotations, board, warehouse
from legame.kpis import Kpi, Period, compute, series
from legame.ui.session import config, cursor, snapshot


def data_version() -> int:
    return warehouse.data_version(cursor())


def notes_version() -> tuple[int, int]:
    """Changes with every note added or deleted: the board's chart marks are cached on it too."""
    return annotations.version(cursor())


@st.cache_data(max_entries=64, show_spinner=False)
def _board(version: int, start: date, end: date, comparison: str, filters: tuple, notes: tuple = ()) -> board.Board:
    return board.build(cursor(), config(), Period(start, end), comparison, dict(filters))


def board_for(period: Period, comparison: str, filters: dict[str, str]) -> board.Board:
    if (frozen := snapshot()) is not None:
        return frozen.board()
    return _board(data_version(), period.start, period.end, comparison, tuple(sorted(filters.items())), notes_version())


@st.cache_data(max_entries=64, show_spinner=False)
def _kpis(version: int, start: date, end: date, comparison: str, filters: tuple) -> list[Kpi]:
    return compute(cursor(), config(), Period(start, end), comparison, dict(filters))


def kpis_for(period: Period, comparison: str, filters: dict[str, str]) -> dict[str, Kpi]:
    """Every KPI for the period, by id."""
    if (frozen := snapshot()) is not None:
        return {k.id: k for k in frozen.board().kpis}
    found = _kpis(data_version(), period.start, period.end, comparison, tuple(sorted(filters.items())))
    return {k.id: k for k in found}


@st.cache_data(max_entries=64, show_spinner=False)
def _monthly(version: int, end: date, filters: tuple, kpi_id: str) -> list[dict]:
    return series.monthly(cursor(), config(), end, dict(filters), [kpi_id])


def monthly(end: date, filters: dict[str, str], kpi_id: str) -> list[dict]:
    """The KPI month by month for the twelve months up to `end`."""
    if (frozen := snapshot()) is not None:
        return frozen.monthly_for(kpi_id)
    return _monthly(data_version(), end, tuple(sorted(filters.items())), kpi_id)


@st.cache_data(max_entries=64, show_spinner=False)
def _channels(version: int, start: date, end: date, filters: tuple, kpi_id: str) -> list[dict]:
    return series.by_channel(cursor(), config(), Period(start, end), dict(filters), [kpi_id])


def by_channel(period: Period, filters: dict[str, str], kpi_id: str) -> list[dict]:
    if (frozen := snapshot()) is not None:
        return frozen.channels_for(kpi_id)
    return _channels(data_version(), period.start, period.end, tuple(sorted(filters.items())), kpi_id)


@st.cache_data(max_entries=8, show_spinner=False)
def _dimensions(version: int) -> dict[str, list[str]]:
    return series.dimensions(cursor(), config())


def dimensions() -> dict[str, list[str]]:
    """Channels and campaigns present in the data."""
    if (frozen := snapshot()) is not None:
        return frozen.dimensions
    return _dimensions(data_version())


@st.cache_data(max_entries=8, show_spinner=False)
def _anchor(version: int) -> date:
    return board.anchor_date(cursor())


def anchor() -> date:
    """The latest day with data (never after today): presets count back from it."""
    if (frozen := snapshot()) is not None:
        return frozen.anchor
    return _anchor(data_version())


@st.cache_data(max_entries=8, show_spinner=False)
def _board_pack(version: int, start: date, end: date, comparison: str, filters: tuple, notes: tuple = ()) -> bytes:
    from legame.boardpack import board_pack_pdf

    built = _board(version, start, end, comparison, filters, notes)
    return board_pack_pdf(built, config(), headline=built.headline, filters=dict(filters))


def board_pack(period: Period, comparison: str, filters: dict[str, str]) -> bytes:
    """The board pack PDF for this view (a few seconds the first time: Chromium draws the charts)."""
    if (frozen := snapshot()) is not None:
        return _frozen_pack(frozen.link_id, frozen.board(), filters)
    filters_key = tuple(sorted(filters.items()))
    return _board_pack(data_version(), period.start, period.end, comparison, filters_key, notes_version())


def freshness() -> dict[str, date | None]:
    """The latest day in each table (the frozen link's, for its viewer)."""
    if (frozen := snapshot()) is not None:
        return frozen.board().freshness
    return warehouse.freshness(cursor())


def demo_state() -> str:
    """Whose data the numbers are (warehouse.demo_state); the frozen link's, for its viewer."""
    if (frozen := snapshot()) is not None:
        return frozen.board().demo_state
    return warehouse.demo_state(cursor())


@st.cache_data(max_entries=8, show_spinner=False, hash_funcs={board.Board: id})
def _frozen_pack(link_id: str, built: board.Board, filters: dict[str, str]) -> bytes:
    from legame.boardpack import board_pack_pdf

    return board_pack_pdf(built, config(), headline=built.headline, filters=dict(filters))


@st.cache_data(max_entries=32, show_spinner=False)
def _marks(version: int, notes: tuple, start: date, end: date) -> list[annotations.Mark]:
    return annotations.marks(cursor(), start, end)


def marks(period: Period) -> list[annotations.Mark]:
    """Community events and the admin's notes for the twelve months of a drill-down's trend chart."""
    if (frozen := snapshot()) is not None:
        return frozen.board().marks
    start = board.trend_period(period).start
    return _marks(data_version(), notes_version(), start, period.end)
