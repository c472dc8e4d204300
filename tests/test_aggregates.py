"""The compact aggregates give every KPI input exactly what the raw rows give, and stay current.

One set of KPI queries (queries/<family>.sql) reads the period relations of queries/relations/, installed
over the raw tables (raw/, the definitions) or over the aggregates (aggregated/, what boards read). The
two must agree on the demo data and on random warehouses, for several periods and every channel and
campaign filter, and after loads that replace rows, an erasure and a demo removal.
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from pathlib import Path

import pytest

from legame import aggregates, queries, warehouse
from legame.demo_data import remove_demo
from legame.forget import forget
from legame.ingest import load_file
from legame.ingest.pipeline import load_demo_if_empty
from legame.kpis import Period, compute
from legame.kpis.params import channel_map, query_params
from legame.kpis.series import dimensions
from tests.conftest import write

FAMILIES = ("engagement", "community", "advocacy", "conversion", "value")
PERIODS = (
    Period(date(2026, 7, 1), date(2026, 9, 30)),
    Period(date(2026, 4, 1), date(2026, 6, 30)),
    Period(date(2026, 8, 1), date(2026, 8, 31)),
    Period(date(2025, 1, 1), date(2026, 12, 31)),
    Period(date(2026, 5, 17), date(2026, 5, 17)),
)


def same(a: object, b: object) -> bool:
    # Money sums may add in another order: equal to the last few bits; everything else exactly.
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9)
    return a == b


def family_rows(con, config, period: Period, filters: dict[str, str], fast: bool = True) -> dict[str, dict]:
    warehouse.install_relations(con, "aggregated" if fast else "raw")
    # Each set's own map: the names of the raw rows, or those the aggregates list.
    params = query_params(config, period, filters, channel_map(con, config))
    return {f: queries.run(con, f, **params)[0] for f in FAMILIES}


def differences(con, config, periods=PERIODS) -> list[str]:
    """Every family input where the two paths disagree: each period unfiltered, and each channel and campaign
    filter on the first period given and on the widest (every filter on every period took minutes on the
    demo and found nothing the two periods do not). The filter pickers' channels and campaigns too."""
    assert aggregates.usable(con)
    found = dimensions(con, config)
    views = [{"channel": c} for c in [*found["channel"], "unattributed"]]
    views += [{"campaign": c} for c in [*found["campaign"], "unattributed"]]
    filtered = {periods[0], max(periods, key=lambda p: p.end - p.start)}
    cases = [(period, {}) for period in periods] + [(period, view) for period in filtered for view in views]
    try:
        warehouse.install_relations(con, "raw")
        raw_found = dimensions(con, config)
        raw = [family_rows(con, config, period, view, fast=False) for period, view in cases]
    finally:
        warehouse.install_relations(con)  # what every connection reads
    wrong = [f"pickers: raw {raw_found}, fast {found}"] if raw_found != found else []
    for (period, view), raw_rows in zip(cases, raw, strict=True):
        fast = family_rows(con, config, period, view)
        for family in FAMILIES:
            for name, value in raw_rows[family].items():
                if not same(value, fast[family][name]):
                    wrong.append(f"{period} {view} {family}.{name}: raw {value!r}, fast {fast[family][name]!r}")
    return wrong


def rebuilt_equal(con) -> list[str]:
    """Tables whose incrementally kept rows differ from a rebuild from scratch."""
    tables = (*aggregates.PERSON_TABLES, *aggregates.WHOLE_TABLES)
    kept = {t: sorted(map(repr, con.execute(f"select * from {t}").fetchall())) for t in tables}
    aggregates.rebuild(con)
    return [t for t in tables if sorted(map(repr, con.execute(f"select * from {t}").fetchall())) != kept[t]]


def test_the_demo_gives_the_same_inputs_on_both_paths(demo, config):
    assert con_has_rows(demo)
    assert differences(demo, config) == []
    assert rebuilt_equal(demo) == []


