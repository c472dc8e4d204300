"""Period, comparison and view pickers (kept in the URL), and the lines every page repeats."""

from __future__ import annotations

from datetime import date

import streamlit as st

from legame.kpis import COMPARISONS, PRESETS, Period, preset

VIEWS = {"cards": "Cards and charts", "facts": "Facts table"}
DEFAULT_PRESET = "last_quarter"


def period_controls(anchor: date) -> tuple[Period, str, str]:
    """Preset or custom period, comparison and view; each bound to the URL so a link reopens it."""
    left, middle, right = st.columns([5, 3, 3], vertical_alignment="bottom")
    with left:
        name = st.segmented_control(
            "Period",
            list(PRESETS),
            format_func=PRESETS.get,
            default=DEFAULT_PRESET,
            required=True,
            key="period",
            bind="query-params",
        )
    with middle:
        comparison = st.segmented_control(
            "Compared with",
            list(COMPARISONS),
            format_func=lambda c: COMPARISONS[c].capitalize(),
            default="previous",
            required=True,
            key="compare",
            bind="query-params",
        )
    with right:
        view = st.segmented_control(
            "View",
            list(VIEWS),
            format_func=VIEWS.get,
            default="cards",
            required=True,
            key="view",
            bind="query-params",
        )
    if name == "custom":
        default = preset(DEFAULT_PRESET, anchor)
        start_col, end_col, _ = st.columns([2, 2, 6])
        start = start_col.date_input("From", default.start, key="from", bind="query-params")
        end = end_col.date_input("To", default.end, key="to", bind="query-params")
        if end < start:
            st.warning("The end date is before the start date; showing the start date alone.")
            end = start
        period = Period(start, end)
    else:
        period = preset(name, anchor)
    return period, comparison, view


def demo_banner() -> None:
    st.info(
        "**Demo data** — these numbers come from the built-in exports of a fictional brand. "
        "Load your own files on the Upload page; the demo label goes away once you do.",
        icon=":material/science:",
    )


def freshness_line(freshness: dict[str, date | None]) -> None:
    parts = [f"{table} {day:%d %b %Y}" for table, day in freshness.items() if day] or ["no data loaded yet"]
    st.caption("Data up to: " + " · ".join(parts) + ".")
