"""Files a reader takes away: the facts table as CSV or XLSX, and charts as PNG images.

Pure functions returning bytes, so the app's download buttons and the CLI share them.
Plotly and kaleido are imported only when a chart is drawn: the CLI's facts exports stay light.
"""

from __future__ import annotations

import asyncio
import csv
import io
import logging
import os
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font

from legame import i18n, warehouse
from legame.errors import LegameError
from legame.fmt import NumberFormat
from legame.i18n import N_, _, pgettext
from legame.kpis import Kpi, Period
from legame.kpis.facts import facts
from legame.safe import FORMULA_TRIGGERS as FORMULA_TRIGGERS  # tests and callers read it here too
from legame.safe import for_spreadsheet

if TYPE_CHECKING:
    import plotly.graph_objects as go

DEBIAN_CHROMIUM = "/usr/bin/chromium"
DEFAULT_SIZE = (1000, 450)  # layout pixels of a figure that sets no width or height
PNG_SCALE = 2  # twice the layout size, so a chart stays sharp in print and on high-density screens


# A label, campaign name or filter typed by anyone must never run as a formula (legame/safe.py).
safe_text = for_spreadsheet


def status_words(status_id: str) -> str:
    """'On track', 'Watch', 'Off track' in the reader's language (legame.kpis.status.label)."""
    from legame.kpis.status import LABELS, label

    return label(status_id) if status_id in LABELS else status_id


def _reader_format() -> NumberFormat:
    """The current language's default locale, for a caller that passes no NumberFormat."""
    return NumberFormat.for_locale(i18n.locale_for(i18n.current(), None))


def _amount_columns() -> set[str]:
    """The facts table's columns holding an amount in the KPI's unit (money shows its currency in XLSX)."""
    return {_("Value"), _("Comparison"), _("Delta"), _("Target")}


def fact_rows(kpis: list[Kpi], currency: str) -> list[dict[str, Any]]:
    """The facts table (see kpis.facts) with each KPI's id, period, comparison and the filters it honours.

    Column names are in the reader's language; the ids column comes first and holds the KPI ids."""
    return [
        {
            _("KPI id"): kpi.id,
            **row,
            _("Period from"): kpi.period.start,
            _("Period to"): kpi.period.end,
            _("Compared from"): kpi.comparison_period.start,
            _("Compared to"): kpi.comparison_period.end,
            _("Channel"): kpi.filters.get("channel", pgettext("channel filter", "all")),
            _("Campaign"): kpi.filters.get("campaign", pgettext("campaign filter", "all")),
        }
        for kpi, row in zip(kpis, facts(kpis, currency), strict=True)
    ]


# What the data is, by warehouse.demo_state; "empty" and "real" are the user's own exports.
DATA_WORDS = {
    "demo": N_("Demo data from the built-in exports of a fictional brand"),
    "mixed": N_("Demo data mixed with your data: the built-in exports of a fictional brand added to yours"),
}


def compared_with(kind: str, comparison: str) -> str:
    """'Q2 2026, the previous period': the comparison period and what it is, as one phrase."""
    if kind == "year":
        return _("{comparison}, the same period last year", comparison=comparison)
    return _("{comparison}, the previous period", comparison=comparison)


def about(
    kpis: list[Kpi],
    filters: Mapping[str, str | None],
    freshness: Mapping[str, date | None],
    demo_state: str,
    fmt: NumberFormat | None = None,
) -> dict[str, str]:
    """What an export covers, in words: period, comparison, filters, data freshness; for XLSX and PDF alike.

    Keys are the English ids of the facts (the PDF's footer reads "Channel" and "Campaign"); `about_rows`
    gives them in the reader's words. Dates and the time of writing come from `fmt`."""
    fmt = fmt or _reader_format()
    first = kpis[0]
    period, comparison = first.period, first.comparison_period

    def span(start: date, end: date) -> str:
        if start == end:  # one day is one day
            return fmt.date(start)
        return _("{start} to {end}", start=fmt.date(start), end=fmt.date(end))

    def labelled(p: Period) -> str:
        """'Q3 2026 (1 Jul 2026 to 30 Sept 2026)'; a day's label is its date already."""
        dates = span(p.start, p.end)
        return p.label if p.label == dates else f"{p.label} ({dates})"

    latest = [
        _("{table} {day}", table=warehouse.table_word(table), day=fmt.date(day))
        for table, day in freshness.items()
        if day
    ]
    return {
        "Period": labelled(period),
        "Compared with": compared_with(first.comparison_kind, labelled(comparison)),
        "Channel": filters.get("channel") or _("all channels"),
        "Campaign": filters.get("campaign") or _("all campaigns"),
        "Data": _(DATA_WORDS[demo_state]) if demo_state in DATA_WORDS else _("Your loaded exports"),
        "Data up to": ", ".join(latest) or _("no data loaded yet"),
        "Generated": fmt.datetime(datetime.now(UTC)),
    }


ABOUT_WORDS = {
    "Period": N_("Period"),
    "Compared with": N_("Compared with"),
    "Channel": N_("Channel"),
    "Campaign": N_("Campaign"),
    "Data": N_("Data"),
    "Data up to": N_("Data up to"),
    "Generated": N_("Generated"),
}


def about_rows(meta: Mapping[str, str]) -> dict[str, str]:
    """`about`'s facts with their names in the reader's language."""
    return {(_(ABOUT_WORDS[k]) if k in ABOUT_WORDS else k): v for k, v in meta.items()}


