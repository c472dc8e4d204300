"""Computations the pages show, cached per data version: a new upload invalidates them."""

from __future__ import annotations

from datetime import date

import streamlit as st

from legame import board, warehouse
from legame.kpis import Period
from legame.ui.session import config, cursor


def data_version() -> int:
    return warehouse.data_version(cursor())


@st.cache_data(max_entries=64, show_spinner=False)
def _board(version: int, start: date, end: date, comparison: str) -> board.Board:
    return board.build(cursor(), config(), Period(start, end), comparison)


def board_for(period: Period, comparison: str) -> board.Board:
    return _board(data_version(), period.start, period.end, comparison)


@st.cache_data(max_entries=8, show_spinner=False)
def _anchor(version: int) -> date:
    return board.anchor_date(cursor())


def anchor() -> date:
    """The latest day with data (never after today): presets count back from it."""
    return _anchor(data_version())
