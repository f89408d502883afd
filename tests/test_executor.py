"""Executors: every task once, the same outcomes wherever it ran, failures kept per task."""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from pathlib import Path

import pytest

from simulator.experiment.executor import (
    Executor,
    LocalProcessExecutor,
    SerialExecutor,
    TaskError,
)

# Module-level task functions: worker processes unpickle them by name.


def square(x: int) -> int:
    if x == 3:
        raise ValueError("three")
    return x * x


def _in_worker() -> bool:
    return multiprocessing.parent_process() is not None


def _wait_for(flag: Path) -> None:
    deadline = time.monotonic() + 120
    while not flag.exists() and time.monotonic() < deadline:
        time.sleep(0.02)


def exit_in_worker(task: tuple[str, int]) -> int:
    """A worker exits (``SystemExit``); this process waits until one has, then answers."""
    flag, x = task
    if _in_worker():
        Path(flag).touch()
        sys.exit(f"worker exits on {x}")
    _wait_for(Path(flag))
    return x


def raise_in_worker(task: tuple[str, int]) -> int:
    """A worker raises; this process waits until one has, then answers."""
    flag, x = task
    if _in_worker():
        Path(flag).touch()
        raise ValueError(f"raised on {x}")
    _wait_for(Path(flag))
    return x


def die_in_worker(task: tuple[str, int]) -> int:
    """A worker is killed outright (a broken pool); this process answers after it."""
    flag, x = task
    if _in_worker():
        Path(flag).touch()
        os._exit(1)
    _wait_for(Path(flag))
    return x


def _outcomes(executor: Executor, fn, tasks) -> dict:
    out = {}
    for task, outcome in executor.map_unordered(fn, tasks):
        assert task not in out, f"task {task!r} yielded twice"
        out[task] = outcome
    return out


def test_serial_in_order_and_exceptions_become_task_errors():
    with SerialExecutor() as ex:
        pairs = list(ex.map_unordered(square, range(5)))
    assert [t for t, _ in pairs] == [0, 1, 2, 3, 4]
    assert [o for t, o in pairs if t != 3] == [0, 1, 4, 16]
    error = dict(pairs)[3]
    assert isinstance(error, TaskError) and error.message == "ValueError: three"
    assert "Traceback" in error.traceback
    assert ex.workers == 1


def test_processes_give_the_serial_outcomes():
    tasks = list(range(12))
    with SerialExecutor() as ex:
        serial = _outcomes(ex, square, tasks)
    with LocalProcessExecutor(3) as ex:
        parallel = _outcomes(ex, square, tasks)
        again = _outcomes(ex, square, tasks)  # the pool is reused
    assert set(parallel) == set(tasks) and ex.workers == 3
    for outcomes in (parallel, again):
        assert {t: o for t, o in outcomes.items() if t != 3} == {
            t: o for t, o in serial.items() if t != 3
        }
        # Raised in a worker or here, an exception reads the same.
        assert isinstance(outcomes[3], TaskError) and outcomes[3].message == serial[3].message


def test_a_workers_system_exit_costs_only_its_task(tmp_path):
    tasks = [(str(tmp_path / "flag"), x) for x in range(4)]
    with LocalProcessExecutor(2) as ex:
        outcomes = _outcomes(ex, exit_in_worker, tasks)
    assert set(outcomes) == set(tasks)
    failed = {t: o for t, o in outcomes.items() if isinstance(o, TaskError)}
    assert failed, "the worker should have run at least one task"
    for task, outcome in failed.items():
        assert outcome.message == f"worker process failed: SystemExit: worker exits on {task[1]}"
    assert all(outcomes[t] == t[1] for t in set(tasks) - set(failed))


def test_an_exception_in_a_worker_reads_as_one_here(tmp_path):
    tasks = [(str(tmp_path / "flag"), x) for x in range(3)]
    with LocalProcessExecutor(2) as ex:
        outcomes = _outcomes(ex, raise_in_worker, tasks)
    failed = {t: o for t, o in outcomes.items() if isinstance(o, TaskError)}
    assert failed and set(outcomes) == set(tasks)
    for task, outcome in failed.items():
        assert outcome.message == f"ValueError: raised on {task[1]}"
        assert "raise_in_worker" in outcome.traceback  # the worker's own traceback


def test_a_killed_worker_breaks_the_pool_and_this_process_runs_the_rest(tmp_path):
    tasks = [(str(tmp_path / "flag"), x) for x in range(5)]
    with LocalProcessExecutor(2) as ex:
        outcomes = _outcomes(ex, die_in_worker, tasks)
        # A fresh pool for the next map.
        assert _outcomes(ex, square, [1, 2]) == {1: 1, 2: 4}
    failed = [o for o in outcomes.values() if isinstance(o, TaskError)]
    assert set(outcomes) == set(tasks) and len(failed) == 1
    assert failed[0].message.startswith("worker process failed: BrokenProcessPool")
    assert sorted(o for o in outcomes.values() if not isinstance(o, TaskError)) == sorted(
        t[1] for t in tasks if not isinstance(outcomes[t], TaskError)
    )


def test_local_processes_need_two_jobs():
    with pytest.raises(ValueError, match="jobs must be >= 2"):
        LocalProcessExecutor(1)
