"""Sweeps (issue 14): cost per run inside a sweep, parallel speed-ups, the Morris target.

Three measurements, each printed with the machine's load average (the machine is
shared: a load above the 2 cores slows everything and flattens speed-ups):

- ``cost``: a standalone ``loyalty-sim run`` (a fresh process: imports, kernels loaded
  from numba's cache, set-up, run, files) against the cost per run inside a one-job
  ``loyalty-sim sweep`` of the same size, start-up included, where process start and
  kernel loading are paid once and one warm-up serves every strategy.
- ``speedup``: the same sweep serially, with 2 local worker processes, and on a Dask
  ``LocalCluster`` of 2 worker processes, alternating within each repeat. The cluster is
  timed twice: started for the sweep (its start, the workers' imports and kernel loading
  inside the time), and already running with its workers warmed, as a cluster that
  serves sweep after sweep is. Serial runs in this process, whose imports and kernels
  are loaded before any timing.
- ``morris``: the Morris screening of experiments/coffee_morris.yaml (180 points x 3
  strategies x 3 replications at 10,000 customers x 365 days after the warm-up),
  projected from ``--points`` points run with 2 local workers, or run whole with
  ``--points 180``.
- ``sample``: every ``--every``-th point of that screening from point 7 (12 points at
  15), all replications, run serially in this process: wall and CPU seconds a point. Run
  it in two checkouts at once, one per core, to compare their engines under the same
  load (a sweep keeps both cores busy too).

    .venv/bin/python benchmarks/bench_sweep.py cost --customers 2000 --days 365 --repeats 3
    .venv/bin/python benchmarks/bench_sweep.py speedup --customers 2000 --points 8 --repeats 2
    .venv/bin/python benchmarks/bench_sweep.py morris --points 4
    .venv/bin/python benchmarks/bench_sweep.py sample --every 15
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from _common import ROOT, SCENARIO, machine, median

EXPERIMENT = ROOT / "experiments" / "coffee_morris.yaml"
STRATEGIES = ["status_quo", "premium", "loyalty_card"]


def load() -> str:
    """The 1-minute load average, for the record."""
    return f"load {os.getloadavg()[0]:.1f}"


def experiment(folder: Path, *, points: int, customers: int, days: int, reps: int) -> Path:
    """A Latin-hypercube sweep of the Morris experiment's parameters at a given size."""
    data = yaml.safe_load(EXPERIMENT.read_text())
    data.update(
        name="bench",
        scenario=str(SCENARIO),
        method="latin",
        samples=points,
        replications=reps,
        set={"run.customers": customers, "run.days": days},
    )
    data.pop("options", None)
    path = folder / "bench.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def cli(*args: str) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "simulator.cli", *args], check=True, env=env, cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return time.perf_counter() - t


def cost(args: argparse.Namespace) -> None:
    standalone, inside = [], []
    with tempfile.TemporaryDirectory() as tmp:
        exp = experiment(
            Path(tmp), points=args.points, customers=args.customers, days=args.days, reps=2
        )
        runs = args.points * len(STRATEGIES) * 2
        for r in range(args.repeats):
            sizes = ["--set", f"run.customers={args.customers}", "--set", f"run.days={args.days}"]
            standalone.append(
                cli(
                    "run",
                    str(SCENARIO),
                    *sizes,
                    "--strategy",
                    "premium",
                    "--quiet",
                    "--no-plots",
                    "--out",
                    f"{tmp}/run{r}",
                )  # fmt: skip
            )
            wall = cli("sweep", str(exp), "--jobs", "1", "--quiet", "--no-report",
                       "--out", f"{tmp}/sweep{r}")  # fmt: skip
            inside.append(wall / runs)
            print(f"  repeat {r}: run {standalone[-1]:.2f} s, sweep {wall:.1f} s / {runs} runs "
                  f"= {inside[-1]:.2f} s a run ({load()})", flush=True)  # fmt: skip
    a, b = median(standalone), median(inside)
    print(
        f"cost per run, {args.customers:,} customers x {args.days} days + warm-up: standalone "
        f"`loyalty-sim run` {a:.2f} s, inside a 1-job sweep {b:.2f} s ({a / b:.2f}x cheaper)"
    )


def _warm_worker() -> None:
    """Imports and kernels loaded in a Dask worker, as after its first sweep."""
    import yaml as yaml_

    from simulator.experiment.protocol import prepare

    mapping = yaml_.safe_load(SCENARIO.read_text())
    tiny = {"run.customers": 200, "run.days": 3, "run.warmup_days": 3}
    experiment = prepare(mapping, STRATEGIES, tiny, source="warm-up")
    model = experiment.warm_up(1)
    for name in STRATEGIES:
        experiment.start(model, name)
        experiment.report(model)


def _timed_sweep(
    exp: Path, out: Path, executor_name: str, client: object = None
) -> tuple[float, float]:
    """Wall seconds of the sweep and the CPU seconds its points took (in whichever process)."""
    from simulator.experiment.executor import LocalProcessExecutor, SerialExecutor
    from simulator.sweep.prepare import load_sweep
    from simulator.sweep.runner import open_sweep, run_sweep

    sweep = load_sweep(exp)
    t = time.perf_counter()
    store, design = open_sweep(sweep, out, resume=False)
    if client is not None:
        from simulator.sweep.cluster import DaskExecutor

        outcome = run_sweep(sweep, store, design, DaskExecutor(client))
    elif executor_name == "dask":
        from distributed import Client, LocalCluster

        from simulator.sweep.cluster import DaskExecutor

        with (
            LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,  # fmt: skip
            Client(cluster) as client,
        ):
            outcome = run_sweep(sweep, store, design, DaskExecutor(client))
    else:
        executor = SerialExecutor() if executor_name == "serial" else LocalProcessExecutor(2)
        with executor:
            outcome = run_sweep(sweep, store, design, executor)
    return time.perf_counter() - t, outcome.cpu_seconds


