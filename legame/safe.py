"""Data-derived text made inert for each place it is shown: Plotly, Markdown, the PDF, spreadsheets.

A channel, campaign, segment or link label is typed by someone outside the team (an export, a
mapping, an admin), so it is escaped on its way out, here and nowhere else. Each function takes
plain text and returns text that the target shows literally: no link, no markup, no formula.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape as _xml_escape

# Markdown's active characters (CommonMark's escapable punctuation that can start markup).
_MARKDOWN_ACTIVE = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|$~:&=\"'])")
# GitHub-flavoured Markdown links bare URLs, www. addresses and e-mail addresses on its own, even
# with their punctuation escaped; a zero-width space after the scheme's ':' or 'www' or before
# '@' breaks the pattern it looks for and shows nothing.
_AUTOLINK = re.compile(r"(?i)(?<=[a-z])(:)(?=/)|(www)(?=\.)|(@)")
_ZERO_WIDTH_SPACE = "\u200b"
# A spreadsheet reads a cell starting with one of these as a formula (tab and CR too, in some importers).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def for_plotly(text: object) -> str:
    """Text for a Plotly label, legend or category: its pseudo-HTML (<a href>, <b>, <br>) shown literally.

    Plotly reads &lt; &gt; &amp; as the characters, so the label reads as typed.
    """
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def for_markdown(text: object) -> str:
    """Text for st.markdown, captions, headers, metrics and help: no emphasis, formula, HTML or link.

    Escaping the punctuation stops emphasis and [links](...); auto-linked URLs and addresses need
    their pattern broken as well.
    """

    def unlink(match: re.Match[str]) -> str:
        colon, www, at = match.groups()
        if colon:
            return colon + _ZERO_WIDTH_SPACE
        if www:
            return www + _ZERO_WIDTH_SPACE
        return _ZERO_WIDTH_SPACE + at

    unlinked = _AUTOLINK.sub(unlink, str(text))
    return _MARKDOWN_ACTIVE.sub(r"\\\1", unlinked)


def for_pdf(text: object) -> str:
    """Text for a reportlab Paragraph, whose markup is XML: 'A<B & C' shows as typed."""
    return _xml_escape(str(text), {'"': "&quot;"})


def for_spreadsheet(text: str) -> str:
    """A cell as a spreadsheet shows it but never evaluates it: a leading formula character gets a ' before it."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text
