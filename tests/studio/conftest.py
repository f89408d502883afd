"""The trainer page served by ``loyalty-sim studio`` in a subprocess on loopback, and
Playwright driving Debian's Chromium against it with every request outside loopback
blocked and recorded."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Screenshots for a person to look at (ignored by git).
SHOTS = ROOT / "results" / "studio-screenshots"
LOOPBACK = ("http://127.0.0.1:", "ws://127.0.0.1:")


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """The studio process and where it listens."""

    proc: subprocess.Popen
    url: str


def start(scenario: str | None = None, *, warmup: int = 10) -> Server:
    """Start ``loyalty-sim studio`` and wait until it answers (at most 90 s)."""
    port = free_port()
    env = {**os.environ, "LOYALTY_STUDIO_WARMUP_DAYS": str(warmup), "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "simulator.cli", "studio", "--port", str(port)]
    if scenario:
        cmd.insert(4, scenario)
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"studio exited: {proc.stdout.read() if proc.stdout else ''}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return Server(proc, f"http://127.0.0.1:{port}/")
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError("studio did not start in 90 s")


def child_pids(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (Linux /proc; empty elsewhere)."""
    out = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if f"\nPPid:\t{pid}\n" in text:
            out.append(int(status.parent.name))
    return out


def stop(server: Server) -> tuple[int, str]:
    """Ctrl-C the server; its exit code and output."""
    server.proc.send_signal(signal.SIGINT)
    out, _ = server.proc.communicate(timeout=20)
    return server.proc.returncode, out


@pytest.fixture(scope="module")
def studio() -> Iterator[Server]:
    """One server for the module; each test opens its own browser session."""
    server = start()
    yield server
    if server.proc.poll() is None:
        stop(server)


@pytest.fixture(scope="session")
def browser_type_launch_args(chromium: Path) -> dict:
    """pytest-playwright launches Debian's Chromium (browsers cannot be downloaded here)."""
    return {"executable_path": str(chromium)}


@dataclass
class Traffic:
    """What the page asked for outside loopback, failed requests and console errors."""

    outside: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def traffic(page) -> Traffic:
    """Block and record every request leaving loopback; record errors on the page."""
    seen = Traffic()

    def route(r) -> None:
        if r.request.url.startswith(LOOPBACK):
            r.continue_()
        else:
            seen.outside.append(r.request.url)
            r.abort()

    page.context.route("**/*", route)
    page.on("console", lambda m: seen.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen.errors.append(str(e)))
    page.on("requestfailed", lambda r: seen.failed.append(r.url))
    page.on("response", lambda r: seen.failed.append(r.url) if r.status >= 400 else None)
    page.set_viewport_size({"width": 1500, "height": 1000})
    return seen


def shot(page, name: str) -> None:
    """Save a full-page screenshot for a person to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
