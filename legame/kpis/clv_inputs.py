"""The one interface through which KPIs read predicted CLV (referred value, CLV-based ROI, CLV:CAC).

The models are fitted on the orders up to the period's end (or the latest order, if
earlier), so customers acquired in any period are valued at the same age: a fit at the
latest date would value old cohorts only on what is left of their lives, and make every
later quarter look better. Fits are kept in this process per data version and date, with
the models themselves: the Customer value page (legame.value.report) reads its fit at the
latest order date from here too, so the page and the KPIs never fit the same thing twice.
When the orders cannot support a fit the row says why (`model` is None,
`reason` set) and those KPIs are n/a with that reason.
"""

from __future__ import annotations

import threading
from datetime import date
from typing import Any, NamedTuple

import duckdb
import numpy as np
import pandas as pd

from legame import clv, queries, warehouse
from legame.config import Config
from legame.kpis.params import query_params
from legame.kpis.period import Period
from legame.value import COMMUNITY, ClvSettings, FittedValues, fit_values, latest_order_date, uplift

# A few data versions of a few databases: the app has one; tests open many small ones.
_MAX_FITS = 16


class ClvPredictions(NamedTuple):
    """Predicted CLV per customer from one fit, or the reason there is none."""

    predictions: pd.DataFrame | None  # legame.value.customer_values: person_id, clv_predicted, groups...
    model: str | None
    reason: str | None
    # The models and every customer's values, for the Customer value page (legame.value.report):
    # there even when `predictions` is None because some values are not finite.
    fit: FittedValues | None = None
    error: str | None = None  # the message of the clv.ClvError when the models could not be fitted


_FITS: dict[tuple[str, int, ClvSettings, date], ClvPredictions] = {}
# Streamlit runs sessions in threads: one fit at a time, and the cache is never read mid-update.
_LOCK = threading.Lock()


def _fit(con: duckdb.DuckDBPyConnection, config: Config, settings: ClvSettings, as_of: date) -> ClvPredictions:
    try:
        fit = fit_values(con, config, as_of)
    except clv.ClvError as exc:
        return ClvPredictions(None, None, str(exc).rstrip("."), error=str(exc))
    values = fit.values
    unusable = int((~np.isfinite(values["clv_predicted"])).sum())
    if unusable:
        # Never let a NaN reach a sum shown to an executive.
        reason = f"the fitted model gives no finite value for {unusable:,} customers"
        return ClvPredictions(None, None, reason, fit)
    model = (
        f"BG/NBD + Gamma-Gamma fitted on {len(values):,} customers' orders to {as_of:%d %b %Y}, "
        f"{settings.horizon_months} months ahead"
    )
    return ClvPredictions(values, model, None, fit)


def predictions(con: duckdb.DuckDBPyConnection, config: Config, as_of: date | None = None) -> ClvPredictions:
    """Predicted CLV per customer from orders up to `as_of` (default: the latest), fitted once and reused."""
    latest = latest_order_date(con)
    if latest is None:
        return ClvPredictions(None, None, "there are no orders yet")
    as_of = min(as_of or latest, latest)
    settings = ClvSettings.from_config(config)
    key = (str(warehouse.database_path(config)), warehouse.data_version(con), settings, as_of)
    with _LOCK:
        if key not in _FITS:
            if len(_FITS) >= _MAX_FITS:
                del _FITS[next(iter(_FITS))]
            _FITS[key] = _fit(con, config, settings, as_of)
        return _FITS[key]


def clv_inputs(
    con: duckdb.DuckDBPyConnection, config: Config, period: Period, filters: dict[str, str]
) -> dict[str, Any]:
    """acquired, acquired_clv, referred_clv, spend and latest_date for the period (queries/clv_kpis.sql),
    with `model` describing the fit; or model None and the `reason` no model could be fitted."""
    fit = predictions(con, config, period.end)
    if fit.predictions is None:
        return {"model": None, "reason": fit.reason}
    # A cursor of its own: the relation registered on it is seen by this query alone, is never
    # written to the file, and goes with the cursor; and a result the caller left unfetched on
    # `con` cannot block the registration.
    cursor = con.cursor()
    try:
        cursor.register("clv_predictions", fit.predictions[["person_id", "clv_predicted"]])
        row = queries.run(cursor, "clv_kpis", **query_params(config, period, filters))[0]
    finally:
        cursor.close()
    return {**row, "model": fit.model}


def value_inputs(con: duckdb.DuckDBPyConnection, config: Config, period: Period) -> dict[str, Any]:
    """Predicted CLV and the community's uplift as of the period's end (KPIS.md §2), from the same fit."""
    fit = predictions(con, config, period.end)
    if fit.predictions is None:
        return {"model": None, "reason": fit.reason}
    values = fit.predictions
    members = uplift(values, COMMUNITY.column, COMMUNITY.a, COMMUNITY.b, labels=(COMMUNITY.a_label, COMMUNITY.b_label))
    return {
        "model": fit.model,
        "customers": len(values),
        "clv_predicted": float(values["clv_predicted"].mean()),
        "members": members.n_a,
        "others": members.n_b,
        "uplift": members.difference,
        "uplift_low": members.low,
        "uplift_high": members.high,
        "uplift_reason": members.reason,
        "latest_date": min(period.end, latest_order_date(con)),
    }
