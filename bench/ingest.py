"""Ingest benchmark: Legame's load of one big CSV against DuckDB's own read_csv into a table.

Budget (DESIGN.md): within 1.5x of DuckDB's read_csv for 5 M rows, in one run.
Usage: .venv/bin/python bench/ingest.py [--rows 5000000] [--repeat 3]
Every run reads the same file in the same process; the ratio is what to compare across machines.
With --repeat N each of the three is timed N times, interleaved, on a fresh database for the
baseline and the first load, and the best time counts (a shared machine's noise only adds time).
CPU seconds (all threads of the process) are printed too: on a busy machine they vary less.
"""

from __future__ import annotations

import argparse
import copy
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from legame import warehouse
from legame.config import Config, load_config
from legame.ingest import load_file


def make_csv(path: Path, rows: int) -> None:
    """A canonical interactions export: event_id, email, occurred_at, channel, kind, post_id."""
    duckdb.sql(
        f"""copy (
              select 'ev' || i as event_id,
                     'person' || (i % 1000000) || '@example.com' as email,
                     timestamp '2024-01-01' + to_seconds(i * 7 % 63072000) as occurred_at,
                     (['forum', 'instagram', 'events', 'facebook'])[i % 4 + 1] as channel,
                     (['comment', 'reply', 'answer', 'reaction', 'share', 'event'])[i % 6 + 1] as kind,
                     case when i % 3 = 0 then 'p' || (i % 50000) end as post_id
              from range({rows}) t(i)
            ) to '{path}' (header, delimiter ',')"""
    )


def timed(fn) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, every thread of this process) of one call."""
    started, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - started, time.process_time() - cpu


def best(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    return min(a[0], b[0]), min(a[1], b[1])


def measure(tmp: Path, rows: int, repeat: int = 1) -> dict[str, tuple[float, float]]:
    """Wall and CPU seconds of DuckDB's read_csv into a table, Legame's first load and its reload of
    one `rows`-row CSV written in the folder `tmp`, each the best of `repeat` interleaved runs."""
    csv = tmp / "interactions.csv"
    make_csv(csv, rows)

    def baseline() -> None:
        (tmp / "baseline.duckdb").unlink(missing_ok=True)
        con = duckdb.connect(str(tmp / "baseline.duckdb"))
        con.execute("create table t as select * from read_csv($p, header = true)", {"p": str(csv)})
        con.close()

    base = load_config()
    data = copy.deepcopy(base.data)
    data["warehouse"].update(path=str(tmp / "legame.duckdb"), raw_dir=str(tmp / "raw"), secret_file=str(tmp / "s"))
    # The upload limits guard a server, not a benchmark: 20 M rows is a 1.5 GB file.
    limits = data.setdefault("limits", {})
    limits["upload_mb"] = max(limits.get("upload_mb", 0), csv.stat().st_size // 1_000_000 + 1)
    limits["rows"] = max(limits.get("rows", 0), rows)
    config = Config(data=data, root=base.root)

    def fresh_warehouse() -> None:
        for name in ("legame.duckdb", "legame.duckdb.wal"):
            (tmp / name).unlink(missing_ok=True)
        shutil.rmtree(tmp / "raw", ignore_errors=True)
        warehouse.connect(config).close()  # migrations are not part of the load

    def legame_load() -> None:
        con = warehouse.connect(config)
        report = load_file(con, config, csv)
        assert report.inserted == rows, report.summary()
        con.close()

    def legame_reload() -> None:
        con = warehouse.connect(config)
        report = load_file(con, config, csv)
        # Already loaded, nothing lost: every row found stored as the file has it, and the reload logged.
        assert (report.unchanged, report.inserted, report.replaced) == (rows, 0, 0), report.summary()
        assert report.previously_loaded and report.load_id, report.summary()
        con.close()

    t_base = t_load = t_reload = (float("inf"), float("inf"))
    for _ in range(repeat):
        t_base = best(t_base, timed(baseline))
        fresh_warehouse()
        t_load = best(t_load, timed(legame_load))
        t_reload = best(t_reload, timed(legame_reload))
    return {"baseline": t_base, "load": t_load, "reload": t_reload}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=1, help="time each run N times and keep the best")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        before = os.getloadavg()[0]
        t = measure(Path(folder), args.rows, args.repeat)
        size = (Path(folder) / "interactions.csv").stat().st_size
        print(f"file: {args.rows:,} rows, {size / 1e6:.0f} MB")
        t_base = t["baseline"]
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"duckdb read_csv into a table : {t_base[0]:6.2f} s                 cpu {t_base[1]:6.2f} s")
        for label, (wall, cpu) in (("load (new rows)       ", t["load"]), ("reload (all unchanged)", t["reload"])):
            print(
                f"legame {label}: {wall:6.2f} s   ratio {wall / t_base[0]:4.2f}x   cpu {cpu:6.2f} s   "
                f"ratio {cpu / t_base[1]:4.2f}x  (budget 1.5x)"
            )
        print(f"peak RSS                     : {peak_mb:6.0f} MB  (budget 2048 MB)")
        # Other work on the machine stretches wall times unevenly; the CPU ratios vary less.
        print(
            f"machine load (1 min average) : {before:.1f} before, {os.getloadavg()[0]:.1f} after, {os.cpu_count()} CPUs"
        )


if __name__ == "__main__":
    main()
