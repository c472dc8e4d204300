"""Computations the pages show, cached per data version: a new upload invalidates them. A KPI's numbers, series
and charts are cached per version of the tables its family reads (the registry's FAMILY_TABLES): an upload of
another table keeps them.

Whatever holds words (KPI labels and sentences, the board, its PDF, channel names) is cached per
language too (`lang`, from i18n.current()), so two sessions in two languages never share words.
A viewer of a frozen link gets the numbers stored with the link instead (session.snapshot()).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import NamedTuple

import plotly.graph_objects as go
import streamlit as st

from legame import annotations, board, charts, export, i18n, warehouse
from legame.fmt import NumberFormat
from legame.kpis import Kpi, Period, compute, series
from legame.kpis.facts import unit_words
from legame.kpis.registry import FAMILY_TABLES, KPIS
from legame.ui.session import config, cursor, once_per_run, snapshot, taxonomy

EVENT_TABLES = ("interactions",)  # the community events marked on the trend charts (queries/community_events.sql)


def versions() -> warehouse.Versions:
    """The data version and the notes' version, read in one query once a run: every cache below is keyed on
    them."""
    return once_per_run("versions", lambda: warehouse.versions(cursor()))


def data_version() -> int:
    """The latest load id."""
    return versions().data


@st.cache_resource(max_entries=8, show_spinner=False)
def _latest_loads(version: int) -> dict[str, int]:
    # Every change of a table adds a load with a higher id than any before (a demo removal or an erasure too,
    # as table 'all'), so a table's version only moves when the data version does: read once for each.
    return warehouse.latest_loads(cursor())


def tables_version(tables: tuple[str, ...]) -> int:
    """The latest load of any of `tables` (warehouse.tables_version), read once per data version."""
    latest = once_per_run("latest loads", lambda: _latest_loads(data_version()))
    return warehouse.loaded_version(latest, tables)


def family_version(family: str) -> int:
    """The data version of what `family`'s KPIs read: an upload of another table leaves it."""
    return tables_version(FAMILY_TABLES[family])


def kpi_version(kpi_id: str) -> int:
    """The data version of what `kpi_id`'s family reads."""
    return family_version(KPIS[kpi_id].family)


def notes_version() -> tuple[int, int]:
    """Changes with every note added or deleted: the board's chart marks are cached on it too."""
    return versions().notes


class View(NamedTuple):
    """What a view's cached entries are keyed on, as one argument hashed by its repr (VIEW_HASH): Streamlit hashes
    each argument of a cached function apart, about 35 µs each on every call (0.34 ms for seven), and one View in
    0.05 ms; a board run made three such calls, a drill-down's three or four."""

    version: int | tuple[int, ...]  # the version of what the entry reads (a table set's, or each family's)
    lang: str
    start: date
    end: date
    comparison: str
    filters: tuple[tuple[str, str], ...]
    marks: tuple = ()  # what the marks on a chart were read at: the notes' version (and the events' tables')


VIEW_HASH = {View: repr}


def _view(
    version: int | tuple[int, ...], period: Period, comparison: str, filters: dict[str, str], marks: tuple = ()
) -> View:
    return View(version, i18n.current(), period.start, period.end, comparison, tuple(sorted(filters.items())), marks)


# The board and what every page reads of it are kept as objects (cache_resource), shared by every session and
# never changed by a page: a pickled copy per call (cache_data) cost each run its unpickling.
@st.cache_resource(max_entries=256, show_spinner=False)
def _family_kpis(
    version: int, lang: str, family: str, start: date, end: date, comparison: str, filters: tuple
) -> list[Kpi]:
    # One family's KPIs, on the version of its own tables: a posts upload recomputes only the families that
    # read posts.
    with i18n.language(lang):
        return compute(cursor(), config(), Period(start, end), comparison, dict(filters), families=(family,))


@st.cache_resource(max_entries=64, show_spinner=False, hash_funcs=VIEW_HASH)
def _kpis(view: View) -> list[Kpi]:
    # Every KPI for the view (its version: each family's), in the registry's order (compute()'s), from each
    # family's own cache entry.
    found = {
        kpi.id: kpi
        for family, version in zip(FAMILY_TABLES, view.version, strict=True)
        for kpi in _family_kpis(version, view.lang, family, view.start, view.end, view.comparison, view.filters)
    }
    return [found[kpi_id] for kpi_id in KPIS]


