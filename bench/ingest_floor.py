"""The least a first load can cost while its aggregates are refreshed inside its transaction (issue #15 item 1).

Usage: .venv/bin/python bench/ingest_floor.py [--rows 5000000] [--repeat 3]
On bench/ingest.py's file, in one process, against DuckDB's read_csv into a table (the ingest budget's 1x),
each the best of `repeat` rounds: the work no first load can skip, each part done the cheapest way DuckDB
knows, with none of Legame's validation, normalising or bookkeeping:
- read_csv into a table: the baseline, and the file's rows stored;
- the person ids: a salted sha256 of each distinct email (DESIGN.md: emails are stored only so hashed);
- the person-day grouping with the previous day of each person's acts: the least agg_interaction_days can be,
  since "active" and "new" count distinct people in any period (KPIS.md) and must equal the raw rows exactly.
The sum of the three ratios is a floor for bench/ingest.py's first-load ratio on this file.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest import make_csv  # bench/ingest.py: the file its budget is measured on

PARTS = {
    "read_csv into a table (1x)": "create table t as select * from read_csv($path, header = true)",
    "person ids: sha256 of each distinct email": (
        "create table ids as select email, left(sha256('salt' || lower(email)), 24) as person_id "
        "from (select distinct email from t)"
    ),
    "person-day grouping + previous day": (
        "create table days as select *, lag(day) over (partition by email order by day, first_at) as prev_day "
        "from (select occurred_at::date as day, email, channel, count(*) as acts, min(occurred_at) as first_at "
        "from t group by all)"
    ),
}


def measure(folder: Path, rows: int, repeat: int) -> dict[str, float]:
    """CPU seconds (every thread) of each part, the best of `repeat` rounds on a fresh database."""
    csv = folder / "interactions.csv"
    make_csv(csv, rows)
    best = dict.fromkeys(PARTS, float("inf"))
    for _ in range(repeat):
        (folder / "floor.duckdb").unlink(missing_ok=True)
        con = duckdb.connect(str(folder / "floor.duckdb"))
        for label, sql in PARTS.items():
            cpu = time.process_time()
            con.execute(sql, {"path": str(csv)} if "$path" in sql else {})
            best[label] = min(best[label], time.process_time() - cpu)
        con.close()
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        cpu = measure(Path(folder), args.rows, args.repeat)
    base = next(iter(cpu.values()))
    print(f"{args.rows:,} rows, CPU seconds (best of {args.repeat}), ratio to read_csv into a table")
    for label, seconds in cpu.items():
        print(f"  {label:44s} {seconds:6.2f} s  {seconds / base:4.2f}x")
    floor = sum(cpu.values())
    print(f"  {'floor of a first load (sum; budget 1.5x)':44s} {floor:6.2f} s  {floor / base:4.2f}x")


if __name__ == "__main__":
    main()
