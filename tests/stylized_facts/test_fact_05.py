"""Stylized fact 5: Bass diffusion (docs/model.md §9; Bass 1969).

The acquisition-only model (satisfaction off, every adopter a recommender), fully
mixed, with p = 0.03 and q = 0.38 per year: half the market adopts at 6.55 +- 0.4 years,
the Bass model's own value. A diffusion from no adopter: no warm-up, a closed market.
"""

from __future__ import annotations

import numpy as np
import pytest

from simulator.experiment.run import run
from simulator.mechanisms.acquisition import bass_half_time

BEHAVIOUR_OFF = {
    "satisfaction": False,
    "defection": False,
    "winback": False,
    "programme": False,
    "competition": False,
    "complaints": False,
}


@pytest.mark.slow
def test_half_the_market_adopts_at_the_bass_half_time():
    sc = {
        "name": "diffusion",
        "market": {
            "segments": [{"name": "all", "share": 1.0, "dropout": {"a": 0.01, "b": 1e8}}],
            "initial": {"active": 0.0, "lapsed": 0.0},
            "network": {"kind": "fully_mixed"},
            "acquisition": {"p_ext": 0.03, "q_int": 0.38},
            "entry": {"mode": "none"},
            # Every adopter recommends (satisfaction off); no talk beyond the Bass term.
            "word_of_mouth": {
                "promoter_rate": 0,
                "passive_rate": 0,
                "detractor_rate": 0,
                "referral_rate": 0,
            },
        },
        "modules": BEHAVIOUR_OFF,
        "run": {"customers": 4000, "days": 3000, "warmup_days": 0},
    }
    halves = []
    for seed in (1, 2):
        active = run(sc, seed=seed).metric("customers_active")
        halves.append(active.index[np.argmax(active.to_numpy() >= 2000)] / 365.0)
    print(f"half the market adopts at {np.round(halves, 2)} years (Bass: 6.55)")
    assert bass_half_time(0.03, 0.38) == pytest.approx(6.55, abs=0.01)
    assert np.mean(halves) == pytest.approx(6.55, abs=0.4), halves
