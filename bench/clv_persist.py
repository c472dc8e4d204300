"""Stored CLV fits: `python -m legame kpis --json` as a whole process, fitting then reading.

The first process on a warehouse fits BG/NBD + Gamma-Gamma for the quarter's end and its
comparison's and stores both fits; the second reads them. Each is timed as a whole process
(interpreter start, imports, queries, JSON) against a baseline process timed in the same run: one
that only imports duckdb and runs three full scans (distinct people of people, interactions and
orders). Budget (DESIGN.md): the whole process within 2x the baseline at 5 M interactions.

Usage: .venv/bin/python bench/clv_persist.py [--rounds 3] [--scale S]
Without --scale the warehouse is the demo data (every file of data/demo/, loaded by the CLI) and
the quarter Q3 2026; with it, bench/kpis.py's synthetic warehouse (S = 1: 5 M interactions,
1 M people, 2 M orders) and Q2 2026. Each round starts from a copy without stored fits; the
figures are the rounds' medians. The KPIs read from the fits are checked to be identical in both processes' JSON.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BASELINE = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
for table in ("people", "interactions", "orders"):
    con.execute(f"select count(distinct person_id) from {table}").fetchall()
"""


def run(args: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args[:4])} failed:\n{done.stderr}")
    return elapsed, done


def demo_warehouse(db: Path, env: dict[str, str]) -> tuple[str, str]:
    demo = sorted(str(p) for p in (ROOT / "data" / "demo").iterdir())
    run([sys.executable, "-m", "legame", "ingest", *demo], {**env, "LEGAME_DB": str(db)})
    return "2026-07-01", "2026-09-30"


def synthetic_warehouse(db: Path, scale: float) -> tuple[str, str]:
    from bench.kpis import fill
    from legame import warehouse
    from legame.config import Config, load_config

    base = load_config()
    data = copy.deepcopy(base.data)
    data["warehouse"].update(path=str(db), secret_file=str(db.parent / "secret"))
    con = warehouse.connect(Config(data=data, root=base.root))
    sizes = fill(con, scale)
    con.close()
    print("rows:", ", ".join(f"{k} {v:,}" for k, v in sizes.items()))
    return "2026-04-01", "2026-06-30"


def from_the_fits(done: subprocess.CompletedProcess) -> dict[str, dict]:
    """The KPIs that read a CLV fit. The others may differ in the last digit between runs: DuckDB's
    parallel sums."""
    return {k["id"]: k for k in json.loads(done.stdout) if k["family"] in ("clv", "clv_model")}


def differences(first: subprocess.CompletedProcess, second: subprocess.CompletedProcess) -> dict[str, dict]:
    pairs = zip(json.loads(first.stdout), json.loads(second.stdout), strict=True)
    return {a["id"]: {k: (a[k], b[k]) for k in a if a[k] != b[k]} for a, b in pairs if a != b}


def stored_fits(db: Path) -> int:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select count(*) from clv_fits").fetchall()[0][0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--scale", type=float, help="bench/kpis.py's synthetic warehouse instead of the demo")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        pristine = Path(folder) / "pristine.duckdb"
        env = {**os.environ, "LEGAME_SECRET": "bench"}
        env.pop("LEGAME_DB", None)
        start, end = synthetic_warehouse(pristine, args.scale) if args.scale else demo_warehouse(pristine, env)
        db = Path(folder) / "bench.duckdb"
        env["LEGAME_DB"] = str(db)
        kpis = [sys.executable, "-m", "legame", "kpis", "--from", start, "--to", end, "--json"]
        baseline, fitting, reading = [], [], []
        for _ in range(args.rounds):
            shutil.copy(pristine, db)
            assert stored_fits(db) == 0
            baseline.append(run([sys.executable, "-c", BASELINE, str(db)], env)[0])
            first, fitted = run(kpis, env)
            fits = stored_fits(db)
            second, read = run(kpis, env)
            baseline.append(run([sys.executable, "-c", BASELINE, str(db)], env)[0])
            if from_the_fits(read) != from_the_fits(fitted):
                raise SystemExit(f"the process reading the stored fits gave other KPIs: {differences(fitted, read)}")
            fitting.append(first)
            reading.append(second)
        base_t, first_t, second_t = (statistics.median(t) for t in (baseline, fitting, reading))
        print(f"kpis --from {start} --to {end} --json, whole processes, median of {args.rounds} rounds")
        print(f"baseline (duckdb + 3 full scans)    : {base_t:6.3f} s")
        print(f"first run (fits {fits} dates, stores them) :{first_t:6.3f} s   ratio {first_t / base_t:5.2f}x")
        print(f"second run (reads the stored fits)  : {second_t:6.3f} s   ratio {second_t / base_t:5.2f}x")
        print(f"second / first                      : {second_t / first_t:6.2f}    (identical CLV KPIs)")


if __name__ == "__main__":
    main()
