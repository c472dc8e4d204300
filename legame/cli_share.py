"""`python -m legame share create|list|revoke|rotate-secret` and `admin set-password`.

The same functions as the app's Share page (legame/share.py). Creating, listing and revoking
open the warehouse, so they need the app stopped; `rotate-secret` and `set-password` only
write a local file and work while the app runs.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
from datetime import UTC, date, datetime

import duckdb

from legame import i18n, share, warehouse
from legame.channels import Taxonomy
from legame.config import Config, load_config
from legame.errors import DatabaseBusy, LegameError
from legame.fmt import NumberFormat
from legame.i18n import _, pgettext
from legame.kpis.period import COMPARISONS, Period, preset

DEFAULT_PERIOD = "last_quarter"  # as on the board


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register `share` and its subcommands."""
    parser = subparsers.add_parser("share", help=_("read-only links: create, list, revoke, cancel all"))
    commands = parser.add_subparsers(dest="share_command", required=True)

    create = commands.add_parser(
        "create",
        help=_("create a link and print its id and URL"),
        description=_(
            "Create a read-only link to some pages, pinned to a period, comparison and filters, "
            "and to the language it is made in (--lang)."
        ),
    )
    create.add_argument("--label", required=True, help=_("for you, to tell links apart (e.g. 'Q3 board')"))
    create.add_argument("--days", type=int, help=_("how many days it opens (default: share.default_days)"))
    create.add_argument(
        "--pages",
        default="board",
        help=_("comma-separated, among {pages} (default: board)", pages=",".join(share.PAGES)),
    )
    create.add_argument("--from", dest="start", type=_day, metavar="YYYY-MM-DD", help=_("default: the last quarter"))
    create.add_argument("--to", dest="end", type=_day, metavar="YYYY-MM-DD")
    create.add_argument("--compare", choices=list(COMPARISONS), default="previous")
    create.add_argument("--channel", help=_("show this channel only"))
    create.add_argument("--campaign", help=_("show this campaign only"))
    create.add_argument("--password", action="store_true", help=_("ask for a password the link's holders must type"))
    create.add_argument(
        "--snapshot",
        action="store_true",
        help=_("freeze the numbers as of now: the link keeps showing them after new data is loaded"),
    )
    create.add_argument("--json", action="store_true", help=_("print the link's id, URL and expiry as JSON"))
    create.set_defaults(run=_create)

    listing = commands.add_parser("list", help=_("every link with its status and usage"))
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(run=_list)

    revoke = commands.add_parser("revoke", help=_("stop a link opening, from the next request on"))
    revoke.add_argument("link_id", metavar="ID")
    revoke.set_defaults(run=_revoke)

    rotate = commands.add_parser("rotate-secret", help=_("replace the signing secret: every link stops opening"))
    rotate.set_defaults(run=_rotate)
    return parser


