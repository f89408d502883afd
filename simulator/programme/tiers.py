"""Tier status and demotion (MODEL.md 4.2).

Status falls as the share of members at or above a tier grows, and a tier below raises
the status of the tiers above (Dreze & Nunes 2009); demotion hurts more than promotion
helps (Wagner, Hennig-Thurau & Rudolph 2009).
"""

from __future__ import annotations

import numpy as np


def status_values(
    share_at_or_above: np.ndarray,
    has_status: np.ndarray,
    *,
    sigma0: float = 0.5,
    dilution: float = 0.3,
) -> np.ndarray:
    """Status of each tier level (index 0 = base tier, which has none).

    ``status_k = sigma0 * ln(1/share_>=k) / ln(1/0.05) * (1 + dilution * elite tiers below)``.

    Parameters
    ----------
    share_at_or_above
        (K,) share of members at or above each level (level 0 is 1).
    has_status
        (K,) whether each level carries status.

    References
    ----------
    Dreze, X., & Nunes, J. C. (2009). Feeling superior: The impact of loyalty program
    structure on consumers' perceptions of status. Journal of Consumer Research, 35(6),
    890-905.
    """
    share = np.clip(np.asarray(share_at_or_above, dtype=float), 1e-6, 1.0)
    elite = np.asarray(has_status, dtype=bool).copy()
    elite[0] = False
    below = np.concatenate([[0], np.cumsum(elite)[:-1]])
    status = sigma0 * np.log(1.0 / share) / np.log(1.0 / 0.05) * (1.0 + dilution * below)
    return np.where(elite, status, 0.0)


def qualified_level(qualifying: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Highest level whose threshold is met (level 0 = base; thresholds of levels 1..K-1)."""
    return np.searchsorted(thresholds, qualifying, side="right").astype(np.int8)


def review_level(current: np.ndarray, qualified: np.ndarray, *, soft_landing: bool) -> np.ndarray:
    """Level after a review: keep or rise to the qualified level; demote, one step at most
    with a soft landing."""
    if soft_landing:
        return np.where(qualified < current, current - 1, np.maximum(current, qualified)).astype(
            np.int8
        )
    return qualified.astype(np.int8)


def demotion_penalty(
    lost_status: np.ndarray, days_since: np.ndarray, *, factor: float, half_life: float = 180.0
) -> np.ndarray:
    """Utility penalty after a demotion: ``factor * lost status``, halving every 180 days.

    References
    ----------
    Wagner, T., Hennig-Thurau, T., & Rudolph, T. (2009). Does customer demotion
    jeopardize loyalty? Journal of Marketing, 73(3), 69-85.
    """
    return factor * lost_status * 0.5 ** (np.maximum(days_since, 0) / half_life)
