"""Stylized fact 12: no drift without an intervention (docs/model.md §9).

The baseline of every shipped scenario, after the warm-up, with no scheduled change,
averaged over 5 replications: the mean of each headline KPI in the second half of the
reported window is close to the first half: NPS within 3 points, mean S within 1%,
active customers within 5%, positive:negative word-of-mouth and monthly defection
within 10%. ``cdnow_baseline`` is a closed cohort observed from its first purchase
(fact 1): it has no warm-up and decays by design, so it is not part of this fact.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulator.config.loading import load_yaml
from simulator.experiment.run import run

from ..conftest import SCENARIOS, shipped_scenarios

SEEDS = (1, 2, 3, 4, 5)
STATIONARY = [p for p in shipped_scenarios() if p.stem != "cdnow_baseline"]


def baseline(name: str) -> dict:
    """The scenario with no strategy, no scheduled change and no rival offer."""
    sc = load_yaml(SCENARIOS / f"{name}.yaml")
    sc.pop("strategies", None)
    sc["schedule"] = []
    for comp in sc.get("market", {}).get("competitors", []):
        comp.pop("offers", None)
    prog = (sc.get("firm") or {}).get("programme")
    if prog:
        prog.pop("campaigns", None)
    return sc


def halves(name: str) -> dict[str, tuple[float, float]]:
    first, second = [], []
    for seed in SEEDS:
        res = run(baseline(name), seed=seed, overrides={"run.customers": 20_000})
        m = res.metrics
        tot = m[(m["segment"] == "") & (m["tier"] == "")]
        wide = tot.pivot_table(index="day", columns="metric", values="value").loc[1:]
        mid = len(wide) // 2
        for part, out in ((wide.iloc[:mid], first), (wide.iloc[mid:], second)):
            out.append(
                {
                    "nps": part["nps"].mean(),
                    "satisfaction": part["satisfaction_mean"].mean(),
                    "active": part["customers_active"].mean(),
                    "wom_ratio": part["wom_positive"].sum() / part["wom_negative"].sum(),
                    # Monthly defection: defections per active customer, per 30 days.
                    "defection": 30 * part["defected"].sum() / part["customers_active"].sum(),
                }
            )
    a, b = pd.DataFrame(first).mean(), pd.DataFrame(second).mean()
    return {k: (float(a[k]), float(b[k])) for k in a.index}


@pytest.mark.slow
@pytest.mark.parametrize("path", STATIONARY, ids=lambda p: p.stem)
def test_the_baseline_does_not_drift(path):
    h = halves(path.stem)
    print(path.stem, {k: (round(a, 4), round(b, 4)) for k, (a, b) in h.items()})
    assert abs(h["nps"][1] - h["nps"][0]) <= 3.0
    for key, tol in (("satisfaction", 0.01), ("active", 0.05), ("wom_ratio", 0.10),
                     ("defection", 0.10)):  # fmt: skip
        a, b = h[key]
        assert abs(b / a - 1) <= tol, (key, a, b)
    assert np.isfinite(list(h.values())).all()
