"""Campaign targeting (MODEL.md 4.3): who a campaign is aimed at and who it reaches."""

from __future__ import annotations

import numpy as np


def target_mask(
    *,
    segment: np.ndarray,
    segment_codes: list[int] | None,
    tier: np.ndarray | None,
    tier_codes: list[int] | None,
    satisfaction: np.ndarray,
    max_satisfaction: float | None,
    days_since_visit: np.ndarray,
    min_days_since_visit: int | None,
    eligible: np.ndarray,
    min_satisfaction: float | None = None,
) -> np.ndarray:
    """Boolean mask of customers a campaign targets: every given criterion must hold
    (segments, tiers, a satisfaction band, days since the last visit)."""
    mask = eligible.copy()
    if segment_codes is not None:
        mask &= np.isin(segment, segment_codes)
    if tier_codes is not None and tier is not None:
        mask &= np.isin(tier, tier_codes)
    if max_satisfaction is not None:
        mask &= satisfaction <= max_satisfaction
    if min_satisfaction is not None:
        mask &= satisfaction >= min_satisfaction
    if min_days_since_visit is not None:
        mask &= days_since_visit >= min_days_since_visit
    return mask


def reached(mask: np.ndarray, reach: float, uniform: np.ndarray) -> np.ndarray:
    """Targeted customers the campaign actually reaches (the rest are a natural holdout)."""
    return mask & (uniform < reach)
