"""Ingest benchmark: Legame's load of one big CSV against DuckDB's own read_csv into a table.

Budget (DESIGN.md): within 1.5x of DuckDB's read_csv for 5 M rows, in one run.
Usage: .venv/bin/python bench/ingest.py [--rows 5000000]
Both runs read the same file in the same process; the ratio is what to compare across machines.
"""

from __future__ import annotations

import argparse
import copy
import resource
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


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        csv = tmp / "interactions.csv"
        make_csv(csv, args.rows)
        print(f"file: {args.rows:,} rows, {csv.stat().st_size / 1e6:.0f} MB")

        def baseline() -> None:
            con = duckdb.connect(str(tmp / "baseline.duckdb"))
            con.execute("create table t as select * from read_csv($p, header = true)", {"p": str(csv)})
            con.close()

        base = load_config()
        data = copy.deepcopy(base.data)
        data["warehouse"].update(path=str(tmp / "legame.duckdb"), raw_dir=str(tmp / "raw"), secret_file=str(tmp / "s"))
        config = Config(data=data, root=base.root)

        def legame_load() -> None:
            con = warehouse.connect(config)
            report = load_file(con, config, csv)
            assert report.inserted == args.rows, report.summary()
            con.close()

        def legame_reload() -> None:
            con = warehouse.connect(config)
            report = load_file(con, config, csv)
            assert report.unchanged == args.rows, report.summary()
            con.close()

        t_base = timed(baseline)
        t_load = timed(legame_load)
        t_reload = timed(legame_reload)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"duckdb read_csv into a table : {t_base:6.2f} s")
        print(f"legame load (new rows)       : {t_load:6.2f} s   ratio {t_load / t_base:4.2f}x  (budget 1.5x)")
        print(f"legame reload (all unchanged): {t_reload:6.2f} s   ratio {t_reload / t_base:4.2f}x")
        print(f"peak RSS                     : {peak_mb:6.0f} MB  (budget 2048 MB)")


if __name__ == "__main__":
    main()
