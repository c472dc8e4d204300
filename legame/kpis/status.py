"""Targets from config.yaml and the status they give a value: on track, watch, off track."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from legame.errors import ConfigError
from legame.i18n import N_, _

# Ids (the JSON's `status`, config and tests); `words` and `label` say them in the reader's language.
ON_TRACK, WATCH, OFF_TRACK = "on track", "watch", "off track"
WORDS = {ON_TRACK: N_("on track"), WATCH: N_("on watch"), OFF_TRACK: N_("off track")}
LABELS = {ON_TRACK: N_("On track"), WATCH: N_("Watch"), OFF_TRACK: N_("Off track")}


def words(status_id: str) -> str:
    """A status inside a sentence: 'on track' / 'in linea', 'on watch' / 'da tenere d'occhio'."""
    return _(WORDS[status_id])


def label(status_id: str) -> str:
    """A status on a card or in a table: 'On track' / 'In linea', 'Watch' / 'Da tenere d'occhio'."""
    return _(LABELS[status_id])


@dataclass(frozen=True)
class Target:
    """A KPI's target and how far on the wrong side of it still counts as "watch"."""

    value: float
    watch_within: float

    @classmethod
    def from_config(cls, spec: Any) -> Target | None:
        if spec is None:
            return None
        if isinstance(spec, int | float):
            return cls(float(spec), abs(float(spec)) * 0.1)
        try:
            value = float(spec["target"])
            return cls(value, float(spec.get("watch_within", abs(value) * 0.1)))
        except (KeyError, TypeError, ValueError):
            raise ConfigError(
                _(
                    "A target in config.yaml must look like {example}, not {spec!r}.",
                    example="{target: 40, watch_within: 10}",
                    spec=spec,
                )
            ) from None


def status(value: float | None, target: Target | None, direction: str) -> str | None:
    """On track when the target is met; watch within `watch_within` of it; off track beyond.

    `direction` says which side is good: "higher" (NPS) or "lower" (CAC).
    """
    if value is None or target is None:
        return None
    shortfall = target.value - value if direction == "higher" else value - target.value
    if shortfall <= 0:
        return ON_TRACK
    if shortfall <= target.watch_within:
        return WATCH
    return OFF_TRACK
