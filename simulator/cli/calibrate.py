"""``loyalty-sim calibrate``: a firm's transaction log in, a calibrated scenario out."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from simulator.cli import console, log_options


def register(subparsers: Any) -> None:
    """Add the ``calibrate`` command to the ``loyalty-sim`` parser."""
    p = subparsers.add_parser(
        "calibrate",
        help="fit the purchase process to a transaction log and write a scenario",
        description=(
            "Fit BG/NBD (a K-segment mixture with --segments K) and Gamma-Gamma to the "
            "purchases up to --calibration-end, replay the period to print the fit table, "
            "and write a scenario that run and compare accept, with a calibration report."
        ),
    )
    log_options.add_log_options(p, replications=10)
    p.add_argument(
        "--out",
        metavar="SCENARIO.yaml",
        help="scenario to write, must not exist (default: <log name>_calibrated.yaml)",
    )
    p.add_argument(
        "--report",
        metavar="DIR",
        help="calibration report folder, must not exist "
        "(default: <scenario name>.calibration beside the scenario)",
    )
    p.add_argument(
        "--days",
        type=int,
        default=365,
        help="days the scenario runs from the calibration end (default: 365)",
    )
    p.add_argument(
        "--id-map",
        metavar="FILE.csv",
        help="also write sequential id -> raw "
        "customer id (off by default: raw ids never reach an output otherwise)",
    )
    p.set_defaults(func=_cmd_calibrate)


def fit_table_text(table: Any) -> str:
    """The fit table as aligned text: moment, observed, simulated mean and band."""
    width = max(len(m) for m in table["moment"])
    head = f"  {'moment':<{width}}  {'observed':>10}  {'simulated':>10}  {'90% band':>21}"
    lines = [head]
    for row in table.itertuples(index=False):
        fmt = (lambda v: f"{v:,.3f}") if row.observed < 1.5 else (lambda v: f"{v:,.0f}")
        band = f"{fmt(row.simulated_p05)} to {fmt(row.simulated_p95)}"
        lines.append(
            f"  {row.moment:<{width}}  {fmt(row.observed):>10}  {fmt(row.simulated_mean):>10}"
            f"  {band:>21}"
        )
    return "\n".join(lines)


def smm_text(smm: Any) -> str:
    """The moment search's answer beside the maximum-likelihood point."""
    return (
        f"reactivation (moment search, {smm.trials} trials): hazard "
        f"{smm.reactivation_hazard:.5f}/day, dropout b x {smm.dropout_b_scale:.3f}; distance "
        f"{smm.distance:,.1f} (at the likelihood fit, no reactivation: "
        f"{smm.distance_at_mle:,.1f})\n"
        f"entry: {smm.entry_per_day:.2f} new customers/day over the last 13 weeks"
        + (
            "; the scenario's market.entry new_customers arrive at this rate"
            if smm.entry_per_day > 0
            else ""
        )
    )


def _cmd_calibrate(args: argparse.Namespace) -> int:
    from simulator.errors import OutputError
    from simulator.io.staging import check_new_dir

    log_options.check_options(args)
    if not 1 <= args.days <= 25_000:
        from simulator.errors import UsageError

        raise UsageError(f"--days {args.days}: expected 1 to 25000")
    out = Path(args.out) if args.out else Path(f"{Path(args.log).stem}_calibrated.yaml")
    if out.exists() or out.is_symlink():
        raise OutputError(f"{out}: exists already; choose another --out")
    if not out.absolute().parent.is_dir():
        raise OutputError(f"{out}: its folder does not exist; create it or choose another --out")
    report = Path(args.report) if args.report else out.with_name(f"{out.stem}.calibration")
    check_new_dir(report, option="--report")
    if args.id_map and Path(args.id_map).exists():
        raise OutputError(f"{args.id_map}: exists already; choose another --id-map")
    storage = log_options.study_storage(args, out.with_name(f"{out.stem}.study.db"))
    base = log_options.base_mapping(args)
    log = log_options.read(args, args.calibration_end)

    from simulator.calibration.outputs import write_calibration
    from simulator.calibration.pipeline import calibrate

    # The scenario names its customers' histories relative to its own folder.
    histories = os.path.relpath(report.absolute() / "customers.parquet", out.absolute().parent)
    cal = calibrate(
        log,
        args.calibration_end,
        base=base,
        segments=args.segments,
        replications=args.replications,
        seed=args.seed,
        progress=not args.quiet,
        customers_file=Path(histories).as_posix(),
        horizon=args.days,
        budget=args.budget,
        storage=storage,
    )
    console.stop_if_interrupted()
    folder = write_calibration(cal, out, report)
    if args.id_map:
        from simulator.calibration.log import write_id_map

        write_id_map(log, Path(args.id_map))
    for k, s in enumerate(cal.fit.segments, start=1):
        console.say(
            f"segment {k}: share {s.share:.3f}  r {s.r:.3f}  alpha {s.alpha:.3f} weeks  "
            f"a {s.a:.3f}  b {s.b:.3f}"
        )
    console.say(
        f"log-likelihood {cal.fit.log_likelihood:,.1f}  AIC {cal.fit.aic:,.1f}  "
        f"BIC {cal.fit.bic:,.1f} (compare --segments K by BIC, on the calibration data)"
    )
    if cal.fit.spend is not None:
        sp = cal.fit.spend
        console.say(f"spend (Gamma-Gamma): p {sp['p']:.3f}  q {sp['q']:.3f}  v {sp['v']:.3f}")
    console.say(smm_text(cal.smm))
    console.say(fit_table_text(cal.fit_table))
    console.say(f"scenario: {out}\nreport: {folder / 'report.html'}")
    return 0
