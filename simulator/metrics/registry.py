"""Every metric the model records or reports, declared once (docs/model.md §7).

After the EMA Workbench's outcomes (``em_framework/outcomes.py``: ``ScalarOutcome(name,
kind=MAXIMIZE)``): one :class:`Metric` per name says what it is (label, format, unit),
which way is better, when it is recorded (each day, at the end, or both) and where it is
shown. The run summary table, ``compare``'s KPIs and daily series, the report's words,
tables and charts and the run plots all read these declarations; none keeps its own
list. A metric is added here, in one line, and appears everywhere it is flagged for.

``tests/test_registry.py`` runs the shipped scenarios and checks that every name
``metrics.daily`` records and every key of ``summary.json`` is declared with the right
kind.
"""

from __future__ import annotations

import re
from dataclasses import KW_ONLY, dataclass
from types import MappingProxyType
from typing import Literal

__all__ = ["BOTH", "COMPARISON", "DAILY", "FINAL", "GROUPS", "METRICS", "Metric", "breakdowns",
           "compared", "compared_daily", "declare", "directions", "get", "headline",
           "objectives", "trajectories"]  # fmt: skip

Kind = Literal["daily", "final", "both", "comparison"]
DAILY: Kind = "daily"  # a row per day in metrics.parquet
FINAL: Kind = "final"  # a key of summary.json
BOTH: Kind = "both"  # both, under the same name
COMPARISON: Kind = "comparison"  # computed by `compare` against the baseline
# Breakdown columns of metrics.parquet, in report order.
GROUPS = ("segment", "tier")

# Display formats (str.format of one value).
COUNT = "{:,.0f}"
MONEY = "{:,.0f}"
SHARE = "{:.1%}"
GENERAL = "{:,.3g}"


@dataclass(frozen=True)
class Metric:
    """One outcome of a run: what it is, which way is better and where it is shown.

    Parameters
    ----------
    name
        The metric's name in ``metrics.parquet`` and/or the key in ``summary.json``.
    label
        Lower-case noun phrase, read inside sentences ("premium raises net margin by
        ..."); capitalised at the start of a table row.
    fmt
        Format of one value (``"{:,.0f}"``, ``"{:.1%}"``, ...).
    unit
        What one value counts, used as an axis label ("customers", "currency").
    direction
        +1 maximise, -1 minimise, 0 neither (``compare`` then says higher or lower).
    kind
        ``daily`` (recorded each day), ``final`` (in ``summary.json``), ``both`` (under
        the same name) or ``comparison`` (computed by ``compare``).
    flow
        A daily amount that adds up over days (its total is the sum: revenue, visits);
        otherwise a level or a ratio, read as it is (active customers, NPS).
    title
        Chart title, when it says more than the label ("Net Promoter Score").
    headline, headline_label
        Row of the ``loyalty-sim run`` summary table (1 = first), and its label there
        when the table says more than the label ("(end)").
    compared
        Position among the final KPIs ``compare`` judges (``comparison.csv`` order).
    compared_daily
        ``compare`` keeps its daily totals (``comparison.parquet``, trajectories).
    objective
        Position in the report's executive summary.
    trajectory
        Position among the report's charts over time (flows are drawn cumulated).
    breakdown, by
        Row position in the report's tables by segment and tier, and the groups the
        model records the metric by.
    group_labels
        Row label in the table of one group, when it differs from the label.
    points
        Scale that turns a change into points (100 for a share, 1 for a score), for
        rates and scores whose changes are read in points rather than in percent.
    """

    name: str
    label: str
    _: KW_ONLY
    fmt: str = GENERAL
    unit: str = ""
    direction: int = 0
    kind: Kind = FINAL
    flow: bool = False
    title: str = ""
    headline: int | None = None
    headline_label: str = ""
    compared: int | None = None
    compared_daily: bool = False
    objective: int | None = None
    trajectory: int | None = None
    breakdown: int | None = None
    by: tuple[str, ...] = ()
    group_labels: tuple[tuple[str, str], ...] = ()
    points: float | None = None

    @property
    def daily(self) -> bool:
        """Recorded each day in ``metrics.parquet``."""
        return self.kind in (DAILY, BOTH)

    @property
    def final(self) -> bool:
        """A key of ``summary.json``."""
        return self.kind in (FINAL, BOTH)

    @property
    def heading(self) -> str:
        """The label at the start of a table row: capitalised, abbreviations kept."""
        return self.label[:1].upper() + self.label[1:]

    @property
    def chart_title(self) -> str:
        """Title of its chart; flows are drawn cumulated, as totals to date."""
        title = self.title or self.heading
        return f"{title}, cumulative" if self.flow else title

    @property
    def signed(self) -> bool:
        """Shown with its sign: a score read around zero (NPS)."""
        return self.fmt.startswith("{:+")

    def group_label(self, group: str) -> str:
        """Row label in the table by ``group`` (segment or tier)."""
        own = dict(self.group_labels).get(group)
        return own[:1].upper() + own[1:] if own else self.heading

    def value_text(self, value: float) -> str:
        """One value in the metric's format."""
        return self.fmt.format(value)

    def diff_text(self, value: float) -> str:
        """A signed difference in the metric's units; percentage points for shares."""
        if self.points == 100.0 and self.fmt.endswith("%}"):
            decimals = re.search(r"\.(\d+)%", self.fmt)
            return f"{value * 100:+.{decimals.group(1) if decimals else 1}f} pp"
        spec = self.fmt.removeprefix("{:").removesuffix("}").lstrip("+")
        return ("{:+" + spec + "}").format(value)


