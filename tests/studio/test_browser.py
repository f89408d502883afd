"""The trainer page in a real browser: offline, per session, levers, twins, lessons."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.studio.conftest import Server, child_pids, shot
from tests.studio.conftest import stop as stop_server

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def open_page(page: Page, studio: Server) -> None:
    page.goto(studio.url)
    expect(page.locator(".studio-day")).to_have_text("Day 0", timeout=60_000)


def day(page: Page) -> int:
    return int(page.locator(".studio-day").inner_text().split()[-1])


def step(page: Page, days: int) -> None:
    """Step ``days`` days, a week at a time where it can."""
    while days > 0:
        d, n = day(page), 7 if days >= 7 else 1
        page.get_by_role("button", name="+7 days" if n == 7 else "Step").click()
        expect(page.locator(".studio-day")).to_have_text(f"Day {d + n}", timeout=20_000)
        days -= n


def chart(page: Page, name: str, key: str) -> float:
    value = page.locator(f'svg[data-chart="{name}"]').get_attribute(f"data-{key}")
    assert value is not None, f"chart {name} has no data-{key}"
    return float(value)


def lever_to_min(page: Page, path: str) -> None:
    """Click the left end of a lever's slider track (its minimum)."""
    slider = page.locator(f".lever-{path.replace('.', '-')} .v-slider").first
    slider.click(position={"x": 1, "y": slider.bounding_box()["height"] / 2})


def test_page_renders_offline_and_steps_and_plays(page: Page, studio: Server, traffic):
    open_page(page, studio)
    expect(page.locator("svg.chart")).to_have_count(9)
    for name in ("satisfaction", "loyalty-curve", "nps", "wom", "active", "network"):
        expect(page.locator(f'svg[data-chart="{name}"]')).to_be_visible()
    expect(page.locator(".studio-lesson")).to_contain_text("Why satisfied customers defect")
    shot(page, "offline-day0")
    step(page, 8)
    assert "Day 8" in page.locator(".studio-day").inner_text()
    page.get_by_role("button", name="Play").click()
    expect(page.locator(".studio-day")).not_to_have_text("Day 8", timeout=20_000)
    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("button", name="Play")).to_be_visible()
    stopped = day(page)
    assert stopped > 8
    page.wait_for_timeout(300)
    assert day(page) == stopped
    assert "ms" in page.locator(".studio-frame-time").inner_text()
    assert traffic.outside == [], traffic.outside
    assert traffic.failed == [], traffic.failed
    assert traffic.errors == [], traffic.errors


def test_lower_quality_mid_run_lowers_nps(page: Page, studio: Server, traffic):
    open_page(page, studio)
    step(page, 3)
    before = chart(page, "nps", "last-nps")
    lever_to_min(page, "firm.quality")
    expect(page.locator(".lever-firm-quality")).to_contain_text("5")
    step(page, 14)
    after = chart(page, "nps", "last-nps")
    shot(page, "quality-lowered")
    assert after < before - 5, (before, after)
    assert traffic.errors == []


def test_two_sessions_get_different_models(page: Page, studio: Server, traffic):
    open_page(page, studio)
    step(page, 3)
    other = page.context.browser.new_page()
    other.goto(studio.url)
    # A new session starts its own world at day 0 ...
    expect(other.locator(".studio-day")).to_have_text("Day 0", timeout=60_000)
    other.get_by_role("button", name="Step").click()
    expect(other.locator(".studio-day")).to_have_text("Day 1", timeout=20_000)
    # ... and stepping it leaves the first session's world where it was.
    step(page, 1)
    assert day(page) == 4
    other.close()


def test_twins_are_identical_until_a_lever_changes(page: Page, studio: Server, traffic):
    open_page(page, studio)
    step(page, 2)
    page.get_by_role("button", name="Fork twins").click()
    # .first: while vuetify fades the re-rendered alert in, the old one is still there.
    expect(page.get_by_text("Levers act on twin B").first).to_be_visible(timeout=20_000)
    step(page, 4)
    for metric in ("nps", "customers_active", "satisfaction_mean"):
        assert chart(page, f"diff-{metric}", "last-b-a") == 0.0, metric
    lever_to_min(page, "firm.quality")
    expect(page.locator(".studio-twin-changes")).to_contain_text("firm.quality = 5")
    step(page, 14)
    shot(page, "twins")
    assert chart(page, "diff-nps", "last-b-a") < 0
    assert chart(page, "diff-satisfaction_mean", "last-b-a") < 0
    # A competitor's offer launched in twin B goes through apply_changes too.
    page.get_by_text("Competitor offer").first.click()
    page.locator(".studio-launch-offer").click()
    expect(page.locator(".studio-twin-changes")).to_contain_text("market.competitors.BeanCo.offers")
    assert traffic.errors == []


def test_a_lesson_opens_from_the_menu(page: Page, studio: Server, traffic):
    from simulator.studio.lessons import lessons

    # Every lesson is built and stepped in test_world.py; here the menu switches to one.
    last = lessons()[-1]
    open_page(page, studio)
    page.locator(".v-select").first.click()
    page.get_by_role("option", name=last.title).click()
    expect(page.locator(".studio-lesson h3")).to_have_text(last.title, timeout=60_000)
    expect(page.locator(".studio-day")).to_have_text("Day 0", timeout=60_000)
    step(page, 1)
    shot(page, "last-lesson")
    assert traffic.errors == [] and traffic.outside == []


def test_ctrl_c_stops_the_server_cleanly(studio: Server):
    children = child_pids(studio.proc.pid)
    code, out = stop_server(studio)
    assert code == 130, out
    assert "Traceback" not in out, out
    assert out.strip().splitlines()[-1] == "loyalty-sim: interrupted; nothing was written"
    assert [pid for pid in children if Path(f"/proc/{pid}").exists()] == []
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", int(studio.url.rsplit(":", 1)[1].strip("/")))) != 0
