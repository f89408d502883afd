"""Scenario discovery: a few readable rules for where a strategy fails.

PRIM (Friedman & Fisher 1999), as used for scenario discovery by Bryant & Lempert
(2010): start from the box holding every point, and repeatedly peel the slice (``alpha``
of the points in the box, at the low or high end of one parameter) whose removal
raises the share of failing points in the box the most, until the box holds too few
points. Of the boxes on that peeling trajectory, the one kept is the densest that
still covers at least ``min_coverage`` of all failures; restrictions that do not raise
its density are then dropped, so the rules stay few. Density is the share of the
box's points that fail, coverage the share of all failing points the box holds.

References
----------
Friedman, J. H., & Fisher, N. I. (1999). Bump hunting in high-dimensional data.
Statistics and Computing, 9(2), 123-143.
Bryant, B. P., & Lempert, R. J. (2010). Thinking inside the box: a participatory,
computer-assisted approach to scenario discovery. Technological Forecasting and Social
Change, 77(1), 34-49.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Box", "prim"]


@dataclass(frozen=True)
class Box:
    """A region of the uncertainty space: bounds per parameter, and how well it fits."""

    lows: dict[str, float]
    highs: dict[str, float]
    restricted: tuple[str, ...]
    density: float
    coverage: float
    points: int

    def rules(self, fmt: str = "{:.3g}") -> list[str]:
        """One readable condition per restricted parameter."""
        out = []
        for name in self.restricted:
            lo, hi = self.lows.get(name), self.highs.get(name)
            if lo is not None and hi is not None and lo == hi:
                out.append(f"{name} = {fmt.format(lo)}")
            elif lo is not None and hi is not None:
                out.append(f"{fmt.format(lo)} <= {name} <= {fmt.format(hi)}")
            elif lo is not None:
                out.append(f"{name} >= {fmt.format(lo)}")
            elif hi is not None:
                out.append(f"{name} <= {fmt.format(hi)}")
        return out


def _inside(x: np.ndarray, lows: np.ndarray, highs: np.ndarray) -> np.ndarray:
    return np.all((x >= lows) & (x <= highs), axis=1)


def _peeled(values: np.ndarray, side: str, alpha: float) -> np.ndarray:
    """Which points stay when the ``alpha`` slice at one end is peeled (ties go together)."""
    if side == "low":
        cut = float(np.quantile(values, alpha))
        gone = values < cut
        return ~(gone if gone.any() else values <= cut)
    cut = float(np.quantile(values, 1 - alpha))
    gone = values > cut
    return ~(gone if gone.any() else values >= cut)


def prim(
    x: np.ndarray,
    y: np.ndarray,
    names: list[str],
    *,
    alpha: float = 0.05,
    min_support: float = 0.05,
    min_coverage: float = 0.5,
) -> Box | None:
    """The box describing where ``y`` (True = fails) holds; None if nothing fails.

    Parameters
    ----------
    x
        Parameter values, one row per point.
    y
        Whether each point fails.
    names
        Parameter names, one per column of ``x``.
    alpha
        Share of the box's points peeled per step.
    min_support
        Stop peeling when the box holds fewer than this share of all points.
    min_coverage
        The chosen box covers at least this share of all failures.
    """
    y = np.asarray(y, dtype=bool)
    n, d = x.shape
    if n == 0 or not y.any():
        return None
    lows, highs = x.min(axis=0).astype(float), x.max(axis=0).astype(float)
    full_lows, full_highs = lows.copy(), highs.copy()
    trajectory = [(lows.copy(), highs.copy())]
    total_fail = int(y.sum())
    while True:
        inside = _inside(x, lows, highs)
        if inside.sum() <= max(2, min_support * n) or y[inside].all():
            break
        best: tuple[float, int, str, float] | None = None
        for j in range(d):
            values = x[inside, j]
            for side in ("low", "high"):
                keep = _peeled(values, side, alpha)
                if keep.all() or not keep.any():
                    continue
                density = float(y[inside][keep].mean())
                if best is None or density > best[0]:
                    bound = float(values[keep].min() if side == "low" else values[keep].max())
                    best = (density, j, side, bound)
        if best is None:
            break
        _, j, side, bound = best
        if side == "low":
            lows[j] = bound
        else:
            highs[j] = bound
        trajectory.append((lows.copy(), highs.copy()))

    def score(box: tuple[np.ndarray, np.ndarray]) -> tuple[float, float, int]:
        inside = _inside(x, *box)
        k = int(inside.sum())
        dens = float(y[inside].mean()) if k else 0.0
        cov = float(y[inside].sum()) / total_fail
        return dens, cov, k

    eligible = [b for b in trajectory if score(b)[1] >= min_coverage] or trajectory[:1]
    chosen_lows, chosen_highs = max(eligible, key=lambda b: score(b)[0])
    chosen_lows, chosen_highs = chosen_lows.copy(), chosen_highs.copy()
    # Drop restrictions that do not earn their place (a rule that changes nothing).
    for j in range(d):
        if chosen_lows[j] == full_lows[j] and chosen_highs[j] == full_highs[j]:
            continue
        trial_lows, trial_highs = chosen_lows.copy(), chosen_highs.copy()
        trial_lows[j], trial_highs[j] = full_lows[j], full_highs[j]
        if score((trial_lows, trial_highs))[0] >= score((chosen_lows, chosen_highs))[0] - 0.01:
            chosen_lows, chosen_highs = trial_lows, trial_highs
    density, coverage, points = score((chosen_lows, chosen_highs))
    restricted = tuple(
        names[j]
        for j in range(d)
        if chosen_lows[j] > full_lows[j] or chosen_highs[j] < full_highs[j]
    )
    return Box(
        lows={names[j]: float(chosen_lows[j]) for j in range(d) if chosen_lows[j] > full_lows[j]},
        highs={
            names[j]: float(chosen_highs[j]) for j in range(d) if chosen_highs[j] < full_highs[j]
        },
        restricted=restricted,
        density=density,
        coverage=coverage,
        points=points,
    )
