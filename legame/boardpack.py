"""The board pack: a few PDF pages for a board meeting, from the same Board and KPI objects as the board page.

Cover (period, comparison, filters, data freshness, headline), the KPI table with status, the charts as
images (kaleido and Debian's Chromium, offline), and the definitions and assumptions of every KPI shown.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Mapping
from pathlib import Path

import plotly.graph_objects as go
import reportlab
from plotly.subplots import make_subplots
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Image, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from legame import charts, export
from legame.annotations import EVENT
from legame.board import Board
from legame.config import Config
from legame.export import status_words
from legame.fmt import NumberFormat
from legame.i18n import N_, _, ngettext
from legame.kpis import Kpi, narrative
from legame.safe import for_pdf
from legame.theme import printed

PAGE = landscape(A4)
MARGIN = 15 * mm
WIDTH = PAGE[0] - 2 * MARGIN
# Bitstream Vera ships inside reportlab, so every machine draws the same glyphs (€ included).
FONT_DIR = Path(reportlab.__file__).parent / "fonts"
FONTS = {"LegameSans": "Vera.ttf", "LegameSans-Bold": "VeraBd.ttf", "LegameSans-Oblique": "VeraIt.ttf"}
# Arrows and status marks come from ZapfDingbats, one of the 14 fonts every PDF reader has.
SYMBOL_FONT = "ZapfDingbats"

INK = colors.HexColor("#1d2b28")
MUTED = colors.HexColor("#5b6b68")
RULE = colors.HexColor("#c9d3d1")
BRAND = colors.HexColor(charts.MEMBER_COLOUR)
TARGET_COLOUR = "#b03a2e"
GOOD, WATCH, BAD = colors.HexColor("#1e7b45"), colors.HexColor("#9a6200"), colors.HexColor(TARGET_COLOUR)
# Each status has a mark of its own shape as well as a colour, so it reads in black and white.
STATUS_MARK = {"on track": ("✔", GOOD), "watch": ("◆", WATCH), "off track": ("✖", BAD)}
FAMILY_TITLES = {
    "value": N_("Customer value"),
    "conversion": N_("Conversion and return"),
    "advocacy": N_("Advocacy"),
    "community": N_("Community"),
    "engagement": N_("Engagement"),
    "clv": N_("Predicted lifetime value"),
    "clv_model": N_("Predicted lifetime value"),
}

# Charts: PDF points per layout pixel, so Plotly's default 12 px text prints at about 10 pt.
PT_PER_PX = 0.8
PANELS_PER_ROW = 5
PANEL_PX = (int(WIDTH / PT_PER_PX / PANELS_PER_ROW), 265)  # one KPI's panel in a family chart
TITLE_CHARS = 24  # a panel title's line, at 12 px in PANEL_PX's width
TREND_PX = (round(WIDTH / PT_PER_PX), 380)


Styles = dict[str, ParagraphStyle]


def _styles() -> Styles:
    for name, file in FONTS.items():
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file)))
    pdfmetrics.registerFontFamily(
        "LegameSans", normal="LegameSans", bold="LegameSans-Bold", italic="LegameSans-Oblique"
    )
    base = ParagraphStyle("body", fontName="LegameSans", fontSize=10, leading=13, textColor=INK)
    return {
        "body": base,
        "small": ParagraphStyle("small", base, fontSize=8.5, leading=10.5, textColor=MUTED),
        "cell": ParagraphStyle("cell", base, fontSize=9.5, leading=12),
        "note": ParagraphStyle("note", base, fontSize=9, leading=11),
        "cell_right": ParagraphStyle("cell_right", base, fontSize=9.5, leading=12, alignment=TA_RIGHT),
        "number": ParagraphStyle("number", base, fontSize=11, leading=14, alignment=TA_RIGHT),
        "kicker": ParagraphStyle("kicker", base, fontName="LegameSans-Bold", fontSize=11, textColor=BRAND),
        "title": ParagraphStyle("title", base, fontName="LegameSans-Bold", fontSize=34, leading=40),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=14, leading=19, textColor=MUTED),
        "headline": ParagraphStyle("headline", base, fontSize=19, leading=25),
        "h1": ParagraphStyle("h1", base, fontName="LegameSans-Bold", fontSize=17, leading=22, spaceAfter=8),
        "banner": ParagraphStyle("banner", base, fontName="LegameSans-Bold", textColor=WATCH),
    }


def _ink(markup: str, colour: colors.Color) -> str:
    return f'<font color="{colour.hexval()}">{markup}</font>'


def _symbol(char: str, colour: colors.Color) -> str:
    return f'<font name="{SYMBOL_FONT}" color="{colour.hexval()}">{char}</font>'


# Plain text made safe for reportlab's paragraph markup (a campaign may be called 'A<B & C').
_text = for_pdf


def _ruled(rows: list[list], widths: list[float]) -> Table:
    """A table with a header row, rules between rows, cells aligned at the top; widths are shares of the page."""
    table = Table(rows, colWidths=[w * WIDTH for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 1, INK),
                ("LINEBELOW", (0, 1), (-1, -1), 0.5, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return table


def _change_words(kpi: Kpi) -> tuple[str, str, colors.Color]:
    """For a KPI with a delta: the arrow, the verdict (narrative.verdict, as on every surface) and its colour. Up or
    down as the number moved; green when better, red when worse, grey when about the same or within the noise."""
    arrow = "▲" if kpi.delta > 0 else "▼" if kpi.delta < 0 else ""
    verdict = narrative.verdict(kpi)
    return (
        arrow,
        narrative.verdict_words(kpi),
        GOOD if verdict == narrative.BETTER else BAD if verdict == narrative.WORSE else MUTED,
    )


def _kpi_table(kpis: list[Kpi], style: Styles) -> Table:
    first = kpis[0]
    header = [
        Paragraph(f"<b>{_text(_('KPI'))}</b>", style["cell"]),
        Paragraph(f"<b>{_text(first.period.label)}</b>", style["cell_right"]),
        Paragraph(f"<b>{_text(first.comparison_period.label)}</b>", style["cell_right"]),
        *(Paragraph(f"<b>{_text(h)}</b>", style["cell"]) for h in (_("Change"), _("Target"), _("Status"))),
    ]
    rows = [header]
    for kpi in kpis:
        change = _text(_("n/a"))
        if kpi.delta is not None:
            arrow, judgement, colour = _change_words(kpi)
            change = f"{_symbol(arrow, colour) + ' ' if arrow else ''}{_text(kpi.display['delta'])}<br/>"
            change += f"{_text(kpi.display['delta_pct'])} · {_ink(_text(judgement), colour)}"
        if kpi.status:
            mark, colour = STATUS_MARK[kpi.status]
            status = f"{_symbol(mark, colour)} {_ink(_text(status_words(kpi.status)), colour)}"
        else:
            status = _ink(_text(_("n/a") if kpi.value is None else _("no target")), MUTED)
        rows.append(
            [
                [
                    Paragraph(f"<b>{_text(kpi.plain_label)}</b>", style["cell"]),
                    Paragraph(_text(kpi.sentence), style["small"]),
                ],
                # When there is no value, the sentence beside it says why.
                Paragraph(f"<b>{_text(kpi.display['value'])}</b>", style["number"]),
                Paragraph(_text(kpi.display["comparison_value"]), style["number"]),
                Paragraph(change, style["cell"]),
                Paragraph(_text(kpi.display["target"]), style["cell"]),
                Paragraph(status, style["cell"]),
            ]
        )
    return _ruled(rows, [0.42, 0.10, 0.10, 0.18, 0.09, 0.11])


def family_chart(kpis: list[Kpi], title: str) -> go.Figure:
    """One panel per KPI: bars for the comparison period, this period and the target (hatched, so it reads
    in black and white too); the value is written above each bar."""
    # A panel is narrow: long names go on two lines rather than run into the next panel.
    titles = ["<br>".join(textwrap.wrap(k.plain_label, TITLE_CHARS)) for k in kpis]
    fig = make_subplots(rows=1, cols=len(kpis), subplot_titles=titles, horizontal_spacing=0.06)
    for column, kpi in enumerate(kpis, start=1):
        bars = [
            (kpi.comparison_period.label, kpi.comparison_value, kpi.display["comparison_value"], charts.OTHER_COLOUR),
            (kpi.period.label, kpi.value, kpi.display["value"], charts.MEMBER_COLOUR),
        ]
        if kpi.target is not None:
            bars.append((_("Target"), kpi.target, kpi.display["target"], "white"))
        labels, values, texts, fills = (list(t) for t in zip(*bars, strict=True))
        fig.add_bar(
            x=labels,
            y=values,
            text=texts,
            textposition="outside",
            cliponaxis=False,
            marker={
                "color": fills,
                "line": {"color": [f if f != "white" else TARGET_COLOUR for f in fills], "width": 1.5},
                "pattern": {"shape": ["/" if f == "white" else "" for f in fills], "fgcolor": TARGET_COLOUR},
            },
            row=1,
            col=column,
        )
        for label, value in zip(labels, values, strict=True):
            if value is None:
                fig.add_annotation(x=label, y=0, text=_("n/a"), showarrow=False, yshift=10, row=1, col=column)
        # Room above (and below, for negative values) for the labels written outside the bars.
        known = [v for v in values if v is not None]
        low, high = min([0, *known]), max([0, *known])
        room = 0.25 * (high - low) or 1
        fig.update_yaxes(range=[low - room if low < 0 else 0, high + room], row=1, col=column)
    fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=True, zerolinecolor="#8a9896")
    fig.update_layout(
        title={"text": f"<b>{title}</b>", "x": 0.01, "font": {"size": 15}},
        showlegend=False,
        width=PANEL_PX[0] * len(kpis),
        height=PANEL_PX[1],
        margin={"l": 10, "r": 10, "t": 85, "b": 30},
        plot_bgcolor="white",
    )
    return fig


def _family_figures(kpis: list[Kpi]) -> list[go.Figure]:
    """A chart per family, in the order the families first appear; a family of many KPIs is split into
    charts of at most one row's panels."""
    by_title: dict[str, list[Kpi]] = {}
    for kpi in kpis:
        title = _(FAMILY_TITLES[kpi.family]) if kpi.family in FAMILY_TITLES else kpi.family.replace("_", " ")
        by_title.setdefault(title, []).append(kpi)
    return [
        family_chart(members[start : start + PANELS_PER_ROW], title)
        for title, members in by_title.items()
        for start in range(0, len(members), PANELS_PER_ROW)
    ]


