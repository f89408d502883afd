"""Stylized facts of docs/model.md §9 that the engine must reproduce (1, 3).

Facts 2 (asymmetry) and 7 (customer value arithmetic) are pure-function tests in
test_mechanisms.py and clv/test_value.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from simulator.clv import fit_bgnbd, rfm_summary
from simulator.config.loading import load_yaml
from simulator.experiment.run import build_model, run

from .conftest import SCENARIOS


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_fact_1_nested_bgnbd(seed):
    """CDNOW preset, behaviour off: repeat share, BG/NBD recovery, mean spend."""
    res = run(load_yaml(SCENARIOS / "cdnow_baseline.yaml"), seed=seed, transactions=True)
    tx = res.transactions
    assert tx["customer_id"].nunique() == 2357
    first = tx.groupby("customer_id")["day"].min()
    assert first.max() <= 84
    repeaters = tx.groupby("customer_id")["day"].nunique() > 1
    assert repeaters.mean() == pytest.approx(0.40, abs=0.03)
    rfm = rfm_summary(
        tx["customer_id"].to_numpy(),
        tx["day"].to_numpy(),
        tx["spend"].to_numpy(),
        observation_end=273,
        time_unit=7.0,
    )
    fit = fit_bgnbd(rfm["frequency"].to_numpy(), rfm["recency"].to_numpy(), rfm["T"].to_numpy())
    assert 0.21 <= fit["r"] <= 0.28
    assert 3.4 <= fit["alpha"] <= 5.7
    assert tx["spend"].mean() == pytest.approx(35.2, abs=2.0)


def _retention_by_ltr(intensity: float, fierce: bool, seed: int) -> tuple[float, float]:
    sc = load_yaml(SCENARIOS / "coffee_chain.yaml")
    sc["market"]["competitive_intensity"] = intensity
    if fierce:
        sc["market"]["defection"] = {"h_max": 0.015, "k_s": 4.0, "s50": 7.75}
    sc["market"]["initial"] = {"active": 1.0, "lapsed": 0.0}
    for seg in sc["market"]["segments"]:
        seg["dropout"] = {"a": 1.0, "b": 1e8}  # no category exits: defection alone
    sc["modules"] = {"winback": False, "acquisition": False}
    sc["schedule"] = []
    sc["run"] = {"customers": 12_000, "days": 548, "seed": seed}
    model, _ = build_model(sc, seed=seed)
    ltr0 = np.clip(np.rint(model.pop.satisfaction), 0, 10)
    for _ in range(548):
        model.step()
    kept = model.pop.relationship == 1
    promoters = kept[ltr0 >= 9].mean()
    passives = kept[(ltr0 >= 7) & (ltr0 <= 8)].mean()
    return promoters, passives


@pytest.mark.slow
def test_fact_3_satisfied_customers_defect_in_a_fierce_market():
    """Retention rises with S; promoters keep >= 2x passives' retention only when fierce."""
    pro, pas = _retention_by_ltr(1.0, fierce=True, seed=11)
    assert pro > pas
    print(f"fierce: promoters {pro:.3f} passives {pas:.3f} ratio {pro / pas:.2f}")
    assert pro / pas >= 2.0
    pro_q, pas_q = _retention_by_ltr(0.1, fierce=False, seed=11)
    print(f"quiet: promoters {pro_q:.3f} passives {pas_q:.3f} ratio {pro_q / pas_q:.2f}")
    assert pro_q / pas_q < 1.5
