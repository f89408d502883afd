"""A Mesa ``Agent`` view onto one customer's row of the population arrays.

Customers live in columnar arrays for speed; this view lets a user (or a trainer's
page) inspect one as an ordinary agent: ``model.customer(42).satisfaction``. A view is
not registered with the model (``model.agents`` holds the firms only), so looking
customers up leaves nothing behind.
"""

from __future__ import annotations

from typing import Any, Protocol

import mesa
import numpy as np

from simulator.engine.state import RELATIONSHIPS, Population


class HasCustomers(Protocol):
    """A model whose customers are rows of columnar arrays."""

    pop: Population
    firms: list[mesa.Agent]

    def customer_columns(self) -> dict[str, np.ndarray]: ...


class CustomerView(mesa.Agent):
    """Read/write view of customer ``row``: attribute access goes to the arrays.

    Scalar columns come back as Python scalars, per-firm columns as ``{firm: value}``.
    Assigning an attribute writes through to the array (for teaching: "what if this
    customer's satisfaction dropped?"). The view's ``unique_id`` is ``-(row + 1)``, apart
    from the firms' positive ids.
    """

    def __init__(self, model: HasCustomers, row: int) -> None:
        if not 0 <= row < model.pop.n:
            raise IndexError(f"customer row(={row}) must be in [0, {model.pop.n})")
        # Not mesa.Agent.__init__: that registers the agent with the model for good.
        object.__setattr__(self, "model", model)
        object.__setattr__(self, "unique_id", -(int(row) + 1))
        object.__setattr__(self, "pos", None)
        object.__setattr__(self, "row", int(row))

    def _columns(self) -> dict[str, np.ndarray]:
        return self.model.customer_columns()

    def __getattr__(self, name: str) -> Any:
        # Only called for names not found normally: the population columns.
        model = self.__dict__.get("model")
        if model is None:
            raise AttributeError(name)
        cols = model.customer_columns()
        if name not in cols:
            raise AttributeError(f"customer has no attribute {name!r}")
        value = cols[name][self.row]
        if np.ndim(value) == 1:
            return {f.name: v.item() for f, v in zip(model.firms, value, strict=True)}
        return value.item()

    def __setattr__(self, name: str, value: Any) -> None:
        model = self.__dict__.get("model")
        cols = model.customer_columns() if model is not None else {}
        if name in cols:
            cols[name][self.row] = value
        else:
            object.__setattr__(self, name, value)

    @property
    def relationship_name(self) -> str:
        """``prospect``, ``active`` or ``lapsed``."""
        return RELATIONSHIPS[int(self.model.pop.relationship[self.row])]

    def as_dict(self) -> dict[str, Any]:
        """Every attribute of this customer."""
        return {k: getattr(self, k) for k in self._columns()}

    def __repr__(self) -> str:
        s = float(self.model.pop.satisfaction[self.row])
        return f"CustomerView(row={self.row}, {self.relationship_name}, S={s:.2f})"
