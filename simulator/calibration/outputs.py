"""Files of ``calibrate`` and ``holdout``, written in full or not at all.

Everything goes into a staging folder moved into place at the end
(:func:`simulator.io.staging.staged_directory`); ``calibrate``'s scenario file is
linked into place from inside that block, so it exists only if the report does. No raw
customer identifier, no timestamp and no absolute path is written: the same log gives
the same bytes (the truncation test relies on it).
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulator.calibration import report as rp
from simulator.calibration.holdout import Holdout
from simulator.calibration.pipeline import Calibration
from simulator.calibration.scenario import scenario_yaml
from simulator.errors import OutputError
from simulator.io.staging import staged_directory

__all__ = ["parameters", "write_calibration", "write_holdout"]


def parameters(cal: Calibration) -> dict[str, Any]:
    """The fitted parameters and the window, as plain data (``parameters.json``)."""
    fit = cal.fit
    out = {
        "log": cal.log_name,
        "log_start": cal.origin.isoformat(),
        "calibration_end": cal.end.isoformat(),
        "customers": int(cal.first_day.size),
        "time_unit": "week",
        "segments": [
            {"share": s.share, "r": s.r, "alpha": s.alpha, "a": s.a, "b": s.b} for s in fit.segments
        ],
        "spend": fit.spend,
        "log_likelihood": fit.log_likelihood,
        # Choose K on the calibration data, never on the hold-out: BIC (or AIC) per K.
        "aic": fit.aic,
        "bic": fit.bic,
        "replication_seeds": cal.seeds,
        # Fitted by simulated method of moments (calibration period only).
        "moment_search": cal.smm.as_dict(),
    }
    entry = cal.mapping["market"]["entry"]
    if entry["mode"] != "none":
        # New customers at the rate of the last 13 weeks (a closed cohort writes none).
        out["scenario_entry"] = entry
    return out


def _header(cal: Calibration) -> str:
    return (
        f"Calibrated by `loyalty-sim calibrate` on {cal.log_name}: {cal.first_day.size:,} "
        f"customers,\npurchases from {cal.origin.isoformat()} to {cal.end.isoformat()} "
        "(nothing later was read).\nDay 1 is the day after; the run starts from these "
        "customers (market.initial.customers),\neach drawn from the posterior of their "
        "history. BG/NBD alpha is in days here (weeks in parameters.json)."
    )


def _calibration_sections(cal: Calibration, folder: Path) -> list[tuple[str, str]]:
    w = cal.weekly
    sim = (
        w["simulated_mean"].to_numpy(),
        w["simulated_p05"].to_numpy(),
        w["simulated_p95"].to_numpy(),
    )
    c_mean, c_lo, c_hi = (w[f"cumulative_simulated_{k}"].to_numpy() for k in ("mean", "p05", "p95"))
    sim_cumulative = (c_mean, c_lo, c_hi)
    x = w["week"].to_numpy()
    figs = rp.save_figures(
        {
            "calibration_weekly": rp.band_figure(
                "Weekly repeat transactions, calibration period",
                x,
                w["actual"].to_numpy(),
                sim,
                None,
            ),
            "calibration_cumulative": rp.band_figure(
                "Cumulative repeat transactions, calibration period",
                x,
                np.cumsum(w["actual"].to_numpy()),
                sim_cumulative,
                None,
            ),
        },
        folder,
    )
    seg = pd.DataFrame(parameters(cal)["segments"])
    seg.insert(0, "segment", np.arange(1, len(seg) + 1))
    spend = cal.fit.spend
    spend_text = (
        "no amount column: spend kept from the base scenario"
        if spend is None
        else f"Gamma-Gamma spend: p = {spend['p']:.3f}, q = {spend['q']:.3f}, v = {spend['v']:.3f}"
    )
    return [
        (
            "Fitted purchase process",
            "<p>BG/NBD (Fader, Hardie &amp; Lee 2005), times in weeks; "
            f"{rp.esc(spend_text)}.</p>" + rp.frame_table(seg, left=1),
        ),
        ("Reactivation and entry (simulated method of moments)", _smm_html(cal)),
        (
            "Fit table: the log against the calibrated model",
            f"<p>Each moment of the log beside its mean and 90% band over {len(cal.seeds)} "
            "replays of the calibration period, every customer entering on the day of their "
            "real first purchase.</p>" + rp.frame_table(cal.fit_table) + rp.figure_block(figs),
        ),
    ]


def _smm_html(cal: Calibration) -> str:
    m = cal.smm
    return (
        f"<p>Daily return hazard of customers who left: {m.reactivation_hazard:.5f}; "
        f"dropout b multiplied by {m.dropout_b_scale:.3f}. Distance to the log's moments "
        f"{m.distance:,.1f}, against {m.distance_at_mle:,.1f} at the likelihood fit without "
        f"returns ({m.trials} trials; docs/calibration.md &sect;6). New customers in the "
        f"last 13 weeks: {m.entry_per_day:.2f} a day.{_entry_note(cal)}</p>"
    )


def _entry_note(cal: Calibration) -> str:
    entry = cal.mapping["market"]["entry"]
    if entry["mode"] == "none":
        return ""
    return (
        f" The scenario's new customers arrive at {entry['customers_per_day']:.2f} a day "
        "(<code>market.entry.mode: new_customers</code>, a Poisson count each day), each "
        "drawn from the fitted segments and making a trial purchase on arrival."
    )


def _write_common(cal: Calibration, folder: Path) -> list[tuple[str, str]]:
    (folder / "parameters.json").write_text(json.dumps(parameters(cal), indent=2) + "\n")
    # Sequential ids only: the raw identifiers stay in memory.
    cal.histories.to_parquet(folder / "customers.parquet", index=False)
    cal.fit_table.to_csv(folder / "fit.csv", index=False, float_format="%.6g")
    return _calibration_sections(cal, folder)


def _place(text: str, target: Path) -> None:
    """Create ``target`` with ``text``; never replace an existing file."""
    tmp = target.with_name(f".{target.name}.partial-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.link(tmp, target)
    except FileExistsError:
        raise OutputError(f"{target}: exists already; choose another --out") from None
    except OSError as exc:
        raise OutputError(f"{target}: cannot write the scenario ({exc.strerror})") from None
    finally:
        tmp.unlink(missing_ok=True)


def write_calibration(cal: Calibration, scenario_path: Path, report_dir: Path) -> Path:
    """The scenario at ``scenario_path`` and the calibration report in ``report_dir``."""
    placed = False
    try:
        with staged_directory(report_dir, what="calibration report") as stage:
            sections = _write_common(cal, stage.path)
            html = rp.page(
                f"Calibration: {cal.log_name}",
                f"{cal.first_day.size:,} customers, purchases {cal.origin.isoformat()} to "
                f"{cal.end.isoformat()}; scenario {scenario_path.name}.",
                sections,
            )
            (stage.path / "report.html").write_text(html, encoding="utf-8")
            _place(scenario_yaml(cal.mapping, _header(cal)), scenario_path)
            placed = True
    except BaseException:
        if placed:
            scenario_path.unlink(missing_ok=True)
        raise
    return stage.final or report_dir


def _pct(v: float | None) -> str:
    return "&ndash;" if v is None else f"{v:+.1%}"


def _holdout_sections(ho: Holdout, folder: Path) -> list[tuple[str, str]]:
    w = ho.weekly
    x = w["week"].to_numpy()

    def sim(prefix: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        mean, lo, hi = (w[f"{prefix}_{s}"].to_numpy() for s in ("mean", "p05", "p95"))
        return mean, lo, hi

    h, c = ho.histogram, ho.conditional
    labels = [str(k) for k in h["transactions"]]
    labels[-1] += "+"
    figs = rp.save_figures(
        {
            "holdout_weekly": rp.band_figure(
                "Weekly repeat transactions, hold-out",
                x,
                w["actual"].to_numpy(),
                sim("simulated"),
                w["bgnbd"].to_numpy(),
            ),
            "holdout_cumulative": rp.band_figure(
                "Cumulative repeat transactions, hold-out",
                x,
                w["actual_cumulative"].to_numpy(),
                sim("simulated_cumulative"),
                w["bgnbd_cumulative"].to_numpy(),
            ),
            "holdout_histogram": rp.bars_figure(
                "Customers by hold-out transactions",
                labels,
                {"actual": h["actual"].to_numpy(), "simulated": h["simulated_mean"].to_numpy()},
                xlabel="repeat transactions in the hold-out",
                ylabel="customers",
            ),
            "holdout_conditional": rp.bars_figure(
                "Hold-out transactions by calibration frequency",
                labels,
                {
                    k: c[v].to_numpy()
                    for k, v in (
                        ("actual", "actual"),
                        ("simulated", "simulated"),
                        ("BG/NBD", "bgnbd"),
                    )
                },
                xlabel="repeat transactions in the calibration period",
                ylabel="mean hold-out transactions",
            ),
        },
        folder,
    )
    t = ho.totals

    rows = [
        ["actual", f"{t['actual']:,.0f}", "", ""],
        [
            "simulated (mean, 90% band)",
            f"{t['simulated_mean']:,.0f}",
            f"{t['simulated_p05']:,.0f} to {t['simulated_p95']:,.0f}",
            _pct(t["error_simulated"]),
        ],
        ["BG/NBD", f"{t['bgnbd']:,.0f}", "", _pct(t["error_bgnbd"])],
    ]
    totals = rp.table(["", "repeat transactions", "90% band", "error"], rows)
    return [
        (
            "Hold-out: forecast against what happened",
            f"<p>{t['customers']:,} customers over {t['holdout_days']} days after the "
            f"calibration end; simulator: {t['replications']} replications with common "
            "random numbers, each customer starting from the state their history gives; "
            "BG/NBD: its conditional expectations (Fader, Hardie &amp; Lee 2005, eq. 10)."
            "</p>" + totals + _new_customers_html(t.get("new_customers")) + rp.figure_block(figs),
        ),
        ("Hold-out frequency histogram", rp.frame_table(h.assign(transactions=labels))),
        (
            "Conditional expectations by calibration frequency",
            rp.frame_table(c.assign(calibration_frequency=labels)),
        ),
        ("Weekly repeat transactions", rp.frame_table(_shown(w, ""))),
        ("Cumulative repeat transactions", rp.frame_table(_shown(w, "_cumulative"))),
    ]


def _new_customers_html(new: dict[str, Any] | None) -> str:
    """New customers of the hold-out beside the simulated ones (when there are any)."""
    if new is None:
        return ""

    rows = [
        [
            label,
            f"{v['actual']:,.0f}",
            f"{v['simulated_mean']:,.0f}",
            f"{v['simulated_p05']:,.0f} to {v['simulated_p95']:,.0f}",
            _pct(v["error_simulated"]),
        ]
        for label, v in (
            ("new customers", new["customers"]),
            ("their transactions", new["transactions"]),
        )
    ]
    return (
        "<p>Customers whose first purchase is in the hold-out are not in the comparison "
        "above; the scenario's new customers (<code>market.entry</code>) against the log's, "
        "with every transaction of theirs, the trial included:</p>"
        + rp.table(["", "actual", "simulated", "90% band", "error"], rows)
    )


def _shown(weekly: pd.DataFrame, suffix: str) -> pd.DataFrame:
    """Weekly or cumulative columns under short headings (the page stays narrow)."""
    names = ("actual", "simulated_mean", "simulated_p05", "simulated_p95", "bgnbd")
    picked = {"week": "week"} | {
        n.replace("_", f"{suffix}_", 1) if n.startswith("simulated") else n + suffix: n
        for n in names
    }
    return weekly[list(picked)].rename(columns=picked)


def write_holdout(cal: Calibration, ho: Holdout, out: Path, *, unique: bool) -> Path:
    """``holdout.json``, ``holdout.parquet``, the report, PNGs and the calibration."""
    with staged_directory(out, what="hold-out folder", unique=unique) as stage:
        folder = stage.path
        sections = _holdout_sections(ho, folder) + _write_common(cal, folder)
        totals = {
            "calibration_end": cal.end.isoformat(),
            **ho.totals,
            "reactivation_hazard_per_day": cal.smm.reactivation_hazard,
            "dropout_b_scale": cal.smm.dropout_b_scale,
        }
        (folder / "holdout.json").write_text(json.dumps(totals, indent=2) + "\n")
        ho.tidy().to_parquet(folder / "holdout.parquet", index=False)
        (folder / "scenario.yaml").write_text(
            scenario_yaml(cal.mapping, _header(cal)), encoding="utf-8"
        )
        html = rp.page(
            f"Hold-out check: {cal.log_name}",
            f"Calibrated on purchases to {cal.end.isoformat()}; forecast of the "
            f"{ho.totals['holdout_days']} days after, against the log.",
            sections,
        )
        (folder / "report.html").write_text(html, encoding="utf-8")
    return stage.final or out
