"""A Dask distributed cluster behind the :class:`~simulator.experiment.executor.Executor`
interface: ``client.map`` and ``as_completed``, nothing else.

The cluster is the user's (``--scheduler tcp://host:8786`` or ``--scheduler-file``:
SLURM through dask-jobqueue, Kubernetes through the Dask operator; docs/sweeps.md):
this process only submits points and collects results, and writes every file itself.
A point whose worker died or raised comes back as a :class:`TaskError`, as with local
processes. Cancelling on abort stops the queue; a cluster's workers are not ours to kill.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from simulator.errors import UsageError
from simulator.experiment.executor import Executor, TaskError

__all__ = ["DaskExecutor"]


def _address_in(scheduler_file: str) -> str:
    """The scheduler's address from its file (Dask would wait for a missing one for ever)."""
    import json

    try:
        data = json.loads(Path(scheduler_file).read_text(encoding="utf-8"))
        address = data["address"]
    except FileNotFoundError:
        raise UsageError(
            f"cannot reach the Dask scheduler: {scheduler_file} does not exist (start the "
            "scheduler first; it writes the file)"
        ) from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(
            f"cannot reach the Dask scheduler: {scheduler_file} is not a scheduler file ({exc})"
        ) from None
    if not isinstance(address, str):
        raise UsageError(f"cannot reach the Dask scheduler: no address in {scheduler_file}")
    return address


# Dask workers sample the running task's stack every 10 ms (distributed.worker.profile).
# For a sweep's long, GIL-holding points that costs about a fifth of each point's CPU
# (measured: 6.0 s against 5.0 s a point at 2,000 customers), so the sweep stops it.
PROFILER_CALLBACKS = ("profile", "profile-cycle")


def stop_profiler(dask_worker: Any) -> int:
    """Stop a worker's statistical profiler; run on each worker through ``client.run``.

    Returns the number of callbacks stopped (0 if the worker was started with
    ``distributed.worker.profile.enabled: False``).
    """
    stopped = 0
    for name in PROFILER_CALLBACKS:
        callback = dask_worker.periodic_callbacks.pop(name, None)
        if callback is not None:
            callback.stop()
            stopped += 1
    return stopped


class DaskExecutor(Executor):
    """Tasks on a Dask cluster.

    On connecting it stops the statistical profiler of the workers present
    (:func:`stop_profiler`); workers added later keep theirs unless started with
    ``DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False`` (docs/sweeps.md).

    Parameters
    ----------
    client
        A connected ``distributed.Client`` (a test's ``LocalCluster`` too).
    own
        Close the client with the executor (it was opened from an address here).
    """

    def __init__(self, client: Any, *, own: bool = False) -> None:
        self.client = client
        self._own = own
        self._futures: list[Any] = []
        try:
            client.run(stop_profiler)
        except Exception:  # noqa: BLE001, S110 - a speed-up only; the sweep runs without it
            pass
        info = client.scheduler_info()
        workers = info.get("workers", {})
        self.workers = max(1, sum(int(w.get("nthreads", 1)) for w in workers.values()))

    @classmethod
    def connect(
        cls, address: str | None = None, *, scheduler_file: str | None = None
    ) -> DaskExecutor:
        """Connect to a running scheduler; one line if it cannot be reached."""
        try:
            from distributed import Client
        except ImportError:  # pragma: no cover - distributed is a dependency
            raise UsageError("--scheduler needs the 'distributed' package") from None
        if scheduler_file is not None:
            address = _address_in(scheduler_file)
        try:
            client = Client(address, timeout="10s")
        except (OSError, TimeoutError, ValueError) as exc:
            where = scheduler_file or address
            raise UsageError(f"cannot reach the Dask scheduler at {where}: {exc}") from None
        return cls(client, own=True)

    def map_unordered[T, R](
        self, fn: Callable[[T], R], tasks: Iterable[T]
    ) -> Iterator[tuple[T, R | TaskError]]:
        """Yield ``(task, fn(task))`` as the cluster finishes them."""
        from distributed import as_completed

        tasks = list(tasks)
        if not tasks:
            return
        # pure=False: two points with equal values are still two tasks.
        futures = self.client.map(fn, tasks, pure=False)
        self._futures = futures
        owner = {f.key: task for f, task in zip(futures, tasks, strict=True)}
        for future in as_completed(futures):
            task = owner[future.key]
            try:
                result = future.result()
            except Exception as exc:  # noqa: BLE001 - a raised task or a lost worker
                yield task, TaskError.from_exception(exc)
            else:
                yield task, result
            future.release()
        self._futures = []

    def close(self) -> None:
        """Close the client if it was opened here."""
        if self._own:
            self.client.close()

    def abort(self) -> None:
        """Cancel what is still queued, then close."""
        if self._futures:
            try:
                self.client.cancel(self._futures)
            except Exception:  # noqa: BLE001, S110 - best effort on the way out
                pass
        self._futures = []
        self.close()
