"""A one-file HTML report a manager can open, print and forward.

Everything is inline: CSS in a ``<style>`` element and matplotlib figures as base64
PNG data URIs, so the file has no external resources and needs no JavaScript. All
text goes through :func:`html.escape`. The same renderer serves a comparison of
strategies and a single run (one strategy, one replication, no intervals).
"""

from __future__ import annotations

import base64
import html
import io
import math
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import yaml

from simulator.errors import ReportError
from simulator.experiment.stats import BASELINE, INCREMENTAL_ROI, NO_DIFFERENCE, band, t_interval
from simulator.metrics.recorder import DIRECTION

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from simulator.experiment.compare import ComparisonResult

__all__ = ["ReportError", "Finding", "executive_summary", "render_html", "write_report"]


LABELS: dict[str, str] = {
    "retention_rate_annual": "annual retention",
    "customers_active": "active customers",
    "clv_mean": "realised CLV per customer",
    "nps": "NPS",
    "wom_positive": "positive word-of-mouth",
    "wom_negative": "negative word-of-mouth",
    "revenue": "revenue",
    "programme_cost": "programme cost",
    "net_margin": "net margin",
    "programme_roi": "programme ROI (gross)",
    "points_liability": "points liability",
    "satisfaction_mean": "mean satisfaction",
    INCREMENTAL_ROI: "incremental programme ROI",
}
FORMATS: dict[str, str] = {
    "retention_rate_annual": "{:.1%}",
    "customers_active": "{:,.0f}",
    "clv_mean": "{:,.2f}",
    "nps": "{:+.1f}",
    "wom_positive": "{:,.0f}",
    "wom_negative": "{:,.0f}",
    "revenue": "{:,.0f}",
    "programme_cost": "{:,.0f}",
    "net_margin": "{:,.0f}",
    "programme_roi": "{:,.2f}",
    "points_liability": "{:,.0f}",
    INCREMENTAL_ROI: "{:,.2f}",
}
# KPIs that are already rates or scores: changes are read in points, not in percent.
POINT_CHANGES = {"retention_rate_annual": 100.0, "nps": 1.0}
# Executive-summary order: money first, then customers, then the word of mouth and costs.
OBJECTIVES = (
    "net_margin",
    "retention_rate_annual",
    "clv_mean",
    "customers_active",
    "nps",
    "revenue",
    "wom_positive",
    "wom_negative",
    "programme_cost",
    "points_liability",
)
# metric, title, y label, cumulative (flows are summed so the lines read as totals to date)
TRAJECTORIES = (
    ("customers_active", "Active customers", "customers", False),
    ("nps", "Net Promoter Score", "NPS", False),
    ("revenue", "Revenue, cumulative", "currency", True),
    ("programme_cost", "Programme cost, cumulative", "currency", True),
    ("net_margin", "Net margin, cumulative", "currency", True),
    ("points_liability", "Points liability", "currency", False),
)
BREAKDOWNS = {
    "segment": (
        ("customers_active", "Active customers", "{:,.0f}"),
        ("satisfaction_mean", "Mean satisfaction", "{:.2f}"),
        ("revenue_cumulative", "Revenue to date", "{:,.0f}"),
    ),
    "tier": (
        ("members", "Members", "{:,.0f}"),
        ("satisfaction_mean", "Mean satisfaction (active members)", "{:.2f}"),
    ),
}


@dataclass(frozen=True)
class Finding:
    """One line of the executive summary: the KPI, a sentence and a verdict badge."""

    metric: str
    label: str
    text: str
    verdict: str


# --------------------------------------------------------------------------- numbers


def _finite(x: Any) -> bool:
    return (
        x is not None
        and x is not pd.NA
        and isinstance(x, int | float | np.number)
        and math.isfinite(float(x))
    )


def fmt_value(metric: str, value: Any) -> str:
    """A KPI value in its display format; a dash if missing."""
    if not _finite(value):
        return "\u2013"
    return FORMATS.get(metric, "{:,.3g}").format(float(value))


