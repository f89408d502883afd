"""What makes a member buy sooner: the goal gradient and tier points pressure
(docs/model.md §3.1)."""

from __future__ import annotations

import numpy as np


def goal_gradient_multiplier(progress: np.ndarray, gamma: float) -> np.ndarray:
    """Rate multiplier ``exp(gamma * progress)`` for progress in [0, 1] toward a reward.

    With gamma = 0.28 the last inter-purchase time before a reward is about 20% shorter
    than the first (Kivetz, Urminsky & Zheng 2006, the cafe field study).

    References
    ----------
    Kivetz, R., Urminsky, O., & Zheng, Y. (2006). The goal-gradient hypothesis
    resurrected. Journal of Marketing Research, 43(1), 39-58.
    """
    return np.exp(gamma * np.clip(progress, 0.0, 1.0))


def goal_gradient_centre(gamma: float) -> float:
    """The progress c at which exp(gamma (progress - c)) is 1 on average over a cycle
    with progress uniform on [0, 1]: c = ln((e^gamma - 1) / gamma) / gamma (1/2 as
    gamma -> 0)."""
    if gamma < 1e-9:
        return 0.5
    return float(np.log(np.expm1(gamma) / gamma) / gamma)


def centred_goal_gradient(progress: np.ndarray, gamma: float) -> np.ndarray:
    """Re-timing multiplier ``exp(gamma (progress - c))``, averaging 1 over a reward cycle.

    Early in a cycle a member visits a little less often, near the reward a little
    more: the profile within a cycle of Kivetz, Urminsky & Zheng (2006), without adding
    visits over the cycle (docs/model.md §3.1, v2).
    """
    return np.exp(gamma * (np.clip(progress, 0.0, 1.0) - goal_gradient_centre(gamma)))


def points_pressure_multiplier(
    qualifying: np.ndarray,
    threshold: np.ndarray,
    expected_before_review: np.ndarray,
    days_to_review: int,
    strength: float,
    window: int = 60,
) -> np.ndarray:
    """Rate uplift near a tier review when the next tier is within reach.

    ``M_pp = 1 + strength * Q / threshold`` within ``window`` days of a review when the
    gap ``threshold - Q`` is at most 1.5 x the spend expected before the review, else 1.

    References
    ----------
    Taylor, G. A., & Neslin, S. A. (2005). The current and future sales impact of a
    retail frequency reward program. Journal of Retailing, 81(4), 293-305.
    Kopalle, P. K., et al. (2012). The joint sales impact of frequency reward and
    customer tier components of loyalty programs. Marketing Science, 31(2), 216-235.
    """
    out = np.ones(qualifying.shape, dtype=np.float32)
    if days_to_review > window:
        return out
    gap = threshold - qualifying
    reachable = (gap > 0) & np.isfinite(threshold) & (gap <= 1.5 * expected_before_review)
    ratio = np.where(reachable, qualifying / np.where(threshold > 0, threshold, 1.0), 0.0)
    out[reachable] = 1.0 + strength * ratio[reachable]
    return out
