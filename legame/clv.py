"""Predicted customer lifetime value: BG/NBD purchase counts and Gamma-Gamma spend.

Both models are fitted by maximum likelihood with numpy: Newton's method on the analytic
gradient and Hessian, from a start found on a sample of the data. Customers who share a
history (x, t_x, T) add identical terms to the likelihood, so the fit works on the
distinct histories with a weight each: on real data (days as the finest grain) that is a
small fraction of the customers. pandas and scipy are imported only by what needs them
(per-customer tables, predictions, the fallback optimiser), so `python -m legame clv fit`
fits both models without loading either.

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
A&S
    Abramowitz & Stegun (1964), Handbook of Mathematical Functions.
"""

from __future__ import annotations

import datetime as dt
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import duckdb
import numpy as np

from legame.errors import LegameError

if TYPE_CHECKING:
    import pandas as pd

SUMMARY_SQL = Path(__file__).resolve().parent.parent / "queries" / "clv_summary.sql"

DAYS_PER_MONTH = 30.4375  # 365.25 / 12
TIME_UNIT_DAYS = {"day": 1.0, "week": 7.0, "month": DAYS_PER_MONTH}

# Log-parameters are kept within exp(+-20): far beyond any real data set, so a
# parameter that ends on this bound means the data cannot identify it.
_LOG_BOUND = 20.0
# Likewise a log-parameter whose standard error exceeds ln 10 is not known to within a
# factor of ten, and predictions made with it would be noise.
_MAX_LOG_SE = math.log(10)


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

    Columns: person_id, first_purchase_date, x, t_x, T, monetary_value (NaN when
    x = 0), historic_revenue. The rules are in queries/clv_summary.sql.
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
        raise ClvError(f"{model}: required column {name!r} missing (columns: {', '.join(map(str, data.columns))}).")
    try:
        return data[name].to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError):
        raise ClvError(f"{model}: column {name!r} must be numeric.") from None


def _check(bad: np.ndarray, message: str, model: str) -> None:
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise ClvError(f"{model}: {int(bad.sum())} row(s) {message} (first: row {first}).")


# --------------------------------------------------------------------------- distinct rows


