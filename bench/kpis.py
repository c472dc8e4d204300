"""Board KPI benchmark: every KPI for a quarter and its comparison on a large warehouse.

Budget (DESIGN.md): an uncached period under 0.1 s warm with 5 M interactions, 1 M people, 2 M orders
(under 0.3 s with 20 M: --scale 4); 100 K referrals besides. The board is timed from the aggregates and, for
comparison in the same run, from the raw rows, and as the app computes a view after a posts upload (the families
reading posts).
Usage: .venv/bin/python bench/kpis.py [--scale 1.0]
The baseline, run in the same process, is one full scan of each of the three big tables
(count of distinct people per table), so the ratio travels across machines.
"""

from __future__ import annotations

import argparse
import copy
import resource
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from legame import aggregates, queries, warehouse
from legame.board import trend_period
from legame.config import Config, load_config
from legame.kpis import Period, compute, series
from legame.kpis.params import channel_map, query_params
from legame.kpis.registry import FAMILY_TABLES, KPIS, MODEL_FAMILIES

QUARTER = Period(date(2026, 4, 1), date(2026, 6, 30))
SERIES_KPI = "conversion_rate"  # a KPI of the heaviest family (queries/conversion.sql)


def fill(con, scale: float) -> dict[str, int]:
    n = {
        k: int(v * scale)
        for k, v in {"people": 1e6, "interactions": 5e6, "orders": 2e6, "posts": 5e4, "referrals": 1e5}.items()
    }

    def day(rows: int) -> str:
        # Row i of a table lands 7919 s after row i - 1, over two years; a small table (run.py --size
        # smoke) would end before reaching the quarter, so its rows are spread wider.
        stride = 7919 if rows * 7919 >= 63072000 else 63072000 // max(rows, 1)
        return f"timestamp '2024-11-01' + to_seconds((i * {stride}) % 63072000)"

    con.execute(
        f"""insert into people select 'p' || i, {day(n["people"])}, i % 5 = 0, ({day(n["people"])})::date, 'Organic',
                   null, 'Hikers', 1
            from range({n["people"]}) t(i)"""
    )
    con.execute(
        f"""insert into interactions select 'e' || i, 'p' || ((i * 31) % {n["people"]}), {day(n["interactions"])},
                   'forum',
                   (['comment', 'reply', 'answer', 'reaction', 'share', 'event'])[i % 6 + 1], null, 1
            from range({n["interactions"]}) t(i)"""
    )
    con.execute(
        f"""insert into orders select 'o' || i, 'p' || (hash(i) % {n["people"]}),
                   timestamp '2024-11-01' + to_seconds(hash(i * 3) % 63072000), 20 + i % 180,
                   'web', case when i % 4 = 0 then 'Spring' end, i % 40 = 0, 1
            from range({n["orders"]}) t(i)"""
    )
    con.execute(
        f"""insert into posts select 'instagram', 'post' || i, {day(n["posts"])}, 'brand', false, 1000 + i % 5000,
                   1500 + i % 7000, i % 90, i % 12, i % 9, i % 5, i % 20, 1
            from range({n["posts"]}) t(i)"""
    )
    con.execute(
        """insert into spend select date '2024-11-01' + (i % 730)::integer, 'meta', 'c' || (i // 730), 50 + i % 100,
                  10000, 100, 1 from range(7300) t(i)"""
    )
    # One person in ten refers another (never themselves): advocacy tests each period's referrers against the
    # customers and each new customer against the referred.
    con.execute(
        f"""insert into referrals select 'p' || (i % {n["people"]}),
                   'p' || ((i + 1 + (i * 13) % ({n["people"]} - 1)) % {n["people"]}), {day(n["referrals"])}, 1
            from range({n["referrals"]}) t(i)"""
    )
    con.execute(
        """insert into surveys select 's' || i, 'p' || i, timestamp '2024-11-01' + to_seconds((i * 7919) % 63072000),
                  i % 11, null, 1 from range(200000) t(i)"""
    )
    # The rows went straight into the tables (load id 1), past the ingest pipeline: record that load, or the app
    # takes the warehouse for empty and loads the demo on top, and rebuild the aggregates the pipeline keeps.
    con.execute(
        """insert into loads values (1, 'bench fill', '', 'bench', 'all', 0, 0, 0, 0, 0, 0, null, null,
                                     current_timestamp::timestamp, 'bench', false)"""
    )
    aggregates.rebuild(con)
    con.execute("checkpoint")
    return n


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def timed_cpu(fn) -> tuple[float, float]:
    """Wall and CPU seconds of this process (every thread): on a machine others share, CPU is the figure to
    compare."""
    started, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - started, time.process_time() - cpu


def bench_config(folder: Path) -> Config:
    """The repo's config.yaml with the warehouse in `folder`."""
    base = load_config()
    data = copy.deepcopy(base.data)
    data["warehouse"].update(
        path=str(Path(folder) / "bench.duckdb"), raw_dir=str(Path(folder) / "raw"), secret_file=str(Path(folder) / "s")
    )
    return Config(data=data, root=base.root)


def three_scans(con) -> None:
    """The baseline: one full scan of each of the three big tables."""
    for table in ("people", "interactions", "orders"):
        con.execute(f"select count(distinct person_id) from {table}").fetchall()


