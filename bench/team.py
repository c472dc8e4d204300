"""The team warehouse's cost: the board and ingest on DuckLake (PostgreSQL catalogue) against the file.

    .venv/bin/python bench/team.py [--scale 0.2] [--rows 200000]

Starts a throw-away PostgreSQL (tests/team.py: Debian's server, as an unprivileged user when run
as root), then, in one process and one run, builds the same warehouse twice, as the embedded file
and as DuckLake with its Parquet files in a local folder:

- board: bench/kpis.py's synthetic warehouse (--scale 1 is 5 M interactions, 1 M people, 2 M orders),
  then every KPI of a quarter and its comparison (what the board and `kpis --json` compute, no cache),
  first run and warm median, from the aggregates and from the raw rows; the warm runs alternate
  between the two warehouses, so that a busy moment of the machine weighs on both;
- ingest: the eight demo exports, then a canonical orders file of --rows rows (first load, and the
  same file again: every row unchanged), through the pipeline the Upload page and `legame ingest` use;
- connect: opening a new warehouse (migrations) and an existing one.

Prints seconds and the ratio DuckLake / file. Wall-clock, on whatever else the machine is doing.
"""

from __future__ import annotations

import argparse
import copy
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import kpis as board_bench  # noqa: E402  (bench/ is on sys.path above)

from legame import aggregates, warehouse  # noqa: E402
from legame.config import Config, load_config  # noqa: E402
from legame.ingest import load_file  # noqa: E402
from legame.kpis import compute  # noqa: E402
from tests.team import postgres  # noqa: E402

DEMO = sorted(p for p in (ROOT / "data" / "demo").iterdir() if p.suffix in (".csv", ".tsv"))
REPEAT = 5


def orders_file(folder: Path, rows: int) -> Path:
    path = folder / "orders.csv"
    with path.open("w") as out:
        out.write("order_id,person_id,ordered_at,revenue,channel\n")
        for i in range(rows):
            out.write(f"B-{i},p{i % 50_000},2025-{1 + i % 12:02d}-{1 + i % 28:02d},{5 + i % 200}.25,email\n")
    return path


def timed(work: Callable[..., object], *args: object, **kwargs: object) -> float:
    started = time.perf_counter()
    work(*args, **kwargs)
    return time.perf_counter() - started


def config_for(folder: Path, url: str, data_path: str | None = None) -> Config:
    """The repo's config.yaml with its warehouse at `url` and its files in `folder`."""
    base = load_config()
    data = copy.deepcopy(base.data)
    data["warehouse"].update(
        url=url, raw_dir=str(folder / "raw"), secret_file=str(folder / "secret"), data_path=data_path
    )
    return Config(data=data, root=base.root)


def board(con: duckdb.DuckDBPyConnection, config: Config, raw: bool = False) -> None:
    usable = aggregates.usable
    if raw:
        aggregates.usable = lambda con: False
    try:
        kpis = compute(con, config, board_bench.QUARTER)
    finally:
        aggregates.usable = usable
    missing = [k.id for k in kpis if k.value is None and k.family not in ("clv", "clv_model")]
    assert not missing, missing


def ingest(config: Config, big: Path) -> dict[str, float]:
    found = {"connect, new warehouse (migrations)": timed(lambda: warehouse.connect(config).close())}
    con = warehouse.connect(config)
    found["ingest the demo (8 exports)"] = timed(lambda: [load_file(con, config, p, p.name) for p in DEMO])
    found[f"ingest {big.stat().st_size // 1_000_000} MB of orders, first load"] = timed(
        lambda: load_file(con, config, big, big.name)
    )
    found["  the same file again (unchanged)"] = timed(lambda: load_file(con, config, big, big.name))
    con.close()
    found["connect, existing warehouse"] = min(timed(lambda: warehouse.connect(config).close()) for _ in range(3))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.2, help="board warehouse size, as bench/kpis.py's")
    parser.add_argument("--rows", type=int, default=200_000, help="rows of the generated orders file")
    args = parser.parse_args()
    os.environ.setdefault("LEGAME_SECRET", "bench")
    for name in ("LEGAME_DB", "LEGAME_WAREHOUSE", "LEGAME_DATA_PATH"):
        os.environ.pop(name, None)
    results: dict[str, dict[str, float]] = {"file": {}, "lake": {}}
    with tempfile.TemporaryDirectory(prefix="legame-bench-") as tmp, postgres() as cluster:
        folder = Path(tmp)

        def configs(name: str) -> dict[str, Config]:
            (folder / name).mkdir()
            return {
                "file": config_for(folder / name, str(folder / name / "file.duckdb")),
                "lake": config_for(
                    folder / name,
                    "ducklake:postgres:" + cluster.create_database(name),
                    str(folder / name / "lake"),
                ),
            }

        # The board: the same synthetic rows in both, then the first run of each and alternating warm runs.
        boards = configs("board")
        cons = {}
        for kind, config in boards.items():
            cons[kind] = warehouse.connect(config)
            results[kind]["fill the board warehouse"] = timed(board_bench.fill, cons[kind], args.scale)
        for kind, con in cons.items():
            results[kind]["board, first run (CLV fits)"] = timed(board, con, boards[kind])
        warm: dict[str, list[float]] = {"file": [], "lake": [], "file raw": [], "lake raw": []}
        for _ in range(REPEAT):
            for kind, con in cons.items():
                warm[kind].append(timed(board, con, boards[kind]))
                warm[kind + " raw"].append(timed(board, con, boards[kind], raw=True))
        for kind in cons:
            results[kind]["board, warm (median)"] = statistics.median(warm[kind])
            results[kind]["  same, from the raw rows"] = statistics.median(warm[kind + " raw"])
            cons[kind].close()

        big = orders_file(folder, args.rows)
        loads = configs("ingest")
        for kind, config in loads.items():
            results[kind].update(ingest(config, big))

    print(f"DuckDB {duckdb.__version__}; board warehouse at --scale {args.scale}; orders file of {args.rows:,} rows")
    print(f"{'':<42} {'file s':>8} {'DuckLake s':>11} {'DuckLake/file':>14}")
    for name, seconds in results["file"].items():
        lake = results["lake"][name]
        print(f"{name:<42} {seconds:>8.3f} {lake:>11.3f} {lake / seconds:>13.1f}x")


if __name__ == "__main__":
    main()
