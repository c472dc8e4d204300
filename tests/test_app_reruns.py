"""A rerun does no work a cache or a fragment can skip (#15 part 2).

The app under AppTest on the demo data: the work each page does is counted (KPI computations, chart and
file builds, warehouse reads), and a second run of the same view, or a widget that changes one chart,
must not do it again. A widget that changes one part of a page sits in a fragment, so a browser reruns
that part alone; AppTest reruns the whole script on any widget, so what is checked is that the fragment
is registered and that the page's rerun redoes nothing but the new chart.
"""

from __future__ import annotations

import gc
import tomllib
from collections import Counter
from datetime import timedelta

import pytest
from plotly.basedatatypes import BaseFigure

from legame import annotations, board, charts, charts_value, demo_data, export, value, warehouse
from legame.channels import Taxonomy
from legame.config import ROOT
from legame.kpis import engine
from legame.ui import controls, session
from tests import test_share

app, demo_database, local_server = test_share.app, test_share.demo_database, test_share.local_server

COUNTED = {
    "kpis": (engine, "periods_rows"),  # once a compute(), however a module imported compute
    "board": (board, "build"),
    "revenue chart": (charts, "revenue_by_membership"),
    "trend chart": (charts, "trend"),
    "channel chart": (charts, "by_channel"),
    "xlsx": (export, "facts_xlsx"),
    "csv": (export, "facts_csv"),
    "freshness": (warehouse, "freshness"),
    "demo state": (warehouse, "demo_state"),
    "value report": (value, "report"),
    "segment chart": (charts_value, "clv_by_segment"),
    "holdout chart": (charts_value, "holdout"),
    "holdout": (value, "holdout"),
    "ladder chart": (charts, "ladder"),
    "answers chart": (charts, "shares"),
    "funnel chart": (charts, "steps"),
    # st.plotly_chart converts a figure to a dict on every run, unless it is a cached one (cache.Sent).
    "figure to dict": (BaseFigure, "to_dict"),
    "notes list": (annotations, "notes"),
    "channels read": (Taxonomy, "from_config"),
}
# Laid out on every run of a page, and by a fragment's rerun never.
PAGE_RUN = {"page run": (controls, "period_controls")}
# Read once a run, however many parts of the page need them: the role, and the versions the caches are keyed on.
ONCE_A_RUN = {
    "role": (session, "_resolve"),
    "versions": (warehouse, "versions"),
}
RERUN = Counter({"page run": 1, "role": 1, "versions": 1})


@pytest.fixture(autouse=True)
def unfrozen():
    """session.warm_up() freezes the objects of the process, as a server's start: each test unfreezes them,
    so that the next tests' garbage is collected as usual."""
    yield
    gc.unfreeze()


@pytest.fixture
def calls(counting) -> Counter:
    for name, (module, attribute) in {**COUNTED, **PAGE_RUN, **ONCE_A_RUN}.items():
        counting(module, attribute, name)
    # Never: versions() reads them in one query.
    counting(warehouse, "data_version", "data version")
    return counting(annotations, "version", "notes version")


def test_a_second_run_of_the_board_builds_nothing_again(app, local_server, calls):
    at = app.test().run()
    assert not at.exception
    first = +calls
    assert first["board"] == 1 and first["revenue chart"] == 1, first
    # The facts files are made when their button is pressed, not on every run.
    assert first["xlsx"] == first["csv"] == 0, first
    calls.clear()
    at.run()
    assert not at.exception
    assert len(at.metric) == 8
    assert +calls == RERUN, +calls


def test_choosing_another_chart_on_a_drill_down_reruns_that_chart_alone(app, local_server, calls):
    at = app.test().run()
    at.switch_page("pages/community.py").run()
    assert not at.exception
    assert calls["trend chart"] == calls["channel chart"] == 1, +calls
    # The drill-down shows the board's own KPIs for the view, every family in one computation
    # (tests/test_ui_cache_versions.py: each family once, and after an upload only those of its tables).
    assert calls["kpis"] == 1, +calls
    calls.clear()
    at.run()
    assert +calls == RERUN, +calls
    calls.clear()
    box = next(b for b in at.selectbox if b.label == "Show over time and by channel")
    box.select(box.options[1]).run()
    assert not at.exception
    # The new KPI's two charts, nothing else (AppTest also lays the page out again; a browser would not).
    # Their series read the channels (legame/kpis), as a computation does; the page itself does not.
    del calls["channels read"]
    assert +calls == RERUN + Counter({"trend chart": 1, "channel chart": 1, "figure to dict": 2}), +calls
    assert len(at._fragment_storage._fragments) == 1  # the charts' part of the page is a fragment
    box = next(b for b in at.selectbox if b.label == "Show over time and by channel")
    calls.clear()
    box.select(box.options[0]).run()
    assert +calls == RERUN, +calls  # the first KPI's charts, from the cache


