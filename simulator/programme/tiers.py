"""Tier status and demotion (docs/model.md §4.2).

Status falls as the share of members at or above a tier grows, and a tier below raises
the status of the tiers above (Dreze & Nunes 2009); demotion hurts more than promotion
helps (Wagner, Hennig-Thurau & Rudolph 2009).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from simulator.programme.rules import ProgrammeRules
    from simulator.programme.state import ProgrammeState


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


# The demotion penalty halves every 180 days (Wagner, Hennig-Thurau & Rudolph 2009).
DEMOTION_HALF_LIFE = 180.0


def demotion_penalty(
    lost_status: np.ndarray,
    days_since: np.ndarray,
    *,
    factor: float,
    half_life: float = DEMOTION_HALF_LIFE,
) -> np.ndarray:
    """Utility penalty after a demotion: ``factor * lost status``, halving every 180 days.

    References
    ----------
    Wagner, T., Hennig-Thurau, T., & Rudolph, T. (2009). Does customer demotion
    jeopardize loyalty? Journal of Marketing, 73(3), 69-85.
    """
    return factor * lost_status * 0.5 ** (np.maximum(days_since, 0) / half_life)


# --------------------------------------------------------------------- the ladder


class TierLadder:
    """Tier status, promotions, reviews and demotions of one programme (docs/model.md §4.2).

    Parameters
    ----------
    state
        The programme's per-customer columns (tier, qualifying amount, ...).
    """

    def __init__(self, state: ProgrammeState) -> None:
        self.state = state
        self.status = np.zeros(1)
        self.reviews: list[dict[str, Any]] = []
        self.promotions = 0.0
        self.demotions = 0.0
        self._promotions_seen = 0.0
        self._pending: tuple[np.ndarray, np.ndarray] = (np.zeros(0, np.int64), np.zeros(0, np.int8))

    def refresh_status(self, rules: ProgrammeRules, members: np.ndarray) -> None:
        """Status of each level from today's tier sizes (Dreze & Nunes 2009)."""
        counts = np.bincount(self.state.tier[members], minlength=len(rules.tier_names))
        total = max(int(counts.sum()), 1)
        at_or_above = np.cumsum(counts[::-1])[::-1] / total
        self.status = status_values(
            at_or_above,
            rules.tier_has_status,
            sigma0=rules.spec.status_base,
            dilution=rules.spec.status_dilution,
        )

    def initial(self, rules: ProgrammeRules, members: np.ndarray, expected: np.ndarray) -> None:
        """Existing status holders: the tier their expected activity earns."""
        level = qualified_level(expected, rules.tier_thresholds)
        self.state.tier[members] = level
        self.state.ever_promoted[members] = level > 0

    def promote(self, rules: ProgrammeRules, rows: np.ndarray) -> None:
        """Promotion as soon as a threshold is crossed."""
        tier = self.state.tier
        level = qualified_level(self.state.qualifying[rows], rules.tier_thresholds)
        up = level > tier[rows]
        if up.any():
            ru = rows[up]
            tier[ru] = level[up]
            self.state.ever_promoted[ru] = True
            self.promotions += ru.size

    def review(self, rules: ProgrammeRules, day: int, members: np.ndarray) -> np.ndarray:
        """Tier review: demote members below their tier's threshold (or announce it).

        Returns the members who fall; with a grace period they are only announced and
        :meth:`end_grace` demotes those who have not requalified by then.
        """
        tier = self.state.tier
        qualified = qualified_level(self.state.qualifying[members], rules.tier_thresholds)
        new = review_level(tier[members], qualified, soft_landing=rules.spec.tiers.soft_landing)
        down = new < tier[members]
        counts_before = np.bincount(tier[members], minlength=len(rules.tier_names))
        self.reviews.append(
            {
                "day": day,
                "promotions_since_last_review": int(self.promotions - self._promotions_seen),
                "demotions": 0,
                "members_by_tier_before": {
                    n: int(c) for n, c in zip(rules.tier_names, counts_before, strict=True)
                },
            }
        )
        self._promotions_seen = self.promotions
        self.state.qualifying[:] = 0.0
        self._pending = (members[down], new[down])
        return members[down]

    def take_pending(self) -> tuple[np.ndarray, np.ndarray]:
        """The demotions announced at the last review (and forget them)."""
        out = self._pending
        self._pending = (np.zeros(0, np.int64), np.zeros(0, np.int8))
        return out

    def end_grace(self, rules: ProgrammeRules, alive: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """End of a grace period: who is demoted (not requalified), and to which level."""
        rows, new = self.take_pending()
        tier = self.state.tier
        requalified = qualified_level(self.state.qualifying[rows], rules.tier_thresholds)
        keep = (requalified >= tier[rows]) | ~alive[rows]
        return rows[~keep], np.maximum(new[~keep], 0).astype(np.int8)

    def demote(self, rows: np.ndarray, new: np.ndarray, day: int) -> None:
        """Demotion hurts more than promotion helps (Wagner, Hennig-Thurau & Rudolph 2009)."""
        st = self.state
        if rows.size:
            lost = self.status[st.tier[rows]] - self.status[new]
            st.tier[rows] = new
            st.lost_status[rows] = np.maximum(lost, 0.0)
            st.demoted_on[rows] = day
        self.demotions += rows.size
        if self.reviews:
            self.reviews[-1]["demotions"] += int(rows.size)

    def reset_counts(self) -> None:
        """Promotions, demotions and reviews from zero (the reported window starts)."""
        self.promotions = self.demotions = self._promotions_seen = 0.0
        self.reviews = []

    def members_by_tier(self, rules: ProgrammeRules, members: np.ndarray) -> dict[str, int]:
        """Members per tier."""
        counts = np.bincount(self.state.tier[members], minlength=len(rules.tier_names))
        return {n: int(c) for n, c in zip(rules.tier_names, counts, strict=True)}

    def remap(self, old: ProgrammeRules, new: ProgrammeRules) -> None:
        """A changed ladder: members keep the tier of the same name, or the highest new
        tier whose threshold is not above their old tier's."""
        codes = np.zeros(len(old.tier_names), dtype=np.int8)
        for k, name in enumerate(old.tier_names):
            if name in new.tier_names:
                codes[k] = new.tier_names.index(name)
            elif k > 0:
                codes[k] = qualified_level(
                    np.array([old.tier_thresholds[k - 1]]), new.tier_thresholds
                )[0]
        self.state.tier[:] = codes[self.state.tier]
        self.status = np.zeros(len(new.tier_names))

    def snapshot(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "status": self.status.copy(),
            "reviews": [dict(r) for r in self.reviews],
            "promotions": self.promotions,
            "demotions": self.demotions,
            "promotions_seen": self._promotions_seen,
            "pending": (self._pending[0].copy(), self._pending[1].copy()),
        }

    def restore(self, data: dict[str, Any]) -> None:
        """The inverse of :meth:`snapshot`."""
        self.status = np.array(data["status"], copy=True)
        self.reviews = [dict(r) for r in data["reviews"]]
        self.promotions = data["promotions"]
        self.demotions = data["demotions"]
        self._promotions_seen = data["promotions_seen"]
        self._pending = (np.array(data["pending"][0]), np.array(data["pending"][1]))
