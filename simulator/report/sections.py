"""The report's sections as HTML fragments: summary, key figures, charts, breakdowns,
failures and assumptions.

Every piece of text goes through :func:`esc`; cells arrive at :func:`table` already
escaped. Labels, formats and the order of rows come from
:mod:`simulator.metrics.registry`.
"""

from __future__ import annotations

import numpy as np
import yaml

from simulator.experiment.results import ComparisonResult
from simulator.experiment.stats import t_interval
from simulator.metrics import registry
from simulator.report.charts import satisfaction_figure, trajectory_figures
from simulator.report.format import cap, finite, fmt_diff, fmt_interval, fmt_value
from simulator.report.markup import badge, esc, inline_yaml, package_version, table
from simulator.report.summary import executive_summary

__all__ = ["SECTIONS", "is_single"]


def is_single(result: ComparisonResult) -> bool:
    """A single run (one replication): values without intervals."""
    return result.replications < 2


def _run_facts(result: ComparisonResult) -> tuple[int | None, int | None]:
    run = result.resolved.get("run", {}) if isinstance(result.resolved, dict) else {}
    return run.get("days"), run.get("customers")


def _intro(result: ComparisonResult) -> str:
    days, customers = _run_facts(result)
    size = f"{days} simulated days and {customers:,} customers" if days and customers else ""
    if is_single(result):
        return (
            f"<p>One run of strategy <b>{esc(result.strategies[0])}</b> (seed "
            f"{result.seeds[0]}{', ' + esc(size) if size else ''}). A single run has "
            "no confidence intervals: a difference between strategies smaller than the "
            "run-to-run noise cannot be told apart. Use <code>loyalty-sim compare</code> "
            "for replicated, paired comparisons.</p>"
        )
    seeds = f"{result.seeds[0]}\u2013{result.seeds[-1]}"
    return (
        f"<p>{len(result.strategies)} strategies, {result.replications} replications each "
        f"({esc(size)} per run), compared against the baseline "
        f"<b>{esc(result.baseline)}</b>. Replication <i>k</i> of every strategy uses the same "
        f"seed (seeds {seeds}), so the strategies meet the same customers and the same luck "
        "(common random numbers) and differences come from the strategy. Intervals are 95% "
        "t-intervals; differences are paired by replication. Annual retention is "
        "extrapolated from the simulated horizon.</p>"
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
        shown = [
            m
            for m in registry.objectives()[:5]
            if m.name in rows.index and finite(rows.at[m.name, "mean"])
        ]
        items = [
            f"<li><b>{esc(m.heading)}</b>: {esc(fmt_value(m.name, rows.at[m.name, 'mean']))}</li>"
            for m in shown
        ]
        parts.append(f'<ul class="findings">{"".join(items)}</ul>')
    else:
        items = [
            f"<li><b>{esc(cap(f.label))}</b>: {esc(f.text)} {badge(f.verdict)}</li>"
            for f in executive_summary(result)
        ]
        parts.append(f'<ul class="findings">{"".join(items)}</ul>')
    parts.append("</section>")
    return "".join(parts)


def _directions() -> str:
    """'higher is better except a, b and c', from the compared KPIs' directions."""

    def listed(labels: list[str]) -> str:
        return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]

    lower = [m.label for m in registry.compared() if m.direction < 0]
    neither = [m.label for m in registry.compared() if m.direction == 0]
    text = "higher is better" + (f" except {listed(lower)}" if lower else "")
    if neither:
        text += f"; no better direction for {listed(neither)}"
    return text


