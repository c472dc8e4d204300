"""Community: who takes part, how deeply, and who answers whom."""

from legame.ui import session

session.guard(session.VIEWER, "community")

import streamlit as st

from legame.i18n import _
from legame.ui import drilldown

drilldown.render(
    "community",
    _("Community"),
    _("Engagement is the glue, not the goal: these rates matter as the inputs of participation and value."),
    [
        "active_community_ratio",
        "interactions_per_active_member",
        "peer_answer_share",
        "engagement_rate",
        "conversation_rate",
        "amplification_rate",
        "applause_rate",
    ],
)
st.caption(_("Conversation, amplification and applause rates follow A. Kaushik's definitions (Occam's Razor, 2011)."))
