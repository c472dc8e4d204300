"""Who the session is, the guard every page calls first, the warehouse cursor that goes with the role.

A session is an admin (signed in with the admin password; or, with no password set, any
visitor while the server listens on this computer only), a viewer (a valid shared link, see
legame/share.py), or nobody yet (shown the refusal, the sign-in form, or why there is none).
The role is resolved again on every script run, so a revoked link or an idle admin's
timeout takes effect on the next request.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import math
import threading
import time
import types
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import duckdb
import streamlit as st

from legame import i18n, share, warehouse
from legame import snapshot as snapshots
from legame.channels import Taxonomy
from legame.config import Config, load_config
from legame.errors import LegameError
from legame.fmt import NumberFormat
from legame.i18n import N_, _, ngettext
from legame.ingest import load_demo_if_empty
from legame.safe import for_markdown

log = logging.getLogger(__name__)
T = TypeVar("T")

ADMIN, VIEWER = "admin", "viewer"
ROUTED, WANTED = "routed_by_app", "wanted_page"
SHARE_PARAM = "share"
# Why a session has no role: what it is shown instead of a page.
LINK_REFUSED, LINK_PASSWORD, SIGN_IN, NOT_LOCAL = "link_refused", "link_password", "sign_in", "not_local"
# Session-state keys. None is a widget key, so nothing the browser sends can set them.
_ACCESS, _TOKEN, _OPENED, _UNLOCKED = "role_access", "role_share_token", "role_link_opened", "role_links_unlocked"
_SIGNED_IN, _LAST_SEEN, _TIMED_OUT = "role_signed_in", "role_last_seen", "role_timed_out"
# The reader's language: their choice (from ?lang= or the sidebar switch), and the switch's own widget key.
_LANGUAGE, _SWITCH = "reader_language", "language_switch"
_PAGES = "navigation_pages"  # (language, the pages route() was given in it)


@dataclass(frozen=True)
class Access:
    """The session's role for this run; for a viewer, the link; with no role, why not."""

    role: str | None
    link: share.Link | None = None
    why_not: str | None = None


def config() -> Config:
    """config.yaml, read once by the process; looked up once a run (a cached function's every call costs the
    hashing of its call, and a run asks for the config dozens of times)."""
    return once_per_run("config", _config)


@st.cache_resource
def _config() -> Config:
    return load_config()


def taxonomy() -> Taxonomy:
    """config.yaml's channels, read once (labels are said in the reader's language when asked for)."""
    return once_per_run("taxonomy", _taxonomy)


@st.cache_resource
def _taxonomy() -> Taxonomy:
    return Taxonomy.from_config(config())


@st.cache_resource
def _connection() -> duckdb.DuckDBPyConnection:
    # The app owns the file for its lifetime; sessions take cursors from this one connection.
    # Opening it migrates the file and, on a first start, loads the demo: server start-up work,
    # done once, whoever's request comes first.
    con = warehouse.connect(config())
    load_demo_if_empty(con, config())
    return con


@asynccontextmanager
async def serving(_app: object) -> AsyncIterator[None]:
    """The server's lifespan (app.py): the warehouse is opened and locked as the server starts.

    Until then a CLI run would find the file free and write to it under a running app.
    """
    try:
        _connection()
    except LegameError as exc:
        # A CLI run holding the file: the server still starts, and the first request opens it.
        log.warning("Warehouse not opened at start: %s", exc)
    else:
        log.info("Warehouse %s open", warehouse.location(config()).describe())
        # The server answers once the default board is ready (or WARM_UP_WAIT has passed: then it
        # answers, and the warm-up goes on beside the first requests).
        warming = threading.Thread(target=warm_up, name="legame-warm-up", daemon=True)
        warming.start()
        await asyncio.to_thread(warming.join, WARM_UP_WAIT)
    yield


WARM_UP_WAIT = 30  # seconds


