"""`python -m legame check`: the KPIs with a target, judged for a period, as an exit code cron can act on.

Exit 0 when every KPI with a target is on track, 1 when one is on watch, 2 when one is off track,
3 for a usage error. Only real movements count: a KPI that slipped from on track only within normal
variation is reported as such and does not raise the exit code.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from typing import Any

from legame import warehouse
from legame.config import load_config
from legame.i18n import _, ngettext

# The period names cron lines use, onto the board's presets.
PERIODS = {
    "this-month": "this_month",
    "last-month": "last_month",
    "this-quarter": "this_quarter",
    "last-quarter": "last_quarter",
    "year-to-date": "year_to_date",
    "last-12-months": "last_12_months",
}
ON_TRACK, WATCH, OFF_TRACK = "on track", "watch", "off track"
EXIT = {ON_TRACK: 0, WATCH: 1, OFF_TRACK: 2}
USAGE_ERROR = 3


@dataclass(frozen=True)
class Finding:
    """A KPI with a target that is not on track, and whether its slip counts."""

    kpi: Any  # legame.kpis.Kpi
    was: str | None  # its status in the comparison period
    counts: bool  # False when it was on track and moved only within normal variation

    @property
    def line(self) -> str:
        """The finding as one sentence: where the KPI stands against its target, and where it stood before."""
        k = self.kpi
        values = {
            "kpi": k.plain_label,
            "value": k.display["value"],
            "target": k.display["target"],
            "before": k.comparison_period.label,
            "was_value": k.display["comparison_value"],
            "why": k.noise,
        }
        text = _said(k.status, **values)
        if not self.was:
            return text + _(" (no figure for {before} to compare with).", **values)
        if self.was == ON_TRACK and not self.counts and not k.noise:
            return text + _(
                "; it was on track in {before} ({was_value}) and the change is too small to mention, "
                "so it is not counted.",
                **values,
            )
        if self.was == ON_TRACK and not self.counts:
            return text + _(
                "; it was on track in {before} ({was_value}) and the change is within normal variation ({why}), "
                "so it is not counted.",
                **values,
            )
        if self.was == ON_TRACK:
            return text + _("; on track in {before} ({was_value}).", **values)
        if self.was == WATCH:
            return text + _("; on watch in {before} ({was_value}).", **values)
        return text + _("; off track in {before} ({was_value}).", **values)

    def as_dict(self) -> dict[str, Any]:
        k = self.kpi
        return {
            "id": k.id,
            "label": k.plain_label,
            "status": k.status,
            "previous_status": self.was,
            "counts": self.counts,
            "within_noise": k.noise is not None,
            "value": k.value,
            "target": k.target,
            "display": {"value": k.display["value"], "target": k.display["target"]},
            "sentence": k.sentence,
            "line": self.line,
        }


def _said(status: str, **values: object) -> str:
    """'Willingness to recommend is on watch: +40 against a target of +45', one sentence per status."""
    if status == WATCH:
        return _("{kpi} is on watch: {value} against a target of {target}", **values)
    if status == OFF_TRACK:
        return _("{kpi} is off track: {value} against a target of {target}", **values)
    return _("{kpi} is on track: {value} against a target of {target}", **values)


def findings(kpis: list, config: Any) -> list[Finding]:
    """Every KPI with a target that is not on track, with its status in the comparison period."""
    from legame.fmt import shown
    from legame.kpis.narrative import BETTER, WORSE, verdict
    from legame.kpis.registry import KPIS
    from legame.kpis.status import Target, status

    found = []
    for k in kpis:
        if k.target is None or k.status in (None, ON_TRACK):
            continue
        target = Target.from_config(config.get("targets", k.id))
        was = status(shown(k.comparison_value, k.unit, k.value), target, KPIS[k.id].direction)  # as the card shows it
        # A slip from on track counts when the change is real (narrative.verdict): not within normal variation,
        # not too small to mention.
        found.append(Finding(k, was, counts=not (was == ON_TRACK and verdict(k) not in (BETTER, WORSE))))
    return found


def exit_code(found: list[Finding]) -> int:
    return max((EXIT[f.kpi.status] for f in found if f.counts), default=0)


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register `check`."""
    parser = subparsers.add_parser(
        "check",
        help=_("judge every KPI with a target; exit 0 on track, 1 watch, 2 off track (for cron)"),
        description=_(
            "Judges every KPI that has a target in config.yaml for a period counted back from the latest day with "
            "data, and prints one line per KPI that is not on track. Exit 0: all on track; 1: something on watch; "
            "2: something off track; 3: a usage error. A KPI that slipped only within normal variation is reported "
            "as such and does not count."
        ),
    )
    parser.add_argument("--period", choices=list(PERIODS), default="last-month")
    parser.add_argument("--compare", choices=["previous", "year"], default="previous")
    parser.add_argument("--json", action="store_true", help=_("print the findings as JSON"))
    parser.set_defaults(run=_run)
    return parser


def _run(args: argparse.Namespace) -> int:
    from legame.board import anchor_date
    from legame.kpis import compute, preset

    config = load_config()
    con = warehouse.connect(config)
    period = preset(PERIODS[args.period], anchor_date(con))
    kpis = compute(con, config, period, args.compare)
    found = findings(kpis, config)
    code = exit_code(found)
    judged = sum(k.target is not None and k.status is not None for k in kpis)
    if args.json:
        print(
            json.dumps(
                {
                    "period": period.as_dict(),
                    "exit_code": code,
                    "judged": judged,
                    "findings": [f.as_dict() for f in found],
                },
                indent=2,
                ensure_ascii=False,
                default=str,
            )
        )
        return code
    if not found:
        print(
            ngettext(
                "{period}: the {n} KPI with a target is on track.",
                "{period}: all {n} KPIs with a target are on track.",
                judged,
                period=period.label,
            )
        )
        return code
    print(
        ngettext(
            "{period}: {n} of {total} KPIs with a target is not on track.",
            "{period}: {n} of {total} KPIs with a target are not on track.",
            len(found),
            period=period.label,
            total=judged,
        )
    )
    for finding in found:
        print(f"- {finding.line}")
    return code
