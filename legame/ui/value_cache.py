"""The Customer value page's computations, cached per version of the tables they read (the fit's: the registry's
FAMILY_TABLES["clv_model"]) and date: an upload of one of those refits the models; one of posts or ad spend keeps them.

The report and the holdout check hold words (reasons, labels), so they are cached per language too;
the spinners are said in the reader's language when the work runs, not when this module is imported.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

import plotly.graph_objects as go
import streamlit as st

from legame import charts_value, clv, i18n, value
from legame.fmt import NumberFormat
from legame.i18n import _
from legame.kpis.registry import FAMILY_TABLES
from legame.ui.cache import Sent, tables_version
from legame.ui.session import config, cursor

T = TypeVar("T")


def value_version() -> int:
    """The latest load of a table the page reads, once a run: every cache below is keyed on it. The page's
    numbers are the fit's (the customers' histories, and their groups: members, promoters, advocates)."""
    return tables_version(FAMILY_TABLES["clv_model"])


# The calls made in this process: a spinner is for work not done yet (each one starts a timer thread and
# sends a message to clear it, even when the cache answers at once).
_MADE: set[tuple] = set()


def _made_once(key: tuple, words: Callable[[], str], make: Callable[[], T]) -> T:
    if key in _MADE:
        return make()
    with st.spinner(words()):
        made = make()
    if len(_MADE) > 256:  # a few data versions, languages and dates; stale keys only cost a spinner
        _MADE.clear()
    _MADE.add(key)
    return made


# The report, the community's uplift and the holdout check are kept as objects (cache_resource), shared by every
# session and never changed (the page and the charts below build their tables from them): a pickled copy per
# call (cache_data) cost each run of the page its unpickling.
@st.cache_resource(max_entries=8, show_spinner=False)
def _report(version: int, lang: str, as_of: date) -> value.ValueReport:
    with i18n.language(lang):
        return value.report(cursor(), config(), as_of=as_of)


def report(as_of: date) -> value.ValueReport:
    """Everything on the page but the holdout check, from the orders up to `as_of` (the period's end;
    the latest order if earlier); raises clv.ClvError when no model can be fitted."""
    key = (value_version(), i18n.current(), as_of)
    return _made_once(key, lambda: _("Fitting the customer value models…"), lambda: _report(*key))


@st.cache_resource(max_entries=8, show_spinner=False)
def _community(version: int, lang: str, as_of: date) -> value.Uplift | None:
    with i18n.language(lang):
        return value.predictions(cursor(), config(), as_of).community


def community(as_of: date) -> value.Uplift | None:
    """The community's uplift from the orders up to `as_of`, as the board reads it; None without a fit."""
    key = (value_version(), i18n.current(), as_of)
    return _made_once(key, lambda: _("Fitting the customer value models for the comparison…"), lambda: _community(*key))


@st.cache_resource(max_entries=32, show_spinner=False)
def _holdout(version: int, lang: str, split_date: date, end_date: date) -> clv.HoldoutCheck:
    with i18n.language(lang):
        return value.holdout(cursor(), config(), split_date, end_date)


def holdout(split_date: date, end_date: date) -> clv.HoldoutCheck:
    """The holdout check from `split_date` to `end_date`."""
    key = (value_version(), i18n.current(), split_date, end_date)
    return _made_once(key, lambda: _("Checking the model on the past…"), lambda: _holdout(*key))


# -- Charts, built once per data version, language and date (a rerun re-sends them, never rebuilds them) --
# Kept as objects (cache_resource), never changed: unpickling a Plotly figure validates it all again; and
# Sent, so that showing one does not convert it again (legame/ui/cache.py).


@st.cache_resource(max_entries=8, show_spinner=False)
def _segment_chart(version: int, lang: str, as_of: date) -> go.Figure:
    with i18n.language(lang):
        built = _report(version, lang, as_of)
        return Sent(charts_value.clv_by_segment(built.by_segment, config().currency, NumberFormat.for_reader(config())))


def segment_chart(as_of: date) -> go.Figure:
    """Predicted value per customer by segment (the report's, from the orders up to `as_of`)."""
    return _segment_chart(value_version(), i18n.current(), as_of)


@st.cache_resource(max_entries=8, show_spinner=False)
def _recency_chart(version: int, lang: str, as_of: date) -> go.Figure:
    with i18n.language(lang):
        built = _report(version, lang, as_of)
        return Sent(charts_value.p_alive_vs_recency(built.recency, NumberFormat.for_reader(config())))


def recency_chart(as_of: date) -> go.Figure:
    """P(alive) against the time since the last purchase (the report's, from the orders up to `as_of`)."""
    return _recency_chart(value_version(), i18n.current(), as_of)


@st.cache_resource(max_entries=32, show_spinner=False)
def _holdout_chart(version: int, lang: str, split_date: date, end_date: date) -> go.Figure:
    with i18n.language(lang):
        check = _holdout(version, lang, split_date, end_date)
        return Sent(charts_value.holdout(check.table, NumberFormat.for_reader(config())))


def holdout_chart(split_date: date, end_date: date) -> go.Figure:
    """Predicted against actual repeat purchases after `split_date` (holdout)."""
    return _holdout_chart(value_version(), i18n.current(), split_date, end_date)