def _declare(*metrics: Metric) -> MappingProxyType[str, Metric]:
    out: dict[str, Metric] = {}
    for m in metrics:
        if m.name in out:
            raise ValueError(f"metric {m.name!r} is declared twice")
        out[m.name] = m
    return MappingProxyType(out)


SAT = "satisfaction (0-10)"

# fmt: off
METRICS = _declare(
    # -- run facts
    Metric("days", "days reported", fmt=COUNT, unit="days"),
    Metric("warmup_days", "warm-up days (not reported)", fmt=COUNT, unit="days"),
    Metric("customers", "people in the market at the start", fmt=COUNT, unit="people"),
    Metric("people_in_category", "people in the market at the end", fmt=COUNT,
           unit="people"),
    Metric("customers_entered", "people who entered the category", fmt=COUNT, unit="people"),
    Metric("customers_exited", "people who left the category", fmt=COUNT, unit="people"),
    Metric("entered", "people who entered the category", fmt=COUNT, unit="people",
           kind=DAILY, flow=True),
    Metric("exits", "people who left the category", fmt=COUNT, unit="people",
           kind=DAILY, flow=True),
    # -- customers (stocks each day, flows summed; docs/model.md §7)
    Metric("customers_active", "active customers", fmt=COUNT, unit="customers", direction=1,
           kind=BOTH, headline=1, headline_label="Active customers (end)", compared=2,
           compared_daily=True, objective=4, trajectory=1, breakdown=1, by=("segment",)),
    Metric("customers_prospect", "prospects", fmt=COUNT, unit="customers", kind=DAILY),
    Metric("customers_lapsed_stock", "lapsed customers", fmt=COUNT, unit="customers",
           kind=DAILY),
    Metric("customers_alive", "customers in the category", fmt=COUNT, unit="customers",
           kind=DAILY),
    Metric("acquired", "customers acquired", fmt=COUNT, unit="customers", direction=1,
           kind=DAILY, flow=True),
    Metric("customers_acquired", "customers acquired", fmt=COUNT, unit="customers",
           direction=1, headline=2, headline_label="Acquired"),
    Metric("acquired_by_advertising", "customers acquired by advertising", fmt=COUNT,
           unit="customers"),
    Metric("acquired_by_wom", "customers acquired by word-of-mouth", fmt=COUNT,
           unit="customers"),
    Metric("acquired_by_referral", "customers acquired by referral", fmt=COUNT,
           unit="customers"),
    Metric("defected", "customers defected", fmt=COUNT, unit="customers", direction=-1,
           kind=DAILY, flow=True),
    Metric("customers_defected", "customers defected", fmt=COUNT, unit="customers",
           direction=-1),
    Metric("left_category", "customers who left the category", fmt=COUNT, unit="customers",
           direction=-1, kind=DAILY, flow=True),
    Metric("customers_left_category", "customers who left the category", fmt=COUNT,
           unit="customers", direction=-1),
    Metric("customers_lapsed", "customers lapsed", fmt=COUNT, unit="customers", direction=-1,
           kind=BOTH, flow=True, headline=3, headline_label="Lapsed (defected or left)"),
    Metric("won_back", "customers won back", fmt=COUNT, unit="customers", direction=1,
           kind=DAILY, flow=True),
    Metric("customers_won_back", "customers won back", fmt=COUNT, unit="customers",
           direction=1),
    Metric("retention_rate", "retention of the starting cohort", fmt=SHARE, unit="share",
           direction=1, points=100.0),
    Metric("retention_rate_annual", "annual retention", fmt=SHARE, unit="share", direction=1,
           headline=4, compared=1, objective=2, points=100.0),
    Metric("churn_monthly", "monthly churn", fmt="{:.2%}", unit="share", direction=-1,
           headline=5, points=100.0),
    Metric("clv_mean", "realised CLV per customer", fmt="{:,.2f}", unit="currency",
           direction=1, headline=18, compared=3, objective=3),
    # -- satisfaction and word-of-mouth
    Metric("nps", "NPS", fmt="{:+.1f}", unit="NPS", direction=1, kind=BOTH,
           title="Net Promoter Score", headline=6, headline_label="NPS (end)", compared=4,
           compared_daily=True, objective=5, trajectory=2, points=1.0),
    Metric("satisfaction_mean", "mean satisfaction", fmt="{:.2f}", unit=SAT, direction=1,
           kind=BOTH, title="Satisfaction of active customers", headline=7,
           headline_label="Mean satisfaction (end)", compared_daily=True, breakdown=2,
           by=GROUPS, group_labels=(("tier", "mean satisfaction (active members)"),)),
    *(
        Metric(f"satisfaction_p{q:02d}", f"{q}th percentile of satisfaction", fmt="{:.2f}",
               unit=SAT, kind=DAILY)
        for q in (5, 25, 50, 75, 95)
    ),
    Metric("wom_positive", "positive word-of-mouth", fmt=COUNT, unit="conversations",
           direction=1, kind=BOTH, flow=True, headline=19, compared=5, objective=7),
    Metric("wom_negative", "negative word-of-mouth", fmt=COUNT, unit="conversations",
           direction=-1, kind=BOTH, flow=True, headline=20, compared=6, objective=8),
    Metric("wom_ratio", "positive to negative word-of-mouth", fmt="{:,.2f}", unit="ratio",
           direction=1, kind=BOTH),
    Metric("talk_rate_detractor", "share of detractors who talked", fmt=SHARE, unit="share",
           points=100.0),
    Metric("talk_rate_passive", "share of passives who talked", fmt=SHARE, unit="share",
           points=100.0),
    Metric("talk_rate_promoter", "share of promoters who talked", fmt=SHARE, unit="share",
           points=100.0),
    Metric("referrals_made", "referrals made", fmt=COUNT, unit="referrals", direction=1),
    Metric("referrals_converted", "referrals converted", fmt=COUNT, unit="customers",
           direction=1),
    Metric("referrers", "customers who referred", fmt=COUNT, unit="customers"),
    Metric("referral_value_total", "realised value of referred customers", fmt=MONEY,
           unit="currency", direction=1),
    Metric("referral_value_per_referrer", "referral value per referrer", fmt="{:,.2f}",
           unit="currency", direction=1),
    # -- visits and share
    Metric("focal_visits", "visits to the focal firm", fmt=COUNT, unit="visits", direction=1,
           kind=BOTH, flow=True),
    Metric("share_of_wallet", "share of wallet", fmt=SHARE, unit="share", direction=1,
           kind=BOTH, headline=8, points=100.0),
    Metric("market_share", "market share", fmt=SHARE, unit="share", direction=1, kind=DAILY,
           points=100.0),
    # -- money
    Metric("revenue", "revenue", fmt=MONEY, unit="currency", direction=1, kind=BOTH,
           flow=True, headline=9, compared=7, compared_daily=True, objective=6,
           trajectory=3),
    Metric("revenue_cumulative", "revenue to date", fmt=MONEY, unit="currency", direction=1,
           kind=DAILY, breakdown=3, by=("segment",)),
    Metric("gross_margin", "gross margin", fmt=MONEY, unit="currency", direction=1,
           kind=BOTH, flow=True, headline=12, headline_label="= Gross margin"),
    Metric("cost_of_goods", "cost of goods", fmt=MONEY, unit="currency", direction=-1,
           kind=BOTH, flow=True, headline=10, headline_label="- Cost of goods"),
    Metric("quality_cost", "cost of quality above the reference", fmt=MONEY,
           unit="currency", direction=-1, kind=BOTH, flow=True, headline=11,
           headline_label="- Cost of quality above the reference"),
    Metric("acquisition_cost", "acquisition cost", fmt=MONEY, unit="currency", direction=-1,
           kind=BOTH, flow=True, headline=14, headline_label="- Acquisition cost"),
    Metric("service_cost", "complaint-desk cost", fmt=MONEY, unit="currency", direction=-1,
           kind=BOTH, flow=True, headline=15, headline_label="- Complaint-desk cost"),
    Metric("net_margin", "net margin", fmt=MONEY, unit="currency", direction=1, kind=BOTH,
           flow=True, headline=17, headline_label="= Net margin", compared=9,
           compared_daily=True, objective=1,
           trajectory=5),
    # -- programme (docs/model.md §7: points, accounting, tiers)
    Metric("programme_cost", "programme cost", fmt=MONEY, unit="currency", direction=-1,
           kind=BOTH, flow=True, headline=13, headline_label="- Programme cost", compared=8,
           compared_daily=True, objective=9,
           trajectory=4),
    Metric("programme_cost_cash", "programme cost, rewards costed when redeemed",
           fmt=MONEY, unit="currency", direction=-1, kind=BOTH, flow=True),
    Metric("programme_cost_rewards", "programme cost of rewards (accrued)", fmt=MONEY,
           unit="currency", direction=-1, kind=BOTH, flow=True),
    Metric("programme_cost_tier_benefits", "programme cost of tier benefits", fmt=MONEY,
           unit="currency", direction=-1, kind=BOTH, flow=True),
    Metric("programme_cost_campaigns", "programme cost of campaigns", fmt=MONEY,
           unit="currency", direction=-1, kind=BOTH, flow=True),
    Metric("programme_cost_referrals", "programme cost of referral rewards", fmt=MONEY,
           unit="currency", direction=-1, kind=BOTH, flow=True),
    Metric("programme_cost_running", "programme running cost", fmt=MONEY, unit="currency",
           direction=-1, kind=BOTH, flow=True),
    Metric("programme_roi", "programme ROI (gross)", fmt="{:,.2f}", unit="ratio",
           direction=1, compared=10),
    Metric("margin_per_programme_cost", "margin gained per 1.00 of extra programme cost",
           fmt="{:,.2f}", unit="ratio", direction=1, kind=COMPARISON),
    Metric("programme_roi_incremental",
           "incremental programme ROI (margin gained per 1.00 of cost \u2212 1)",
           fmt="{:+,.2f}", unit="ratio", direction=1, kind=COMPARISON),
    Metric("points_issued", "points issued", fmt=COUNT, unit="points", kind=BOTH, flow=True),
    Metric("points_redeemed", "points redeemed", fmt=COUNT, unit="points", kind=BOTH,
           flow=True),
    Metric("points_expired", "points expired", fmt=COUNT, unit="points", kind=BOTH,
           flow=True),
    Metric("points_outstanding", "points outstanding", fmt=COUNT, unit="points", kind=BOTH),
    Metric("points_outstanding_opening", "points outstanding when the window opened",
           fmt=COUNT, unit="points"),
    Metric("breakage_rate", "breakage rate", fmt=SHARE, unit="share", kind=BOTH,
           headline=22, points=100.0),
    Metric("points_liability", "points liability", fmt=MONEY, unit="currency", direction=-1,
           kind=BOTH, headline=23, compared=11, compared_daily=True, objective=10,
           trajectory=6),
    Metric("deferred_revenue", "deferred revenue", fmt=MONEY, unit="currency", kind=BOTH),
    Metric("members", "members", fmt=COUNT, unit="customers", kind=BOTH, breakdown=1,
           by=("tier",)),
    Metric("members_by_tier", "members by tier", unit="customers"),
    Metric("promotions", "tier promotions", fmt=COUNT, unit="customers"),
    Metric("demotions", "tier demotions", fmt=COUNT, unit="customers"),
    Metric("tier_reviews", "tier reviews", unit="records"),
    Metric("campaigns", "campaigns", unit="records"),
    # -- complaint desk
    Metric("complaints", "complaints", fmt=COUNT, unit="complaints", direction=-1,
           kind=BOTH, flow=True, headline=21),
    Metric("complaints_closed", "complaints closed", fmt=COUNT, unit="complaints",
           kind=DAILY, flow=True),
    Metric("complaint_queue", "complaints waiting", fmt=COUNT, unit="complaints",
           direction=-1, kind=DAILY),
    Metric("complaint_wait_mean", "mean wait for the desk", fmt="{:,.2f}", unit="days",
           direction=-1, kind=BOTH),
    Metric("complaint_wait_p95", "95th percentile of the wait for the desk", fmt="{:,.2f}",
           unit="days", direction=-1),
    Metric("complaint_resolution_rate", "complaint resolution rate", fmt=SHARE,
           unit="share", direction=1, kind=BOTH, points=100.0),
)
# fmt: on


