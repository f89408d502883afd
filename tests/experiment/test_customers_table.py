"""customers.parquet and transactions.parquet as people read them (docs/outputs.md)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulator.cli import main
from simulator.engine.state import NEVER
from simulator.experiment.run import run

from ..conftest import COFFEE, small


@pytest.fixture(scope="module")
def warmed(tmp_path_factory):
    from simulator.config.loading import load_yaml

    sc = small(load_yaml(COFFEE), customers=1500, days=40, warmup=50)
    return run(sc, strategy="loyalty_card", seed=3, transactions="all")


def test_codes_are_labelled_and_none_is_missing(warmed):
    c = warmed.customers
    assert list(c["relationship"].cat.categories) == ["prospect", "active", "lapsed"]
    assert list(c["last_firm"].cat.categories) == ["OurCafe", "BeanCo", "CornerCafe"]
    assert list(c["acquisition_source"].cat.categories) == ["advertising", "wom", "referral"]
    assert set(c["tier"].cat.categories) >= {"base"}
    for name in ("entry_day", "last_focal_day", "acquired_day", "join_day", "referred_by"):
        assert c[name].dtype == "Int32", name
    numbers = c.select_dtypes("number").to_numpy(dtype=float, na_value=np.nan)
    assert not (numbers == NEVER).any()
    assert (c["referred_by"].dropna() >= 0).all()
    # Prospects have never bought at the focal firm: no day, not a sentinel.
    prospects = c[c["relationship"] == "prospect"]
    assert len(prospects) and prospects["last_focal_day"].isna().all()


def test_day_stamps_count_from_the_first_reported_day(warmed):
    c = warmed.customers
    # Everyone present from the start entered 50 days before the window opened.
    assert (c["entry_day"] >= -50).all() and (c["entry_day"] == -50).sum() >= 1500
    # Joined at the card's launch, the first reported day.
    members = c[c["member"]]
    assert len(members) and members["join_day"].min() == 1
    assert c["last_focal_day"].max() == 40
    # The open market's reserve rows that never entered are not people in the market.
    assert len(c) < warmed.metadata["people_rows"]


def test_transactions_are_dated_in_the_reported_window(warmed):
    t = warmed.transactions
    assert t["day"].min() == 1 and t["day"].max() == 40
    assert t["date"].min() == pd.Timestamp(warmed.resolved["run"]["start_date"])
    assert set(t["firm"].unique()) == {"OurCafe", "BeanCo", "CornerCafe"}
    # The focal purchases are the focal firm's visits of the window.
    assert (t["firm"] == "OurCafe").sum() == warmed.summary["focal_visits"]


def test_focal_transactions_keep_only_the_focal_firm(tmp_path):
    from simulator.config.loading import load_yaml

    sc = small(load_yaml(COFFEE), customers=800, days=20)
    both = run(sc, seed=2, transactions="all").transactions
    focal = run(sc, seed=2, transactions="focal").transactions
    assert list(focal["firm"].cat.categories) == ["OurCafe"]
    expected = both[both["firm"] == "OurCafe"].reset_index(drop=True)
    pd.testing.assert_frame_equal(
        focal.assign(firm=focal["firm"].astype(str)),
        expected.assign(firm=expected["firm"].astype(str)),
    )
    out = tmp_path / "run"
    args = ["run", str(COFFEE), "--set", "run.customers=500", "--set", "run.days=10"]
    args += ["--set", "run.warmup_days=0", "--transactions", "focal", "--no-plots", "--quiet"]
    assert main([*args, "--out", str(out)]) == 0
    written = pd.read_parquet(out / "transactions.parquet")
    assert set(written["firm"]) == {"OurCafe"}
