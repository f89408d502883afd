"""The report's sections as HTML fragments, in page order: the opening
(:mod:`simulator.report.opening`), then key figures, charts over time, satisfaction,
breakdowns, failures and assumptions.

Every piece of text goes through :func:`esc`; cells arrive at :func:`table` already
escaped. Labels, formats and the order of rows come from
:mod:`simulator.metrics.registry`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import yaml

from simulator.experiment.results import ComparisonResult
from simulator.experiment.stats import NO_DIFFERENCE, t_interval
from simulator.metrics import registry
from simulator.report.charts import satisfaction_figure, trajectory_figures
from simulator.report.format import DASH, finite, fmt_diff, fmt_interval, fmt_value, listed
from simulator.report.markup import (
    badge,
    esc,
    figures,
    grouped_table,
    inline_yaml,
    package_version,
    table,
)
from simulator.report.members import membership_section
from simulator.report.opening import OPENING, is_single
from simulator.report.summary import detection

__all__ = ["SECTIONS", "is_single"]


def _directions() -> str:
    """'higher is better except a, b and c', from the compared KPIs' directions."""
    lower = [m.label for m in registry.compared() if m.direction < 0]
    neither = [m.label for m in registry.compared() if m.direction == 0]
    text = "higher is better" + (f" except {listed(lower)}" if lower else "")
    if neither:
        text += f"; no better direction for {listed(neither)}"
    return text


def _two_lines(value: str, interval: str) -> str:
    """A value with its interval below it, small: two short lines instead of two columns."""
    below = f'<span class="ci">{esc(interval)}</span>' if interval != DASH else ""
    return f"{esc(value)}{below}"


def _single_kpis(result: ComparisonResult) -> str:
    rows = [
        [f"<b>{esc(registry.get(r['metric']).heading)}</b>", esc(fmt_value(r["metric"], r["mean"]))]
        for _, r in result.table.iterrows()
    ]
    return table(["KPI", "Value"], rows, cls="kpi narrow")


def _kpi_rows(result: ComparisonResult, rows: pd.DataFrame) -> list[list[str]]:
    """One KPI's rows: strategy, mean over its interval and, against a baseline,
    the paired difference over its interval and the verdict."""
    out = []
    for _, r in rows.iterrows():
        m = r["metric"]
        cells = [
            esc(r["strategy"]),
            _two_lines(fmt_value(m, r["mean"]), fmt_interval(m, r["ci_low"], r["ci_high"])),
        ]
        if len(result.strategies) > 1:
            detect = detection(r["replications_needed"], result.replications)
            power = ""
            if r["verdict"] == NO_DIFFERENCE and detect:
                power = f'<span class="ci">{esc(detect)} it</span>'
            cells += [
                _two_lines(
                    fmt_diff(m, r["diff"]),
                    fmt_interval(m, r["diff_ci_low"], r["diff_ci_high"], diff=True),
                ),
                badge(r["verdict"]) + power,
            ]
        out.append(cells)
    return out


def _kpi_section(result: ComparisonResult) -> str:
    if is_single(result):
        return f'<section id="kpis"><h2>Key figures</h2>{_single_kpis(result)}</section>'
    headers = ["Strategy", "Mean (95% CI)"]
    if len(result.strategies) > 1:
        headers += [f"\u0394 vs {result.baseline} (95% CI, paired)", "Verdict"]
    # One group per KPI, its name as a full-width row: four narrow columns fit an
    # 800-pixel screen where a KPI column and separate interval columns did not.
    groups = [
        (registry.get(str(metric)).heading, _kpi_rows(result, rows))
        for metric, rows in result.table.groupby("metric", sort=False)
    ]
    note = ""
    if len(result.strategies) > 1:
        note = (
            '<p class="note">Verdicts read the paired interval in each KPI\'s direction '
            f"({esc(_directions())}); under a difference that is not detectable, the paired "
            "replications that would detect a true difference of its size 80% of the time "
            "(5% two-sided). The unpaired (Welch) intervals, what independent seeds would "
            "have given, are in comparison.csv. The margin gained per 1.00 of extra "
            "programme cost is (\u0394 net margin + \u0394 programme cost) / \u0394 "
            "programme cost against the baseline; the incremental programme ROI is that "
            "\u2212 1, and the spend pays back when its interval is above 0.</p>"
        )
    return (
        f'<section id="kpis"><h2>Key figures</h2>'
        f"{grouped_table(headers, groups, cls='kpi')}{note}</section>"
    )


def _trajectory_section(result: ComparisonResult) -> str:
    figs = trajectory_figures(result)
    if not figs:
        return ""
    caption = "mean across replications with its 95% band" if not is_single(result) else "one run"
    items = figures(figs, caption)
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
    *OPENING,
    _kpi_section,
    _trajectory_section,
    _satisfaction_section,
    _breakdown_section,
    membership_section,
    _failure_section,
    _assumption_section,
)
