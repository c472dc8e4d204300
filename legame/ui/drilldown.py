"""The shape every drill-down page shares: period, filters, KPI cards or facts, trend and channel charts."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from legame import charts, warehouse
from legame.kpis import Kpi
from legame.kpis.facts import facts
from legame.kpis.registry import KPIS
from legame.ui import cache, cards, controls, session

UNIT_WORDS = {"%": "percent", "points": "NPS points", "x": "times", "per post": "per post", "months": "months"}


def unit_label(kpi: Kpi, currency: str) -> str:
    return currency if kpi.unit == "currency" else UNIT_WORDS.get(kpi.unit, kpi.unit)


def render(title: str, intro: str, kpi_ids: list[str], extra: Callable[[dict[str, Kpi]], None] | None = None) -> None:
    """Lay out one drill-down page for `kpi_ids`; `extra` draws the page's own charts."""
    config = session.config()
    st.title(title)
    st.caption(intro)
    period, comparison, view = controls.period_controls(cache.anchor())
    filters = controls.filter_controls(cache.dimensions())
    if warehouse.only_demo_data(session.cursor()):
        controls.demo_banner()
    everything = cache.kpis_for(period, comparison, filters)
    kpis = [everything[i] for i in kpi_ids]
    shown_filters = " · ".join(f"{k} {v}" for k, v in filters.items())
    st.subheader(
        f"{period.label} compared with {period.comparison(comparison).label}"
        + (f" · {shown_filters}" if shown_filters else "")
    )
    if view == "facts":
        st.dataframe(pd.DataFrame(facts(kpis, config.currency)), hide_index=True)
        return
    cards.card_grid(kpis)
    if extra:
        extra(everything)
    chosen = st.selectbox(
        "Show over time and by channel",
        kpi_ids,
        format_func=lambda i: everything[i].plain_label,
        key=f"trend_{title}",
    )
    kpi = everything[chosen]
    left, right = st.columns([3, 2])
    with left:
        st.markdown(f"**{kpi.plain_label}, month by month**")
        st.plotly_chart(
            charts.trend(
                cache.monthly(period.end, filters, chosen),
                chosen,
                kpi.label,
                unit_label(kpi, config.currency),
                kpi.target,
            )
        )
    with right:
        st.markdown(f"**{kpi.plain_label} by channel, {period.label}**")
        if "channel" not in KPIS[chosen].filtered_by:
            st.caption(f"{kpi.plain_label} is not split by channel: the data behind it has no channel.")
        else:
            st.plotly_chart(
                charts.by_channel(cache.by_channel(period, filters, chosen), chosen, unit_label(kpi, config.currency))
            )
    controls.freshness_line(warehouse.freshness(session.cursor()))
