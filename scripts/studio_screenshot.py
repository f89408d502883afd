"""Take the README's screenshot of the trainer page (docs/figures/studio.png).

Starts ``loyalty-sim studio`` on a free loopback port, opens a lesson in Debian's
Chromium through Playwright, plays a few weeks, forks twins, moves one lever in twin B,
plays on, and saves the page::

    python scripts/studio_screenshot.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from tests.studio.conftest import start, stop  # noqa: E402

OUT = ROOT / "docs" / "figures" / "studio.png"
LESSON = "Word-of-mouth and acquisition"


def weeks(page, n: int) -> None:
    """Step ``n`` weeks."""
    for _ in range(n):
        day = int(page.locator(".studio-day").inner_text().split()[-1])
        page.get_by_role("button", name="+7 days").click()
        expect(page.locator(".studio-day")).to_have_text(f"Day {day + 7}", timeout=30_000)


def main() -> int:
    """Drive the page and save the screenshot."""
    server = start(warmup=60)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium")
            page = browser.new_page(viewport={"width": 1500, "height": 1400})
            page.goto(server.url)
            expect(page.locator(".studio-day")).to_have_text("Day 0", timeout=60_000)
            page.locator(".v-select").first.click()
            page.locator(".v-menu__content .v-list-item", has_text=LESSON).click()
            expect(page.locator(".studio-lesson h3")).to_have_text(LESSON, timeout=60_000)
            weeks(page, 4)
            page.get_by_role("button", name="Fork twins").click()
            expect(page.get_by_text("Levers act on twin B").first).to_be_visible(timeout=30_000)
            slider = page.locator(".lever-firm-quality .v-slider").first
            box = slider.bounding_box()
            slider.click(position={"x": box["width"] * 0.4, "y": box["height"] / 2})
            expect(page.locator(".studio-twin-changes")).to_contain_text("firm.quality")
            weeks(page, 8)
            page.screenshot(path=str(OUT), full_page=True)
            browser.close()
    finally:
        stop(server)
    print(OUT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
