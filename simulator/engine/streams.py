"""Named random substreams derived from one run seed.

Every mechanism draws from its own stream, keyed by name and day, so that switching a
mechanism or a strategy off does not shift the draws of another (common random numbers
for paired strategy comparisons; after vivarium ``framework/randomness/stream.py``).

Two kinds of draw: :meth:`Streams.get` gives a numpy ``Generator`` (for gamma, normal
and other distributions), and :meth:`Streams.key` a 64-bit key from which the kernels
compute customer i's uniform as a pure function of (key, i) (counter-based, SplitMix64;
Steele, Lea & Flood 2014). Counter-based draws cost nothing for customers a rule does
not concern, and a customer's draw does not depend on who else drew.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from simulator.kernels.uniforms import uniforms_at


def _key(name: str) -> int:
    # crc32 is stable across processes and Python versions, unlike hash().
    return zlib.crc32(name.encode("utf-8"))


_MASK = (1 << 64) - 1


def _mix64(z: int) -> int:
    # SplitMix64's finaliser (Steele, Lea & Flood 2014): a bijection that scatters
    # neighbouring days to unrelated 64-bit keys.
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


class _Seeding(np.random.SeedSequence):
    """A ``SeedSequence`` that keeps the four words it seeds PCG64 with.

    Hashing the entropy pool costs about 20 microseconds, and a stream's generator is
    made several times a day; the kept words seed PCG64 in the very same state.
    """

    def __init__(self, entropy: int, spawn_key: tuple[int, ...]) -> None:
        super().__init__(entropy=entropy, spawn_key=spawn_key)
        self._pcg64_words = super().generate_state(4, np.uint64)

    def generate_state(self, n_words: int, dtype: Any = np.uint32) -> np.ndarray:
        if n_words == 4 and dtype is np.uint64:
            return self._pcg64_words.copy()
        return super().generate_state(n_words, dtype)


class Streams:
    """Factory of independent generators, one per (name, day).

    Each name has its own ``SeedSequence`` spawned from the run seed. Day ``d`` of a
    name is block ``d + 1`` of 2^64 draws of that name's PCG64 stream (``advance`` is
    cheap and blocks never overlap in the 2^128 period), so a day's generator costs
    a few microseconds, not a fresh seeding (the seeding words of each name are kept).

    Parameters
    ----------
    seed
        The run seed (the same integer the Mesa model is seeded with).
    """

    def __init__(self, seed: int) -> None:
        self.seed = int(seed)
        self._sequences: dict[str, np.random.SeedSequence] = {}
        self._bases: dict[str, int] = {}
        self._part = ""

    @contextmanager
    def part(self, label: str) -> Iterator[None]:
        """Draws made inside come from streams of their own, ``name@label``.

        For a group that runs a mechanism a second time on the same day (the trial
        purchases of a cohort's entrants, beside the day's regular visits): without it
        both would open the same (name, day) streams and consume the same sequence.
        """
        before, self._part = self._part, f"@{label}"
        try:
            yield
        finally:
            self._part = before

    def _sequence(self, name: str) -> np.random.SeedSequence:
        seq = self._sequences.get(name)
        if seq is None:
            seq = _Seeding(self.seed, (_key(name),))
            self._sequences[name] = seq
        return seq

    def get(self, name: str, day: int | None = None) -> np.random.Generator:
        """Return the generator for stream ``name`` (on ``day``, if given).

        The same (seed, name, day) always gives the same generator state, whatever
        else was drawn before: that is what keeps strategies' luck aligned.
        """
        bits = np.random.PCG64(self._sequence(name + self._part))
        if day is not None:
            bits.advance((int(day) + 1) << 64)
        return np.random.Generator(bits)

    def key(self, name: str, day: int | None = None) -> np.uint64:
        """The 64-bit key of stream ``name`` (on ``day``) for counter-based uniforms.

        Kernels turn (key, customer) into that customer's uniform
        (:func:`simulator.kernels.uniforms.counter_uniform`), so a full-population draw
        costs nothing for the customers a rule does not concern.
        """
        name += self._part
        base = self._bases.get(name)
        if base is None:
            base = int(self._sequence(name).generate_state(1, np.uint64)[0])
            self._bases[name] = base
        if day is None:
            return np.uint64(base)
        return np.uint64(_mix64((base + (int(day) + 1) * 0x9E3779B97F4A7C15) & _MASK))

    def uniforms(self, name: str, day: int | None, rows: np.ndarray) -> np.ndarray:
        """Counter-based uniforms (float32) of customers ``rows`` in stream ``name``."""
        return uniforms_at(self.key(name, day), np.asarray(rows, dtype=np.int64))