def measure(
    con, config: Config, period: Period = QUARTER, repeat: int = 5, raw_repeat: int = 3
) -> dict[str, float | None]:
    """Seconds: the baseline, the board's first run, and its warm median from the aggregates (`repeat` boards, each
    after the one before) and from the raw rows (`raw_repeat` boards, the path before the aggregates, still what a
    file without them reads)."""

    def board(channels: dict | None = None) -> None:
        kpis = compute(con, config, period, channels=channels)
        missing = [k.id for k in kpis if k.value is None and k.family not in ("clv", "clv_model")]
        assert not missing, missing

    def after_posts_upload() -> None:
        # What the app computes for a view after a posts upload: the families that read posts, together
        # (legame/ui/cache.py keeps each family's KPIs on the version of its own tables).
        compute(con, config, period, families=[f for f, tables in FAMILY_TABLES.items() if "posts" in tables])

    cold = timed(board)
    # Warm, as the app computes an uncached view: with the channel map it keeps per data version (cache.channel_map).
    # A posts upload is a new data version: the app reads the map again, as after_posts_upload does here.
    channels = channel_map(con, config)
    fast, fast_cpu, posts, base = [], [], [], []
    for _ in range(repeat):  # interleaved, so that a busy moment of the machine weighs on them all
        wall, cpu = timed_cpu(lambda: board(channels))
        fast.append(wall)
        fast_cpu.append(cpu)
        posts.append(timed_cpu(after_posts_upload))
        base.append(timed(lambda: three_scans(con)))
    # The raw path last, never between two warm boards: the app never reads it, and at 5 M its board fills DuckDB's
    # 1 GB cap with raw rows, so the board after it read its aggregates back in (run.py's warm median, one of its
    # three boards after the raw path, was 0.156 s where boards one after another took 0.09-0.10).
    raw = raw_boards(con, config, period, raw_repeat) if raw_repeat else None
    return {
        "baseline": statistics.median(base),
        "cold": cold,
        "warm": statistics.median(fast),
        "warm_cpu": statistics.median(fast_cpu),
        "posts": statistics.median(wall for wall, _ in posts),
        "posts_cpu": statistics.median(cpu for _, cpu in posts),
        "warm_raw": raw,
    }


def raw_boards(con, config: Config, period: Period = QUARTER, repeat: int = 3) -> float | None:
    """The median seconds of `repeat` warm boards from the raw rows (the relations over the raw tables: the path
    before the aggregates, still what a file without them reads, which read the channel map itself; their
    installation is not timed); None when one ran out of memory under the warehouse's cap (at 20 M rows the raw
    path does not fit)."""
    warehouse.install_relations(con, "raw")
    try:
        return statistics.median(timed(lambda: compute(con, config, period)) for _ in range(repeat))
    except duckdb.OutOfMemoryException:
        return None
    finally:
        warehouse.install_relations(con)


def family_times(con, config: Config, period: Period = QUARTER, repeat: int = 5) -> dict[str, float]:
    """Seconds, the fastest of `repeat`: each KPI family's query for one period, from the aggregates."""
    params = query_params(config, period, {}, channel_map(con, config))
    families = sorted({k.family for k in KPIS.values()} - MODEL_FAMILIES)
    return {f: min(timed(lambda f=f: queries.run(con, f, **params)) for _ in range(repeat)) for f in families}


def series_times(con, config: Config, period: Period = QUARTER, repeat: int = 3) -> dict[str, tuple[float, float]]:
    """(wall, CPU) seconds, the least CPU of `repeat`: the Conversion page's drill-downs of one KPI
    (SERIES_KPI), its twelve months (series.monthly) and its channels (series.by_channel)."""
    runs = {
        "monthly": lambda: series.monthly(con, config, period.end, {}, [SERIES_KPI]),
        "by_channel": lambda: series.by_channel(con, config, period, {}, [SERIES_KPI]),
    }
    return {name: min((timed_cpu(run) for _ in range(repeat)), key=lambda t: t[1]) for name, run in runs.items()}


def trend_cpu(con, config: Config, period: Period = QUARTER, repeat: int = 5) -> float:
    """CPU seconds, the least of `repeat`: the board's revenue chart (queries/revenue_trend.sql) for the view,
    which the board reads beside its KPIs (legame/board.py)."""
    params = query_params(config, trend_period(period), {})
    return min(timed_cpu(lambda: queries.run(con, "revenue_trend", **params))[1] for _ in range(repeat))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        config = bench_config(Path(folder))
        con = warehouse.connect(config)
        sizes = fill(con, args.scale)
        print("rows:", ", ".join(f"{k} {v:,}" for k, v in sizes.items()))
        t = measure(con, config)
        families = family_times(con, config)
        drills = series_times(con, config)
        trend = trend_cpu(con, config)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        base = t["baseline"]
        print(f"baseline (3 full scans)   : {base:6.3f} s")
        for label, key, note in (
            ("board KPIs, first run     ", "cold", "includes the CLV fits"),
            ("board KPIs, warm (median) ", "warm", "budget 0.1 s at 5 M, 0.3 s at 20 M"),
            ("  same, from the raw rows ", "warm_raw", "before #15"),
        ):
            if t[key] is None:
                print(f"{label}: out of memory under the warehouse's cap   ({note})")
                continue
            print(f"{label}: {t[key]:6.3f} s   ratio {t[key] / base:5.2f}x   ({note})")
            if key == "warm":
                print(f"  its CPU (median)         : {t['warm_cpu']:6.3f} s   (both cores count)")
                print(
                    f"  after a posts upload     : {t['posts']:6.3f} s, {t['posts_cpu']:6.3f} s CPU"
                    "   (the families reading posts, as the app computes a view again)"
                )
        print("one period, per family     :", ", ".join(f"{f} {s:.3f} s" for f, s in families.items()))
        print(f"revenue chart (board)      : {trend:6.3f} s CPU   (its twelve months, unfiltered)")
        print(
            "Conversion drill-downs     :",
            ", ".join(f"{name} {wall:.3f} s wall, {cpu:.3f} s CPU" for name, (wall, cpu) in drills.items()),
        )
        print(f"peak RSS                  : {peak_mb:6.0f} MB  (budget 2048 MB)")


if __name__ == "__main__":
    main()
