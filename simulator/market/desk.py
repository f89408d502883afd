"""The complaint-handling desk: a SimPy model advanced in lock-step with the Mesa clock.

Complaints arrive through the day, queue for one of ``staff`` handlers and take an
exponential service time; the chance of a timely resolution falls with the wait, and a
late or unresolved complaint is a double deviation (docs/model.md §5.2). SimPy owns no
randomness: every draw comes from a numpy generator passed in by the model.
"""

from __future__ import annotations

import functools
import itertools
import typing
from dataclasses import dataclass, field
from heapq import heappush
from typing import Any

import numpy as np
import simpy
from simpy.events import NORMAL


class DeskEnvironment(simpy.Environment):
    """A SimPy environment that can also book an event at an absolute time.

    ``env.timeout(t - env.now)`` lands on ``env.now + (t - env.now)``, which need not
    be ``t`` in floating point; a restored desk must put each pending timer back at the
    very float it had, so that a restored run stays byte-identical.
    """

    def schedule_at(self, event: simpy.Event, at: float, priority: int = NORMAL) -> None:
        # SimPy's own Environment.schedule with the time given, not the delay.
        queue: list[Any] = self._queue
        heappush(queue, (at, priority, next(self._eid), event))

    def run_until(self, until: float) -> None:
        """Process every event before ``until`` and set the clock to it: what
        ``run(until=until)`` does, without the stop event and the exception that end
        it, which were a fixed cost of every day."""
        while self.peek() < until:
            self.step()
        self._now = until


class At(simpy.Event):
    """An event triggered at the absolute time ``at`` (like a ``Timeout``)."""

    def __init__(self, env: DeskEnvironment, at: float, value: Any = None) -> None:
        super().__init__(env)
        self._ok = True
        self._value = value
        env.schedule_at(self, at)


# The request of a complaint served on arrival by a free handler, with no store event.
_SERVED_AT_ONCE = object()


@dataclass(eq=False)
class _Case:
    """One complaint's course through the desk (what a snapshot keeps of it)."""

    key: int
    customer: int
    arrival: float
    service: float
    arrive_at: float | None = None  # when the arrival timer fires
    lapse_at: float | None = None  # when the service level lapses, if it queued
    lapsed: bool = False  # the lapse fired first: decided as a failure
    waited: float = 0.0
    end_at: float | None = None  # when its handling ends, once served
    request: Any = field(default=None, repr=False)
    token: Any = field(default=None, repr=False)


@dataclass(frozen=True)
class Resolution:
    """Complaints that finished service during one advance, as parallel arrays."""

    customer: np.ndarray
    arrived: np.ndarray
    waited: np.ndarray
    resolved: np.ndarray


