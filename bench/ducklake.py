"""The team warehouse's cost: ingest and the board's KPIs on DuckLake (PostgreSQL catalogue) against the file.

    .venv/bin/python bench/ducklake.py [--rows 500000]

Starts a throw-away PostgreSQL (tests/team.py: Debian's server, as an unprivileged user when
run as root), then in one run, for the embedded file and for DuckLake with its Parquet files
in a local folder: loads the demo exports and a canonical orders file of --rows rows (first
load, then the same file again: every row unchanged), and computes every KPI of a quarter
(what the board and `kpis --json` compute; no cache), best of 3. Prints seconds and the
ratio DuckLake / file. Timings are wall-clock on whatever else the machine is doing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from legame import warehouse  # noqa: E402  (needs the sys.path line above)
from legame.config import load_config  # noqa: E402
from legame.ingest import load_file  # noqa: E402
from legame.kpis import Period, compute  # noqa: E402
from tests.team import postgres  # noqa: E402

DEMO = sorted(p for p in (ROOT / "data" / "demo").iterdir() if p.suffix in (".csv", ".tsv"))
QUARTER = Period.custom(date(2025, 7, 1), date(2025, 9, 30))


def orders_file(folder: Path, rows: int) -> Path:
    path = folder / "orders.csv"
    with path.open("w") as out:
        out.write("order_id,person_id,ordered_at,revenue,channel\n")
        for i in range(rows):
            out.write(f"B-{i},p{i % 50_000},2025-{1 + i % 12:02d}-{1 + i % 28:02d},{5 + i % 200}.25,email\n")
    return path


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def measure(env: dict[str, str], big: Path) -> dict[str, float]:
    os.environ.update(env)
    config = load_config()
    found: dict[str, float] = {}
    found["connect + migrate (new)"] = timed(lambda: warehouse.connect(config).close())
    con = warehouse.connect(config)
    found["ingest the demo (8 files)"] = timed(lambda: [load_file(con, config, p, p.name) for p in DEMO])
    found["ingest orders, first load"] = timed(lambda: load_file(con, config, big, big.name))
    found["ingest orders, reload"] = timed(lambda: load_file(con, config, big, big.name))
    found["every KPI of a quarter"] = min(
        timed(lambda: compute(con, config, QUARTER, "previous", {"channel": None, "campaign": None})) for _ in range(3)
    )
    con.close()
    found["connect (existing)"] = min(timed(lambda: warehouse.connect(config).close()) for _ in range(3))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=500_000, help="rows of the generated orders file")
    args = parser.parse_args()
    os.environ.setdefault("LEGAME_SECRET", "bench")
    os.environ.pop("LEGAME_DB", None)
    with tempfile.TemporaryDirectory(prefix="legame-bench-") as tmp, postgres() as cluster:
        folder = Path(tmp)
        big = orders_file(folder, args.rows)
        embedded = measure({"LEGAME_WAREHOUSE": str(folder / "bench.duckdb")}, big)
        lake = measure(
            {
                "LEGAME_WAREHOUSE": "ducklake:postgres:" + cluster.create_database("bench"),
                "LEGAME_DATA_PATH": str(folder / "lake"),
            },
            big,
        )
    print(f"DuckDB {__import__('duckdb').__version__}, orders file of {args.rows:,} rows")
    print(f"{'work':<28} {'file s':>8} {'DuckLake s':>11} {'ratio':>7}")
    for name, seconds in embedded.items():
        print(f"{name:<28} {seconds:>8.3f} {lake[name]:>11.3f} {lake[name] / seconds:>6.1f}x")


if __name__ == "__main__":
    main()
