"""Read-only links and roles: tokens, the links table, the read-only cursor, the app's sessions, the CLI.

The app's sessions run through streamlit.testing.v1.AppTest on app.py, each on its own copy
of a demo database and its own config file, so no test reads the repository's data/ folder.
"""

from __future__ import annotations

import base64
import copy
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
import streamlit as st
import yaml
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from legame import cli_share, share, warehouse
from legame.cli import main
from legame.config import ROOT, Config, load_config
from legame.ingest import load_demo_if_empty, uploads
from legame.ingest.pipeline import load_file
from legame.kpis import preset
from tests.conftest import write

Q3 = share.View(("board", "advocacy"), date(2025, 7, 1), date(2025, 9, 30), "previous", channel="organic_social")
EVERY_PAGE = share.View(tuple(share.PAGES), date(2025, 7, 1), date(2025, 9, 30), "year")
NOW = datetime(2026, 1, 10, 9, 30)
REFUSAL_TEXT = ["Ask the person who sent it to you for a new link."]
ORDERS = "order_id,email,ordered_at,revenue\nV-1,viewer@example.com,2025-08-01,10\n"


@pytest.fixture
def links_config(config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Config:
    """The test config, with the link secret and admin password files in the test's folder."""
    for name in ("LEGAME_LINK_SECRET", "LEGAME_ADMIN_PASSWORD", "LEGAME_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    config.data["share"].update(
        link_secret_file=str(tmp_path / "link_secret"), admin_password_file=str(tmp_path / "admin_password")
    )
    return config


def token_of(url: str) -> str:
    return url.split("/?share=", 1)[1]


def new_link(con, config: Config, view: share.View = Q3, days: int = 30, **kwargs) -> tuple[share.Link, str]:
    link, url = share.create_link(con, config, label="Q3 board", view=view, days=days, now=NOW, **kwargs)
    return link, token_of(url)


# -- Tokens and the links table ---------------------------------------------------------------


def test_a_valid_token_opens_its_link_with_the_pinned_view(con, links_config):
    link, token = new_link(con, links_config)
    opened = share.verify(con, links_config, token, now=NOW + timedelta(days=29))
    assert opened.id == link.id
    assert opened.view == Q3
    assert opened.view.filters == {"channel": "organic_social"}
    assert opened.view.scope() == "Q3 2025 compared with the previous period · channel organic_social"
    assert opened.expires_at == NOW + timedelta(days=30)


def test_the_url_is_base_url_with_the_token(con, links_config, monkeypatch):
    _, url = share.create_link(con, links_config, label="Q3", view=Q3, days=3)
    assert url.startswith("http://localhost:8501/?share=")
    monkeypatch.setenv("LEGAME_BASE_URL", "https://legame.example.com/")
    _, url = share.create_link(con, links_config, label="Q3", view=Q3, days=3)
    assert url.startswith("https://legame.example.com/?share=")


@pytest.mark.parametrize(
    "forged",
    [
        "",
        "garbage",
        "a.b",
        "x" * 5000,
        "é.é",
        base64.urlsafe_b64encode(b'{"v":1,"id":"x","exp":9999999999,"view":{}}').decode() + ".c2lnbmF0dXJl",
    ],
)
def test_a_forged_token_is_refused(con, links_config, forged):
    new_link(con, links_config)
    with pytest.raises(share.InvalidLink) as refused:
        share.verify(con, links_config, forged, now=NOW)
    assert str(refused.value) == "This link is not valid (expired / revoked)."


def test_a_token_signed_with_another_secret_is_refused(con, links_config, monkeypatch):
    monkeypatch.setenv("LEGAME_LINK_SECRET", "someone else's secret")
    _, token = new_link(con, links_config)
    monkeypatch.setenv("LEGAME_LINK_SECRET", "this server's secret")
    with pytest.raises(share.InvalidLink, match=r"not valid") as refused:
        share.verify(con, links_config, token, now=NOW)
    assert refused.value.reason.startswith("bad signature")


def test_an_expired_token_is_refused(con, links_config):
    _, token = new_link(con, links_config, days=30)
    share.verify(con, links_config, token, now=NOW + timedelta(days=30, seconds=-1))
    with pytest.raises(share.InvalidLink) as refused:
        share.verify(con, links_config, token, now=NOW + timedelta(days=30))
    assert refused.value.reason == "expired"


def test_a_revoked_link_is_refused_from_the_next_request(con, links_config):
    link, token = new_link(con, links_config)
    share.verify(con, links_config, token, now=NOW)
    share.revoke(con, link.id, now=NOW)
    with pytest.raises(share.InvalidLink) as refused:
        share.verify(con, links_config, token, now=NOW)
    assert refused.value.reason == "revoked"
    assert share.get_link(con, link.id).status(NOW) == "revoked"


def _with_payload(token: str, change) -> str:
    payload, signature = token.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    change(data)
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode() + "." + signature


@pytest.mark.parametrize(
    "change",
    [
        lambda data: data["view"]["pages"].append("value"),  # a page not shared
        lambda data: data["view"].pop("channel"),  # every channel, not just the pinned one
        lambda data: data.update(exp=data["exp"] + 365 * 86400),  # a longer life
        lambda data: data.update(id="000000000000"),  # another link
    ],
)
def test_a_token_with_a_changed_payload_is_refused(con, links_config, change):
    _, token = new_link(con, links_config)
    with pytest.raises(share.InvalidLink) as refused:
        share.verify(con, links_config, _with_payload(token, change), now=NOW)
    assert refused.value.reason.startswith("bad signature")


def test_refusals_are_logged_with_their_reason_and_never_the_token(con, links_config, caplog):
    link, token = new_link(con, links_config)
    share.revoke(con, link.id, now=NOW)
    with caplog.at_level(logging.WARNING, logger="legame.share"):
        for attempt in (token, token[:-2] + "xx"):
            with pytest.raises(share.InvalidLink):
                share.verify(con, links_config, attempt, now=NOW)
    assert [r.getMessage() for r in caplog.records] == [
        f"Refused a shared link: revoked (link {link.id})",
        "Refused a shared link: bad signature (tampered, forged, or signed with another secret)",
    ]
    assert token.split(".")[1] not in caplog.text


def test_rotating_the_secret_invalidates_every_link(con, links_config):
    links = [new_link(con, links_config) for _ in range(2)]
    secret_file = Path(links_config.data["share"]["link_secret_file"])
    assert secret_file.stat().st_mode & 0o777 == 0o600
    share.rotate_secret(links_config)
    current = share.secret_id(share.link_secret(links_config))
    for link, token in links:
        with pytest.raises(share.InvalidLink):
            share.verify(con, links_config, token, now=NOW)
        assert share.get_link(con, link.id).status(NOW, current) == "secret replaced"
    fresh, token = new_link(con, links_config)
    assert share.verify(con, links_config, token, now=NOW).id == fresh.id


def test_rotating_says_what_to_do_when_the_secret_is_in_the_environment(links_config, monkeypatch):
    monkeypatch.setenv("LEGAME_LINK_SECRET", "from the environment")
    with pytest.raises(share.LegameError, match="Links are signed with LEGAME_LINK_SECRET: change its value"):
        share.rotate_secret(links_config)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"label": "  "}, "Give the link a label (for example 'Q3 board') so you can tell your links apart."),
        ({"days": 91}, "A link can last 1 to 90 days (share.max_days in config.yaml); 91 is outside that."),
        ({"days": 0}, "A link can last 1 to 90 days (share.max_days in config.yaml); 0 is outside that."),
    ],
)
def test_create_link_says_what_is_wrong(con, links_config, kwargs, message):
    arguments = {"label": "Q3 board", "view": Q3, "days": 30, **kwargs}
    with pytest.raises(share.LegameError) as error:
        share.create_link(con, links_config, **arguments)
    assert str(error.value) == message
    assert share.links(con) == []


