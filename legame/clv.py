"""Predicted customer lifetime value: BG/NBD purchase counts and Gamma-Gamma spend.

Both models are fitted by maximum likelihood with numpy and scipy only. Customers
who share a history (x, t_x, T) add identical terms to the likelihood, so the
fit works on the distinct histories with a weight each: on real data (days as the
finest grain) that is a small fraction of the customers.

References
----------
FHL 2005
    Fader, Hardie & Lee (2005), "'Counting your customers' the easy way: an
    alternative to the Pareto/NBD model", Marketing Science 24(2), 275-284.
FHL 2008
    Fader, Hardie & Lee (2008), "Computing P(alive) using the BG/NBD model",
    research note (brucehardie.com/notes/021).
FH 2013
    Fader & Hardie (2013), "The Gamma-Gamma model of monetary value", research
    note (brucehardie.com/notes/025).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import duckdb
import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import betaln, digamma, expit, gammaln, hyp2f1

from legame.errors import LegameError

SUMMARY_SQL = Path(__file__).resolve().parent.parent / "queries" / "clv_summary.sql"

DAYS_PER_MONTH = 30.4375  # 365.25 / 12
TIME_UNIT_DAYS = {"day": 1.0, "week": 7.0, "month": DAYS_PER_MONTH}

# Log-parameters are kept within exp(+-20): far beyond any real data set, so a
# parameter that ends on this bound means the data cannot identify it.
_LOG_BOUND = 20.0


class ClvError(LegameError):
    """The CLV models cannot be fitted or used on the data given."""


class NotFittedError(ClvError):
    """A model was asked for parameters or predictions before fit()."""


def unit_days(time_unit: str) -> float:
    """Days in one model time unit ("day", "week" or "month")."""
    try:
        return TIME_UNIT_DAYS[time_unit]
    except KeyError:
        raise ClvError(f"Unknown time unit {time_unit!r}: use one of {', '.join(TIME_UNIT_DAYS)}.") from None


def customer_summary(
    con: duckdb.DuckDBPyConnection, calibration_end: dt.date | str, time_unit: str = "week"
) -> pd.DataFrame:
    """One row per customer from the `orders` table, as of `calibration_end` (inclusive).

    Columns: person_id, first_purchase_date, x, t_x, T, monetary_value,
    historic_revenue (see queries/clv_summary.sql for the rules).
    """
    params = {"calibration_end": _as_date(calibration_end), "unit_days": unit_days(time_unit)}
    return con.execute(SUMMARY_SQL.read_text(), params).df()


def _as_date(value: dt.date | str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ClvError(f"Cannot read {value!r} as a date: use YYYY-MM-DD.") from None


def _column(data: pd.DataFrame, name: str, model: str) -> np.ndarray:
    if name not in data.columns:
        raise ClvError(
            f"{model}: required column {name!r} missing (columns: {', '.join(map(str, data.columns))})."
        )
    try:
        values = data[name].to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError):
        raise ClvError(f"{model}: column {name!r} must be numeric.") from None
    return values


def _check(bad: np.ndarray, message: str, model: str) -> None:
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise ClvError(f"{model}: {int(bad.sum())} row(s) {message} (first: row {first}).")


def _collapse(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct rows of the columns, how often each occurs, and where each input row went."""
    unique, inverse, counts = np.unique(
        np.column_stack(columns), axis=0, return_inverse=True, return_counts=True
    )
    return unique, counts.astype(float), inverse.ravel()


# --------------------------------------------------------------------------- BG/NBD