def _factorize(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each value's code and the distinct values (NaN is a value like any other).

    By hashing (pd.factorize) when pandas is loaded anyway or the array is large enough to
    repay loading it; else by sorting, as quick on a few thousand values."""
    if "pandas" in sys.modules or values.size > 100_000:
        import pandas as pd

        codes, uniques = pd.factorize(values, use_na_sentinel=False)
        return codes, np.asarray(uniques)
    uniques, codes = np.unique(values, return_inverse=True)
    return codes.ravel(), uniques


class _Groups(NamedTuple):
    """The distinct rows of some code columns and the total weight of each."""

    codes: list[np.ndarray]  # per column, each distinct row's code
    weight: np.ndarray  # input rows (or their weights) per distinct row, as floats
    inverse: np.ndarray | None  # the distinct row of each input row, if asked for


def _group(
    codes: list[np.ndarray], sizes: list[int], weight: np.ndarray | None = None, inverse: bool = False
) -> _Groups:
    """The distinct rows of columns of codes (column i's in [0, sizes[i])).

    The codes are packed into one int64 key per row. When there are no more possible keys
    than a few per row, rows are counted per key by np.bincount; else the keys are
    factorized first. On a million customers either takes milliseconds where
    np.unique(..., axis=0) took 1.8 s."""
    space = math.prod(sizes)
    if space >= 2**63:  # the packed key would overflow: sort the rows instead
        distinct, rows = np.unique(np.column_stack(codes), axis=0, return_inverse=True)
        counts = np.bincount(rows.ravel(), weights=weight, minlength=len(distinct)).astype(float)
        return _Groups(list(distinct.T), counts, rows.ravel())
    key = codes[0].astype(np.int64)  # a copy: updated in place below
    for code, size in zip(codes[1:], sizes[1:], strict=True):
        key *= size
        key += code
    if weight is None and space <= 4 * key.size:
        per_key = np.bincount(key, minlength=space)
        keys = np.nonzero(per_key > 0)[0]  # on a mask: 5x np.flatnonzero on integers
        counts = per_key[keys].astype(float)
        rows = None
        if inverse:
            rank = np.zeros(space, dtype=np.int64)
            rank[keys] = np.arange(keys.size)
            rows = rank[key]
    else:
        rows, keys = _factorize(key)
        counts = np.bincount(rows, weights=weight, minlength=keys.size).astype(float)
    columns = []
    for size in reversed(sizes[1:]):
        code = keys
        keys = keys // size  # np.divmod on integers is 10x slower
        columns.append(code - keys * size)
    columns.append(keys)
    return _Groups(columns[::-1], counts, rows)


# --------------------------------------------------------------------------- special functions


# The asymptotic series of digamma (A&S 6.3.18) and trigamma (A&S 6.4.12): coefficients of
# z^-2, z^-4, ... z^-14 and of z^-3, z^-5, ... z^-15 (Bernoulli numbers).
_DIGAMMA_SERIES = (-1 / 12, 1 / 120, -1 / 252, 1 / 240, -1 / 132, 691 / 32760, -1 / 12)
_TRIGAMMA_SERIES = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6)


def _digamma_trigamma(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """digamma and trigamma of z > 0, to within a few units of 1e-15 (relative to their size or 1).

    The recurrences psi(z) = psi(z + 1) - 1/z and psi'(z) = psi'(z + 1) + 1/z^2 carry z to
    10 or more, where the asymptotic series are summed to z^-15: scipy is not needed."""
    z = np.array(z, dtype=float)
    psi, psi1 = np.zeros_like(z), np.zeros_like(z)
    for _ in range(10):
        small = z < 10.0
        if not small.any():
            break
        inv = np.where(small, 1.0 / z, 0.0)
        psi -= inv
        psi1 += inv * inv
        z += small
    inv = 1.0 / z
    inv2 = inv * inv
    digamma_tail, trigamma_tail = np.zeros_like(z), np.zeros_like(z)
    for d, t in zip(reversed(_DIGAMMA_SERIES), reversed(_TRIGAMMA_SERIES), strict=True):
        digamma_tail = digamma_tail * inv2 + d
        trigamma_tail = trigamma_tail * inv2 + t
    psi += np.log(z) - 0.5 * inv + inv2 * digamma_tail
    psi1 += inv + 0.5 * inv2 + inv * inv2 * trigamma_tail
    return psi, psi1


def _lgamma(z: np.ndarray) -> np.ndarray:
    return np.array([math.lgamma(v) for v in np.ravel(z).tolist()]).reshape(np.shape(z))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-z) without overflow."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


# OpenBLAS runs a dot product of more than 10,000 elements on several threads, which then
# spin while numpy works: on a 2-core machine that made each likelihood evaluation several
# times slower. Longer vectors are taken in pieces it keeps on one thread.
_BLAS_PIECE = 8192


def _dot(weights: np.ndarray, values: np.ndarray) -> float:
    """Weighted sum, on one thread."""
    if weights.size <= _BLAS_PIECE:
        return float(np.dot(weights, values))
    return float(
        sum(
            np.dot(weights[i : i + _BLAS_PIECE], values[i : i + _BLAS_PIECE])
            for i in range(0, weights.size, _BLAS_PIECE)
        )
    )


def _product(matrix: np.ndarray, other: np.ndarray) -> np.ndarray:
    """matrix @ other, kept off BLAS threads (see _dot) when the inner dimension is long."""
    if matrix.shape[-1] <= _BLAS_PIECE:
        return matrix @ other
    return np.einsum("ij,j...->i...", matrix, other)


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
    standard_errors: dict[str, float]  # asymptotic, by parameter name


def _check_histories(x: np.ndarray, t_x: np.ndarray, T: np.ndarray, model: str) -> None:
    if x.size == 0:
        raise ClvError(f"{model}: no customers to fit.")
    # One pass for good data (NaN fails every comparison), the checks one by one for bad.
    good = (x >= 0) & (x == np.floor(x)) & (t_x >= 0) & (t_x <= T) & ((x > 0) | (t_x == 0))
    if good.all():
        return
    _check(np.isnan(x) | np.isnan(t_x) | np.isnan(T), "have an empty x, t_x or T", model)
    _check((x < 0) | (x != np.round(x)), "have an x that is not a whole number >= 0", model)
    _check((t_x < 0) | (t_x > T), "have t_x outside [0, T]", model)
    _check((x == 0) & (t_x != 0), "have x = 0 but t_x != 0", model)


class _Histories:
    """The distinct (x, t_x, T) histories with their weights, arranged for the likelihood.

    The terms of x alone are sums over k < x of functions of k, so they are summed over
    customers as sums over k weighted by `x_above` (customers with x > k); the
    -(r + x) ln(alpha + T) terms are summed per distinct T; the repeat customers' terms per
    distinct history (rx, rw), through the distinct (t_x, T) pairs they fall on."""

    def __init__(self, x: np.ndarray, t_x: np.ndarray, T: np.ndarray, weight: np.ndarray | None = None) -> None:
        x_code = x.astype(np.int64)  # checked: whole numbers >= 0
        top = int(x_code.max())
        T_code, T_values = _factorize(T)
        T_weight = np.bincount(T_code, weights=weight, minlength=T_values.size).astype(float)
        # Customers without a repeat purchase differ only by T: the histories are grouped
        # among the repeat customers alone.
        repeat = np.nonzero(x_code > 0)[0]
        x_code, T_code, t_x = x_code[repeat], T_code[repeat], t_x[repeat]
        tx_code, tx_values = _factorize(t_x)
        groups = _group(
            [x_code, T_code, tx_code],
            [top + 1, T_values.size, tx_values.size],
            None if weight is None else weight[repeat],
        )
        x_code, T_code, tx_code = groups.codes
        w = groups.weight
        self.n = float(T_weight.sum())
        self.k = np.arange(top, dtype=float)
        per_x = np.bincount(x_code, weights=w, minlength=top + 1)
        self.x_above = np.cumsum(per_x[::-1])[-2::-1]  # customers with x > k, k < top
        self.T_values = T_values
        self.T_weights = np.column_stack([T_weight, np.bincount(T_code, weights=w * x_code, minlength=T_values.size)])
        pairs = _group([T_code, tx_code], [T_values.size, tx_values.size], inverse=True)
        self._set_repeat(x_code, w, pairs.inverse, T_values[pairs.codes[0]], tx_values[pairs.codes[1]])

    def _set_repeat(
        self, x: np.ndarray, w: np.ndarray, pair: np.ndarray, pair_T: np.ndarray, pair_tx: np.ndarray
    ) -> None:
        # Ordered by x, so sums per x are sums over runs (np.add.reduceat: 10x np.bincount).
        keys = x.astype(np.int16) if x.max() < 2**15 else x  # 16 bits: numpy sorts by radix, 10x faster
        order = np.argsort(keys, kind="stable")
        x, self.rw, self.pair = x[order], w[order], pair[order]
        self.rx = x.astype(float)
        self.rx_less_1 = x - 1  # where ln(b + x - 1) and 1 / (b + x - 1) are among the terms in k
        self.x_starts = np.nonzero(np.diff(x, prepend=-1) > 0)[0]
        self.x_runs_less_1 = x[self.x_starts] - 1
        self.pair_T = pair_T
        self.pair_tx = pair_tx
        # Room for the objective's arrays over histories and pairs (see _bgnbd_objective).
        self.history_work = np.empty((_HISTORY_ARRAYS, x.size))
        self.pair_work = np.empty((_PAIR_ARRAYS, pair_T.size))

    def mean_T(self) -> float:
        return _dot(self.T_values, self.T_weights[:, 0]) / self.n

    def sample(self, size: int) -> _Histories | None:
        """About `size` of the repeat histories, drawn with probability proportional to their
        weight and weighted to stand for all (systematic sampling: no random numbers), every
        other term as it is; None when there are not many more histories than that. The
        sample's log-likelihood estimates the whole one, so its maximum is a cheap place to
        start from (and only that: the fit then runs on every history)."""
        if self.rw.size < 4 * size:
            return None
        interval = float(self.rw.sum()) / size
        upto = np.cumsum(self.rw)
        chosen = np.floor(upto / interval) > np.floor((upto - self.rw) / interval)
        sample = object.__new__(_Histories)
        sample.__dict__.update(self.__dict__)
        pair, pairs = np.unique(self.pair[chosen], return_inverse=True)
        sample._set_repeat(
            self.rx_less_1[chosen] + 1,
            np.maximum(self.rw[chosen], interval),  # one drawn with chance w / interval stands for interval
            pairs.ravel(),
            self.pair_T[pair],
            self.pair_tx[pair],
        )
        return sample


_HISTORY_ARRAYS = 11
_PAIR_ARRAYS = 4


def _bgnbd_objective(
    theta: np.ndarray, h: _Histories, hessian: bool = True
) -> tuple[float, np.ndarray, np.ndarray | None]:
    """Minus the mean log-likelihood (FHL 2005 eq. 6 summed as eq. 7), its gradient and
    (if asked) its Hessian in the log-parameters.

    Per customer, ln L = ln G(r + x) - ln G(r) + ln B(a, b + x) - ln B(a, b) + r ln alpha
    - (r + x) ln(alpha + T) + delta_{x>0} softplus(d), with d = ln(a / (b + x - 1))
    + (r + x) ln((alpha + T) / (alpha + t_x)): eq. 6 with the sum of its two terms
    taken in log space, so it stays finite for large x (the overflow Fader & Hardie's
    "#NUM! error" note addresses). For whole x, ln G(r + x) - ln G(r) is the sum over
    k < x of ln(r + k), and its derivatives the sums of 1 / (r + k) and -1 / (r + k)^2:
    no special function is needed. The softplus brings sigmoid(d) into the gradient and
    sigmoid(d) (1 - sigmoid(d)) into the Hessian.

    The arrays over histories and pairs are computed in place, in room kept by `h`: each
    new array of that size cost a page-faulting allocation (glibc hands the freed memory
    back to the system and takes it again), which took 5 to 10 times the arithmetic.
    """
    r, alpha, a, b = np.exp(theta)
    n = h.n
    # ln, 1/. and 1/.^2 of r + k, b + k and a + b + k, summed over customers with x > k:
    # ln G(r + x) - ln G(r), digamma(r + x) - digamma(r), trigamma(r) - trigamma(r + x), ...
    terms = np.array([[r], [b], [a + b]]) + h.k
    logs, invs = np.log(terms), 1.0 / terms
    per_k = np.concatenate([logs, invs, invs * invs])
    lg_r, lg_b, lg_ab, dg_r, dg_b, dg_ab, tg_r, tg_b, tg_ab = _product(per_k, h.x_above)
    log_alpha = math.log(alpha)
    # -(r + x) ln(alpha + T): per distinct T, weighted by its customers and their purchases.
    inv_aT = 1.0 / (alpha + h.T_values)
    per_T = np.array([np.log(alpha + h.T_values), inv_aT, inv_aT * inv_aT])
    (log_T, log_T_x), (inv_T, inv_T_x), (inv2_T, inv2_T_x) = _product(per_T, h.T_weights)
    loglik = lg_r + lg_b - lg_ab + n * r * log_alpha - r * log_T - log_T_x
    g_r = dg_r + n * log_alpha - log_T
    g_alpha = n * r / alpha - r * inv_T - inv_T_x
    g_a = -dg_ab
    g_b = dg_b - dg_ab

    # softplus(d) for repeat customers: gap = ln((alpha + T) / (alpha + t_x)) and k, its
    # derivative in alpha, per distinct (t_x, T) pair, gathered per history.
    inv_pT, inv_ptx, pair_gap, pair_k = h.pair_work
    np.add(h.pair_T, alpha, out=inv_pT)
    np.reciprocal(inv_pT, out=inv_pT)
    np.add(h.pair_tx, alpha, out=inv_ptx)
    np.reciprocal(inv_ptx, out=inv_ptx)
    np.divide(inv_ptx, inv_pT, out=pair_gap)
    np.log(pair_gap, out=pair_gap)
    np.subtract(inv_pT, inv_ptx, out=pair_k)
    gap, k, q, d, e, work, sigmoid, s, u, u_gap, u_qk = h.history_work
    np.take(pair_gap, h.pair, out=gap)
    np.take(pair_k, h.pair, out=k)
    np.add(h.rx, r, out=q)
    np.multiply(q, gap, out=d)
    np.take(math.log(a) - logs[1], h.rx_less_1, out=work)
    d += work
    # sigmoid(d) = 1 / (1 + e^-d) and softplus(d) = max(d, 0) + log1p(e^-|d|), where
    # e^-|d| = min(e^-d, e^d), from one exponential: 5x faster than np.logaddexp and expit.
    # For |d| > 709, e^-d is 0 or inf and all three still come out right (the overflow
    # warnings are silenced by _maximise).
    np.negative(d, out=e)
    np.exp(e, out=e)
    np.add(e, 1.0, out=sigmoid)
    np.reciprocal(sigmoid, out=sigmoid)
    np.reciprocal(e, out=work)
    np.minimum(e, work, out=e)
    np.log1p(e, out=work)
    np.maximum(d, 0.0, out=e)
    work += e
    loglik += _dot(h.rw, work)
    np.multiply(h.rw, sigmoid, out=s)  # weighted d softplus / dd
    qk = e  # reused: dd / dalpha
    np.multiply(q, k, out=qk)
    s_by_x = np.add.reduceat(s, h.x_starts)
    s_sum = float(s_by_x.sum())
    c = invs[1][h.x_runs_less_1]  # 1 / (b + x - 1) for each x there is
    g_r += _dot(s, gap)
    g_alpha += _dot(s, qk)
    g_a += s_sum / a
    g_b -= _dot(s_by_x, c)

    phi = np.array([r, alpha, a, b])
    grad = np.array([g_r, g_alpha, g_a, g_b])
    if not hessian:
        return -loglik / n, -grad * phi / n, None

    np.subtract(1.0, sigmoid, out=u)
    u *= s  # weighted d2 softplus / dd2
    np.multiply(u, gap, out=u_gap)
    np.multiply(u, qk, out=u_qk)
    u_by_x, u_gap_by_x, u_qk_by_x = np.add.reduceat(h.history_work[-3:], h.x_starts, axis=1)
    u_sum = float(u_by_x.sum())
    np.add(inv_ptx, inv_pT, out=inv_pT)
    inv_pT *= pair_k  # 1 / (alpha + T)^2 - 1 / (alpha + t_x)^2 = -d pair_k / dalpha
    np.take(inv_pT, h.pair, out=work)
    work *= q
    hess = np.empty((4, 4))
    hess[0, 0] = -tg_r + _dot(u_gap, gap)
    hess[0, 1] = n / alpha - inv_T + _dot(s, k) + _dot(u_gap, qk)
    hess[1, 1] = -n * r / alpha**2 + r * inv2_T + inv2_T_x - _dot(s, work) + _dot(u_qk, qk)
    hess[0, 2] = float(u_gap_by_x.sum()) / a
    hess[1, 2] = float(u_qk_by_x.sum()) / a
    hess[0, 3] = -_dot(u_gap_by_x, c)
    hess[1, 3] = -_dot(u_qk_by_x, c)
    hess[2, 2] = tg_ab + (u_sum - s_sum) / a**2
    hess[2, 3] = tg_ab - _dot(u_by_x, c) / a
    hess[3, 3] = tg_ab - tg_b + _dot(s_by_x + u_by_x, c * c)
    hess = np.triu(hess) + np.triu(hess, 1).T
    # From (r, alpha, a, b) to their logs: d2/dtheta2 = phi phi' d2/dphi2 + diag(phi grad).
    hess = phi[:, None] * hess * phi[None, :] + np.diag(phi * grad)
    return -loglik / n, -grad * phi / n, -hess / n


class BetaGeoModel:
    """BG/NBD model of repeat purchases (FHL 2005).

    `data` holds one row per customer with columns x (repeat purchases), t_x (time
    of the last purchase since the first) and T (time since the first purchase),
    all in one time unit. Validate on construction, then `fit()`, then predict.
    """

    name = "BG/NBD"

    def __init__(self, data: pd.DataFrame) -> None:
        x, t_x, T = (_column(data, c, self.name) for c in ("x", "t_x", "T"))
        _check_histories(x, t_x, T, self.name)
        self.x, self.t_x, self.T = x, t_x, T
        self._params: BetaGeoParams | None = None

    def fit(self) -> BetaGeoModel:
        """Maximum-likelihood estimates of r, alpha, a, b (FHL 2005 eq. 7)."""
        self._params = _fit_bgnbd(self.x, self.t_x, self.T, None, self.name)
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


# Repeat histories in the sample the BG/NBD fit starts from: enough for its maximum to lie
# within a few percent of the whole data's, few enough to cost less than one full evaluation.
_START_SAMPLE = 2_000


def _fit_bgnbd(x: np.ndarray, t_x: np.ndarray, T: np.ndarray, weight: np.ndarray | None, model: str) -> BetaGeoParams:
    """Fit on checked histories, one per customer or (with `weight`) one per group of customers."""
    customers = x.size if weight is None else float(weight.sum())
    if not (x > 0).any():
        raise ClvError(
            f"{model}: none of the {customers:,.0f} customers has a repeat purchase "
            "(x = 0 for all), so the purchase rate and dropout cannot be estimated: "
            "use a later calibration end or more history."
        )
    h = _Histories(x, t_x, T, weight)
    # Start at a purchase rate of about one per observed lifetime.
    start = np.log([1.0, max(h.mean_T(), 1e-3), 1.0, 1.0])
    names = ("r", "alpha", "a", "b")
    theta, loglik, log_se = _maximise(_bgnbd_objective, start, h, model, names, h.sample(_START_SAMPLE))
    r, alpha, a, b = (float(v) for v in np.exp(theta))
    return BetaGeoParams(r, alpha, a, b, loglik, round(h.n), _standard_errors(names, theta, log_se))


def _p_alive(p: BetaGeoParams, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    xs = np.maximum(x, 1)  # the x = 0 rows are set to 1 below
    d = np.log(p.a / (p.b + xs - 1)) + (p.r + xs) * np.log((p.alpha + T) / (p.alpha + t_x))
    return np.where(x > 0, _sigmoid(-d), 1.0)


def _expected_purchases(p: BetaGeoParams, ts: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """FHL 2005 eq. 10 for each customer (rows) and each horizon in `ts` (columns),
    computed once per distinct history.

    Eq. 10's bracket, 1 - ((alpha + T) / (alpha + T + t))^(r + x) 2F1(r + x, b + x;
    a + b + x - 1; z) with z = t / (alpha + T + t), is evaluated after Euler's
    transformation 2F1(a, b; c; z) = (1 - z)^(c - a - b) 2F1(c - a, c - b; c; z)
    (A&S 15.3.3) as 1 - (1 - z)^(a - 1) 2F1(a + b - 1 - r, a - 1;
    a + b + x - 1; z): the same number without the huge power and slowly converging
    series that overflow for customers with many purchases.
    """
    from scipy.special import hyp2f1

    factorized = [_factorize(column) for column in (x, t_x, T)]
    groups = _group([codes for codes, _ in factorized], [values.size for _, values in factorized], inverse=True)
    ux, utx, uT = (values[codes] for (_, values), codes in zip(factorized, groups.codes, strict=True))
    alive = _p_alive(p, ux, utx, uT)
    ux, uT, t = ux[:, None], uT[:, None], ts[None, :]
    z = t / (p.alpha + uT + t)
    with np.errstate(invalid="ignore", over="ignore"):
        bracket = 1.0 - (1.0 - z) ** (p.a - 1) * hyp2f1(p.a + p.b - 1 - p.r, p.a - 1, p.a + p.b + ux - 1, z)
        # Where the transformed series fails (parameters far from CDNOW's), eq. 10 as printed still may not.
        printed = 1.0 - ((p.alpha + uT) / (p.alpha + uT + t)) ** (p.r + ux) * hyp2f1(
            p.r + ux, p.b + ux, p.a + p.b + ux - 1, z
        )
    bracket = np.where(np.isfinite(bracket), bracket, printed)
    value = (p.a + p.b + ux - 1) / (p.a - 1) * bracket * alive[:, None]
    return value[groups.inverse]


# --------------------------------------------------------------------------- Gamma-Gamma


@dataclass(frozen=True)
class GammaGammaParams:
    """Fitted Gamma-Gamma parameters: spend ~ Gamma(p, nu), nu ~ Gamma(q, gamma)."""

    p: float
    q: float
    gamma: float
    loglik: float
    n_repeat: int
    standard_errors: dict[str, float]  # asymptotic, by parameter name


class _SpendHistories:
    """The distinct (x, m_x) pairs with their weights, and the sums that need no parameter."""

    def __init__(self, x: np.ndarray, m: np.ndarray, weight: np.ndarray | None = None) -> None:
        x_code, x_values = _factorize(x)
        m_code, m_values = _factorize(m)
        groups = _group([x_code, m_code], [x_values.size, m_values.size], weight)
        self.weight = groups.weight
        x, m = x_values[groups.codes[0]], m_values[groups.codes[1]]
        self.n = float(self.weight.sum())
        self.weight_x = self.weight * x
        self.mx = x * m
        self.x_values = x_values
        self.x_weight = np.bincount(groups.codes[0], weights=self.weight, minlength=x_values.size)
        self.sum_log_m = _dot(self.weight, np.log(m))
        self.sum_x_log_mx_x = _dot(self.weight_x, np.log(m) + np.log(x))
        self.work = np.empty((2, m.size))  # room for _gg_objective's arrays (see _bgnbd_objective)


def _gg_objective(
    theta: np.ndarray, h: _SpendHistories, hessian: bool = True
) -> tuple[float, np.ndarray, np.ndarray | None]:
    """Minus the mean log-likelihood of the mean repeat spend m_x (FH 2013 eq. 1a), its
    gradient and (if asked) its Hessian in the log-parameters.

    Per customer, ln f = ln G(px + q) - ln G(px) - ln G(q) + q ln gamma + (px - 1) ln m_x
    + px ln x - (px + q) ln(gamma + m_x x).
    """
    p, q, g = np.exp(theta)
    xv, Wx, n = h.x_values, h.x_weight, h.n
    px = p * xv
    psi, psi1 = _digamma_trigamma(np.concatenate([px + q, px, [q]]))
    k = xv.size
    psi_pxq, psi_px, psi_q = psi[:k], psi[k : 2 * k], psi[-1]
    log_z, inv_z = h.work
    np.add(h.mx, g, out=inv_z)
    np.log(inv_z, out=log_z)
    np.reciprocal(inv_z, out=inv_z)  # 1 / (gamma + m_x x)
    sum_log, sum_x_log = _dot(h.weight, log_z), _dot(h.weight_x, log_z)
    sum_inv, sum_x_inv = _dot(h.weight, inv_z), _dot(h.weight_x, inv_z)
    loglik = (
        _dot(Wx, _lgamma(px + q) - _lgamma(px))
        + n * (q * math.log(g) - math.lgamma(q))
        + p * h.sum_x_log_mx_x
        - h.sum_log_m
        - p * sum_x_log
        - q * sum_log
    )
    g_p = _dot(Wx, xv * (psi_pxq - psi_px)) + h.sum_x_log_mx_x - sum_x_log
    g_q = _dot(Wx, psi_pxq) + n * (math.log(g) - psi_q) - sum_log
    g_g = n * q / g - p * sum_x_inv - q * sum_inv
    phi = np.array([p, q, g])
    grad = np.array([g_p, g_q, g_g])
    if not hessian:
        return -loglik / n, -grad * phi / n, None
    psi1_pxq, psi1_px, psi1_q = psi1[:k], psi1[k : 2 * k], psi1[-1]
    inv_z2 = np.square(inv_z, out=inv_z)  # in place: 1 / (gamma + m_x x)^2
    hess = np.empty((3, 3))
    hess[0, 0] = _dot(Wx, xv * xv * (psi1_pxq - psi1_px))
    hess[0, 1] = hess[1, 0] = _dot(Wx, xv * psi1_pxq)
    hess[0, 2] = hess[2, 0] = -sum_x_inv
    hess[1, 1] = _dot(Wx, psi1_pxq) - n * psi1_q
    hess[1, 2] = hess[2, 1] = n / g - sum_inv
    hess[2, 2] = -n * q / g**2 + p * _dot(h.weight_x, inv_z2) + q * _dot(h.weight, inv_z2)
    hess = phi[:, None] * hess * phi[None, :] + np.diag(phi * grad)
    return -loglik / n, -grad * phi / n, -hess / n


def _check_spend(x: np.ndarray, m: np.ndarray, model: str) -> None:
    _check(np.isnan(x) | (x < 0), "have an empty or negative x", model)
    _check((x > 0) & ~(m >= 0), "have x > 0 but no monetary_value >= 0", model)


def _fit_gamma_gamma(x: np.ndarray, m: np.ndarray, weight: np.ndarray | None, model: str) -> GammaGammaParams:
    """Fit on checked (x, monetary_value) rows, one per customer or (with `weight`) per group."""
    used = (x > 0) & (m > 0)
    if not used.any():
        customers = x.size if weight is None else float(weight.sum())
        raise ClvError(
            f"{model}: no repeat customers (x > 0 with a positive spend) among "
            f"the {customers:,.0f} customers, so spend per purchase cannot be estimated."
        )
    h = _SpendHistories(x[used], m[used], None if weight is None else weight[used])
    names = ("p", "q", "gamma")
    theta, loglik, log_se = _maximise(_gg_objective, np.zeros(3), h, model, names)
    p, q, g = (float(v) for v in np.exp(theta))
    return GammaGammaParams(p, q, g, loglik, round(h.n), _standard_errors(names, theta, log_se))


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
        _check_spend(x, m, self.name)
        self.x, self.monetary_value = x, m
        self._params: GammaGammaParams | None = None

    def fit(self) -> GammaGammaModel:
        """Maximum-likelihood estimates of p, q, gamma."""
        self._params = _fit_gamma_gamma(self.x, self.monetary_value, None, self.name)
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


# --------------------------------------------------------------------------- maximisation

_Objective = Callable[..., tuple[float, np.ndarray, "np.ndarray | None"]]
# Newton's method: iterations before giving up, the longest step in the log-parameters (a
# factor of e: longer ones overshot where the likelihood is far from quadratic), and
# the step below which the maximum is reached: the error left after such a step is of the
# order of its square (quadratic convergence), far below any digit the estimates are read to.
_NEWTON_ITERATIONS = 50
_MAX_STEP = 1.0
_NEWTON_TOLERANCE = 1e-6
# A start only needs to be near the maximum: a sample's maximum is itself a few percent
# off the whole data's, more than the square of this step.
_START_TOLERANCE = 0.1


class _Optimum(NamedTuple):
    theta: np.ndarray
    value: float
    gradient: np.ndarray
    hessian: np.ndarray
    message: str = "Newton's method converged"


def _newton(objective: _Objective, start: np.ndarray, data: object, tolerance: float) -> _Optimum | None:
    """Minimise by Newton's method with a backtracking line search; None if it does not
    converge inside the bounds.

    Where the Hessian is not positive definite, its eigenvalues are taken in absolute value
    (the step still descends). Once the step is below `tolerance` it is taken without a
    further evaluation: the value there is the quadratic model's, and the gradient and
    Hessian returned are those of the point before, equal to within the step."""
    theta = start
    value, gradient, hessian = objective(theta, data)
    for _ in range(_NEWTON_ITERATIONS):
        if not (np.isfinite(value) and np.all(np.isfinite(gradient)) and np.all(np.isfinite(hessian))):
            return None
        curvatures, axes = np.linalg.eigh(hessian)
        floor = 1e-12 * max(1.0, float(np.max(np.abs(curvatures))))
        step = -axes @ ((axes.T @ gradient) / np.maximum(np.abs(curvatures), floor))
        longest = float(np.max(np.abs(step)))
        if longest < tolerance and curvatures.min() > 0:
            return _Optimum(theta + step, value + 0.5 * float(gradient @ step), gradient, hessian)
        if longest > _MAX_STEP:
            step *= _MAX_STEP / longest
        slope = float(gradient @ step)
        length = 1.0
        while True:
            trial = theta + length * step
            if np.max(np.abs(trial)) > _LOG_BOUND:
                return None
            trial_value, trial_gradient, trial_hessian = objective(trial, data)
            # Sufficient decrease, give or take the rounding of a sum of many terms (which
            # near the maximum is as large as the decrease); False for NaN too.
            if trial_value <= value + 1e-4 * length * slope + 1e-14 * abs(value):
                break
            length /= 2
            if length < 1e-4:
                return None
        theta, value, gradient, hessian = trial, trial_value, trial_gradient, trial_hessian
    return None


def _lbfgs(objective: _Objective, start: np.ndarray, data: object) -> _Optimum:
    """Bounded L-BFGS-B from `start`: where Newton's method fails, typically because the
    data cannot identify a parameter and the likelihood runs flat towards a bound."""
    from scipy.optimize import minimize

    result = minimize(
        lambda theta, d: objective(theta, d, hessian=False)[:2],
        start,
        args=(data,),
        jac=True,
        method="L-BFGS-B",
        bounds=[(-_LOG_BOUND, _LOG_BOUND)] * start.size,
        options={"maxiter": 1000, "ftol": 1e-13, "gtol": 1e-9},
    )
    hessian = objective(result.x, data)[2]
    return _Optimum(result.x, float(result.fun), np.asarray(result.jac), hessian, str(result.message))


def _maximise(
    objective: _Objective,
    start: np.ndarray,
    data: _Histories | _SpendHistories,
    model: str,
    names: tuple[str, ...],
    sample: _Histories | None = None,
) -> tuple[np.ndarray, float, np.ndarray]:
    """The log-parameters that minimise `objective`, the log-likelihood there and the
    log-parameters' standard errors; or a ClvError saying why the data do not give them.

    Newton's method starts from the maximum on `sample` if given (found from `start`),
    else from `start`; L-BFGS-B from `start` takes over if it fails."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        near = _newton(objective, start, sample, _START_TOLERANCE) if sample is not None else None
        optimum = _newton(objective, start if near is None else near.theta, data, _NEWTON_TOLERANCE)
        if optimum is None:
            optimum = _lbfgs(objective, start, data)
        log_se = _log_standard_errors(optimum.hessian, data.n)
    vague = [
        name
        for name, value, se in zip(names, optimum.theta, log_se, strict=True)
        if abs(value) > _LOG_BOUND - 1e-3 or not se <= _MAX_LOG_SE
    ]
    if vague:
        raise ClvError(
            f"{model}: the data cannot pin down {', '.join(vague)} (not even to within a "
            f"factor of 10) from {data.n:,.0f} customers: more customers or a longer history "
            "are needed."
        )
    # L-BFGS-B may stop on a line-search failure once at the optimum, where rounding
    # hides further progress: judge convergence by the gradient instead of its flag.
    if not np.isfinite(optimum.value) or np.max(np.abs(optimum.gradient)) > 1e-5:
        raise ClvError(f"{model}: the likelihood maximisation did not converge ({optimum.message}).")
    return optimum.theta, float(-optimum.value * data.n), log_se


def _standard_errors(names: tuple[str, ...], theta: np.ndarray, log_se: np.ndarray) -> dict[str, float]:
    """Standard errors on the parameters' own scale (delta method: se(e^t) = e^t se(t))."""
    return {name: float(np.exp(t) * se) for name, t, se in zip(names, theta, log_se, strict=True)}


def _log_standard_errors(hessian: np.ndarray, n: float) -> np.ndarray:
    """Asymptotic standard errors of the log-parameters: the square roots of the diagonal
    of the inverse observed information (the analytic Hessian of minus the log-likelihood).
    Infinite where the information is singular."""
    information = (hessian + hessian.T) / 2 * n
    if not np.all(np.isfinite(information)) or np.linalg.eigvalsh(information).min() <= 0:
        return np.full(hessian.shape[0], np.inf)
    return np.sqrt(np.diag(np.linalg.inv(information)))


def simulate_customers(
    T: np.ndarray,
    *,
    r: float,
    alpha: float,
    a: float,
    b: float,
    p: float,
    q: float,
    gamma: float,
    seed: int,
) -> pd.DataFrame:
    """Customer summaries drawn from known BG/NBD and Gamma-Gamma parameters, one per T.

    Each customer draws a purchase rate lambda ~ Gamma(r, alpha) and a dropout
    probability ~ Beta(a, b) (FHL 2005 assumptions ii and iv). Dropping out after the
    D-th repeat purchase, D ~ Geometric(p), and making N ~ Poisson(lambda T) purchases
    if alive throughout, the customer makes x = min(N, D) repeat purchases; t_x is the
    x-th of N uniform arrival times on (0, T], a Beta(x, N - x + 1) fraction of T.
    The mean of x spends ~ Gamma(p, nu), nu ~ Gamma(q, gamma), is Gamma(p x, nu x).
    """
    import pandas as pd

    rng = np.random.default_rng(seed)
    T = np.asarray(T, dtype=float)
    n = T.size
    rate = rng.gamma(r, 1.0 / alpha, n)
    dropout_after = rng.geometric(rng.beta(a, b, n))
    arrivals = rng.poisson(rate * T)
    x = np.minimum(arrivals, dropout_after)
    repeat = x > 0
    t_x = np.zeros(n)
    t_x[repeat] = T[repeat] * rng.beta(x[repeat], arrivals[repeat] - x[repeat] + 1)
    nu = rng.gamma(q, 1.0 / gamma, n)
    monetary_value = np.full(n, np.nan)
    monetary_value[repeat] = rng.gamma(p * x[repeat], 1.0 / (nu[repeat] * x[repeat]))
    return pd.DataFrame({"x": x, "t_x": t_x, "T": T, "monetary_value": monetary_value})


# --------------------------------------------------------------------------- CLV


def frequency_monetary_correlation(data: pd.DataFrame) -> float:
    """Pearson correlation of x and monetary_value among repeat customers.

    Gamma-Gamma assumes spend per purchase is independent of purchase frequency;
    a correlation near 0 (FH 2013 report 0.11 on CDNOW) supports it. NaN when
    fewer than two repeat customers or no variation.
    """
    x = _column(data, "x", "independence check")
    m = _column(data, "monetary_value", "independence check")
    return _correlation(x, m, np.ones(x.size))


def _correlation(x: np.ndarray, m: np.ndarray, weight: np.ndarray) -> float:
    """frequency_monetary_correlation on rows that stand for `weight` customers each."""
    repeat = (x > 0) & np.isfinite(m)
    x, m, w = x[repeat], m[repeat], weight[repeat]
    if w.sum() < 2 or np.ptp(x) == 0 or np.ptp(m) == 0:
        return float("nan")
    dx = x - np.dot(w, x) / w.sum()
    dm = m - np.dot(w, m) / w.sum()
    return float(np.dot(w, dx * dm) / math.sqrt(np.dot(w, dx * dx) * np.dot(w, dm * dm)))


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
    params = {"calibration_end": _as_date(calibration_end), "unit_days": unit_days(time_unit)}
    # A cursor of its own: a result the caller left unfetched on `con` cannot block the relation.
    cursor = con.cursor()
    try:
        groups = (
            cursor.sql(SUMMARY_SQL.read_text(), params=params)
            .aggregate(
                # No nulls in the result (NaN for no spend, 0 for the columns a set does not
                # group by): fetchnumpy would hand them over as masked arrays, whose module
                # alone takes 20 ms to import.
                'x, coalesce(t_x, 0) as t_x, coalesce("T", 0) as "T", '
                "coalesce(monetary_value, 'NaN'::double) as monetary_value, "
                "grouping(t_x) as is_spend_group, count(*) as customers",
                'grouping sets ((x, t_x, "T"), (x, monetary_value))',
            )
            .fetchnumpy()
        )
    finally:
        cursor.close()
    column = {name: np.asarray(values, dtype=float) for name, values in groups.items()}
    history = column["is_spend_group"] == 0
    x, t_x, T, customers = (column[name][history] for name in ("x", "t_x", "T", "customers"))
    _check_histories(x, t_x, T, BetaGeoModel.name)
    purchases = _fit_bgnbd(x, t_x, T, customers, BetaGeoModel.name)
    x, m, customers = (column[name][~history] for name in ("x", "monetary_value", "customers"))
    _check_spend(x, m, GammaGammaModel.name)
    spend = _fit_gamma_gamma(x, m, customers, GammaGammaModel.name)
    return ClvParameters(purchases, spend, _correlation(x, m, customers))


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
    import pandas as pd

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
