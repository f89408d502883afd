"""The complaint-handling desk: a SimPy model advanced in lock-step with the Mesa clock.

Complaints arrive through the day, queue for one of ``staff`` handlers and take an
exponential service time; the chance of a timely resolution falls with the wait, and a
late or unresolved complaint is a double deviation (MODEL.md 5.2). SimPy owns no
randomness: every draw comes from a numpy generator passed in by the model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import simpy


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
        self.env = simpy.Environment(initial_time=start_time)
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
            self.env.process(self._complaint(c, t, s))
        self.complaints_received += customers.size

    def _complaint(self, customer: int, arrival: float, service: float):
        yield self.env.timeout(max(arrival - self.env.now, 0.0))
        self._waiting += 1
        request = self.handlers.get()
        lapse = None
        if not request.triggered:
            # Queued: a complaint still waiting when the service level lapses has failed
            # the customer (a double deviation) there and then, though it is handled
            # later. A timer with a callback, not ``request | lapse``: a condition event
            # per complaint was most of the desk's cost.
            lapse = self.env.timeout(self.service_level, value=(customer, arrival, request))
            lapse.callbacks.append(self._lapsed)
        token = yield request
        # The lapse callback ran first exactly when it recorded the failure.
        decided = lapse is not None and lapse.processed
        self._waiting -= 1
        self._serving += 1
        waited = self.env.now - arrival
        self._waits.append(waited)
        yield self.env.timeout(service)
        self._serving -= 1
        if self._to_retire:
            self._to_retire -= 1
        else:
            self.handlers.put(token)
        if not decided:
            self._done.append((self.env.now, customer, arrival, waited, service))

    def _lapsed(self, event: simpy.Timeout) -> None:
        customer, arrival, request = event.value
        if not request.processed:
            self._done.append((self.env.now, customer, arrival, self.service_level, np.inf))

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
            self.env.run(until=until)
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
