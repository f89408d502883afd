"""Simulated surveys: what a customer would answer, who answers, and what the firm
measures (docs/model.md §11.1).

A survey measures a frame (the customers it could invite) through the few who answer.
Response is likelier at the extremes of the answer scale and among recent and engaged
customers, so the measured score differs from the frame's true score in a way the
survey alone cannot reveal (non-response bias). Scores are computed from histograms of
answers, so a wave costs the same memory whatever the population.

References
----------
Groves, R. M., & Peytcheva, E. (2008). The impact of nonresponse rates on nonresponse
bias: A meta-analysis. Public Opinion Quarterly, 72(2), 167-189.
Anderson, E. W. (1998). Customer satisfaction and word of mouth. Journal of Service
Research, 1(1), 5-17 (the U-shaped propensity to speak up at the extremes).
Groves, R. M., Singer, E., & Corning, A. (2000). Leverage-saliency theory of survey
participation. Public Opinion Quarterly, 64(3), 299-308.
Reichheld, F. F. (2003). The one number you need to grow. HBR, 81(12), 46-54.
Dixon, M., Freeman, K., & Toman, N. (2010). Stop trying to delight your customers.
HBR, 88(7/8), 116-122 (the customer effort score).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

# Answer scales: (lowest, highest) of each kind.
SCALES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
Z95 = 1.959964


def nps_answers(s: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """Likelihood to recommend, 0-10: ``round(S + noise)`` (the model's LTR, §3.6)."""
    return np.clip(np.rint(s + noise), 0, 10).astype(np.int8)


def csat_answers(s_transaction: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """CSAT 1-5 after a visit: ``round(1 + 0.4 s + noise)`` from the visit's satisfaction
    s on 0-10 [A: a linear map of the two scales]."""
    return np.clip(np.rint(1.0 + 0.4 * s_transaction + noise), 1, 5).astype(np.int8)


def ces_answers(wait_share: np.ndarray, resolved: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """CES 1-7 after a complaint (7 = "the firm made it easy"): a resolved complaint
    starts at 6, an unresolved one at 3, and each service level of waiting costs up to
    two points [A, after Dixon et al. 2010: effort is waiting and repeat contact]."""
    base = np.where(resolved, 6.0, 3.0) - 2.0 * np.minimum(wait_share, 1.5)
    return np.clip(np.rint(base + noise), 1, 7).astype(np.int8)


def extremity(answers: np.ndarray, kind: str) -> np.ndarray:
    """Distance of an answer from the scale's middle: 0 in the middle, 1 at either end."""
    lo, hi = SCALES[kind]
    mid = 0.5 * (lo + hi)
    return np.abs(answers.astype(np.float64) - mid) / (hi - mid)


def response_probability(
    extreme: np.ndarray,
    recency: np.ndarray,
    engaged: np.ndarray,
    *,
    base_rate: float,
    extremity_weight: float,
    recency_weight: float,
    engagement_weight: float,
    reminder: float = 0.0,
    incentive: float = 0.0,
    incentive_effect: float = 0.0,
) -> np.ndarray:
    """Chance an invitee answers: a logit around ``base_rate``.

    ``logit p = logit(base) + w_x (extremity - 1/2) + w_r (recency - 1/2) +
    w_e (engaged - 1/2) + reminder + incentive_effect * incentive * (1 - 2/3 engaged)``.
    Traits enter around their middle so that ``base_rate`` is the rate of a middling
    invitee; an incentive moves the least engaged most (leverage-saliency theory).
    """
    b = min(max(base_rate, 1e-6), 1 - 1e-6)
    logit = (
        np.log(b / (1.0 - b))
        + extremity_weight * (extreme - 0.5)
        + recency_weight * (recency - 0.5)
        + engagement_weight * (engaged - 0.5)
        + reminder
        + incentive_effect * incentive * (1.0 - (2.0 / 3.0) * engaged)
    )
    return 1.0 / (1.0 + np.exp(-logit))


def score(hist: np.ndarray, kind: str) -> tuple[float, float]:
    """The survey's score and the half-width of its 95% sampling interval.

    NPS: % promoters - % detractors; CSAT: % answering 4 or 5 (top two boxes); CES:
    the mean answer. ``hist[k]`` counts answers ``lowest + k``.
    """
    n = float(hist.sum())
    if n == 0:
        return float("nan"), float("nan")
    lo, _ = SCALES[kind]
    values = lo + np.arange(hist.size)
    if kind == "nps":
        pro, det = hist[9:].sum() / n, hist[:7].sum() / n
        var = pro + det - (pro - det) ** 2
        return float(100.0 * (pro - det)), float(100.0 * Z95 * np.sqrt(var / n))
    if kind == "csat":
        top = hist[3:].sum() / n
        return float(100.0 * top), float(100.0 * Z95 * np.sqrt(top * (1 - top) / n))
    mean = float(values @ hist) / n
    var = float(((values - mean) ** 2) @ hist) / max(n - 1.0, 1.0)
    return mean, float(Z95 * np.sqrt(var / n))


@dataclass
class Wave:
    """One wave of a survey being collected: answer histograms of the frame and of
    the respondents, invitations and cost."""

    kind: str
    frame: np.ndarray = field(default_factory=lambda: np.zeros(0))
    answered: np.ndarray = field(default_factory=lambda: np.zeros(0))
    invited: int = 0
    cost: float = 0.0

    def __post_init__(self) -> None:
        lo, hi = SCALES[self.kind]
        if self.frame.size == 0:
            self.frame = np.zeros(hi - lo + 1)
            self.answered = np.zeros(hi - lo + 1)

    def add(self, answers: np.ndarray, invited: np.ndarray, responded: np.ndarray) -> None:
        """The frame's answers; who was invited; who of them responded."""
        lo, _ = SCALES[self.kind]
        size = self.frame.size
        self.frame += np.bincount(answers - lo, minlength=size)
        self.answered += np.bincount(answers[responded] - lo, minlength=size)
        self.invited += int(invited.sum())

    def close(self, day: int) -> dict[str, Any]:
        """The wave's result: measured score with its interval, true score, bias."""
        measured, ci = score(self.answered, self.kind)
        true, _ = score(self.frame, self.kind)
        responses = int(self.answered.sum())
        return {
            "kind": self.kind,
            "day": day,
            "frame": int(self.frame.sum()),
            "invited": self.invited,
            "responses": responses,
            "response_rate": responses / self.invited if self.invited else float("nan"),
            "measured": measured,
            "ci": ci,
            "true": true,
            "bias": measured - true,
            "cost": self.cost,
        }

    def snapshot(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "kind": self.kind,
            "frame": self.frame.copy(),
            "answered": self.answered.copy(),
            "invited": self.invited,
            "cost": self.cost,
        }