def fmt_diff(metric: str, value: Any) -> str:
    """A difference in the KPI's units, signed (percentage points for rates)."""
    if not _finite(value):
        return "\u2013"
    if metric == "retention_rate_annual":
        return f"{value * 100:+.1f} pp"
    fmt = FORMATS.get(metric, "{:,.3g}").lstrip("{:").rstrip("}").lstrip("+")
    return ("{:+" + fmt + "}").format(float(value))


def _interval(metric: str, low: Any, high: Any, *, diff: bool = False) -> str:
    if not (_finite(low) and _finite(high)):
        return "\u2013"
    f = fmt_diff if diff else fmt_value
    return f"{f(metric, low)} to {f(metric, high)}"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _decimals(values: list[float]) -> int:
    return 1 if max(abs(v) for v in values) >= 1 else 2


def _num(values: list[float]) -> list[str]:
    decimals = _decimals(values)
    return [f"{v:.{decimals}f}" for v in values]


# --------------------------------------------------------------------------- words


def _change(metric: str, row: pd.Series, base_mean: float, baseline: str) -> str:
    """'premium raises net margin by 4.1% (95% CI 2.8% to 5.3%) vs status_quo'."""
    label = LABELS.get(metric, metric)
    diff, low, high = float(row["diff"]), float(row["diff_ci_low"]), float(row["diff_ci_high"])
    who = row["strategy"]
    if diff == 0 and low == 0 and high == 0:
        return f"{who} leaves {label} unchanged vs {baseline} in every replication"
    verb = "raises" if diff > 0 else "lowers"
    sign = 1.0 if diff > 0 else -1.0
    lo, hi = sorted((sign * low, sign * high)) if _finite(low) else (math.nan, math.nan)
    if metric in POINT_CHANGES:
        scale, unit = POINT_CHANGES[metric], " points"
    elif _finite(base_mean) and base_mean != 0:
        scale, unit = 100.0 / abs(base_mean), "%"
    else:
        amount = fmt_value(metric, abs(diff)).lstrip("+")
        ci = ""
        if _finite(lo):
            ci = f" (95% CI {fmt_diff(metric, lo)} to {fmt_diff(metric, hi)})"
        return f"{who} {verb} {label} by {amount}{ci} vs {baseline}"
    if not _finite(lo):
        (a,) = _num([abs(diff) * scale])
        return f"{who} {verb} {label} by {a}{unit} vs {baseline}"
    if low <= 0 <= high:
        # The interval straddles 0: signed numbers read better than "lowers by -1.5".
        a, b, c = (
            f"{float(x):+.{_decimals([diff * scale, low * scale, high * scale])}f}"
            for x in (diff * scale, low * scale, high * scale)
        )
        first = unit if unit == "%" else ""
        return f"{who} changes {label} by {a}{unit} (95% CI {b}{first} to {c}{unit}) vs {baseline}"
    a, b, c = _num([abs(diff) * scale, lo * scale, hi * scale])
    first = unit if unit == "%" else ""
    return f"{who} {verb} {label} by {a}{unit} (95% CI {b}{first} to {c}{unit}) vs {baseline}"


def _identical(row: pd.Series) -> bool:
    return bool(row["diff"] == 0 and row["diff_ci_low"] == 0 and row["diff_ci_high"] == 0)


def _undetectable(row: pd.Series, replications: int) -> str:
    need = row["replications_needed"]
    text = f"; not distinguishable from no change with {replications} replications"
    if _finite(need) and need > replications:
        text += f" (about {int(need)} would detect a difference this size)"
    return text


