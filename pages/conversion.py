"""Conversion and ROI: from people reached to customers, and what marketing returns."""

from legame.ui import session

session.guard(session.VIEWER, "conversion")

import streamlit as st

from legame.fmt import NumberFormat
from legame.i18n import _
from legame.ui import cards, drilldown


def funnel_chart(kpis, breakdown_chart) -> None:
    st.markdown(_("**Funnel: people reached to new customers**, each step people within the step before"))
    funnel = kpis["funnel"]
    parts = funnel.extras.get("breakdown")
    if parts is None:
        st.caption(cards.plain(_("No funnel for this view: {why}.", why=funnel.na_reason)))
        return
    fmt = NumberFormat.for_reader(session.config())
    st.plotly_chart(breakdown_chart(funnel))
    # The steps' labels are the engine's English keys, marked for the catalogue; the reasons come translated.
    notes = [f"{_(label)}: {fmt.money(amount, session.config().currency)}." for label, amount in parts["money"].items()]
    notes += [_("{step} left out: {why}.", step=_(label), why=why) for label, why in parts["left_out"].items()]
    notes.append(_("Clicks and visits are events, not people: see {kpi}.", kpi=kpis["conversion_rate"].plain_label))
    st.caption(cards.plain(" ".join(notes)))


drilldown.render(
    "conversion",
    _("Conversion & ROI"),
    _("Conversion is the most honest measure of return, for the company and for the customer."),
    ["conversion_rate", "cac", "roas", "romi", "payback_months", "clv_cac", "clv_roi", "known_share", "funnel"],
    funnel_chart,
)
