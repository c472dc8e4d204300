"""One plain sentence per KPI, in the words an executive reads, in the reader's language.

A KPI's own sentence ("Each new customer cost {value} in marketing") is followed by a target and a
comparison clause, each one whole message with placeholders, so that in Italian the clause reads
"in calo rispetto a 58,20 € del periodo precedente (T2 2026)" whatever the KPI's own words are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from legame.i18n import N_, _
from legame.kpis.registry import say

if TYPE_CHECKING:
    from legame.kpis.engine import Kpi
    from legame.kpis.registry import KpiDef

# Changes smaller than this share of the earlier value read as "about the same".
FLAT_SHARE = 0.005

# The comparison clause, by comparison kind and what the change was: {earlier} is the earlier
# value, {when} the comparison period's label. Whole clauses: "the previous period" and "the same
# period last year" take different prepositions in Italian (del / dello).
CLAUSES = {
    "previous": {
        "none": N_("; there is no figure for the previous period ({when}) to compare with"),
        "flat": N_(", about the same as in the previous period ({when})"),
        "noise": N_(", within normal variation of {earlier} in the previous period ({when})"),
        "up": N_(", up from {earlier} in the previous period ({when})"),
        "down": N_(", down from {earlier} in the previous period ({when})"),
    },
    "year": {
        "none": N_("; there is no figure for the same period last year ({when}) to compare with"),
        "flat": N_(", about the same as in the same period last year ({when})"),
        "noise": N_(", within normal variation of {earlier} in the same period last year ({when})"),
        "up": N_(", up from {earlier} in the same period last year ({when})"),
        "down": N_(", down from {earlier} in the same period last year ({when})"),
    },
}


# The verdict on a change, the one every surface shows: the card's colour, the sentence, "What changed", the
# board pack, the facts table and its CSV and XLSX files.
NONE, FLAT, NOISE, BETTER, WORSE = "none", "flat", "noise", "better", "worse"
VERDICT_WORDS = {
    NONE: N_("n/a"),
    FLAT: N_("about the same"),
    NOISE: N_("within normal variation"),
    BETTER: N_("better"),
    WORSE: N_("worse"),
}


def change(kpi: Kpi) -> str:
    """How the KPI moved against its comparison: none (no earlier figure), flat (too small to mention, whatever
    its noise), noise (within normal variation), up or down (a real change)."""
    if kpi.comparison_value is None or kpi.delta is None:
        return NONE
    if kpi.is_flat:
        return FLAT
    if kpi.noise:
        return NOISE
    return "up" if kpi.delta > 0 else "down"


def verdict(kpi: Kpi) -> str:
    """The change as the KPI's direction reads it: none, flat, noise, better or worse (a falling cost is better)."""
    moved = change(kpi)
    if moved in ("up", "down"):
        return BETTER if (moved == "up") == (kpi.direction == "higher") else WORSE
    return moved


def verdict_words(kpi: Kpi) -> str:
    """The verdict in the reader's language: 'about the same' / 'stabile', 'worse' / 'peggio'..."""
    return _(VERDICT_WORDS[verdict(kpi)])


def comparison_clause(kpi: Kpi) -> str:
    """', down from €58.20 in the previous period (Q2 2026)', in the reader's language."""
    kind = "year" if kpi.comparison_kind == "year" else "previous"
    return _(CLAUSES[kind][change(kpi)], earlier=kpi.display["comparison_value"], when=kpi.comparison_period.label)


def sentence(kdef: KpiDef, kpi: Kpi, values: dict[str, Any]) -> str:
    """e.g. 'Each new customer cost €52.10 in marketing (target €60.00), down from €58.20 in the previous
    period (Q2 2026).' / 'Ogni nuovo cliente è costato 52,10 € di marketing (obiettivo 60,00 €), in calo
    rispetto a 58,20 € del periodo precedente (T2 2026).'"""
    if kpi.value is None and kpi.not_measurable:
        dimension, why = kpi.not_measurable
        if dimension == "campaign":
            return _("{label} is not measurable by campaign: {why}.", label=kpi.plain_label, why=why)
        return _("{label} is not measurable by channel: {why}.", label=kpi.plain_label, why=why)
    if kpi.value is None:
        return _(
            "{label} cannot be worked out for {period}: {reason}.",
            label=kpi.plain_label,
            period=kpi.period.label,
            reason=kpi.na_reason,
        )
    own = say(kdef.sentence, values, count=kpi.value, value=kpi.display["value"])
    if kpi.target is not None:
        return _(
            "{sentence} (target {target}){comparison}.",
            sentence=own,
            target=kpi.display["target"],
            comparison=comparison_clause(kpi),
        )
    return _("{sentence}{comparison}.", sentence=own, comparison=comparison_clause(kpi))
