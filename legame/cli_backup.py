"""`python -m legame rebuild` and `python -m legame backup --out FILE` (legame/backup.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

from legame import warehouse
from legame.config import load_config
from legame.i18n import _


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register `rebuild` and `backup`."""
    rebuild = subparsers.add_parser(
        "rebuild",
        help=_("recreate the warehouse from the raw archive (data/raw/), keeping the old file beside it"),
        description=_(
            "Replay every upload of the loads log from the encrypted raw archive into a new warehouse file, carry "
            "the share links over, and swap it in only when every upload loaded. Needs the app stopped."
        ),
    )
    rebuild.set_defaults(run=_rebuild)
    backup = subparsers.add_parser(
        "backup",
        help=_("write a consistent copy of the warehouse to a new DuckDB file"),
        description=_(
            "Copy every table into a new DuckDB file. While the app runs it holds the file: use the Share page's "
            "Back up the data instead, which does the same through the app's connection."
        ),
    )
    backup.add_argument("--out", type=Path, required=True, metavar="FILE")
    backup.set_defaults(run=_backup)


def _rebuild(args: argparse.Namespace) -> int:
    from legame.backup import rebuild
    from legame.fmt import NumberFormat

    config = load_config()
    for line in rebuild(config).lines(NumberFormat.for_reader(config)):
        print(line)
    return 0


def _backup(args: argparse.Namespace) -> int:
    from legame.backup import backup, table_counts
    from legame.fmt import NumberFormat

    config = load_config()
    con = warehouse.connect(config, read_only=True)
    try:
        counts = backup(con, args.out)
    finally:
        con.close()
    print(_("{out}: {counts}", out=args.out, counts=table_counts(counts, NumberFormat.for_reader(config))))
    return 0