def warm_up() -> None:
    """Fill the caches the default board reads, in config.yaml's language, once as the server starts: the
    first visitor then waits for none of what a new process does once (the page's imports, the CLV fits,
    kept per process and stored in the warehouse, DuckDB's first reads, the board and its chart).
    Failures are only logged: the page computes again and says why."""
    from legame.kpis.period import preset
    from legame.ui import cache  # and with it what the board page imports
    from legame.ui.controls import DEFAULT_PRESET

    started = time.perf_counter()
    try:
        with i18n.language(i18n.for_config(config())):
            period = preset(DEFAULT_PRESET, cache.anchor())
            cache.dimensions(), taxonomy(), cache.notes()
            cache.board_for(period, "previous", {})
            cache.revenue_chart(period, "previous", {})
    except Exception:
        log.exception("Warm-up of the board failed")
    else:
        log.info("Board warmed up in %.1f s", time.perf_counter() - started)
    # What the start made lives as long as the process (modules, Plotly's validators, pandas, the warmed
    # caches): out of the collector's sight, a full collection under load walks only what came after
    # (one walked all of it in 80-180 ms of CPU, holding every session up). The start's garbage is
    # collected first: frozen, it would never be.
    gc.collect()
    gc.freeze()


@st.cache_resource
def _limiter() -> share.SignInLimiter:
    # One per server process: wrong passwords count across every session.
    return share.SignInLimiter()


def cursor() -> duckdb.DuckDBPyConnection | share.ReadOnlyCursor:
    """A cursor on the shared connection (connections are not thread-safe, cursors are).

    Read-only unless this run resolved the session as admin: viewers, and anyone not yet
    resolved, can run SELECT statements only.
    """
    raw = _connection().cursor()
    access = st.session_state.get(_ACCESS)
    return raw if access is not None and access.role == ADMIN else share.ReadOnlyCursor(raw)


def current() -> Access:
    """This run's access, as resolved by route() or guard()."""
    return st.session_state.get(_ACCESS) or Access(None)


def pinned_view() -> share.View | None:
    """The period, comparison and filters a viewer's link pins; None for an admin."""
    access = current()
    return access.link.view if access.role == VIEWER else None


def snapshot() -> snapshots.Snapshot | None:
    """The frozen numbers a viewer's link shows instead of live ones (legame/snapshot.py); None otherwise."""
    access = current()
    if access.role != VIEWER or not access.link.view.snapshot:
        return None
    return _snapshot(access.link.id)


@st.cache_resource(max_entries=32, show_spinner=False)
def _snapshot(link_id: str) -> snapshots.Snapshot:
    # A snapshot never changes once stored; whether its link still opens is checked on every run (_resolve).
    return snapshots.load(share.ReadOnlyCursor(_connection().cursor()), link_id)


def _share_token() -> str | None:
    """The link's token: from the URL, else the one this session opened with (page switches drop the query)."""
    if SHARE_PARAM in st.query_params:
        # Even an empty ?share= is a link that does not open, never an admin session.
        st.session_state[_TOKEN] = st.query_params[SHARE_PARAM]
    return st.session_state.get(_TOKEN)


def _is_local() -> bool:
    return share.is_local_request(st.get_option("server.address"), st.context.headers.keys())


def _admin_signed_in() -> bool:
    if not st.session_state.get(_SIGNED_IN):
        return False
    now = time.monotonic()
    if now - st.session_state[_LAST_SEEN] > share.admin_idle_seconds(config()):
        del st.session_state[_SIGNED_IN]
        st.session_state[_TIMED_OUT] = True
        return False
    st.session_state[_LAST_SEEN] = now
    return True


def _resolve() -> Access:
    token = _share_token()
    if token is not None:
        # A link wins over everything else: a link's holder sees the link's view, even on an admin's machine.
        try:
            link = share.verify(share.ReadOnlyCursor(_connection().cursor()), config(), token)
        except share.InvalidLink:
            return Access(None, why_not=LINK_REFUSED)
        if link.has_password and link.id not in st.session_state.get(_UNLOCKED, ()):
            return Access(None, link, LINK_PASSWORD)
        return Access(VIEWER, link)
    if share.admin_password_set(config()):
        return Access(ADMIN) if _admin_signed_in() else Access(None, why_not=SIGN_IN)
    return Access(ADMIN) if _is_local() else Access(None, why_not=NOT_LOCAL)


