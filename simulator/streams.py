"""Named random substreams derived from one run seed.

Every mechanism draws from its own stream, keyed by name and day, so that switching a
mechanism or a strategy off does not shift the draws of another (common random numbers
for paired strategy comparisons; after vivarium ``framework/randomness/stream.py``).
"""

from __future__ import annotations

import zlib

import numpy as np


def _key(name: str) -> int:
    # crc32 is stable across processes and Python versions, unlike hash().
    return zlib.crc32(name.encode("utf-8"))


class Streams:
    """Factory of independent generators, one per (name, day).

    Parameters
    ----------
    seed
        The run seed (the same integer the Mesa model is seeded with).
    """

    def __init__(self, seed: int) -> None:
        self.seed = int(seed)

    def get(self, name: str, day: int | None = None) -> np.random.Generator:
        """Return the generator for stream ``name`` (on ``day``, if given).

        The same (seed, name, day) always gives the same generator state, whatever
        else was drawn before: that is what keeps strategies' luck aligned.
        """
        spawn_key: tuple[int, ...] = (_key(name),) if day is None else (_key(name), int(day))
        seq = np.random.SeedSequence(entropy=self.seed, spawn_key=spawn_key)
        return np.random.Generator(np.random.PCG64(seq))