def _view_kpis(period: Period, comparison: str, filters: dict[str, str]) -> list[Kpi]:
    family_versions = tuple(family_version(family) for family in FAMILY_TABLES)
    return _kpis(_view(family_versions, period, comparison, filters))


@st.cache_resource(max_entries=64, show_spinner=False, hash_funcs=VIEW_HASH)
def _board(view: View) -> board.Board:
    # Made again on every upload (freshness, the trend, the marks), but its KPIs come from each family's cache.
    period = Period(view.start, view.end)
    with i18n.language(view.lang):
        kpis = _view_kpis(period, view.comparison, dict(view.filters))
        return board.build(cursor(), config(), period, view.comparison, dict(view.filters), kpis=kpis)


def _board_view(period: Period, comparison: str, filters: dict[str, str]) -> View:
    return _view(data_version(), period, comparison, filters, notes_version())


def board_for(period: Period, comparison: str, filters: dict[str, str]) -> board.Board:
    if (frozen := snapshot()) is not None:
        return frozen.board()
    view = _board_view(period, comparison, filters)
    # Once a run: the page's cards and its facts files read the same board.
    return once_per_run(f"board {view!r}", lambda: _board(view))


def kpis_for(period: Period, comparison: str, filters: dict[str, str]) -> dict[str, Kpi]:
    """Every KPI for the period, by id."""
    if (frozen := snapshot()) is not None:
        return {k.id: k for k in frozen.board().kpis}
    return {k.id: k for k in _view_kpis(period, comparison, filters)}


@st.cache_data(max_entries=64, show_spinner=False)
def _monthly(version: int, end: date, filters: tuple, kpi_id: str) -> list[dict]:
    # Numbers only (no words): shared by every language.
    return series.monthly(cursor(), config(), end, dict(filters), [kpi_id])


def monthly(end: date, filters: dict[str, str], kpi_id: str) -> list[dict]:
    """The KPI month by month for the twelve months up to `end`."""
    if (frozen := snapshot()) is not None:
        return frozen.monthly_for(kpi_id)
    return _monthly(kpi_version(kpi_id), end, tuple(sorted(filters.items())), kpi_id)


@st.cache_data(max_entries=64, show_spinner=False)
def _channels(version: int, start: date, end: date, filters: tuple, kpi_id: str) -> list[dict]:
    return series.by_channel(cursor(), config(), Period(start, end), dict(filters), [kpi_id])


def by_channel(period: Period, filters: dict[str, str], kpi_id: str) -> list[dict]:
    if (frozen := snapshot()) is not None:
        return frozen.channels_for(kpi_id)
    # The channels with data come from every table, but a channel only another table has gives this KPI
    # nothing to show (series.by_channel leaves it out): the KPI's own tables decide.
    return _channels(kpi_version(kpi_id), period.start, period.end, tuple(sorted(filters.items())), kpi_id)


@st.cache_resource(max_entries=8, show_spinner=False)
def _dimensions(version: int) -> dict[str, list[str]]:
    return series.dimensions(cursor(), config())


def dimensions() -> dict[str, list[str]]:
    """Channels and campaigns present in the data."""
    if (frozen := snapshot()) is not None:
        return frozen.dimensions
    return _dimensions(data_version())


@st.cache_resource(max_entries=8, show_spinner=False)
def _anchor(version: int) -> date:
    return board.anchor_date(cursor())


def anchor() -> date:
    """The latest day with data (never after today): presets count back from it."""
    if (frozen := snapshot()) is not None:
        return frozen.anchor
    return _anchor(data_version())


@st.cache_data(max_entries=8, show_spinner=False, hash_funcs=VIEW_HASH)
def _board_pack(view: View) -> bytes:
    from legame.boardpack import board_pack_pdf

    built = _board(view)
    with i18n.language(view.lang):
        return board_pack_pdf(built, config(), headline=built.headline, filters=dict(view.filters))


