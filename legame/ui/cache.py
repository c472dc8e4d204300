"""Computations the pages show, cached per data version: a new upload invalidates them. A KPI's numbers, series
and charts are cached per version of the tables its family reads (the registry's FAMILY_TABLES): an upload of
another table keeps them.

Whatever holds words (KPI labels and sentences, the board, its PDF, channel names) is cached per
language too (`lang`, from i18n.current()), so two sessions in two languages never share words.
A viewer of a frozen link gets the numbers stored with the link instead (session.snapshot()).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from typing import NamedTuple

import plotly.graph_objects as go
import streamlit as st

from legame import annotations, board, charts, demo_data, export, i18n, warehouse
from legame.fmt import NumberFormat
from legame.kpis import Kpi, Period, compute, params, series
from legame.kpis.facts import unit_words
from legame.kpis.registry import FAMILY_TABLES, KPIS
from legame.ui.session import config, cursor, once_per_run, snapshot, taxonomy


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


def marks_version() -> tuple[int, tuple[int, int]]:
    """What the marks on a trend chart were read at: the community events' tables' version and the notes'."""
    return tables_version(annotations.EVENT_TABLES), notes_version()


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
class FamilyKpis:
    """Each KPI family's KPIs for a view, kept on the version of the tables that family reads (FAMILY_TABLES): a
    posts upload recomputes only the families that read posts. The families a view misses are computed
    together, in one compute(): one channel map and one pair of period readers for them all, where a compute()
    per family read the map and started its period readers seven times (an uncached quarter at 5 M acts: 0.44 CPU-s
    instead of 0.52, bench/kpis.py).

    The least recently used entries go first beyond `max_entries`. Two sessions missing the same family at once
    both compute it (Streamlit's lock on _kpis already makes one session compute a given view).
    """

    def __init__(self, max_entries: int = 256) -> None:
        self.max_entries = max_entries
        self._kept: OrderedDict[tuple[str, int, View], list[Kpi]] = OrderedDict()
        self._lock = threading.Lock()  # guards _kept; never held during a computation

    def kpis(self, view: View, compute_families: Callable[[list[str]], list[Kpi]]) -> list[Kpi]:
        """Every KPI of `view` (its version: each family's, in FAMILY_TABLES' order), in the registry's order;
        `compute_families(families)` computes those of the families not kept."""
        keys = {
            family: (family, version, view._replace(version=()))
            for family, version in zip(FAMILY_TABLES, view.version, strict=True)
        }
        with self._lock:
            found = {family: self._kept[key] for family, key in keys.items() if key in self._kept}
            for family in found:
                self._kept.move_to_end(keys[family])
        missing = [family for family in FAMILY_TABLES if family not in found]
        if missing:
            computed = compute_families(missing)
            made = {family: [kpi for kpi in computed if kpi.family == family] for family in missing}
            with self._lock:
                for family, kpis in made.items():
                    self._kept[keys[family]] = kpis
                while len(self._kept) > self.max_entries:
                    self._kept.popitem(last=False)
            found.update(made)
        by_id = {kpi.id: kpi for kpis in found.values() for kpi in kpis}
        return [by_id[kpi_id] for kpi_id in KPIS]


@st.cache_resource(show_spinner=False)
def _family_kpis() -> FamilyKpis:
    # One store per process, changed by design (its entries, never its KPIs); cleared with every cache_resource.
    return FamilyKpis()


@st.cache_resource(max_entries=64, show_spinner=False, hash_funcs=VIEW_HASH)
def _kpis(view: View) -> list[Kpi]:
    # Every KPI for the view (its version: each family's), from each family's entry in _family_kpis.
    def compute_families(families: list[str]) -> list[Kpi]:
        with i18n.language(view.lang):
            period, filters = Period(view.start, view.end), dict(view.filters)
            return compute(
                cursor(), config(), period, view.comparison, filters, families=families, channels=channel_map()
            )

    return _family_kpis().kpis(view, compute_families)


def _view_kpis(period: Period, comparison: str, filters: dict[str, str]) -> list[Kpi]:
    family_versions = tuple(family_version(family) for family in FAMILY_TABLES)
    return _kpis(_view(family_versions, period, comparison, filters))


@st.cache_resource(max_entries=64, show_spinner=False, hash_funcs=VIEW_HASH)
def _board(view: View) -> board.Board:
    # Made again on every upload, of parts each cached on the version of what it reads: after a posts upload the
    # families reading posts are computed again, the freshness and demo state once for every view, and the
    # trend and marks not at all.
    period, filters = Period(view.start, view.end), dict(view.filters)
    with i18n.language(view.lang):
        return board.build(
            cursor(),
            config(),
            period,
            view.comparison,
            filters,
            kpis=_view_kpis(period, view.comparison, filters),
            freshness=_freshness(view.version),
            demo_state=_demo_state(view.version),
            trend=_trend(tables_version(board.TREND_TABLES), period.start, period.end, view.filters),
            marks=_marks(*marks_version(), board.trend_period(period).start, period.end),
        )


@st.cache_resource(max_entries=64, show_spinner=False)
def _trend(version: int, start: date, end: date, filters: tuple) -> list[dict]:
    # Numbers only (no words): shared by every language, on the version of board.TREND_TABLES.
    return board.revenue_trend(cursor(), config(), Period(start, end), dict(filters))


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


def family_ids(family: str) -> list[str]:
    """The KPIs of `family`, in the registry's order: a drill-down's series are read for the whole family at once
    (its query gives every one of them), so choosing another KPI of the family reads nothing again."""
    return [kpi_id for kpi_id, kdef in KPIS.items() if kdef.family == family]


