"""What a run measures: the daily metrics, the final summary and the metric registry.

Loading the package declares the membership systems' own metrics in the registry
(:mod:`simulator.metrics.membership`, docs/model.md §11).
"""

from simulator.metrics import membership as _membership  # noqa: F401  (declares them)
