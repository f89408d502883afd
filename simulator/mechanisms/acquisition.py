"""Bass-style awareness of the focal firm among prospects (MODEL.md 3.7)."""

from __future__ import annotations

import numpy as np


def awareness_hazard(
    neighbour_share: np.ndarray, *, p_ext: float, q_int: float, advertising: float = 1.0
) -> np.ndarray:
    """Daily hazard ``(p_ext * advertising + q_int * f) / 365``.

    ``f`` is the share of a prospect's neighbours who are active, recommending focal
    customers; p and q are per year.

    References
    ----------
    Bass, F. M. (1969). A new product growth for model consumer durables. Management
    Science, 15(5), 215-227.
    Sultan, F., Farley, J. U., & Lehmann, D. R. (1990). A meta-analysis of applications
    of diffusion models. Journal of Marketing Research, 27(1), 70-77.
    """
    return (p_ext * advertising + q_int * neighbour_share) / 365.0


def bass_half_time(p: float, q: float) -> float:
    """Time at which half the market has adopted in the Bass model (same unit as 1/p)."""
    # F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t}) = 1/2  =>  e^{-(p+q)t} = p / (2p + q)
    return float(np.log((2 * p + q) / p) / (p + q))
