"""Loading, overriding and validating scenarios.

A scenario is plain data (a mapping) until :func:`resolve` turns it into a validated
:class:`~simulator.config.schema.Scenario`. Every failure becomes one :class:`ScenarioError`
naming the source, the key path and what was expected (pymc-marketing's schema errors;
SimPy's "amount(=-1) must be > 0" style).
"""

from __future__ import annotations

import copy
import difflib
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from simulator.config import levers, safe_yaml, targets
from simulator.config.reading import MAX_SCENARIO_BYTES, load_yaml
from simulator.config.schema import Scenario
from simulator.errors import ScenarioError

__all__ = [
    "MAX_SCENARIO_BYTES",
    "check_schedule",
    "refuse_fixed",
    "validate",
    "validate_tree",
    "load_yaml",
    "load_scenario",
    "resolve",
    "apply_overrides",
    "parse_set",
    "strategy_names",
]

# Only these top-level sections may be changed by schedules and strategies: the run
# constants and the strategies themselves are not levers.
_LEVER_ROOTS = ("firm", "market", "modules", "run", "schedule")
# Roots a scheduled change (or a change to a running model) may set.
SCHEDULE_ROOTS = ("firm", "market", "modules")


def parse_set(items: list[str] | None, *, source: str = "--set") -> dict[str, Any]:
    """Parse ``key.path=value`` strings; values are read as YAML scalars (``3``, ``true``)."""
    out: dict[str, Any] = {}
    for item in items or []:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise ScenarioError(f"expected key.path=value, got {item!r}", source=source)
        try:
            value = safe_yaml.loads(raw) if raw.strip() else ""
        except safe_yaml.YamlRefused as exc:
            raise ScenarioError(f"{key.strip()}: {exc}", source=source) from None
        except yaml.YAMLError:
            value = raw
        out[key.strip()] = value
    return out


def _split(path: str) -> list[str]:
    return [p for p in path.replace("->", ".").split(".") if p.strip() != ""]


def _set_path(tree: dict[str, Any], path: str, value: Any, *, source: str, roots: tuple) -> None:
    parts = _split(path)
    if not parts or parts[0] not in roots:
        raise ScenarioError(
            f"cannot override {path!r}: overrides must start with one of {list(roots)}",
            source=source,
            path=path,
        )
    node: Any = tree
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, list):
            idx = _list_index(node, part, path=path, source=source)
            if last:
                node[idx] = value
            else:
                node = node[idx]
        elif isinstance(node, dict):
            if last:
                node[part] = _merged(node.get(part), value)
            else:
                if node.get(part) is None:
                    node[part] = {}
                node = node[part]
        else:
            raise ScenarioError(
                f"cannot descend into {'.'.join(parts[:i])!r}: it holds a value, not a section",
                source=source,
                path=path,
            )


def _merged(old: Any, new: Any) -> Any:
    """``new`` merged into ``old`` key by key when both are mappings, else ``new``.

    A nested override (``firm: {price: 1.08}``) changes the keys it names and keeps the
    rest of the section, instead of resetting it to defaults (issue 17, item 13).
    """
    if isinstance(old, dict) and isinstance(new, dict):
        out = dict(old)
        for key, value in new.items():
            out[key] = _merged(old.get(key), value)
        return out
    return new


def _list_index(node: list, part: str, *, path: str, source: str) -> int:
    if part.lstrip("-").isdigit():
        idx = int(part)
        if not -len(node) <= idx < len(node):
            raise ScenarioError(
                f"index {idx} out of range: the list has {len(node)} entries",
                source=source,
                path=path,
            )
        return idx
    names = [item.get("name") for item in node if isinstance(item, dict)]
    if part in names:
        return names.index(part)
    hint = difflib.get_close_matches(part, [n for n in names if n], n=1)
    extra = f"; did you mean {hint[0]!r}?" if hint else ""
    raise ScenarioError(
        f"no entry named {part!r} (entries: {names}){extra}", source=source, path=path
    )


def apply_overrides(
    mapping: Mapping[str, Any],
    overrides: Mapping[str, Any] | None,
    *,
    source: str = "<mapping>",
    roots: tuple = _LEVER_ROOTS,
) -> dict[str, Any]:
    """Return a deep copy of ``mapping`` with dotted-path ``overrides`` applied.

    List entries are addressed by index (``market.segments.0.share``) or by their
    ``name`` (``market.competitors.BeanCo.price``).
    """
    tree = copy.deepcopy(dict(mapping))
    for key, value in (overrides or {}).items():
        _set_path(tree, key, copy.deepcopy(value), source=source, roots=roots)
    return tree


