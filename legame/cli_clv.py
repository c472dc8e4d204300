"""`python -m legame clv fit`: fit the CLV models on a CSV of orders or on the warehouse.

A CSV is read by DuckDB and exposed as an `orders` view with the warehouse's
column names, so queries/clv_summary.sql is the one definition of a customer's
history whichever the source.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb
from duckdb import ColumnExpression
from duckdb import sqltypes as types

from legame import i18n, warehouse
from legame.config import load_config
from legame.errors import LegameError
from legame.fmt import NumberFormat
from legame.i18n import _, ngettext


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register `clv` and its `fit` subcommand."""
    parser = subparsers.add_parser("clv", help=_("predicted customer lifetime value models"))
    commands = parser.add_subparsers(dest="clv_command", required=True)
    fit = commands.add_parser(
        "fit",
        help=_("fit BG/NBD (purchases) and Gamma-Gamma (spend) and print their parameters"),
        description=_(
            "Fit BG/NBD and Gamma-Gamma on the orders up to the calibration end: from --csv if given, else from "
            "the warehouse's orders table."
        ),
    )
    fit.add_argument("--csv", type=Path, help=_("CSV of orders, one row per order, with a header"))
    fit.add_argument("--customer-col", help=_("CSV column holding the customer id"))
    fit.add_argument("--date-col", help=_("CSV column holding the order date (YYYY-MM-DD)"))
    fit.add_argument("--amount-col", help=_("CSV column holding the order amount (negative = refund)"))
    fit.add_argument(
        "--calibration-end",
        help=_("last day of history used, YYYY-MM-DD, inclusive (default: the latest order date)"),
    )
    fit.add_argument("--time-unit", choices=["day", "week", "month"], default="week", help=_("model time unit"))
    fit.add_argument("--json", action="store_true", help=_("print the parameters as JSON"))
    # legame.cli dispatches to args.run(args); the caller may replace this default.
    parser.set_defaults(run=_run_on_warehouse)
    return parser


def _run_on_warehouse(args: argparse.Namespace) -> int:
    return run(args, lambda: warehouse.connect(load_config()))


def run(args: argparse.Namespace, con_factory: Callable[[], duckdb.DuckDBPyConnection]) -> int:
    """Run `clv fit`; print the result or the error, and return the exit code.

    `con_factory` opens the warehouse (only called without --csv); the connection is
    closed when done."""
    try:
        result = _fit(args, con_factory)
    except LegameError as error:
        print(_("error: {error}", error=error), file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2) if args.json else _table(result))
    return 0


def _fit(args: argparse.Namespace, con_factory: Callable[[], duckdb.DuckDBPyConnection]) -> dict:
    # Imported here: numpy stays out of the other commands' start-up. Neither pandas nor
    # scipy is loaded on this path (clv.fit_parameters never builds a per-customer table).
    from legame import clv

    con = duckdb.connect() if args.csv is not None else con_factory()
    dialect = None
    try:
        dialect = _read_csv(con, args) if args.csv is not None else None
        calibration_end = _calibration_end(con, args.calibration_end)
        fitted = clv.fit_parameters(con, calibration_end, args.time_unit)
    except duckdb.ConversionException as error:
        if dialect is None:
            raise
        raise _bad_value(con, dialect, args, error) from None
    finally:
        con.close()
    purchases, spend = fitted.purchases, fitted.spend
    return {
        "source": str(args.csv) if args.csv is not None else "warehouse orders",
        "calibration_end": calibration_end.isoformat(),
        "time_unit": args.time_unit,
        "bgnbd": {
            "r": purchases.r,
            "alpha": purchases.alpha,
            "a": purchases.a,
            "b": purchases.b,
            "loglik": purchases.loglik,
            "n_customers": purchases.n_customers,
            "standard_errors": purchases.standard_errors,
        },
        "gamma_gamma": {
            "p": spend.p,
            "q": spend.q,
            "gamma": spend.gamma,
            "loglik": spend.loglik,
            "n_repeat": spend.n_repeat,
            "standard_errors": spend.standard_errors,
        },
        "independence": {"corr": _json_number(fitted.correlation)},
    }


def _read_csv(con: duckdb.DuckDBPyConnection, args: argparse.Namespace) -> dict:
    """Create the `orders` view over the CSV; return the read_csv options that read it with
    every column as text, for naming a value that does not parse (_bad_value).

    The dialect (delimiter, quoting, header line) is sniffed once; the file is then read
    with it and explicit types, customer as text, date as a timestamp, amount as a
    number, so DuckDB neither sniffs again nor converts the columns not needed."""
    flags = {"--customer-col": args.customer_col, "--date-col": args.date_col, "--amount-col": args.amount_col}
    missing = [flag for flag, value in flags.items() if not value]
    if missing:
        raise LegameError(
            _(
                "With --csv, also give {flags}: the columns to read from {file}.",
                flags=", ".join(missing),
                file=args.csv,
            )
        )
    try:
        dialect, header = _sniff(con, args.csv)
    except duckdb.Error as error:
        raise LegameError(_("{file}: cannot read it as a CSV file ({error}).", file=args.csv, error=error)) from None
    for flag, column in flags.items():
        if column not in header:
            raise LegameError(
                _(
                    "{file}: no column {column} (given by {flag}); the header has: {header}.",
                    file=args.csv,
                    column=repr(column),
                    flag=flag,
                    header=", ".join(header),
                )
            )
    column_types = {name: "VARCHAR" for name in header} | {args.date_col: "TIMESTAMP", args.amount_col: "DOUBLE"}
    orders = con.read_csv(str(args.csv), **dialect, columns=column_types)
    # As SQL text, not ConstantExpression: DuckDB 1.5 imports pandas to turn a Python value into a constant.
    customer, date, amount = ('"' + c.replace('"', '""') + '"' for c in flags.values())
    orders = orders.filter(f"{customer} is not null and {date} is not null").project(
        "null::varchar as order_id, "
        f"{customer} as person_id, {date} as ordered_at, {amount} as revenue, "
        "null::varchar as channel, null::varchar as campaign, false as is_refund"
    )
    orders.create_view("orders")
    return {**dialect, "columns": {name: "VARCHAR" for name in header}}


