"""The compiled kernels against the readable reference mechanisms they fuse (issue 6).

Each kernel must give what the numpy reference of MODEL.md gives, on real model
states (tiers, points, competitor offers, switching costs), not only on toy arrays.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from simulator import kernels
from simulator.config.loading import load_yaml
from simulator.engine.state import ACTIVE, LAPSED, NEVER, PROSPECT
from simulator.engine.streams import Streams
from simulator.experiment.run import build_model
from simulator.kernels import bookkeeping, census, store_choice, transitions, visit
from simulator.kernels import word_of_mouth as wom_kernels
from simulator.kernels.uniforms import counter_uniform, uniforms_at
from simulator.mechanisms import choice, defection, satisfaction
from simulator.mechanisms import word_of_mouth as wom

from .conftest import SCENARIOS, small

MASK = (1 << 64) - 1


def splitmix64(key: int, i: int) -> float:
    """SplitMix64 (Steele, Lea & Flood 2014) in plain Python: output i of a stream."""
    z = (key + (i + 1) * 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    z ^= z >> 31
    return (z >> 40) * 2.0**-24


def stepped(name: str, days: int, *, strategy: str | None = None, edit=None):
    mapping = small(load_yaml(SCENARIOS / f"{name}.yaml"), customers=4000, days=days + 5)
    if edit is not None:
        mapping = copy.deepcopy(mapping)
        edit(mapping)
    model, _ = build_model(mapping, strategy=strategy, seed=11)
    for _ in range(days):
        model.step()
    return model


# ---------------------------------------------------------------- random numbers


def test_counter_uniforms_are_splitmix64_outputs():
    key = 0x0123456789ABCDEF
    rows = np.array([0, 1, 2, 999, 123_456, 10**9], dtype=np.int64)
    got = uniforms_at(np.uint64(key), rows)
    assert got.dtype == np.float32
    assert got.tolist() == [splitmix64(key, int(i)) for i in rows]
    assert counter_uniform(np.uint64(key), 999) == got[3]
    # A plain int key (compiled as int64) gives the same draws.
    assert uniforms_at(2024, rows).tolist() == [splitmix64(2024, int(i)) for i in rows]


def test_counter_uniforms_are_uniform_and_independent_of_who_else_draws():
    rows = np.arange(200_000, dtype=np.int64)
    u = Streams(5).uniforms("transition", 3, rows)
    assert 0.0 <= u.min() and u.max() < 1.0
    counts, _ = np.histogram(u, bins=20, range=(0.0, 1.0))
    # Chi-square with 19 df: the 0.9999 quantile is about 50.
    expected = rows.size / 20
    assert ((counts - expected) ** 2 / expected).sum() < 50
    assert abs(np.corrcoef(u[:-1], u[1:])[0, 1]) < 0.01
    # A customer's draw is the same whoever else draws: common random numbers.
    some = rows[::7]
    assert np.array_equal(Streams(5).uniforms("transition", 3, some), u[::7])
    # Days and names give different streams; the same (seed, name, day) the same bytes.
    s = Streams(5)
    assert s.key("transition", 3) == Streams(5).key("transition", 3)
    assert len({s.key("transition", 3), s.key("transition", 4), s.key("occasion", 3)}) == 3
    assert Streams(6).key("transition", 3) != s.key("transition", 3)


def test_event_probability_matches_expm1_across_the_series_switch():
    h = np.concatenate([np.geomspace(1e-9, 5.0, 2000), [0.0, 0.0199999, 0.02, 0.0200001]])
    got = np.array([transitions.event_probability(x) for x in h])
    np.testing.assert_allclose(got, defection.hazard_to_probability(h), rtol=5e-9, atol=0)


# ---------------------------------------------------------------- store choice


@pytest.mark.parametrize(
    ("name", "days", "strategy", "edit"),
    [
        # Tiers, status bonuses, points at risk; a rival with points of its own.
        (
            "airline_tiers",
            40,
            None,
            lambda m: m["market"]["competitors"][0].update(reward_rate=0.04),
        ),
        # A rival's conquest offer under way (days 90-180) and retention campaigns.
        ("telecom_competitor_attack", 100, "retention_offers", None),
        ("grocery_points", 30, None, None),
    ],
    ids=["tiers", "conquest_offer", "points"],
)
def test_compiled_utilities_equal_the_reference(name, days, strategy, edit):
    model = stepped(name, days, strategy=strategy, edit=edit)
    p = model.pop
    rows = np.flatnonzero(p.alive)
    # The cases exercise what they claim to.
    assert (p.last_firm[rows] >= 0).mean() > 0.3
    if name == "telecom_competitor_attack":
        assert model.offers.price_cut is not None and model.offers.price_cut.any()
    else:
        assert model.programme.reward_rate(rows).any()
    got = model._kernel_utility(rows)
    want = model._firm_utility(rows)
    assert got.shape == want.shape == (rows.size, p.n_firms)
    np.testing.assert_allclose(got, want, rtol=2e-6, atol=2e-5)


def test_choice_probabilities_follow_the_logit():
    """Many customers with the same utilities choose in the logit shares."""
    n = 400_000
    utility = np.tile(np.array([[0.4, 0.0, -0.3]]), (n, 1))
    rows = np.arange(n, dtype=np.int64)
    aware = np.ones((n, 3), dtype=bool)
    aware[: n // 2, 2] = False  # half do not know firm 2
    asc = np.array([0.0, 0.1, 0.2])  # "buy nowhere" has utility 0
    relationship = np.full(n, ACTIVE, dtype=np.int8)
    blocked = np.full(n, NEVER, dtype=np.int16)
    store_choice.consider(rows, utility, asc, aware, blocked, relationship, 10)
    chosen = store_choice.choose(uniforms_at(np.uint64(42), rows), np.exp(utility))
    for half, known in ((slice(0, n // 2), [0, 1, 3]), (slice(n // 2, n), [0, 1, 2, 3])):
        v = np.array([0.4 + 0.0, 0.0 + 0.1, -0.3 + 0.2, 0.0])
        w = np.zeros(4)
        w[known] = np.exp(v[known])
        shares = np.bincount(chosen[half], minlength=4) / (n // 2)
        np.testing.assert_allclose(shares, w / w.sum(), atol=0.004)


def test_kernel_codes_are_the_population_codes():
    assert kernels.NEVER_DAY == NEVER
    assert (kernels.PROSPECT_CODE, kernels.ACTIVE_CODE, kernels.LAPSED_CODE) == (
        PROSPECT,
        ACTIVE,
        LAPSED,
    )


def test_choose_and_learn_habit_equal_the_choice_mechanisms():
    rng = np.random.default_rng(7)
    m, j = 50_000, 3
    utility = rng.normal(0, 1, (m, j)).astype(np.float32)
    considered = rng.random((m, j)) < 0.8
    uc = rng.random(m).astype(np.float32)
    weights = np.where(considered, np.exp(utility), 0.0)
    got = store_choice.choose(uc, weights)
    want = choice.choose(utility, considered, uc)
    # Only ties at a cumulative weight (float rounding) may differ.
    assert (got != want).mean() < 1e-4
    habit = rng.random((m, j)).astype(np.float32)
    want_habit = choice.update_habit(habit, got, 0.875)
    store_choice.learn_habit(np.arange(m, dtype=np.int64), got, habit, 0.875)
    np.testing.assert_allclose(habit, want_habit, rtol=1e-6, atol=1e-7)


def test_habit_learning_is_exponential_smoothing_towards_the_choice():
    habit = np.zeros((4, 3), dtype=np.float32)
    habit[1] = [0.5, 0.5, 0.0]
    habit[2] = habit[3] = [0.5, 0.0, 0.0]
    rows = np.array([0, 1, 3], dtype=np.int64)
    chosen = np.array([2, 0, 3], dtype=np.int8)  # option 3 = bought nowhere
    # L <- s L + (1 - s) 1[chose], s = 0.2 (Guadagni & Little 1983).
    store_choice.learn_habit(rows, chosen, habit, 0.2)
    np.testing.assert_allclose(habit[0], [0.0, 0.0, 0.8])
    np.testing.assert_allclose(habit[1], [0.9, 0.1, 0.0])
    np.testing.assert_allclose(habit[3], [0.1, 0.0, 0.0])  # skipping only decays
    np.testing.assert_allclose(habit[2], [0.5, 0.0, 0.0])  # not on an occasion today


# ---------------------------------------------------------------- transitions


@pytest.mark.parametrize("hazards", ["daily", "high"])
def test_defection_draws_use_the_reference_hazard(hazards):
    """Kernel decisions equal ``u < 1 - exp(-h)`` with the numpy hazard of MODEL.md 3.4,
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
    model.time = d  # the kernel and the reference read today's tenure
    draws = lambda key: transitions.defection_draws(  # noqa: E731
        rows,
        key,
        d,
        p.satisfaction,
        p.member,
        p.hazard_boost_until,
        p.referred_by,
        p.alive,
        p.relationship,
        p.active_since,
        np.exp(-kappa * model._switching_cost_by_tenure()),
        np.exp(-kappa * fin),
        extra,
        dp.member_discount,
        h_min,
        h_max,
        dp.k_s,
        dp.s50,
        c.market.competitive_intensity,
        c.market.complaints.paradox_hazard_multiplier,
        0.5,
    )
    ref = p.referred_by[rows]
    referred_active = (ref >= 0) & p.alive[np.maximum(ref, 0)]
    referred_active &= p.relationship[np.maximum(ref, 0)] == ACTIVE
    h = defection.defection_hazard(
        defection.perceived_satisfaction(p.satisfaction[rows], p.member[rows], dp.member_discount),
        model.switching_cost(rows),
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
    got = transitions.status_rows(alive, relationship, ACTIVE, stamp, 5)
    assert got.tolist() == [0, 4]


# ---------------------------------------------------------------- visits and census


def test_focal_experience_equals_the_satisfaction_mechanisms():
    rng = np.random.default_rng(0)
    n, m = 50, 30
    rows = np.sort(rng.choice(n, m, replace=False)).astype(np.int64)
    match = rng.normal(0, 0.6, (n, 3)).astype(np.float32)
    expectation = rng.uniform(6, 9, (n, 3)).astype(np.float32)
    ref_price = rng.uniform(0.8, 1.2, n).astype(np.float32)
    sat = rng.uniform(2, 9, n).astype(np.float32)
    noise = rng.normal(0, 0.8, m)
    failed = rng.random(m) < 0.3
    uplift = rng.uniform(0, 0.3, m)
    discount = rng.uniform(0, 0.1, m)
    kw = dict(b_quality=0.5, b_price=0.3, loss_aversion=2.25, curvature=0.88)
    q = satisfaction.experienced_quality(8.4, match[rows, 0], uplift, noise, failed, 1.5)
    paid = 1.1 * (1 - discount)
    want = satisfaction.transaction_satisfaction(
        q, expectation[rows, 0], ref_price[rows], paid, **kw
    )
    want_s = satisfaction.smooth(sat[rows], want, 0.15)
    want_e = np.clip(satisfaction.smooth(expectation[rows, 0], q, 0.05), 0, 10)
    want_ref = satisfaction.smooth(ref_price[rows], paid, 0.02)
    before = sat[rows].copy()
    s, s_before = visit.focal_experience(
        rows, noise, failed, uplift, discount, 8.4, 1.5, 1.1, match, expectation,
        ref_price, sat, 0.5, 0.3, 2.25, 0.88, 0.15, 0.05, 0.02, True,
    )  # fmt: skip
    np.testing.assert_allclose(s, want, rtol=1e-6, atol=1e-5)
    np.testing.assert_array_equal(s_before, before)
    np.testing.assert_allclose(sat[rows], want_s, rtol=1e-6, atol=1e-5)
    np.testing.assert_allclose(expectation[rows, 0], want_e, rtol=1e-6, atol=1e-5)
    np.testing.assert_allclose(ref_price[rows], want_ref, rtol=1e-6, atol=1e-6)
    # With the satisfaction module off the stocks do not move.
    frozen = sat.copy()
    visit.focal_experience(
        rows, noise, failed, uplift, discount, 8.4, 1.5, 1.1, match, expectation,
        ref_price, sat, 0.5, 0.3, 2.25, 0.88, 0.15, 0.05, 0.02, False,
    )  # fmt: skip
    np.testing.assert_array_equal(sat, frozen)


def test_rival_experience_and_focal_books_equal_numpy():
    rng = np.random.default_rng(8)
    n = 40
    rows = np.sort(rng.choice(n, 25, replace=False)).astype(np.int64)
    match = rng.normal(0, 0.6, (n, 3)).astype(np.float32)
    expectation = rng.uniform(6, 9.9, (n, 3)).astype(np.float32)
    noise = rng.normal(0, 2.0, rows.size)
    q = 8.0 + match[rows, 2] + noise
    want = np.clip(satisfaction.smooth(expectation[rows, 2].astype(np.float64), q, 0.3), 0, 10)
    visit.rival_experience(rows, 2, 8.0, noise, match, expectation, 0.3)
    np.testing.assert_allclose(expectation[rows, 2], want, rtol=1e-6)

    revenue = np.zeros(n, np.float32)
    value = np.zeros(n)
    visits = np.zeros(n, np.int32)
    first = np.full(n, NEVER, np.int16)
    first[rows[:5]] = 3
    last = np.full(n, NEVER, np.int16)
    basket, margin = rng.gamma(2.0, 3.0, rows.size), rng.normal(1.0, 0.5, rows.size)
    visit.book_focal_visits(rows, basket, margin, 0.9, 12, revenue, value, visits, first, last)
    np.testing.assert_allclose(revenue[rows], basket.astype(np.float32))
    np.testing.assert_allclose(value[rows], margin * 0.9)
    assert visits[rows].tolist() == [1] * rows.size
    assert first[rows].tolist() == [3] * 5 + [12] * (rows.size - 5)  # the first visit stays
    assert last[rows].tolist() == [12] * rows.size
    assert (visits.sum(), (last != NEVER).sum()) == (rows.size, rows.size)


def test_census_counts_and_histogram_match_numpy():
    rng = np.random.default_rng(1)
    n = 100_000
    alive = rng.random(n) < 0.9
    relationship = rng.integers(0, 3, n).astype(np.int8)
    sat = rng.uniform(0, 10, n).astype(np.float32)
    sat[:3] = [0.0, 10.0, 4.995]
    by_rel, hist, total = census.census(alive, relationship, sat, 1001)
    assert by_rel.tolist() == np.bincount(relationship[alive], minlength=3).tolist()
    active = alive & (relationship == ACTIVE)
    want_bins = np.minimum((sat[active] * np.float32(100) + np.float32(0.5)).astype(int), 1000)
    assert hist.tolist() == np.bincount(want_bins, minlength=1001).tolist()
    assert total == pytest.approx(sat[active].astype(np.float64).sum(), rel=1e-12)
    # Every active customer is within half a bin of their bin's centre.
    assert np.abs(want_bins / 100 - sat[active]).max() <= 0.005 + 1e-6


def test_group_census_matches_pandas_groupby():
    import pandas as pd

    rng = np.random.default_rng(2)
    n = 20_000
    group = rng.integers(0, 4, n).astype(np.int8)
    include = rng.random(n) < 0.6
    alive = rng.random(n) < 0.9
    relationship = rng.integers(0, 3, n).astype(np.int8)
    sat = rng.uniform(0, 10, n).astype(np.float32)
    revenue = rng.gamma(2.0, 10.0, n)
    n_alive, n_active, s_sum, rev = census.group_census(
        group, include, alive, relationship, sat, revenue, 4
    )
    df = pd.DataFrame(
        dict(g=group, alive=alive, act=alive & (relationship == ACTIVE), s=sat, rev=revenue)
    )
    df = df[include]
    df["s_act"] = df["s"].astype(np.float64) * df["act"]
    want = df.groupby("g")[["alive", "act", "s_act", "rev"]].sum()
    assert n_alive.tolist() == want["alive"].tolist()
    assert n_active.tolist() == want["act"].tolist()
    np.testing.assert_allclose(s_sum, want["s_act"], rtol=1e-10)
    np.testing.assert_allclose(rev, want["rev"], rtol=1e-10)


def test_group_by_option_is_a_stable_counting_sort():
    rows = np.array([10, 11, 12, 13, 14, 15], dtype=np.int64)
    chosen = np.array([2, 0, 3, 0, 2, 1], dtype=np.int8)
    grouped, starts = bookkeeping.group_by_option(rows, chosen, 4)
    assert grouped.tolist() == [11, 13, 15, 10, 14, 12]
    assert starts.tolist() == [0, 2, 3, 5, 6]


def test_record_purchases_counts_dropouts_only_after_a_repeat_purchase():
    buyers = np.array([0, 1, 2, 3], dtype=np.int64)
    firms = np.array([0, 1, 0, 2], dtype=np.int8)
    u = np.array([0.0, 0.0, 0.9, 0.0], dtype=np.float32)
    last = np.full(4, -1, dtype=np.int8)
    purchases = np.array([0, 3, 3, 2], dtype=np.int32)
    relationship = np.array([1, 1, 1, 0], dtype=np.int8)
    dropout = np.full(4, 0.5, dtype=np.float32)
    alive = np.ones(4, dtype=bool)
    active, lost = bookkeeping.record_purchases(
        buyers, firms, u, last, purchases, relationship, dropout, alive
    )
    assert last.tolist() == [0, 1, 0, 2]
    assert purchases.tolist() == [1, 4, 4, 3]
    # Row 0: first purchase, cannot drop out; row 2: u above p; row 3: not active.
    assert alive.tolist() == [True, False, True, False]
    assert (active, lost) == (3, 1)


# ---------------------------------------------------------------- word-of-mouth


def test_talk_equals_the_word_of_mouth_mechanisms():
    rng = np.random.default_rng(3)
    n, day = 60_000, 100
    alive = rng.random(n) < 0.95
    last_focal = rng.integers(40, 101, n).astype(np.int16)
    angry_until = np.where(rng.random(n) < 0.05, 120, NEVER).astype(np.int16)
    sat = rng.uniform(0, 10, n).astype(np.float32)
    segment = rng.integers(0, 2, n).astype(np.int8)
    talkativeness = np.array([1.0, 1.6])
    rows = wom_kernels.speakers(alive, last_focal, angry_until, day, 30)
    recent = last_focal >= day - 30
    angry = angry_until >= day
    assert rows.tolist() == np.flatnonzero(alive & (recent | angry)).tolist()

    noise = (0.7 * rng.standard_normal(rows.size)).astype(np.float32)
    rates = dict(promoter_rate=0.3, passive_rate=0.1, passive_positive=0.6, detractor_rate=0.5)
    key = np.uint64(2024)
    # Halves where float32 and float64 sums round differently: S + noise = 8.5 exactly.
    sat[rows[:3]] = np.float32(8.25)
    noise[:3] = np.float32(0.25000003)
    by_class = np.zeros((3, 2))
    valence, ltr = wom_kernels.talk(
        rows, noise, key, sat, segment, talkativeness, last_focal, angry_until, day, 30,
        *rates.values(), 0.4, by_class,
    )  # fmt: skip
    want_ltr = wom.likelihood_to_recommend(sat[rows], noise)
    assert want_ltr[:3].tolist() == [8, 8, 8]
    assert ltr.tolist() == want_ltr.tolist()
    u = [uniforms_at(key, 3 * rows + j) for j in range(3)]
    want = wom.talk(want_ltr, u[0], u[1], talkativeness=talkativeness[segment[rows]], **rates)
    want = np.where(angry[rows] & (want == 0) & (u[2] < 0.4), -1, want)
    assert valence.tolist() == want.tolist()
    assert (valence == 1).any() and (valence == -1).any() and (valence == 0).any()
    cls = np.where(want_ltr >= 9, 2, np.where(want_ltr <= 6, 0, 1))[recent[rows]]
    spoke = want[recent[rows]] != 0
    assert by_class[:, 1].tolist() == np.bincount(cls, minlength=3).tolist()
    assert by_class[:, 0].tolist() == np.bincount(cls[spoke], minlength=3).tolist()
