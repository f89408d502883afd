"""Stylized fact 4: the goal gradient (docs/model.md §9; Kivetz, Urminsky & Zheng 2006).

Among members who complete a reward cycle of at least five visits, the inter-purchase
time of the last interval before reaching the threshold is 12-28% shorter than that of
the first interval of the cycle; the interval right after a redemption is longer than
the one right before it. Measured over at least 20,000 members in the cafe preset,
after the warm-up, on the reported window.
"""

from __future__ import annotations

import numpy as np
import pytest

from simulator.experiment.run import build_model

from .presets import cafe

THRESHOLD = 40


@pytest.mark.slow
def test_last_interval_before_a_reward_is_a_fifth_shorter():
    sc = cafe(customers=60_000, days=365)
    sc["firm"]["programme"] = {
        "enrol_all_at_start": True,
        "enrol_probability": 0.5,
        "points_per_unit": 1.0,
        "rewards": [{"points": THRESHOLD, "value": 1.0, "kind": "discount"}],
        "expiry": {"kind": "none"},
    }
    model, _ = build_model(sc, seed=5)
    p = model.pop
    bal = model.programme.state.points_balance
    last_red = model.programme.state.last_redeem_day
    start = model.day
    log_c, log_d, log_b, log_r = [], [], [], []
    for _ in range(365):
        model.step()
        d = model.day
        v = np.flatnonzero((p.last_focal_day == d) & p.member)
        log_c.append(v)
        log_d.append(np.full(v.size, d - start))
        log_b.append(bal[v].copy())
        log_r.append(last_red[v] == d)
    assert int((p.member & p.alive).sum()) >= 20_000
    c, d, b, red = (np.concatenate(x) for x in (log_c, log_d, log_b, log_r))
    order = np.lexsort((d, c))
    c, d, b, red = c[order], d[order], b[order], red[order]
    first, last, before_red, after_red = [], [], [], []
    cycle = None
    for i in range(1, c.size):
        if c[i] != c[i - 1]:
            cycle = None
            continue
        if red[i - 1]:
            cycle = i - 1  # a cycle starts at a redemption visit
            if i >= 2 and c[i - 2] == c[i]:
                before_red.append(d[i - 1] - d[i - 2])
                after_red.append(d[i] - d[i - 1])
        if cycle is not None and b[i] >= THRESHOLD and b[i - 1] < THRESHOLD:
            if i - cycle >= 5:
                first.append(d[cycle + 1] - d[cycle])
                last.append(d[i] - d[i - 1])
            cycle = None
    assert len(first) > 2000
    shorter = 1 - np.mean(last) / np.mean(first)
    print(
        f"goal gradient: last interval {shorter:.1%} shorter ({len(first)} cycles); "
        f"after a redemption {np.mean(after_red):.2f} days, before {np.mean(before_red):.2f}"
    )
    assert 0.12 <= shorter <= 0.28, shorter
    assert np.mean(after_red) > np.mean(before_red)