def test_a_view_only_pins_pages_a_link_may_open():
    with pytest.raises(share.LegameError) as error:
        share.View(("board", "upload"), date(2025, 1, 1), date(2025, 3, 31))
    assert str(error.value) == (
        "Pick the pages to share among board, value, community, advocacy, conversion; 'upload' is not one of them."
    )


def test_every_shareable_page_is_a_page_of_the_app_with_the_same_title():
    app_source = (ROOT / "app.py").read_text()
    for name, title in share.PAGES.items():
        assert f'"{name}": st.Page("pages/{name}.py", title=_("{title}")' in app_source


def test_record_open_counts_each_opening(con, links_config):
    link, _ = new_link(con, links_config)
    share.record_open(con, link.id, now=NOW)
    share.record_open(con, link.id, now=NOW + timedelta(hours=1))
    opened = share.get_link(con, link.id)
    assert (opened.open_count, opened.last_opened_at) == (2, NOW + timedelta(hours=1))


def test_an_older_file_gets_the_links_table(config, tmp_path):
    path = tmp_path / "v1.duckdb"
    old = duckdb.connect(str(path))
    old.execute("create table schema_version (version integer not null, applied_at timestamp not null)")
    for statement in warehouse.MIGRATIONS[0]:
        old.execute(statement)
    old.execute("insert into schema_version values (1, current_timestamp::timestamp)")
    old.close()
    config.data["warehouse"]["path"] = str(path)
    con = warehouse.connect(config)
    assert con.execute("select max(version) from schema_version").fetchone()[0] == warehouse.SCHEMA_VERSION
    assert con.execute("select count(*) from links").fetchone()[0] == 0
    con.close()


