"""Small HTML pieces the report is built from: escaped text, tables, verdict badges."""

from __future__ import annotations

import html
from importlib import metadata as importlib_metadata
from typing import Any

import yaml

from simulator.experiment.stats import BASELINE, NO_PAY_BACK, PAYS_BACK

__all__ = [
    "badge",
    "esc",
    "figures",
    "grouped_table",
    "inline_yaml",
    "package_version",
    "table",
]


def esc(value: Any) -> str:
    """Text made safe for HTML, quotes included."""
    return html.escape(str(value), quote=True)


def badge(verdict: str) -> str:
    """A verdict as a coloured label (the colours are in the report's CSS)."""
    cls = {
        "better": "better",
        "worse": "worse",
        "higher": "info",
        "lower": "info",
        PAYS_BACK: "better",
        NO_PAY_BACK: "worse",
        BASELINE: "base",
    }.get(verdict, "neutral")
    return f'<span class="v v-{cls}">{esc(verdict)}</span>'


def table(headers: list[str], rows: list[list[str]], *, left: int = 1, cls: str = "") -> str:
    """Headers are escaped here; cells arrive as HTML (escaped by the caller)."""
    return grouped_table(headers, [("", rows)], left=left, cls=cls)


def grouped_table(
    headers: list[str],
    groups: list[tuple[str, list[list[str]]]],
    *,
    left: int = 1,
    cls: str = "",
) -> str:
    """A table whose rows come in groups, each under a full-width heading row.

    A heading (escaped here) names what the group's rows share, a KPI above its
    strategies, so that the table needs no column repeating it and stays narrow. An
    empty heading adds no row.
    """

    def cell(tag: str, i: int, content: str) -> str:
        return f'<{tag} class="l">{content}</{tag}>' if i < left else f"<{tag}>{content}</{tag}>"

    head = "".join(cell("th", i, esc(h)) for i, h in enumerate(headers))
    body = []
    for heading, rows in groups:
        if heading:
            body.append(
                f'<tr class="group"><th class="l" colspan="{len(headers)}" scope="colgroup">'
                f"{esc(heading)}</th></tr>"
            )
        body += [
            "<tr>" + "".join(cell("td", i, c) for i, c in enumerate(r)) + "</tr>" for r in rows
        ]
    return (
        f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    )


def figures(items: list[tuple[str, str]], caption: str = "") -> str:
    """A ``<figure>`` per (title, data URI), captioned "title: caption." if a caption is given."""
    out = []
    for title, uri in items:
        below = f"<figcaption>{esc(title)}: {esc(caption)}.</figcaption>" if caption else ""
        out.append(f'<figure><img src="{uri}" alt="{esc(title)}">{below}</figure>')
    return "".join(out)


def inline_yaml(data: Any) -> str:
    """A mapping as one line of flow-style YAML; empty for nothing."""
    if not data:
        return ""
    return yaml.safe_dump(data, default_flow_style=True, sort_keys=False, width=10_000).strip()


def package_version() -> str:
    """The installed loyalty-sim version, or 'unknown' when run from a bare checkout."""
    try:
        return importlib_metadata.version("loyalty-sim")
    except importlib_metadata.PackageNotFoundError:
        return "unknown"