def resolve() -> Access:
    """Work out the session's role from its link or sign-in, and remember it for this run's cursors.

    Once a run: the page's guard finds the role the navigation resolved (route() then the page)."""
    access = once_per_run("access", _resolve)
    st.session_state[_ACCESS] = access
    return access


def speak(access: Access) -> str:
    """Set this run's language (legame.i18n) and return it: ?lang= in the address (kept for the session),
    else the reader's earlier choice, else the language a shared link was made in, else config.yaml's."""
    asked = st.query_params.get(i18n.PARAM)
    if asked in i18n.LANGUAGES:
        st.session_state[_LANGUAGE] = asked
    chosen = st.session_state.get(_LANGUAGE)
    if chosen is None and access.link is not None:
        chosen = access.link.view.lang
    lang = i18n.for_config(config(), chosen)
    i18n.use(lang)
    return lang


def _language_switch(lang: str) -> None:
    """The sidebar's language switch; the choice holds for the session and shows in the address."""

    def switched() -> None:
        picked = st.session_state.get(_SWITCH)
        if picked in i18n.LANGUAGES:
            st.session_state[_LANGUAGE] = picked
            st.query_params[i18n.PARAM] = picked

    if st.session_state.get(_SWITCH) != lang:
        st.session_state[_SWITCH] = lang
    st.sidebar.segmented_control(
        _("Language"),
        list(i18n.LANGUAGES),
        format_func=i18n.LANGUAGES.__getitem__,
        key=_SWITCH,
        on_change=switched,
        label_visibility="collapsed",
    )


# User-supplied text (labels, channel and campaign names) made inert for st.markdown and friends.
plain = for_markdown


def _password_form(key: str, button: str, matches: Callable[[str], bool]) -> bool:
    """A password form, rate-limited per `key` across the server process; True when the password matched."""
    limiter = _limiter()
    with st.form(key, clear_on_submit=True):
        password = st.text_input(_("Password"), type="password")
        submitted = st.form_submit_button(button, type="primary")
    if not submitted:
        return False
    wait = limiter.wait_seconds(key)
    if wait > 0:
        minutes = math.ceil(wait / 60)
        st.error(
            ngettext(
                "Too many wrong passwords. Try again in {n} minute.",
                "Too many wrong passwords. Try again in {n} minutes.",
                minutes,
            )
        )
        return False
    if matches(password):
        limiter.succeeded(key)
        return True
    limiter.failed(key)
    log.warning("Wrong password (%s)", key)
    st.error(_("That password is not right."))
    return False


def _sign_in() -> None:
    st.title(_("Sign in"))
    if st.session_state.pop(_TIMED_OUT, False):
        hours = share.admin_idle_seconds(config()) / 3600
        shown = NumberFormat.for_reader(config()).number(hours, 0 if hours.is_integer() else 1)
        st.info(
            ngettext(
                "You were signed out after {hours} hour without activity.",
                "You were signed out after {hours} hours without activity.",
                1 if hours == 1 else 2,
                hours=shown,
            ),
            icon=":material/schedule:",
        )
    st.caption(_("This Legame is protected: enter its admin password."))
    if _password_form("sign_in", _("Sign in"), lambda given: share.admin_password_matches(config(), given)):
        st.session_state[_SIGNED_IN] = True
        st.session_state[_LAST_SEEN] = time.monotonic()
        st.rerun()


def _unlock(link: share.Link) -> None:
    st.title(_("This shared view is protected"))
    st.caption(_("Enter the password you were given with the link."))
    if _password_form(f"link {link.id}", _("Open"), lambda given: share.password_matches(given, link.password_hash)):
        st.session_state.setdefault(_UNLOCKED, set()).add(link.id)
        st.rerun()


