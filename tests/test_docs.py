"""The README documents every KPI and every command a user can run."""

from __future__ import annotations

import re

from legame.cli import build_parser
from legame.config import ROOT
from legame.ingest.profiles import _builtin_specs
from legame.kpis.registry import KPIS, say

README = (ROOT / "README.md").read_text(encoding="utf-8")


# How the README writes the settings a definition depends on: the default, then the other choice.
README_SETTINGS = {
    "engagement_denominator": "reach",
    "conversion_denominator": "clicks",
    "horizon": "36 (config.yaml) months",
}
README_CHOICES = {
    "/ reach ": "/ reach (or impressions, config.yaml) ",
    "/ clicks ": "/ clicks (or visits, config.yaml) ",
}
OTHER_CHOICE = {"engagement_denominator": "impressions", "conversion_denominator": "visits"}


def test_every_kpi_is_in_the_readme_with_its_definition():
    for kpi in KPIS.values():
        row = re.search(rf"^\| `{kpi.id}` \| {re.escape(kpi.plain_label)} \| (.+) \|$", README, re.MULTILINE)
        assert row, f"README's KPI table lacks {kpi.id}"
        # One definition: the README's words are the registry's, the ones the app shows (in English).
        definition = say(kpi.definition, README_SETTINGS)
        for default, both in README_CHOICES.items():
            definition = definition.replace(default, both, 1)
        assert row.group(1) == definition, kpi.id
        # The other setting's definition is the README's with that choice.
        other = say(kpi.definition, {**README_SETTINGS, **OTHER_CHOICE})
        for default, both in README_CHOICES.items():
            chosen = OTHER_CHOICE["engagement_denominator" if "reach" in default else "conversion_denominator"]
            readme = row.group(1).replace(both, f"/ {chosen} ", 1)
            if both in row.group(1):
                assert other == readme, kpi.id


def test_every_cli_command_is_in_the_readme():
    commands = build_parser()._subparsers._group_actions[0].choices
    for name in commands:
        assert f"python -m legame {name}" in README, f"README does not show `python -m legame {name}`"


def test_every_built_in_export_format_is_in_the_readme():
    for name, _spec in _builtin_specs():
        assert f"`{name}`" in README, f"README's list of recognised exports lacks {name}"