def test_the_board_is_the_same_from_the_aggregates_and_the_raw_rows(demo, config):
    period = PERIODS[0]
    fast = [k.as_dict() for k in compute(demo, config, period)]
    warehouse.install_relations(demo, "raw")
    raw = [k.as_dict() for k in compute(demo, config, period)]
    warehouse.install_relations(demo)
    assert [k["id"] for k in fast] == [k["id"] for k in raw]
    for a, b in zip(fast, raw, strict=True):
        assert a["value"] == b["value"] and a["comparison_value"] == b["comparison_value"], a["id"]
        assert a["inputs"] == b["inputs"], a["id"]


def con_has_rows(con) -> bool:
    return all(con.execute(f"select count(*) from {t}").fetchone()[0] for t in aggregates.PERSON_TABLES)


CHANNELS = ["facebook", "instagram", "forum", "google", "web", "newsletter", "", "Meta Ads", "pos"]
CAMPAIGNS = ["", "Spring", "Summer", "Launch", "Black Friday"]
AUTHORS = ["brand", "employee", "customer", "influencer"]
KINDS = ["comment", "reply", "answer", "reaction", "share", "post", "event", "review", "referral", "ugc"]


def _day(rng: random.Random) -> date:
    return date(2025, 6, 1) + timedelta(days=rng.randrange(500))


def _stamp(rng: random.Random) -> str:
    # Few distinct instants, so that ties on the same instant (broken by id) happen.
    return f"{_day(rng).isoformat()} {rng.choice(['09:00:00', '09:00:00', '13:30:00', '23:59:59'])}"


