"""Board KPIs of two code versions, A/B on the same data: which is cheaper, measured in CPU, interleaved.

On a machine others share, two bench/kpis.py runs one after the other compare two moments of the machine more
than two versions of the code. Here each version runs in a process of its own, on a warehouse its own
bench/kpis.py fill() built (same rows; a version may keep other aggregate columns), and the two take turns:
A B B A, then B A A B, for --rounds rounds. Each turn computes the board (legame.kpis.compute) for three uncached
quarters and their comparisons, then each family's query alone; the CPU time of the process is the figure (both
cores count), the wall time is shown beside it.
Usage: .venv/bin/python bench/kpis_ab.py --old 45f7a29 [--new WORKTREE] [--scale 1.0] [--rounds 4]
       [--channel community] [--keep DIR]
--old: a git revision of this repository (exported with git archive); --new: a folder holding the code (this
checkout by default). --keep: build the warehouses there once and reuse them (at 5 M a fill takes minutes).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUARTERS = (
    (date(2026, 4, 1), date(2026, 6, 30)),  # bench/kpis.py's
    (date(2025, 7, 1), date(2025, 9, 30)),
    (date(2026, 1, 1), date(2026, 3, 31)),
)


def worker(code: Path, folder: Path, scale: float) -> None:
    """One version's side: fill its warehouse if missing, then answer each request on stdin with a JSON line."""
    sys.path[:0] = [str(code), str(code / "bench")]
    import kpis as bench  # that version's bench/kpis.py

    from legame import queries, warehouse
    from legame.kpis import Period, compute
    from legame.kpis.params import channel_map, query_params
    from legame.kpis.registry import KPIS, MODEL_FAMILIES

    config = bench.bench_config(folder)
    fresh = not Path(config.get("warehouse", "path")).exists()
    folder.mkdir(parents=True, exist_ok=True)
    con = warehouse.connect(config)
    if fresh:
        bench.fill(con, scale)
    periods = [Period(*q) for q in QUARTERS]
    compute(con, config, periods[0])  # warm: the CLV fits, the relations' first plans
    print(json.dumps({"ready": True}), flush=True)
    families = sorted({k.family for k in KPIS.values()} - MODEL_FAMILIES)
    for line in sys.stdin:
        filters = json.loads(line)
        boards = []
        for period in periods:
            wall, cpu = time.perf_counter(), time.process_time()
            compute(con, config, period, filters=filters)
            boards.append((time.perf_counter() - wall, time.process_time() - cpu))
        channels = channel_map(con, config)
        each: dict[str, float] = {}
        for family in families:
            cpu = time.process_time()
            for period in periods:
                queries.run(con, family, **query_params(config, period, filters, channels))
            each[family] = (time.process_time() - cpu) / len(periods)
        print(json.dumps({"boards": boards, "families": each}), flush=True)


def export(revision: str, into: Path) -> Path:
    """The repository's files at `revision`, in a folder of their own (no worktree is registered)."""
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old")
    parser.add_argument("--new", type=Path, default=ROOT)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--channel")
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--worker", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker, args.scale)
        return
    if not args.old:
        parser.error("--old is required")
    with tempfile.TemporaryDirectory() as scratch:
        data = args.keep or Path(scratch)
        code = {"old": export(args.old, Path(scratch) / "old"), "new": args.new.resolve()}
        sides = {
            name: subprocess.Popen(
                [sys.executable, __file__, "--scale", str(args.scale), "--worker", str(path), str(data / name)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for name, path in code.items()
        }
        for side in sides.values():
            json.loads(side.stdout.readline())
        filters = {"channel": args.channel} if args.channel else {}
        boards: dict[str, list[tuple[float, float]]] = {name: [] for name in sides}
        families: dict[str, list[dict[str, float]]] = {name: [] for name in sides}
        for turn in range(args.rounds):
            order = ["old", "new"] if turn % 2 == 0 else ["new", "old"]
            for name in order + order[::-1]:
                sides[name].stdin.write(json.dumps(filters) + "\n")
                sides[name].stdin.flush()
                answer = json.loads(sides[name].stdout.readline())
                boards[name] += [tuple(b) for b in answer["boards"]]
                families[name].append(answer["families"])
        for side in sides.values():
            side.stdin.close()
            side.wait()
    print(f"view: {filters or 'unfiltered'}; {len(boards['new'])} boards per version, turns interleaved")
    for name in ("old", "new"):
        cpu, wall = [c for _, c in boards[name]], [w for w, _ in boards[name]]
        print(
            f"{name}: board CPU median {statistics.median(cpu):.3f} s (least {min(cpu):.3f}), "
            f"wall median {statistics.median(wall):.3f} s (least {min(wall):.3f})"
        )
        each = {f: statistics.median(run[f] for run in families[name]) for f in families[name][0]}
        print("   per family, CPU median:", ", ".join(f"{f} {s * 1000:.1f} ms" for f, s in each.items()))
    ratio = statistics.median(c for _, c in boards["new"]) / statistics.median(c for _, c in boards["old"])
    print(f"new / old, board CPU medians: {ratio:.2f}")


if __name__ == "__main__":
    main()
