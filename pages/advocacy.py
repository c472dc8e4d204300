"""Advocacy: willingness to recommend and who speaks for the brand, by credibility."""

from legame.ui import session

session.guard(session.VIEWER, "advocacy")

import streamlit as st

from legame.i18n import _
from legame.ui import drilldown


def advocacy_charts(kpis, breakdown_chart) -> None:
    left, right = st.columns(2)
    with left:
        st.markdown(_("**Who speaks for the brand** (credibility rises upwards)"))
        st.plotly_chart(breakdown_chart(kpis["advocacy_ladder"]))
    with right:
        st.markdown(_("**Survey answers: promoters, passives, detractors**"))
        st.plotly_chart(breakdown_chart(kpis["nps"]))


drilldown.render(
    "advocacy",
    _("Advocacy"),
    _("Credibility rises along the ladder: employees < customers < advocates < independent influencers."),
    ["nps", "advocates", "referral_rate", "referred_value", "ugc_volume", "earned_reach", "advocacy_ladder"],
    advocacy_charts,
)
