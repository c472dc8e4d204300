"""The shape every drill-down page shares: period, filters, KPI cards or facts, trend and channel charts."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from legame import charts
from legame.channels import Taxonomy
from legame.kpis import Kpi
from legame.kpis.engine import ATTRIBUTED
from legame.kpis.facts import shown_facts, unit_words
from legame.kpis.registry import KPIS
from legame.ui import cache, cards, controls, session


def render(title: str, intro: str, kpi_ids: list[str], extra: Callable[[dict[str, Kpi]], None] | None = None) -> None:
    """Lay out one drill-down page for `kpi_ids`; `extra` draws the page's own charts."""
    config = session.config()
    st.title(title)
    st.caption(intro)
    period, comparison, view = controls.period_controls(cache.anchor())
    filters = controls.filter_controls(cache.dimensions())
    controls.demo_banner(cache.demo_state())
    everything = cache.kpis_for(period, comparison, filters)
    kpis = [everything[i] for i in kpi_ids]
    shown_filters = " · ".join(f"{k} {controls.dimension_label(k, v)}" for k, v in filters.items())
    # Channel and campaign names are data: shown literally, never as Markdown.
    st.subheader(
        f"{period.label} compared with {period.comparison(comparison).label}"
        + (f" · {cards.plain(shown_filters)}" if shown_filters else "")
    )
    if view == "facts":
        st.dataframe(pd.DataFrame(shown_facts(kpis)), hide_index=True, height="content")
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
                unit_words(kpi.unit, config.currency),
                kpi.target,
                cache.marks(period),
            )
        )
    with right:
        st.markdown(f"**{kpi.plain_label} by channel, {period.label}**")
        why = KPIS[chosen].unsplittable("channel")
        if why:
            st.caption(cards.plain(f"{kpi.plain_label} is not measurable by channel: {why}."))
        else:
            st.plotly_chart(
                charts.by_channel(
                    cache.by_channel(period, filters, chosen),
                    chosen,
                    unit_words(kpi.unit, config.currency),
                    Taxonomy.from_config(config).all_labels,
                )
            )
            if ATTRIBUTED & set(KPIS[chosen].inputs):  # sales and new customers belong to a channel by a rule
                st.caption(cards.plain(Taxonomy.from_config(config).assumption))
    controls.freshness_line(cache.freshness())
