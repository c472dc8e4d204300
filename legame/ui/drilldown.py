"""The shape every drill-down page shares: period, filters, KPI cards or facts, trend and channel charts."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from legame.fmt import NumberFormat
from legame.i18n import _
from legame.kpis import Kpi, Period
from legame.kpis.engine import ATTRIBUTED
from legame.kpis.facts import shown_facts
from legame.kpis.registry import KPIS
from legame.ui import cache, cards, controls, session


def render(
    key: str,
    title: str,
    intro: str,
    kpi_ids: list[str],
    extra: Callable[[dict[str, Kpi], Callable[[Kpi], go.Figure]], None] | None = None,
) -> None:
    """Lay out one drill-down page for `kpi_ids`; `extra` draws the page's own charts, from the KPIs and
    the chart of a KPI's breakdown in this view (cache.kpi_chart).

    `title` and `intro` come translated; `key` names the page's widgets (the same in every language)."""
    config = session.config()
    fmt = NumberFormat.for_reader(config)
    st.title(title)
    st.caption(intro)
    period, comparison, view = controls.period_controls(cache.anchor())
    filters = controls.filter_controls(cache.dimensions())
    controls.demo_banner(cache.demo_state())
    everything = cache.kpis_for(period, comparison, filters)
    kpis = [everything[i] for i in kpi_ids]
    controls.view_subtitle(period, comparison, filters)
    if view == "facts":
        st.dataframe(pd.DataFrame(shown_facts(kpis, fmt)), hide_index=True, height="content")
        return
    cards.card_grid(kpis)
    if extra:
        extra(everything, lambda kpi: cache.kpi_chart("breakdown", period, comparison, filters, kpi))
    over_time(key, kpi_ids, everything, period, comparison, filters)
    controls.freshness_line(cache.freshness())


@st.fragment
def over_time(
    key: str, kpi_ids: list[str], kpis: dict[str, Kpi], period: Period, comparison: str, filters: dict[str, str]
) -> None:
    """The chosen KPI month by month and by channel: choosing another reruns this part alone."""
    with session.fragment_run(key):
        chosen = st.selectbox(
            _("Show over time and by channel"),
            kpi_ids,
            format_func=lambda i: kpis[i].plain_label,
            key=f"trend_{key}",
        )
        kpi = kpis[chosen]
        left, right = st.columns([3, 2])
        with left:
            st.markdown(_("**{kpi}, month by month**", kpi=kpi.plain_label))
            st.plotly_chart(cache.kpi_chart("trend", period, comparison, filters, kpi))
        with right:
            st.markdown(_("**{kpi} by channel, {period}**", kpi=kpi.plain_label, period=period.label))
            why = KPIS[chosen].unsplittable("channel")
            if why:
                st.caption(cards.plain(_("{kpi} is not measurable by channel: {why}.", kpi=kpi.plain_label, why=why)))
            else:
                st.plotly_chart(cache.kpi_chart("channel", period, comparison, filters, kpi))
                if ATTRIBUTED & set(KPIS[chosen].inputs):  # sales and new customers belong to a channel by a rule
                    st.caption(cards.plain(session.taxonomy().assumption))
