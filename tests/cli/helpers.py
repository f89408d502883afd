"""Calling ``loyalty-sim`` in this process or in a child, and checking the one-line rule."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from simulator.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
COFFEE = ROOT / "scenarios" / "coffee_chain.yaml"
TINY = ["--set", "run.customers=50", "--set", "run.days=5"]


def cli(*args: str | Path) -> tuple[int, str, str]:
    """``loyalty-sim ARGS`` in this process: (exit code, stdout, stderr).

    argparse's own errors exit through ``SystemExit``; its code is returned the same way.
    """
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def cli_process(
    *args: str | Path, timeout: float = 120, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """``loyalty-sim ARGS`` in a child process (what a user sees, tracebacks included)."""
    exe = Path(sys.executable).with_name("loyalty-sim")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "simulator.cli"]
    env = {**os.environ, "PYTHONWARNINGS": "default"}
    return subprocess.run(
        [*cmd, *(str(a) for a in args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        env=env,
    )


def one_line_error(code: int, err: str, *needles: str) -> str:
    """Assert exit code 2 and exactly one ``loyalty-sim: error:`` line holding ``needles``."""
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2, f"exit code {code}, stderr: {err!r}"
    assert "Traceback" not in err, err
    assert len(lines) == 1, f"expected one line, got {lines!r}"
    assert lines[0].startswith("loyalty-sim: error: "), lines[0]
    for needle in needles:
        assert needle in lines[0], f"{needle!r} not in {lines[0]!r}"
    return lines[0]
