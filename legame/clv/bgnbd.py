"""The BG/NBD model of repeat purchases (FHL 2005): its likelihood, fit and predictions."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from legame.clv.arrays import check_rows, dot, factorize, group_rows, numeric_column, product
from legame.clv.errors import ClvError, NotFittedError
from legame.clv.optimiser import maximise, standard_errors

if TYPE_CHECKING:
    import pandas as pd


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-z) without overflow."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


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


def check_histories(x: np.ndarray, t_x: np.ndarray, T: np.ndarray, model: str) -> None:
    if x.size == 0:
        raise ClvError(f"{model}: no customers to fit.")
    # One pass for good data (NaN fails every comparison), the checks one by one for bad.
    good = (x >= 0) & (x == np.floor(x)) & (t_x >= 0) & (t_x <= T) & ((x > 0) | (t_x == 0))
    if good.all():
        return
    check_rows(np.isnan(x) | np.isnan(t_x) | np.isnan(T), "have an empty x, t_x or T", model)
    check_rows((x < 0) | (x != np.round(x)), "have an x that is not a whole number >= 0", model)
    check_rows((t_x < 0) | (t_x > T), "have t_x outside [0, T]", model)
    check_rows((x == 0) & (t_x != 0), "have x = 0 but t_x != 0", model)


class Histories:
    """The distinct (x, t_x, T) histories with their weights, arranged for the likelihood.

    The terms of x alone are sums over k < x of functions of k, so they are summed over
    customers as sums over k weighted by `x_above` (customers with x > k); the
    -(r + x) ln(alpha + T) terms are summed per distinct T; the repeat customers' terms per
    distinct history (rx, rw), through the distinct (t_x, T) pairs they fall on."""

    def __init__(self, x: np.ndarray, t_x: np.ndarray, T: np.ndarray, weight: np.ndarray | None = None) -> None:
        x_code = x.astype(np.int64)  # checked: whole numbers >= 0
        top = int(x_code.max())
        T_code, T_values = factorize(T)
        T_weight = np.bincount(T_code, weights=weight, minlength=T_values.size).astype(float)
        # Customers without a repeat purchase differ only by T: the histories are grouped
        # among the repeat customers alone.
        repeat = np.nonzero(x_code > 0)[0]
        x_code, T_code, t_x = x_code[repeat], T_code[repeat], t_x[repeat]
        tx_code, tx_values = factorize(t_x)
        groups = group_rows(
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
        pairs = group_rows([T_code, tx_code], [T_values.size, tx_values.size], inverse=True)
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
        # Room for the objective's arrays over histories and pairs (see objective).
        self.history_work = np.empty((_HISTORY_ARRAYS, x.size))
        self.pair_work = np.empty((_PAIR_ARRAYS, pair_T.size))

    def mean_T(self) -> float:
        return dot(self.T_values, self.T_weights[:, 0]) / self.n

    def sample(self, size: int) -> Histories | None:
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
        sample = object.__new__(Histories)
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


def objective(theta: np.ndarray, h: Histories, hessian: bool = True) -> tuple[float, np.ndarray, np.ndarray | None]:
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
    lg_r, lg_b, lg_ab, dg_r, dg_b, dg_ab, tg_r, tg_b, tg_ab = product(per_k, h.x_above)
    log_alpha = math.log(alpha)
    # -(r + x) ln(alpha + T): per distinct T, weighted by its customers and their purchases.
    inv_aT = 1.0 / (alpha + h.T_values)
    per_T = np.array([np.log(alpha + h.T_values), inv_aT, inv_aT * inv_aT])
    (log_T, log_T_x), (inv_T, inv_T_x), (inv2_T, inv2_T_x) = product(per_T, h.T_weights)
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
    # warnings are silenced by maximise).
    np.negative(d, out=e)
    np.exp(e, out=e)
    np.add(e, 1.0, out=sigmoid)
    np.reciprocal(sigmoid, out=sigmoid)
    np.reciprocal(e, out=work)
    np.minimum(e, work, out=e)
    np.log1p(e, out=work)
    np.maximum(d, 0.0, out=e)
    work += e
    loglik += dot(h.rw, work)
    np.multiply(h.rw, sigmoid, out=s)  # weighted d softplus / dd
    qk = e  # reused: dd / dalpha
    np.multiply(q, k, out=qk)
    s_by_x = np.add.reduceat(s, h.x_starts)
    s_sum = float(s_by_x.sum())
    c = invs[1][h.x_runs_less_1]  # 1 / (b + x - 1) for each x there is
    g_r += dot(s, gap)
    g_alpha += dot(s, qk)
    g_a += s_sum / a
    g_b -= dot(s_by_x, c)

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
    hess[0, 0] = -tg_r + dot(u_gap, gap)
    hess[0, 1] = n / alpha - inv_T + dot(s, k) + dot(u_gap, qk)
    hess[1, 1] = -n * r / alpha**2 + r * inv2_T + inv2_T_x - dot(s, work) + dot(u_qk, qk)
    hess[0, 2] = float(u_gap_by_x.sum()) / a
    hess[1, 2] = float(u_qk_by_x.sum()) / a
    hess[0, 3] = -dot(u_gap_by_x, c)
    hess[1, 3] = -dot(u_qk_by_x, c)
    hess[2, 2] = tg_ab + (u_sum - s_sum) / a**2
    hess[2, 3] = tg_ab - dot(u_by_x, c) / a
    hess[3, 3] = tg_ab - tg_b + dot(s_by_x + u_by_x, c * c)
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
        x, t_x, T = (numeric_column(data, c, self.name) for c in ("x", "t_x", "T"))
        check_histories(x, t_x, T, self.name)
        self.x, self.t_x, self.T = x, t_x, T
        self._params: BetaGeoParams | None = None

    def fit(self) -> BetaGeoModel:
        """Maximum-likelihood estimates of r, alpha, a, b (FHL 2005 eq. 7)."""
        self._params = fit_histories(self.x, self.t_x, self.T, None, self.name)
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
        return expected_purchases_over(self.params, ts, *self._histories(data))[:, 0]


# Repeat histories in the sample the BG/NBD fit starts from: enough for its maximum to lie
# within a few percent of the whole data's, few enough to cost less than one full evaluation.
START_SAMPLE = 2_000


def fit_histories(
    x: np.ndarray, t_x: np.ndarray, T: np.ndarray, weight: np.ndarray | None, model: str
) -> BetaGeoParams:
    """Fit on checked histories, one per customer or (with `weight`) one per group of customers."""
    customers = x.size if weight is None else float(weight.sum())
    if not (x > 0).any():
        raise ClvError(
            f"{model}: none of the {customers:,.0f} customers has a repeat purchase "
            "(x = 0 for all), so the purchase rate and dropout cannot be estimated: "
            "use a later calibration end or more history."
        )
    h = Histories(x, t_x, T, weight)
    # Start at a purchase rate of about one per observed lifetime.
    start = np.log([1.0, max(h.mean_T(), 1e-3), 1.0, 1.0])
    names = ("r", "alpha", "a", "b")
    theta, loglik, log_se = maximise(objective, start, h, model, names, h.sample(START_SAMPLE))
    r, alpha, a, b = (float(v) for v in np.exp(theta))
    return BetaGeoParams(r, alpha, a, b, loglik, round(h.n), standard_errors(names, theta, log_se))


def _p_alive(p: BetaGeoParams, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    xs = np.maximum(x, 1)  # the x = 0 rows are set to 1 below
    d = np.log(p.a / (p.b + xs - 1)) + (p.r + xs) * np.log((p.alpha + T) / (p.alpha + t_x))
    return np.where(x > 0, _sigmoid(-d), 1.0)


def expected_purchases_over(
    p: BetaGeoParams, ts: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray
) -> np.ndarray:
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

    factorized = [factorize(column) for column in (x, t_x, T)]
    groups = group_rows([codes for codes, _ in factorized], [values.size for _, values in factorized], inverse=True)
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
