"""The finance view: the same KPI objects as a table of facts, by the names the cards use."""

from __future__ import annotations

from typing import Any

from legame.kpis.engine import Kpi

UNIT_WORDS = {"%": "percent", "points": "NPS points", "x": "times", "per post": "per post", "months": "months"}
MISSING = "—"


def unit_words(unit: str, currency: str) -> str:
    """A KPI's unit as a table header or an axis title says it: 'EUR', 'percent', 'times'."""
    return currency if unit == "currency" else UNIT_WORDS.get(unit, unit)


def _status(k: Kpi) -> str:
    return k.status or ("n/a: " + k.na_reason if k.na_reason else "no target")


def _change(k: Kpi) -> str:
    return "within normal variation" if k.noise else ("n/a" if k.delta is None else "real change")


def facts(kpis: list[Kpi], currency: str) -> list[dict[str, Any]]:
    """One row per KPI for files (CSV, XLSX): numbers as numbers, units in words, with definition and assumptions."""
    return [
        {
            "KPI": k.plain_label,
            "Technical name": k.label,
            "Value": None if k.value is None else round(k.value, 4),
            "Shown as": k.display["value"],
            "Unit": unit_words(k.unit, currency),
            "Comparison": None if k.comparison_value is None else round(k.comparison_value, 4),
            "Delta": None if k.delta is None else round(k.delta, 4),
            "Delta %": None if k.delta_pct is None else round(k.delta_pct, 2),
            "Target": k.target,
            "Status": _status(k),
            "Change": _change(k),
            "Better when": k.direction,
            "Definition": k.definition,
            "Assumptions": " ".join(k.assumptions),
            "Data up to": k.freshness,
        }
        for k in kpis
    ]


def shown_facts(kpis: list[Kpi]) -> list[dict[str, str]]:
    """One row per KPI as the screen's facts table shows it: the cards' names and formatted values, "—" if missing."""

    def text(value: str) -> str:
        return MISSING if value in ("n/a", "no target") else value

    return [
        {
            "KPI": k.plain_label,
            "Value": text(k.display["value"]),
            "Compared with": text(k.display["comparison_value"]),
            "Change": text(k.display["delta"]) if k.delta is not None else MISSING,
            "Change %": text(k.display["delta_pct"]),
            "Target": text(k.display["target"]),
            "Status": _status(k),
            "Variation": _change(k),
            "Definition": k.definition,
            "Assumptions": " ".join(k.assumptions) or MISSING,
            "Data up to": k.freshness.isoformat() if k.freshness else MISSING,
        }
        for k in kpis
    ]
