"""The monthly service-quality analysis report (每月汇总形成服务质量分析报告), from the duty
log and the month's records, due to the department head by the 22nd of the next month.

`build_monthly` reads the store and folds the feed (call it off the UI thread); attendance
flags come in as a parameter (the roster owns them). Findings against a person (patrol
findings, attendance flags per person) are in the report only with `findings`, asked by a role
that may read them (`Config.sees_findings`), as in the shift report: otherwise counts only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from floorconsole.checklist import ChecklistItem
from floorconsole.config import Config
from floorconsole.i18n import N_, _
from floorconsole.identity import Actor
from floorconsole.layout import FloorLayout, label_agent
from floorconsole.log_kinds import BY_KEY
from floorconsole.measures import QueueMeasures
from floorconsole.report import fmt_time
from floorconsole.report_cells import fmt_pct, fmt_s
from floorconsole.reports.document import Document, Table
from floorconsole.reports.feed import FeedBuckets, Progress, fold_or_problem
from floorconsole.reports.periods import Period, month_period, next_month, weeks_of
from floorconsole.roster.model import AttendanceFlag
from floorconsole.store import ChainHead, Complaint, Escalation, LogEntry, PatrolNote, Praise, Store
from floorconsole.store.reports_sent import ReportSent

KIND = "monthly"
DUE_DAY = 22  # 22日前交客服部主任

ATTENDANCE_LABELS: dict[str, str] = {
    "late": N_("late 20 min or more"),
    "off_post": N_("off post 20 min or more"),
    "long_meal": N_("meal pause over 1 hour"),
    "unrostered": N_("logged in, not rostered"),
}


def due_date(year: int, month: int) -> date:
    """The report of (year, month) is due to the department head by the 22nd of the next month."""
    y, m = next_month(year, month)
    return date(y, m, DUE_DAY)


@dataclass(frozen=True)
class MonthlyReport:
    month: Period
    year: int
    month_no: int
    generated_at: float
    feed: FeedBuckets | None
    feed_problem: str
    patrol: tuple[PatrolNote, ...]
    praise: tuple[Praise, ...]
    complaints: tuple[Complaint, ...]
    escalations: tuple[Escalation, ...]
    flags: tuple[AttendanceFlag, ...]
    entries: tuple[LogEntry, ...]
    sent: tuple[ReportSent, ...]
    checklist: tuple[ChecklistItem, ...]
    findings_included: bool = False
    sl_threshold_s: float = 15.0
    agent_names: dict[str, str] | None = None
    chain: ChainHead | None = None

    @property
    def period(self) -> str:
        return self.month.label

    @property
    def due(self) -> date:
        return due_date(self.year, self.month_no)

    def agent(self, agent: str) -> str:
        return label_agent(agent, (self.agent_names or {}).get(agent))


def build_monthly(
    store: Store,
    config: Config,
    year: int,
    month: int,
    now: float,
    flags: Sequence[AttendanceFlag],
    *,
    feed_paths: list[Path] | None = None,
    layout: FloorLayout | None = None,
    findings: bool = False,
    progress: Progress | None = None,
) -> MonthlyReport:
    """Gather the month's records (and fold the feed, when given) into a `MonthlyReport`."""
    period = month_period(year, month)
    start, end = period.start, period.end
    feed, problem = fold_or_problem(feed_paths, config, start, end, layout=layout, progress=progress)
    return MonthlyReport(
        month=period,
        year=year,
        month_no=month,
        generated_at=now,
        feed=feed,
        feed_problem=problem,
        patrol=tuple(n for n in store.list_patrol_notes(since=start) if n.time < end),
        praise=tuple(p for p in store.list_praise(since=start) if p.time < end),
        complaints=tuple(c for c in store.list_complaints(since=start) if c.time < end),
        escalations=tuple(e for e in store.list_escalations(include_closed=True, since=start) if e.raised_at < end),
        flags=tuple(f for f in flags if start <= f.started_at < end),
        entries=tuple(store.list_entries(since=start, until=end)),
        sent=tuple(store.list_reports_sent(KIND, period.label)),
        checklist=store.checklist(),
        findings_included=findings,
        sl_threshold_s=config.thresholds.sl_threshold_s,
        agent_names={p.agent: p.name for p in layout.seats if p.name != p.agent} if layout else {},
        chain=store.chain_head(),
    )


def mark_sent(
    store: Store, actor: Actor, report: MonthlyReport, sent_to: str, fmt: str = "", out: str = ""
) -> ReportSent:
    """Record that this month's report went to `sent_to` (append-only, audited)."""
    return store.mark_report_sent(KIND, report.period, sent_to, actor, fmt, out)


