"""The command line: `python -m legame ingest|kpis|demo|clv ...`, calling the same package as the app.

Kept quick to start: it imports neither Streamlit nor Plotly.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from legame import cli_check, i18n, warehouse
from legame.config import load_config
from legame.errors import LegameError
from legame.i18n import N_, _, ngettext, pgettext

# argparse's own words (usage, option groups, its errors), read through argparse's module-level `_`
# and translated in our catalogue while a command runs (see `_argparse_words`).
ARGPARSE_WORDS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("expected one argument"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("%(prog)s: error: %(message)s\n"),
)


def _date(text: str) -> date:
    from legame.kpis.period import FIRST_DAY, LAST_DAY

    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("{text} is not a date in the form YYYY-MM-DD", text=repr(text))) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise argparse.ArgumentTypeError(
            _(
                "{text} is outside the dates Legame works with: pick days between {first} and {last}",
                text=text,
                first=FIRST_DAY,
                last=LAST_DAY,
            )
        )
    return day


def _cmd_ingest(args: argparse.Namespace) -> int:
    from legame.ingest import load_export

    config = load_config()
    con = warehouse.connect(config)
    failed = 0
    for name in args.files:
        path = Path(name)
        if path.suffix.lower() == ".md":
            # `ingest data/demo/*` meets the folder's README: documentation, not an export.
            print(_("{file}: skipped (documentation, not an export)", file=path.name))
            continue
        try:
            if not path.is_file():
                raise LegameError(_("{file}: no such file.", file=name))
            loaded = load_export(con, config, path, commit=not args.preview, remove_demo=not args.keep_demo)
        except LegameError as exc:
            failed += 1
            print(_("{file}: NOT LOADED — {error}", file=path.name, error=exc), file=sys.stderr)
            continue
        for report in loaded.reports:
            for line in report.demo_removed.lines(preview=args.preview) if report.demo_removed else []:
                print(line)
            print(_report_line(report, args.preview))
            for note in report.notes:
                print("  " + _("note: {note}", note=note))
            for reject in report.rejects[: args.show_rejects]:
                print(
                    "  "
                    + _(
                        "row {row}, column {column}, value {value}: {reason}",
                        row=reject["row"],
                        column=repr(reject["column"]) if reject["column"] else "—",  # a whole line
                        value=repr(reject["value"]) if reject["value"] is not None else "—",  # an empty cell
                        reason=reject["reason"],
                    )
                )
        for skipped in loaded.skipped:
            print(f"  {skipped}")
    return 1 if failed else 0


def _report_line(report: Any, preview: bool) -> str:
    """One file's outcome: what it loaded (or, in a preview, would load) into which table."""
    values = {
        "file": report.file_name,
        "table": report.table,
        "new": report.inserted,
        "replaced": report.replaced,
        "unchanged": report.unchanged,
        "rejected": report.rejected,
        "profile": report.profile_label,
    }
    if preview:
        return ngettext(
            "{file}: table {table}, {n} row would load ({new} new, {replaced} replaced, {unchanged} unchanged), "
            "{rejected} rejected [{profile}]",
            "{file}: table {table}, {n} rows would load ({new} new, {replaced} replaced, {unchanged} unchanged), "
            "{rejected} rejected [{profile}]",
            report.rows_to_load,
            **values,
        )
    return ngettext(
        "{file}: table {table}, {n} row loaded ({new} new, {replaced} replaced, {unchanged} unchanged), "
        "{rejected} rejected [{profile}]",
        "{file}: table {table}, {n} rows loaded ({new} new, {replaced} replaced, {unchanged} unchanged), "
        "{rejected} rejected [{profile}]",
        report.rows_to_load,
        **values,
    )


def _cmd_kpis(args: argparse.Namespace) -> int:
    from legame.kpis import Period, compute
    from legame.kpis.engine import split

    config = load_config()
    con = warehouse.connect(config)
    filters = {"channel": args.channel, "campaign": args.campaign}
    period = Period.custom(args.start, args.end)
    fmt = "json" if args.json else args.format
    if args.by:
        if fmt in ("csv", "xlsx"):
            raise LegameError(_("--by prints JSON or a table: use --format json or table."))
        found = split(con, config, period, args.by, args.compare, filters)
        if fmt == "json":
            print(json.dumps(found.as_dict(), indent=2, ensure_ascii=False, default=str))
            return 0
        from legame.channels import Taxonomy

        labels = Taxonomy.from_config(config).all_labels if args.by == "channel" else {}
        for name, kpis in [*found.rows, ("total", found.total)]:
            print("== " + _heading(args.by, name, labels))
            _print_table(kpis)
            print()
        return 0
    kpis = compute(con, config, period, args.compare, filters)
    if fmt in ("csv", "xlsx"):
        from legame import export

        if args.out is None:
            raise LegameError(_("--format {format} writes a file: add --out FILE.{format}.", format=fmt))
        from legame.fmt import NumberFormat

        number_format = NumberFormat.for_reader(config)
        if fmt == "csv":
            data = export.facts_csv(kpis, config.currency)
        else:
            meta = export.about(kpis, filters, warehouse.freshness(con), warehouse.demo_state(con), number_format)
            data = export.facts_xlsx(kpis, config.currency, meta, number_format)
        args.out.write_bytes(data)
        print(
            ngettext(
                "{out}: {n} KPI for {period}",
                "{out}: {n} KPIs for {period}",
                len(kpis),
                out=args.out,
                period=kpis[0].period.label,
            )
        )
        return 0
    if fmt == "json":
        print(json.dumps([k.as_dict() for k in kpis], indent=2, ensure_ascii=False, default=str))
        return 0
    _print_table(kpis)
    return 0


