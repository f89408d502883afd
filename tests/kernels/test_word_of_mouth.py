"""The talk kernel against the word-of-mouth rules (docs/model.md §3.6)."""

from __future__ import annotations

import numpy as np

from simulator.engine.state import NEVER
from simulator.kernels import word_of_mouth as kwom
from simulator.kernels.uniforms import uniforms_at
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
