"""The README documents every KPI and every command a user can run."""

from __future__ import annotations

import re

from legame.cli import build_parser
from legame.config import ROOT
from legame.ingest.profiles import _builtin_specs
from legame.kpis.registry import KPIS

README = (ROOT / "README.md").read_text(encoding="utf-8")


# How the README writes the settings a definition depends on.
README_SETTINGS = {
    "engagement_denominator": "reach (or impressions, config.yaml)",
    "conversion_denominator": "clicks (or visits, config.yaml)",
    "horizon_months": "36 (config.yaml)",
}


def test_every_kpi_is_in_the_readme_with_its_definition():
    for kpi in KPIS.values():
        row = re.search(rf"^\| `{kpi.id}` \| {re.escape(kpi.plain_label)} \| (.+) \|$", README, re.MULTILINE)
        assert row, f"README's KPI table lacks {kpi.id}"
        # One definition: the README's words are the registry's, the ones the app shows.
        assert row.group(1) == kpi.definition.format(**README_SETTINGS), kpi.id


def test_every_cli_command_is_in_the_readme():
    commands = build_parser()._subparsers._group_actions[0].choices
    for name in commands:
        assert f"python -m legame {name}" in README, f"README does not show `python -m legame {name}`"


def test_every_built_in_export_format_is_in_the_readme():
    for name, _spec in _builtin_specs():
        assert f"`{name}`" in README, f"README's list of recognised exports lacks {name}"
