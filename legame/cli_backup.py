"""`python -m legame rebuild` and `python -m legame backup --out FILE` (legame/backup.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

from legame import warehouse
from legame.config import load_config


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register `rebuild` and `backup`."""
    rebuild = subparsers.add_parser(
        "rebuild",
        help="recreate the warehouse from the raw archive (data/raw/), keeping the old file beside it",
        description="Replay every upload of the loads log from the encrypted raw archive into a new warehouse "
        "file, carry the share links over, and swap it in only when every upload loaded. Needs the app stopped.",
    )
    rebuild.set_defaults(run=_rebuild)
    backup = subparsers.add_parser(
        "backup",
        help="write a consistent copy of the warehouse to a new DuckDB file",
        description="Copy every table into a new DuckDB file. While the app runs it holds the file: use the "
        "Share page's Back up the data instead, which does the same through the app's connection.",
    )
    backup.add_argument("--out", type=Path, required=True, metavar="FILE")
    backup.set_defaults(run=_backup)


def _rebuild(args: argparse.Namespace) -> int:
    from legame.backup import rebuild

    for line in rebuild(load_config()).lines():
        print(line)
    return 0


def _backup(args: argparse.Namespace) -> int:
    from legame.backup import backup

    con = warehouse.connect(load_config(), read_only=True)
    try:
        counts = backup(con, args.out)
    finally:
        con.close()
    print(f"{args.out}: " + ", ".join(f"{table} {count:,}" for table, count in counts.items() if count))
    return 0
