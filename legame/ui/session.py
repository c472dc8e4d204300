"""One warehouse connection per server process, the role guard every page calls first, error display."""

from __future__ import annotations

import hmac
import inspect
import os
from pathlib import Path

import duckdb
import streamlit as st

from legame import warehouse
from legame.config import Config, load_config
from legame.errors import LegameError
from legame.ingest import load_demo_if_empty

ADMIN, VIEWER = "admin", "viewer"
ROUTED, WANTED = "routed_by_app", "wanted_page"


@st.cache_resource
def config() -> Config:
    return load_config()


@st.cache_resource
def _connection() -> duckdb.DuckDBPyConnection:
    # The app owns the file for its lifetime; sessions take cursors from this one connection.
    con = warehouse.connect(config())
    load_demo_if_empty(con, config())
    return con


def cursor() -> duckdb.DuckDBPyConnection:
    """A cursor on the shared connection: connections are not thread-safe, cursors are."""
    return _connection().cursor()


def _admin_password() -> str | None:
    return os.environ.get("LEGAME_ADMIN_PASSWORD") or None


def role() -> str | None:
    """The session's role: admin when signed in or when no password is configured, else None."""
    if _admin_password() is None or st.session_state.get("role") == ADMIN:
        return ADMIN
    return None


def _sign_in() -> None:
    st.title("Sign in")
    st.caption("This Legame is protected: enter the admin password set in LEGAME_ADMIN_PASSWORD.")
    with st.form("sign_in"):
        password = st.text_input("Password", type="password")
        if st.form_submit_button("Sign in", type="primary"):
            if hmac.compare_digest(password.encode(), (_admin_password() or "").encode()):
                st.session_state["role"] = ADMIN
                st.rerun()
            st.error("That password is not right.")


def guard(required: str) -> str:
    """First line of every page: resolve the role by itself and stop the page unless it suffices.

    A page must not trust that app.py ran: a fresh server may serve a file of
    pages/ directly (DESIGN.md, Roles and sharing).
    """
    if not st.session_state.get(ROUTED):
        # Reached without app.py (a fresh server serving pages/ directly): route through it,
        # so the navigation this role may see is built before any page shows anything.
        st.session_state[WANTED] = Path(inspect.stack()[1].filename).stem
        st.switch_page("app.py")
    current = role()
    if current == ADMIN or (required == VIEWER and current == VIEWER):
        return current
    _sign_in()
    st.stop()


def route(pages: list[st.Page]) -> None:
    """Build this session's navigation and run the page; a page asked for before routing opens if allowed."""
    navigation = st.navigation(pages)
    st.session_state[ROUTED] = True
    wanted = st.session_state.pop(WANTED, None)
    for page in pages:
        if wanted and page.url_path == wanted:
            st.switch_page(page)
    navigation.run()


def show_error(exc: LegameError) -> None:
    """The one place a LegameError is shown to a user."""
    st.error(str(exc), icon=":material/error:")