def _sniff(con: duckdb.DuckDBPyConnection, path: Path) -> tuple[dict, list[str]]:
    """The options that read `path` as DuckDB's sniffer sees it, without sniffing again, and
    its header's column names (the first line is the header, as --*-col name its columns)."""
    # The path as a literal, not a parameter: DuckDB 1.5 imports pandas to bind any parameter, and the
    # CSV path fits without pandas (half of the job's time was importing it).
    delimiter, quote, escape, newline, comment, skip, columns = con.execute(
        "select Delimiter, Quote, Escape, NewLineDelimiter, Comment, SkipRows, Columns "
        f"from sniff_csv({warehouse.literal(str(path))}, header = true)"
    ).fetchall()[0]
    unset = "(empty)"  # how sniff_csv writes "none"
    dialect = {
        "header": True,
        "auto_detect": False,
        "sep": delimiter,
        "quotechar": "" if quote == unset else quote,
        "escapechar": "" if escape == unset else escape,
        "comment": "" if comment == unset else comment,
        "skiprows": skip,
    }
    if newline in ("\\n", "\\r\\n"):
        dialect["lineterminator"] = newline
    return dialect, [column["name"] for column in columns]


def _bad_value(
    con: duckdb.DuckDBPyConnection, dialect: dict, args: argparse.Namespace, error: duckdb.Error
) -> LegameError:
    """Name the file, line, column and value that failed to parse."""
    import numpy as np

    raw = con.read_csv(str(args.csv), **dialect)  # every column as text
    for column, target, expected in (
        (args.date_col, types.TIMESTAMP, _("a date as YYYY-MM-DD")),
        (args.amount_col, types.DOUBLE, _("a number with '.' as the decimal point")),
    ):
        value = ColumnExpression(column)
        # try_cast as SQL: DuckDB 1.5 (which the DuckLake extension wheels pin) has no Expression.try_cast.
        quoted = '"' + column.replace('"', '""') + '"'
        bad = raw.project(f"{quoted} is not null and try_cast({quoted} as {target}) is null").fetchnumpy()
        rows = np.flatnonzero(next(iter(bad.values())))
        if rows.size:
            line = int(rows[0]) + 2 + dialect["skiprows"]  # 1-based, after the header line
            text = raw.project(value).limit(1, int(rows[0])).fetchall()[0][0]
            return LegameError(
                _(
                    "{file}, line {line}, column {column}: cannot read {value}: expected {expected}.",
                    file=args.csv,
                    line=line,
                    column=repr(column),
                    value=repr(text),
                    expected=expected,
                )
            )
    return LegameError(f"{args.csv}: {error}")


def _calibration_end(con: duckdb.DuckDBPyConnection, given: str | None) -> dt.date:
    if given is not None:
        try:
            return dt.date.fromisoformat(given)
        except ValueError:
            raise LegameError(
                _("--calibration-end {given} is not a date: use YYYY-MM-DD.", given=repr(given))
            ) from None
    latest = con.execute("select max(ordered_at)::date from orders").fetchall()[0][0]
    if latest is None:
        raise LegameError(_("There are no orders to fit the CLV models on."))
    return latest


def _json_number(value: float) -> float | None:
    return None if math.isnan(value) else value


def _table(result: dict) -> str:
    purchases, spend = result["bgnbd"], result["gamma_gamma"]
    corr = result["independence"]["corr"]
    source = result["source"] if result["source"] != "warehouse orders" else _("warehouse orders")
    fmt = NumberFormat.for_locale(i18n.locale_for(i18n.current(), None))
    customers = ngettext(
        "{count} customer", "{count} customers", purchases["n_customers"], count=fmt.number(purchases["n_customers"])
    )
    repeaters = ngettext(
        "{count} repeater", "{count} repeaters", spend["n_repeat"], count=fmt.number(spend["n_repeat"])
    )
    return "\n".join(
        [
            _(
                "CLV models on {source}, history to {end}, time unit: {unit}",
                source=source,
                end=result["calibration_end"],
                unit=result["time_unit"],
            ),
            f"  BG/NBD       {customers:>15}   r {purchases['r']:.4g}   "
            f"alpha {purchases['alpha']:.4g}   a {purchases['a']:.4g}   b {purchases['b']:.4g}   "
            + _("log-likelihood {value}", value=fmt.number(purchases["loglik"], 1)),
            f"  Gamma-Gamma  {repeaters:>15}   p {spend['p']:.4g}   q {spend['q']:.4g}   gamma {spend['gamma']:.4g}",
            "  "
            + _(
                "Frequency-spend correlation among repeaters: {corr} (near 0 supports Gamma-Gamma's independence "
                "assumption)",
                corr=_("n/a") if corr is None else f"{corr:.3f}",
            ),
        ]
    )
