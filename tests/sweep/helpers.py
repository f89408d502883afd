"""A tiny experiment over the coffee chain, written into a test's folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tests.cli.helpers import COFFEE

# 300 people, 10 warm-up days and 20 reported: a run takes about 0.1 s.
TINY = {"run.customers": 300, "run.days": 20, "run.warmup_days": 10}


def experiment(**changes: Any) -> dict[str, Any]:
    """The tiny experiment as plain data: Morris, 2 trajectories over 2 parameters."""
    data: dict[str, Any] = {
        "name": "tiny",
        "scenario": str(COFFEE),
        "strategies": ["status_quo", "premium"],
        "method": "morris",
        "samples": 2,
        "replications": 2,
        "set": dict(TINY),
        "uncertainties": {
            "market.competitive_intensity": [0.2, 1.0],
            "market.satisfaction.carryover": [0.05, 0.3],
        },
        "outcomes": {"net_margin": 1, "nps": 1},
    }
    data.update(changes)
    return data


def write(folder: Path, data: dict[str, Any] | None = None, name: str = "exp.yaml") -> Path:
    """Write an experiment file; return its path."""
    path = folder / name
    path.write_text(yaml.safe_dump(data if data is not None else experiment()), "utf-8")
    return path
