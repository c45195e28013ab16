"""`floorconsole report coverage|monthly|daily|weekly`: the reports the shift lead owes.

Split from `report.py` (the shift report) so each stays one job; `report.py` routes here.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from floorconsole.commands.common import deliver_audited, report_reader
from floorconsole.i18n import _
from floorconsole.identity import Actor
from floorconsole.layout import FloorLayout, configured_layout
from floorconsole.reports.coverage import build_coverage, coverage_document
from floorconsole.reports.document import Document
from floorconsole.reports.feed import fold_period
from floorconsole.reports.monthly import MonthlyReport, audit_export, build_monthly, mark_sent, monthly_document
from floorconsole.reports.periods import (
    local_date,
    month_period,
    parse_day,
    parse_month,
    parse_week,
    previous_month,
)
from floorconsole.reports.render import render
from floorconsole.reports.worklog import build_work_report, work_document
from floorconsole.store.cli_support import EXIT_OK, EXIT_USAGE, fail, run_with_store
from floorconsole.store.errors import ReadOnlyStore

if TYPE_CHECKING:
    from floorconsole.config import Config
    from floorconsole.store import Store

OWED_KINDS: tuple[str, ...] = ("coverage", "monthly", "daily", "weekly")
DEFAULT_RECIPIENT = "department head"  # 客服部主任


def _period_options_ok(args: argparse.Namespace) -> str:
    """Why the period options do not fit the report (empty when they do)."""
    allowed = {"coverage": "month", "monthly": "month", "daily": "day", "weekly": "week"}[args.kind]
    for opt in ("month", "day", "week"):
        if getattr(args, opt, None) and opt != allowed:
            return _("--{opt} does not go with report {kind} (it takes --{allowed})").format(
                opt=opt, kind=args.kind, allowed=allowed
            )
    if args.mark_sent and args.kind != "monthly":
        return _("--mark-sent goes with report monthly")
    if args.complaints_only or args.shift != "current":
        return _("--shift and --complaints-only go with the shift report")
    if args.findings and args.kind != "monthly":
        return _("--findings goes with report monthly (and the shift report)")
    if args.format == "xlsx" and not args.out and not args.mark_sent:
        return _("an .xlsx report is a file: give -o FILE")
    return ""


def run_owed(args: argparse.Namespace) -> int:
    """Build, audit and write a coverage, monthly, daily or weekly report."""
    if problem := _period_options_ok(args):
        return fail(problem, EXIT_USAGE)

    def body(store: Store, config: Config) -> int:
        now = store.clock()
        today = local_date(now)
        checked = report_reader(args, config)
        if isinstance(checked, int):
            return checked
        actor, paths = checked
        layout = configured_layout(config.layout_path)
        try:
            doc, target, monthly = _build(args, store, config, now, today, paths, layout)
        except ValueError as exc:
            return fail(str(exc), EXIT_USAGE)
        if args.mark_sent and monthly is not None and not args.out:
            sent = mark_sent(store, actor, monthly, args.sent_to or DEFAULT_RECIPIENT)
            print(
                _("marked the monthly report {month} as sent to {whom}").format(month=sent.period, whom=sent.sent_to),
                file=sys.stderr,
            )
            return EXIT_OK
        data = render(doc, args.format)

        def record(where: str) -> None:
            _audit(store, actor, args, target, monthly, where)
            if args.mark_sent and monthly is not None:
                mark_sent(store, actor, monthly, args.sent_to or DEFAULT_RECIPIENT, args.format, where)

        return deliver_audited(args.out, data, record)

    def audited_body(store: Store, config: Config) -> int:
        try:
            return body(store, config)
        except ReadOnlyStore:
            return fail(
                _(
                    "no report was produced: every export is recorded in the audit trail, and the records "
                    "database is read-only (check the file's and the folder's permissions)"
                )
            )

    return run_with_store(args, audited_body, must_exist=True)


def _audit(
    store: Store, actor: Actor, args: argparse.Namespace, target: str, monthly: MonthlyReport | None, out: str
) -> None:
    if monthly is not None:
        audit_export(store, actor, monthly, args.format, out)
    else:
        store.record_audit("report.export", actor, target, f"{args.kind} report as {args.format} to {out}")


def _build(
    args: argparse.Namespace,
    store: Store,
    config: Config,
    now: float,
    today: date,
    paths: list[Path] | None,
    layout: FloorLayout,
) -> tuple[Document, str, MonthlyReport | None]:
    """The document, the audit target (`coverage:2026-11`) and the monthly report (or None)."""
    if args.kind in ("coverage", "monthly"):
        if args.month:
            year, month = parse_month(args.month)
        elif args.kind == "monthly":
            year, month = previous_month(today.year, today.month)  # the one due by the 22nd
        else:
            year, month = today.year, today.month
        if args.kind == "monthly":
            period = month_period(year, month)
            flags = store.list_attendance_flags(period.start, period.end)
            report = build_monthly(
                store, config, year, month, now, flags, feed_paths=paths, layout=layout, findings=args.findings
            )
            return monthly_document(report), f"monthly:{report.period}", report
        period = month_period(year, month)
        agents = [p.agent for p in layout.seats]
        if paths:
            try:
                fed = fold_period(paths, config.thresholds, period.start, period.end, layout=layout)
                agents += [a for a in sorted(fed.answered_by_agent) if a not in agents]
            except OSError:
                pass  # the layout and the inspections still name who is covered
        names = {p.agent: p.name for p in layout.seats if p.name != p.agent}
        inspections = store.list_inspections(since=period.start)
        cov = build_coverage(inspections, agents, period, now, names)
        return coverage_document(cov), f"coverage:{period.label}", None
    day = parse_day(args.day) if args.day else parse_week(args.week) if args.week else today
    work = build_work_report(store, config, args.kind, day, now, feed_paths=paths, layout=layout)
    return work_document(work), f"{args.kind}:{work.period.label}", None
