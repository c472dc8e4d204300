"""The Customer value page's computations, cached per data version and date: a new upload refits the models."""

from __future__ import annotations

from datetime import date

import streamlit as st

from legame import clv, value
from legame.ui.cache import data_version
from legame.ui.session import config, cursor


@st.cache_data(max_entries=8, show_spinner="Fitting the customer value models…")
def _report(version: int, as_of: date) -> value.ValueReport:
    return value.report(cursor(), config(), as_of=as_of)


def report(as_of: date) -> value.ValueReport:
    """Everything on the page but the holdout check, from the orders up to `as_of` (the period's end;
    the latest order if earlier); raises clv.ClvError when no model can be fitted."""
    return _report(data_version(), as_of)


@st.cache_data(max_entries=8, show_spinner="Fitting the customer value models for the comparison…")
def _community(version: int, as_of: date) -> value.Uplift | None:
    return value.predictions(cursor(), config(), as_of).community


def community(as_of: date) -> value.Uplift | None:
    """The community's uplift from the orders up to `as_of`, as the board reads it; None without a fit."""
    return _community(data_version(), as_of)


@st.cache_data(max_entries=32, show_spinner="Checking the model on the past…")
def _holdout(version: int, split_date: date, end_date: date) -> clv.HoldoutCheck:
    return value.holdout(cursor(), config(), split_date, end_date)


def holdout(split_date: date, end_date: date) -> clv.HoldoutCheck:
    """The holdout check from `split_date` to `end_date`."""
    return _holdout(data_version(), split_date, end_date)
