"""Who talks today and what they say, fused (docs/model.md §3.6).

Reference rules: :func:`simulator.mechanisms.word_of_mouth.likelihood_to_recommend`,
:func:`~simulator.mechanisms.word_of_mouth.talk` (Anderson 1998; East, Hammond &
Wright 2007) and :func:`~simulator.mechanisms.word_of_mouth.listen` (Goldenberg, Libai
& Muller 2001).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from simulator.kernels import PROSPECT_CODE, SOURCE_WOM_CODE, compact, jit
from simulator.kernels.uniforms import counter_uniform


class TalkRates(NamedTuple):
    """Daily talk probabilities by NPS class (``market.word_of_mouth``)."""

    experience_days: int
    promoter_rate: float
    passive_rate: float
    passive_positive: float
    detractor_rate: float
    negative_talk_rate: float


@jit
def speakers(alive, last_focal_day, negative_talk_until, day, experience_days):
    """Customers alive with a focal visit in the last ``experience_days`` days, or
    still angry after a failed recovery: the ones with something to say today."""
    n = alive.shape[0]
    since = day - experience_days
    flags = np.empty(n, np.uint8)
    for i in range(n):
        flags[i] = alive[i] & ((last_focal_day[i] >= since) | (negative_talk_until[i] >= day))
    return compact(flags)


@jit
def talk(
    rows,
    noise,
    key,
    satisfaction,
    segment,
    talkativeness,
    last_focal_day,
    negative_talk_until,
    day,
    rates,
    by_class,
):
    """Each speaker's likelihood to recommend and the valence of its message today.

    ``LTR = clip(rint(S + noise), 0, 10)``; a speaker talks with the rate of its NPS
    class times its segment's talkativeness, promoters well, detractors badly, passives
    well with probability ``passive_positive``; a speaker still angry after a failed
    recovery who would have kept quiet talks badly with ``negative_talk_rate``.
    Customer i's three uniforms are outputs 3i, 3i+1 and 3i+2 of the stream ``key``.

    ``by_class`` (3 x 2, detractor/passive/promoter) accumulates, for speakers with a
    recent visit, how many spoke and how many there were (stylized fact 6).
    ``rates`` holds the scalars (:class:`TalkRates`). Returns the valences (+1, -1 or
    0, int8) and the LTRs (int8).
    """
    experience_days = rates.experience_days
    promoter_rate, passive_rate = rates.promoter_rate, rates.passive_rate
    passive_positive, detractor_rate = rates.passive_positive, rates.detractor_rate
    negative_talk_rate = rates.negative_talk_rate
    m = rows.shape[0]
    valence = np.zeros(m, np.int8)
    ltr = np.empty(m, np.int8)
    since = day - experience_days
    for r in range(m):
        i = rows[r]
        # S + noise in the arrays' own precision (float32), as the reference adds them.
        score = min(max(np.float64(np.rint(satisfaction[i] + noise[r])), 0.0), 10.0)
        ltr[r] = np.int8(score)
        promoter = score >= 9.0
        detractor = score <= 6.0
        if promoter:
            rate = promoter_rate
        elif detractor:
            rate = detractor_rate
        else:
            rate = passive_rate
        base = np.uint64(3) * np.uint64(i)
        v = 0
        if counter_uniform(key, base) < rate * talkativeness[segment[i]]:
            if detractor:
                v = -1
            elif promoter or counter_uniform(key, base + np.uint64(1)) < passive_positive:
                v = 1
            else:
                v = -1
        if v == 0 and negative_talk_until[i] >= day:
            if counter_uniform(key, base + np.uint64(2)) < negative_talk_rate:
                v = -1
        valence[r] = v
        if last_focal_day[i] >= since:
            c = 2 if promoter else (0 if detractor else 1)
            by_class[c, 0] += v != 0
            by_class[c, 1] += 1
    return valence, ltr


class Listening(NamedTuple):
    """What a message does to its listener (``market.word_of_mouth``, and ``eta`` of
    ``market.satisfaction``)."""

    adopt_strong: float
    adopt_weak: float
    block_probability: float
    block_days: int
    expectation_shift: float
    negativity_weight: float
    eta: float


@jit
def listen(
    listeners,
    speakers,
    valence,
    strong,
    u,
    day,
    relationship,
    alive,
    aware,
    blocked_until,
    source,
    expectation,
    satisfaction,
    wom,
    params,
):
    """What each message does to its listener, in place; returns the positive ones.

    Every decision reads the state before today's messages, as the reference's
    vectorised reads do; a prospect hearing good news twice keeps the last smoothing,
    each from its expectation before the messages. Then the focal expectation of
    everyone is clipped to 0-10 if a customer heard anything.
    """
    m = listeners.shape[0]
    adopt = np.zeros(m, np.bool_)
    block = np.zeros(m, np.bool_)
    prospect = np.zeros(m, np.bool_)
    positive = 0
    for r in range(m):
        i = listeners[r]
        pos = valence[r] > 0
        positive += pos
        prospect[r] = (relationship[i] == PROSPECT_CODE) & alive[i]
        unaware = prospect[r] and not aware[i, 0]
        p_adopt = params.adopt_strong if strong[r] else params.adopt_weak
        adopt[r] = unaware and pos and u[r] < p_adopt and blocked_until[i] < day
        block[r] = unaware and not pos and u[r] < params.block_probability
    # Smoothed expectations of prospects hearing good news, from the values before.
    eta = np.float32(params.eta)
    heard = np.empty(m, np.float32)
    for r in range(m):
        if prospect[r] and valence[r] > 0:
            e = expectation[listeners[r], 0]
            heard[r] = e + eta * (satisfaction[speakers[r]] - e)
    for r in range(m):
        i = listeners[r]
        if adopt[r]:
            aware[i, 0] = True
            if source[i] == 0:
                source[i] = SOURCE_WOM_CODE
    for r in range(m):
        if prospect[r] and valence[r] > 0:
            expectation[listeners[r], 0] = heard[r]
    for r in range(m):
        if block[r]:
            blocked_until[listeners[r]] = day + params.block_days
    up = np.float32(params.expectation_shift)
    down = np.float32(-params.expectation_shift * params.negativity_weight)
    any_customer = False
    for r in range(m):
        if not prospect[r]:
            i = listeners[r]
            any_customer = True
            if valence[r] > 0:
                expectation[i, 0] += up
                wom[i] += np.float32(1.0)
            else:
                expectation[i, 0] += down
                wom[i] += np.float32(-1.0)
    if any_customer:
        for i in range(expectation.shape[0]):
            # As np.clip does it: NaN and -0.0 stay as they are. Selects, not branches:
            # a mispredicted branch per row cost more than numpy's clip at 10^6 rows.
            x = expectation[i, 0]
            x = np.float32(0.0) if x < 0 else x
            expectation[i, 0] = np.float32(10.0) if x > 10 else x
    return positive


@jit
def random_neighbour(indptr, indices, strong, speakers, u):
    """One neighbour per speaker, the ``floor(u deg)``-th of its list, and whether that
    tie is strong; -1 and False for a speaker without neighbours
    (:func:`simulator.market.network.sampling.random_neighbour` is the reference)."""
    m = speakers.shape[0]
    listeners = np.full(m, -1, np.int64)
    is_strong = np.zeros(m, np.bool_)
    for r in range(m):
        start = np.int64(indptr[speakers[r]])
        deg = np.int64(indptr[speakers[r] + 1]) - start
        if deg > 0:
            slot = start + min(np.int64(u[r] * deg), deg - 1)
            listeners[r] = indices[slot]
            is_strong[r] = strong[slot]
    return listeners, is_strong


@jit
def random_unaware_prospect_neighbour(indptr, indices, speakers, u, relationship, alive, aware):
    """One neighbour per speaker among those who are alive prospects not yet aware of
    the focal firm, the ``floor(u c)``-th of its ``c`` such neighbours; -1 when it has
    none (:func:`simulator.market.network.sampling.random_non_flag_neighbour` over that
    flag is the reference)."""
    m = speakers.shape[0]
    out = np.full(m, -1, np.int64)
    for r in range(m):
        start = np.int64(indptr[speakers[r]])
        stop = np.int64(indptr[speakers[r] + 1])
        count = np.int64(0)
        for slot in range(start, stop):
            j = indices[slot]
            if relationship[j] == PROSPECT_CODE and alive[j] and not aware[j, 0]:
                count += 1
        if count == 0:
            continue
        rank = min(np.int64(u[r] * count), count - 1)
        for slot in range(start, stop):
            j = indices[slot]
            if relationship[j] == PROSPECT_CODE and alive[j] and not aware[j, 0]:
                if rank == 0:
                    out[r] = j
                    break
                rank -= 1
    return out
