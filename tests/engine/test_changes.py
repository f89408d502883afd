"""Every key a schedule may set takes effect; every other key is refused (docs/model.md §5.3).

The walk covers every leaf of a scenario that uses every part of the model: a tiered
programme with campaigns of each kind, rivals with an offer and a reaction rule, a
busy complaint desk. Each live key is changed on a fork of a warmed-up model and the
fork must diverge from its twin; each fixed key must be refused at validation.
"""

from __future__ import annotations

import copy
import types
import typing
from typing import Any, Literal

import numpy as np
import pytest
from pydantic import BaseModel

from simulator.config import levers
from simulator.config.loading import apply_overrides, resolve
from simulator.config.schema import Scenario
from simulator.engine.model import LoyaltyModel
from simulator.errors import ScenarioError
from simulator.experiment.run import build_model

RICH: dict[str, Any] = {
    "name": "every_lever",
    "market": {
        "competitive_intensity": 0.8,
        "defection": {"h_min": 0.002, "h_max": 0.05},
        "word_of_mouth": {
            "referral_rate": 10.0,
            "referral_conversion": 0.5,
            "promoter_rate": 0.2,
            "passive_rate": 0.1,
        },
        "initial": {"active": 0.5, "lapsed": 0.2},
        "segments": [
            {"name": "light", "share": 0.6, "purchase": {"r": 2.0, "alpha": 10.0}},
            {"name": "heavy", "share": 0.4, "purchase": {"r": 2.0, "alpha": 4.0}},
        ],
        "competitors": [
            {
                "name": "Rival",
                "market_share": 0.4,
                "price": 1.1,
                "quality": 7.0,
                "reward_rate": 0.01,
                "reaction": {"kind": "match_price", "lag_days": 20},
                "offers": [
                    {"name": "cut", "kind": "price_cut", "start": 2, "end": 60, "size": 0.2}
                ],
            },
            {"name": "Other", "market_share": 0.3},
        ],
    },
    "firm": {
        "market_share": 0.3,
        "quality": 7.0,
        "failure_rate": 0.3,
        "desk": {"staff": 3, "mean_service_days": 0.1, "cost_per_handler_day": 10.0},
        "programme": {
            "enrol_probability": 0.5,
            "enrol_all_at_start": True,
            "signup_bonus": 10,
            "rewards": [{"points": 40, "value": 2.0}, {"points": 120, "value": 8.0}],
            "expiry": {"kind": "rolling", "days": 60},
            "running_cost_per_day": 5.0,
            "running_cost_per_member_day": 0.01,
            "tiers": {
                "review_every_days": 20,
                "grace_days": 4,
                "levels": [
                    {"name": "silver", "threshold": 150, "discount": 0.05, "quality_uplift": 0.3,
                     "service_cost_per_visit": 1.0, "earn_multiplier": 1.5},
                    {"name": "gold", "threshold": 400, "discount": 0.1, "quality_uplift": 0.6,
                     "service_cost_per_visit": 2.0, "earn_multiplier": 2.0},
                ],
            },
            "campaigns": [
                {"name": "bonus", "kind": "bonus_points", "start": 2, "end": 60,
                 "reach": 0.7, "segments": ["light"], "tiers": ["base", "silver"]},
                {"name": "keep", "kind": "retention_offer", "start": 2, "end": 60,
                 "reach": 0.8, "max_satisfaction": 7.5, "min_satisfaction": 1.0,
                 "cost_per_contact": 0.5},
                {"name": "back", "kind": "winback_offer", "start": 2, "end": 60, "value": 10.0},
                {"name": "refer", "kind": "referral_reward", "start": 2, "end": 60,
                 "multiplier": 3.0, "min_days_since_visit": 0},
            ],
        },
    },
    "run": {"days": 60, "customers": 3000, "seed": 4, "warmup_days": 0},
}  # fmt: skip

SPLIT, AFTER = 6, 60
SKIP_ROOTS = ("name", "description", "run", "schedule", "strategies")


def _field(path: str) -> Any:
    """The pydantic field (annotation, FieldInfo) at a dotted path of the schema."""
    model: Any = Scenario
    info = None
    ann: Any = None
    for part in path.split("."):
        if part.isdigit():
            continue
        info = model.model_fields[part]
        ann = _unwrap(info.annotation)
        inner = ann
        if typing.get_origin(inner) is list:
            inner = _unwrap(typing.get_args(inner)[0])
        model = inner if isinstance(inner, type) and issubclass(inner, BaseModel) else None
    return ann, info


def _unwrap(ann: Any) -> Any:
    if typing.get_origin(ann) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(ann) if a is not type(None)]
        return _unwrap(args[0])
    if typing.get_origin(ann) is typing.Annotated:
        return _unwrap(typing.get_args(ann)[0])
    return ann


def _bounds(info: Any) -> tuple[float, float]:
    lo, hi = -np.inf, np.inf
    for m in info.metadata:
        for name in ("ge", "gt"):
            if getattr(m, name, None) is not None:
                lo = float(getattr(m, name)) + (1e-3 if name == "gt" else 0.0)
        for name in ("le", "lt"):
            if getattr(m, name, None) is not None:
                hi = float(getattr(m, name)) - (1e-3 if name == "lt" else 0.0)
    return lo, hi


