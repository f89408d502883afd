"""The defection and win-back hazards (MODEL.md 3.4-3.5).

Defection depends non-linearly on satisfaction (the zones of Heskett et al. 1994),
steepened by competitive intensity (Jones & Sasser 1995), damped by switching costs
(Burnham, Frels & Mahajan 2003) and by membership (Bolton, Kannan & Bramlett 2000).
"""

from __future__ import annotations

import numpy as np


def perceived_satisfaction(s: np.ndarray, member: np.ndarray, discount: float = 0.3) -> np.ndarray:
    """Members discount bad experiences: ``S' = S + discount * max(0, 7 - S)``.

    References
    ----------
    Bolton, R. N., Kannan, P. K., & Bramlett, M. D. (2000). Implications of loyalty
    program membership and service experiences for customer retention and value.
    Journal of the Academy of Marketing Science, 28(1), 95-108.
    """
    return np.where(member, s + discount * np.maximum(0.0, 7.0 - s), s)


def switching_cost(
    tenure_days: np.ndarray,
    financial: np.ndarray | float = 0.0,
    *,
    procedural: float = 0.3,
    relational_max: float = 0.5,
) -> np.ndarray:
    """Procedural + financial + relational switching cost (utils).

    References
    ----------
    Burnham, T. A., Frels, J. K., & Mahajan, V. (2003). Consumer switching costs: A
    typology, antecedents, and consequences. JAMS, 31(2), 109-126.
    """
    relational = relational_max * -np.expm1(-np.maximum(tenure_days, 0) / 365.0)
    return procedural + financial + relational


def defection_hazard(
    s_perceived: np.ndarray,
    switching: np.ndarray,
    *,
    h_min: float,
    h_max: float,
    k_s: float,
    s50: float,
    intensity: float,
    kappa: float = 1.0,
    multiplier: np.ndarray | float = 1.0,
    referral_factor: np.ndarray | float = 1.0,
    extra: np.ndarray | float = 0.0,
) -> np.ndarray:
    """Daily defection hazard.

    ``h = [h_min + C h_max / (1 + exp(k_S (S' - S50)))] exp(-kappa SC) * multiplier *
    referral_factor + extra``.

    References
    ----------
    Heskett, J. L., et al. (1994). Putting the service-profit chain to work. HBR 72(2).
    Jones, T. O., & Sasser, W. E. (1995). Why satisfied customers defect. HBR 73(6).
    """
    logistic = h_max / (1.0 + np.exp(k_s * (s_perceived - s50)))
    base = h_min + intensity * logistic
    return base * np.exp(-kappa * switching) * multiplier * referral_factor + extra


def winback_hazard(
    s: np.ndarray,
    offer_share_of_basket: np.ndarray | float,
    *,
    base: float = 0.0005,
    weight: float = 5.0,
    min_satisfaction: float = 3.0,
) -> np.ndarray:
    """Lapsed -> active hazard ``base * exp(weight * offer / basket)`` while S > min."""
    return np.where(s > min_satisfaction, base * np.exp(weight * offer_share_of_basket), 0.0)


def hazard_to_probability(h: np.ndarray) -> np.ndarray:
    """Daily event probability of a constant hazard ``h`` per day."""
    return -np.expm1(-h)
