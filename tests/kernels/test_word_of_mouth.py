"""The talk kernel against the word-of-mouth rules (docs/model.md §3.6)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from simulator.engine.state import NEVER, PROSPECT
from simulator.kernels import word_of_mouth as kwom
from simulator.kernels.uniforms import uniforms_at
from simulator.market.network import build_network, random_neighbour, random_non_flag_neighbour
from simulator.mechanisms import word_of_mouth as wom


def test_talk_equals_the_word_of_mouth_mechanisms():
    rng = np.random.default_rng(3)
    n, day = 60_000, 100
    alive = rng.random(n) < 0.95
    last_focal = rng.integers(40, 101, n).astype(np.int16)
    angry_until = np.where(rng.random(n) < 0.05, 120, NEVER).astype(np.int16)
    sat = rng.uniform(0, 10, n).astype(np.float32)
    segment = rng.integers(0, 2, n).astype(np.int8)
    talkativeness = np.array([1.0, 1.6])
    rows = kwom.speakers(alive, last_focal, angry_until, day, 30)
    recent = last_focal >= day - 30
    angry = angry_until >= day
    assert rows.tolist() == np.flatnonzero(alive & (recent | angry)).tolist()

    noise = (0.7 * rng.standard_normal(rows.size)).astype(np.float32)
    rates = dict(promoter_rate=0.3, passive_rate=0.1, passive_positive=0.6, detractor_rate=0.5)
    key = np.uint64(2024)
    # Halves where float32 and float64 sums round differently: S + noise = 8.5 exactly.
    sat[rows[:3]] = np.float32(8.25)
    noise[:3] = np.float32(0.25000003)
    by_class = np.zeros((3, 2))
    valence, ltr = kwom.talk(
        rows=rows,
        noise=noise,
        key=key,
        satisfaction=sat,
        segment=segment,
        talkativeness=talkativeness,
        last_focal_day=last_focal,
        negative_talk_until=angry_until,
        day=day,
        rates=kwom.TalkRates(30, *rates.values(), 0.4),
        by_class=by_class,
    )
    want_ltr = wom.likelihood_to_recommend(sat[rows], noise)
    assert want_ltr[:3].tolist() == [8, 8, 8]
    assert ltr.tolist() == want_ltr.tolist()
    u = [uniforms_at(key, 3 * rows + j) for j in range(3)]
    want = wom.talk(want_ltr, u[0], u[1], talkativeness=talkativeness[segment[rows]], **rates)
    want = np.where(angry[rows] & (want == 0) & (u[2] < 0.4), -1, want)
    assert valence.tolist() == want.tolist()
    assert (valence == 1).any() and (valence == -1).any() and (valence == 0).any()
    cls = np.where(want_ltr >= 9, 2, np.where(want_ltr <= 6, 0, 1))[recent[rows]]
    spoke = want[recent[rows]] != 0
    assert by_class[:, 1].tolist() == np.bincount(cls, minlength=3).tolist()
    assert by_class[:, 0].tolist() == np.bincount(cls[spoke], minlength=3).tolist()


def test_listen_equals_the_word_of_mouth_rule():
    """Same bytes in every column it writes, with listeners heard twice, prospects and
    customers mixed, and expectations outside 0-10 (and -0.0) for the clip."""
    rng = np.random.default_rng(8)
    n, m, day = 5_000, 3_000, 200
    state = {
        "relationship": rng.integers(0, 3, n).astype(np.int8),
        "alive": rng.random(n) < 0.9,
        "aware": rng.random((n, 3)) < 0.5,
        "blocked_until": rng.integers(150, 250, n).astype(np.int16),
        "source": rng.integers(0, 4, n).astype(np.int8),
        "expectation": rng.uniform(-1.0, 11.0, (n, 3)).astype(np.float32),
        "satisfaction": rng.uniform(0.0, 10.0, n).astype(np.float32),
        "wom": rng.normal(0.0, 2.0, n).astype(np.float32),
    }
    state["expectation"][:5, 0] = np.float32(-0.0)
    state["expectation"][5, 0] = np.float32(np.nan)
    listeners = rng.integers(0, n // 4, m)  # many listeners hear twice or more
    messages = {
        "listeners": listeners,
        "speakers": rng.integers(0, n, m),
        "valence": rng.choice(np.array([-1, 1], np.int8), m),
        "strong": rng.random(m) < 0.4,
        "u": rng.random(m),
        "day": day,
    }
    params = kwom.Listening(
        adopt_strong=0.3,
        adopt_weak=0.1,
        block_probability=0.2,
        block_days=30,
        expectation_shift=0.05,
        negativity_weight=2.0,
        eta=0.15,
    )
    ours = {k: v.copy() for k, v in state.items()}
    ref = {k: v.copy() for k, v in state.items()}
    got = kwom.listen(**messages, **ours, params=params)
    want = wom.listen(**messages, **ref, params=params)
    assert got == want
    for name in state:
        assert ours[name].tobytes() == ref[name].tobytes(), name
    assert not np.array_equal(ours["expectation"], state["expectation"])
    assert (ours["aware"] != state["aware"]).any()
    assert (ours["blocked_until"] != state["blocked_until"]).any()


@pytest.mark.parametrize("kind", ["watts_strogatz", "barabasi_albert"])
def test_random_neighbour_kernel_equals_the_reference(kind):
    rng = np.random.default_rng(8)
    n = 5_000
    net = build_network(kind, n, rng)
    speakers = rng.integers(0, n, 700)  # repeats allowed
    want = random_neighbour(net, speakers, np.random.default_rng(1))
    got = wom._random_neighbour(net, speakers, np.random.default_rng(1))
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])
    assert got[1].any() and (got[0] >= 0).all()


@pytest.mark.parametrize("kind", ["watts_strogatz", "barabasi_albert", "fully_mixed"])
def test_referral_neighbour_kernel_equals_the_reference(kind):
    rng = np.random.default_rng(9)
    n = 5_000
    net = build_network(kind, n, rng)
    pop = SimpleNamespace(
        relationship=rng.integers(0, 3, n).astype(np.int8),
        alive=rng.random(n) < 0.9,
        aware=rng.random((n, 3)) < 0.7,
    )
    ctx = SimpleNamespace(pop=pop, network=net)
    referrers = rng.integers(0, n, 400)
    eligible = (pop.relationship == PROSPECT) & pop.alive & ~pop.aware[:, 0]
    want = random_non_flag_neighbour(net, referrers, eligible, np.random.default_rng(2))
    got = wom._random_unaware_prospect_neighbour(ctx, referrers, np.random.default_rng(2))
    np.testing.assert_array_equal(got, want)
    # Both outcomes occur on a network: referrers with and without an eligible neighbour.
    assert (got >= 0).any() and (net.fully_mixed or (got < 0).any())
    assert eligible[got[got >= 0]].all()
