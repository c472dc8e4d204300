"""A KPI's numbers, series and charts are cached per version of the tables its family reads (legame/ui/cache.py).

The registry's FAMILY_TABLES is held against DuckDB's own plans of the families' queries, with and without
filters. Then the app under AppTest on the demo: after a posts upload, a KPI that reads posts shows the new
numbers (those of a computation from scratch, not the cached ones), and a KPI that does not keeps its cached
series; the board recomputes the families that read posts and no other.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from legame import aggregates, annotations, board, charts, i18n, kpis, queries, warehouse
from legame.fmt import NumberFormat
from legame.ingest.exports import load_export
from legame.kpis import engine, params, series
from legame.kpis.params import channel_map, query_params
from legame.kpis.period import Period, preset
from legame.kpis.registry import FAMILY_TABLES, KPIS, MODEL_FAMILIES
from legame.ui import cache, session
from legame.ui.controls import DEFAULT_PRESET
from tests import test_share

app, demo_database, local_server = test_share.app, test_share.demo_database, test_share.local_server

Q3 = Period(date(2026, 7, 1), date(2026, 9, 30))


def _scanned(plan: object, found: set[str]) -> set[str]:
    if isinstance(plan, dict):
        table = (plan.get("extra_info") or {}).get("Table") if isinstance(plan.get("extra_info"), dict) else None
        if table:
            found.add(table.rsplit(".", 1)[-1])
        for value in plan.values():
            _scanned(value, found)
    elif isinstance(plan, list):
        for value in plan:
            _scanned(value, found)
    return found


def _sources(scanned: set[str], of_aggregates: dict[str, set[str]]) -> set[str]:
    """The canonical tables behind what a plan scans: an aggregate stands for the tables it is computed from."""
    found = {t for t in scanned if not t.startswith(("agg_", "_"))}  # _agg_scope: the people a refresh recomputes
    return found.union(*(of_aggregates[t] for t in scanned if t.startswith("agg_")))


def aggregate_sources(con) -> dict[str, set[str]]:
    """The canonical tables each aggregate is computed from: those DuckDB's plan of its SQL in queries/aggregates/
    scans, an aggregate it reads (one of an earlier file) standing for its own."""
    aggregates._scope(con)
    found: dict[str, set[str]] = {}
    for file in aggregates._files():
        text = file.read_text(encoding="utf-8")
        params = {"everyone": True, "slice": 0, "slices": 0} if "$everyone" in text else {}
        plan = json.loads(con.execute("explain (format json) " + text, params).fetchall()[0][1])
        found[aggregates._table(file)] = _sources(_scanned(plan, set()), found)
    return found


def tables_read(con, config, name: str, filters: dict[str, str]) -> set[str]:
    """The canonical tables DuckDB's plan of queries/<name>.sql scans, an aggregate standing for its sources."""
    text = queries.sql(name)
    used = set(queries._PARAM.findall(queries._COMMENT.sub("", text)))
    params = {k: v for k, v in query_params(config, Q3, filters, channel_map(con, config)).items() if k in used}
    plan = json.loads(con.execute("explain (format json) " + text, params).fetchall()[0][1])
    return _sources(_scanned(plan, set()), aggregate_sources(con))


def test_each_aggregate_is_computed_from_the_tables_its_sql_reads(demo):
    """What the families' tables are checked against below: a referrals load changes agg_referrals and
    agg_referred_customers alone (which only advocacy reads), not the acts and sales per day that community,
    conversion and the others read."""
    found = aggregate_sources(demo)
    assert set(found) == {*aggregates.PERSON_TABLES, *aggregates.WHOLE_TABLES}
    assert {"referrals", "orders"} <= found["agg_referrals"]  # and people, through agg_first_sales
    assert {"referrals", "orders"} <= found["agg_referred_customers"]
    referred = [table for table, sources in found.items() if "referrals" in sources]
    assert referred == ["agg_referrals", "agg_referred_customers"]
    assert set().union(*found.values()) <= set(aggregates.SOURCES) | {"posts", "spend", "visits"}


