"""Plotly figures built from what the package computed; no Streamlit here, so exports can reuse them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import plotly.graph_objects as go

from legame.kpis import Period
from legame.safe import for_plotly
from legame.theme import brand

MEMBER_COLOUR = brand().primary
OTHER_COLOUR = brand().secondary
HIGHLIGHT_COLOUR = brand().highlight
BAD_COLOUR = brand().bad


def revenue_by_membership(trend: list[dict[str, Any]], period: Period, currency: str) -> go.Figure:
    """Monthly revenue, community members' sales stacked on other customers', selected period shaded."""
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
        legend={"orientation": "h", "y": -0.15},
        yaxis_title=f"Revenue ({currency})",
        xaxis={"dtick": "M1", "tickformat": "%b\n%Y", "ticklabelmode": "period"},
    )
    return fig


def trend(series: list[dict[str, Any]], kpi_id: str, label: str, unit_label: str, target: float | None) -> go.Figure:
    """A KPI month by month, with its target as a dashed line."""
    fig = go.Figure()
    fig.add_scatter(
        x=[r["month"] for r in series],
        y=[r[kpi_id] for r in series],
        mode="lines+markers",
        name=label,
        line={"color": MEMBER_COLOUR, "width": 3},
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
        showlegend=False,
    )
    return fig


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
