"""What a stage receives: the day, the state, the parameters, the streams and the books.

The model owns one :class:`DayContext` and hands it to every stage of the day
(docs/model.md §3). A stage reads and writes the population's columns and the day's
flows through it and never reaches into the model itself, so a stage can be read,
tested and replaced on its own (after vivarium's components and SimPy's small core).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from simulator.engine.flows import DayFlows, RunTotals

if TYPE_CHECKING:
    from simulator.config.schema import Scenario
    from simulator.engine.calendar import Calendar
    from simulator.engine.firms import Competitor, FocalFirm
    from simulator.engine.interfaces import MembersLike, OffersLike, ProgrammeLike
    from simulator.engine.state import Population
    from simulator.engine.streams import Streams
    from simulator.market.desk import ComplaintDesk
    from simulator.market.network import SocialNetwork
    from simulator.metrics.recorder import MetricsRecorder

_EMPTY_ROWS = np.zeros(0, dtype=np.int64)


@dataclass
class RunLog:
    """What a run keeps beside the customers' columns, for the summary and analyses.

    Attributes
    ----------
    events
        ``(day, label)`` of every scheduled change, campaign and offer window.
    recoveries
        Recovered first failures: (day, customers, S before the failure).
    waits
        Waiting times at the complaint desk, one array per day.
    talk_by_class
        Speakers with a recent visit by NPS class (detractor, passive, promoter):
        how many talked and how many there were (stylized fact 6).
    transactions
        (customers, day, firm, spend) of each day's purchases, if recorded.
    cohort_start
        The retention cohort: active at the start, or at entry for later entrants.
    """

    events: list[tuple[int, str]] = field(default_factory=list)
    recoveries: list[tuple[int, np.ndarray, np.ndarray]] = field(default_factory=list)
    waits: list[np.ndarray] = field(default_factory=list)
    talk_by_class: np.ndarray = field(default_factory=lambda: np.zeros((3, 2)))
    transactions: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] | None = None
    cohort_start: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))


@dataclass
class MarketConstants:
    """What stays fixed once the model is built (docs/model.md §3.1-3.2, §10).

    ``asc`` are the alternative-specific constants of store choice, calibrated once;
    ``base_occasion`` each customer's daily occasion probability at its base rate;
    ``has_entrants`` whether anyone enters after day 0 with a trial purchase that day (a
    cohort, or new customers), whose entry day then has no other occasion;
    ``reference_quality`` the baseline's quality, which the cost of goods pays for;
    ``entry_rate`` people entering the category per day in the reported window, and
    ``reserve`` the rows kept for them (``first``, ``last``).
    """

    asc: np.ndarray
    base_occasion: np.ndarray
    has_entrants: bool
    reference_quality: float = 0.0
    entry_rate: float = 0.0
    reserve: tuple[int, int] = (0, 0)


@dataclass
class DayContext:
    """The model as a stage sees it: components, state, and today's scratch values.

    ``day`` is the day being simulated (``model.time`` during the step). ``config`` is
    the live scenario: scheduled changes replace it. The fields under "today" are reset
    at the start of each day and carry values from one stage to the next (who has an
    occasion, which store they chose).
    """

    config: Scenario
    pop: Population
    streams: Streams
    focal: FocalFirm
    competitors: list[Competitor]
    offers: OffersLike
    desk: ComplaintDesk
    network: SocialNetwork | None
    programme: ProgrammeLike
    constants: MarketConstants
    metrics: MetricsRecorder
    totals: RunTotals
    log: RunLog
    calendar: Calendar
    # The firm's membership systems (docs/model.md §11); set by the model.
    members: MembersLike = None  # type: ignore[assignment]
    day: int = 0
    # Day 0 of the reported window (the end of the warm-up): scenario-dated actions
    # fall on report_start + their day, and outputs count days from it (§10).
    report_start: int = 0
    # Category entry: the next reserve row, and the exits of the last days (warm-up).
    entry_cursor: int = 0
    recent_exits: list[float] = field(default_factory=list)
    # today
    flows: DayFlows = field(default_factory=DayFlows)
    occasion_key: np.uint64 = np.uint64(0)
    transition_key: np.uint64 = np.uint64(0)
    occasion_rows: np.ndarray = field(default_factory=lambda: _EMPTY_ROWS)
    choice_uniform: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    chosen: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8))

    @property
    def firms(self) -> list[FocalFirm | Competitor]:
        """Every firm, the focal one first (column order of per-firm arrays)."""
        return [self.focal, *self.competitors]

    def discount(self, day: int | None = None) -> float:
        """Discount factor of money on ``day`` (default today), at ``run.discount_rate``,
        from the start of the reported window."""
        d = (self.day if day is None else day) - self.report_start
        return float((1.0 + self.config.run.discount_rate) ** (-d / 365.0))

    @property
    def reported_day(self) -> int:
        """Today counted from the start of the reported window (day 0)."""
        return self.day - self.report_start

    def new_day(self, day: int) -> None:
        """Start ``day``: fresh flows and today's stream keys."""
        self.day = day
        self.flows = DayFlows()
        # Two counter-based uniforms per customer-day, drawn only where a rule needs
        # them: the purchase occasion (and store choice), and the transition. Defection
        # (active), win-back (lapsed) and awareness (prospects) act on disjoint
        # customers, so one uniform serves all three transitions.
        self.occasion_key = self.streams.key("occasion", day)
        self.transition_key = self.streams.key("transition", day)
        self.occasion_rows = _EMPTY_ROWS