def test_every_family_declares_at_least_the_tables_its_query_reads(demo, config):
    families = {k.family for k in KPIS.values()}
    assert families == set(FAMILY_TABLES)
    dimensions = series.dimensions(demo, config)
    views = [{}, {"channel": dimensions["channel"][0]}, {"campaign": dimensions["campaign"][0]}]
    for family in families - MODEL_FAMILIES:
        declared = set(FAMILY_TABLES[family])
        for filters in views:
            read = tables_read(demo, config, family, filters)
            assert read and read <= declared, (family, filters, read - declared)
    # The model families read the fit (its tables: tests/test_ui_value_versions.py), and clv queries/clv_kpis.sql
    # with the fit's predictions.
    demo.register("clv_predictions", pd.DataFrame({"person_id": ["p"], "clv_predicted": [1.0]}))
    for filters in views:
        read = tables_read(demo, config, "clv_kpis", filters)
        assert read and read <= set(FAMILY_TABLES["clv"]), (filters, read - set(FAMILY_TABLES["clv"]))
    assert set(FAMILY_TABLES["clv_model"]) <= set(FAMILY_TABLES["clv"])
    assert tables_read(demo, config, "community_events", {}) <= set(annotations.EVENT_TABLES)


def test_a_familys_kpis_computed_alone_are_those_of_the_whole_computation(demo, config):
    view = {"channel": series.dimensions(demo, config)["channel"][0]}
    for filters in ({}, view):
        whole = [k.as_dict() for k in kpis.compute(demo, config, Q3, "year", filters)]
        for family in FAMILY_TABLES:
            alone = [k.as_dict() for k in kpis.compute(demo, config, Q3, "year", filters, families=[family])]
            assert alone and alone == [k for k in whole if k["family"] == family], family


def test_each_familys_version_read_from_the_latest_loads_is_tables_version(demo):
    for erased in (False, True):
        if erased:  # a load of table 'all', as an erasure or a demo removal logs: every family's version moves
            demo.execute(
                """insert into loads values ((select max(load_id) + 1 from loads), 'erasure', '', 'erasure', 'all',
                0, 0, 0, 0, 0, 0, null, null, current_timestamp::timestamp, 'test', false)"""
            )
        latest = warehouse.latest_loads(demo)
        found = {f: warehouse.loaded_version(latest, tables) for f, tables in FAMILY_TABLES.items()}
        # Each family's version read straight from the log: its tables' latest load, or a load of them all.
        expected = {
            f: demo.execute(
                """select coalesce(max(load_id), 0) from loads
                where table_name in (select unnest($tables)) or table_name = 'all'""",
                {"tables": list(tables)},
            ).fetchall()[0][0]
            for f, tables in FAMILY_TABLES.items()
        }
        assert found == expected
        assert found == {f: warehouse.tables_version(demo, tables) for f, tables in FAMILY_TABLES.items()}
    assert set(found.values()) == {warehouse.versions(demo).data}
    # The data version is the log's latest load, read here on its own.
    assert warehouse.versions(demo).data == demo.execute("select max(load_id) from loads").fetchall()[0][0]


def posts_with_more_comments(tag: str) -> bytes:
    """The demo's posts export again as new posts (new ids), each with ten times its comments."""
    text = (test_share.ROOT / "data" / "demo" / "meta_posts.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    comments = rows[0].index("Comments")
    for i, row in enumerate(rows[1:]):
        row[0], row[comments] = f"8{tag}{i:06d}", str(int(row[comments]) * 10 + 1)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


def upload(app, folder: Path, name: str, data: bytes) -> None:
    """Load an export into the app's warehouse, as the Upload page does, between two runs."""
    export = folder / name
    export.write_bytes(data)
    load_export(session._connection(), app.config, export)


def trend(at) -> list:
    """The values of the drill-down's month-by-month chart (its first line)."""
    return json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]["y"]


def show(at, kpi_id: str) -> None:
    box = next(b for b in at.selectbox if b.label == "Show over time and by channel")
    box.select(kpi_id).run()
    assert not at.exception


@pytest.fixture
def computed(counting) -> Counter:
    """How many times a family's series were computed (months or channels), by family."""

    def families(con, config, when, filters, kpi_ids, *args, **kwargs) -> set[str]:
        return {KPIS[i].family for i in kpi_ids}

    for name in ("monthly", "by_channel"):
        counting(series, name, keys=families)
    return counting(series, "monthly", keys=lambda *args, **kwargs: [])


