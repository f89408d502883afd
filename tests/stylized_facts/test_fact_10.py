"""Stylized fact 10: the recovery paradox (docs/model.md §9; de Matos, Henrique & Rossi
2007).

After a first failure that is recovered, mean S is at least its pre-failure level, but
180-day repurchase (a focal purchase in the 180 days after the recovery) is no higher
than for a matched group with no failure: same day's focal visitors with no failure in
the memory window, matched on purchase-rate tercile and on satisfaction before the
visit. Measured in the cafe preset with a high failure rate and a well-staffed desk,
after the warm-up, on recoveries in the first 200 reported days.
"""

from __future__ import annotations

import numpy as np
import pytest

from simulator.experiment.run import build_model

from .presets import cafe

WATCH, AFTER = 200, 180


@pytest.mark.slow
def test_recovery_raises_satisfaction_not_repurchase():
    sc = cafe(customers=45_000, days=WATCH + AFTER)
    sc["firm"]["failure_rate"] = 0.15
    sc["firm"]["desk"] = {"staff": 20, "mean_service_days": 0.02, "service_level_days": 3.0}
    model, _ = build_model(sc, seed=4)
    p = model.pop
    log = model.ctx.log
    start = model.day
    sat_prev, after, visitors, last_at = {}, {}, {}, {}
    prev = p.satisfaction.copy()
    for _ in range(WATCH + AFTER):
        model.step()
        d = model.day
        if d - start <= WATCH:
            sat_prev[d] = prev
            # Visitors today with no failure today or in the memory window before.
            visitors[d] = (p.last_focal_day == d) & (
                (p.last_failure_day < 0) | (p.last_failure_day < d - 180)
            )
            if log.recoveries and log.recoveries[-1][0] == d:
                after[d] = p.satisfaction[log.recoveries[-1][1]].copy()
        # Whether each customer bought at the focal firm in the 180 days after day d.
        if d - AFTER in visitors:
            last_at[d - AFTER] = p.last_focal_day > d - AFTER
        prev = p.satisfaction.copy()
    rate_bin = np.digitize(p.rate, np.quantile(p.rate, [1 / 3, 2 / 3]))
    before_s, after_s, bought, control = [], [], [], []
    for d, rows, s_before in log.recoveries:
        if d not in last_at:
            continue
        before_s.append(s_before)
        after_s.append(after[d])
        bought.append(last_at[d][rows])
        s_bin = np.digitize(sat_prev[d], np.arange(0.5, 10, 0.5))
        b_bin = np.digitize(s_before, np.arange(0.5, 10, 0.5))
        for r, b in zip(rows, b_bin, strict=True):
            m = visitors[d] & (rate_bin == rate_bin[r]) & (s_bin == b)
            if m.any():
                control.append(last_at[d][m].mean())
    before, after_all = np.concatenate(before_s), np.concatenate(after_s)
    repurchase, matched = np.concatenate(bought).mean(), float(np.mean(control))
    print(
        f"{before.size} recoveries: S {before.mean():.3f} before, {after_all.mean():.3f} after; "
        f"180-day repurchase {repurchase:.3f} against {matched:.3f} matched"
    )
    assert before.size > 300
    assert after_all.mean() >= before.mean()
    assert repurchase <= matched
