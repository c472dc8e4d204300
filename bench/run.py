"""Every performance figure of DESIGN.md's budget in one run, each against its same-run baseline.

Usage, from a fresh clone (the app's requirements installed):

    python bench/run.py --size smoke|1M|5M|20M

The size is the number of community interactions (people, orders and posts scale with it, as in
bench/kpis.py; the ingest file has as many rows). Figures, each a ratio to a baseline timed in the
same run, so that they travel across machines:

- ingest: Legame's load (and reload) of one CSV vs DuckDB's read_csv into a table (bench/ingest.py);
- board KPIs: a quarter and its comparison, first run and warm, vs three full scans (bench/kpis.py);
- kpis CLI: `python -m legame kpis --json` as a whole process vs a process running three full scans;
- CLV fit: BG/NBD + Gamma-Gamma from a warehouse (bench/clv_fit.py), vs lifetimes when it is installed
  (bench/requirements.txt), else against the 1 s budget alone;
- browser: the first KPI card in headless Chromium, warm and on the first visit after the server started,
  vs the trivial Streamlit app (bench/trivial_app.py) in the same run (bench/browser.py), on the demo data
  and on the warehouse of the size (not at smoke); --no-browser leaves it out;
- peak RSS of each stage: the ingest, the fill (the bench's warehouse written straight in SQL, aggregates
  built), the board (that warehouse opened and read as the app reads it; the CLI processes it starts), the
  raw rows (the board from the raw tables, the path before the aggregates, which the app never takes) and
  the CLV fit each run in a process of their own, as the product runs a load, a board and a fit, so the
  peak names the stage it belongs to (the browser figure's stage: its app servers and Chromium).
For the server under concurrent sessions, run bench/load.py (N = 1, 20, 50 websocket sessions).
`smoke` is tiny and runs in CI (tests/test_bench_run.py) so the scripts cannot rot; its timings mean nothing.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

if __name__ == "__mp_main__":
    # A stage's spawned process runs this file before it becomes __main__; DuckDB, imported meanwhile, takes
    # a __main__ with no __file__ for an interactive session and would print its progress bars in the output.
    sys.modules["__main__"].__file__ = __file__

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import browser  # noqa: E402  (bench/ is on sys.path above)
import clv_fit  # noqa: E402
import ingest  # noqa: E402
import kpis  # noqa: E402

from legame import clv, warehouse  # noqa: E402

# Interactions per size; the ingest file has as many rows, and the CLV fit a customer per 5 interactions
# (DESIGN.md's budget is for 1 M customers: no more are fitted).
SIZES = {"smoke": 10_000, "1M": 1_000_000, "5M": 5_000_000, "20M": 20_000_000}
REPEAT = {"smoke": 1, "1M": 3, "5M": 2, "20M": 1}
# What a run prints, one line each (tests/test_bench_run.py checks the smoke run prints them all).
FIGURES = (
    "ingest load",
    "ingest reload",
    "board KPIs first run",
    "board KPIs warm",
    "board KPIs warm, raw rows",
    "kpis CLI process",
    "CLV fit",
    "browser first card warm, demo",
    "browser first card first visit, demo",
    "peak RSS",
)
THREE_SCANS = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
for table in ("people", "interactions", "orders"):
    con.execute(f"select count(distinct person_id) from {table}").fetchall()
"""


def line(name: str, seconds: float, baseline: float | None, against: str, budget: str = "") -> None:
    ratio = f"ratio {seconds / baseline:6.2f}x" if baseline else "ratio     n/a"
    base = f"{baseline:8.3f} s" if baseline is not None else "       n/a"
    print(f"{name:<36}: {seconds:8.3f} s   {against:<24}: {base}   {ratio}   {budget}".rstrip())


