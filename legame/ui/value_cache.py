"""The Customer value page's computations, cached per data version: a new upload refits the models."""

from __future__ import annotations

from datetime import date

import streamlit as st

from legame import clv, value
from legame.ui.cache import data_version
from legame.ui.session import config, cursor


@st.cache_data(max_entries=8, show_spinner="Fitting the customer value models…")
def _report(version: int) -> value.ValueReport:
    return value.report(cursor(), config())


def report() -> value.ValueReport:
    """Everything on the page but the holdout check; raises clv.ClvError when no model can be fitted."""
    return _report(data_version())


@st.cache_data(max_entries=32, show_spinner="Checking the model on the past…")
def _holdout(version: int, split_date: date) -> clv.HoldoutCheck:
    return value.holdout(cursor(), config(), split_date)


def holdout(split_date: date) -> clv.HoldoutCheck:
    """The holdout check from `split_date` to the latest order date."""
    return _holdout(data_version(), split_date)
