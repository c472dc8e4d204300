"""Computations the pages show, cached per data version: a new upload invalidates them.

Whatever holds words (KPI labels and sentences, the board, its PDF, channel names) is cached per
language too (`lang`, from i18n.current()), so two sessions in two languages never share words.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from legame import board, i18n, warehouse
from legame.kpis import Kpi, Period, compute, series
from legame.ui.session import config, cursor


def data_version() -> int:
    return warehouse.data_version(cursor())


@st.cache_data(max_entries=64, show_spinner=False)
def _board(version: int, lang: str, start: date, end: date, comparison: str, filters: tuple) -> board.Board:
    with i18n.language(lang):
        return board.build(cursor(), config(), Period(start, end), comparison, dict(filters))


def board_for(period: Period, comparison: str, filters: dict[str, str]) -> board.Board:
    return _board(data_version(), i18n.current(), period.start, period.end, comparison, tuple(sorted(filters.items())))


@st.cache_data(max_entries=64, show_spinner=False)
def _kpis(version: int, lang: str, start: date, end: date, comparison: str, filters: tuple) -> list[Kpi]:
    with i18n.language(lang):
        return compute(cursor(), config(), Period(start, end), comparison, dict(filters))


def kpis_for(period: Period, comparison: str, filters: dict[str, str]) -> dict[str, Kpi]:
    """Every KPI for the period, by id."""
    found = _kpis(data_version(), i18n.current(), period.start, period.end, comparison, tuple(sorted(filters.items())))
    return {k.id: k for k in found}


@st.cache_data(max_entries=64, show_spinner=False)
def _monthly(version: int, end: date, filters: tuple, kpi_id: str) -> list[dict]:
    # Numbers only (no words): shared by every language.
    return series.monthly(cursor(), config(), end, dict(filters), [kpi_id])


def monthly(end: date, filters: dict[str, str], kpi_id: str) -> list[dict]:
    """The KPI month by month for the twelve months up to `end`."""
    return _monthly(data_version(), end, tuple(sorted(filters.items())), kpi_id)


@st.cache_data(max_entries=64, show_spinner=False)
def _channels(version: int, start: date, end: date, filters: tuple, kpi_id: str) -> list[dict]:
    return series.by_channel(cursor(), config(), Period(start, end), dict(filters), [kpi_id])


def by_channel(period: Period, filters: dict[str, str], kpi_id: str) -> list[dict]:
    return _channels(data_version(), period.start, period.end, tuple(sorted(filters.items())), kpi_id)


@st.cache_data(max_entries=8, show_spinner=False)
def _dimensions(version: int) -> dict[str, list[str]]:
    return series.dimensions(cursor(), config())


def dimensions() -> dict[str, list[str]]:
    """Channels and campaigns present in the data."""
    return _dimensions(data_version())


@st.cache_data(max_entries=8, show_spinner=False)
def _anchor(version: int) -> date:
    return board.anchor_date(cursor())


def anchor() -> date:
    """The latest day with data (never after today): presets count back from it."""
    return _anchor(data_version())


@st.cache_data(max_entries=8, show_spinner=False)
def _board_pack(version: int, lang: str, start: date, end: date, comparison: str, filters: tuple) -> bytes:
    from legame.boardpack import board_pack_pdf

    built = _board(version, lang, start, end, comparison, filters)
    with i18n.language(lang):
        return board_pack_pdf(built, config(), headline=built.headline, filters=dict(filters))


def board_pack(period: Period, comparison: str, filters: dict[str, str], lang: str | None = None) -> bytes:
    """The board pack PDF for this view in `lang` (the run's language by default; a download may call this
    after the run): a few seconds the first time, while Chromium draws the charts."""
    return _board_pack(
        data_version(), lang or i18n.current(), period.start, period.end, comparison, tuple(sorted(filters.items()))
    )
