"""KPIs: the registry of definitions, periods, targets and the engine that computes them."""

from legame.kpis import series
from legame.kpis.engine import Kpi, compute
from legame.kpis.period import COMPARISONS, PRESETS, Period, preset
from legame.kpis.registry import KPIS

__all__ = ["COMPARISONS", "KPIS", "PRESETS", "Kpi", "Period", "compute", "preset", "series"]
