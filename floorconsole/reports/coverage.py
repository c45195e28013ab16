"""Quality inspection coverage: every agent listened to 1–5 times a month (DOMAIN.md; the
rulebook's 每月每人监听不少于1-5次), scored on the five dimensions, summarised weekly and monthly.

`build_coverage` takes the month's inspections and the agents who should be covered (the
layout's agents, those who answered calls in the month, and anyone inspected); it is pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from statistics import fmean

from floorconsole.i18n import N_, _
from floorconsole.layout import label_agent
from floorconsole.report import fmt_time
from floorconsole.reports.document import Document, Table
from floorconsole.reports.periods import Period, weeks_of
from floorconsole.store.models import SCORE_DIMENSIONS, Inspection

TARGET_MIN, TARGET_MAX = 1, 5  # inspections per agent per month
LOW_SCORE = 2  # a score at or below this is a weak spot for the training plan

# Dimension labels as the rulebook names them (translated where shown).
DIMENSION_LABELS: dict[str, str] = {
    "service_language": N_("Service language 服务用语"),
    "attitude": N_("Attitude 服务态度"),
    "tone": N_("Tone 语气语调"),
    "needs": N_("Grasp of need 把握客户需求"),
    "composure": N_("Adaptability 接待客户应变能力"),
}


def _mean(values: Sequence[float]) -> float | None:
    return fmean(values) if values else None


def fmt_mean(v: float | None) -> str:
    return "—" if v is None else f"{v:.2f}"


@dataclass(frozen=True)
class DimensionSummary:
    """The inspections of one range (a week, the month, one agent) by dimension."""

    count: int
    means: dict[str, float | None]
    lows: dict[str, int]  # scores at or below LOW_SCORE
    mean_total: float | None

    @classmethod
    def of(cls, inspections: Sequence[Inspection]) -> DimensionSummary:
        return cls(
            count=len(inspections),
            means={d: _mean([i.scores[d] for i in inspections]) for d in SCORE_DIMENSIONS},
            lows={d: sum(1 for i in inspections if i.scores[d] <= LOW_SCORE) for d in SCORE_DIMENSIONS},
            mean_total=_mean([i.total for i in inspections]),
        )


@dataclass(frozen=True)
class AgentCoverage:
    agent: str
    label: str  # `Liu Bo (SIP/1038)`
    per_week: tuple[int, ...]
    summary: DimensionSummary
    weekly: tuple[DimensionSummary, ...]
    last: float | None

    @property
    def count(self) -> int:
        return self.summary.count

    @property
    def status(self) -> str:
        """`none`, `within` (1–5) or `above` (more than 5: fine, but more than planned)."""
        if self.count < TARGET_MIN:
            return "none"
        return "within" if self.count <= TARGET_MAX else "above"


@dataclass(frozen=True)
class CoverageReport:
    month: Period
    weeks: tuple[Period, ...]
    agents: tuple[AgentCoverage, ...]
    by_week: tuple[DimensionSummary, ...]
    month_summary: DimensionSummary
    generated_at: float
    inspected_agents_by_week: tuple[int, ...] = ()
    inspectors: dict[str, int] = field(default_factory=dict)

    @property
    def not_inspected(self) -> list[AgentCoverage]:
        return [a for a in self.agents if a.count == 0]


def build_coverage(
    inspections: Iterable[Inspection],
    agents: Iterable[str],
    month: Period,
    now: float,
    names: Mapping[str, str] | None = None,
) -> CoverageReport:
    """Coverage of `month` from its inspections (others are ignored) for `agents` plus anyone inspected."""
    names = names or {}
    weeks = tuple(weeks_of(month))
    ins = [i for i in inspections if month.contains(i.time)]
    by_agent: dict[str, list[Inspection]] = {a: [] for a in agents}
    for i in ins:
        by_agent.setdefault(i.agent, []).append(i)
    rows = []
    for agent, mine in by_agent.items():
        rows.append(
            AgentCoverage(
                agent=agent,
                label=label_agent(agent, names.get(agent)),
                per_week=tuple(sum(1 for i in mine if w.contains(i.time)) for w in weeks),
                summary=DimensionSummary.of(mine),
                weekly=tuple(DimensionSummary.of([i for i in mine if w.contains(i.time)]) for w in weeks),
                last=max((i.time for i in mine), default=None),
            )
        )
    # Who has none first (what to do next), then the fewest; by name within.
    rows.sort(key=lambda a: (a.count > 0, a.count, a.label))
    week_lists = [[i for i in ins if w.contains(i.time)] for w in weeks]
    inspectors: dict[str, int] = {}
    for i in ins:
        inspectors[i.author] = inspectors.get(i.author, 0) + 1
    return CoverageReport(
        month=month,
        weeks=weeks,
        agents=tuple(rows),
        by_week=tuple(DimensionSummary.of(w) for w in week_lists),
        month_summary=DimensionSummary.of(ins),
        generated_at=now,
        inspected_agents_by_week=tuple(len({i.agent for i in w}) for w in week_lists),
        inspectors=dict(sorted(inspectors.items())),
    )


def status_text(a: AgentCoverage) -> str:
    if a.status == "none":
        return _("none yet")
    if a.status == "within":
        return _("within target")
    return _("above target")


def coverage_document(r: CoverageReport) -> Document:
    """The coverage report as tables (every format renders this)."""
    dims = [_(DIMENSION_LABELS[d]) for d in SCORE_DIMENSIONS]
    week_heads = [f"{w.label} {w.span}" for w in r.weeks]
    per_agent = Table(
        _("Inspections per agent"),
        (_("agent"), _("inspections"), *week_heads, _("target 1–5"), *dims, _("mean total"), _("last inspected")),
        [
            [
                a.label,
                str(a.count),
                *(str(n) for n in a.per_week),
                status_text(a),
                *(fmt_mean(a.summary.means[d]) for d in SCORE_DIMENSIONS),
                fmt_mean(a.summary.mean_total),
                fmt_time(a.last),
            ]
            for a in r.agents
        ],
        _("Scores 1–5 per dimension (mean of the month's inspections); total out of 25"),
    )
    missing = Table(
        _("Not inspected yet this month"),
        (_("agent"),),
        [[a.label] for a in r.not_inspected],
        _("Each agent is listened to 1–5 times a month"),
    )
    agent_weeks = Table(
        _("Weekly summary per agent"),
        (_("agent"), _("week"), _("inspections"), *dims, _("mean total")),
        [
            [
                a.label,
                f"{w.label} {w.span}",
                str(s.count),
                *(fmt_mean(s.means[d]) for d in SCORE_DIMENSIONS),
                fmt_mean(s.mean_total),
            ]
            for a in r.agents
            for w, s in zip(r.weeks, a.weekly)
            if s.count
        ],
        _("Weeks in which the agent was inspected"),
    )
    weekly = Table(
        _("Weekly summary by dimension"),
        (_("week"), _("inspections"), _("agents inspected"), *dims, _("mean total")),
        [
            [
                f"{w.label} {w.span}",
                str(s.count),
                str(n),
                *(fmt_mean(s.means[d]) for d in SCORE_DIMENSIONS),
                fmt_mean(s.mean_total),
            ]
            for w, s, n in zip(r.weeks, r.by_week, r.inspected_agents_by_week)
        ],
        _("Weeks run Monday to Sunday, cut at the month's ends"),
    )
    m = r.month_summary
    monthly = Table(
        _("Monthly summary by dimension"),
        (_("dimension"), _("mean"), _("scores of 1–2"), _("agents with a mean below 3")),
        [
            [
                _(DIMENSION_LABELS[d]),
                fmt_mean(m.means[d]),
                str(m.lows[d]),
                str(sum(1 for a in r.agents if (a.summary.means[d] or 5) < 3)),
            ]
            for d in SCORE_DIMENSIONS
        ],
        _("Low scores point at what the training plan should cover"),
    )
    inspectors = Table(
        _("Inspections by inspector"),
        (_("inspector"), _("inspections")),
        [[who, str(n)] for who, n in r.inspectors.items()],
    )
    covered = sum(1 for a in r.agents if a.count >= TARGET_MIN)
    intro = [
        _("{covered} of {agents} agents inspected at least once; {missing} not yet; {total} inspections").format(
            covered=covered, agents=len(r.agents), missing=len(r.not_inspected), total=m.count
        ),
    ]
    return Document(
        title=_("Quality inspection coverage: {month}").format(month=r.month.label),
        tables=[per_agent, missing, agent_weeks, weekly, monthly, inspectors],
        intro=intro,
        footer=[_("Generated {time}. Internal and confidential.").format(time=fmt_time(r.generated_at))],
        name=f"coverage-{r.month.label}",
    )