def process_seconds(argv: list[str], env: dict[str, str], repeat: int) -> float:
    """The best wall time of `repeat` runs of a whole process (imports and start-up included)."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(argv, cwd=ROOT, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return min(times)


def bench_ingest(folder: Path, rows: int, repeat: int) -> None:
    t = ingest.measure(folder, rows, repeat)
    base = t["baseline"][0]
    line("ingest load", t["load"][0], base, "duckdb read_csv CTAS", "(budget 1.5x)")
    line("ingest reload", t["reload"][0], base, "duckdb read_csv CTAS", "(budget 1.5x)")
    for name in ("legame.duckdb", "legame.duckdb.wal", "baseline.duckdb", "interactions.csv"):
        (folder / name).unlink(missing_ok=True)


def bench_fill(folder: Path, interactions: int) -> None:
    """A warehouse of `interactions` rows, written straight in SQL with its aggregates (no figure)."""
    con = warehouse.connect(kpis.bench_config(folder))
    started = time.perf_counter()
    sizes = kpis.fill(con, interactions / 5_000_000)
    filled = time.perf_counter() - started
    con.close()
    print(f"warehouse: {', '.join(f'{k} {v:,}' for k, v in sizes.items())} (filled, aggregates built: {filled:.1f} s)")


def bench_board(folder: Path, repeat: int) -> Path:
    """The board KPIs and the kpis CLI on the warehouse bench_fill wrote, opened as the app opens it; returns
    the warehouse's file."""
    config = kpis.bench_config(folder)
    con = warehouse.connect(config)
    t = kpis.measure(con, config, repeat=max(repeat, 7), raw_repeat=0)
    con.close()
    base = t["baseline"]
    line("board KPIs first run", t["cold"], base, "three full scans", "(includes the CLV fits)")
    line("board KPIs warm", t["warm"], base, "three full scans", "(budget 0.1 s at 5 M, 0.3 s at 20 M)")
    # On a machine others share the wall time is theirs too: the board's CPU (both cores count) is the figure to
    # compare between runs (bench/kpis_ab.py compares two versions so).
    print(f"{'  its CPU (median)':<36}: {t['warm_cpu']:8.3f} s   (both cores count)")

    db = str(warehouse.database_path(config))
    env = {**os.environ, "LEGAME_DB": db, "LEGAME_SECRET": "bench"}
    period = ("--from", kpis.QUARTER.start.isoformat(), "--to", kpis.QUARTER.end.isoformat())
    cli = process_seconds([sys.executable, "-m", "legame", "kpis", *period, "--json"], env, repeat)
    scans = process_seconds([sys.executable, "-c", THREE_SCANS, db], env, repeat)
    line("kpis CLI process", cli, scans, "three-scan process", "(budget 2x)")
    return Path(db)


def bench_raw(folder: Path, repeat: int) -> None:
    """The board from the raw rows (the path before the aggregates, which the app never takes), in a process of its
    own: at 20 M it holds far more memory than the app's board, and its peak RSS is not the app's; after it, the
    aggregates a board in the same process reads would have been pushed out of DuckDB's cache."""
    config = kpis.bench_config(folder)
    con = warehouse.connect(config)
    base = statistics.median(kpis.timed(lambda: kpis.three_scans(con)) for _ in range(max(repeat, 3)))
    raw = kpis.raw_boards(con, config, repeat=max(repeat, 3))
    con.close()
    name = "board KPIs warm, raw rows"
    if raw is None:
        print(f"{name:<36}: out of memory under the warehouse's cap (the path before the aggregates)")
    else:
        line(name, raw, base, "three full scans", "(the path before the aggregates)")


def bench_browser(db: Path | None, label: str, repeat: int) -> None:
    """The first KPI card in Chromium, Legame on `db` (None: the demo) vs the trivial app, same run."""
    t = browser.run(db, repeat)
    for name, kind, budget in (("warm", "warm", "1.3x"), ("first visit", "first", "2x")):
        line(
            f"browser first card {name}, {label}",
            t["legame"][kind],
            t["trivial"][kind],
            "trivial Streamlit app",
            f"(budget {budget})",
        )


def bench_browsers(db: Path, size: str, repeat: int) -> None:
    """The browser figures on the demo, and on the warehouse of the size (not at smoke)."""
    bench_browser(None, "demo", repeat)
    if size != "smoke":
        bench_browser(db, size, repeat)