def _kpi_section(result: ComparisonResult) -> str:
    kpis = result.table
    single, one = is_single(result), len(result.strategies) == 1
    headers = ["KPI", *([] if one else ["Strategy"]), "Mean" if not single else "Value"]
    if not single:
        headers.append("95% CI")
    if not one and not single:
        headers += [
            f"\u0394 vs {result.baseline}",
            "95% CI (paired)",
            "95% CI (unpaired, for reference)",
            "Verdict",
            "Replications for 80% power",
        ]
    rows = []
    previous = None
    for _, r in kpis.iterrows():
        m = r["metric"]
        label = registry.get(m).heading if m != previous else ""
        previous = m
        row = [
            f"<b>{esc(label)}</b>",
            *([] if one else [esc(r["strategy"])]),
            esc(fmt_value(m, r["mean"])),
        ]
        if not single:
            row.append(esc(fmt_interval(m, r["ci_low"], r["ci_high"])))
        if not one and not single:
            need = r["replications_needed"]
            row += [
                esc(fmt_diff(m, r["diff"])),
                esc(fmt_interval(m, r["diff_ci_low"], r["diff_ci_high"], diff=True)),
                f'<span class="muted">'
                f"{esc(fmt_interval(m, r['unpaired_ci_low'], r['unpaired_ci_high'], diff=True))}"
                "</span>",
                badge(r["verdict"]),
                esc(int(need)) if finite(need) else "\u2013",
            ]
        rows.append(row)
    note = ""
    if not single and not one:
        note = (
            '<p class="note">Verdicts read the paired interval in each KPI\'s direction '
            f"({esc(_directions())}). <i>Replications for 80% power</i>: how many paired "
            "replications would detect a true difference of the observed size 80% of the time (5% "
            "two-sided). The incremental programme ROI is (\u0394 net margin + \u0394 "
            "programme cost) / \u0394 programme cost against the baseline: margin earned "
            "before the extra programme cost per 1.00 of that cost.</p>"
        )
    return (
        f'<section id="kpis"><h2>Key figures</h2>'
        f"{table(headers, rows, left=1 if one else 2, cls='kpi narrow' if one else 'kpi')}"
        f"{note}</section>"
    )


def _trajectory_section(result: ComparisonResult) -> str:
    figs = trajectory_figures(result)
    if not figs:
        return ""
    caption = "mean across replications with its 95% band" if not is_single(result) else "one run"
    items = "".join(
        f'<figure><img src="{uri}" alt="{esc(title)}"><figcaption>{esc(title)}: '
        f"{esc(caption)}.</figcaption></figure>"
        for title, uri in figs
    )
    note = ""
    if not is_single(result) and len(result.strategies) > 1:
        note = (
            '<p class="note">A band shows how uncertain one strategy\'s level is. Bands '
            "can overlap while the strategies still differ: replications share their luck, "
            "so whether strategies differ is read from the paired intervals above.</p>"
        )
    return (
        f'<section id="trajectories"><h2>Over time</h2>{note}'
        f'<div class="grid">{items}</div></section>'
    )


def _satisfaction_section(result: ComparisonResult) -> str:
    uri = satisfaction_figure(result)
    if uri is None:
        return (
            '<section id="satisfaction"><h2>Satisfaction</h2><p class="note">The '
            "customer-level satisfaction is not available.</p></section>"
        )
    sat = result.satisfaction
    rows = []
    for strategy in result.strategies:
        v = sat.loc[sat["strategy"] == strategy, "satisfaction"].to_numpy()
        if v.size == 0:
            continue
        q = np.percentile(v, [5, 25, 50, 75, 95])
        rows.append(
            [
                esc(strategy),
                f"{v.size:,}",
                *(f"{x:.2f}" for x in q),
                f"{(v >= 9).mean():.1%}",
                f"{(v < 7).mean():.1%}",
            ]
        )
    seeds = sorted(set(sat["seed"]))
    which = f"seed {seeds[0]}" if len(seeds) == 1 else "seeds " + ", ".join(map(str, seeds))
    quantiles = table(
        [
            "Strategy",
            "Active customers",
            "5%",
            "25%",
            "Median",
            "75%",
            "95%",
            "Share \u2265 9",
            "Share < 7",
        ],
        rows,
    )
    return (
        f'<section id="satisfaction"><h2>Satisfaction on the last day</h2>'
        f'<div class="grid"><figure><img src="{uri}" alt="Satisfaction distribution">'
        f"<figcaption>Active customers of one replication ({esc(which)}).</figcaption>"
        f"</figure><div>{quantiles}</div></div></section>"
    )


