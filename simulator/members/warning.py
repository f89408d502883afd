"""The churn early warning: a score from observable data, and how it is scored against
what really happened next (docs/model.md §11.3).

Scores (higher = riskier): recency in units of the customer's own usual gap between
purchases; the drop of the recent purchase rate below the usual one; recent and
unresolved complaints; a low NPS answer (respondents only); or a weighted combination.
The scorecard keeps, at each checkpoint, histograms of the score of customers who
defected within the horizon and of those who did not, so precision, recall and AUC
come out without keeping any customer list.

References
----------
Neslin, S. A., Gupta, S., Kamakura, W., Lu, J., & Mason, C. H. (2006). Defection
detection: Measuring and understanding the predictive accuracy of customer churn
models. Journal of Marketing Research, 43(2), 204-211.
Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). RFM and CLV: Using iso-value curves
for customer base analysis. Journal of Marketing Research, 42(4), 415-430.
Ascarza, E., et al. (2018). In pursuit of enhanced customer retention management.
Customer Needs and Solutions, 5(1), 65-81.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

BINS = 1001  # scores 0-10 in steps of 0.01
TOP = 10.0
# Thresholds at which summary.json gives precision and recall (the report's trade-off
# chart reads them: the summary's records do not reach a comparison).
CURVE = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0, 1.5, 2.0, 3.0)


def curve_key(threshold: float) -> str:
    """The summary key suffix of a curve threshold: 0.5 -> '0p50'."""
    return f"{threshold:.2f}".replace(".", "p")


def recency_score(recency: np.ndarray, usual_rate: np.ndarray) -> np.ndarray:
    """Days since the last purchase in units of the customer's usual gap."""
    return recency * np.maximum(usual_rate, 1e-6)


def frequency_drop_score(recent_rate: np.ndarray, usual_rate: np.ndarray) -> np.ndarray:
    """How far the recent purchase rate fell below the usual: 0 none, 1 stopped."""
    return np.clip(1.0 - recent_rate / np.maximum(usual_rate, 1e-9), 0.0, 1.0)


def complaint_score(complained: np.ndarray, unresolved: np.ndarray) -> np.ndarray:
    """1 for a recent complaint, 2 more if the desk did not resolve it."""
    return complained.astype(np.float64) + 2.0 * unresolved


def survey_score(answer: np.ndarray, recent: np.ndarray) -> np.ndarray:
    """A recent NPS answer's distance from 10, on 0-1; 0 for non-respondents."""
    return np.where(recent & (answer >= 0), (10.0 - answer) / 10.0, 0.0)


def combined_score(
    recency: np.ndarray,
    drop: np.ndarray,
    complaints: np.ndarray,
    survey: np.ndarray,
    *,
    weights: tuple[float, float, float, float],
) -> np.ndarray:
    """Weighted sum of the four signals, each first put on 0-1 (recency saturates at
    three usual gaps, complaints at a recent unresolved one)."""
    w_r, w_f, w_c, w_s = weights
    return (
        w_r * np.minimum(recency / 3.0, 1.0)
        + w_f * drop
        + w_c * np.minimum(complaints / 3.0, 1.0)
        + w_s * survey
    )


def _bin(score: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(np.asarray(score) / TOP * (BINS - 1)), 0, BINS - 1).astype(np.int64)


def auc(pos: np.ndarray, neg: np.ndarray) -> float:
    """Area under the ROC curve from score histograms (ties count one half):
    the chance a random defector scores above a random stayer."""
    n_pos, n_neg = pos.sum(), neg.sum()
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    neg_below = np.cumsum(neg) - neg
    return float((pos * (neg_below + 0.5 * neg)).sum() / (n_pos * n_neg))


