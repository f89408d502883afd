"""Stopping a sweep's driver leaves no process behind, and whole parts only; ``--resume``
then finishes it without recomputing what had landed (issue 14).

A real ``python -m simulator.cli sweep --jobs 2`` runs in its own process group; once a
worker runs and a first part has landed, the driver is stopped with SIGTERM or kill -9.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from tests.cli.helpers import ROOT, cli
from tests.experiment.test_lifeline import _all_gone, _descendants, _stat
from tests.sweep.helpers import experiment, write

# A few tenths of a second a point, 6 points: the sweep is mid-work when stopped.
SIZE = {"run.customers": 800, "run.days": 40, "run.warmup_days": 10}


def _start(tmp_path: Path) -> tuple[subprocess.Popen[str], set[int], Path, Path]:
    exp = write(tmp_path, experiment(samples=6, set=SIZE, method="latin", replications=2))
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "simulator.cli", "sweep", str(exp), "--jobs", "2",
         "--out", str(out), "--quiet", "--no-report"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        family = _descendants(proc.pid)
        worker = any((st := _stat(p)) and st[0] in family for p in family)
        if worker and len(list((out / "parts").glob("point-*.parquet"))) >= 1:
            return proc, _descendants(proc.pid), exp, out
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    pytest.fail(f"no worker or no part appeared: {proc.communicate(timeout=30)}")


def _only_whole_parts(out: Path) -> set[int]:
    names = os.listdir(out / "parts")
    assert all(n.startswith("point-") and n.endswith(".parquet") for n in names), names
    for name in names:
        pd.read_parquet(out / "parts" / name)  # each one readable
    return {int(n[6:12]) for n in names}


def test_sigterm_stops_workers_and_keeps_finished_points(tmp_path):
    proc, family, exp, out = _start(tmp_path)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert "--resume" in err and "Traceback" not in err
    assert _all_gone(family) == set(), "orphaned workers, forkserver or resource tracker"
    assert _only_whole_parts(out)


def test_kill_9_then_resume_completes_without_recomputing(tmp_path):
    proc, family, exp, out = _start(tmp_path)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)
    assert _all_gone(family) == set(), "orphaned workers, forkserver or resource tracker"
    landed = _only_whole_parts(out)
    before = {n: os.stat(out / "parts" / n).st_mtime_ns for n in os.listdir(out / "parts")}

    code, stdout, err = cli("sweep", exp, "--out", out, "--resume", "--jobs", "1", "--quiet",
                            "--no-report")  # fmt: skip
    assert code == 0, err
    assert f"{len(landed)} finished before" in stdout
    assert _only_whole_parts(out) == set(range(6))
    for name, mtime in before.items():
        assert os.stat(out / "parts" / name).st_mtime_ns == mtime
    runs = pd.read_parquet(out / "parts")
    assert not runs.duplicated(["point", "strategy", "replication", "metric"]).any()
    assert [p.name for p in out.rglob(".*")] == []
