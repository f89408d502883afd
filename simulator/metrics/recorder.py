"""Daily metrics as one tidy long table (Mesa batch runner rows; vivarium's value column).

Columns: ``day, metric, value, segment, tier``; ``segment`` and ``tier`` are empty
strings for totals. What each metric means, and which way is better, is declared in
:mod:`simulator.metrics.registry`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


class MetricsRecorder:
    """Accumulates rows cheaply during a run; :meth:`frame` builds the table once."""

    def __init__(self) -> None:
        self._day: list[int] = []
        self._metric: list[str] = []
        self._value: list[float] = []
        self._segment: list[str] = []
        self._tier: list[str] = []

    def add(
        self, day: int, metric: str, value: float, *, segment: str = "", tier: str = ""
    ) -> None:
        """Record one value."""
        self._day.append(day)
        self._metric.append(metric)
        self._value.append(float(value))
        self._segment.append(segment)
        self._tier.append(tier)

    def add_many(self, day: int, values: dict[str, float]) -> None:
        """Record several totals for one day."""
        n = len(values)
        self._day.extend([day] * n)
        self._metric.extend(values)
        self._value.extend(map(float, values.values()))
        self._segment.extend([""] * n)
        self._tier.extend([""] * n)

    def add_breakdown(
        self, day: int, metric: str, values: np.ndarray, labels: list[str], *, by: str = "segment"
    ) -> None:
        """Record one value per segment (or tier) label."""
        for label, v in zip(labels, values, strict=True):
            if by == "segment":
                self.add(day, metric, v, segment=label)
            else:
                self.add(day, metric, v, tier=label)

    def latest(self) -> dict[str, float]:
        """The totals (no segment or tier) of the last day recorded, by metric: what a
        live view draws each day without building the whole table."""
        out: dict[str, float] = {}
        if not self._day:
            return out
        last = self._day[-1]
        i = len(self._day) - 1
        while i >= 0 and self._day[i] == last:
            if not self._segment[i] and not self._tier[i]:
                out.setdefault(self._metric[i], self._value[i])
            i -= 1
        return out

    def frame(self) -> pd.DataFrame:
        """The tidy table, sorted by day then insertion order."""
        return pd.DataFrame(
            {
                "day": np.asarray(self._day, dtype=np.int32),
                "metric": pd.Series(self._metric, dtype="string"),
                "value": np.asarray(self._value, dtype=np.float64),
                "segment": pd.Series(self._segment, dtype="string"),
                "tier": pd.Series(self._tier, dtype="string"),
            }
        )

    def snapshot(self) -> dict[str, list]:
        """The rows so far, as plain lists (copies)."""
        return {
            "day": list(self._day),
            "metric": list(self._metric),
            "value": list(self._value),
            "segment": list(self._segment),
            "tier": list(self._tier),
        }

    def restore(self, data: dict[str, list]) -> None:
        """The inverse of :meth:`snapshot`."""
        self._day = list(data["day"])
        self._metric = list(data["metric"])
        self._value = list(data["value"])
        self._segment = list(data["segment"])
        self._tier = list(data["tier"])
