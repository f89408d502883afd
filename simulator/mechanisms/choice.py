"""Store choice by multinomial logit (Guadagni & Little 1983).

Options are the firms (column 0 the focal firm) plus a last column for "buy nowhere",
whose utility is 0. Unconsidered options get probability 0.
"""

from __future__ import annotations

import numpy as np


def choice_probabilities(utility: np.ndarray, considered: np.ndarray) -> np.ndarray:
    """Logit probabilities over the considered options of each row.

    Parameters
    ----------
    utility
        (n, K) utilities; the last column is "buy nowhere".
    considered
        (n, K) boolean mask; the last column should be True.

    References
    ----------
    Guadagni, P. M., & Little, J. D. C. (1983). A logit model of brand choice calibrated
    on scanner data. Marketing Science, 2(3), 203-238.
    """
    u = np.where(considered, utility, -np.inf)
    u = u - u.max(axis=1, keepdims=True)
    e = np.exp(u)
    return e / e.sum(axis=1, keepdims=True)


def sample_choice(probabilities: np.ndarray, uniform: np.ndarray) -> np.ndarray:
    """Inverse-CDF draw of one option per row from one uniform per row."""
    cdf = np.cumsum(probabilities, axis=1)
    # Guard against cdf[-1] = 1 - eps: a uniform above it must still pick the last option.
    idx = (uniform[:, None] >= cdf).sum(axis=1)
    return np.minimum(idx, probabilities.shape[1] - 1).astype(np.int8)


def choose(utility: np.ndarray, considered: np.ndarray, uniform: np.ndarray) -> np.ndarray:
    """Draw one option per row from firm utilities plus "buy nowhere" (utility 0).

    Equivalent to :func:`sample_choice` on :func:`choice_probabilities` with a last
    column of zeros, without forming the normalised matrix: the inverse CDF is read
    off the cumulative unnormalised weights (utilities are small, so ``exp`` cannot
    overflow). Returns the firm index, or ``J`` for "nowhere".
    """
    weights = np.exp(utility) * considered
    cdf = np.cumsum(weights, axis=1)
    total = cdf[:, -1] + 1.0  # exp(0) for buying nowhere
    idx = ((uniform * total)[:, None] >= cdf).sum(axis=1)
    return idx.astype(np.int8)


def update_habit(habit: np.ndarray, chosen: np.ndarray, smoothing: float) -> np.ndarray:
    """Exponentially smoothed choice history ``L <- s*L + (1-s)*1[chose j]``.

    Rows that chose "buy nowhere" (``chosen >= habit.shape[1]``) only decay.
    Guadagni & Little (1983) estimate s = 0.875.
    """
    out = habit * np.float32(smoothing)
    rows = np.flatnonzero(chosen < habit.shape[1])
    out[rows, chosen[rows]] += np.float32(1.0 - smoothing)
    return out


def price_term(
    price: np.ndarray, offer: np.ndarray, reward_rate: np.ndarray, psi: np.ndarray | float
) -> np.ndarray:
    """``ln(price * (1 - offer) * (1 - psi * reward_rate))``: the programme as a price cut."""
    eff = price * (1.0 - offer) * (1.0 - psi * reward_rate)
    return np.log(np.maximum(eff, 1e-6))


def calibrate_constants(
    base_utility: np.ndarray,
    considered: np.ndarray,
    target_shares: np.ndarray,
    skip_share: float,
    iterations: int = 200,
    tol: float = 1e-7,
) -> np.ndarray:
    """Alternative-specific constants that reproduce baseline shares (Berry's contraction).

    Parameters
    ----------
    base_utility
        (n, J) utilities of the firms without constants, for a sample of customers who
        know every firm.
    considered
        (n, J) mask (normally all True for the calibration sample).
    target_shares
        (J,) shares of purchases among firms; they sum to 1.
    skip_share
        Share of occasions spent nowhere; its utility is 0.

    Returns
    -------
    (J,) constants such that the sample's mean choice probabilities equal
    ``(1 - skip_share) * target_shares`` for the firms and ``skip_share`` for nowhere.

    References
    ----------
    Berry, S. (1994). Estimating discrete-choice models of product differentiation.
    RAND Journal of Economics, 25(2), 242-262.
    """
    n, j = base_utility.shape
    target = np.append((1.0 - skip_share) * np.asarray(target_shares, float), skip_share)
    asc = np.log(np.maximum(target[:j], 1e-12) / skip_share) - base_utility.mean(axis=0)
    cons = np.concatenate([considered, np.ones((n, 1), bool)], axis=1)
    for _ in range(iterations):
        u = np.concatenate([base_utility + asc, np.zeros((n, 1))], axis=1)
        achieved = choice_probabilities(u, cons).mean(axis=0)
        # Shares relative to "nowhere" fix the level as well as the split among firms.
        step = np.log(target[:j] / target[j]) - np.log(achieved[:j] / achieved[j])
        asc = asc + step
        if np.max(np.abs(step)) < tol:
            break
    return asc
