"""The Mesa model: a clock, the state, and a day of stages (docs/model.md §3, §5.3).

``model.time`` (days) is the one clock. Day ``d`` is simulated by the Mesa step that
runs at ``time == d``; scheduled changes, campaign and offer windows, reviews and expiry
for day ``d`` are events at ``d - 0.5``, so they always run before that day's customers
("the scenario's event schedule runs first"). The SimPy complaint desk is advanced to
``model.time`` at the end of each day, never the reverse.
"""

from __future__ import annotations

import math
from typing import Any

import mesa
import numpy as np
import pandas as pd

from simulator.config.schema import Scenario
from simulator.engine import changes, snapshot, window
from simulator.engine.calendar import Calendar
from simulator.engine.calibration import choice_constants
from simulator.engine.context import DayContext, MarketConstants, RunLog
from simulator.engine.customer import CustomerView
from simulator.engine.day import STAGES
from simulator.engine.firms import Competitor, Firm, FocalFirm
from simulator.engine.flows import RunTotals
from simulator.engine.initial import (
    build_social_network,
    competitor_quality,
    create_population,
)
from simulator.engine.state import ACTIVE, Population
from simulator.engine.streams import Streams
from simulator.engine.transactions import transactions_frame
from simulator.market.desk import ComplaintDesk
from simulator.market.network import SocialNetwork
from simulator.market.offers import MarketOffers
from simulator.mechanisms.occasions import occasion_probability
from simulator.members.system import MembershipSystems
from simulator.metrics import daily
from simulator.metrics.recorder import MetricsRecorder
from simulator.programme import make_programme


