"""The finance view: the same KPI objects as a table of facts."""

from __future__ import annotations

from typing import Any

from legame.kpis.engine import Kpi

UNIT_WORDS = {"%": "percent", "points": "NPS points", "x": "times", "per post": "per post", "months": "months"}


def unit_words(unit: str, currency: str) -> str:
    """A KPI's unit as a table header or an axis title says it: 'EUR', 'percent', 'times'."""
    return currency if unit == "currency" else UNIT_WORDS.get(unit, unit)


def facts(kpis: list[Kpi], currency: str) -> list[dict[str, Any]]:
    """One row per KPI: numbers as numbers, units in words, with definition and assumptions."""
    return [
        {
            "KPI": k.label,
            "Value": None if k.value is None else round(k.value, 4),
            "Unit": unit_words(k.unit, currency),
            "Comparison": None if k.comparison_value is None else round(k.comparison_value, 4),
            "Delta": None if k.delta is None else round(k.delta, 4),
            "Delta %": None if k.delta_pct is None else round(k.delta_pct, 2),
            "Target": k.target,
            "Status": k.status or ("n/a: " + k.na_reason if k.na_reason else "no target"),
            "Change": "within normal variation" if k.noise else ("n/a" if k.delta is None else "real change"),
            "Better when": k.direction,
            "Definition": k.definition,
            "Assumptions": " ".join(k.assumptions),
            "Data up to": k.freshness,
        }
        for k in kpis
    ]