# -- Passwords --------------------------------------------------------------------------------


def test_password_hashes_check_in_constant_time_and_reject_everything_else():
    stored = share.hash_password("correct horse battery", iterations=1_000)
    assert stored.startswith("pbkdf2_sha256$1000$")
    assert share.password_matches("correct horse battery", stored)
    assert not share.password_matches("correct horse batterY", stored)
    assert not share.password_matches("correct horse battery", "md5$1$x$y")
    assert not share.password_matches("correct horse battery", "not a hash")
    assert share.hash_password("same", iterations=1_000) != share.hash_password("same", iterations=1_000)


def test_the_admin_password_comes_from_the_environment_or_the_hashed_file(links_config, monkeypatch):
    assert not share.admin_password_set(links_config)
    assert not share.admin_password_matches(links_config, "")
    path = share.set_admin_password(links_config, "a long passphrase")
    assert "a long passphrase" not in path.read_text()
    assert path.stat().st_mode & 0o777 == 0o600
    assert share.admin_password_set(links_config)
    assert share.admin_password_matches(links_config, "a long passphrase")
    assert not share.admin_password_matches(links_config, "a long passphrasE")
    monkeypatch.setenv("LEGAME_ADMIN_PASSWORD", "from the environment")
    assert share.admin_password_matches(links_config, "from the environment")
    assert not share.admin_password_matches(links_config, "a long passphrase")
    with pytest.raises(share.LegameError, match="at least 10 characters"):
        share.set_admin_password(links_config, "short")


def test_sign_in_attempts_are_limited_per_window():
    clock = [1000.0]
    limiter = share.SignInLimiter(max_failures=5, window=300, clock=lambda: clock[0])
    for _ in range(5):
        assert limiter.wait_seconds("admin") == 0
        limiter.failed("admin")
        clock[0] += 10
    assert limiter.wait_seconds("admin") == pytest.approx(250)
    assert limiter.wait_seconds("link abc") == 0
    clock[0] += 251
    assert limiter.wait_seconds("admin") == 0
    limiter.failed("admin")
    limiter.succeeded("admin")
    assert limiter.wait_seconds("admin") == 0