def strategy_names(mapping: Mapping[str, Any]) -> list[str]:
    """The strategy names a scenario mapping defines (``status_quo`` if none)."""
    strategies = mapping.get("strategies")
    if isinstance(strategies, dict) and strategies:
        return [str(k) for k in strategies]
    return ["status_quo"]


def _annotation_model(annotation: Any, key: Any) -> Any:
    """The type found under ``key`` of a field annotation (unwrapping Optional/list/dict)."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            if arg is not type(None):
                return _annotation_model(arg, key)
    if origin is typing.Annotated:
        return _annotation_model(typing.get_args(annotation)[0], key)
    return annotation


def _model_at(loc: tuple) -> type[BaseModel] | None:
    """Walk the schema along a validation error's location to the model it points into."""
    current: Any = Scenario
    for part in loc:
        current = _annotation_model(current, part)
        origin = typing.get_origin(current)
        if origin in (list, dict):
            args = typing.get_args(current)
            current = args[-1] if args else None
            continue
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return None
            current = field.annotation
        else:
            return None
    current = _annotation_model(current, None)
    if typing.get_origin(current) in (list, dict):
        args = typing.get_args(current)
        current = _annotation_model(args[-1], None) if args else None
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _format_error(err: Mapping[str, Any]) -> tuple[str, str]:
    loc = tuple(err.get("loc", ()))
    path = " -> ".join(str(p) for p in loc)
    kind = err.get("type", "")
    if not loc and "market_share" in str(err.get("msg", "")):
        path = "market -> competitors"  # the cross-section check of market shares
    if kind == "extra_forbidden":
        parent = _model_at(loc[:-1])
        options = list(parent.model_fields) if parent else []
        hint = difflib.get_close_matches(str(loc[-1]), options, n=1, cutoff=0.5)
        msg = f"unknown key {str(loc[-1])!r}"
        msg += f"; did you mean {hint[0]!r}?" if hint else f"; expected one of {options}"
        return path, msg
    msg = err.get("msg", "invalid value")
    msg = msg.removeprefix("Value error, ")
    if kind == "missing":
        return path, "required key is missing"
    if (
        "input" in err
        and kind not in ("value_error", "model_type")
        and not isinstance(err["input"], dict | list)
    ):
        msg += f", got {err['input']!r}"
    elif kind == "model_type":
        msg = f"expected a mapping of keys, got {type(err.get('input')).__name__}"
    return path, msg


def validate_tree(mapping: Mapping[str, Any], *, source: str = "<mapping>") -> Scenario:
    """Validate one scenario tree (no cross-check of its schedule)."""
    try:
        scenario = Scenario.model_validate(mapping)
    except ValidationError as exc:
        path, msg = _format_error(exc.errors()[0])
        raise ScenarioError(msg, source=source, path=path) from None
    unknown = targets.unknown_target(scenario)
    if unknown:
        raise ScenarioError(unknown[1], source=source, path=unknown[0])
    return scenario


def validate(mapping: Mapping[str, Any], *, source: str = "<mapping>") -> Scenario:
    """Validate a fully resolved mapping and its schedule; the first problem becomes a
    ScenarioError."""
    scenario = validate_tree(mapping, source=source)
    check_schedule(scenario, source=source)
    return scenario


def check_schedule(scenario: Scenario, *, source: str = "<mapping>") -> None:
    """Play the scheduled changes in firing order, each on top of the ones before.

    Each must name real keys with valid values, give a valid scenario together with
    the changes before it (shares that no longer sum to 1 are caught here, not on the
    day they fire), and change only keys that can change mid-run
    (:mod:`simulator.config.levers`). The schedule and strategies are left out of the
    trees played, so checking n changes costs n validations of one scenario.
    """
    if not scenario.schedule:
        return
    current = scenario.model_dump(mode="python", exclude={"schedule", "strategies"})
    firing = sorted(
        range(len(scenario.schedule)), key=lambda i: (max(scenario.schedule[i].day, 1), i)
    )
    for i in firing:
        where = f"schedule -> {i} -> set"
        change = scenario.schedule[i]
        try:
            trial = apply_overrides(current, change.set, source=source, roots=SCHEDULE_ROOTS)
        except ScenarioError as exc:
            raise ScenarioError(exc.message, source=source, path=where) from None
        # Fixed keys first: a share changed mid-run is refused for being fixed, not for
        # no longer summing to 1.
        refuse_fixed(current, trial, source=source, path=where, set_only=True)
        try:
            played = Scenario.model_validate(trial)
        except ValidationError as exc:
            path, msg = _format_error(exc.errors()[0])
            raise ScenarioError(f"{path}: {msg}", source=source, path=where) from None
        after = played.model_dump(mode="python", exclude={"schedule", "strategies"})
        refuse_fixed(current, after, source=source, path=where)
        unknown = targets.unknown_target(played)
        if unknown:
            raise ScenarioError(f"{unknown[0]}: {unknown[1]}", source=source, path=where)
        current = after


