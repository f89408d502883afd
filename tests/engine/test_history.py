"""A run from the firm's real customers (market.initial.customers): the posterior start,
and a bad histories file refused in one line before any work."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulator.cli.main import main
from simulator.config.loading import load_yaml, resolve
from simulator.engine.model import LoyaltyModel
from tests.conftest import SCENARIOS


def _histories(path, n: int = 400) -> None:
    k = np.arange(n)
    # Half never bought again (x = 0: alive for sure); half bought 5 times in the first
    # 30 days of a 300-day history and then nothing: BG/NBD says they are almost surely
    # gone, so they must (nearly) never buy again.
    x = np.where(k % 2 == 0, 0, 5)
    tx = np.where(x > 0, 30, 0)
    pd.DataFrame(
        {"customer": k, "frequency": x, "recency": tx, "T": 300, "monetary_value": 20.0 * (x > 0)}
    ).to_parquet(path, index=False)


def _scenario(tmp_path, n: int = 400) -> dict:
    _histories(tmp_path / "customers.parquet", n)
    mapping = load_yaml(SCENARIOS / "cdnow_baseline.yaml")
    mapping["market"]["initial"] = {
        "active": 1.0,
        "lapsed": 0.0,
        "entry_spread_days": 0,
        "customers": "customers.parquet",
    }
    mapping["run"] = {**mapping["run"], "customers": n, "days": 60, "warmup_days": 0}
    return mapping


def test_customers_start_in_the_state_their_history_gives(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = resolve(_scenario(tmp_path))
    model = LoyaltyModel(config, seed=3, record_transactions=True)
    pop = model.pop.snapshot()
    silent = np.arange(400) % 2 == 1
    assert pop["alive"][~silent].all()  # no repeat purchase: alive for sure
    assert pop["alive"][silent].mean() < 0.05  # a long silence after 5 purchases
    assert (pop["purchases"][silent] == 6).all() and (pop["purchases"][~silent] == 1).all()
    for _ in range(60):
        model.step()
    tx = model.transactions(focal_only=True)
    dead = np.flatnonzero(~pop["alive"])
    assert not set(tx["customer_id"]) & set(dead)  # a customer who dropped out never buys
    # Common random numbers: the same seed draws the same customers.
    again = LoyaltyModel(config, seed=3).pop
    assert np.array_equal(again.rate, pop["rate"]) and np.array_equal(again.alive, pop["alive"])


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda m, p: m["run"].update(customers=300),
            "holds 400 customers but run.customers is 300",
        ),
        (lambda m, p: m["market"]["initial"].update(customers="nope.parquet"), "nope.parquet"),
        (
            lambda m, p: pd.read_parquet(p).assign(recency=400).to_parquet(p),
            "row 0 is not a purchase history",
        ),
        (lambda m, p: m["run"].update(warmup_days=30), "set run.warmup_days to 0"),
        (
            lambda m, p: m["market"]["initial"].update(active=0.5),
            "customers from a file are the firm's active customers",
        ),
    ],
)
def test_bad_histories_refused_in_one_line(tmp_path, capsys, edit, expected):
    import yaml

    mapping = _scenario(tmp_path)
    edit(mapping, tmp_path / "customers.parquet")
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(mapping))
    code = main(["run", str(path), "--out", str(tmp_path / "out"), "--quiet", "--no-plots"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and expected in err, err
    assert not (tmp_path / "out").exists()