def _breakdown_section(result: ComparisonResult) -> str:
    bd = result.breakdowns
    if bd.empty:
        return ""
    parts = ['<section id="breakdowns"><h2>By segment and tier</h2>']
    day = int(bd["day"].max())
    for by in registry.GROUPS:
        sel = bd[bd[by].astype(str) != ""]
        if sel.empty:
            continue
        groups = list(dict.fromkeys(sel[by].astype(str)))
        rows = []
        for declared in registry.breakdowns(by):
            metric, label, fmt = declared.name, declared.group_label(by), declared.fmt
            msel = sel[sel["metric"] == metric]
            if msel.empty:
                continue
            for i, g in enumerate(groups):
                row = [f"<b>{esc(label)}</b>" if i == 0 else "", esc(g)]
                for strategy in result.strategies:
                    v = msel.loc[(msel["strategy"] == strategy) & (msel[by] == g), "value"]
                    row.append(esc(_mean_pm(v.to_numpy(dtype=float), fmt)))
                rows.append(row)
        if rows:
            parts.append(f"<h3>By {by}</h3>")
            parts.append(table(["", by.capitalize(), *result.strategies], rows, left=2))
    note = (
        "mean across replications \u00b1 half-width of its 95% interval"
        if not is_single(result)
        else "one run"
    )
    parts.append(f'<p class="note">Day {day} ({esc(note)}).</p></section>')
    return "".join(parts)


def _mean_pm(values: np.ndarray, fmt: str) -> str:
    ci = t_interval(values)
    if not finite(ci.estimate):
        return "\u2013"
    text = fmt.format(ci.estimate)
    if finite(ci.low) and ci.high > ci.low:
        text += " \u00b1 " + fmt.format(ci.high - ci.estimate)
    return text


def _assumption_section(result: ComparisonResult) -> str:
    meta = result.metadata
    rows = [
        [
            f"<b>{esc(s)}</b>" + (" (baseline)" if s == result.baseline else ""),
            f"<code>{esc(inline_yaml(o) or 'no overrides')}</code>",
        ]
        for s, o in result.strategy_overrides.items()
    ]
    strategies = table(["Strategy", "Overrides on the base scenario"], rows, left=2)
    single = is_single(result)
    facts = [
        ("Seeds", ", ".join(str(s) for s in result.seeds)),
        *([] if single else [("--set overrides", inline_yaml(result.overrides) or "none")]),
        ("loyalty-sim version", package_version()),
        ("Git commit", meta.get("git_commit") or "unknown"),
        (
            "Python / numpy / Mesa",
            f"{meta.get('python', '?')} / {meta.get('numpy', '?')} / {meta.get('mesa', '?')}",
        ),
        (
            "Wall time",
            f"{meta['wall_time_s']:.1f} s" if finite(meta.get("wall_time_s")) else "unknown",
        ),
    ]
    fact_rows = [[esc(k), esc(v)] for k, v in facts]
    resolved = yaml.safe_dump(result.resolved, sort_keys=False, allow_unicode=True)
    note = (
        "Every value the model used, after defaults, the strategy's overrides and any "
        "--set overrides."
        if single
        else "Every value the model used, after defaults and --set overrides; each strategy "
        "applies its overrides above on top of it."
    )
    return (
        '<section id="assumptions"><h2>Assumptions</h2>'
        f"<h3>Strategies</h3>{strategies}"
        f"<h3>Run</h3>{table(['', ''], fact_rows, left=2, cls='facts')}"
        "<h3>Base scenario (resolved)</h3>"
        f'<p class="note">{esc(note)}</p>'
        f'<pre class="yaml">{esc(resolved)}</pre></section>'
    )


def _failure_section(result: ComparisonResult) -> str:
    if not result.failures:
        return ""
    rows = [
        [esc(f.strategy), esc(f.replication), esc(f.seed), esc(f.message)] for f in result.failures
    ]
    return (
        '<section id="failures"><h2>Failures</h2>'
        '<p class="note">Replay one with <code>loyalty-sim run SCENARIO --strategy NAME '
        "--seed SEED</code>.</p>"
        f"{table(['Strategy', 'Replication', 'Seed', 'Message'], rows, left=4)}</section>"
    )


# In page order: what was found first, how it was set up last.
SECTIONS = (
    _summary_section,
    _kpi_section,
    _trajectory_section,
    _satisfaction_section,
    _breakdown_section,
    _failure_section,
    _assumption_section,
)