def _csv_cell(value: Any) -> Any:
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def facts_csv(kpis: list[Kpi], currency: str) -> bytes:
    """The facts table as CSV: one row per KPI, numbers as plain numbers, the unit in its own column.

    UTF-8 with a byte-order mark, so Excel reads accents and currency signs correctly.
    """
    rows = fact_rows(kpis, currency)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(rows[0].keys())
    writer.writerows([_csv_cell(v) for v in row.values()] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, str):
        # openpyxl refuses control characters, which a CSV export may have carried into a name.
        return safe_text(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def money_format(fmt: NumberFormat, currency: str) -> str:
    """An Excel number format for amounts in `currency`, the symbol where the locale puts it:
    '#,##0.00 "€"' (it), '"€"#,##0.00' (en). Excel shows its own separators, by the reader's settings."""
    before, after = fmt.currency_affixes(currency)

    def quoted(text: str) -> str:
        return f'"{text}"' if text else ""

    return quoted(before) + "#,##0.00" + quoted(after)


def date_format(fmt: NumberFormat) -> str:
    """An Excel date format in the locale's order: 'dd/mm/yyyy' (it and en-GB), 'mm/dd/yyyy' (en-US)."""
    return fmt.date_input.lower()


def facts_xlsx(kpis: list[Kpi], currency: str, meta: Mapping[str, str], fmt: NumberFormat | None = None) -> bytes:
    """The facts table as an Excel workbook: sheet "KPIs" (numbers as numbers, amounts in money with the
    currency where the locale puts it, dates as dates) and sheet "About" with `meta` (see `about`), what the
    numbers cover. Column and sheet names are in the reader's language; the ids column keeps the KPI ids."""
    fmt = fmt or _reader_format()
    rows = fact_rows(kpis, currency)
    book = Workbook()
    sheet = book.active
    sheet.title = pgettext("sheet", "KPIs")
    columns = list(rows[0])
    sheet.append(columns)
    money, day, amounts = money_format(fmt, currency), date_format(fmt), _amount_columns()
    for kpi, row in zip(kpis, rows, strict=True):
        sheet.append([_xlsx_cell(v) for v in row.values()])
        for column, cell in zip(columns, sheet[sheet.max_row], strict=True):
            if isinstance(cell.value, date):
                cell.number_format = day
            elif kpi.unit == "currency" and column in amounts and isinstance(cell.value, int | float):
                cell.number_format = money
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    wide = {_("KPI"): 36, _("Status"): 18, pgettext("facts", "Change"): 22, _("Definition"): 60, _("Assumptions"): 60}
    for cell in sheet[1]:
        sheet.column_dimensions[cell.column_letter].width = wide.get(cell.value, max(12, len(cell.value) + 2))
    sheet.freeze_panes = "C2"

    info = book.create_sheet(pgettext("sheet", "About"))
    for key, value in about_rows(meta).items():
        info.append([_xlsx_cell(key), _xlsx_cell(value)])
    for cell in info["A"]:
        cell.font = Font(bold=True)
    for cell in info["B"]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    info.column_dimensions["A"].width = 18
    info.column_dimensions["B"].width = 100

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _not_closing_noise(record: logging.LogRecord) -> bool:
    # Chromium's closing "{bye}" sometimes arrives glued to its last message; choreographer then logs a
    # traceback and ignores the message. The images are complete by then: keep that out of the CLI's output.
    return not record.getMessage().startswith("JSONError decoding message")


def browser_path() -> str:
    """The Chromium kaleido drives: $BROWSER_PATH, else Debian's. Never downloaded."""
    path = os.environ.get("BROWSER_PATH") or DEBIAN_CHROMIUM
    if not Path(path).is_file():
        raise LegameError(
            _(
                "Charts are drawn as images by Chromium, and there is none at {path}. Install Debian's chromium "
                "(apt-get install chromium), or set BROWSER_PATH to a Chrome or Chromium.",
                path=path,
            )
        )
    return path


def figures_png(figures: list[go.Figure]) -> list[bytes]:
    """Each figure as PNG bytes, at its layout's width and height (1000 x 450 where unset), twice as many pixels.

    One Chromium serves every figure: starting it costs about 1.5 s, each image then about 0.2 s.
    """
    path = browser_path()
    import kaleido

    # After importing kaleido: choreographer must create its logger first (of its own logger class).
    logging.getLogger("choreographer.channels.pipe").addFilter(_not_closing_noise)
    sizes = [(figure.layout.width or DEFAULT_SIZE[0], figure.layout.height or DEFAULT_SIZE[1]) for figure in figures]

    async def render() -> list[bytes]:
        # mathjax=False: kaleido would otherwise fetch MathJax from a CDN, and we render offline.
        async with kaleido.Kaleido(path=path, mathjax=False) as browser:
            return [
                await browser.calc_fig(figure, {"format": "png", "width": w, "height": h, "scale": PNG_SCALE})
                for figure, (w, h) in zip(figures, sizes, strict=True)
            ]

    # A fresh event loop in a thread of its own, so a caller already running a loop can call this too.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, render()).result()


def figure_png(figure: go.Figure) -> bytes:
    """One Plotly figure as PNG bytes (see `figures_png`)."""
    return figures_png([figure])[0]
