"""``sweep.html``: one self-contained page (inline CSS and PNG data URIs, no script).

What drives the choice (indices of each strategy's paired difference against the
baseline), what drives the level, how much of the variance is replication noise, and
for each strategy a verdict map with the PRIM rules of where it fails. Jinja2 escapes
every value (names come from files a user may not have written).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulator.experiment.stats import BETTER, NO_DIFFERENCE, WORSE
from simulator.metrics import registry
from simulator.sweep import charts
from simulator.sweep.analysis import Analysis
from simulator.sweep.indices import analyser
from simulator.sweep.store import atomic_write

__all__ = ["REPORT", "render", "write_report"]

REPORT = "sweep.html"

TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sweep {{ name }}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;color:#24292f;margin:0;background:#f6f8fa}
main{max-width:960px;margin:0 auto;padding:16px 20px;background:#fff}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.8em;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;font-size:13px;margin:8px 0;display:block;overflow-x:auto}
td,th{border:1px solid #d0d7de;padding:3px 6px;text-align:right;overflow-wrap:anywhere}
th:first-child,td:first-child{text-align:left}
img{max-width:100%;height:auto}
.note{color:#57606a}.warn{color:#9a6700}
.better{color:#1a7f37;font-weight:600}.worse{color:#cf222e;font-weight:600}
code,pre{font-size:12px;background:#f6f8fa}pre{padding:8px;overflow-x:auto}
</style></head><body><main>
<h1>Sweep {{ name }}</h1>
{% if description %}<p>{{ description }}</p>{% endif %}
<p>Scenario <b>{{ m.scenario }}</b>; {{ m.method }} design over {{ m.uncertainties|length }}
uncertain parameters: {{ points }} points &times; {{ m.strategies|length }} strategies &times;
{{ m.replications }} replications = {{ "{:,}".format(m.runs) }} runs. Baseline
<b>{{ m.baseline }}</b>; each replication warms one market up and forks it to every
strategy, so differences are paired. Status: <b>{{ m.status }}</b>
({{ finished }} of {{ points }} points finished{% if failures %},
{{ failures|length }} failed{% endif %}).
Design hash <code>{{ m.design_hash[:16] }}</code>.</p>
{% for n in notes %}<p class="warn">{{ n }}</p>{% endfor %}

<h2>Verdicts: where each strategy pays</h2>
<p class="note">Per point, a 95% paired interval over {{ m.replications }} replications on
{{ first_label }}. About 5% of points with no real difference still show a verdict by
chance; read the regions, not single points.</p>
{% for d in discoveries %}
<h3>{{ d.strategy }} against {{ m.baseline }}</h3>
<p><span class="better">better at {{ d.better }} points</span>,
<span class="worse">worse at {{ d.worse }}</span>, no detectable difference at {{ d.same }}.
{% if d.rules %}Where it is {{ d.failing }} (PRIM box: {{ "%.0f"|format(100*d.density) }}% of
the points inside are, and it holds {{ "%.0f"|format(100*d.coverage) }}% of those that are):</p>
<ul>{% for r in d.rules %}<li><code>{{ r }}</code></li>{% endfor %}</ul>
{% else %}{{ d.no_rules }}</p>{% endif %}
<img alt="verdict map of {{ d.strategy }}" src="{{ d.verdict_img }}">
<img alt="response map of {{ d.strategy }}" src="{{ d.response_img }}">
{% endfor %}

<h2>What drives the choice</h2>
<p class="note">{{ method_text }} of each strategy's paired difference against the baseline
(point means over replications).</p>
{% for f in choice_figs %}<img alt="{{ f[0] }}" src="{{ f[1] }}">{% endfor %}
{{ choice_table }}

<h2>What drives the level</h2>
{% for f in level_figs %}<img alt="{{ f[0] }}" src="{{ f[1] }}">{% endfor %}
{{ level_table }}

<h2>Replication noise</h2>
<p class="note">Share of the variance of single runs that is luck (another seed, same
parameters), and the share of the point means' variance still due to luck after averaging
{{ m.replications }} replications. A large second share blurs the indices: add replications.</p>
{{ noise_table }}

{% if failures %}<h2>Failed points</h2>
<p>Retried by <code>loyalty-sim sweep ... --resume</code>.</p>
<ul>{% for p, f in failures %}<li>point {{ p }}: {{ f }}</li>{% endfor %}</ul>{% endif %}

<h2>Query the results</h2>
<pre>import pandas as pd
# point, strategy, replication, seed, metric, value, then one column per parameter
runs = pd.read_parquet("{{ root }}/parts")
design = pd.read_parquet("{{ root }}/design.parquet")
diffs = pd.read_parquet("{{ root }}/analysis/differences.parquet")

import duckdb  # optional
duckdb.sql("SELECT strategy, metric, avg(value) AS mean "
           "FROM read_parquet('{{ root }}/parts/*.parquet') GROUP BY ALL ORDER BY ALL")</pre>
</main></body></html>
"""


def _label(metric: str) -> str:
    try:
        return registry.get(metric).label
    except KeyError:
        return metric


def _table(frame: pd.DataFrame) -> str:
    if frame.empty:
        return ""

    def cell(v: Any) -> str:
        if isinstance(v, float | np.floating):
            return "" if not math.isfinite(float(v)) else f"{float(v):,.3g}"
        return str(v)

    formatted = frame.map(cell)
    return formatted.to_html(index=False, escape=True, border=0)