def executive_summary(result: ComparisonResult) -> list[Finding]:
    """The best strategy on each objective, direction-aware, with its paired interval.

    Where the baseline is best, the sentence gives the closest alternative instead. A
    strategy with a programme also gets its incremental ROI against the baseline.
    """
    table = result.table
    out: list[Finding] = []
    for metric in OBJECTIVES:
        rows = table[(table["metric"] == metric) & table["mean"].notna()]
        direction = DIRECTION.get(metric, 0)
        if len(rows) < 2 or direction == 0 or result.baseline not in set(rows["strategy"]):
            continue
        base = rows[rows["strategy"] == result.baseline].iloc[0]
        ranked = rows.assign(score=rows["mean"] * direction).sort_values(
            "score", ascending=False, kind="stable"
        )
        best = ranked.iloc[0]
        label = LABELS.get(metric, metric)
        if best["strategy"] != result.baseline:
            text = _change(metric, best, base["mean"], result.baseline)
            if best["verdict"] == NO_DIFFERENCE and not _identical(best):
                text += _undetectable(best, result.replications)
            out.append(Finding(metric, label, text + ".", best["verdict"]))
            continue
        runner = ranked[ranked["strategy"] != result.baseline].iloc[0]
        text = f"the baseline {result.baseline} is best ({fmt_value(metric, base['mean'])})"
        verdict = runner["verdict"]
        if _identical(runner):
            text += f", tied with {runner['strategy']} (identical in every replication)"
        else:
            text += "; the closest alternative: " + _change(
                metric, runner, base["mean"], result.baseline
            )
            if verdict == NO_DIFFERENCE:
                text += _undetectable(runner, result.replications)
            else:
                verdict = "baseline best"
        out.append(Finding(metric, label, text + ".", verdict))
    # A ratio over an extra cost that is indistinguishable from 0 is noise: only
    # strategies that detectably spend more get an ROI sentence (the table keeps all).
    spenders = set(
        table.loc[(table["metric"] == "programme_cost") & (table["diff_ci_low"] > 0), "strategy"]
    )
    for _, row in table[
        (table["metric"] == INCREMENTAL_ROI) & table["strategy"].isin(spenders)
    ].iterrows():
        ci = ""
        if _finite(row["ci_low"]):
            ci = f" (95% CI {row['ci_low']:,.2f} to {row['ci_high']:,.2f})"
        text = (
            f"each 1.00 of extra programme cost in {row['strategy']} returns "
            f"{row['mean']:,.2f} of margin before that cost{ci} vs {result.baseline}; "
            "above 1.00 the extra spend pays for itself."
        )
        out.append(Finding(INCREMENTAL_ROI, LABELS[INCREMENTAL_ROI], text, row["verdict"]))
    return out


def summary_lines(result: ComparisonResult) -> list[str]:
    """The executive summary as plain text lines (for the terminal)."""
    return [f"{f.label}: {f.text} [{f.verdict}]" for f in executive_summary(result)]


# --------------------------------------------------------------------------- figures


def _figure(title: str, ylabel: str, *, size: tuple[float, float] = (6.4, 3.3)) -> Figure:
    # Object-oriented matplotlib (no pyplot): no global backend or figure state.
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, dpi=110)
    ax = fig.subplots()
    ax.set_title(title, loc="left", fontsize=11)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig


def _png(fig: Figure) -> str:
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _colour(result: ComparisonResult, strategy: str) -> str:
    return f"C{result.strategies.index(strategy) % 10}"


def trajectory_figures(result: ComparisonResult) -> list[tuple[str, str]]:
    """(title, data URI) per trajectory: mean line and 95% band across replications."""
    from matplotlib.ticker import StrMethodFormatter

    out = []
    daily = result.daily
    for metric, title, ylabel, cumulative in TRAJECTORIES:
        sel = daily[daily["metric"] == metric]
        if sel.empty:
            continue
        fig = _figure(title, ylabel)
        ax = fig.axes[0]
        for strategy in result.strategies:
            wide = sel[sel["strategy"] == strategy].pivot_table(
                index="day", columns="replication", values="value", aggfunc="first"
            )
            if wide.empty:
                continue
            if cumulative:
                wide = wide.cumsum()
            b = band(wide)
            colour = _colour(result, strategy)
            ax.plot(b.index, b["mean"], color=colour, lw=1.6, label=strategy)
            if b["low"].notna().any():
                ax.fill_between(b.index, b["low"], b["high"], color=colour, alpha=0.18, lw=0)
        for day, label in result.events:
            ax.axvline(day, color="0.55", lw=0.8, ls="--")
            ax.annotate(
                label,
                (day, 0.98),
                xycoords=("data", "axes fraction"),
                fontsize=7,
                rotation=90,
                va="top",
                ha="right",
                color="0.35",
            )
        if metric == "nps":
            ax.axhline(0, color="0.5", lw=0.8)
        else:
            ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        ax.set_xlabel("day")
        ax.legend(fontsize=8, frameon=False)
        out.append((title, _png(fig)))
    return out


