"""The recommendation: a pure function of the comparison table, on hand-made verdicts."""

from __future__ import annotations

from simulator.metrics import registry
from simulator.report.recommend import recommend

from .conftest import REPS, shifted, table

MARGIN, RETENTION = (m.name for m in registry.objectives()[:2])


def _advice(values: dict, *, warmup: int | None = 390):
    return recommend(table(values, "base"), baseline="base", replications=REPS, warmup=warmup)


def test_the_first_two_objectives_are_margin_and_retention():
    # The rule reads the registry; this pins what the sentences below assume.
    assert (MARGIN, RETENTION) == ("net_margin", "retention_rate_annual")


def test_a_clear_winner():
    advice = _advice(
        {
            "base": {MARGIN: shifted(1000, 0), RETENTION: shifted(0.80, 0, 0.001)},
            # +5%, retention unchanged up to noise: the winner.
            "card": {MARGIN: shifted(1000, 50), RETENTION: shifted(0.80, 0, 0.003)},
            # Also better and harmless, but by less: named as also qualifying.
            "small": {MARGIN: shifted(1000, 20), RETENTION: shifted(0.80, 0, 0.001)},
        }
    )
    assert advice.kind == "prefer" and advice.strategy == "card"
    assert advice.text.startswith("Prefer card: it is detectably better than base on net margin")
    assert "+5.0%" in advice.text and "without being detectably worse on annual retention" in (
        advice.text
    )
    assert "small also qualifies" in advice.text and "not with one another" in advice.text


def test_a_winner_that_costs_retention_is_passed_over():
    advice = _advice(
        {
            "base": {MARGIN: shifted(1000, 0), RETENTION: shifted(0.80, 0, 0.001)},
            # The largest margin gain, bought with customers: not preferred.
            "squeeze": {MARGIN: shifted(1000, 90), RETENTION: shifted(0.80, -0.05, 0.001)},
            "card": {MARGIN: shifted(1000, 30), RETENTION: shifted(0.80, 0, 0.001)},
        }
    )
    assert advice.kind == "prefer" and advice.strategy == "card"
    assert "Passed over: squeeze is detectably better on net margin (+9.0%" in advice.text
    assert "but detectably worse on annual retention (-5.0 points" in advice.text


def test_a_trade_off():
    advice = _advice(
        {
            "base": {MARGIN: shifted(1000, 0), RETENTION: shifted(0.80, 0, 0.001)},
            "squeeze": {MARGIN: shifted(1000, 40), RETENTION: shifted(0.80, -0.02, 0.001)},
        }
    )
    assert advice.kind == "trade-off" and advice.strategy is None
    assert advice.text.startswith("No clear winner: squeeze is detectably better on net margin")
    # Both sides of the trade-off, each with its paired difference in its own unit.
    assert "(+4.0%, 95% CI" in advice.text
    assert (
        "but detectably worse on annual retention (-2.0 points, 95% CI -2.0 to -2.0)" in advice.text
    )
    assert "keep base" in advice.text


def test_nothing_detectable():
    advice = _advice(
        {
            "base": {MARGIN: shifted(1000, 0), RETENTION: shifted(0.80, 0, 0.001)},
            # +0.2 on average, but the paired differences wobble from -0.6 to +1.2.
            "card": {MARGIN: shifted(1000, 0.2, 3.0), RETENTION: shifted(0.80, 0, 0.001)},
            "worse": {MARGIN: shifted(1000, -30), RETENTION: shifted(0.80, 0, 0.001)},
        }
    )
    assert advice.kind == "keep baseline" and advice.strategy is None
    assert advice.text.startswith(
        f"Keep base: no strategy is detectably better than the baseline on net margin with "
        f"{REPS} replications"
    )
    # The largest estimated gain and the replications that would detect it.
    t = table(
        {"base": {MARGIN: shifted(1000, 0)}, "card": {MARGIN: shifted(1000, 0.2, 3.0)}}, "base"
    )
    need = int(t.loc[t["strategy"] == "card", "replications_needed"].iloc[0])
    assert need > REPS
    assert f"card's (+0.02%); about {need} replications would detect it." in advice.text


def test_nothing_even_estimated():
    advice = _advice({"base": {MARGIN: shifted(1000, 0)}, "worse": {MARGIN: shifted(1000, -30)}})
    assert advice.kind == "keep baseline"
    assert advice.text.endswith("none even shows an estimated gain.")


def test_no_margin_no_recommendation():
    advice = _advice({"base": {RETENTION: shifted(0.8, 0)}, "x": {RETENTION: shifted(0.8, 0.1)}})
    assert advice.kind == "none" and advice.strategy is None


def test_caveats_are_always_stated():
    for values in (
        {"base": {MARGIN: shifted(1000, 0)}, "card": {MARGIN: shifted(1000, 50)}},
        {"base": {MARGIN: shifted(1000, 0)}, "card": {MARGIN: shifted(1000, -50)}},
    ):
        caveats = " ".join(_advice(values).caveats)
        assert f"{REPS} replications per strategy" in caveats
        assert "390-day warm-up shared by every strategy" in caveats
        assert "common random numbers" in caveats and "paired" in caveats
        assert "simulation" in caveats and "[A]" in caveats
        assert "Meyer-Waarden & Benavent 2009" in caveats and "6-9 months" in caveats
    no_warmup = " ".join(_advice(values, warmup=0).caveats)
    assert "no warm-up" in no_warmup
    failed = recommend(
        table(values, "base"), baseline="base", replications=REPS, warmup=30, failed_runs=2
    )
    assert "2 runs failed" in " ".join(failed.caveats)
