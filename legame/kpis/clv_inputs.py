"""The one interface through which KPIs read predicted CLV (referred value, CLV-based ROI, CLV:CAC).

Until a CLV model can be fitted the row says so (`model` is None) and those
KPIs are n/a with that reason.
"""

from __future__ import annotations

from typing import Any

import duckdb

from legame.config import Config
from legame.kpis.period import Period


def clv_inputs(
    con: duckdb.DuckDBPyConnection, config: Config, period: Period, filters: dict[str, str]
) -> dict[str, Any]:
    return {"model": None}