def audit_export(store: Store, actor: Actor, report: MonthlyReport, fmt: str, out: str) -> None:
    """Every export is audited (who, what, where), as for the shift report."""
    what = "monthly service-quality report"
    if report.findings_included:
        what += " with findings against a person"
    store.record_audit("report.export", actor, f"monthly:{report.period}", f"{what} as {fmt} to {out}")


# ----------------------------------------------------------------------------- tables


def _kpi_row(label: str, m: QueueMeasures) -> list[str]:
    return [
        label,
        str(m.offered),
        str(m.answered),
        str(m.abandoned),
        str(m.exited),
        fmt_pct(m.service_level),
        fmt_pct(m.abandon_rate),
        fmt_s(m.asa_s),
    ]


def _kpi_columns(first: str) -> tuple[str, ...]:
    return (
        first,
        _("offered"),
        _("answered"),
        _("abandoned"),
        _("exited"),
        _("SL"),
        _("abandon rate"),
        _("ASA"),
    )


def _yes_no(v: bool | None) -> str:
    return "-" if v is None else (_("yes") if v else _("no"))


def sent_line(r: MonthlyReport) -> str:
    if not r.sent:
        return _("Due to the department head by {due}; not marked as sent yet").format(due=r.due.isoformat())
    return _("Due by {due}; sent to {whom}").format(
        due=r.due.isoformat(),
        whom="; ".join(f"{s.sent_to} ({fmt_time(s.time)}, {s.sent_by})" for s in r.sent),
    )


