"""Legame's entry point: resolve the session's role, build the navigation it may see, run the page.

`streamlit run app.py` finds `server` below and serves through it, so the warehouse is opened (and
locked against other processes) when the server starts, not on the first browser request. Each
session then runs this file as its script (__main__).
"""

import streamlit as st

from legame.i18n import _
from legame.ui import session

if __name__ != "__main__":
    # Imported by `streamlit run` to start the server: open the warehouse now (session.serving).
    server = st.App("app.py", lifespan=session.serving)
else:
    st.set_page_config(page_title="Legame", page_icon=":material/hub:", layout="wide")

    def pages() -> tuple[dict[str, st.Page], dict[str, st.Page]]:
        """The pages a shared link may open (keys as in legame.share.PAGES), then the admin's own,
        titled in the run's language (session.route sets it first)."""
        shared = {
            "board": st.Page("pages/board.py", title=_("Board"), icon=":material/dashboard:", default=True),
            "value": st.Page("pages/value.py", title=_("Customer value"), icon=":material/savings:"),
            "community": st.Page("pages/community.py", title=_("Community"), icon=":material/groups:"),
            "advocacy": st.Page("pages/advocacy.py", title=_("Advocacy"), icon=":material/campaign:"),
            "conversion": st.Page("pages/conversion.py", title=_("Conversion & ROI"), icon=":material/trending_up:"),
        }
        admin = {
            "upload": st.Page("pages/upload.py", title=_("Upload data"), icon=":material/upload_file:"),
            "share": st.Page("pages/share.py", title=_("Share"), icon=":material/share:"),
        }
        return shared, admin

    session.route(pages)
