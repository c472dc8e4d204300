"""Conversion and ROI: from people reached to customers, and what marketing returns."""

from legame.ui import session

session.guard(session.VIEWER, "conversion")

import streamlit as st

from legame import charts
from legame.fmt import NumberFormat
from legame.ui import cards, drilldown


def funnel_chart(kpis) -> None:
    st.markdown("**Funnel: people reached to new customers**, each step people within the step before")
    funnel = kpis["funnel"]
    parts = funnel.extras.get("breakdown")
    if parts is None:
        st.caption(cards.plain(f"No funnel for this view: {funnel.na_reason}."))
        return
    st.plotly_chart(charts.steps(parts["steps"]))
    fmt = NumberFormat.for_reader(session.config())
    notes = [f"{label}: {fmt.money(amount, session.config().currency)}." for label, amount in parts["money"].items()]
    notes += [f"{label} left out: {why}." for label, why in parts["left_out"].items()]
    notes.append("Clicks and visits are events, not people: see Traffic that became customers.")
    st.caption(cards.plain(" ".join(notes)))


drilldown.render(
    "Conversion & ROI",
    "Conversion is the most honest measure of return, for the company and for the customer.",
    ["conversion_rate", "cac", "roas", "romi", "payback_months", "clv_cac", "clv_roi", "known_share", "funnel"],
    funnel_chart,
)
