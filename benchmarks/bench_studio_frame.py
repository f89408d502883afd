"""Frame time of the trainer page: one simulated day, drawn (issue 15, target 7).

A frame is what Play does each day on the server: step the world(s), then re-render
the whole page (Solara/reacton builds the new component tree and sends the widgets'
changes). The page is rendered in-process with ``solara.render``, so the figure covers
everything but the browser painting the SVGs it receives.

    python benchmarks/bench_studio_frame.py [--customers 20000] [--days 60] [--skip 5] [--twins]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks._common import ROOT, machine, median  # noqa: E402

LESSON = ROOT / "scenarios" / "teaching" / "3_demotion_shock.yaml"


def main() -> int:
    """Print the median step, draw and frame times."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=20_000, help="run.customers")
    ap.add_argument("--days", type=int, default=60, help="days timed")
    ap.add_argument("--skip", type=int, default=5, help="days stepped first, untimed")
    ap.add_argument("--warmup", type=int, default=30, help="warm-up days before day 0")
    ap.add_argument("--twins", action="store_true", help="fork twins first (two worlds)")
    args = ap.parse_args()

    text = LESSON.read_text().replace("customers: 5000", f"customers: {args.customers}")
    with tempfile.TemporaryDirectory() as tmp:
        scenario = Path(tmp) / "bench.yaml"
        scenario.write_text(text)
        os.environ["LOYALTY_STUDIO_SCENARIO"] = str(scenario)
        os.environ["LOYALTY_STUDIO_WARMUP_DAYS"] = str(args.warmup)
        import ipyvuetify as v
        import solara

        from simulator.studio.app import Page

        # As the server does: the page inside an AppLayout, which holds the sidebar.
        _, rc = solara.render(solara.AppLayout(children=[Page()]), handle_error=False)

        def click(label: str) -> float:
            started = time.perf_counter()
            rc.find(v.Btn, children=[label]).widget.click()
            return (time.perf_counter() - started) * 1000

        if args.twins:
            click("Fork twins")
        for _ in range(args.skip // 7):
            click("+7 days")
        for _ in range(args.skip % 7):
            click("Step")
        frames = [click("Step") for _ in range(args.days)]
        text_now = rc.find(v.Html, class_="studio-frame-time").widget.children[0]
    print(machine())
    print(f"run.customers {args.customers:,}; twins: {args.twins}; {text_now}")
    print(f"frame (step + full page render), median of {args.days}: {median(frames):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