# -- The read-only cursor ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "insert into links (link_id, label, pinned_view, signed_with, created_at, expires_at) "
        "values ('x', 'x', '{}', 'x', now(), now())",
        "update loads set file_name = 'x'",
        "delete from orders",
        "create table stolen as select * from people",
        "create temp table scratch (a int)",
        "drop table orders",
        "alter table orders add column x int",
        "begin transaction",
        "checkpoint",
        "copy orders to '/tmp/legame-orders.csv'",
        "attach ':memory:' as other",
        "set threads = 1",
        "pragma enable_profiling",
        "select 1; drop table orders",
    ],
)
def test_the_read_only_cursor_refuses_every_write(con, statement):
    reader = share.ReadOnlyCursor(con.cursor())
    with pytest.raises(share.WriteRefused, match="This view is read-only and cannot change the data"):
        reader.execute(statement)
    assert (
        con.execute("select count(*) from duckdb_tables() where table_name in ('orders', 'stolen')").fetchone()[0] == 1
    )


def test_the_read_only_cursor_reads_and_hides_the_writing_api(con):
    reader = share.ReadOnlyCursor(con.cursor())
    assert reader.execute("select $n + 1 as answer", {"n": 41}).fetchone() == (42,)
    assert reader.description[0][0] == "answer"
    assert reader.cursor().execute("with a as (select 2 as b) select b from a").fetchall() == [(2,)]
    for writer in ("executemany", "sql", "query", "read_csv", "table", "begin", "commit", "from_df"):
        with pytest.raises(AttributeError, match="only runs SELECT statements"):
            getattr(reader, writer)


def test_upload_ingest_and_link_functions_refuse_a_viewer_cursor(con, links_config, tmp_path):
    link, _ = new_link(con, links_config)
    reader = share.ReadOnlyCursor(con.cursor())
    before = con.execute("select count(*) from loads").fetchone()[0]
    with pytest.raises(share.WriteRefused):
        uploads.commit(reader, links_config, "orders.csv", ORDERS.encode(), loaded_by="viewer")
    with pytest.raises(share.WriteRefused):
        uploads.preview(reader, links_config, "orders.csv", ORDERS.encode())
    with pytest.raises(share.WriteRefused):
        load_file(reader, links_config, write(tmp_path, "orders.csv", ORDERS))
    with pytest.raises(share.WriteRefused):
        share.revoke(reader, link.id)
    with pytest.raises(share.WriteRefused):
        share.create_link(reader, links_config, label="mine", view=Q3, days=90)
    with pytest.raises(share.WriteRefused):
        share.record_open(reader, link.id)
    assert con.execute("select count(*) from loads").fetchone()[0] == before
    assert share.links(con) == [link]
    assert not Path(links_config.data["warehouse"]["raw_dir"]).exists()


# -- The app's sessions -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory) -> Path:
    """A demo database built once; each app test works on a copy."""
    folder = tmp_path_factory.mktemp("demo")
    config = load_config(ROOT / "config.yaml")
    config.data["warehouse"].update(path=str(folder / "demo.duckdb"), raw_dir=str(folder / "raw"))
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("LEGAME_SECRET", "app-test")
        con = warehouse.connect(config)
        load_demo_if_empty(con, config)
        con.close()
    return folder / "demo.duckdb"


