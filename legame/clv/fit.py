"""Both models fitted together on the warehouse, and predicted CLV per customer from them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import duckdb
import numpy as np

from legame.clv.bgnbd import BetaGeoModel, BetaGeoParams, check_histories, expected_purchases_over, fit_histories
from legame.clv.errors import ClvError
from legame.clv.gamma_gamma import GammaGammaModel, GammaGammaParams, check_spend, fit_spend, weighted_correlation
from legame.clv.summary import DAYS_PER_MONTH, customer_summary, grouped_histories, unit_days
from legame.i18n import _

if TYPE_CHECKING:
    import pandas as pd


def predicted_clv(
    purchases: BetaGeoModel,
    spend: GammaGammaModel,
    data: pd.DataFrame,
    horizon_months: int,
    discount_monthly: float,
    margin: float,
    days_per_unit: float,
) -> np.ndarray:
    """Discounted margin over the next `horizon_months` months, per customer.

    sum over m = 1..H of (E[Y(m)] - E[Y(m - 1)]) * E(M) * margin / (1 + d)^m, with
    E[Y(.)] from FHL 2005 eq. 10 at the end of each month (a month is 30.4375 days,
    converted to the model's unit) and E(M) from FH 2013 eq. 5.
    """
    if horizon_months < 1:
        raise ClvError(_("The CLV horizon must be at least 1 month, not {months}.", months=horizon_months))
    months = np.arange(1, horizon_months + 1, dtype=float)
    ts = months * DAYS_PER_MONTH / days_per_unit
    cumulative = expected_purchases_over(purchases.params, ts, *purchases._histories(data))
    per_month = np.diff(cumulative, axis=1, prepend=0.0)
    discount = (1.0 + discount_monthly) ** -months
    return per_month @ discount * spend.expected_spend(data) * margin


@dataclass(frozen=True)
class ClvFit:
    """Both models fitted on the customer summary at one calibration end."""

    summary: pd.DataFrame
    purchases: BetaGeoModel
    spend: GammaGammaModel
    time_unit: str

    def customer_values(self, horizon_months: int, discount_monthly: float, margin: float) -> pd.DataFrame:
        """Per customer: history, P(alive), expected purchases and spend, predicted CLV."""
        import pandas as pd

        s = self.summary
        horizon = horizon_months * DAYS_PER_MONTH / unit_days(self.time_unit)
        return pd.DataFrame(
            {
                "person_id": s["person_id"],
                "x": s["x"],
                "t_x": s["t_x"],
                "T": s["T"],
                "p_alive": self.purchases.p_alive(),
                "expected_purchases": self.purchases.expected_purchases(horizon),
                "expected_spend": self.spend.expected_spend(),
                "clv_predicted": predicted_clv(
                    self.purchases,
                    self.spend,
                    s,
                    horizon_months,
                    discount_monthly,
                    margin,
                    unit_days(self.time_unit),
                ),
                "historic_revenue": s["historic_revenue"],
            }
        )


def fit_clv(con: duckdb.DuckDBPyConnection, calibration_end: dt.date | str, time_unit: str = "week") -> ClvFit:
    """Summarise the `orders` table at `calibration_end` and fit both models on it."""
    summary = customer_summary(con, calibration_end, time_unit)
    purchases = BetaGeoModel(summary).fit()
    spend = GammaGammaModel(summary).fit()
    return ClvFit(summary, purchases, spend, time_unit)


class ClvParameters(NamedTuple):
    """Both models' parameters and the independence check, without per-customer predictions."""

    purchases: BetaGeoParams
    spend: GammaGammaParams
    correlation: float  # frequency_monetary_correlation


def fit_parameters(
    con: duckdb.DuckDBPyConnection, calibration_end: dt.date | str, time_unit: str = "week"
) -> ClvParameters:
    """What fit_clv estimates, from customers counted per distinct history inside DuckDB.

    The customer summary of queries/clv_summary.sql never leaves the database: DuckDB
    groups it by (x, t_x, T) for BG/NBD and by (x, monetary_value) for Gamma-Gamma, and
    the models are fitted on those groups with their sizes as weights: the same likelihood,
    the same estimates, a few thousand rows instead of one per customer and no pandas.
    """
    column = grouped_histories(con, calibration_end, time_unit)
    history = column["is_spend_group"] == 0
    x, t_x, T, customers = (column[name][history] for name in ("x", "t_x", "T", "customers"))
    check_histories(x, t_x, T, BetaGeoModel.name)
    purchases = fit_histories(x, t_x, T, customers, BetaGeoModel.name)
    x, m, customers = (column[name][~history] for name in ("x", "monetary_value", "customers"))
    check_spend(x, m, GammaGammaModel.name)
    spend = fit_spend(x, m, customers, GammaGammaModel.name)
    return ClvParameters(purchases, spend, weighted_correlation(x, m, customers))


def customer_values(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date | str,
    horizon_months: int,
    discount_monthly: float,
    margin: float,
    time_unit: str = "week",
) -> pd.DataFrame:
    """Predicted CLV per person_id from the orders up to `as_of` (see ClvFit.customer_values)."""
    fitted = fit_clv(con, as_of, time_unit)
    return fitted.customer_values(horizon_months, discount_monthly, margin)
