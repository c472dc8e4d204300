"""The one interface through which KPIs read predicted CLV (referred value, CLV-based ROI, CLV:CAC,
the value of the community).

The fits come from legame.value.predictions: fitted on the orders up to the period's end (or the
latest order, if earlier), kept once per process for the KPIs and the Customer value page alike,
and stored in the warehouse per data version, so the next process (the CLI, a restarted app) reads
the very same numbers instead of refitting.
When the orders cannot support a fit the row says why (`model` is None, `reason` set) and those
KPIs are n/a with that reason.
"""

from __future__ import annotations

from typing import Any

import duckdb

from legame import queries
from legame.config import Config
from legame.kpis.params import channel_map, query_params
from legame.kpis.period import Period
from legame.value import latest_order_date, predictions, reason_words


def clv_inputs(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    period: Period,
    filters: dict[str, str],
    channels: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    """new_customers, acquired_clv, referred_clv, spend and latest_date for the period (queries/clv_kpis.sql),
    with `model` describing the fit; or model None and the `reason` no model could be fitted. `channels`: the
    computation's channel map (params.channel_map), read here when not given."""
    fit = predictions(con, config, period.end)
    if fit.predictions is None:
        return {"model": None, "reason": fit.reason}
    # A cursor of its own: the relation registered on it is seen by this query alone, is never
    # written to the file, and goes with the cursor; and a result the caller left unfetched on
    # `con` cannot block the registration.
    cursor = con.cursor()
    try:
        cursor.register("clv_predictions", fit.predictions[["person_id", "clv_predicted"]])
        channels = channel_map(cursor, config) if channels is None else channels
        row = queries.run(cursor, "clv_kpis", **query_params(config, period, filters, channels))[0]
    finally:
        cursor.close()
    return {**row, "model": fit.model}


def value_inputs(con: duckdb.DuckDBPyConnection, config: Config, period: Period) -> dict[str, Any]:
    """Predicted CLV and the community's uplift as of the period's end (KPIS.md §2), from the same fit."""
    fit = predictions(con, config, period.end)
    if fit.predictions is None:
        return {"model": None, "reason": fit.reason}
    values = fit.predictions
    # The fit's own uplift: the Customer value page shows this very one for the same period.
    members = fit.community
    return {
        "model": fit.model,
        "customers": len(values),
        "clv_predicted": float(values["clv_predicted"].mean()),
        "members": members.n_a,
        "others": members.n_b,
        "uplift": members.difference,
        "uplift_low": members.low,
        "uplift_high": members.high,
        "uplift_reason": reason_words(members.reason),  # in the reader's language
        "latest_date": min(period.end, latest_order_date(con)),
    }
