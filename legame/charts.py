"""Plotly figures built from what the package computed; no Streamlit here, so exports can reuse them.

Every figure speaks the reader's language and writes numbers as the cards do: Plotly's separators,
money and percent signs where the locale puts them, month names from CLDR (Plotly's own date
formatting is English only), whole numbers with no "10k" shortening. `fmt` is the reader's
NumberFormat (by default the current language with config.yaml's locale).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import plotly.graph_objects as go

from legame.annotations import EVENT, NOTE, Mark
from legame.config import load_config
from legame.fmt import NumberFormat, format_value
from legame.i18n import N_, _, ngettext
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


def add_marks(
    fig: go.Figure, marks: Sequence[Mark], start: date, end: date, fmt: NumberFormat | None = None
) -> go.Figure:
    """Community events (diamonds along the bottom) and the admin's notes (a dashed line and a numbered
    flag at the top, the note on hover) from `start` to `end` on a chart whose x axis is dates."""
    if not marks:
        return fig
    fmt = reader_format(fmt)
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


# Ticks as the cards write numbers: grouped thousands, no trailing zeros, never "10k" or "1.5M".
NUMBER_TICKS = ",~f"


def reader_format(fmt: NumberFormat | None = None) -> NumberFormat:
    return fmt or NumberFormat.for_reader(load_config())


def money_axis(fmt: NumberFormat, currency: str) -> dict[str, Any]:
    """An axis of amounts: the currency sign where the locale puts it (€1,000 or 1.000 €)."""
    before, after = fmt.currency_affixes(currency)
    return {"tickprefix": before, "ticksuffix": after, "tickformat": NUMBER_TICKS, "exponentformat": "none"}


def percent_affixes(fmt: NumberFormat) -> tuple[str, str]:
    """What goes before and after a share in percent ('', '%'), as fmt.percent writes it."""
    before, _one, after = fmt.percent(1, 0).partition("1")
    return before, after.replace("\u00a0", " ")


def value_axis(fmt: NumberFormat, unit: str, currency: str) -> dict[str, Any]:
    """An axis of a KPI's values, with its unit's sign as the card writes it."""
    if unit == "currency":
        return money_axis(fmt, currency)
    axis: dict[str, Any] = {"tickformat": NUMBER_TICKS, "exponentformat": "none"}
    if unit == "%":
        axis["tickprefix"], axis["ticksuffix"] = percent_affixes(fmt)
    elif unit == "x":
        axis["ticksuffix"] = "x"
    return axis


def month_label(fmt: NumberFormat, month: date, two_lines: bool = False) -> str:
    """'set 2026' (it), 'Sept 2026' (en): a month as an axis or a hover writes it."""
    if two_lines:
        return f"{fmt.month_name(month.month, short=True)}<br>{month.year}"
    return fmt.month(month, short=True)


def _middle(month: date) -> date:
    # Where a bar drawn with xperiodalignment="middle" stands: the month's middle day.
    return month + timedelta(days=14)


def month_axis(fmt: NumberFormat, months: list[date]) -> dict[str, Any]:
    """A monthly date axis with its months named in the reader's language, one tick under each month."""
    months = sorted(set(months))
    return {
        "tickmode": "array",
        "tickvals": [_middle(m) for m in months],
        "ticktext": [month_label(fmt, m, two_lines=True) for m in months],
    }


def revenue_by_membership(
    trend: list[dict[str, Any]],
    period: Period,
    currency: str,
    fmt: NumberFormat | None = None,
    *,
    marks: Sequence[Mark] = (),
) -> go.Figure:
    """Monthly revenue, community members' sales stacked on other customers', selected period shaded;
    community events and the admin's notes marked (add_marks)."""
    fmt = reader_format(fmt)
    fig = go.Figure()
    groups = ((False, _("Other customers"), OTHER_COLOUR), (True, _("Community members"), MEMBER_COLOUR))
    for is_member, name, colour in groups:
        rows = [r for r in trend if r["is_member_sale"] == is_member]
        fig.add_bar(
            x=[r["month"] for r in rows],
            y=[r["revenue"] for r in rows],
            xperiod="M1",
            xperiodalignment="middle",
            name=name,
            marker_color=colour,
            customdata=[
                [month_label(fmt, r["month"]), fmt.money(r["revenue"] or 0, currency, decimals=0)] for r in rows
            ],
            hovertemplate="%{customdata[0]}: %{customdata[1]}<extra>" + name + "</extra>",
        )
    fig.add_vrect(
        x0=period.start.replace(day=1),
        x1=period.end + timedelta(days=1),
        fillcolor=HIGHLIGHT_COLOUR,
        opacity=0.15,
        line_width=0,
        annotation_text=_("selected period"),
        annotation_position="top left",
    )
    fig.update_layout(
        barmode="stack",
        height=340,
        margin={"l": 60, "r": 10, "t": 30, "b": 10},
        # Below the two lines of month and year ticks.
        legend={"orientation": "h", "y": -0.2, "yanchor": "top"},
        separators=fmt.plotly_separators,
        yaxis={"title": _("Revenue ({currency})", currency=currency), **money_axis(fmt, currency)},
        xaxis=month_axis(fmt, [r["month"] for r in trend]),
    )
    return add_marks(fig, marks, *months_span(r["month"] for r in trend), fmt)


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
    unit: str = "",
    currency: str = "EUR",
    fmt: NumberFormat | None = None,
    *,
    marks: Sequence[Mark] = (),
) -> go.Figure:
    """A KPI month by month, with its target as a dashed line; values as its card writes them; events and
    notes marked (add_marks)."""
    fmt = reader_format(fmt)
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
        customdata=[[month_label(fmt, r["month"]), format_value(r[kpi_id], unit, fmt, currency)] for r in series],
        hovertemplate="%{customdata[0]}: %{customdata[1]}<extra></extra>",
    )
    if target is not None:
        fig.add_hline(
            y=target,
            line_dash="dash",
            line_color=BAD_COLOUR,
            annotation_text=_("target {value}", value=format_value(target, unit, fmt, currency)),
            annotation_position="top left",
        )
    fig.update_layout(
        height=320,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        separators=fmt.plotly_separators,
        yaxis={"title": unit_label, **value_axis(fmt, unit, currency)},
        xaxis=month_axis(fmt, [r["month"] for r in series]),
        legend={"orientation": "h", "y": -0.2, "yanchor": "top"},
    )
    return add_marks(fig, marks, *months_span(r["month"] for r in series), fmt)


