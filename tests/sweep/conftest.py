"""One tiny sweep, run once in this process, for the tests that read a finished one."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.experiment.executor import Executor, SerialExecutor
from simulator.sweep.prepare import load_sweep
from simulator.sweep.runner import Outcome, open_sweep, run_sweep
from simulator.sweep.store import SweepStore
from tests.sweep.helpers import write


def sweep_into(
    exp: Path, out: Path, executor: Executor, *, resume: bool = False
) -> tuple[SweepStore, Outcome]:
    """Run (or resume) the sweep of ``exp`` into ``out`` with ``executor``."""
    sweep = load_sweep(exp)
    store, design = open_sweep(sweep, out, resume=resume)
    with executor:
        outcome = run_sweep(sweep, store, design, executor)
    return store, outcome


@pytest.fixture(scope="session")
def serial(tmp_path_factory) -> Path:
    """A folder holding ``exp.yaml`` and ``out/``, its sweep run serially."""
    folder = tmp_path_factory.mktemp("serial")
    exp = write(folder)
    sweep_into(exp, folder / "out", SerialExecutor())
    return folder
