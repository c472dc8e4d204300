"""Plotly figures for the Customer value page, built from what legame.value computed; no Streamlit here."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from legame.charts import MEMBER_COLOUR
from legame.safe import for_plotly

# Darker than the board's grey: here it draws box outlines and dots, not filled bars.
OTHER_LINE = "#7d8f8c"
GROUP_COLOURS = {"Community members": MEMBER_COLOUR, "Other customers": OTHER_LINE}


def clv_by_segment(stats: pd.DataFrame, currency: str) -> go.Figure:
    """Boxes of predicted CLV per segment, members beside other customers, drawn from precomputed
    quartiles (value.report's by_segment) with whiskers at the 5th and 95th percentiles."""
    fig = go.Figure()
    for group, colour in GROUP_COLOURS.items():
        rows = stats[stats["group"] == group]
        fig.add_box(
            x=rows["segment"].map(for_plotly),
            q1=rows["q25"],
            median=rows["median"],
            q3=rows["q75"],
            lowerfence=rows["q05"],
            upperfence=rows["q95"],
            mean=rows["mean"],
            name=group,
            marker_color=colour,
            line_color=colour,
            customdata=rows["customers"],
            hovertemplate="%{x}: %{customdata:,} customers<extra>" + group + "</extra>",
        )
    fig.update_layout(
        boxmode="group",
        height=360,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        legend={"orientation": "h", "y": -0.15},
        yaxis={"title": f"Predicted CLV per customer ({currency})", "rangemode": "tozero"},
    )
    return fig


def p_alive_vs_recency(sample: pd.DataFrame) -> go.Figure:
    """Each dot a customer: weeks since their last purchase against the chance they still buy."""
    fig = go.Figure()
    # Other customers first, so members' dots are drawn on top.
    for group in ("Other customers", "Community members"):
        rows = sample[sample["group"] == group]
        fig.add_scatter(
            x=rows["recency_weeks"],
            y=rows["p_alive"] * 100,
            mode="markers",
            name=group,
            marker={"color": GROUP_COLOURS[group], "size": 5, "opacity": 0.45},
            hovertemplate="%{x:.0f} weeks since the last purchase: %{y:.0f}% still active<extra>" + group + "</extra>",
        )
    fig.update_layout(
        height=360,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        legend={"orientation": "h", "y": -0.2},
        xaxis={"title": "Weeks since the last purchase", "rangemode": "tozero"},
        yaxis={"title": "Chance still active (%)", "range": [0, 103]},
    )
    return fig


def holdout(table: pd.DataFrame) -> go.Figure:
    """Mean repeat purchases after the split date, predicted beside actual, per group of customers
    with the same number of repeat purchases before it (as in Fader, Hardie & Lee 2005, figure 4)."""
    fig = go.Figure()
    fig.add_bar(x=table["x"], y=table["actual"], name="Actual", marker_color=OTHER_LINE)
    fig.add_bar(x=table["x"], y=table["predicted"], name="Predicted", marker_color=MEMBER_COLOUR)
    fig.update_traces(hovertemplate="%{x} earlier repeat purchases: %{y:.2f}<extra>%{fullData.name}</extra>")
    fig.update_layout(
        barmode="group",
        height=320,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        legend={"orientation": "h", "y": -0.25},
        xaxis={"title": "Repeat purchases before the split date", "type": "category"},
        yaxis={"title": "After the split, per customer"},
    )
    return fig
