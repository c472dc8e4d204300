"""Plotly figures built from what the package computed; no Streamlit here, so exports can reuse them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import plotly.graph_objects as go

from legame.kpis import Period

MEMBER_COLOUR = "#1f6f5c"
OTHER_COLOUR = "#b8c4c2"


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
        fillcolor="#f2c14e",
        opacity=0.15,
        line_width=0,
        annotation_text="selected period",
        annotation_position="top left",
    )
    fig.update_layout(
        barmode="stack",
        height=340,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": -0.15},
        yaxis_title=f"Revenue ({currency})",
        xaxis={"dtick": "M1", "tickformat": "%b\n%Y", "ticklabelmode": "period"},
    )
    return fig
