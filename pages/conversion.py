"""Conversion and ROI: from people reached to customers, and what marketing returns."""

from legame.ui import session

session.guard(session.VIEWER)

import streamlit as st

from legame import charts
from legame.ui import drilldown


def funnel_chart(kpis) -> None:
    st.markdown("**Funnel: from people reached to new customers** (use the channel filter to see one channel)")
    st.plotly_chart(
        charts.steps(kpis["funnel"].extras["breakdown"], session.config().currency, money_step="Revenue from them")
    )


drilldown.render(
    "Conversion & ROI",
    "Conversion is the most honest measure of return, for the company and for the customer.",
    ["conversion_rate", "cac", "roas", "romi", "payback_months", "clv_cac", "clv_roi", "funnel"],
    funnel_chart,
)