def refuse_fixed(
    before: dict[str, Any],
    after: dict[str, Any],
    *,
    source: str,
    path: str,
    set_only: bool = False,
) -> None:
    """One line naming the first changed key that cannot change mid-run, if any."""
    fixed = levers.fixed_changes(before, after, set_only=set_only)
    if fixed:
        key, why = fixed[0]
        raise ScenarioError(
            f"{key!r} cannot change mid-run: it {why}; keys that can: {levers.LIVE_SUMMARY}",
            source=source,
            path=path,
        )


def resolve(
    mapping: Mapping[str, Any],
    *,
    strategy: str | None = None,
    overrides: Mapping[str, Any] | None = None,
    source: str = "<mapping>",
) -> Scenario:
    """Apply a strategy's overrides, then user overrides, and validate.

    Parameters
    ----------
    mapping
        The base scenario as plain data (e.g. from :func:`load_yaml`).
    strategy
        Name of a strategy in ``mapping['strategies']``; ``None`` takes the first.
    overrides
        Dotted key paths and values applied last (``--set``).
    source
        Named in error messages (the file path).
    """
    if not isinstance(mapping, Mapping):
        raise ScenarioError(f"expected a mapping, got {type(mapping).__name__}", source=source)
    strategies = mapping.get("strategies")
    if strategies is not None and not isinstance(strategies, dict):
        raise ScenarioError(
            f"expected a mapping of strategy names to overrides, got {type(strategies).__name__}",
            source=source,
            path="strategies",
        )
    names = strategy_names(mapping)
    if strategy is None:
        strategy = names[0]
    if strategy not in names:
        hint = difflib.get_close_matches(strategy, names, n=1)
        extra = f"; did you mean {hint[0]!r}?" if hint else ""
        raise ScenarioError(
            f"unknown strategy {strategy!r}; options are {names}{extra}",
            source=source,
            path="strategies",
        )
    chosen = (strategies or {}).get(strategy) or {}
    if not isinstance(chosen, dict):
        raise ScenarioError(
            f"expected a mapping of key paths to values, got {type(chosen).__name__}",
            source=source,
            path=f"strategies -> {strategy}",
        )
    # Validate in layers so that an error is blamed on the layer that introduced it:
    # the base file, then the strategy's overrides, then the user's --set values.
    base = validate(mapping, source=source)
    if not chosen and not overrides:
        return base
    try:
        tree = apply_overrides(mapping, chosen, source=source)
        config = validate(tree, source=source)
    except ScenarioError as exc:
        raise ScenarioError(
            exc.message, source=source, path=_join("strategies", strategy, exc.path)
        ) from None
    if chosen:
        # A strategy is an intervention on a running market (docs/model.md §10): it can
        # change only what can change mid-run.
        exclude = {"schedule", "strategies"}
        before = base.model_dump(mode="python", exclude=exclude)
        after = config.model_dump(mode="python", exclude=exclude)
        fixed = levers.fixed_changes(before, after)
        if fixed:
            key, why = fixed[0]
            raise ScenarioError(
                f"{key!r} cannot change: it {why}, and a strategy is applied to a running "
                f"market; keys that can: {levers.LIVE_SUMMARY}",
                source=source,
                path=_join("strategies", strategy),
            )
    if overrides:
        try:
            tree = apply_overrides(tree, overrides, source=source)
            config = validate(tree, source=source)
        except ScenarioError as exc:
            raise ScenarioError(exc.message, source=source, path=_join("--set", exc.path)) from None
    return config


def _join(*parts: str) -> str:
    return " -> ".join(p for p in parts if p)


def load_scenario(
    path: str | Path,
    *,
    strategy: str | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Scenario:
    """Load, override and validate a scenario file in one call."""
    return resolve(load_yaml(path), strategy=strategy, overrides=overrides, source=str(path))
