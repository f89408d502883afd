"""Three customers through every stage of four days, against a hand-checked log.

As SimPy's tests assert event logs, this follows three customers of a tiny market
through each stage of the day (docs/model.md §3) and records what each stage did to
them. The scenario is chosen so that every number can be checked by hand:

- quality is exactly 8.7 with no noise, no match and no failure, so a customer who
  knows the firm expects 8.7 and its satisfaction starts where the update rule
  settles, S = 8.7 (§2): the visits of days 1 and 2 leave it there;
- on day 3 quality dips to 8.0 (a scheduled change): the disconfirmation is -0.7,
  s = 8.0 + 0.5 v(-0.7) = 8.0 - 0.5 x 2.25 x 0.7^0.88 = 7.178, so S goes to
  0.85 x 8.7 + 0.15 x 7.178 = 8.472 and E to 8.7 + 0.2 (8.0 - 8.7) = 8.56; on the
  next visit s = 8.0 - 0.5 x 2.25 x 0.56^0.88 = 7.325 and S = 8.300 (§3.3);
- purchase rates near 11 a day make an occasion all but certain (§3.1);
- one point per unit of spend, floored, and a 50-point reward worth 5.00 that members
  redeem with probability 0.8 on a visit with 50 points or more, paying 5.00 less
  (§4.1): customer 0 earns floor(17.35) = 17, then 19 and 30 points, and on day 4
  holds 66, redeems 50, spends 11.85 and earns floor(11.85 - 5) = 6: 66 - 50 + 6 = 22;
- a rival of equal quality and price takes some occasions; its visits teach the
  customer about the rival, not about us, and leave S alone.
"""

from __future__ import annotations

import numpy as np

from simulator.engine import model as model_module
from simulator.engine.day import STAGES, Stage
from simulator.experiment.run import build_model

TRACE = {
    "name": "trace",
    "market": {
        "initial": {"active": 1.0, "lapsed": 0.0},
        "segments": [
            {
                "name": "all",
                "share": 1.0,
                "purchase": {"r": 100.0, "alpha": 10.0},
                "dropout": {"a": 0.001, "b": 1e9},
            }
        ],
        "competitors": [{"name": "Rival", "market_share": 0.3, "quality": 8.7, "awareness": 1.0}],
        "satisfaction": {"initial_sd": 0.0},
        "choice": {"match_sd": 0.0, "expectation_sd": 0.0, "known_expectation_sd": 0.0},
        "network": {"kind": "fully_mixed"},
        "entry": {"mode": "none"},
    },
    "firm": {
        "name": "Ours",
        "market_share": 0.7,
        "quality": 8.7,
        "quality_sd": 0.0,
        "failure_rate": 0.0,
        "programme": {
            "enrol_all_at_start": True,
            "points_per_unit": 1.0,
            "rewards": [{"points": 50, "value": 5.0}],
            "expiry": {"kind": "none"},
        },
    },
    "schedule": [{"day": 3, "set": {"firm.quality": 8.0}, "label": "quality dips"}],
    "run": {"customers": 3, "days": 4, "seed": 7, "warmup_days": 0},
}
WATCH = ("relationship", "satisfaction", "revenue", "points_balance", "rewards_redeemed")
OPTIONS = ("Ours", "Rival", "nowhere")

EXPECTED = [
    "day 1 occasions: occasions [0, 1, 2]",
    "day 1 store choice: 0->Ours, 1->Rival, 2->Rival",
    "day 1 visits: 0 revenue 0->17.35",
    "day 1 visits: 0 points_balance 0->17",
    "day 2 occasions: occasions [0, 1, 2]",
    "day 2 store choice: 0->Ours, 1->Ours, 2->nowhere",
    "day 2 visits: 0 revenue 17.35->36.64",
    "day 2 visits: 1 revenue 0->23.52",
    "day 2 visits: 0 points_balance 17->36",
    "day 2 visits: 1 points_balance 0->23",
    "day 3 occasions: occasions [0, 1, 2]",
    "day 3 store choice: 0->Ours, 1->Ours, 2->Rival",
    "day 3 visits: 0 satisfaction 8.7->8.472",
    "day 3 visits: 1 satisfaction 8.7->8.472",
    "day 3 visits: 0 revenue 36.64->67.54",
    "day 3 visits: 1 revenue 23.52->45.92",
    "day 3 visits: 0 points_balance 36->66",
    "day 3 visits: 1 points_balance 23->45",
    "day 4 occasions: occasions [0, 1, 2]",
    "day 4 store choice: 0->Ours, 1->Rival, 2->Rival",
    "day 4 visits: 0 satisfaction 8.472->8.3",
    "day 4 visits: 0 revenue 67.54->79.39",
    "day 4 visits: 0 points_balance 66->22",
    "day 4 visits: 0 rewards_redeemed 0->1",
]


def _watch(model) -> dict[str, np.ndarray]:
    cols = model.customer_columns()
    return {c: cols[c].copy() for c in WATCH}


def _traced(model, log: list[str]) -> tuple[Stage, ...]:
    def wrap(stage: Stage) -> Stage:
        def run(ctx) -> None:
            before = _watch(model)
            stage.run(ctx)
            after = _watch(model)
            head = f"day {ctx.day} {stage.name}:"
            if stage.name == "occasions":
                log.append(f"{head} occasions {ctx.occasion_rows.tolist()}")
            if stage.name == "store choice":
                picks = [OPTIONS[int(k)] for k in ctx.chosen]
                log.append(f"{head} " + ", ".join(
                    f"{i}->{o}" for i, o in zip(ctx.occasion_rows.tolist(), picks, strict=True)
                ))  # fmt: skip
            for c in WATCH:
                for i in np.flatnonzero(before[c] != after[c]):
                    log.append(f"{head} {i} {c} {before[c][i]:.4g}->{after[c][i]:.4g}")

        return Stage(stage.name, run, stage.section)

    return tuple(wrap(s) for s in STAGES)


def test_three_customers_through_every_stage(monkeypatch):
    model, _ = build_model(TRACE, seed=7)
    log: list[str] = []
    monkeypatch.setattr(model_module, "STAGES", _traced(model, log))
    for _ in range(4):
        model.step()
    assert log == EXPECTED


def test_the_hand_checks_hold():
    """The closed forms quoted above, computed independently of the model."""
    s1 = 8.0 - 0.5 * 2.25 * 0.7**0.88
    s_after = 0.85 * 8.7 + 0.15 * s1
    e_after = 8.7 + 0.2 * (8.0 - 8.7)
    s2 = 8.0 - 0.5 * 2.25 * (e_after - 8.0) ** 0.88
    assert (round(s1, 3), round(s_after, 3), round(e_after, 2)) == (7.178, 8.472, 8.56)
    assert round(0.85 * s_after + 0.15 * s2, 3) == 8.3
    earned = [int(np.floor(x)) for x in (17.35, 36.64 - 17.35, 67.54 - 36.64)]
    assert earned == [17, 19, 30]
    assert sum(earned) - 50 + int(np.floor(79.39 - 67.54 - 5.0)) == 22
