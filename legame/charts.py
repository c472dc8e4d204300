"""Plotly figures built from what the package computed; no Streamlit here, so exports can reuse them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import plotly.graph_objects as go

from legame.annotations import EVENT, NOTE, Mark
from legame.config import load_config
from legame.fmt import NumberFormat
from legame.i18n import _, ngettext
from legame.kpis import Period
from legame.safe import for_plotly
from legame.theme import brand

MEMBER_COLOUR = brand().primary
OTHER_COLOUR = brand().secondary
HIGHLIGHT_COLOUR = brand().highlight
BAD_COLOUR = brand().bad
NOTE_COLOUR = brand().note
EVENT_COLOUR = brand().event
# The marks' own y axis, over the chart's and hidden: notes at its top, events along its bottom.
MARKS_AXIS = {"overlaying": "y", "range": [0, 1], "visible": False, "fixedrange": True}
EVENT_Y = 0.04
MARKS_RANK = 2000  # after the chart's own traces in the legend
FLAGS_MARGIN = 52  # pixels above the plot: the toolbar's row, then the flags


def shown_notes(marks: Sequence[Mark], start: date, end: date) -> list[Mark]:
    """The notes a chart from `start` to `end` shows, numbered in this order (the PDF lists them by number)."""
    return [m for m in marks if m.kind == NOTE and start <= m.day <= end]


def add_marks(fig: go.Figure, marks: Sequence[Mark], start: date, end: date) -> go.Figure:
    """Community events (diamonds along the bottom) and the admin's notes (a dashed line and a numbered
    flag at the top, the note on hover) from `start` to `end` on a chart whose x axis is dates."""
    if not marks:
        return fig
    fmt = NumberFormat.for_reader(load_config())
    events = [m for m in marks if m.kind == EVENT and start <= m.day <= end]
    notes = shown_notes(marks, start, end)
    if events:
        fig.add_scatter(
            x=[m.day for m in events],
            y=[EVENT_Y] * len(events),
            yaxis="y2",
            mode="markers",
            marker={"symbol": "diamond", "size": 9, "color": EVENT_COLOUR, "line": {"width": 1, "color": "white"}},
            name=_("Community events"),
            legendrank=MARKS_RANK + 1,
            hovertext=[
                ngettext(
                    "{day}: community event, {n} person took part",
                    "{day}: community event, {n} people took part",
                    m.people,
                    day=fmt.date(m.day),
                )
                for m in events
            ],
            hoverinfo="text",
        )
    for number, note in enumerate(notes, start=1):
        fig.add_shape(
            type="line",
            x0=note.day,
            x1=note.day,
            y0=0,
            y1=1,
            xref="x",
            yref="paper",
            line={"color": NOTE_COLOUR, "width": 1.5, "dash": "dot"},
        )
        # A numbered flag just above the plot (a point there would not be drawn), the note on hover.
        fig.add_annotation(
            x=note.day,
            y=1,
            xref="x",
            yref="paper",
            yanchor="bottom",
            showarrow=False,
            text=f"<b>{number}</b>",
            font={"color": "white", "size": 12},
            bgcolor=NOTE_COLOUR,
            borderpad=3,
            hovertext=f"<b>{fmt.date(note.day)}</b><br>{for_plotly(note.text)}<br><i>{for_plotly(note.author)}</i>",
            name=NOTE,
        )
    if notes:
        # The legend's entry for the flags (annotations have none): a trace with no points.
        fig.add_scatter(
            x=[None],
            y=[None],
            yaxis="y2",
            mode="markers",
            marker={"symbol": "square", "size": 12, "color": NOTE_COLOUR},
            name=_("Notes"),
            legendrank=MARKS_RANK,
            hoverinfo="skip",
        )
    if notes:
        # Room above the plot for the flags, below the toolbar Streamlit shows on hover.
        fig.update_layout(margin_t=max(fig.layout.margin.t or 0, FLAGS_MARGIN))
    if events or notes:
        fig.update_layout(yaxis2=MARKS_AXIS)
    return fig


def revenue_by_membership(
    trend: list[dict[str, Any]], period: Period, currency: str, marks: Sequence[Mark] = ()
) -> go.Figure:
    """Monthly revenue, community members' sales stacked on other customers', selected period shaded;
    community events and the admin's notes marked (add_marks)."""
    fig = go.Figure()
    groups = ((False, "Other customers", OTHER_COLOUR), (True, "Community members", MEMBER_COLOUR))
    for is_member, name, colour in groups:
        rows = [r for r in trend if r["is_member_sale"] == is_member]
        fig.add_bar(
            x=[r["month"] for r in rows],
            y=[r["revenue"] for r in rows],
            xperiod="M1",
            xperiodalignment="middle",
            name=name,
            marker_color=colour,
            hovertemplate="%{x|%b %Y}: %{y:,.0f} " + currency + "<extra>" + name + "</extra>",
        )
    fig.add_vrect(
        x0=period.start.replace(day=1),
        x1=period.end + timedelta(days=1),
        fillcolor=HIGHLIGHT_COLOUR,
        opacity=0.15,
        line_width=0,
        annotation_text="selected period",
        annotation_position="top left",
    )
    fig.update_layout(
        barmode="stack",
        height=340,
        margin={"l": 60, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": -0.22},  # below the months' second line (the year)
        yaxis_title=f"Revenue ({currency})",
        xaxis={"dtick": "M1", "tickformat": "%b\n%Y", "ticklabelmode": "period"},
    )
    return add_marks(fig, marks, *months_span(r["month"] for r in trend))


def months_span(months: Any) -> tuple[date, date]:
    """The first day of the first month to the last day of the last month (marks outside are left out)."""
    found = sorted(months)
    if not found:
        return date.max, date.min
    last = found[-1]
    return found[0], (last.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def trend(
    series: list[dict[str, Any]],
    kpi_id: str,
    label: str,
    unit_label: str,
    target: float | None,
    marks: Sequence[Mark] = (),
) -> go.Figure:
    """A KPI month by month, with its target as a dashed line; events and notes marked (add_marks)."""
    fig = go.Figure()
    fig.add_scatter(
        x=[r["month"] for r in series],
        y=[r[kpi_id] for r in series],
        mode="lines+markers",
        name=label,
        line={"color": MEMBER_COLOUR, "width": 3},
        showlegend=False,  # the legend, when there is one, explains the marks only
        xperiod="M1",
        xperiodalignment="middle",
        connectgaps=False,
    )
    if target is not None:
        fig.add_hline(
            y=target,
            line_dash="dash",
            line_color=BAD_COLOUR,
            annotation_text=f"target {target:g}",
            annotation_position="top left",
        )
    fig.update_layout(
        height=320,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        yaxis_title=unit_label,
        xaxis={"dtick": "M1", "tickformat": "%b\n%Y", "ticklabelmode": "period"},
        legend={"orientation": "h", "y": -0.2},
    )
    return add_marks(fig, marks, *months_span(r["month"] for r in series))


def by_channel(rows: list[dict[str, Any]], kpi_id: str, unit_label: str, labels: dict[str, str]) -> go.Figure:
    """A KPI for each channel of the taxonomy, largest first; channels where it cannot be computed are left out."""
    shown = sorted((r for r in rows if r.get(kpi_id) is not None), key=lambda r: r[kpi_id])
    fig = go.Figure(
        go.Bar(
            x=[r[kpi_id] for r in shown],
            y=[for_plotly(labels.get(r["channel"], r["channel"])) for r in shown],
            orientation="h",
            marker_color=MEMBER_COLOUR,
            texttemplate="%{x:,.2f}",
            textposition="outside",
            cliponaxis=False,
        )
    )
    fig.update_layout(
        height=max(200, 40 * len(shown) + 80),
        margin={"l": 10, "r": 50, "t": 10, "b": 10},
        xaxis_title=unit_label,
    )
    return fig


def steps(parts: dict[str, float]) -> go.Figure:
    """Funnel steps (people, each within the one before) as bars on a log scale (reach dwarfs customers),
    each with its share of the step before."""
    names, counts = [for_plotly(name) for name in parts], list(parts.values())

    def versus(count: float, previous: float, name: str) -> str:
        if not previous:
            return f"{count:,.0f}"
        return f"{count:,.0f} ({count / previous:.1%} of {name[0].lower() + name[1:]})"

    labels = [f"{counts[0]:,.0f}"] + [
        versus(c, p, n) for c, p, n in zip(counts[1:], counts[:-1], names[:-1], strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            x=[max(c, 0.5) for c in counts],
            y=names,
            orientation="h",
            text=labels,
            textposition="outside",
            cliponaxis=False,
            marker_color=MEMBER_COLOUR,
        )
    )
    fig.update_layout(
        height=320,
        margin={"l": 10, "r": 160, "t": 10, "b": 40},
        xaxis={"type": "log", "title": "people (log scale)"},
        yaxis={"autorange": "reversed"},
    )
    return fig


def ladder(parts: dict[str, float]) -> go.Figure:
    """Voices by credibility, least credible at the bottom."""
    fig = go.Figure(
        go.Bar(
            x=list(parts.values()),
            y=[for_plotly(name) for name in parts],
            orientation="h",
            marker_color=[OTHER_COLOUR, "#8fb3a8", "#4f907c", MEMBER_COLOUR],
            text=list(parts.values()),
            textposition="outside",
            cliponaxis=False,
        )
    )
    fig.update_layout(height=260, margin={"l": 10, "r": 30, "t": 10, "b": 10}, xaxis_title="count in the period")
    return fig


def shares(parts: dict[str, float]) -> go.Figure:
    """One stacked bar of groups (promoters, passives, detractors) as shares of the whole."""
    colours = {"Promoters": MEMBER_COLOUR, "Passives": OTHER_COLOUR, "Detractors": BAD_COLOUR}
    total = sum(parts.values()) or 1
    fig = go.Figure()
    for name, count in parts.items():
        fig.add_bar(
            x=[count / total * 100],
            y=[""],
            orientation="h",
            name=f"{for_plotly(name)} ({count:,.0f})",
            marker_color=colours.get(name, OTHER_COLOUR),
            text=[f"{count / total:.0%}"],
            textposition="inside",
        )
    fig.update_layout(
        barmode="stack",
        height=140,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={"range": [0, 100], "ticksuffix": "%"},
        legend={"orientation": "h", "y": -0.4},
    )
    return fig
