"""Workers die with their parent, and an interrupt is an interrupt (issue 17, items 1, 18).

These start a real ``loyalty-sim compare --jobs 2``, wait until its worker process runs,
stop the command (kill -9, SIGTERM, or Ctrl-C to the whole process group as a terminal
sends it) and check that none of its descendants survives. Every wait is bounded.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from simulator.experiment.lifeline import watch_parent
from tests.cli.helpers import COFFEE

EXE = Path(sys.executable).with_name("loyalty-sim")
# Runs of about a second each, 18 of them: the command is mid-work when stopped.
ARGS = ["compare", str(COFFEE), "--set", "run.customers=20000", "--set", "run.days=200",
        "--replications", "6", "--jobs", "2", "--quiet"]  # fmt: skip


def _stat(pid: int) -> tuple[int, str] | None:
    """(parent pid, state) of a process, or None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[1]), fields[0]


def _descendants(root: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (st := _stat(int(entry.name))) is not None:
            children.setdefault(st[0], []).append(int(entry.name))
    out, todo = set(), [root]
    while todo:
        for child in children.get(todo.pop(), []):
            out.add(child)
            todo.append(child)
    return out


def _alive(pids: set[int]) -> set[int]:
    return {p for p in pids if (st := _stat(p)) is not None and st[1] != "Z"}


def _start(tmp_path: Path) -> tuple[subprocess.Popen[str], set[int]]:
    """The command in its own process group, SIGINT not ignored, once a worker runs."""

    def session() -> None:  # pragma: no cover - runs in the child
        os.setsid()
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    proc = subprocess.Popen(
        [str(EXE), *ARGS, "--out", str(tmp_path / "out")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=session,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        family = _descendants(proc.pid)
        # forkserver, resource tracker and at least one worker forked from the forkserver
        if len(family) >= 3 and any(_stat(p) and _stat(p)[0] in family for p in family):
            time.sleep(2.0)  # well into a run
            return proc, _descendants(proc.pid)
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    proc.kill()
    pytest.fail(f"no worker process appeared: {proc.communicate(timeout=30)}")


def _all_gone(pids: set[int], timeout: float = 20) -> set[int]:
    deadline = time.monotonic() + timeout
    while _alive(pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = _alive(pids)
    for pid in left:  # do not leave them behind for the next test
        os.kill(pid, signal.SIGKILL)
    return left


def test_kill_9_leaves_no_process(tmp_path):
    proc, family = _start(tmp_path)
    proc.kill()
    proc.communicate(timeout=30)
    assert _all_gone(family) == set(), "orphaned workers, forkserver or resource tracker"
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["SIGTERM", "ctrl-c"]
)
def test_terminate_or_ctrl_c_stops_everything_and_writes_nothing(tmp_path, sig, code):
    proc, family = _start(tmp_path)
    if sig == signal.SIGINT:
        os.killpg(proc.pid, sig)  # a terminal sends Ctrl-C to the whole group
    else:
        proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines == ["loyalty-sim: interrupted; nothing was written"], err
    assert _all_gone(family) == set()
    assert not (tmp_path / "out").exists()
    assert not [p for p in tmp_path.iterdir() if ".partial-" in p.name]


def test_watch_parent_exits_when_the_parent_dies():
    code = (
        "import os, subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', "
        "'import sys, time; from simulator.experiment.lifeline import watch_parent; "
        "watch_parent(int(sys.argv[1])); time.sleep(60)', str(os.getpid())])\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    watcher = int(parent.stdout.readline())
    time.sleep(1.0)
    assert _alive({watcher})
    parent.kill()
    parent.wait(timeout=10)
    assert _all_gone({watcher}, timeout=10) == set()


def test_watch_parent_of_a_dead_process_exits_at_once():
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    code = f"from simulator.experiment.lifeline import watch_parent; watch_parent({dead.pid})"
    child = subprocess.run([sys.executable, "-c", code + "; print('still here')"],
                           capture_output=True, text=True, timeout=30)  # fmt: skip
    assert child.returncode == 1 and "still here" not in child.stdout
    assert watch_parent  # imported for the reader: the function under test
