"""`python -m legame boardpack`: write the board pack PDF for a period, as the board page's download does.

Plotly, kaleido and reportlab are imported only when the command runs, so the other commands start quickly.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from legame import warehouse
from legame.cli import _date
from legame.config import load_config
from legame.i18n import _


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register `boardpack`."""
    parser = subparsers.add_parser(
        "boardpack",
        help=_("write the board pack PDF for a period"),
        description=_(
            "A few pages for a board meeting: cover, KPI table with status, charts, definitions. "
            "Charts are drawn offline by Chromium ($BROWSER_PATH, else /usr/bin/chromium)."
        ),
    )
    parser.add_argument("--from", dest="start", type=_date, required=True, metavar="YYYY-MM-DD")
    parser.add_argument("--to", dest="end", type=_date, required=True, metavar="YYYY-MM-DD")
    parser.add_argument("--compare", choices=["previous", "year"], default="previous")
    parser.add_argument("--channel", help=_("only this channel (KPIs that cannot be split by channel say so)"))
    parser.add_argument("--campaign", help=_("only this campaign (KPIs that cannot be split by campaign say so)"))
    parser.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    parser.set_defaults(run=_run)
    return parser


def _run(args: argparse.Namespace) -> int:
    from legame.board import build
    from legame.boardpack import board_pack_pdf
    from legame.kpis import Period

    config = load_config()
    con = warehouse.connect(config)
    filters = {"channel": args.channel, "campaign": args.campaign}
    board = build(con, config, Period(args.start, args.end), args.compare, filters)
    pdf = board_pack_pdf(board, config, headline=board.headline, filters=filters)
    args.out.write_bytes(pdf)
    print(
        _("{out}: board pack for {period}, {size} KB", out=args.out, period=board.period.label, size=len(pdf) // 1024)
    )
    return 0
