"""The sections a comparison report opens with: the set-up and a recommendation with its
caveats, a strategy × KPI scorecard, and difference-from-baseline charts.

A manager reads these first, so they carry the paired differences (what the strategy
changed), not the levels; the levels, trajectories and breakdowns follow in
:mod:`simulator.report.sections`. Objectives, their order, labels and units come from
:mod:`simulator.metrics.registry`.
"""

from __future__ import annotations

import math

import pandas as pd

from simulator.experiment.results import ComparisonResult
from simulator.experiment.stats import BASELINE, BETTER, NOT_AVAILABLE, WORSE
from simulator.metrics import registry
from simulator.report.charts import difference_figures
from simulator.report.format import change_scale, compact_change, finite, fmt_value
from simulator.report.markup import badge, esc, figures
from simulator.report.recommend import recommendation
from simulator.report.summary import roi_findings, warmup_text

__all__ = ["OPENING", "is_single", "run_size"]

# Arrows give the direction of the change; colour (and the cell's title) whether it is
# better, worse or not told apart from the baseline, in the KPI's direction.
UP, DOWN, SAME = "\u25b2", "\u25bc", "="


def is_single(result: ComparisonResult) -> bool:
    """A single run (one replication): values without intervals."""
    return result.replications < 2


def run_size(result: ComparisonResult) -> str:
    """'365 simulated days and 3,000 people in the market', or empty if unknown."""
    run = result.resolved.get("run", {}) if isinstance(result.resolved, dict) else {}
    days, customers = run.get("days"), run.get("customers")
    if not (days and customers):
        return ""
    return f"{days} simulated days and {customers:,} people in the market"


def _intro(result: ComparisonResult) -> str:
    size = run_size(result)
    warmup = warmup_text(result, shared=not is_single(result))
    if is_single(result):
        facts = ", ".join(x for x in (size, warmup) if x)
        return (
            f"<p>One run of strategy <b>{esc(result.strategies[0])}</b> (seed "
            f"{result.seeds[0]}{', ' + esc(facts) if facts else ''}). A single run has "
            "no confidence intervals: a difference between strategies smaller than the "
            "run-to-run noise cannot be told apart. Use <code>loyalty-sim compare</code> "
            "for replicated, paired comparisons.</p>"
        )
    seeds = f"{result.seeds[0]}\u2013{result.seeds[-1]}"
    return (
        f"<p>{len(result.strategies)} strategies, {result.replications} replications each "
        f"({esc(size)} per run{', ' + esc(warmup) if warmup else ''}), compared against "
        f"the baseline <b>{esc(result.baseline)}</b>. Replication <i>k</i> of every "
        f"strategy starts from the same warmed-up market (seeds {seeds}), so the "
        "strategies meet the same customers and the same luck (common random numbers) "
        "and differences come from the strategy. Intervals are 95% t-intervals; "
        "differences are paired by replication. Annual retention is extrapolated from "
        "the simulated horizon.</p>"
    )


def _summary_section(result: ComparisonResult) -> str:
    parts = ['<section id="summary"><h2>Executive summary</h2>', _intro(result)]
    if result.failures:
        parts.append(
            f'<p class="warn">{len(result.failures)} of '
            f"{len(result.strategies) * result.replications} runs failed and are left "
            'out; see <a href="#failures">Failures</a>.</p>'
        )
    if is_single(result):
        rows = result.table.set_index("metric")
        items = [
            f"<li><b>{esc(m.heading)}</b>: {esc(fmt_value(m.name, rows.at[m.name, 'mean']))}</li>"
            for m in registry.objectives()[:5]
            if m.name in rows.index and finite(rows.at[m.name, "mean"])
        ]
        parts.append(f'<ul class="findings">{"".join(items)}</ul>')
    elif len(result.strategies) > 1:
        advice = recommendation(result)
        caveats = "".join(f"<li>{esc(c)}</li>" for c in advice.caveats)
        parts.append(
            f'<div class="advice advice-{esc(advice.kind.replace(" ", "-"))}">'
            f"<h3>Recommendation</h3><p>{esc(advice.text)}</p>"
            f'<p class="note">This rests on:</p><ul class="caveats">{caveats}</ul></div>'
        )
    parts.append("</section>")
    return "".join(parts)


