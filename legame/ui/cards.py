"""The KPI card: value, delta against the comparison, target status, and its sentence."""

from __future__ import annotations

import streamlit as st

from legame.i18n import N_, _
from legame.kpis import Kpi
from legame.safe import for_markdown

# Colour, icon and words together, so the status reads without colour too.
STATUS_LOOK = {
    "on track": ("green", ":material/check_circle:", N_("On track")),
    "watch": ("orange", ":material/visibility:", N_("On watch")),
    "off track": ("red", ":material/error:", N_("Off track")),
}


# Text as Markdown shows it literally (legame/safe.py): no emphasis, formula, HTML or link.
plain = for_markdown


def kpi_card(kpi: Kpi) -> None:
    with st.container(border=True, height="stretch"):
        delta = None if kpi.delta is None else kpi.display["delta"].replace("−", "-")
        st.metric(
            kpi.plain_label,
            kpi.display["value"],
            delta=delta,
            # A change within normal variation is neither a win nor a loss: grey, and said so.
            delta_color="off" if kpi.noise or kpi.is_flat else ("normal" if kpi.direction == "higher" else "inverse"),
            delta_description=_("vs {period}", period=kpi.comparison_period.label) if delta else None,
            help=f"**{kpi.label}**: {kpi.definition}"
            + ("\n\n" + _("The model says: {detail}", detail=kpi.na_detail) if kpi.na_detail else ""),
        )
        if kpi.status:
            colour, icon, words = STATUS_LOOK[kpi.status]
            # Two badges in one line of text: the target moves under the status when a narrow card needs it
            # (Italian's "Da tenere d'occhio" and a target do not fit one badge in a card of four).
            target = _("target {value}", value=kpi.display["target"])
            st.markdown(f":{colour}-badge[{icon} {plain(_(words))}] :gray-badge[{plain(target)}]")
        if kpi.noise:
            st.badge(
                _("Within normal variation"),
                color="gray",
                icon=":material/swap_vert:",
                help=_("Because {why}.", why=kpi.noise),
            )
        st.caption(plain(kpi.sentence))


def card_grid(kpis: list[Kpi]) -> None:
    """Cards four to a row; one row of columns per four cards, so phones stack them in reading order."""
    for start in range(0, len(kpis), 4):
        for column, kpi in zip(st.columns(4), kpis[start : start + 4], strict=False):
            with column:
                kpi_card(kpi)
