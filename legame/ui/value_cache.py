"""The Customer value page's computations, cached per data version and date: a new upload refits the models.

The report and the holdout check hold words (reasons, labels), so they are cached per language too;
the spinners are said in the reader's language when the work runs, not when this module is imported.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from legame import clv, i18n, value
from legame.i18n import _
from legame.ui.cache import data_version
from legame.ui.session import config, cursor


@st.cache_data(max_entries=8, show_spinner=False)
def _report(version: int, lang: str, as_of: date) -> value.ValueReport:
    with i18n.language(lang):
        return value.report(cursor(), config(), as_of=as_of)


def report(as_of: date) -> value.ValueReport:
    """Everything on the page but the holdout check, from the orders up to `as_of` (the period's end;
    the latest order if earlier); raises clv.ClvError when no model can be fitted."""
    with st.spinner(_("Fitting the customer value models…")):
        return _report(data_version(), i18n.current(), as_of)


@st.cache_data(max_entries=8, show_spinner=False)
def _community(version: int, lang: str, as_of: date) -> value.Uplift | None:
    with i18n.language(lang):
        return value.predictions(cursor(), config(), as_of).community


def community(as_of: date) -> value.Uplift | None:
    """The community's uplift from the orders up to `as_of`, as the board reads it; None without a fit."""
    with st.spinner(_("Fitting the customer value models for the comparison…")):
        return _community(data_version(), i18n.current(), as_of)


@st.cache_data(max_entries=32, show_spinner=False)
def _holdout(version: int, lang: str, split_date: date, end_date: date) -> clv.HoldoutCheck:
    with i18n.language(lang):
        return value.holdout(cursor(), config(), split_date, end_date)


def holdout(split_date: date, end_date: date) -> clv.HoldoutCheck:
    """The holdout check from `split_date` to `end_date`."""
    with st.spinner(_("Checking the model on the past…")):
        return _holdout(data_version(), i18n.current(), split_date, end_date)
