"""The KPI card: value, delta against the comparison, target status, and its sentence."""

from __future__ import annotations

from functools import lru_cache

import streamlit as st

from legame import i18n
from legame.i18n import N_, _
from legame.kpis import Kpi, Period
from legame.kpis.narrative import NOISE, verdict
from legame.safe import for_markdown

# Colour, icon and words together, so the status reads without colour too.
STATUS_LOOK = {
    "on track": ("green", ":material/check_circle:", N_("On track")),
    "watch": ("orange", ":material/visibility:", N_("On watch")),
    "off track": ("red", ":material/error:", N_("Off track")),
}


# Text as Markdown shows it literally (legame/safe.py): no emphasis, formula, HTML or link.
plain = for_markdown


@lru_cache(maxsize=64)
def _against(period: Period, lang: str) -> str:
    # "vs Q2 2026", the same on every card of a view: the period's CLDR label costs a few ms a board otherwise.
    with i18n.language(lang):
        return _("vs {period}", period=period.label)


def kpi_card(kpi: Kpi) -> None:
    """One card in two elements: the metric, then its badges (a line of text each) and its sentence. A run's cost
    on the server follows its number of elements, and the cards were most of a board's."""
    delta = None if kpi.delta is None else kpi.display["delta"].replace("−", "-")
    help_text = f"**{kpi.label}**: {kpi.definition}"
    if kpi.na_detail:
        help_text += "\n\n" + _("The model says: {detail}", detail=kpi.na_detail)
    # Out of the f-strings below, where the catalogue's extraction (tests/test_i18n_catalogue.py) cannot see it.
    within = _("Within normal variation")
    # Said only when it is the change's verdict (narrative.verdict), as every other surface says it: a change
    # too small to mention reads "about the same" in the sentence, whatever its noise.
    noisy = verdict(kpi) == NOISE
    if noisy:
        help_text += "\n\n" + f"**{within}**. " + _("Because {why}.", why=kpi.noise)
    st.metric(
        kpi.plain_label,
        kpi.display["value"],
        delta=delta,
        # A change within normal variation is neither a win nor a loss: grey, and said so.
        delta_color="off" if kpi.noise or kpi.is_flat else ("normal" if kpi.direction == "higher" else "inverse"),
        delta_description=_against(kpi.comparison_period, i18n.current()) if delta else None,
        help=help_text,
    )
    lines = []
    if kpi.status:
        colour, icon, words = STATUS_LOOK[kpi.status]
        # Two badges in one line of text: the target moves under the status when a narrow card needs it
        # (Italian's "Da tenere d'occhio" and a target do not fit one badge in a card of four).
        target = _("target {value}", value=kpi.display["target"])
        lines.append(f":{colour}-badge[{icon} {plain(_(words))}] :gray-badge[{plain(target)}]")
    if noisy:
        lines.append(f":gray-badge[:material/swap_vert: {plain(within)}]")
    # The sentence in small grey type under the badges, in the same element: each element is a message a run
    # sends and its server pays for (the sentence was an st.caption of its own, 8 messages a board).
    lines.append(f":gray[:small[{plain(kpi.sentence)}]]")
    st.markdown("\n\n".join(lines))


def card_grid(kpis: list[Kpi]) -> None:
    """Cards four to a row; one row of columns per four cards, so phones stack them in reading order.

    A full row's columns are the cards' borders (a bordered box inside each would be one more element per
    card); a last row of fewer cards boxes each, so no empty box stands beside them."""
    for start in range(0, len(kpis), 4):
        row = kpis[start : start + 4]
        full = len(row) == 4
        for column, kpi in zip(st.columns(4, border=full), row, strict=False):
            with column:
                if full:
                    kpi_card(kpi)
                else:
                    with st.container(border=True, height="stretch"):
                        kpi_card(kpi)
