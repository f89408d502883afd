"""Snapshot, restore and fork: a running model as plain data (docs/model.md §10).

A snapshot holds everything a model needs to carry on: the customers' columns, the
programme's state and books, offers, the complaint desk's open cases with their timers,
the social network, the metrics so far, the pending calendar actions, the Mesa clock
and generator, and the live scenario. Random draws need no state beyond the seed: every
stream is keyed by (name, day). So a restored model, or a fork, runs on byte for byte
as the original would, and a fork that changes a lever differs only by that lever: the
shared warm-up of an experiment and the trainer's twin worlds rest on this.
"""

from __future__ import annotations

import copy
from typing import Any, Protocol

import mesa
import numpy as np
import scipy.sparse as sp
from mesa.time import Priority, Schedule
from mesa.time.events import EventGenerator

from simulator.config.schema import Scenario
from simulator.engine.calendar import Calendar
from simulator.engine.context import DayContext, MarketConstants, RunLog
from simulator.engine.firms import Firm
from simulator.engine.flows import RunTotals
from simulator.engine.state import Population
from simulator.engine.streams import Streams
from simulator.market.desk import ComplaintDesk
from simulator.market.network import SocialNetwork
from simulator.programme import Programme
from simulator.programme.null import NoProgramme, PausedProgramme

FORMAT = 1
_FIRM_FIELDS = ("price", "quality", "reward_rate", "failure_rate", "failure_size")


class Snapshotable(Protocol):
    """What a snapshot reads and a restore rebuilds (the model, seen from here)."""

    seed: int
    time: float
    steps: int
    rng: np.random.Generator
    ctx: DayContext
    calendar: Calendar

    @property
    def firms(self) -> list[Firm]: ...

    def _assemble(
        self, config: Scenario, streams: Streams, pop: Population, record_transactions: bool
    ) -> None: ...


def take(model: Snapshotable) -> dict[str, Any]:
    """The model as plain data (arrays are copies: the model can run on)."""
    ctx = model.ctx
    prog = ctx.programme
    kind = "paused" if isinstance(prog, PausedProgramme) else "running" if prog.active else "none"
    log = ctx.log
    return {
        "format": FORMAT,
        "seed": model.seed,
        "time": model.time,
        "steps": model.steps,
        "day": ctx.day,
        # Where the reported window starts: scheduled changes, offers and every output
        # day count from it, so a fork made after the warm-up must keep it.
        "report_start": ctx.report_start,
        "entry_cursor": ctx.entry_cursor,
        "recent_exits": list(ctx.recent_exits),
        "rng": copy.deepcopy(model.rng.bit_generator.state),
        "config": ctx.config.model_dump(mode="python"),
        "population": ctx.pop.snapshot(),
        "constants": {
            "asc": ctx.constants.asc.copy(),
            "base_occasion": ctx.constants.base_occasion.copy(),
            "has_entrants": ctx.constants.has_entrants,
            "reference_quality": ctx.constants.reference_quality,
            "entry_rate": ctx.constants.entry_rate,
            "reserve": ctx.constants.reserve,
        },
        "firms": [{k: getattr(f, k) for k in _FIRM_FIELDS} for f in model.firms],
        "totals": ctx.totals.as_dict(),
        "log": {
            "events": list(log.events),
            "recoveries": [(d, a.copy(), b.copy()) for d, a, b in log.recoveries],
            "waits": [w.copy() for w in log.waits],
            "talk_by_class": log.talk_by_class.copy(),
            "transactions": None
            if log.transactions is None
            else [tuple(a.copy() for a in t) for t in log.transactions],
            "cohort_start": log.cohort_start.copy(),
        },
        "metrics": ctx.metrics.snapshot(),
        "programme": {"kind": kind, "data": prog.snapshot()},
        "members": ctx.members.snapshot(),
        "offers": ctx.offers.snapshot(),
        "desk": ctx.desk.snapshot(),
        "network": _network_data(ctx.network),
        "calendar": model.calendar.pending(),
    }