def speedup(args: argparse.Namespace) -> None:
    from distributed import Client, LocalCluster

    keys = ("serial", "local2", "dask2", "dask2-warm")
    times: dict[str, list[float]] = {k: [] for k in keys}
    cpu: dict[str, list[float]] = {k: [] for k in keys}
    with tempfile.TemporaryDirectory() as tmp:
        exp = experiment(
            Path(tmp), points=args.points, customers=args.customers, days=args.days, reps=2
        )
        _timed_sweep(exp, Path(tmp) / "warm", "serial")  # kernels compiled and cached
        for r in range(args.repeats):
            for name, key in (("serial", "serial"), ("local", "local2"), ("dask", "dask2")):
                wall, seconds = _timed_sweep(exp, Path(tmp) / f"{key}-{r}", name)
                times[key].append(wall)
                cpu[key].append(seconds / args.points)
            with (
                LocalCluster(
                    n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
                ) as cluster,  # fmt: skip
                Client(cluster) as client,
            ):
                client.run(_warm_worker)
                wall, seconds = _timed_sweep(exp, Path(tmp) / f"warm-{r}", "dask", client)
            times["dask2-warm"].append(wall)
            cpu["dask2-warm"].append(seconds / args.points)
            print(f"  repeat {r}: " + ", ".join(f"{k} {v[-1]:.1f} s" for k, v in times.items())
                  + f" ({load()})", flush=True)  # fmt: skip
    s = median(times["serial"])
    ratios = "; ".join(
        f"{label} {median(times[k]):.1f} s ({s / median(times[k]):.2f}x)"
        for k, label in (
            ("local2", "2 local workers"),
            ("dask2", "Dask LocalCluster of 2, started for the sweep"),
            ("dask2-warm", "the same cluster already running"),
        )
    )
    print(
        f"{args.points} points x 3 strategies x 2 replications, {args.customers:,} customers x "
        f"{args.days} days: serial {s:.1f} s; {ratios}. CPU per point: "
        + ", ".join(f"{k} {median(v):.1f} s" for k, v in cpu.items())
    )


def morris(args: argparse.Namespace) -> None:
    from simulator.experiment.executor import LocalProcessExecutor
    from simulator.sweep.prepare import load_sweep
    from simulator.sweep.runner import open_sweep, run_sweep

    sweep = load_sweep(EXPERIMENT)
    with tempfile.TemporaryDirectory() as tmp:
        store, design = open_sweep(sweep, Path(tmp) / "morris", resume=False)
        subset = design.iloc[: args.points]
        t = time.perf_counter()
        with LocalProcessExecutor(2) as executor:
            outcome = run_sweep(sweep, store, subset, executor)
        wall = time.perf_counter() - t
    total = len(design)
    per_point = wall / args.points
    cpu = outcome.cpu_seconds / args.points
    print(
        f"Morris {total} points x 3 strategies x 3 replications at 10,000 customers: "
        f"{args.points} points in {wall:.0f} s with 2 workers ({outcome.runs} runs, "
        f"{per_point:.1f} s a point, {load()}); whole screening "
        f"{'measured' if args.points == total else 'projected'}: "
        f"{per_point * total / 60:.1f} min (target: under 20 min). CPU: {cpu:.1f} s a point, "
        f"so {cpu * total / 2 / 60:.1f} min on 2 idle cores at a perfect 2x"
    )


def sample(args: argparse.Namespace) -> None:
    from simulator.sweep.design import build_design
    from simulator.sweep.prepare import load_sweep
    from simulator.sweep.task import Context, PointTask, run_point

    sweep = load_sweep(EXPERIMENT)
    context = Context(
        scenario=sweep.scenario,
        overrides=dict(sweep.overrides),
        strategies=tuple(sweep.strategies),
        source=sweep.source,
    )
    design = build_design(sweep.spec)
    names = sweep.spec.names

    def task(point: int, replications: int) -> PointTask:
        row = design.iloc[point]
        values = {n: float(row[n]) for n in names}
        return PointTask(point=point, values=values, seeds=tuple(range(replications)))

    run_point(task(0, 1), context=context)  # imports and kernels loaded before timing
    points = list(range(7, len(design), args.every))
    wall, cpu = time.perf_counter(), time.process_time()
    for point in points:
        run_point(task(point, sweep.spec.replications), context=context)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"Morris sample: {len(points)} points (every {args.every}th from 7) x 3 strategies x "
        f"{sweep.spec.replications} replications at 10,000 customers, serial: {wall:.1f} s "
        f"({wall / len(points):.2f} s a point), CPU {cpu / len(points):.2f} s a point ({load()})"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=["cost", "speedup", "morris", "sample"])
    ap.add_argument("--customers", type=int, default=2000)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--points", type=int, default=4)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--every", type=int, default=15, help="sample: every n-th design point")
    args = ap.parse_args()
    print(machine(), f"({load()} at start)", flush=True)
    {"cost": cost, "speedup": speedup, "morris": morris, "sample": sample}[args.what](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