def board_pack(period: Period, comparison: str, filters: dict[str, str], lang: str | None = None) -> bytes:
    """The board pack PDF for this view in `lang` (the run's language by default; a download may call this
    after the run): a few seconds the first time, while Chromium draws the charts."""
    view = _board_view(period, comparison, filters)
    return _board_pack(view._replace(lang=lang or view.lang))


def deferred_board_pack(
    period: Period, comparison: str, filters: dict[str, str], lang: str | None = None
) -> Callable[[], bytes]:
    """board_pack, made when the download button is pressed (after the run, outside the session): what
    the session shows, its language and a frozen link's numbers, is settled now."""
    lang = lang or i18n.current()
    frozen = snapshot()
    if frozen is None:
        return lambda: board_pack(period, comparison, filters, lang)
    return lambda: _frozen_pack(frozen.link_id, lang, frozen.board(lang), tuple(sorted(filters.items())))


@st.cache_data(max_entries=8, show_spinner=False, hash_funcs={board.Board: id})
def _frozen_pack(link_id: str, lang: str, built: board.Board, filters: tuple) -> bytes:
    from legame.boardpack import board_pack_pdf

    with i18n.language(lang):
        return board_pack_pdf(built, config(), headline=built.headline, filters=dict(filters))


@st.cache_resource(max_entries=8, show_spinner=False)
def _freshness(version: int) -> dict[str, date | None]:
    return warehouse.freshness(cursor())


def freshness() -> dict[str, date | None]:
    """The latest day in each table (the frozen link's, for its viewer)."""
    if (frozen := snapshot()) is not None:
        return frozen.board().freshness
    return _freshness(data_version())


@st.cache_resource(max_entries=8, show_spinner=False)
def _demo_state(version: int) -> str:
    return warehouse.demo_state(cursor())


def demo_state() -> str:
    """Whose data the numbers are (warehouse.demo_state); the frozen link's, for its viewer."""
    if (frozen := snapshot()) is not None:
        return frozen.board().demo_state
    return _demo_state(data_version())


# -- Charts and files, built once per data version and view (a rerun re-sends them, never rebuilds them) --
# Figures are kept as objects (cache_resource), shared by every session and never changed: a pickled copy
# per run (cache_data) costs Plotly's validation of the whole figure again, about as much as building it.


class Sent(go.Figure):
    """A cached figure, as st.plotly_chart sends it: Plotly's dict of it is made once, not on every run.

    st.plotly_chart asks every run for the figure's dict, a deep copy of the whole figure with its number
    arrays re-encoded (a few ms a chart). A cached figure is never changed, so its dict is made once here.
    """

    def __init__(self, figure: go.Figure) -> None:
        sent = figure.to_dict()
        super().__init__(sent, _validate=False)  # validated as `figure` was built
        self._sent = sent

    def to_dict(self) -> dict:
        return self._sent


def _revenue_figure(built: board.Board) -> go.Figure:
    fmt = NumberFormat.for_reader(config())
    return charts.revenue_by_membership(built.trend, built.period, config().currency, fmt=fmt, marks=built.marks)


@st.cache_resource(max_entries=64, show_spinner=False, hash_funcs=VIEW_HASH)
def _revenue_chart(view: View) -> go.Figure:
    built = _board(view)
    with i18n.language(view.lang):
        return Sent(_revenue_figure(built))


def revenue_chart(period: Period, comparison: str, filters: dict[str, str]) -> go.Figure:
    """The board's revenue chart: members' and other customers' sales month by month, with the marks."""
    if (frozen := snapshot()) is not None:
        return _revenue_figure(frozen.board())
    return _revenue_chart(_board_view(period, comparison, filters))


def facts_files(
    period: Period, comparison: str, filters: dict[str, str]
) -> tuple[Callable[[], bytes], Callable[[], bytes]]:
    """The facts table as XLSX and as CSV, each made when its download button is pressed (not on every run),
    from the board this run shows and in this run's language."""
    lang, frozen = i18n.current(), snapshot()
    built = frozen.board(lang) if frozen is not None else board_for(period, comparison, filters)
    fmt, currency = NumberFormat.for_reader(config()), config().currency

    def xlsx() -> bytes:
        with i18n.language(lang):
            meta = export.about(built.kpis, filters, built.freshness, built.demo_state, fmt)
            return export.facts_xlsx(built.kpis, currency, meta, fmt)

    def csv() -> bytes:
        with i18n.language(lang):
            return export.facts_csv(built.kpis, currency)

    return xlsx, csv