def restore[M: Snapshotable](
    cls: type[M], data: dict[str, Any], *, network: SocialNetwork | None = None
) -> M:
    """A model that carries on exactly where the snapshot ``data`` left off.

    ``network`` may pass an existing (immutable) network to share instead of copying
    the snapshot's: a fork shares its parent's graph.
    """
    if data.get("format") != FORMAT:
        raise ValueError(f"snapshot format {data.get('format')!r} is not {FORMAT}")
    model = cls.__new__(cls)
    mesa.Model.__init__(model, rng=data["seed"])
    model.seed = data["seed"]
    model.rng.bit_generator.state = copy.deepcopy(data["rng"])
    config = Scenario.model_validate(data["config"])
    pop = Population.from_snapshot(data["population"])
    logged = data["log"]
    model._assemble(config, Streams(model.seed), pop, logged["transactions"] is not None)
    ctx = model.ctx
    ctx.day = data["day"]
    # Day 0 of the reported window: reported days (waves, checkpoints, campaign days)
    # count from it in the fork as in the original.
    ctx.report_start = data.get("report_start", 0)
    for firm, values in zip(model.firms, data["firms"], strict=True):
        for k, v in values.items():
            setattr(firm, k, v)
    ctx.network = network if network is not None else _network_from(data["network"])
    c = data["constants"]
    ctx.constants = MarketConstants(
        np.array(c["asc"], copy=True),
        np.array(c["base_occasion"], copy=True),
        c["has_entrants"],
        c["reference_quality"],
        c["entry_rate"],
        tuple(c["reserve"]),
    )
    ctx.entry_cursor = data["entry_cursor"]
    ctx.recent_exits = list(data["recent_exits"])
    ctx.totals = RunTotals.from_dict(data["totals"])
    ctx.log = RunLog(
        events=list(logged["events"]),
        recoveries=[(d, np.array(a), np.array(b)) for d, a, b in logged["recoveries"]],
        waits=[np.array(w) for w in logged["waits"]],
        talk_by_class=np.array(logged["talk_by_class"], copy=True),
        transactions=None
        if logged["transactions"] is None
        else [
            (np.array(c), np.array(d), np.array(f), np.array(s))
            for c, d, f, s in logged["transactions"]
        ],
        cohort_start=np.array(logged["cohort_start"], copy=True),
    )
    ctx.metrics.restore(data["metrics"])
    ctx.programme = _programme(ctx, config, data["programme"])
    ctx.offers.restore(data["offers"])
    ctx.members.restore(data.get("members"))
    ctx.desk = ComplaintDesk.from_snapshot(data["desk"])
    _set_clock(model, data["time"], data["steps"])
    model.calendar.restore(data["calendar"])
    return model


def _programme(ctx: Any, config: Scenario, saved: dict[str, Any]) -> Any:
    kind = saved["kind"]
    if kind == "none":
        prog: Any = NoProgramme()
    else:
        assert config.firm.programme is not None
        prog = Programme(ctx, config.firm.programme)
        if kind == "paused":
            prog = PausedProgramme(prog)
    prog.restore(saved["data"])
    return prog


def _set_clock(model: Any, time: float, steps: int) -> None:
    """Put the Mesa clock at ``time`` with the daily step next due at ``time + 1``.

    Mesa starts its step generator at 1.0 when a model is built; a restored model
    continues from its own day, so the generator is replaced (``_default_schedule`` and
    ``_do_step`` are Mesa's names for them, pinned with mesa < 4).
    """
    model._default_schedule.stop()
    model.time = float(time)
    model.steps = int(steps)
    model._default_schedule = EventGenerator(
        model, model._do_step, Schedule(interval=1.0, start=float(time) + 1.0), Priority.HIGH
    ).start()


def _network_data(net: SocialNetwork | None) -> dict[str, Any] | None:
    if net is None:
        return None
    adj = net.adjacency
    return {
        "kind": net.kind,
        "n_nodes": net.n_nodes,
        "fully_mixed": net.fully_mixed,
        "indptr": None if adj is None else adj.indptr.copy(),
        "indices": None if adj is None else adj.indices.copy(),
        "data": None if adj is None else adj.data.copy(),
        "strong": net.strong.copy(),
    }


def _network_from(data: dict[str, Any] | None) -> SocialNetwork | None:
    if data is None:
        return None
    adj = None
    if data["indptr"] is not None:
        n = data["n_nodes"]
        adj = sp.csr_array((data["data"], data["indices"], data["indptr"]), shape=(n, n))
    return SocialNetwork(
        kind=data["kind"],
        n_nodes=data["n_nodes"],
        adjacency=adj,
        strong=np.array(data["strong"], copy=True),
        fully_mixed=data["fully_mixed"],
    )
