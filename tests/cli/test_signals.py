"""SIGTERM is Ctrl-C, and an interrupted run is not reported as a failure (issue 17,
items 1 and 18)."""

from __future__ import annotations

import os
import signal
import time

from simulator.cli import signals
from simulator.cli.compare import _on_failure
from simulator.cli.console import INTERRUPTED
from simulator.errors import RunError
from simulator.experiment.results import Failure
from tests.cli.helpers import COFFEE, TINY, cli


def _signal_during_run(sig):
    def run(*a, **k):
        os.kill(os.getpid(), sig)
        time.sleep(5)  # the handler interrupts this
        raise AssertionError("not interrupted")

    return run


def test_sigterm_stops_run_like_ctrl_c(monkeypatch, tmp_path):
    monkeypatch.setattr("simulator.experiment.run.run", _signal_during_run(signal.SIGTERM))
    code, out, err = cli("run", COFFEE, *TINY, "--out", tmp_path / "o")
    assert (code, err.strip()) == (143, "loyalty-sim: interrupted; nothing was written")
    assert not (tmp_path / "o").exists()
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL, "the handler is put back"


def test_an_ignored_signal_stays_ignored():
    old = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        with signals.interrupts():
            assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
            assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    finally:
        signal.signal(signal.SIGHUP, old)


def test_failure_after_an_interrupt_is_the_interrupt(monkeypatch):
    # Ctrl-C inside a numba kernel comes back as "SystemError: ... returned a result
    # with an exception set", which the run wraps as its failure.
    def run(*a, **k):
        INTERRUPTED.set()
        raise RunError("SystemError: CPUDispatcher(census) returned a result with an "
                       "exception set", scenario="c", strategy="s", seed=1)  # fmt: skip

    monkeypatch.setattr("simulator.experiment.run.run", run)
    code, _, err = cli("run", COFFEE, *TINY)
    assert (code, err.strip()) == (130, "loyalty-sim: interrupted; nothing was written")


def test_compare_does_not_warn_about_an_interrupted_replication():
    INTERRUPTED.set()
    try:
        failure = Failure("s", 0, 1, "SystemError: CPUDispatcher(...) returned a result")
        try:
            _on_failure(failure)
        except KeyboardInterrupt:
            pass
        else:
            raise AssertionError("expected the interrupt to stop the comparison")
    finally:
        INTERRUPTED.clear()
