"""Open an HTML report in headless Chromium: screenshot it and fail on console errors.

Usage::

    python scripts/check_report_chromium.py REPORT.html [--screenshot OUT.png]
        [--window-size 1280,2000] [--fit-width 800] [--chromium /usr/bin/chromium]

Checks, each a failure with exit code 1:

- the file references no external resource (every ``src``/``href`` is a data URI or an
  in-page anchor), so it can be forwarded as one file;
- Chromium exits cleanly within the timeout and writes a screenshot;
- the screenshot is non-trivial (a real size, many colours, not a blank page);
- Chromium's log has no ``CONSOLE`` message or ``Uncaught`` exception;
- with ``--fit-width W``: laid out in a W-pixel-wide window, the page does not scroll
  sideways (``document.documentElement.scrollWidth`` is at most the viewport's width)
  and no element sticks out past its right edge. A copy of the page with a measuring
  script is opened with ``--dump-dom``; the script writes what it measured into the
  DOM, which Chromium prints (the report itself has no script).

Debian's package: ``apt-get install -y chromium``.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
MIN_PNG_BYTES = 20_000
MIN_COLOURS = 64
ERROR_PATTERN = re.compile(r"CONSOLE|Uncaught")
# Measured once the page (and its images) has loaded; innermost offenders first, since
# a too-wide table also makes its section and <main> too wide.
MEASURE = """<script>
addEventListener("load", () => {
  const root = document.documentElement, limit = root.clientWidth;
  const past = (el) => el.getBoundingClientRect().right > limit + 0.5;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + [...el.classList].map((c) => "." + c).join("");
  // The element, within the nearest ancestor that has an id or a class.
  const where = (el) => {
    let up = el.parentElement;
    while (up && up !== document.body && !up.id && !up.classList.length) up = up.parentElement;
    return (up && up !== document.body ? name(up) + " > ... > " : "") + name(el);
  };
  const wide = [...document.body.querySelectorAll("*")]
    .filter((el) => past(el) && ![...el.children].some(past))
    .map((el) => where(el) + " right=" + Math.round(el.getBoundingClientRect().right)
      + " text=" + JSON.stringify((el.textContent || "").trim().slice(0, 40)));
  const out = document.createElement("pre");
  out.id = "layout-check";
  out.textContent = JSON.stringify({scrollWidth: root.scrollWidth, clientWidth: limit, wide});
  document.body.appendChild(out);
});
</script>"""
LAYOUT_PATTERN = re.compile(r'<pre id="layout-check">(.*?)</pre>', re.S)


@dataclass
class CheckResult:
    """What the check found; ``ok`` when ``problems`` is empty."""

    screenshot: Path
    problems: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href") and value and not value.startswith(("data:", "#")):
                self.external.append(f"<{tag} {name}={value[:60]!r}>")


def external_resources(html_text: str) -> list[str]:
    """Tags whose ``src`` or ``href`` would load something from outside the file."""
    parser = _Links()
    parser.feed(html_text)
    refs = list(parser.external)
    refs += [
        f"CSS url({m[:60]!r})"
        for m in re.findall(r"url\(\s*['\"]?([^'\")]+)", html_text)
        if not m.startswith("data:")
    ]
    refs += [f"CSS @import {m[:60]!r}" for m in re.findall(r"@import\s+([^;]+);", html_text)]
    return refs


def _chromium_command(chromium: str, profile: Path, window: str) -> list[str]:
    return [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        f"--window-size={window}",
    ]


def layout_problems(
    html_path: str | Path,
    width: int,
    *,
    chromium: str = CHROMIUM,
    timeout: float = 90.0,
) -> list[str]:
    """What makes the page scroll sideways in a ``width``-pixel-wide window (empty: fits).

    Opens a copy of the page with :data:`MEASURE` appended and reads back what it
    wrote into the DOM (``--dump-dom``).
    """
    page = Path(html_path).resolve()
    tmp = Path(tempfile.mkdtemp(prefix="report-layout-"))
    probe = tmp / page.name
    text = page.read_text(encoding="utf-8")
    at = text.lower().rfind("</body>")
    probe.write_text(
        text[:at] + MEASURE + text[at:] if at >= 0 else text + MEASURE, encoding="utf-8"
    )
    cmd = [*_chromium_command(chromium, tmp / "profile", f"{width},1000"), "--dump-dom"]
    try:
        proc = subprocess.run(
            [*cmd, probe.as_uri()], capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return [f"layout: chromium did not finish within {timeout:.0f} s"]
    found = LAYOUT_PATTERN.search(proc.stdout)
    if found is None:
        return [f"layout: chromium printed no measurement (exit {proc.returncode})"]
    measured = json.loads(html.unescape(found.group(1)))
    if measured["scrollWidth"] <= measured["clientWidth"] and not measured["wide"]:
        return []
    problems = [
        f"layout: the page is {measured['scrollWidth']} px wide in a "
        f"{measured['clientWidth']} px viewport (it scrolls sideways)"
    ]
    problems += [f"layout: sticks out: {w}" for w in measured["wide"][:8]]
    return problems


def _image_problems(png: Path) -> list[str]:
    if not png.is_file():
        return [f"no screenshot written at {png}"]
    size = png.stat().st_size
    if size < MIN_PNG_BYTES:
        return [f"screenshot is only {size} bytes: the page looks empty"]
    try:
        from PIL import Image
    except ImportError:  # matplotlib brings Pillow; without it, trust the size check
        return []
    with Image.open(png) as img:
        rgb = img.convert("RGB")
        colours = rgb.getcolors(maxcolors=1 << 20)
        n_colours = len(colours) if colours is not None else 1 << 20
        # Share of pixels that are not (near) white: text, tables and figures.
        grey = rgb.convert("L")
        inked = sum(grey.histogram()[:240]) / (grey.width * grey.height)
    problems = []
    if n_colours < MIN_COLOURS:
        problems.append(f"screenshot has only {n_colours} colours: no figures rendered")
    if inked < 0.02:
        problems.append(f"screenshot is {1 - inked:.1%} white: the page looks blank")
    return problems


def check(
    html_path: str | Path,
    screenshot: str | Path | None = None,
    *,
    window: str = "1280,2000",
    chromium: str = CHROMIUM,
    timeout: float = 90.0,
) -> CheckResult:
    """Render ``html_path`` in headless Chromium and report what went wrong."""
    page = Path(html_path).resolve()
    if not page.is_file():
        raise FileNotFoundError(f"{page}: no such file")
    tmp = Path(tempfile.mkdtemp(prefix="report-check-"))
    png = Path(screenshot).resolve() if screenshot else tmp / "screenshot.png"
    png.unlink(missing_ok=True)
    result = CheckResult(png)
    result.problems += [
        f"external resource: {r}" for r in external_resources(page.read_text(encoding="utf-8"))
    ]
    cmd = [
        *_chromium_command(chromium, tmp / "profile", window),
        "--enable-logging=stderr",
        "--v=0",
        "--hide-scrollbars",
        f"--screenshot={png}",
        page.as_uri(),
    ]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        result.problems.append(f"chromium did not finish within {timeout:.0f} s")
        return result
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-3:]
        result.problems.append(f"chromium exited with {proc.returncode}: {' | '.join(tail)}")
    result.console = [line for line in proc.stderr.splitlines() if ERROR_PATTERN.search(line)]
    result.problems += [f"console: {line.strip()}" for line in result.console]
    result.problems += _image_problems(png)
    return result


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: print the findings, exit 1 on any problem."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", help="the HTML file to open")
    parser.add_argument("--screenshot", help="where to write the PNG (default: a temp file)")
    parser.add_argument("--window-size", default="1280,2000", help="WIDTH,HEIGHT in pixels")
    parser.add_argument(
        "--fit-width",
        type=int,
        metavar="W",
        help="also fail if the page scrolls sideways in a W-pixel-wide window",
    )
    parser.add_argument("--chromium", default=CHROMIUM, help="the Chromium binary")
    args = parser.parse_args(argv)
    if not Path(args.chromium).exists():
        print(
            f"check_report_chromium: {args.chromium} not found; "
            "install it with `apt-get install -y chromium`",
            file=sys.stderr,
        )
        return 2
    try:
        result = check(args.html, args.screenshot, window=args.window_size, chromium=args.chromium)
        if args.fit_width:
            result.problems += layout_problems(args.html, args.fit_width, chromium=args.chromium)
    except FileNotFoundError as exc:
        print(f"check_report_chromium: {exc}", file=sys.stderr)
        return 2
    for problem in result.problems:
        print(f"FAIL {problem}")
    print(f"screenshot: {result.screenshot}")
    print("OK" if result.ok else f"{len(result.problems)} problem(s)")
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
