"""Stylized fact 1: the BG/NBD process is nested inside (docs/model.md §9).

With behaviour off and the CDNOW preset: 2,357 customers whose first purchases are
spread over the first 12 weeks, observed to week 39: 40% +- 3 points repeat at least
once; a BG/NBD fit on the simulated log recovers r within [0.21, 0.28] and alpha within
[3.4, 5.7] weeks; mean spend per transaction is 35 +- 2. A cohort observed from its
first purchase: the scenario has no warm-up and a closed market (Fader, Hardie & Lee
2005).
"""

from __future__ import annotations

import pytest

from simulator.clv import fit_bgnbd, rfm_summary
from simulator.config.loading import load_yaml
from simulator.experiment.run import run

from ..conftest import SCENARIOS


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_behaviour_off_nests_bgnbd_on_cdnow(seed):
    res = run(load_yaml(SCENARIOS / "cdnow_baseline.yaml"), seed=seed, transactions=True)
    assert res.metadata["warmup_days"] == 0
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
    print(
        f"seed {seed}: {repeaters.mean():.1%} repeat; BG/NBD r {fit['r']:.3f}, "
        f"alpha {fit['alpha']:.2f} weeks; mean spend {tx['spend'].mean():.2f}"
    )
    assert 0.21 <= fit["r"] <= 0.28
    assert 3.4 <= fit["alpha"] <= 5.7
    assert tx["spend"].mean() == pytest.approx(35.2, abs=2.0)