def monthly_document(r: MonthlyReport) -> Document:
    """The monthly report as tables (every format renders this)."""
    weeks = weeks_of(r.month)
    tables: list[Table] = []
    # --- queue figures by week
    if r.feed is not None:
        f = r.feed
        rows = [_kpi_row(f"{w.label} {w.span}", f.measures(w.start, w.end)) for w in weeks]
        rows.append(_kpi_row(_("Month"), f.measures(r.month.start, r.month.end)))
        note = _(
            "All queues, by the week a call entered; SL = answered within {s:.0f} s ÷ (answered + abandoned + exited); "
            "{lines} feed lines read, {rejected} rejected"
        ).format(s=r.sl_threshold_s, lines=f.lines, rejected=f.rejected)
        tables.append(Table(_("Service level and abandon by week"), _kpi_columns(_("week")), rows, note))
        tables.append(
            Table(
                _("Queues this month"),
                _kpi_columns(_("queue")),
                [_kpi_row(q, f.measures(r.month.start, r.month.end, q)) for q in f.queues],
            )
        )
    else:
        tables.append(Table(_("Service level and abandon by week"), (_("note"),), [[r.feed_problem]]))
    # --- patrol findings by item (counts: no person named)
    labels = {c.code: f"{c.label} {c.label_zh}".strip() for c in r.checklist}
    per_item: Counter[str] = Counter()
    deductions: Counter[str] = Counter()
    agents: dict[str, set[str]] = {}
    text_only = 0
    for n in r.patrol:
        if not n.items:
            text_only += 1
        for i in n.items:
            per_item[i.code] += 1
            deductions[i.code] += i.deduction
            agents.setdefault(i.code, set()).add(n.agent)
            labels.setdefault(i.code, i.label)
    item_rows = [
        [labels[c], str(per_item[c]), str(deductions[c]), str(len(agents[c]))]
        for c in sorted(per_item, key=lambda c: (-per_item[c], labels[c]))
    ]
    if text_only:
        item_rows.append([_("other (a note without a checklist item)"), str(text_only), "0", "-"])
    tables.append(
        Table(
            _("Patrol findings by item"),
            (_("item"), _("findings"), _("deductions"), _("agents")),
            item_rows,
            _("{notes} patrol notes this month").format(notes=len(r.patrol)),
        )
    )
    if r.findings_included:
        tables.append(
            Table(
                _("Patrol findings by agent"),
                (_("agent"), _("time"), _("findings"), _("deduction"), _("note"), _("by")),
                [
                    [
                        r.agent(n.agent),
                        fmt_time(n.time),
                        ", ".join(i.label for i in n.items) or "-",
                        str(n.deduction_total),
                        n.text,
                        n.author,
                    ]
                    for n in sorted(r.patrol, key=lambda n: (n.agent, n.time))
                ],
            )
        )
    else:
        tables.append(
            Table(
                _("Patrol findings by agent"),
                (),
                [],
                _(
                    "{n} finding(s) recorded, kept out of this shared report: praise in public, correct in private. "
                    "A supervisor or manager adds them with --findings."
                ).format(n=len(r.patrol)),
            )
        )
    # --- praise (in public)
    tables.append(
        Table(
            _("Praise"),
            (_("agent"), _("time"), _("what"), _("why"), _("by")),
            [[r.agent(p.agent), fmt_time(p.time), p.what, p.why, p.author] for p in r.praise],
            _("{n} praise entries this month").format(n=len(r.praise)),
        )
    )
    # --- complaints and escalations
    week_rows = []
    for w in [*weeks, r.month]:
        cs = [c for c in r.complaints if w.contains(c.time)]
        es = [e for e in r.escalations if w.contains(e.raised_at)]
        outcomes = Counter(e.outcome or "open" for e in es)
        week_rows.append(
            [
                _("Month") if w is r.month else f"{w.label} {w.span}",
                str(len(cs)),
                str(sum(1 for c in cs if c.company_at_fault)),
                str(sum(1 for c in cs if c.apology_given)),
                str(len(es)),
                str(outcomes["resolved"]),
                str(outcomes["callback"]),
                str(outcomes["referred"]),
                str(outcomes["open"]),
            ]
        )
    tables.append(
        Table(
            _("Complaints and escalations by week"),
            (
                _("week"),
                _("complaints"),
                _("company at fault"),
                _("apology given"),
                _("escalations"),
                _("resolved"),
                _("callback"),
                _("referred"),
                _("no outcome yet"),
            ),
            week_rows,
            _("Escalations by the week they were raised, with their outcome as of now"),
        )
    )
    tables.append(
        Table(
            _("Complaints"),
            (
                "#",
                _("time"),
                _("product"),
                _("problem"),
                _("wants"),
                _("agent"),
                _("company at fault"),
                _("apology"),
                _("reported to"),
            ),
            [
                [
                    str(c.id),
                    fmt_time(c.complaint_time or c.time),
                    c.product or "-",
                    c.problem,
                    c.wants,
                    r.agent(c.agent) if c.agent else "-",
                    _yes_no(c.company_at_fault),
                    _yes_no(c.apology_given),
                    c.reported_to or "-",
                ]
                for c in r.complaints
            ],
            _("Customer names and numbers are left out of this report"),
        )
    )
    per_agent = Counter(e.agent for e in r.escalations)
    tables.append(
        Table(
            _("Escalations per agent"),
            (_("agent"), _("escalations")),
            [[r.agent(a), str(n)] for a, n in sorted(per_agent.items(), key=lambda kv: (-kv[1], kv[0]))],
            _("The supervisor must not become everyone's crutch: who escalates most"),
        )
    )
    # --- attendance flags (counted unless noted as allowed)
    kinds: Counter[str] = Counter(f.kind for f in r.flags if not f.allowed)
    allowed: Counter[str] = Counter(f.kind for f in r.flags if f.allowed)
    minutes: Counter[str] = Counter(
        {k: sum(f.minutes for f in r.flags if f.kind == k and not f.allowed) for k in kinds}
    )
    tables.append(
        Table(
            _("Attendance flags"),
            (_("flag"), _("counted"), _("noted as allowed"), _("minutes (counted)"), _("people")),
            [
                [
                    _(ATTENDANCE_LABELS.get(k, k)),
                    str(kinds[k]),
                    str(allowed[k]),
                    str(minutes[k]),
                    str(len({f.person for f in r.flags if f.kind == k and not f.allowed})),
                ]
                for k in ATTENDANCE_LABELS
                if kinds[k] or allowed[k]
            ],
            _("A flag a supervisor noted as allowed is not counted"),
        )
    )
    if r.findings_included:
        tables.append(
            Table(
                _("Attendance flags by person"),
                (_("person"), _("flag"), _("shift"), _("time"), _("minutes"), _("allowed")),
                [
                    [
                        r.agent(f.person),
                        _(ATTENDANCE_LABELS.get(f.kind, f.kind)),
                        f.shift_key,
                        fmt_time(f.started_at),
                        str(f.minutes),
                        (f"{f.allowed_by}: {f.allowed_note}" if f.allowed else ""),
                    ]
                    for f in sorted(r.flags, key=lambda f: (f.person, f.started_at))
                ],
            )
        )
    # --- the duty log, by kind
    by_kind = Counter(e.kind for e in r.entries)
    tables.append(
        Table(
            _("Duty log entries by kind"),
            (_("kind"), _("entries")),
            [[BY_KEY[k].title if k in BY_KEY else k, str(n)] for k, n in sorted(by_kind.items())],
        )
    )
    chain = r.chain.text if r.chain else "-"
    return Document(
        title=_("Monthly service-quality analysis report: {month}").format(month=r.period),
        tables=tables,
        intro=[sent_line(r)],
        footer=[
            _("Chain head: {chain}").format(chain=chain),
            _("Generated {time}. Internal and confidential.").format(time=fmt_time(r.generated_at)),
        ],
        name=f"monthly-{r.period}",
    )