def _why_not(access: Access) -> None:
    """What a session with no role sees instead of any page."""
    if access.why_not == LINK_REFUSED:
        # The same words for every cause (expired, revoked, tampered, unknown): the log says which.
        st.title(_(share.REFUSED))
        st.write(_("Ask the person who sent it to you for a new link."))
    elif access.why_not == LINK_PASSWORD:
        _unlock(access.link)
    elif access.why_not == SIGN_IN:
        _sign_in()
    else:
        st.title(_("Set an admin password first"))
        st.write(
            _(
                "This Legame has no admin password and answers other computers, so it shows nothing. "
                "Set `LEGAME_ADMIN_PASSWORD` (or run `python -m legame admin set-password`) and restart it, "
                "or serve it to this computer only with `--server.address 127.0.0.1`, as `make run` does."
            )
        )


def _count_opening(link: share.Link) -> None:
    # The one write a viewer causes, once per session, on the admin connection (see legame/share.py).
    if st.session_state.get(_OPENED) != link.id:
        share.record_open(_connection().cursor(), link.id)
        st.session_state[_OPENED] = link.id


def _viewer_banner(link: share.Link) -> None:
    scope = link.view.scope(taxonomy().all_labels)
    expires = NumberFormat.for_reader(config()).datetime(link.expires_at)
    st.info(
        _("**Shared view · expires on {expires}** · read-only, {scope}.", expires=expires, scope=plain(scope)),
        icon=":material/visibility:",
    )
    if link.view.snapshot:
        frozen = snapshot()
        moment = NumberFormat.for_reader(config()).datetime(frozen.taken_at)
        st.info(
            _(
                "**Numbers as of {moment}** · this link shows them as they were when it was made; "
                "data loaded since does not change them.",
                moment=moment,
            ),
            icon=":material/ac_unit:",
        )


def _admin_sidebar() -> None:
    if st.session_state.get(_SIGNED_IN):
        if st.sidebar.button(_("Sign out"), icon=":material/logout:"):
            del st.session_state[_SIGNED_IN]
            st.rerun()
    else:
        st.sidebar.caption(
            _(
                "Admin without a password: only this computer can open Legame. "
                "Set LEGAME_ADMIN_PASSWORD before serving it to others."
            )
        )


def back_up() -> tuple[Path, int]:
    """A consistent copy of the warehouse in data/backups/, through the app's own connection (while the
    app runs, no other process can open the file); returns the file and its row count. Admin only."""
    from legame import backup

    if current().role != ADMIN:
        raise LegameError(_("Only the admin can back up the data."))
    folder = warehouse.database_path(config()).parent / "backups"
    out = folder / f"legame-{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}.duckdb"
    return out, sum(backup.backup(_connection().cursor(), out).values())


def guard(required: str, page: str) -> str:
    """First line of every page: resolve the role by itself and stop the page unless it suffices.

    `page` is the page's name (its file's stem, as in share.PAGES). A page must not trust that
    app.py ran: a fresh server may serve a file of pages/ directly (DESIGN.md, Roles and
    sharing). A viewer passes only on the pages their link pins.
    """
    if not st.session_state.get(ROUTED):
        # Reached without app.py (a fresh server serving pages/ directly): route through it,
        # so the navigation this role may see is built before any page shows anything. The
        # switch drops the URL's query, so a link's token is kept in the session first.
        _share_token()
        st.session_state[WANTED] = page
        st.switch_page("app.py", query_params=st.query_params.to_dict())
    if _RUN.get() is None:
        # Streamlit ran the page file by itself (its own pages/ routing, not route()): run it again
        # inside the boundary, where this guard resolves the role once for the run, and end here.
        with boundary(page):
            _run_page_file(page)
        st.stop()
    access = resolve()
    speak(access)  # a page Streamlit ran by itself has not been through route()
    if access.role == ADMIN or (required == VIEWER and access.role == VIEWER and page in access.link.view.pages):
        return access.role
    if access.role == VIEWER:
        st.title(_("This page is not part of the shared view"))
    else:
        _why_not(access)
    st.stop()


