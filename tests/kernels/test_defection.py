"""The defection kernel against the reference hazard (docs/model.md §3.4)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator import kernels
from simulator.engine.state import ACTIVE, LAPSED, NEVER, PROSPECT
from simulator.kernels import defection as kdef
from simulator.kernels.uniforms import uniforms_at
from simulator.mechanisms import choice, defection, winback
from simulator.mechanisms.defection import hazard_to_probability

from ..conftest import stepped


def test_event_probability_matches_expm1_across_the_series_switch():
    h = np.concatenate([np.geomspace(1e-9, 5.0, 2000), [0.0, 0.0199999, 0.02, 0.0200001]])
    got = np.array([kdef.event_probability(x) for x in h])
    np.testing.assert_allclose(got, defection.hazard_to_probability(h), rtol=5e-9, atol=0)


def test_kernel_codes_are_the_population_codes():
    assert kernels.NEVER_DAY == NEVER
    assert (kernels.PROSPECT_CODE, kernels.ACTIVE_CODE, kernels.LAPSED_CODE) == (
        PROSPECT,
        ACTIVE,
        LAPSED,
    )


@pytest.mark.parametrize("hazards", ["daily", "high"])
def test_defection_draws_use_the_reference_hazard(hazards):
    """Kernel decisions equal ``u < 1 - exp(-h)`` with the numpy hazard of docs/model.md §3.4,
    whether most customers are thinned out (daily hazards) or none are (high ones)."""
    model = stepped("airline_tiers", 30)
    p = model.pop
    c = model.config
    dp = c.market.defection
    d = model.day + 1
    rows = np.flatnonzero(p.alive & (p.relationship == ACTIVE))
    # Exercise every multiplier on some customers.
    p.hazard_boost_until[rows[::5]] = d
    p.referred_by[rows[1::4]] = rows[::4][: rows[1::4].size]
    extra = np.where(np.arange(rows.size) % 3 == 0, 0.002, 0.0)
    # Some customers at the worst case (S = 0, tenure 0, no points at risk, boosted), so
    # that the thinning bound is tight for them: a bound too low would drop leavers.
    worst = rows[::10]
    p.satisfaction[worst] = 0.0
    p.active_since[worst] = d
    p.member[worst] = False
    fin = np.asarray(model.programme.financial_switching_cost(rows), dtype=np.float64)
    fin = np.broadcast_to(fin, rows.shape).copy()
    assert fin.any() and not fin[::10].any()
    kappa = dp.switching_cost_weight
    # High hazards: many customers leave and both branches of the event probability
    # (series and expm1) are used. Daily ones: the thinning bound skips most customers.
    h_min, h_max = (0.03, 3.0) if hazards == "high" else (dp.h_min, dp.h_max)
    keys = np.arange(1, 2 if hazards == "high" else 150, dtype=np.uint64) * np.uint64(987654321)
    model.ctx.day = d  # the kernel and the reference read today's tenure
    rates = kdef.DefectionRates(
        member_discount=dp.member_discount,
        h_min=h_min,
        h_max=h_max,
        k_s=dp.k_s,
        s50=dp.s50,
        intensity=c.market.competitive_intensity,
        paradox_multiplier=c.market.complaints.paradox_hazard_multiplier,
        referral_factor=0.5,
    )
    draws = lambda key: kdef.defection_draws(  # noqa: E731
        rows=rows,
        key=key,
        day=d,
        satisfaction=p.satisfaction,
        member=p.member,
        hazard_boost_until=p.hazard_boost_until,
        referred_by=p.referred_by,
        alive=p.alive,
        relationship=p.relationship,
        active_since=p.active_since,
        retention_by_tenure=np.exp(-kappa * defection.tenure_table(model.ctx)),
        financial_factor=np.exp(-kappa * fin),
        extra_hazard=extra,
        rates=rates,
    )
    ref = p.referred_by[rows]
    referred_active = (ref >= 0) & p.alive[np.maximum(ref, 0)]
    referred_active &= p.relationship[np.maximum(ref, 0)] == ACTIVE
    h = defection.defection_hazard(
        defection.perceived_satisfaction(p.satisfaction[rows], p.member[rows], dp.member_discount),
        choice.focal_switching_cost(model.ctx, rows),
        h_min=h_min,
        h_max=h_max,
        k_s=dp.k_s,
        s50=dp.s50,
        intensity=c.market.competitive_intensity,
        kappa=kappa,
        multiplier=np.where(
            p.hazard_boost_until[rows] >= d, c.market.complaints.paradox_hazard_multiplier, 1.0
        ),
        referral_factor=np.where(referred_active, 0.5, 1.0),
        extra=extra,
    )
    prob = defection.hazard_to_probability(h)
    left = 0
    for key in keys:
        leave = draws(key)
        u = uniforms_at(key, rows)
        want = rows[u < prob]
        # Ties within float rounding of the threshold are the only allowed difference.
        close = np.abs(u - prob) < 1e-6
        assert np.isin(np.setxor1d(leave, want), rows[close]).all()
        left += leave.size
    assert left > 30
    if hazards == "high":
        assert (prob < 0.02).any() and (prob > 0.02).any()
    else:
        assert prob.max() < 0.05  # most customers are thinned out


def test_status_rows_select_today_eligible_customers():
    alive = np.array([1, 1, 1, 0, 1], dtype=bool)
    relationship = np.array([1, 1, 2, 1, 1], dtype=np.int8)
    stamp = np.array([3, 5, 1, 1, NEVER], dtype=np.int16)
    # Customers who became active today are not at risk until tomorrow.
    got = kdef.status_rows(alive, relationship, ACTIVE, stamp, 5)
    assert got.tolist() == [0, 4]


@pytest.mark.parametrize("offer", [0.0, np.float32], ids=["no_programme", "no_offer_out"])
def test_returns_equal_the_winback_rule(offer):
    """The compiled win-back draw against winback_hazard when no one has an offer, with
    a floor that float32 does not hold exactly."""
    rng = np.random.default_rng(4)
    n = 40_000
    sat = rng.uniform(0, 10, n).astype(np.float32)
    sat[:200] = np.float32(3.7)  # float32 rounds 3.7 up: equal to the floor, not above it
    sat[200:400] = np.nextafter(np.float32(3.7), np.float32(10))
    rows = np.sort(rng.choice(n, 20_000, replace=False))
    rows[:300] = np.arange(300)
    share = offer if np.ndim(offer) == 0 else np.zeros(rows.size, dtype=offer)
    terms = dict(base=0.05, weight=5.0, min_satisfaction=3.7)
    key = np.uint64(99)
    h = winback.winback_hazard(sat[rows], share, **terms)
    want = rows[uniforms_at(key, rows) < hazard_to_probability(h)]
    offer_dtype = None if np.ndim(share) == 0 else str(share.dtype)
    floor, chance = winback._uniform_chance(str(sat.dtype), offer_dtype, **terms)
    got = kdef.returns(rows, key, sat, floor, chance)
    np.testing.assert_array_equal(got, want)
    assert want.size > 100 and not np.isin(np.arange(200), got).any()
