"""Board KPI benchmark: every KPI for a quarter and its comparison on a large warehouse.

Budget (DESIGN.md): under 1 s warm with 5 M interactions, 1 M people, 2 M orders.
Usage: .venv/bin/python bench/kpis.py [--scale 1.0]
The baseline, run in the same process, is one full scan of the three big tables
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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from legame import aggregates, warehouse
from legame.config import Config, load_config
from legame.kpis import Period, compute


def fill(con, scale: float) -> dict[str, int]:
    n = {k: int(v * scale) for k, v in {"people": 1e6, "interactions": 5e6, "orders": 2e6, "posts": 5e4}.items()}
    day = "timestamp '2024-11-01' + to_seconds((i * 7919) % 63072000)"
    con.execute(
        f"""insert into people select 'p' || i, {day}, i % 5 = 0, ({day})::date, 'Organic', null, 'Hikers', 1
            from range({n["people"]}) t(i)"""
    )
    con.execute(
        f"""insert into interactions select 'e' || i, 'p' || ((i * 31) % {n["people"]}), {day}, 'forum',
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
        f"""insert into posts select 'instagram', 'post' || i, {day}, 'brand', false, 1000 + i % 5000,
                   1500 + i % 7000, i % 90, i % 12, i % 9, i % 5, i % 20, 1
            from range({n["posts"]}) t(i)"""
    )
    con.execute(
        """insert into spend select date '2024-11-01' + (i % 730)::integer, 'meta', 'c' || (i // 730), 50 + i % 100,
                  10000, 100, 1 from range(7300) t(i)"""
    )
    con.execute(
        """insert into surveys select 's' || i, 'p' || i, timestamp '2024-11-01' + to_seconds((i * 7919) % 63072000),
                  i % 11, null, 1 from range(200000) t(i)"""
    )
    # The rows went straight into the tables, past the ingest pipeline that keeps the aggregates current.
    aggregates.rebuild(con)
    con.execute("checkpoint")
    return n


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        base = load_config()
        data = copy.deepcopy(base.data)
        data["warehouse"].update(path=str(Path(folder) / "bench.duckdb"), secret_file=str(Path(folder) / "s"))
        config = Config(data=data, root=base.root)
        con = warehouse.connect(config)
        sizes = fill(con, args.scale)
        print("rows:", ", ".join(f"{k} {v:,}" for k, v in sizes.items()))
        quarter = Period(date(2026, 4, 1), date(2026, 6, 30))

        def baseline() -> None:
            for table in ("people", "interactions", "orders"):
                con.execute(f"select count(distinct person_id) from {table}").fetchall()

        def board() -> None:
            kpis = compute(con, config, quarter)
            missing = [k.id for k in kpis if k.value is None and k.family not in ("clv", "clv_model")]
            assert not missing, missing

        cold = timed(board)
        warm = statistics.median(timed(board) for _ in range(5))
        base_t = statistics.median(timed(baseline) for _ in range(5))
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"baseline (3 full scans)   : {base_t:6.3f} s")
        print(f"board KPIs, first run     : {cold:6.3f} s   ratio {cold / base_t:5.2f}x   (includes the CLV fits)")
        print(f"board KPIs, warm (median) : {warm:6.3f} s   ratio {warm / base_t:5.2f}x   (budget 1 s)")
        print(f"peak RSS                  : {peak_mb:6.0f} MB  (budget 2048 MB)")


if __name__ == "__main__":
    main()