def _trend_figure(period: Period, filters: dict[str, str], kpi: Kpi) -> go.Figure:
    return charts.trend(
        monthly(period.end, filters, kpi.id),
        kpi.id,
        kpi.label,
        unit_words(kpi.unit, config().currency),
        kpi.target,
        unit=kpi.unit,
        currency=config().currency,
        fmt=NumberFormat.for_reader(config()),
        marks=marks(period),
    )


def _channel_figure(period: Period, filters: dict[str, str], kpi: Kpi) -> go.Figure:
    return charts.by_channel(
        by_channel(period, filters, kpi.id),
        kpi.id,
        unit_words(kpi.unit, config().currency),
        taxonomy().all_labels,
        unit=kpi.unit,
        currency=config().currency,
        fmt=NumberFormat.for_reader(config()),
    )


# The charts of a KPI's breakdown, by KPI id: who speaks for the brand, the survey's answers, the funnel.
BREAKDOWN_CHARTS: dict[str, Callable[[dict, NumberFormat], go.Figure]] = {
    "advocacy_ladder": lambda parts, fmt: charts.ladder(parts, fmt=fmt),
    "nps": lambda parts, fmt: charts.shares(parts, fmt=fmt),
    "funnel": lambda parts, fmt: charts.steps(parts["steps"], fmt=fmt),
}


def _breakdown_figure(kpi: Kpi) -> go.Figure:
    return BREAKDOWN_CHARTS[kpi.id](kpi.extras["breakdown"], NumberFormat.for_reader(config()))


# The charts of one KPI in a view: month by month (with the marks), by channel, its breakdown.
KPI_CHARTS: dict[str, Callable[[Period, dict[str, str], Kpi], go.Figure]] = {
    "trend": _trend_figure,
    "channel": _channel_figure,
    "breakdown": lambda period, filters, kpi: _breakdown_figure(kpi),
}


@st.cache_resource(max_entries=192, show_spinner=False, hash_funcs=VIEW_HASH)
def _kpi_chart(kind: str, view: View, kpi_id: str, _kpi: Kpi) -> go.Figure:
    # `_kpi` is not part of the key: what a chart shows of it (label, unit, target, breakdown) is settled by
    # the key (the view on the version of the tables its family reads).
    with i18n.language(view.lang):
        return Sent(KPI_CHARTS[kind](Period(view.start, view.end), dict(view.filters), _kpi))


def kpi_chart(kind: str, period: Period, comparison: str, filters: dict[str, str], kpi: Kpi) -> go.Figure:
    """One chart of `kpi` in the view, a key of KPI_CHARTS: "trend" (the twelve months up to the period's end,
    with its target and the marks), "channel" (each channel of the taxonomy in the period), "breakdown" (a
    key of BREAKDOWN_CHARTS; the KPI has one in its extras)."""
    if snapshot() is not None:
        return KPI_CHARTS[kind](period, filters, kpi)
    # The trend chart also shows the community events and the admin's notes.
    marks = (tables_version(EVENT_TABLES), notes_version()) if kind == "trend" else ()
    return _kpi_chart(kind, _view(kpi_version(kpi.id), period, comparison, filters, marks), kpi.id, kpi)


@st.cache_data(max_entries=8, show_spinner=False)
def _notes(notes: tuple) -> list[annotations.Mark]:
    return annotations.notes(cursor(), date.min, date.max)


def notes() -> list[annotations.Mark]:
    """Every note the admin has written, as the notes editor lists them."""
    return _notes(notes_version())


@st.cache_data(max_entries=32, show_spinner=False)
def _marks(version: int, notes: tuple, start: date, end: date) -> list[annotations.Mark]:
    return annotations.marks(cursor(), start, end)


def marks(period: Period) -> list[annotations.Mark]:
    """Community events and the admin's notes for the twelve months of a drill-down's trend chart."""
    if (frozen := snapshot()) is not None:
        return frozen.board().marks
    start = board.trend_period(period).start
    return _marks(tables_version(EVENT_TABLES), notes_version(), start, period.end)
