"""Customer summaries drawn from known parameters: the truth simulations test and benchmark against."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd


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