class LoyaltyModel(mesa.Model):
    """Agent-based loyalty-strategy model (docs/model.md).

    Parameters
    ----------
    config
        A validated scenario (see :func:`simulator.config.loading.resolve`).
    seed
        Run seed; defaults to ``config.run.seed``. Seeds Mesa's ``rng`` and every
        named substream.
    record_transactions
        Keep every purchase (customer, day, firm, spend) for CLV libraries.
    """

    def __init__(
        self, config: Scenario, *, seed: int | None = None, record_transactions: bool = False
    ) -> None:
        seed = int(config.run.seed if seed is None else seed)
        super().__init__(rng=seed)
        self.seed = seed
        streams = Streams(seed)
        pop, entry = create_population(config, streams)
        self._assemble(config, streams, pop, record_transactions)
        ctx = self.ctx
        ctx.report_start = config.run.warmup_days
        ctx.network = build_social_network(config, pop.n, streams)
        ctx.programme.open(0)
        self.offers = ctx.offers
        base = occasion_probability(pop.rate).astype(np.float32)
        # Placeholder constants until calibrated (the utilities do not read them).
        # Entrants who buy on their entry day (a cohort's, or new customers) have no
        # other occasion that day.
        buy_on_entry = bool((pop.entry_day[: entry.first] > 0).any())
        buy_on_entry |= config.market.entry.mode == "new_customers"
        ctx.constants = MarketConstants(
            np.zeros(pop.n_firms),
            base,
            buy_on_entry,
            config.firm.quality,
            entry.rate,
            (entry.first, entry.last),
        )
        ctx.entry_cursor = entry.first
        ctx.constants.asc = choice_constants(ctx)
        changes.book_schedule(ctx)
        ctx.programme.schedule()
        ctx.offers.schedule()
        # The retention cohort: active customers at the start, or at their entry for
        # customers who enter the market later (CDNOW-style acquisition cohorts).
        ctx.log.cohort_start = pop.relationship == ACTIVE
        daily.record(ctx)
        ctx.programme.settle_opening()

    # ------------------------------------------------------------------ set-up

    def _assemble(
        self, config: Scenario, streams: Streams, pop: Population, record_transactions: bool
    ) -> None:
        """Firms, calendar, desk, offers and programme around a population (no draws)."""
        f = config.firm
        self.focal = FocalFirm(
            self,
            index=0,
            name=f.name,
            price=f.price,
            quality=f.quality,
            failure_rate=f.failure_rate,
            failure_size=f.failure_size,
        )
        self.competitors = [
            Competitor(
                self,
                index=k,
                name=comp.name,
                price=comp.price,
                quality=competitor_quality(comp, f.quality),
                reward_rate=comp.reward_rate,
            )
            for k, comp in enumerate(config.market.competitors, start=1)
        ]
        self.calendar = Calendar(self, self._dispatch)
        desk = ComplaintDesk(
            staff=f.desk.staff,
            mean_service_days=f.desk.mean_service_days,
            service_level_days=f.desk.service_level_days,
            base_success=config.market.complaints.base_success,
            start_time=0.0,
        )
        empty = MarketConstants(np.zeros(0), np.zeros(0, np.float32), False)
        log = RunLog(transactions=[] if record_transactions else None)
        self.ctx = DayContext(
            config=config,
            pop=pop,
            streams=streams,
            focal=self.focal,
            competitors=self.competitors,
            offers=None,  # type: ignore[arg-type]  # set just below: offers read ctx
            desk=desk,
            network=None,
            programme=None,  # type: ignore[arg-type]
            constants=empty,
            metrics=MetricsRecorder(),
            totals=RunTotals(),
            log=log,
            calendar=self.calendar,
        )
        self.ctx.offers = MarketOffers(self.ctx)
        self.ctx.programme = make_programme(self.ctx)
        self.ctx.members = MembershipSystems(self.ctx)
        self.offers = self.ctx.offers

    # -------------------------------------------------------------- public API

    @property
    def day(self) -> int:
        """The day being simulated: ``model.time`` during the step; for an event at
        ``d - 0.5`` (before day ``d``'s customers), ``d``."""
        return math.ceil(self.time)

    @property
    def next_day(self) -> int:
        """The next day to be simulated: ``d`` for an event at ``d - 0.5``, and
        ``d + 1`` between steps at ``time == d``."""
        return math.floor(self.time) + 1

    @property
    def config(self) -> Scenario:
        """The live scenario: scheduled changes and :meth:`apply_changes` replace it."""
        return self.ctx.config

    @property
    def pop(self) -> Population:
        """The customers' columns."""
        return self.ctx.pop

    @property
    def programme(self) -> Any:
        """The loyalty programme (a null object when there is none)."""
        return self.ctx.programme

    @property
    def firms(self) -> list[Firm]:
        """Every firm, the focal one first."""
        return [self.focal, *self.competitors]

    @property
    def metrics(self) -> MetricsRecorder:
        """The daily metrics recorded so far."""
        return self.ctx.metrics

    @property
    def totals(self) -> RunTotals:
        """Cumulative flows of the run."""
        return self.ctx.totals

    @property
    def events_log(self) -> list[tuple[int, str]]:
        """``(day, label)`` of every scheduled change, campaign and offer window so far."""
        return self.ctx.log.events

    @property
    def streams(self) -> Streams:
        """The run's named random substreams."""
        return self.ctx.streams

    @property
    def desk(self) -> ComplaintDesk:
        """The complaint desk."""
        return self.ctx.desk

    @property
    def network(self) -> SocialNetwork | None:
        """The social network, if word-of-mouth or acquisition needs one."""
        return self.ctx.network

    def customer(self, row: int) -> CustomerView:
        """A Mesa ``Agent`` view onto customer ``row`` (not registered: views don't leak)."""
        return CustomerView(self, row)

    def customer_columns(self) -> dict[str, np.ndarray]:
        """Every per-customer column, programme state included, in output order."""
        cols = self.pop.columns()
        source = cols.pop("acquisition_source")
        cols.update(self.programme.columns())
        cols["acquisition_source"] = source
        cols.update(self.ctx.members.columns())
        return cols

    def discount(self, d: int) -> float:
        """Discount factor of money on day ``d``."""
        return self.ctx.discount(d)

    def begin_report(self, config: Scenario | None = None, *, label: str = "") -> None:
        """Start the reported window: the end of the warm-up (docs/model.md §10).

        After a warm-up, every counter, ledger total and metric is reset and day 0 is
        recorded; then ``config`` (a strategy's whole scenario), if given, is applied
        to the running market from day 1, as a change that customers feel. Without a
        warm-up, nothing is reset.
        """
        if self.time > 0:
            window.reset(self.ctx)
        if config is None:
            return
        keep = {"strategies"}
        if config.model_dump(exclude=keep) != self.config.model_dump(exclude=keep):
            changes.switch(self.ctx, config, day=self.next_day, label=label or "strategy")
        else:
            self.ctx.config = config

    def apply_changes(self, changes_: dict[str, Any], *, label: str = "") -> None:
        """Apply dotted-path changes to the live scenario from today on.

        Every key that can change mid-run takes effect (docs/model.md §5.3); any other
        key is refused with a :class:`~simulator.errors.ScenarioError`.
        """
        label = label or ", ".join(changes_)
        changes.apply(self.ctx, changes_, day=self.next_day, label=label)

    # --------------------------------------------------------------- the day

    def step(self) -> None:
        """Simulate one day: each stage of :data:`simulator.engine.day.STAGES` in order."""
        ctx = self.ctx
        ctx.new_day(self.day)
        for stage in STAGES:
            stage.run(ctx)
        ctx.programme.close_day()
        ctx.members.end_day()
        ctx.totals.add(ctx.flows)

    def _dispatch(self, action: str, *args: Any) -> None:
        """Run a calendar action: a scheduled change, or a programme or offer action."""
        self.ctx.day = self.day
        if action == "change":
            change = self.config.schedule[args[0]]
            label = change.label or ", ".join(change.set)
            changes.apply(self.ctx, dict(change.set), day=self.day, label=label)
        elif action.startswith("programme."):
            self.programme.handle(action.removeprefix("programme."), *args)
        elif action.startswith("offer."):
            self.ctx.offers.handle(action.removeprefix("offer."), *args)
        else:
            raise KeyError(f"unknown calendar action {action!r}")

    # ------------------------------------------------------------ snapshots

    def snapshot(self) -> dict[str, Any]:
        """The whole model as plain data: arrays, ledgers, the desk's queue, pending
        events and the clock. :meth:`restore` builds an identical model from it."""
        return snapshot.take(self)

    @classmethod
    def restore(cls, data: dict[str, Any]) -> LoyaltyModel:
        """A model that carries on exactly where :meth:`snapshot` left off."""
        return snapshot.restore(cls, data)

    def fork(self) -> LoyaltyModel:
        """An independent copy that shares every random number with this model."""
        return snapshot.restore(type(self), snapshot.take(self), network=self.network)

    # ------------------------------------------------------------ outputs

    def transactions(self, *, focal_only: bool = False) -> pd.DataFrame:
        """The transaction log as a DataFrame (customer_id, date, day, firm, spend)."""
        return transactions_frame(self.ctx, focal_only=focal_only)
