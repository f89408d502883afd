"""The same parts, byte for byte, whatever runs the points; failures kept per point;
resume finishes a sweep without recomputing or duplicating anything."""

from __future__ import annotations

import filecmp
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pandas as pd
import pytest

from simulator.experiment.executor import (
    Executor,
    LocalProcessExecutor,
    SerialExecutor,
    TaskError,
)
from tests.cli.helpers import cli
from tests.sweep.conftest import sweep_into
from tests.sweep.helpers import experiment, write


def same_files(a: Path, b: Path) -> list[str]:
    names = sorted(os.listdir(a))
    assert names == sorted(os.listdir(b))
    _, mismatch, errors = filecmp.cmpfiles(a, b, names, shallow=False)
    return mismatch + errors


def test_the_serial_sweep_is_tidy(serial):
    out = serial / "out"
    design = pd.read_parquet(out / "design.parquet")
    runs = pd.read_parquet(out / "parts")
    assert len(design) == 6
    assert sorted(runs["point"].unique()) == list(range(6))
    per_point = runs[runs["metric"] == "net_margin"].groupby("point").size()
    assert (per_point == 2 * 2).all()  # strategies x replications, no duplicate
    assert set(runs["strategy"]) == {"status_quo", "premium"}
    assert list(runs.columns[:6]) == ["point", "strategy", "replication", "seed", "metric", "value"]
    merged = runs.merge(design, on="point", suffixes=("", "_design"))
    for name in design.columns[1:]:
        assert (merged[name] == merged[f"{name}_design"]).all()
    assert sorted(runs["seed"].unique()) == [1, 2]  # run.seed + k, at every point


def test_local_processes_give_the_same_bytes(serial, tmp_path):
    sweep_into(serial / "exp.yaml", tmp_path / "out", LocalProcessExecutor(2))
    assert same_files(serial / "out" / "parts", tmp_path / "out" / "parts") == []
    assert filecmp.cmp(serial / "out" / "design.parquet", tmp_path / "out" / "design.parquet")


def test_a_dask_local_cluster_gives_the_same_bytes(serial, tmp_path):
    distributed = pytest.importorskip("distributed")
    from simulator.sweep.cluster import DaskExecutor

    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        profiling = client.run(lambda dask_worker: "profile" in dask_worker.periodic_callbacks)
        assert all(profiling.values())  # Dask's default
        executor = DaskExecutor(client)
        assert executor.workers == 2
        profiling = client.run(lambda dask_worker: "profile" in dask_worker.periodic_callbacks)
        assert not any(profiling.values())  # stopped: it costs a fifth of a point's CPU
        _, outcome = sweep_into(serial / "exp.yaml", tmp_path / "out", executor)
    assert outcome.finished == 6 and outcome.failed == 0
    assert same_files(serial / "out" / "parts", tmp_path / "out" / "parts") == []


class LoseOne(Executor):
    """Runs tasks in this process but reports ``point`` as lost with its worker."""

    def __init__(self, point: int) -> None:
        self.point = point
        self.ran: list[int] = []

    def map_unordered[T, R](
        self, fn: Callable[[T], R], tasks: Iterable[T]
    ) -> Iterator[tuple[T, R | TaskError]]:
        for task in tasks:
            self.ran.append(task.point)  # type: ignore[attr-defined]
            if task.point == self.point:  # type: ignore[attr-defined]
                yield task, TaskError("worker process failed: BrokenProcessPool: killed")
            else:
                yield task, fn(task)


def test_a_lost_point_is_recorded_then_resumed_alone(serial, tmp_path):
    store, outcome = sweep_into(serial / "exp.yaml", tmp_path / "out", LoseOne(3))
    assert outcome.failed == 1 and outcome.finished == 5
    assert store.finished() == {0, 1, 2, 4, 5}
    assert store.failures()[3]["error"].startswith("worker process failed")
    assert store.manifest()["status"] == "incomplete"
    before = {p: os.stat(p).st_mtime_ns for p in store.parts.iterdir()}

    again = LoseOne(-1)
    store, outcome = sweep_into(serial / "exp.yaml", tmp_path / "out", again, resume=True)
    assert again.ran == [3]  # nothing recomputed
    assert outcome.skipped == 5 and outcome.finished == 1
    assert store.failures() == {}
    assert store.manifest()["status"] == "complete"
    for path, mtime in before.items():
        assert os.stat(path).st_mtime_ns == mtime  # nothing rewritten
    assert same_files(serial / "out" / "parts", store.parts) == []


def test_a_failing_point_does_not_abort_the_sweep(tmp_path):
    # FailAt stands in for a run that raises: that point is recorded, the other lands.
    data = experiment(
        method="grid",
        samples=None,
        uncertainties={"firm.desk.mean_service_days": {"levels": [0.05, 0.1]}},
    )
    exp = write(tmp_path, data)
    store, outcome = sweep_into(exp, tmp_path / "out", FailAt(1))
    assert outcome.failed == 1 and outcome.finished == 1
    assert "boom at point 1" in store.failures()[1]["error"]


class FailAt(Executor):
    """Serial, but the task of ``point`` raises as a bad run would."""

    def __init__(self, point: int) -> None:
        self.point = point

    def map_unordered[T, R](
        self, fn: Callable[[T], R], tasks: Iterable[T]
    ) -> Iterator[tuple[T, R | TaskError]]:
        def failing(task: T) -> R:
            if task.point == self.point:  # type: ignore[attr-defined]
                raise RuntimeError(f"boom at point {self.point}")
            return fn(task)

        yield from SerialExecutor().map_unordered(failing, tasks)


def test_resume_refuses_another_design(serial, tmp_path):
    code, out, err = cli(
        "sweep", serial / "exp.yaml", "--out", serial / "out", "--resume",
        "--set", "run.days=21", "--quiet", "--no-report",
    )  # fmt: skip
    assert code == 2 and err.count("\n") == 1
    assert "design hash differs" in err


def test_resume_of_a_finished_sweep_runs_nothing(serial, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(serial / "out", copy)
    (copy / "parts" / ".point-000002.parquet.tmp-1-abcd").write_bytes(b"half")
    code, out, err = cli(
        "sweep", serial / "exp.yaml", "--out", copy, "--resume", "--quiet", "--no-report"
    )
    assert code == 0, err
    assert "0 points run" in out and "6 finished before" in out
    assert sorted(os.listdir(copy / "parts")) == sorted(os.listdir(serial / "out" / "parts"))


def test_the_command_runs_on_a_scheduler_address(serial, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        code, out, err = cli(
            "sweep", serial / "exp.yaml", "--scheduler", cluster.scheduler_address,
            "--out", tmp_path / "out", "--quiet", "--no-report",
        )  # fmt: skip
    assert code == 0, err
    assert "with 2 workers" in out
    assert same_files(serial / "out" / "parts", tmp_path / "out" / "parts") == []


def test_an_unreachable_scheduler_is_one_line_and_no_directory(serial, tmp_path):
    code, _, err = cli(
        "sweep", serial / "exp.yaml", "--scheduler-file", tmp_path / "nope.json",
        "--out", tmp_path / "out", "--quiet",
    )  # fmt: skip
    assert code == 2 and err.count("\n") == 1 and "cannot reach the Dask scheduler" in err
    assert not (tmp_path / "out").exists()