def satisfaction_figure(result: ComparisonResult) -> str | None:
    """Final-day satisfaction of active customers, one density outline per strategy."""
    sat = result.satisfaction
    if sat.empty:
        return None
    from scipy.stats import gaussian_kde

    fig = _figure("Satisfaction of active customers, last day", "density", size=(6.4, 3.3))
    ax = fig.axes[0]
    grid = np.linspace(0, 10, 401)
    low = 10.0
    for strategy in result.strategies:
        values = sat.loc[sat["strategy"] == strategy, "satisfaction"].to_numpy(dtype=float)
        if values.size == 0:
            continue
        colour = _colour(result, strategy)
        label = f"{strategy} (median {np.median(values):.2f})"
        low = min(low, float(np.quantile(values, 0.002)))
        if values.size > 1 and np.ptp(values) > 0:
            # A smoothed outline compares better than overlaid jagged histograms.
            density = gaussian_kde(values, bw_method=0.15)(grid)
            ax.plot(grid, density, color=colour, lw=1.6, label=label)
            ax.fill_between(grid, density, color=colour, alpha=0.06, lw=0)
        else:
            ax.axvline(values[0], color=colour, lw=1.6, label=label)
        ax.axvline(np.median(values), color=colour, lw=0.8, ls=":")
    ax.set_xlabel("satisfaction (0-10)")
    ax.set_xlim(max(0.0, math.floor(low) - 0.5), 10)
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8, frameon=False, loc="upper left")
    return _png(fig)


# --------------------------------------------------------------------------- HTML


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _badge(verdict: str) -> str:
    cls = {
        "better": "better",
        "worse": "worse",
        "higher": "info",
        "lower": "info",
        "pays back": "better",
        "does not pay back": "worse",
        "baseline best": "neutral",
        BASELINE: "base",
    }.get(verdict, "neutral")
    return f'<span class="v v-{cls}">{_e(verdict)}</span>'


def _table(headers: list[str], rows: list[list[str]], *, left: int = 1, cls: str = "") -> str:
    """Headers are escaped here; cells arrive as HTML (escaped by the caller)."""

    def cell(tag: str, i: int, content: str) -> str:
        return f'<{tag} class="l">{content}</{tag}>' if i < left else f"<{tag}>{content}</{tag}>"

    head = "".join(cell("th", i, _e(h)) for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(cell("td", i, c) for i, c in enumerate(r)) + "</tr>" for r in rows
    )
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _single(result: ComparisonResult) -> bool:
    return result.replications < 2


def _run_facts(result: ComparisonResult) -> tuple[int | None, int | None]:
    run = result.resolved.get("run", {}) if isinstance(result.resolved, dict) else {}
    return run.get("days"), run.get("customers")


