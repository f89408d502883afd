"""Stylized fact 6: word-of-mouth valence (docs/model.md §9).

In the cafe preset, positive:negative word-of-mouth is between 2 and 4 (East, Hammond &
Wright 2007); per head, detractors talk more than promoters (Anderson 1998). Measured on
the reported year after the warm-up, from the talk the model simulates (LTR with its
noise, §3.6).
"""

from __future__ import annotations

import pytest

from simulator.experiment.run import run

from .presets import cafe


@pytest.mark.slow
@pytest.mark.parametrize("seed", [3, 4])
def test_positive_talk_two_to_four_times_negative_and_detractors_talk_more(seed):
    res = run(cafe(), seed=seed)
    pos = res.metric("wom_positive").loc[1:].sum()
    neg = res.metric("wom_negative").loc[1:].sum()
    s = res.summary
    print(
        f"seed {seed}: positive:negative {pos / neg:.2f}; talk per head: detractors "
        f"{s['talk_rate_detractor']:.4f}, promoters {s['talk_rate_promoter']:.4f}"
    )
    assert 2.0 <= pos / neg <= 4.0, pos / neg
    assert s["talk_rate_detractor"] > s["talk_rate_promoter"]
