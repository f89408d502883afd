"""A one-file HTML report a manager can open, print and forward.

Everything is inline: CSS in a ``<style>`` element and matplotlib figures as base64
PNG data URIs, so the file has no external resources and needs no JavaScript. All
text is escaped. The same renderer serves a comparison of strategies and a single run
(one strategy, one replication, no intervals); the sections are in
:mod:`simulator.report.sections`.
"""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime
from pathlib import Path

from simulator.errors import ReportError
from simulator.experiment.results import ComparisonResult
from simulator.report.markup import esc, package_version
from simulator.report.sections import SECTIONS, is_single

__all__ = ["ReportError", "render_html", "write_report"]

CSS = """
:root{--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--head:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;background:#fff;color:var(--ink);
 font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1180px;margin:0 auto;padding:24px 28px 40px}
@media (max-width:820px){main{padding:16px 14px 32px}}
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
table.kpi{width:auto;min-width:min(100%,560px)}
table.kpi td{overflow-wrap:anywhere}
table.kpi td.l{min-width:8.5em}
table.kpi tr.group th{background:#fff;text-align:left;font-size:13px;padding-top:10px}
.ci{display:block;color:var(--muted);font-size:11px}
table.kpi td:nth-child(2) .ci,table.kpi td:nth-child(3) .ci{white-space:nowrap}
table.narrow{width:auto;min-width:min(100%,420px)}
table.score{font-size:12px}
table.score th,table.score td{text-align:center;padding:4px 2px}
table.score thead th{font-size:11.5px;overflow-wrap:anywhere}
table.score th.l{text-align:left;min-width:6.5em;overflow-wrap:anywhere}
table.score small{display:block;font-size:10.5px;font-weight:400;color:var(--muted)}
td.sc{white-space:nowrap}
td.sc small{white-space:normal;color:inherit;opacity:.8}
.sc-better,.sc-worse,.sc-base{-webkit-print-color-adjust:exact;print-color-adjust:exact}
.sc-better{background:#dafbe1;color:#116329}
.sc-worse{background:#ffebe9;color:#a40e26}
.sc-none{color:var(--muted)}
.sc-base{font-style:italic;color:var(--muted)}
.advice{border:1px solid var(--line);border-left:4px solid #54aeff;border-radius:6px;
 padding:4px 14px 6px;margin:10px 0}
.advice h3{margin-top:8px}
.advice-prefer{border-left-color:#4ac26b}
.advice-trade-off{border-left-color:#d4a72c}
ul.caveats{margin:2px 0 6px;padding-left:18px;font-size:12.5px;color:var(--muted)}
table.facts{width:auto} table.facts td{text-align:left}
.muted{color:var(--muted)}
.v{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;white-space:nowrap;
 border:1px solid transparent;-webkit-print-color-adjust:exact;print-color-adjust:exact}
.v-better{background:#dafbe1;color:#116329;border-color:#4ac26b}
.v-worse{background:#ffebe9;color:#a40e26;border-color:#ff8182}
.v-info{background:#ddf4ff;color:#0550ae;border-color:#54aeff}
.v-neutral{background:#eff2f5;color:#59636e;border-color:#d1d9e0}
.v-base{background:#fff;color:#59636e;border-color:#d1d9e0;font-style:italic}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,480px),1fr));
 gap:14px 20px;align-items:start}
.grid-small{grid-template-columns:repeat(auto-fill,minmax(min(100%,340px),1fr))}
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
    if is_single(result):
        title = f"Run report: {result.scenario} / {result.strategies[0]} / seed {result.seeds[0]}"
    else:
        title = f"Strategy comparison: {result.scenario}"
    description = result.resolved.get("description") if isinstance(result.resolved, dict) else ""
    created = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = "".join(
        [
            f"<header><h1>{esc(title)}</h1>",
            f'<p class="sub">{esc(" ".join(str(description).split()))}</p>' if description else "",
            f'<p class="sub">Generated {esc(created)} by loyalty-sim {esc(package_version())}.</p>'
            "</header>",
            *(section(result) for section in SECTIONS),
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
        f"<title>{esc(title)}</title><style>{CSS}</style></head>"
        f"<body><main>{body}</main></body></html>\n"
    )


def write_report(result: ComparisonResult, path: str | Path) -> Path:
    """Write :func:`render_html` to ``path`` atomically (temporary file, then rename).

    The temporary file is created new (``x``: never through a link planted under its
    name), and the rename replaces a link at ``path`` instead of writing through it.
    """
    path = Path(path)
    html = render_html(result)
    tmp = path.with_name(f".{path.name}.partial-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        with open(tmp, "x", encoding="utf-8") as handle:
            handle.write(html)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ReportError(f"{path}: cannot write the report ({exc.strerror})") from None
    return path