def random_exports(folder: Path, seed: int, people: int = 120) -> list[Path]:
    """Canonical exports of a random community: people, interactions, orders, posts, spend, referrals, surveys."""
    rng = random.Random(seed)
    ids = [f"p{i}" for i in range(people)]
    lines = {
        "people.csv": ["person_id,first_seen,is_member,member_since,acquisition_channel,referred_by,segment"],
        "interactions.csv": ["event_id,person_id,occurred_at,channel,kind,post_id"],
        "orders.csv": ["order_id,person_id,ordered_at,revenue,channel,campaign,is_refund"],
        "posts.csv": [
            "channel,post_id,published_at,author_type,is_ugc,reach,impressions,reactions,comments,shares,saves,clicks"
        ],
        "spend.csv": ["day,channel,campaign,amount,impressions,clicks"],
        "referrals.csv": ["referrer_id,referred_id,referred_at"],
        "surveys.csv": ["response_id,person_id,answered_at,score,comment"],
    }
    for pid in ids[: int(people * 0.8)]:  # some people act and buy with no CRM record
        member = rng.random() < 0.4
        since = _day(rng).isoformat() if member and rng.random() < 0.8 else ""
        seen = _stamp(rng) if rng.random() < 0.9 else ""
        lines["people.csv"].append(
            f"{pid},{seen},{str(member).lower()},{since},{rng.choice(CHANNELS)},"
            f"{rng.choice(ids) if rng.random() < 0.1 else ''},s"
        )
    for i in range(people * 8):
        lines["interactions.csv"].append(
            f"e{i},{rng.choice(ids)},{_stamp(rng)},{rng.choice(CHANNELS)},{rng.choice(KINDS)},"
        )
    for i in range(people * 3):
        refund = "true" if rng.random() < 0.05 else "false"
        revenue = rng.choice([0, 12.5, 30, 99.99, 250.1])
        lines["orders.csv"].append(
            f"o{i},{rng.choice(ids)},{_stamp(rng)},{revenue},{rng.choice(CHANNELS)},{rng.choice(CAMPAIGNS)},{refund}"
        )
    for i in range(people):
        lines["posts.csv"].append(
            f"{rng.choice(CHANNELS[:6])},post{i},{_stamp(rng)},{rng.choice(AUTHORS)},"
            f"{str(rng.random() < 0.2).lower()},{rng.randrange(5000)},{rng.randrange(9000)},{rng.randrange(90)},"
            f"{rng.randrange(12)},{rng.randrange(9)},{rng.randrange(5)},{rng.randrange(20)}"
        )
    spent = set()
    for _ in range(people):
        key = (_day(rng).isoformat(), rng.choice(["facebook", "google", "Meta Ads"]), rng.choice(CAMPAIGNS))
        if key not in spent:
            spent.add(key)
            lines["spend.csv"].append(f"{key[0]},{key[1]},{key[2]},{rng.randrange(10, 500)},1000,{rng.randrange(60)}")
    pairs = {(rng.choice(ids), rng.choice(ids)) for _ in range(people // 4)}
    lines["referrals.csv"] += [f"{a},{b},{_stamp(rng)}" for a, b in pairs if a != b]
    lines["surveys.csv"] += [f"r{i},{rng.choice(ids)},{_stamp(rng)},{rng.randrange(11)}," for i in range(people // 2)]
    return [write(folder, name, "\n".join(rows) + "\n") for name, rows in lines.items()]


@pytest.mark.parametrize("seed", [1, 2])
def test_a_random_warehouse_gives_the_same_inputs_on_both_paths(con, config, tmp_path, seed):
    for path in random_exports(tmp_path, seed):
        assert load_file(con, config, path).rejected == 0, path
    assert differences(con, config) == []
    assert rebuilt_equal(con) == []


def test_loads_that_replace_rows_keep_the_aggregates_current(con, config, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir(), second.mkdir()
    for path in random_exports(first, 3):
        load_file(con, config, path)
    # The same keys again with other people, dates and values: replaced rows move between people and days.
    for path in random_exports(second, 4):
        report = load_file(con, config, path)
        # A referral's key is its two people: one replaced keeps its referrer (tested on its own below).
        assert report.replaced or path.stem not in aggregates.SOURCES or path.stem == "referrals"
    assert differences(con, config, PERIODS[:2]) == []
    assert rebuilt_equal(con) == []


def test_forgetting_a_person_updates_the_aggregates(con, config, tmp_path):
    people = write(
        tmp_path,
        "people.csv",
        "email,first_seen,is_member,member_since\nana@example.com,2026-07-02,true,2026-07-01\nbo@example.com,2026-07-03,true,\n",
    )
    interactions = write(
        tmp_path,
        "interactions.csv",
        "event_id,email,occurred_at,channel,kind\ne1,ana@example.com,2026-07-05,forum,answer\n"
        "e2,bo@example.com,2026-07-06,forum,share\ne3,ana@example.com,2026-08-01,instagram,ugc\n",
    )
    orders = write(
        tmp_path,
        "orders.csv",
        "order_id,email,ordered_at,revenue,channel\no1,ana@example.com,2026-07-07,40,web\no2,bo@example.com,2026-07-08,25,web\n",
    )
    for path in (people, interactions, orders):
        load_file(con, config, path)
    before = family_rows(con, config, PERIODS[0], {})
    assert before["community"]["active_members"] == 2 and before["conversion"]["new_customers"] == 2
    forget(con, config, "Ana@Example.com")
    after = family_rows(con, config, PERIODS[0], {})
    assert after["community"]["active_members"] == 1 and after["conversion"]["new_customers"] == 1
    assert after["conversion"]["attributed_revenue"] == 25
    assert differences(con, config, PERIODS[:1]) == []
    assert rebuilt_equal(con) == []


def test_a_referrer_counts_as_an_advocate_once_a_customer_and_not_once_erased(con, config, tmp_path):
    """agg_referrals keeps each referral's referrer's first sale: a later orders load, a referrals load, a
    replaced referral and an erasure each change who of the period's referrers is a customer by its end."""
    q3 = PERIODS[0]
    referrals, orders = "referrer_id,referred_id,referred_at", "order_id,person_id,ordered_at,revenue"

    def load(name: str, *lines: str) -> None:
        assert load_file(con, config, write(tmp_path, name, "\n".join(lines) + "\n")).rejected == 0

    def advocates() -> int:
        found = family_rows(con, config, q3, {})["advocacy"]["advocates"]
        assert found == family_rows(con, config, q3, {}, fast=False)["advocacy"]["advocates"]
        return found

    # Enough people that a load's few are refreshed alone, not by a rebuild of everyone (aggregates.WHOLE_SHARE).
    load("people.csv", "person_id,first_seen", *(f"p{i}@example.com,2026-01-01" for i in range(20)))
    load(
        "referrals.csv",
        referrals,
        "ana@example.com,cy@example.com,2026-07-10",
        "bo@example.com,di@example.com,2026-08-10",
    )
    assert advocates() == 0  # neither referrer has bought
    load("orders.csv", orders, "o1,ana@example.com,2026-09-01,40", "o2,bo@example.com,2026-10-02,25")
    assert advocates() == 1  # Ana bought by the end of the quarter, Bo only after it
    load("referrals2.csv", referrals, "bo@example.com,di@example.com,2026-11-01")  # the same referral, moved out
    load("orders2.csv", orders, "o3,bo@example.com,2026-07-02,10")
    assert advocates() == 1  # Bo is a customer now, but his referral left the quarter
    load("referrals3.csv", referrals, "bo@example.com,ed@example.com,2026-09-30 23:00:00")
    assert advocates() == 2
    assert rebuilt_equal(con) == []
    forget(con, config, "ana@example.com")
    assert advocates() == 1
    assert differences(con, config, PERIODS[:1]) == []
    assert rebuilt_equal(con) == []


def test_a_new_customer_counts_as_referred_once_a_referral_names_them_whatever_the_load(con, config, tmp_path):
    """agg_referred_customers keeps the customers referrals name as referred, keyed by the referred person, whom a
    referrals load does not mark (it marks the referrer): a referrals load alone, an orders load, a replaced referral
    and an erasure each change who of the period's new customers was referred."""
    q3 = PERIODS[0]
    referrals, orders = "referrer_id,referred_id,referred_at", "order_id,person_id,ordered_at,revenue"

    def load(name: str, *lines: str) -> None:
        assert load_file(con, config, write(tmp_path, name, "\n".join(lines) + "\n")).rejected == 0

    def referred() -> int:
        found = family_rows(con, config, q3, {})["advocacy"]["referred_new_customers"]
        assert found == family_rows(con, config, q3, {}, fast=False)["advocacy"]["referred_new_customers"]
        return found

    # Enough people that a load's few are refreshed alone, not by a rebuild of everyone (aggregates.WHOLE_SHARE).
    load("people.csv", "person_id,first_seen", *(f"p{i}@example.com,2026-01-01" for i in range(20)))
    load("orders.csv", orders, "o1,cy@example.com,2026-07-05,40", "o2,di@example.com,2026-08-06,25")
    assert referred() == 0  # two new customers, no referral yet
    # A referral made after the quarter still makes Cy a referred customer; only Ana, the referrer, is marked.
    load("referrals.csv", referrals, "ana@example.com,cy@example.com,2026-11-10")
    assert referred() == 1
    load("referrals2.csv", referrals, "bo@example.com,di@example.com,2026-06-01")
    assert referred() == 2
    load("orders2.csv", orders, "o3,di@example.com,2026-03-02,10")  # Di's first sale moves before the quarter
    assert referred() == 1
    assert rebuilt_equal(con) == []
    forget(con, config, "cy@example.com")
    assert referred() == 0
    assert differences(con, config, PERIODS[:1]) == []
    assert rebuilt_equal(con) == []


def test_removing_the_demo_empties_the_aggregates(con, config):
    load_demo_if_empty(con, config)
    assert con_has_rows(con)
    assert remove_demo(con, config) is not None
    assert not any(con.execute(f"select count(*) from {t}").fetchone()[0] for t in aggregates.PERSON_TABLES)
    assert con.execute("select count(*) from agg_members").fetchone()[0] == 0


def test_an_older_file_is_brought_up_to_date_on_connect(demo, config):
    from legame import warehouse

    demo.execute("delete from agg_sale_days")
    demo.execute("delete from aggregates_version")
    assert not aggregates.usable(demo)
    demo.close()
    con = warehouse.connect(config)
    assert aggregates.usable(con) and con.execute("select count(*) from agg_sale_days").fetchone()[0] > 0
    assert differences(con, config, PERIODS[:1]) == []
    con.close()


def test_loads_of_many_people_decided_on_an_estimate_then_reloads_keep_the_aggregates_exact(
    con, config, tmp_path, monkeypatch
):
    # Every mark decides on its estimate (a first load of millions does): a rebuild or a scoped refresh.
    monkeypatch.setattr(aggregates, "WHOLE_AT_LEAST", 0)
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir(), second.mkdir()
    files = random_exports(first, 5)
    for path in files:
        load_file(con, config, path)
    for path in files:  # unchanged reloads, skipped by hash: nothing to recompute
        report = load_file(con, config, path)
        assert (report.inserted, report.replaced) == (0, 0)
    assert differences(con, config, PERIODS[:2]) == []
    # More rows on the same days for other people and the same people, and replaced rows.
    for path in random_exports(second, 6, people=160):
        load_file(con, config, path)
    assert differences(con, config, PERIODS[:2]) == []
    assert rebuilt_equal(con) == []


def test_both_relation_sets_define_the_same_relations_with_the_same_columns(demo, config):
    def defined(over: str) -> dict[str, list[tuple[str, str]]]:
        warehouse.install_relations(demo, over)
        macros = "select function_name from duckdb_functions() where function_type = 'table_macro'"
        names = [r[0] for r in demo.execute(macros).fetchall()]
        p = query_params(config, PERIODS[0], {}, channel_map(demo, config))
        calls = {
            "interaction_days": "interaction_days($channels, $start, $end)",
            "sale_days": "sale_days($channels, $person_fallback, $start, $end)",
            "new_customers": "new_customers($channels, $person_fallback, $start, $end)",
            "customers_by": "customers_by($end)",
            "member_count": "member_count($end)",
            "order_days": "order_days()",
            "act_and_sale_channel_names": "act_and_sale_channel_names()",
            "act_and_sale_channels": "act_and_sale_channels($channels, $person_fallback)",
        }
        assert set(calls) <= set(names), over
        columns = {}
        for name, call in calls.items():
            used = {k: p[k] for k in ("channels", "person_fallback", "start", "end") if "$" + k in call}
            columns[name] = [tuple(r[:2]) for r in demo.execute(f"describe select * from {call}", used).fetchall()]
        return columns

    try:
        raw = defined("raw")
    finally:
        warehouse.install_relations(demo)
    assert raw == defined("aggregated")
    files = {f.name for f in (warehouse.RELATIONS_DIR / "raw").glob("*.sql")}
    assert files == {f.name for f in (warehouse.RELATIONS_DIR / "aggregated").glob("*.sql")}


def test_acts_at_the_same_instant_on_two_channels_go_to_the_smaller_event_id(con, config, tmp_path):
    # A person's first act of a day decides the channel they count under as engaged or active in a period. Two
    # acts at one instant on two channels are ordered by event id, as engaged_people orders them, never by the
    # channel's name nor by whichever act a parallel grouping met first; a channel may hold two acts at that
    # instant (p3's forum: e21 and e23 around instagram's e22).
    people = "person_id,first_seen,is_member,member_since,acquisition_channel,referred_by,segment\n" + "".join(
        f"p{i},2026-01-0{i} 08:00:00,true,2026-01-0{i},forum,,s\n" for i in (1, 2, 3)
    )
    acts = [
        ("e0", "p1", "2026-06-20 10:00:00", "forum"),
        ("e2", "p1", "2026-07-10 09:00:00", "forum"),
        ("e1", "p1", "2026-07-10 09:00:00", "instagram"),
        ("e5", "p2", "2026-07-11 18:30:00", "instagram"),
        ("e4", "p2", "2026-07-11 18:30:00", "forum"),
        ("e23", "p3", "2026-07-12 07:15:00", "forum"),
        ("e22", "p3", "2026-07-12 07:15:00", "instagram"),
        ("e21", "p3", "2026-07-12 07:15:00", "forum"),
        ("e24", "p3", "2026-07-12 07:16:00", "instagram"),
    ]
    interactions = "event_id,person_id,occurred_at,channel,kind,post_id\n" + "".join(
        f"{event},{person},{at},{channel},comment,\n" for event, person, at, channel in acts
    )
    for name, text in (("people.csv", people), ("interactions.csv", interactions)):
        assert load_file(con, config, write(tmp_path, name, text)).rejected == 0
    firsts = con.execute(
        "select person_id, day::varchar, source_channel, prev_day::varchar from agg_interaction_days "
        "where is_first_of_day order by person_id, day"
    ).fetchall()
    assert firsts == [
        ("p1", "2026-06-20", "forum", None),
        ("p1", "2026-07-10", "instagram", "2026-06-20"),
        ("p2", "2026-07-11", "forum", None),
        ("p3", "2026-07-12", "forum", None),
    ]
    periods = (Period(date(2026, 7, 1), date(2026, 7, 31)), Period(date(2026, 7, 10), date(2026, 7, 12)))
    assert differences(con, config, periods) == []
    assert rebuilt_equal(con) == []


def test_advocates_count_each_customer_once_whatever_their_acts_and_referrals(con, config, tmp_path):
    # Advocates are counted from each person's first advocacy row of the period (prev_advocacy_day), not
    # deduplicated: p1's advocacy before the period, then two in it on two channels on one day, after a comment
    # that day on a third (the day's first row, not advocacy: it cannot be the one counted); p2's only advocacy a
    # referral; p3's a share and a referral; p4 acts but has no sale; p5's share is after the period.
    people = "person_id,first_seen,is_member,member_since,acquisition_channel,referred_by,segment\n" + "".join(
        f"p{i},2026-01-01 08:00:00,false,,forum,,s\n" for i in range(1, 7)
    )
    acts = [
        ("e1", "p1", "2026-06-20 10:00:00", "forum", "review"),
        ("e2", "p1", "2026-07-10 08:00:00", "facebook", "comment"),
        ("e3", "p1", "2026-07-10 09:00:00", "forum", "share"),
        ("e4", "p1", "2026-07-10 09:30:00", "instagram", "ugc"),
        ("e5", "p1", "2026-07-20 09:30:00", "forum", "review"),
        ("e6", "p3", "2026-07-15 12:00:00", "facebook", "share"),
        ("e7", "p4", "2026-07-15 12:00:00", "forum", "share"),
        ("e8", "p5", "2026-08-02 12:00:00", "forum", "share"),
        ("e9", "p6", "2026-07-03 12:00:00", "forum", "comment"),
    ]
    interactions = "event_id,person_id,occurred_at,channel,kind,post_id\n" + "".join(
        f"{event},{person},{at},{channel},{kind},\n" for event, person, at, channel, kind in acts
    )
    orders = "order_id,person_id,ordered_at,revenue,channel,campaign,is_refund\n" + "".join(
        f"o{i},p{i},2026-02-01 10:00:00,20,web,,false\n" for i in (1, 2, 3, 5, 6)
    )
    referrals = "referrer_id,referred_id,referred_at\np2,p6,2026-07-05 10:00:00\np3,p4,2026-07-06 10:00:00\n"
    files = {"people.csv": people, "interactions.csv": interactions, "orders.csv": orders, "referrals.csv": referrals}
    for name, text in files.items():
        assert load_file(con, config, write(tmp_path, name, text)).rejected == 0
    july = Period(date(2026, 7, 1), date(2026, 7, 31))
    for view, expected in (({}, 3), ({"channel": "unattributed"}, 2)):
        for fast in (True, False):
            assert family_rows(con, config, july, view, fast)["advocacy"]["advocates"] == expected, (view, fast)
    warehouse.install_relations(con)
    assert differences(con, config, (july, Period(date(2026, 7, 10), date(2026, 7, 10)))) == []
    assert rebuilt_equal(con) == []


def test_active_members_on_a_channel_count_each_member_once(con, config, tmp_path):
    # On one channel the active members are deduplicated (a person's first act of the period may be on another
    # channel): p1 acts on the forum on two days and on a Slack space (both community) and on Facebook (organic
    # social); p2, a member, on the forum once; p3, not a member, on the forum; p4, a member, before the period.
    people = "person_id,first_seen,is_member,member_since,acquisition_channel,referred_by,segment\n" + "".join(
        f"p{i},2026-01-01 08:00:00,{'false' if i == 3 else 'true'},2026-01-01,forum,,s\n" for i in range(1, 5)
    )
    acts = [
        ("e1", "p1", "2026-07-02 10:00:00", "facebook"),
        ("e2", "p1", "2026-07-03 10:00:00", "forum"),
        ("e3", "p1", "2026-07-04 10:00:00", "forum"),
        ("e4", "p1", "2026-07-05 10:00:00", "slack"),
        ("e5", "p2", "2026-07-06 10:00:00", "forum"),
        ("e6", "p3", "2026-07-06 11:00:00", "forum"),
        ("e7", "p4", "2026-06-20 10:00:00", "forum"),
    ]
    interactions = "event_id,person_id,occurred_at,channel,kind,post_id\n" + "".join(
        f"{event},{person},{at},{channel},comment,\n" for event, person, at, channel in acts
    )
    for name, text in {"people.csv": people, "interactions.csv": interactions}.items():
        assert load_file(con, config, write(tmp_path, name, text)).rejected == 0
    july = Period(date(2026, 7, 1), date(2026, 7, 31))
    for view, members, interactions in (
        ({}, 2, 5),
        ({"channel": "community"}, 2, 4),
        ({"channel": "organic_social"}, 1, 1),
        ({"channel": "unattributed"}, 0, 0),
    ):
        for fast in (True, False):
            community = family_rows(con, config, july, view, fast)["community"]
            assert (community["active_members"], community["member_interactions"]) == (members, interactions), (
                view,
                fast,
            )
    warehouse.install_relations(con)


def test_a_file_from_before_the_advocacy_and_membership_columns_is_upgraded_and_rebuilt(demo, config):
    # A warehouse written before agg_interaction_days.prev_advocacy_day, agg_sale_days.is_member_sale,
    # agg_referrals, agg_referred_customers and agg_advocacy_days: its schema four migrations behind, its
    # aggregates of the older SQL. Opening it adds the columns and the tables and rebuilds them.
    demo.execute("alter table agg_interaction_days drop column prev_advocacy_day")
    demo.execute("alter table agg_sale_days drop column is_member_sale")
    demo.execute("drop table agg_referrals")
    demo.execute("drop table agg_referred_customers")
    demo.execute("drop table agg_advocacy_days")
    demo.execute("delete from schema_version where version > $v", {"v": warehouse.SCHEMA_VERSION - 4})
    demo.execute("update aggregates_version set sha256 = 'older'")
    demo.close()
    con = warehouse.connect(config)
    assert aggregates.usable(con)
    assert con.execute("select count(*) from agg_interaction_days where prev_advocacy_day is not null").fetchone()[0]
    assert con.execute("select count(*) from agg_sale_days where is_member_sale").fetchone()[0]
    assert con.execute("select count(*) from agg_referrals where referrer_since is not null").fetchone()[0]
    assert con.execute("select count(*) from agg_referred_customers").fetchone()[0]
    assert con.execute("select count(*) from agg_advocacy_days where prev_advocacy_day is not null").fetchone()[0]
    assert differences(con, config, PERIODS[:1]) == []
    con.close()
