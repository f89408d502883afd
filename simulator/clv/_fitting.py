"""The maximum-likelihood search shared by the BG/NBD and Gamma-Gamma fitters."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize

from simulator.errors import LoyaltySimError

# A log-parameter beyond this (a parameter outside [6e-6, 1.6e5]) means the likelihood
# has no interior maximum: the optimiser is walking off to a boundary (e.g. b -> inf
# when nobody appears to drop out), and the "estimate" would be meaningless.
_LOG_PARAM_LIMIT = 12.0
_LOG_PARAM_WALL = 20.0


class ConvergenceError(LoyaltySimError, RuntimeError):
    """A maximum-likelihood fit did not converge to an interior optimum."""


def maximise(
    neg_mean_ll: Callable[[NDArray[np.float64]], float],
    starts: Sequence[Sequence[float]],
    names: Sequence[str],
    model: str,
    maxiter: int,
) -> NDArray[np.float64]:
    """Minimise a negative mean log-likelihood over log-parameters; return parameters.

    Nelder-Mead from each start (robust to the flat ridges of these likelihoods, and
    needs no gradient), then an L-BFGS-B polish from the best point. A fit counts as
    converged only if Nelder-Mead met its tolerances and the optimum is interior.
    """

    def safe(theta: NDArray[np.float64]) -> float:
        # Walls far beyond the drift limit: out there (p x ~ 1e15 and up) differences of
        # gammaln cancel catastrophically and fake an ever better likelihood.
        if np.any(np.abs(theta) > _LOG_PARAM_WALL):
            return np.inf
        with np.errstate(all="ignore"):
            val = neg_mean_ll(theta)
        # Overflowing trial points must lose against any finite one, not poison the simplex.
        return float(val) if np.isfinite(val) else np.inf

    best = None
    for x0 in starts:
        res = minimize(
            safe,
            np.log(np.asarray(x0, dtype=float)),
            method="Nelder-Mead",
            options={"maxiter": maxiter, "maxfev": 2 * maxiter, "xatol": 1e-7, "fatol": 1e-11},
        )
        if res.success and np.isfinite(res.fun) and (best is None or res.fun < best.fun):
            best = res
    if best is None:
        raise ConvergenceError(
            f"{model} fit did not converge within maxiter={maxiter} from any of "
            f"{len(starts)} starting points; check the data (enough repeat customers?) "
            "or raise maxiter"
        )
    polish = minimize(safe, best.x, method="L-BFGS-B")
    theta = polish.x if np.isfinite(polish.fun) and polish.fun < best.fun else best.x
    off = np.abs(theta) > _LOG_PARAM_LIMIT
    if np.any(off):
        k = int(np.flatnonzero(off)[0])
        raise ConvergenceError(
            f"{model} fit did not converge: {names[k]} drifted to {np.exp(theta[k]):.3g}, so "
            "the likelihood has no interior maximum for these data"
        )
    return np.exp(theta)
