"""Word-of-mouth talk by likelihood-to-recommend (MODEL.md 3.6).

Detractors talk more per head (Anderson 1998); because satisfied customers visit and
so talk more often, positive word-of-mouth comes out about three times as common as
negative (East, Hammond & Wright 2007).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.special import ndtr


def likelihood_to_recommend(s: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """``LTR = clip(round(S + noise), 0, 10)`` on the NPS 0-10 scale."""
    return np.clip(np.rint(s + noise), 0, 10).astype(np.int8)


def talk(
    ltr: np.ndarray,
    u_talk: np.ndarray,
    u_valence: np.ndarray,
    *,
    promoter_rate: float,
    passive_rate: float,
    passive_positive: float,
    detractor_rate: float,
    talkativeness: np.ndarray | float = 1.0,
) -> np.ndarray:
    """Valence of today's message per speaker: +1 positive, -1 negative, 0 silent.

    References
    ----------
    Anderson, E. W. (1998). Customer satisfaction and word of mouth. Journal of Service
    Research, 1(1), 5-17.
    East, R., Hammond, K., & Wright, M. (2007). The relative incidence of positive and
    negative word of mouth: A multi-category study. IJRM, 24(2), 175-184.
    """
    promoter = ltr >= 9
    detractor = ltr <= 6
    rate = np.where(promoter, promoter_rate, np.where(detractor, detractor_rate, passive_rate))
    speaks = u_talk < rate * talkativeness
    valence = np.where(detractor, -1, np.where(promoter | (u_valence < passive_positive), 1, -1))
    return np.where(speaks, valence, 0).astype(np.int8)


def expected_nps(s: np.ndarray, noise_sd: float) -> float:
    """NPS implied by S when LTR = round(S + N(0, sd)): 100 (P(LTR>=9) - P(LTR<=6)).

    Computed in expectation, so the metric carries no sampling noise of its own
    (Reichheld 2003's definition of the score).
    """
    if s.size == 0:
        return float("nan")
    sd = max(noise_sd, 1e-6)
    promoters = 1.0 - ndtr((8.5 - s) / sd)
    detractors = ndtr((6.5 - s) / sd)
    return float(100.0 * (promoters.mean() - detractors.mean()))


def nps_from_histogram(counts: np.ndarray, bin_width: float, noise_sd: float) -> float:
    """:func:`expected_nps` from a histogram of S (bin b centred on ``b * bin_width``).

    A pass of ``np.bincount`` over a million customers costs a fraction of evaluating
    the normal CDF for each of them; with 0.01-wide bins the result differs from the
    exact one by far less than its sampling noise.
    """
    total = counts.sum()
    if total == 0:
        return float("nan")
    net = _net_promoter_weights(counts.size, float(bin_width), max(float(noise_sd), 1e-6))
    return float(100.0 * (counts @ net) / total)


@lru_cache(maxsize=8)
def _net_promoter_weights(bins: int, bin_width: float, sd: float) -> np.ndarray:
    # P(LTR >= 9) - P(LTR <= 6) at each bin's S: the same for every day of a run.
    mids = np.arange(bins) * bin_width
    return (1.0 - ndtr((8.5 - mids) / sd)) - ndtr((6.5 - mids) / sd)


def decay_factor(half_life: float) -> float:
    """Daily multiplier of a quantity with the given half-life in days."""
    return float(0.5 ** (1.0 / half_life))
