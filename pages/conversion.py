"""Conversion and ROI: from people reached to customers, and what marketing returns."""

from legame.ui import session

session.guard(session.VIEWER)

import streamlit as st

from legame import charts
from legame.fmt import NumberFormat
from legame.ui import drilldown


def funnel_chart(kpis) -> None:
    st.markdown("**Funnel: from people reached to new customers** (use the channel filter to see one channel)")
    steps = dict(kpis["funnel"].extras["breakdown"])
    revenue = steps.pop("Revenue from them")
    st.plotly_chart(charts.steps(steps))
    fmt = NumberFormat.for_locale(session.config().get("locale", default="en-US"))
    st.caption(f"Revenue from these new customers in the period: {fmt.money(revenue, session.config().currency)}.")


drilldown.render(
    "Conversion & ROI",
    "Conversion is the most honest measure of return, for the company and for the customer.",
    ["conversion_rate", "cac", "roas", "romi", "payback_months", "clv_cac", "clv_roi", "funnel"],
    funnel_chart,
)
