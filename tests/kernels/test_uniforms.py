"""Counter-based uniforms (docs/model.md §5.3): SplitMix64 per customer."""

from __future__ import annotations

import numpy as np

from simulator.engine.streams import Streams
from simulator.kernels.uniforms import counter_uniform, uniforms_at

MASK = (1 << 64) - 1


def splitmix64(key: int, i: int) -> float:
    """SplitMix64 (Steele, Lea & Flood 2014) in plain Python: output i of a stream."""
    z = (key + (i + 1) * 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    z ^= z >> 31
    return (z >> 40) * 2.0**-24


def test_counter_uniforms_are_splitmix64_outputs():
    key = 0x0123456789ABCDEF
    rows = np.array([0, 1, 2, 999, 123_456, 10**9], dtype=np.int64)
    got = uniforms_at(np.uint64(key), rows)
    assert got.dtype == np.float32
    assert got.tolist() == [splitmix64(key, int(i)) for i in rows]
    assert counter_uniform(np.uint64(key), 999) == got[3]
    # A plain int key (compiled as int64) gives the same draws.
    assert uniforms_at(2024, rows).tolist() == [splitmix64(2024, int(i)) for i in rows]


def test_counter_uniforms_are_uniform_and_independent_of_who_else_draws():
    rows = np.arange(200_000, dtype=np.int64)
    u = Streams(5).uniforms("transition", 3, rows)
    assert 0.0 <= u.min() and u.max() < 1.0
    counts, _ = np.histogram(u, bins=20, range=(0.0, 1.0))
    # Chi-square with 19 df: the 0.9999 quantile is about 50.
    expected = rows.size / 20
    assert ((counts - expected) ** 2 / expected).sum() < 50
    assert abs(np.corrcoef(u[:-1], u[1:])[0, 1]) < 0.01
    # A customer's draw is the same whoever else draws: common random numbers.
    some = rows[::7]
    assert np.array_equal(Streams(5).uniforms("transition", 3, some), u[::7])
    # Days and names give different streams; the same (seed, name, day) the same bytes.
    s = Streams(5)
    assert s.key("transition", 3) == Streams(5).key("transition", 3)
    assert len({s.key("transition", 3), s.key("transition", 4), s.key("occasion", 3)}) == 3
    assert Streams(6).key("transition", 3) != s.key("transition", 3)
