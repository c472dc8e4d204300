"""Demo data never mixes silently: demo_state, removing the demo (all or nothing), the first real load
removing it in its own transaction, the CLI's --keep-demo and `demo --remove`, and the words every
surface shows while demo and real data are mixed. Real DuckDB files, real processes, real PDFs."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest
import streamlit as st
import yaml
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from legame import boardpack, demo, demo_data, export, share, warehouse
from legame.board import build
from legame.config import ROOT, load_config
from legame.errors import FatalFileError
from legame.ingest import load_demo_if_empty, load_file, pipeline
from legame.kpis import Period
from tests.conftest import write

Q3 = Period(date(2026, 7, 1), date(2026, 9, 30))  # late enough in the demo data for the CLV models to fit
DEMO_LOADS = "(select load_id from loads where is_demo)"


def content(con: duckdb.DuckDBPyConnection) -> str:
    """A digest of every row of every table: equal digests mean equal content."""
    digest = hashlib.sha256()
    for table in [*warehouse.TABLES, "loads", "rejects"]:
        digest.update(repr(con.execute(f"select * from {table} order by all").fetchall()).encode())
    return digest.hexdigest()


def real_rows(con: duckdb.DuckDBPyConnection) -> str:
    """A digest of the rows that are not demo data, and of the rejects of the real loads."""
    digest = hashlib.sha256()
    for table in [*warehouse.TABLES, "rejects"]:
        rows = con.execute(f"select * from {table} where load_id not in {DEMO_LOADS} order by all").fetchall()
        digest.update(repr(rows).encode())
    return digest.hexdigest()


def demo_row_count(con: duckdb.DuckDBPyConnection) -> int:
    return sum(demo_data.demo_rows(con).values())


@pytest.fixture
def demo_db(con, config):
    """The warehouse as on a first start: the built-in demo exports loaded as demo loads."""
    assert load_demo_if_empty(con, config)
    return con


def a_demo_person(con: duckdb.DuckDBPyConnection) -> tuple[str, str]:
    return con.execute("select person_id, segment from people where segment is not null order by person_id").fetchone()


def a_demo_order(con: duckdb.DuckDBPyConnection) -> tuple[str, float]:
    return con.execute("select order_id, revenue from orders order by order_id").fetchone()


def load_real_files(con, config, tmp_path: Path) -> None:
    """Real exports loaded next to the demo (kept): new rows, a demo order replaced, a demo person updated."""
    order_id, revenue = a_demo_order(con)
    person_id, segment = a_demo_person(con)
    orders = (
        "order_id,person_id,ordered_at,revenue,channel\n"
        f"REAL-1,real-buyer,2026-08-02,59.90,web\n"
        f"REAL-2,real-buyer,2026-08-20,not-a-number,web\n"  # a reject of a real load: it must stay
        f"{order_id},real-buyer,2026-08-03,{revenue + 1},web\n"
    )
    people = f"person_id,segment\nreal-buyer,Hikers\n{person_id},Real {segment}\n"
    for name, text in (("orders.csv", orders), ("people.csv", people)):
        load_file(con, config, write(tmp_path, name, text), remove_demo=False)


# -- demo_state ------------------------------------------------------------------------------


def test_demo_state_follows_the_loads(con, config, tmp_path):
    assert warehouse.demo_state(con) == "empty"
    load_demo_if_empty(con, config)
    assert warehouse.demo_state(con) == "demo"
    spend = write(tmp_path, "spend.csv", "day,channel,campaign,amount\n2026-09-01,meta,Real,10\n")
    load_file(con, config, spend, remove_demo=False)
    assert warehouse.demo_state(con) == "mixed"
    demo_data.remove_demo(con, config)
    assert warehouse.demo_state(con) == "real"


def test_a_warehouse_of_real_loads_only_is_real(con, config, tmp_path):
    load_file(con, config, write(tmp_path, "spend.csv", "day,channel,campaign,amount\n2026-09-01,meta,a,10\n"))
    assert warehouse.demo_state(con) == "real"


def test_demo_rows_replaced_by_a_real_load_are_no_longer_demo(con, config, tmp_path):
    # A demo load whose only row a real load replaced: the row is the user's, no demo is left.
    spend = "day,channel,campaign,amount\n2026-09-01,meta,a,{}\n"
    load_file(con, config, write(tmp_path, "demo.csv", spend.format(10)), is_demo=True)
    assert warehouse.demo_state(con) == "demo"
    load_file(con, config, write(tmp_path, "real.csv", spend.format(12)), remove_demo=False)
    assert warehouse.demo_state(con) == "real"


# -- Removing the demo -----------------------------------------------------------------------


def test_removal_leaves_exactly_the_real_rows(demo_db, config, tmp_path):
    con = demo_db
    # A demo load with a rejected row: its reject goes with it.
    load_file(
        con,
        config,
        write(tmp_path, "d.csv", "day,channel,campaign,amount\n2026-09-01,x,a,1\nbad,x,b,2\n"),
        is_demo=True,
    )
    load_real_files(con, config, tmp_path)
    person_id, _ = a_demo_person(con)
    assert warehouse.demo_state(con) == "mixed"
    before = real_rows(con)
    demo_counts = demo_data.demo_rows(con)
    demo_rejects = con.execute(f"select count(*) from rejects where load_id in {DEMO_LOADS}").fetchone()[0]
    assert demo_rejects == 1

    removed = demo_data.remove_demo(con, config, removed_by="test")

    assert removed.rows == demo_counts
    assert removed.total == sum(demo_counts.values()) > 40_000
    assert (removed.rejects, removed.loads) == (1, 9)
    assert demo_row_count(con) == 0
    assert con.execute("select count(*) from loads where is_demo").fetchone()[0] == 0
    assert real_rows(con) == before  # every real row, and the real load's reject, exactly as they were
    # The demo person a real load updated is the user's now, and stays.
    assert (
        con.execute("select segment from people where person_id = $p", {"p": person_id})
        .fetchone()[0]
        .startswith("Real ")
    )
    assert con.execute("select count(*) from orders").fetchone()[0] == 2
    assert warehouse.demo_state(con) == "real"
    # The history says so, and the data version moves on (caches keyed on it refresh).
    marker = con.execute("select load_id, file_name, profile from loads order by load_id desc limit 1").fetchone()
    assert marker == (
        warehouse.data_version(con),
        f"Ardesia Outdoor demo data removed: {removed.total:,} rows",
        "demo_removed",
    )
    assert demo_data.remove_demo(con, config) is None  # nothing left to remove


def test_removal_is_all_or_nothing(demo_db, config, tmp_path, monkeypatch):
    con = demo_db
    load_real_files(con, config, tmp_path)
    before = content(con)
    # A table that does not exist, after every real one: the deletes before it must be undone.
    missing = dataclasses.replace(warehouse.TABLES["visits"], name="no_such_table")
    monkeypatch.setattr(demo_data, "TABLES", {**warehouse.TABLES, "no_such_table": missing})
    with pytest.raises(duckdb.CatalogException):
        demo_data.remove_demo(con, config)
    assert content(con) == before
    assert warehouse.demo_state(con) == "mixed"


def test_an_emptied_warehouse_is_not_refilled_with_the_demo(demo_db, config):
    demo_data.remove_demo(demo_db, config)
    assert warehouse.demo_state(demo_db) == "empty"
    assert load_demo_if_empty(demo_db, config) == []
    assert warehouse.demo_state(demo_db) == "empty"


def test_the_brand_named_is_the_demo_generators(con):
    assert demo_data.BRAND == demo.PAGE_NAME


# -- The first real load removes the demo in its own transaction -----------------------------


ORDERS = "order_id,person_id,ordered_at,revenue,channel\nREAL-1,real-buyer,2026-08-02,59.90,web\n"


def test_the_first_real_load_removes_the_demo(demo_db, config, tmp_path):
    con = demo_db
    demo_counts = demo_data.demo_rows(con)
    order_id, _ = a_demo_order(con)
    # A real order sharing a key with a demo order: compared with the user's data alone, it is new.
    text = ORDERS + f"{order_id},real-buyer,2026-08-03,12.00,web\n"
    report = load_file(con, config, write(tmp_path, "orders.csv", text), remove_demo=True)
    assert report.demo_removed.rows == demo_counts
    assert (report.inserted, report.replaced) == (2, 0)
    assert warehouse.demo_state(con) == "real"
    assert con.execute("select order_id from orders order by 1").fetchall() == sorted([("REAL-1",), (order_id,)])
    assert warehouse.data_version(con) == report.load_id


def test_a_preview_says_what_would_go_and_changes_nothing(demo_db, config, tmp_path):
    before = content(demo_db)
    report = load_file(demo_db, config, write(tmp_path, "orders.csv", ORDERS), commit=False, remove_demo=True)
    assert report.demo_removed.total == demo_row_count(demo_db) > 0
    assert content(demo_db) == before


def test_a_load_that_fails_keeps_the_demo(demo_db, config, tmp_path, monkeypatch):
    con = demo_db
    before = content(con)
    # The file's fatal error comes after the demo was deleted in the same transaction.
    with pytest.raises(FatalFileError):
        load_file(
            con, config, write(tmp_path, "empty.csv", "order_id,person_id,ordered_at,revenue\n"), remove_demo=True
        )
    assert content(con) == before

    # A failure after the file merged, as its last step (archiving the raw file): both are undone.
    def full_disk(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(pipeline, "archive", full_disk)
    with pytest.raises(OSError):
        load_file(con, config, write(tmp_path, "orders.csv", ORDERS), remove_demo=True)
    assert content(con) == before
    assert warehouse.demo_state(con) == "demo"


def test_a_demo_load_never_removes_the_demo(demo_db, config):
    before = demo_row_count(demo_db)
    path = ROOT / "data" / "demo" / "referrals.csv"
    report = load_file(demo_db, config, path, loaded_by="demo", is_demo=True, remove_demo=True)
    assert report.demo_removed is None
    assert demo_row_count(demo_db) == before


# -- The command line ------------------------------------------------------------------------


def legame(config, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "LEGAME_DB": str(warehouse.database_path(config)), "LEGAME_SECRET": "test-secret"}
    return subprocess.run([sys.executable, "-m", "legame", *args], cwd=ROOT, env=env, capture_output=True, text=True)


def state_of(config) -> str:
    with duckdb.connect(str(warehouse.database_path(config)), read_only=True) as con:
        return warehouse.demo_state(con)


def test_cli_ingest_removes_the_demo_and_says_so(demo_db, config, tmp_path):
    rows = demo_data.demo_rows(demo_db)
    demo_db.close()
    result = legame(config, "ingest", str(write(tmp_path, "orders.csv", ORDERS)))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert f"demo data removed: interactions, {rows['interactions']:,} rows" in lines
    assert "demo data removed: visits" not in result.stdout  # the demo has none
    assert (
        f"demo data removed: {sum(rows.values()):,} rows in all, from 8 loads of the fictional brand Ardesia Outdoor"
        in lines
    )
    assert "orders.csv: table orders, 1 row loaded (1 new, 0 replaced, 0 unchanged), 0 rejected" in result.stdout
    assert state_of(config) == "real"


def test_cli_ingest_keep_demo_leaves_them_mixed(demo_db, config, tmp_path):
    demo_db.close()
    result = legame(config, "ingest", "--keep-demo", str(write(tmp_path, "orders.csv", ORDERS)))
    assert result.returncode == 0, result.stderr
    assert "demo data" not in result.stdout
    assert state_of(config) == "mixed"


def test_cli_demo_remove(demo_db, config, tmp_path):
    load_real_files(demo_db, config, tmp_path)
    with_real = real_rows(demo_db)
    total = demo_row_count(demo_db)
    demo_db.close()
    result = legame(config, "demo", "--remove")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        f"demo data removed: {total:,} rows in all, from 8 loads of the fictional brand Ardesia Outdoor"
    )
    assert state_of(config) == "real"
    with duckdb.connect(str(warehouse.database_path(config)), read_only=True) as con:
        assert real_rows(con) == with_real
    again = legame(config, "demo", "--remove")
    assert (again.returncode, again.stdout) == (0, "no demo data to remove\n")
    wrong = legame(config, "demo", "--remove", "--seed", "3")
    assert wrong.returncode == 1
    assert wrong.stderr == "error: demo --remove takes no --out or --seed: it removes, it writes nothing.\n"


def test_cli_demo_still_writes_the_seeded_exports(config, tmp_path):
    result = legame(config, "demo", "--out", str(tmp_path / "out"), "--seed", "7")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "README.md").exists()
    assert (tmp_path / "out" / "referrals.csv").read_bytes() == (ROOT / "data" / "demo" / "referrals.csv").read_bytes()


# -- What the exports say --------------------------------------------------------------------


def test_the_board_pack_and_facts_say_demo_mixed_with_your_data(demo_db, config, tmp_path):
    from tests.test_export import pdf_text

    load_real_files(demo_db, config, tmp_path)
    board = build(demo_db, config, Q3, "previous")
    assert board.demo_state == "mixed"
    pages = pdf_text(boardpack.board_pack_pdf(board, config), tmp_path)
    assert "Demo data mixed with your data: these numbers add the exports of a fictional brand to yours." in pages[0]
    assert all("Q3 2026 vs Q2 2026 · all channels · all campaigns · Demo data mixed with your data" in p for p in pages)
    about = export.about(board.cards, {}, board.freshness, board.demo_state)
    assert about["Data"].startswith("Demo data mixed with your data")
    assert export.about(board.cards, {}, board.freshness, "real")["Data"] == "Your loaded exports"


# -- The app ---------------------------------------------------------------------------------


@pytest.fixture
def app(demo_db, config, tmp_path, monkeypatch):
    """app.py under AppTest, as the local admin, on a warehouse holding the demo and a real file."""
    load_real_files(demo_db, config, tmp_path)
    demo_db.close()
    data = copy.deepcopy(config.data)
    data["share"].update(
        link_secret_file=str(tmp_path / "link_secret"), admin_password_file=str(tmp_path / "admin_password")
    )
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    for name in ("LEGAME_DB", "LEGAME_LINK_SECRET", "LEGAME_ADMIN_PASSWORD", "LEGAME_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LEGAME_CONFIG", str(tmp_path / "config.yaml"))
    st_config.set_option("server.address", "127.0.0.1")
    st.cache_resource.clear()
    st.cache_data.clear()
    yield load_config(tmp_path / "config.yaml")
    st.cache_resource.clear()
    st.cache_data.clear()
    st_config.set_option("server.address", None)


MIXED = "**Demo data mixed with your data**"


def test_the_app_warns_of_mixed_data_and_removes_the_demo(app):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    assert not at.exception
    warning = [w.value for w in at.warning if w.value.startswith(MIXED)]
    assert warning == [
        f"{MIXED} — these numbers add the built-in exports of a fictional brand to yours. "
        "Remove the demo with the **Remove demo data** button on the Upload page."
    ]
    assert not [i for i in at.info if "Demo data" in i.value]

    at.switch_page("pages/upload.py").run()
    assert next(w.value for w in at.warning if w.value.startswith(MIXED)).endswith(
        "Remove the demo with the button below."
    )
    next(b for b in at.button if b.label == "Remove demo data").click().run()
    assert not at.exception
    assert re.fullmatch(r"[\d,]+ rows of demo data removed \(people [\d,]+, .*\)\.", at.success[0].value)
    assert not [w for w in at.warning if w.value.startswith(MIXED)]
    assert not [b for b in at.button if b.label == "Remove demo data"]
    at.switch_page("pages/board.py").run()
    assert not [w for w in at.warning if w.value.startswith(MIXED)]
    with duckdb.connect(str(warehouse.database_path(app))) as con:  # as the app holds it: read-write
        assert warehouse.demo_state(con) == "real"


def test_a_viewer_sees_the_mixed_warning_without_the_upload_hint(app):
    con = warehouse.connect(app)
    try:
        view = share.View(("board",), Q3.start, Q3.end)
        _, url = share.create_link(con, app, label="Q3", view=view, days=30)
    finally:
        con.close()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.query_params["share"] = url.split("share=")[1]
    at.run()
    assert not at.exception
    warning = [w.value for w in at.warning if w.value.startswith(MIXED)]
    assert len(warning) == 1
    assert "Upload" not in warning[0] and "Remove" not in warning[0]