def declare(*metrics: Metric) -> None:
    """Declare a component's own metrics once, beside the rest (the membership systems':
    :mod:`simulator.metrics.membership`, declared when :mod:`simulator.metrics` loads)."""
    global METRICS
    METRICS = _declare(*METRICS.values(), *metrics)


def get(name: str) -> Metric:
    """The declared metric, or a bare one (its name as label) for an undeclared name."""
    return METRICS.get(name) or Metric(name, name)


def _ranked(field: str) -> tuple[Metric, ...]:
    chosen = [m for m in METRICS.values() if getattr(m, field) is not None]
    return tuple(sorted(chosen, key=lambda m: getattr(m, field)))


def headline() -> tuple[Metric, ...]:
    """Rows of the ``loyalty-sim run`` summary table, in order."""
    return _ranked("headline")


def compared() -> tuple[Metric, ...]:
    """Final KPIs ``compare`` judges, in report order."""
    return _ranked("compared")


def compared_daily() -> tuple[Metric, ...]:
    """Daily totals ``compare`` keeps for each run."""
    return tuple(m for m in METRICS.values() if m.compared_daily)


def objectives() -> tuple[Metric, ...]:
    """KPIs of the report's executive summary, in order."""
    return _ranked("objective")


def trajectories() -> tuple[Metric, ...]:
    """The report's charts over time, in order."""
    return _ranked("trajectory")


def breakdowns(group: str) -> tuple[Metric, ...]:
    """Rows of the report's table by ``group`` (``segment`` or ``tier``), in order."""
    return tuple(m for m in _ranked("breakdown") if group in m.by)


def directions() -> dict[str, int]:
    """Name -> +1 maximise, -1 minimise, 0 neither, for every declared metric."""
    return {name: m.direction for name, m in METRICS.items()}