def test_a_posts_upload_changes_what_reads_posts_and_keeps_what_does_not(app, local_server, computed, tmp_path):
    assert KPIS["conversation_rate"].family == "engagement" and "posts" in FAMILY_TABLES["engagement"]
    assert "posts" not in FAMILY_TABLES[KPIS["active_community_ratio"].family]
    at = app.test().run()
    at.switch_page("pages/community.py").run()
    assert not at.exception
    show(at, "conversation_rate")
    posts_before = trend(at)
    show(at, "active_community_ratio")
    members_before = trend(at)
    assert computed == Counter({"engagement": 2, "community": 2}), computed  # months, channels

    upload(app, tmp_path, "meta_posts_more_comments.csv", posts_with_more_comments("1"))
    computed.clear()

    at.run()  # the KPI that reads no posts: its series kept
    assert not at.exception
    assert computed == Counter(), computed
    assert trend(at) == members_before
    show(at, "conversation_rate")  # the KPI that reads posts: computed again, as from scratch
    assert computed == Counter({"engagement": 2}), computed
    con = session._connection().cursor()
    fresh = [row["conversation_rate"] for row in series.monthly(con, app.config, Q3.end, {}, ["conversation_rate"])]
    assert trend(at) == pytest.approx(fresh)
    assert trend(at) != pytest.approx(posts_before)


def channels_chart(at) -> dict:
    """The values of the drill-down's by-channel chart, by the channel's label as shown."""
    bars = json.loads(at.get("plotly_chart")[1].proto.spec)["data"][0]
    return dict(zip(bars["y"], bars["x"], strict=True))


def test_another_kpi_of_the_family_reads_no_series_again(app, local_server, computed):
    """A drill-down's months and channels are read for the chosen KPI's whole family at once: choosing another KPI
    of that family reads nothing again, and its charts show what its own series give, read from scratch."""
    at = app.test().run()
    at.switch_page("pages/community.py").run()
    assert not at.exception
    show(at, "engagement_rate")
    assert computed == Counter({"engagement": 2, "community": 2}), computed  # the first KPI shown, then this one
    con = session._connection().cursor()
    labels = session.taxonomy().all_labels
    for kpi_id in ("conversation_rate", "applause_rate", "engagement_rate"):
        assert KPIS[kpi_id].family == "engagement"
        computed.clear()
        show(at, kpi_id)
        assert computed == Counter(), (kpi_id, computed)
        # From scratch, for this KPI alone.
        fresh = [row[kpi_id] for row in series.monthly(con, app.config, Q3.end, {}, [kpi_id])]
        assert trend(at) == pytest.approx(fresh), kpi_id
        alone = series.by_channel(con, app.config, Q3, {}, [kpi_id])
        assert alone and channels_chart(at) == pytest.approx({labels[r["channel"]]: r[kpi_id] for r in alone}), kpi_id


def test_a_posts_upload_recomputes_the_boards_families_that_read_posts_and_no_other(
    app, local_server, counting, tmp_path
):
    computed = counting(engine, "periods_rows", keys=lambda con, config, periods, filters, families=None, *_: families)
    at = app.test().run()
    assert not at.exception and len(at.metric) == 8
    before = {m.label: m.value for m in at.metric}
    assert computed == Counter(set(FAMILY_TABLES)), computed  # the first run computes each family once

    upload(app, tmp_path, "meta_posts_more_comments.csv", posts_with_more_comments("3"))
    computed.clear()
    at.run()
    assert not at.exception
    reading_posts = {family for family, tables in FAMILY_TABLES.items() if "posts" in tables}
    assert reading_posts == {"engagement", "advocacy", "conversion"}
    assert computed == Counter(reading_posts), computed  # community, value, clv and clv_model kept
    # The board's KPIs are those of a computation from scratch, for the families kept and those recomputed.
    con = session._connection().cursor()
    period = preset(DEFAULT_PRESET, board.anchor_date(con))
    fresh = [k.as_dict() for k in kpis.compute(con, app.config, period, "previous", {})]
    with i18n.language("en"):
        shown = cache.board_for(period, "previous", {})
    assert [k.as_dict() for k in shown.kpis] == fresh
    changed = {m.label for m in at.metric if before[m.label] != m.value}
    assert changed and changed <= {k.plain_label for k in shown.cards if k.family in reading_posts}, changed


def revenue_chart(at) -> list:
    """The board's revenue chart as sent: its traces (members' and other customers' sales month by month)."""
    return json.loads(at.get("plotly_chart")[0].proto.spec)["data"]


def fresh_revenue_chart(app, period: Period) -> list:
    """The board's revenue chart for `period` from scratch: its trend and marks read now."""
    con = session._connection().cursor()
    trend = board.revenue_trend(con, app.config, period, {})
    marks = annotations.marks(con, board.trend_period(period).start, period.end)
    with i18n.language("en"):
        fmt = NumberFormat.for_reader(app.config)
        figure = charts.revenue_by_membership(trend, period, app.config.currency, fmt=fmt, marks=marks)
    return json.loads(figure.to_json())["data"]


