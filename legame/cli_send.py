"""`python -m legame send`: the board pack PDF by e-mail, with the headline, the KPIs not on track and what
changed in the message itself, for a Monday-morning cron line. `--dry-run` writes the `.eml` instead.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from legame import cli_check, warehouse
from legame.cli import _date
from legame.config import load_config
from legame.errors import LegameError
from legame.i18n import _


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register `send`."""
    parser = subparsers.add_parser(
        "send",
        help=_("e-mail the board pack PDF with its headline, the KPIs off track and what changed"),
        description=_(
            "Builds the board pack for a period counted back from the latest day with data (or --from/--to) and "
            "e-mails it through the SMTP server of config.yaml (smtp:), each setting overridable by "
            "LEGAME_SMTP_HOST, LEGAME_SMTP_PORT, LEGAME_SMTP_USER and LEGAME_SMTP_FROM; the password only from "
            "LEGAME_SMTP_PASSWORD. --dry-run writes the message as an .eml file instead of sending it."
        ),
    )
    parser.add_argument("--to", required=True, metavar="ADDRESS[,ADDRESS]", help=_("the recipients"))
    parser.add_argument("--period", choices=list(cli_check.PERIODS), default="last-month")
    parser.add_argument("--from", dest="start", type=_date, metavar="YYYY-MM-DD", help=_("instead of --period"))
    parser.add_argument("--to-date", dest="end", type=_date, metavar="YYYY-MM-DD", help=_("with --from"))
    parser.add_argument("--compare", choices=["previous", "year"], default="previous")
    parser.add_argument("--dry-run", action="store_true", help=_("write the message to an .eml file, send nothing"))
    parser.add_argument("--out", type=Path, metavar="FILE.eml", help=_("where --dry-run writes (default: here)"))
    parser.set_defaults(run=_run)
    return parser


def _run(args: argparse.Namespace) -> int:
    from legame import mail
    from legame.board import anchor_date, build
    from legame.boardpack import board_pack_pdf
    from legame.kpis import Period, preset

    config = load_config()  # the language (--lang, LEGAME_LANG, config.yaml) is set by legame.cli.main
    to = mail.recipients(args.to)
    smtp = None if args.dry_run else mail.Smtp.from_config(config)  # refused before any work when unset
    if (args.start is None) != (args.end is None):
        raise LegameError(_("Give both --from and --to-date, or neither (then --period counts back)."))
    con = warehouse.connect(config)
    period = (
        Period.custom(args.start, args.end) if args.start else preset(cli_check.PERIODS[args.period], anchor_date(con))
    )
    board = build(con, config, period, args.compare)
    found = [f for f in cli_check.findings(board.kpis, config) if f.counts]
    judged = sum(k.target is not None and k.status is not None for k in board.kpis)
    pdf = board_pack_pdf(board, config, headline=board.headline)
    text = mail.body(
        board.headline, [f.line for f in found], [k.sentence for k in board.what_changed()], period.label, judged
    )
    stem = re.sub(r"[^0-9A-Za-z]+", "-", f"legame {period.start} {period.end}").strip("-").lower()
    subject = _("Board pack: {period}", period=period.label)
    if args.dry_run:
        sender = mail.Smtp("", 0, False, None, None, config.get("smtp", "from", default="legame@localhost"))
        message = mail.compose(sender, to, subject, text, pdf, f"{stem}.pdf")
        out = args.out or Path(f"{stem}.eml")
        out.write_bytes(bytes(message))
        print(_("{file}: the message to {to}, not sent (--dry-run).", file=out, to=", ".join(to)))
        return 0
    message = mail.compose(smtp, to, subject, text, pdf, f"{stem}.pdf")
    mail.deliver(message, smtp)
    print(_("Board pack for {period} sent to {to}.", period=period.label, to=", ".join(to)))
    return 0
