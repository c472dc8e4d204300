"""The holdout check: fit on the orders up to a split date, predict the repeat purchases after it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, NamedTuple

import duckdb
import numpy as np

from legame.clv.bgnbd import BetaGeoModel
from legame.clv.errors import ClvError
from legame.clv.summary import as_date, customer_summary, unit_days
from legame.i18n import _

if TYPE_CHECKING:
    import pandas as pd


class HoldoutCheck(NamedTuple):
    """Predicted vs actual repeat purchases in a holdout period, by calibration x."""

    table: pd.DataFrame
    mae: float


def holdout_check(
    con: duckdb.DuckDBPyConnection,
    split_date: dt.date | str,
    end_date: dt.date | str,
    time_unit: str = "week",
    max_x: int = 7,
) -> HoldoutCheck:
    """Fit BG/NBD on orders up to `split_date`, predict (split_date, end_date].

    The table has one row per calibration x (x >= max_x pooled as "7+" by default,
    as in FHL 2005 figure 4): customers, mean actual and mean predicted repeat
    purchases in the holdout. `mae` is the mean over those rows of |predicted -
    actual|. Actual holdout purchases are x at `end_date` minus x at `split_date`
    (the summary's purchase-day rules are per day, so the difference counts the
    purchase days in between).
    """
    import pandas as pd

    split, end = as_date(split_date), as_date(end_date)
    if end <= split:
        raise ClvError(_("The holdout end {end} must be after the split date {split}.", end=end, split=split))
    calibration = customer_summary(con, split, time_unit)
    later = customer_summary(con, end, time_unit)
    model = BetaGeoModel(calibration).fit()
    holdout_length = (end - split).days / unit_days(time_unit)
    x_end = calibration["person_id"].map(later.set_index("person_id")["x"])
    groups = np.minimum(calibration["x"].to_numpy(), max_x)
    frame = pd.DataFrame(
        {
            "x": groups,
            "actual": (x_end - calibration["x"]).to_numpy(dtype=float),
            "predicted": model.expected_purchases(holdout_length),
        }
    )
    table = (
        frame.groupby("x")
        .agg(customers=("actual", "size"), actual=("actual", "mean"), predicted=("predicted", "mean"))
        .reset_index()
    )
    table["x"] = [f"{x}+" if x == max_x else str(x) for x in table["x"]]
    mae = float((table["predicted"] - table["actual"]).abs().mean())
    return HoldoutCheck(table, mae)
