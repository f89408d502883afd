"""The executive summary lists every strategy that detectably differs, on hand-made verdicts."""

from __future__ import annotations

from simulator.experiment.stats import INCREMENTAL_ROI, MARGIN_PER_COST
from simulator.metrics import registry
from simulator.report.summary import executive_summary, roi_findings, summary_lines, warmup_text

from .conftest import REPS, result, shifted

MARGIN, RETENTION, COST = "net_margin", "retention_rate_annual", "programme_cost"

VALUES = {
    "base": {MARGIN: shifted(1000, 0), RETENTION: shifted(0.8, 0, 0.001), COST: [0.0] * REPS},
    # +5% margin for 100 of extra programme cost, one retention point lost.
    "card": {
        MARGIN: shifted(1000, 50),
        RETENTION: shifted(0.8, -0.01, 0.001),
        COST: [100.0] * REPS,
    },
    "tweak": {
        MARGIN: shifted(1000, 20),
        RETENTION: shifted(0.8, 0, 0.001),
        COST: shifted(0, 0.3, 3.0),
    },
    # +0.2 on average; its paired differences run from -0.6 to +1.2: not detectable.
    "noise": {
        MARGIN: shifted(1000, 0.2, 3.0),
        RETENTION: shifted(0.8, 0, 0.001),
        COST: [0.0] * REPS,
    },
    "copy": {MARGIN: shifted(1000, 0), RETENTION: shifted(0.8, 0, 0.001), COST: [0.0] * REPS},
    "dearer": {MARGIN: shifted(1000, -80), RETENTION: shifted(0.8, 0, 0.001), COST: [0.0] * REPS},
}


def _findings():
    return {f.metric: f for f in executive_summary(result(VALUES, "base"))}


def _need(strategy: str, metric: str) -> int:
    t = result(VALUES, "base").table
    return int(
        t.loc[(t["strategy"] == strategy) & (t["metric"] == metric), "replications_needed"].iloc[0]
    )


def test_every_detectably_better_and_worse_strategy_is_listed_largest_first():
    margin = _findings()[MARGIN]
    assert margin.heading == "Net margin" and margin.baseline_level == "1,000"
    assert margin.better == (
        "card raises net margin by 5.0% (95% CI 5.0% to 5.0%)",
        "tweak raises net margin by 2.0% (95% CI 2.0% to 2.0%)",
    )
    assert margin.worse == ("dearer lowers net margin by 8.0% (95% CI 8.0% to 8.0%)",)


def test_the_rest_in_one_clause_with_the_replications_to_detect_the_largest():
    need = _need("noise", MARGIN)
    assert need > REPS
    assert _findings()[MARGIN].undetected == (
        f"noise, with {REPS} replications (about {need} replications would detect "
        "noise's +0.02%); copy, identical in every replication"
    )


def test_rates_are_read_in_points():
    retention = _findings()[RETENTION]
    assert retention.worse == (
        "card lowers annual retention by 1.0 points (95% CI 1.0 to 1.0 points)",
    )
    assert retention.better == ()
    assert retention.undetected == "tweak, noise, copy and dearer, identical in every replication"


def test_a_cost_against_a_baseline_of_zero_is_read_in_its_own_units():
    cost = _findings()[COST]
    assert cost.worse == ("card raises programme cost by 100 (95% CI 100 to 100)",)


def test_roi_lines_only_for_strategies_that_detectably_spend_more():
    comparison = result(VALUES, "base")
    t = comparison.table
    # The table has both ratios for every strategy with a positive mean extra cost...
    assert set(t.loc[t["metric"] == MARGIN_PER_COST, "strategy"]) == {"card", "tweak"}
    # ...the summary only for the one whose extra cost is detectable.
    (card,) = roi_findings(comparison)
    assert card.strategy == "card" and card.verdict == "pays back"
    # (50 + 100) / 100 = 1.50 per 1.00 spent; ROI = 1.50 - 1.
    assert card.text == (
        "card: each 1.00 of extra programme cost brings back 1.50 of margin "
        "(95% CI 1.50 to 1.50) vs base, an incremental ROI of +0.50 (95% CI +0.50 to +0.50)"
    )


def test_summary_lines_one_line_per_kpi_then_indented_strategies():
    lines = summary_lines(result(VALUES, "base"))
    start = lines.index("Net margin (base: 1,000)")
    assert lines[start + 1 : start + 5] == [
        "  better: card raises net margin by 5.0% (95% CI 5.0% to 5.0%)",
        "  better: tweak raises net margin by 2.0% (95% CI 2.0% to 2.0%)",
        "  worse:  dearer lowers net margin by 8.0% (95% CI 8.0% to 8.0%)",
        lines[start + 4],
    ]
    assert lines[start + 4].startswith("  no detectable difference: noise, with 5 replications")
    headers = [line for line in lines if not line.startswith(" ")]
    shown = [m.heading for m in registry.objectives() if m.name in (MARGIN, RETENTION, COST)]
    assert [h.split(" (")[0] for h in headers[:-1]] == shown
    assert headers[-1] == registry.get(INCREMENTAL_ROI).heading
    assert lines[-1].startswith("  card: each 1.00") and lines[-1].endswith("[pays back]")


def test_warmup_is_said():
    assert warmup_text(result(VALUES, "base")) == (
        "after a 390-day warm-up, shared by every strategy"
    )
    assert warmup_text(result(VALUES, "base"), shared=False) == "after a 390-day warm-up"
    assert warmup_text(result(VALUES, "base", warmup=0)).startswith("with no warm-up")
    assert warmup_text(result(VALUES, "base", warmup=None)) == ""
