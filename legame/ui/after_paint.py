"""The part of a page below its KPI cards, sent once the browser has the cards on screen.

Streamlit's browser shows the elements of a run together: a chart in the same run holds the cards back
until Plotly's script (4.7 MB) has been fetched and run, 1–3 s on this machine. So a session's first page
sends a box of the section's height in its place with a tiny component that, once on screen (and with it
the cards above), asks for the section: a rerun of this fragment alone. From then on the browser has
Plotly, and the session's pages draw the section in the run itself.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from legame.ui import session

# Set once the browser has painted a page of this session: it has loaded what the section needs since.
PAINTED = "page_painted"

# requestAnimationFrame runs just before the browser paints what it has; a task queued from there runs after.
_ON_SCREEN_JS = """
export default function ({ setTriggerValue }) {
  requestAnimationFrame(() => setTimeout(() => setTriggerValue("painted", true)));
}
"""
_on_screen = st.components.v2.component("legame_on_screen", js=_ON_SCREEN_JS)


def _painted() -> None:
    st.session_state[PAINTED] = True


def _has_browser() -> bool:
    """A run with no request behind it (streamlit.testing's AppTest) has no browser to say it painted."""
    return bool(st.context.headers)


def section(key: str, draw: Callable[[], None], height: int) -> None:
    """`draw()` the rest of the page, below the cards: at once when this session's browser has painted a page
    before, else once it has painted this one, with an empty box of `height` pixels (the first chart's) in
    its place meanwhile. Nothing is laid out after the section, so nothing moves when it comes."""
    if st.session_state.get(PAINTED) or not _has_browser():
        draw()
    else:
        _deferred(key, draw, height)


@st.fragment
def _deferred(key: str, draw: Callable[[], None], height: int) -> None:
    with session.fragment_run(key):
        if st.session_state.get(PAINTED):
            draw()
            return
        with st.container(height=height, border=False):
            _on_screen(key=f"on_screen_{key}", on_painted_change=_painted)
