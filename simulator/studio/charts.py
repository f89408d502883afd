"""Tiny SVG charts: fast to draw each day, and no chart library to fetch from a CDN.

Each function returns an ``<svg>`` string. Values are escaped; every chart carries
``data-*`` attributes with its latest values, which the browser tests read.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

# A series: anything numpy reads as a 1-D array of floats.
Series = ArrayLike

W, H = 420, 200
PAD_L, PAD_R, PAD_T, PAD_B = 44, 10, 22, 24
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b")


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _fmt(v: float) -> str:
    if not math.isfinite(v):
        return "–"
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}"


def attr(key: str) -> str:
    """A valid ``data-*`` attribute name for ``key`` (HTML lowercases them anyway):
    ``"last-B - A"`` becomes ``"last-b-a"``."""
    return re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")


def frame(title: str, body: str, *, name: str, data: Mapping[str, object] | None = None) -> str:
    """An SVG of the standard size around ``body``, titled, with data attributes."""
    attrs = "".join(f' data-{attr(k)}="{_esc(v)}"' for k, v in (data or {}).items())
    return (
        f'<svg class="chart" data-chart="{_esc(name)}"{attrs} viewBox="0 0 {W} {H}" '
        f'width="100%" style="max-width:{W * 1.5}px;font:11px sans-serif">'
        f'<text x="{PAD_L}" y="14" font-weight="bold">{_esc(title)}</text>{body}</svg>'
    )


def _scale(lo: float, hi: float, a: float, b: float) -> tuple[float, float]:
    """Slope and intercept mapping [lo, hi] onto [a, b]."""
    span = hi - lo if hi > lo else 1.0
    k = (b - a) / span
    return k, a - k * lo


def _axes(x0: float, x1: float, y0: float, y1: float) -> str:
    """Axis lines with the end values as labels."""
    bottom, right = H - PAD_B, W - PAD_R
    return (
        f'<line x1="{PAD_L}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#999"/>'
        f'<line x1="{PAD_L}" y1="{PAD_T}" x2="{PAD_L}" y2="{bottom}" stroke="#999"/>'
        f'<text x="{PAD_L - 4}" y="{bottom}" text-anchor="end">{_fmt(y0)}</text>'
        f'<text x="{PAD_L - 4}" y="{PAD_T + 8}" text-anchor="end">{_fmt(y1)}</text>'
        f'<text x="{PAD_L}" y="{H - 8}">{_fmt(x0)}</text>'
        f'<text x="{right}" y="{H - 8}" text-anchor="end">{_fmt(x1)}</text>'
    )


def lines(
    title: str,
    x: Series,
    series: Mapping[str, Series],
    *,
    name: str,
    y_range: tuple[float, float] | None = None,
    zero: bool = False,
) -> str:
    """A line chart of several series over ``x`` (a legend names each)."""
    xs = np.asarray(x, dtype=float)
    ys = {k: np.asarray(v, dtype=float) for k, v in series.items()}
    finite = np.concatenate([v[np.isfinite(v)] for v in ys.values()] + [np.zeros(0)])
    if y_range is None:
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        if zero:
            lo, hi = min(lo, 0.0), max(hi, 0.0)
        if hi - lo < 1e-9:
            lo, hi = lo - 1.0, hi + 1.0
    else:
        lo, hi = y_range
    x0, x1 = (float(xs[0]), float(xs[-1])) if xs.size else (0.0, 1.0)
    kx, bx = _scale(x0, x1, PAD_L, W - PAD_R)
    ky, by = _scale(lo, hi, H - PAD_B, PAD_T)
    body = [_axes(x0, x1, lo, hi)]
    if zero and lo < 0 < hi:
        y = by
        body.append(
            f'<line x1="{PAD_L}" y1="{y:.1f}" x2="{W - PAD_R}" y2="{y:.1f}" stroke="#ccc"/>'
        )
    data: dict[str, object] = {}
    for i, (label, v) in enumerate(ys.items()):
        colour = COLOURS[i % len(COLOURS)]
        ok = np.isfinite(v)
        if ok.sum() >= 1:
            pts = " ".join(
                f"{kx * a + bx:.1f},{ky * b + by:.1f}" for a, b in zip(xs[ok], v[ok], strict=True)
            )
            body.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" points="{pts}"/>'
            )
            data[f"last-{label}"] = f"{v[ok][-1]:.6g}"
        tx = PAD_L + 8 + 110 * i
        body.append(f'<text x="{tx}" y="{PAD_T + 10}" fill="{colour}">{_esc(label)}</text>')
    return frame(title, "".join(body), name=name, data=data)


def bars(
    title: str,
    labels: Sequence[str],
    values: Series,
    *,
    name: str,
    colours: Sequence[str] = COLOURS,
) -> str:
    """Horizontal bars, one per label, widest on top as given."""
    v = np.asarray(values, dtype=float)
    top = float(v.max()) if v.size and v.max() > 0 else 1.0
    n = max(len(labels), 1)
    row = (H - PAD_T - 8) / n
    body = []
    for i, (label, value) in enumerate(zip(labels, v, strict=True)):
        y = PAD_T + i * row
        width = (W - 150) * value / top
        x = 100 + (W - 150 - width) / 2
        c = colours[i % len(colours)]
        body.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{row * 0.8:.1f}" '
            f'fill="{c}"/>'
            f'<text x="4" y="{y + row * 0.55:.1f}">{_esc(label)}</text>'
            f'<text x="{W - 4}" y="{y + row * 0.55:.1f}" text-anchor="end">{_fmt(value)}</text>'
        )
    data = {f"value-{lab}": f"{val:.6g}" for lab, val in zip(labels, v, strict=True)}
    return frame(title, "".join(body), name=name, data=data)


def satisfaction_colour(s: float) -> str:
    """Red (0) through yellow (5) to green (10)."""
    t = min(max(s / 10.0, 0.0), 1.0)
    r = int(255 * min(1.0, 2 - 2 * t))
    g = int(200 * min(1.0, 2 * t))
    return f"rgb({r},{g},60)"
