"""KPIs: the registry of definitions, periods, targets and the engine that computes them.

The engine (and through it the CLV models, numpy, scipy and pandas) is imported on
first use, so a command that only needs periods (sharing a link, fitting CLV from a
CSV) starts quickly.
"""

from importlib import import_module
from typing import Any

from legame.kpis.period import COMPARISONS, PRESETS, Period, preset

__all__ = ["COMPARISONS", "KPIS", "PRESETS", "Kpi", "Period", "compute", "preset", "series"]


def __getattr__(name: str) -> Any:
    # import_module, not "from legame.kpis import ...": that would ask this very hook again.
    if name in ("Kpi", "compute"):
        return getattr(import_module("legame.kpis.engine"), name)
    if name == "KPIS":
        return import_module("legame.kpis.registry").KPIS
    if name == "series":
        return import_module("legame.kpis.series")
    raise AttributeError(f"module 'legame.kpis' has no attribute {name!r}")
