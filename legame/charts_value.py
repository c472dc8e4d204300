"""Plotly figures for the Customer value page, built from what legame.value computed; no Streamlit here.

Numbers as the cards write them (the reader's NumberFormat: separators, currency placement); the
groups' names ("Community members") are value.py's keys, shown translated.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from legame.charts import MEMBER_COLOUR, NUMBER_TICKS, money_axis, percent_affixes, reader_format
from legame.fmt import NumberFormat
from legame.i18n import _, ngettext
from legame.safe import for_plotly
from legame.value import MEMBERS_GROUP, NOT_RECORDED, OTHERS_GROUP

# Darker than the board's grey: here it draws box outlines and dots, not filled bars.
OTHER_LINE = "#7d8f8c"
MEMBERS, OTHERS = MEMBERS_GROUP, OTHERS_GROUP  # value.py's keys of the groups (N_), shown with _()
GROUP_COLOURS = {MEMBERS: MEMBER_COLOUR, OTHERS: OTHER_LINE}


def clv_by_segment(stats: pd.DataFrame, currency: str, fmt: NumberFormat | None = None) -> go.Figure:
    """Boxes of predicted CLV per segment, members beside other customers, drawn from precomputed
    quartiles (value.report's by_segment) with whiskers at the 5th and 95th percentiles."""
    fmt = reader_format(fmt)
    fig = go.Figure()
    for group, colour in GROUP_COLOURS.items():
        rows = stats[stats["group"] == group]
        name = _(group)
        fig.add_box(
            x=rows["segment"].map(lambda segment: for_plotly(_(NOT_RECORDED) if segment == NOT_RECORDED else segment)),
            q1=rows["q25"],
            median=rows["median"],
            q3=rows["q75"],
            lowerfence=rows["q05"],
            upperfence=rows["q95"],
            mean=rows["mean"],
            name=name,
            marker_color=colour,
            line_color=colour,
            customdata=[
                ngettext("{count} customer", "{count} customers", int(n), count=fmt.number(n))
                for n in rows["customers"]
            ],
            hovertemplate="%{x}: %{customdata}<extra>" + name + "</extra>",
        )
    fig.update_layout(
        boxmode="group",
        height=360,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        legend={"orientation": "h", "y": -0.15},
        separators=fmt.plotly_separators,
        yaxis={
            "title": _("Predicted CLV per customer ({currency})", currency=currency),
            "rangemode": "tozero",
            **money_axis(fmt, currency),
        },
    )
    return fig


def p_alive_vs_recency(sample: pd.DataFrame, fmt: NumberFormat | None = None) -> go.Figure:
    """Each dot a customer: weeks since their last purchase against the chance they still buy."""
    fmt = reader_format(fmt)
    before, after = percent_affixes(fmt)
    fig = go.Figure()
    # Other customers first, so members' dots are drawn on top.
    for group in (OTHERS, MEMBERS):
        rows = sample[sample["group"] == group]
        name = _(group)
        fig.add_scatter(
            x=rows["recency_weeks"],
            y=rows["p_alive"] * 100,
            mode="markers",
            name=name,
            marker={"color": GROUP_COLOURS[group], "size": 5, "opacity": 0.45},
            customdata=[
                ngettext(
                    "{weeks} week since the last purchase: {chance} still active",
                    "{weeks} weeks since the last purchase: {chance} still active",
                    round(weeks),
                    weeks=fmt.number(weeks),
                    chance=fmt.percent(p * 100, 0),
                )
                for weeks, p in zip(rows["recency_weeks"], rows["p_alive"], strict=True)
            ],
            hovertemplate="%{customdata}<extra>" + name + "</extra>",
        )
    fig.update_layout(
        height=360,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        legend={"orientation": "h", "y": -0.2},
        separators=fmt.plotly_separators,
        xaxis={"title": _("Weeks since the last purchase"), "rangemode": "tozero", "tickformat": NUMBER_TICKS},
        yaxis={
            "title": _("Chance still active (%)"),
            "range": [0, 103],
            "tickprefix": before,
            "ticksuffix": after,
            "tickformat": NUMBER_TICKS,
        },
    )
    return fig


def holdout(table: pd.DataFrame, fmt: NumberFormat | None = None) -> go.Figure:
    """Mean repeat purchases after the split date, predicted beside actual, per group of customers
    with the same number of repeat purchases before it (as in Fader, Hardie & Lee 2005, figure 4)."""
    fmt = reader_format(fmt)
    fig = go.Figure()
    for column, name, colour in (
        ("actual", _("Actual"), OTHER_LINE),
        ("predicted", _("Predicted"), MEMBER_COLOUR),
    ):
        fig.add_bar(
            x=table["x"],
            y=table[column],
            name=name,
            marker_color=colour,
            customdata=[
                _(
                    "Repeat purchases before the split: {before}; after it, per customer: {after}",
                    before=x,
                    after=fmt.number(v, 2),
                )
                for x, v in zip(table["x"], table[column], strict=True)
            ],
            hovertemplate="%{customdata}<extra>" + name + "</extra>",
        )
    fig.update_layout(
        barmode="group",
        height=320,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        legend={"orientation": "h", "y": -0.25},
        separators=fmt.plotly_separators,
        xaxis={"title": _("Repeat purchases before the split date"), "type": "category"},
        yaxis={"title": _("After the split, per customer"), "tickformat": NUMBER_TICKS},
    )
    return fig
