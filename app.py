"""Legame's entry point: resolve the session's role, build the navigation it may see, run the page."""

import streamlit as st

from legame.ui import session

st.set_page_config(page_title="Legame", page_icon=":material/hub:", layout="wide")

pages = [
    st.Page("pages/board.py", title="Board", icon=":material/dashboard:", default=True),
    st.Page("pages/value.py", title="Customer value", icon=":material/savings:"),
    st.Page("pages/community.py", title="Community", icon=":material/groups:"),
    st.Page("pages/advocacy.py", title="Advocacy", icon=":material/campaign:"),
    st.Page("pages/conversion.py", title="Conversion & ROI", icon=":material/trending_up:"),
]
if session.role() == session.ADMIN:
    pages.append(st.Page("pages/upload.py", title="Upload data", icon=":material/upload_file:"))
session.route(pages)
