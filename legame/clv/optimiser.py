"""Maximum likelihood for both models: Newton's method on the analytic gradient and Hessian,
L-BFGS-B (scipy, loaded only then) where it fails, and digamma / trigamma without scipy."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple, Protocol

import numpy as np

from legame.clv.errors import ClvError

# Log-parameters are kept within exp(+-20): far beyond any real data set, so a
# parameter that ends on this bound means the data cannot identify it.
_LOG_BOUND = 20.0
# Likewise a log-parameter whose standard error exceeds ln 10 is not known to within a
# factor of ten, and predictions made with it would be noise.
_MAX_LOG_SE = math.log(10)


# The asymptotic series of digamma (A&S 6.3.18) and trigamma (A&S 6.4.12): coefficients of
# z^-2, z^-4, ... z^-14 and of z^-3, z^-5, ... z^-15 (Bernoulli numbers).
_DIGAMMA_SERIES = (-1 / 12, 1 / 120, -1 / 252, 1 / 240, -1 / 132, 691 / 32760, -1 / 12)
_TRIGAMMA_SERIES = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6)


def digamma_trigamma(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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


def lgamma(z: np.ndarray) -> np.ndarray:
    return np.array([math.lgamma(v) for v in np.ravel(z).tolist()]).reshape(np.shape(z))


# --------------------------------------------------------------------------- maximisation

Objective = Callable[..., tuple[float, np.ndarray, "np.ndarray | None"]]


class LikelihoodData(Protocol):
    """What an objective is evaluated on (bgnbd.Histories, gamma_gamma.SpendHistories)."""

    n: float  # the customers the data stand for: the objective is a mean over them


# Newton's method: iterations before giving up, the longest step in the log-parameters (a
# factor of e: longer ones overshot where the likelihood is far from quadratic), and
# the step below which the maximum is reached: the error left after such a step is of the
# order of its square (quadratic convergence), far below any digit the estimates are read to.
_NEWTON_ITERATIONS = 50
_MAX_STEP = 1.0
NEWTON_TOLERANCE = 1e-6
# A start only needs to be near the maximum: a sample's maximum is itself a few percent
# off the whole data's, more than the square of this step.
_START_TOLERANCE = 0.1


class _Optimum(NamedTuple):
    theta: np.ndarray
    value: float
    gradient: np.ndarray
    hessian: np.ndarray
    message: str = "Newton's method converged"


def newton(objective: Objective, start: np.ndarray, data: object, tolerance: float) -> _Optimum | None:
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


def lbfgs(objective: Objective, start: np.ndarray, data: object) -> _Optimum:
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


def maximise(
    objective: Objective,
    start: np.ndarray,
    data: LikelihoodData,
    model: str,
    names: tuple[str, ...],
    sample: LikelihoodData | None = None,
) -> tuple[np.ndarray, float, np.ndarray]:
    """The log-parameters that minimise `objective`, the log-likelihood there and the
    log-parameters' standard errors; or a ClvError saying why the data do not give them.

    Newton's method starts from the maximum on `sample` if given (found from `start`),
    else from `start`; L-BFGS-B from `start` takes over if it fails."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        near = newton(objective, start, sample, _START_TOLERANCE) if sample is not None else None
        optimum = newton(objective, start if near is None else near.theta, data, NEWTON_TOLERANCE)
        if optimum is None:
            optimum = lbfgs(objective, start, data)
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


def standard_errors(names: tuple[str, ...], theta: np.ndarray, log_se: np.ndarray) -> dict[str, float]:
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
