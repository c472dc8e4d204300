"""KPIs: the registry of definitions, periods, targets and the engine that computes them.

The engine (and through it the CLV models, numpy, scipy and pandas) is imported on
first use, so a command that only needs periods (sharing a link, fitting CLV from a
CSV) starts quickly.
"""

from typing import Any

from legame.kpis.period import COMPARISONS, PRESETS, Period, preset

__all__ = ["COMPARISONS", "KPIS", "PRESETS", "Kpi", "Period", "compute", "preset", "series"]


def __getattr__(name: str) -> Any:
    if name in ("Kpi", "compute"):
        from legame.kpis import engine

        return getattr(engine, name)
    if name == "KPIS":
        from legame.kpis.registry import KPIS

        return KPIS
    if name == "series":
        from legame.kpis import series

        return series
    raise AttributeError(f"module 'legame.kpis' has no attribute {name!r}")
