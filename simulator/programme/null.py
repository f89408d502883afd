"""No programme: the same questions as :class:`~simulator.programme.facade.Programme`,
answered with neutral values (a null object, after SimPy's two-hook resources), so the
daily stages never ask whether a programme runs."""

from __future__ import annotations

from typing import Any

import numpy as np

from simulator.programme.accounting import COST_KEYS, Accounts

_ZERO_METRICS = (
    "points_issued",
    "points_redeemed",
    "points_expired",
    "points_outstanding",
    "points_liability",
    "deferred_revenue",
    "members",
)


class NoProgramme:
    """The programme of a firm without one (or with the programme module off)."""

    active = False

    def __init__(self) -> None:
        self.accounts = Accounts()

    def tier_labels(self) -> list[str]:
        return []

    def tier_of(self) -> np.ndarray | None:
        return None

    def columns(self) -> dict[str, np.ndarray]:
        return {}

    def effective_rate(self) -> float:
        return 0.0

    def open(self, day: int) -> None:
        pass

    def schedule(self, first_day: int = 1) -> None:
        pass

    def settle_opening(self) -> None:
        self.accounts.close_into_totals()
        self.accounts.new_day()

    def begin_day(self, day: int) -> None:
        pass

    def reset_counters(self) -> None:
        self.accounts.reset_totals(0.0)

    def rate_multiplier(self) -> None:
        return None

    def reward_rate(self, rows: np.ndarray) -> np.ndarray:
        return np.zeros(rows.size)

    def utility_bonus(self, rows: np.ndarray) -> float:
        return 0.0

    def focal_terms(self, rows: np.ndarray, psi_by_segment: np.ndarray) -> np.ndarray:
        return np.zeros(rows.size)

    def financial_switching_cost(self, rows: np.ndarray) -> float:
        return 0.0

    def financial_factor(self, rows: np.ndarray, kappa: float) -> np.ndarray:
        return np.ones(rows.size)

    def discount(self, rows: np.ndarray) -> float:
        return 0.0

    def quality_uplift(self, rows: np.ndarray) -> float:
        return 0.0

    def visit(
        self, day: int, rows: np.ndarray, basket: np.ndarray, gross: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        zero = np.zeros(rows.size)
        return zero, zero.copy(), zero.copy()

    def on_acquired(self, day: int, rows: np.ndarray) -> None:
        pass

    def on_referral(self, day: int, referrers: np.ndarray, referred: np.ndarray) -> None:
        pass

    def referral_multiplier(self) -> float:
        return 1.0

    def winback_offer_share(self, rows: np.ndarray) -> float:
        return 0.0

    def on_winback(self, day: int, rows: np.ndarray) -> None:
        pass

    def end_day(self, day: int) -> float:
        self.accounts.close_into_totals()
        return 0.0

    def close_day(self) -> None:
        self.accounts.new_day()

    def handle(self, action: str, *args: Any) -> None:
        raise KeyError(f"no programme to run {action!r}")

    def day_metrics(self, day: int) -> dict[str, float]:
        # Same metric names with or without a programme, so comparisons line up.
        out = dict.fromkeys(_ZERO_METRICS, 0.0)
        out["breakage_rate"] = float("nan")
        out["programme_cost"] = 0.0
        out["programme_cost_cash"] = 0.0
        return out

    def summary(self) -> dict[str, Any]:
        return self.accounts.summary()

    def snapshot(self) -> dict[str, Any]:
        return {"accounts": self.accounts.snapshot()}

    def restore(self, data: dict[str, Any]) -> None:
        self.accounts.restore(data["accounts"])


__all__ = ["COST_KEYS", "NoProgramme", "PausedProgramme"]


class PausedProgramme(NoProgramme):
    """A programme switched off mid-run (``modules.programme: false``).

    It has no effect on customers, but its members keep their points and tiers, its
    dated actions (expiry, reviews) carry on, and its books are still reported; switching
    the module on again resumes it as it was.
    """

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.accounts = inner.accounts

    def tier_labels(self) -> list[str]:
        return self.inner.tier_labels()

    def tier_of(self) -> np.ndarray | None:
        return self.inner.tier_of()

    def columns(self) -> dict[str, np.ndarray]:
        return self.inner.columns()

    def handle(self, action: str, *args: Any) -> None:
        self.inner.handle(action, *args)

    def reset_counters(self) -> None:
        self.inner.reset_counters()

    def end_day(self, day: int) -> float:
        self.accounts.close_into_totals()
        return 0.0

    def close_day(self) -> None:
        self.inner.close_day()

    def day_metrics(self, day: int) -> dict[str, float]:
        out = self.inner.day_metrics(day)
        out["members"] = 0.0
        return out

    def summary(self) -> dict[str, Any]:
        return self.inner.summary()

    def snapshot(self) -> dict[str, Any]:
        return {"paused": True, **self.inner.snapshot()}

    def restore(self, data: dict[str, Any]) -> None:
        self.inner.restore(data)
