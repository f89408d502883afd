"""Shared helpers for the benchmark scripts: machine description and medians."""

from __future__ import annotations

import os
import platform
import statistics
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "coffee_chain.yaml"


def machine() -> str:
    """One line: CPU, cores, Python, numpy and Mesa versions."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {metadata.version('numpy')}, Mesa {metadata.version('mesa')}"
    )


def median(values: list[float]) -> float:
    return statistics.median(values)
