"""`python -m legame demo`: write the seeded demo exports, or `demo --remove` the demo data from the warehouse.

Writing touches files only; removing opens the warehouse, so it needs the app stopped (or use the
app's Upload page, whose "Remove demo data" button does the same).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from legame import warehouse
from legame.config import load_config
from legame.errors import LegameError
from legame.i18n import _


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register `demo`."""
    parser = subparsers.add_parser(
        "demo",
        help=_("write the seeded demo exports, or --remove the demo data from the warehouse"),
        description=_(
            "Write the seeded demo exports of the fictional brand (default), or remove the demo data loaded on "
            "the first start, keeping every row of yours."
        ),
    )
    parser.add_argument("--out", metavar="DIR", help=_("where to write the exports (default: data/demo)"))
    parser.add_argument("--seed", type=int, help=_("the generator's seed (default: 7)"))
    parser.add_argument(
        "--remove", action="store_true", help=_("remove the demo data from the warehouse, all of it or nothing")
    )
    parser.set_defaults(run=_run)
    return parser


def _run(args: argparse.Namespace) -> int:
    if args.remove:
        if args.out is not None or args.seed is not None:
            raise LegameError(_("demo --remove takes no --out or --seed: it removes, it writes nothing."))
        return _remove()
    from legame.demo import write_demo

    for path in write_demo(Path(args.out or "data/demo"), seed=7 if args.seed is None else args.seed):
        print(path)
    return 0


def _remove() -> int:
    from legame.demo_data import remove_demo

    config = load_config()
    con = warehouse.connect(config)
    try:
        removed = remove_demo(con, config, removed_by="cli")
    finally:
        con.close()
    if removed is None:
        print(_("no demo data to remove"))
        return 0
    for line in removed.lines():
        print(line)
    return 0
