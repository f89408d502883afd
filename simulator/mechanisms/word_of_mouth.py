"""Stage "word of mouth": talk by likelihood-to-recommend, its effects on listeners, and
referrals (docs/model.md §3.6).

Detractors talk more per head (Anderson 1998); because satisfied customers visit and
so talk more often, positive word-of-mouth comes out about three times as common as
negative (East, Hammond & Wright 2007). A prospect hearing good news may adopt the
focal firm (Goldenberg, Libai & Muller 2001); promoters refer non-customer neighbours
(Kumar, Petersen & Leone 2007).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from scipy.special import ndtr

from simulator.engine.state import PROSPECT, SOURCE_REFERRAL, SOURCE_WOM
from simulator.kernels import word_of_mouth as kernel
from simulator.kernels.word_of_mouth import Listening
from simulator.market.network import random_neighbour, random_non_flag_neighbour
from simulator.mechanisms.visit import smooth

if TYPE_CHECKING:
    from simulator.engine.context import DayContext
    from simulator.market.network import SocialNetwork


def likelihood_to_recommend(s: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """``LTR = clip(round(S + noise), 0, 10)`` on the NPS 0-10 scale."""
    return np.clip(np.rint(s + noise), 0, 10).astype(np.int8)


def talk(
    ltr: np.ndarray,
    u_talk: np.ndarray,
    u_valence: np.ndarray,
    *,
    promoter_rate: float,
    passive_rate: float,
    passive_positive: float,
    detractor_rate: float,
    talkativeness: np.ndarray | float = 1.0,
) -> np.ndarray:
    """Valence of today's message per speaker: +1 positive, -1 negative, 0 silent.

    References
    ----------
    Anderson, E. W. (1998). Customer satisfaction and word of mouth. Journal of Service
    Research, 1(1), 5-17.
    East, R., Hammond, K., & Wright, M. (2007). The relative incidence of positive and
    negative word of mouth: A multi-category study. IJRM, 24(2), 175-184.
    """
    promoter = ltr >= 9
    detractor = ltr <= 6
    rate = np.where(promoter, promoter_rate, np.where(detractor, detractor_rate, passive_rate))
    speaks = u_talk < rate * talkativeness
    valence = np.where(detractor, -1, np.where(promoter | (u_valence < passive_positive), 1, -1))
    return np.where(speaks, valence, 0).astype(np.int8)


def expected_nps(s: np.ndarray, noise_sd: float) -> float:
    """NPS implied by S when LTR = round(S + N(0, sd)): 100 (P(LTR>=9) - P(LTR<=6)).

    Computed in expectation, so the metric carries no sampling noise of its own
    (Reichheld 2003's definition of the score).
    """
    if s.size == 0:
        return float("nan")
    sd = max(noise_sd, 1e-6)
    promoters = 1.0 - ndtr((8.5 - s) / sd)
    detractors = ndtr((6.5 - s) / sd)
    return float(100.0 * (promoters.mean() - detractors.mean()))


def nps_from_histogram(counts: np.ndarray, bin_width: float, noise_sd: float) -> float:
    """:func:`expected_nps` from a histogram of S (bin b centred on ``b * bin_width``).

    A pass of ``np.bincount`` over a million customers costs a fraction of evaluating
    the normal CDF for each of them; with 0.01-wide bins the result differs from the
    exact one by far less than its sampling noise.
    """
    total = counts.sum()
    if total == 0:
        return float("nan")
    net = _net_promoter_weights(counts.size, float(bin_width), max(float(noise_sd), 1e-6))
    return float(100.0 * (counts @ net) / total)


@lru_cache(maxsize=8)
def _net_promoter_weights(bins: int, bin_width: float, sd: float) -> np.ndarray:
    # P(LTR >= 9) - P(LTR <= 6) at each bin's S: the same for every day of a run.
    mids = np.arange(bins) * bin_width
    return (1.0 - ndtr((8.5 - mids) / sd)) - ndtr((6.5 - mids) / sd)


def listen(
    *,
    listeners: np.ndarray,
    speakers: np.ndarray,
    valence: np.ndarray,
    strong: np.ndarray,
    u: np.ndarray,
    day: int,
    relationship: np.ndarray,
    alive: np.ndarray,
    aware: np.ndarray,
    blocked_until: np.ndarray,
    source: np.ndarray,
    expectation: np.ndarray,
    satisfaction: np.ndarray,
    wom: np.ndarray,
    params: Listening,
) -> int:
    """What each message does to its listener, in place; returns the positive messages.

    Prospects may adopt on good news over a strong or weak tie (Goldenberg, Libai &
    Muller 2001) or be put off by bad news for ``block_days``; prospects hearing good
    news move their expectation towards the speaker's S; customers shift their focal
    expectation and their heard valence W. ``u`` holds one uniform per message.

    References
    ----------
    Goldenberg, J., Libai, B., & Muller, E. (2001). Talk of the network: A complex
    systems look at the underlying process of word-of-mouth. Marketing Letters, 12(3),
    211-223.
    """
    pos = valence > 0
    prospect = (relationship[listeners] == PROSPECT) & alive[listeners]
    unaware = prospect & ~aware[listeners, 0]
    adopt_p = np.where(strong, params.adopt_strong, params.adopt_weak)
    adopt = unaware & pos & (u < adopt_p) & (blocked_until[listeners] < day)
    new = listeners[adopt]
    aware[new, 0] = True
    source[new] = np.where(source[new] == 0, SOURCE_WOM, source[new])
    hear = listeners[prospect & pos]
    expectation[hear, 0] = smooth(
        expectation[hear, 0], satisfaction[speakers[prospect & pos]], params.eta
    )
    block = unaware & ~pos & (u < params.block_probability)
    blocked_until[listeners[block]] = day + params.block_days
    cust = ~prospect
    shift = np.where(
        pos, params.expectation_shift, -params.expectation_shift * params.negativity_weight
    )
    np.add.at(expectation[:, 0], listeners[cust], shift[cust].astype(np.float32))
    np.add.at(wom, listeners[cust], np.where(pos[cust], 1.0, -1.0).astype(np.float32))
    if cust.any():
        np.clip(expectation[:, 0], 0, 10, out=expectation[:, 0])
    return int(pos.sum())


def decay_factor(half_life: float) -> float:
    """Daily multiplier of a quantity with the given half-life in days."""
    return float(0.5 ** (1.0 / half_life))


# ------------------------------------------------------------------- the stage


def run(ctx: DayContext) -> None:
    """Who talks today, to whom, with what effect; promoters' referrals."""
    c = ctx.config
    if not c.modules.word_of_mouth or ctx.network is None:
        return
    p = ctx.pop
    d = ctx.day
    w = c.market.word_of_mouth
    p.wom *= np.float32(decay_factor(w.wom_half_life))
    speakers = kernel.speakers(
        p.alive, p.last_focal_day, p.negative_talk_until, d, w.experience_days
    )
    if speakers.size == 0:
        return
    rng = ctx.streams.get("word_of_mouth", d)
    noise = rng.standard_normal(speakers.size, dtype=np.float32)
    noise *= np.float32(w.ltr_noise)
    valence, ltr = kernel.talk(
        rows=speakers,
        noise=noise,
        key=ctx.streams.key("talk", d),
        satisfaction=p.satisfaction,
        segment=p.segment,
        talkativeness=np.array([s.talkativeness for s in c.market.segments]),
        last_focal_day=p.last_focal_day,
        negative_talk_until=p.negative_talk_until,
        day=d,
        rates=kernel.TalkRates(
            experience_days=int(w.experience_days),
            promoter_rate=float(w.promoter_rate),
            passive_rate=float(w.passive_rate),
            passive_positive=float(w.passive_positive),
            detractor_rate=float(w.detractor_rate),
            negative_talk_rate=float(c.market.complaints.negative_talk_rate),
        ),
        by_class=ctx.log.talk_by_class,
    )
    talkers = np.flatnonzero(valence != 0)
    spread(ctx, speakers[talkers], valence[talkers], rng)
    refer(ctx, speakers[ltr >= 9], rng)


def spread(
    ctx: DayContext, speakers: np.ndarray, valence: np.ndarray, rng: np.random.Generator
) -> None:
    """Each message reaches one random neighbour: prospects may adopt (good news) or be
    put off (bad news); customers shift their expectation and heard valence W
    (:func:`listen`, compiled: a few dozen numpy calls on a few hundred messages cost
    more than the work)."""
    p = ctx.pop
    w = ctx.config.market.word_of_mouth
    assert ctx.network is not None
    listeners, strong = _random_neighbour(ctx.network, speakers, rng)
    # Only people in the category hear: not those who left it or have yet to enter.
    ok = listeners >= 0
    ok[ok] = p.alive[listeners[ok]]
    speakers, valence, listeners, strong = speakers[ok], valence[ok], listeners[ok], strong[ok]
    u = rng.random(listeners.size)
    positive = kernel.listen(
        listeners=listeners,
        speakers=speakers,
        valence=valence,
        strong=strong,
        u=u,
        day=ctx.day,
        relationship=p.relationship,
        alive=p.alive,
        aware=p.aware,
        blocked_until=p.blocked_until,
        source=p.acquisition_source,
        expectation=p.expectation,
        satisfaction=p.satisfaction,
        wom=p.wom,
        params=kernel.Listening(
            adopt_strong=float(w.adopt_strong),
            adopt_weak=float(w.adopt_weak),
            block_probability=float(w.block_probability),
            block_days=int(w.block_days),
            expectation_shift=float(w.expectation_shift),
            negativity_weight=float(w.negativity_weight),
            eta=float(ctx.config.market.satisfaction.expectation_learning),
        ),
    )
    ctx.flows.wom_positive += positive
    ctx.flows.wom_negative += listeners.size - positive


def refer(ctx: DayContext, promoters: np.ndarray, rng: np.random.Generator) -> None:
    """Promoters refer a non-customer neighbour (Kumar, Petersen & Leone 2007)."""
    p = ctx.pop
    w = ctx.config.market.word_of_mouth
    rate = w.referral_rate * ctx.programme.referral_multiplier() / 365.0
    referrers = promoters[rng.random(promoters.size) < rate]
    if referrers.size == 0:
        return
    # The referred is a non-customer neighbour: a prospect not yet aware of the firm.
    assert ctx.network is not None
    listeners = _random_unaware_prospect_neighbour(ctx, referrers, rng)
    ok = listeners >= 0
    referrers, listeners = referrers[ok], listeners[ok]
    ctx.totals.referrals_made += referrers.size
    conv = rng.random(referrers.size) < w.referral_conversion
    referrers, listeners = referrers[conv], listeners[conv]
    # A listener referred twice the same day keeps the first referrer.
    listeners, first = np.unique(listeners, return_index=True)
    referrers = referrers[first]
    p.aware[listeners, 0] = True
    p.referred_by[listeners] = referrers
    p.acquisition_source[listeners] = SOURCE_REFERRAL
    ctx.totals.referrals_converted += listeners.size
    ctx.programme.on_referral(ctx.day, referrers, listeners)
    ctx.members.on_referral(referrers)


def _random_neighbour(
    net: SocialNetwork, speakers: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`~simulator.market.network.random_neighbour`, compiled on a network (tests
    hold them equal): a dozen numpy calls on a few hundred speakers cost more than the
    work, every day."""
    if net.fully_mixed:
        return random_neighbour(net, speakers, rng)
    speakers = np.asarray(speakers, dtype=np.int64)
    u = rng.random(speakers.size)
    return kernel.random_neighbour(net.csr.indptr, net.csr.indices, net.strong, speakers, u)


def _random_unaware_prospect_neighbour(
    ctx: DayContext, referrers: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """:func:`~simulator.market.network.random_non_flag_neighbour` over the prospects not
    yet aware of the firm, compiled on a network (tests hold them equal): the flag is
    read for the referrers' neighbours only, not built over the whole population."""
    p = ctx.pop
    net = ctx.network
    assert net is not None
    if net.fully_mixed:
        eligible = (p.relationship == PROSPECT) & p.alive & ~p.aware[:, 0]
        return random_non_flag_neighbour(net, referrers, eligible, rng)
    referrers = np.asarray(referrers, dtype=np.int64)
    u = rng.random(referrers.size)
    return kernel.random_unaware_prospect_neighbour(
        net.csr.indptr, net.csr.indices, referrers, u, p.relationship, p.alive, p.aware
    )
