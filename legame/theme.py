"""The look of every chart: one Plotly template built from the brand colours in config.yaml.

Importing this module registers the template as Plotly's default, so the app's
charts, the board pack's images and the PNG exports all look the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import plotly.graph_objects as go
import plotly.io as pio

from legame.config import Config, load_config

TEMPLATE = "legame"


@dataclass(frozen=True)
class Brand:
    """Brand colours: primary for the community and the current period, secondary for the rest."""

    primary: str = "#1f6f5c"
    secondary: str = "#b8c4c2"
    highlight: str = "#f2c14e"
    bad: str = "#c0392b"
    note: str = "#7d4fb3"  # the admin's notes on trend charts
    event: str = "#d4870f"  # community events on trend charts
    font: str = "Source Sans Pro, Helvetica, Arial, sans-serif"

    @classmethod
    def from_config(cls, config: Config) -> Brand:
        given = config.get("brand", default={}) or {}
        return cls(**{k: str(v) for k, v in given.items() if k in cls.__dataclass_fields__})


@cache
def brand() -> Brand:
    return Brand.from_config(load_config())


def template(colours: Brand) -> go.layout.Template:
    """Readable fonts, light grid, brand colourway; no chart junk."""
    return go.layout.Template(
        layout={
            # No font colour: Streamlit's light and dark themes set it, so charts read on both.
            "font": {"family": colours.font, "size": 14},
            "colorway": [colours.primary, colours.secondary, colours.highlight, colours.bad, "#4f907c", "#7d8f8c"],
            "paper_bgcolor": "rgba(0,0,0,0)",
            "plot_bgcolor": "rgba(0,0,0,0)",
            "xaxis": {"gridcolor": "#e4e9e8", "zerolinecolor": "#c9d3d1"},
            "yaxis": {"gridcolor": "#e4e9e8", "zerolinecolor": "#c9d3d1"},
            "hoverlabel": {"font": {"family": colours.font}},
        }
    )


pio.templates[TEMPLATE] = template(brand())
# Plotly's white template with ours on top, merged once and kept under its own name: a default named
# "plotly_white+legame" is merged again (copied and validated) for every figure made, about 15 ms of CPU each,
# most of what a small chart costs to build.
LIGHT_TEMPLATE = f"{TEMPLATE}_light"
pio.templates[LIGHT_TEMPLATE] = pio.templates[f"plotly_white+{TEMPLATE}"]
pio.templates.default = LIGHT_TEMPLATE
# On paper: the light template and its dark ink, pinned, whatever Plotly's default or the app's theme.
PRINT_TEMPLATE = LIGHT_TEMPLATE
PRINT_INK = "#2a3f5f"  # plotly_white's own text colour, which the board pack has always printed in


def printed(fig: go.Figure) -> go.Figure:
    """A chart as the board pack prints it: the light template and its dark text.

    In the app, st.plotly_chart's theme="streamlit" (its default) gives charts the text, axis and
    grid colours of the theme the reader sees, light or dark; the template above leaves them unset
    for that reason. A PDF has no theme: its charts get these colours, so the pack reads the same
    whichever theme the admin who downloads it uses.
    """
    return fig.update_layout(template=PRINT_TEMPLATE, font_color=PRINT_INK)