def _cell(metric: str, row: pd.Series, base_mean: float) -> str:
    verdict = row["verdict"]
    if verdict == NOT_AVAILABLE or not finite(row["diff"]):
        return '<td class="sc">\u2013</td>'
    if row["diff"] == 0 and row["diff_ci_low"] == 0 and row["diff_ci_high"] == 0:
        return f'<td class="sc sc-none" title="identical in every replication">{SAME}\u00a00</td>'
    value, ci = compact_change(
        metric, row["diff"], row["diff_ci_low"], row["diff_ci_high"], base_mean, short=True
    )
    arrow = UP if row["diff"] > 0 else DOWN
    cls = {BETTER: "sc-better", WORSE: "sc-worse"}.get(verdict, "sc-none")
    return (
        f'<td class="sc {cls}" title="{esc(verdict)}; 95% CI {esc(ci)}">'
        f"{arrow}\u00a0{esc(value)}<small>{esc(ci)}</small></td>"
    )


def _unit(metric: registry.Metric, base_mean: float) -> str:
    """What a column's differences count: '%', 'points' or the metric's own unit."""
    scale = change_scale(metric.name, base_mean)
    return metric.unit if scale is None else scale[1].strip()


def _scorecard(result: ComparisonResult) -> str:
    """Rows strategies, columns objective KPIs: the baseline's level, then each
    strategy's paired difference from it with its interval, coloured by verdict."""
    t = result.table
    shown = [m for m in registry.objectives() if m.name in set(t["metric"])]
    cells: dict[str, list[str]] = {s: [] for s in result.strategies}
    headers = []
    for m in shown:
        rows = t[t["metric"] == m.name].set_index("strategy")
        base_mean = (
            float(rows.at[result.baseline, "mean"]) if result.baseline in rows.index else math.nan
        )
        arrow = UP if m.direction > 0 else DOWN
        headers.append(
            f"<th>{esc(m.heading)}<small>{arrow} better</small>"
            f"<small>\u0394 {esc(_unit(m, base_mean))}</small></th>"
        )
        for s in result.strategies:
            if s not in rows.index:
                cells[s].append('<td class="sc">\u2013</td>')
            elif rows.at[s, "verdict"] == BASELINE:
                cells[s].append(f'<td class="sc sc-base">{esc(fmt_value(m.name, base_mean))}</td>')
            else:
                cells[s].append(_cell(m.name, rows.loc[s], base_mean))
    body = "".join(
        f'<tr><th class="l" scope="row">{esc(s)}'
        + ("<small>baseline: its levels</small>" if s == result.baseline else "")
        + f"</th>{''.join(cells[s])}</tr>"
        for s in result.strategies
    )
    return (
        f'<table class="score"><thead><tr><th class="l">Strategy</th>{"".join(headers)}</tr>'
        f"</thead><tbody>{body}</tbody></table>"
        f'<p class="note">Each cell: the paired difference from {esc(result.baseline)} in the '
        "unit under the column's name (% of the baseline's level, points for rates and "
        "scores), with its 95% interval below. "
        f"{UP}/{DOWN}: the strategy moved the KPI up or down; {SAME}: identical in every "
        "replication. Colour, read in each KPI's direction: "
        '<span class="sc-better">\u00a0detectably better\u00a0</span>, '
        '<span class="sc-worse">\u00a0detectably worse\u00a0</span>, '
        "no colour when not distinguishable from the baseline.</p>"
    )


def _scorecard_section(result: ComparisonResult) -> str:
    if is_single(result) or len(result.strategies) < 2:
        return ""
    roi = roi_findings(result)
    spend = ""
    if roi:
        items = "".join(f"<li>{esc(r.text)}. {badge(r.verdict)}</li>" for r in roi)
        spend = (
            "<h3>Programme spend</h3>"
            '<p class="note">For strategies that detectably spend more than '
            f"{esc(result.baseline)} on the programme; the extra spend pays back when the "
            f'incremental ROI\'s interval is above 0.</p><ul class="findings">{items}</ul>'
        )
    return (
        '<section id="scorecard"><h2>Scorecard: each strategy against the baseline</h2>'
        f"{_scorecard(result)}{spend}</section>"
    )


def _difference_section(result: ComparisonResult) -> str:
    if is_single(result) or len(result.strategies) < 2:
        return ""
    figs = difference_figures(result)
    if not figs:
        return ""
    note = (
        f'<p class="note">Each strategy\'s paired difference from {esc(result.baseline)}: '
        "the dot is the mean over replications, the bar its 95% interval; green when "
        "the whole interval is on the better side of 0, red on the worse side, grey when "
        "it straddles 0.</p>"
    )
    return (
        '<section id="differences"><h2>Differences from the baseline</h2>'
        f'{note}<div class="grid grid-small">{figures(figs, "")}</div></section>'
    )


# In page order, before the key figures.
OPENING = (_summary_section, _scorecard_section, _difference_section)
