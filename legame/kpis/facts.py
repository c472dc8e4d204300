"""The finance view: the same KPI objects as a table of facts, by the names the cards use."""

from __future__ import annotations

from typing import Any

from legame.fmt import NumberFormat
from legame.i18n import N_, _, pgettext
from legame.kpis import status
from legame.kpis.engine import Kpi
from legame.kpis.narrative import verdict_words

UNIT_WORDS = {
    "%": N_("percent"),
    "points": N_("NPS points"),
    "x": N_("times"),
    "per post": N_("per post"),
    "per member": N_("per member"),
    "count": N_("count"),
    "months": N_("months"),
}
DIRECTIONS = {"higher": N_("higher"), "lower": N_("lower")}
MISSING = "—"


def unit_words(unit: str, currency: str) -> str:
    """A KPI's unit as a table header or an axis title says it: 'EUR', 'percent' / 'percentuale', 'times'."""
    return currency if unit == "currency" else _(UNIT_WORDS[unit]) if unit in UNIT_WORDS else unit


def _status(k: Kpi) -> str:
    if k.status:
        return status.words(k.status)
    return _("n/a: {reason}", reason=k.na_reason) if k.na_reason else _("no target")


def facts(kpis: list[Kpi], currency: str) -> list[dict[str, Any]]:
    """One row per KPI for files (CSV, XLSX): numbers as numbers, units in words, with definition and assumptions."""
    return [
        {
            _("KPI"): k.plain_label,
            _("Technical name"): k.label,
            _("Value"): None if k.value is None else round(k.value, 4),
            _("Shown as"): k.display["value"],
            _("Unit"): unit_words(k.unit, currency),
            _("Comparison"): None if k.comparison_value is None else round(k.comparison_value, 4),
            _("Delta"): None if k.delta is None else round(k.delta, 4),
            _("Delta %"): None if k.delta_pct is None else round(k.delta_pct, 2),
            _("Target"): k.target,
            _("Status"): _status(k),
            # "Delta" is already "Variazione" in Italian: this column says what kind of change it was.
            pgettext("facts", "Change"): verdict_words(k),
            _("Better when"): _(DIRECTIONS[k.direction]),
            _("Definition"): k.definition,
            _("Assumptions"): " ".join(k.assumptions),
            _("Data up to"): k.freshness,
        }
        for k in kpis
    ]


def shown_facts(kpis: list[Kpi], fmt: NumberFormat) -> list[dict[str, str]]:
    """One row per KPI as the screen's facts table shows it: the cards' names and formatted values and dates,
    "—" if missing."""

    def text(value: str) -> str:
        return MISSING if value in (_("n/a"), _("no target")) else value

    return [
        {
            _("KPI"): k.plain_label,
            _("Value"): text(k.display["value"]),
            _("Compared with"): text(k.display["comparison_value"]),
            _("Change"): text(k.display["delta"]) if k.delta is not None else MISSING,
            _("Change %"): text(k.display["delta_pct"]),
            _("Target"): text(k.display["target"]),
            _("Status"): _status(k),
            _("Variation"): verdict_words(k),
            _("Definition"): k.definition,
            _("Assumptions"): " ".join(k.assumptions) or MISSING,
            _("Data up to"): fmt.date(k.freshness) if k.freshness else MISSING,
        }
        for k in kpis
    ]
