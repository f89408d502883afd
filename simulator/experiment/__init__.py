"""Experiments: a run as a pure function, comparisons of strategies, executors, statistics."""
