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
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font

from legame.errors import LegameError
from legame.kpis import COMPARISONS, Kpi
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


def fact_rows(kpis: list[Kpi], currency: str) -> list[dict[str, Any]]:
    """The facts table (see kpis.facts) with each KPI's id, period, comparison and the filters it honours."""
    return [
        {
            "KPI id": kpi.id,
            **row,
            "Period from": kpi.period.start,
            "Period to": kpi.period.end,
            "Compared from": kpi.comparison_period.start,
            "Compared to": kpi.comparison_period.end,
            "Channel": kpi.filters.get("channel", "all"),
            "Campaign": kpi.filters.get("campaign", "all"),
        }
        for kpi, row in zip(kpis, facts(kpis, currency), strict=True)
    ]


# What the data is, by warehouse.demo_state; "empty" and "real" are the user's own exports.
DATA_WORDS = {
    "demo": "Demo data from the built-in exports of a fictional brand",
    "mixed": "Demo data mixed with your data: the built-in exports of a fictional brand added to yours",
}


def about(
    kpis: list[Kpi],
    filters: Mapping[str, str | None],
    freshness: Mapping[str, date | None],
    demo_state: str,
) -> dict[str, str]:
    """What an export covers, in words: period, comparison, filters, data freshness; for XLSX and PDF alike."""
    first = kpis[0]
    period, comparison = first.period, first.comparison_period
    latest = [f"{table} {day.isoformat()}" for table, day in freshness.items() if day]
    return {
        "Period": f"{period.label} ({period.start.isoformat()} to {period.end.isoformat()})",
        "Compared with": f"{comparison.label} ({comparison.start.isoformat()} to {comparison.end.isoformat()}), "
        f"the {COMPARISONS[first.comparison_kind]}",
        "Channel": filters.get("channel") or "all channels",
        "Campaign": filters.get("campaign") or "all campaigns",
        "Data": DATA_WORDS.get(demo_state, "Your loaded exports"),
        "Data up to": ", ".join(latest) or "no data loaded yet",
        "Generated": datetime.now().strftime("%Y-%m-%d %H:%M"),
    }


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


def facts_xlsx(kpis: list[Kpi], currency: str, meta: Mapping[str, str]) -> bytes:
    """The facts table as an Excel workbook: sheet "KPIs" (numbers as numbers, dates as dates) and
    sheet "About" with `meta` (see `about`), what the numbers cover."""
    rows = fact_rows(kpis, currency)
    book = Workbook()
    sheet = book.active
    sheet.title = "KPIs"
    sheet.append(list(rows[0]))
    for row in rows:
        sheet.append([_xlsx_cell(v) for v in row.values()])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    wide = {"KPI": 36, "Status": 18, "Change": 22, "Definition": 60, "Assumptions": 60}
    for cell in sheet[1]:
        sheet.column_dimensions[cell.column_letter].width = wide.get(cell.value, max(12, len(cell.value) + 2))
    sheet.freeze_panes = "C2"

    info = book.create_sheet("About")
    for key, value in meta.items():
        info.append([_xlsx_cell(key), _xlsx_cell(value)])
    for cell in info["A"]:
        cell.font = Font(bold=True)
    for cell in info["B"]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    info.column_dimensions["A"].width = 16
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
            f"Charts are drawn as images by Chromium, and there is none at {path}. "
            "Install Debian's chromium (apt-get install chromium), or set BROWSER_PATH to a Chrome or Chromium."
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
