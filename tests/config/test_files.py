"""Files that never end: FIFOs, devices and huge files are refused in one line (item 5).

Each case runs the real command in a child process with a timeout and a memory cap, so
a hang or an unbounded read fails the test instead of the machine.
"""

from __future__ import annotations

import os
import resource

import pytest

from simulator.config.files import FileRefused, open_regular, read_regular
from simulator.config.loading import MAX_SCENARIO_BYTES, load_yaml
from simulator.errors import ScenarioError
from tests.cli.helpers import COFFEE, cli_process, one_line_error


def _cap_memory() -> None:  # pragma: no cover - runs in the child
    limit = 3 * 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _validate(path) -> tuple[int, str]:
    import subprocess
    import sys
    from pathlib import Path

    exe = Path(sys.executable).with_name("loyalty-sim")
    proc = subprocess.run(
        [str(exe), "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=30,
        preexec_fn=_cap_memory,
    )
    return proc.returncode, proc.stderr


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "scenario.yaml"
    os.mkfifo(path)
    return path


def test_fifo_scenario_refused_without_hanging(fifo):
    code, err = _validate(fifo)
    one_line_error(code, err, "scenario.yaml", "FIFO", "regular file")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_device_scenario_refused(device):
    code, err = _validate(device)
    one_line_error(code, err, device, "character device", "regular file")


def test_huge_scenario_refused(tmp_path):
    path = tmp_path / "huge.yaml"
    with path.open("wb") as f:
        f.truncate(MAX_SCENARIO_BYTES + 1)  # sparse: no disk used
    with pytest.raises(ScenarioError, match=r"huge\.yaml: is 2 MB, larger than the limit of 2 MB"):
        load_yaml(path)


def test_directory_and_missing(tmp_path):
    with pytest.raises(ScenarioError, match="is a directory; expected a regular file"):
        load_yaml(tmp_path)
    with pytest.raises(ScenarioError, match="file not found"):
        load_yaml(tmp_path / "nope.yaml")


def test_proc_file_read_is_bounded():
    # /proc files report size 0: the limit applies to what is read.
    with pytest.raises(FileRefused, match="holds more than the limit"):
        read_regular("/proc/self/maps", limit=10)
    assert read_regular(COFFEE, limit=MAX_SCENARIO_BYTES).startswith(b"# Coffee chain")


def test_open_regular_refuses_a_fifo_at_once(fifo):
    with pytest.raises(FileRefused, match="FIFO"):
        open_regular(fifo, limit=100)


def test_fifo_edge_list_refused_without_hanging(tmp_path):
    pipe = tmp_path / "edges.txt"
    os.mkfifo(pipe)
    scenario = tmp_path / "net.yaml"
    scenario.write_text("name: net\nmarket:\n  network: {kind: edgelist, edgelist: edges.txt}\n")
    proc = cli_process("validate", scenario, timeout=60)
    one_line_error(proc.returncode, proc.stderr, "net.yaml", "edges.txt", "FIFO")
