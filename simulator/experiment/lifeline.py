"""Worker processes die with the process that started them (issue 17, item 1).

Killed with SIGKILL (or dying any way that skips its clean-up), a ``compare`` used to
leave its forkserver, its resource tracker and a worker of ~400 MB alive for ever,
reparented to PID 1, the worker blocked writing a result nobody would read. A worker
started through the forkserver is the forkserver's child, so the kernel's parent-death
signal alone does not reach it when the main process dies. Each worker therefore:

- asks the kernel (Linux ``prctl(PR_SET_PDEATHSIG, SIGKILL)``) to kill it when its
  parent, the forkserver, dies;
- watches the main process from a daemon thread, through a pidfd (Linux 5.3+, immune
  to pid reuse) or by polling its pid elsewhere, and exits at once when it is gone;
- ignores SIGINT: Ctrl-C reaches the whole process group, and the main process, which
  decides what an interrupt means, stops the workers itself.

With its workers gone, the forkserver and the resource tracker see their pipes close
and exit on their own.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import select
import signal
import sys
import threading
from collections.abc import Callable

__all__ = ["POLL_SECONDS", "watch_parent", "worker_init"]

POLL_SECONDS = 0.5
_PR_SET_PDEATHSIG = 1


def _death_signal() -> None:
    """SIGKILL when the parent thread (the forkserver) dies; Linux only, else nothing."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _watch(pid: int, pidfd: int | None) -> None:
    if pidfd is not None:
        # Readable once the process has exited.
        select.select([pidfd], [], [])
    else:
        while not _gone(pid):
            threading.Event().wait(POLL_SECONDS)
    os._exit(1)


def watch_parent(pid: int) -> None:
    """Exit this process as soon as process ``pid`` ends (a daemon thread watches)."""
    pidfd: int | None = None
    try:
        pidfd = os.pidfd_open(pid)
    except ProcessLookupError:
        os._exit(1)  # gone before we started watching
    except (AttributeError, OSError):
        pidfd = None  # not Linux, or a kernel before 5.3: poll instead
    threading.Thread(target=_watch, args=(pid, pidfd), daemon=True, name="lifeline").start()


def worker_init(parent: int, then: Callable[[], None] | None = None) -> None:
    """Initializer of every worker process of :class:`LocalProcessExecutor`; ``then`` is
    the executor's own initializer, if any."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _death_signal()
    watch_parent(parent)
    if then is not None:
        then()