def precision_recall(pos: np.ndarray, neg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Precision and recall of "flag at or above bin b", for every bin b."""
    tp = np.cumsum(pos[::-1])[::-1].astype(np.float64)
    fp = np.cumsum(neg[::-1])[::-1].astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = tp / (tp + fp)
    recall = tp / max(pos.sum(), 1.0)
    return precision, recall


@dataclass
class Scorecard:
    """Checkpoints awaiting their outcome, and the pooled histograms of closed ones.

    Each checkpoint keeps the scored customers and the bins of their rule and oracle
    scores until its horizon has passed; then who defected meanwhile is known.
    """

    pending: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)
    pos: np.ndarray = field(default_factory=lambda: np.zeros(BINS))
    neg: np.ndarray = field(default_factory=lambda: np.zeros(BINS))
    oracle_pos: np.ndarray = field(default_factory=lambda: np.zeros(BINS))
    oracle_neg: np.ndarray = field(default_factory=lambda: np.zeros(BINS))

    def open(self, day: int, rows: np.ndarray, rule: np.ndarray, oracle: np.ndarray) -> None:
        """A checkpoint on ``day``: ``rows`` scored by the rule and by the oracle."""
        self.pending.append((day, rows, _bin(rule), _bin(oracle)))

    def close_due(self, day: int, horizon: int, lost_day: np.ndarray) -> None:
        """Close checkpoints whose horizon ended: defected = lost in (t, t + horizon]."""
        keep = []
        for t, rows, rule, oracle in self.pending:
            if day < t + horizon:
                keep.append((t, rows, rule, oracle))
                continue
            lost = lost_day[rows].astype(np.int64)
            out = (lost > t) & (lost <= t + horizon)
            self.pos += np.bincount(rule[out], minlength=BINS)
            self.neg += np.bincount(rule[~out], minlength=BINS)
            self.oracle_pos += np.bincount(oracle[out], minlength=BINS)
            self.oracle_neg += np.bincount(oracle[~out], minlength=BINS)
        self.pending = keep

    def report(self, threshold: float) -> dict[str, Any]:
        """AUC of the rule and of the oracle; precision and recall at the threshold."""
        precision, recall = precision_recall(self.pos, self.neg)
        b = int(_bin(np.array([threshold]))[0])
        at = {}
        for x in CURVE:
            k = int(_bin(np.array([x]))[0])
            at[f"warning_precision_at_{curve_key(x)}"] = float(precision[k])
            at[f"warning_recall_at_{curve_key(x)}"] = float(recall[k])
        return at | {
            "warning_auc": auc(self.pos, self.neg),
            "warning_auc_oracle": auc(self.oracle_pos, self.oracle_neg),
            "warning_precision": float(precision[b]),
            "warning_recall": float(recall[b]),
            "warning_base_rate": float(self.pos.sum() / max(self.pos.sum() + self.neg.sum(), 1)),
            "warning_scored": int(self.pos.sum() + self.neg.sum()),
        }

    def curve(self, points: int = 50) -> list[dict[str, float]]:
        """The precision-recall trade-off at ``points`` thresholds (for the chart)."""
        precision, recall = precision_recall(self.pos, self.neg)
        out = []
        for b in np.unique(np.linspace(0, BINS - 1, points).astype(int)):
            if np.isfinite(precision[b]):
                out.append(
                    {
                        "threshold": b * TOP / (BINS - 1),
                        "precision": float(precision[b]),
                        "recall": float(recall[b]),
                    }
                )
        return out

    def snapshot(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "pending": [(t, r.copy(), a.copy(), b.copy()) for t, r, a, b in self.pending],
            "pos": self.pos.copy(),
            "neg": self.neg.copy(),
            "oracle_pos": self.oracle_pos.copy(),
            "oracle_neg": self.oracle_neg.copy(),
        }

    @classmethod
    def from_snapshot(cls, data: dict[str, Any]) -> Scorecard:
        """The inverse of :meth:`snapshot`."""
        return cls(
            pending=[(t, np.array(r), np.array(a), np.array(b)) for t, r, a, b in data["pending"]],
            pos=np.array(data["pos"]),
            neg=np.array(data["neg"]),
            oracle_pos=np.array(data["oracle_pos"]),
            oracle_neg=np.array(data["oracle_neg"]),
        )
