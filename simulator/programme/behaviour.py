"""Points for behaviour, not only for spend, and the cheating they invite
(docs/model.md §11.4).

Members write reviews, share on social media, make suggestions, check in and refer
friends at a base rate that rises with their satisfaction and with the value of the
points on offer [A]. Some members game the rules (fake reviews, self-referrals,
duplicate accounts): the share who cheat rises with the expected gain of a fake action,
which policing lowers (the economics of crime). A detection rule catches fake actions
at a rate, flags honest ones at a false-positive rate, and deducts the points or cancels
the membership.

References
----------
Burtch, G., Hong, Y., Bapna, R., & Griskevicius, V. (2018). Stimulating online reviews
by combining financial incentives and social norms. Management Science, 64(5),
2065-2082 (paid reviews rise with the incentive).
Luca, M., & Zervas, G. (2016). Fake it till you make it: Reputation, competition, and
Yelp review fraud. Management Science, 62(12), 3412-3427 (about 16% of reviews filtered
as suspicious; fraud rises with the incentive to cheat).
Becker, G. S. (1968). Crime and punishment: An economic approach. Journal of Political
Economy, 76(2), 169-217.
Goldenberg, J., Libai, B., & Muller, E. (2001). Talk of the network: A complex systems
look at the underlying process of word-of-mouth. Marketing Letters, 12(3), 211-223
(weak ties spread information broadly).
"""

from __future__ import annotations

import numpy as np

# A cancelled membership forfeits the balance: worth about this many fake actions [A].
CANCEL_LOSS_ACTIONS = 3.0


def action_rate(
    satisfaction: np.ndarray,
    *,
    base_rate: float,
    satisfaction_effect: float,
    points_effect: float,
    points_value: float,
) -> np.ndarray:
    """Actions per member-day: ``base exp(k_S (S - 7)) (1 + k_P value / 10)``."""
    return (
        base_rate
        * np.exp(satisfaction_effect * (satisfaction - 7.0))
        * (1.0 + points_effect * points_value / 10.0)
    )


def expected_gain(points_value: float, catch_rate: float, penalty: str, policed: bool) -> float:
    """Expected gain of one fake action, in currency: its points' value, less what a
    caught cheat loses (the points, or with cancellation the whole balance)."""
    if not policed:
        return points_value
    loss = 1.0 if penalty == "deduct" else 1.0 + CANCEL_LOSS_ACTIONS
    return max(points_value * (1.0 - catch_rate * loss), 0.0)


def cheating_share(gain: float, *, max_share: float, sensitivity: float) -> float:
    """Share of members who cheat: ``max_share (1 - exp(-sensitivity gain))``."""
    return float(max_share * -np.expm1(-sensitivity * max(gain, 0.0)))


def detect(
    fake: np.ndarray, u: np.ndarray, *, catch_rate: float, false_positive: float
) -> np.ndarray:
    """Which actions the policing flags: fake ones at the catch rate, honest ones at the
    false-positive rate."""
    return u < np.where(fake, catch_rate, false_positive)