@st.cache_data(max_entries=64, show_spinner=False)
def _monthly(version: int, end: date, filters: tuple, family: str) -> list[dict]:
    # Numbers only (no words): shared by every language.
    return series.monthly(cursor(), config(), end, dict(filters), family_ids(family), channels=channel_map())


def monthly(end: date, filters: dict[str, str], kpi_id: str) -> list[dict]:
    """The KPI month by month for the twelve months up to `end`."""
    if (frozen := snapshot()) is not None:
        return frozen.monthly_for(kpi_id)
    rows = _monthly(kpi_version(kpi_id), end, tuple(sorted(filters.items())), KPIS[kpi_id].family)
    return [{"month": row["month"], kpi_id: row[kpi_id]} for row in rows]


@st.cache_data(max_entries=64, show_spinner=False)
def _channels(version: int, start: date, end: date, filters: tuple, family: str, found: tuple) -> list[dict]:
    period, ids = Period(start, end), family_ids(family)
    return series.by_channel(cursor(), config(), period, dict(filters), ids, list(found), channel_map())


def by_channel(period: Period, filters: dict[str, str], kpi_id: str) -> list[dict]:
    """The KPI in each channel with data where it is neither n/a nor zero (series.by_channel for it alone)."""
    if (frozen := snapshot()) is not None:
        return frozen.channels_for(kpi_id)
    # The channels with data come from every table, but a channel only another table has gives this KPI
    # nothing to show (left out below): the KPI's own tables decide the version. The channels are the pickers'.
    found = tuple(dimensions()["channel"])
    rows = _channels(
        kpi_version(kpi_id), period.start, period.end, tuple(sorted(filters.items())), KPIS[kpi_id].family, found
    )
    return [{"channel": row["channel"], kpi_id: row[kpi_id]} for row in rows if row.get(kpi_id)]


@st.cache_resource(max_entries=8, show_spinner=False)
def _channel_map(version: int) -> dict[str, list[str]]:
    return params.channel_map(cursor(), config())


def channel_map() -> dict[str, list[str]]:
    """The data's channel map (params.channel_map), read once per data version: every KPI computation, chart
    series and picker of the app binds it instead of reading the data's channel names again (two queries,
    about 10 ms of CPU each time at 5 M acts). Never changed by a caller."""
    return _channel_map(data_version())


@st.cache_resource(max_entries=8, show_spinner=False)
def _dimensions(version: int) -> dict[str, list[str]]:
    return series.dimensions(cursor(), config(), channels=_channel_map(version))


def dimensions() -> dict[str, list[str]]:
    """Channels and campaigns present in the data."""
    if (frozen := snapshot()) is not None:
        return frozen.dimensions
    return _dimensions(data_version())


@st.cache_resource(max_entries=8, show_spinner=False)
def _anchor(version: int) -> date:
    return board.anchor_date(cursor(), freshness=_freshness(version))


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


@st.cache_resource(max_entries=8, show_spinner=False)
def _demo_rows(version: int) -> int:
    return sum(demo_data.demo_rows(cursor()).values())


def demo_rows() -> int:
    """How many rows of the demo data are left (demo_data.demo_rows, all tables), read once per data version: the
    Upload page says it on each of its runs while a file waits to be loaded."""
    return _demo_rows(data_version())


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


def _revenue_figure(trend: list[dict], period: Period, marks: list[annotations.Mark]) -> go.Figure:
    fmt = NumberFormat.for_reader(config())
    return charts.revenue_by_membership(trend, period, config().currency, fmt=fmt, marks=marks)


@st.cache_resource(max_entries=64, show_spinner=False, hash_funcs=VIEW_HASH)
def _revenue_chart(view: View) -> go.Figure:
    # On the version of the trend's own tables and the marks': the board's (its _trend and _marks entries).
    period = Period(view.start, view.end)
    trend = _trend(view.version, view.start, view.end, view.filters)
    with i18n.language(view.lang):
        return Sent(_revenue_figure(trend, period, _marks(*view.marks, board.trend_period(period).start, view.end)))


def revenue_chart(period: Period, comparison: str, filters: dict[str, str]) -> go.Figure:
    """The board's revenue chart: members' and other customers' sales month by month, with the marks. An upload
    of a table the trend does not read (posts) keeps it."""
    if (frozen := snapshot()) is not None:
        built = frozen.board()
        return _revenue_figure(built.trend, built.period, built.marks)
    return _revenue_chart(_view(tables_version(board.TREND_TABLES), period, comparison, filters, marks_version()))


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
    marks = marks_version() if kind == "trend" else ()
    return _kpi_chart(kind, _view(kpi_version(kpi.id), period, comparison, filters, marks), kpi.id, kpi)


@st.cache_data(max_entries=8, show_spinner=False)
def _notes(notes: tuple) -> list[annotations.Mark]:
    return annotations.notes(cursor(), date.min, date.max)


def notes() -> list[annotations.Mark]:
    """Every note the admin has written, as the notes editor lists them."""
    return _notes(notes_version())


@st.cache_resource(max_entries=64, show_spinner=False)
def _marks(version: int, notes: tuple, start: date, end: date) -> list[annotations.Mark]:
    # Kept as the object the board holds: its marks and a drill-down's for the same months are one list.
    return annotations.marks(cursor(), start, end)


def marks(period: Period) -> list[annotations.Mark]:
    """Community events and the admin's notes for the twelve months of a drill-down's trend chart."""
    if (frozen := snapshot()) is not None:
        return frozen.board().marks
    start = board.trend_period(period).start
    return _marks(*marks_version(), start, period.end)
