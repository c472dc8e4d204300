"""The command line: `python -m legame ingest|kpis|demo|clv ...`, calling the same package as the app.

Kept quick to start: it imports neither Streamlit nor Plotly.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from legame import cli_check, warehouse
from legame.config import load_config
from legame.errors import LegameError


def _date(text: str) -> date:
    from legame.kpis.period import FIRST_DAY, LAST_DAY

    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in the form YYYY-MM-DD") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise argparse.ArgumentTypeError(
            f"{text} is outside the dates Legame works with: pick days between {FIRST_DAY} and {LAST_DAY}"
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
            print(f"{path.name}: skipped (documentation, not an export)")
            continue
        try:
            if not path.is_file():
                raise LegameError(f"{name}: no such file.")
            loaded = load_export(con, config, path, commit=not args.preview, remove_demo=not args.keep_demo)
        except LegameError as exc:
            failed += 1
            print(f"{path.name}: NOT LOADED — {exc}", file=sys.stderr)
            continue
        verb = "would load" if args.preview else "loaded"
        for report in loaded.reports:
            for line in report.demo_removed.lines(preview=args.preview) if report.demo_removed else []:
                print(line)
            rows = "1 row" if report.rows_to_load == 1 else f"{report.rows_to_load} rows"
            print(
                f"{report.file_name}: table {report.table}, {rows} {verb} "
                f"({report.inserted} new, {report.replaced} replaced, {report.unchanged} unchanged), "
                f"{report.rejected} rejected [{report.profile_label}]"
            )
            for note in report.notes:
                print(f"  note: {note}")
            for reject in report.rejects[: args.show_rejects]:
                print(
                    f"  row {reject['row']}, column {reject['column']!r}, value {reject['value']!r}: {reject['reason']}"
                )
        for skipped in loaded.skipped:
            print(f"  {skipped}")
    return 1 if failed else 0


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
            raise LegameError("--by prints JSON or a table: use --format json or table.")
        found = split(con, config, period, args.by, args.compare, filters)
        if fmt == "json":
            print(json.dumps(found.as_dict(), indent=2, ensure_ascii=False, default=str))
            return 0
        for name, kpis in [*found.rows, ("total", found.total)]:
            print(f"== {args.by} {name}")
            _print_table(kpis)
            print()
        return 0
    kpis = compute(con, config, period, args.compare, filters)
    if fmt in ("csv", "xlsx"):
        from legame import export

        if args.out is None:
            raise LegameError(f"--format {fmt} writes a file: add --out FILE.{fmt}.")
        if fmt == "csv":
            data = export.facts_csv(kpis, config.currency)
        else:
            meta = export.about(kpis, filters, warehouse.freshness(con), warehouse.demo_state(con))
            data = export.facts_xlsx(kpis, config.currency, meta)
        args.out.write_bytes(data)
        print(f"{args.out}: {len(kpis)} KPIs for {kpis[0].period.label}")
        return 0
    if fmt == "json":
        print(json.dumps([k.as_dict() for k in kpis], indent=2, ensure_ascii=False, default=str))
        return 0
    _print_table(kpis)
    return 0


def _print_table(kpis: list) -> None:
    rows = [
        (
            k.id,
            k.display["value"],
            k.display["comparison_value"],
            k.display["delta"],
            k.display["target"],
            k.status or "",
            "noise" if k.noise else "",
        )
        for k in kpis
    ]
    header = ("kpi", "value", "comparison", "delta", "target", "status", "change")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m legame", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    ingest = commands.add_parser("ingest", help="load CSV/TSV exports or Excel workbooks into the warehouse")
    ingest.add_argument("files", nargs="+", metavar="FILE")
    ingest.add_argument("--preview", action="store_true", help="validate and report, load nothing")
    ingest.add_argument("--show-rejects", type=int, default=5, metavar="N", help="rejected rows to print")
    ingest.add_argument(
        "--keep-demo", action="store_true", help="keep the built-in demo data mixed with yours (default: remove it)"
    )
    ingest.set_defaults(run=_cmd_ingest)

    kpis = commands.add_parser("kpis", help="print every KPI for a period")
    kpis.add_argument("--from", dest="start", type=_date, required=True, metavar="YYYY-MM-DD")
    kpis.add_argument("--to", dest="end", type=_date, required=True, metavar="YYYY-MM-DD")
    kpis.add_argument("--compare", choices=["previous", "year"], default="previous")
    kpis.add_argument("--json", action="store_true", help="same as --format json")
    kpis.add_argument("--format", choices=["table", "json", "csv", "xlsx"], default="table")
    kpis.add_argument("--out", type=Path, metavar="FILE", help="where --format csv or xlsx writes the facts table")
    kpis.add_argument(
        "--channel", help="only this channel of config.yaml's taxonomy (KPIs not measurable by channel say so)"
    )
    kpis.add_argument("--campaign", help="only this campaign (KPIs not measurable by campaign say so)")
    kpis.add_argument(
        "--by",
        choices=["channel", "campaign"],
        help="every KPI per channel (or campaign), unattributed included, and the total",
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
    return parser


def main(argv: list[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else argv
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:
        # `check` runs under cron, where 2 means "off track": its usage errors exit 3 instead.
        if exc.code == 2 and words[:1] == ["check"]:
            return cli_check.USAGE_ERROR
        raise
    try:
        return args.run(args)
    except LegameError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
