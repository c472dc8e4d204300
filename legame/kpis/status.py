"""Targets from config.yaml and the status they give a value: on track, watch, off track."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from legame.errors import ConfigError

ON_TRACK, WATCH, OFF_TRACK = "on track", "watch", "off track"


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
                f"A target in config.yaml must look like {{target: 40, watch_within: 10}}, not {spec!r}."
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
