"""The model's dated actions, held on Mesa's event list as plain data (docs/model.md §5.3).

Every scheduled change, campaign window, offer window, tier review and points expiry
is an :class:`Entry`: an action name, its arguments and, for recurring actions, an
interval. Mesa's event list orders and fires them (``model.time`` stays the one clock);
the calendar keeps the entries alive (Mesa holds callbacks weakly) and can list what is
pending as plain data, so that a snapshot can put the very same events back, in the
same order, on a restored model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import mesa
from mesa.time import Priority

Handler = Callable[..., None]


@dataclass(eq=False)
class Entry:
    """One pending action: ``handlers[action](*args)`` at ``time``, then every ``every``."""

    calendar: Calendar
    action: str
    args: tuple[Any, ...]
    every: float | None
    event: Any = field(default=None, repr=False)

    def fire(self) -> None:
        cal = self.calendar
        cal._pending.pop(id(self), None)
        cal.dispatch(self.action, *self.args)
        if self.every is not None:
            # As Mesa's recurring events: the next occurrence is booked after this one ran.
            cal._book(self, cal.model.time + self.every)


class Calendar:
    """Dated actions of one model, dispatched by name.

    Parameters
    ----------
    model
        The Mesa model whose event list holds the events.
    dispatch
        ``dispatch(action, *args)`` runs an action; the model maps names to the
        component that owns them (a programme introduced mid-run included).
    """

    def __init__(self, model: mesa.Model, dispatch: Callable[..., None]) -> None:
        self.model = model
        self.dispatch = dispatch
        self._pending: dict[int, Entry] = {}

    def at(self, time: float, action: str, *args: Any, every: float | None = None) -> Entry:
        """Run ``action`` at ``time`` (and every ``every`` days after, if given)."""
        entry = Entry(self, action, tuple(args), every)
        self._book(entry, time)
        return entry

    def _book(self, entry: Entry, time: float) -> None:
        entry.event = self.model.schedule_event(entry.fire, at=time, priority=Priority.DEFAULT)
        self._pending[id(entry)] = entry

    def cancel(self, action: str, *args: Any) -> int:
        """Cancel every pending ``action`` with these arguments; returns how many."""
        hits = [e for e in self._pending.values() if e.action == action and e.args == args]
        for e in hits:
            e.event.cancel()
            self._pending.pop(id(e), None)
        return len(hits)

    def cancel_all(self, action: str) -> int:
        """Cancel every pending ``action``, whatever its arguments."""
        hits = [e for e in self._pending.values() if e.action == action]
        for e in hits:
            e.event.cancel()
            self._pending.pop(id(e), None)
        return len(hits)

    def find(self, action: str) -> list[Entry]:
        """Pending entries of ``action``, in firing order."""
        return [e for e in self._ordered() if e.action == action]

    def next_time(self, action: str) -> float | None:
        """When the next pending ``action`` fires (``None`` if none is pending)."""
        times = [e.event.time for e in self._pending.values() if e.action == action]
        return min(times) if times else None

    def _ordered(self) -> list[Entry]:
        return sorted(
            self._pending.values(),
            key=lambda e: (e.event.time, e.event.priority, e.event.unique_id),
        )

    def pending(self) -> list[dict[str, Any]]:
        """What is still to come, as plain data in firing order (for snapshots)."""
        return [
            {"time": e.event.time, "action": e.action, "args": list(e.args), "every": e.every}
            for e in self._ordered()
        ]

    def restore(self, entries: list[dict[str, Any]]) -> None:
        """Book the entries of :meth:`pending` again, in the same order."""
        for item in entries:
            self.at(item["time"], item["action"], *item["args"], every=item["every"])