def bench_clv(customers: int, repeat: int) -> None:
    orders = clv_fit.warehouse_orders(customers, seed=11)
    with duckdb.connect() as con:
        con.register("generated", orders)
        con.execute(
            "create table orders as select row_number() over ()::varchar as order_id, "
            "'c' || customer as person_id, ordered_at::timestamp as ordered_at, revenue, "
            "null::varchar as channel, null::varchar as campaign, false as is_refund from generated"
        )
        seconds, _ = clv_fit.best_of(repeat, lambda: clv.fit_clv(con, "1997-09-30", "week"))
    try:
        import lifetimes  # noqa: F401  (only bench/requirements.txt installs it)
    except ImportError:
        line("CLV fit", seconds, None, "lifetimes: not installed", f"({customers:,} customers; budget 1 s)")
        return
    data = clv_fit.simulated_summary(customers, seed=customers)
    ours, _ = clv_fit.best_of(repeat, lambda: clv_fit.fit_ours(data))
    theirs, _ = clv_fit.best_of(1, lambda: clv_fit.fit_lifetimes(data))
    line("CLV fit", seconds, None, "(no baseline)", f"({customers:,} customers, both models; budget 1 s)")
    line("CLV fit, BG/NBD alone", ours, theirs, "lifetimes BetaGeoFitter", "(goal: ours >= 100x faster)")


def peak_rss_mb() -> tuple[float, float]:
    """(this process, the largest of the processes it ran): ru_maxrss is in KiB on Linux, and the children's
    is the largest of the processes this one waited for (the app servers, the CLI, their browsers)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return own / 1024, children / 1024


def _stage_child(queue, fn, args: tuple) -> None:
    """In a spawned process: run one stage, flush what it printed, and send back its result and peak RSS."""
    result, error = None, None
    try:
        result = fn(*args)
    except BaseException as exc:  # the parent raises it, with the stage's name
        error = f"{type(exc).__name__}: {exc}"
        raise
    finally:
        sys.stdout.flush()
        queue.put((result, error, peak_rss_mb()))


def stage(name: str, fn, *args, peaks: dict[str, float]):
    """`fn(*args)` in a fresh process (spawned: nothing inherited from this one's memory); its peak RSS, the
    larger of its own and its children's, goes into `peaks` under `name`."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_stage_child, args=(queue, fn, args))
    process.start()
    result, error, (own, children) = queue.get()
    process.join()
    if error is not None or process.exitcode != 0:
        raise SystemExit(f"bench stage {name!r} failed: {error or f'exit code {process.exitcode}'}")
    peaks[name] = max(own, children)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=list(SIZES), default="smoke")
    parser.add_argument("--no-browser", action="store_true", help="leave out the browser figure (no Chromium)")
    args = parser.parse_args()
    interactions, repeat = SIZES[args.size], REPEAT[args.size]
    print(f"bench/run.py --size {args.size}: {interactions:,} interactions, {date.today()}, {os.cpu_count()} cores")
    peaks: dict[str, float] = {}
    sys.stdout.flush()
    with tempfile.TemporaryDirectory() as folder:
        stage("ingest", bench_ingest, Path(folder), interactions, repeat, peaks=peaks)
        stage("fill", bench_fill, Path(folder), interactions, peaks=peaks)
        db = stage("board", bench_board, Path(folder), repeat, peaks=peaks)
        stage("raw rows", bench_raw, Path(folder), repeat, peaks=peaks)
        if not args.no_browser:
            stage("app servers, Chromium", bench_browsers, db, args.size, max(repeat, 3), peaks=peaks)
    stage("CLV fit", bench_clv, min(interactions // 5, 1_000_000), repeat, peaks=peaks)
    parts = ", ".join(f"{name} {mb:.0f} MB" for name, mb in peaks.items())
    print(f"{'peak RSS':<36}: {max(peaks.values()):8.0f} MB  (budget 2048 MB; {parts})")


if __name__ == "__main__":
    main()
