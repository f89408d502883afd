"""Three customers through every stage of four days, against a hand-checked log.

As SimPy's tests assert event logs, this follows three customers of a tiny market
through each stage of the day (docs/model.md §3) and records what each stage did to
them. The scenario is chosen so that every number can be checked by hand:

- quality is exactly 8.7 with no noise, no match, no failure, and expectations start
  at 8.7, so every focal visit has transaction satisfaction s = 8.7 and moves
  S <- 0.85 S + 0.15 * 8.7 from S = 7.5: 7.68, 7.833, 7.963, 8.074 (§3.3);
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
        "satisfaction": {"initial_mean": 7.5, "initial_sd": 0.0},
        "choice": {"match_sd": 0.0, "expectation_sd": 0.0},
        "network": {"kind": "fully_mixed"},
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
    "run": {"customers": 3, "days": 4, "seed": 7},
}
WATCH = ("relationship", "satisfaction", "revenue", "points_balance", "rewards_redeemed")
OPTIONS = ("Ours", "Rival", "nowhere")

EXPECTED = [
    "day 1 occasions: occasions [0, 1, 2]",
    "day 1 store choice: 0->Ours, 1->Rival, 2->Rival",
    "day 1 visits: 0 satisfaction 7.5->7.68",
    "day 1 visits: 0 revenue 0->17.35",
    "day 1 visits: 0 points_balance 0->17",
    "day 2 occasions: occasions [0, 1, 2]",
    "day 2 store choice: 0->Ours, 1->Ours, 2->nowhere",
    "day 2 visits: 0 satisfaction 7.68->7.833",
    "day 2 visits: 1 satisfaction 7.5->7.68",
    "day 2 visits: 0 revenue 17.35->36.64",
    "day 2 visits: 1 revenue 0->23.52",
    "day 2 visits: 0 points_balance 17->36",
    "day 2 visits: 1 points_balance 0->23",
    "day 3 occasions: occasions [0, 1, 2]",
    "day 3 store choice: 0->Ours, 1->Ours, 2->Rival",
    "day 3 visits: 0 satisfaction 7.833->7.963",
    "day 3 visits: 1 satisfaction 7.68->7.833",
    "day 3 visits: 0 revenue 36.64->67.54",
    "day 3 visits: 1 revenue 23.52->45.92",
    "day 3 visits: 0 points_balance 36->66",
    "day 3 visits: 1 points_balance 23->45",
    "day 4 occasions: occasions [0, 1, 2]",
    "day 4 store choice: 0->Ours, 1->Ours, 2->Rival",
    "day 4 visits: 0 satisfaction 7.963->8.074",
    "day 4 visits: 1 satisfaction 7.833->7.963",
    "day 4 visits: 0 revenue 67.54->79.39",
    "day 4 visits: 1 revenue 45.92->68.15",
    "day 4 visits: 0 points_balance 66->22",
    "day 4 visits: 1 points_balance 45->67",
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
    s = [7.5]
    for _ in range(4):
        s.append(0.85 * s[-1] + 0.15 * 8.7)
    assert [round(x, 3) for x in s[1:]] == [7.68, 7.833, 7.963, 8.074]
    earned = [int(np.floor(x)) for x in (17.35, 36.64 - 17.35, 67.54 - 36.64)]
    assert earned == [17, 19, 30]
    assert sum(earned) - 50 + int(np.floor(79.39 - 67.54 - 5.0)) == 22
