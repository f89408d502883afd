"""Stylized fact 3: satisfied customers defect, in a fierce market (docs/model.md §9).

Retention rises with S. In the fierce-market preset (S50 = 8.5, k_S 4, h_max 0.015,
C = 1), the 18-month retention against defection of customers with LTR 9-10 is at least
twice that of LTR 7-8; at C = 0.1 the ratio is below 1.5 (Jones & Sasser 1995). Measured
as written: after the warm-up, customers active when the reported window opens are
classed by a likelihood to recommend drawn as in §3.6 (LTR = round(S + N(0, 0.7))), and
retention against defection is the share who have not defected 548 days later, with
category exits, win-back and acquisition off so that defection alone acts.
"""

from __future__ import annotations

import numpy as np
import pytest

from simulator.engine.state import ACTIVE
from simulator.experiment.run import build_model

from .presets import FIERCE, cafe

DAYS = 548


def retention_by_ltr(intensity: float, *, fierce: bool, seed: int) -> tuple[float, float]:
    """18-month retention against defection of LTR 9-10 and of LTR 7-8."""
    sc = cafe(customers=12_000, days=DAYS)
    sc["market"]["competitive_intensity"] = intensity
    if fierce:
        sc["market"]["defection"] = dict(FIERCE)
    for seg in sc["market"]["segments"]:
        seg["dropout"] = {"a": 1.0, "b": 1e8}  # no category exits: defection alone
    sc["modules"] = {"winback": False, "acquisition": False}
    model, _ = build_model(sc, seed=seed)
    p = model.pop
    noise = model.config.market.word_of_mouth.ltr_noise
    rng = np.random.default_rng(seed)
    ltr = np.clip(np.rint(p.satisfaction + noise * rng.standard_normal(p.n)), 0, 10)
    cohort = p.alive & (p.relationship == ACTIVE)
    for _ in range(DAYS):
        model.step()
    kept = p.relationship == ACTIVE
    promoters = kept[cohort & (ltr >= 9)].mean()
    passives = kept[cohort & (ltr >= 7) & (ltr <= 8)].mean()
    return float(promoters), float(passives)


@pytest.mark.slow
def test_promoters_keep_twice_the_passives_retention_only_when_fierce():
    pro, pas = retention_by_ltr(1.0, fierce=True, seed=11)
    print(f"fierce: LTR 9-10 {pro:.3f}, LTR 7-8 {pas:.3f}, ratio {pro / pas:.2f}")
    assert pro > pas
    assert pro / pas >= 2.0
    pro_q, pas_q = retention_by_ltr(0.1, fierce=False, seed=11)
    print(f"quiet: LTR 9-10 {pro_q:.3f}, LTR 7-8 {pas_q:.3f}, ratio {pro_q / pas_q:.2f}")
    assert pro_q / pas_q < 1.5
