"""What report.html opens with: recommendation, scorecard and difference charts."""

from __future__ import annotations

import re

import pytest

from simulator.metrics import registry
from simulator.report.charts import difference_figures
from simulator.report.html import render_html

from .conftest import result
from .test_summary import VALUES


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(result(VALUES, "base"))


def _section(page: str, name: str) -> str:
    found = re.search(rf'<section id="{name}">(.*?)</section>', page, re.S)
    assert found, f"no section {name}"
    return found.group(1)


def _cells(row_html: str) -> list[str]:
    return re.findall(r"<t[dh](?:\s[^>]*)?>(.*?)</t[dh]>", row_html, re.S)


def test_the_report_opens_with_the_answer(page):
    order = [page.index(f'<section id="{s}">') for s in ("summary", "scorecard", "differences")]
    assert order == sorted(order) and order[-1] < page.index('<section id="kpis">')
    summary = _section(page, "summary")
    assert "after a 390-day warm-up, shared by every strategy" in summary
    # card gains more margin but loses retention: tweak is preferred.
    assert "Prefer tweak: it is detectably better than base on net margin (+2.0%" in summary
    assert "This rests on:" in summary and "Meyer-Waarden &amp; Benavent 2009" in summary
    assert "5 replications per strategy" in summary and "[A]" in summary


def test_scorecard_rows_are_strategies_and_columns_objectives(page):
    card = _section(page, "scorecard")
    head, body = card.split("</thead>", 1)
    shown = [m.heading for m in registry.objectives() if m.name in VALUES["base"]]
    headers = [re.sub(r"<small>.*", "", h) for h in _cells(head)]
    assert headers == ["Strategy", *shown]
    rows = {
        re.sub(r"<.*", "", cells[0]): cells[1:]
        for cells in (_cells(r) for r in re.findall(r"<tr>(.*?)</tr>", body, re.S))
    }
    assert list(rows) == list(VALUES)
    # The baseline shows its levels; everyone else the paired difference.
    assert rows["base"] == ["1,000", "80.0%", "0"]
    margin, retention, cost = rows["card"]
    assert margin.startswith("\u25b2\u00a0+5.0%<small>+5.0% to +5.0%</small>")
    assert retention.startswith("\u25bc\u00a0-1.0<small>")  # points: the column says so
    assert cost.startswith("\u25b2\u00a0+100<small>")
    assert rows["copy"] == ["=\u00a00"] * 3
    cells = re.findall(r'<td class="sc ([\w-]+)"[^>]*>\u25b2\u00a0\+5\.0%', body)
    assert cells == ["sc-better"]
    assert re.search(r'<td class="sc sc-worse"[^>]*>\u25bc\u00a0-1\.0<', body)
    assert re.search(r'<td class="sc sc-worse"[^>]*>\u25b2\u00a0\+100<', body)  # a cost up
    assert re.search(r'<td class="sc sc-none"[^>]*>\u25b2\u00a0\+0\.02%', body)  # noise
    assert "\u0394 points" in head and "\u0394 %" in head and "\u0394 currency" in head
    assert "Programme spend" in card and "pays back" in card


def test_one_difference_chart_per_objective(page):
    figs = difference_figures(result(VALUES, "base"))
    assert [title for title, _ in figs] == [
        "Net margin (higher is better)",
        "Annual retention (higher is better)",
        "Programme cost (lower is better)",
    ]
    images = re.findall(r'<img src="data:image/png;base64,', _section(page, "differences"))
    assert len(images) == 3
