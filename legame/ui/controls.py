"""Period, comparison and view pickers (kept in the URL), and the lines every page repeats."""

from __future__ import annotations

from datetime import date

import streamlit as st

from legame import warehouse
from legame.fmt import NumberFormat
from legame.i18n import N_, _
from legame.kpis import COMPARISONS, PRESETS, Period, preset
from legame.kpis.period import FIRST_DAY, LAST_DAY
from legame.safe import for_markdown
from legame.ui import session

VIEWS = {"cards": N_("Cards and charts"), "facts": N_("Facts table")}
DEFAULT_PRESET = "last_quarter"


def _from_url(key: str, options: dict[str, str], default: str) -> str:
    value = st.query_params.get(key, default)
    return value if value in options else default


def _date_from_url(key: str, default: date) -> date:
    """The URL's day, clamped to the days Legame works with (a typed ?from=0001-01-01 must not crash a page)."""
    text = st.query_params.get(key, "")
    fmt = NumberFormat.for_reader(session.config())
    try:
        day = date.fromisoformat(text)
    except ValueError:
        if text:
            st.warning(
                _(
                    "The address's {key} date is not a date in the form YYYY-MM-DD; showing {day}.",
                    key=key,
                    day=fmt.date(default),
                )
            )
        return default
    clamped = min(max(day, FIRST_DAY), LAST_DAY)
    if clamped != day:
        st.warning(
            _(
                "The address's {key} date is outside the dates Legame works with; showing {day}.",
                key=key,
                day=fmt.date(clamped),
            )
        )
    return clamped


def _choice(label: str, key: str, options: dict[str, str], default: str, widget=st.segmented_control) -> str:
    """A picker whose value lives in the URL as a stable id (?period=last_quarter), not its label.

    `options` maps each id to its label as shown (already in the reader's language). Segmented controls and pills
    (one family with one script chunk) unless a list is too long for buttons: a select box's script is many chunks
    that a browser loads and runs before the cards below it appear (bench/browser.py)."""
    initial = _from_url(key, options, default)
    if widget is st.selectbox:
        kwargs = {"index": list(options).index(initial)}
    else:
        kwargs = {"default": initial, "required": True}
    return widget(label, list(options), format_func=options.get, key=f"widget_{key}", **kwargs)


def keep_in_url(**values: str | None) -> None:
    """Set the URL's query parameters (None: remove one) in one message, and none when it has them already:
    each change of st.query_params sends the browser a message, a cost on the server for every run."""
    changed = {key: value for key, value in values.items() if value is not None and st.query_params.get(key) != value}
    if changed:
        st.query_params.update(changed)
    for key in [key for key, value in values.items() if value is None and key in st.query_params]:
        del st.query_params[key]


def period_controls(anchor: date) -> tuple[Period, str, str]:
    """Preset or custom period, comparison and view, kept in the URL so a copied link reopens the view.

    A shared link's viewer gets the period and comparison it pins, with no picker: only the view.
    """
    pinned = session.pinned_view()
    if pinned is not None:
        with st.columns([3, 4, 3])[0]:
            view = _choice(_("View"), "view", _views(), "cards")
        keep_in_url(view=view)
        return pinned.period, pinned.compare, view
    # Pills wrap onto a second row as a whole when seven periods do not fit (Italian's names, a phone).
    name = _choice(_("Period"), "period", presets(), DEFAULT_PRESET, widget=st.pills)
    days = _custom_days(anchor) if name == "custom" else None  # right under the period they define
    with st.container(horizontal=True, gap="medium"):
        comparison = _choice(_("Compared with"), "compare", comparisons(), "previous")
        view = _choice(_("View"), "view", _views(), "cards")
    if days is None:
        keep_in_url(period=name, compare=comparison, view=view, **{"from": None, "to": None})
        return preset(name, anchor), comparison, view
    start, end = days
    keep_in_url(period=name, compare=comparison, view=view, **{"from": start.isoformat(), "to": end.isoformat()})
    return Period.custom(start, end), comparison, view


def _custom_days(anchor: date) -> tuple[date, date]:
    """A custom period's first and last day, picked (and kept in the URL's from= and to=)."""
    default = preset(DEFAULT_PRESET, anchor)
    start_col, end_col, _rest = st.columns([2, 2, 6])
    order = NumberFormat.for_reader(session.config()).date_input
    bounds = {"min_value": FIRST_DAY, "max_value": LAST_DAY, "format": order}
    start = start_col.date_input(_("From"), _date_from_url("from", default.start), key="widget_from", **bounds)
    end = end_col.date_input(_("To"), _date_from_url("to", default.end), key="widget_to", **bounds)
    if end < start:
        st.warning(_("The end date is before the start date; showing the start date alone."))
        end = start
    return start, end


ALL = "all"


def _views() -> dict[str, str]:
    return {key: _(label) for key, label in VIEWS.items()}


def presets() -> dict[str, str]:
    """The period presets by id, named in the reader's language."""
    return {key: _(label) for key, label in PRESETS.items()}


def comparisons() -> dict[str, str]:
    """The comparisons by id, named in the reader's language as a picker shows them ("Previous period")."""
    return {key: _capitalised(_(label)) for key, label in COMPARISONS.items()}


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def all_of(dimension: str) -> str:
    """The 'everything' option of a channel or campaign picker."""
    return _("All channels") if dimension == "channel" else _("All campaigns")


def filter_label(dimension: str) -> str:
    return _("Channel") if dimension == "channel" else _("Campaign")


