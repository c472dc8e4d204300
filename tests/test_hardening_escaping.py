"""legame/safe.py: data-derived text reaches Plotly, Markdown, the PDF and spreadsheets as text, never as markup."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from legame import charts, charts_value, safe
from legame.kpis import Period

LINK = '<a href="https://evil.example/">click</a>'
PAYLOADS = [LINK, "<img src=x onerror=alert(1)>", "<b>bold</b><br>", "[click](https://evil.example/)"]


def _strings(figure) -> str:
    return json.dumps(figure.to_plotly_json(), default=str)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_channel_named_like_markup_is_a_literal_label_in_every_chart(payload):
    rows = [{"channel": payload, "roas": 2.0}, {"channel": "email", "roas": 1.0}]
    figures = [
        charts.by_channel(rows, "roas", "ratio", {}),
        charts.steps({payload: 100, "Customers": 10}),
        charts.ladder({payload: 3, "Employees": 1}),
        charts.shares({payload: 3, "Passives": 1}),
        charts_value.clv_by_segment(
            pd.DataFrame(
                {"group": ["Community members"], "segment": [payload], "q25": [1], "median": [2], "q75": [3]}
                | {"q05": [0], "q95": [4], "customers": [5], "mean": [2]}
            ),
            "EUR",
        ),
    ]
    for figure in figures:
        text = _strings(figure)
        assert "<a " not in text and "<img" not in text and "<b>" not in text
        assert "&lt;" in text or "[click]" in text


def test_plotly_shows_the_escaped_label_as_typed():
    # Plotly turns &lt; &gt; &amp; back into the characters on screen: the label reads as typed.
    assert safe.for_plotly(LINK) == "&lt;a href=\"https://evil.example/\"&gt;click&lt;/a&gt;"
    assert safe.for_plotly("R&D <3") == "R&amp;D &lt;3"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("https://evil.example/", "https\\:\u200b//evil\\.example/"),
        ("www.evil.example", "www\u200b\\.evil\\.example"),
        ("me@evil.example", "me\u200b@evil\\.example"),
        ("[click](https://evil.example/)", "\\[click\\]\\(https\\:\u200b//evil\\.example/\\)"),
        ("*big* $x$ :red[x] <b>", "\\*big\\* \\$x\\$ \\:red\\[x\\] \\<b\\>"),
        ("Q3 2025 · channel Email", "Q3 2025 · channel Email"),
    ],
)
def test_markdown_shows_data_literally_with_no_link(text, shown):
    assert safe.for_markdown(text) == shown


def test_the_pdf_and_spreadsheets_get_their_own_escaping():
    assert safe.for_pdf('A<B & "C"') == "A&lt;B &amp; &quot;C&quot;"
    assert safe.for_spreadsheet("=HYPERLINK(\"https://evil.example\")") == "'=HYPERLINK(\"https://evil.example\")"
    assert safe.for_spreadsheet("Brand search") == "Brand search"


def test_the_board_pack_cover_takes_a_hostile_filter_as_text():
    from reportlab.platypus import Paragraph

    from legame import boardpack

    paragraph = Paragraph(boardpack._text(f"campaign {LINK} & <b>"), boardpack._styles()["body"])
    assert paragraph.getPlainText() == f"campaign {LINK} & <b>"
    assert Period(date(2025, 7, 1), date(2025, 9, 30)).label == "Q3 2025"