def _image(png: bytes, figure: go.Figure) -> Image:
    return Image(io.BytesIO(png), width=figure.layout.width * PT_PER_PX, height=figure.layout.height * PT_PER_PX)


def _rows_of_images(images: list[Image]) -> list[Table]:
    """Charts side by side, as many to a row as fit the page's width; one table per row, so each row
    sizes its own columns."""
    rows: list[list[Image]] = [[]]
    used = 0.0
    for image in images:
        if rows[-1] and used + image.drawWidth > WIDTH:
            rows.append([])
            used = 0.0
        rows[-1].append(image)
        used += image.drawWidth
    padding = [("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]
    return [Table([row], hAlign="LEFT", style=padding, spaceAfter=12) for row in rows]


def _marks_legend(board: Board, config: Config, style: Styles) -> list[Flowable]:
    """What the revenue chart's marks say, since paper has no hover: each numbered note, then the events."""
    start, end = charts.months_span(r["month"] for r in board.trend)
    notes = charts.shown_notes(board.marks, start, end)
    events = [m for m in board.marks if m.kind == EVENT and start <= m.day <= end]
    fmt = NumberFormat.for_reader(config)
    out: list[Flowable] = []
    if notes:
        rows = [
            [
                Paragraph(_ink(f"<b>{number}</b>", colors.HexColor(charts.NOTE_COLOUR)), style["cell"]),
                Paragraph(_text(fmt.date(m.day)), style["cell"]),
                Paragraph(_text(m.text), style["cell"]),
                Paragraph(_text(m.author), style["small"]),
            ]
            for number, m in enumerate(notes, start=1)
        ]
        header = [Paragraph(f"<b>{_text(h)}</b>", style["cell"]) for h in ("", _("Day"), _("Note"), _("Written by"))]
        out += [Spacer(1, 8), _ruled([header, *rows], [0.04, 0.14, 0.62, 0.20])]
    if events:
        people = sum(m.people for m in events)
        line = ngettext(
            "Diamonds: community events in the data, on {n} day, with {people} people taking part.",
            "Diamonds: community events in the data, on {n} days, with {people} people taking part in all.",
            len(events),
            people=fmt.number(people),
        )
        diamond = _symbol("◆", colors.HexColor(charts.EVENT_COLOUR))
        out += [Spacer(1, 6), Paragraph(f"{diamond} {_text(line)}", style["small"])]
    return out


def _definitions(kpis: list[Kpi], style: Styles) -> Table:
    headers = (_("KPI"), _("Definition"), _("Assumptions and notes"))
    rows = [[Paragraph(f"<b>{_text(h)}</b>", style["cell"]) for h in headers]]
    for kpi in kpis:
        notes = [*kpi.assumptions, _direction_note(kpi)]
        if kpi.na_reason:
            notes.append(_("Not available: {reason}.", reason=kpi.na_reason))
        if narrative.verdict(kpi) == narrative.NOISE:
            notes.append(_("The change is within normal variation: {why}.", why=kpi.noise))
        name = [
            Paragraph(f"<b>{_text(kpi.plain_label)}</b>", style["cell"]),
            Paragraph(_text(kpi.label), style["small"]),
        ]
        notes_text = "<br/>".join(_text(n) for n in notes)
        rows.append([name, Paragraph(_text(kpi.definition), style["note"]), Paragraph(notes_text, style["note"])])
    return _ruled(rows, [0.22, 0.35, 0.43])


def _direction_note(kpi: Kpi) -> str:
    """'Better when higher; target +40.' as one sentence per case, so each language words it whole."""
    target = kpi.display["target"]
    if kpi.direction == "lower":
        if kpi.target is None:
            return _("Better when lower; no target.")
        return _("Better when lower; target {target}.", target=target)
    if kpi.target is None:
        return _("Better when higher; no target.")
    return _("Better when higher; target {target}.", target=target)


def _facts_box(meta: Mapping[str, str], style: Styles) -> Table:
    rows = [
        [Paragraph(f"<b>{_text(k)}</b>", style["cell"]), Paragraph(_text(v), style["cell"])]
        for k, v in export.about_rows(meta).items()
    ]
    table = Table(rows, colWidths=[0.16 * WIDTH, 0.84 * WIDTH], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEABOVE", (0, 0), (-1, 0), 0.5, RULE),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, RULE),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def _status_count(status: str, n: int) -> str:
    """'3 on track', '1 watch', '2 off track': each status's count as its own phrase, for agreement."""
    if status == "on track":
        return ngettext("{n} on track", "{n} on track", n)
    if status == "watch":
        return ngettext("{n} watch", "{n} watch", n)
    return ngettext("{n} off track", "{n} off track", n)


def _status_summary(kpis: list[Kpi]) -> str:
    counts = {s: sum(k.status == s for k in kpis) for s in STATUS_MARK}
    with_target = sum(counts.values())
    if not with_target:
        return _text(_("None of these KPIs has a target yet."))
    parts = ", ".join(
        f"{_symbol(STATUS_MARK[s][0], STATUS_MARK[s][1])} {_text(_status_count(s, n))}" for s, n in counts.items() if n
    )
    # The parts carry markup (the status marks), so the sentence around them is escaped, then filled in.
    sentence = ngettext(
        "Of {n} KPI with a target: {parts}.", "Of {n} KPIs with a target: {parts}.", with_target, parts="\0"
    )
    before, _marker, after = _text(sentence).partition("\0")
    return before + parts + after


# The cover's warning, by warehouse.demo_state: the reader must know when numbers are not the brand's own.
DEMO_BANNERS = {
    "demo": N_("Demo data: these numbers come from the exports of a fictional brand."),
    "mixed": N_("Demo data mixed with your data: these numbers add the exports of a fictional brand to yours."),
}
# Atop every page.
DEMO_HEADERS = {"demo": N_("Demo data"), "mixed": N_("Demo data mixed with your data")}


def _subtitle(kpis: list[Kpi], fmt: NumberFormat) -> str:
    """'1 July 2026 – 30 September 2026, compared with Q2 2026, the previous period'."""
    period, comparison = kpis[0].period, kpis[0].comparison_period
    values = {
        "start": fmt.date(period.start, "long"),
        "end": fmt.date(period.end, "long"),
        "comparison": comparison.label,
    }
    if period.start == period.end:  # one day is one day, not a range from it to itself
        if kpis[0].comparison_kind == "year":
            return _("{start}, compared with {comparison}, the same day last year", **values)
        return _("{start}, compared with {comparison}, the day before", **values)
    if kpis[0].comparison_kind == "year":
        return _("{start} – {end}, compared with {comparison}, the same period last year", **values)
    return _("{start} – {end}, compared with {comparison}, the previous period", **values)


def _cover(
    kpis: list[Kpi], headline: str, meta: Mapping[str, str], demo_state: str, style: Styles, fmt: NumberFormat
) -> list[Flowable]:
    period = kpis[0].period
    cover = [
        Paragraph(_text(_("LEGAME · BOARD PACK")), style["kicker"]),
        Spacer(1, 14),
        Paragraph(_text(period.label), style["title"]),
        Paragraph(_text(_subtitle(kpis, fmt)), style["subtitle"]),
        Spacer(1, 26),
        Paragraph(_text(headline), style["headline"]),
        Spacer(1, 12),
        Paragraph(_status_summary(kpis), style["body"]),
        Spacer(1, 26),
    ]
    if banner := DEMO_BANNERS.get(demo_state):
        cover += [Paragraph(_text(_(banner)), style["banner"]), Spacer(1, 8)]
    return [*cover, _facts_box(meta, style)]


def _legend() -> str:
    """The key to the KPI table's arrows, words and marks (the sentence is translated whole, marks filled in)."""
    return _(
        "{up} {down} the number went up or down; <i>better</i> or <i>worse</i> reads it against the KPI's "
        "direction (a falling cost is better); <i>about the same</i>: it moved by less than half a percent of its "
        "earlier value; <i>within normal variation</i>: a movement the data would show by chance. Status against "
        "target: {on_track} on track, {watch} watch (within the tolerance set in config.yaml), {off_track} off track.",
        up=_symbol("▲", MUTED),
        down=_symbol("▼", MUTED),
        on_track=_symbol("✔", GOOD),
        watch=_symbol("◆", WATCH),
        off_track=_symbol("✖", BAD),
    )


def pack_figures(board: Board, config: Config, kpis: list[Kpi]) -> list[go.Figure]:
    """The pack's charts, revenue first, in the printed look (theme.printed): never the app's theme."""
    revenue = charts.revenue_by_membership(board.trend, board.period, config.currency, marks=board.marks)
    revenue.update_layout(width=TREND_PX[0], height=TREND_PX[1], plot_bgcolor="white")
    return [printed(fig) for fig in (revenue, *_family_figures(kpis))]


def board_pack_pdf(
    board: Board,
    config: Config,
    headline: str | None = None,
    filters: Mapping[str, str | None] | None = None,
    kpis: list[Kpi] | None = None,
) -> bytes:
    """The board pack as PDF bytes.

    `kpis` are the KPIs shown (default: the board's cards, in their order); `headline` opens the pack
    (default: the first KPI's sentence); `filters` are the channel and campaign in force.
    Raises LegameError when no Chromium is there to draw the charts.
    """
    kpis = kpis or board.cards
    style = _styles()
    fmt = NumberFormat.for_reader(config)
    meta = export.about(kpis, filters or {}, board.freshness, board.demo_state, fmt)
    period, comparison = kpis[0].period.label, kpis[0].comparison_period.label
    context = _(
        "{period} vs {comparison} · {channel} · {campaign}",
        period=period,
        comparison=comparison,
        channel=meta["Channel"],
        campaign=meta["Campaign"],
    )
    if words := DEMO_HEADERS.get(board.demo_state):
        context += f" · {_(words)}"

    revenue, *families = pack_figures(board, config, kpis)
    pngs = export.figures_png([revenue, *families])

    story = [
        *_cover(kpis, headline or kpis[0].sentence, meta, board.demo_state, style, fmt),
        PageBreak(),
        Paragraph(
            _text(_("Key figures: {period} against {comparison}", period=period, comparison=comparison)),
            style["h1"],
        ),
        _kpi_table(kpis, style),
        Spacer(1, 8),
        Paragraph(_legend(), style["small"]),
        PageBreak(),
        Paragraph(_text(_("Revenue: community members and other customers")), style["h1"]),
        _image(pngs[0], revenue),
        Paragraph(
            _text(
                _(
                    "Monthly revenue in {currency}, twelve months to the period's end; the shaded band is the "
                    "period of this pack. All channels and campaigns.",
                    currency=config.currency,
                )
            ),
            style["small"],
        ),
        *_marks_legend(board, config, style),
        PageBreak(),
        Paragraph(_text(_("Each KPI against its comparison and target")), style["h1"]),
        *_rows_of_images([_image(png, figure) for png, figure in zip(pngs[1:], families, strict=True)]),
        PageBreak(),
        Paragraph(_text(_("Definitions and assumptions")), style["h1"]),
        _definitions(kpis, style),
    ]

    def footer(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont("LegameSans", 8)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, MARGIN / 2, _("Legame board pack · {context}", context=context))
        canvas.drawRightString(PAGE[0] - MARGIN, MARGIN / 2, _("Page {number}", number=doc.page))
        canvas.restoreState()

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=_("Board pack {period}", period=period),
        author="Legame",
    )
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
