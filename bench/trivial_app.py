"""The baseline for bench/load.py: the cheapest Streamlit app with Legame's shape.

Two pages behind st.navigation, as app.py builds it, each a title and 8 st.metric cards:
what any Streamlit server costs per session, so Legame's times print as ratios of it.
"""

import streamlit as st


def cards(title: str) -> None:
    st.title(title)
    columns = st.columns(4)
    for i in range(8):
        columns[i % 4].metric(f"KPI {i + 1}", f"{1000 + 37 * i:,}", f"{(-1) ** i * (i + 1)}%")


def board() -> None:
    cards("Board")


def other() -> None:
    cards("Other")


st.set_page_config(page_title="Trivial", layout="wide")
st.navigation(
    [st.Page(board, title="Board", url_path="board", default=True), st.Page(other, title="Other", url_path="other")]
).run()
