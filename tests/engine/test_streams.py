"""Named substreams (docs/model.md §5.3): a part of the day draws from streams of its own."""

from __future__ import annotations

import zlib

import numpy as np

from simulator.config.loading import load_yaml
from simulator.engine.streams import Streams
from simulator.experiment.run import build_model

from ..conftest import SCENARIOS


def test_a_part_has_streams_of_its_own_and_ends_with_its_block():
    s = Streams(7)
    plain = s.get("visit", 3).random(4)
    with s.part("cohort_trial"):
        inside = s.get("visit", 3).random(4)
        key_inside = s.key("visit", 3)
    assert not np.allclose(plain, inside)
    assert key_inside != s.key("visit", 3)
    np.testing.assert_array_equal(s.get("visit", 3).random(4), plain)
    with s.part("cohort_trial"):
        np.testing.assert_array_equal(s.get("visit", 3).random(4), inside)


def test_cohort_trials_do_not_reuse_the_regular_visits_draws(monkeypatch):
    """Entrants' trial baskets and the same day's regular baskets are not the same
    sequence of gamma draws (they were, before the trial purchases got their own part)."""
    model, _ = build_model(
        load_yaml(SCENARIOS / "cdnow_baseline.yaml"), overrides={"run.customers": 800}
    )
    from simulator.mechanisms import visit

    baskets: list[np.ndarray] = []
    real = visit.kernel.book_focal_visits

    def spy(rows, basket, *a, **k):
        # The unit-scale gamma draw behind each basket (one segment, one shape).
        scale = model.ctx.pop.spend_scale[rows] / model.ctx.focal.price
        baskets.append(np.asarray(basket) * scale)
        return real(rows, basket, *a, **k)

    monkeypatch.setattr(visit.kernel, "book_focal_visits", spy)
    pairs = 0
    for _ in range(30):
        baskets.clear()
        model.step()
        if len(baskets) == 2 and min(b.size for b in baskets) > 1:
            trial, regular = baskets
            n = min(trial.size, regular.size)
            # Drawn from one sequence, the first n unit draws would be equal.
            pairs += 1
            assert not np.allclose(trial[:n], regular[:n])
    assert pairs > 5


def test_a_days_generator_is_the_seeded_pcg64_advanced_to_its_block():
    """Keeping each name's seeding words changes no draw: the generator of (name, day)
    is the name's ``SeedSequence`` seeding PCG64, advanced to block ``day + 1``."""
    s = Streams(11)
    for name in ("visit", "word_of_mouth", "desk_service"):
        seq = np.random.SeedSequence(entropy=11, spawn_key=(zlib.crc32(name.encode()),))
        for day in (None, 0, 3, 400, 3):
            bits = np.random.PCG64(seq)
            if day is not None:
                bits.advance((day + 1) << 64)
            expected = np.random.Generator(bits)
            got = s.get(name, day)
            assert got.bit_generator.state == expected.bit_generator.state
            np.testing.assert_array_equal(got.random(5), expected.random(5))