def _intro(result: ComparisonResult) -> str:
    days, customers = _run_facts(result)
    size = f"{days} simulated days and {customers:,} customers" if days and customers else ""
    if _single(result):
        return (
            f"<p>One run of strategy <b>{_e(result.strategies[0])}</b> (seed "
            f"{result.seeds[0]}{', ' + _e(size) if size else ''}). A single run has "
            "no confidence intervals: a difference between strategies smaller than the "
            "run-to-run noise cannot be told apart. Use <code>loyalty-sim compare</code> "
            "for replicated, paired comparisons.</p>"
        )
    seeds = f"{result.seeds[0]}\u2013{result.seeds[-1]}"
    return (
        f"<p>{len(result.strategies)} strategies, {result.replications} replications each "
        f"({_e(size)} per run), compared against the baseline "
        f"<b>{_e(result.baseline)}</b>. Replication <i>k</i> of every strategy uses the same "
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
    if _single(result):
        rows = result.table.set_index("metric")
        headline = [m for m in OBJECTIVES[:5] if m in rows.index and _finite(rows.at[m, "mean"])]
        items = [
            f"<li><b>{_e(_cap(LABELS.get(m, m)))}</b>: {_e(fmt_value(m, rows.at[m, 'mean']))}</li>"
            for m in headline
        ]
        parts.append(f'<ul class="findings">{"".join(items)}</ul>')
    else:
        items = [
            f"<li><b>{_e(_cap(f.label))}</b>: {_e(f.text)} {_badge(f.verdict)}</li>"
            for f in executive_summary(result)
        ]
        parts.append(f'<ul class="findings">{"".join(items)}</ul>')
    parts.append("</section>")
    return "".join(parts)


def _kpi_section(result: ComparisonResult) -> str:
    table = result.table
    single, one = _single(result), len(result.strategies) == 1
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
    for _, r in table.iterrows():
        m = r["metric"]
        label = _cap(LABELS.get(m, m)) if m != previous else ""
        previous = m
        row = [
            f"<b>{_e(label)}</b>",
            *([] if one else [_e(r["strategy"])]),
            _e(fmt_value(m, r["mean"])),
        ]
        if not single:
            row.append(_e(_interval(m, r["ci_low"], r["ci_high"])))
        if not one and not single:
            need = r["replications_needed"]
            row += [
                _e(fmt_diff(m, r["diff"])),
                _e(_interval(m, r["diff_ci_low"], r["diff_ci_high"], diff=True)),
                f'<span class="muted">'
                f"{_e(_interval(m, r['unpaired_ci_low'], r['unpaired_ci_high'], diff=True))}"
                "</span>",
                _badge(r["verdict"]),
                _e(int(need)) if _finite(need) else "\u2013",
            ]
        rows.append(row)
    note = ""
    if not single and not one:
        note = (
            '<p class="note">Verdicts read the paired interval in each KPI\'s direction '
            "(higher is better except programme cost, negative word-of-mouth and points "
            "liability). <i>Replications for 80% power</i>: how many paired replications "
            "would detect a true difference of the observed size 80% of the time (5% "
            "two-sided). The incremental programme ROI is (\u0394 net margin + \u0394 "
            "programme cost) / \u0394 programme cost against the baseline: margin earned "
            "before the extra programme cost per 1.00 of that cost.</p>"
        )
    return (
        f'<section id="kpis"><h2>Key figures</h2>'
        f"{_table(headers, rows, left=1 if one else 2, cls='kpi narrow' if one else 'kpi')}"
        f"{note}</section>"
    )


def _trajectory_section(result: ComparisonResult) -> str:
    figs = trajectory_figures(result)
    if not figs:
        return ""
    caption = "mean across replications with its 95% band" if not _single(result) else "one run"
    items = "".join(
        f'<figure><img src="{uri}" alt="{_e(title)}"><figcaption>{_e(title)}: '
        f"{_e(caption)}.</figcaption></figure>"
        for title, uri in figs
    )
    note = ""
    if not _single(result) and len(result.strategies) > 1:
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
                _e(strategy),
                f"{v.size:,}",
                *(f"{x:.2f}" for x in q),
                f"{(v >= 9).mean():.1%}",
                f"{(v < 7).mean():.1%}",
            ]
        )
    seeds = sorted(set(sat["seed"]))
    which = f"seed {seeds[0]}" if len(seeds) == 1 else "seeds " + ", ".join(map(str, seeds))
    table = _table(
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
        f"<figcaption>Active customers of one replication ({_e(which)}).</figcaption>"
        f"</figure><div>{table}</div></div></section>"
    )


