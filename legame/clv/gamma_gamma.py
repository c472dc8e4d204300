"""The Gamma-Gamma model of spend per purchase (FH 2013): its likelihood, fit, predictions and
the frequency-spend independence check it rests on."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from legame.clv.arrays import check_rows, dot, factorize, group_rows, numeric_column
from legame.clv.errors import ClvError, NotFittedError
from legame.clv.optimiser import digamma_trigamma, lgamma, maximise, standard_errors

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class GammaGammaParams:
    """Fitted Gamma-Gamma parameters: spend ~ Gamma(p, nu), nu ~ Gamma(q, gamma)."""

    p: float
    q: float
    gamma: float
    loglik: float
    n_repeat: int
    standard_errors: dict[str, float]  # asymptotic, by parameter name


class SpendHistories:
    """The distinct (x, m_x) pairs with their weights, and the sums that need no parameter."""

    def __init__(self, x: np.ndarray, m: np.ndarray, weight: np.ndarray | None = None) -> None:
        x_code, x_values = factorize(x)
        m_code, m_values = factorize(m)
        groups = group_rows([x_code, m_code], [x_values.size, m_values.size], weight)
        self.weight = groups.weight
        x, m = x_values[groups.codes[0]], m_values[groups.codes[1]]
        self.n = float(self.weight.sum())
        self.weight_x = self.weight * x
        self.mx = x * m
        self.x_values = x_values
        self.x_weight = np.bincount(groups.codes[0], weights=self.weight, minlength=x_values.size)
        self.sum_log_m = dot(self.weight, np.log(m))
        self.sum_x_log_mx_x = dot(self.weight_x, np.log(m) + np.log(x))
        self.work = np.empty((2, m.size))  # room for objective's arrays (see objective)


def objective(
    theta: np.ndarray, h: SpendHistories, hessian: bool = True
) -> tuple[float, np.ndarray, np.ndarray | None]:
    """Minus the mean log-likelihood of the mean repeat spend m_x (FH 2013 eq. 1a), its
    gradient and (if asked) its Hessian in the log-parameters.

    Per customer, ln f = ln G(px + q) - ln G(px) - ln G(q) + q ln gamma + (px - 1) ln m_x
    + px ln x - (px + q) ln(gamma + m_x x).
    """
    p, q, g = np.exp(theta)
    xv, Wx, n = h.x_values, h.x_weight, h.n
    px = p * xv
    psi, psi1 = digamma_trigamma(np.concatenate([px + q, px, [q]]))
    k = xv.size
    psi_pxq, psi_px, psi_q = psi[:k], psi[k : 2 * k], psi[-1]
    log_z, inv_z = h.work
    np.add(h.mx, g, out=inv_z)
    np.log(inv_z, out=log_z)
    np.reciprocal(inv_z, out=inv_z)  # 1 / (gamma + m_x x)
    sum_log, sum_x_log = dot(h.weight, log_z), dot(h.weight_x, log_z)
    sum_inv, sum_x_inv = dot(h.weight, inv_z), dot(h.weight_x, inv_z)
    loglik = (
        dot(Wx, lgamma(px + q) - lgamma(px))
        + n * (q * math.log(g) - math.lgamma(q))
        + p * h.sum_x_log_mx_x
        - h.sum_log_m
        - p * sum_x_log
        - q * sum_log
    )
    g_p = dot(Wx, xv * (psi_pxq - psi_px)) + h.sum_x_log_mx_x - sum_x_log
    g_q = dot(Wx, psi_pxq) + n * (math.log(g) - psi_q) - sum_log
    g_g = n * q / g - p * sum_x_inv - q * sum_inv
    phi = np.array([p, q, g])
    grad = np.array([g_p, g_q, g_g])
    if not hessian:
        return -loglik / n, -grad * phi / n, None
    psi1_pxq, psi1_px, psi1_q = psi1[:k], psi1[k : 2 * k], psi1[-1]
    inv_z2 = np.square(inv_z, out=inv_z)  # in place: 1 / (gamma + m_x x)^2
    hess = np.empty((3, 3))
    hess[0, 0] = dot(Wx, xv * xv * (psi1_pxq - psi1_px))
    hess[0, 1] = hess[1, 0] = dot(Wx, xv * psi1_pxq)
    hess[0, 2] = hess[2, 0] = -sum_x_inv
    hess[1, 1] = dot(Wx, psi1_pxq) - n * psi1_q
    hess[1, 2] = hess[2, 1] = n / g - sum_inv
    hess[2, 2] = -n * q / g**2 + p * dot(h.weight_x, inv_z2) + q * dot(h.weight, inv_z2)
    hess = phi[:, None] * hess * phi[None, :] + np.diag(phi * grad)
    return -loglik / n, -grad * phi / n, -hess / n


def check_spend(x: np.ndarray, m: np.ndarray, model: str) -> None:
    check_rows(np.isnan(x) | (x < 0), "have an empty or negative x", model)
    check_rows((x > 0) & ~(m >= 0), "have x > 0 but no monetary_value >= 0", model)


def fit_spend(x: np.ndarray, m: np.ndarray, weight: np.ndarray | None, model: str) -> GammaGammaParams:
    """Fit on checked (x, monetary_value) rows, one per customer or (with `weight`) per group."""
    used = (x > 0) & (m > 0)
    if not used.any():
        customers = x.size if weight is None else float(weight.sum())
        raise ClvError(
            f"{model}: no repeat customers (x > 0 with a positive spend) among "
            f"the {customers:,.0f} customers, so spend per purchase cannot be estimated."
        )
    h = SpendHistories(x[used], m[used], None if weight is None else weight[used])
    names = ("p", "q", "gamma")
    theta, loglik, log_se = maximise(objective, np.zeros(3), h, model, names)
    p, q, g = (float(v) for v in np.exp(theta))
    return GammaGammaParams(p, q, g, loglik, round(h.n), standard_errors(names, theta, log_se))


class GammaGammaModel:
    """Gamma-Gamma model of the mean spend per purchase (FH 2013).

    `data` holds one row per customer with columns x (repeat purchases) and
    monetary_value (mean value of the repeat purchases). Only customers with x > 0
    and a positive monetary_value inform the fit; predictions cover everyone.
    """

    name = "Gamma-Gamma"

    def __init__(self, data: pd.DataFrame) -> None:
        x = numeric_column(data, "x", self.name)
        m = numeric_column(data, "monetary_value", self.name)
        check_spend(x, m, self.name)
        self.x, self.monetary_value = x, m
        self._params: GammaGammaParams | None = None

    def fit(self) -> GammaGammaModel:
        """Maximum-likelihood estimates of p, q, gamma."""
        self._params = fit_spend(self.x, self.monetary_value, None, self.name)
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


def frequency_monetary_correlation(data: pd.DataFrame) -> float:
    """Pearson correlation of x and monetary_value among repeat customers.

    Gamma-Gamma assumes spend per purchase is independent of purchase frequency;
    a correlation near 0 (FH 2013 report 0.11 on CDNOW) supports it. NaN when
    fewer than two repeat customers or no variation.
    """
    x = numeric_column(data, "x", "independence check")
    m = numeric_column(data, "monetary_value", "independence check")
    return weighted_correlation(x, m, np.ones(x.size))


def weighted_correlation(x: np.ndarray, m: np.ndarray, weight: np.ndarray) -> float:
    """frequency_monetary_correlation on rows that stand for `weight` customers each."""
    repeat = (x > 0) & np.isfinite(m)
    x, m, w = x[repeat], m[repeat], weight[repeat]
    if w.sum() < 2 or np.ptp(x) == 0 or np.ptp(m) == 0:
        return float("nan")
    dx = x - np.dot(w, x) / w.sum()
    dm = m - np.dot(w, m) / w.sum()
    return float(np.dot(w, dx * dm) / math.sqrt(np.dot(w, dx * dx) * np.dot(w, dm * dm)))