def route(build: Callable[[], tuple[dict[str, st.Page], dict[str, st.Page]]]) -> None:
    """Set the reader's language, build this session's navigation from its role and run the page.

    `build` gives the pages in the run's language: those a link may open (keys as in share.PAGES),
    then the admin's own.
    A session with no role gets no navigation and, at every page's address, the same page: the
    refusal or the sign-in form (an address with no page would add Streamlit's "Page not found").
    """
    with boundary("navigation"):
        access = resolve()
        lang = speak(access)
        if access.role is not None:
            # A refusal or a sign-in form shows nothing else; ?lang= still sets its language.
            _language_switch(lang)
        # The session's pages in its language, made on its first run in it: a page's making checks its file.
        made = st.session_state.get(_PAGES)
        if made is None or made[0] != lang:
            made = st.session_state[_PAGES] = (lang, build())
        _route(access, *made[1])


def _route(access: Access, pages: dict[str, st.Page], admin_pages: dict[str, st.Page]) -> None:
    st.session_state[ROUTED] = True
    if access.role is None:

        def legame() -> None:
            _why_not(access)

        stand_ins = [st.Page(legame, title="Legame", default=True)]
        stand_ins += [st.Page(legame, title="Legame", url_path=name) for name in [*pages, *admin_pages]]
        st.navigation(stand_ins, position="hidden").run()
        return
    if access.role == VIEWER:
        _count_opening(access.link)
        if st.query_params.get(SHARE_PARAM) != st.session_state[_TOKEN]:
            st.query_params[SHARE_PARAM] = st.session_state[_TOKEN]  # a reload keeps the shared view
        visible = {name: page for name, page in pages.items() if name in access.link.view.pages}
        _viewer_banner(access.link)
    else:
        visible = {**pages, **admin_pages}
        _admin_sidebar()
    navigation = st.navigation(list(visible.values()))
    wanted = st.session_state.pop(WANTED, None)
    if wanted in visible:
        st.switch_page(visible[wanted], query_params=st.query_params.to_dict())
    with boundary(navigation.url_path or "board"):
        navigation.run()


# What this run has read once (once_per_run), while a page runs inside boundary(); None outside any run
# (per script thread: each session's run has its own context).
_RUN: ContextVar[dict[str, object] | None] = ContextVar("legame_run", default=None)
PAGES_DIR = Path(__file__).resolve().parent.parent.parent / "pages"
INTERNAL_ERROR = N_(
    "Something went wrong while preparing this page, and it has been logged. "
    "Reload the page; if it happens again, tell whoever runs this Legame."
)


@contextmanager
def boundary(page: str) -> Iterator[None]:
    """The one error boundary every page runs in (route()): a LegameError is shown as written,
    anything else is logged with its traceback and shown as one plain sentence, no internals.

    st.stop() and st.rerun() pass through: they are not errors (BaseException, not Exception).
    """
    # The outermost boundary is the run (route(), a page Streamlit ran by itself, or a fragment's rerun).
    inside = _RUN.set({} if _RUN.get() is None else _RUN.get())
    try:
        yield
    except LegameError as exc:
        show_error(exc)
    except Exception:
        log.exception("Page %r failed", page)
        st.error(_(INTERNAL_ERROR), icon=":material/error:")
    finally:
        _RUN.reset(inside)


@contextmanager
def fragment_run(page: str) -> Iterator[None]:
    """What a fragment's own rerun needs of what the page's run set: the reader's language (a rerun of a
    fragment alone starts in the source language) and an error boundary."""
    speak(current())
    with boundary(page):
        yield


def once_per_run(name: str, read: Callable[[], T]) -> T:
    """`read()` once in this script run: the role, the data's version. Outside a run (a download made
    after it), every time."""
    run = _RUN.get()
    if run is None:
        return read()
    if name not in run:
        run[name] = read()
    return run[name]


def _run_page_file(page: str) -> None:
    path = PAGES_DIR / f"{page}.py"
    module = types.ModuleType("__main__")
    module.__dict__["__file__"] = str(path)
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), module.__dict__)


def show_error(exc: LegameError) -> None:
    """The one place a LegameError is shown to a user."""
    st.error(str(exc), icon=":material/error:")