def _breakdown_section(result: ComparisonResult) -> str:
    bd = result.breakdowns
    if bd.empty:
        return ""
    parts = ['<section id="breakdowns"><h2>By segment and tier</h2>']
    day = int(bd["day"].max())
    for by, metrics in BREAKDOWNS.items():
        sel = bd[bd[by].astype(str) != ""]
        if sel.empty:
            continue
        groups = list(dict.fromkeys(sel[by].astype(str)))
        rows = []
        for metric, label, fmt in metrics:
            msel = sel[sel["metric"] == metric]
            if msel.empty:
                continue
            for i, g in enumerate(groups):
                row = [f"<b>{_e(label)}</b>" if i == 0 else "", _e(g)]
                for strategy in result.strategies:
                    v = msel.loc[(msel["strategy"] == strategy) & (msel[by] == g), "value"]
                    row.append(_e(_mean_pm(v.to_numpy(dtype=float), fmt)))
                rows.append(row)
        if rows:
            parts.append(f"<h3>By {by}</h3>")
            parts.append(_table(["", by.capitalize(), *result.strategies], rows, left=2))
    note = (
        "mean across replications \u00b1 half-width of its 95% interval"
        if not _single(result)
        else "one run"
    )
    parts.append(f'<p class="note">Day {day} ({_e(note)}).</p></section>')
    return "".join(parts)


def _mean_pm(values: np.ndarray, fmt: str) -> str:
    ci = t_interval(values)
    if not _finite(ci.estimate):
        return "\u2013"
    text = fmt.format(ci.estimate)
    if _finite(ci.low) and ci.high > ci.low:
        text += " \u00b1 " + fmt.format(ci.high - ci.estimate)
    return text


def _assumption_section(result: ComparisonResult) -> str:
    meta = result.metadata
    rows = [
        [
            f"<b>{_e(s)}</b>" + (" (baseline)" if s == result.baseline else ""),
            f"<code>{_e(_inline_yaml(o) or 'no overrides')}</code>",
        ]
        for s, o in result.strategy_overrides.items()
    ]
    strategies = _table(["Strategy", "Overrides on the base scenario"], rows, left=2)
    single = _single(result)
    facts = [
        ("Seeds", ", ".join(str(s) for s in result.seeds)),
        *([] if single else [("--set overrides", _inline_yaml(result.overrides) or "none")]),
        ("loyalty-sim version", _package_version()),
        ("Git commit", meta.get("git_commit") or "unknown"),
        (
            "Python / numpy / Mesa",
            f"{meta.get('python', '?')} / {meta.get('numpy', '?')} / {meta.get('mesa', '?')}",
        ),
        (
            "Wall time",
            f"{meta['wall_time_s']:.1f} s" if _finite(meta.get("wall_time_s")) else "unknown",
        ),
    ]
    fact_rows = [[_e(k), _e(v)] for k, v in facts]
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
        f"<h3>Run</h3>{_table(['', ''], fact_rows, left=2, cls='facts')}"
        "<h3>Base scenario (resolved)</h3>"
        f'<p class="note">{_e(note)}</p>'
        f'<pre class="yaml">{_e(resolved)}</pre></section>'
    )


def _failure_section(result: ComparisonResult) -> str:
    if not result.failures:
        return ""
    rows = [[_e(f.strategy), _e(f.replication), _e(f.seed), _e(f.message)] for f in result.failures]
    return (
        '<section id="failures"><h2>Failures</h2>'
        '<p class="note">Replay one with <code>loyalty-sim run SCENARIO --strategy NAME '
        "--seed SEED</code>.</p>"
        f"{_table(['Strategy', 'Replication', 'Seed', 'Message'], rows, left=4)}</section>"
    )


def _inline_yaml(data: Any) -> str:
    if not data:
        return ""
    return yaml.safe_dump(data, default_flow_style=True, sort_keys=False, width=10_000).strip()


def _package_version() -> str:
    try:
        return importlib_metadata.version("loyalty-sim")
    except importlib_metadata.PackageNotFoundError:
        return "unknown"