# Keys that act only in a setting the rich scenario does not have, and values that
# show within the window.
CONTEXT: dict[str, dict[str, Any]] = {
    "firm.programme.expiry.day_of_year": {"firm.programme.expiry.kind": "calendar"},
    "firm.quality_unit_cost": {"firm.reference_quality": 5.0},
    "firm.reference_quality": {"firm.quality_unit_cost": 1.0},
}
PREFERRED: dict[str, list[Any]] = {
    "firm.programme.expiry.day_of_year": [30],
    "firm.desk.service_level_days": [0.01],
    "firm.reference_quality": [5.0],
    # Membership systems (docs/model.md §11): switched on mid-run.
    "firm.lifecycle": [{}],
    "firm.warning": [{}],
    "firm.programme.behaviour": [{"reviews": {"points": 50}}],
    "firm.surveys": [[{"kind": "nps", "schedule": "monthly", "invitation_rate": 1.0}]],
}
# A campaign aimed by the churn warning needs the warning on.
CONTEXT.update({f"firm.programme.campaigns.{i}.target": {"firm.warning": {}} for i in range(10)})


def candidates(path: str, value: Any) -> list[Any]:
    """New values for the key, most different first."""
    if path in PREFERRED:
        return PREFERRED[path]
    ann, info = _field(path)
    if ann is bool:
        return [not value]
    if typing.get_origin(ann) is Literal:
        return [v for v in typing.get_args(ann) if v != value]
    if typing.get_origin(ann) is list:
        return [["heavy"], ["gold"], []]
    lo, hi = _bounds(info)
    if value is None:
        return [SAMPLES.get(path.rsplit(".", 1)[-1], 5.0)]
    if ann is int:
        hi = min(hi, 10 * abs(value) + 100)
        out = [int(lo), int(hi), value + 1, max(int(lo), value - 1)]
        return [v for v in out if v != value]
    hi = min(hi, 10 * abs(value) + 10)
    lo = max(lo, -10.0)
    out = [lo, hi, value * 2 + 0.5, value / 2]
    return [float(v) for v in sorted(set(out), key=lambda v: -abs(v - value)) if v != value]


def _leaves() -> dict[str, Any]:
    tree = Scenario.model_validate(RICH).model_dump(mode="python")
    return {k: v for k, v in levers.flatten(tree).items() if k.split(".")[0] not in SKIP_ROOTS}


LEAVES = _leaves()
LIVE = sorted(k for k in LEAVES if levers.why_fixed(k) is None)
FIXED = sorted(k for k in LEAVES if levers.why_fixed(k) is not None)


SAMPLES: dict[str, Any] = {"reaction": {"kind": "match_reward_rate", "lag_days": 0}}


def _changed(snapshot: dict[str, Any], path: str) -> tuple[LoyaltyModel, Any]:
    """A model with the key changed to the first valid new value, stepped AFTER days.

    A value the model cannot compute (a 100% tier discount, rewards worth more than
    the spend: overflow or NaN, issue 17 item 14) is skipped for the next candidate;
    ``loyalty-sim`` refuses such a run in one line.
    """
    for value in candidates(path, LEAVES[path]):
        model = LoyaltyModel.restore(snapshot)
        try:
            model.apply_changes({path: value}, label="walk")
            with np.errstate(over="raise", invalid="raise", divide="raise"):
                for _ in range(AFTER):
                    model.step()
        except (ScenarioError, FloatingPointError):
            continue
        return model, value
    pytest.fail(f"no valid new value for {path}")


def _warm(mapping: dict[str, Any]) -> dict[str, Any]:
    model, _ = build_model(mapping, seed=4)
    for _ in range(SPLIT - 1):
        model.step()
    twin = LoyaltyModel.restore(model.snapshot())
    for _ in range(AFTER):
        twin.step()
    return {"snapshot": model.snapshot(), "base": _state(twin)}


@pytest.fixture(scope="module")
def warmed() -> dict[str, Any]:
    return _warm(RICH)


def _state(model: LoyaltyModel) -> bytes:
    parts = [a.tobytes() for a in model.customer_columns().values()]
    parts.append(repr(model.totals.as_dict()).encode())
    parts.append(repr(model.programme.summary()).encode())
    m = model.metrics.frame()
    parts.append(m["value"].to_numpy().tobytes())
    return b"".join(parts)


def test_the_walk_covers_every_section():
    roots = {k.split(".")[1] for k in LIVE if k.startswith("market.")}
    assert {"choice", "satisfaction", "defection", "complaints", "word_of_mouth"} <= roots
    assert any(k.startswith("firm.programme.campaigns.") for k in LIVE)
    assert any(k.startswith("firm.programme.tiers.levels.") for k in LIVE)
    assert len(LIVE) > 120 and len(FIXED) > 20


@pytest.mark.parametrize("path", LIVE)
def test_every_live_key_takes_effect(path, warmed):
    if path in CONTEXT:
        warmed = _warm(apply_overrides(RICH, CONTEXT[path]))
    model, value = _changed(warmed["snapshot"], path)
    assert _state(model) != warmed["base"], f"{path} -> {value!r} changed nothing"


@pytest.mark.parametrize("path", FIXED)
def test_every_fixed_key_is_refused_when_validated(path):
    value = "renamed" if path.endswith("name") else candidates(path, LEAVES[path])[0]
    if isinstance(value, list | dict):
        value = 0.5  # a schedule sets scalars; the key is refused before its value is read
    trial = copy.deepcopy(RICH)
    trial["schedule"] = [{"day": SPLIT, "set": {path: value}}]
    with pytest.raises(ScenarioError, match="cannot change mid-run") as err:
        resolve(trial)
    assert repr(path) in str(err.value) and "keys that can" in str(err.value)
    assert err.value.path == "schedule -> 0 -> set"
