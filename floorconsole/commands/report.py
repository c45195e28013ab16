"""Write a report: a shift's (KPIs, escalations, complaints, patrol, handover) or one the lead owes.

  floorconsole report [shift] [--shift ID|current|previous] [--format md|csv|html] [--out FILE]
                      [--complaints-only [--sent-to WHO]] [--feed FILE]
  floorconsole report coverage|monthly [--month YYYY-MM] [--format md|csv|html|xlsx|text] [-o FILE]
  floorconsole report daily [--day YYYY-MM-DD] | weekly [--week YYYY-Www]   (same formats)
  floorconsole report monthly [--month YYYY-MM] --mark-sent [--sent-to WHO]

The reports the shift lead owes (docs/reports.md): `coverage`, quality inspections per agent
this month against the 1–5 target; `monthly`, the service-quality analysis report due to the
department head by the 22nd (default: last month), which `--mark-sent` records as sent;
`daily` and `weekly`, the day-shift lead's work report.

`--shift` is `current` (default), `previous` or a key such as `2026-11-23 day`. Without
`--out` the report goes to stdout. `--complaints-only` writes just the daily complaint
summary for management: every complaint of the day and every escalation resolved that day;
with `--sent-to WHO` it is recorded as sent to WHO (the console reminds 30 minutes before the
shift ends until it is). The feed defaults to the configured one; its rotated files are
read too. Every report produced is recorded in the store's audit trail.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from floorconsole.commands.common import deliver_audited, report_reader
from floorconsole.commands.report_owed import OWED_KINDS, run_owed
from floorconsole.i18n import _
from floorconsole.layout import configured_layout
from floorconsole.report import FORMATS, audit_export, build_report, record_sent, resolve_shift
from floorconsole.report_output import render
from floorconsole.reports.render import FORMATS as OWED_FORMATS
from floorconsole.store.cli_support import EXIT_USAGE, fail, run_with_store
from floorconsole.store.errors import ReadOnlyStore

if TYPE_CHECKING:
    from floorconsole.config import Config
    from floorconsole.store import Store

NOT_AUDITED = (
    "no report was produced: every export is recorded in the audit trail, and the records "
    "database is read-only (check the file's and the folder's permissions)"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the report options."""
    parser.add_argument("kind", nargs="?", default="shift", choices=("shift", *OWED_KINDS), help=_("which report"))
    parser.add_argument("--month", metavar="YYYY-MM", help=_("coverage, monthly: the month (coverage: this month)"))
    parser.add_argument("--day", metavar="YYYY-MM-DD", help=_("daily: the day (default: today)"))
    parser.add_argument(
        "--week", metavar="YYYY-Www", help=_("weekly: the ISO week or a date in it (default: this week)")
    )
    parser.add_argument("--mark-sent", action="store_true", help=_("monthly: record it as sent to the department head"))
    parser.add_argument(
        "--shift", default="current", help=_("current (default), previous, or a key like '2026-11-23 day'")
    )
    parser.add_argument("--format", choices=OWED_FORMATS, default="md")
    parser.add_argument("-o", "--out", help=_("file to write (default: stdout)"))
    parser.add_argument("--complaints-only", action="store_true", help=_("only the daily complaint summary"))
    parser.add_argument(
        "--sent-to", default="", metavar="WHO", help=_("with --complaints-only: record that the summary is sent to WHO")
    )
    parser.add_argument(
        "--findings",
        action="store_true",
        help=_("include patrol findings against a person (supervisors, managers, inspectors only; audited)"),
    )
    parser.add_argument("--feed", help=_("feed file (default: the configured feed)"))
    parser.add_argument("--as", dest="as_name", metavar="NAME", help=_("who is exporting (audit)"))


def run(args: argparse.Namespace) -> int:
    """Build, audit and write the report."""

    if args.kind != "shift":
        return run_owed(args)

    def body(store: Store, config: Config) -> int:
        now = store.clock()
        if args.format not in FORMATS:
            return fail(
                _("the shift report is written as {formats}, not {format}").format(
                    formats=", ".join(FORMATS), format=args.format
                ),
                EXIT_USAGE,
            )
        if args.sent_to and not args.complaints_only:
            return fail(_("--sent-to goes with --complaints-only (the daily complaint summary)"), EXIT_USAGE)
        try:
            shift = resolve_shift(config, args.shift, now)
        except ValueError as exc:
            return fail(str(exc), EXIT_USAGE)
        checked = report_reader(args, config)
        if isinstance(checked, int):
            return checked
        actor, paths = checked
        layout = configured_layout(config.layout_path)
        report = build_report(
            store,
            config,
            shift,
            now,
            feed_paths=paths,
            layout=layout,
            complaints_only=args.complaints_only,
            findings=args.findings,
        )
        text = render(report, args.format, args.complaints_only)

        def record(where: str) -> None:
            audit_export(store, actor, report, args.format, where, args.complaints_only)
            if args.sent_to:
                record_sent(store, actor, report, args.sent_to, args.format, where)

        return deliver_audited(args.out, text, record)

    def audited_body(store: Store, config: Config) -> int:
        try:
            return body(store, config)
        except ReadOnlyStore:  # reading for the report, or recording its export
            return fail(NOT_AUDITED)

    return run_with_store(args, audited_body, must_exist=True)
