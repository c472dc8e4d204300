"""The KPI card: value, delta against the comparison, target status, and its sentence."""

from __future__ import annotations

import streamlit as st

from legame.kpis import Kpi

# Colour and icon together, so the status reads without colour too.
STATUS_LOOK = {
    "on track": ("green", ":material/check_circle:"),
    "watch": ("orange", ":material/visibility:"),
    "off track": ("red", ":material/error:"),
}


def kpi_card(kpi: Kpi) -> None:
    with st.container(border=True, height="stretch"):
        delta = None if kpi.delta is None else kpi.display["delta"].replace("−", "-")
        st.metric(
            kpi.plain_label,
            kpi.display["value"],
            delta=delta,
            # A change within normal variation is neither a win nor a loss: grey, and said so.
            delta_color="off" if kpi.noise else ("normal" if kpi.direction == "higher" else "inverse"),
            delta_description=(
                f"vs {kpi.comparison_period.label}" + (" · within normal variation" if kpi.noise else "")
                if delta
                else None
            ),
            help=f"**{kpi.label}**: {kpi.definition}",
        )
        if kpi.status:
            colour, icon = STATUS_LOOK[kpi.status]
            st.badge(f"{kpi.status.capitalize()} · target {kpi.display['target']}", color=colour, icon=icon)
        st.caption(kpi.sentence)
