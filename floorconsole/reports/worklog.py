"""The day-shift lead's daily and weekly work report (每天日班值班长负责统计当天工作情况: system
problems, difficult cases, workload, daily and weekly), with the busy/idle picture per queue
(掌握各班忙闲情况) so the department head can re-seat people.

`build_work_report` reads the store and folds the feed (call it off the UI thread). The
busy/idle verdict of an hour (or a shift) of one queue, by the configured targets:
busy when the service level is below target or the abandon rate above it; quiet when nobody
abandoned or timed out, the SL met its target and the talk load was under one agent (less
than an hour of talk in the hour); normal otherwise.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Literal

from floorconsole.config import Config, Thresholds
from floorconsole.i18n import _
from floorconsole.layout import FloorLayout
from floorconsole.measures import Tally
from floorconsole.report import HOUR, fmt_time
from floorconsole.report_cells import fmt_hm, fmt_pct
from floorconsole.reports.document import Document, Table
from floorconsole.reports.feed import FeedBuckets, Progress, fold_or_problem
from floorconsole.reports.periods import Period, day_period, week_period
from floorconsole.shifts import shift_at_epoch
from floorconsole.store import Complaint, Escalation, FollowUp, LogEntry, Store

WorkKind = Literal["daily", "weekly"]
SYSTEM_KINDS = ("equipment",)  # 设备情况: the log's system problems
DIFFICULT_KINDS = ("difficult-case",)  # 疑难问题


@dataclass(frozen=True)
class WorkReport:
    kind: WorkKind
    period: Period
    generated_at: float
    feed: FeedBuckets | None
    feed_problem: str
    system: tuple[LogEntry, ...]
    difficult: tuple[LogEntry, ...]
    complaints: tuple[Complaint, ...]
    escalations: tuple[Escalation, ...]
    follow_ups: tuple[FollowUp, ...]  # every follow-up created or done in the period, or open at its end
    thresholds: Thresholds
    config: Config


def build_work_report(
    store: Store,
    config: Config,
    kind: WorkKind,
    day: date,
    now: float,
    *,
    feed_paths: list[Path] | None = None,
    layout: FloorLayout | None = None,
    progress: Progress | None = None,
) -> WorkReport:
    """The daily report of `day`, or the weekly report of the ISO week holding `day`."""
    period = day_period(day) if kind == "daily" else week_period(day)
    start, end = period.start, period.end
    feed, problem = fold_or_problem(feed_paths, config, start, end, layout=layout, progress=progress)
    entries = store.list_entries(since=start, until=end, kinds=[*SYSTEM_KINDS, *DIFFICULT_KINDS])
    follow_ups = tuple(
        f for f in store.list_follow_ups(open_only=False) if f.time < end and (f.done is None or f.done.time >= start)
    )
    return WorkReport(
        kind=kind,
        period=period,
        generated_at=now,
        feed=feed,
        feed_problem=problem,
        system=tuple(e for e in entries if e.kind in SYSTEM_KINDS),
        difficult=tuple(e for e in entries if e.kind in DIFFICULT_KINDS),
        complaints=tuple(c for c in store.list_complaints(since=start) if c.time < end),
        escalations=tuple(
            e for e in store.list_escalations(include_closed=True, since=start - 31 * 86400) if e.raised_at < end
        ),
        follow_ups=follow_ups,
        thresholds=config.thresholds,
        config=config,
    )


def talk_load(t: Tally, hours: float) -> float:
    """Agents busy talking on average: talk seconds ÷ the seconds in the range (Erlangs)."""
    return t.talk_sum / (hours * HOUR) if hours else 0.0


def picture(t: Tally, hours: float, th: Thresholds) -> str:
    """busy / normal / quiet (see the module docstring); `-` with no call."""
    finished = t.answered + t.abandoned + t.exited
    if not t.offered and not finished:
        return "-"
    sl = 100.0 * t.within_sl / finished if finished else None
    ab = 100.0 * t.abandoned / finished if finished else None
    if (sl is not None and sl < th.sl_target_pct) or (ab is not None and ab > th.abandon_target_pct):
        return _("busy")
    if not t.abandoned and not t.exited and talk_load(t, hours) < 1.0:
        return _("quiet")
    return _("normal")


def _pct(num: int, den: int) -> str:
    return fmt_pct(None if den == 0 else 100.0 * num / den)


def _busy_columns(first: tuple[str, ...]) -> tuple[str, ...]:
    return (
        *first,
        _("queue"),
        _("offered"),
        _("answered"),
        _("abandoned"),
        _("SL"),
        _("abandon rate"),
        _("talk load (agents)"),
        _("picture"),
    )


def _busy_cells(q: str, t: Tally, hours: float, th: Thresholds) -> list[str]:
    finished = t.answered + t.abandoned + t.exited
    return [
        q,
        str(t.offered),
        str(t.answered),
        str(t.abandoned),
        _pct(t.within_sl, finished),
        _pct(t.abandoned, finished),
        f"{talk_load(t, hours):.1f}",
        picture(t, hours, th),
    ]


def _hour_of_day(t: float) -> int:
    return datetime.fromtimestamp(t).hour


def work_document(r: WorkReport) -> Document:
    """The work report as tables (every format renders this)."""
    p = r.period
    th = r.thresholds
    tables: list[Table] = []
    entry_cols = (_("time"), _("shift"), _("entry"), _("by"))
    tables.append(
        Table(
            _("System problems"),
            entry_cols,
            [[fmt_time(e.time), e.shift, e.body, e.author] for e in r.system],
            _("Duty-log entries of kind equipment (设备情况)"),
        )
    )
    tables.append(
        Table(
            _("Difficult cases"),
            entry_cols,
            [[fmt_time(e.time), e.shift, e.body, e.author] for e in r.difficult],
            _("For the weekly meeting's agreed reply script (统一的答复口径)"),
        )
    )
    # --- workload by day
    rows = []
    for d in p.days:
        dp = day_period(d)
        s, e = dp.start, dp.end
        t = r.feed.tally(s, e) if r.feed else Tally()
        finished = t.answered + t.abandoned + t.exited
        esc = [x for x in r.escalations if s <= x.raised_at < e]
        rows.append(
            [
                d.isoformat(),
                str(t.offered) if r.feed else "-",
                str(t.answered) if r.feed else "-",
                _pct(t.within_sl, finished) if r.feed else "-",
                _pct(t.abandoned, finished) if r.feed else "-",
                str(sum(1 for c in r.complaints if s <= c.time < e)),
                str(len(esc)),
                str(
                    sum(1 for x in r.escalations if x.outcome == "callback" and x.outcome_at and s <= x.outcome_at < e)
                ),
                str(sum(1 for f in r.follow_ups if s <= f.time < e)),
                str(sum(1 for f in r.follow_ups if f.done is not None and s <= f.done.time < e)),
            ]
        )
    open_at_end = [f for f in r.follow_ups if f.time < p.end and (f.done is None or f.done.time >= p.end)]
    overdue = [f for f in open_at_end if f.due < min(p.end, r.generated_at)]
    tables.append(
        Table(
            _("Workload by day"),
            (
                _("day"),
                _("calls offered"),
                _("calls answered"),
                _("SL"),
                _("abandon rate"),
                _("complaints"),
                _("escalations"),
                _("callbacks promised"),
                _("follow-ups opened"),
                _("follow-ups done"),
            ),
            rows,
            _("{open} follow-up(s) still open at the end of the period, {overdue} overdue").format(
                open=len(open_at_end), overdue=len(overdue)
            )
            + ("" if r.feed else "; " + r.feed_problem),
        )
    )
    if r.feed is None:
        return _document(r, tables)
    f = r.feed
    days = len(p.days)
    # --- busy/idle by shift (各班忙闲)
    shift_rows = []
    by_shift: dict[tuple[str, str], Tally] = {}
    shift_hours: Counter[str] = Counter()
    for h in _hour_starts(p):
        name = shift_at_epoch(r.config.shifts, h + HOUR / 2).name
        shift_hours[name] += 1
        for q in f.queues:
            b = f.buckets[q].get(h)
            if b is not None:
                by_shift.setdefault((name, q), Tally()).merge(b)
    for sd in r.config.shifts:
        for q in f.queues:
            t = by_shift.get((sd.name, q), Tally())
            shift_rows.append([sd.name, *_busy_cells(q, t, shift_hours[sd.name], th)])
    tables.append(
        Table(
            _("Busy and idle by shift"),
            _busy_columns((_("shift"),)),
            shift_rows,
            _(
                "busy: SL under {sl:.0f}% or abandon over {ab:.0f}%; quiet: no abandon, SL met and under one agent's talk; "
                "talk load = agents busy talking on average"
            ).format(sl=th.sl_target_pct, ab=th.abandon_target_pct),
        )
    )
    # --- busy/idle by hour (a day: each hour; a week: each hour of the day over the week)
    hour_rows = []
    if r.kind == "daily":
        for h in _hour_starts(p):
            name = shift_at_epoch(r.config.shifts, h + HOUR / 2).name
            for q in f.queues:
                b = f.buckets[q].get(h)
                if b is not None:
                    hour_rows.append([f"{fmt_hm(h)}–{fmt_hm(h + HOUR)}", name, *_busy_cells(q, b, 1.0, th)])
        note = _("Calls by the hour they entered; hours without a call are left out")
    else:
        per: dict[tuple[int, str], Tally] = {}
        for q in f.queues:
            for h, b in f.buckets[q].items():
                if p.start <= h < p.end:
                    per.setdefault((_hour_of_day(h), q), Tally()).merge(b)
        for (hod, q), t in sorted(per.items()):
            hour_rows.append([f"{hod:02d}:00–{(hod + 1) % 24:02d}:00", "", *_busy_cells(q, t, float(days), th)])
        note = _("Each hour of the day over the week's {days} days (talk load: the average day)").format(days=days)
    tables.append(Table(_("Busy and idle by hour"), _busy_columns((_("hour"), _("shift"))), hour_rows, note))
    return _document(r, tables)


def _hour_starts(p: Period) -> list[float]:
    out = []
    h = (p.start // HOUR) * HOUR
    while h < p.end:
        out.append(h)
        h += HOUR
    return out


def _document(r: WorkReport, tables: Sequence[Table]) -> Document:
    p = r.period
    title = (
        _("Daily work report: {day}").format(day=p.label)
        if r.kind == "daily"
        else _("Weekly work report: {week} ({first} – {last})").format(
            week=p.label, first=p.first.isoformat(), last=(p.first + timedelta(days=6)).isoformat()
        )
    )
    return Document(
        title=title,
        tables=list(tables),
        intro=[_("For the department head (客服部主任)")],
        footer=[_("Generated {time}. Internal and confidential.").format(time=fmt_time(r.generated_at))],
        name=f"{r.kind}-{p.label}",
    )