def _top_pair(analysis: Analysis, strategy: str, metric: str) -> list[str]:
    names = analysis.spec.names
    idx = analysis.indices
    if not idx.empty:
        key = "mu_star" if analyser(analysis.spec.method) == "morris" else "S1"
        if "ST" in set(idx["index"]):
            key = "ST"
        sel = idx[
            (idx["strategy"] == strategy)
            & (idx["metric"] == metric)
            & (idx["kind"] == "difference")
            & (idx["index"] == key)
            & idx["parameter"].isin(names)
        ]
        if len(sel):
            ranked = sel.sort_values("value", ascending=False)["parameter"].tolist()
            return ranked
    return names


def _index_section(analysis: Analysis, kind: str) -> tuple[list[tuple[str, str]], pd.DataFrame]:
    idx = analysis.indices
    if idx.empty:
        return [], pd.DataFrame()
    method = analyser(analysis.spec.method)
    sel = idx[(idx["kind"] == kind) & ~idx["parameter"].str.contains(" x ")]
    if kind == "level":
        sel = sel[sel["strategy"] == analysis.baseline]
    figs = []
    for (metric, strategy), rows in sel.groupby(["metric", "strategy"], sort=False):
        what = f"{strategy} - {analysis.baseline}" if kind == "difference" else strategy
        figs.append(
            (f"{metric} {what}", charts.index_figure(rows, f"{_label(metric)}: {what}", method))
        )
    cells = sel.assign(
        outcome=sel["metric"].map(_label),
        cell=[_with_interval(v, c) for v, c in zip(sel["value"], sel["conf"], strict=True)],
    )
    wide = cells.pivot_table(
        index=["outcome", "strategy", "parameter"], columns="index", values="cell",
        aggfunc="first", sort=False,
    )  # fmt: skip
    wide.columns = [str(c) for c in wide.columns]
    return figs, wide.reset_index()


def _with_interval(value: float, conf: float) -> str:
    if not math.isfinite(value):
        return ""
    text = f"{value:,.3g}"
    return f"{text} \u00b1 {conf:,.2g}" if math.isfinite(conf) else text


def _noise_table(noise: pd.DataFrame) -> pd.DataFrame:
    if noise.empty:
        return noise
    return pd.DataFrame(
        {
            "outcome": noise["metric"].map(_label),
            "strategy": noise["strategy"],
            "of": noise["kind"].map({"level": "level", "difference": "difference"}),
            "luck in single runs": noise["noise_share"].map(_share),
            "luck left in point means": noise["noise_share_of_means"].map(_share),
        }
    )


def _share(value: float) -> str:
    return f"{value:.0%}" if math.isfinite(value) else ""


def render(analysis: Analysis, root: str | Path) -> str:
    """The report's HTML."""
    from jinja2 import Environment

    spec, m = analysis.spec, analysis.manifest
    first = next(iter(spec.outcomes))
    discoveries = []
    for d in analysis.discoveries:
        # The box's own parameters first, so the rules can be seen on the map.
        top = _top_pair(analysis, d.strategy, d.metric)
        pair = list(dict.fromkeys([*(d.box.restricted if d.box else ()), *top]))[:2]
        rows = analysis.differences
        rows = rows[(rows["strategy"] == d.strategy) & (rows["metric"] == d.metric)]
        merged = rows.merge(analysis.design, on="point")
        title = f"{d.strategy} against {analysis.baseline}: {_label(d.metric)}"
        discoveries.append(
            {
                "strategy": d.strategy,
                "better": d.counts[BETTER],
                "worse": d.counts[WORSE],
                "same": d.counts[NO_DIFFERENCE],
                "failing": d.failing,
                "rules": d.box.rules() if d.box else [],
                "density": d.box.density if d.box else 0.0,
                "coverage": d.box.coverage if d.box else 0.0,
                "no_rules": f"It is {d.where()}.",
                "verdict_img": charts.verdict_map(merged, pair, f"Verdicts, {title}", d.box),
                "response_img": charts.response_map(merged, pair, f"Mean difference, {title}"),
            }
        )
    choice_figs, choice = _index_section(analysis, "difference")
    level_figs, level = _index_section(analysis, "level")
    method = analyser(spec.method)
    method_text = {
        "sobol": "Sobol first-order (S1) and total (ST) indices with 95% bootstrap intervals",
        "fast": "FAST first-order (S1) and total (ST) indices with 95% intervals",
        "morris": "Morris mu* (importance) and sigma (interactions or non-linearity), "
        "mu* with its 95% bootstrap interval",
        "rbd_fast": "RBD-FAST first-order indices (S1) with 95% bootstrap intervals",
    }[method]
    env = Environment(autoescape=True)
    return env.from_string(TEMPLATE).render(
        name=m.get("name", ""),
        description=spec.description.strip(),
        m=m,
        points=len(analysis.design),
        finished=analysis.finished,
        failures=[(p, f.get("error", "")) for p, f in sorted(analysis.failures.items())],
        notes=analysis.notes,
        discoveries=discoveries,
        first_label=_label(first),
        method_text=method_text,
        choice_figs=choice_figs,
        choice_table=_markup(_table(choice)),
        level_figs=level_figs,
        level_table=_markup(_table(level)),
        noise_table=_markup(_table(_noise_table(analysis.noise))),
        root=str(root),
    )


def _markup(html: str) -> Any:
    from markupsafe import Markup

    return Markup(html)  # noqa: S704 - built by pandas with escape=True


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def write_report(analysis: Analysis, root: str | Path) -> Path:
    """Write ``sweep.html`` atomically; return its path."""
    path = Path(root) / REPORT
    text = render(analysis, root)
    atomic_write(path, lambda tmp: _write(tmp, text))
    return path
