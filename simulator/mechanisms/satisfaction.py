"""Satisfaction as a stock fed by disconfirmation of expectations.

Transaction satisfaction combines experienced quality with quality and price
disconfirmation passed through the prospect-theory value function, so losses weigh
about twice gains and sensitivity diminishes; cumulative satisfaction, expectations and
the reference price adapt (MODEL.md 3.3).
"""

from __future__ import annotations

import numpy as np


def value_function(
    x: np.ndarray, loss_aversion: float = 2.25, curvature: float = 0.88
) -> np.ndarray:
    """Prospect-theory value: ``x**c`` for gains, ``-lambda * (-x)**c`` for losses.

    References
    ----------
    Tversky, A., & Kahneman, D. (1992). Advances in prospect theory: Cumulative
    representation of uncertainty. Journal of Risk and Uncertainty, 5(4), 297-323.
    """
    x = np.asarray(x, dtype=np.float64)
    mag = np.abs(x) ** curvature
    return np.where(x >= 0, mag, -loss_aversion * mag)


def experienced_quality(
    base: float | np.ndarray,
    match: np.ndarray,
    uplift: np.ndarray | float,
    noise: np.ndarray,
    failed: np.ndarray,
    failure_size: float,
) -> np.ndarray:
    """``q = Q_f + match + uplift + noise - failure_size * failed``.

    The persistent ``match`` keeps customers apart: without it the stock S would
    average the noise away and no one would sit in the defection or affection zones.
    """
    return base + match + uplift + noise - failure_size * failed


def transaction_satisfaction(
    quality: np.ndarray,
    expectation: np.ndarray,
    ref_price: np.ndarray,
    price_paid: np.ndarray,
    *,
    b_quality: float = 0.5,
    b_price: float = 0.3,
    loss_aversion: float = 2.25,
    curvature: float = 0.88,
) -> np.ndarray:
    """``s = clip(q + b_Q v(q - E) + b_P v(10 (ref - p)/ref), 0, 10)``.

    References
    ----------
    Oliver, R. L. (1980). A cognitive model of the antecedents and consequences of
    satisfaction decisions. Journal of Marketing Research, 17(4), 460-469.
    Anderson, E. W., & Sullivan, M. W. (1993). The antecedents and consequences of
    customer satisfaction for firms. Marketing Science, 12(2), 125-143.
    Mittal, V., Ross, W. T., & Baldasare, P. M. (1998). The asymmetric impact of negative
    and positive attribute-level performance. Journal of Marketing, 62(1), 33-47.
    """
    d_q = quality - expectation
    d_p = (ref_price - price_paid) / np.maximum(ref_price, 1e-9)
    s = (
        quality
        + b_quality * value_function(d_q, loss_aversion, curvature)
        + b_price * value_function(10.0 * d_p, loss_aversion, curvature)
    )
    return np.clip(s, 0.0, 10.0)


def smooth(stock: np.ndarray, target: np.ndarray, weight: float) -> np.ndarray:
    """Exponential smoothing ``stock + weight * (target - stock)``.

    Used for cumulative satisfaction (weight omega), adaptive expectations (eta) and the
    reference price (eta_P); Johnson, Anderson & Fornell (1995).
    """
    return stock + weight * (target - stock)
