"""How tasks run, kept apart from what they are (EMA Workbench ``evaluators.py``).

An :class:`Executor` maps a picklable function over tasks and yields ``(task,
outcome)`` as each finishes. The outcome is what the function returned, or a
:class:`TaskError` when it raised or its worker died: one task's failure never sinks the
others. Executors differ only in where the tasks run, so they cannot change a result;
callers key outcomes by task and never rely on the order they arrive in.

- :class:`SerialExecutor`: every task in this process, in order.
- :class:`LocalProcessExecutor`: ``jobs - 1`` worker processes, plus this process
  taking tasks from the same queue.

A cluster executor (Dask's ``client.map`` and ``as_completed``) implements the same
:meth:`Executor.map_unordered`.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import traceback
import weakref
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from queue import Empty, SimpleQueue
from types import TracebackType
from typing import Any, Self

from simulator.experiment.lifeline import worker_init

__all__ = ["Executor", "LocalProcessExecutor", "SerialExecutor", "TaskError"]


@dataclass(frozen=True)
class TaskError:
    """A task that returned nothing: why, for the caller to record against the task."""

    message: str
    traceback: str = ""

    @classmethod
    def from_exception(cls, exc: BaseException, prefix: str = "") -> TaskError:
        """``prefix`` + ``Type: message``, with the formatted traceback."""
        return cls(f"{prefix}{type(exc).__name__}: {exc}", "".join(traceback.format_exception(exc)))


def call[T, R](fn: Callable[[T], R], task: T) -> R | TaskError:
    """``fn(task)``, an exception coming back as a :class:`TaskError`.

    Only ``Exception``: Ctrl-C and ``SystemExit`` in this process stop the whole map.
    """
    try:
        return fn(task)
    except Exception as exc:  # noqa: BLE001 - one bad task must not sink the others
        return TaskError.from_exception(exc)


class Executor(ABC):
    """Runs a function over tasks somewhere; a context manager that releases its workers.

    Attributes
    ----------
    workers
        How many tasks run at once (recorded in a comparison's metadata).
    """

    workers: int = 1

    @abstractmethod
    def map_unordered[T, R](
        self, fn: Callable[[T], R], tasks: Iterable[T]
    ) -> Iterator[tuple[T, R | TaskError]]:
        """Yield ``(task, fn(task))`` for every task, in the order they finish.

        ``fn`` and the tasks must be picklable (module-level function, plain data) for
        executors that run elsewhere.
        """

    def close(self) -> None:  # noqa: B027 - an executor with no workers has nothing to do
        """Release the workers, waiting for them."""

    def abort(self) -> None:
        """Stop handing out tasks and release the workers without waiting."""
        self.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


class SerialExecutor(Executor):
    """Every task in this process, one after the other (``--jobs 1``)."""

    def map_unordered[T, R](
        self, fn: Callable[[T], R], tasks: Iterable[T]
    ) -> Iterator[tuple[T, R | TaskError]]:
        """Yield ``(task, fn(task))`` in task order."""
        for task in tasks:
            yield task, call(fn, task)


_FEEDER_DONE = object()


def _context() -> multiprocessing.context.BaseContext:
    # Set per pool, never globally: a library must not change the caller's start
    # method. forkserver/spawn give clean workers (no copied threads or locks).
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


class LocalProcessExecutor(Executor):
    """``jobs - 1`` worker processes, and this process taking tasks too.

    This process has its imports done and its kernels compiled, so it takes tasks from
    the same queue as the workers while they start (about 1.5 s each): with 2 jobs on 2
    cores that start-up is otherwise a sizeable share of a comparison. One thread per
    worker hands it the next task when it finishes the last, so no one idles while tasks
    remain. A worker that dies (``SystemExit``, killed for memory) costs only the task
    it held; after a killed worker breaks the pool, this process runs the rest.

    Parameters
    ----------
    jobs
        Tasks at once, this process included (at least 2; use :class:`SerialExecutor`
        for 1).
    initializer
        A picklable function each worker runs once before its first task (the CLI sets
        numpy's floating-point errors to raise there, as in this process).
    """

    def __init__(self, jobs: int, *, initializer: Callable[[], None] | None = None) -> None:
        if jobs < 2:
            raise ValueError(f"jobs must be >= 2 for worker processes, got {jobs}")
        self.workers = jobs
        self._initializer = initializer
        self._pool: ProcessPoolExecutor | None = None
        self._stop = threading.Event()

    def map_unordered[T, R](
        self, fn: Callable[[T], R], tasks: Iterable[T]
    ) -> Iterator[tuple[T, R | TaskError]]:
        """Yield ``(task, fn(task))`` as workers and this process finish them."""
        queue = deque(tasks)
        lock = threading.Lock()
        finished: SimpleQueue[Any] = SimpleQueue()
        broken = threading.Event()
        self._stop.clear()
        if self._pool is None:
            # Each worker dies with this process, however it ends (issue 17, item 1).
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers - 1,
                mp_context=_context(),
                initializer=worker_init,
                initargs=(os.getpid(), self._initializer),
            )
            weakref.finalize(self, _terminate, self._pool)
        pool = self._pool

        def take() -> T | None:
            with lock:
                return queue.popleft() if queue and not self._stop.is_set() else None

        def feed() -> None:
            try:
                while (task := take()) is not None:
                    try:
                        outcome = pool.submit(fn, task).result()
                    except BrokenProcessPool as exc:
                        failed = TaskError.from_exception(exc, "worker process failed: ")
                        finished.put((task, failed))
                        broken.set()
                        return  # a worker was killed: this process runs the rest
                    except Exception as exc:  # noqa: BLE001 - raised by fn, as in call()
                        finished.put((task, TaskError.from_exception(exc)))
                        continue
                    # A worker's SystemExit or KeyboardInterrupt comes back here (signals
                    # reach only the main thread) and must not lose the task.
                    except BaseException as exc:  # noqa: BLE001
                        failed = TaskError.from_exception(exc, "worker process failed: ")
                        finished.put((task, failed))
                        continue
                    finished.put((task, outcome))
            finally:
                finished.put(_FEEDER_DONE)

        feeders = [
            threading.Thread(target=feed, daemon=True, name=f"executor-feed-{i}")
            for i in range(self.workers - 1)
        ]
        for thread in feeders:
            thread.start()
        running = len(feeders)
        completed = False
        try:
            while (task := take()) is not None:
                yield task, call(fn, task)
                # Hand on what the workers finished meanwhile, so progress stays current.
                while running:
                    try:
                        item = finished.get_nowait()
                    except Empty:
                        break
                    if item is _FEEDER_DONE:
                        running -= 1
                    else:
                        yield item
            while running:
                item = finished.get()
                if item is _FEEDER_DONE:
                    running -= 1
                else:
                    yield item
            completed = True
        finally:
            if not completed:
                # Ctrl-C here, or the caller stopped reading: workers take no new task.
                self._stop.set()
        if broken.is_set():
            # A broken pool takes no more tasks: the next map starts a fresh one.
            self._pool = None
            pool.shutdown(wait=False)

    def close(self) -> None:
        """Shut the worker processes down, waiting for them."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    def abort(self) -> None:
        """Hand out no more tasks, cancel queued ones, and stop the workers now.

        A worker in the middle of a run is terminated rather than awaited: after Ctrl-C
        nobody wants its result, and waiting would keep the command alive for as long
        as that run takes.
        """
        self._stop.set()
        pool, self._pool = self._pool, None
        if pool is not None:
            _terminate(pool)


def _terminate(pool: ProcessPoolExecutor) -> None:
    """Cancel a pool's queue and end its worker processes (SIGTERM, then SIGKILL)."""
    # _processes is private to concurrent.futures (3.14 adds terminate_workers()).
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=2)
        if process.is_alive():
            process.kill()
            process.join(timeout=2)