class App:
    """app.py under AppTest, on its own database copy and config file."""

    def __init__(self, folder: Path, demo_database: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.db = folder / "app.duckdb"
        shutil.copyfile(demo_database, self.db)
        data = copy.deepcopy(load_config(ROOT / "config.yaml").data)
        data["warehouse"].update(
            path=str(self.db),
            raw_dir=str(folder / "raw"),
            secret_file=str(folder / "secret"),
            demo_dir=str(ROOT / "data" / "demo"),
        )
        data["share"].update(
            link_secret_file=str(folder / "link_secret"), admin_password_file=str(folder / "admin_password")
        )
        (folder / "config.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
        self.config = load_config(folder / "config.yaml")
        for name in ("LEGAME_DB", "LEGAME_LINK_SECRET", "LEGAME_ADMIN_PASSWORD", "LEGAME_BASE_URL"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("LEGAME_CONFIG", str(folder / "config.yaml"))
        monkeypatch.setenv("LEGAME_SECRET", "app-test")

    def link(self, view: share.View = Q3, days: int = 30, now: datetime | None = None, **kwargs) -> tuple[str, str]:
        con = warehouse.connect(self.config)
        try:
            link, url = share.create_link(con, self.config, label="Q3 board", view=view, days=days, now=now, **kwargs)
        finally:
            con.close()
        return link.id, token_of(url)

    def test(self, token: str | None = None) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
        if token is not None:
            at.query_params["share"] = token
        return at

    def rows(self) -> dict[str, list[tuple]]:
        """Every table's rows, sorted; `links` without the two usage columns a viewer's visit updates."""
        with duckdb.connect(str(self.db)) as con:
            tables = [t for (t,) in con.execute("select table_name from duckdb_tables() order by 1").fetchall()]
            return {
                table: con.execute(
                    f"select * {'exclude (last_opened_at, open_count)' if table == 'links' else ''} "
                    f"from {table} order by all"
                ).fetchall()
                for table in tables
            }

    def opens(self, link_id: str) -> int:
        with duckdb.connect(str(self.db)) as con:
            return con.execute("select open_count from links where link_id = $id", {"id": link_id}).fetchone()[0]


@pytest.fixture
def app(tmp_path, demo_database, monkeypatch):
    st.cache_resource.clear()
    st.cache_data.clear()
    yield App(tmp_path, demo_database, monkeypatch)
    # The cached connection holds the copy open; the next test opens its own.
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture
def local_server():
    """Streamlit's server.address as `make run` and the browser tests set it."""
    st_config.set_option("server.address", "127.0.0.1")
    yield
    st_config.set_option("server.address", None)


def titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


def assert_only_the_refusal(at: AppTest) -> None:
    assert not at.exception
    assert titles(at) == ["This link is not valid (expired / revoked)"]
    assert [m.value for m in at.markdown] == REFUSAL_TEXT
    assert len(at.sidebar.children) == 0
    for kind in ("metric", "info", "error", "dataframe", "selectbox", "button", "text_input"):
        assert len(at.get(kind)) == 0, kind


def test_a_viewer_on_every_page_leaves_the_database_unchanged(app):
    link_id, token = app.link(view=EVERY_PAGE)
    before = app.rows()
    at = app.test(token).run()
    assert not at.exception
    assert at.info[0].value.startswith("**Shared view · expires on ")
    # AppTest's switch_page runs the page file alone, as a fresh server does: its guard decides.
    for name in share.PAGES:
        at.switch_page(f"pages/{name}.py").run()
        assert not at.exception, name
        assert titles(at) == [share.PAGES[name]], name
        trend = [box for box in at.selectbox if box.label == "Show over time and by channel"]
        for option in trend[0].options[1:] if trend else []:
            next(box for box in at.selectbox if box.label == trend[0].label).select(option).run()
            assert not at.exception, (name, option)
        if [group for group in at.button_group if group.label == "View"]:
            next(group for group in at.button_group if group.label == "View").set_value("facts").run()
            assert not at.exception, name
            assert len(at.dataframe) >= 1
            next(group for group in at.button_group if group.label == "View").set_value("cards").run()
    for admin_page in ("upload", "share"):
        at.switch_page(f"pages/{admin_page}.py").run()
        assert titles(at) == ["This page is not part of the shared view"]
        assert len(at.get("file_uploader")) == 0 and len(at.text_input) == 0
    assert app.rows() == before
    assert app.opens(link_id) == 1  # the documented exception, counted once per session


VIEWER_TRIES_TO_WRITE = """
import streamlit as st
from legame.ingest import uploads
from legame.ui import session

session.resolve()
try:
    uploads.commit(session.cursor(), session.config(), "orders.csv", ORDERS.encode(), loaded_by="viewer")
except Exception as exc:
    st.write(f"{type(exc).__name__}: {exc}")
"""


def test_a_viewer_sessions_cursor_refuses_the_upload_functions(app):
    """Not hidden buttons: code run in a viewer's session cannot write through the cursor it gets."""
    _, token = app.link()
    before = app.rows()
    at = AppTest.from_string(f"ORDERS = {ORDERS!r}\n{VIEWER_TRIES_TO_WRITE}", default_timeout=60)
    at.query_params["share"] = token
    at.run()
    assert [m.value for m in at.markdown] == [
        "WriteRefused: This view is read-only and cannot change the data (transaction statement refused)."
    ]
    assert app.rows() == before


def test_a_viewer_sees_the_pinned_period_and_filters_and_no_pickers(app):
    _, token = app.link(view=Q3)
    at = app.test(token).run()
    assert next(s.value for s in at.subheader) == "Q3 2025 compared with Q2 2025 · channel Organic social"
    assert at.info[0].value.startswith("**Shared view · expires on ")
    # The viewer reads the channel's name in the taxonomy, not its id.
    assert "Q3 2025 compared with the previous period · channel Organic social" in at.info[0].value
    assert not [box for box in at.selectbox if box.label in ("Period", "Channel", "Campaign")]
    assert [group.label for group in at.main.button_group] == ["View"]  # no period, comparison or channel picker
    assert not [button for button in at.button if button.label == "Filter by channel or campaign"]
    at.switch_page("pages/advocacy.py").run()
    assert at.subheader[0].value == "Q3 2025 compared with Q2 2025 · channel Organic social"
    at.switch_page("pages/community.py").run()
    assert titles(at) == ["This page is not part of the shared view"]
    assert len(at.metric) == 0


@pytest.mark.parametrize("kind", ["forged", "other secret", "expired", "revoked", "changed payload"])
def test_an_invalid_link_shows_the_refusal_and_nothing_else(app, monkeypatch, kind):
    if kind == "other secret":
        monkeypatch.setenv("LEGAME_LINK_SECRET", "another server")
    link_id, token = app.link(now=datetime.now() - timedelta(days=31) if kind == "expired" else None)
    monkeypatch.delenv("LEGAME_LINK_SECRET", raising=False)
    if kind == "revoked":
        con = warehouse.connect(app.config)
        share.revoke(con, link_id)
        con.close()
    token = {
        "forged": "eyJ2IjoxfQ.bm90IGEgc2lnbmF0dXJl",
        "changed payload": _with_payload(token, lambda data: data["view"]["pages"].append("community")),
    }.get(kind, token)
    before = app.rows()
    assert_only_the_refusal(app.test(token).run())
    assert app.rows() == before
    assert app.opens(link_id) == 0


def test_a_revoked_link_stops_on_the_viewers_next_request(app):
    link_id, token = app.link()
    at = app.test(token).run()
    assert len(at.metric) > 0
    con = warehouse.connect(app.config)
    share.revoke(con, link_id)
    con.close()
    at.run()
    assert_only_the_refusal(at)


def test_a_link_with_a_password_asks_for_it_first(app):
    _, token = app.link(password="board only")
    at = app.test(token).run()
    assert titles(at) == ["This shared view is protected"]
    assert len(at.metric) == 0
    at.text_input[0].input("wrong")
    at.button[0].click().run()
    assert at.error[0].value == "That password is not right."
    assert len(at.metric) == 0
    at.text_input[0].input("board only")
    at.button[0].click().run()
    assert titles(at) == ["Board"]
    assert len(at.metric) > 0


def test_without_a_password_the_admin_must_be_on_this_computer(app):
    at = app.test().run()
    assert titles(at) == ["Set an admin password first"]
    assert "LEGAME_ADMIN_PASSWORD" in at.markdown[0].value
    assert len(at.metric) == 0


def test_a_local_admin_without_a_password_is_told_so(app, local_server):
    at = app.test().run()
    assert titles(at) == ["Board"]
    assert at.sidebar.caption[0].value.startswith("Admin without a password: only this computer can open Legame.")
    at.switch_page("pages/share.py").run()
    assert titles(at) == ["Share"]


@pytest.mark.parametrize(
    ("address", "headers", "local"),
    [
        ("127.0.0.1", ["Host", "User-Agent"], True),
        ("localhost", [], True),
        ("::1", [], True),
        (None, [], False),  # Streamlit's default listens on every interface
        ("", [], False),
        ("0.0.0.0", [], False),
        ("192.168.1.20", [], False),
        ("127.0.0.1", ["Host", "X-Forwarded-For"], False),  # a proxy on this computer relays others
        ("127.0.0.1", ["forwarded"], False),
        ("127.0.0.1", ["X-Real-IP"], False),
    ],
)
def test_only_unproxied_requests_to_a_localhost_server_are_local(address, headers, local):
    assert share.is_local_request(address, headers) is local


def test_admin_sign_in_is_rate_limited_and_times_out(app, monkeypatch, local_server):
    monkeypatch.setenv("LEGAME_ADMIN_PASSWORD", "correct horse")
    at = app.test().run()
    assert titles(at) == ["Sign in"]

    def attempt(password: str) -> None:
        at.text_input[0].input(password)
        at.button[0].click().run()

    for _ in range(5):
        attempt("wrong")
        assert at.error[0].value == "That password is not right."
    attempt("correct horse")
    assert at.error[0].value == "Too many wrong passwords. Try again in 5 minutes."
    assert titles(at) == ["Sign in"]

    st.cache_resource.clear()  # a new server process: a fresh count
    attempt("correct horse")
    assert titles(at) == ["Board"]
    at.switch_page("pages/share.py").run()
    assert titles(at) == ["Share"]
    at.session_state["role_last_seen"] = time.monotonic() - 8 * 3600 - 1
    at.run()
    assert titles(at) == ["Sign in"]
    assert at.info[0].value == "You were signed out after 8 hours without activity."


def test_admin_creates_and_revokes_a_link_on_the_share_page(app, local_server):
    at = app.test().run()
    at.switch_page("pages/share.py").run()
    assert titles(at) == ["Share"]
    assert "No links yet." in [c.value for c in at.caption]
    next(t for t in at.text_input if t.label == "Label").input("Board <b>Q3</b> *bold*").run()
    next(b for b in at.button if b.label == "Create link").click().run()
    assert not at.exception
    assert at.success[0].value.startswith("Link created: it opens until ")
    with duckdb.connect(str(app.db)) as con:
        link = share.verify(con, app.config, token_of(at.code[0].value))
    assert link.label == "Board <b>Q3</b> *bold*"
    assert link.view.pages == ("board",)
    table = at.dataframe[0].value
    assert table["Label"].tolist() == ["Board <b>Q3</b> *bold*"]
    assert table["Status"].tolist() == ["Active"]
    revoke = next(b for b in at.button if b.label == "Revoke this link")
    revoke.click().run()
    assert at.success[0].value == "Revoked “Board \\<b\\>Q3\\</b\\> \\*bold\\*”: it no longer opens."
    assert at.dataframe[0].value["Status"].tolist() == ["Revoked"]


# -- The command line -------------------------------------------------------------------------


def legame(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "LEGAME_DB": str(tmp_path / "cli.duckdb"),
        "LEGAME_SECRET": "cli",
        "LEGAME_LINK_SECRET": "cli links",
        "LEGAME_BASE_URL": "https://legame.example.com",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "legame", *args], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_share_create_list_revoke_from_the_command_line(tmp_path, monkeypatch):
    created = legame(
        tmp_path, "share", "create", "--label", "Q3 board", "--days", "14", "--pages", "board,advocacy",
        "--from", "2025-07-01", "--to", "2025-09-30", "--channel", "organic_social", "--json",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    made = json.loads(created.stdout)
    assert set(made) == {"id", "url", "expires"}
    assert made["url"].startswith("https://legame.example.com/?share=")
    plain = legame(tmp_path, "share", "create", "--label", "Default")
    assert plain.returncode == 0, plain.stderr
    last_quarter = preset("last_quarter", date.today()).label  # the database has no data: presets count from today
    assert plain.stdout.splitlines()[0].endswith(f"(Default): Board · {last_quarter} compared with the previous period")

    listed = legame(tmp_path, "share", "list")
    assert re.split(r"\s{2,}", listed.stdout.splitlines()[0]) == [
        "id", "label", "status", "expires", "opens", "last opened", "shows"
    ]  # fmt: skip
    line = next(line for line in listed.stdout.splitlines() if line.startswith(made["id"]))
    assert "Q3 board  active" in line
    # Times in config.yaml's time zone (Europe/Rome), written the English reader's way: '14 Oct 2026, 09:30 CEST'.
    assert re.search(r"  \d{1,2} [A-Z][a-z]{2,3} \d{4}, \d\d:\d\d CES?T  0 +never  ", line), line
    # The channel by its label in config.yaml's taxonomy, as the pages show it.
    assert line.endswith("Board, Advocacy · Q3 2025 compared with the previous period · channel Organic social")

    revoked = legame(tmp_path, "share", "revoke", made["id"])
    assert revoked.stdout == f"Revoked link {made['id']} (Q3 board): it no longer opens.\n"
    status = json.loads(legame(tmp_path, "share", "list", "--json").stdout)
    assert {row["id"]: row["status"] for row in status}[made["id"]] == "revoked"

    monkeypatch.setenv("LEGAME_LINK_SECRET", "cli links")
    with duckdb.connect(str(tmp_path / "cli.duckdb")) as con, pytest.raises(share.InvalidLink) as refused:
        share.verify(con, load_config(ROOT / "config.yaml"), token_of(made["url"]))
    assert refused.value.reason == "revoked"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--days", "120"), "A link can last 1 to 90 days (share.max_days in config.yaml); 120 is outside that."),
        (
            ("--pages", "board,upload"),
            "Pick the pages to share among board, value, community, advocacy, conversion; 'upload' is not one of them.",
        ),
        (("--from", "2025-01-01"), "Give both --from and --to, or neither (the last quarter)."),
    ],
)
def test_share_create_says_what_is_wrong(tmp_path, args, message):
    result = legame(tmp_path, "share", "create", "--label", "L", *args)
    assert result.returncode == 1
    assert result.stderr.strip() == f"error: {message}"


def test_share_revoke_of_an_unknown_link_and_rotate_with_an_environment_secret(tmp_path):
    unknown = legame(tmp_path, "share", "revoke", "nope")
    assert (unknown.returncode, unknown.stderr.strip()) == (
        1,
        "error: There is no link 'nope'; `python -m legame share list` shows every link.",
    )
    rotate = legame(tmp_path, "share", "rotate-secret")
    assert rotate.returncode == 1
    assert "Links are signed with LEGAME_LINK_SECRET" in rotate.stderr


def test_admin_set_password_stores_a_hash(app, monkeypatch, capsys):
    typed = iter(["a long passphrase", "a long passphrase", "one", "another"])
    monkeypatch.setattr(cli_share.getpass, "getpass", lambda prompt: next(typed))
    assert main(["admin", "set-password"]) == 0
    stored = Path(app.config.data["share"]["admin_password_file"]).read_text()
    assert stored.startswith("pbkdf2_sha256$") and "passphrase" not in stored
    assert share.admin_password_matches(app.config, "a long passphrase")
    assert main(["admin", "set-password"]) == 1
    assert capsys.readouterr().err == "error: The two passwords differ; nothing was stored.\n"
