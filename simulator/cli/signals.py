"""SIGTERM and SIGHUP stop a command the way Ctrl-C does (issue 17, item 1).

Killed with SIGTERM, ``compare`` used to die without shutting its worker pool down. Here
the first SIGINT, SIGTERM or SIGHUP raises ``KeyboardInterrupt`` in the main thread, so
the command unwinds: the executor stops its workers, the staging folder is removed,
nothing is written and the exit code is 128 + the signal. A second signal while that
runs exits at once (a staging folder it leaves is removed by the next run).
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from simulator.cli.console import INTERRUPTED

__all__ = ["exit_code", "interrupts"]

_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)
_received: list[int] = []


def exit_code() -> int:
    """128 + the signal received (130 for Ctrl-C, the default)."""
    return 128 + (_received[0] if _received else int(signal.SIGINT))


def _handler(signum: int, frame: FrameType | None) -> None:
    if INTERRUPTED.is_set():
        os._exit(128 + signum)
    _received.append(signum)
    INTERRUPTED.set()
    raise KeyboardInterrupt


@contextmanager
def interrupts() -> Iterator[None]:
    """Within the block, the first of SIGINT, SIGTERM, SIGHUP raises KeyboardInterrupt.

    A signal ignored when the command starts stays ignored. Outside the main thread (a
    command run from a test's thread) signals cannot be handled, and nothing changes.
    """
    INTERRUPTED.clear()
    _received.clear()
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    # A signal the parent chose to ignore (nohup's SIGHUP, SIGINT in a background job)
    # stays ignored, as Python itself leaves an ignored SIGINT alone.
    previous = {
        sig: signal.signal(sig, _handler)
        for sig in _SIGNALS
        if signal.getsignal(sig) is not signal.SIG_IGN
    }
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