def by_channel(
    rows: list[dict[str, Any]],
    kpi_id: str,
    unit_label: str,
    labels: dict[str, str],
    unit: str = "",
    currency: str = "EUR",
    fmt: NumberFormat | None = None,
) -> go.Figure:
    """A KPI for each channel of the taxonomy, largest first; channels where it cannot be computed are left out."""
    fmt = reader_format(fmt)
    shown = sorted((r for r in rows if r.get(kpi_id) is not None), key=lambda r: r[kpi_id])
    values = [format_value(r[kpi_id], unit, fmt, currency) for r in shown]
    fig = go.Figure(
        go.Bar(
            x=[r[kpi_id] for r in shown],
            y=[for_plotly(labels.get(r["channel"], r["channel"])) for r in shown],
            orientation="h",
            marker_color=MEMBER_COLOUR,
            text=values,
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    fig.update_layout(
        height=max(200, 40 * len(shown) + 80),
        margin={"l": 10, "r": 70, "t": 10, "b": 10},
        separators=fmt.plotly_separators,
        xaxis={"title": unit_label, **value_axis(fmt, unit, currency)},
    )
    return fig


def steps(parts: dict[str, float], fmt: NumberFormat | None = None) -> go.Figure:
    """Funnel steps (people, each within the one before) as bars on a log scale (reach dwarfs customers),
    each with its share of the step before. The steps' names are the engine's keys, shown translated."""
    fmt = reader_format(fmt)
    names, counts = [for_plotly(_(name)) for name in parts], list(parts.values())

    def versus(count: float, previous: float) -> str:
        if not previous:
            return fmt.number(count)
        return _(
            "{count} ({share} of the step before)",
            count=fmt.number(count),
            share=fmt.percent(count / previous * 100, 1),
        )

    labels = [fmt.number(counts[0])] + [versus(c, p) for c, p in zip(counts[1:], counts[:-1], strict=True)]
    fig = go.Figure(
        go.Bar(
            x=[max(c, 0.5) for c in counts],
            y=names,
            orientation="h",
            text=labels,
            textposition="outside",
            cliponaxis=False,
            marker_color=MEMBER_COLOUR,
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    fig.update_layout(
        height=320,
        margin={"l": 10, "r": 220, "t": 10, "b": 40},
        separators=fmt.plotly_separators,
        # One tick per power of ten: Plotly's 2s and 5s between them crowd into each other once written in full.
        xaxis={
            "type": "log",
            "dtick": 1,
            "title": _("people (log scale)"),
            "tickformat": NUMBER_TICKS,
            "exponentformat": "none",
        },
        yaxis={"autorange": "reversed"},
    )
    return fig


def ladder(parts: dict[str, float], fmt: NumberFormat | None = None) -> go.Figure:
    """Voices by credibility, least credible at the bottom; the rungs' names are the engine's keys, shown translated."""
    fmt = reader_format(fmt)
    counts = list(parts.values())
    fig = go.Figure(
        go.Bar(
            x=counts,
            y=[for_plotly(_(name)) for name in parts],
            orientation="h",
            marker_color=[OTHER_COLOUR, "#8fb3a8", "#4f907c", MEMBER_COLOUR],
            text=[fmt.number(c or 0) for c in counts],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    fig.update_layout(
        height=260,
        margin={"l": 10, "r": 40, "t": 10, "b": 10},
        separators=fmt.plotly_separators,
        xaxis={"title": _("count in the period"), "tickformat": NUMBER_TICKS, "exponentformat": "none"},
    )
    return fig


# The NPS groups in the order the engine gives them, coloured best to worst.
SHARE_COLOURS = {N_("Promoters"): MEMBER_COLOUR, N_("Passives"): OTHER_COLOUR, N_("Detractors"): BAD_COLOUR}


def shares(parts: dict[str, float], fmt: NumberFormat | None = None) -> go.Figure:
    """One stacked bar of groups (promoters, passives, detractors) as shares of the whole."""
    fmt = reader_format(fmt)
    total = sum(parts.values()) or 1
    fig = go.Figure()
    before, after = percent_affixes(fmt)
    for name, count in parts.items():
        fig.add_bar(
            x=[count / total * 100],
            y=[""],
            orientation="h",
            name=f"{for_plotly(_(name))} ({fmt.number(count)})",
            marker_color=SHARE_COLOURS.get(name, OTHER_COLOUR),
            text=[fmt.percent(count / total * 100, 0)],
            textposition="inside",
            hovertemplate="%{text}<extra>%{fullData.name}</extra>",
        )
    fig.update_layout(
        barmode="stack",
        height=140,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        separators=fmt.plotly_separators,
        xaxis={"range": [0, 100], "tickprefix": before, "ticksuffix": after},
        legend={"orientation": "h", "y": -0.4},
    )
    return fig
