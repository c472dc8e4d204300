"""Where a first load's time goes: each SQL statement of one load, with its wall and CPU seconds.

Usage: .venv/bin/python bench/ingest_profile.py [--rows 1000000] [--top 15]
Writes bench/ingest.py's canonical interactions file, loads it into a fresh warehouse and lists the
statements by CPU seconds (every thread of the process; on a shared machine they vary less than wall),
then the time outside SQL (Python: sniffing, hashing). The archive is written on a thread of its own
while the aggregates are refreshed: its CPU seconds count in the statements it overlaps. The statements
are timed through a thin wrapper of the connection, which the pipeline takes like any connection.
Last, the process's peak RSS and the most DuckDB spilled at once under the load's memory cap (the size of
the warehouse's temporary folder, polled every 20 ms), with the statement running then.
"""

from __future__ import annotations

import argparse
import copy
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest import make_csv  # bench/ingest.py

from legame import warehouse
from legame.config import Config, load_config
from legame.ingest import load_file


class Timed:
    """A connection whose `execute` notes each statement's wall and CPU seconds in `spent`."""

    running = ""  # the statement last begun

    def __init__(self, con, spent: list[tuple[float, float, str]]) -> None:
        self._con, self._spent = con, spent

    def __getattr__(self, name: str):
        return getattr(self._con, name)

    def execute(self, sql: str, *args, **kwargs):
        started, cpu = time.perf_counter(), time.process_time()
        Timed.running = sql
        result = self._con.execute(sql, *args, **kwargs)
        self._spent.append((time.perf_counter() - started, time.process_time() - cpu, " ".join(sql.split())))
        return result

    def cursor(self) -> Timed:
        return Timed(self._con.cursor(), self._spent)

    def __enter__(self) -> Timed:
        return self

    def __exit__(self, *exc) -> None:
        self._con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        csv = tmp / "interactions.csv"
        make_csv(csv, args.rows)
        base = load_config()
        data = copy.deepcopy(base.data)
        data["warehouse"].update(path=str(tmp / "legame.duckdb"), raw_dir=str(tmp / "raw"), secret_file=str(tmp / "s"))
        limits = data.setdefault("limits", {})
        limits["upload_mb"] = max(limits.get("upload_mb", 0), csv.stat().st_size // 1_000_000 + 1)
        limits["rows"] = max(limits.get("rows", 0), args.rows)
        config = Config(data=data, root=base.root)
        warehouse.connect(config).close()  # migrations are not part of the load
        spent: list[tuple[float, float, str]] = []
        con = warehouse.connect(config)
        spill = Spill(Path(con.execute("select current_setting('temp_directory')").fetchone()[0]))
        started, cpu = time.perf_counter(), time.process_time()
        with spill:
            load_file(Timed(con, spent), config, csv)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        con.close()
    sql_wall, sql_cpu = sum(s[0] for s in spent), sum(s[1] for s in spent)
    print(f"first load of {args.rows:,} rows: {wall:.2f} s wall, {cpu:.2f} s cpu, {len(spent)} statements")
    print(f"{'wall':>7} {'cpu':>7} {'cpu %':>6}  statement")
    for s_wall, s_cpu, sql in sorted(spent, key=lambda s: -s[1])[: args.top]:
        print(f"{s_wall:7.2f} {s_cpu:7.2f} {100 * s_cpu / cpu:5.1f}%  {sql[:110]}")
    print(f"{sql_wall:7.2f} {sql_cpu:7.2f} {100 * sql_cpu / cpu:5.1f}%  all SQL")
    print(f"{wall - sql_wall:7.2f} {cpu - sql_cpu:7.2f} {100 * (cpu - sql_cpu) / cpu:5.1f}%  outside SQL")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak_mb:,.0f} MB (the CSV written too); most spilled at once {spill.peak / 1e6:,.0f} MB", end="")
    print(f", during: {' '.join(spill.during.split())[:90]}" if spill.peak else "")


class Spill:
    """The most bytes the temporary folder held at once while in use (polled), and the statement then running."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.peak, self.during = folder, 0, ""
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        while not self._done.wait(0.02):
            try:
                size = sum(f.stat().st_size for f in self.folder.iterdir())
            except OSError:  # absent until DuckDB first spills, or a file gone while listed
                continue
            if size > self.peak:
                self.peak, self.during = size, Timed.running

    def __enter__(self) -> Spill:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        self._thread.join()


if __name__ == "__main__":
    main()