def test_the_revenue_chart_is_made_again_by_an_upload_of_what_it_reads_and_by_no_other(
    app, local_server, counting, tmp_path
):
    """A posts upload keeps the board's revenue chart (its trend reads orders, people and spend: board.TREND_TABLES)
    and an orders upload makes it again; after each, the chart, the board's trend (the board pack's) and the KPIs
    are those made from scratch."""
    assert "posts" not in board.TREND_TABLES and "orders" in board.TREND_TABLES
    counting(charts, "revenue_by_membership", "revenue chart")
    made = counting(board, "revenue_trend", "trend")
    at = app.test().run()
    assert not at.exception
    assert made == Counter({"revenue chart": 1, "trend": 1}), made
    con = session._connection().cursor()
    period = preset(DEFAULT_PRESET, board.anchor_date(con))
    before = revenue_chart(at)

    def as_from_scratch() -> None:
        assert revenue_chart(at) == fresh_revenue_chart(app, period)
        with i18n.language("en"):
            shown = cache.board_for(period, "previous", {})
        assert shown.trend == board.revenue_trend(session._connection().cursor(), app.config, period, {})
        fresh = kpis.compute(session._connection().cursor(), app.config, period, "previous", {})
        assert [k.as_dict() for k in shown.kpis] == [k.as_dict() for k in fresh]
        assert {m.label: m.value for m in at.metric} == {k.plain_label: k.display["value"] for k in shown.cards}

    upload(app, tmp_path, "meta_posts_more_comments.csv", posts_with_more_comments("4"))
    made.clear()
    at.run()
    assert not at.exception
    assert made == Counter(), made  # neither the trend read again nor the chart made again
    assert revenue_chart(at) == before
    as_from_scratch()

    order = f"order_id,email,ordered_at,revenue\nbig-1,alessandro.palumbo692@example.com,{period.end}T12:00:00,90000\n"
    upload(app, tmp_path, "one_big_order.csv", order.encode())
    made.clear()
    at.run()
    assert not at.exception
    assert made == Counter({"revenue chart": 1, "trend": 1}), made
    assert revenue_chart(at) != before
    as_from_scratch()


def test_the_channel_map_is_read_once_per_data_version_and_again_after_a_load(app, local_server, counting, tmp_path):
    """The board, the pickers and a drill-down's months and channels bind the data's channel map kept per data
    version (cache.channel_map): one read for all of them, another after a load, and the numbers are those of a
    computation that reads the map itself."""
    for module in (params, engine, series):  # the map's function and the engine's and series' own names for it
        read = counting(module, "channel_map", label="read")
    at = app.test().run()
    assert not at.exception and len(at.metric) == 8
    at.switch_page("pages/community.py").run()
    assert not at.exception
    show(at, "engagement_rate")
    assert read == Counter({"read": 1}), read

    upload(app, tmp_path, "meta_posts_more_comments.csv", posts_with_more_comments("4"))
    read.clear()
    at.switch_page("pages/board.py").run()
    assert not at.exception
    at.switch_page("pages/community.py").run()
    show(at, "conversation_rate")
    assert read == Counter({"read": 1}), read
    con = session._connection().cursor()
    fresh = [row["conversation_rate"] for row in series.monthly(con, app.config, Q3.end, {}, ["conversation_rate"])]
    assert trend(at) == pytest.approx(fresh)
    period = preset(DEFAULT_PRESET, board.anchor_date(con))
    with i18n.language("en"):
        shown = cache.board_for(period, "previous", {})
    assert [k.as_dict() for k in shown.kpis] == [k.as_dict() for k in kpis.compute(con, app.config, period)]


def test_the_latest_days_are_read_once_per_data_version_for_the_anchor_and_the_freshness_line(
    app, local_server, counting, tmp_path
):
    """The presets' anchor and the board's freshness line both come from each table's latest day: after a load
    the first board waits on reading them, once (cache._freshness), not once for each."""
    read = counting(warehouse, "freshness")
    at = app.test().run()
    assert not at.exception and len(at.metric) == 8
    assert read == Counter({"freshness": 1}), read
    upload(app, tmp_path, "meta_posts_more_comments.csv", posts_with_more_comments("5"))
    read.clear()
    at.switch_page("pages/board.py").run()
    assert not at.exception
    assert read == Counter({"freshness": 1}), read
    con = session._connection().cursor()
    assert (
        cache.anchor()
        == board.anchor_date(con)
        == min(max(d for d in warehouse.freshness(con).values() if d), date.today())
    )
