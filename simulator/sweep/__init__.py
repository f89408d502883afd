"""Sweeps: an experiment's design of points, run anywhere, resumable, analysed.

``spec`` and ``prepare`` read and check an experiment file; ``design`` builds its points
and their hash; ``task`` runs one point (every strategy x replication, one warm-up per
replication forked to every strategy); ``runner`` hands points to an executor
(``simulator.experiment.executor`` or ``cluster`` for Dask) and lands each through
``store``; ``tables``, ``indices``, ``discovery`` and ``analysis`` turn the parts into
indices, noise shares and verdicts; ``charts`` and ``report`` write ``sweep.html``.
See docs/sweeps.md.
"""
