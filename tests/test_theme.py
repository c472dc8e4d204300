"""Charts read on Streamlit's light and dark themes, and the board pack prints the same whichever the app uses."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import tomllib
from datetime import date

import plotly.io as pio

from legame import boardpack, charts, theme
from legame.board import build
from legame.config import ROOT
from legame.kpis import Period

Q3 = Period(date(2026, 7, 1), date(2026, 9, 30))


def test_both_streamlit_themes_carry_the_brand_colour():
    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert settings["theme"]["light"]["primaryColor"] == theme.brand().primary
    assert settings["theme"]["dark"]["primaryColor"].startswith("#")
    assert "base" not in settings["theme"]  # no fixed base: the reader's system setting and menu choose


def test_app_charts_take_text_axis_and_grid_colours_from_the_streamlit_theme():
    """The template sets no text colour, and no page turns Streamlit's chart theme off."""
    template = pio.templates[theme.TEMPLATE].layout
    assert template.font.color is None
    assert template.xaxis.title.font.color is None and template.yaxis.tickfont.color is None
    for path in [*(ROOT / "pages").glob("*.py"), *(ROOT / "legame" / "ui").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "plotly_chart":
                assert not [k for k in node.keywords if k.arg == "theme"], f"{path.name}:{node.lineno}"


def test_plotlys_default_template_is_merged_once_not_for_every_figure():
    """A default named "a+b" is merged again for every figure Plotly makes (about 15 ms of CPU each): the app's
    default is one template, Plotly's white with ours on top, merged when the theme is imported."""
    assert "+" not in theme.LIGHT_TEMPLATE and theme.PRINT_TEMPLATE == theme.LIGHT_TEMPLATE
    assert pio.templates[theme.LIGHT_TEMPLATE] == pio.templates[f"plotly_white+{theme.TEMPLATE}"]
    # The default as the app has it: Streamlit sets its own when imported, app.py imports it first, then the
    # pages the theme (a test process may import them the other way round, so this one asks a new process).
    code = "import streamlit, legame.theme, plotly.io as pio; print(pio.templates.default)"
    default = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert default.stdout.strip() == theme.LIGHT_TEMPLATE


def test_the_board_pack_chart_colours_do_not_depend_on_the_app_theme(demo, config, monkeypatch):
    board = build(demo, config, Q3, "previous", {})
    printed = [fig.to_json() for fig in boardpack.pack_figures(board, config, board.cards)]
    for fig in map(json.loads, printed):
        assert fig["layout"]["font"]["color"] == theme.PRINT_INK
        assert fig["layout"]["template"]["layout"]["paper_bgcolor"] == "rgba(0,0,0,0)"
    # Plotly's default turned dark (as an app following a dark theme might do): the pack is unchanged.
    monkeypatch.setattr(pio.templates, "default", f"plotly_dark+{theme.TEMPLATE}")
    unprinted = charts.revenue_by_membership(board.trend, Q3, config.currency)
    assert unprinted.layout.template.layout.font.color == pio.templates["plotly_dark"].layout.font.color
    assert [fig.to_json() for fig in boardpack.pack_figures(board, config, board.cards)] == printed
