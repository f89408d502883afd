"""Behaviour points in the day (docs/model.md §11.4): members act, cheats fake actions,
the policing catches some, reviews and shares reach many listeners a little each."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.config.members import Behaviour
from simulator.engine.state import ACTIVE, PROSPECT, SOURCE_WOM
from simulator.programme import behaviour as bh
from simulator.programme.facade import Programme

if TYPE_CHECKING:
    from simulator.members.base import Systems

ACTIONS = ("reviews", "shares", "suggestions", "check_ins")
BROAD = ("reviews", "shares")  # public: they reach listeners beyond the network
FAKEABLE = (*ACTIONS, "referrals")  # a self-referral from a duplicate account


def _setup(sys: Systems) -> tuple[Behaviour, Programme] | None:
    prog = sys.ctx.programme
    spec = sys.ctx.config.firm.programme
    if spec is None or spec.behaviour is None or not isinstance(prog, Programme):
        return None
    return spec.behaviour, prog


def cheat_share(spec: Behaviour, point_value: float) -> tuple[float, str]:
    """Share of members who cheat, and the rule they game (the most lucrative one)."""
    det = spec.detection
    values = {k: getattr(spec, k).points * point_value for k in FAKEABLE}
    kind = max(values, key=lambda k: values[k])
    gain = bh.expected_gain(values[kind], det.catch_rate, det.penalty, det.enabled)
    c = spec.cheating
    return bh.cheating_share(gain, max_share=c.max_share, sensitivity=c.sensitivity), kind


def run(sys: Systems) -> None:
    """Today's honest and fake actions, their points, the policing and the reach."""
    setup = _setup(sys)
    if setup is None:
        return
    spec, prog = setup
    ctx = sys.ctx
    p = ctx.pop
    d = ctx.day
    members = np.flatnonzero(p.member & p.alive & (p.relationship == ACTIVE))
    value = prog.rules.point_value
    share, fake_kind = cheat_share(spec, value)
    cheats = members[ctx.streams.uniforms("cheat_propensity", None, members) < share]
    faking = cheats[ctx.streams.uniforms("cheat_actions", d, cheats) < spec.cheating.fake_rate]
    messages = 0
    for kind in ACTIONS:
        rule = getattr(spec, kind)
        rate = bh.action_rate(
            p.satisfaction[members].astype(np.float64),
            base_rate=rule.base_rate,
            satisfaction_effect=rule.satisfaction_effect,
            points_effect=rule.points_effect,
            points_value=rule.points * value,
        )
        u = ctx.streams.uniforms(f"behaviour_{kind}", d, members)
        honest = members[u < -np.expm1(-rate)]
        fake = faking if kind == fake_kind and rule.points else np.zeros(0, np.int64)
        if kind in BROAD:
            messages += honest.size + fake.size
        if rule.points:
            _reward(sys, spec, prog, kind, honest, fake, rule.points)
    if fake_kind == "referrals" and spec.referrals.points:
        _reward(sys, spec, prog, "referrals", np.zeros(0, np.int64), faking, spec.referrals.points)
    sys.book("behaviour_messages", float(messages))
    _broadcast(sys, spec, messages)


def referral_points(sys: Systems, referrers: np.ndarray) -> None:
    """Points for each converted referral of a member (honest: a real customer came)."""
    setup = _setup(sys)
    if setup is None or setup[0].referrals.points == 0:
        return
    spec, prog = setup
    honest = referrers[sys.ctx.pop.member[referrers]]
    _reward(sys, spec, prog, "referrals", honest, np.zeros(0, np.int64), spec.referrals.points)


def _reward(
    sys: Systems,
    spec: Behaviour,
    prog: Programme,
    kind: str,
    honest: np.ndarray,
    fake: np.ndarray,
    points: int,
) -> None:
    ctx = sys.ctx
    d = ctx.day
    rows = np.concatenate([honest, fake]).astype(np.int64)
    if rows.size == 0:
        return
    is_fake = np.arange(rows.size) >= honest.size
    prog.award(d, rows, np.full(rows.size, points, np.int64))
    sys.book(f"behaviour_points_{kind}", float(points * honest.size))
    sys.book("cheating_points", float(points * fake.size))
    det = spec.detection
    if not det.enabled:
        return
    sys.book("policing_cost", det.cost_per_check * rows.size)
    u = ctx.streams.uniforms(f"policing_{kind}", d, rows)
    caught = bh.detect(
        is_fake, u, catch_rate=det.catch_rate, false_positive=det.false_positive_rate
    )
    if not caught.any():
        return
    who, count = np.unique(rows[caught], return_counts=True)
    if det.penalty == "deduct":
        taken = prog.claw_back(who, count * points)
    else:
        taken = prog.cancel(who)
        sys.book("memberships_cancelled", float(who.size))
    sys.book("points_clawed_back", taken)
    sys.book("cheats_caught", float((caught & is_fake).sum()))
    wrong = np.unique(rows[caught & ~is_fake])
    sys.book("false_positives", float(wrong.size))
    if wrong.size and ctx.config.modules.satisfaction:
        # A wrongly penalised member feels it as a service failure: the failure's
        # quality loss enters S with the stock's weight [A].
        p = ctx.pop
        drop = ctx.config.market.satisfaction.carryover * ctx.config.firm.failure_size
        p.satisfaction[wrong] = np.maximum(p.satisfaction[wrong] - drop, 0.0)


def _broadcast(sys: Systems, spec: Behaviour, messages: int) -> None:
    """Reviews and shares: weak, broad word-of-mouth. Each reaches ``reach`` random
    people in the category; unaware prospects may become aware, customers' expectations
    rise a little."""
    listeners_n = messages * spec.reach
    if listeners_n == 0:
        return
    ctx = sys.ctx
    p = ctx.pop
    rng = ctx.streams.get("behaviour_reach", ctx.day)
    who = rng.integers(0, p.n, listeners_n)
    who = who[p.alive[who]]
    sys.book("behaviour_listeners", float(who.size))
    unaware = who[(p.relationship[who] == PROSPECT) & ~p.aware[who, 0]]
    adopt = unaware[rng.random(unaware.size) < spec.adopt_per_listener]
    p.aware[adopt, 0] = True
    src = p.acquisition_source
    src[adopt] = np.where(src[adopt] == 0, SOURCE_WOM, src[adopt])
    cust = who[p.relationship[who] != PROSPECT]
    np.add.at(p.expectation[:, 0], cust, np.float32(spec.expectation_shift))
    p.expectation[cust, 0] = np.minimum(p.expectation[cust, 0], 10.0)