class ComplaintDesk:
    """A pool of handlers serving complaints first come, first served.

    Handlers are tokens in a :class:`simpy.Store`: a complaint takes a token to be
    served and returns it afterwards. Unlike a ``simpy.Resource``, whose capacity is
    fixed, tokens can be added or retired when staffing changes on a scheduled date.
    """

    def __init__(
        self,
        *,
        staff: int,
        mean_service_days: float,
        service_level_days: float,
        base_success: float = 0.6,
        start_time: float = 0.0,
    ) -> None:
        if mean_service_days <= 0:
            raise ValueError(f"mean_service_days(={mean_service_days}) must be > 0")
        self.env = DeskEnvironment(initial_time=start_time)
        self.handlers = simpy.Store(self.env)
        self.mean_service = mean_service_days
        self.service_level = service_level_days
        self.base_success = base_success
        self.staff = 0
        self._to_retire = 0
        self._waiting = 0
        self._serving = 0
        self.complaints_received = 0
        self._done: list[tuple[float, int, float, float, float]] = []
        self._waits: list[float] = []
        self._cases: dict[int, _Case] = {}
        self._keys = itertools.count()
        self.set_staff(staff)

    @property
    def now(self) -> float:
        return float(self.env.now)

    @property
    def queue_length(self) -> int:
        """Complaints waiting for a handler."""
        return self._waiting

    @property
    def in_service(self) -> int:
        """Complaints being handled."""
        return self._serving

    def set_staff(self, staff: int) -> None:
        """Change the number of handlers from now on (retired handlers finish their case)."""
        if staff < 0:
            raise ValueError(f"staff(={staff}) must be >= 0")
        delta = staff - self.staff
        if delta > 0:
            cancel = min(delta, self._to_retire)
            self._to_retire -= cancel
            for _ in range(delta - cancel):
                self.handlers.put(object())
        elif delta < 0:
            drop = -delta
            while drop and self.handlers.items:
                self.handlers.items.pop()
                drop -= 1
            self._to_retire += drop
        self.staff = staff

    def submit(
        self,
        customers: np.ndarray,
        arrival_times: np.ndarray,
        rng: np.random.Generator,
        *,
        service_times: np.ndarray | None = None,
    ) -> None:
        """Complaints arriving at ``arrival_times`` (>= the desk's clock)."""
        customers = np.asarray(customers, dtype=np.int64)
        arrival_times = np.asarray(arrival_times, dtype=np.float64)
        if arrival_times.size and arrival_times.min() < self.now - 1e-9:
            raise ValueError(
                f"arrival time(={arrival_times.min():g}) must not be before the desk's "
                f"clock (={self.now:g})"
            )
        if service_times is None:
            service_times = rng.exponential(self.mean_service, customers.size)
        for c, t, s in zip(
            customers.tolist(),
            arrival_times.tolist(),
            np.asarray(service_times).tolist(),
            strict=True,
        ):
            case = _Case(next(self._keys), c, t, s)
            self._cases[case.key] = case
            # The float SimPy would schedule a timeout of the delay at.
            case.arrive_at = self.env.now + max(case.arrival - self.env.now, 0.0)
            At(self.env, case.arrive_at, value=case).callbacks.append(self._arrived)
        self.complaints_received += customers.size

    # A complaint's course is a chain of SimPy events with callbacks: arrival, a handler
    # token from the store (at once, or when one is put back), the end of its handling.
    # A process per complaint ran the same chain with two more events and a generator
    # frame each, which was most of the desk's cost.

    def _arrived(self, event: simpy.Event) -> None:
        case = typing.cast(_Case, event.value)
        self._waiting += 1
        self._request(case, None)

    def _request(self, case: _Case, lapse_at: float | None) -> None:
        store = self.handlers
        if store.items and not store.get_queue and lapse_at is None:
            # A free handler and no one waiting: the store's get would succeed at once
            # and be processed at this same time; take the handler now (one event less).
            case.request = _SERVED_AT_ONCE
            self._start(case, store.items.pop(0))
            return
        request = store.get()
        case.request = request
        if lapse_at is not None:
            # A restored queued complaint keeps its timer at the very same time.
            lapse: simpy.Event | None = At(self.env, lapse_at, value=(case, request))
        elif not request.triggered and not case.lapsed:
            # Queued: a complaint still waiting when the service level lapses has failed
            # the customer (a double deviation) there and then, though it is handled
            # later. A timer with a callback, not ``request | lapse``: a condition event
            # per complaint cost more than the rest of the desk.
            case.lapse_at = self.env.now + self.service_level
            lapse = self.env.timeout(self.service_level, value=(case, request))
        else:
            lapse = None
        if lapse is not None:
            lapse.callbacks.append(self._lapsed)
        request.callbacks.append(functools.partial(self._serve, case))

    def _serve(self, case: _Case, request: simpy.Event) -> None:
        # The lapse callback ran first exactly when it recorded the failure.
        self._start(case, request.value)

    def _start(self, case: _Case, token: Any) -> None:
        self._waiting -= 1
        self._serving += 1
        case.waited = self.env.now - case.arrival
        self._waits.append(case.waited)
        case.end_at = self.env.now + case.service
        case.token = token
        self.env.timeout(case.service, value=case).callbacks.append(self._served)

    def _served(self, event: simpy.Event) -> None:
        self._finish(typing.cast(_Case, event.value))

    def _finish(self, case: _Case) -> None:
        self._serving -= 1
        if self._to_retire:
            self._to_retire -= 1
        elif self.handlers.get_queue:
            self.handlers.put(case.token)  # its event hands the token to the next in line
        else:
            # No one waiting: the put would only add the token to the store.
            self.handlers.items.append(case.token)
        if not case.lapsed:
            self._done.append(
                (self.env.now, case.customer, case.arrival, case.waited, case.service)
            )
        del self._cases[case.key]

    def _lapsed(self, event: simpy.Event) -> None:
        case, request = typing.cast(tuple[_Case, Any], event.value)
        if not request.processed:
            case.lapsed = True
            self._done.append(
                (self.env.now, case.customer, case.arrival, self.service_level, np.inf)
            )

    def drain_waits(self) -> np.ndarray:
        """Queueing times of complaints that reached a handler since the last call."""
        out = np.asarray(self._waits, dtype=np.float64)
        self._waits = []
        return out

    def advance(self, until: float, rng: np.random.Generator) -> Resolution:
        """Run the desk to ``until``; outcomes of complaints finished (or lapsed) meanwhile.

        A complaint is decided once: when its handling ends, or when it has waited for
        the whole service level (then ``resolved`` is False and ``waited`` is the level).
        """
        if until < self.now:
            raise ValueError(
                f"until(={until:g}) must not be before the desk's clock (={self.now:g})"
            )
        if until > self.now:
            self.env.run_until(until)
        done = sorted(self._done)  # by completion time, then customer: a deterministic order
        self._done = []
        if not done:
            e = np.zeros(0)
            return Resolution(np.zeros(0, np.int64), e, e.copy(), np.zeros(0, bool))
        _, cust, arrived, waited, service = (np.array(x) for x in zip(*done, strict=True))
        success = self.base_success * np.exp(-waited / self.service_level)
        late = waited + service > self.service_level
        resolved = (rng.random(cust.size) < success) & ~late
        return Resolution(cust.astype(np.int64), arrived, waited, resolved)

    # ------------------------------------------------------------------ snapshots

    def snapshot(self) -> dict[str, Any]:
        """The desk as plain data: the clock, handlers, and each open complaint.

        Queued complaints are listed in the order they wait for a handler; pending
        timers keep their absolute times, so a restored desk runs on identically.
        """

        def plain(case: _Case) -> dict[str, Any]:
            return {
                "customer": case.customer,
                "arrival": case.arrival,
                "service": case.service,
                "arrive_at": case.arrive_at,
                "lapse_at": case.lapse_at,
                "lapsed": case.lapsed,
                "waited": case.waited,
                "end_at": case.end_at,
            }

        by_request = {id(c.request): c for c in self._cases.values() if c.request is not None}
        return {
            "now": self.now,
            "staff": self.staff,
            "free": len(self.handlers.items),
            "to_retire": self._to_retire,
            "waiting": self._waiting,
            "serving": self._serving,
            "received": self.complaints_received,
            "mean_service": self.mean_service,
            "service_level": self.service_level,
            "base_success": self.base_success,
            "arriving": [plain(c) for c in self._cases.values() if c.request is None],
            "queued": [plain(by_request[id(g)]) for g in self.handlers.get_queue],
            "serving_cases": [plain(c) for c in self._cases.values() if c.end_at is not None],
            "done": list(self._done),
            "waits": list(self._waits),
        }

    @classmethod
    def from_snapshot(cls, data: dict[str, Any]) -> ComplaintDesk:
        """A desk that carries on exactly where :meth:`snapshot` left off."""
        desk = cls(
            staff=0,
            mean_service_days=data["mean_service"],
            service_level_days=data["service_level"],
            base_success=data["base_success"],
            start_time=data["now"],
        )
        desk.staff = data["staff"]
        desk._to_retire = data["to_retire"]
        desk._waiting = data["waiting"]
        desk._serving = data["serving"]
        desk.complaints_received = data["received"]
        desk._done = [tuple(d) for d in data["done"]]
        desk._waits = list(data["waits"])
        for _ in range(data["free"]):
            desk.handlers.items.append(object())

        def case(item: dict[str, Any]) -> _Case:
            c = _Case(next(desk._keys), item["customer"], item["arrival"], item["service"])
            for name in ("arrive_at", "lapse_at", "lapsed", "waited", "end_at"):
                setattr(c, name, item[name])
            desk._cases[c.key] = c
            return c

        for item in data["serving_cases"]:
            c = case(item)
            c.token = object()
            assert c.end_at is not None
            At(desk.env, c.end_at, value=c).callbacks.append(desk._served)
        for item in data["queued"]:
            c = case(item)
            desk._request(c, c.lapse_at if not c.lapsed else None)
        for item in data["arriving"]:
            c = case(item)
            assert c.arrive_at is not None
            At(desk.env, c.arrive_at, value=c).callbacks.append(desk._arrived)
        return desk