@pytest.mark.parametrize(
    ("page", "built"),
    [("advocacy", {"ladder chart": 1, "answers chart": 1}), ("conversion", {"funnel chart": 1})],
)
def test_a_second_run_of_a_page_with_its_own_charts_builds_nothing_again(app, local_server, calls, page, built):
    at = app.test().run()
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception
    assert {name: calls[name] for name in built} == built, +calls
    calls.clear()
    at.run()
    assert not at.exception
    assert +calls == RERUN, +calls


def test_a_second_run_of_the_upload_page_reads_the_demo_state_from_the_cache(app, local_server, calls):
    # Each click on the page (a file dropped, the demo choice, Load) is a run: the state changes only with a load.
    at = app.test().run()
    at.switch_page("pages/upload.py").run()
    assert not at.exception
    calls.clear()
    at.run()
    assert not at.exception
    assert calls["demo state"] == 0, +calls


def test_a_file_waiting_on_the_upload_page_counts_the_demo_rows_once_per_data_version(app, local_server, counting):
    """While a dropped file waits for Load, each click (the demo choice, a rerun) says how many demo rows a load
    removes: counted once for the data as it is, and the number a count from scratch gives."""
    counted = counting(demo_data, "demo_rows")
    at = app.test().run()
    at.switch_page("pages/upload.py").run()
    posts = (ROOT / "data" / "demo" / "meta_posts.csv").read_text(encoding="utf-8-sig").split("\n")
    data = "\n".join([posts[0], *(f"9{row}" if row else row for row in posts[1:])]).encode()
    at.file_uploader(key="files").set_value(("meta_posts_new.csv", data, "text/csv")).run()
    assert not at.exception and not at.error
    at.run()
    assert not at.exception
    assert counted == Counter({"demo_rows": 1}), counted
    rows = sum(demo_data.demo_rows(session._connection().cursor()).values())
    warning = next(w.value for w in at.warning if "removes the demo data" in w.value)
    assert f"({rows:,} rows from the fictional brand" in warning, (rows, warning)


def test_the_customer_value_page_reads_the_fit_once_and_reruns_only_the_holdout_check(app, local_server, calls):
    at = app.test().run()
    at.switch_page("pages/value.py").run()
    assert not at.exception
    assert calls["value report"] == 1 and calls["segment chart"] == 1, +calls
    calls.clear()
    at.run()
    assert +calls == RERUN, +calls
    calls.clear()
    split = next(d for d in at.date_input if d.label == "Split date")
    split.set_value(split.value + timedelta(days=7)).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert +calls == RERUN + Counter({"holdout": 1, "holdout chart": 1, "figure to dict": 1}), +calls
    assert len(at._fragment_storage._fragments) == 1  # the holdout check is a fragment


def test_the_server_start_fills_the_default_boards_caches_so_the_first_visit_builds_nothing(
    app, local_server, counting, calls
):
    counting(value, "_fit", "fit")
    value.FITS._entries.clear()
    session.warm_up()  # what the server's lifespan runs before it answers
    assert calls["fit"] >= 1
    assert calls["board"] == calls["revenue chart"] == 1, +calls
    calls.clear()
    at = app.test().run()  # in config.yaml's language, as a first visitor with no ?lang= reads it
    assert not at.exception and len(at.metric) == 8
    assert +calls == RERUN, +calls  # no fit either


def test_the_server_does_not_collect_every_object_after_every_run():
    # Streamlit's default gc.collect(2) after each script run walks every object in the process: most of a
    # warm board's server time (AppTest's runner skips it, so the counts above cannot see it).
    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert settings["runner"]["postScriptGC"] is False


def test_the_server_start_freezes_what_it_made_so_a_full_collection_walks_only_what_came_after(app, local_server):
    # A full collection walked every object of the start (modules, Plotly's validators, the warmed caches):
    # 80-180 ms of CPU each under the load test, every session held up meanwhile.
    gc.unfreeze()
    session.warm_up()
    assert gc.get_freeze_count() > 0


def test_pressing_a_download_button_does_not_rerun_the_page(app, local_server):
    """A press that reran the page registered the buttons again, and the run's end dropped the pressed
    button's file maker, sometimes before the browser asked for it: no download (one CI run in three)."""
    at = app.test().run()
    buttons = at.get("download_button")
    assert [b.proto.label for b in buttons] == ["Board pack (PDF)", "Facts table (XLSX)", "Facts table (CSV)"]
    assert all(b.proto.ignore_rerun for b in buttons)
