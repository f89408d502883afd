"""``loyalty-sim holdout``: calibrate, forecast the weeks after, compare with the log."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from simulator.cli import console, log_options


def register(subparsers: Any) -> None:
    """Add the ``holdout`` command to the ``loyalty-sim`` parser."""
    p = subparsers.add_parser(
        "holdout",
        help="calibrate, forecast the hold-out period and compare with the log and BG/NBD",
        description=(
            "Calibrate on the purchases up to --calibration-end, simulate the customers "
            "forward to --holdout-end over R replications, and compare with what the log "
            "shows and with BG/NBD's own forecast. Writes holdout.json, holdout.parquet, "
            "report.html and PNGs into a new folder."
        ),
    )
    log_options.add_log_options(p, replications=20)
    p.add_argument(
        "--holdout-end",
        type=log_options.iso_date,
        required=True,
        metavar="DATE",
        help="last date of the hold-out period (YYYY-MM-DD)",
    )
    p.add_argument(
        "--out",
        metavar="DIR",
        help="output folder, must not exist (default: results/holdout/<log name>-<UTC timestamp>)",
    )
    p.set_defaults(func=_cmd_holdout)


def _pct(v: float | None) -> str:
    return "n/a" if v is None else f"{v:+.1%}"


def totals_text(t: dict[str, Any]) -> str:
    """The hold-out totals: actual, simulated (band), BG/NBD, and each error; the new
    customers' line when the hold-out has any."""
    return "\n".join(
        [
            f"  hold-out repeat transactions, {t['customers']:,} customers, "
            f"{t['holdout_days']} days",
            f"  actual      {t['actual']:>8,.0f}",
            f"  simulated   {t['simulated_mean']:>8,.0f}  (90% band {t['simulated_p05']:,.0f} to "
            f"{t['simulated_p95']:,.0f})  error {_pct(t['error_simulated'])}",
            f"  BG/NBD      {t['bgnbd']:>8,.0f}  error {_pct(t['error_bgnbd'])}",
            *new_customers_lines(t.get("new_customers")),
        ]
    )


def new_customers_lines(new: dict[str, Any] | None) -> list[str]:
    """The hold-out's new customers, actual against simulated (none: no lines)."""
    if new is None:
        return []
    lines = ["  new customers in the hold-out (first purchase after the calibration end)"]
    for label, v in (
        ("new customers", new["customers"]),
        ("their transactions", new["transactions"]),
    ):
        lines.append(
            f"  {label:<18}  actual {v['actual']:>8,.0f}  simulated {v['simulated_mean']:>8,.0f}"
            f"  (90% band {v['simulated_p05']:,.0f} to {v['simulated_p95']:,.0f})"
            f"  error {_pct(v['error_simulated'])}"
        )
    return lines


def _cmd_holdout(args: argparse.Namespace) -> int:
    from simulator.io.staging import check_can_create, check_new_dir, safe_slug, utc_stamp

    log_options.check_options(args)
    if args.out is not None:
        check_new_dir(args.out)
        out, unique = Path(args.out), False
    else:
        out = Path("results") / "holdout" / f"{safe_slug(Path(args.log).stem)}-{utc_stamp()}"
        check_can_create(out)
        unique = True
    if args.out is None and args.study is None:
        # Resumable across runs of the same log: one study file per log name.
        default = out.parent / f"{safe_slug(Path(args.log).stem)}.study.db"
        default.parent.mkdir(parents=True, exist_ok=True)
    else:
        default = out.with_name(f"{out.name}.study.db")
    storage = log_options.study_storage(args, default)
    base = log_options.base_mapping(args)
    log = log_options.read(args, args.holdout_end)

    from simulator.calibration.outputs import write_holdout
    from simulator.calibration.pipeline import run_holdout

    cal, ho = run_holdout(
        log,
        args.calibration_end,
        args.holdout_end,
        base=base,
        segments=args.segments,
        replications=args.replications,
        seed=args.seed,
        progress=not args.quiet,
        budget=args.budget,
        storage=storage,
    )
    console.stop_if_interrupted()
    folder = write_holdout(cal, ho, out, unique=unique)
    from simulator.cli.calibrate import smm_text

    console.say(smm_text(cal.smm))
    console.say(totals_text(ho.totals))
    console.say(f"results: {folder}")
    return 0
