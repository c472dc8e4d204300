"""One plain sentence per KPI, in the words an executive reads."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from legame.kpis.engine import Kpi
    from legame.kpis.registry import KpiDef

# Changes smaller than this share of the earlier value read as "about the same".
FLAT_SHARE = 0.005


def _comparison_words(kpi: Kpi) -> str:
    when = "the same period last year" if kpi.comparison_kind == "year" else "the previous period"
    when = f"{when} ({kpi.comparison_period.label})"
    if kpi.comparison_value is None:
        return f"; there is no figure for {when} to compare with"
    earlier = kpi.display["comparison_value"]
    if kpi.is_flat:
        return f", about the same as in {when}"
    if kpi.noise:
        return f", within normal variation of {earlier} in {when}"
    word = "up" if kpi.delta > 0 else "down"
    return f", {word} from {earlier} in {when}"


def sentence(kdef: KpiDef, kpi: Kpi, values: dict[str, Any]) -> str:
    """e.g. 'Each new customer cost € 52,10 in marketing (target € 60,00), down from € 58,20 in ...'."""
    if kpi.value is None and kpi.na_reason.startswith("not measurable by"):
        return f"{kpi.plain_label} is {kpi.na_reason}."
    if kpi.value is None:
        return f"{kpi.plain_label} cannot be worked out for {kpi.period.label}: {kpi.na_reason}."
    text = kdef.sentence.format(value=kpi.display["value"], **values)
    if kpi.target is not None:
        text += f" (target {kpi.display['target']})"
    return text + _comparison_words(kpi) + "."
