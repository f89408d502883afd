"""The compiled programme terms of store choice against their numpy references, bit for
bit (docs/model.md §3.1-3.2, §4.2, v2)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.engine.state import ACTIVE, NEVER
from simulator.kernels import programme as kernel
from simulator.mechanisms import choice
from simulator.mechanisms.rows import per_row
from simulator.programme.motivation import centred_goal_gradient

from ..conftest import stepped


@pytest.fixture(scope="module", params=["coffee_card", "airline_tiers"])
def model(request):
    """A model with a programme under way, its member state stirred so that every
    branch runs: redemptions long ago and today, demotions, retention offers."""
    if request.param == "coffee_card":
        m = stepped("coffee_chain", 60, strategy="loyalty_card")
    else:
        m = stepped("airline_tiers", 60)
    rng = np.random.default_rng(5)
    p, st, d = m.pop, m.programme.state, m.ctx.day
    n = p.n
    st.last_redeem_day[:] = np.where(rng.random(n) < 0.5, rng.integers(-40, d + 1, n), NEVER)
    demoted = rng.random(n) < 0.2
    st.demoted_on[demoted] = rng.integers(-300, d + 1, demoted.sum())
    st.lost_status[demoted] = rng.uniform(0.1, 1.5, demoted.sum()).astype(np.float32)
    if st.tier.max() == 0 and m.programme.ladder.status.size > 1:
        st.tier[:] = rng.integers(0, m.programme.ladder.status.size, n)
    return m


def _reference_terms(ctx, rows):
    """utility_terms' programme part as it was written in numpy."""
    p = ctx.pop
    prog = ctx.programme
    psi = choice.reward_sensitivity(ctx)
    focal_rate = prog.reward_rate(rows)
    extra = per_row(prog.utility_bonus(rows), rows.size)
    mem = np.flatnonzero(focal_rate)
    beta = p.price_sens[rows[mem]]
    extra[mem] -= beta * np.log1p(-psi[p.segment[rows[mem]]] * focal_rate[mem])
    return extra


@pytest.mark.parametrize("offers", [False, True], ids=["no_offer", "retention_offer"])
def test_focal_terms_equal_the_reference(model, offers):
    ctx = model.ctx
    p, st = model.pop, model.programme.state
    saved = st.retention_share.copy()
    if offers:
        rng = np.random.default_rng(6)
        st.retention_share[:] = np.where(rng.random(p.n) < 0.3, rng.uniform(0, 1.2, p.n), 0)
    try:
        rows = np.flatnonzero(p.alive)
        got = model.programme.focal_terms(rows, choice.reward_sensitivity(ctx))
        want = _reference_terms(ctx, rows)
    finally:
        st.retention_share[:] = saved
    np.testing.assert_array_equal(got, want)
    # The cases exercise what they claim to.
    members = p.member[rows]
    assert members.any() and (~members).any()
    assert (st.demoted_on[rows[members]] != NEVER).any()


def test_goal_gradient_members_equal_the_reference(model):
    prog = model.programme
    p, d = model.pop, model.ctx.day
    recent = p.last_focal_day >= d - prog.spec.goal_gradient_window_days
    want = np.flatnonzero(p.member & p.alive & (p.relationship == ACTIVE) & recent)
    progress = prog.state.points_balance[want] / float(prog.rules.thresholds[0])
    want_mult = centred_goal_gradient(progress, prog.spec.goal_gradient)
    members, mult = prog.rate_multiplier()
    np.testing.assert_array_equal(members, want)
    if prog.tier_labels():
        # Tier points pressure multiplies on top, near a review only.
        assert (mult >= want_mult * (1 - 1e-12)).all()
    else:
        np.testing.assert_array_equal(mult, want_mult)
    assert members.size > 100 and (mult > 1).any() and (mult < 1).any()


def test_goal_gradient_retiming_equals_the_reference(model):
    ctx = model.ctx
    p = model.pop
    members, mult = model.programme.rate_multiplier()
    rng = np.random.default_rng(7)
    extras = skips = 0
    # An extra occasion is a chance of about 1% a member-day: many days' keys.
    for day in range(40):
        rows = np.sort(rng.choice(p.n, p.n // 5, replace=False))
        chosen = rng.integers(0, p.n_firms + 1, rows.size).astype(np.int8)
        key = ctx.streams.key("goal_gradient", day)
        want_extra = choice.extra_occasions(ctx, rows, members, mult, key=key)
        got_extra = kernel.extra_occasions(rows, members, mult, key, p.rate, p.n)
        np.testing.assert_array_equal(got_extra, want_extra)
        want = choice.skip_slowed(ctx, rows, chosen, members, mult, key=key)
        got = kernel.skip_slowed(rows, chosen, members, mult, key, np.int8(p.n_firms))
        np.testing.assert_array_equal(got, want)
        extras += got_extra.size
        skips += int((got != chosen).sum())
    assert extras > 0 and skips > 0


def test_financial_factor_equals_the_reference(model):
    p = model.pop
    rows = np.flatnonzero(p.alive)
    kappa = 0.7
    want = np.exp(-kappa * per_row(model.programme.financial_switching_cost(rows), rows.size))
    np.testing.assert_array_equal(model.programme.financial_factor(rows, kappa), want)
    assert (want < 1).any() and (want == 1).any()


def test_member_visits_equal_the_reference(model):
    """Visits through the compiled pass and through numpy leave the same programme."""
    twin = model.fork()
    rng = np.random.default_rng(8)
    p = model.pop
    redeemed = 0
    for ahead in range(3):
        day = model.ctx.day + ahead
        rows = np.sort(rng.choice(np.flatnonzero(p.alive), 1_500, replace=False))
        basket = rng.gamma(2.0, 6.0, rows.size)
        gross = basket * (1.0 - rng.choice([0.0, 0.05], rows.size))
        got = model.programme.visit(day, rows, basket, gross)
        want = twin.programme.visit(day, rows, basket, gross, compiled=False)
        for a, b in zip(got, want, strict=True):
            np.testing.assert_array_equal(a, b)
        st, ref = model.programme.state, twin.programme.state
        for name in ("points_balance", "buckets", "last_redeem_day", "rewards_redeemed",
                     "points_earned", "qualifying", "tier"):  # fmt: skip
            np.testing.assert_array_equal(getattr(st, name), getattr(ref, name), name)
        assert model.programme.accounts.flows == twin.programme.accounts.flows
        assert model.programme.accounts.totals == twin.programme.accounts.totals
        redeemed += int((got[0] > 0).sum())
    assert redeemed > 0