@dataclass(frozen=True)
class BetaGeoParams:
    """Fitted BG/NBD parameters: purchase rate ~ Gamma(r, alpha), dropout ~ Beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float
    loglik: float
    n_customers: int


class _Histories:
    """The distinct (x, t_x, T) histories, factorised so each special function of x,
    and each log of T or t_x, is computed once per distinct value."""

    def __init__(self, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> None:
        rows, weight, _ = _collapse(x, t_x, T)
        x, t_x, T = rows.T
        self.n = float(weight.sum())
        self.x_values, x_index = np.unique(x, return_inverse=True)
        self.x_weight = np.bincount(x_index, weights=weight)
        self.T_values, T_index = np.unique(T, return_inverse=True)
        # Customers, and their purchases, per distinct T: the -(r + x) ln(alpha + T) term.
        self.T_weight = np.bincount(T_index, weights=weight)
        self.T_weight_x = np.bincount(T_index, weights=weight * x)
        repeat = x > 0
        self.rx = x[repeat]
        self.rw = weight[repeat]
        self.r_T_index = T_index[repeat]
        self.tx_values, self.r_tx_index = np.unique(t_x[repeat], return_inverse=True)


def _bgnbd_objective(theta: np.ndarray, h: _Histories) -> tuple[float, np.ndarray]:
    """Minus the mean log-likelihood (FHL 2005 eq. 6 summed as eq. 7) and its gradient
    in the log-parameters.

    Per customer, ln L = ln A(x) - (r + x) ln(alpha + T) + delta_{x>0} softplus(d) with
    d = ln(a / (b + x - 1)) + (r + x) ln((alpha + T) / (alpha + t_x)): eq. 6 with the
    sum of its two terms taken in log space, so it stays finite for large x (the
    problem FH's "#NUM!" note solves the same way).
    """
    r, alpha, a, b = np.exp(theta)
    xv, W, Wx = h.x_values, h.n, h.x_weight

    # Terms that depend on x only, weighted by the number of customers with that x.
    loglik = Wx @ (gammaln(r + xv) + betaln(a, b + xv)) + W * (r * np.log(alpha) - gammaln(r) - betaln(a, b))
    g_r = Wx @ digamma(r + xv) + W * (np.log(alpha) - digamma(r))
    g_alpha = W * r / alpha
    g_a = Wx @ (digamma(a + b) - digamma(a + b + xv))
    g_b = Wx @ (digamma(b + xv) - digamma(a + b + xv)) + W * (digamma(a + b) - digamma(b))

    # -(r + x) ln(alpha + T) for every customer.
    log_aT = np.log(alpha + h.T_values)
    inv_aT = 1.0 / (alpha + h.T_values)
    loglik -= r * (h.T_weight @ log_aT) + h.T_weight_x @ log_aT
    g_r -= h.T_weight @ log_aT
    g_alpha -= r * (h.T_weight @ inv_aT) + h.T_weight_x @ inv_aT

    # softplus(d) for repeat customers; its derivative brings in sigmoid(d).
    if h.rx.size:
        rx, rw = h.rx, h.rw
        log_atx = np.log(alpha + h.tx_values)[h.r_tx_index]
        log_aTr = log_aT[h.r_T_index]
        gap = log_aTr - log_atx
        d = np.log(a / (b + rx - 1)) + (r + rx) * gap
        loglik += rw @ np.logaddexp(0.0, d)
        s = rw * expit(d)
        g_r += s @ gap
        inv_atx = 1.0 / (alpha + h.tx_values)[h.r_tx_index]
        g_alpha += s @ ((r + rx) * (inv_aT[h.r_T_index] - inv_atx))
        g_a += s.sum() / a
        g_b -= s @ (1.0 / (b + rx - 1))

    grad = np.array([g_r, g_alpha, g_a, g_b]) * np.array([r, alpha, a, b])
    return -loglik / W, -grad / W


class BetaGeoModel:
    """BG/NBD model of repeat purchases (FHL 2005).

    `data` holds one row per customer with columns x (repeat purchases), t_x (time
    of the last purchase since the first) and T (time since the first purchase),
    all in one time unit. Validate on construction, then `fit()`, then predict.
    """

    name = "BG/NBD"

    def __init__(self, data: pd.DataFrame) -> None:
        x, t_x, T = (_column(data, c, self.name) for c in ("x", "t_x", "T"))
        if x.size == 0:
            raise ClvError(f"{self.name}: no customers to fit.")
        _check(np.isnan(x) | np.isnan(t_x) | np.isnan(T), "have an empty x, t_x or T", self.name)
        _check((x < 0) | (x != np.round(x)), "have an x that is not a whole number >= 0", self.name)
        _check((t_x < 0) | (t_x > T), "have t_x outside [0, T]", self.name)
        _check((x == 0) & (t_x != 0), "have x = 0 but t_x != 0", self.name)
        self.x, self.t_x, self.T = x, t_x, T
        self._params: BetaGeoParams | None = None

    def fit(self) -> BetaGeoModel:
        """Maximum-likelihood estimates of r, alpha, a, b (FHL 2005 eq. 7)."""
        if not (self.x > 0).any():
            raise ClvError(
                f"{self.name}: none of the {self.x.size} customers has a repeat purchase "
                "(x = 0 for all), so the purchase rate and dropout cannot be estimated: "
                "use a later calibration end or more history."
            )
        h = _Histories(self.x, self.t_x, self.T)
        # Start at a purchase rate of about one per observed lifetime.
        start = np.log([1.0, max(float(np.mean(self.T)), 1e-3), 1.0, 1.0])
        theta = _maximise(_bgnbd_objective, start, h, self.name, ("r", "alpha", "a", "b"))
        r, alpha, a, b = np.exp(theta)
        loglik = -_bgnbd_objective(theta, h)[0] * h.n
        self._params = BetaGeoParams(r, alpha, a, b, float(loglik), int(h.n))
        return self

    @property
    def params(self) -> BetaGeoParams:
        if self._params is None:
            raise NotFittedError(f"{self.name}: call fit() before asking for parameters.")
        return self._params

    def _histories(self, data: pd.DataFrame | None) -> tuple[np.ndarray, ...]:
        if data is None:
            return self.x, self.t_x, self.T
        other = BetaGeoModel(data)
        return other.x, other.t_x, other.T

    def p_alive(self, data: pd.DataFrame | None = None) -> np.ndarray:
        """P(alive at T | x, t_x, T): the reciprocal of eq. 10's denominator (FHL 2008).

        1 / (1 + delta_{x>0} a / (b + x - 1) ((alpha + T) / (alpha + t_x))^(r + x)).
        """
        return _p_alive(self.params, *self._histories(data))

    def expected_purchases(self, t: float, data: pd.DataFrame | None = None) -> np.ndarray:
        """E[Y(t) | x, t_x, T]: expected purchases in (T, T + t] (FHL 2005 eq. 10)."""
        ts = np.array([t], dtype=float)
        return _expected_purchases(self.params, ts, *self._histories(data))[:, 0]


def _p_alive(p: BetaGeoParams, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    xs = np.maximum(x, 1)  # the x = 0 rows are set to 1 below
    d = np.log(p.a / (p.b + xs - 1)) + (p.r + xs) * np.log((p.alpha + T) / (p.alpha + t_x))
    return np.where(x > 0, expit(-d), 1.0)


def _expected_purchases(
    p: BetaGeoParams, ts: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """FHL 2005 eq. 10 for each customer (rows) and each horizon in `ts` (columns),
    computed once per distinct history."""
    rows, _, inverse = _collapse(x, t_x, T)
    ux, utx, uT = rows.T
    alive = _p_alive(p, ux, utx, uT)
    ux, uT, t = ux[:, None], uT[:, None], ts[None, :]
    bracket = 1.0 - ((p.alpha + uT) / (p.alpha + uT + t)) ** (p.r + ux) * hyp2f1(
        p.r + ux, p.b + ux, p.a + p.b + ux - 1, t / (p.alpha + uT + t)
    )
    value = (p.a + p.b + ux - 1) / (p.a - 1) * bracket * alive[:, None]
    return value[inverse]


# --------------------------------------------------------------------------- Gamma-Gamma


@dataclass(frozen=True)
class GammaGammaParams:
    """Fitted Gamma-Gamma parameters: spend ~ Gamma(p, nu), nu ~ Gamma(q, gamma)."""

    p: float
    q: float
    gamma: float
    loglik: float
    n_repeat: int


def _gg_objective(theta: np.ndarray, h: _SpendHistories) -> tuple[float, np.ndarray]:
    """Minus the mean log-likelihood of the mean repeat spend m_x (FH 2013 eq. 1a) and
    its gradient in the log-parameters."""
    p, q, g = np.exp(theta)
    xv, Wx, W = h.x_values, h.x_weight, h.n
    px = p * xv
    log_gm = np.log(g + h.mx)
    loglik = (
        Wx @ (gammaln(px + q) - gammaln(px))
        + W * (q * np.log(g) - gammaln(q))
        + p * h.w_x_logmx_logx
        - h.w_logm
        - h.weight @ ((p * h.x + q) * log_gm)
    )
    g_p = Wx @ (xv * (digamma(px + q) - digamma(px))) + h.w_x_logmx_logx - h.weight @ (h.x * log_gm)
    g_q = Wx @ digamma(px + q) + W * (np.log(g) - digamma(q)) - h.weight @ log_gm
    g_g = W * q / g - h.weight @ ((p * h.x + q) / (g + h.mx))
    grad = np.array([g_p, g_q, g_g]) * np.array([p, q, g])
    return -loglik / W, -grad / W


class _SpendHistories:
    """The distinct (x, m_x) pairs with their weights and the data-only sums."""

    def __init__(self, x: np.ndarray, m: np.ndarray) -> None:
        rows, self.weight, _ = _collapse(x, m)
        self.x, m = rows.T
        self.n = float(self.weight.sum())
        self.mx = self.x * m
        self.x_values, x_index = np.unique(self.x, return_inverse=True)
        self.x_weight = np.bincount(x_index, weights=self.weight)
        self.w_logm = float(self.weight @ np.log(m))
        self.w_x_logmx_logx = float(self.weight @ (self.x * (np.log(m) + np.log(self.x))))


class GammaGammaModel:
    """Gamma-Gamma model of the mean spend per purchase (FH 2013).

    `data` holds one row per customer with columns x (repeat purchases) and
    monetary_value (mean value of the repeat purchases). Only customers with x > 0
    and a positive monetary_value inform the fit; predictions cover everyone.
    """

    name = "Gamma-Gamma"

    def __init__(self, data: pd.DataFrame) -> None:
        x = _column(data, "x", self.name)
        m = _column(data, "monetary_value", self.name)
        _check(np.isnan(x) | (x < 0), "have an empty or negative x", self.name)
        _check((x > 0) & ~(m >= 0), "have x > 0 but no monetary_value >= 0", self.name)
        self.x, self.monetary_value = x, m
        self._params: GammaGammaParams | None = None

    def fit(self) -> GammaGammaModel:
        """Maximum-likelihood estimates of p, q, gamma."""
        used = (self.x > 0) & (self.monetary_value > 0)
        if not used.any():
            raise ClvError(
                f"{self.name}: no repeat customers (x > 0 with a positive spend) among "
                f"the {self.x.size} customers, so spend per purchase cannot be estimated."
            )
        h = _SpendHistories(self.x[used], self.monetary_value[used])
        theta = _maximise(_gg_objective, np.zeros(3), h, self.name, ("p", "q", "gamma"))
        p, q, g = np.exp(theta)
        loglik = -_gg_objective(theta, h)[0] * h.n
        self._params = GammaGammaParams(p, q, g, float(loglik), int(h.n))
        return self

    @property
    def params(self) -> GammaGammaParams:
        if self._params is None:
            raise NotFittedError(f"{self.name}: call fit() before asking for parameters.")
        return self._params

    def expected_spend(self, data: pd.DataFrame | None = None) -> np.ndarray:
        """E(M | p, q, gamma, m_x, x): expected mean spend per future purchase (FH 2013
        eq. 5), a weighted average of the population mean p gamma / (q - 1) and the
        customer's own mean; customers with x = 0 get the population mean."""
        prm = self.params
        if prm.q <= 1:
            raise ClvError(
                f"{self.name}: q = {prm.q:.3g} <= 1 means the mean spend per purchase is "
                "unbounded; the spend data are too heavy-tailed to predict a value."
            )
        if data is None:
            x, m = self.x, self.monetary_value
        else:
            other = GammaGammaModel(data)
            x, m = other.x, other.monetary_value
        m = np.where(x > 0, m, 0.0)
        return prm.p * (prm.gamma + m * x) / (prm.p * x + prm.q - 1)


def _maximise(
    objective: Callable[[np.ndarray, object], tuple[float, np.ndarray]],
    start: np.ndarray,
    data: object,
    model: str,
    names: tuple[str, ...],
) -> np.ndarray:
    """Log-parameters that minimise `objective`, or a ClvError saying why not."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        result = minimize(
            objective,
            start,
            args=(data,),
            jac=True,
            method="L-BFGS-B",
            bounds=[(-_LOG_BOUND, _LOG_BOUND)] * start.size,
            options={"maxiter": 1000, "ftol": 1e-13, "gtol": 1e-9},
        )
    stuck = [n for n, v in zip(names, result.x) if abs(v) > _LOG_BOUND - 1e-3]
    if stuck:
        raise ClvError(
            f"{model}: the data cannot pin down {', '.join(stuck)} (the estimate runs off "
            "to 0 or infinity); more customers or a longer history are needed."
        )
    # L-BFGS-B may stop on a line-search failure once at the optimum, where rounding
    # hides further progress: judge convergence by the gradient instead of its flag.
    if not np.isfinite(result.fun) or np.max(np.abs(result.jac)) > 1e-5:
        raise ClvError(f"{model}: the likelihood maximisation did not converge ({result.message}).")
    return result.x


# --------------------------------------------------------------------------- CLV


def frequency_monetary_correlation(data: pd.DataFrame) -> float:
    """Pearson correlation of x and monetary_value among repeat customers.

    Gamma-Gamma assumes spend per purchase is independent of purchase frequency;
    a correlation near 0 (FH 2013 report 0.11 on CDNOW) supports it. NaN when
    fewer than two repeat customers or no variation.
    """
    x = _column(data, "x", "independence check")
    m = _column(data, "monetary_value", "independence check")
    repeat = (x > 0) & np.isfinite(m)
    if repeat.sum() < 2 or np.ptp(x[repeat]) == 0 or np.ptp(m[repeat]) == 0:
        return float("nan")
    return float(np.corrcoef(x[repeat], m[repeat])[0, 1])


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
        raise ClvError(f"The CLV horizon must be at least 1 month, not {horizon_months}.")
    months = np.arange(1, horizon_months + 1, dtype=float)
    ts = months * DAYS_PER_MONTH / days_per_unit
    cumulative = _expected_purchases(purchases.params, ts, *purchases._histories(data))
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


def fit_clv(
    con: duckdb.DuckDBPyConnection, calibration_end: dt.date | str, time_unit: str = "week"
) -> ClvFit:
    """Summarise the `orders` table at `calibration_end` and fit both models on it."""
    summary = customer_summary(con, calibration_end, time_unit)
    purchases = BetaGeoModel(summary).fit()
    spend = GammaGammaModel(summary).fit()
    return ClvFit(summary, purchases, spend, time_unit)


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


# --------------------------------------------------------------------------- holdout


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
    split, end = _as_date(split_date), _as_date(end_date)
    if end <= split:
        raise ClvError(f"The holdout end {end} must be after the split date {split}.")
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