def _heading(by: str, name: str, labels: dict[str, str]) -> str:
    """A split's row as the board names it: a channel by its label ('Paid social'), a campaign by its name."""
    if name == "total":
        return pgettext("split", "total")
    if by == "channel":
        return _("channel {name}", name=labels.get(name, name))
    return _("campaign {name}", name=name)


def _print_table(kpis: list) -> None:
    from legame.export import status_words
    from legame.kpis.narrative import NONE, verdict, verdict_words

    rows = [
        (
            k.id,
            k.display["value"],
            k.display["comparison_value"],
            k.display["delta"],
            k.display["target"],
            status_words(k.status).lower() if k.status else "",
            "" if verdict(k) == NONE else verdict_words(k),  # as every surface words the change
        )
        for k in kpis
    ]
    header = (
        pgettext("table header", "kpi"),
        pgettext("table header", "value"),
        pgettext("table header", "comparison"),
        pgettext("table header", "delta"),
        pgettext("table header", "target"),
        pgettext("table header", "status"),
        pgettext("table header", "change"),
    )
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m legame",
        description=_("The command line: load exports, print KPIs, write the board pack, manage links."),
    )
    commands = parser.add_subparsers(dest="command", required=True)

    ingest = commands.add_parser("ingest", help=_("load CSV/TSV exports or Excel workbooks into the warehouse"))
    ingest.add_argument("files", nargs="+", metavar="FILE")
    ingest.add_argument("--preview", action="store_true", help=_("validate and report, load nothing"))
    ingest.add_argument("--show-rejects", type=int, default=5, metavar="N", help=_("rejected rows to print"))
    ingest.add_argument(
        "--keep-demo",
        action="store_true",
        help=_("keep the built-in demo data mixed with yours (default: remove it)"),
    )
    ingest.set_defaults(run=_cmd_ingest)

    kpis = commands.add_parser("kpis", help=_("print every KPI for a period"))
    kpis.add_argument("--from", dest="start", type=_date, required=True, metavar="YYYY-MM-DD")
    kpis.add_argument("--to", dest="end", type=_date, required=True, metavar="YYYY-MM-DD")
    kpis.add_argument("--compare", choices=["previous", "year"], default="previous")
    kpis.add_argument("--json", action="store_true", help=_("same as --format json"))
    kpis.add_argument("--format", choices=["table", "json", "csv", "xlsx"], default="table")
    kpis.add_argument("--out", type=Path, metavar="FILE", help=_("where --format csv or xlsx writes the facts table"))
    kpis.add_argument(
        "--channel", help=_("only this channel of config.yaml's taxonomy (KPIs not measurable by channel say so)")
    )
    kpis.add_argument("--campaign", help=_("only this campaign (KPIs not measurable by campaign say so)"))
    kpis.add_argument(
        "--by",
        choices=["channel", "campaign"],
        help=_("every KPI per channel (or campaign), unattributed included, and the total"),
    )
    kpis.set_defaults(run=_cmd_kpis)

    from legame import cli_demo

    cli_demo.add_parser(commands)

    try:
        from legame import cli_clv
    except ImportError:
        pass
    else:
        cli_clv.add_parser(commands)
    from legame import cli_share

    cli_share.add_parser(commands)
    cli_share.add_admin_parser(commands)
    from legame import cli_export

    cli_export.add_parser(commands)
    cli_check.add_parser(commands)
    from legame import cli_forget

    cli_forget.add_parser(commands)
    from legame import cli_backup

    cli_backup.add_parser(commands)
    from legame import cli_send

    cli_send.add_parser(commands)
    _add_language_option(parser, set())
    return parser


def _add_language_option(parser: argparse.ArgumentParser, seen: set[int]) -> None:
    """`--lang` on the program and on every command, so it goes before or after the command's name.

    SUPPRESS as the default: a command's parser must not overwrite a `--lang` given before its name."""
    if id(parser) in seen:
        return
    seen.add(id(parser))
    parser.add_argument(
        "--lang",
        choices=sorted(i18n.LANGUAGES),
        default=argparse.SUPPRESS,
        help=_("the language to write in (default: LEGAME_LANG, else config.yaml's language)"),
    )
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command in action.choices.values():
                _add_language_option(command, seen)


def _requested_language(words: list[str]) -> str | None:
    """The value of `--lang` wherever it stands, read before the parser is built (its help is in that language)."""
    for i, word in enumerate(words):
        if word == "--lang" and i + 1 < len(words):
            return words[i + 1]
        if word.startswith("--lang="):
            return word.partition("=")[2]
    return None


def _language(words: list[str]) -> str:
    requested = _requested_language(words)
    try:
        return i18n.for_config(load_config(), requested)
    except LegameError:
        # No readable config.yaml: the command itself will say so, in the language asked for.
        return i18n.resolve(None, None, requested)


def _command(words: list[str]) -> str | None:
    """The command's name: the first word that is neither an option nor `--lang`'s value."""
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word == "--lang":
            skip = True
        elif not word.startswith("-"):
            return word
    return None


def _argparse_words(message: str) -> str:
    return _(message)


def main(argv: list[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else argv
    with i18n.language(_language(words)):
        english = argparse._  # type: ignore[attr-defined]
        argparse._ = _argparse_words  # type: ignore[attr-defined]
        try:
            try:
                args = build_parser().parse_args(argv)
            except SystemExit as exc:
                # `check` runs under cron, where 2 means "off track": its usage errors exit 3 instead.
                if exc.code == 2 and _command(words) == "check":
                    return cli_check.USAGE_ERROR
                raise
        finally:
            argparse._ = english  # type: ignore[attr-defined]
        try:
            return args.run(args)
        except LegameError as exc:
            print(_("error: {error}", error=exc), file=sys.stderr)
            return 1
