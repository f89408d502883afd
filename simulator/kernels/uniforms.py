"""Counter-based uniforms: customer i's draw of a stream, computed where it is needed.

The uniform of customer ``i`` in a keyed stream is the ``i``-th output of SplitMix64
(Steele, Lea & Flood 2014) started at the stream's key: a pure function of (key, i).
A kernel therefore draws only for the customers a rule concerns, and a customer's draw
does not depend on who else drew, which keeps common random numbers aligned across
strategies (vivarium draws per simulant index for the same reason).

References
----------
Steele, G. L., Lea, D., & Flood, C. H. (2014). Fast splittable pseudorandom number
generators. OOPSLA 2014, 453-472.
"""

from __future__ import annotations

import numpy as np

from simulator.kernels import jit

_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S40 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(40)
_ONE = np.uint64(1)
# float32 has a 24-bit significand: the top 24 bits give every float32 step of [0, 1).
_SCALE = np.float32(2.0**-24)


@jit
def counter_uniform(key, i):
    """Uniform on [0, 1) of customer ``i`` in the stream with this uint64 ``key``."""
    # The cast matters: a Python-int key would compile as int64, and int64 with uint64
    # arithmetic silently goes through float64.
    z = np.uint64(key) + (np.uint64(i) + _ONE) * _GAMMA
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    z = z ^ (z >> _S31)
    return np.float32(z >> _S40) * _SCALE


@jit
def uniforms_at(key, rows):
    """The uniforms of ``rows`` in the stream with this key (float32)."""
    out = np.empty(rows.shape[0], np.float32)
    for r in range(rows.shape[0]):
        out[r] = counter_uniform(key, rows[r])
    return out
