"""Why a customer left: each defection records one reason (docs/model.md §11.3).

A defection's hazard has parts (§3.4): a floor that does not depend on satisfaction,
the satisfaction-driven part, and a competitor's offer. The recorded reason is drawn in
proportion to the parts at the day of defection: the floor is read as moving away
(involuntary switching), the satisfaction part as dissatisfaction, or as a service
failure when the customer suffered one or an unresolved complaint recently, and the
offer part as a competitor's offer. Leaving the category (BG/NBD dropout) is its own
reason. The firm is assumed to learn the reason, as from an exit survey [A].

References
----------
Keaveney, S. M. (1995). Customer switching behavior in service industries: An
exploratory study. Journal of Marketing, 59(2), 71-82 (core service failures, pricing,
competition and involuntary switching such as moving among the reasons).
Kumar, V., Bhagwat, Y., & Zhang, X. (2015). Regaining "lost" customers: The predictive
power of first-lifecycle behavior, the reason for defection, and the nature of the
win-back offer. Journal of Marketing, 79(4), 34-55.
"""

from __future__ import annotations

import numpy as np

from simulator.config.members import REASONS

DISSATISFACTION, COMPETITOR, SERVICE_FAILURE, LEFT_CATEGORY, MOVED_AWAY = range(len(REASONS))


def draw_reasons(
    floor: np.ndarray,
    satisfaction_part: np.ndarray,
    offer_part: np.ndarray,
    recent_failure: np.ndarray,
    u: np.ndarray,
) -> np.ndarray:
    """Reason code of each defection, drawn in proportion to the hazard's parts."""
    total = np.maximum(floor + satisfaction_part + offer_part, 1e-300)
    x = u * total
    out = np.where(recent_failure, SERVICE_FAILURE, DISSATISFACTION).astype(np.int8)
    out[x < floor] = MOVED_AWAY
    out[x >= floor + satisfaction_part] = COMPETITOR
    # An offer part of zero can never be drawn (x < total always holds).
    return out
