"""Stylized fact 11: programme effects are small (docs/model.md §9).

In the cafe preset, a plain 2%-back points card (the coffee chain's ``loyalty_card``)
against no programme, launched after the warm-up, paired over replications (Sharp &
Sharp 1997; Leenheer et al. 2007; Meyer-Waarden & Benavent 2009; Liu 2007):

- members' focal share of wallet in their first 3 months (from the day they join)
  rises by 0.5-8 percentage points against the same customers without the card (the
  fork of the same warmed-up market without it), for members who join in the first
  90 reported days;
- light buyers raise their visit frequency more than heavy buyers;
- the card's incremental net margin (accrual costing, running cost included) lies
  between -3% and +5%.

Known limitation (docs/model.md, Known limitations): the model has no mechanism for
the erosion of programme effects 6-9 months after joining.
"""

from __future__ import annotations

import numpy as np
import pytest

from simulator.config.loading import load_yaml
from simulator.engine.model import LoyaltyModel
from simulator.experiment.protocol import prepare
from simulator.metrics.summary import summarise

from ..conftest import SCENARIOS
from .presets import cafe

LIGHT_BUYERS_FAIL = (
    "fails honestly (docs/model.md §9, fact 11): light buyers' focal visits in their first "
    "3 months fall about 3% with the card, heavy buyers' rise about 0.6% (mean of 3 "
    "replications). The centred goal gradient starts every new member at progress 0, "
    "where M = 0.86; light buyers spend their first months in the first half of a "
    "10-visit cycle, heavy buyers reach the accelerating half. With the gradient off, "
    "light and heavy members respond alike (+2.4% and +3.1%): the model has no "
    "mechanism by which heavy buyers are already at a ceiling (Liu 2007)."
)

FIRST_MONTHS = 90  # a member's first 3 months: the join day and the 89 after it
JOINED_BY = 90  # members who join in the first 90 reported days
REPLICATIONS = (1, 2, 3)


def card_against_none(seed: int) -> dict[str, float]:
    """One replication: the same warmed-up market with and without the card."""
    sc = cafe(customers=20_000, days=365)
    card = load_yaml(SCENARIOS / "coffee_chain.yaml")["strategies"]["loyalty_card"]
    sc["strategies"] = {"none": {}, "card": card}
    experiment = prepare(sc, ["none", "card"])
    warmed = experiment.warm_up(seed)
    worlds = {"none": LoyaltyModel.restore(warmed.snapshot()), "card": warmed}
    # Cumulative focal visits and category purchases at the end of each reported day.
    focal, bought = {}, {}
    for name, model in worlds.items():
        experiment.start(model, name)
        f, b = [model.pop.focal_visits.copy()], [model.pop.purchases.copy()]
        for day in range(1, 366):
            model.step()
            if day <= JOINED_BY + FIRST_MONTHS:
                f.append(model.pop.focal_visits.copy())
                b.append(model.pop.purchases.copy())
        focal[name], bought[name] = np.array(f), np.array(b)
    c = worlds["card"]
    join = c.programme.state.join_day.astype(np.int64) - c.ctx.report_start
    members = np.flatnonzero(c.pop.member & (join >= 1) & (join <= JOINED_BY))
    first, last = join[members] - 1, join[members] + FIRST_MONTHS - 1

    def first_months(cum: np.ndarray) -> np.ndarray:
        return cum[last, members] - cum[first, members]

    visits = {name: first_months(focal[name]) for name in worlds}
    purchases = {name: first_months(bought[name]) for name in worlds}
    sow = {name: visits[name].sum() / purchases[name].sum() for name in worlds}
    rate = c.pop.rate[members]
    cut = np.quantile(rate, [1 / 3, 2 / 3])
    light, heavy = rate <= cut[0], rate > cut[1]
    gross = {name: m.totals.gross_margin for name, m in worlds.items()}
    net = {name: _net_margin(m) for name, m in worlds.items()}
    return {
        "members": float(members.size),
        "sow_gain_pp": 100 * (sow["card"] - sow["none"]),
        "lift_light": visits["card"][light].sum() / visits["none"][light].sum() - 1,
        "lift_heavy": visits["card"][heavy].sum() / visits["none"][heavy].sum() - 1,
        "net_margin_change": net["card"] / net["none"] - 1,
        "gross_margin_change": gross["card"] / gross["none"] - 1,
    }


def _net_margin(model: LoyaltyModel) -> float:
    return summarise(model.ctx, model.metrics.frame())["net_margin"]


@pytest.fixture(scope="module")
def replications() -> dict[str, float]:
    runs = [card_against_none(seed) for seed in REPLICATIONS]
    mean = {k: float(np.mean([r[k] for r in runs])) for k in runs[0]}
    print({k: round(v, 4) for k, v in mean.items()})
    return mean


@pytest.mark.slow
def test_a_points_card_moves_share_of_wallet_a_little_and_margin_barely(replications):
    assert replications["members"] > 1000
    assert 0.5 <= replications["sow_gain_pp"] <= 8.0
    assert -0.03 <= replications["net_margin_change"] <= 0.05


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason=LIGHT_BUYERS_FAIL)
def test_light_buyers_raise_their_visit_frequency_more_than_heavy_buyers(replications):
    assert replications["lift_light"] > replications["lift_heavy"]