def add_admin_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register `admin set-password`."""
    parser = subparsers.add_parser("admin", help=_("the admin password"))
    commands = parser.add_subparsers(dest="admin_command", required=True)
    set_password = commands.add_parser(
        "set-password", help=_("ask for the admin password and store it hashed in share.admin_password_file")
    )
    set_password.set_defaults(run=_set_password)
    return parser


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("{text} is not a date in the form YYYY-MM-DD", text=repr(text))) from None


def _open(config: Config) -> duckdb.DuckDBPyConnection:
    try:
        return warehouse.connect(config)
    except DatabaseBusy:
        if warehouse.location(config).is_lake:
            raise  # a shared warehouse is never held by the app: its message says why it cannot be opened
        raise LegameError(
            _(
                "The database {path} is in use by the running app: manage links on its Share page, or stop it first.",
                path=warehouse.database_path(config),
            )
        ) from None


def _period(con: duckdb.DuckDBPyConnection, args: argparse.Namespace) -> Period:
    if (args.start is None) != (args.end is None):
        raise LegameError(_("Give both --from and --to, or neither (the last quarter)."))
    if args.start is None:
        from legame.board import anchor_date

        return preset(DEFAULT_PERIOD, anchor_date(con))
    return Period(args.start, args.end)


def _new_password() -> str:
    password = getpass.getpass(_("Password: "))
    if password != getpass.getpass(_("Again: ")):
        raise LegameError(_("The two passwords differ; nothing was stored."))
    return password


def _create(args: argparse.Namespace) -> int:
    config = load_config()
    password = _new_password() if args.password else None
    Taxonomy.from_config(config).check(args.channel)
    con = _open(config)
    try:
        period = _period(con, args)
        view = share.View(
            tuple(p.strip() for p in args.pages.split(",") if p.strip()),
            period.start,
            period.end,
            args.compare,
            args.channel,
            args.campaign,
            lang=i18n.current(),
            snapshot=args.snapshot,
        )
        days = share.default_days(config) if args.days is None else args.days
        link, url = share.create_link(con, config, label=args.label, view=view, days=days, password=password)
    finally:
        con.close()
    if args.json:
        frozen = {"numbers_as_of": _utc(link.created_at)} if view.snapshot else {}
        print(json.dumps({"id": link.id, "url": url, "expires": _utc(link.expires_at), **frozen}))
    else:
        labels = Taxonomy.from_config(config).all_labels
        print(_("Link {id} ({label}): {shows}", id=link.id, label=link.label, shows=view.describe(labels)))
        if view.snapshot:
            print(_("Numbers as of {moment}, kept with the link.", moment=_moment(config, link.created_at)))
        print(_("Opens until {moment}:", moment=_moment(config, link.expires_at)))
        print(url)
    return 0


def _utc(moment: datetime | None) -> str | None:
    return None if moment is None else moment.replace(tzinfo=UTC).isoformat()


def _moment(config: Config, moment: datetime) -> str:
    """A stored moment (naive UTC) as the reader reads it, in config.yaml's time zone: '30 set 2026, 12:14 CEST'."""
    return NumberFormat.for_reader(config).datetime(moment.replace(tzinfo=UTC))


def _list(args: argparse.Namespace) -> int:
    config = load_config()
    con = _open(config)
    try:
        found = share.links(con)
    finally:
        con.close()
    current = share.secret_id(share.link_secret(config))
    if args.json:
        rows = [
            {
                "id": link.id,
                "label": link.label,
                "status": link.status(current_secret_id=current),
                "view": link.view.as_dict(),
                "created": _utc(link.created_at),
                "expires": _utc(link.expires_at),
                "revoked": _utc(link.revoked_at),
                "last_opened": _utc(link.last_opened_at),
                "open_count": link.open_count,
            }
            for link in found
        ]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    if not found:
        print(_("No links yet: `python -m legame share create --label ...` makes one."))
        return 0
    header = (
        pgettext("table header", "id"),
        pgettext("table header", "label"),
        pgettext("table header", "status"),
        pgettext("table header", "expires"),
        pgettext("table header", "opens"),
        pgettext("table header", "last opened"),
        pgettext("table header", "shows"),
    )
    fmt = NumberFormat.for_reader(config)
    labels = Taxonomy.from_config(config).all_labels
    rows = [
        (
            link.id,
            link.label,
            share.status_words(link.status(current_secret_id=current)),
            _moment(config, link.expires_at),
            fmt.number(link.open_count),
            _moment(config, link.last_opened_at) if link.last_opened_at else _("never"),
            link.view.describe(labels),
        )
        for link in found
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return 0


def _revoke(args: argparse.Namespace) -> int:
    config = load_config()
    con = _open(config)
    try:
        before = share.get_link(con, args.link_id)
        link = share.revoke(con, args.link_id)
    finally:
        con.close()
    if before is not None and before.revoked_at is not None:
        print(
            _(
                "Link {id} ({label}) was already revoked on {moment}.",
                id=link.id,
                label=link.label,
                moment=_moment(config, link.revoked_at),
            )
        )
    else:
        print(_("Revoked link {id} ({label}): it no longer opens.", id=link.id, label=link.label))
    return 0


def _rotate(args: argparse.Namespace) -> int:
    path = share.rotate_secret(load_config())
    print(_("Wrote a new link-signing secret to {path}: every link made so far no longer opens.", path=path))
    return 0


def _set_password(args: argparse.Namespace) -> int:
    config = load_config()
    path = share.set_admin_password(config, _new_password())
    print(
        _(
            "Stored the admin password, hashed, in {path}. Admin pages ask for it from the next page load.",
            path=path,
        )
    )
    if os.environ.get("LEGAME_ADMIN_PASSWORD"):
        print(_("Note: LEGAME_ADMIN_PASSWORD is set in this environment, and wins over the stored password."))
    return 0
