"""The social graph of word-of-mouth and acquisition (docs/model.md §3.6, §3.7, §8).

Customers are the rows ``0..n-1`` of the population arrays, so the graph is a sparse
adjacency over those row numbers: a scipy CSR matrix (``indptr``, ``indices`` and a bool
``data``) plus a per-edge ``strong`` flag aligned with ``indices``. Everything the daily
step needs (one random neighbour per speaker, the share of flagged neighbours) is a few
vectorised array operations on it, with no per-customer Python loop.

* :mod:`~simulator.market.network.graph`: the :class:`SocialNetwork` CSR form;
* :mod:`~simulator.market.network.generators`: Watts-Strogatz (the default, built
  directly as int32 CSR: networkx would spend ~200 bytes per edge, docs/model.md §8),
  Barabasi-Albert via networkx, fully mixed, and :func:`build_network`;
* :mod:`~simulator.market.network.edgelist`: a network read from a file;
* :mod:`~simulator.market.network.sampling`: random neighbours and neighbour shares.

References
----------
.. [1] Watts, D. J. & Strogatz, S. H. (1998). Collective dynamics of "small-world"
   networks. *Nature* 393, 440-442.
.. [2] Barabasi, A.-L. & Albert, R. (1999). Emergence of scaling in random networks.
   *Science* 286, 509-512.
.. [3] Goldenberg, J., Libai, B. & Muller, E. (2001). Talk of the network: a complex
   systems look at the underlying process of word-of-mouth. *Marketing Letters* 12(3),
   211-223.
.. [4] Granovetter, M. S. (1973). The strength of weak ties. *American Journal of
   Sociology* 78(6), 1360-1380.
.. [5] Bass, F. M. (1969). A new product growth for model consumer durables.
   *Management Science* 15(5), 215-227.
"""

from __future__ import annotations

from simulator.market.network.edgelist import read_edgelist
from simulator.market.network.generators import barabasi_albert, build_network, watts_strogatz
from simulator.market.network.graph import KINDS, SocialNetwork, memory_bytes
from simulator.market.network.sampling import (
    neighbour_share,
    neighbour_share_of,
    random_neighbour,
    random_non_flag_neighbour,
)

__all__ = [
    "KINDS",
    "SocialNetwork",
    "barabasi_albert",
    "build_network",
    "memory_bytes",
    "neighbour_share",
    "neighbour_share_of",
    "random_neighbour",
    "random_non_flag_neighbour",
    "read_edgelist",
    "watts_strogatz",
]