CSS = """
:root{--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--head:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;background:#fff;color:var(--ink);
 font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1180px;margin:0 auto;padding:24px 28px 40px}
h1{font-size:24px;margin:0 0 4px}
h2{font-size:18px;margin:30px 0 10px;padding-bottom:4px;border-bottom:2px solid var(--line)}
h3{font-size:14px;margin:18px 0 6px}
p{margin:6px 0 10px;max-width:80em}
.sub{color:var(--muted);margin:0}
.note{color:var(--muted);font-size:12.5px}
.warn{background:#fff8c5;border:1px solid #d4a72c;padding:6px 10px;border-radius:6px}
ul.findings{padding-left:18px;margin:8px 0} ul.findings li{margin:5px 0}
table{border-collapse:collapse;width:100%;font-size:12.5px;font-variant-numeric:tabular-nums;
 margin:6px 0 8px}
th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:right;vertical-align:top}
th{background:var(--head);font-weight:600;border-bottom:2px solid var(--line)}
th.l,td.l{text-align:left}
table.kpi td:not(.l){white-space:nowrap}
table.narrow{width:auto;min-width:420px}
table.facts{width:auto} table.facts td{text-align:left}
.muted{color:var(--muted)}
.v{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;white-space:nowrap;
 border:1px solid transparent;-webkit-print-color-adjust:exact;print-color-adjust:exact}
.v-better{background:#dafbe1;color:#116329;border-color:#4ac26b}
.v-worse{background:#ffebe9;color:#a40e26;border-color:#ff8182}
.v-info{background:#ddf4ff;color:#0550ae;border-color:#54aeff}
.v-neutral{background:#eff2f5;color:#59636e;border-color:#d1d9e0}
.v-base{background:#fff;color:#59636e;border-color:#d1d9e0;font-style:italic}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(480px,1fr));gap:14px 20px;
 align-items:start}
figure{margin:0;break-inside:avoid}
figure img{width:100%;height:auto;display:block}
figcaption{font-size:12px;color:var(--muted);margin-top:2px}
code{font-size:12px}
pre.yaml{columns:2 30em;column-gap:24px;column-rule:1px solid var(--line)}
pre{background:var(--head);border:1px solid var(--line);padding:10px 12px;font-size:11.5px;
 line-height:1.35;white-space:pre-wrap;word-break:break-word}
footer{margin-top:28px;color:var(--muted);font-size:12px;border-top:1px solid var(--line);
 padding-top:8px}
@page{size:A4;margin:14mm}
@media print{
 main{max-width:none;padding:0}
 h2{break-after:avoid} h3{break-after:avoid}
 tr,figure,ul.findings li{break-inside:avoid}
 .grid{grid-template-columns:1fr 1fr}
 a{color:inherit;text-decoration:none}
}
"""


def render_html(result: ComparisonResult) -> str:
    """The whole report as one self-contained HTML string."""
    if _single(result):
        title = f"Run report: {result.scenario} / {result.strategies[0]} / seed {result.seeds[0]}"
    else:
        title = f"Strategy comparison: {result.scenario}"
    description = result.resolved.get("description") if isinstance(result.resolved, dict) else ""
    created = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = "".join(
        [
            f"<header><h1>{_e(title)}</h1>",
            f'<p class="sub">{_e(" ".join(str(description).split()))}</p>' if description else "",
            f'<p class="sub">Generated {_e(created)} by loyalty-sim {_e(_package_version())}.</p>'
            "</header>",
            _summary_section(result),
            _kpi_section(result),
            _trajectory_section(result),
            _satisfaction_section(result),
            _breakdown_section(result),
            _failure_section(result),
            _assumption_section(result),
            "<footer>Simulated outcomes under the stated assumptions, not forecasts: read "
            "the differences between strategies, and their intervals, rather than the levels."
            "</footer>",
        ]
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        # An empty inline icon stops browsers from asking for /favicon.ico.
        '<link rel="icon" href="data:,">'
        f"<title>{_e(title)}</title><style>{CSS}</style></head>"
        f"<body><main>{body}</main></body></html>\n"
    )


def write_report(result: ComparisonResult, path: str | Path) -> Path:
    """Write :func:`render_html` to ``path`` atomically (temporary file, then rename)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.partial-{os.getpid()}")
    try:
        tmp.write_text(render_html(result), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ReportError(f"{path}: cannot write the report ({exc.strerror})") from None
    return path
