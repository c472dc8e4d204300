"""`python -m legame forget EMAIL`: erase a person from every table and from the raw archive (legame/forget.py)."""

from __future__ import annotations

import argparse

from legame import warehouse
from legame.config import load_config
from legame.i18n import _


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register `forget`."""
    parser = subparsers.add_parser(
        "forget",
        help=_("erase a person (by e-mail address) from every table and from the raw archive"),
        description=_(
            "Erase everything held about one person, found by their e-mail address: their rows in every table, "
            "mentions of them in others' rows, rejected values holding the address, and their lines in every "
            "archived upload. The loads log records that an erasure happened, never the address. "
            "Needs the app stopped."
        ),
    )
    parser.add_argument("email", metavar="EMAIL")
    parser.set_defaults(run=_run)
    return parser


def _run(args: argparse.Namespace) -> int:
    from legame.forget import forget

    config = load_config()
    con = warehouse.connect(config)
    try:
        erasure = forget(con, config, args.email)
    finally:
        con.close()
    for line in erasure.lines():
        print(line)
    return 0