def shown_filters(filters: dict[str, str]) -> str:
    """The filters in force as a subtitle says them: 'channel Paid social · campaign spring_sale'."""
    parts = []
    for dimension, name in filters.items():
        value = dimension_label(dimension, name)
        if dimension == "channel":
            parts.append(_("channel {name}", name=value))
        else:
            parts.append(_("campaign {name}", name=value))
    return " · ".join(parts)


def dimension_label(dimension: str, name: str) -> str:
    """A channel id as the taxonomy names it (paid_social -> Paid social); campaigns as they are."""
    if dimension != "channel":
        return name
    return session.taxonomy().label(name)


def filter_controls(dimensions: dict[str, list[str]]) -> dict[str, str]:
    """Channel and campaign pickers, in the URL too, behind one button until asked for or named by the URL;
    returns the filters in force (none = everything).

    A shared link's viewer gets the filters it pins, with no picker.
    """
    pinned = session.pinned_view()
    if pinned is not None:
        channel = pinned.filters.get("channel")
        if channel and channel not in session.taxonomy().ids:
            # A link made before channels had one taxonomy pins a tool's own name (instagram).
            shown = for_markdown(repr(channel))
            st.error(
                _(
                    "This link shows the channel {name}, a name Legame no longer uses for channels. "
                    "Ask whoever shared it for a new link.",
                    name=shown,
                )
            )
            st.stop()
        return pinned.filters
    channels, campaigns = _options("channel", dimensions), _options("campaign", dimensions)
    if not _filters_asked_for(channels, campaigns):
        st.button(_("Filter by channel or campaign"), icon=":material/filter_list:", type="tertiary", on_click=_ask)
        keep_in_url(channel=None, campaign=None)
        return {}
    st.session_state[FILTERS_ASKED] = True  # they stay once shown, also when back on everything
    filters = {"channel": _choice(filter_label("channel"), "channel", channels, ALL, widget=st.pills)}
    if len(campaigns) > 1:  # campaigns can be dozens: a select box
        with st.columns([3, 7])[0]:
            filters["campaign"] = _choice(filter_label("campaign"), "campaign", campaigns, ALL, widget=st.selectbox)
    filters = {key: value for key, value in filters.items() if value != ALL}
    keep_in_url(**{key: filters.get(key) for key in ("channel", "campaign")})
    return filters


# Session state: the reader asked for the channel and campaign pickers. Until then a button stands for them, so
# that a board on everything lays out neither a dozen channel buttons nor a select box (whose script is many
# chunks) before its cards (bench/browser.py).
FILTERS_ASKED = "filters_asked"


def _ask() -> None:
    st.session_state[FILTERS_ASKED] = True


def _filters_asked_for(channels: dict[str, str], campaigns: dict[str, str]) -> bool:
    """Asked for in this session, or named by the URL (a copied link opens with its filters on show)."""
    named = _from_url("channel", channels, ALL) != ALL or _from_url("campaign", campaigns, ALL) != ALL
    return named or bool(st.session_state.get(FILTERS_ASKED))


def _options(dimension: str, dimensions: dict[str, list[str]]) -> dict[str, str]:
    """A filter's choices by id: everything, then each channel or campaign in the data."""
    names = dimensions.get(dimension, [])
    return {ALL: all_of(dimension), **{name: dimension_label(dimension, name) for name in names}}


def demo_banner(state: str, upload_page: bool = False) -> None:
    """Say whose data the numbers are (warehouse.demo_state): the demo alone, or the demo mixed with yours."""
    admin = session.pinned_view() is None  # a shared link's viewer has no Upload page
    if state == "demo":
        if upload_page:
            text = _(
                "**Demo data** — these numbers come from the built-in exports of a fictional brand. "
                "Load your own files below: the first one you load removes the demo, unless you keep it."
            )
        elif admin:
            text = _(
                "**Demo data** — these numbers come from the built-in exports of a fictional brand. "
                "Load your own files on the Upload page: the first one you load removes the demo."
            )
        else:
            text = _("**Demo data** — these numbers come from the built-in exports of a fictional brand.")
        st.info(text, icon=":material/science:")
    elif state == "mixed":
        if upload_page:
            text = _(
                "**Demo data mixed with your data** — these numbers add the built-in exports of a fictional "
                "brand to yours. Remove the demo with the button below."
            )
        elif admin:
            text = _(
                "**Demo data mixed with your data** — these numbers add the built-in exports of a fictional "
                "brand to yours. Remove the demo with the **Remove demo data** button on the Upload page."
            )
        else:
            text = _(
                "**Demo data mixed with your data** — these numbers add the built-in exports of a fictional "
                "brand to yours."
            )
        st.warning(text, icon=":material/warning:")


def table_name(table: str) -> str:
    """A warehouse table as a reader calls it ('orders' -> 'ordini'); an unknown one as it is."""

    return warehouse.table_word(table)


def freshness_line(freshness: dict[str, date | None]) -> None:
    fmt = NumberFormat.for_reader(session.config())
    parts = [_("{table} {day}", table=table_name(table), day=fmt.date(day)) for table, day in freshness.items() if day]
    if parts:
        st.caption(_("Data up to: {dates}.", dates=" · ".join(parts)))
    else:
        st.caption(_("Data up to: no data loaded yet."))


def view_subtitle(period: Period, comparison: str, filters: dict[str, str]) -> None:
    """The subtitle every page opens with: the period, what it is compared with, the filters in force."""
    text = _("{period} compared with {comparison}", period=period.label, comparison=period.comparison(comparison).label)
    if filters:
        # Channel and campaign names are data: shown literally, never as Markdown.
        text += " · " + for_markdown(shown_filters(filters))
    st.subheader(text)
